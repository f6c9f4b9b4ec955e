#pragma once

// Walking a tensor one line at a time along a dim: the shared geometry of
// the scan, softmax and sort kernels. Offsets and strides are in elements.

#include <cstdint>

#include "dispatch/kernel_args.h"
#include "ember/tensor.h"

namespace ember {
namespace cpu {

/// The lines of `t` along `dim`: line l starts at offset(l) and steps by
/// `stride` for `length` elements. Lines are numbered in row-major order of
/// the other dims, so two tensors of one shape number them the same way.
struct Lines {
  Lines(const Tensor& t, int64_t dim) {
    const int64_t nd = t.dim();
    for (int64_t d = 0; d < nd; ++d) {
      if (d == dim) continue;
      sizes[n] = t.size(d);
      strides[n] = t.stride(d);
      ++n;
    }
    length = nd == 0 ? 1 : t.size(dim);
    stride = nd == 0 ? 1 : t.stride(dim);
    count = 1;
    for (int i = 0; i < n; ++i) count *= sizes[i];
  }
  int64_t offset(int64_t l) const {
    int64_t off = 0;
    for (int i = n - 1; i >= 0; --i) {
      off += (l % sizes[i]) * strides[i];
      l /= sizes[i];
    }
    return off;
  }
  int n = 0;
  int64_t sizes[kMaxDims];
  int64_t strides[kMaxDims];
  int64_t length = 1, stride = 1, count = 1;
};

/// Grain (in lines) so each task covers about kGrainSize elements.
inline int64_t line_grain(int64_t length, int64_t grain_elems) {
  int64_t g = grain_elems / (length > 0 ? length : 1);
  return g > 0 ? g : 1;
}

}  // namespace cpu
}  // namespace ember
