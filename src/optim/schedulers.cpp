// Learning-rate schedulers: closed forms of torch's, stepped per epoch.
#include <algorithm>
#include <cmath>

#include "ember/optim.h"

namespace ember {
namespace optim {

LRScheduler::LRScheduler(Optimizer& o) : optimizer_(o) {
  for (auto& g : o.param_groups()) {
    if (!g.initial_lr()) g.initial_lr() = g.options().get_lr();
    base_lrs_.push_back(*g.initial_lr());
  }
  for (auto& g : o.param_groups()) last_lr_.push_back(g.options().get_lr());
}
void LRScheduler::apply() {
  last_lr_.clear();
  auto& groups = optimizer_.param_groups();
  for (size_t g = 0; g < groups.size() && g < base_lrs_.size(); ++g) {
    double lr = lr_at(g);
    groups[g].options().set_lr(lr);
    last_lr_.push_back(lr);
  }
}
void LRScheduler::step() {
  ++last_epoch_;
  apply();
}

StepLR::StepLR(Optimizer& o, int64_t step_size, double gamma) : LRScheduler(o), step_size_(step_size), gamma_(gamma) {
  EMBER_CHECK_VALUE(step_size > 0, "StepLR: step_size must be positive");
}
double StepLR::lr_at(size_t g) const { return base_lrs_[g] * std::pow(gamma_, double(last_epoch_ / step_size_)); }

MultiStepLR::MultiStepLR(Optimizer& o, std::vector<int64_t> milestones, double gamma)
    : LRScheduler(o), milestones_(std::move(milestones)), gamma_(gamma) {}
double MultiStepLR::lr_at(size_t g) const {
  int64_t k = 0;
  for (auto m : milestones_) k += last_epoch_ >= m;
  return base_lrs_[g] * std::pow(gamma_, double(k));
}

ExponentialLR::ExponentialLR(Optimizer& o, double gamma) : LRScheduler(o), gamma_(gamma) {}
double ExponentialLR::lr_at(size_t g) const { return base_lrs_[g] * std::pow(gamma_, double(last_epoch_)); }

CosineAnnealingLR::CosineAnnealingLR(Optimizer& o, int64_t T_max, double eta_min)
    : LRScheduler(o), T_max_(T_max), eta_min_(eta_min) {
  EMBER_CHECK_VALUE(T_max > 0, "CosineAnnealingLR: T_max must be positive");
}
double CosineAnnealingLR::lr_at(size_t g) const {
  return eta_min_ + (base_lrs_[g] - eta_min_) * (1 + std::cos(M_PI * double(last_epoch_) / double(T_max_))) / 2;
}

LinearLR::LinearLR(Optimizer& o, double s, double e, int64_t total) : LRScheduler(o), start_(s), end_(e), total_(total) {
  EMBER_CHECK_VALUE(s > 0 && s <= 1, "LinearLR: start_factor must be in (0, 1]");
  apply();  // the first rate is base * start_factor, as torch
}
double LinearLR::lr_at(size_t g) const {
  double t = double(std::min(last_epoch_, total_)) / double(total_);
  return base_lrs_[g] * (start_ + (end_ - start_) * t);
}

LambdaLR::LambdaLR(Optimizer& o, std::function<double(int64_t)> fn) : LRScheduler(o), fn_(std::move(fn)) { apply(); }
double LambdaLR::lr_at(size_t g) const { return base_lrs_[g] * fn_(last_epoch_); }

OneCycleLR::OneCycleLR(Optimizer& o, double max_lr, int64_t total_steps, double pct_start, double div_factor,
                       double final_div_factor)
    : LRScheduler(o), max_lr_(max_lr), total_(total_steps), pct_(pct_start) {
  EMBER_CHECK_VALUE(total_steps > 0, "OneCycleLR: total_steps must be positive");
  initial_ = max_lr / div_factor;
  min_ = initial_ / final_div_factor;
  apply();
}
double OneCycleLR::lr_at(size_t) const {
  // torch's two phases with cosine annealing; phase ends at step indices
  double up_end = pct_ * double(total_) - 1;
  double down_end = double(total_) - 1;
  double step = double(last_epoch_);
  auto cos_anneal = [](double start, double end, double pct) { return end + (start - end) / 2 * (std::cos(M_PI * pct) + 1); };
  if (step <= up_end) return cos_anneal(initial_, max_lr_, up_end > 0 ? step / up_end : 1.0);
  return cos_anneal(max_lr_, min_, (step - up_end) / (down_end - up_end));
}

SequentialLR::SequentialLR(Optimizer& o, std::vector<std::shared_ptr<LRScheduler>> schedulers,
                           std::vector<int64_t> milestones)
    : LRScheduler(o), schedulers_(std::move(schedulers)), milestones_(std::move(milestones)) {
  EMBER_CHECK_VALUE(!schedulers_.empty(), "SequentialLR: expects at least one scheduler");
  EMBER_CHECK_VALUE(milestones_.size() + 1 == schedulers_.size(), "SequentialLR: expects ", schedulers_.size() - 1,
                    " milestones for ", schedulers_.size(), " schedulers, got ", milestones_.size());
  for (auto& s : schedulers_) {
    EMBER_CHECK_VALUE(s != nullptr, "SequentialLR: a scheduler is null");
    EMBER_CHECK_VALUE(&s->optimizer_ == &o, "SequentialLR: every scheduler must belong to the optimizer given");
  }
  for (size_t i = 1; i < milestones_.size(); ++i)
    EMBER_CHECK_VALUE(milestones_[i] > milestones_[i - 1], "SequentialLR: milestones must increase");
  // back to the initial rates, then the first scheduler's epoch 0
  for (auto& g : o.param_groups()) g.options().set_lr(*g.initial_lr());
  schedulers_[0]->last_epoch_ = 0;
  schedulers_[0]->apply();
  last_lr_ = schedulers_[0]->last_lr_;
}
void SequentialLR::step() {
  ++last_epoch_;
  size_t idx = size_t(std::upper_bound(milestones_.begin(), milestones_.end(), last_epoch_) - milestones_.begin());
  LRScheduler& s = *schedulers_[idx];
  if (idx > 0 && milestones_[idx - 1] == last_epoch_) {
    s.last_epoch_ = 0;  // the next scheduler starts at its own epoch 0
    s.apply();
  } else {
    s.step();
  }
  last_lr_ = s.last_lr_;
}
double SequentialLR::lr_at(size_t g) const { return last_lr_.at(g); }

}  // namespace optim
}  // namespace ember
