#pragma once

// More layers, with torch's parameter names, state_dict keys and default
// initialization: Conv1d, ConvTranspose1d, ConvTranspose2d, Bilinear,
// ModuleDict, MultiheadAttention, TransformerEncoderLayer,
// TransformerDecoderLayer, TransformerEncoder, TransformerDecoder,
// Transformer, LSTM, GRU, RNN, the cells RNNCell / LSTMCell / GRUCell,
// MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d,
// AdaptiveMaxPool2d, Upsample, Dropout2d, CTCLoss.
// Included from ember/nn/modules.h.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ember/nn/modules.h"

namespace ember {
namespace nn {

// ---------------------------------------------------------------- Conv1d
struct Conv1dOptions {
  Conv1dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  EMBER_ARG(int64_t, in_channels);
  EMBER_ARG(int64_t, out_channels);
  EMBER_ARG(int64_t, kernel_size);
  EMBER_ARG(int64_t, stride) = 1;
  EMBER_ARG(int64_t, padding) = 0;
  /// "same" / "valid" override `padding` when set.
  EMBER_ARG(std::string, padding_mode_str) = "";
  EMBER_ARG(int64_t, dilation) = 1;
  EMBER_ARG(int64_t, groups) = 1;
  EMBER_ARG(bool, bias) = true;
};
/// input [N, C_in, L]; weight [C_out, C_in/groups, K].
class EMBER_API Conv1dImpl : public Module {
 public:
  Conv1dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv1dImpl(Conv1dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv1dImpl(const Conv1dOptions& options);
  Tensor forward(const Tensor& input);
  void reset_parameters();
  std::string extra_repr() const override;
  Conv1dOptions options;
  Tensor weight, bias;
};
EMBER_MODULE(Conv1d);

// ------------------------------------------------------- ConvTranspose1d
struct ConvTranspose1dOptions {
  ConvTranspose1dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  EMBER_ARG(int64_t, in_channels);
  EMBER_ARG(int64_t, out_channels);
  EMBER_ARG(int64_t, kernel_size);
  EMBER_ARG(int64_t, stride) = 1;
  EMBER_ARG(int64_t, padding) = 0;
  EMBER_ARG(int64_t, output_padding) = 0;
  EMBER_ARG(int64_t, groups) = 1;
  EMBER_ARG(bool, bias) = true;
  EMBER_ARG(int64_t, dilation) = 1;
};
/// input [N, C_in, L] or [C_in, L]; weight [C_in, C_out/groups, K].
class EMBER_API ConvTranspose1dImpl : public Module {
 public:
  ConvTranspose1dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : ConvTranspose1dImpl(ConvTranspose1dOptions(in_channels, out_channels, kernel_size)) {}
  explicit ConvTranspose1dImpl(const ConvTranspose1dOptions& options);
  Tensor forward(const Tensor& input);
  void reset_parameters();
  std::string extra_repr() const override;
  ConvTranspose1dOptions options;
  Tensor weight, bias;
};
EMBER_MODULE(ConvTranspose1d);

// ------------------------------------------------------- ConvTranspose2d
struct ConvTranspose2dOptions {
  ConvTranspose2dOptions(int64_t in_channels, int64_t out_channels, std::vector<int64_t> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(Conv2dOptions::expand2(kernel_size)) {}
  ConvTranspose2dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : ConvTranspose2dOptions(in_channels, out_channels, std::vector<int64_t>{kernel_size}) {}
  EMBER_ARG(int64_t, in_channels);
  EMBER_ARG(int64_t, out_channels);
  EMBER_ARG(std::vector<int64_t>, kernel_size);
  EMBER_ARG(std::vector<int64_t>, stride) = {1, 1};
  EMBER_ARG(std::vector<int64_t>, padding) = {0, 0};
  EMBER_ARG(std::vector<int64_t>, output_padding) = {0, 0};
  EMBER_ARG(int64_t, groups) = 1;
  EMBER_ARG(bool, bias) = true;
  EMBER_ARG(std::vector<int64_t>, dilation) = {1, 1};
};
/// input [N, C_in, H, W]; weight [C_in, C_out/groups, kH, kW].
class EMBER_API ConvTranspose2dImpl : public Module {
 public:
  ConvTranspose2dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : ConvTranspose2dImpl(ConvTranspose2dOptions(in_channels, out_channels, kernel_size)) {}
  explicit ConvTranspose2dImpl(const ConvTranspose2dOptions& options);
  Tensor forward(const Tensor& input);
  void reset_parameters();
  std::string extra_repr() const override;
  ConvTranspose2dOptions options;
  Tensor weight, bias;
};
EMBER_MODULE(ConvTranspose2d);

// ---------------------------------------------------------------- Bilinear
struct BilinearOptions {
  BilinearOptions(int64_t in1_features, int64_t in2_features, int64_t out_features)
      : in1_features_(in1_features), in2_features_(in2_features), out_features_(out_features) {}
  EMBER_ARG(int64_t, in1_features);
  EMBER_ARG(int64_t, in2_features);
  EMBER_ARG(int64_t, out_features);
  EMBER_ARG(bool, bias) = true;
};
/// y = x1^T A x2 + b; weight [out, in1, in2], inputs [..., in1] and [..., in2].
class EMBER_API BilinearImpl : public Module {
 public:
  BilinearImpl(int64_t in1, int64_t in2, int64_t out) : BilinearImpl(BilinearOptions(in1, in2, out)) {}
  explicit BilinearImpl(const BilinearOptions& options);
  Tensor forward(const Tensor& input1, const Tensor& input2);
  void reset_parameters();
  std::string extra_repr() const override;
  BilinearOptions options;
  Tensor weight, bias;
};
EMBER_MODULE(Bilinear);

// ---------------------------------------------------------------- ModuleDict
/// Holds submodules by string key, in insertion order (no forward).
class EMBER_API ModuleDictImpl : public Module {
 public:
  ModuleDictImpl() : Module("ModuleDict") {}
  /// Adds or replaces the module under `key` (a replaced key keeps its place).
  template <typename H>
  void insert(const std::string& key, H holder) {
    insert_module(key, std::shared_ptr<Module>(holder));
  }
  void insert_module(const std::string& key, std::shared_ptr<Module> module);
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  bool contains(const std::string& key) const;
  std::vector<std::string> keys() const;
  std::vector<std::shared_ptr<Module>> values() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& items() const { return items_; }
  /// The module under `key`, cast to its implementation type.
  template <typename Impl>
  std::shared_ptr<Impl> at(const std::string& key) const {
    auto p = std::dynamic_pointer_cast<Impl>(get(key));
    EMBER_CHECK_TYPE(p != nullptr, "ModuleDict: module '", key, "' is a ", get(key)->name(),
                     ", not the requested type");
    return p;
  }
  std::shared_ptr<Module> operator[](const std::string& key) const { return get(key); }

