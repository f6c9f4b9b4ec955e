#pragma once

// Neural-network functional ops, ATen-style free functions as libtorch's
// `torch::conv2d(...)`, `torch::cross_entropy_loss(...)`; the math of every
// layer lives here once, and modules (C++ and Python) are thin wrappers.
// Shapes use torch's letters: N batch, C channels, H/W spatial, L length.

#include <optional>
#include <string>

#include "ember/ops.h"

namespace ember {

/// Reduction of a loss over its elements: torch's 'none' | 'mean' | 'sum'.
enum class Reduction { None, Mean, Sum, BatchMean /* kl_div only */ };
/// Parses "none", "mean", "sum" or "batchmean" (ValueError otherwise).
EMBER_API Reduction reduction_from_string(const std::string& s);

// ------------------------------------------------------------ convolution
/// The string form of a convolution's padding, "same" or "valid". Built only
/// from a string literal or a std::string, so that `conv2d(x, w, b, 1, 0)`
/// and `padding = {1, 2}` still pick the integer overload.
struct PaddingMode {
  template <size_t N>
  PaddingMode(const char (&s)[N]) : value(s) {}  // NOLINT: implicit on purpose
  PaddingMode(const std::string& s) : value(s) {}  // NOLINT
  std::string value;
};
/// input [N, C_in, L], weight [C_out, C_in/groups, K] -> [N, C_out, L_out].
EMBER_API Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
                        IntArrayRef stride = 1, IntArrayRef padding = 0, IntArrayRef dilation = 1,
                        int64_t groups = 1);
/// input [N, C_in, H, W], weight [C_out, C_in/groups, kH, kW].
EMBER_API Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
                        IntArrayRef stride = 1, IntArrayRef padding = 0, IntArrayRef dilation = 1,
                        int64_t groups = 1);
/// padding "same" or "valid", as torch's string form.
EMBER_API Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                        const PaddingMode& padding, IntArrayRef dilation = 1, int64_t groups = 1);
EMBER_API Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                        const PaddingMode& padding, IntArrayRef dilation = 1, int64_t groups = 1);
/// input [N, C_in, D, H, W] or unbatched [C_in, D, H, W], weight
/// [C_out, C_in/groups, kD, kH, kW] -> [N, C_out, D_out, H_out, W_out]. stride,
/// padding and dilation: one value or one per spatial dim (d, h, w).
EMBER_API Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
                        IntArrayRef stride = 1, IntArrayRef padding = 0, IntArrayRef dilation = 1, int64_t groups = 1);
EMBER_API Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                        const PaddingMode& padding, IntArrayRef dilation = 1, int64_t groups = 1);
/// weight [C_in, C_out/groups, kH, kW].
EMBER_API Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
                                  IntArrayRef stride = 1, IntArrayRef padding = 0,
                                  IntArrayRef output_padding = 0, int64_t groups = 1, IntArrayRef dilation = 1);

/// input [N, C_in, L] or unbatched [C_in, L], weight [C_in, C_out/groups, K]
/// -> [N, C_out, L_out], L_out = (L - 1) stride - 2 padding + dilation (K - 1)
/// + output_padding + 1: conv_transpose2d with H = 1.
EMBER_API Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor(),
                                  IntArrayRef stride = 1, IntArrayRef padding = 0,
                                  IntArrayRef output_padding = 0, int64_t groups = 1, IntArrayRef dilation = 1);

/// torch's F.unfold: the sliding blocks of input [N, C, H, W] (or [C, H, W])
/// as columns, [N, C kh kw, L] (L blocks); `unfold` already names
/// Tensor.unfold, so the C++ name is aten's.
EMBER_API Tensor im2col(const Tensor& input, IntArrayRef kernel_size, IntArrayRef dilation = 1,
                        IntArrayRef padding = 0, IntArrayRef stride = 1);
/// torch's F.fold, im2col's adjoint: columns [N, C kh kw, L] (or [C kh kw, L])
/// summed back into [N, C, output_size].
EMBER_API Tensor col2im(const Tensor& input, IntArrayRef output_size, IntArrayRef kernel_size,
                        IntArrayRef dilation = 1, IntArrayRef padding = 0, IntArrayRef stride = 1);

// ---------------------------------------------------------------- pooling
EMBER_API Tensor max_pool2d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride = {},
                            IntArrayRef padding = 0, IntArrayRef dilation = 1, bool ceil_mode = false);
/// (output, indices): indices are flat positions in each input plane.
EMBER_API std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, IntArrayRef kernel_size,
                                                             IntArrayRef stride = {}, IntArrayRef padding = 0,
                                                             IntArrayRef dilation = 1, bool ceil_mode = false);
