// CPU layer norm (LayerNormFn, LayerNormBackwardFn) over the last dim of a
// contiguous [M, N]: statistics and output in two passes over a row that
// stays in L1, the backward in two more, where the composition of ops made
// about fifteen passes over the whole tensor.
#include <cmath>
#include <type_traits>
#include <vector>

#include "cpu/thread_pool.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
namespace {

// Sum of f(i), i < n, in 16 independent lanes (so the loop vectorizes
// without reassociating a single sum), combined in double.
template <typename A, typename F>
double lane_sum(int64_t n, F f) {
  constexpr int kLanes = 16;
  A acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int k = 0; k < kLanes; ++k) acc[k] += f(i + k);
  double s = 0;
  for (; i < n; ++i) s += double(f(i));
  for (int k = 0; k < kLanes; ++k) s += double(acc[k]);
  return s;
}

template <typename F>
void with_bool(bool b, F&& f) {
  if (b) f(std::true_type{});
  else f(std::false_type{});
}

template <typename T>
void layer_norm_impl(const Tensor& out, const Tensor& mean, const Tensor& rstd, const Tensor& x, const Tensor& w,
                     const Tensor& b, double eps) {
  using A = opmath_t<T>;
  const int64_t M = x.size(0), N = x.size(1);
  const T* px = x.data_ptr<T>();
  T* po = out.data_ptr<T>();
  A* pm = mean.data_ptr<A>();
  A* pr = rstd.data_ptr<A>();
  const T* pw = w.defined() ? w.data_ptr<T>() : nullptr;
  const T* pb = b.defined() ? b.data_ptr<T>() : nullptr;
  with_bool(pw != nullptr, [&](auto has_w) {
    with_bool(pb != nullptr, [&](auto has_b) {
      parallel_for(0, M, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(N, 1)), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          const T* xr = px + r * N;
          T* orow = po + r * N;
          const A m = A(lane_sum<A>(N, [&](int64_t i) { return A(xr[i]); }) / double(N));
          const double var = lane_sum<A>(N, [&](int64_t i) {
                               const A d = A(xr[i]) - m;
                               return d * d;
                             }) / double(N);
          const A rs = A(1 / std::sqrt(var + eps));
          pm[r] = m;
          pr[r] = rs;
          for (int64_t i = 0; i < N; ++i) {
            A y = (A(xr[i]) - m) * rs;
            if constexpr (has_w) y *= A(pw[i]);
            if constexpr (has_b) y += A(pb[i]);
            orow[i] = T(y);
          }
        }
      });
    });
  });
}

// xhat = (x - mean) rstd, dxhat = grad * weight:
//   grad_x = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat))
//   grad_weight = sum over rows of grad * xhat, grad_bias = sum of grad
template <typename T>
void layer_norm_backward_impl(const Tensor& gx, const Tensor& gw, const Tensor& gb, const Tensor& g, const Tensor& x,
                              const Tensor& mean, const Tensor& rstd, const Tensor& w) {
  using A = opmath_t<T>;
  const int64_t M = x.size(0), N = x.size(1);
  const T* px = x.data_ptr<T>();
  const T* pg = g.data_ptr<T>();
  const A* pm = mean.data_ptr<A>();
  const A* pr = rstd.data_ptr<A>();
  const T* pw = w.defined() ? w.data_ptr<T>() : nullptr;
  if (gx.defined()) {
    T* po = gx.data_ptr<T>();
    with_bool(pw != nullptr, [&](auto has_w) {
      parallel_for(0, M, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(N, 1)), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          const T* xr = px + r * N;
          const T* gr = pg + r * N;
          const A m = pm[r], rs = pr[r];
          auto dxhat = [&](int64_t i) {
            if constexpr (has_w) return A(gr[i]) * A(pw[i]);
            else return A(gr[i]);
          };
          const A s1 = A(lane_sum<A>(N, dxhat) / double(N));
          const A s2 = A(lane_sum<A>(N, [&](int64_t i) { return dxhat(i) * ((A(xr[i]) - m) * rs); }) / double(N));
          T* orow = po + r * N;
          for (int64_t i = 0; i < N; ++i) orow[i] = T(rs * (dxhat(i) - s1 - (A(xr[i]) - m) * rs * s2));
        }
      });
    });
  }
  if (!gw.defined() && !gb.defined()) return;
  // column sums: each task owns a block of columns and walks all rows, so
  // the result does not depend on the thread count
  T* pgw = gw.defined() ? gw.data_ptr<T>() : nullptr;
  T* pgb = gb.defined() ? gb.data_ptr<T>() : nullptr;
  parallel_for(0, N, std::max<int64_t>(16, kGrainSize / std::max<int64_t>(M, 1)), [&](int64_t c0, int64_t c1) {
    std::vector<double> sw(size_t(c1 - c0), 0.0), sb(size_t(c1 - c0), 0.0);
    for (int64_t r = 0; r < M; ++r) {
      const T* xr = px + r * N;
      const T* gr = pg + r * N;
      const A m = pm[r], rs = pr[r];
      for (int64_t c = c0; c < c1; ++c) {
        sw[size_t(c - c0)] += double(A(gr[c]) * ((A(xr[c]) - m) * rs));
        sb[size_t(c - c0)] += double(A(gr[c]));
      }
    }
    for (int64_t c = c0; c < c1; ++c) {
      if (pgw) pgw[c] = T(sw[size_t(c - c0)]);
      if (pgb) pgb[c] = T(sb[size_t(c - c0)]);
    }
  });
}

void layer_norm_kernel(const Tensor& out, const Tensor& mean, const Tensor& rstd, const Tensor& x, const Tensor& w,
                       const Tensor& b, double eps) {
  dispatch_types<FloatTypes>(x.dtype(), "layer_norm",
                             [&](auto tag) { layer_norm_impl<EMBER_TYPE(tag)>(out, mean, rstd, x, w, b, eps); });
}
void layer_norm_backward_kernel(const Tensor& gx, const Tensor& gw, const Tensor& gb, const Tensor& g, const Tensor& x,
                                const Tensor& mean, const Tensor& rstd, const Tensor& w) {
  dispatch_types<FloatTypes>(x.dtype(), "layer_norm_backward", [&](auto tag) {
    layer_norm_backward_impl<EMBER_TYPE(tag)>(gx, gw, gb, g, x, mean, rstd, w);
  });
}

}  // namespace

EMBER_REGISTER_KERNEL(layer_norm, CPU, layer_norm_kernel);
EMBER_REGISTER_KERNEL(layer_norm_backward, CPU, layer_norm_backward_kernel);

}  // namespace cpu
}  // namespace ember
