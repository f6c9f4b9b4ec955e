// Convolution: conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d as
// im2col (vol2col for 3-D) + one GEMM.
//
// Note [Convolution as im2col + GEMM]
// im2col lays the input out as col [C k k, N L] (L = output positions; see
// kernels/cpu/im2col.cpp), so the forward is one product
// [O, C k k] x [C k k, N L] (one per group, batched), and autograd of that
// product gives the two backward GEMMs: grad_col = W^T grad and
// grad_W = grad col^T, the latter reducing over all N L at once. im2col
// and col2im are each other's adjoints and each other's backward, so
// double backward works and no convolution-specific formula is needed.
// conv_transpose1d/2d are the same pair read the other way: GEMM, then col2im.
#include <limits>
#include <string>
#include <vector>

#include "nn/nn_internal.h"
#include "ops/ops_common.h"

namespace ember {
namespace detail {

std::vector<int64_t> expand_pair(IntArrayRef v, const char* op, const char* name) {
  EMBER_CHECK(v.size() == 1 || v.size() == 2, op, ": ", name, " must have 1 or 2 elements, got ", v.size(), " (", v,
              ")");
  return v.size() == 1 ? std::vector<int64_t>{v[0], v[0]} : std::vector<int64_t>{v[0], v[1]};
}

Tensor im2col(const Tensor& x, const ConvGeom& g) {
  const Tensor xc = x.detach().contiguous();
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  Tensor col = empty({C * g.kh * g.kw, N, g.oh * g.ow}, x.options());
  if (col.numel() > 0) kernel<Im2colFn>(OpId::im2col, x.device())(col, xc, g);
  return autograd::record("im2col", {x}, col,
                          [g, C, H, W](const Tensor& grad) { return tensor_list{col2im(grad, g, C, H, W)}; });
}

Tensor col2im(const Tensor& col, const ConvGeom& g, int64_t C, int64_t H, int64_t W) {
  const Tensor cc = col.detach().contiguous();
  const int64_t N = col.size(1);
  Tensor im = empty({N, C, H, W}, col.options());
  if (im.numel() > 0) {
    if (cc.numel() > 0)
      kernel<Col2imFn>(OpId::col2im, col.device())(im, cc, g);
    else
      im.zero_();
  }
  return autograd::record("col2im", {col}, im, [g](const Tensor& grad) { return tensor_list{im2col(grad, g)}; });
}

std::vector<int64_t> expand_n(IntArrayRef v, size_t n, const char* op, const char* name) {
  EMBER_CHECK(v.size() == 1 || v.size() == n, op, ": ", name, " must have 1 or ", n, " elements, got ", v.size(), " (",
              v, ")");
  return v.size() == 1 ? std::vector<int64_t>(n, v[0]) : std::vector<int64_t>(v.begin(), v.end());
}

Tensor vol2col(const Tensor& x, const ConvGeom3d& g) {
  const Tensor xc = x.detach().contiguous();
  const int64_t N = x.size(0), C = x.size(1), D = x.size(2), H = x.size(3), W = x.size(4);
  Tensor col = empty({C * g.kd * g.hw.kh * g.hw.kw, N, g.od * g.hw.oh * g.hw.ow}, x.options());
  if (col.numel() > 0) kernel<Vol2colFn>(OpId::vol2col, x.device())(col, xc, g);
  return autograd::record("vol2col", {x}, col,
                          [g, C, D, H, W](const Tensor& grad) { return tensor_list{col2vol(grad, g, C, D, H, W)}; });
}

Tensor col2vol(const Tensor& col, const ConvGeom3d& g, int64_t C, int64_t D, int64_t H, int64_t W) {
  const Tensor cc = col.detach().contiguous();
  const int64_t N = col.size(1);
  Tensor vol = empty({N, C, D, H, W}, col.options());
  if (vol.numel() > 0) {
    if (cc.numel() > 0)
      kernel<Col2volFn>(OpId::col2vol, col.device())(vol, cc, g);
    else
      vol.zero_();
  }
  return autograd::record("col2vol", {col}, vol, [g](const Tensor& grad) { return tensor_list{vol2col(grad, g)}; });
}

}  // namespace detail

namespace {

// Shared checks of conv1d / conv2d. `sp` spatial dims (1 or 2); input is
// batched ([N, C, *]) here. Returns nothing; throws naming `op`.
void check_conv(const char* op, const Tensor& input, const Tensor& weight, const Tensor& bias, int64_t groups, int sp) {
  const char* wshape = sp == 3   ? "[C_out, C_in / groups, kD, kH, kW]"
                       : sp == 2 ? "[C_out, C_in / groups, kH, kW]"
                                 : "[C_out, C_in / groups, kW]";
  EMBER_CHECK(weight.dim() == sp + 2, op, ": expected ", sp + 2, "-D weight ", wshape, ", got shape ", weight.sizes());
  EMBER_CHECK(groups > 0, op, ": non-positive groups is not supported (got ", groups, ")");
  EMBER_CHECK_TYPE(input.dtype() == weight.dtype(), op, ": input (", input.dtype(), ") and weight (", weight.dtype(),
                   ") must have the same dtype");
  // im2col / vol2col are floating-point only: say so here, naming the op,
  // rather than from the kernel's dtype switch.
  EMBER_CHECK_TYPE(is_floating_point(input.dtype()), op, ": expected a floating-point input and weight, got ",
                   input.dtype());
  // torch: "expected weight to be at least 1 at dimension 0"; a zero kernel
  // extent would make the output all bias (a window of no taps).
  EMBER_CHECK(weight.size(0) > 0, op, ": expected weight with at least one output channel, got weight of shape ",
              weight.sizes());
  for (int i = 0; i < sp; ++i)
    EMBER_CHECK(weight.size(2 + i) > 0, op, ": expected a non-empty kernel, got weight of shape ", weight.sizes());
  detail::check_same_device(op, {&input, &weight});
  EMBER_CHECK(input.size(1) == weight.size(1) * groups, op, ": input has ", input.size(1),
              " channels but weight expects ", weight.size(1) * groups, " (weight shape ", weight.sizes(), ", groups ",
              groups, ")");
  EMBER_CHECK(weight.size(0) % groups == 0, op, ": weight has ", weight.size(0),
              " output channels, not divisible by groups ", groups, " (weight shape ", weight.sizes(), ")");
  if (bias.defined()) {
    EMBER_CHECK(bias.dim() == 1 && bias.size(0) == weight.size(0), op, ": expected bias of shape [", weight.size(0),
                "] (C_out), got ", bias.sizes());
    EMBER_CHECK_TYPE(bias.dtype() == weight.dtype(), op, ": bias (", bias.dtype(), ") and weight (", weight.dtype(),
                     ") must have the same dtype");
    detail::check_same_device(op, {&input, &bias});
  }
}

// The padded input and the dilated kernel must fit in int64: dilation 2**62
// wrapped the kernel's extent negative (a reshape error, or garbage sizes).
void check_extent(const char* op, const Tensor& x, int64_t in, int64_t k, int64_t pad, int64_t d) {
  using I = __int128;
  const I big = std::numeric_limits<int64_t>::max();
  EMBER_CHECK(I(in) + 2 * I(pad) <= big && I(d) * (k - 1) + 1 <= big, op, ": kernel size ", k, " with dilation ", d,
              " and padding ", pad, " overflows int64 (input shape ", x.sizes(), ")");
}

void check_geometry(const char* op, const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                    const std::vector<int64_t>& dilation) {
  for (size_t i = 0; i < stride.size(); ++i) {
    EMBER_CHECK(stride[i] > 0, op, ": stride must be positive, got ", IntArrayRef(stride));
    EMBER_CHECK(padding[i] >= 0, op, ": padding must be non-negative, got ", IntArrayRef(padding));
    EMBER_CHECK(dilation[i] > 0, op, ": dilation must be positive, got ", IntArrayRef(dilation));
  }
}

// x: [N, C, H, W]  w: [O, C / G, kh, kw]  bias: [O] -> [N, O, oh, ow].
// `sp` is only for messages (conv1d runs as conv2d with H = 1).
Tensor conv2d_core(const char* op, const Tensor& x, const Tensor& w, const Tensor& bias, const std::vector<int64_t>& s,
                   const std::vector<int64_t>& p, const std::vector<int64_t>& d, int64_t G, int sp) {
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const int64_t O = w.size(0), kh = w.size(2), kw = w.size(3);
  check_extent(op, x, H, kh, p[0], d[0]);
  check_extent(op, x, W, kw, p[1], d[1]);
  const int64_t ekh = d[0] * (kh - 1) + 1, ekw = d[1] * (kw - 1) + 1;
  if (sp == 2) {
    EMBER_CHECK(ekh <= H + 2 * p[0] && ekw <= W + 2 * p[1], op, ": kernel size ", kh, "x", kw, " (", ekh, "x", ekw,
                " with dilation) can't be greater than the padded input size ", H + 2 * p[0], "x", W + 2 * p[1],
                " (input shape ", x.sizes(), ", padding ", IntArrayRef(p), ")");
  } else {
    EMBER_CHECK(ekw <= W + 2 * p[1], op, ": kernel size ", kw, " (", ekw,
                " with dilation) can't be greater than the padded input length ", W + 2 * p[1], " (input length ", W,
                ", padding ", p[1], ")");
  }
  ConvGeom g{
      kh, kw, s[0], s[1], p[0], p[1], d[0], d[1], (H + 2 * p[0] - ekh) / s[0] + 1, (W + 2 * p[1] - ekw) / s[1] + 1};
  const int64_t L = g.oh * g.ow, Kg = (C / G) * kh * kw;
  Tensor col = detail::im2col(x, g);  // [C kh kw, N, L]
  Tensor out;                         // [O, N L]
  if (G == 1) {
    // the bias goes in as the GEMM's C (beta = 1): no separate pass
    out = bias.defined() ? addmm(bias.reshape({O, 1}), w.reshape({O, Kg}), col.reshape({Kg, N * L}))
                         : mm(w.reshape({O, Kg}), col.reshape({Kg, N * L}));
  } else {
    out = matmul(w.reshape({G, O / G, Kg}), col.reshape({G, Kg, N * L})).reshape({O, N * L});
    if (bias.defined()) out = out + bias.reshape({O, 1});
  }
  return out.reshape({O, N, g.oh, g.ow}).permute({1, 0, 2, 3}).contiguous();
}

// x: [N, C, D, H, W]  w: [O, C / G, kd, kh, kw]  bias: [O] -> [N, O, od, oh, ow].
// conv2d_core with vol2col in place of im2col.
Tensor conv3d_core(const char* op, const Tensor& x, const Tensor& w, const Tensor& bias, const std::vector<int64_t>& s,
                   const std::vector<int64_t>& p, const std::vector<int64_t>& d, int64_t G) {
  const int64_t N = x.size(0), C = x.size(1), D = x.size(2), H = x.size(3), W = x.size(4);
  const int64_t O = w.size(0), kd = w.size(2), kh = w.size(3), kw = w.size(4);
  check_extent(op, x, D, kd, p[0], d[0]);
  check_extent(op, x, H, kh, p[1], d[1]);
  check_extent(op, x, W, kw, p[2], d[2]);
  const int64_t ekd = d[0] * (kd - 1) + 1, ekh = d[1] * (kh - 1) + 1, ekw = d[2] * (kw - 1) + 1;
  EMBER_CHECK(ekd <= D + 2 * p[0] && ekh <= H + 2 * p[1] && ekw <= W + 2 * p[2], op, ": kernel size ", kd, "x", kh, "x",
              kw, " (", ekd, "x", ekh, "x", ekw, " with dilation) can't be greater than the padded input size ",
              D + 2 * p[0], "x", H + 2 * p[1], "x", W + 2 * p[2], " (input shape ", x.sizes(), ", padding ",
              IntArrayRef(p), ")");
  ConvGeom3d g{kd,
               s[0],
               p[0],
               d[0],
               (D + 2 * p[0] - ekd) / s[0] + 1,
               ConvGeom{kh, kw, s[1], s[2], p[1], p[2], d[1], d[2], (H + 2 * p[1] - ekh) / s[1] + 1,
                        (W + 2 * p[2] - ekw) / s[2] + 1}};
  const int64_t L = g.od * g.hw.oh * g.hw.ow, Kg = (C / G) * kd * kh * kw;
  Tensor col = detail::vol2col(x, g);  // [C kd kh kw, N, L]
  Tensor out;                          // [O, N L]
  if (G == 1) {
    out = bias.defined() ? addmm(bias.reshape({O, 1}), w.reshape({O, Kg}), col.reshape({Kg, N * L}))
                         : mm(w.reshape({O, Kg}), col.reshape({Kg, N * L}));
  } else {
    out = matmul(w.reshape({G, O / G, Kg}), col.reshape({G, Kg, N * L})).reshape({O, N * L});
    if (bias.defined()) out = out + bias.reshape({O, 1});
  }
  return out.reshape({O, N, g.od, g.hw.oh, g.hw.ow}).permute({1, 0, 2, 3, 4}).contiguous();
}

// Unbatched input ([C, *]) runs as a batch of one, as torch.
Tensor conv_entry(const char* op, const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                  IntArrayRef padding, IntArrayRef dilation, int64_t groups, int sp) {
  detail::check_defined(input, op);
  detail::check_defined(weight, op);
  const char* ishape = sp == 3 ? "[N, C, D, H, W]" : sp == 2 ? "[N, C, H, W]" : "[N, C, L]";
  EMBER_CHECK(input.dim() == sp + 1 || input.dim() == sp + 2, op, ": expected ", sp + 1, "-D (unbatched) or ", sp + 2,
              "-D (batched) input ", ishape, ", got shape ", input.sizes());
  const bool batched = input.dim() == sp + 2;
  Tensor x = batched ? input : input.unsqueeze(0);
  check_conv(op, x, weight, bias, groups, sp);
  std::vector<int64_t> s, p, d;
  Tensor w = weight;
  if (sp == 3) {
    s = detail::expand_n(stride, 3, op, "stride");
    p = detail::expand_n(padding, 3, op, "padding");
    d = detail::expand_n(dilation, 3, op, "dilation");
    check_geometry(op, s, p, d);
    Tensor out = conv3d_core(op, x, w, bias, s, p, d, groups);
    return batched ? out : out.squeeze(0);
  }
  if (sp == 2) {
    s = detail::expand_pair(stride, op, "stride");
    p = detail::expand_pair(padding, op, "padding");
    d = detail::expand_pair(dilation, op, "dilation");
  } else {
    EMBER_CHECK(stride.size() == 1 && padding.size() == 1 && dilation.size() == 1, op,
                ": stride, padding and dilation must have 1 element each, got ", stride, ", ", padding, ", ", dilation);
    s = {1, stride[0]}, p = {0, padding[0]}, d = {1, dilation[0]};
    x = x.unsqueeze(2);
    w = weight.unsqueeze(2);
  }
  check_geometry(op, s, p, d);
  Tensor out = conv2d_core(op, x, w, bias, s, p, d, groups, sp);
  if (sp == 1) out = out.squeeze(2);
  return batched ? out : out.squeeze(0);
}

// padding="same" | "valid". 'same' pads d (k - 1) in total per dim, the odd
// one on the right/bottom, as torch.
Tensor conv_entry_str(const char* op, const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                      const std::string& padding, IntArrayRef dilation, int64_t groups, int sp) {
  if (padding == "valid") {
    const int64_t zero = 0;
    return conv_entry(op, input, weight, bias, stride, zero, dilation, groups, sp);
  }
  EMBER_CHECK(padding == "same", op, ": invalid padding string '", padding, "' (expected 'same' or 'valid')");
  for (int64_t v : stride)
    EMBER_CHECK(v == 1, op, ": padding='same' is not supported for strided convolutions (stride ", stride, ")");
  detail::check_defined(weight, op);
  EMBER_CHECK(weight.dim() == sp + 2, op, ": expected ", sp + 2, "-D weight, got shape ", weight.sizes());
  std::vector<int64_t> d = sp == 3   ? detail::expand_n(dilation, 3, op, "dilation")
                           : sp == 2 ? detail::expand_pair(dilation, op, "dilation")
                                     : std::vector<int64_t>{dilation.size() ? dilation[0] : 1};
  std::vector<int64_t> left(sp), extra;  // extra: F.pad order, last dim first
  bool asym = false;
  for (int i = sp - 1; i >= 0; --i) {
    const int64_t total = d[i] * (weight.size(2 + i) - 1);
    left[i] = total / 2;
    extra.push_back(0);
    extra.push_back(total - 2 * left[i]);
    asym = asym || total % 2;
  }
  Tensor x = asym ? pad(input, extra) : input;
  return conv_entry(op, x, weight, bias, stride, left, dilation, groups, sp);
}

}  // namespace

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride, IntArrayRef padding,
              IntArrayRef dilation, int64_t groups) {
  return conv_entry("conv2d", input, weight, bias, stride, padding, dilation, groups, 2);
}
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride, IntArrayRef padding,
              IntArrayRef dilation, int64_t groups) {
  return conv_entry("conv1d", input, weight, bias, stride, padding, dilation, groups, 1);
}
Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride, IntArrayRef padding,
              IntArrayRef dilation, int64_t groups) {
  return conv_entry("conv3d", input, weight, bias, stride, padding, dilation, groups, 3);
}
Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              const PaddingMode& padding, IntArrayRef dilation, int64_t groups) {
  return conv_entry_str("conv3d", input, weight, bias, stride, padding.value, dilation, groups, 3);
}
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              const PaddingMode& padding, IntArrayRef dilation, int64_t groups) {
  return conv_entry_str("conv2d", input, weight, bias, stride, padding.value, dilation, groups, 2);
}
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
              const PaddingMode& padding, IntArrayRef dilation, int64_t groups) {
  return conv_entry_str("conv1d", input, weight, bias, stride, padding.value, dilation, groups, 1);
}