EMBER_API Tensor avg_pool2d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride = {},
                            IntArrayRef padding = 0, bool ceil_mode = false, bool count_include_pad = true,
                            std::optional<int64_t> divisor_override = std::nullopt);
EMBER_API Tensor adaptive_avg_pool2d(const Tensor& input, IntArrayRef output_size);
/// 1-D pooling over input [N, C, L] or unbatched [C, L]: the 2-D ops with
/// H = 1. kernel_size, stride (empty: kernel_size), padding and dilation
/// are single values; max_pool1d's indices are positions along L.
EMBER_API Tensor max_pool1d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride = {},
                            IntArrayRef padding = 0, IntArrayRef dilation = 1, bool ceil_mode = false);
EMBER_API std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, IntArrayRef kernel_size,
                                                             IntArrayRef stride = {}, IntArrayRef padding = 0,
                                                             IntArrayRef dilation = 1, bool ceil_mode = false);
EMBER_API Tensor avg_pool1d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride = {},
                            IntArrayRef padding = 0, bool ceil_mode = false, bool count_include_pad = true);
EMBER_API Tensor adaptive_avg_pool1d(const Tensor& input, IntArrayRef output_size);

/// 3-D pooling over input [N, C, D, H, W] or unbatched [C, D, H, W].
/// kernel_size, stride (empty: kernel_size), padding and dilation: one value
/// or three (d, h, w). max_pool3d's indices are flat positions in each
/// input volume (d H W + h W + w), as torch.
EMBER_API Tensor max_pool3d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride = {},
                            IntArrayRef padding = 0, IntArrayRef dilation = 1, bool ceil_mode = false);
EMBER_API std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& input, IntArrayRef kernel_size,
                                                             IntArrayRef stride = {}, IntArrayRef padding = 0,
                                                             IntArrayRef dilation = 1, bool ceil_mode = false);
EMBER_API Tensor avg_pool3d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride = {},
                            IntArrayRef padding = 0, bool ceil_mode = false, bool count_include_pad = true,
                            std::optional<int64_t> divisor_override = std::nullopt);
/// output_size: one value or three (d, h, w). Output d reads input slices
/// [floor(d D / oD), ceil((d + 1) D / oD)), and so on, as torch.
EMBER_API Tensor adaptive_avg_pool3d(const Tensor& input, IntArrayRef output_size);
EMBER_API Tensor adaptive_max_pool3d(const Tensor& input, IntArrayRef output_size);
/// (output, indices): flat positions in each input volume.
EMBER_API std::tuple<Tensor, Tensor> adaptive_max_pool3d_with_indices(const Tensor& input, IntArrayRef output_size);
/// Adaptive max pooling over input [N, C, H, W] or [C, H, W] (output_size:
/// one value or two), and over [N, C, L] or [C, L] (one value). Windows as
/// adaptive_avg_pool's; indices are flat positions in each input plane
/// (h W + w), or positions along L, as torch.
EMBER_API Tensor adaptive_max_pool2d(const Tensor& input, IntArrayRef output_size);
EMBER_API std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input, IntArrayRef output_size);
EMBER_API Tensor adaptive_max_pool1d(const Tensor& input, IntArrayRef output_size);
EMBER_API std::tuple<Tensor, Tensor> adaptive_max_pool1d_with_indices(const Tensor& input, IntArrayRef output_size);

// ---------------------------------------------------------- normalization
/// Training: normalizes with batch statistics and updates running_mean /
/// running_var in place (unbiased variance, as torch); eval: uses them.
EMBER_API Tensor batch_norm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                            const Tensor& weight = Tensor(), const Tensor& bias = Tensor(), bool training = false,
                            double momentum = 0.1, double eps = 1e-5);
/// Normalizes each (sample, channel) plane of input [N, C, *] over its
/// spatial dims (use_input_stats), or with running_mean / running_var [C].
/// Running stats, when given and use_input_stats, move by momentum towards
/// the mean over N of the per-instance statistics (unbiased variance), in
/// place, as torch.
EMBER_API Tensor instance_norm(const Tensor& input, const Tensor& running_mean = Tensor(),
                               const Tensor& running_var = Tensor(), const Tensor& weight = Tensor(),
                               const Tensor& bias = Tensor(), bool use_input_stats = true, double momentum = 0.1,
                               double eps = 1e-5);
