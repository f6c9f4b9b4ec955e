// CPU CTC loss (CtcLossFn, CtcLossBackwardFn): torch's algorithm, one
// sample per task. Forward is the alpha recursion in log space over the
// extended target l' = (blank, l1, blank, l2, ..., blank); backward runs the
// beta recursion, gathers log sum_s alpha_t(s) beta_t(s) per (t, label) and
// finishes eq. (16) of Graves et al. (2006). Arithmetic stays in the input's
// dtype, as torch's, so float results match it closely.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "cpu/thread_pool.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
namespace {

// l'[s]: blank at even s, the (s / 2)-th label at odd s.
inline int64_t target_prime(const int64_t* tg, int64_t s, int64_t blank) { return s % 2 == 0 ? blank : tg[s / 2]; }

// log(e^a + e^b + e^c), shifted by the max (0 when all are -inf), as torch.
template <typename T>
inline T log_sum3(T a, T b, T c) {
  const T neginf = -std::numeric_limits<T>::infinity();
  T m = std::max(a, std::max(b, c));
  if (m == neginf) m = 0;
  return std::log(std::exp(a - m) + std::exp(b - m) + std::exp(c - m)) + m;
}

// log_probs [T, N, C]; log_alpha [N, T, 2 S + 1]; nll [N].
template <typename T>
void ctc_forward_impl(const Tensor& nll, const Tensor& log_alpha, const Tensor& log_probs, const Tensor& targets,
                      const CtcArgs& a) {
  const int64_t TT = log_probs.size(0), N = log_probs.size(1), C = log_probs.size(2);
  const int64_t S2 = 2 * a.max_target_length + 1;
  const T neginf = -std::numeric_limits<T>::infinity();
  const T* lp = log_probs.data_ptr<T>();
  const int64_t* tgs = targets.data_ptr<int64_t>();
  T* la_all = log_alpha.data_ptr<T>();
  T* out = nll.data_ptr<T>();
  parallel_for(0, N, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t il = a.input_lengths[size_t(b)], tl = a.target_lengths[size_t(b)];
      const int64_t* tg = tgs + a.target_offsets[size_t(b)];
      T* la = la_all + b * TT * S2;
      std::fill(la, la + TT * S2, neginf);
      auto lpb = [&](int64_t t, int64_t c) { return lp[(t * N + b) * C + c]; };
      if (il == 0) {  // no frames: only the empty target has an alignment
        out[b] = tl == 0 ? T(0) : std::numeric_limits<T>::infinity();
        continue;
      }
      la[0] = lpb(0, a.blank);
      if (tl > 0) la[1] = lpb(0, tg[0]);
      for (int64_t t = 1; t < il; ++t) {
        const T* prev = la + (t - 1) * S2;
        T* cur = la + t * S2;
        for (int64_t s = 0; s < 2 * tl + 1; ++s) {
          const int64_t cp = target_prime(tg, s, a.blank);
          const T l1 = prev[s];
          const T l2 = s > 0 ? prev[s - 1] : neginf;
          // a skip over the blank between two different labels
          const T l3 = (s > 1 && target_prime(tg, s - 2, a.blank) != cp) ? prev[s - 2] : neginf;
          cur[s] = log_sum3(l1, l2, l3) + lpb(t, cp);
        }
      }
      const T* last = la + (il - 1) * S2;
      if (tl == 0) {
        out[b] = -last[0];
      } else {  // the paths end in the last label or the blank after it
        const T l1 = last[2 * tl], l2 = last[2 * tl - 1];
        T m = std::max(l1, l2);
        if (m == neginf) m = 0;
        out[b] = -(std::log(std::exp(l1 - m) + std::exp(l2 - m)) + m);
      }
    }
  });
}

