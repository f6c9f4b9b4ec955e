// Pooling: max_pool2d (a kernel; backward scatters the gradient at the
// saved indices), avg_pool2d (im2col, then a sum over each window and a
// divide) and adaptive_avg_pool2d (window means along one dim, then the
// other: windows are products of a row range and a column range);
// their 3-D forms the same way (vol2col, three dims), max_pool3d and
// adaptive_max_pool1d/2d/3d through one kernel over lists of windows.
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include "nn/nn_internal.h"
#include "ops/ops_common.h"

namespace ember {
namespace {

// torch's pooling_output_shape: with ceil_mode the last window must start
// inside the input or its left padding.
// Evaluated in 128 bits: with check_extent's bounds nothing here overflows
// (s - 1 for ceil_mode could, in int64).
int64_t pool_out(int64_t in, int64_t k, int64_t pad, int64_t s, int64_t d, bool ceil_mode) {
  using I = __int128;
  const I num = I(in) + 2 * I(pad) - I(d) * (k - 1) - 1 + (ceil_mode ? I(s) - 1 : 0);
  I out = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1;
  if (ceil_mode && (out - 1) * s >= I(in) + pad) --out;
  return int64_t(out);
}

// The padded input and the dilated kernel must fit in int64 (torch:
// "integer out of range"); past that the output size would wrap to garbage.
void check_extent(const char* op, const Tensor& input, int64_t in, int64_t k, int64_t pad, int64_t d) {
  using I = __int128;
  const I big = std::numeric_limits<int64_t>::max();
  EMBER_CHECK(I(in) + 2 * I(pad) <= big && I(d) * (k - 1) + 1 <= big, op, ": kernel_size ", k, " with dilation ", d,
              " and padding ", pad, " overflows int64 (input shape ", input.sizes(), ")");
}

// An adaptive pool's output must be allocatable before the O(output_size)
// loops that build its windows run: 2**40 there looped for hours (or grew
// vectors until memory ran out). Overflow is torch's "Storage size
// calculation overflowed"; a large output is allocated once, untouched, so
// that an impossible one fails at once as out of memory.
void check_adaptive_output(const char* op, const Tensor& input, const std::vector<int64_t>& o) {
  using I = __int128;
  I numel = 1;
  for (int64_t d = 0; d + int64_t(o.size()) < input.dim(); ++d) numel *= input.size(d);
  bool overflow = false;
  for (int64_t v : o) {
    numel *= v;
    overflow = overflow || numel * 8 > I(std::numeric_limits<int64_t>::max());
  }
  EMBER_CHECK(!overflow, op, ": output_size ", IntArrayRef(o), " is too large for input of shape ", input.sizes(),
              " (the output's storage size overflows)");
  if (numel > (I(1) << 24)) {
    try {
      (void)empty({int64_t(numel)}, input.options());
    } catch (const std::exception& e) {
      EMBER_CHECK(false, op, ": output_size ", IntArrayRef(o), " for input of shape ", input.sizes(), ": ", e.what());
    }
  }
}

struct Pool {
  Tensor x;  // [N, C, H, W]
  bool batched;
  ConvGeom g;
};

Pool pool_setup(const char* op, const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                IntArrayRef dilation, bool ceil_mode) {
  detail::check_defined(input, op);
  EMBER_CHECK(input.dim() == 3 || input.dim() == 4, op,
              ": expected 3-D (unbatched) or 4-D (batched) input [N, C, H, W], got shape ", input.sizes());
  auto k = detail::expand_pair(kernel_size, op, "kernel_size");
  auto s = stride.empty() ? k : detail::expand_pair(stride, op, "stride");
  auto p = detail::expand_pair(padding, op, "padding");
  auto d = detail::expand_pair(dilation, op, "dilation");
  for (int i = 0; i < 2; ++i) {
    EMBER_CHECK(k[i] > 0, op, ": kernel_size must be positive, got ", IntArrayRef(k));
    EMBER_CHECK(s[i] > 0, op, ": stride must be positive, got ", IntArrayRef(s));
    EMBER_CHECK(d[i] > 0, op, ": dilation must be positive, got ", IntArrayRef(d));
    EMBER_CHECK(p[i] >= 0 && p[i] <= k[i] / 2, op, ": pad should be at most half of the kernel size, got padding ",
                IntArrayRef(p), " and kernel_size ", IntArrayRef(k));
  }
  Pool r;
  r.batched = input.dim() == 4;
  r.x = r.batched ? input : input.unsqueeze(0);
  const int64_t H = r.x.size(2), W = r.x.size(3);
  EMBER_CHECK(r.x.size(1) > 0 && H > 0 && W > 0, op, ": expected input with non-zero C, H and W, got shape ",
              input.sizes());
  check_extent(op, input, H, k[0], p[0], d[0]);
  check_extent(op, input, W, k[1], p[1], d[1]);
  const int64_t oh = pool_out(H, k[0], p[0], s[0], d[0], ceil_mode);
  const int64_t ow = pool_out(W, k[1], p[1], s[1], d[1], ceil_mode);
  EMBER_CHECK(oh > 0 && ow > 0, op, ": output size ", oh, "x", ow, " is too small (input shape ", input.sizes(),
              ", kernel_size ", IntArrayRef(k), ", padding ", IntArrayRef(p), ", dilation ", IntArrayRef(d), ")");
  r.g = ConvGeom{k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], oh, ow};
  return r;
}

}  // namespace

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                                                   IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  Pool P = pool_setup("max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode);
  const Tensor& x = P.x;
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const Tensor xc = x.detach().contiguous();
  Tensor out = empty({N, C, P.g.oh, P.g.ow}, x.options());
  Tensor idx = empty({N, C, P.g.oh, P.g.ow}, TensorOptions().dtype(kInt64).device(x.device()));
  if (out.numel() > 0) detail::kernel<MaxPool2dFn>(OpId::max_pool2d, x.device())(out, idx, xc, P.g);
  // grad_input[n, c, idx] += grad: a scatter_add, differentiable again
  out = autograd::record("max_pool2d", {x}, out, [idx, N, C, H, W](const Tensor& grad) {
    const int64_t L = idx.size(2) * idx.size(3);
    Tensor gi = zeros({N * C, H * W}, grad.options());
    if (is_grad_enabled())  // create_graph: out of place, differentiable in grad
      gi = ember::scatter_add(gi, 1, idx.reshape({N * C, L}), grad.reshape({N * C, L}));
    else
      gi.scatter_add_(1, idx.reshape({N * C, L}), grad.reshape({N * C, L}));
    return tensor_list{gi.reshape({N, C, H, W})};
  });
  if (!P.batched) return {out.squeeze(0), idx.squeeze(0)};
  return {out, idx};
}

