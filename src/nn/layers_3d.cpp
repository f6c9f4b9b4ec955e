// The 3-D layers (see ember/nn/layers_3d.h): torch's parameter names and
// default initialization, forward through the functional ops.
#include "ember/nn/layers_3d.h"
#include "nn/module_repr.h"

#include <cmath>
#include <sstream>

namespace ember {
namespace nn {

namespace {
using nn_internal::repr_ints;
}  // namespace

// ---------------------------------------------------------------- Conv3d
Conv3dImpl::Conv3dImpl(const Conv3dOptions& o) : Module("Conv3d"), options(o) {
  EMBER_CHECK_VALUE(o.groups() > 0 && o.in_channels() % o.groups() == 0 && o.out_channels() % o.groups() == 0,
                    "Conv3d: in_channels (", o.in_channels(), ") and out_channels (", o.out_channels(),
                    ") must be divisible by groups (", o.groups(), ")");
  const auto& k = o.kernel_size();
  EMBER_CHECK_VALUE(k.size() == 3, "Conv3d: kernel_size must have 1 or 3 elements, got ", IntArrayRef(k));
  weight = register_parameter("weight", empty({o.out_channels(), o.in_channels() / o.groups(), k[0], k[1], k[2]}));
  if (o.bias()) bias = register_parameter("bias", empty({o.out_channels()}));
  reset_parameters();
}
// torch's _ConvNd init: kaiming_uniform_(a=sqrt(5)) for the weight,
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias.
void Conv3dImpl::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    const int64_t fan_in = init::calculate_fan_in_and_fan_out(weight).first;
    const double bound = fan_in > 0 ? 1.0 / std::sqrt(double(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}
Tensor Conv3dImpl::forward(const Tensor& input) {
  if (!options.padding_mode_str().empty())
    return ember::conv3d(input, weight, bias, options.stride(), options.padding_mode_str(), options.dilation(),
                         options.groups());
  return ember::conv3d(input, weight, bias, options.stride(), options.padding(), options.dilation(), options.groups());
}
std::string Conv3dImpl::extra_repr() const {
  std::ostringstream ss;
  ss << options.in_channels() << ", " << options.out_channels() << ", kernel_size=" << repr_ints(options.kernel_size())
     << ", stride=" << repr_ints(expand3(options.stride()));
  return ss.str();
}

// ---------------------------------------------------------------- pooling
Tensor MaxPool3dImpl::forward(const Tensor& input) { return std::get<0>(forward_with_indices(input)); }
std::tuple<Tensor, Tensor> MaxPool3dImpl::forward_with_indices(const Tensor& input) {
  return ember::max_pool3d_with_indices(input, options.kernel_size(), options.stride(), options.padding(),
                                        options.dilation(), options.ceil_mode());
}
std::string MaxPool3dImpl::extra_repr() const {
  std::ostringstream ss;
  ss << "kernel_size=" << repr_ints(options.kernel_size())
     << ", stride=" << repr_ints(options.stride().empty() ? options.kernel_size() : expand3(options.stride()))
     << ", padding=" << repr_ints(expand3(options.padding())) << ", dilation=" << repr_ints(expand3(options.dilation()))
     << ", ceil_mode=" << (options.ceil_mode() ? "True" : "False");
  return ss.str();
}
Tensor AvgPool3dImpl::forward(const Tensor& input) {
  return ember::avg_pool3d(input, options.kernel_size(), options.stride(), options.padding(), options.ceil_mode(),
                           options.count_include_pad(), options.divisor_override());
}
std::string AvgPool3dImpl::extra_repr() const {
  std::ostringstream ss;
  ss << "kernel_size=" << repr_ints(options.kernel_size())
     << ", stride=" << repr_ints(options.stride().empty() ? options.kernel_size() : expand3(options.stride()))
     << ", padding=" << repr_ints(expand3(options.padding()));
  return ss.str();
}
Tensor AdaptiveAvgPool3dImpl::forward(const Tensor& input) { return ember::adaptive_avg_pool3d(input, output_size); }
std::string AdaptiveAvgPool3dImpl::extra_repr() const { return "output_size=" + repr_ints(output_size); }
Tensor AdaptiveMaxPool3dImpl::forward(const Tensor& input) { return ember::adaptive_max_pool3d(input, output_size); }
std::tuple<Tensor, Tensor> AdaptiveMaxPool3dImpl::forward_with_indices(const Tensor& input) {
  return ember::adaptive_max_pool3d_with_indices(input, output_size);
}
std::string AdaptiveMaxPool3dImpl::extra_repr() const { return "output_size=" + repr_ints(output_size); }

}  // namespace nn
}  // namespace ember
