// CPU im2col / col2im (Im2colFn, Col2imFn) and their 3-D forms vol2col /
// col2vol: the data movement of convolution, so that the arithmetic is one GEMM.
//
// col: [C * kh * kw, N, oh * ow]. Row r = (c, ki, kj) holds, for each image
// n, the input pixels that kernel tap (ki, kj) of channel c meets at every
// output position. Putting N inside the rows makes the forward GEMM one
// [O, C k k] x [C k k, N oh ow] product and the weight gradient one product
// that reduces over N oh ow, instead of N small ones.
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "cpu/thread_pool.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
namespace {

// Output columns [lo, hi) whose input column ow * s - p + k * d lies in
// [0, W); the others read padding.
inline void valid_range(int64_t W, int64_t o, int64_t s, int64_t p, int64_t off, int64_t& lo, int64_t& hi) {
  // need 0 <= ow * s + (off - p) < W
  const int64_t b = off - p;
  lo = b >= 0 ? 0 : (-b + s - 1) / s;
  hi = W - b <= 0 ? 0 : (W - b - 1) / s + 1;
  lo = std::min(lo, o);
  hi = std::max(lo, std::min(hi, o));
}

// Row pieces are short (a LeNet's are 8-24 wide): blocks of 8 through
// fixed-size copies (one vector move each), then the tail; a memcpy call
// or a generic vectorized loop per piece costs more than the copy.
template <typename T>
inline void copy_run(T* __restrict dst, const T* __restrict src, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) std::memcpy(dst + i, src + i, 8 * sizeof(T));
  for (; i < n; ++i) dst[i] = src[i];
}
template <typename A, typename T>
inline void add_run(A* __restrict dst, const T* __restrict src, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] += A(src[i]);
}

// The valid output columns [w0, w1) and input offset of each kernel column.
struct ColRanges {
  std::vector<int64_t> w0, w1, woff;
  ColRanges(int64_t W, const ConvGeom& g)
      : w0(static_cast<size_t>(g.kw)), w1(static_cast<size_t>(g.kw)), woff(static_cast<size_t>(g.kw)) {
    for (int64_t kj = 0; kj < g.kw; ++kj) {
      valid_range(W, g.ow, g.sw, g.pw, kj * g.dw, w0[size_t(kj)], w1[size_t(kj)]);
      woff[size_t(kj)] = kj * g.dw - g.pw;
    }
  }
};

// One input plane [H, W] -> its kh kw rows of col, row k at dst + k
// row_stride, each oh ow long. im2col and vol2col (per depth slice) share it.
template <typename T>
inline void plane_to_rows(T* __restrict out, int64_t row_stride, const T* __restrict plane, int64_t H, int64_t W,
                          const ConvGeom& g, const ColRanges& r, bool dense) {
  const int64_t KW = g.kw, K = g.kh * KW, OH = g.oh, OW = g.ow;
  const int64_t SH = g.sh, SW = g.sw, PH = g.ph, DH = g.dh;
  if (dense) {  // every tap's block is a plain 2-D copy
    for (int64_t k = 0; k < K; ++k) {
      const T* src = plane + (k / KW) * W + k % KW;
      T* dst = out + k * row_stride;
      for (int64_t oh = 0; oh < OH; ++oh, src += W, dst += OW) copy_run(dst, src, OW);
    }
    return;
  }
  for (int64_t k = 0; k < K; ++k) {
    const int64_t ki = k / KW, kj = k % KW;
    const int64_t a = r.w0[size_t(kj)], z = r.w1[size_t(kj)], off = r.woff[size_t(kj)];
    T* dst = out + k * row_stride;
    for (int64_t oh = 0; oh < OH; ++oh, dst += OW) {
      const int64_t ih = oh * SH - PH + ki * DH;
      if (ih < 0 || ih >= H) {
        std::fill(dst, dst + OW, T(0));
        continue;
      }
      const T* src = plane + ih * W + off;
      for (int64_t ow = 0; ow < a; ++ow) dst[ow] = T(0);
      if (SW == 1)
        copy_run(dst + a, src + a, z - a);
      else
        for (int64_t ow = a; ow < z; ++ow) dst[ow] = src[ow * SW];
      for (int64_t ow = z; ow < OW; ++ow) dst[ow] = T(0);
    }
  }
}

