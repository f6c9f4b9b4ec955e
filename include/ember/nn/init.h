#pragma once

// Parameter initializers (torch.nn.init), in place, without autograd.
#include <string>

#include "ember/ops.h"

namespace ember {
namespace nn {
namespace init {

EMBER_API Tensor& uniform_(Tensor& t, double a = 0, double b = 1);
EMBER_API Tensor& normal_(Tensor& t, double mean = 0, double std = 1);
EMBER_API Tensor& constant_(Tensor& t, double value);
EMBER_API Tensor& ones_(Tensor& t);
EMBER_API Tensor& zeros_(Tensor& t);
EMBER_API Tensor& eye_(Tensor& t);
/// Recommended gain for a nonlinearity ("linear", "relu", "leaky_relu", "tanh", "sigmoid", "selu").
EMBER_API double calculate_gain(const std::string& nonlinearity, double param = 0.01);
/// (fan_in, fan_out) of a weight, as torch's _calculate_fan_in_and_fan_out.
EMBER_API std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t);
EMBER_API Tensor& xavier_uniform_(Tensor& t, double gain = 1);
EMBER_API Tensor& xavier_normal_(Tensor& t, double gain = 1);
/// mode "fan_in" or "fan_out".
EMBER_API Tensor& kaiming_uniform_(Tensor& t, double a = 0, const std::string& mode = "fan_in",
                                   const std::string& nonlinearity = "leaky_relu");
EMBER_API Tensor& kaiming_normal_(Tensor& t, double a = 0, const std::string& mode = "fan_in",
                                  const std::string& nonlinearity = "leaky_relu");
EMBER_API Tensor& trunc_normal_(Tensor& t, double mean = 0, double std = 1, double a = -2, double b = 2);

}  // namespace init
}  // namespace nn
}  // namespace ember
