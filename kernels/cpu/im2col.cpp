// CPU im2col / col2im (Im2colFn, Col2imFn): the data movement of
// convolution, so that the arithmetic is one GEMM.
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

template <typename T>
void im2col_impl(const Tensor& col, const Tensor& im, const ConvGeom& g) {
  const int64_t N = im.size(0), C = im.size(1), H = im.size(2), W = im.size(3);
  const int64_t KW = g.kw, K = g.kh * KW, OH = g.oh, OW = g.ow, L = OH * OW;
  const int64_t SH = g.sh, SW = g.sw, PH = g.ph, DH = g.dh;
  const T* x = im.data_ptr<T>();
  T* out = col.data_ptr<T>();
  // the valid output columns of each kernel column
  std::vector<int64_t> w0(static_cast<size_t>(KW)), w1(static_cast<size_t>(KW)), woff(static_cast<size_t>(KW));
  for (int64_t kj = 0; kj < KW; ++kj) {
    valid_range(W, OW, SW, g.pw, kj * g.dw, w0[size_t(kj)], w1[size_t(kj)]);
    woff[size_t(kj)] = kj * g.dw - g.pw;
  }
  const bool dense = g.ph == 0 && g.pw == 0 && SH == 1 && SW == 1 && DH == 1 && g.dw == 1;
  // One (n, c) input plane per task, which stays in L1 while all K of its
  // rows of col are written.
  parallel_for(0, N * C, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(K * L, 1)), [&](int64_t b, int64_t e) {
    for (int64_t nc = b; nc < e; ++nc) {
      const int64_t n = nc / C, c = nc % C;
      const T* plane = x + nc * H * W;
      if (dense) {  // every tap's block is a plain 2-D copy
        for (int64_t k = 0; k < K; ++k) {
          const T* src = plane + (k / KW) * W + k % KW;
          T* dst = out + ((c * K + k) * N + n) * L;
          for (int64_t oh = 0; oh < OH; ++oh, src += W, dst += OW) copy_run(dst, src, OW);
        }
        continue;
      }
      for (int64_t k = 0; k < K; ++k) {
        const int64_t ki = k / KW, kj = k % KW;
        const int64_t a = w0[size_t(kj)], z = w1[size_t(kj)], off = woff[size_t(kj)];
        T* dst = out + ((c * K + k) * N + n) * L;
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
  });
}

template <typename T>
void col2im_impl(const Tensor& im, const Tensor& col, const ConvGeom& g) {
  using A = opmath_t<T>;
  const int64_t N = im.size(0), C = im.size(1), H = im.size(2), W = im.size(3);
  const int64_t KW = g.kw, K = g.kh * KW, OH = g.oh, OW = g.ow, L = OH * OW;
  const int64_t SH = g.sh, SW = g.sw, PH = g.ph, DH = g.dh;
  const T* src0 = col.data_ptr<T>();
  T* y = im.data_ptr<T>();
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
      for (int64_t k = 0; k < K; ++k) {
        const int64_t ki = k / KW, kj = k % KW;
        const T* src = src0 + ((c * K + k) * N + n) * L;
        int64_t w0, w1;
        valid_range(W, OW, SW, g.pw, kj * g.dw, w0, w1);
        const int64_t woff = kj * g.dw - g.pw;
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
      if (!std::is_same<A, T>::value)
        for (int64_t i = 0; i < H * W; ++i) plane[i] = static_cast<T>(acc[i]);
    }
  });
}

void im2col_kernel(const Tensor& col, const Tensor& im, const ConvGeom& g) {
  dispatch_types<FloatTypes>(im.dtype(), "im2col", [&](auto tag) { im2col_impl<EMBER_TYPE(tag)>(col, im, g); });
}
void col2im_kernel(const Tensor& im, const Tensor& col, const ConvGeom& g) {
  dispatch_types<FloatTypes>(col.dtype(), "col2im", [&](auto tag) { col2im_impl<EMBER_TYPE(tag)>(im, col, g); });
}

}  // namespace

EMBER_REGISTER_KERNEL(im2col, CPU, im2col_kernel);
EMBER_REGISTER_KERNEL(col2im, CPU, col2im_kernel);

}  // namespace cpu
}  // namespace ember
