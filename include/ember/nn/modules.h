#pragma once

// Layers, as libtorch's C++ frontend: an `XImpl` module holding parameters
// whose forward calls the functional op, a holder `X` (EMBER_MODULE), and an
// options struct with chainable setters (`Conv2dOptions(1, 6, 5).stride(1)`).
// Parameter names, state_dict keys and default initialization are torch's.

#include <functional>
#include <string>
#include <vector>

#include "ember/arg.h"
#include "ember/nn/functional.h"
#include "ember/nn/init.h"
#include "ember/nn/module.h"

namespace ember {
namespace nn {

// ---------------------------------------------------------------- Linear
struct LinearOptions {
  LinearOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  EMBER_ARG(int64_t, in_features);
  EMBER_ARG(int64_t, out_features);
  EMBER_ARG(bool, bias) = true;
};
/// y = x W^T + b; weight [out_features, in_features].
class EMBER_API LinearImpl : public Module {
 public:
  LinearImpl(int64_t in_features, int64_t out_features) : LinearImpl(LinearOptions(in_features, out_features)) {}
  explicit LinearImpl(const LinearOptions& options);
  Tensor forward(const Tensor& input);
  void reset_parameters();
  std::string extra_repr() const override;
  LinearOptions options;
  Tensor weight, bias;
};
EMBER_MODULE(Linear);

// ---------------------------------------------------------------- Conv
struct Conv2dOptions {
  Conv2dOptions(int64_t in_channels, int64_t out_channels, std::vector<int64_t> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(expand2(kernel_size)) {}
  Conv2dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv2dOptions(in_channels, out_channels, std::vector<int64_t>{kernel_size}) {}
  EMBER_ARG(int64_t, in_channels);
  EMBER_ARG(int64_t, out_channels);
  EMBER_ARG(std::vector<int64_t>, kernel_size);
  EMBER_ARG(std::vector<int64_t>, stride) = {1, 1};
  EMBER_ARG(std::vector<int64_t>, padding) = {0, 0};
  /// "same" / "valid" override `padding` when set.
  EMBER_ARG(std::string, padding_mode_str) = "";
  EMBER_ARG(std::vector<int64_t>, dilation) = {1, 1};
  EMBER_ARG(int64_t, groups) = 1;
  EMBER_ARG(bool, bias) = true;

 public:
  static std::vector<int64_t> expand2(std::vector<int64_t> v) {
    if (v.size() == 1) v.push_back(v[0]);
    return v;
  }
};
/// input [N, C_in, H, W]; weight [C_out, C_in/groups, kH, kW].
class EMBER_API Conv2dImpl : public Module {
 public:
  Conv2dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv2dImpl(Conv2dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv2dImpl(const Conv2dOptions& options);
  Tensor forward(const Tensor& input);
  void reset_parameters();
  std::string extra_repr() const override;
  Conv2dOptions options;
  Tensor weight, bias;
};
EMBER_MODULE(Conv2d);

// ---------------------------------------------------------------- pooling
struct MaxPool2dOptions {
  MaxPool2dOptions(std::vector<int64_t> kernel_size) : kernel_size_(Conv2dOptions::expand2(kernel_size)) {}
  MaxPool2dOptions(int64_t k) : MaxPool2dOptions(std::vector<int64_t>{k}) {}
  EMBER_ARG(std::vector<int64_t>, kernel_size);
  EMBER_ARG(std::vector<int64_t>, stride) = {};
  EMBER_ARG(std::vector<int64_t>, padding) = {0, 0};
  EMBER_ARG(std::vector<int64_t>, dilation) = {1, 1};
  EMBER_ARG(bool, ceil_mode) = false;
};
class EMBER_API MaxPool2dImpl : public Module {
 public:
  explicit MaxPool2dImpl(const MaxPool2dOptions& options) : Module("MaxPool2d"), options(options) {}
  MaxPool2dImpl(int64_t k) : MaxPool2dImpl(MaxPool2dOptions(k)) {}
  Tensor forward(const Tensor& input);
  MaxPool2dOptions options;
};
EMBER_MODULE(MaxPool2d);

struct AvgPool2dOptions {
  AvgPool2dOptions(std::vector<int64_t> kernel_size) : kernel_size_(Conv2dOptions::expand2(kernel_size)) {}
  AvgPool2dOptions(int64_t k) : AvgPool2dOptions(std::vector<int64_t>{k}) {}
  EMBER_ARG(std::vector<int64_t>, kernel_size);
  EMBER_ARG(std::vector<int64_t>, stride) = {};
  EMBER_ARG(std::vector<int64_t>, padding) = {0, 0};
  EMBER_ARG(bool, ceil_mode) = false;
  EMBER_ARG(bool, count_include_pad) = true;
};
class EMBER_API AvgPool2dImpl : public Module {
 public:
  explicit AvgPool2dImpl(const AvgPool2dOptions& options) : Module("AvgPool2d"), options(options) {}
  AvgPool2dImpl(int64_t k) : AvgPool2dImpl(AvgPool2dOptions(k)) {}
  Tensor forward(const Tensor& input);
  AvgPool2dOptions options;
};
EMBER_MODULE(AvgPool2d);

// ---------------------------------------------------------------- norms
struct BatchNormOptions {
  BatchNormOptions(int64_t num_features) : num_features_(num_features) {}
  EMBER_ARG(int64_t, num_features);
  EMBER_ARG(double, eps) = 1e-5;
  EMBER_ARG(double, momentum) = 0.1;
  EMBER_ARG(bool, affine) = true;
  EMBER_ARG(bool, track_running_stats) = true;
};
/// What BatchNorm and InstanceNorm share, as torch's _NormBase: weight and
/// bias [C] (ones, zeros) when affine; running_mean, running_var [C] (zeros,
/// ones) and num_batches_tracked when tracking running stats.
class EMBER_API NormImplBase : public Module {
 public:
  Tensor weight, bias, running_mean, running_var, num_batches_tracked;