namespace {

// The last `sp` entries of an expanded pair, for messages in the caller's terms.
IntArrayRef tail(const std::vector<int64_t>& v, int sp) { return IntArrayRef(v.data() + 2 - sp, sp); }

// x: [N, C_in, H, W]  w: [C_in, C_out / G, kh, kw] -> [N, C_out, Ho, Wo] with
// Ho = (H - 1) s - 2 p + d (kh - 1) + output_padding + 1: the gradient of
// conv2d with respect to its input. See Note [Convolution as im2col + GEMM].
// `sp` spatial dims: conv_transpose1d runs as the 2-D op with H = 1, as
// conv1d does; unbatched input ([C, *]) as a batch of one.
Tensor conv_transpose_entry(const char* op, const Tensor& input, const Tensor& weight, const Tensor& bias,
                            IntArrayRef stride, IntArrayRef padding, IntArrayRef output_padding, int64_t groups,
                            IntArrayRef dilation, int sp) {
  detail::check_defined(input, op);
  detail::check_defined(weight, op);
  const char* ishape = sp == 2 ? "[N, C, H, W]" : "[N, C, L]";
  const char* wshape = sp == 2 ? "[C_in, C_out / groups, kH, kW]" : "[C_in, C_out / groups, kW]";
  EMBER_CHECK(input.dim() == sp + 1 || input.dim() == sp + 2, op, ": expected ", sp + 1, "-D (unbatched) or ", sp + 2,
              "-D (batched) input ", ishape, ", got shape ", input.sizes());
  EMBER_CHECK(weight.dim() == sp + 2, op, ": expected ", sp + 2, "-D weight ", wshape, ", got shape ", weight.sizes());
  EMBER_CHECK(groups > 0, op, ": non-positive groups is not supported (got ", groups, ")");
  const bool batched = input.dim() == sp + 2;
  Tensor x = batched ? input : input.unsqueeze(0);
  EMBER_CHECK_TYPE(x.dtype() == weight.dtype(), op, ": input (", x.dtype(), ") and weight (", weight.dtype(),
                   ") must have the same dtype");
  detail::check_same_device(op, {&x, &weight});
  const int64_t Cin = x.size(1);
  EMBER_CHECK(Cin == weight.size(0), op, ": input has ", Cin, " channels but weight expects ", weight.size(0),
              " (weight shape ", weight.sizes(), ", groups ", groups, ")");
  EMBER_CHECK(Cin % groups == 0, op, ": input channels ", Cin, " are not divisible by groups ", groups);
  const int64_t Cout = weight.size(1) * groups;
  if (bias.defined()) {
    EMBER_CHECK(bias.dim() == 1 && bias.size(0) == Cout, op, ": expected bias of shape [", Cout, "] (C_out), got ",
                bias.sizes());
    EMBER_CHECK_TYPE(bias.dtype() == weight.dtype(), op, ": bias (", bias.dtype(), ") and weight (", weight.dtype(),
                     ") must have the same dtype");
  }
  std::vector<int64_t> s, p, op_, d;
  Tensor w = weight;
  if (sp == 2) {
    s = detail::expand_pair(stride, op, "stride");
    p = detail::expand_pair(padding, op, "padding");
    op_ = detail::expand_pair(output_padding, op, "output_padding");
    d = detail::expand_pair(dilation, op, "dilation");
  } else {
    EMBER_CHECK(stride.size() == 1 && padding.size() == 1 && output_padding.size() == 1 && dilation.size() == 1, op,
                ": stride, padding, output_padding and dilation must have 1 element each, got ", stride, ", ", padding,
                ", ", output_padding, ", ", dilation);
    s = {1, stride[0]}, p = {0, padding[0]}, op_ = {0, output_padding[0]}, d = {1, dilation[0]};
    x = x.unsqueeze(2);
    w = weight.unsqueeze(2);
  }
  check_geometry(op, s, p, d);
  for (int i = 2 - sp; i < 2; ++i)
    EMBER_CHECK(op_[i] >= 0 && (op_[i] < s[i] || op_[i] < d[i]), op,
                ": output padding must be smaller than either stride or dilation, got output_padding ", tail(op_, sp),
                ", stride ", tail(s, sp), ", dilation ", tail(d, sp));
  const int64_t N = x.size(0), H = x.size(2), W = x.size(3), kh = w.size(2), kw = w.size(3);
  const int64_t Ho = (H - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + op_[0] + 1;
  const int64_t Wo = (W - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + op_[1] + 1;
  if (sp == 2)
    EMBER_CHECK(Ho > 0 && Wo > 0, op, ": output size ", Ho, "x", Wo, " is too small (input shape ", input.sizes(),
                ", weight shape ", weight.sizes(), ")");
  else
    EMBER_CHECK(Wo > 0, op, ": output length ", Wo, " is too small (input shape ", input.sizes(), ", weight shape ",
                weight.sizes(), ")");
  const int64_t G = groups, Cg = Cin / G, Kg = (Cout / G) * kh * kw;
  // col: [G, C_out/G kh kw, N H W] = W_g^T x_g
  Tensor xg = x.permute({1, 0, 2, 3}).reshape({G, Cg, N * H * W});
  Tensor col = matmul(w.reshape({G, Cg, Kg}).transpose(1, 2), xg);
  ConvGeom g{kh, kw, s[0], s[1], p[0], p[1], d[0], d[1], H, W};
  Tensor out = detail::col2im(col.reshape({Cout * kh * kw, N, H * W}), g, Cout, Ho, Wo);
  if (bias.defined()) out = out + bias.reshape({1, Cout, 1, 1});
  if (sp == 1) out = out.squeeze(2);
  return batched ? out : out.squeeze(0);
}

}  // namespace

Tensor conv_transpose2d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                        IntArrayRef padding, IntArrayRef output_padding, int64_t groups, IntArrayRef dilation) {
  return conv_transpose_entry("conv_transpose2d", input, weight, bias, stride, padding, output_padding, groups,
                              dilation, 2);
}
Tensor conv_transpose1d(const Tensor& input, const Tensor& weight, const Tensor& bias, IntArrayRef stride,
                        IntArrayRef padding, IntArrayRef output_padding, int64_t groups, IntArrayRef dilation) {
  return conv_transpose_entry("conv_transpose1d", input, weight, bias, stride, padding, output_padding, groups,
                              dilation, 1);
}

namespace {
// The sliding-block geometry of F.unfold / F.fold over an H x W plane, with
// torch's checks and messages.
ConvGeom block_geometry(const char* op, int64_t H, int64_t W, IntArrayRef kernel_size, IntArrayRef dilation,
                        IntArrayRef padding, IntArrayRef stride) {
  auto k = detail::expand_pair(kernel_size, op, "kernel_size"), d = detail::expand_pair(dilation, op, "dilation");
  auto p = detail::expand_pair(padding, op, "padding"), s = detail::expand_pair(stride, op, "stride");
  EMBER_CHECK(k[0] > 0 && k[1] > 0, op, ": kernel size should be greater than zero, but got kernel_size ",
              IntArrayRef(k));
  check_geometry(op, s, p, d);
  // in 128 bits: a huge dilation or padding must not wrap around
  using I = __int128;
  const I span_h = I(H) + 2 * I(p[0]) - (I(d[0]) * (k[0] - 1) + 1);
  const I span_w = I(W) + 2 * I(p[1]) - (I(d[1]) * (k[1] - 1) + 1);
  EMBER_CHECK(span_h >= 0 && span_w >= 0 && span_h / s[0] + 1 < (I(1) << 40) && span_w / s[1] + 1 < (I(1) << 40), op,
              ": given spatial size (", H, ", ", W, "), kernel_size ", IntArrayRef(k), ", dilation ", IntArrayRef(d),
              ", padding ", IntArrayRef(p), " and stride ", IntArrayRef(s),
              ", the array of sliding blocks would be empty or too large; its components must be at least one");
  const int64_t oh = int64_t(span_h / s[0] + 1), ow = int64_t(span_w / s[1] + 1);
  return ConvGeom{k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], oh, ow};
}
}  // namespace

