// CPU max pooling (MaxPool2dFn, MaxPool3dFn), one (n, c) plane or volume per
// task. The backward is a scatter_add of the gradient at the saved indices
// (src/nn). Regular 3-D pooling and adaptive pooling are both lists of
// windows (PoolWindows), walked by one generic loop that 2-D shares.
#include <algorithm>
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

// Visits the outputs of windows w in order: f(o, d0, d1, h0, h1, w0, w1)
// with o the flat output index and [x0, x1) each dim's window.
template <typename F>
inline void for_each_window(const PoolWindows& w, F&& f) {
  const int64_t OD = int64_t(w.start[0].size()), OH = int64_t(w.start[1].size()), OW = int64_t(w.start[2].size());
  for (int64_t od = 0; od < OD; ++od) {
    const int64_t d0 = w.start[0][size_t(od)], d1 = w.end[0][size_t(od)];
    for (int64_t oh = 0; oh < OH; ++oh) {
      const int64_t h0 = w.start[1][size_t(oh)], h1 = w.end[1][size_t(oh)];
      for (int64_t ow = 0; ow < OW; ++ow)
        f((od * OH + oh) * OW + ow, d0, d1, h0, h1, w.start[2][size_t(ow)], w.end[2][size_t(ow)]);
    }
  }
}

// The generic window loop, shared by max_pool2d (D = 1, one depth window)
// and max_pool3d / adaptive_max_pool3d: every output reads the taps of its
// (d, h, w) windows, in torch's order, starting from the first in-bounds
// tap. NaN wins. Selects, not branches: on real data the comparison is a
// coin flip the predictor loses.
template <typename T, typename A = opmath_t<T>>
void max_pool_volume_windows(T* __restrict yp, int64_t* __restrict ip, const T* __restrict vol, int64_t H, int64_t W,
                             const PoolWindows& w) {
  const int64_t sd = w.step[0], sh = w.step[1], sw = w.step[2];
  for_each_window(w, [&](int64_t o, int64_t d0, int64_t d1, int64_t h0, int64_t h1, int64_t w0, int64_t w1) {
    int64_t best = (d0 * H + h0) * W + w0;
    A m = -std::numeric_limits<A>::infinity();
    for (int64_t id = d0; id < d1; id += sd) {
      for (int64_t ih = h0; ih < h1; ih += sh) {
        const int64_t row = (id * H + ih) * W;
        for (int64_t iw = w0; iw < w1; iw += sw) {
          const A v = A(vol[row + iw]);
          const bool take = v > m || v != v;
          m = take ? v : m;
          best = take ? row + iw : best;
        }
      }
    }
    yp[o] = static_cast<T>(m);
    ip[o] = best;
  });
}

// Windows of regular pooling along one dim: output i starts at i s - p,
// moved forward by d onto the first in-bounds tap, and ends after tap k - 1.
inline void regular_windows(PoolWindows& w, int dim, int64_t in, int64_t out, int64_t k, int64_t s, int64_t p,
                            int64_t d) {
  w.start[dim].resize(size_t(out));
  w.end[dim].resize(size_t(out));
  w.step[dim] = d;
  for (int64_t i = 0; i < out; ++i) {
    int64_t a = i * s - p;
    const int64_t b = std::min(a + (k - 1) * d + 1, in);
    if (a < 0) a += (-a + d - 1) / d * d;  // the first tap at or after 0 (a loop took -a / d steps)
    w.start[dim][size_t(i)] = a;
    w.end[dim][size_t(i)] = b;
  }
}

template <typename T>
void max_pool2d_impl(const Tensor& out, const Tensor& indices, const Tensor& in, const ConvGeom& g) {
  const int64_t NC = in.size(0) * in.size(1), H = in.size(2), W = in.size(3);
  const int64_t L = g.oh * g.ow;
  const bool dense = g.ph == 0 && g.pw == 0 && g.dh == 1 && g.dw == 1 && (g.oh - 1) * g.sh + g.kh <= H &&
                     (g.ow - 1) * g.sw + g.kw <= W;
  PoolWindows wins;
  if (!dense) {
    regular_windows(wins, 0, 1, 1, 1, 1, 0, 1);
    regular_windows(wins, 1, H, g.oh, g.kh, g.sh, g.ph, g.dh);
    regular_windows(wins, 2, W, g.ow, g.kw, g.sw, g.pw, g.dw);
  }
  const T* x = in.data_ptr<T>();
  T* y = out.data_ptr<T>();
  int64_t* idx = indices.data_ptr<int64_t>();
  parallel_for(0, NC, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(L * g.kh * g.kw, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t p = b; p < e; ++p) {
                   const T* plane = x + p * H * W;
                   if (dense)
                     max_pool_plane_dense(y + p * L, idx + p * L, plane, W, g);
                   else
                     max_pool_volume_windows(y + p * L, idx + p * L, plane, H, W, wins);
                 }
               });
}

