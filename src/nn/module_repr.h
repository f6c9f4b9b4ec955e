#pragma once

// How the C++ modules print int tuples in their repr, as torch's: (3, 3)
// and, for one element, (5,).

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace ember {
namespace nn_internal {  // not nn::detail: that would hide ember::detail inside ember::nn

inline std::string repr_ints(const std::vector<int64_t>& v) {
  std::ostringstream ss;
  ss << "(";
  for (size_t i = 0; i < v.size(); ++i) ss << (i ? ", " : "") << v[i];
  ss << (v.size() == 1 ? ",)" : ")");
  return ss.str();
}

}  // namespace nn_internal
}  // namespace ember
