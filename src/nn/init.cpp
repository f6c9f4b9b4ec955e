#include "ember/nn/init.h"

#include <cmath>

#include "ember/autograd.h"

namespace ember {
namespace nn {
namespace init {

Tensor& uniform_(Tensor& t, double a, double b) {
  NoGradGuard ng;
  return t.uniform_(a, b);
}
Tensor& normal_(Tensor& t, double mean, double std) {
  NoGradGuard ng;
  return t.normal_(mean, std);
}
Tensor& constant_(Tensor& t, double value) {
  NoGradGuard ng;
  return t.fill_(value);
}
Tensor& ones_(Tensor& t) { return constant_(t, 1); }
Tensor& zeros_(Tensor& t) { return constant_(t, 0); }
Tensor& eye_(Tensor& t) {
  EMBER_CHECK_VALUE(t.dim() == 2, "Only tensors with 2 dimensions are supported");
  NoGradGuard ng;
  return t.copy_(eye(t.size(0), t.size(1), t.dtype()));
}

double calculate_gain(const std::string& nl, double param) {
  if (nl == "linear" || nl == "sigmoid" || nl.rfind("conv", 0) == 0) return 1;
  if (nl == "tanh") return 5.0 / 3;
  if (nl == "relu") return std::sqrt(2.0);
  if (nl == "leaky_relu") return std::sqrt(2.0 / (1 + param * param));
  if (nl == "selu") return 3.0 / 4;
  throw ValueError(detail::str("Unsupported nonlinearity ", nl));
}

std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t) {
  EMBER_CHECK_VALUE(t.dim() >= 2,
                    "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  int64_t receptive = 1;
  for (int64_t i = 2; i < t.dim(); ++i) receptive *= t.size(i);
  return {t.size(1) * receptive, t.size(0) * receptive};
}

Tensor& xavier_uniform_(Tensor& t, double gain) {
  auto f = calculate_fan_in_and_fan_out(t);
  double std = gain * std::sqrt(2.0 / double(f.first + f.second));
  double a = std::sqrt(3.0) * std;
  return uniform_(t, -a, a);
}
Tensor& xavier_normal_(Tensor& t, double gain) {
  auto f = calculate_fan_in_and_fan_out(t);
  return normal_(t, 0, gain * std::sqrt(2.0 / double(f.first + f.second)));
}
namespace {
double kaiming_std(const Tensor& t, double a, const std::string& mode, const std::string& nl) {
  EMBER_CHECK_VALUE(mode == "fan_in" || mode == "fan_out", "Mode ", mode, " not supported, please use one of fan_in, fan_out");
  auto f = calculate_fan_in_and_fan_out(t);
  double fan = double(mode == "fan_in" ? f.first : f.second);
  return calculate_gain(nl, a) / std::sqrt(fan);
}
}  // namespace
Tensor& kaiming_uniform_(Tensor& t, double a, const std::string& mode, const std::string& nl) {
  double bound = std::sqrt(3.0) * kaiming_std(t, a, mode, nl);
  return uniform_(t, -bound, bound);
}
Tensor& kaiming_normal_(Tensor& t, double a, const std::string& mode, const std::string& nl) {
  return normal_(t, 0, kaiming_std(t, a, mode, nl));
}
Tensor& trunc_normal_(Tensor& t, double mean, double std, double a, double b) {
  // rejection sampling: redraw the values outside [a, b] (a few rounds)
  NoGradGuard ng;
  EMBER_CHECK_VALUE(a < b, "trunc_normal_: a must be less than b");
  Tensor x = randn(t.sizes(), t.dtype()) * std + mean;
  for (int round = 0; round < 100; ++round) {
    Tensor out = logical_or(x < a, x > b);
    if (!out.any().item<bool>()) break;
    x = where(out, randn(t.sizes(), t.dtype()) * std + mean, x);
  }
  t.copy_(ember::clamp(x, a, b));
  return t;
}

}  // namespace init
}  // namespace nn
}  // namespace ember