 protected:
  NormImplBase(const char* name, int64_t num_features, bool affine, bool track_running_stats);
  /// torch's repr: "4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True".
  static std::string norm_repr(int64_t num_features, double eps, double momentum, bool affine,
                               bool track_running_stats);
};

/// BatchNorm over dim 1; BatchNorm1d takes [N, C] or [N, C, L], 2d [N, C, H, W].
class EMBER_API BatchNormImpl : public NormImplBase {
 public:
  BatchNormImpl(const BatchNormOptions& options, int64_t expected_dims, const char* name);
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  BatchNormOptions options;

 private:
  int64_t expected_dims_;
};
class EMBER_API BatchNorm1dImpl : public BatchNormImpl {
 public:
  explicit BatchNorm1dImpl(const BatchNormOptions& o) : BatchNormImpl(o, 1, "BatchNorm1d") {}
  BatchNorm1dImpl(int64_t n) : BatchNorm1dImpl(BatchNormOptions(n)) {}
};
class EMBER_API BatchNorm2dImpl : public BatchNormImpl {
 public:
  explicit BatchNorm2dImpl(const BatchNormOptions& o) : BatchNormImpl(o, 4, "BatchNorm2d") {}
  BatchNorm2dImpl(int64_t n) : BatchNorm2dImpl(BatchNormOptions(n)) {}
};
EMBER_MODULE(BatchNorm1d);
EMBER_MODULE(BatchNorm2d);

struct InstanceNormOptions {
  InstanceNormOptions(int64_t num_features) : num_features_(num_features) {}  // NOLINT: implicit as libtorch's
  EMBER_ARG(int64_t, num_features);
  EMBER_ARG(double, eps) = 1e-5;
  EMBER_ARG(double, momentum) = 0.1;
  EMBER_ARG(bool, affine) = false;
  EMBER_ARG(bool, track_running_stats) = false;
};
/// ember::instance_norm as a module: each (sample, channel) plane normalized
/// over its spatial dims; with track_running_stats, running stats are updated
/// in training and used in eval. InstanceNorm1d takes [N, C, L] or unbatched
/// [C, L], 2d [N, C, H, W] or [C, H, W], 3d [N, C, D, H, W] or [C, D, H, W].
class EMBER_API InstanceNormImpl : public NormImplBase {
 public:
  InstanceNormImpl(const InstanceNormOptions& options, int64_t batched_dims, const char* name);
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  InstanceNormOptions options;