 private:
  std::shared_ptr<Module> get(const std::string& key) const;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> items_;
};
EMBER_MODULE(ModuleDict);

// ------------------------------------------------------- MultiheadAttention
struct MultiheadAttentionOptions {
  MultiheadAttentionOptions(int64_t embed_dim, int64_t num_heads) : embed_dim_(embed_dim), num_heads_(num_heads) {}
  EMBER_ARG(int64_t, embed_dim);
  EMBER_ARG(int64_t, num_heads);
  EMBER_ARG(double, dropout) = 0.0;
  EMBER_ARG(bool, bias) = true;
  EMBER_ARG(bool, batch_first) = false;
};
/// Inputs [L, N, E] ([N, L, E] with batch_first, or unbatched [L, E]).
/// Masks as torch: bool (true = not attended) or float (added);
/// attn_mask [L, S] or [N*H, L, S], key_padding_mask [N, S].
class EMBER_API MultiheadAttentionImpl : public Module {
 public:
  MultiheadAttentionImpl(int64_t embed_dim, int64_t num_heads)
      : MultiheadAttentionImpl(MultiheadAttentionOptions(embed_dim, num_heads)) {}
  explicit MultiheadAttentionImpl(const MultiheadAttentionOptions& options);
  /// (attention output, weights averaged over heads [N, L, S], or undefined
  /// when need_weights is false).
  std::tuple<Tensor, Tensor> forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                     const Tensor& key_padding_mask = {}, bool need_weights = true,
                                     const Tensor& attn_mask = {}, bool average_attn_weights = true);
  void reset_parameters();
  MultiheadAttentionOptions options;
  int64_t head_dim;
  Tensor in_proj_weight, in_proj_bias;
  Linear out_proj{nullptr};
};
EMBER_MODULE(MultiheadAttention);

// ------------------------------------------------------- Transformer layers
/// The options of TransformerEncoderLayer and TransformerDecoderLayer (the
/// same fields, as libtorch's two structs).
struct TransformerLayerOptions {
  TransformerLayerOptions(int64_t d_model, int64_t nhead) : d_model_(d_model), nhead_(nhead) {}
  EMBER_ARG(int64_t, d_model);
  EMBER_ARG(int64_t, nhead);
  EMBER_ARG(int64_t, dim_feedforward) = 2048;
  EMBER_ARG(double, dropout) = 0.1;
  /// "relu" or "gelu".
  EMBER_ARG(std::string, activation) = "relu";
  /// A unary callable used instead of `activation` when set (torch's
  /// callable activation).
  EMBER_ARG(std::function<Tensor(const Tensor&)>, activation_fn) = nullptr;
  EMBER_ARG(double, layer_norm_eps) = 1e-5;
  EMBER_ARG(bool, batch_first) = false;
  EMBER_ARG(bool, norm_first) = false;
};
using TransformerEncoderLayerOptions = TransformerLayerOptions;
using TransformerDecoderLayerOptions = TransformerLayerOptions;

/// Self-attention then feed-forward, each added to its input and normalized
/// after (or, with norm_first, normalized before). src [S, N, E] ([N, S, E]
/// with batch_first, or unbatched [S, E]); masks as MultiheadAttention's.
class EMBER_API TransformerEncoderLayerImpl : public Module {
 public:
  TransformerEncoderLayerImpl(int64_t d_model, int64_t nhead)
      : TransformerEncoderLayerImpl(TransformerEncoderLayerOptions(d_model, nhead)) {}
  explicit TransformerEncoderLayerImpl(const TransformerEncoderLayerOptions& options);
  Tensor forward(const Tensor& src, const Tensor& src_mask = {}, const Tensor& src_key_padding_mask = {});
  TransformerEncoderLayerOptions options;
  MultiheadAttention self_attn{nullptr};
  Linear linear1{nullptr};
  Dropout dropout{nullptr};
  Linear linear2{nullptr};
  LayerNorm norm1{nullptr}, norm2{nullptr};
  Dropout dropout1{nullptr}, dropout2{nullptr};
};
EMBER_MODULE(TransformerEncoderLayer);

/// Self-attention over tgt [T, N, E], cross-attention to memory [S, N, E]
/// (the encoder's output), then feed-forward; residual and norm as the
/// encoder layer. tgt_mask [T, T], memory_mask [T, S]; key padding masks
/// [N, T] and [N, S].
class EMBER_API TransformerDecoderLayerImpl : public Module {
 public:
  TransformerDecoderLayerImpl(int64_t d_model, int64_t nhead)
      : TransformerDecoderLayerImpl(TransformerDecoderLayerOptions(d_model, nhead)) {}
  explicit TransformerDecoderLayerImpl(const TransformerDecoderLayerOptions& options);
  Tensor forward(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask = {}, const Tensor& memory_mask = {},
                 const Tensor& tgt_key_padding_mask = {}, const Tensor& memory_key_padding_mask = {});
  TransformerDecoderLayerOptions options;
  MultiheadAttention self_attn{nullptr}, multihead_attn{nullptr};
  Linear linear1{nullptr};
  Dropout dropout{nullptr};
  Linear linear2{nullptr};
  LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
  Dropout dropout1{nullptr}, dropout2{nullptr}, dropout3{nullptr};
};
EMBER_MODULE(TransformerDecoderLayer);

// ------------------------------------------------------- TransformerEncoder
/// num_layers copies of `encoder_layer` (same initial weights, as torch's
/// deepcopy) as layers.0, layers.1, ...; then `norm` when given.
class EMBER_API TransformerEncoderImpl : public Module {
 public:
  TransformerEncoderImpl(const TransformerEncoderLayer& encoder_layer, int64_t num_layers,
                         LayerNorm norm = LayerNorm(nullptr));
  Tensor forward(const Tensor& src, const Tensor& mask = {}, const Tensor& src_key_padding_mask = {});
  int64_t num_layers;
  ModuleList layers{nullptr};
  LayerNorm norm{nullptr};
};
EMBER_MODULE(TransformerEncoder);

/// num_layers copies of `decoder_layer`, as TransformerEncoder.
class EMBER_API TransformerDecoderImpl : public Module {
 public:
  TransformerDecoderImpl(const TransformerDecoderLayer& decoder_layer, int64_t num_layers,
                         LayerNorm norm = LayerNorm(nullptr));
  Tensor forward(const Tensor& tgt, const Tensor& memory, const Tensor& tgt_mask = {}, const Tensor& memory_mask = {},
                 const Tensor& tgt_key_padding_mask = {}, const Tensor& memory_key_padding_mask = {});
  int64_t num_layers;
  ModuleList layers{nullptr};
  LayerNorm norm{nullptr};
};
EMBER_MODULE(TransformerDecoder);

// ------------------------------------------------------- Transformer
struct TransformerOptions {
  TransformerOptions() = default;
  TransformerOptions(int64_t d_model, int64_t nhead) : d_model_(d_model), nhead_(nhead) {}
  TransformerOptions(int64_t d_model, int64_t nhead, int64_t num_encoder_layers, int64_t num_decoder_layers)
      : d_model_(d_model),
        nhead_(nhead),
        num_encoder_layers_(num_encoder_layers),
        num_decoder_layers_(num_decoder_layers) {}
  EMBER_ARG(int64_t, d_model) = 512;
  EMBER_ARG(int64_t, nhead) = 8;
  EMBER_ARG(int64_t, num_encoder_layers) = 6;
  EMBER_ARG(int64_t, num_decoder_layers) = 6;
  EMBER_ARG(int64_t, dim_feedforward) = 2048;
  EMBER_ARG(double, dropout) = 0.1;
  /// "relu" or "gelu"; activation_fn, when set, instead.
  EMBER_ARG(std::string, activation) = "relu";
  EMBER_ARG(std::function<Tensor(const Tensor&)>, activation_fn) = nullptr;
  EMBER_ARG(double, layer_norm_eps) = 1e-5;
  EMBER_ARG(bool, batch_first) = false;
  EMBER_ARG(bool, norm_first) = false;
};
/// The encoder-decoder of "Attention Is All You Need" (torch's
/// nn.Transformer): encoder and decoder stacks, each ending in a LayerNorm;
/// every parameter of 2 or more dims is xavier-uniform initialized. src
/// [S, N, E], tgt [T, N, E] (batch_first: [N, S, E], [N, T, E]) -> [T, N, E].
class EMBER_API TransformerImpl : public Module {
 public:
  explicit TransformerImpl(const TransformerOptions& options = {});
  Tensor forward(const Tensor& src, const Tensor& tgt, const Tensor& src_mask = {}, const Tensor& tgt_mask = {},
                 const Tensor& memory_mask = {}, const Tensor& src_key_padding_mask = {},
                 const Tensor& tgt_key_padding_mask = {}, const Tensor& memory_key_padding_mask = {});
  void reset_parameters();
  /// [sz, sz] float mask: -inf above the diagonal (future positions), 0 elsewhere.
  static Tensor generate_square_subsequent_mask(int64_t sz, const TensorOptions& tensor_options = {});
  TransformerOptions options;
  TransformerEncoder encoder{nullptr};
  TransformerDecoder decoder{nullptr};
};
EMBER_MODULE(Transformer);

// ---------------------------------------------------------------- LSTM, GRU
struct RNNOptions {
  RNNOptions(int64_t input_size, int64_t hidden_size) : input_size_(input_size), hidden_size_(hidden_size) {}
  EMBER_ARG(int64_t, input_size);
  EMBER_ARG(int64_t, hidden_size);
  EMBER_ARG(int64_t, num_layers) = 1;
  EMBER_ARG(bool, bias) = true;
  EMBER_ARG(bool, batch_first) = false;
  /// Dropout on the outputs of every layer but the last, in training.
  EMBER_ARG(double, dropout) = 0.0;
  /// A second direction per layer, running backwards in time; outputs concatenate.
  EMBER_ARG(bool, bidirectional) = false;
  /// RNN only: "tanh" or "relu" (LSTM and GRU ignore it).
  EMBER_ARG(std::string, nonlinearity) = "tanh";
};
using LSTMOptions = RNNOptions;
using GRUOptions = RNNOptions;

/// Shared parameters of LSTM / GRU: weight_ih_l{k} [G*H, in], weight_hh_l{k}
/// [G*H, H], bias_ih_l{k}, bias_hh_l{k} [G*H] (and the same with suffix
/// _reverse when bidirectional), all U(-1/sqrt(H), 1/sqrt(H)). The math is
/// the functional ember::lstm / ember::gru.
class EMBER_API RNNBaseImpl : public Module {
 public:
  RNNBaseImpl(const RNNOptions& options, int64_t gates, const char* name);
  void reset_parameters();
  std::string extra_repr() const override;
  RNNOptions options;
  /// Per (layer, direction): {w_ih, w_hh, b_ih, b_hh} (biases undefined without bias).
  std::vector<std::vector<Tensor>> all_weights;