Tensor max_pool2d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                  IntArrayRef dilation, bool ceil_mode) {
  return std::get<0>(max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode));
}

// Window sums from im2col (zeros outside the input), divided by torch's
// divisor: the window clipped to the padded input (count_include_pad) or to
// the input, or divisor_override. Both counts factor into rows x columns.
Tensor avg_pool2d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                  bool count_include_pad, std::optional<int64_t> divisor_override) {
  const char* op = "avg_pool2d";
  const int64_t one = 1;
  Pool P = pool_setup(op, input, kernel_size, stride, padding, one, ceil_mode);
  EMBER_CHECK(!divisor_override || *divisor_override != 0, op, ": divisor must be not zero");
  EMBER_CHECK_TYPE(is_floating_point(input.dtype()), op, ": expected a floating-point input, got ", input.dtype());
  const Tensor& x = P.x;
  const ConvGeom& g = P.g;
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3), K = g.kh * g.kw;
  auto counts = [](int64_t o, int64_t k, int64_t s, int64_t p, int64_t in, bool incl) {
    std::vector<double> c(o);
    for (int64_t i = 0; i < o; ++i) {
      int64_t a = i * s - p, b = std::min(a + k, in + p);
      const int64_t padded = b - a;
      a = std::max<int64_t>(a, 0), b = std::min(b, in);
      c[i] = incl ? double(padded) : double(std::max<int64_t>(b - a, 0));
    }
    return c;
  };
  std::vector<double> dv(g.oh * g.ow);
  if (divisor_override) {
    std::fill(dv.begin(), dv.end(), double(*divisor_override));
  } else {
    auto ch = counts(g.oh, g.kh, g.sh, g.ph, H, count_include_pad);
    auto cw = counts(g.ow, g.kw, g.sw, g.pw, W, count_include_pad);
    for (int64_t i = 0; i < g.oh; ++i)
      for (int64_t j = 0; j < g.ow; ++j) dv[i * g.ow + j] = ch[i] * cw[j] > 0 ? ch[i] * cw[j] : 1.0;
  }
  Tensor div = tensor(dv, TensorOptions().dtype(kFloat64)).to(x.device(), x.dtype()).reshape({g.oh, g.ow});
  Tensor sums = detail::im2col(x, g).reshape({C, K, N, g.oh, g.ow}).sum({1});  // [C, N, oh, ow]
  Tensor out = (sums / div).permute({1, 0, 2, 3}).contiguous();
  return P.batched ? out : out.squeeze(0);
}