// The adjoint: adds the kh kw rows (row k at src + k row_stride) into the
// accumulator plane acc [H, W].
template <typename A, typename T>
inline void rows_to_plane(A* __restrict acc, const T* __restrict src0, int64_t row_stride, int64_t H, int64_t W,
                          const ConvGeom& g, const ColRanges& r) {
  const int64_t KW = g.kw, K = g.kh * KW, OH = g.oh, OW = g.ow;
  const int64_t SH = g.sh, SW = g.sw, PH = g.ph, DH = g.dh;
  for (int64_t k = 0; k < K; ++k) {
    const int64_t ki = k / KW, kj = k % KW;
    const T* src = src0 + k * row_stride;
    const int64_t w0 = r.w0[size_t(kj)], w1 = r.w1[size_t(kj)], woff = r.woff[size_t(kj)];
    for (int64_t oh = 0; oh < OH; ++oh, src += OW) {
      const int64_t ih = oh * SH - PH + ki * DH;
      if (ih < 0 || ih >= H) continue;
      A* dst = acc + ih * W + woff;
      if (SW == 1)
        add_run(dst + w0, src + w0, w1 - w0);
      else
        for (int64_t ow = w0; ow < w1; ++ow) dst[ow * SW] += A(src[ow]);
    }
  }
}

inline bool dense_geom(const ConvGeom& g) {
  return g.ph == 0 && g.pw == 0 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1;
}

template <typename T>
void im2col_impl(const Tensor& col, const Tensor& im, const ConvGeom& g) {
  const int64_t N = im.size(0), C = im.size(1), H = im.size(2), W = im.size(3);
  const int64_t K = g.kh * g.kw, L = g.oh * g.ow;
  const T* x = im.data_ptr<T>();
  T* out = col.data_ptr<T>();
  const ColRanges r(W, g);
  const bool dense = dense_geom(g);
  // One (n, c) input plane per task, which stays in L1 while all K of its
  // rows of col are written. Row (c, k) of image n: ((c K + k) N + n) L.
  parallel_for(0, N * C, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(K * L, 1)), [&](int64_t b, int64_t e) {
    for (int64_t nc = b; nc < e; ++nc) {
      const int64_t n = nc / C, c = nc % C;
      plane_to_rows(out + (c * K * N + n) * L, N * L, x + nc * H * W, H, W, g, r, dense);
    }
  });
}

template <typename T>
void col2im_impl(const Tensor& im, const Tensor& col, const ConvGeom& g) {
  using A = opmath_t<T>;
  const int64_t N = im.size(0), C = im.size(1), H = im.size(2), W = im.size(3);
  const int64_t K = g.kh * g.kw, L = g.oh * g.ow;
  const T* src0 = col.data_ptr<T>();
  T* y = im.data_ptr<T>();
  const ColRanges r(W, g);
  // One (n, c) plane per task: every write to a plane comes from its own
  // rows of col, so tasks never collide. float planes accumulate in place;
  // 16-bit ones in a float buffer.
  parallel_for(0, N * C, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(K * L, 1)), [&](int64_t b, int64_t e) {
    std::vector<A> buf(std::is_same<A, T>::value ? 0 : size_t(H * W));
    for (int64_t nc = b; nc < e; ++nc) {
      const int64_t n = nc / C, c = nc % C;
      T* plane = y + nc * H * W;
      A* acc = std::is_same<A, T>::value ? reinterpret_cast<A*>(plane) : buf.data();
      std::fill(acc, acc + H * W, A(0));
      rows_to_plane(acc, src0 + (c * K * N + n) * L, N * L, H, W, g, r);
      if (!std::is_same<A, T>::value)
        for (int64_t i = 0; i < H * W; ++i) plane[i] = static_cast<T>(acc[i]);
    }
  });
}

