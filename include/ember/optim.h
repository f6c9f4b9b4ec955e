#pragma once

// Optimizers and learning-rate schedulers, shaped like libtorch's
// (`ember::optim::SGD opt(model->parameters(), ember::optim::SGDOptions(0.1).momentum(0.9))`,
// `opt.zero_grad(); loss.backward(); opt.step();`). Each step is one fused
// loop per parameter over its memory, not a chain of temporary tensors.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ember/arg.h"
#include "ember/nn/module.h"
#include "ember/ops.h"

namespace ember {
namespace optim {

/// Hyper-parameters of one param group. Every optimizer's options derive
/// from this, so schedulers can read and set the learning rate.
struct EMBER_API OptimizerOptions {
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  virtual double get_lr() const = 0;
  virtual void set_lr(double lr) = 0;
};

struct EMBER_API OptimizerParamGroup {
  OptimizerParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}
  OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}
  OptimizerParamGroup(const OptimizerParamGroup& o)
      : params_(o.params_), options_(o.options_ ? o.options_->clone() : nullptr), initial_lr_(o.initial_lr_) {}
  std::vector<Tensor>& params() { return params_; }
  const std::vector<Tensor>& params() const { return params_; }
  OptimizerOptions& options() { return *options_; }
  const OptimizerOptions& options() const { return *options_; }
  bool has_options() const { return options_ != nullptr; }
  void set_options(std::unique_ptr<OptimizerOptions> o) { options_ = std::move(o); }
  /// The rate before any scheduler touched it (torch's group["initial_lr"]):
  /// set by the first scheduler made on the optimizer; later ones, chained
  /// or in a SequentialLR, schedule from it rather than from the current lr.
  std::optional<double>& initial_lr() { return initial_lr_; }
  const std::optional<double>& initial_lr() const { return initial_lr_; }

 private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
  std::optional<double> initial_lr_;
};

/// Per-parameter state: named tensors (momentum_buffer, exp_avg, ...) and a step count.
struct ParamState {
  std::map<std::string, Tensor> buffers;
  int64_t step = 0;
};

class EMBER_API Optimizer {
 public:
  Optimizer(std::vector<OptimizerParamGroup> groups, std::unique_ptr<OptimizerOptions> defaults);
  virtual ~Optimizer() = default;
  /// One update of every parameter that has a gradient.
  virtual void step() = 0;
  /// set_to_none (default): grads become undefined, as torch 2.
  void zero_grad(bool set_to_none = true);
  void add_param_group(OptimizerParamGroup group);
  std::vector<OptimizerParamGroup>& param_groups() { return groups_; }
  const std::vector<OptimizerParamGroup>& param_groups() const { return groups_; }
  OptimizerOptions& defaults() { return *defaults_; }
  /// State keyed by parameter position (group-major), as torch's state_dict.
  std::map<int64_t, ParamState>& state() { return state_; }
  /// "state.<i>.<buffer>" tensors, "state.<i>.step", "param_groups.<g>.lr" entries.
  nn::NamedTensors state_dict() const;
  void load_state_dict(const nn::NamedTensors& state);

 protected:
  ParamState& state_for(size_t group, size_t index);
  std::vector<OptimizerParamGroup> groups_;
  std::unique_ptr<OptimizerOptions> defaults_;
  std::map<int64_t, ParamState> state_;
};

// ---------------------------------------------------------------- SGD
struct EMBER_API SGDOptions : OptimizerOptions {
  SGDOptions(double lr) : lr_(lr) {}
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<SGDOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  EMBER_ARG(double, lr);
  EMBER_ARG(double, momentum) = 0;
  EMBER_ARG(double, dampening) = 0;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(bool, nesterov) = false;
  EMBER_ARG(bool, maximize) = false;
};
class EMBER_API SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, const SGDOptions& options);
  SGD(std::vector<OptimizerParamGroup> groups, const SGDOptions& options);
  void step() override;
};