namespace {
// Adaptive pooling's windows along the three spatial dims of x [N, C, D, H,
// W]: output j of a dim reads [floor(j in / o), ceil((j + 1) in / o)).
PoolWindows adaptive_windows(const Tensor& x, const std::vector<int64_t>& o) {
  PoolWindows w;
  for (int i = 0; i < 3; ++i) {
    const int64_t in = x.size(2 + i);
    for (int64_t j = 0; j < o[size_t(i)]; ++j) {
      w.start[i].push_back((j * in) / o[size_t(i)]);
      w.end[i].push_back(((j + 1) * in + o[size_t(i)] - 1) / o[size_t(i)]);
    }
  }
  return w;
}

Tensor avg_windows_backward(const char* op, const Tensor& grad, const PoolWindows& w, const Shape& in_sizes);

// Window means of x [N, C, D, H, W] by the avg_pool_windows kernel, which
// sums each window directly: a NaN or inf stays in the windows that hold it
// (an averaging matrix would spread it through 0 * inf). The backward is
// the adjoint kernel; each is the other's backward.
Tensor avg_windows(const char* op, const Tensor& x, const PoolWindows& w) {
  const Tensor xc = x.detach().contiguous();
  Tensor out = empty({x.size(0), x.size(1), int64_t(w.start[0].size()), int64_t(w.start[1].size()),
                      int64_t(w.start[2].size())},
                     x.options());
  if (out.numel() > 0) detail::kernel<AvgPoolWindowsFn>(OpId::avg_pool_windows, x.device())(out, xc, w);
  return autograd::record(op, {x}, out, [op, w, in_sizes = Shape(x.sizes())](const Tensor& grad) {
    return tensor_list{avg_windows_backward(op, grad, w, in_sizes)};
  });
}

Tensor avg_windows_backward(const char* op, const Tensor& grad, const PoolWindows& w, const Shape& in_sizes) {
  const Tensor gc = grad.detach().contiguous();
  Tensor gi = empty(in_sizes, grad.options());
  if (gi.numel() > 0) {
    if (gc.numel() > 0) detail::kernel<AvgPoolWindowsFn>(OpId::avg_pool_windows_backward, grad.device())(gi, gc, w);
    else gi.zero_();
  }
  return autograd::record("adaptive_avg_pool_backward", {grad}, gi,
                          [op, w](const Tensor& gg) { return tensor_list{avg_windows(op, gg, w)}; });
}
}  // namespace

Tensor adaptive_avg_pool2d(const Tensor& input, IntArrayRef output_size) {
  const char* op = "adaptive_avg_pool2d";
  detail::check_defined(input, op);
  EMBER_CHECK(input.dim() == 3 || input.dim() == 4, op,
              ": expected 3-D (unbatched) or 4-D (batched) input [N, C, H, W], got shape ", input.sizes());
  auto o = detail::expand_pair(output_size, op, "output_size");
  const int64_t H = input.size(-2), W = input.size(-1);
  EMBER_CHECK(H > 0 && W > 0, op, ": expected input with non-zero H and W, got shape ", input.sizes());
  EMBER_CHECK(o[0] >= 0 && o[1] >= 0, op, ": output_size must be non-negative, got ", IntArrayRef(o));
  EMBER_CHECK_TYPE(is_floating_point(input.dtype()), op, ": expected a floating-point input, got ", input.dtype());
  check_adaptive_output(op, input, o);
  if (o[0] == 1 && o[1] == 1) return input.mean({-2, -1}, true);
  if (o[0] == H && o[1] == W) return input.clone();
  // the windows are products of a row range and a column range: average
  // over the columns, then over the rows
  const bool batched = input.dim() == 4;
  const Tensor x = (batched ? input : input.unsqueeze(0)).unsqueeze(2);  // [N, C, 1, H, W]
  Tensor out = avg_windows(op, x, adaptive_windows(x, {1, o[0], o[1]})).squeeze(2);
  return batched ? out : out.squeeze(0);
}

