// dropout, embedding, embedding_bag, pad, interpolate, scaled_dot_product_attention and
// the activations (leaky_relu, elu, hardtanh, selu, glu, prelu, ...):
// compositions of ember ops (embedding has its own backward so that
// padding_idx rows get no gradient).
#include <cmath>
#include <limits>
#include <vector>

#include "nn/nn_internal.h"
#include "ops/ops_common.h"

namespace ember {

Tensor dropout(const Tensor& input, double p, bool training) {
  detail::check_defined(input, "dropout");
  EMBER_CHECK_VALUE(p >= 0 && p <= 1, "dropout: probability has to be between 0 and 1, but got ", p);
  if (!training || p == 0) return input;
  if (p == 1) return input * zeros_like(input);
  // mask ~ Bernoulli(1 - p) from the default generator, scaled by 1/(1 - p)
  Tensor mask = empty_like(input);
  mask.bernoulli_(1 - p);
  return input * mask.mul_(1.0 / (1 - p));
}

// One Bernoulli per (N, C): the mask is [N, C, 1, ...] and broadcasts over
// the feature dims (torch's feature_dropout).
Tensor dropout2d(const Tensor& input, double p, bool training) {
  detail::check_defined(input, "dropout2d");
  EMBER_CHECK_VALUE(p >= 0 && p <= 1, "dropout2d: probability has to be between 0 and 1, but got ", p);
  EMBER_CHECK(input.dim() >= 2, "dropout2d: feature dropout requires at least 2 dimensions [N, C, ...] in the "
              "input, got shape ", input.sizes());
  if (!training || p == 0) return input;
  if (p == 1) return input * zeros_like(input);
  std::vector<int64_t> shape(size_t(input.dim()), 1);
  shape[0] = input.size(0), shape[1] = input.size(1);
  Tensor mask = empty(shape, input.options());
  mask.bernoulli_(1 - p);
  return input * mask.mul_(1.0 / (1 - p));
}

// ------------------------------------------------------------ embedding
Tensor embedding(const Tensor& input, const Tensor& weight, std::optional<int64_t> padding_idx) {
  const char* op = "embedding";
  detail::check_defined(input, op);
  detail::check_defined(weight, op);
  EMBER_CHECK_TYPE(input.dtype() == kInt64 || input.dtype() == kInt32, op,
                   ": expected indices of dtype int64 or int32, got ", input.dtype(), " (shape ", input.sizes(), ")");
  EMBER_CHECK(weight.dim() == 2, op, ": expected 2-D weight [num_embeddings, embedding_dim], got shape ",
              weight.sizes());
  const int64_t num = weight.size(0), D = weight.size(1);
  int64_t pad = -1;
  if (padding_idx) {
    EMBER_CHECK(*padding_idx < num && *padding_idx >= -num, op, ": padding_idx ", *padding_idx,
                " must be within num_embeddings ", num);
    pad = *padding_idx < 0 ? *padding_idx + num : *padding_idx;
  }
  Tensor idx = input.reshape({-1}).to(kInt64);
  Shape out_shape(input.sizes());
  out_shape.push_back(D);
  Tensor out = index_select(weight.detach(), 0, idx).reshape(out_shape);
  // grad_weight = index_add of grad rows (zeroed at padding_idx)
  return autograd::record(op, {weight}, out, [idx, pad, num, D](const Tensor& grad) {
    Tensor g = grad.reshape({-1, D});
    if (pad >= 0) g = g * ne(idx, pad).unsqueeze(1).to(g.dtype());
    return tensor_list{ember::index_add(zeros({num, D}, grad.options()), 0, idx, g)};
  });
}

// -------------------------------------------------------- embedding_bag
// A composition: the offsets and indices are read on the host (they are
// checked there anyway), which gives each kept entry its row, its bag and its
// slot in the bag. "sum"/"mean" index_add the selected rows into their bags;
// "max" gathers the rows into a dense [B, longest bag, D] block padded with
// -inf and takes max over the bag dim (its gradient goes to the arg max, as
// torch's). Autograd comes from the ops used.
Tensor embedding_bag(const Tensor& input, const Tensor& weight, const Tensor& offsets, const std::string& mode,
                     const Tensor& per_sample_weights, bool include_last_offset, std::optional<int64_t> padding_idx) {
  const char* op = "embedding_bag";
  detail::check_defined(input, op);
  detail::check_defined(weight, op);
  EMBER_CHECK_TYPE(input.dtype() == kInt64 || input.dtype() == kInt32, op,
                   ": expected indices of dtype int64 or int32, got ", input.dtype(), " (shape ", input.sizes(), ")");
  EMBER_CHECK(weight.dim() == 2, op, ": expected 2-D weight [num_embeddings, embedding_dim], got shape ",
              weight.sizes());
  EMBER_CHECK_TYPE(weight.is_floating_point(), op, ": expected a floating point weight, got ", weight.dtype());
  EMBER_CHECK_VALUE(mode == "sum" || mode == "mean" || mode == "max", op,
                    ": mode has to be one of sum, mean or max, got '", mode, "'");
  const int64_t num = weight.size(0), D = weight.size(1);
  int64_t pad = -1;
  if (padding_idx) {
    EMBER_CHECK(*padding_idx < num && *padding_idx >= -num, op, ": padding_idx ", *padding_idx,
                " must be within num_embeddings ", num);
    pad = *padding_idx < 0 ? *padding_idx + num : *padding_idx;
  }
  const Tensor flat = input.reshape({-1}).to(kInt64).cpu().contiguous();
  const int64_t L = flat.numel();
  const int64_t* ip = flat.data_ptr<int64_t>();
  std::vector<int64_t> off;
  if (input.dim() == 2) {
    EMBER_CHECK_VALUE(!offsets.defined(), op, ": if input is 2-D, offsets has to be None (each row of input is ",
                      "one bag), but got offsets of shape ", offsets.sizes());
    for (int64_t b = 0; b < input.size(0); ++b) off.push_back(b * input.size(1));
  } else {
    EMBER_CHECK_VALUE(input.dim() == 1, op, ": input has to be a 1-D or 2-D tensor, got shape ", input.sizes());
    EMBER_CHECK_VALUE(offsets.defined(), op, ": offsets has to be a 1-D tensor when input is 1-D, but got None");
    EMBER_CHECK_VALUE(offsets.dim() == 1, op, ": offsets has to be a 1-D tensor, got shape ", offsets.sizes());
    EMBER_CHECK_TYPE(offsets.dtype() == kInt64 || offsets.dtype() == kInt32, op,
                     ": expected offsets of dtype int64 or int32, got ", offsets.dtype());
    const Tensor o = offsets.to(kInt64).cpu().contiguous();
    off.assign(o.data_ptr<int64_t>(), o.data_ptr<int64_t>() + o.numel());
  }
  if (include_last_offset)
    EMBER_CHECK_VALUE(!off.empty(), op, ": include_last_offset=True needs at least one offset (the end of the last bag)");
  if (!off.empty())
    EMBER_CHECK(off[0] == 0, op, ": offsets[0] has to be 0, i.e. the first bag has to start at position 0, but got ",
                off[0]);
  for (size_t i = 1; i < off.size(); ++i)
    EMBER_CHECK(off[i] >= off[i - 1], op, ": offsets have to be non-decreasing, but offsets[", i, "] = ", off[i],
                " < offsets[", i - 1, "] = ", off[i - 1]);
  if (!off.empty())
    EMBER_CHECK(off.back() <= L, op, ": offsets[-1] can not be greater than input's length ", L, ", but got ",
                off.back());
  for (int64_t j = 0; j < L; ++j)
    EMBER_CHECK_INDEX(ip[j] >= 0 && ip[j] < num, op, ": index ", ip[j], " (at position ", j,
                      " of input) is out of range for weight with ", num, " rows");
  if (per_sample_weights.defined()) {
    EMBER_CHECK_T(NotImplementedError, mode == "sum", op, ": per_sample_weights is only supported for mode='sum', ",
                  "got mode='", mode, "'");
    EMBER_CHECK_VALUE(per_sample_weights.sizes() == input.sizes(), op, ": per_sample_weights (shape ",
                      per_sample_weights.sizes(), ") must have the same shape as input (shape ", input.sizes(), ")");
    EMBER_CHECK_TYPE(per_sample_weights.dtype() == weight.dtype(), op, ": per_sample_weights has dtype ",
                     per_sample_weights.dtype(), " but weight has dtype ", weight.dtype());
  }
  const int64_t B = include_last_offset ? int64_t(off.size()) - 1 : int64_t(off.size());
  // the kept entries: position in input, weight row, bag, slot within the bag
  std::vector<int64_t> pos, row, bag, slot;
  std::vector<double> count(size_t(B), 0.0);
  int64_t longest = 0;
  for (int64_t b = 0; b < B; ++b) {
    const int64_t end = size_t(b + 1) < off.size() ? off[size_t(b + 1)] : L;
    int64_t k = 0;
    for (int64_t j = off[size_t(b)]; j < end; ++j) {
      if (ip[j] == pad) continue;
      pos.push_back(j), row.push_back(ip[j]), bag.push_back(b), slot.push_back(k++);
    }
    count[size_t(b)] = double(k);
    longest = std::max(longest, k);
  }
  const Device dev = weight.device();
  const Tensor row_t = tensor(row).to(dev), bag_t = tensor(bag).to(dev);
  Tensor rows = index_select(weight, 0, row_t);  // [V, D]
  const Tensor zero = zeros({B, D}, weight.options());
  if (mode == "max") {
    if (longest == 0) return index_add(zero, 0, bag_t, rows);  // all bags empty: zeros (still tied to weight)
    const int64_t V = int64_t(row.size());
    std::vector<int64_t> dense(size_t(B * longest), V);  // V: the -inf row
    for (int64_t v = 0; v < V; ++v) dense[size_t(bag[size_t(v)] * longest + slot[size_t(v)])] = v;
    Tensor ext = cat({rows, full({1, D}, -std::numeric_limits<double>::infinity(), weight.options())}, 0);
    Tensor block = index_select(ext, 0, tensor(dense).to(dev)).reshape({B, longest, D});
    Tensor m = std::get<0>(max(block, 1));
    Tensor nonempty = ne(tensor(count).to(dev), 0).unsqueeze(1);
    return where(nonempty, m, 0.0);
  }
  if (per_sample_weights.defined())
    rows = rows * index_select(per_sample_weights.reshape({-1}), 0, tensor(pos).to(dev)).unsqueeze(1);
  Tensor out = index_add(zero, 0, bag_t, rows);
  if (mode == "mean") {
    for (double& c : count) c = std::max(c, 1.0);
    out = out / tensor(count).to(weight.dtype()).to(dev).unsqueeze(1);
  }
  return out;
}

// ------------------------------------------------------------------ pad
namespace {
// Source positions of output positions -l .. n + r - 1 for one dim.
Tensor pad_index(const std::string& mode, int64_t n, int64_t l, int64_t r) {
  std::vector<int64_t> v;
  for (int64_t j = -l; j < n + r; ++j) {
    int64_t p = j;
    if (mode == "reflect") {
      if (p < 0) p = -p;
      if (p >= n) p = 2 * (n - 1) - p;
    } else if (mode == "replicate") {
      p = std::min(std::max<int64_t>(p, 0), n - 1);
    } else {  // circular
      p = ((p % n) + n) % n;
    }
    v.push_back(p);
  }
  return tensor(v);
}
}  // namespace

Tensor pad(const Tensor& input, IntArrayRef pad, const std::string& mode, double value) {
  const char* op = "pad";
  detail::check_defined(input, op);
  const int64_t nd = input.dim(), npairs = pad.size() / 2;
  EMBER_CHECK(pad.size() % 2 == 0, op, ": padding length must be divisible by 2, got ", pad.size(), " (", pad, ")");
  EMBER_CHECK(npairs <= nd, op, ": padding length ", pad.size(), " is too large for an input of ", nd, " dims (shape ",
              input.sizes(), ")");
  const bool constant = mode == "constant";
  EMBER_CHECK_VALUE(constant || mode == "reflect" || mode == "replicate" || mode == "circular", op,
                    ": unrecognised padding mode '", mode, "' (expected constant, reflect, replicate or circular)");
  EMBER_CHECK_VALUE(constant || value == 0, op, ": padding mode '", mode, "' doesn't take in value argument (got ",
                    value, ")");
  Tensor x = input;
  for (int64_t j = 0; j < npairs; ++j) {
    const int64_t d = nd - 1 - j, l = pad[2 * j], r = pad[2 * j + 1], n = input.size(d);
    EMBER_CHECK(n + l + r >= 0 && (n + l + r > 0 || constant), op, ": the input size ", n, ", plus negative padding ",
                l, " and ", r, " resulted in an invalid output size ", n + l + r, " at dim ", d, " of input ",
                input.sizes());
    if (constant) {
      if (l < 0) x = x.narrow(d, -l, x.size(d) + l);
      if (r < 0) x = x.narrow(d, 0, x.size(d) + r);
      if (l > 0 || r > 0) {
        tensor_list parts;
        Shape s(x.sizes());
        if (l > 0) {
          s[d] = l;
          parts.push_back(full(s, value, x.options()));
        }
        parts.push_back(x);
        if (r > 0) {
          s[d] = r;
          parts.push_back(full(s, value, x.options()));
        }
        x = cat(parts, d);
      }
      continue;
    }
    if (mode == "reflect")
      EMBER_CHECK(l < n && r < n, op,
                  ": padding size should be less than the corresponding input dimension, "
                  "but got padding (",
                  l, ", ", r, ") at dim ", d, " of input ", input.sizes());
    if (mode == "circular")
      EMBER_CHECK(l <= n && r <= n, op, ": padding value causes wrapping around more than once (padding (", l, ", ", r,
                  ") at dim ", d, " of input ", input.sizes(), ")");
    EMBER_CHECK(n > 0, op, ": cannot pad an empty dim ", d, " of input ", input.sizes(), " in mode '", mode, "'");
    x = index_select(x, d, pad_index(mode, n, l, r).to(x.device()));
  }
  return x;
}

// ----------------------------------------------------------- interpolate
namespace {
// [o, in] linear interpolation matrix with torch's source index rule.
Tensor linear_matrix(int64_t o, int64_t in, bool align_corners, std::optional<double> sf, const Tensor& like) {
  double scale;
  if (align_corners)
    scale = o > 1 ? double(in - 1) / double(o - 1) : 0.0;
  else
    scale = sf ? 1.0 / *sf : double(in) / double(o);
  std::vector<double> m(o * in, 0.0);
  for (int64_t i = 0; i < o; ++i) {
    double src = align_corners ? scale * i : scale * (i + 0.5) - 0.5;
    if (!align_corners && src < 0) src = 0;
    const int64_t i0 = std::min<int64_t>(int64_t(src), in - 1);
    const int64_t i1 = i0 + (i0 < in - 1 ? 1 : 0);
    const double l1 = std::min(src - double(i0), 1.0), l0 = 1.0 - l1;
    m[i * in + i0] += l0;
    m[i * in + i1] += l1;
  }
  return tensor(m, TensorOptions().dtype(kFloat64)).to(like.device(), like.dtype()).reshape({o, in});
}
// Nearest source index: floor(dst * scale) in float, as torch's kernel.
Tensor nearest_index(int64_t o, int64_t in, std::optional<double> sf) {
  const float scale = sf ? float(1.0 / *sf) : float(in) / float(o);
  std::vector<int64_t> v(o);
  for (int64_t i = 0; i < o; ++i) v[i] = std::min<int64_t>(int64_t(std::floor(float(i) * scale)), in - 1);
  return tensor(v);
}
}  // namespace

Tensor interpolate(const Tensor& input, std::optional<std::vector<int64_t>> size,
                   std::optional<std::vector<double>> scale_factor, const std::string& mode,
                   std::optional<bool> align_corners) {
  const char* op = "interpolate";
  detail::check_defined(input, op);
  const bool nearest = mode == "nearest";
  EMBER_CHECK_VALUE(nearest || mode == "linear" || mode == "bilinear", op, ": unsupported mode '", mode,
                    "' (expected nearest, linear or bilinear)");
  EMBER_CHECK_VALUE(!(nearest && align_corners), op,
                    ": align_corners option can only be set with the interpolating modes: linear | bilinear");
  const int64_t sp = input.dim() - 2;
  EMBER_CHECK_VALUE(sp == 1 || sp == 2, op, ": expected 3-D [N, C, L] or 4-D [N, C, H, W] input, got shape ",
                    input.sizes());
  EMBER_CHECK_VALUE(!(mode == "bilinear" && sp != 2), op, ": got ", input.dim(),
                    "-D input, but bilinear mode needs 4-D input");
  EMBER_CHECK_VALUE(!(mode == "linear" && sp != 1), op, ": got ", input.dim(),
                    "-D input, but linear mode needs 3-D input");
  EMBER_CHECK_VALUE(size.has_value() != scale_factor.has_value(), op,
                    size ? ": only one of size or scale_factor should be defined"
                         : ": either size or scale_factor should be defined");
  std::vector<int64_t> out(sp);
  std::vector<std::optional<double>> sf(sp);
  if (size) {
    EMBER_CHECK_VALUE(size->size() == 1 || int64_t(size->size()) == sp, op,
                      ": size shape must match input shape. "
                      "Input is ",
                      sp, "D, size is ", size->size());
    for (int64_t i = 0; i < sp; ++i) out[i] = (*size)[size->size() == 1 ? 0 : i];
  } else {
    EMBER_CHECK_VALUE(scale_factor->size() == 1 || int64_t(scale_factor->size()) == sp, op,
                      ": scale_factor shape must match input shape. Input is ", sp, "D, scale_factor is ",
                      scale_factor->size());
    for (int64_t i = 0; i < sp; ++i) {
      sf[i] = (*scale_factor)[scale_factor->size() == 1 ? 0 : i];
      out[i] = int64_t(std::floor(double(input.size(2 + i)) * *sf[i]));
    }
  }
  for (int64_t i = 0; i < sp; ++i)
    EMBER_CHECK(out[i] > 0 && input.size(2 + i) > 0, op,
                ": input and output sizes should be greater than 0, "
                "but got input shape ",
                input.sizes(), " and output size ", IntArrayRef(out));
  Tensor x = input;
  if (nearest) {
    for (int64_t i = 0; i < sp; ++i)
      x = index_select(x, 2 + i, nearest_index(out[i], input.size(2 + i), sf[i]).to(x.device()));
    return x;
  }
  const bool ac = align_corners.value_or(false);
  // out = A_h x A_w^T
  x = matmul(x, linear_matrix(out[sp - 1], input.size(-1), ac, sf[sp - 1], x).t());
  if (sp == 2)
    x = matmul(x.transpose(-2, -1), linear_matrix(out[0], input.size(2), ac, sf[0], x).t()).transpose(-2, -1);
  return x.contiguous();
}

// ------------------------------------------------------------ attention
// softmax(q k^T scale + mask) v; bool masks mark the positions to attend.
Tensor scaled_dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                                    const Tensor& attn_mask, double dropout_p, bool is_causal,
                                    std::optional<double> scale) {
  const char* op = "scaled_dot_product_attention";
  detail::check_defined(query, op);
  detail::check_defined(key, op);
  detail::check_defined(value, op);
  EMBER_CHECK(query.dim() >= 2 && key.dim() >= 2 && value.dim() >= 2, op,
              ": expected query, key and value with at least 2 dims, got ", query.sizes(), ", ", key.sizes(), ", ",
              value.sizes());
  EMBER_CHECK(query.size(-1) == key.size(-1) && key.size(-2) == value.size(-2), op,
              ": query [..., L, E], key [..., S, E] and value [..., S, Ev] do not match: got ", query.sizes(), ", ",
              key.sizes(), ", ", value.sizes());
  EMBER_CHECK(!(is_causal && attn_mask.defined()), op, ": explicit attn_mask should not be set when is_causal=true");
  const int64_t L = query.size(-2), S = key.size(-2);
  const double sc = scale ? *scale : 1.0 / std::sqrt(double(query.size(-1)));
  Tensor attn = matmul(query, key.transpose(-2, -1)) * sc;
  if (is_causal) {
    Tensor keep = ones({L, S}, TensorOptions().dtype(kBool).device(query.device())).tril();
    attn = attn.masked_fill(logical_not(keep), -std::numeric_limits<double>::infinity());
  } else if (attn_mask.defined()) {
    if (attn_mask.dtype() == kBool)
      attn = attn.masked_fill(logical_not(attn_mask), -std::numeric_limits<double>::infinity());
    else
      attn = attn + attn_mask;
  }
  attn = softmax(attn, -1);
  if (dropout_p > 0) attn = dropout(attn, dropout_p, true);
  return matmul(attn, value);
}