Tensor im2col(const Tensor& input, IntArrayRef kernel_size, IntArrayRef dilation, IntArrayRef padding,
              IntArrayRef stride) {
  const char* op = "unfold";
  detail::check_defined(input, op);
  EMBER_CHECK(input.dim() == 3 || input.dim() == 4, op, ": expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got ",
              "shape ", input.sizes());
  EMBER_CHECK_TYPE(is_floating_point(input.dtype()), op, ": expected a floating-point input, got ", input.dtype());
  const bool batched = input.dim() == 4;
  const Tensor x = batched ? input : input.unsqueeze(0);
  EMBER_CHECK(x.size(1) > 0 && x.size(2) > 0 && x.size(3) > 0, op, ": expected non-empty C, H and W, got shape ",
              input.sizes());
  const ConvGeom g = block_geometry(op, x.size(2), x.size(3), kernel_size, dilation, padding, stride);
  Tensor out = detail::im2col(x, g).permute({1, 0, 2}).contiguous();  // [N, C kh kw, L]
  return batched ? out : out.squeeze(0);
}

Tensor col2im(const Tensor& input, IntArrayRef output_size, IntArrayRef kernel_size, IntArrayRef dilation,
              IntArrayRef padding, IntArrayRef stride) {
  const char* op = "fold";
  detail::check_defined(input, op);
  EMBER_CHECK(input.dim() == 2 || input.dim() == 3, op, ": expected a 2-D [C kh kw, L] or 3-D [N, C kh kw, L] input, ",
              "got shape ", input.sizes());
  EMBER_CHECK_TYPE(is_floating_point(input.dtype()), op, ": expected a floating-point input, got ", input.dtype());
  const bool batched = input.dim() == 3;
  const Tensor x = batched ? input : input.unsqueeze(0);
  auto out_hw = detail::expand_pair(output_size, op, "output_size");
  EMBER_CHECK(out_hw[0] > 0 && out_hw[1] > 0, op, ": output_size must be positive, got ", IntArrayRef(out_hw));
  auto k = detail::expand_pair(kernel_size, op, "kernel_size");
  EMBER_CHECK(k[0] > 0 && k[1] > 0, op, ": kernel size should be greater than zero, but got kernel_size ",
              IntArrayRef(k));
  EMBER_CHECK(x.size(1) > 0 && x.size(1) % (k[0] * k[1]) == 0, op,
              ": expected size of input's dimension 1 to be a non-zero multiple of the product of kernel_size (",
              k[0] * k[1], "), but got input of shape ", input.sizes());
  const ConvGeom g = block_geometry(op, out_hw[0], out_hw[1], kernel_size, dilation, padding, stride);
  EMBER_CHECK(__int128(x.size(2)) == __int128(g.oh) * g.ow, op, ": given output_size ", IntArrayRef(out_hw),
              ", kernel_size ", IntArrayRef(k), ", the number of sliding blocks is ", g.oh, " * ", g.ow,
              ", but input's dimension 2 is ", x.size(2), " (input shape ", input.sizes(), ")");
  const int64_t C = x.size(1) / (k[0] * k[1]);
  Tensor out = detail::col2im(x.permute({1, 0, 2}), g, C, out_hw[0], out_hw[1]);
  return batched ? out : out.squeeze(0);
}

}  // namespace ember