// ---- 1-D pooling: the 2-D ops on [N, C, 1, L]. The arguments are checked
// here in 1-D terms, so errors name the 1-D op and its shapes.
namespace {

struct Pool1d {
  Tensor x;  // [N, C, 1, L] or [C, 1, L]
  std::vector<int64_t> k, s, p, d;
};

int64_t single(IntArrayRef v, const char* op, const char* name) {
  EMBER_CHECK(v.size() == 1, op, ": ", name, " must be a single int, got ", v);
  return v[0];
}

Pool1d pool1d_setup(const char* op, const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                    IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  detail::check_defined(input, op);
  EMBER_CHECK(input.dim() == 2 || input.dim() == 3, op,
              ": expected 2-D (unbatched) or 3-D (batched) input [N, C, L], got shape ", input.sizes());
  const int64_t k = single(kernel_size, op, "kernel_size");
  const int64_t s = stride.empty() ? k : single(stride, op, "stride");
  const int64_t p = single(padding, op, "padding"), d = single(dilation, op, "dilation");
  EMBER_CHECK(k > 0, op, ": kernel_size must be positive, got ", k);
  EMBER_CHECK(s > 0, op, ": stride must be positive, got ", s);
  EMBER_CHECK(d > 0, op, ": dilation must be positive, got ", d);
  EMBER_CHECK(p >= 0 && p <= k / 2, op, ": pad should be at most half of the kernel size, got padding ", p,
              " and kernel_size ", k);
  const int64_t L = input.size(-1);
  EMBER_CHECK(input.size(-2) > 0 && L > 0, op, ": expected input with non-zero C and L, got shape ", input.sizes());
  const int64_t out = pool_out(L, k, p, s, d, ceil_mode);
  EMBER_CHECK(out > 0, op, ": output size ", out, " is too small (input shape ", input.sizes(), ", kernel_size ", k,
              ", padding ", p, ", dilation ", d, ")");
  return Pool1d{input.unsqueeze(-2), {1, k}, {1, s}, {0, p}, {1, d}};
}

}  // namespace

std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                                                   IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  Pool1d P = pool1d_setup("max_pool1d", input, kernel_size, stride, padding, dilation, ceil_mode);
  // with H = 1 the flat index in each plane is the position along L
  auto [out, idx] = max_pool2d_with_indices(P.x, P.k, P.s, P.p, P.d, ceil_mode);
  return {out.squeeze(-2), idx.squeeze(-2)};
}

Tensor max_pool1d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                  IntArrayRef dilation, bool ceil_mode) {
  return std::get<0>(max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode));
}

Tensor avg_pool1d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                  bool count_include_pad) {
  const int64_t one = 1;
  Pool1d P = pool1d_setup("avg_pool1d", input, kernel_size, stride, padding, one, ceil_mode);
  return avg_pool2d(P.x, P.k, P.s, P.p, ceil_mode, count_include_pad).squeeze(-2);
}

Tensor adaptive_avg_pool1d(const Tensor& input, IntArrayRef output_size) {
  const char* op = "adaptive_avg_pool1d";
  detail::check_defined(input, op);
  EMBER_CHECK(input.dim() == 2 || input.dim() == 3, op,
              ": expected 2-D (unbatched) or 3-D (batched) input [N, C, L], got shape ", input.sizes());
  const int64_t o = single(output_size, op, "output_size");
  EMBER_CHECK(input.size(-1) > 0, op, ": expected input with non-zero L, got shape ", input.sizes());
  EMBER_CHECK(o >= 0, op, ": output_size must be non-negative, got ", o);
  return adaptive_avg_pool2d(input.unsqueeze(-2), std::vector<int64_t>{1, o}).squeeze(-2);
}

