// The optimizers' update loops. Options that are fixed for a step (momentum
// or not, weight decay or not, ...) are template parameters, so each loop
// the compiler sees is branch-free and vectorizes; __restrict tells it the
// parameter, gradient and state never overlap.
#include "fused_steps.h"

#include <algorithm>
#include <cmath>

namespace ember {
namespace optim {
namespace fused {
namespace {

// Calls f(std::bool_constant<b>{}) for a run-time bool.
template <typename F>
void with_bool(bool b, F&& f) {
  if (b) f(std::true_type{});
  else f(std::false_type{});
}

template <typename T>
void sgd(T* __restrict p, const T* __restrict g, T* __restrict buf, bool first, int64_t n, const SGDHyper& h) {
  const T lr = T(h.lr), wd = T(h.weight_decay), mom = T(h.momentum), damp = T(h.dampening);
  const T sign = h.maximize ? T(-1) : T(1);
  // torch adds weight_decay * p only when weight_decay != 0 (an inf weight stays inf)
  with_bool(h.weight_decay != 0, [&](auto decay) {
    auto dir = [&](int64_t i) { return decay ? sign * g[i] + wd * p[i] : sign * g[i]; };
    if (!buf) {
      for (int64_t i = 0; i < n; ++i) p[i] -= lr * dir(i);
      return;
    }
    with_bool(h.nesterov, [&](auto nesterov) {
      if (first) {
        for (int64_t i = 0; i < n; ++i) {
          const T d = dir(i);
          buf[i] = d;
          p[i] -= lr * (nesterov ? d + mom * d : d);
        }
        return;
      }
      for (int64_t i = 0; i < n; ++i) {
        const T d = dir(i);
        const T b = mom * buf[i] + (1 - damp) * d;
        buf[i] = b;
        p[i] -= lr * (nesterov ? d + mom * b : b);
      }
    });
  });
}

template <typename T>
void adam(T* __restrict p, const T* __restrict g, T* __restrict m, T* __restrict v, T* __restrict vmax, int64_t step,
          int64_t n, const AdamHyper& h) {
  const double bc1 = 1 - std::pow(h.beta1, double(step)), bc2 = 1 - std::pow(h.beta2, double(step));
  const T step_size = T(h.lr / bc1), inv_sqrt_bc2 = T(1 / std::sqrt(bc2)), eps = T(h.eps);
  const T wd = T(h.weight_decay), decay = T(1 - h.lr * h.weight_decay);
  const T tb1 = T(h.beta1), tb2 = T(h.beta2), sign = h.maximize ? T(-1) : T(1);
  with_bool(h.decoupled, [&](auto decoupled) {
    with_bool(vmax != nullptr, [&](auto ams) {
      for (int64_t i = 0; i < n; ++i) {
        T gi = sign * g[i];
        if (decoupled) p[i] *= decay;
        else gi += wd * p[i];
        const T mi = tb1 * m[i] + (1 - tb1) * gi;
        const T vi = tb2 * v[i] + (1 - tb2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        T vv = vi;
        if (ams) {
          vv = std::max(vmax[i], vi);
          vmax[i] = vv;
        }
        p[i] -= step_size * mi / (std::sqrt(vv) * inv_sqrt_bc2 + eps);
      }
    });
  });
}

template <typename T>
void rmsprop(T* __restrict p, const T* __restrict g, T* __restrict sq, T* __restrict ga, T* __restrict buf, int64_t n,
             const RMSpropHyper& h) {
  const T a = T(h.alpha), lr = T(h.lr), eps = T(h.eps), wd = T(h.weight_decay), mom = T(h.momentum);
  const T sign = h.maximize ? T(-1) : T(1);
  with_bool(ga != nullptr, [&](auto centered) {
    with_bool(buf != nullptr, [&](auto momentum) {
      for (int64_t i = 0; i < n; ++i) {
        const T d = sign * g[i] + wd * p[i];
        const T s = a * sq[i] + (1 - a) * d * d;
        sq[i] = s;
        T avg;
        if (centered) {
          const T gav = a * ga[i] + (1 - a) * d;
          ga[i] = gav;
          avg = std::sqrt(s - gav * gav) + eps;
        } else {
          avg = std::sqrt(s) + eps;
        }
        if (momentum) {
          const T b = mom * buf[i] + d / avg;
          buf[i] = b;
          p[i] -= lr * b;
        } else {
          p[i] -= lr * d / avg;
        }
      }
    });
  });
}

template <typename T>
void adagrad(T* __restrict p, const T* __restrict g, T* __restrict sum, int64_t step, int64_t n,
             const AdagradHyper& h) {
  const T clr = T(h.lr / (1 + double(step - 1) * h.lr_decay)), eps = T(h.eps), wd = T(h.weight_decay);
  const T sign = h.maximize ? T(-1) : T(1);
  for (int64_t i = 0; i < n; ++i) {
    const T d = sign * g[i] + wd * p[i];
    const T s = sum[i] + d * d;
    sum[i] = s;
    p[i] -= clr * d / (std::sqrt(s) + eps);
  }
}

template <typename T>
void adadelta(T* __restrict p, const T* __restrict g, T* __restrict sq, T* __restrict acc, int64_t n,
              const AdadeltaHyper& h) {
  const T rho = T(h.rho), eps = T(h.eps), lr = T(h.lr), wd = T(h.weight_decay);
  const T sign = h.maximize ? T(-1) : T(1);
  with_bool(h.weight_decay != 0, [&](auto decay) {
    for (int64_t i = 0; i < n; ++i) {
      T gi = sign * g[i];
      if (decay) gi += wd * p[i];
      const T s = rho * sq[i] + (1 - rho) * (gi * gi);
      sq[i] = s;
      const T delta = std::sqrt(acc[i] + eps) / std::sqrt(s + eps) * gi;
      acc[i] = rho * acc[i] + (1 - rho) * (delta * delta);
      p[i] -= lr * delta;
    }
  });
}

// Note [NAdam's mu_product]
// ember matches torch 1.13's default single-tensor NAdam, the one users of
// 1.13 get: the exp_avg term is divided by 1 - mu_product * mu * mu_next,
// where mu_product already holds mu_1 ... mu_t, so this step's mu is counted
// twice. The paper, 1.13's docstring, its foreach=True path and torch 2 divide
// by 1 - mu_1 ... mu_{t+1}; 5 steps at lr 0.1 end about 1e-3 relative apart.
// mu_product stays torch's float32 scalar, multiplied in place by the caller,
// and the product for the exp_avg term is rounded to float32 at each multiply,
// as torch's 0-d tensor arithmetic does.
template <typename T>
void nadam(T* __restrict p, const T* __restrict g, T* __restrict m, T* __restrict v, int64_t step, double mu_product,
           int64_t n, const NAdamHyper& h) {
  const double mu = nadam_mu(h, step), mu_next = nadam_mu(h, step + 1);
  const double bc2 = 1 - std::pow(h.beta2, double(step));
  const float mu_product_next = float(mu_product) * float(mu) * float(mu_next);  // left to right, in float32
  // p -= lr (1 - mu) / (1 - prod mu_1..t) * g / denom + lr mu_next / (1 - mu_product_next) * m / denom
  const T c_grad = T(h.lr * (1 - mu) / (1 - mu_product)), c_avg = T(h.lr * mu_next / (1 - double(mu_product_next)));
  const T inv_sqrt_bc2 = T(1 / std::sqrt(bc2)), eps = T(h.eps), wd = T(h.weight_decay);
  const T tb1 = T(h.beta1), tb2 = T(h.beta2);
  with_bool(h.weight_decay != 0, [&](auto decay) {
    for (int64_t i = 0; i < n; ++i) {
      T gi = g[i];
      if (decay) gi += wd * p[i];
      const T mi = tb1 * m[i] + (1 - tb1) * gi;
      const T vi = tb2 * v[i] + (1 - tb2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      const T denom = std::sqrt(vi) * inv_sqrt_bc2 + eps;
      p[i] = p[i] - c_grad * gi / denom - c_avg * mi / denom;
    }
  });
}

template <typename T>
void radam(T* __restrict p, const T* __restrict g, T* __restrict m, T* __restrict v, int64_t step, int64_t n,
           const RAdamHyper& h) {
  const double t = double(step), bc1 = 1 - std::pow(h.beta1, t), bc2 = 1 - std::pow(h.beta2, t);
  // the length of the approximated simple moving average, at infinity and at step t
  const double rho_inf = 2 / (1 - h.beta2) - 1;
  const double rho_t = rho_inf - 2 * t * std::pow(h.beta2, t) / bc2;
  const T eps = T(h.eps), wd = T(h.weight_decay), tb1 = T(h.beta1), tb2 = T(h.beta2);
  // the variance is tractable past rho_t = 5: rectified adaptive step, else plain momentum
  const bool tractable = rho_t > 5;
  const double rect =
      tractable ? std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) : 0;
  const T step_size = T(tractable ? h.lr * rect * std::sqrt(bc2) / bc1 : h.lr / bc1);
  with_bool(h.weight_decay != 0, [&](auto decay) {
    with_bool(tractable, [&](auto adaptive) {
      for (int64_t i = 0; i < n; ++i) {
        T gi = g[i];
        if (decay) gi += wd * p[i];
        const T mi = tb1 * m[i] + (1 - tb1) * gi;
        const T vi = tb2 * v[i] + (1 - tb2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        if (adaptive)
          p[i] -= step_size * mi / (std::sqrt(vi) + eps);
        else
          p[i] -= step_size * mi;
      }
    });
  });
}

template <typename T>
void adamax(T* __restrict p, const T* __restrict g, T* __restrict m, T* __restrict u, int64_t step, int64_t n,
            const AdamaxHyper& h) {
  const T clr = T(h.lr / (1 - std::pow(h.beta1, double(step)))), eps = T(h.eps), wd = T(h.weight_decay);
  const T tb1 = T(h.beta1), tb2 = T(h.beta2), sign = h.maximize ? T(-1) : T(1);
  with_bool(h.weight_decay != 0, [&](auto decay) {
    for (int64_t i = 0; i < n; ++i) {
      T gi = sign * g[i];
      if (decay) gi += wd * p[i];
      const T mi = tb1 * m[i] + (1 - tb1) * gi;
      m[i] = mi;
      // u = max(beta2 u, |g| + eps), NaN if either is (torch takes amax of the two)
      const T a = tb2 * u[i], b = std::abs(gi) + eps;
      const T ui = (a > b || a != a) ? a : b;
      u[i] = ui;
      p[i] -= clr * mi / ui;
    }
  });
}

}  // namespace

void adadelta_step(float* p, const float* g, float* sq, float* acc, int64_t n, const AdadeltaHyper& h) {
  adadelta(p, g, sq, acc, n, h);
}
void adadelta_step(double* p, const double* g, double* sq, double* acc, int64_t n, const AdadeltaHyper& h) {
  adadelta(p, g, sq, acc, n, h);
}
void sgd_step(float* p, const float* g, float* buf, bool first, int64_t n, const SGDHyper& h) {
  sgd(p, g, buf, first, n, h);
}
void sgd_step(double* p, const double* g, double* buf, bool first, int64_t n, const SGDHyper& h) {
  sgd(p, g, buf, first, n, h);
}
void adam_step(float* p, const float* g, float* m, float* v, float* vmax, int64_t step, int64_t n,
               const AdamHyper& h) {
  adam(p, g, m, v, vmax, step, n, h);
}
void adam_step(double* p, const double* g, double* m, double* v, double* vmax, int64_t step, int64_t n,
               const AdamHyper& h) {
  adam(p, g, m, v, vmax, step, n, h);
}
void rmsprop_step(float* p, const float* g, float* sq, float* ga, float* buf, int64_t n, const RMSpropHyper& h) {
  rmsprop(p, g, sq, ga, buf, n, h);
}
void rmsprop_step(double* p, const double* g, double* sq, double* ga, double* buf, int64_t n,
                  const RMSpropHyper& h) {
  rmsprop(p, g, sq, ga, buf, n, h);
}
void adagrad_step(float* p, const float* g, float* sum, int64_t step, int64_t n, const AdagradHyper& h) {
  adagrad(p, g, sum, step, n, h);
}
void adagrad_step(double* p, const double* g, double* sum, int64_t step, int64_t n, const AdagradHyper& h) {
  adagrad(p, g, sum, step, n, h);
}

double nadam_mu(const NAdamHyper& h, int64_t step) {
  return h.beta1 * (1. - 0.5 * std::pow(0.96, double(step) * h.momentum_decay));
}
void nadam_step(float* p, const float* g, float* m, float* v, int64_t step, double mu_product, int64_t n,
                const NAdamHyper& h) {
  nadam(p, g, m, v, step, mu_product, n, h);
}
void nadam_step(double* p, const double* g, double* m, double* v, int64_t step, double mu_product, int64_t n,
                const NAdamHyper& h) {
  nadam(p, g, m, v, step, mu_product, n, h);
}
void radam_step(float* p, const float* g, float* m, float* v, int64_t step, int64_t n, const RAdamHyper& h) {
  radam(p, g, m, v, step, n, h);
}
void radam_step(double* p, const double* g, double* m, double* v, int64_t step, int64_t n, const RAdamHyper& h) {
  radam(p, g, m, v, step, n, h);
}
void adamax_step(float* p, const float* g, float* m, float* u, int64_t step, int64_t n, const AdamaxHyper& h) {
  adamax(p, g, m, u, step, n, h);
}
void adamax_step(double* p, const double* g, double* m, double* u, int64_t step, int64_t n, const AdamaxHyper& h) {
  adamax(p, g, m, u, step, n, h);
}

}  // namespace fused
}  // namespace optim
}  // namespace ember
