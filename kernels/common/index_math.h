#pragma once

// Index math shared by the CPU and CUDA elementwise kernels: from a linear
// index over the output's shape (row-major, last dim fastest) to the byte
// offset of every operand. Standard library only; tested on the host in
// tests/cpp/cuda/test_index_math.cpp.

#include <cstdint>

#include "macros.h"

#if defined(__CUDACC__)
#define EMBER_INDEX_UNROLL _Pragma("unroll")
#else
#define EMBER_INDEX_UNROLL
#endif

namespace ember {
namespace index {

/// Dims a kernel-side indexer holds. The front end collapses dims that are
/// contiguous in every operand, so a real op rarely has more than 3 or 4.
constexpr int kMaxIndexDims = 8;

/// N operands sharing one shape, each with its own byte strides (0 on a
/// broadcast dim). Small enough to pass to a CUDA kernel by value.
template <int N>
struct StridedIndexer {
  int ndim = 0;
  int64_t sizes[kMaxIndexDims];
  int64_t strides[N][kMaxIndexDims];  // bytes

  /// offsets[k] = sum over d of index[d] * strides[k][d], where index is
  /// `linear` unravelled over sizes.
  EMBER_HOST_DEVICE void offsets(int64_t linear, int64_t (&out)[N]) const {
EMBER_INDEX_UNROLL
    for (int k = 0; k < N; ++k) out[k] = 0;
    if (ndim == 1) {  // the common case after collapsing: no division
EMBER_INDEX_UNROLL
      for (int k = 0; k < N; ++k) out[k] = linear * strides[k][0];
      return;
    }
EMBER_INDEX_UNROLL
    for (int i = 0; i < kMaxIndexDims; ++i) {
      int d = ndim - 1 - i;
      if (d < 0) break;
      int64_t q = linear / sizes[d];
      int64_t r = linear - q * sizes[d];
      linear = q;
EMBER_INDEX_UNROLL
      for (int k = 0; k < N; ++k) out[k] += r * strides[k][d];
    }
  }
};

/// Fills `ix` from any arguments struct with `ndim`, `shape[d]` and
/// `strides[k][d]` (ElementwiseArgs). Returns false when there are more
/// than kMaxIndexDims dims (the caller raises the error).
template <int N, typename Args>
inline bool make_indexer(const Args& a, StridedIndexer<N>& ix) {
  if (a.ndim < 1 || a.ndim > kMaxIndexDims) return false;
  ix.ndim = a.ndim;
  for (int d = 0; d < kMaxIndexDims; ++d) {
    bool in = d < a.ndim;
    ix.sizes[d] = in ? a.shape[d] : 1;
    for (int k = 0; k < N; ++k) ix.strides[k][d] = in ? a.strides[k][d] : 0;
  }
  return true;
}

}  // namespace index
}  // namespace ember