// ---- 3-D pooling
namespace {

struct Pool3d {
  Tensor x;  // [N, C, D, H, W]
  bool batched;
  std::vector<int64_t> k, s, p, d, in, out;  // (d, h, w) each
};

void check_pool3d_input(const char* op, const Tensor& input) {
  detail::check_defined(input, op);
  EMBER_CHECK(input.dim() == 4 || input.dim() == 5, op,
              ": expected 4-D (unbatched) or 5-D (batched) input [N, C, D, H, W], got shape ", input.sizes());
  for (int64_t i = input.dim() - 4; i < input.dim(); ++i)
    EMBER_CHECK(input.size(i) > 0, op, ": expected input with non-zero C, D, H and W, got shape ", input.sizes());
}

Pool3d pool3d_setup(const char* op, const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                    IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  check_pool3d_input(op, input);
  Pool3d r;
  r.k = detail::expand_n(kernel_size, 3, op, "kernel_size");
  r.s = stride.empty() ? r.k : detail::expand_n(stride, 3, op, "stride");
  r.p = detail::expand_n(padding, 3, op, "padding");
  r.d = detail::expand_n(dilation, 3, op, "dilation");
  for (int i = 0; i < 3; ++i) {
    EMBER_CHECK(r.k[i] > 0, op, ": kernel_size must be positive, got ", IntArrayRef(r.k));
    EMBER_CHECK(r.s[i] > 0, op, ": stride must be positive, got ", IntArrayRef(r.s));
    EMBER_CHECK(r.d[i] > 0, op, ": dilation must be positive, got ", IntArrayRef(r.d));
    EMBER_CHECK(r.p[i] >= 0 && r.p[i] <= r.k[i] / 2, op,
                ": pad should be at most half of the kernel size, got padding ", IntArrayRef(r.p), " and kernel_size ",
                IntArrayRef(r.k));
  }
  r.batched = input.dim() == 5;
  r.x = r.batched ? input : input.unsqueeze(0);
  for (int i = 0; i < 3; ++i) {
    r.in.push_back(r.x.size(2 + i));
    check_extent(op, input, r.in[i], r.k[i], r.p[i], r.d[i]);
    r.out.push_back(pool_out(r.in[i], r.k[i], r.p[i], r.s[i], r.d[i], ceil_mode));
  }
  EMBER_CHECK(r.out[0] > 0 && r.out[1] > 0 && r.out[2] > 0, op, ": output size ", r.out[0], "x", r.out[1], "x",
              r.out[2], " is too small (input shape ", input.sizes(), ", kernel_size ", IntArrayRef(r.k), ", padding ",
              IntArrayRef(r.p), ", dilation ", IntArrayRef(r.d), ")");
  return r;
}

// Runs the max_pool3d kernel over windows of x [N, C, D, H, W]; backward
// scatters the gradient at the indices, as max_pool2d's.
std::tuple<Tensor, Tensor> max_pool_windows(const char* op, const Tensor& x, const PoolWindows& w, bool batched) {
  EMBER_CHECK_TYPE(is_floating_point(x.dtype()), op, ": expected a floating-point input, got ", x.dtype());
  const int64_t N = x.size(0), C = x.size(1), P = x.size(2) * x.size(3) * x.size(4);
  const int64_t od = int64_t(w.start[0].size()), oh = int64_t(w.start[1].size()), ow = int64_t(w.start[2].size());
  const Tensor xc = x.detach().contiguous();
  Tensor out = empty({N, C, od, oh, ow}, x.options());
  Tensor idx = empty({N, C, od, oh, ow}, TensorOptions().dtype(kInt64).device(x.device()));
  if (out.numel() > 0) detail::kernel<MaxPool3dFn>(OpId::max_pool3d, x.device())(out, idx, xc, w);
  out = autograd::record(op, {x}, out, [idx, N, C, P, sizes = x.sizes().vec()](const Tensor& grad) {
    const int64_t L = idx.numel() / std::max<int64_t>(N * C, 1);
    Tensor gi = zeros({N * C, P}, grad.options());
    if (is_grad_enabled())  // create_graph: out of place, differentiable in grad
      gi = ember::scatter_add(gi, 1, idx.reshape({N * C, L}), grad.reshape({N * C, L}));
    else
      gi.scatter_add_(1, idx.reshape({N * C, L}), grad.reshape({N * C, L}));
    return tensor_list{gi.reshape(sizes)};
  });
  if (!batched) return {out.squeeze(0), idx.squeeze(0)};
  return {out, idx};
}

}  // namespace

