// Optimizers: each step is one fused loop per parameter over raw memory.
#include <cmath>
#include <cstring>

#include "ember/autograd.h"
#include "ember/optim.h"
#include "fused_steps.h"

namespace ember {
namespace optim {

Optimizer::Optimizer(std::vector<OptimizerParamGroup> groups, std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)) {
  for (auto& g : groups) add_param_group(std::move(g));
}

void Optimizer::add_param_group(OptimizerParamGroup group) {
  if (!group.has_options()) group.set_options(defaults_->clone());
  for (auto& p : group.params()) {
    EMBER_CHECK(p.defined(), "optimizer: got an undefined parameter");
    EMBER_CHECK(p.is_leaf(), "optimizer: can't optimize a non-leaf Tensor");
    for (auto& g : groups_)
      for (auto& q : g.params())
        EMBER_CHECK(!q.is_same(p), "optimizer: some parameters appear in more than one parameter group");
  }
  groups_.push_back(std::move(group));
}

void Optimizer::zero_grad(bool set_to_none) {
  for (auto& g : groups_) nn::zero_grad(g.params(), set_to_none);
}

ParamState& Optimizer::state_for(size_t group, size_t index) {
  int64_t key = 0;
  for (size_t g = 0; g < group; ++g) key += int64_t(groups_[g].params().size());
  return state_[key + int64_t(index)];
}

nn::NamedTensors Optimizer::state_dict() const {
  nn::NamedTensors out;
  for (auto& kv : state_) {
    std::string prefix = "state." + std::to_string(kv.first) + ".";
    for (auto& b : kv.second.buffers) out.insert(prefix + b.first, b.second.detach().clone());
    out.insert(prefix + "step", full({}, kv.second.step, kInt64));
  }
  for (size_t g = 0; g < groups_.size(); ++g)
    out.insert("param_groups." + std::to_string(g) + ".lr", full({}, groups_[g].options().get_lr(), kFloat64));
  return out;
}

void Optimizer::load_state_dict(const nn::NamedTensors& sd) {
  std::map<int64_t, ParamState> st;
  for (auto& kv : sd) {
    const std::string& k = kv.first;
    if (k.rfind("state.", 0) == 0) {
      size_t dot = k.find('.', 6);
      EMBER_CHECK(dot != std::string::npos, "optimizer load_state_dict: malformed key '", k, "'");
      int64_t idx = std::stoll(k.substr(6, dot - 6));
      std::string name = k.substr(dot + 1);
      if (name == "step") st[idx].step = kv.second.item<int64_t>();
      else st[idx].buffers[name] = kv.second.clone();
    } else if (k.rfind("param_groups.", 0) == 0) {
      size_t dot = k.find('.', 13);
      EMBER_CHECK(dot != std::string::npos, "optimizer load_state_dict: malformed key '", k, "'");
      size_t g = size_t(std::stoll(k.substr(13, dot - 13)));
      EMBER_CHECK(g < groups_.size(), "optimizer load_state_dict: the state has param group ", g, " but the optimizer has ",
                  groups_.size());
      if (k.substr(dot + 1) == "lr") groups_[g].options().set_lr(kv.second.item<double>());
    } else {
      throw RuntimeError(detail::str("optimizer load_state_dict: unexpected key '", k, "'"));
    }
  }
  state_ = std::move(st);
}

namespace {

// Runs fn(T* p, const T* g, n, state) for every parameter with a gradient,
// on contiguous float/double memory (other layouts go through a copy).
template <typename F>
void for_each_param(Optimizer& opt, std::vector<OptimizerParamGroup>& groups,
                    const std::function<ParamState&(size_t, size_t)>& state_for, F&& fn) {
  NoGradGuard ng;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    auto& params = groups[gi].params();
    for (size_t pi = 0; pi < params.size(); ++pi) {
      Tensor& p = params[pi];
      if (!p.grad().defined()) continue;
      EMBER_CHECK(p.grad().sizes().equals(p.sizes()), "optimizer: gradient of shape ", p.grad().sizes(),
                  " does not match parameter of shape ", p.sizes());
      bool direct = p.is_contiguous() && p.is_cpu() && (p.dtype() == kFloat || p.dtype() == kDouble);
      Tensor work = direct ? p : p.to(Device(kCPU), kFloat).contiguous();
      Tensor g = p.grad().to(Device(kCPU), work.dtype()).contiguous();
      ParamState& st = state_for(gi, pi);
      if (work.dtype() == kFloat) fn(gi, work.data_ptr<float>(), g.data_ptr<float>(), work.numel(), st, work);
      else fn(gi, work.data_ptr<double>(), g.data_ptr<double>(), work.numel(), st, work);
      if (!direct) p.copy_(work);
      else p._increment_version();
    }
  }
  (void)opt;
}

// A state buffer with the parameter's shape and dtype, zero (or `init`).
template <typename T>
T* buffer(ParamState& st, const char* name, const Tensor& like, double init = 0) {
  auto it = st.buffers.find(name);
  if (it == st.buffers.end() || !it->second.sizes().equals(like.sizes()) || it->second.dtype() != like.dtype())
    it = st.buffers.insert_or_assign(name, full(like.sizes(), init, like.dtype())).first;
  else if (!it->second.is_contiguous())
    it->second = it->second.contiguous();
  return static_cast<T*>(it->second.data_ptr());
}

}  // namespace