 private:
  int64_t batched_dims_;
};
class EMBER_API InstanceNorm1dImpl : public InstanceNormImpl {
 public:
  explicit InstanceNorm1dImpl(const InstanceNormOptions& o) : InstanceNormImpl(o, 3, "InstanceNorm1d") {}
  InstanceNorm1dImpl(int64_t n) : InstanceNorm1dImpl(InstanceNormOptions(n)) {}
};
class EMBER_API InstanceNorm2dImpl : public InstanceNormImpl {
 public:
  explicit InstanceNorm2dImpl(const InstanceNormOptions& o) : InstanceNormImpl(o, 4, "InstanceNorm2d") {}
  InstanceNorm2dImpl(int64_t n) : InstanceNorm2dImpl(InstanceNormOptions(n)) {}
};
class EMBER_API InstanceNorm3dImpl : public InstanceNormImpl {
 public:
  explicit InstanceNorm3dImpl(const InstanceNormOptions& o) : InstanceNormImpl(o, 5, "InstanceNorm3d") {}
  InstanceNorm3dImpl(int64_t n) : InstanceNorm3dImpl(InstanceNormOptions(n)) {}
};
EMBER_MODULE(InstanceNorm1d);
EMBER_MODULE(InstanceNorm2d);
EMBER_MODULE(InstanceNorm3d);

struct LayerNormOptions {
  LayerNormOptions(std::vector<int64_t> normalized_shape) : normalized_shape_(std::move(normalized_shape)) {}
  EMBER_ARG(std::vector<int64_t>, normalized_shape);
  EMBER_ARG(double, eps) = 1e-5;
  EMBER_ARG(bool, elementwise_affine) = true;
};
class EMBER_API LayerNormImpl : public Module {
 public:
  explicit LayerNormImpl(const LayerNormOptions& options);
  LayerNormImpl(int64_t n) : LayerNormImpl(LayerNormOptions({n})) {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  LayerNormOptions options;
  Tensor weight, bias;
};
EMBER_MODULE(LayerNorm);

// ---------------------------------------------------------------- misc
class EMBER_API DropoutImpl : public Module {
 public:
  explicit DropoutImpl(double p = 0.5);
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  double p;
};
EMBER_MODULE(Dropout);

struct EmbeddingOptions {
  EmbeddingOptions(int64_t num_embeddings, int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  EMBER_ARG(int64_t, num_embeddings);
  EMBER_ARG(int64_t, embedding_dim);
  EMBER_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
};
class EMBER_API EmbeddingImpl : public Module {
 public:
  EmbeddingImpl(int64_t n, int64_t d) : EmbeddingImpl(EmbeddingOptions(n, d)) {}
  explicit EmbeddingImpl(const EmbeddingOptions& options);
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  EmbeddingOptions options;
  Tensor weight;
};
EMBER_MODULE(Embedding);

struct EmbeddingBagOptions {
  EmbeddingBagOptions(int64_t num_embeddings, int64_t embedding_dim)
      : num_embeddings_(num_embeddings), embedding_dim_(embedding_dim) {}
  EMBER_ARG(int64_t, num_embeddings);
  EMBER_ARG(int64_t, embedding_dim);
  EMBER_ARG(std::string, mode) = "mean";
  EMBER_ARG(bool, include_last_offset) = false;
  EMBER_ARG(std::optional<int64_t>, padding_idx) = std::nullopt;
};
/// Bags of embeddings reduced by sum, mean or max (ember::embedding_bag).
class EMBER_API EmbeddingBagImpl : public Module {
 public:
  EmbeddingBagImpl(int64_t n, int64_t d) : EmbeddingBagImpl(EmbeddingBagOptions(n, d)) {}
  explicit EmbeddingBagImpl(const EmbeddingBagOptions& options);
  Tensor forward(const Tensor& input, const Tensor& offsets = Tensor(),
                 const Tensor& per_sample_weights = Tensor());
  std::string extra_repr() const override;
  EmbeddingBagOptions options;
  Tensor weight;
};
EMBER_MODULE(EmbeddingBag);

class EMBER_API FlattenImpl : public Module {
 public:
  explicit FlattenImpl(int64_t start_dim = 1, int64_t end_dim = -1)
      : Module("Flatten"), start_dim(start_dim), end_dim(end_dim) {}
  Tensor forward(const Tensor& input) { return input.flatten(start_dim, end_dim); }
  int64_t start_dim, end_dim;
};
EMBER_MODULE(Flatten);

class EMBER_API IdentityImpl : public Module {
 public:
  IdentityImpl() : Module("Identity") {}
  Tensor forward(const Tensor& input) { return input; }
};
EMBER_MODULE(Identity);

// Activations: modules without parameters.
#define EMBER_ACTIVATION(Name, expr)                            \
  class EMBER_API Name##Impl : public Module {                  \
   public:                                                      \
    Name##Impl() : Module(#Name) {}                             \
    Tensor forward(const Tensor& input) { return expr; }        \
  };                                                            \
  EMBER_MODULE(Name)
EMBER_ACTIVATION(ReLU, ember::relu(input));
EMBER_ACTIVATION(Tanh, ember::tanh(input));
EMBER_ACTIVATION(Sigmoid, ember::sigmoid(input));
EMBER_ACTIVATION(SiLU, ember::silu(input));
EMBER_ACTIVATION(ReLU6, ember::relu6(input));
EMBER_ACTIVATION(LogSigmoid, ember::logsigmoid(input));
EMBER_ACTIVATION(SELU, ember::selu(input));
EMBER_ACTIVATION(Mish, ember::mish(input));
EMBER_ACTIVATION(Hardswish, ember::hardswish(input));
EMBER_ACTIVATION(Hardsigmoid, ember::hardsigmoid(input));
EMBER_ACTIVATION(Softsign, ember::softsign(input));
#undef EMBER_ACTIVATION

class EMBER_API GELUImpl : public Module {
 public:
  explicit GELUImpl(std::string approximate = "none") : Module("GELU"), approximate(std::move(approximate)) {}
  Tensor forward(const Tensor& input) { return ember::gelu(input, approximate); }
  std::string approximate;
};
EMBER_MODULE(GELU);

class EMBER_API LeakyReLUImpl : public Module {
 public:
  explicit LeakyReLUImpl(double negative_slope = 0.01) : Module("LeakyReLU"), negative_slope(negative_slope) {}
  Tensor forward(const Tensor& input) { return ember::leaky_relu(input, negative_slope); }
  double negative_slope;
};
EMBER_MODULE(LeakyReLU);

class EMBER_API SoftmaxImpl : public Module {
 public:
  explicit SoftmaxImpl(int64_t dim) : Module("Softmax"), dim(dim) {}
  Tensor forward(const Tensor& input) { return ember::softmax(input, dim); }
  int64_t dim;
};
EMBER_MODULE(Softmax);

class EMBER_API LogSoftmaxImpl : public Module {
 public:
  explicit LogSoftmaxImpl(int64_t dim) : Module("LogSoftmax"), dim(dim) {}
  Tensor forward(const Tensor& input) { return ember::log_softmax(input, dim); }
  int64_t dim;
};
EMBER_MODULE(LogSoftmax);

// ---------------------------------------------------------------- more layers
class EMBER_API GroupNormImpl : public Module {
 public:
  GroupNormImpl(int64_t num_groups, int64_t num_channels, double eps = 1e-5, bool affine = true);
  Tensor forward(const Tensor& input) { return ember::group_norm(input, num_groups, weight, bias, eps); }
  int64_t num_groups, num_channels;
  double eps;
  Tensor weight, bias;
};
EMBER_MODULE(GroupNorm);

class EMBER_API RMSNormImpl : public Module {
 public:
  explicit RMSNormImpl(std::vector<int64_t> normalized_shape, std::optional<double> eps = std::nullopt,
                       bool elementwise_affine = true);
  Tensor forward(const Tensor& input) { return ember::rms_norm(input, normalized_shape, weight, eps); }
  std::vector<int64_t> normalized_shape;
  std::optional<double> eps;
  Tensor weight;
};
EMBER_MODULE(RMSNorm);

class EMBER_API AdaptiveAvgPool2dImpl : public Module {
 public:
  explicit AdaptiveAvgPool2dImpl(std::vector<int64_t> output_size)
      : Module("AdaptiveAvgPool2d"), output_size(Conv2dOptions::expand2(std::move(output_size))) {}
  AdaptiveAvgPool2dImpl(int64_t s) : AdaptiveAvgPool2dImpl(std::vector<int64_t>{s}) {}
  Tensor forward(const Tensor& input) { return ember::adaptive_avg_pool2d(input, output_size); }
  std::vector<int64_t> output_size;
};
EMBER_MODULE(AdaptiveAvgPool2d);

class EMBER_API UnflattenImpl : public Module {
 public:
  UnflattenImpl(int64_t dim, std::vector<int64_t> sizes) : Module("Unflatten"), dim(dim), sizes(std::move(sizes)) {}
  Tensor forward(const Tensor& input) { return input.unflatten(dim, sizes); }
  int64_t dim;
  std::vector<int64_t> sizes;
};
EMBER_MODULE(Unflatten);

class EMBER_API ELUImpl : public Module {
 public:
  explicit ELUImpl(double alpha = 1.0) : Module("ELU"), alpha(alpha) {}
  Tensor forward(const Tensor& input) { return ember::elu(input, alpha); }
  double alpha;
};
EMBER_MODULE(ELU);

class EMBER_API HardtanhImpl : public Module {
 public:
  explicit HardtanhImpl(double min_val = -1.0, double max_val = 1.0)
      : Module("Hardtanh"), min_val(min_val), max_val(max_val) {}
  Tensor forward(const Tensor& input) { return ember::hardtanh(input, min_val, max_val); }
  double min_val, max_val;
};
EMBER_MODULE(Hardtanh);

class EMBER_API SoftplusImpl : public Module {
 public:
  explicit SoftplusImpl(double beta = 1.0, double threshold = 20.0)
      : Module("Softplus"), beta(beta), threshold(threshold) {}
  Tensor forward(const Tensor& input) { return ember::softplus(input, beta, threshold); }
  double beta, threshold;
};
EMBER_MODULE(Softplus);

class EMBER_API CELUImpl : public Module {
 public:
  explicit CELUImpl(double alpha = 1.0) : Module("CELU"), alpha(alpha) {}
  Tensor forward(const Tensor& input) { return ember::celu(input, alpha); }
  double alpha;
};
EMBER_MODULE(CELU);

class EMBER_API GLUImpl : public Module {
 public:
  explicit GLUImpl(int64_t dim = -1) : Module("GLU"), dim(dim) {}
  Tensor forward(const Tensor& input) { return ember::glu(input, dim); }
  int64_t dim;
};
EMBER_MODULE(GLU);

/// weight [num_parameters], filled with init.
class EMBER_API PReLUImpl : public Module {
 public:
  explicit PReLUImpl(int64_t num_parameters = 1, double init = 0.25);
  Tensor forward(const Tensor& input) { return ember::prelu(input, weight); }
  int64_t num_parameters;
  Tensor weight;
};
EMBER_MODULE(PReLU);

class EMBER_API SoftminImpl : public Module {
 public:
  explicit SoftminImpl(int64_t dim) : Module("Softmin"), dim(dim) {}
  Tensor forward(const Tensor& input) { return ember::softmin(input, dim); }
  int64_t dim;
};
EMBER_MODULE(Softmin);

class EMBER_API ThresholdImpl : public Module {
 public:
  ThresholdImpl(double threshold, double value) : Module("Threshold"), threshold(threshold), value(value) {}
  Tensor forward(const Tensor& input) { return ember::threshold(input, threshold, value); }
  double threshold, value;
};
EMBER_MODULE(Threshold);

// ---------------------------------------------------------------- containers
/// Runs its children in order; children are named "0", "1", ...
class EMBER_API SequentialImpl : public Module {
 public:
  SequentialImpl() : Module("Sequential") {}
  template <typename... Holders>
  explicit SequentialImpl(Holders&&... holders) : Module("Sequential") {
    (push_back(std::forward<Holders>(holders)), ...);
  }
  template <typename H>
  void push_back(H holder) {
    auto ptr = holder.ptr();
    add_child(std::to_string(steps_.size()), ptr);
    steps_.push_back([holder](const Tensor& x) { return holder(x); });
  }
  Tensor forward(const Tensor& input) {
    Tensor x = input;
    for (auto& s : steps_) x = s(x);
    return x;
  }
  size_t size() const { return steps_.size(); }