std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride,
                                                   IntArrayRef padding, IntArrayRef dilation, bool ceil_mode) {
  const char* op = "max_pool3d";
  Pool3d P = pool3d_setup(op, input, kernel_size, stride, padding, dilation, ceil_mode);
  PoolWindows w;
  for (int i = 0; i < 3; ++i) {
    w.step[i] = P.d[i];
    for (int64_t o = 0; o < P.out[i]; ++o) {
      // first in-bounds tap of window o, and the end after its last tap
      int64_t a = o * P.s[i] - P.p[i];
      const int64_t b = std::min(a + (P.k[i] - 1) * P.d[i] + 1, P.in[i]);
      if (a < 0) a += (-a + P.d[i] - 1) / P.d[i] * P.d[i];  // a loop took -a / d steps
      w.start[i].push_back(a);
      w.end[i].push_back(b);
    }
  }
  return max_pool_windows(op, P.x, w, P.batched);
}

Tensor max_pool3d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding,
                  IntArrayRef dilation, bool ceil_mode) {
  return std::get<0>(max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode));
}

// avg_pool2d's method in 3-D: window sums from vol2col divided by the
// divisor, which factors into depth x rows x columns.
Tensor avg_pool3d(const Tensor& input, IntArrayRef kernel_size, IntArrayRef stride, IntArrayRef padding, bool ceil_mode,
                  bool count_include_pad, std::optional<int64_t> divisor_override) {
  const char* op = "avg_pool3d";
  const int64_t one = 1;
  Pool3d P = pool3d_setup(op, input, kernel_size, stride, padding, one, ceil_mode);
  EMBER_CHECK(!divisor_override || *divisor_override != 0, op, ": divisor must be not zero");
  // torch's avg_pool3d (not max_pool3d) wants each kernel extent within the
  // unpadded input
  EMBER_CHECK(P.in[0] >= P.k[0] && P.in[1] >= P.k[1] && P.in[2] >= P.k[2], op, ": input image (T: ", P.in[0],
              " H: ", P.in[1], " W: ", P.in[2], ") smaller than kernel size (kT: ", P.k[0], " kH: ", P.k[1],
              " kW: ", P.k[2], "), input shape ", input.sizes());
  EMBER_CHECK_TYPE(is_floating_point(input.dtype()), op, ": expected a floating-point input, got ", input.dtype());
  const Tensor& x = P.x;
  const int64_t N = x.size(0), C = x.size(1), K = P.k[0] * P.k[1] * P.k[2];
  const int64_t od = P.out[0], oh = P.out[1], ow = P.out[2];
  std::vector<double> dv(od * oh * ow);
  if (divisor_override) {
    std::fill(dv.begin(), dv.end(), double(*divisor_override));
  } else {
    std::vector<double> c[3];
    for (int i = 0; i < 3; ++i) {
      for (int64_t o = 0; o < P.out[i]; ++o) {
        int64_t a = o * P.s[i] - P.p[i], b = std::min(a + P.k[i], P.in[i] + P.p[i]);
        const int64_t padded = b - a;
        a = std::max<int64_t>(a, 0), b = std::min(b, P.in[i]);
        c[i].push_back(count_include_pad ? double(padded) : double(std::max<int64_t>(b - a, 0)));
      }
    }
    for (int64_t i = 0; i < od; ++i)
      for (int64_t j = 0; j < oh; ++j)
        for (int64_t l = 0; l < ow; ++l) {
          const double v = c[0][i] * c[1][j] * c[2][l];
          dv[(i * oh + j) * ow + l] = v > 0 ? v : 1.0;
        }
  }
  Tensor div = tensor(dv, TensorOptions().dtype(kFloat64)).to(x.device(), x.dtype()).reshape({od, oh, ow});
  ConvGeom3d g{P.k[0], P.s[0], P.p[0], 1, od, ConvGeom{P.k[1], P.k[2], P.s[1], P.s[2], P.p[1], P.p[2], 1, 1, oh, ow}};
  Tensor sums = detail::vol2col(x, g).reshape({C, K, N, od, oh, ow}).sum({1});  // [C, N, od, oh, ow]
  Tensor out = (sums / div).permute({1, 0, 2, 3, 4}).contiguous();
  return P.batched ? out : out.squeeze(0);
}

namespace {

std::vector<int64_t> adaptive3d_setup(const char* op, const Tensor& input, IntArrayRef output_size) {
  check_pool3d_input(op, input);
  auto o = detail::expand_n(output_size, 3, op, "output_size");
  EMBER_CHECK(o[0] >= 0 && o[1] >= 0 && o[2] >= 0, op, ": output_size must be non-negative, got ", IntArrayRef(o));
  EMBER_CHECK_TYPE(is_floating_point(input.dtype()), op, ": expected a floating-point input, got ", input.dtype());
  check_adaptive_output(op, input, o);
  return o;
}

}  // namespace

