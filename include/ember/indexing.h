#pragma once

#include <optional>

#include "ember/tensor.h"

namespace ember {
namespace indexing {

struct NoneType {
  // lets Slice(1, None) read as in libtorch
  constexpr operator std::optional<int64_t>() const { return std::nullopt; }
};
struct EllipsisType {};
/// `None` inserts a dim of size 1; `Ellipsis` stands for the dims not named.
constexpr NoneType None{};
constexpr EllipsisType Ellipsis{};

/// start:stop:step, any of them optional, as Python's slice.
struct Slice {
  Slice(std::optional<int64_t> start = std::nullopt, std::optional<int64_t> stop = std::nullopt,
        std::optional<int64_t> step = std::nullopt)
      : start(start), stop(stop), step(step) {}
  std::optional<int64_t> start, stop, step;
};

/// One entry of `x.index({...})`: an integer, a Slice, None, Ellipsis, a bool
/// or an index tensor (integer or boolean).
class EMBER_API TensorIndex {
 public:
  enum class Kind { Integer, Slice, None, Ellipsis, Boolean, Tensor };
  TensorIndex(int64_t i) : kind_(Kind::Integer), integer_(i) {}
  TensorIndex(int i) : kind_(Kind::Integer), integer_(i) {}
  TensorIndex(bool b) : kind_(Kind::Boolean), integer_(b) {}
  TensorIndex(Slice s) : kind_(Kind::Slice), slice_(s) {}
  TensorIndex(NoneType) : kind_(Kind::None) {}
  TensorIndex(EllipsisType) : kind_(Kind::Ellipsis) {}
  TensorIndex(const char* s);  // "..." only
  TensorIndex(ember::Tensor t) : kind_(Kind::Tensor), tensor_(std::move(t)) {}

  Kind kind() const { return kind_; }
  int64_t integer() const { return integer_; }
  const Slice& slice() const { return slice_; }
  const ember::Tensor& tensor() const { return tensor_; }

 private:
  Kind kind_;
  int64_t integer_ = 0;
  Slice slice_;
  ember::Tensor tensor_;
};

}  // namespace indexing
}  // namespace ember