 private:
  std::vector<std::function<Tensor(const Tensor&)>> steps_;
};
EMBER_MODULE(Sequential);

/// Holds submodules named "0", "1", ... (no forward of its own).
class EMBER_API ModuleListImpl : public Module {
 public:
  ModuleListImpl() : Module("ModuleList") {}
  template <typename... Holders>
  explicit ModuleListImpl(Holders&&... holders) : Module("ModuleList") {
    (push_back(std::forward<Holders>(holders)), ...);
  }
  template <typename H>
  void push_back(H holder) {
    std::shared_ptr<Module> m = holder.ptr();
    add_child(std::to_string(items_.size()), m);
    items_.push_back(m);
  }
  size_t size() const { return items_.size(); }
  /// The i-th module, cast to its implementation type.
  template <typename Impl>
  std::shared_ptr<Impl> at(size_t i) const {
    EMBER_CHECK_INDEX(i < items_.size(), "ModuleList: index ", i, " is out of range for size ", items_.size());
    auto p = std::dynamic_pointer_cast<Impl>(items_[i]);
    EMBER_CHECK_TYPE(p != nullptr, "ModuleList: module ", i, " is a ", items_[i]->name(), ", not the requested type");
    return p;
  }
  std::shared_ptr<Module> operator[](size_t i) const { return at<Module>(i); }