// ---------------------------------------------------------------- Adam / AdamW
struct EMBER_API AdamOptions : OptimizerOptions {
  AdamOptions(double lr = 1e-3) : lr_(lr) {}
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<AdamOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  EMBER_ARG(double, lr);
  EMBER_ARG(std::vector<double>, betas) = {0.9, 0.999};
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(bool, amsgrad) = false;
  EMBER_ARG(bool, maximize) = false;
};
struct EMBER_API AdamWOptions : AdamOptions {
  AdamWOptions(double lr = 1e-3) : AdamOptions(lr) { weight_decay(1e-2); }
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<AdamWOptions>(*this); }
};
class EMBER_API Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, const AdamOptions& options = AdamOptions());
  Adam(std::vector<OptimizerParamGroup> groups, const AdamOptions& options = AdamOptions());
  void step() override;

 protected:
  bool decoupled_ = false;  // AdamW: weight decay applied to the weights, not the gradient
};
class EMBER_API AdamW : public Adam {
 public:
  AdamW(std::vector<Tensor> params, const AdamWOptions& options = AdamWOptions());
  AdamW(std::vector<OptimizerParamGroup> groups, const AdamWOptions& options = AdamWOptions());
};

// ---------------------------------------------------------------- RMSprop / Adagrad
struct EMBER_API RMSpropOptions : OptimizerOptions {
  RMSpropOptions(double lr = 1e-2) : lr_(lr) {}
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<RMSpropOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  EMBER_ARG(double, lr);
  EMBER_ARG(double, alpha) = 0.99;
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(double, momentum) = 0;
  EMBER_ARG(bool, centered) = false;
};
class EMBER_API RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, const RMSpropOptions& options = RMSpropOptions());
  void step() override;
};
struct EMBER_API AdagradOptions : OptimizerOptions {
  AdagradOptions(double lr = 1e-2) : lr_(lr) {}
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<AdagradOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  EMBER_ARG(double, lr);
  EMBER_ARG(double, lr_decay) = 0;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(double, initial_accumulator_value) = 0;
  EMBER_ARG(double, eps) = 1e-10;
};
class EMBER_API Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<Tensor> params, const AdagradOptions& options = AdagradOptions());
  void step() override;
};

struct EMBER_API AdadeltaOptions : OptimizerOptions {
  AdadeltaOptions(double lr = 1.0) : lr_(lr) {}
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<AdadeltaOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  EMBER_ARG(double, lr);
  EMBER_ARG(double, rho) = 0.9;
  EMBER_ARG(double, eps) = 1e-6;
  EMBER_ARG(double, weight_decay) = 0;
};
class EMBER_API Adadelta : public Optimizer {
 public:
  Adadelta(std::vector<Tensor> params, const AdadeltaOptions& options = AdadeltaOptions());
  void step() override;
};

// ---------------------------------------------------------------- NAdam / RAdam / Adamax
// torch.optim's (libtorch's C++ has none): same hyper-parameters and defaults
// as torch 1.13's Python classes, and the same state names.
struct EMBER_API NAdamOptions : OptimizerOptions {
  NAdamOptions(double lr = 2e-3) : lr_(lr) {}
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<NAdamOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  EMBER_ARG(double, lr);
  EMBER_ARG(std::vector<double>, betas) = {0.9, 0.999};
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(double, momentum_decay) = 4e-3;
};
/// Adam with Nesterov momentum (Dozat 2016), as torch 1.13's default NAdam
/// (its bias correction of the exp_avg term included). State: exp_avg,
/// exp_avg_sq and mu_product (a float32 scalar, as torch's).
class EMBER_API NAdam : public Optimizer {
 public:
  NAdam(std::vector<Tensor> params, const NAdamOptions& options = NAdamOptions());
  NAdam(std::vector<OptimizerParamGroup> groups, const NAdamOptions& options = NAdamOptions());
  void step() override;
};

struct EMBER_API RAdamOptions : OptimizerOptions {
  RAdamOptions(double lr = 1e-3) : lr_(lr) {}
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<RAdamOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  EMBER_ARG(double, lr);
  EMBER_ARG(std::vector<double>, betas) = {0.9, 0.999};
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 0;
};
/// Rectified Adam (Liu et al. 2019): plain momentum steps until the variance
/// estimate is tractable, then rectified Adam steps. State: exp_avg, exp_avg_sq.
class EMBER_API RAdam : public Optimizer {
 public:
  RAdam(std::vector<Tensor> params, const RAdamOptions& options = RAdamOptions());
  RAdam(std::vector<OptimizerParamGroup> groups, const RAdamOptions& options = RAdamOptions());
  void step() override;
};