// ---------------------------------------------------------------- SGD
SGD::SGD(std::vector<Tensor> params, const SGDOptions& o) : SGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)}, o) {}
SGD::SGD(std::vector<OptimizerParamGroup> groups, const SGDOptions& o)
    : Optimizer(std::move(groups), std::make_unique<SGDOptions>(o)) {
  EMBER_CHECK_VALUE(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  EMBER_CHECK_VALUE(o.momentum() >= 0, "Invalid momentum value: ", o.momentum());
  EMBER_CHECK_VALUE(!o.nesterov() || (o.momentum() > 0 && o.dampening() == 0),
                    "Nesterov momentum requires a momentum and zero dampening");
}
void SGD::step() {
  auto sf = [this](size_t g, size_t i) -> ParamState& { return state_for(g, i); };
  for_each_param(*this, groups_, sf, [&](size_t gi, auto* p, const auto* g, int64_t n, ParamState& st, const Tensor& like) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
    const auto& o = static_cast<const SGDOptions&>(groups_[gi].options());
    T* buf = nullptr;
    bool first = false;
    if (o.momentum() != 0) {
      first = st.buffers.find("momentum_buffer") == st.buffers.end();
      buf = buffer<T>(st, "momentum_buffer", like);
    }
    fused::sgd_step(p, g, buf, first, n,
                    fused::SGDHyper{o.lr(), o.momentum(), o.dampening(), o.weight_decay(), o.nesterov(), o.maximize()});
    ++st.step;
  });
}

// ---------------------------------------------------------------- Adam / AdamW
Adam::Adam(std::vector<Tensor> params, const AdamOptions& o)
    : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)}, o) {}
Adam::Adam(std::vector<OptimizerParamGroup> groups, const AdamOptions& o)
    : Optimizer(std::move(groups), o.clone()) {
  EMBER_CHECK_VALUE(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  EMBER_CHECK_VALUE(o.eps() >= 0, "Invalid epsilon value: ", o.eps());
  EMBER_CHECK_VALUE(o.betas().size() == 2 && o.betas()[0] >= 0 && o.betas()[0] < 1 && o.betas()[1] >= 0 &&
                        o.betas()[1] < 1,
                    "Invalid beta parameters");
}
AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions& o) : Adam(std::move(params), o) { decoupled_ = true; }
AdamW::AdamW(std::vector<OptimizerParamGroup> groups, const AdamWOptions& o) : Adam(std::move(groups), o) {
  decoupled_ = true;
}
void Adam::step() {
  auto sf = [this](size_t g, size_t i) -> ParamState& { return state_for(g, i); };
  for_each_param(*this, groups_, sf, [&](size_t gi, auto* p, const auto* g, int64_t n, ParamState& st, const Tensor& like) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
    const auto& o = static_cast<const AdamOptions&>(groups_[gi].options());
    T* m = buffer<T>(st, "exp_avg", like);
    T* v = buffer<T>(st, "exp_avg_sq", like);
    T* vmax = o.amsgrad() ? buffer<T>(st, "max_exp_avg_sq", like) : nullptr;
    int64_t step = ++st.step;
    fused::adam_step(p, g, m, v, vmax, step, n,
                     fused::AdamHyper{o.lr(), o.betas()[0], o.betas()[1], o.eps(), o.weight_decay(), o.amsgrad(),
                                      o.maximize(), decoupled_});
  });
}