 protected:
  /// input [L, N, H_in] or unbatched [L, H_in]; the time-major batched form.
  std::pair<Tensor, bool> prepare(const Tensor& input) const;
  Tensor finish(const Tensor& output, bool batched) const;
  /// all_weights flattened as the functional ops take them.
  std::vector<Tensor> flat_weights() const;
  /// A given initial state (unbatched ones get their batch dim), or zeros.
  Tensor initial_state(const Tensor& given, bool batched, int64_t batch, const TensorOptions& like) const;
  int64_t num_directions() const { return options.bidirectional() ? 2 : 1; }
};

/// Gates i, f, g, o. forward -> (output, (h_n, c_n)); states [num_layers * D, N, H].
class EMBER_API LSTMImpl : public RNNBaseImpl {
 public:
  LSTMImpl(int64_t input_size, int64_t hidden_size) : LSTMImpl(LSTMOptions(input_size, hidden_size)) {}
  explicit LSTMImpl(const LSTMOptions& options) : RNNBaseImpl(options, 4, "LSTM") {}
  std::tuple<Tensor, std::tuple<Tensor, Tensor>> forward(
      const Tensor& input, const std::optional<std::tuple<Tensor, Tensor>>& hx = std::nullopt);
};
EMBER_MODULE(LSTM);

/// Gates r, z, n; n = tanh(W_in x + b_in + r * (W_hn h + b_hn)). forward -> (output, h_n).
class EMBER_API GRUImpl : public RNNBaseImpl {
 public:
  GRUImpl(int64_t input_size, int64_t hidden_size) : GRUImpl(GRUOptions(input_size, hidden_size)) {}
  explicit GRUImpl(const GRUOptions& options) : RNNBaseImpl(options, 3, "GRU") {}
  std::tuple<Tensor, Tensor> forward(const Tensor& input, const Tensor& hx = {});
};
EMBER_MODULE(GRU);

/// Elman RNN: h' = tanh or relu of (W_ih x + b_ih + W_hh h + b_hh), the
/// functional ember::rnn_tanh / rnn_relu. forward -> (output, h_n).
class EMBER_API RNNImpl : public RNNBaseImpl {
 public:
  RNNImpl(int64_t input_size, int64_t hidden_size) : RNNImpl(RNNOptions(input_size, hidden_size)) {}
  explicit RNNImpl(const RNNOptions& options);
  std::tuple<Tensor, Tensor> forward(const Tensor& input, const Tensor& hx = {});
};
EMBER_MODULE(RNN);

// ---------------------------------------------------------------- cells
struct RNNCellOptions {
  RNNCellOptions(int64_t input_size, int64_t hidden_size) : input_size_(input_size), hidden_size_(hidden_size) {}
  EMBER_ARG(int64_t, input_size);
  EMBER_ARG(int64_t, hidden_size);
  EMBER_ARG(bool, bias) = true;
  /// RNNCell only: "tanh" or "relu".
  EMBER_ARG(std::string, nonlinearity) = "tanh";
};
using LSTMCellOptions = RNNCellOptions;
using GRUCellOptions = RNNCellOptions;

/// One recurrent step. weight_ih [G*H, in], weight_hh [G*H, H], bias_ih,
/// bias_hh [G*H], all U(-1/sqrt(H), 1/sqrt(H)). input [N, in] or unbatched
/// [in]; states [N, H] or [H], zeros when not given.
class EMBER_API RNNCellBaseImpl : public Module {
 public:
  RNNCellBaseImpl(const RNNCellOptions& options, int64_t gates, const char* name);
  void reset_parameters();
  std::string extra_repr() const override;
  RNNCellOptions options;
  Tensor weight_ih, weight_hh, bias_ih, bias_hh;
};

/// h' = tanh or relu of (W_ih x + b_ih + W_hh h + b_hh).
class EMBER_API RNNCellImpl : public RNNCellBaseImpl {
 public:
  RNNCellImpl(int64_t input_size, int64_t hidden_size) : RNNCellImpl(RNNCellOptions(input_size, hidden_size)) {}
  explicit RNNCellImpl(const RNNCellOptions& options);
  Tensor forward(const Tensor& input, const Tensor& hx = {});
};
EMBER_MODULE(RNNCell);

/// Gates i, f, g, o. forward -> (h', c').
class EMBER_API LSTMCellImpl : public RNNCellBaseImpl {
 public:
  LSTMCellImpl(int64_t input_size, int64_t hidden_size) : LSTMCellImpl(LSTMCellOptions(input_size, hidden_size)) {}
  explicit LSTMCellImpl(const LSTMCellOptions& options) : RNNCellBaseImpl(options, 4, "LSTMCell") {}
  std::tuple<Tensor, Tensor> forward(const Tensor& input,
                                     const std::optional<std::tuple<Tensor, Tensor>>& hx = std::nullopt);
};
EMBER_MODULE(LSTMCell);

/// Gates r, z, n. forward -> h'.
class EMBER_API GRUCellImpl : public RNNCellBaseImpl {
 public:
  GRUCellImpl(int64_t input_size, int64_t hidden_size) : GRUCellImpl(GRUCellOptions(input_size, hidden_size)) {}
  explicit GRUCellImpl(const GRUCellOptions& options) : RNNCellBaseImpl(options, 3, "GRUCell") {}
  Tensor forward(const Tensor& input, const Tensor& hx = {});
};
EMBER_MODULE(GRUCell);

// ---------------------------------------------------------------- 1-D pooling
struct MaxPool1dOptions {
  MaxPool1dOptions(int64_t kernel_size) : kernel_size_(kernel_size) {}  // NOLINT: implicit as libtorch's
  EMBER_ARG(int64_t, kernel_size);
  /// nullopt: kernel_size.
  EMBER_ARG(std::optional<int64_t>, stride) = std::nullopt;
  EMBER_ARG(int64_t, padding) = 0;
  EMBER_ARG(int64_t, dilation) = 1;
  EMBER_ARG(bool, ceil_mode) = false;
};
/// input [N, C, L] or [C, L].
class EMBER_API MaxPool1dImpl : public Module {
 public:
  explicit MaxPool1dImpl(const MaxPool1dOptions& options) : Module("MaxPool1d"), options(options) {}
  explicit MaxPool1dImpl(int64_t k) : MaxPool1dImpl(MaxPool1dOptions(k)) {}
  Tensor forward(const Tensor& input);
  /// (output, indices along L).
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  MaxPool1dOptions options;
};
EMBER_MODULE(MaxPool1d);

struct AvgPool1dOptions {
  AvgPool1dOptions(int64_t kernel_size) : kernel_size_(kernel_size) {}  // NOLINT: implicit as libtorch's
  EMBER_ARG(int64_t, kernel_size);
  EMBER_ARG(std::optional<int64_t>, stride) = std::nullopt;
  EMBER_ARG(int64_t, padding) = 0;
  EMBER_ARG(bool, ceil_mode) = false;
  EMBER_ARG(bool, count_include_pad) = true;
};
class EMBER_API AvgPool1dImpl : public Module {
 public:
  explicit AvgPool1dImpl(const AvgPool1dOptions& options) : Module("AvgPool1d"), options(options) {}
  explicit AvgPool1dImpl(int64_t k) : AvgPool1dImpl(AvgPool1dOptions(k)) {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  AvgPool1dOptions options;
};
EMBER_MODULE(AvgPool1d);

class EMBER_API AdaptiveAvgPool1dImpl : public Module {
 public:
  explicit AdaptiveAvgPool1dImpl(int64_t output_size) : Module("AdaptiveAvgPool1d"), output_size(output_size) {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  int64_t output_size;
};
EMBER_MODULE(AdaptiveAvgPool1d);

/// Adaptive max pooling over [N, C, L] or [C, L] (ember::adaptive_max_pool1d).
class EMBER_API AdaptiveMaxPool1dImpl : public Module {
 public:
  explicit AdaptiveMaxPool1dImpl(int64_t output_size) : Module("AdaptiveMaxPool1d"), output_size(output_size) {}
  Tensor forward(const Tensor& input) { return ember::adaptive_max_pool1d(input, output_size); }
  /// (output, indices): positions along L.
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input) {
    return ember::adaptive_max_pool1d_with_indices(input, output_size);
  }
  std::string extra_repr() const override { return "output_size=" + std::to_string(output_size); }
  int64_t output_size;
};
EMBER_MODULE(AdaptiveMaxPool1d);

/// Adaptive max pooling over [N, C, H, W] or [C, H, W]; output_size one
/// value or (h, w).
class EMBER_API AdaptiveMaxPool2dImpl : public Module {
 public:
  explicit AdaptiveMaxPool2dImpl(std::vector<int64_t> output_size)
      : Module("AdaptiveMaxPool2d"), output_size(Conv2dOptions::expand2(std::move(output_size))) {}
  AdaptiveMaxPool2dImpl(int64_t s) : AdaptiveMaxPool2dImpl(std::vector<int64_t>{s}) {}  // NOLINT: as libtorch's
  Tensor forward(const Tensor& input) { return ember::adaptive_max_pool2d(input, output_size); }
  /// (output, indices): flat positions in each input plane.
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input) {
    return ember::adaptive_max_pool2d_with_indices(input, output_size);
  }
  std::string extra_repr() const override {
    return "output_size=(" + std::to_string(output_size[0]) + ", " + std::to_string(output_size[1]) + ")";
  }
  std::vector<int64_t> output_size;
};
EMBER_MODULE(AdaptiveMaxPool2d);

// ---------------------------------------------------------------- CTCLoss
struct CTCLossOptions {
  EMBER_ARG(int64_t, blank) = 0;
  EMBER_ARG(Reduction, reduction) = Reduction::Mean;
  EMBER_ARG(bool, zero_infinity) = false;
};
/// ember::ctc_loss with the options' blank, reduction and zero_infinity.
class EMBER_API CTCLossImpl : public Module {
 public:
  explicit CTCLossImpl(const CTCLossOptions& options = {}) : Module("CTCLoss"), options(options) {}
  Tensor forward(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths,
                 const Tensor& target_lengths) {
    return ember::ctc_loss(log_probs, targets, input_lengths, target_lengths, options.blank(), options.reduction(),
                           options.zero_infinity());
  }
  Tensor forward(const Tensor& log_probs, const Tensor& targets, IntArrayRef input_lengths,
                 IntArrayRef target_lengths) {
    return ember::ctc_loss(log_probs, targets, input_lengths, target_lengths, options.blank(), options.reduction(),
                           options.zero_infinity());
  }
  CTCLossOptions options;
};
EMBER_MODULE(CTCLoss);

// ---------------------------------------------------------------- Upsample
struct UpsampleOptions {
  /// Output spatial size (one value for every spatial dim, or one each).
  EMBER_ARG(std::optional<std::vector<int64_t>>, size) = std::nullopt;
  EMBER_ARG(std::optional<std::vector<double>>, scale_factor) = std::nullopt;
  /// "nearest", "linear" or "bilinear".
  EMBER_ARG(std::string, mode) = "nearest";
  EMBER_ARG(std::optional<bool>, align_corners) = std::nullopt;
};
/// ember::interpolate as a module; input [N, C, L] or [N, C, H, W].
class EMBER_API UpsampleImpl : public Module {
 public:
  explicit UpsampleImpl(const UpsampleOptions& options = {}) : Module("Upsample"), options(options) {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  UpsampleOptions options;
};
EMBER_MODULE(Upsample);

// ---------------------------------------------------------------- Dropout2d
/// ember::dropout2d in training, identity in eval.
class EMBER_API Dropout2dImpl : public Module {
 public:
  explicit Dropout2dImpl(double p = 0.5);
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;
  double p;
};
EMBER_MODULE(Dropout2d);

}  // namespace nn
}  // namespace ember