EMBER_API Tensor layer_norm(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight = Tensor(),
                            const Tensor& bias = Tensor(), double eps = 1e-5);
EMBER_API Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight = Tensor(),
                            const Tensor& bias = Tensor(), double eps = 1e-5);
/// eps: nullopt uses the dtype's machine epsilon, as torch.
EMBER_API Tensor rms_norm(const Tensor& input, IntArrayRef normalized_shape, const Tensor& weight = Tensor(),
                          std::optional<double> eps = std::nullopt);

// ------------------------------------------------------------------ misc
EMBER_API Tensor dropout(const Tensor& input, double p = 0.5, bool training = true);
/// Channel dropout (torch's feature_dropout): one Bernoulli(1 - p) per
/// (N, C) of input [N, C, ...] zeroes or keeps the whole channel, kept ones
/// scaled by 1/(1 - p); identity when not training. As torch 1.13, 3-D
/// input is read as [N, C, L].
EMBER_API Tensor dropout2d(const Tensor& input, double p = 0.5, bool training = true);
/// weight [num_embeddings, embedding_dim]; padding_idx rows get no gradient.
EMBER_API Tensor embedding(const Tensor& input, const Tensor& weight,
                           std::optional<int64_t> padding_idx = std::nullopt);
/// Sums, means or maxes of bags of weight rows (torch's embedding_bag). input
/// is 1-D indices with 1-D offsets (bag b starts at offsets[b]; with
/// include_last_offset the last offset ends the last bag), or 2-D [B, N]
/// (each row one bag, offsets undefined). mode "sum", "mean" or "max";
/// per_sample_weights (input's shape, weight's dtype) scales rows, "sum" only.
/// Entries equal to padding_idx are left out of their bag (and of the mean's
/// count); empty bags give zeros. Returns [B, embedding_dim].
EMBER_API Tensor embedding_bag(const Tensor& input, const Tensor& weight, const Tensor& offsets = Tensor(),
                               const std::string& mode = "mean", const Tensor& per_sample_weights = Tensor(),
                               bool include_last_offset = false,
                               std::optional<int64_t> padding_idx = std::nullopt);
/// pad: (left, right, top, bottom, ...) from the last dim backwards;
/// mode "constant", "reflect", "replicate" or "circular".
EMBER_API Tensor pad(const Tensor& input, IntArrayRef pad, const std::string& mode = "constant",
                     double value = 0);
/// mode "nearest" or "bilinear" (align_corners as torch).
EMBER_API Tensor interpolate(const Tensor& input, std::optional<std::vector<int64_t>> size,
                             std::optional<std::vector<double>> scale_factor = std::nullopt,
                             const std::string& mode = "nearest", std::optional<bool> align_corners = std::nullopt);
/// The sampling grid of a batch of affine maps (torch's affine_grid): theta
/// [N, 2, 3] with size [N, C, H, W] gives grid [N, H, W, 2]; theta [N, 3, 4]
/// with size [N, C, D, H, W] gives [N, D, H, W, 3]. Each point is theta
/// times (x, y[, z], 1), x, y, z spanning [-1, 1] (to the corner pixels'
/// centres with align_corners, their outer edges without). Differentiable
/// in theta.
EMBER_API Tensor affine_grid(const Tensor& theta, IntArrayRef size, bool align_corners = false);
/// Samples input [N, C, H_in, W_in] at grid [N, H_out, W_out, 2] ((x, y) in
/// [-1, 1] across the input's width and height) into [N, C, H_out, W_out],
/// as torch's grid_sample: mode "bilinear", "nearest" (round half to even)
/// or "bicubic"; padding_mode "zeros", "border" or "reflection" for points
/// outside. Volumetric: input [N, C, D_in, H_in, W_in], grid [N, D_out,
/// H_out, W_out, 3] ((x, y, z)), bilinear (trilinear) or nearest (round
/// half away from zero, as torch's 3-D). float32 / float64; gradients for
/// input and grid (nearest: 0 for grid), not differentiable twice.
EMBER_API Tensor grid_sample(const Tensor& input, const Tensor& grid, const std::string& mode = "bilinear",
                             const std::string& padding_mode = "zeros", bool align_corners = false);
/// q [..., L, E], k [..., S, E], v [..., S, Ev] -> [..., L, Ev]. attn_mask:
/// bool (true = attend) or float (added). Dropout uses the default generator.
EMBER_API Tensor scaled_dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                                              const Tensor& attn_mask = Tensor(), double dropout_p = 0.0,
                                              bool is_causal = false, std::optional<double> scale = std::nullopt);
