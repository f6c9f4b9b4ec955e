// Normalization layers, composed from ember ops (autograd differentiates
// the composition, twice if asked): batch_norm, instance_norm, layer_norm,
// group_norm, rms_norm. Variances used for normalizing are biased, as torch.
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
  if (input.numel() == 0) {
    out = input.clone();  // as torch: nothing to normalize, running stats left as they are
  } else if (training) {
    const int64_t n = input.numel() / C;
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

// As torch: the input seen as one sample of N*C channels, [1, N*C, *], through
// batch_norm, with running stats repeated per sample and averaged back over
// N afterwards (so they move by momentum times the mean over N of the
// per-instance statistics); the affine part is applied per channel.
Tensor instance_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                     const Tensor& bias, bool use_input_stats, double momentum, double eps) {
  const char* op = "instance_norm";
  detail::check_defined(input, op);
  EMBER_CHECK(input.dim() >= 2, op, ": expected input with at least 2 dims [N, C, *], got shape ", input.sizes());
  const int64_t N = input.size(0), C = input.size(1), ndim = input.dim();
  check_channel_param(op, "running_mean", running_mean, C, input);
  check_channel_param(op, "running_var", running_var, C, input);
  check_channel_param(op, "weight", weight, C, input);
  check_channel_param(op, "bias", bias, C, input);
  EMBER_CHECK(use_input_stats || (running_mean.defined() && running_var.defined()), op,
              ": expected running_mean and running_var to be defined when use_input_stats is false");
  if (use_input_stats) {
    int64_t spatial = 1;
    for (int64_t d = 2; d < ndim; ++d) spatial *= input.size(d);
    EMBER_CHECK_VALUE(spatial != 1, op, ": expected more than 1 spatial element when training, got input size ",
                      input.sizes());
  }
  std::vector<int64_t> shape(input.sizes().begin(), input.sizes().end());
  shape[0] = 1;
  shape[1] = N * C;
  // [C] -> [N*C] copies for batch_norm to update
  Tensor rm = running_mean.defined() ? running_mean.repeat({N}) : Tensor();
  Tensor rv = running_var.defined() ? running_var.repeat({N}) : Tensor();
  Tensor out = batch_norm(input.reshape(shape), rm, rv, Tensor(), Tensor(), use_input_stats, momentum, eps)
                   .reshape(input.sizes());
  if (use_input_stats && (running_mean.defined() || running_var.defined())) {
    NoGradGuard no_grad;
    if (running_mean.defined()) Tensor(running_mean).copy_(rm.view({N, C}).mean({0}));
    if (running_var.defined()) Tensor(running_var).copy_(rv.view({N, C}).mean({0}));
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

namespace {

// The gradients of layer_norm written with ember ops, so they differentiate
// again (create_graph); the fused kernel computes the same without it.
tensor_list layer_norm_grads(const Tensor& grad, const Tensor& x, const Tensor& w, const std::vector<int64_t>& dims,
                             double eps, const autograd::GradMask& needs) {
  auto [var, mean] = var_mean(x, dims, 0, true);
  const Tensor xhat = (x - mean) * rsqrt(var + eps);
  const Tensor dxhat = w.defined() ? grad * w : grad;
  std::vector<int64_t> lead;
  for (int64_t d = 0; d < dims.front(); ++d) lead.push_back(d);
  auto sum_lead = [&](const Tensor& t) { return lead.empty() ? t : t.sum(lead); };
  return {needs[0] ? rsqrt(var + eps) * (dxhat - dxhat.mean(dims, true) - xhat * (dxhat * xhat).mean(dims, true))
                   : Tensor(),
          needs[1] ? sum_lead(grad * xhat) : Tensor(), needs[2] ? sum_lead(grad) : Tensor()};
}

// One kernel for the statistics and the output, one for the backward: the
// composition below costs ~3x more (docs/perf.md). CPU floating types.
Tensor layer_norm_fused(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight, const Tensor& bias,
                        const std::vector<int64_t>& dims, double eps) {
  int64_t N = 1;
  for (int64_t s : normalized_shape) N *= s;
  const int64_t M = input.numel() / N;
  const Tensor x = input.detach().contiguous().view({M, N});
  const Tensor w = weight.defined() ? weight.detach().contiguous().view({N}) : Tensor();
  const Tensor b = bias.defined() ? bias.detach().contiguous().view({N}) : Tensor();
  const TensorOptions stat_opts = TensorOptions().dtype(input.dtype() == kFloat64 ? kFloat64 : kFloat);
  Tensor out = empty({M, N}, x.options()), mean = empty({M}, stat_opts), rstd = empty({M}, stat_opts);
  detail::kernel<LayerNormFn>(OpId::layer_norm, x.device())(out, mean, rstd, x, w, b, eps);
  return autograd::record(
      "layer_norm", {input, weight, bias}, out.view(input.sizes()),
      [x_ = autograd::save(input), w_ = autograd::save(weight), mean, rstd, dims, eps, M, N,
       nshape = std::vector<int64_t>(normalized_shape.begin(), normalized_shape.end())](
          const Tensor& grad, const autograd::GradMask& needs) {
        const Tensor xin = x_.get(), win = w_.get();
        if (is_grad_enabled() || grad.dtype() != xin.dtype()) return layer_norm_grads(grad, xin, win, dims, eps, needs);
        Tensor gx = needs[0] ? empty({M, N}, xin.options()) : Tensor();
        Tensor gw = needs[1] ? empty({N}, xin.options()) : Tensor();
        Tensor gb = needs[2] ? empty({N}, xin.options()) : Tensor();
        detail::kernel<LayerNormBackwardFn>(OpId::layer_norm_backward, xin.device())(
            gx, gw, gb, grad.contiguous().view({M, N}), xin.contiguous().view({M, N}), mean, rstd,
            win.defined() ? win.contiguous().view({N}) : Tensor());
        return tensor_list{gx.defined() ? gx.view(xin.sizes()) : gx, gw.defined() ? gw.view(nshape) : gw,
                           gb.defined() ? gb.view(nshape) : gb};
      });
}

}  // namespace

Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
  const char* op = "layer_norm";
  detail::check_defined(input, op);
  auto dims = trailing_dims(op, input, normalized_shape);
  check_affine(op, "weight", weight, normalized_shape);
  check_affine(op, "bias", bias, normalized_shape);
  const bool same_kind = (!weight.defined() || (weight.dtype() == input.dtype() && weight.device() == input.device())) &&
                         (!bias.defined() || (bias.dtype() == input.dtype() && bias.device() == input.device()));
  if (input.device().is_cpu() && is_floating_point(input.dtype()) && same_kind && input.numel() > 0)
    return layer_norm_fused(input, normalized_shape, weight, bias, dims, eps);
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
