// More layers (see ember/nn/layers_extra.h): torch's parameter names and
// default initialization, forward through ember ops.
#include <cmath>
#include <limits>
#include <sstream>

#include "ember/nn/layers_extra.h"
#include "nn/module_repr.h"

namespace ember {
namespace nn {

namespace {
// torch's _ConvNd / Linear init: kaiming_uniform_(a=sqrt(5)) for the weight,
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias.
void reset_affine(Tensor& weight, Tensor& bias) {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    int64_t fan_in = init::calculate_fan_in_and_fan_out(weight).first;
    double bound = fan_in > 0 ? 1.0 / std::sqrt(double(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}
using nn_internal::repr_ints;
// A bool mask (true = masked out) or a float mask -> an additive float mask.
Tensor to_additive(const Tensor& mask, ScalarType dtype) {
  if (!mask.defined()) return mask;
  if (mask.dtype() == kBool)
    return zeros(mask.sizes(), TensorOptions(dtype).device(mask.device()))
        .masked_fill(mask, -std::numeric_limits<double>::infinity());
  return mask.to(dtype);
}
}  // namespace

// ---------------------------------------------------------------- Conv1d
Conv1dImpl::Conv1dImpl(const Conv1dOptions& o) : Module("Conv1d"), options(o) {
  EMBER_CHECK_VALUE(o.groups() > 0 && o.in_channels() % o.groups() == 0 && o.out_channels() % o.groups() == 0,
                    "Conv1d: in_channels (", o.in_channels(), ") and out_channels (", o.out_channels(),
                    ") must be divisible by groups (", o.groups(), ")");
  weight = register_parameter("weight", empty({o.out_channels(), o.in_channels() / o.groups(), o.kernel_size()}));
  if (o.bias()) bias = register_parameter("bias", empty({o.out_channels()}));
  reset_parameters();
}
void Conv1dImpl::reset_parameters() { reset_affine(weight, bias); }
Tensor Conv1dImpl::forward(const Tensor& input) {
  if (!options.padding_mode_str().empty())
    return ember::conv1d(input, weight, bias, options.stride(), options.padding_mode_str(), options.dilation(),
                         options.groups());
  return ember::conv1d(input, weight, bias, options.stride(), options.padding(), options.dilation(),
                       options.groups());
}
std::string Conv1dImpl::extra_repr() const {
  std::ostringstream ss;
  ss << options.in_channels() << ", " << options.out_channels() << ", kernel_size=(" << options.kernel_size()
     << ",), stride=(" << options.stride() << ",)";
  return ss.str();
}

// ------------------------------------------------------- ConvTranspose1d
ConvTranspose1dImpl::ConvTranspose1dImpl(const ConvTranspose1dOptions& o) : Module("ConvTranspose1d"), options(o) {
  EMBER_CHECK_VALUE(o.groups() > 0 && o.in_channels() % o.groups() == 0 && o.out_channels() % o.groups() == 0,
                    "ConvTranspose1d: in_channels (", o.in_channels(), ") and out_channels (", o.out_channels(),
                    ") must be divisible by groups (", o.groups(), ")");
  weight = register_parameter("weight", empty({o.in_channels(), o.out_channels() / o.groups(), o.kernel_size()}));
  if (o.bias()) bias = register_parameter("bias", empty({o.out_channels()}));
  reset_parameters();
}
void ConvTranspose1dImpl::reset_parameters() { reset_affine(weight, bias); }
Tensor ConvTranspose1dImpl::forward(const Tensor& input) {
  return ember::conv_transpose1d(input, weight, bias, options.stride(), options.padding(), options.output_padding(),
                                 options.groups(), options.dilation());
}
std::string ConvTranspose1dImpl::extra_repr() const {
  std::ostringstream ss;
  ss << options.in_channels() << ", " << options.out_channels() << ", kernel_size=(" << options.kernel_size()
     << ",), stride=(" << options.stride() << ",)";
  if (options.padding() != 0) ss << ", padding=(" << options.padding() << ",)";
  if (options.dilation() != 1) ss << ", dilation=(" << options.dilation() << ",)";
  if (options.output_padding() != 0) ss << ", output_padding=(" << options.output_padding() << ",)";
  if (options.groups() != 1) ss << ", groups=" << options.groups();
  if (!options.bias()) ss << ", bias=False";
  return ss.str();
}

// ------------------------------------------------------- ConvTranspose2d
ConvTranspose2dImpl::ConvTranspose2dImpl(const ConvTranspose2dOptions& o) : Module("ConvTranspose2d"), options(o) {
  EMBER_CHECK_VALUE(o.groups() > 0 && o.in_channels() % o.groups() == 0 && o.out_channels() % o.groups() == 0,
                    "ConvTranspose2d: in_channels (", o.in_channels(), ") and out_channels (", o.out_channels(),
                    ") must be divisible by groups (", o.groups(), ")");
  options.stride(Conv2dOptions::expand2(o.stride()));
  options.padding(Conv2dOptions::expand2(o.padding()));
  options.output_padding(Conv2dOptions::expand2(o.output_padding()));
  options.dilation(Conv2dOptions::expand2(o.dilation()));
  const auto& k = o.kernel_size();
  weight = register_parameter("weight", empty({o.in_channels(), o.out_channels() / o.groups(), k[0], k[1]}));
  if (o.bias()) bias = register_parameter("bias", empty({o.out_channels()}));
  reset_parameters();
}
// torch computes fan_in from the weight's dim 1 here too (C_out/groups * k).
void ConvTranspose2dImpl::reset_parameters() { reset_affine(weight, bias); }
Tensor ConvTranspose2dImpl::forward(const Tensor& input) {
  return ember::conv_transpose2d(input, weight, bias, options.stride(), options.padding(), options.output_padding(),
                                 options.groups(), options.dilation());
}
std::string ConvTranspose2dImpl::extra_repr() const {
  std::ostringstream ss;
  ss << options.in_channels() << ", " << options.out_channels() << ", kernel_size=" << repr_ints(options.kernel_size())
     << ", stride=" << repr_ints(options.stride());
  return ss.str();
}

// ---------------------------------------------------------------- Bilinear
BilinearImpl::BilinearImpl(const BilinearOptions& o) : Module("Bilinear"), options(o) {
  weight = register_parameter("weight", empty({o.out_features(), o.in1_features(), o.in2_features()}));
  if (o.bias()) bias = register_parameter("bias", empty({o.out_features()}));
  reset_parameters();
}
void BilinearImpl::reset_parameters() {
  double bound = options.in1_features() > 0 ? 1.0 / std::sqrt(double(options.in1_features())) : 0.0;
  init::uniform_(weight, -bound, bound);
  if (bias.defined()) init::uniform_(bias, -bound, bound);
}
Tensor BilinearImpl::forward(const Tensor& input1, const Tensor& input2) {
  EMBER_CHECK(input1.dim() >= 1 && input1.size(-1) == options.in1_features(), "Bilinear: input1 has shape ",
              input1.sizes(), " but in1_features is ", options.in1_features());
  EMBER_CHECK(input2.dim() >= 1 && input2.size(-1) == options.in2_features(), "Bilinear: input2 has shape ",
              input2.sizes(), " but in2_features is ", options.in2_features());
  EMBER_CHECK(input1.dim() == input2.dim(), "Bilinear: input1 and input2 must have the same number of dims, got ",
              input1.sizes(), " and ", input2.sizes());
  std::vector<int64_t> lead(input1.sizes().begin(), input1.sizes().end() - 1);
  Tensor x1 = input1.reshape({-1, options.in1_features()});
  Tensor x2 = input2.reshape({-1, options.in2_features()});
  // [1, B, in1] @ [O, in1, in2] -> [O, B, in2]; * x2, sum -> [O, B]
  Tensor y = (matmul(x1.unsqueeze(0), weight) * x2.unsqueeze(0)).sum({-1}).t();
  if (bias.defined()) y = y + bias;
  std::vector<int64_t> out_shape = lead;
  out_shape.push_back(options.out_features());
  return y.reshape(out_shape);
}
std::string BilinearImpl::extra_repr() const {
  std::ostringstream ss;
  ss << "in1_features=" << options.in1_features() << ", in2_features=" << options.in2_features()
     << ", out_features=" << options.out_features() << ", bias=" << (options.bias() ? "True" : "False");
  return ss.str();
}

// ---------------------------------------------------------------- ModuleDict
void ModuleDictImpl::insert_module(const std::string& key, std::shared_ptr<Module> module) {
  EMBER_CHECK_VALUE(module != nullptr, "ModuleDict: cannot insert an empty module under '", key, "'");
  add_child(key, module);
  for (auto& item : items_)
    if (item.first == key) {
      item.second = module;
      return;
    }
  items_.emplace_back(key, module);
}
bool ModuleDictImpl::contains(const std::string& key) const {
  for (auto& item : items_)
    if (item.first == key) return true;
  return false;
}
std::vector<std::string> ModuleDictImpl::keys() const {
  std::vector<std::string> out;
  for (auto& item : items_) out.push_back(item.first);
  return out;
}
std::vector<std::shared_ptr<Module>> ModuleDictImpl::values() const {
  std::vector<std::shared_ptr<Module>> out;
  for (auto& item : items_) out.push_back(item.second);
  return out;
}
std::shared_ptr<Module> ModuleDictImpl::get(const std::string& key) const {
  for (auto& item : items_)
    if (item.first == key) return item.second;
  throw IndexError(detail::str("ModuleDict: no module under key '", key, "'"));
}

// ------------------------------------------------------- MultiheadAttention
MultiheadAttentionImpl::MultiheadAttentionImpl(const MultiheadAttentionOptions& o)
    : Module("MultiheadAttention"), options(o) {
  EMBER_CHECK_VALUE(o.num_heads() > 0 && o.embed_dim() % o.num_heads() == 0, "embed_dim (", o.embed_dim(),
                    ") must be divisible by num_heads (", o.num_heads(), ")");
  head_dim = o.embed_dim() / o.num_heads();
  int64_t E = o.embed_dim();
  in_proj_weight = register_parameter("in_proj_weight", empty({3 * E, E}));
  if (o.bias()) in_proj_bias = register_parameter("in_proj_bias", empty({3 * E}));
  out_proj = register_module("out_proj", Linear(LinearOptions(E, E).bias(o.bias())));
  reset_parameters();
}
void MultiheadAttentionImpl::reset_parameters() {
  init::xavier_uniform_(in_proj_weight);
  if (in_proj_bias.defined()) {
    init::constant_(in_proj_bias, 0.0);
    init::constant_(out_proj->bias, 0.0);
  }
}
std::tuple<Tensor, Tensor> MultiheadAttentionImpl::forward(const Tensor& query_in, const Tensor& key_in,
                                                           const Tensor& value_in, const Tensor& key_padding_mask_in,
                                                           bool need_weights, const Tensor& attn_mask,
                                                           bool average_attn_weights) {
  EMBER_CHECK_VALUE(query_in.dim() == 3 || query_in.dim() == 2,
                    "MultiheadAttention: query should be unbatched 2D or batched 3D, got ", query_in.dim(), "D");
  EMBER_CHECK_VALUE(key_in.dim() == query_in.dim() && value_in.dim() == query_in.dim(),
                    "MultiheadAttention: query, key and value must have the same number of dims");
  bool batched = query_in.dim() == 3;
  Tensor query = query_in, key = key_in, value = value_in, key_padding_mask = key_padding_mask_in;
  if (!batched) {
    query = query.unsqueeze(1);
    key = key.unsqueeze(1);
    value = value.unsqueeze(1);
    if (key_padding_mask.defined()) key_padding_mask = key_padding_mask.unsqueeze(0);
  } else if (options.batch_first()) {
    query = query.transpose(0, 1);
    key = key.transpose(0, 1);
    value = value.transpose(0, 1);
  }
  // [L, N, E] from here on
  const int64_t L = query.size(0), N = query.size(1), E = query.size(2), S = key.size(0);
  const int64_t H = options.num_heads(), D = head_dim;
  EMBER_CHECK_VALUE(E == options.embed_dim(), "MultiheadAttention: was expecting embedding dimension of ",
                    options.embed_dim(), ", but got ", E);
  EMBER_CHECK_VALUE(key.size(1) == N && value.size(1) == N && value.size(0) == S && key.size(2) == E &&
                        value.size(2) == E,
                    "MultiheadAttention: key and value shapes ", key_in.sizes(), " and ", value_in.sizes(),
                    " do not match query ", query_in.sizes());
  Tensor q, k, v;
  if (query_in.is_same(key_in) && key_in.is_same(value_in)) {
    auto qkv = ember::linear(query, in_proj_weight, in_proj_bias).chunk(3, -1);
    q = qkv[0], k = qkv[1], v = qkv[2];
  } else {
    auto w = in_proj_weight.chunk(3, 0);
    tensor_list b(3);
    if (in_proj_bias.defined()) b = in_proj_bias.chunk(3, 0);
    q = ember::linear(query, w[0], b[0]);
    k = ember::linear(key, w[1], b[1]);
    v = ember::linear(value, w[2], b[2]);
  }
  // [L, N, E] -> [N, H, L, D]
  q = q.reshape({L, N, H, D}).permute({1, 2, 0, 3});
  k = k.reshape({S, N, H, D}).permute({1, 2, 0, 3});
  v = v.reshape({S, N, H, D}).permute({1, 2, 0, 3});
  Tensor mask = to_additive(attn_mask, q.dtype());
  if (mask.defined()) {
    if (mask.dim() == 3) {
      EMBER_CHECK_VALUE(mask.size(0) == N * H && mask.size(1) == L && mask.size(2) == S,
                        "MultiheadAttention: the shape of the 3D attn_mask is ", mask.sizes(), ", but should be (",
                        N * H, ", ", L, ", ", S, ")");
      mask = mask.reshape({N, H, L, S});
    } else {
      EMBER_CHECK_VALUE(mask.dim() == 2 && mask.size(0) == L && mask.size(1) == S,
                        "MultiheadAttention: the shape of the 2D attn_mask is ", mask.sizes(), ", but should be (",
                        L, ", ", S, ")");
    }
  }
  if (key_padding_mask.defined()) {
    EMBER_CHECK_VALUE(key_padding_mask.numel() == N * S, "MultiheadAttention: key_padding_mask has shape ",
                      key_padding_mask.sizes(), ", expected (", N, ", ", S, ")");
    Tensor kpm = to_additive(key_padding_mask, q.dtype()).reshape({N, 1, 1, S});
    mask = mask.defined() ? mask + kpm : kpm;
  }
  double dropout_p = is_training() ? options.dropout() : 0.0;
  Tensor out, weights;
  if (!need_weights) {
    out = ember::scaled_dot_product_attention(q, k, v, mask, dropout_p);
  } else {
    Tensor scores = matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(double(D)));
    if (mask.defined()) scores = scores + mask;
    Tensor attn = ember::softmax(scores, -1);
    if (dropout_p > 0) attn = ember::dropout(attn, dropout_p, true);
    out = matmul(attn, v);
    weights = average_attn_weights ? attn.mean({1}) : attn;
    if (!batched) weights = weights.squeeze(0);
  }
  out = out.permute({2, 0, 1, 3}).reshape({L, N, E});
  out = out_proj(out);
  if (!batched)
    out = out.squeeze(1);
  else if (options.batch_first())
    out = out.transpose(0, 1);
  return std::make_tuple(out, weights);
}

// ------------------------------------------------------- Transformer layers
namespace {
// What the encoder and decoder layers share: their submodules are built and
// run by these, each layer registering them in torch's order.
void check_activation(const TransformerLayerOptions& o) {
  EMBER_CHECK(o.activation_fn() || o.activation() == "relu" || o.activation() == "gelu",
              "activation should be relu/gelu, not ", o.activation());
}
MultiheadAttention make_attention(const TransformerLayerOptions& o) {
  return MultiheadAttention(
      MultiheadAttentionOptions(o.d_model(), o.nhead()).dropout(o.dropout()).batch_first(o.batch_first()));
}
LayerNorm make_norm(const TransformerLayerOptions& o) {
  return LayerNorm(LayerNormOptions({o.d_model()}).eps(o.layer_norm_eps()));
}
// out_dropout(attn(x, mem, mem)), without the attention weights.
Tensor attention_block(const MultiheadAttention& attn, const Dropout& out_dropout, const Tensor& x, const Tensor& mem,
                       const Tensor& attn_mask, const Tensor& key_padding_mask) {
  return out_dropout(std::get<0>(attn->forward(x, mem, mem, key_padding_mask, false, attn_mask)));
}
// out_dropout(linear2(dropout(activation(linear1(x)))))
template <typename Layer>
Tensor feed_forward_block(const Layer& l, const Dropout& out_dropout, const Tensor& x) {
  Tensor h = l.linear1(x);
  const auto& o = l.options;
  h = o.activation_fn() ? o.activation_fn()(h) : o.activation() == "gelu" ? ember::gelu(h) : ember::relu(h);
  return out_dropout(l.linear2(l.dropout(h)));
}
// num_layers copies of `layer` (same options, weights and mode), as torch's deepcopy.
template <typename Holder>
ModuleList clone_layers(const char* op, const char* arg, const Holder& layer, int64_t n) {
  EMBER_CHECK_VALUE(!layer.is_empty(), op, ": ", arg, " is empty");
  EMBER_CHECK_VALUE(n >= 0, op, ": num_layers must be non-negative, got ", n);
  ModuleList layers;
  auto state = layer->state_dict();
  for (int64_t i = 0; i < n; ++i) {
    Holder copy(layer->options);
    {
      NoGradGuard ng;
      copy->load_state_dict(state);
    }
    copy->train(layer->is_training());
    layers->push_back(copy);
  }
  return layers;
}
}  // namespace

TransformerEncoderLayerImpl::TransformerEncoderLayerImpl(const TransformerEncoderLayerOptions& o)
    : Module("TransformerEncoderLayer"), options(o) {
  check_activation(o);
  self_attn = register_module("self_attn", make_attention(o));
  linear1 = register_module("linear1", Linear(o.d_model(), o.dim_feedforward()));
  dropout = register_module("dropout", Dropout(o.dropout()));
  linear2 = register_module("linear2", Linear(o.dim_feedforward(), o.d_model()));
  norm1 = register_module("norm1", make_norm(o));
  norm2 = register_module("norm2", make_norm(o));
  dropout1 = register_module("dropout1", Dropout(o.dropout()));
  dropout2 = register_module("dropout2", Dropout(o.dropout()));
}
Tensor TransformerEncoderLayerImpl::forward(const Tensor& src, const Tensor& src_mask,
                                            const Tensor& src_key_padding_mask) {
  auto sa = [&](const Tensor& x) { return attention_block(self_attn, dropout1, x, x, src_mask, src_key_padding_mask); };
  Tensor x = src;
  if (options.norm_first()) {
    x = x + sa(norm1(x));
    x = x + feed_forward_block(*this, dropout2, norm2(x));
  } else {
    x = norm1(x + sa(x));
    x = norm2(x + feed_forward_block(*this, dropout2, x));
  }
  return x;
}

TransformerDecoderLayerImpl::TransformerDecoderLayerImpl(const TransformerDecoderLayerOptions& o)
    : Module("TransformerDecoderLayer"), options(o) {
  check_activation(o);
  self_attn = register_module("self_attn", make_attention(o));
  multihead_attn = register_module("multihead_attn", make_attention(o));
  linear1 = register_module("linear1", Linear(o.d_model(), o.dim_feedforward()));
  dropout = register_module("dropout", Dropout(o.dropout()));
  linear2 = register_module("linear2", Linear(o.dim_feedforward(), o.d_model()));
  norm1 = register_module("norm1", make_norm(o));
  norm2 = register_module("norm2", make_norm(o));
  norm3 = register_module("norm3", make_norm(o));
  dropout1 = register_module("dropout1", Dropout(o.dropout()));
  dropout2 = register_module("dropout2", Dropout(o.dropout()));
  dropout3 = register_module("dropout3", Dropout(o.dropout()));
}
Tensor TransformerDecoderLayerImpl::forward(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask,
                                            const Tensor& memory_mask, const Tensor& tgt_key_padding_mask,
                                            const Tensor& memory_key_padding_mask) {
  auto sa = [&](const Tensor& x) { return attention_block(self_attn, dropout1, x, x, tgt_mask, tgt_key_padding_mask); };
  auto mha = [&](const Tensor& x) {
    return attention_block(multihead_attn, dropout2, x, memory, memory_mask, memory_key_padding_mask);
  };
  Tensor x = tgt;
  if (options.norm_first()) {
    x = x + sa(norm1(x));
    x = x + mha(norm2(x));
    x = x + feed_forward_block(*this, dropout3, norm3(x));
  } else {
    x = norm1(x + sa(x));
    x = norm2(x + mha(x));
    x = norm3(x + feed_forward_block(*this, dropout3, x));
  }
  return x;
}

// ------------------------------------------------------- TransformerEncoder
TransformerEncoderImpl::TransformerEncoderImpl(const TransformerEncoderLayer& encoder_layer, int64_t n, LayerNorm norm_)
    : Module("TransformerEncoder"), num_layers(n) {
  layers = register_module("layers", clone_layers("TransformerEncoder", "encoder_layer", encoder_layer, n));
  if (!norm_.is_empty()) norm = register_module("norm", norm_);
}
Tensor TransformerEncoderImpl::forward(const Tensor& src, const Tensor& mask, const Tensor& src_key_padding_mask) {
  Tensor out = src;
  for (size_t i = 0; i < layers->size(); ++i)
    out = TransformerEncoderLayer(layers->at<TransformerEncoderLayerImpl>(i))(out, mask, src_key_padding_mask);
  if (!norm.is_empty()) out = norm(out);
  return out;
}

TransformerDecoderImpl::TransformerDecoderImpl(const TransformerDecoderLayer& decoder_layer, int64_t n, LayerNorm norm_)
    : Module("TransformerDecoder"), num_layers(n) {
  layers = register_module("layers", clone_layers("TransformerDecoder", "decoder_layer", decoder_layer, n));
  if (!norm_.is_empty()) norm = register_module("norm", norm_);
}
Tensor TransformerDecoderImpl::forward(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask,
                                       const Tensor& memory_mask, const Tensor& tgt_key_padding_mask,
                                       const Tensor& memory_key_padding_mask) {
  Tensor out = tgt;
  for (size_t i = 0; i < layers->size(); ++i)
    out = TransformerDecoderLayer(layers->at<TransformerDecoderLayerImpl>(i))(
        out, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask);
  if (!norm.is_empty()) out = norm(out);
  return out;
}

// ------------------------------------------------------- Transformer
TransformerImpl::TransformerImpl(const TransformerOptions& o) : Module("Transformer"), options(o) {
  auto layer_options = TransformerLayerOptions(o.d_model(), o.nhead())
                           .dim_feedforward(o.dim_feedforward())
                           .dropout(o.dropout())
                           .activation(o.activation())
                           .activation_fn(o.activation_fn())
                           .layer_norm_eps(o.layer_norm_eps())
                           .batch_first(o.batch_first())
                           .norm_first(o.norm_first());
  encoder = register_module("encoder", TransformerEncoder(TransformerEncoderLayer(layer_options),
                                                          o.num_encoder_layers(), make_norm(layer_options)));
  decoder = register_module("decoder", TransformerDecoder(TransformerDecoderLayer(layer_options),
                                                          o.num_decoder_layers(), make_norm(layer_options)));
  reset_parameters();
}
void TransformerImpl::reset_parameters() {
  for (auto& p : parameters())
    if (p.dim() > 1) init::xavier_uniform_(p);
}
Tensor TransformerImpl::forward(const Tensor& src, const Tensor& tgt, const Tensor& src_mask, const Tensor& tgt_mask,
                                const Tensor& memory_mask, const Tensor& src_key_padding_mask,
                                const Tensor& tgt_key_padding_mask, const Tensor& memory_key_padding_mask) {
  const int64_t batch_dim = options.batch_first() ? 0 : 1;
  EMBER_CHECK(src.dim() != 3 || tgt.dim() != 3 || src.size(batch_dim) == tgt.size(batch_dim),
              "Transformer: the batch number of src and tgt must be equal (src ", src.sizes(), ", tgt ", tgt.sizes(),
              options.batch_first() ? ", batch_first)" : ")");
  EMBER_CHECK(
      src.dim() >= 1 && tgt.dim() >= 1 && src.size(-1) == options.d_model() && tgt.size(-1) == options.d_model(),
      "Transformer: the feature number of src and tgt must be equal to d_model (", options.d_model(), "), got src ",
      src.sizes(), " and tgt ", tgt.sizes());
  Tensor memory = encoder(src, src_mask, src_key_padding_mask);
  return decoder(tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask);
}
Tensor TransformerImpl::generate_square_subsequent_mask(int64_t sz, const TensorOptions& tensor_options) {
  return full({sz, sz}, -std::numeric_limits<double>::infinity(), tensor_options).triu(1);
}

// ---------------------------------------------------------------- RNNs
RNNBaseImpl::RNNBaseImpl(const RNNOptions& o, int64_t gates, const char* name) : Module(name), options(o) {
  EMBER_CHECK_VALUE(o.hidden_size() > 0, name, ": hidden_size must be greater than zero");
  EMBER_CHECK_VALUE(o.num_layers() > 0, name, ": num_layers must be greater than zero");
  EMBER_CHECK_VALUE(o.dropout() >= 0 && o.dropout() <= 1, name,
                    ": dropout should be a number in range [0, 1], got ", o.dropout());
  const int64_t G = gates * o.hidden_size(), D = o.bidirectional() ? 2 : 1;
  for (int64_t l = 0; l < o.num_layers(); ++l) {
    const int64_t in = l == 0 ? o.input_size() : D * o.hidden_size();
    for (int64_t d = 0; d < D; ++d) {
      const std::string s = std::to_string(l) + (d == 1 ? "_reverse" : "");
      std::vector<Tensor> w(4);
      w[0] = register_parameter("weight_ih_l" + s, empty({G, in}));
      w[1] = register_parameter("weight_hh_l" + s, empty({G, o.hidden_size()}));
      if (o.bias()) {
        w[2] = register_parameter("bias_ih_l" + s, empty({G}));
        w[3] = register_parameter("bias_hh_l" + s, empty({G}));
      }
      all_weights.push_back(w);
    }
  }
  reset_parameters();
}
void RNNBaseImpl::reset_parameters() {
  double stdv = 1.0 / std::sqrt(double(options.hidden_size()));
  for (auto& layer : all_weights)
    for (auto& w : layer)
      if (w.defined()) init::uniform_(w, -stdv, stdv);
}
std::string RNNBaseImpl::extra_repr() const {
  std::ostringstream ss;
  ss << options.input_size() << ", " << options.hidden_size();
  if (options.num_layers() != 1) ss << ", num_layers=" << options.num_layers();
  if (!options.bias()) ss << ", bias=False";
  if (options.batch_first()) ss << ", batch_first=True";
  if (options.dropout() != 0) ss << ", dropout=" << options.dropout();
  if (options.bidirectional()) ss << ", bidirectional=True";
  return ss.str();
}
std::pair<Tensor, bool> RNNBaseImpl::prepare(const Tensor& input) const {
  EMBER_CHECK_VALUE(input.dim() == 2 || input.dim() == 3, name_, ": Expected input to be 2D or 3D, got ",
                    input.dim(), "D instead");
  EMBER_CHECK(input.size(-1) == options.input_size(), name_, ": input.size(-1) must be equal to input_size. "
              "Expected ", options.input_size(), ", got ", input.size(-1));
  if (input.dim() == 2) return {input.unsqueeze(1), false};
  return {options.batch_first() ? input.transpose(0, 1) : input, true};
}
Tensor RNNBaseImpl::finish(const Tensor& output, bool batched) const {
  if (!batched) return output.squeeze(1);
  return options.batch_first() ? output.transpose(0, 1) : output;
}
std::vector<Tensor> RNNBaseImpl::flat_weights() const {
  std::vector<Tensor> flat;
  for (const auto& w : all_weights)
    for (size_t i = 0; i < (options.bias() ? 4u : 2u); ++i) flat.push_back(w[i]);
  return flat;
}
Tensor RNNBaseImpl::initial_state(const Tensor& given, bool batched, int64_t batch, const TensorOptions& like) const {
  if (!given.defined()) return zeros({options.num_layers() * num_directions(), batch, options.hidden_size()}, like);
  return batched ? given : given.unsqueeze(1);
}

std::tuple<Tensor, std::tuple<Tensor, Tensor>> LSTMImpl::forward(
    const Tensor& input_in, const std::optional<std::tuple<Tensor, Tensor>>& hx) {
  auto [input, batched] = prepare(input_in);
  const int64_t N = input.size(1);
  Tensor h0 = initial_state(hx ? std::get<0>(*hx) : Tensor(), batched, N, input.options());
  Tensor c0 = initial_state(hx ? std::get<1>(*hx) : Tensor(), batched, N, input.options());
  auto [out, h_n, c_n] = ember::lstm(input, h0, c0, flat_weights(), options.bias(), options.num_layers(),
                                     options.dropout(), is_training(), options.bidirectional());
  if (!batched) h_n = h_n.squeeze(1), c_n = c_n.squeeze(1);
  return std::make_tuple(finish(out, batched), std::make_tuple(h_n, c_n));
}

std::tuple<Tensor, Tensor> GRUImpl::forward(const Tensor& input_in, const Tensor& hx) {
  auto [input, batched] = prepare(input_in);
  Tensor h0 = initial_state(hx, batched, input.size(1), input.options());
  auto [out, h_n] = ember::gru(input, h0, flat_weights(), options.bias(), options.num_layers(), options.dropout(),
                               is_training(), options.bidirectional());
  if (!batched) h_n = h_n.squeeze(1);
  return std::make_tuple(finish(out, batched), h_n);
}

RNNImpl::RNNImpl(const RNNOptions& o) : RNNBaseImpl(o, 1, "RNN") {
  EMBER_CHECK_VALUE(o.nonlinearity() == "tanh" || o.nonlinearity() == "relu", "RNN: Unknown nonlinearity '",
                    o.nonlinearity(), "' (expected 'tanh' or 'relu')");
}

std::tuple<Tensor, Tensor> RNNImpl::forward(const Tensor& input_in, const Tensor& hx) {
  auto [input, batched] = prepare(input_in);
  Tensor h0 = initial_state(hx, batched, input.size(1), input.options());
  auto f = options.nonlinearity() == "relu" ? ember::rnn_relu : ember::rnn_tanh;
  auto [out, h_n] = f(input, h0, flat_weights(), options.bias(), options.num_layers(), options.dropout(),
                      is_training(), options.bidirectional());
  if (!batched) h_n = h_n.squeeze(1);
  return std::make_tuple(finish(out, batched), h_n);
}

// ---------------------------------------------------------------- cells
RNNCellBaseImpl::RNNCellBaseImpl(const RNNCellOptions& o, int64_t gates, const char* name)
    : Module(name), options(o) {
  EMBER_CHECK_VALUE(o.hidden_size() > 0, name, ": hidden_size must be greater than zero, got ", o.hidden_size());
  const int64_t G = gates * o.hidden_size();
  weight_ih = register_parameter("weight_ih", empty({G, o.input_size()}));
  weight_hh = register_parameter("weight_hh", empty({G, o.hidden_size()}));
  if (o.bias()) {
    bias_ih = register_parameter("bias_ih", empty({G}));
    bias_hh = register_parameter("bias_hh", empty({G}));
  }
  reset_parameters();
}
void RNNCellBaseImpl::reset_parameters() {
  const double stdv = 1.0 / std::sqrt(double(options.hidden_size()));
  for (Tensor* w : {&weight_ih, &weight_hh, &bias_ih, &bias_hh})
    if (w->defined()) init::uniform_(*w, -stdv, stdv);
}
std::string RNNCellBaseImpl::extra_repr() const {
  std::ostringstream ss;
  ss << options.input_size() << ", " << options.hidden_size();
  if (!options.bias()) ss << ", bias=False";
  if (name_ == "RNNCell" && options.nonlinearity() != "tanh") ss << ", nonlinearity=" << options.nonlinearity();
  return ss.str();
}

RNNCellImpl::RNNCellImpl(const RNNCellOptions& o) : RNNCellBaseImpl(o, 1, "RNNCell") {
  EMBER_CHECK_VALUE(o.nonlinearity() == "tanh" || o.nonlinearity() == "relu", "RNNCell: Unknown nonlinearity '",
                    o.nonlinearity(), "' (expected 'tanh' or 'relu')");
}
Tensor RNNCellImpl::forward(const Tensor& input, const Tensor& hx) {
  auto f = options.nonlinearity() == "relu" ? ember::rnn_relu_cell : ember::rnn_tanh_cell;
  return f(input, hx, weight_ih, weight_hh, bias_ih, bias_hh);
}
std::tuple<Tensor, Tensor> LSTMCellImpl::forward(const Tensor& input,
                                                 const std::optional<std::tuple<Tensor, Tensor>>& hx) {
  return ember::lstm_cell(input, hx ? std::get<0>(*hx) : Tensor(), hx ? std::get<1>(*hx) : Tensor(), weight_ih,
                          weight_hh, bias_ih, bias_hh);
}
Tensor GRUCellImpl::forward(const Tensor& input, const Tensor& hx) {
  return ember::gru_cell(input, hx, weight_ih, weight_hh, bias_ih, bias_hh);
}

// ---------------------------------------------------------------- 1-D pooling
namespace {
std::vector<int64_t> opt1(const std::optional<int64_t>& v) { return v ? std::vector<int64_t>{*v} : std::vector<int64_t>{}; }
}  // namespace

Tensor MaxPool1dImpl::forward(const Tensor& input) { return std::get<0>(forward_with_indices(input)); }
std::tuple<Tensor, Tensor> MaxPool1dImpl::forward_with_indices(const Tensor& input) {
  return ember::max_pool1d_with_indices(input, options.kernel_size(), opt1(options.stride()), options.padding(),
                                        options.dilation(), options.ceil_mode());
}
std::string MaxPool1dImpl::extra_repr() const {
  std::ostringstream ss;
  ss << "kernel_size=" << options.kernel_size() << ", stride=" << options.stride().value_or(options.kernel_size())
     << ", padding=" << options.padding() << ", dilation=" << options.dilation()
     << ", ceil_mode=" << (options.ceil_mode() ? "True" : "False");
  return ss.str();
}
Tensor AvgPool1dImpl::forward(const Tensor& input) {
  return ember::avg_pool1d(input, options.kernel_size(), opt1(options.stride()), options.padding(),
                           options.ceil_mode(), options.count_include_pad());
}
std::string AvgPool1dImpl::extra_repr() const {
  std::ostringstream ss;
  ss << "kernel_size=" << repr_ints({options.kernel_size()})
     << ", stride=" << repr_ints({options.stride().value_or(options.kernel_size())})
     << ", padding=" << repr_ints({options.padding()});
  return ss.str();
}
Tensor AdaptiveAvgPool1dImpl::forward(const Tensor& input) { return ember::adaptive_avg_pool1d(input, output_size); }
std::string AdaptiveAvgPool1dImpl::extra_repr() const { return "output_size=" + std::to_string(output_size); }

// ---------------------------------------------------------------- Upsample, Dropout2d
Tensor UpsampleImpl::forward(const Tensor& input) {
  return ember::interpolate(input, options.size(), options.scale_factor(), options.mode(), options.align_corners());
}
std::string UpsampleImpl::extra_repr() const {
  std::ostringstream ss;
  if (options.scale_factor()) {
    const auto& f = *options.scale_factor();
    // as Python prints floats: 2.0, not 2
    auto num = [](double v) { return std::floor(v) == v ? std::to_string(int64_t(v)) + ".0" : detail::str(v); };
    ss << "scale_factor=";
    if (f.size() == 1) {
      ss << num(f[0]);
    } else {
      ss << "(";
      for (size_t i = 0; i < f.size(); ++i) ss << (i ? ", " : "") << num(f[i]);
      ss << ")";
    }
  } else if (options.size()) {
    const auto& v = *options.size();
    ss << "size=" << (v.size() == 1 ? std::to_string(v[0]) : repr_ints(v));
  } else {
    ss << "size=None";
  }
  ss << ", mode=" << options.mode();
  return ss.str();
}

Dropout2dImpl::Dropout2dImpl(double p) : Module("Dropout2d"), p(p) {
  EMBER_CHECK_VALUE(p >= 0 && p <= 1, "Dropout2d: dropout probability has to be between 0 and 1, but got ", p);
}
Tensor Dropout2dImpl::forward(const Tensor& input) { return ember::dropout2d(input, p, is_training()); }
std::string Dropout2dImpl::extra_repr() const {
  std::ostringstream ss;
  ss << "p=" << p << ", inplace=False";
  return ss.str();
}

}  // namespace nn
}  // namespace ember
