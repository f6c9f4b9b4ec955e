// The update loops of the optimizers, over one parameter's contiguous
// memory: shared by the C++ optimizers (optimizer.cpp) and the Python ones
// (python/src/nn.cpp), so the math exists once and is compiled once, with
// the library's flags (the Python module is built for any x86-64). Each
// function runs one step for one parameter; state buffers are the caller's
// (same length n) and never alias the parameter or its gradient.
#pragma once

#include <cstdint>

#include "ember/export.h"

namespace ember {
namespace optim {
namespace fused {

struct SGDHyper {
  double lr, momentum, dampening, weight_decay;
  bool nesterov, maximize;
};
/// buf: momentum buffer or nullptr (momentum == 0); first: buf holds no
/// history yet (torch initializes it with the first update direction).
EMBER_API void sgd_step(float* p, const float* g, float* buf, bool first, int64_t n, const SGDHyper& h);
EMBER_API void sgd_step(double* p, const double* g, double* buf, bool first, int64_t n, const SGDHyper& h);

struct AdamHyper {
  double lr, beta1, beta2, eps, weight_decay;
  bool amsgrad, maximize, decoupled;  // decoupled: AdamW
};
/// step: the step count after this update (1 on the first call); vmax:
/// the amsgrad maximum or nullptr.
EMBER_API void adam_step(float* p, const float* g, float* m, float* v, float* vmax, int64_t step, int64_t n,
                         const AdamHyper& h);
EMBER_API void adam_step(double* p, const double* g, double* m, double* v, double* vmax, int64_t step, int64_t n,
                         const AdamHyper& h);

struct RMSpropHyper {
  double lr, alpha, eps, weight_decay, momentum;
  bool centered, maximize;
};
/// ga: grad average (centered) or nullptr; buf: momentum buffer or nullptr.
EMBER_API void rmsprop_step(float* p, const float* g, float* sq, float* ga, float* buf, int64_t n,
                            const RMSpropHyper& h);
EMBER_API void rmsprop_step(double* p, const double* g, double* sq, double* ga, double* buf, int64_t n,
                            const RMSpropHyper& h);

struct AdagradHyper {
  double lr, lr_decay, weight_decay, eps;
  bool maximize;
};
EMBER_API void adagrad_step(float* p, const float* g, float* sum, int64_t step, int64_t n, const AdagradHyper& h);
EMBER_API void adagrad_step(double* p, const double* g, double* sum, int64_t step, int64_t n,
                            const AdagradHyper& h);

struct AdadeltaHyper {
  double lr, rho, eps, weight_decay;
  bool maximize;
};
/// sq: running average of squared gradients; acc: of squared updates.
EMBER_API void adadelta_step(float* p, const float* g, float* sq, float* acc, int64_t n, const AdadeltaHyper& h);
EMBER_API void adadelta_step(double* p, const double* g, double* sq, double* acc, int64_t n, const AdadeltaHyper& h);

struct NAdamHyper {
  double lr, beta1, beta2, eps, weight_decay, momentum_decay;
};
/// NAdam's momentum coefficient mu_t = beta1 (1 - 0.96^(t momentum_decay) / 2).
EMBER_API double nadam_mu(const NAdamHyper& h, int64_t step);
/// mu_product: mu_1 ... mu_step, this step's coefficient included (the
/// caller keeps it as torch does, a float32 scalar multiplied in place).
EMBER_API void nadam_step(float* p, const float* g, float* m, float* v, int64_t step, double mu_product, int64_t n,
                          const NAdamHyper& h);
EMBER_API void nadam_step(double* p, const double* g, double* m, double* v, int64_t step, double mu_product, int64_t n,
                          const NAdamHyper& h);

struct RAdamHyper {
  double lr, beta1, beta2, eps, weight_decay;
};
EMBER_API void radam_step(float* p, const float* g, float* m, float* v, int64_t step, int64_t n, const RAdamHyper& h);
EMBER_API void radam_step(double* p, const double* g, double* m, double* v, int64_t step, int64_t n,
                          const RAdamHyper& h);

struct AdamaxHyper {
  double lr, beta1, beta2, eps, weight_decay;
  bool maximize;
};
/// u: the exponentially weighted infinity norm (torch's exp_inf).
EMBER_API void adamax_step(float* p, const float* g, float* m, float* u, int64_t step, int64_t n, const AdamaxHyper& h);
EMBER_API void adamax_step(double* p, const double* g, double* m, double* u, int64_t step, int64_t n,
                           const AdamaxHyper& h);

}  // namespace fused
}  // namespace optim
}  // namespace ember