Tensor adaptive_avg_pool3d(const Tensor& input, IntArrayRef output_size) {
  const char* op = "adaptive_avg_pool3d";
  auto o = adaptive3d_setup(op, input, output_size);
  const int64_t D = input.size(-3), H = input.size(-2), W = input.size(-1);
  if (o[0] == 1 && o[1] == 1 && o[2] == 1) return input.mean({-3, -2, -1}, true);
  if (o[0] == D && o[1] == H && o[2] == W) return input.clone();
  const bool batched = input.dim() == 5;
  const Tensor x = batched ? input : input.unsqueeze(0);
  Tensor out = avg_windows(op, x, adaptive_windows(x, o));
  return batched ? out : out.squeeze(0);
}

std::tuple<Tensor, Tensor> adaptive_max_pool3d_with_indices(const Tensor& input, IntArrayRef output_size) {
  const char* op = "adaptive_max_pool3d";
  auto o = adaptive3d_setup(op, input, output_size);
  const bool batched = input.dim() == 5;
  Tensor x = batched ? input : input.unsqueeze(0);
  return max_pool_windows(op, x, adaptive_windows(x, o), batched);
}

Tensor adaptive_max_pool3d(const Tensor& input, IntArrayRef output_size) {
  return std::get<0>(adaptive_max_pool3d_with_indices(input, output_size));
}

// ---- adaptive max pooling in 1-D and 2-D: the max_pool3d kernel's windows
// with depth (and height) 1, so the indices come out flat in each plane
// (h W + w), or as positions along L, as torch's.
namespace {

// k: spatial dims (1 or 2); o: k output sizes.
std::tuple<Tensor, Tensor> adaptive_max_pool_nd(const char* op, const Tensor& input, const std::vector<int64_t>& o,
                                                int k) {
  const bool batched = input.dim() == k + 2;
  EMBER_CHECK(input.dim() == k + 1 || batched, op, ": expected ", k + 1, "-D (unbatched) or ", k + 2,
              "-D (batched) input ", k == 1 ? "[N, C, L]" : "[N, C, H, W]", ", got shape ", input.sizes());
  for (int64_t i = input.dim() - k - 1; i < input.dim(); ++i)
    EMBER_CHECK(input.size(i) > 0, op, ": expected input with non-zero ", k == 1 ? "C and L" : "C, H and W",
                ", got shape ", input.sizes());
  for (int64_t v : o)
    EMBER_CHECK(v >= 0, op, ": output_size must be non-negative, got ", IntArrayRef(o));
  check_adaptive_output(op, input, o);  // before the O(output_size) window loops
  Tensor x = batched ? input : input.unsqueeze(0);
  for (int i = k; i < 3; ++i) x = x.unsqueeze(2);  // [N, C, 1, (1,) H, W]
  std::vector<int64_t> o3(3, 1);  // depth (and height) 1
  for (int i = 0; i < k; ++i) o3[size_t(3 - k + i)] = o[size_t(i)];
  auto [out, idx] = max_pool_windows(op, x, adaptive_windows(x, o3), true);
  for (int i = k; i < 3; ++i) out = out.squeeze(2), idx = idx.squeeze(2);
  if (!batched) return {out.squeeze(0), idx.squeeze(0)};
  return {out, idx};
}

}  // namespace

std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input, IntArrayRef output_size) {
  const char* op = "adaptive_max_pool2d";
  detail::check_defined(input, op);
  return adaptive_max_pool_nd(op, input, detail::expand_pair(output_size, op, "output_size"), 2);
}

Tensor adaptive_max_pool2d(const Tensor& input, IntArrayRef output_size) {
  return std::get<0>(adaptive_max_pool2d_with_indices(input, output_size));
}

std::tuple<Tensor, Tensor> adaptive_max_pool1d_with_indices(const Tensor& input, IntArrayRef output_size) {
  const char* op = "adaptive_max_pool1d";
  detail::check_defined(input, op);
  return adaptive_max_pool_nd(op, input, {single(output_size, op, "output_size")}, 1);
}

Tensor adaptive_max_pool1d(const Tensor& input, IntArrayRef output_size) {
  return std::get<0>(adaptive_max_pool1d_with_indices(input, output_size));
}

}  // namespace ember