template <typename T>
void max_pool3d_impl(const Tensor& out, const Tensor& indices, const Tensor& in, const PoolWindows& w) {
  const int64_t NC = in.size(0) * in.size(1), D = in.size(2), H = in.size(3), W = in.size(4);
  const int64_t L = out.numel() / std::max<int64_t>(NC, 1);
  const T* x = in.data_ptr<T>();
  T* y = out.data_ptr<T>();
  int64_t* idx = indices.data_ptr<int64_t>();
  // a rough per-plane cost: outputs times the taps of the first window
  int64_t taps = 1;
  for (int i = 0; i < 3; ++i)
    if (!w.start[i].empty()) taps *= std::max<int64_t>(1, (w.end[i][0] - w.start[i][0] + w.step[i] - 1) / w.step[i]);
  parallel_for(0, NC, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(L * taps, 1)), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) max_pool_volume_windows(y + p * L, idx + p * L, x + p * D * H * W, H, W, w);
  });
}

void max_pool2d_kernel(const Tensor& out, const Tensor& indices, const Tensor& in, const ConvGeom& g) {
  dispatch_types<FloatTypes>(in.dtype(), "max_pool2d",
                             [&](auto tag) { max_pool2d_impl<EMBER_TYPE(tag)>(out, indices, in, g); });
}

void max_pool3d_kernel(const Tensor& out, const Tensor& indices, const Tensor& in, const PoolWindows& w) {
  dispatch_types<FloatTypes>(in.dtype(), "max_pool3d",
                             [&](auto tag) { max_pool3d_impl<EMBER_TYPE(tag)>(out, indices, in, w); });
}

// Window means: each output sums its window's taps directly, so a NaN or
// inf stays in the windows that hold it.
template <typename T, bool Backward, typename A = opmath_t<T>>
void avg_pool_windows_impl(const Tensor& out, const Tensor& in, const PoolWindows& w) {
  const Tensor& vol_t = Backward ? out : in;  // the [N, C, D, H, W] side
  const int64_t NC = vol_t.size(0) * vol_t.size(1), D = vol_t.size(2), H = vol_t.size(3), W = vol_t.size(4);
  const int64_t V = D * H * W;
  const int64_t L = int64_t(w.start[0].size() * w.start[1].size() * w.start[2].size());
  const T* x = in.data_ptr<T>();
  T* y = out.data_ptr<T>();
  parallel_for(0, NC, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(V, 1)), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) {
      T* yv = y + p * V;  // backward: this plane's gradient
      const T* xv = x + p * V;
      if (Backward) std::fill(yv, yv + V, T(0));
      for_each_window(w, [&](int64_t o, int64_t d0, int64_t d1, int64_t h0, int64_t h1, int64_t w0, int64_t w1) {
        const A count = A((d1 - d0) * (h1 - h0) * (w1 - w0));
        if (Backward) {
          const A g = A(x[p * L + o]) / count;
          for (int64_t id = d0; id < d1; ++id)
            for (int64_t ih = h0; ih < h1; ++ih) {
              T* row = yv + (id * H + ih) * W;
              for (int64_t iw = w0; iw < w1; ++iw) row[iw] = static_cast<T>(A(row[iw]) + g);
            }
        } else {
          A s = 0;
          for (int64_t id = d0; id < d1; ++id)
            for (int64_t ih = h0; ih < h1; ++ih) {
              const T* row = xv + (id * H + ih) * W;
              for (int64_t iw = w0; iw < w1; ++iw) s += A(row[iw]);
            }
          y[p * L + o] = static_cast<T>(s / count);
        }
      });
    }
  });
}

void avg_pool_windows_kernel(const Tensor& out, const Tensor& in, const PoolWindows& w) {
  dispatch_types<FloatTypes>(in.dtype(), "adaptive_avg_pool",
                             [&](auto tag) { avg_pool_windows_impl<EMBER_TYPE(tag), false>(out, in, w); });
}
void avg_pool_windows_backward_kernel(const Tensor& out, const Tensor& in, const PoolWindows& w) {
  dispatch_types<FloatTypes>(in.dtype(), "adaptive_avg_pool_backward",
                             [&](auto tag) { avg_pool_windows_impl<EMBER_TYPE(tag), true>(out, in, w); });
}

}  // namespace

EMBER_REGISTER_KERNEL(max_pool2d, CPU, max_pool2d_kernel);
EMBER_REGISTER_KERNEL(max_pool3d, CPU, max_pool3d_kernel);
EMBER_REGISTER_KERNEL(avg_pool_windows, CPU, avg_pool_windows_kernel);
EMBER_REGISTER_KERNEL(avg_pool_windows_backward, CPU, avg_pool_windows_backward_kernel);

}  // namespace cpu
}  // namespace ember
