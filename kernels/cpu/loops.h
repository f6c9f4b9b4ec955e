#pragma once

// The generic CPU elementwise loop: strides, dtypes and threads live here
// once; each op brings only its functor (kernels/common/).

#include <algorithm>
#include <array>
#include <tuple>
#include <cstdint>
#include <cstring>
#include <utility>

#include "cpu/thread_pool.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"

namespace ember {
namespace cpu {

template <typename T>
inline opmath_t<T> load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return static_cast<opmath_t<T>>(v);
}

// Optional vectorized body for a contiguous unary run; specialized in
// vec_functors.h for transcendental functions Eigen vectorizes.
template <typename F, typename T>
struct VecUnary {
  static constexpr bool enabled = false;
  static void run(const F&, T*, const T*, int64_t) {}
};

template <typename T>
inline void spread(char* buf, const char* scalar, int64_t n) {
  T v;
  std::memcpy(&v, scalar, sizeof(T));
  std::fill_n(reinterpret_cast<T*>(buf), n, v);
}

// bool operands are read and written as their byte: GCC vectorizes no
// load or store of bool, and a loop that branches per element on a random
// mask (relu's backward, where) runs ~10x slower.
template <typename T>
using Stored = std::conditional_t<std::is_same<T, bool>::value, uint8_t, T>;

// All operands contiguous: the loop the compiler vectorizes.
template <typename Out, typename... Ins, typename F, size_t... I>
inline void contiguous_loop(char* const* ptrs, int64_t n, const F& f, std::index_sequence<I...>) {
  Out* o = reinterpret_cast<Out*>(ptrs[0]);
  if constexpr (sizeof...(Ins) == 1) {
    using In0 = std::tuple_element_t<0, std::tuple<Ins...>>;
    if constexpr (VecUnary<F, Out>::enabled && std::is_same<In0, Out>::value) {
      VecUnary<F, Out>::run(f, o, reinterpret_cast<const Out*>(ptrs[1]), n);
      return;
    }
  }
  [[maybe_unused]] auto ins = std::make_tuple(reinterpret_cast<const Stored<Ins>*>(ptrs[I + 1])...);
  Stored<Out>* so = reinterpret_cast<Stored<Out>*>(o);
  for (int64_t i = 0; i < n; ++i)
    so[i] = static_cast<Stored<Out>>(static_cast<Out>(f(static_cast<opmath_t<Ins>>(std::get<I>(ins)[i])...)));
}

template <typename Out, typename... Ins, typename F, size_t... I>
inline void inner_loop(char** ptrs, const int64_t* strides, int64_t n, const F& f,
                       std::index_sequence<I...> seq) {
  constexpr size_t N = sizeof...(Ins);
  if (strides[0] == int64_t(sizeof(Out))) {
    if (((strides[I + 1] == int64_t(sizeof(Ins))) && ...)) {
      contiguous_loop<Out, Ins...>(ptrs, n, f, seq);
      return;
    }
    if (((strides[I + 1] == int64_t(sizeof(Ins)) || strides[I + 1] == 0) && ...)) {
      // Some inputs are broadcast along this run (a tensor op a scalar,
      // where(c, x, 0)): spread each into a small buffer once, so chunks of
      // the run take the contiguous, vectorized loop.
      constexpr int64_t kChunk = 256;
      static_assert(((sizeof(Ins) <= sizeof(double)) && ...), "inner_loop: operand wider than the buffer");
      [[maybe_unused]] alignas(64) char bufs[N][kChunk * sizeof(double)];
      char* p[N + 1];
      p[0] = ptrs[0];
      [[maybe_unused]] const int64_t fill = std::min(n, kChunk);
      (void)std::initializer_list<int>{
          (strides[I + 1] == 0
               ? (spread<Ins>(bufs[I], ptrs[I + 1], fill), p[I + 1] = bufs[I], 0)
               : (p[I + 1] = ptrs[I + 1], 0))...};
      for (int64_t done = 0; done < n; done += kChunk) {
        const int64_t m = std::min(kChunk, n - done);
        contiguous_loop<Out, Ins...>(p, m, f, seq);
        p[0] += m * int64_t(sizeof(Out));
        ((p[I + 1] += strides[I + 1] == 0 ? 0 : m * int64_t(sizeof(Ins))), ...);
      }
      return;
    }
  }
  char* p[N + 1];
  for (size_t k = 0; k <= N; ++k) p[k] = ptrs[k];
  for (int64_t i = 0; i < n; ++i) {
    Out r = static_cast<Out>(f(load<Ins>(p[I + 1])...));
    std::memcpy(p[0], &r, sizeof(Out));
    for (size_t k = 0; k <= N; ++k) p[k] += strides[k];
  }
}

// Walks the linear range [begin, end) of the output in row-major order,
// calling the inner loop once per run along the last dim.
template <typename Out, typename... Ins, typename F>
void run_range(const ElementwiseArgs& a, int64_t begin, int64_t end, const F& f) {
  constexpr int N = int(sizeof...(Ins)) + 1;
  const int nd = a.ndim;
  int64_t idx[kMaxDims];
  char* ptrs[N];
  int64_t rem = begin;
  for (int d = nd - 1; d >= 0; --d) {
    idx[d] = rem % a.shape[d];
    rem /= a.shape[d];
  }
  for (int k = 0; k < N; ++k) {
    ptrs[k] = a.data[k];
    for (int d = 0; d < nd; ++d) ptrs[k] += idx[d] * a.strides[k][d];
  }
  int64_t inner_strides[N];
  for (int k = 0; k < N; ++k) inner_strides[k] = a.strides[k][nd - 1];
  int64_t pos = begin;
  while (pos < end) {
    int64_t n = std::min(a.shape[nd - 1] - idx[nd - 1], end - pos);
    inner_loop<Out, Ins...>(ptrs, inner_strides, n, f, std::index_sequence_for<Ins...>{});
    pos += n;
    if (pos >= end) break;
    for (int k = 0; k < N; ++k) ptrs[k] += n * inner_strides[k];
    idx[nd - 1] += n;
    for (int d = nd - 1; d > 0 && idx[d] == a.shape[d]; --d) {
      for (int k = 0; k < N; ++k) ptrs[k] -= a.shape[d] * a.strides[k][d];
      idx[d] = 0;
      ++idx[d - 1];
      for (int k = 0; k < N; ++k) ptrs[k] += a.strides[k][d - 1];
    }
  }
}

// Copies a [rows, cols] tile of a strided input into a row-major buffer
// with row pitch kTilePitch, reading memory along its fast direction.
constexpr int64_t kTile = 32;
template <typename T>
inline void gather_tile(T* buf, const char* base, int64_t s0, int64_t s1, int64_t rows, int64_t cols) {
  for (int64_t c = 0; c < cols; ++c) {
    const char* p = base + c * s1;
    for (int64_t r = 0; r < rows; ++r) {
      T v;
      std::memcpy(&v, p + r * s0, sizeof(T));
      buf[r * kTile + c] = v;
    }
  }
}

// A 2-D op where some input runs along the rows (a transposed input):
// visit 32x32 tiles; a transposed input's tile is first transposed into a
// small buffer (read in its memory order), so every row of the tile then
// runs the contiguous, vectorized inner loop.
template <typename Out, typename... Ins, typename F, size_t... I>
void run_tiled_2d_impl(const ElementwiseArgs& a, const F& f, std::index_sequence<I...>) {
  constexpr int N = int(sizeof...(Ins)) + 1;
  const int64_t rows = a.shape[0], cols = a.shape[1];
  bool transposed[N] = {false};
  for (int k = 1; k < N; ++k) {
    int64_t s0 = a.strides[k][0] < 0 ? -a.strides[k][0] : a.strides[k][0];
    int64_t s1 = a.strides[k][1] < 0 ? -a.strides[k][1] : a.strides[k][1];
    transposed[k] = s1 > s0 && s0 != 0;
  }
  int64_t row_tiles = (rows + kTile - 1) / kTile;
  int64_t grain = std::max<int64_t>(1, kGrainSize / (kTile * std::max<int64_t>(cols, 1)));
  parallel_for(0, row_tiles, grain, [&](int64_t tb, int64_t te) {
    std::tuple<std::array<Ins, kTile * kTile>...> bufs;
    for (int64_t tr = tb; tr < te; ++tr) {
      int64_t r0 = tr * kTile, r1 = std::min(rows, r0 + kTile);
      for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
        int64_t n = std::min(kTile, cols - c0);
        (void)std::initializer_list<int>{
            (transposed[I + 1] ? (gather_tile(std::get<I>(bufs).data(),
                                              a.data[I + 1] + r0 * a.strides[I + 1][0] + c0 * a.strides[I + 1][1],
                                              a.strides[I + 1][0], a.strides[I + 1][1], r1 - r0, n),
                                  0)
                               : 0)...};
        int64_t inner_strides[N];
        inner_strides[0] = a.strides[0][1];
        ((inner_strides[I + 1] = transposed[I + 1] ? int64_t(sizeof(Ins)) : a.strides[I + 1][1]), ...);
        for (int64_t r = r0; r < r1; ++r) {
          char* ptrs[N];
          ptrs[0] = a.data[0] + r * a.strides[0][0] + c0 * a.strides[0][1];
          ((ptrs[I + 1] = transposed[I + 1]
                              ? reinterpret_cast<char*>(std::get<I>(bufs).data() + (r - r0) * kTile)
                              : a.data[I + 1] + r * a.strides[I + 1][0] + c0 * a.strides[I + 1][1]),
           ...);
          inner_loop<Out, Ins...>(ptrs, inner_strides, n, f, std::index_sequence_for<Ins...>{});
        }
      }
    }
  });
}
template <typename Out, typename... Ins, typename F>
void run_tiled_2d(const ElementwiseArgs& a, const F& f) {
  run_tiled_2d_impl<Out, Ins...>(a, f, std::index_sequence_for<Ins...>{});
}

