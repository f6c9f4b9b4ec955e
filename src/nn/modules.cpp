// Layer implementations: parameters with torch's default initialization,
// forward through the functional ops.
#include <cmath>
#include <sstream>

#include "ember/nn/modules.h"
#include "nn/module_repr.h"

namespace ember {
namespace nn {

namespace {
using nn_internal::repr_ints;
// torch's Linear/Conv init: kaiming_uniform_(a=sqrt(5)) for the weight,
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias.
void reset_affine(Tensor& weight, Tensor& bias) {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    int64_t fan_in = init::calculate_fan_in_and_fan_out(weight).first;
    double bound = fan_in > 0 ? 1.0 / std::sqrt(double(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}
}  // namespace

// ---------------------------------------------------------------- Linear
LinearImpl::LinearImpl(const LinearOptions& o) : Module("Linear"), options(o) {
  EMBER_CHECK_VALUE(o.in_features() >= 0 && o.out_features() >= 0, "Linear: in_features and out_features must be "
                    "non-negative, got ", o.in_features(), " and ", o.out_features());
  weight = register_parameter("weight", empty({o.out_features(), o.in_features()}));
  if (o.bias()) bias = register_parameter("bias", empty({o.out_features()}));
  reset_parameters();
}
void LinearImpl::reset_parameters() { reset_affine(weight, bias); }
Tensor LinearImpl::forward(const Tensor& input) {
  EMBER_CHECK(input.dim() >= 1 && input.size(-1) == options.in_features(), "Linear: input has ",
              input.dim() >= 1 ? input.size(-1) : 0, " features (shape ", input.sizes(), ") but in_features is ",
              options.in_features());
  return ember::linear(input, weight, bias);
}
std::string LinearImpl::extra_repr() const {
  std::ostringstream ss;
  ss << "in_features=" << options.in_features() << ", out_features=" << options.out_features()
     << ", bias=" << (options.bias() ? "True" : "False");
  return ss.str();
}

// ---------------------------------------------------------------- Conv2d
Conv2dImpl::Conv2dImpl(const Conv2dOptions& o) : Module("Conv2d"), options(o) {
  EMBER_CHECK_VALUE(o.groups() > 0 && o.in_channels() % o.groups() == 0 && o.out_channels() % o.groups() == 0,
                    "Conv2d: in_channels (", o.in_channels(), ") and out_channels (", o.out_channels(),
                    ") must be divisible by groups (", o.groups(), ")");
  const auto& k = o.kernel_size();
  weight = register_parameter("weight", empty({o.out_channels(), o.in_channels() / o.groups(), k[0], k[1]}));
  if (o.bias()) bias = register_parameter("bias", empty({o.out_channels()}));
  reset_parameters();
}
void Conv2dImpl::reset_parameters() { reset_affine(weight, bias); }
Tensor Conv2dImpl::forward(const Tensor& input) {
  if (!options.padding_mode_str().empty())
    return ember::conv2d(input, weight, bias, options.stride(), options.padding_mode_str(), options.dilation(),
                         options.groups());
  return ember::conv2d(input, weight, bias, options.stride(), options.padding(), options.dilation(), options.groups());
}
std::string Conv2dImpl::extra_repr() const {
  std::ostringstream ss;
  ss << options.in_channels() << ", " << options.out_channels() << ", kernel_size=" << repr_ints(options.kernel_size())
     << ", stride=" << repr_ints(options.stride());
  return ss.str();
}

// ---------------------------------------------------------------- pooling
Tensor MaxPool2dImpl::forward(const Tensor& input) {
  return ember::max_pool2d(input, options.kernel_size(), options.stride(), options.padding(), options.dilation(),
                           options.ceil_mode());
}
Tensor AvgPool2dImpl::forward(const Tensor& input) {
  return ember::avg_pool2d(input, options.kernel_size(), options.stride(), options.padding(), options.ceil_mode(),
                           options.count_include_pad());
}

// ---------------------------------------------------------------- norms
NormImplBase::NormImplBase(const char* name, int64_t num_features, bool affine, bool track_running_stats)
    : Module(name) {
  if (affine) {
    weight = register_parameter("weight", ones({num_features}));
    bias = register_parameter("bias", zeros({num_features}));
  }
  if (track_running_stats) {
    running_mean = register_buffer("running_mean", zeros({num_features}));
    running_var = register_buffer("running_var", ones({num_features}));
    num_batches_tracked = register_buffer("num_batches_tracked", zeros({}, kInt64));
  }
}
std::string NormImplBase::norm_repr(int64_t num_features, double eps, double momentum, bool affine,
                                    bool track_running_stats) {
  std::ostringstream ss;
  ss << num_features << ", eps=" << eps << ", momentum=" << momentum << ", affine=" << (affine ? "True" : "False")
     << ", track_running_stats=" << (track_running_stats ? "True" : "False");
  return ss.str();
}

BatchNormImpl::BatchNormImpl(const BatchNormOptions& o, int64_t expected_dims, const char* name)
    : NormImplBase(name, o.num_features(), o.affine(), o.track_running_stats()),
      options(o),
      expected_dims_(expected_dims) {}
Tensor BatchNormImpl::forward(const Tensor& input) {
  if (expected_dims_ == 1)
    EMBER_CHECK_VALUE(input.dim() == 2 || input.dim() == 3, name_, ": expected 2D or 3D input (got ", input.dim(),
                      "D input)");
  else
    EMBER_CHECK_VALUE(input.dim() == expected_dims_, name_, ": expected ", expected_dims_, "D input (got ",
                      input.dim(), "D input)");
  double momentum = options.momentum();
  if (is_training() && options.track_running_stats()) {
    NoGradGuard ng;
    num_batches_tracked.add_(1);
  }
  bool use_batch_stats = is_training() || !options.track_running_stats();
  return ember::batch_norm(input, use_batch_stats && !is_training() ? Tensor() : running_mean,
                           use_batch_stats && !is_training() ? Tensor() : running_var, weight, bias,
                           use_batch_stats, momentum, options.eps());
}
std::string BatchNormImpl::extra_repr() const {
  return norm_repr(options.num_features(), options.eps(), options.momentum(), options.affine(),
                   options.track_running_stats());
}

InstanceNormImpl::InstanceNormImpl(const InstanceNormOptions& o, int64_t batched_dims, const char* name)
    : NormImplBase(name, o.num_features(), o.affine(), o.track_running_stats()),
      options(o),
      batched_dims_(batched_dims) {}
// As torch, the running stats are updated in training (num_batches_tracked
// is not counted) and normalize in eval when tracked; unbatched input runs
// as a batch of one.
Tensor InstanceNormImpl::forward(const Tensor& input) {
  EMBER_CHECK_VALUE(input.dim() == batched_dims_ - 1 || input.dim() == batched_dims_, name_, ": expected ",
                    batched_dims_ - 1, "D or ", batched_dims_, "D input (got ", input.dim(), "D input)");
  const bool batched = input.dim() == batched_dims_;
  Tensor out = ember::instance_norm(batched ? input : input.unsqueeze(0), running_mean, running_var, weight, bias,
                                    is_training() || !options.track_running_stats(), options.momentum(), options.eps());
  return batched ? out : out.squeeze(0);
}
std::string InstanceNormImpl::extra_repr() const {
  return norm_repr(options.num_features(), options.eps(), options.momentum(), options.affine(),
                   options.track_running_stats());
}

LayerNormImpl::LayerNormImpl(const LayerNormOptions& o) : Module("LayerNorm"), options(o) {
  if (o.elementwise_affine()) {
    weight = register_parameter("weight", ones(o.normalized_shape()));
    bias = register_parameter("bias", zeros(o.normalized_shape()));
  }
}
Tensor LayerNormImpl::forward(const Tensor& input) {
  return ember::layer_norm(input, options.normalized_shape(), weight, bias, options.eps());
}
std::string LayerNormImpl::extra_repr() const {
  std::ostringstream ss;
  ss << repr_ints(options.normalized_shape()) << ", eps=" << options.eps()
     << ", elementwise_affine=" << (options.elementwise_affine() ? "True" : "False");
  return ss.str();
}

// ---------------------------------------------------------------- misc
DropoutImpl::DropoutImpl(double p) : Module("Dropout"), p(p) {
  EMBER_CHECK_VALUE(p >= 0 && p <= 1, "dropout probability has to be between 0 and 1, but got ", p);
}
Tensor DropoutImpl::forward(const Tensor& input) { return ember::dropout(input, p, is_training()); }
std::string DropoutImpl::extra_repr() const {
  std::ostringstream ss;
  ss << "p=" << p << ", inplace=False";
  return ss.str();
}

EmbeddingImpl::EmbeddingImpl(const EmbeddingOptions& o) : Module("Embedding"), options(o) {
  weight = register_parameter("weight", empty({o.num_embeddings(), o.embedding_dim()}));
  init::normal_(weight);
  if (o.padding_idx()) {
    int64_t p = *o.padding_idx();
    EMBER_CHECK_VALUE(p >= -o.num_embeddings() && p < o.num_embeddings(), "Padding_idx must be within num_embeddings");
    if (p < 0) options.padding_idx(p + o.num_embeddings());
    NoGradGuard ng;
    weight.select(0, *options.padding_idx()).zero_();
  }
}
Tensor EmbeddingImpl::forward(const Tensor& input) { return ember::embedding(input, weight, options.padding_idx()); }
std::string EmbeddingImpl::extra_repr() const {
  std::ostringstream ss;
  ss << options.num_embeddings() << ", " << options.embedding_dim();
  return ss.str();
}

EmbeddingBagImpl::EmbeddingBagImpl(const EmbeddingBagOptions& o) : Module("EmbeddingBag"), options(o) {
  weight = register_parameter("weight", empty({o.num_embeddings(), o.embedding_dim()}));
  init::normal_(weight);
  if (o.padding_idx()) {
    int64_t p = *o.padding_idx();
    EMBER_CHECK_VALUE(p >= -o.num_embeddings() && p < o.num_embeddings(), "padding_idx must be within num_embeddings");
    if (p < 0) options.padding_idx(p + o.num_embeddings());
    NoGradGuard ng;
    weight.select(0, *options.padding_idx()).zero_();
  }
}
Tensor EmbeddingBagImpl::forward(const Tensor& input, const Tensor& offsets, const Tensor& per_sample_weights) {
  return ember::embedding_bag(input, weight, offsets, options.mode(), per_sample_weights,
                              options.include_last_offset(), options.padding_idx());
}
std::string EmbeddingBagImpl::extra_repr() const {
  std::ostringstream ss;
  ss << options.num_embeddings() << ", " << options.embedding_dim() << ", mode='" << options.mode() << "'";
  if (options.padding_idx()) ss << ", padding_idx=" << *options.padding_idx();
  return ss.str();
}

GroupNormImpl::GroupNormImpl(int64_t g, int64_t c, double e, bool affine)
    : Module("GroupNorm"), num_groups(g), num_channels(c), eps(e) {
  EMBER_CHECK_VALUE(g > 0 && c % g == 0, "num_channels (", c, ") must be divisible by num_groups (", g, ")");
  if (affine) {
    weight = register_parameter("weight", ones({c}));
    bias = register_parameter("bias", zeros({c}));
  }
}

PReLUImpl::PReLUImpl(int64_t n, double init) : Module("PReLU"), num_parameters(n) {
  EMBER_CHECK_VALUE(n > 0, "PReLU: num_parameters must be positive, got ", n);
  weight = register_parameter("weight", full({n}, init));
}

RMSNormImpl::RMSNormImpl(std::vector<int64_t> shape, std::optional<double> e, bool affine)
    : Module("RMSNorm"), normalized_shape(std::move(shape)), eps(e) {
  if (affine) weight = register_parameter("weight", ones(normalized_shape));
}

}  // namespace nn
}  // namespace ember