// --------------------------------------------------------- recurrent
/// Multi-layer LSTM over time-major input [T, N, H_in] (torch.lstm): gates
/// i, f, g, o. params per (layer, direction), directions innermost:
/// w_ih [4H, in], w_hh [4H, H] and, with has_biases, b_ih, b_hh [4H]. h0, c0:
/// [num_layers * D, N, H] (D = 2 when bidirectional). Dropout on the
/// outputs of every layer but the last when train. Returns output
/// [T, N, D * H] (the reverse direction's half second), h_n and c_n.
EMBER_API std::tuple<Tensor, Tensor, Tensor> lstm(const Tensor& input, const Tensor& h0, const Tensor& c0,
                                                  const std::vector<Tensor>& params, bool has_biases,
                                                  int64_t num_layers, double dropout, bool train, bool bidirectional);
/// The GRU counterpart: gates r, z, n with n = tanh(W_in x + b_in + r (W_hn h
/// + b_hn)); params [3H, ...]. Returns output and h_n.
EMBER_API std::tuple<Tensor, Tensor> gru(const Tensor& input, const Tensor& h0, const std::vector<Tensor>& params,
                                         bool has_biases, int64_t num_layers, double dropout, bool train,
                                         bool bidirectional);
/// The Elman RNN counterparts (torch.rnn_tanh / rnn_relu): h' = tanh or
/// relu of (W_ih x + b_ih + W_hh h + b_hh); params [H, ...]. Returns output
/// and h_n.
EMBER_API std::tuple<Tensor, Tensor> rnn_tanh(const Tensor& input, const Tensor& h0,
                                              const std::vector<Tensor>& params, bool has_biases, int64_t num_layers,
                                              double dropout, bool train, bool bidirectional);
EMBER_API std::tuple<Tensor, Tensor> rnn_relu(const Tensor& input, const Tensor& h0,
                                              const std::vector<Tensor>& params, bool has_biases, int64_t num_layers,
                                              double dropout, bool train, bool bidirectional);
/// Packed-sequence forms (torch.lstm(data, batch_sizes, hx, ...), what the
/// modules run on a PackedSequence; named apart so &lstm stays one function). data [sum(batch_sizes), H_in] holds
/// time step t's batch_sizes[t] rows after step t - 1's; batch_sizes (1-D
/// int64, on the CPU) is non-increasing, the sequences sorted longest first,
/// so step t advances the first batch_sizes[t] of them. States: [num_layers *
/// D, batch_sizes[0], H]; h_n holds each sequence's state after its own last
/// step (the reverse direction's after its first). Returns the output packed
/// the same way, [sum(batch_sizes), D * H], and the final states.
EMBER_API std::tuple<Tensor, Tensor, Tensor> lstm_packed(const Tensor& data, const Tensor& batch_sizes,
                                                  const std::vector<Tensor>& hx, const std::vector<Tensor>& params,
                                                  bool has_biases, int64_t num_layers, double dropout, bool train,
                                                  bool bidirectional);
EMBER_API std::tuple<Tensor, Tensor> gru_packed(const Tensor& data, const Tensor& batch_sizes, const Tensor& hx,
                                         const std::vector<Tensor>& params, bool has_biases, int64_t num_layers,
                                         double dropout, bool train, bool bidirectional);
EMBER_API std::tuple<Tensor, Tensor> rnn_tanh_packed(const Tensor& data, const Tensor& batch_sizes, const Tensor& hx,
                                              const std::vector<Tensor>& params, bool has_biases, int64_t num_layers,
                                              double dropout, bool train, bool bidirectional);
EMBER_API std::tuple<Tensor, Tensor> rnn_relu_packed(const Tensor& data, const Tensor& batch_sizes, const Tensor& hx,
                                              const std::vector<Tensor>& params, bool has_biases, int64_t num_layers,
                                              double dropout, bool train, bool bidirectional);
/// Single recurrent steps (torch.lstm_cell, gru_cell, rnn_tanh_cell,
/// rnn_relu_cell), the same math the multi-layer ops step with. input
/// [N, in] or unbatched [in]; states [N, H] or [H] (undefined: zeros);
/// w_ih [G H, in], w_hh [G H, H], biases [G H] or undefined (G = 4, 3, 1).
/// lstm_cell returns (h', c').
EMBER_API std::tuple<Tensor, Tensor> lstm_cell(const Tensor& input, const Tensor& hx, const Tensor& cx,
                                               const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih = Tensor(),
                                               const Tensor& b_hh = Tensor());