struct EMBER_API AdamaxOptions : OptimizerOptions {
  AdamaxOptions(double lr = 2e-3) : lr_(lr) {}
  std::unique_ptr<OptimizerOptions> clone() const override { return std::make_unique<AdamaxOptions>(*this); }
  double get_lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }
  EMBER_ARG(double, lr);
  EMBER_ARG(std::vector<double>, betas) = {0.9, 0.999};
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(bool, maximize) = false;
};
/// Adam with the infinity norm (Kingma & Ba, section 7). State: exp_avg, exp_inf.
class EMBER_API Adamax : public Optimizer {
 public:
  Adamax(std::vector<Tensor> params, const AdamaxOptions& options = AdamaxOptions());
  Adamax(std::vector<OptimizerParamGroup> groups, const AdamaxOptions& options = AdamaxOptions());
  void step() override;
};

// ---------------------------------------------------------------- schedulers
/// Base of the learning-rate schedulers: step() advances one epoch and
/// writes the new rate into every param group (torch's chainable form).
class EMBER_API LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  virtual void step();
  std::vector<double> get_last_lr() const { return last_lr_; }
  int64_t last_epoch() const { return last_epoch_; }

 protected:
  /// The rate of group g at epoch `last_epoch_` (closed form).
  virtual double lr_at(size_t g) const = 0;
  void apply();
  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  std::vector<double> last_lr_;
  int64_t last_epoch_ = 0;
  friend class SequentialLR;
};
class EMBER_API StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& o, int64_t step_size, double gamma = 0.1);
 protected:
  double lr_at(size_t g) const override;
  int64_t step_size_;
  double gamma_;
};
class EMBER_API MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(Optimizer& o, std::vector<int64_t> milestones, double gamma = 0.1);
 protected:
  double lr_at(size_t g) const override;
  std::vector<int64_t> milestones_;
  double gamma_;
};
class EMBER_API ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& o, double gamma);
 protected:
  double lr_at(size_t g) const override;
  double gamma_;
};
class EMBER_API CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& o, int64_t T_max, double eta_min = 0);
 protected:
  double lr_at(size_t g) const override;
  int64_t T_max_;
  double eta_min_;
};
class EMBER_API LinearLR : public LRScheduler {
 public:
  LinearLR(Optimizer& o, double start_factor = 1.0 / 3, double end_factor = 1.0, int64_t total_iters = 5);
 protected:
  double lr_at(size_t g) const override;
  double start_, end_;
  int64_t total_;
};
class EMBER_API LambdaLR : public LRScheduler {
 public:
  LambdaLR(Optimizer& o, std::function<double(int64_t)> lr_lambda);
 protected:
  double lr_at(size_t g) const override;
  std::function<double(int64_t)> fn_;
};
/// One-cycle policy (cosine annealing, torch's defaults).
class EMBER_API OneCycleLR : public LRScheduler {
 public:
  OneCycleLR(Optimizer& o, double max_lr, int64_t total_steps, double pct_start = 0.3, double div_factor = 25,
             double final_div_factor = 1e4);
 protected:
  double lr_at(size_t g) const override;
  double max_lr_, initial_, min_;
  int64_t total_;
  double pct_;
};

/// Runs schedulers one after another: schedulers[i] from epoch
/// milestones[i - 1] on, restarted at its own epoch 0 there (torch's).
class EMBER_API SequentialLR : public LRScheduler {
 public:
  SequentialLR(Optimizer& o, std::vector<std::shared_ptr<LRScheduler>> schedulers, std::vector<int64_t> milestones);
  void step() override;
 protected:
  double lr_at(size_t g) const override;
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
  std::vector<int64_t> milestones_;
};

// ---------------------------------------------------------------- gradient clipping
/// Scales gradients so their total p-norm is at most max_norm; returns the
/// norm before clipping.
EMBER_API double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2.0);
EMBER_API void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);

}  // namespace optim
}  // namespace ember