Tensor leaky_relu(const Tensor& input, double negative_slope) {
  // gradient at 0 is negative_slope, as torch
  return where(input > 0, input, input * negative_slope);
}

Tensor elu(const Tensor& input, double alpha) {
  // expm1 of min(x, 0): the branch not taken never overflows in backward
  return where(input > 0, input, expm1(input.clamp_max(0)) * alpha);
}

// ------------------------------------------------------------ activations
// Note [Activation kinks]: each is written with `where` so that autograd's
// gradient at a kink is the one torch 1.13 returns: hardtanh/hardsigmoid/
// threshold give 0 at their bounds, prelu/selu/celu their negative piece
// at 0. hardswish takes its middle piece at -3 (-0.5) and its right piece at
// 3 (1): torch's vectorized CPU kernel, which every tensor of 8 or more
// floats goes through (its scalar tail and CUDA kernel give 1.5 at 3).

Tensor hardtanh(const Tensor& input, double min_val, double max_val) {
  EMBER_CHECK_VALUE(max_val >= min_val, "hardtanh: min_val (", min_val, ") cannot be greater than max_val (", max_val,
                    ")");
  // See Note [Activation kinks]; NaN passes through as in clamp
  return where(input <= min_val, Scalar(min_val), where(input >= max_val, Scalar(max_val), input));
}

