// The update loops of the optimizers, over one parameter's contiguous
// memory: shared by the C++ optimizers (optimizer.cpp) and the Python ones
// (python/src/nn.cpp), so the math exists once. Each function runs one step
// for one parameter; state buffers are the caller's (same length n).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace ember {
namespace optim {
namespace fused {

struct SGDHyper {
  double lr, momentum, dampening, weight_decay;
  bool nesterov, maximize;
};
/// buf: momentum buffer or nullptr (momentum == 0); first: buf holds no
/// history yet (torch initializes it with the first update direction).
template <typename T>
void sgd_step(T* p, const T* g, T* buf, bool first, int64_t n, const SGDHyper& h) {
  const T lr = T(h.lr), wd = T(h.weight_decay), mom = T(h.momentum), damp = T(h.dampening);
  const T sign = h.maximize ? T(-1) : T(1);
  for (int64_t i = 0; i < n; ++i) {
    T d = sign * g[i] + wd * p[i];
    if (buf) {
      buf[i] = first ? d : mom * buf[i] + (1 - damp) * d;
      d = h.nesterov ? d + mom * buf[i] : buf[i];
    }
    p[i] -= lr * d;
  }
}

struct AdamHyper {
  double lr, beta1, beta2, eps, weight_decay;
  bool amsgrad, maximize, decoupled;  // decoupled: AdamW
};
/// step: the step count after this update (1 on the first call).
template <typename T>
void adam_step(T* p, const T* g, T* m, T* v, T* vmax, int64_t step, int64_t n, const AdamHyper& h) {
  const double bc1 = 1 - std::pow(h.beta1, double(step)), bc2 = 1 - std::pow(h.beta2, double(step));
  const T step_size = T(h.lr / bc1), inv_sqrt_bc2 = T(1 / std::sqrt(bc2)), eps = T(h.eps);
  const T wd = T(h.weight_decay), decay = T(1 - h.lr * h.weight_decay);
  const T tb1 = T(h.beta1), tb2 = T(h.beta2), sign = h.maximize ? T(-1) : T(1);
  for (int64_t i = 0; i < n; ++i) {
    T gi = sign * g[i];
    if (h.decoupled) p[i] *= decay;
    else gi += wd * p[i];
    m[i] = tb1 * m[i] + (1 - tb1) * gi;
    v[i] = tb2 * v[i] + (1 - tb2) * gi * gi;
    T vv = v[i];
    if (vmax) {
      vmax[i] = std::max(vmax[i], v[i]);
      vv = vmax[i];
    }
    p[i] -= step_size * m[i] / (std::sqrt(vv) * inv_sqrt_bc2 + eps);
  }
}

struct RMSpropHyper {
  double lr, alpha, eps, weight_decay, momentum;
  bool centered, maximize;
};
/// ga: grad average (centered) or nullptr; buf: momentum buffer or nullptr.
template <typename T>
void rmsprop_step(T* p, const T* g, T* sq, T* ga, T* buf, int64_t n, const RMSpropHyper& h) {
  const T a = T(h.alpha), lr = T(h.lr), eps = T(h.eps), wd = T(h.weight_decay), mom = T(h.momentum);
  const T sign = h.maximize ? T(-1) : T(1);
  for (int64_t i = 0; i < n; ++i) {
    T d = sign * g[i] + wd * p[i];
    sq[i] = a * sq[i] + (1 - a) * d * d;
    T avg;
    if (ga) {
      ga[i] = a * ga[i] + (1 - a) * d;
      avg = std::sqrt(sq[i] - ga[i] * ga[i]) + eps;
    } else {
      avg = std::sqrt(sq[i]) + eps;
    }
    if (buf) {
      buf[i] = mom * buf[i] + d / avg;
      p[i] -= lr * buf[i];
    } else {
      p[i] -= lr * d / avg;
    }
  }
}

struct AdagradHyper {
  double lr, lr_decay, weight_decay, eps;
  bool maximize;
};
template <typename T>
void adagrad_step(T* p, const T* g, T* sum, int64_t step, int64_t n, const AdagradHyper& h) {
  const T clr = T(h.lr / (1 + double(step - 1) * h.lr_decay)), eps = T(h.eps), wd = T(h.weight_decay);
  const T sign = h.maximize ? T(-1) : T(1);
  for (int64_t i = 0; i < n; ++i) {
    T d = sign * g[i] + wd * p[i];
    sum[i] += d * d;
    p[i] -= clr * d / (std::sqrt(sum[i]) + eps);
  }
}

}  // namespace fused
}  // namespace optim
}  // namespace ember
