#pragma once

// The 3-D convolution and pooling layers, with torch's parameter names,
// state_dict keys and default initialization: Conv3d, MaxPool3d, AvgPool3d,
// AdaptiveAvgPool3d, AdaptiveMaxPool3d. Included from ember/nn/modules.h.
// Spatial arguments are (d, h, w); one value stands for all three.

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ember/nn/modules.h"

namespace ember {
namespace nn {

/// One value repeated three times, or the three given.
inline std::vector<int64_t> expand3(std::vector<int64_t> v) {
  if (v.size() == 1) v = {v[0], v[0], v[0]};
  return v;
}

// ---------------------------------------------------------------- Conv3d
struct Conv3dOptions {
  Conv3dOptions(int64_t in_channels, int64_t out_channels, std::vector<int64_t> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(expand3(std::move(kernel_size))) {}
  Conv3dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv3dOptions(in_channels, out_channels, std::vector<int64_t>{kernel_size}) {}
  EMBER_ARG(int64_t, in_channels);
  EMBER_ARG(int64_t, out_channels);
  EMBER_ARG(std::vector<int64_t>, kernel_size);
  EMBER_ARG(std::vector<int64_t>, stride) = {1, 1, 1};
  EMBER_ARG(std::vector<int64_t>, padding) = {0, 0, 0};
  /// "same" / "valid" override `padding` when set.
  EMBER_ARG(std::string, padding_mode_str) = "";
  EMBER_ARG(std::vector<int64_t>, dilation) = {1, 1, 1};
  EMBER_ARG(int64_t, groups) = 1;
  EMBER_ARG(bool, bias) = true;
};
/// input [N, C_in, D, H, W] or [C_in, D, H, W]; weight
/// [C_out, C_in/groups, kD, kH, kW], bias [C_out].
class EMBER_API Conv3dImpl : public Module {
 public:
  Conv3dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv3dImpl(Conv3dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv3dImpl(const Conv3dOptions& options);
  Tensor forward(const Tensor& input);
  void reset_parameters();
  std::string extra_repr() const override;
  Conv3dOptions options;
  Tensor weight, bias;
};
EMBER_MODULE(Conv3d);

// ---------------------------------------------------------------- 3-D pooling
struct MaxPool3dOptions {
  MaxPool3dOptions(std::vector<int64_t> kernel_size) : kernel_size_(expand3(std::move(kernel_size))) {}  // NOLINT
  MaxPool3dOptions(int64_t k) : MaxPool3dOptions(std::vector<int64_t>{k}) {}  // NOLINT: implicit as libtorch's
  EMBER_ARG(std::vector<int64_t>, kernel_size);
  /// empty: kernel_size.
  EMBER_ARG(std::vector<int64_t>, stride) = {};
  EMBER_ARG(std::vector<int64_t>, padding) = {0, 0, 0};
  EMBER_ARG(std::vector<int64_t>, dilation) = {1, 1, 1};
  EMBER_ARG(bool, ceil_mode) = false;
};
class EMBER_API MaxPool3dImpl : public Module {
 public:
  explicit MaxPool3dImpl(const MaxPool3dOptions& options) : Module("MaxPool3d"), options(options) {}
  explicit MaxPool3dImpl(int64_t k) : MaxPool3dImpl(MaxPool3dOptions(k)) {}
  Tensor forward(const Tensor& input);
  /// (output, indices: flat positions in each input volume).
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  MaxPool3dOptions options;
};
EMBER_MODULE(MaxPool3d);

struct AvgPool3dOptions {
  AvgPool3dOptions(std::vector<int64_t> kernel_size) : kernel_size_(expand3(std::move(kernel_size))) {}  // NOLINT
  AvgPool3dOptions(int64_t k) : AvgPool3dOptions(std::vector<int64_t>{k}) {}  // NOLINT: implicit as libtorch's
  EMBER_ARG(std::vector<int64_t>, kernel_size);
  EMBER_ARG(std::vector<int64_t>, stride) = {};
  EMBER_ARG(std::vector<int64_t>, padding) = {0, 0, 0};
  EMBER_ARG(bool, ceil_mode) = false;
  EMBER_ARG(bool, count_include_pad) = true;
  EMBER_ARG(std::optional<int64_t>, divisor_override) = std::nullopt;
};
class EMBER_API AvgPool3dImpl : public Module {
 public:
  explicit AvgPool3dImpl(const AvgPool3dOptions& options) : Module("AvgPool3d"), options(options) {}
  explicit AvgPool3dImpl(int64_t k) : AvgPool3dImpl(AvgPool3dOptions(k)) {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  AvgPool3dOptions options;
};
EMBER_MODULE(AvgPool3d);

class EMBER_API AdaptiveAvgPool3dImpl : public Module {
 public:
  explicit AdaptiveAvgPool3dImpl(std::vector<int64_t> output_size)
      : Module("AdaptiveAvgPool3d"), output_size(expand3(std::move(output_size))) {}
  explicit AdaptiveAvgPool3dImpl(int64_t s) : AdaptiveAvgPool3dImpl(std::vector<int64_t>{s}) {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  std::vector<int64_t> output_size;
};
EMBER_MODULE(AdaptiveAvgPool3d);

class EMBER_API AdaptiveMaxPool3dImpl : public Module {
 public:
  explicit AdaptiveMaxPool3dImpl(std::vector<int64_t> output_size)
      : Module("AdaptiveMaxPool3d"), output_size(expand3(std::move(output_size))) {}
  explicit AdaptiveMaxPool3dImpl(int64_t s) : AdaptiveMaxPool3dImpl(std::vector<int64_t>{s}) {}
  Tensor forward(const Tensor& input);
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  std::vector<int64_t> output_size;
};
EMBER_MODULE(AdaptiveMaxPool3d);

}  // namespace nn
}  // namespace ember