// grad [T, N, C]: (exp(lp) - exp(log sum_s alpha beta + nll - lp)), torch's
// formula for a unit incoming gradient (see Note [CTC gradient] in
// src/nn/functional_ctc.cpp).
template <typename T>
void ctc_backward_impl(const Tensor& grad, const Tensor& log_probs, const Tensor& targets, const Tensor& nll,
                       const Tensor& log_alpha, const CtcArgs& a, bool zero_infinity) {
  const int64_t TT = log_probs.size(0), N = log_probs.size(1), C = log_probs.size(2);
  const int64_t S2 = 2 * a.max_target_length + 1;
  const T neginf = -std::numeric_limits<T>::infinity();
  const T* lp = log_probs.data_ptr<T>();
  const int64_t* tgs = targets.data_ptr<int64_t>();
  const T* la_all = log_alpha.data_ptr<T>();
  const T* nlls = nll.data_ptr<T>();
  T* g = grad.data_ptr<T>();
  parallel_for(0, N, 1, [&](int64_t b0, int64_t b1) {
    std::vector<T> beta(size_t(TT * S2));
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t il = a.input_lengths[size_t(b)], tl = a.target_lengths[size_t(b)];
      const int64_t* tg = tgs + a.target_offsets[size_t(b)];
      const T* la = la_all + b * TT * S2;
      const T loss = nlls[b];
      auto lpb = [&](int64_t t, int64_t c) { return lp[(t * N + b) * C + c]; };
      auto gb = [&](int64_t t, int64_t c) -> T& { return g[(t * N + b) * C + c]; };
      if ((zero_infinity && loss == std::numeric_limits<T>::infinity()) || il == 0) {
        for (int64_t t = 0; t < TT; ++t)
          for (int64_t c = 0; c < C; ++c) gb(t, c) = 0;
        continue;
      }
      for (int64_t t = 0; t < il; ++t)
        for (int64_t c = 0; c < C; ++c) gb(t, c) = neginf;  // log of an empty sum
      T* lb = beta.data();
      std::fill(lb + (il - 1) * S2, lb + il * S2, neginf);
      // the last frame: paths end in the final blank or the last label
      lb[(il - 1) * S2 + 2 * tl] = lpb(il - 1, a.blank);
      gb(il - 1, a.blank) = la[(il - 1) * S2 + 2 * tl] + lb[(il - 1) * S2 + 2 * tl];
      if (tl > 0) {
        const int64_t cp = target_prime(tg, 2 * tl - 1, a.blank);
        lb[(il - 1) * S2 + 2 * tl - 1] = lpb(il - 1, cp);
        gb(il - 1, cp) = la[(il - 1) * S2 + 2 * tl - 1] + lb[(il - 1) * S2 + 2 * tl - 1];
      }
      for (int64_t t = il - 2; t >= 0; --t) {
        const T* next = lb + (t + 1) * S2;
        T* cur = lb + t * S2;
        for (int64_t s = 2 * tl; s >= 0; --s) {
          const int64_t cp = target_prime(tg, s, a.blank);
          const T l1 = next[s];
          const T l2 = s < 2 * tl ? next[s + 1] : neginf;
          const T l3 = (s < 2 * tl - 1 && target_prime(tg, s + 2, a.blank) != cp) ? next[s + 2] : neginf;
          cur[s] = log_sum3(l1, l2, l3) + lpb(t, cp);
          // log-add alpha_t(s) beta_t(s) into the label l'[s] of frame t
          const T lab = la[t * S2 + s] + cur[s];
          T& acc = gb(t, cp);
          if (acc == neginf) {
            acc = lab;
          } else {
            const T m = std::max(acc, lab);
            acc = std::log(std::exp(acc - m) + std::exp(lab - m)) + m;
          }
        }
      }
      for (int64_t t = 0; t < il; ++t)
        for (int64_t c = 0; c < C; ++c) {
          T& r = gb(t, c);
          const T v = lpb(t, c);
          r = std::exp(v) - std::exp(r + loss - v);
        }
      for (int64_t t = il; t < TT; ++t)
        for (int64_t c = 0; c < C; ++c) gb(t, c) = 0;
    }
  });
}

void ctc_loss_kernel(const Tensor& nll, const Tensor& log_alpha, const Tensor& log_probs, const Tensor& targets,
                     const CtcArgs& a) {
  dispatch_types<TypeList<float, double>>(log_probs.dtype(), "ctc_loss", [&](auto tag) {
    ctc_forward_impl<EMBER_TYPE(tag)>(nll, log_alpha, log_probs, targets, a);
  });
}

void ctc_loss_backward_kernel(const Tensor& grad, const Tensor& log_probs, const Tensor& targets, const Tensor& nll,
                              const Tensor& log_alpha, const CtcArgs& a, bool zero_infinity) {
  dispatch_types<TypeList<float, double>>(log_probs.dtype(), "ctc_loss_backward", [&](auto tag) {
    ctc_backward_impl<EMBER_TYPE(tag)>(grad, log_probs, targets, nll, log_alpha, a, zero_infinity);
  });
}

}  // namespace

EMBER_REGISTER_KERNEL(ctc_loss, CPU, ctc_loss_kernel);
EMBER_REGISTER_KERNEL(ctc_loss_backward, CPU, ctc_loss_backward_kernel);

}  // namespace cpu
}  // namespace ember