/// Runs f over every element: out = f(in...), converting from storage types
/// Ins to op-math and the result to Out.
template <typename Out, typename... Ins, typename F>
void elementwise(const ElementwiseArgs& a, const F& f) {
  if (a.numel == 0) return;
  if (a.ndim == 1 && a.numel <= kGrainSize) {  // small and flat: no index math
    char* ptrs[kMaxElementwiseOperands];
    int64_t strides[kMaxElementwiseOperands];
    for (int k = 0; k < a.ntensors; ++k) {
      ptrs[k] = a.data[k];
      strides[k] = a.strides[k][0];
    }
    inner_loop<Out, Ins...>(ptrs, strides, a.numel, f, std::index_sequence_for<Ins...>{});
    return;
  }
  if (a.ndim == 2 && a.shape[0] >= 32 && a.shape[1] >= 32) {
    bool transposed = false;
    for (int k = 1; k < a.ntensors; ++k) {
      int64_t s0 = a.strides[k][0] < 0 ? -a.strides[k][0] : a.strides[k][0];
      int64_t s1 = a.strides[k][1] < 0 ? -a.strides[k][1] : a.strides[k][1];
      if (s1 > s0 && s0 != 0) transposed = true;
    }
    if (transposed) {
      run_tiled_2d<Out, Ins...>(a, f);
      return;
    }
  }
  parallel_for(0, a.numel, kGrainSize,
               [&](int64_t b, int64_t e) { run_range<Out, Ins...>(a, b, e, f); });
}

}  // namespace cpu
}  // namespace ember
