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

template <typename T>
void im2col_impl(const Tensor& col, const Tensor& im, const ConvGeom& g) {
  const int64_t N = im.size(0), C = im.size(1), H = im.size(2), W = im.size(3);
  const int64_t K = g.kh * g.kw, L = g.oh * g.ow;
  const T* x = im.data_ptr<T>();
  T* out = col.data_ptr<T>();
  const int64_t rows = C * K * N;
  parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(L, 1)), [&](int64_t b, int64_t e) {
    // rows are (c, ki, kj, n) in that order: divide once per task, then count
    int64_t n = b % N, ck = b / N;
    int64_t c = 0, ki = 0, kj = 0, w0 = 0, w1 = 0, woff = 0;
    auto tap = [&] {
      c = ck / K;
      ki = (ck % K) / g.kw;
      kj = (ck % K) % g.kw;
      valid_range(W, g.ow, g.sw, g.pw, kj * g.dw, w0, w1);
      woff = kj * g.dw - g.pw;
    };
    tap();
    for (int64_t r = b; r < e; ++r) {
      const T* plane = x + (n * C + c) * H * W;
      T* dst = out + r * L;
      for (int64_t oh = 0; oh < g.oh; ++oh, dst += g.ow) {
        const int64_t ih = oh * g.sh - g.ph + ki * g.dh;
        if (ih < 0 || ih >= H) {
          std::fill(dst, dst + g.ow, T(0));
          continue;
        }
        const T* src = plane + ih * W + woff;
        for (int64_t ow = 0; ow < w0; ++ow) dst[ow] = T(0);
        // rows are short (a LeNet's are 8-24 wide): an inline loop, not a
        // memcpy call per row, which cost more than the copy
        if (g.sw == 1)
          for (int64_t ow = w0; ow < w1; ++ow) dst[ow] = src[ow];
        else
          for (int64_t ow = w0; ow < w1; ++ow) dst[ow] = src[ow * g.sw];
        for (int64_t ow = w1; ow < g.ow; ++ow) dst[ow] = T(0);
      }
      if (++n == N) {
        n = 0;
        ++ck;
        if (r + 1 < e) tap();
      }
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
  // One (n, c) plane per task: every write to a plane comes from its own
  // rows of col, so tasks never collide.
  parallel_for(0, N * C, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(K * L, 1)), [&](int64_t b, int64_t e) {
    std::vector<A> acc(H * W);
    for (int64_t nc = b; nc < e; ++nc) {
      const int64_t n = nc / C, c = nc % C;
      std::fill(acc.begin(), acc.end(), A(0));
      for (int64_t k = 0; k < K; ++k) {
        const int64_t ki = k / g.kw, kj = k % g.kw;
        const T* src = src0 + ((c * K + k) * N + n) * L;
        int64_t w0, w1;
        valid_range(W, g.ow, g.sw, g.pw, kj * g.dw, w0, w1);
        const int64_t woff = kj * g.dw - g.pw;
        for (int64_t oh = 0; oh < g.oh; ++oh, src += g.ow) {
          const int64_t ih = oh * g.sh - g.ph + ki * g.dh;
          if (ih < 0 || ih >= H) continue;
          A* dst = acc.data() + ih * W + woff;
          if (g.sw == 1)
            for (int64_t ow = w0; ow < w1; ++ow) dst[ow] += A(src[ow]);
          else
            for (int64_t ow = w0; ow < w1; ++ow) dst[ow * g.sw] += A(src[ow]);
        }
      }
      T* plane = y + nc * H * W;
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
