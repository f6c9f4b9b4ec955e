// CPU max pooling (MaxPool2dFn), one (n, c) plane per task. The backward is
// a scatter_add of the gradient at the saved indices (src/nn).
#include <cmath>
#include <limits>

#include "cpu/thread_pool.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
namespace {

// No padding, no dilation, every window inside the plane (the usual
// MaxPool2d(2)): taps are visited kernel row by kernel column, each pass
// running along a whole output row, so the inner loop is a branch-free
// compare-and-select over ow; the tap order per output is torch's.
// MaxPool2d(2): the four taps of each window compared in registers, in
// torch's order (row 0 left, right, row 1 left, right).
template <typename T, typename A = opmath_t<T>>
void max_pool_plane_2x2(T* __restrict yp, int64_t* __restrict ip, const T* __restrict plane, int64_t W,
                        int64_t OH, int64_t OW) {
  for (int64_t oh = 0; oh < OH; ++oh) {
    const T* __restrict r0 = plane + 2 * oh * W;
    const T* __restrict r1 = r0 + W;
    T* __restrict yr = yp + oh * OW;
    int64_t* __restrict ir = ip + oh * OW;
    const int64_t base = 2 * oh * W;
    for (int64_t ow = 0; ow < OW; ++ow) {
      A m = A(r0[2 * ow]);
      int64_t k = 0;  // which tap: 0, 1 (right), W (below), W + 1
      auto tap = [&](A v, int64_t at) {
        const bool take = (v > m) | (v != v);  // NaN wins, as torch
        m = take ? v : m;
        k = take ? at : k;
      };
      tap(A(r0[2 * ow + 1]), 1);
      tap(A(r1[2 * ow]), W);
      tap(A(r1[2 * ow + 1]), W + 1);
      yr[ow] = T(m);
      ir[ow] = base + 2 * ow + k;
    }
  }
}

template <typename T, typename A = opmath_t<T>>
void max_pool_plane_dense(T* __restrict yp, int64_t* __restrict ip, const T* __restrict plane, int64_t W,
                          const ConvGeom& g) {
  const int64_t OH = g.oh, OW = g.ow, KH = g.kh, KW = g.kw, SH = g.sh, SW = g.sw;
  if (KH == 2 && KW == 2 && SH == 2 && SW == 2) {
    max_pool_plane_2x2<T>(yp, ip, plane, W, OH, OW);
    return;
  }
  for (int64_t oh = 0; oh < OH; ++oh) {
    T* __restrict yr = yp + oh * OW;
    int64_t* __restrict ir = ip + oh * OW;
    for (int64_t ki = 0; ki < KH; ++ki) {
      const int64_t ih = oh * SH + ki;
      const T* __restrict row = plane + ih * W;
      for (int64_t kj = 0; kj < KW; ++kj) {
        const int64_t base = ih * W + kj;
        if (ki == 0 && kj == 0) {
          for (int64_t ow = 0; ow < OW; ++ow) {
            yr[ow] = row[ow * SW];
            ir[ow] = base + ow * SW;
          }
          continue;
        }
        for (int64_t ow = 0; ow < OW; ++ow) {
          const T v = row[ow * SW + kj];
          const A av = A(v);
          // '|' not '||', so the compiler selects instead of branching
          const bool take = (av > A(yr[ow])) | (av != av);  // NaN wins, as torch
          yr[ow] = take ? v : yr[ow];
          ir[ow] = take ? base + ow * SW : ir[ow];
        }
      }
    }
  }
}

template <typename T>
void max_pool2d_impl(const Tensor& out, const Tensor& indices, const Tensor& in, const ConvGeom& g) {
  using A = opmath_t<T>;
  const int64_t NC = in.size(0) * in.size(1), H = in.size(2), W = in.size(3);
  const int64_t L = g.oh * g.ow;
  const bool dense = g.ph == 0 && g.pw == 0 && g.dh == 1 && g.dw == 1 && (g.oh - 1) * g.sh + g.kh <= H &&
                     (g.ow - 1) * g.sw + g.kw <= W;
  const T* x = in.data_ptr<T>();
  T* y = out.data_ptr<T>();
  int64_t* idx = indices.data_ptr<int64_t>();
  parallel_for(0, NC, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(L * g.kh * g.kw, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t p = b; p < e; ++p) {
                   const T* plane = x + p * H * W;
                   T* yp = y + p * L;
                   int64_t* ip = idx + p * L;
                   if (dense) {
                     max_pool_plane_dense(yp, ip, plane, W, g);
                     continue;
                   }
                   for (int64_t oh = 0; oh < g.oh; ++oh) {
                     int64_t h0 = oh * g.sh - g.ph;
                     const int64_t h1 = std::min(h0 + (g.kh - 1) * g.dh + 1, H);
                     while (h0 < 0) h0 += g.dh;
                     for (int64_t ow = 0; ow < g.ow; ++ow) {
                       int64_t w0 = ow * g.sw - g.pw;
                       const int64_t w1 = std::min(w0 + (g.kw - 1) * g.dw + 1, W);
                       while (w0 < 0) w0 += g.dw;
                       // torch's order: start at the first in-bounds tap; NaN wins.
                       // Selects, not branches: on real data the comparison
                       // is a coin flip the predictor loses.
                       int64_t best = h0 * W + w0;
                       A m = -std::numeric_limits<A>::infinity();
                       for (int64_t ih = h0; ih < h1; ih += g.dh) {
                         for (int64_t iw = w0; iw < w1; iw += g.dw) {
                           const A v = A(plane[ih * W + iw]);
                           const bool take = v > m || v != v;
                           m = take ? v : m;
                           best = take ? ih * W + iw : best;
                         }
                       }
                       yp[oh * g.ow + ow] = static_cast<T>(m);
                       ip[oh * g.ow + ow] = best;
                     }
                   }
                 }
               });
}

void max_pool2d_kernel(const Tensor& out, const Tensor& indices, const Tensor& in, const ConvGeom& g) {
  dispatch_types<FloatTypes>(in.dtype(), "max_pool2d",
                             [&](auto tag) { max_pool2d_impl<EMBER_TYPE(tag)>(out, indices, in, g); });
}

}  // namespace

EMBER_REGISTER_KERNEL(max_pool2d, CPU, max_pool2d_kernel);

}  // namespace cpu
}  // namespace ember