// vol2col / col2vol: the 2-D routines per depth slice. col row
// (c, kd, k) of image n starts at (((c KD + kd) K + k) N + n) L3, and output
// depth od's part of that row at + od L2, so the kh kw rows of one (kd, od)
// pair are a plane_to_rows call with row stride N L3. A depth tap that falls
// in the padding writes zeros.
template <typename T>
void vol2col_impl(const Tensor& col, const Tensor& vol, const ConvGeom3d& g3) {
  const ConvGeom& g = g3.hw;
  const int64_t N = vol.size(0), C = vol.size(1), D = vol.size(2), H = vol.size(3), W = vol.size(4);
  const int64_t K = g.kh * g.kw, KD = g3.kd, L2 = g.oh * g.ow, L3 = g3.od * L2;
  const T* x = vol.data_ptr<T>();
  T* out = col.data_ptr<T>();
  const ColRanges r(W, g);
  const bool dense = dense_geom(g);
  parallel_for(0, N * C, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(KD * K * L3, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t nc = b; nc < e; ++nc) {
                   const int64_t n = nc / C, c = nc % C;
                   const T* v = x + nc * D * H * W;
                   for (int64_t kd = 0; kd < KD; ++kd) {
                     T* rows = out + ((c * KD + kd) * K * N + n) * L3;
                     for (int64_t od = 0; od < g3.od; ++od) {
                       const int64_t id = od * g3.sd - g3.pd + kd * g3.dd;
                       T* dst = rows + od * L2;
                       if (id < 0 || id >= D) {
                         for (int64_t k = 0; k < K; ++k) std::fill(dst + k * N * L3, dst + k * N * L3 + L2, T(0));
                         continue;
                       }
                       plane_to_rows(dst, N * L3, v + id * H * W, H, W, g, r, dense);
                     }
                   }
                 }
               });
}

template <typename T>
void col2vol_impl(const Tensor& vol, const Tensor& col, const ConvGeom3d& g3) {
  using A = opmath_t<T>;
  const ConvGeom& g = g3.hw;
  const int64_t N = vol.size(0), C = vol.size(1), D = vol.size(2), H = vol.size(3), W = vol.size(4);
  const int64_t K = g.kh * g.kw, KD = g3.kd, L2 = g.oh * g.ow, L3 = g3.od * L2, P = D * H * W;
  const T* src0 = col.data_ptr<T>();
  T* y = vol.data_ptr<T>();
  const ColRanges r(W, g);
  // one (n, c) volume per task, as col2im
  parallel_for(0, N * C, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(KD * K * L3, 1)),
               [&](int64_t b, int64_t e) {
                 std::vector<A> buf(std::is_same<A, T>::value ? 0 : size_t(P));
                 for (int64_t nc = b; nc < e; ++nc) {
                   const int64_t n = nc / C, c = nc % C;
                   T* v = y + nc * P;
                   A* acc = std::is_same<A, T>::value ? reinterpret_cast<A*>(v) : buf.data();
                   std::fill(acc, acc + P, A(0));
                   for (int64_t kd = 0; kd < KD; ++kd) {
                     const T* rows = src0 + ((c * KD + kd) * K * N + n) * L3;
                     for (int64_t od = 0; od < g3.od; ++od) {
                       const int64_t id = od * g3.sd - g3.pd + kd * g3.dd;
                       if (id < 0 || id >= D) continue;
                       rows_to_plane(acc + id * H * W, rows + od * L2, N * L3, H, W, g, r);
                     }
                   }
                   if (!std::is_same<A, T>::value)
                     for (int64_t i = 0; i < P; ++i) v[i] = static_cast<T>(acc[i]);
                 }
               });
}

void im2col_kernel(const Tensor& col, const Tensor& im, const ConvGeom& g) {
  dispatch_types<FloatTypes>(im.dtype(), "im2col", [&](auto tag) { im2col_impl<EMBER_TYPE(tag)>(col, im, g); });
}
void col2im_kernel(const Tensor& im, const Tensor& col, const ConvGeom& g) {
  dispatch_types<FloatTypes>(col.dtype(), "col2im", [&](auto tag) { col2im_impl<EMBER_TYPE(tag)>(im, col, g); });
}
void vol2col_kernel(const Tensor& col, const Tensor& vol, const ConvGeom3d& g) {
  dispatch_types<FloatTypes>(vol.dtype(), "vol2col", [&](auto tag) { vol2col_impl<EMBER_TYPE(tag)>(col, vol, g); });
}
void col2vol_kernel(const Tensor& vol, const Tensor& col, const ConvGeom3d& g) {
  dispatch_types<FloatTypes>(col.dtype(), "col2vol", [&](auto tag) { col2vol_impl<EMBER_TYPE(tag)>(vol, col, g); });
}

}  // namespace

EMBER_REGISTER_KERNEL(im2col, CPU, im2col_kernel);
EMBER_REGISTER_KERNEL(col2im, CPU, col2im_kernel);
EMBER_REGISTER_KERNEL(vol2col, CPU, vol2col_kernel);
EMBER_REGISTER_KERNEL(col2vol, CPU, col2vol_kernel);

}  // namespace cpu
}  // namespace ember
