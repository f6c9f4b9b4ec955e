// Normalization layers, composed from ember ops (autograd differentiates
// the composition, twice if asked): batch_norm, layer_norm, group_norm,
// rms_norm. Variances used for normalizing are biased, as torch.
#include <limits>
#include <vector>

#include "nn/nn_internal.h"
#include "ops/ops_common.h"

namespace ember {
namespace {

// [C] -> [1, C, 1, ...] for an input of `ndim` dims.
Tensor channel_view(const Tensor& t, int64_t ndim) {
  std::vector<int64_t> s(ndim, 1);
  s[1] = t.numel();
  return t.reshape(s);
}

void check_channel_param(const char* op, const char* name, const Tensor& t, int64_t C, const Tensor& input) {
  if (!t.defined()) return;
  EMBER_CHECK(t.dim() == 1 && t.size(0) == C, op, ": expected ", name, " of shape [", C, "] (one per channel of input ",
              input.sizes(), "), got ", t.sizes());
}

}  // namespace

Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  const char* op = "batch_norm";
  detail::check_defined(input, op);
  EMBER_CHECK(input.dim() >= 2, op, ": expected input with at least 2 dims [N, C, *], got shape ", input.sizes());
  const int64_t C = input.size(1), ndim = input.dim();
  check_channel_param(op, "running_mean", running_mean, C, input);
  check_channel_param(op, "running_var", running_var, C, input);
  check_channel_param(op, "weight", weight, C, input);
  check_channel_param(op, "bias", bias, C, input);
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < ndim; ++d)
    if (d != 1) dims.push_back(d);
  Tensor out;
  if (training) {
    const int64_t n = C ? input.numel() / C : 0;
    EMBER_CHECK_VALUE(n > 1, op, ": expected more than 1 value per channel when training, got input size ",
                      input.sizes());
    auto [var, mean] = var_mean(input, dims, 0, true);  // [1, C, 1, ...]
    out = (input - mean) * rsqrt(var + eps);
    if (running_mean.defined() || running_var.defined()) {
      // running = (1 - momentum) running + momentum batch, with the unbiased
      // batch variance, in place and outside the graph
      NoGradGuard no_grad;
      if (running_mean.defined()) {
        Tensor rm = running_mean;
        rm.mul_(1 - momentum).add_(mean.detach().reshape({C}).to(rm.dtype()), momentum);
      }
      if (running_var.defined()) {
        Tensor rv = running_var;
        rv.mul_(1 - momentum).add_(var.detach().reshape({C}).to(rv.dtype()), momentum * double(n) / double(n - 1));
      }
    }
  } else {
    EMBER_CHECK(running_mean.defined() && running_var.defined(), op,
                ": running_mean and running_var must be defined in evaluation mode (training=false)");
    out = (input - channel_view(running_mean, ndim)) * rsqrt(channel_view(running_var, ndim) + eps);
  }
  if (weight.defined()) out = out * channel_view(weight, ndim);
  if (bias.defined()) out = out + channel_view(bias, ndim);
  return out;
}

namespace {
// The last normalized_shape.size() dims, after checking they match.
std::vector<int64_t> trailing_dims(const char* op, const Tensor& input, IntArrayRef normalized_shape) {
  const int64_t k = normalized_shape.size(), nd = input.dim();
  bool ok = k >= 1 && k <= nd;
  for (int64_t i = 0; ok && i < k; ++i) ok = input.size(nd - k + i) == normalized_shape[i];
  EMBER_CHECK(
      ok, op, ": given normalized_shape=", normalized_shape, ", expected input with shape [*, ",
      [&] {
        std::ostringstream ss;
        for (size_t i = 0; i < normalized_shape.size(); ++i) ss << (i ? ", " : "") << normalized_shape[i];
        return ss.str();
      }(),
      "], but got input of shape ", input.sizes());
  std::vector<int64_t> dims;
  for (int64_t i = nd - k; i < nd; ++i) dims.push_back(i);
  return dims;
}
void check_affine(const char* op, const char* name, const Tensor& t, IntArrayRef normalized_shape) {
  if (!t.defined()) return;
  EMBER_CHECK(t.sizes().equals(normalized_shape), op, ": expected ", name, " of shape normalized_shape ",
              normalized_shape, ", got ", t.sizes());
}
}  // namespace

Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
  const char* op = "layer_norm";
  detail::check_defined(input, op);
  auto dims = trailing_dims(op, input, normalized_shape);
  check_affine(op, "weight", weight, normalized_shape);
  check_affine(op, "bias", bias, normalized_shape);
  auto [var, mean] = var_mean(input, dims, 0, true);
  Tensor out = (input - mean) * rsqrt(var + eps);
  if (weight.defined()) out = out * weight;
  if (bias.defined()) out = out + bias;
  return out;
}

Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight, const Tensor& bias, double eps) {
  const char* op = "group_norm";
  detail::check_defined(input, op);
  EMBER_CHECK(input.dim() >= 2, op, ": expected input with at least 2 dims [N, C, *], got shape ", input.sizes());
  const int64_t N = input.size(0), C = input.size(1);
  EMBER_CHECK(num_groups > 0 && C % num_groups == 0, op,
              ": expected number of channels in input to be divisible by num_groups, but got input of shape ",
              input.sizes(), " and num_groups=", num_groups);
  check_channel_param(op, "weight", weight, C, input);
  check_channel_param(op, "bias", bias, C, input);
  Tensor x = input.reshape({N, num_groups, -1});
  auto [var, mean] = var_mean(x, {2}, 0, true);
  Tensor out = ((x - mean) * rsqrt(var + eps)).reshape(input.sizes());
  if (weight.defined()) out = out * channel_view(weight, input.dim());
  if (bias.defined()) out = out + channel_view(bias, input.dim());
  return out;
}

Tensor rms_norm(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight, std::optional<double> eps) {
  const char* op = "rms_norm";
  detail::check_defined(input, op);
  auto dims = trailing_dims(op, input, normalized_shape);
  check_affine(op, "weight", weight, normalized_shape);
  double e = 0;
  if (eps) {
    e = *eps;
  } else {
    switch (input.dtype()) {
      case kFloat64:
        e = std::numeric_limits<double>::epsilon();
        break;
      case kFloat16:
        e = 0.0009765625;
        break;
      case kBFloat16:
        e = 0.0078125;
        break;
      default:
        e = std::numeric_limits<float>::epsilon();
        break;
    }
  }
  Tensor out = input * rsqrt(square(input).mean(dims, true) + e);
  if (weight.defined()) out = out * weight;
  return out;
}

}  // namespace ember