 private:
  std::vector<std::shared_ptr<Module>> items_;
};
EMBER_MODULE(ModuleList);

// ---------------------------------------------------------------- losses
#define EMBER_LOSS_MODULE(Name, call)                                               \
  class EMBER_API Name##Impl : public Module {                                      \
   public:                                                                          \
    explicit Name##Impl(Reduction reduction = Reduction::Mean)                      \
        : Module(#Name), reduction(reduction) {}                                    \
    Tensor forward(const Tensor& input, const Tensor& target) { return call; }      \
    Reduction reduction;                                                            \
  };                                                                                \
  EMBER_MODULE(Name)
EMBER_LOSS_MODULE(MSELoss, ember::mse_loss(input, target, reduction));
EMBER_LOSS_MODULE(L1Loss, ember::l1_loss(input, target, reduction));
EMBER_LOSS_MODULE(NLLLoss, ember::nll_loss(input, target, Tensor(), reduction));
EMBER_LOSS_MODULE(CrossEntropyLoss, ember::cross_entropy(input, target, Tensor(), reduction));
EMBER_LOSS_MODULE(BCELoss, ember::binary_cross_entropy(input, target, Tensor(), reduction));
EMBER_LOSS_MODULE(BCEWithLogitsLoss, ember::binary_cross_entropy_with_logits(input, target, Tensor(), reduction));
EMBER_LOSS_MODULE(SmoothL1Loss, ember::smooth_l1_loss(input, target, reduction));
EMBER_LOSS_MODULE(HuberLoss, ember::huber_loss(input, target, reduction));
#undef EMBER_LOSS_MODULE

}  // namespace nn
}  // namespace ember

#include "ember/nn/layers_extra.h"
#include "ember/nn/layers_3d.h"