// ---------------------------------------------------------------- RMSprop / Adagrad
RMSprop::RMSprop(std::vector<Tensor> params, const RMSpropOptions& o)
    : Optimizer(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)}, o.clone()) {
  EMBER_CHECK_VALUE(o.lr() >= 0, "Invalid learning rate: ", o.lr());
}
void RMSprop::step() {
  auto sf = [this](size_t g, size_t i) -> ParamState& { return state_for(g, i); };
  for_each_param(*this, groups_, sf, [&](size_t gi, auto* p, const auto* g, int64_t n, ParamState& st, const Tensor& like) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
    const auto& o = static_cast<const RMSpropOptions&>(groups_[gi].options());
    T* sq = buffer<T>(st, "square_avg", like);
    T* ga = o.centered() ? buffer<T>(st, "grad_avg", like) : nullptr;
    T* buf = o.momentum() > 0 ? buffer<T>(st, "momentum_buffer", like) : nullptr;
    ++st.step;
    fused::rmsprop_step(p, g, sq, ga, buf, n,
                        fused::RMSpropHyper{o.lr(), o.alpha(), o.eps(), o.weight_decay(), o.momentum(), o.centered(),
                                            false});
  });
}
Adagrad::Adagrad(std::vector<Tensor> params, const AdagradOptions& o)
    : Optimizer(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)}, o.clone()) {
  EMBER_CHECK_VALUE(o.lr() >= 0, "Invalid learning rate: ", o.lr());
}
void Adagrad::step() {
  auto sf = [this](size_t g, size_t i) -> ParamState& { return state_for(g, i); };
  for_each_param(*this, groups_, sf, [&](size_t gi, auto* p, const auto* g, int64_t n, ParamState& st, const Tensor& like) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
    const auto& o = static_cast<const AdagradOptions&>(groups_[gi].options());
    T* sum = buffer<T>(st, "sum", like, o.initial_accumulator_value());
    int64_t step = ++st.step;
    fused::adagrad_step(p, g, sum, step, n,
                        fused::AdagradHyper{o.lr(), o.lr_decay(), o.weight_decay(), o.eps(), false});
  });
}

Adadelta::Adadelta(std::vector<Tensor> params, const AdadeltaOptions& o)
    : Optimizer(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)}, o.clone()) {
  EMBER_CHECK_VALUE(o.lr() >= 0, "Invalid learning rate: ", o.lr());
  EMBER_CHECK_VALUE(o.rho() >= 0 && o.rho() <= 1, "Invalid rho value: ", o.rho());
  EMBER_CHECK_VALUE(o.eps() >= 0, "Invalid epsilon value: ", o.eps());
}
void Adadelta::step() {
  auto sf = [this](size_t g, size_t i) -> ParamState& { return state_for(g, i); };
  for_each_param(*this, groups_, sf, [&](size_t gi, auto* p, const auto* g, int64_t n, ParamState& st, const Tensor& like) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
    const auto& o = static_cast<const AdadeltaOptions&>(groups_[gi].options());
    T* sq = buffer<T>(st, "square_avg", like, 0);
    T* acc = buffer<T>(st, "acc_delta", like, 0);
    ++st.step;
    fused::adadelta_step(p, g, sq, acc, n, fused::AdadeltaHyper{o.lr(), o.rho(), o.eps(), o.weight_decay(), false});
  });
}

// ---------------------------------------------------------------- NAdam / RAdam / Adamax
namespace {
// torch 1.13's argument checks, worded as torch's
void check_adam_family(double lr, const std::vector<double>& betas, double eps, double weight_decay) {
  EMBER_CHECK_VALUE(lr >= 0, "Invalid learning rate: ", lr);
  EMBER_CHECK_VALUE(eps >= 0, "Invalid epsilon value: ", eps);
  EMBER_CHECK_VALUE(betas.size() == 2, "betas must hold two values, got ", betas.size());
  EMBER_CHECK_VALUE(betas[0] >= 0 && betas[0] < 1, "Invalid beta parameter at index 0: ", betas[0]);
  EMBER_CHECK_VALUE(betas[1] >= 0 && betas[1] < 1, "Invalid beta parameter at index 1: ", betas[1]);
  EMBER_CHECK_VALUE(weight_decay >= 0, "Invalid weight_decay value: ", weight_decay);
}
}  // namespace

NAdam::NAdam(std::vector<Tensor> params, const NAdamOptions& o)
    : NAdam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)}, o) {}