Tensor relu6(const Tensor& input) { return hardtanh(input, 0.0, 6.0); }

Tensor logsigmoid(const Tensor& input) { return -softplus(-input); }

Tensor selu(const Tensor& input) {
  constexpr double kAlpha = 1.6732632423543772848170429916717;
  constexpr double kScale = 1.0507009873554804934193349852946;
  return elu(input, kAlpha) * kScale;
}

Tensor celu(const Tensor& input, double alpha) {
  EMBER_CHECK_VALUE(alpha != 0, "celu: alpha cannot be 0 (ZeroDivisionError)");
  return where(input > 0, input, expm1(input.clamp_max(0) * (1.0 / alpha)) * alpha);
}

Tensor mish(const Tensor& input) { return input * tanh(softplus(input)); }

Tensor hardswish(const Tensor& input) {
  // See Note [Activation kinks]
  return where(input < -3, Scalar(0.0), where(input < 3, input * (input + 3) * (1.0 / 6), input));
}

Tensor hardsigmoid(const Tensor& input) {
  // See Note [Activation kinks]
  return where(input <= -3, Scalar(0.0), where(input >= 3, Scalar(1.0), input * (1.0 / 6) + 0.5));
}

Tensor glu(const Tensor& input, int64_t dim) {
  EMBER_CHECK(input.dim() > 0, "glu: glu does not support scalars because halving size must be even");
  const int64_t d = detail::wrap_dim(dim, input.dim(), "glu");
  EMBER_CHECK(input.size(d) % 2 == 0, "glu: halving dimension must be even, but dimension ", d, " is size ",
              input.size(d), " (input shape ", input.sizes(), ")");
  const int64_t h = input.size(d) / 2;
  return input.narrow(d, 0, h) * sigmoid(input.narrow(d, h, h));
}

Tensor prelu(const Tensor& input, const Tensor& weight) {
  // x: [N, C, *]  weight: [1] or [C]
  detail::check_defined(input, "prelu");
  detail::check_defined(weight, "prelu");
  Tensor w = weight;
  if (weight.numel() != 1) {
    const int64_t channels = input.dim() >= 2 ? input.size(1) : 1;
    EMBER_CHECK(weight.numel() == channels,
                "prelu: mismatch of parameter numbers and input channel size. Found parameter numbers = ",
                weight.numel(), " and channel size = ", channels, " (input shape ", input.sizes(), ", weight shape ",
                weight.sizes(), ")");
    std::vector<int64_t> shape(size_t(input.dim() - 1), 1);
    shape[0] = channels;
    w = weight.reshape(shape);  // [C, 1, ...]: broadcasts over dim 1
  } else {
    w = weight.reshape({});
  }
  // See Note [Activation kinks]
  return where(input > 0, input, input * w);
}

Tensor softsign(const Tensor& input) { return input / (input.abs() + 1); }

Tensor softmin(const Tensor& input, int64_t dim) { return softmax(-input, dim); }

Tensor threshold(const Tensor& input, double threshold, double value) {
  return where(input > threshold, input, Scalar(value));
}

}  // namespace ember
