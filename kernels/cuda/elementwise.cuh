#pragma once

// The generic CUDA elementwise kernel: the CUDA side of kernels/cpu/loops.h.
// Geometry comes from ElementwiseArgs (already broadcast and collapsed by the
// front end), the math from a functor in kernels/common/, shared with the CPU.
// One grid-stride kernel per (functor, dtype); a thread computes each
// operand's byte offset from the linear index (kernels/common/index_math.h).

#include <cuda_runtime.h>

#include <algorithm>
#include <type_traits>

#include "common/functor_params.h"
#include "common/index_math.h"
#include "cuda/allocator.h"
#include "cuda/cuda_check.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"

namespace ember {
namespace cuda {

constexpr int kBlockSize = 256;
constexpr int64_t kMaxBlocks = int64_t(1) << 20;  // beyond this the grid strides

/// The operands' base pointers, by value.
template <int N>
struct Pointers {
  char* p[N];
};

/// out = f(in...) for every element; In is the inputs' storage type, the
/// functor sees opmath_t<In> (float for Half/BFloat16), the result is
/// converted to Out. NIn == 0 is a fill: out = f().
template <typename Out, typename In, int NIn, typename F>
__global__ void elementwise_kernel(index::StridedIndexer<NIn + 1> ix, Pointers<NIn + 1> ptr, int64_t numel, F f) {
  using M = opmath_t<In>;
  const int64_t step = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < numel; i += step) {
    int64_t off[NIn + 1];
    ix.offsets(i, off);
    Out* out = reinterpret_cast<Out*>(ptr.p[0] + off[0]);
    auto in = [&](int k) { return static_cast<M>(*reinterpret_cast<const In*>(ptr.p[k] + off[k])); };
    if constexpr (NIn == 0) *out = static_cast<Out>(f());
    else if constexpr (NIn == 1) *out = static_cast<Out>(f(in(1)));
    else if constexpr (NIn == 2) *out = static_cast<Out>(f(in(1), in(2)));
    else *out = static_cast<Out>(f(in(1), in(2), in(3)));
  }
}

/// The indexer for N operands, or a RuntimeError naming the op when the
/// collapsed geometry has more dims than a kernel holds.
template <int N>
index::StridedIndexer<N> make_indexer(const ElementwiseArgs& a) {
  index::StridedIndexer<N> ix;
  if (!index::make_indexer<N>(a, ix)) {
    throw RuntimeError(::ember::detail::str(
        a.name, ": CUDA elementwise kernels support at most ", index::kMaxIndexDims,
        " dims after merging the contiguous ones, got ", a.ndim,
        " (make an operand contiguous first)"));
  }
  return ix;
}

inline unsigned grid_size(int64_t numel) {
  return unsigned(std::min<int64_t>((numel + kBlockSize - 1) / kBlockSize, kMaxBlocks));
}

/// Launches elementwise_kernel on the device that holds the output, on the
/// default stream (asynchronous; errors inside surface at the next sync).
template <typename Out, typename In, int NIn, typename F>
void launch_elementwise(const ElementwiseArgs& a, const F& f) {
  static_assert(NIn + 1 <= kMaxElementwiseOperands, "too many operands");
  if (a.numel == 0) return;
  auto ix = make_indexer<NIn + 1>(a);
  Pointers<NIn + 1> ptr;
  for (int k = 0; k <= NIn; ++k) ptr.p[k] = a.data[k];
  detail::DeviceGuard guard(detail::device_of(a.data[0]));
  elementwise_kernel<Out, In, NIn><<<grid_size(a.numel), kBlockSize>>>(ix, ptr, a.numel, f);
  EMBER_CUDA_CHECK_LAUNCH();
}

/// The one CUDA kernel template for elementwise ops, the twin of
/// cpu::ew_kernel: NIn inputs of one dtype from `Types`; the output has that
/// dtype, or bool when BoolOut.
template <typename F, typename Types, int NIn, bool BoolOut = false>
void ew_kernel(ElementwiseArgs& a) {
  const F f = fn::FromParams<F>::make(a);
  dispatch_types<Types>(a.dtypes[1], a.name, [&](auto tag) {
    using T = EMBER_TYPE(tag);
    using Out = std::conditional_t<BoolOut, bool, T>;
    launch_elementwise<Out, T, NIn>(a, f);
  });
}

}  // namespace cuda
}  // namespace ember