EMBER_API Tensor gru_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh,
                          const Tensor& b_ih = Tensor(), const Tensor& b_hh = Tensor());
EMBER_API Tensor rnn_tanh_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh,
                               const Tensor& b_ih = Tensor(), const Tensor& b_hh = Tensor());
EMBER_API Tensor rnn_relu_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh,
                               const Tensor& b_ih = Tensor(), const Tensor& b_hh = Tensor());
EMBER_API Tensor leaky_relu(const Tensor& input, double negative_slope = 0.01);
EMBER_API Tensor elu(const Tensor& input, double alpha = 1.0);
/// clamp to [min_val, max_val]; the gradient is 1 strictly inside, 0 at and
/// beyond the bounds (torch's, unlike clamp's).
EMBER_API Tensor hardtanh(const Tensor& input, double min_val = -1.0, double max_val = 1.0);
/// hardtanh(input, 0, 6).
EMBER_API Tensor relu6(const Tensor& input);
/// log(sigmoid(x)) = -softplus(-x), computed stably.
EMBER_API Tensor logsigmoid(const Tensor& input);
/// scale * elu(x, alpha) with torch's constants (alpha 1.6733, scale 1.0507).
EMBER_API Tensor selu(const Tensor& input);
/// max(0, x) + min(0, alpha * (exp(x / alpha) - 1)); alpha != 0.
EMBER_API Tensor celu(const Tensor& input, double alpha = 1.0);
/// x * tanh(softplus(x)).
EMBER_API Tensor mish(const Tensor& input);
/// x * relu6(x + 3) / 6.
EMBER_API Tensor hardswish(const Tensor& input);
/// relu6(x + 3) / 6.
EMBER_API Tensor hardsigmoid(const Tensor& input);
/// Splits input in halves a, b along dim (its size must be even): a * sigmoid(b).
EMBER_API Tensor glu(const Tensor& input, int64_t dim = -1);
/// x if x > 0 else weight * x. weight holds 1 value, or one per channel
/// (input's dim 1, broadcast over the dims after it).
EMBER_API Tensor prelu(const Tensor& input, const Tensor& weight);
/// x / (1 + |x|).
EMBER_API Tensor softsign(const Tensor& input);
/// softmax(-x, dim).
EMBER_API Tensor softmin(const Tensor& input, int64_t dim);
/// x if x > threshold else value.
EMBER_API Tensor threshold(const Tensor& input, double threshold, double value);

// ---------------------------------------------------------------- losses
/// input [N, C] or [N, C, d1...] logits; target class indices [N, d1...]
/// (int64) or class probabilities with input's shape.
EMBER_API Tensor cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = Tensor(),
                               Reduction reduction = Reduction::Mean, int64_t ignore_index = -100,
                               double label_smoothing = 0.0);
EMBER_API Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight = Tensor(),
                          Reduction reduction = Reduction::Mean, int64_t ignore_index = -100);
EMBER_API Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
EMBER_API Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
EMBER_API Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                                double beta = 1.0);
EMBER_API Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                            double delta = 1.0);
EMBER_API Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = Tensor(),
                                      Reduction reduction = Reduction::Mean);
EMBER_API Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                                  const Tensor& weight = Tensor(),
                                                  Reduction reduction = Reduction::Mean,
                                                  const Tensor& pos_weight = Tensor());
/// input holds log-probabilities; log_target: target holds them too.
EMBER_API Tensor kl_div(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                        bool log_target = false);
/// Connectionist Temporal Classification loss, as torch's. log_probs
/// [T, N, C] (or unbatched [T, C]) float32/float64 log-probabilities;
/// targets padded [N, S] or 1-D, all samples' labels concatenated;
/// input_lengths and target_lengths one per sample. Reduction::Mean divides
/// each loss by its target length (at least 1), then averages over N. A
/// target that cannot be aligned (input too short) gives inf, or 0 (and a
/// zero gradient) with zero_infinity. Only log_probs gets a gradient; it is
/// torch's, right when log_probs come from log_softmax (see Note [CTC
/// gradient] in src/nn/functional_ctc.cpp).
EMBER_API Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, IntArrayRef input_lengths,
                          IntArrayRef target_lengths, int64_t blank = 0, Reduction reduction = Reduction::Mean,
                          bool zero_infinity = false);
/// The lengths as integer tensors ([N], or 0-d when unbatched).
EMBER_API Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths,
                          const Tensor& target_lengths, int64_t blank = 0, Reduction reduction = Reduction::Mean,
                          bool zero_infinity = false);

}  // namespace ember