NAdam::NAdam(std::vector<OptimizerParamGroup> groups, const NAdamOptions& o) : Optimizer(std::move(groups), o.clone()) {
  check_adam_family(o.lr(), o.betas(), o.eps(), o.weight_decay());
  EMBER_CHECK_VALUE(o.momentum_decay() >= 0, "Invalid momentum_decay value: ", o.momentum_decay());
}
void NAdam::step() {
  auto sf = [this](size_t g, size_t i) -> ParamState& { return state_for(g, i); };
  for_each_param(
      *this, groups_, sf, [&](size_t gi, auto* p, const auto* g, int64_t n, ParamState& st, const Tensor& like) {
        using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
        const auto& o = static_cast<const NAdamOptions&>(groups_[gi].options());
        T* m = buffer<T>(st, "exp_avg", like);
        T* v = buffer<T>(st, "exp_avg_sq", like);
        // See Note [NAdam's mu_product]: a float32 scalar, as torch's
        Tensor& mu_product = st.buffers["mu_product"];
        if (!mu_product.defined()) mu_product = full({}, 1.0, kFloat);
        int64_t step = ++st.step;
        fused::NAdamHyper h{o.lr(), o.betas()[0], o.betas()[1], o.eps(), o.weight_decay(), o.momentum_decay()};
        mu_product.mul_(fused::nadam_mu(h, step));
        fused::nadam_step(p, g, m, v, step, mu_product.item<double>(), n, h);
      });
}

RAdam::RAdam(std::vector<Tensor> params, const RAdamOptions& o)
    : RAdam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)}, o) {}
RAdam::RAdam(std::vector<OptimizerParamGroup> groups, const RAdamOptions& o) : Optimizer(std::move(groups), o.clone()) {
  check_adam_family(o.lr(), o.betas(), o.eps(), o.weight_decay());
}
void RAdam::step() {
  auto sf = [this](size_t g, size_t i) -> ParamState& { return state_for(g, i); };
  for_each_param(*this, groups_, sf,
                 [&](size_t gi, auto* p, const auto* g, int64_t n, ParamState& st, const Tensor& like) {
                   using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
                   const auto& o = static_cast<const RAdamOptions&>(groups_[gi].options());
                   T* m = buffer<T>(st, "exp_avg", like);
                   T* v = buffer<T>(st, "exp_avg_sq", like);
                   int64_t step = ++st.step;
                   fused::radam_step(p, g, m, v, step, n,
                                     fused::RAdamHyper{o.lr(), o.betas()[0], o.betas()[1], o.eps(), o.weight_decay()});
                 });
}

Adamax::Adamax(std::vector<Tensor> params, const AdamaxOptions& o)
    : Adamax(std::vector<OptimizerParamGroup>{OptimizerParamGroup(params)}, o) {}
Adamax::Adamax(std::vector<OptimizerParamGroup> groups, const AdamaxOptions& o)
    : Optimizer(std::move(groups), o.clone()) {
  check_adam_family(o.lr(), o.betas(), o.eps(), o.weight_decay());
}
void Adamax::step() {
  auto sf = [this](size_t g, size_t i) -> ParamState& { return state_for(g, i); };
  for_each_param(*this, groups_, sf,
                 [&](size_t gi, auto* p, const auto* g, int64_t n, ParamState& st, const Tensor& like) {
                   using T = std::remove_const_t<std::remove_pointer_t<decltype(g)>>;
                   const auto& o = static_cast<const AdamaxOptions&>(groups_[gi].options());
                   T* m = buffer<T>(st, "exp_avg", like);
                   T* u = buffer<T>(st, "exp_inf", like);
                   int64_t step = ++st.step;
                   fused::adamax_step(
                       p, g, m, u, step, n,
                       fused::AdamaxHyper{o.lr(), o.betas()[0], o.betas()[1], o.eps(), o.weight_decay(), o.maximize()});
                 });
}

// ---------------------------------------------------------------- clipping
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type) {
  NoGradGuard ng;
  std::vector<Tensor> grads;
  for (auto& p : parameters)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return 0.0;
  double total;
  if (std::isinf(norm_type)) {
    total = 0;
    for (auto& g : grads) total = std::max(total, g.abs().max().item<double>());
  } else {
    double acc = 0;
    for (auto& g : grads) acc += std::pow(norm(g.to(kFloat64), norm_type).item<double>(), norm_type);
    total = std::pow(acc, 1.0 / norm_type);
  }
  double coef = max_norm / (total + 1e-6);
  if (coef < 1)
    for (auto& p : parameters)
      if (p.grad().defined()) p.mutable_grad().mul_(coef);
  return total;
}
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  NoGradGuard ng;
  for (auto& p : parameters)
    if (p.grad().defined()) p.mutable_grad().clamp_(-clip_value, clip_value);
}

}  // namespace optim
}  // namespace ember
