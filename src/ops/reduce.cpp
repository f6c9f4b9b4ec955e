// Reductions, scans, softmax and sorting: front ends and backward formulas.
//
// A reduction moves its reduced dims to the end of a view (no copy) and
// hands it to a ReduceFn kernel with a contiguous output; see
// kernels/cpu/reduce.cpp. Backward formulas are ember ops, so they run on
// every device and differentiate again.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "ops/ops_common.h"

namespace ember {

namespace detail {
// torch's names in the messages torch writes with them ("Got: Long")
const char* torch_name(ScalarType t) {
  switch (t) {
    case kBool: return "Bool";
    case kUInt8: return "Byte";
    case kInt8: return "Char";
    case kInt16: return "Short";
    case kInt32: return "Int";
    case kInt64: return "Long";
    case kFloat16: return "Half";
    case kBFloat16: return "BFloat16";
    case kFloat32: return "Float";
    case kFloat64: return "Double";
    default: return "Undefined";
  }
}
}  // namespace detail

namespace {

using autograd::GradMask;
using DimMask = std::vector<bool>;

using detail::torch_name;

void check_input(const Tensor& t, const char* op) {
  EMBER_CHECK(t.defined(), op, ": expected a defined tensor, got an undefined one");
}

// Which dims are reduced; an empty list selects all. A 0-d tensor accepts
// dims 0 and -1 and has nothing to reduce (an empty mask).
DimMask reduce_mask(const Tensor& x, IntArrayRef dims, const char* op) {
  const int64_t nd = x.dim();
  DimMask mask(nd, dims.empty());
  for (int64_t d : dims) {
    int64_t w = detail::wrap_dim(d, nd, op);
    if (nd == 0) continue;
    EMBER_CHECK(!mask[w], op, ": dim ", w, " appears multiple times in the list of dims");
    mask[w] = true;
  }
  return mask;
}
DimMask one_dim_mask(const Tensor& x, int64_t dim, const char* op) {
  int64_t w = detail::wrap_dim(dim, x.dim(), op);
  DimMask mask(x.dim(), false);
  if (x.dim() > 0) mask[w] = true;
  return mask;
}

int64_t reduced_numel(const Tensor& x, const DimMask& mask) {
  int64_t n = 1;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) n *= x.size(int64_t(d));
  return n;
}

Shape reduced_shape(const Tensor& x, const DimMask& mask, bool keepdim) {
  Shape s;
  for (size_t d = 0; d < mask.size(); ++d) {
    if (!mask[d]) s.push_back(x.size(int64_t(d)));
    else if (keepdim) s.push_back(1);
  }
  return s;
}

// Ops without an identity (max, amin, argmax...) refuse empty reductions.
void check_nonempty(const Tensor& x, const DimMask& mask, const char* op) {
  for (size_t d = 0; d < mask.size(); ++d)
    EMBER_CHECK_INDEX(!mask[d] || x.size(int64_t(d)) != 0, op, "(): Expected reduction dim ", d,
                " to have non-zero size (input shape ", x.sizes(), ")");
}

// Runs a ReduceFn kernel: the reduced dims go last in a view of x.
Tensor reduce_raw(OpId op, const Tensor& x, const DimMask& mask, bool keepdim, ScalarType out_dtype) {
  Shape sizes, strides;
  int64_t nreduce = 0;
  for (size_t d = 0; d < mask.size(); ++d)
    if (!mask[d]) {
      sizes.push_back(x.size(int64_t(d)));
      strides.push_back(x.stride(int64_t(d)));
    }
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) {
      sizes.push_back(x.size(int64_t(d)));
      strides.push_back(x.stride(int64_t(d)));
      ++nreduce;
    }
  Tensor view = detail::make_view(x, sizes, strides, x.storage_offset());
  Tensor out = detail::make_tensor(reduced_shape(x, mask, keepdim), out_dtype, x.device());
  detail::kernel<ReduceFn>(op, x.device())(out, view, nreduce);
  return out;
}

// A reduction's gradient (or output) with its reduced dims put back as 1s,
// so it broadcasts against the input.
Tensor restore_dims(const Tensor& g, const DimMask& mask, bool keepdim) {
  if (keepdim) return g;
  Tensor r = g;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) r = r.unsqueeze(int64_t(d));
  return r;
}

// sum/prod/cumsum of integers and bool accumulate in int64, as torch
ScalarType accumulate_type(ScalarType t, std::optional<ScalarType> dtype) {
  if (dtype) return *dtype;
  return is_integral(t, /*include_bool=*/true) ? kInt64 : t;
}
Tensor cast_to(const Tensor& t, ScalarType dtype) { return t.dtype() == dtype ? t : t.to(dtype); }

void check_float(const Tensor& t, const char* op) {
  EMBER_CHECK(is_floating_point(t.dtype()), op, ": expected a floating-point input, got ", t.dtype(),
              " (shape ", t.sizes(), ")");
}

// The gradient of max/min over several dims: split evenly among ties, as
// torch's amax (NaN ties with NaN).
Tensor evenly_distribute(const Tensor& g, const Tensor& x, const Tensor& y, const DimMask& mask, bool keepdim) {
  Tensor yr = restore_dims(y, mask, keepdim);
  Tensor hit, count;
  {
    NoGradGuard no_grad;
    hit = logical_or(eq(x, yr), logical_and(isnan(x), isnan(yr))).to(x.dtype());
    std::vector<int64_t> dims;
    for (size_t d = 0; d < mask.size(); ++d)
      if (mask[d]) dims.push_back(int64_t(d));
    count = dims.empty() ? hit : sum(hit, dims, true);
  }
  return restore_dims(g, mask, keepdim) / count * hit;
}

// The gradient of an op that picked `index` along dim (max(dim), sort,
// topk): zeros with g placed at the picked positions.
Tensor place_at_indices(const Tensor& g, const Tensor& index, int64_t dim, const Shape& sizes) {
  if (sizes.size() == 0) return g;
  return scatter(zeros(sizes, g.options()), dim, index, g);
}

std::vector<int64_t> mask_dims(const DimMask& mask) {
  std::vector<int64_t> dims;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) dims.push_back(int64_t(d));
  return dims;
}

// ------------------------------------------------------------ sum, mean

// `name` carries torch's overload number: sum() is SumBackward0,
// sum(dim) SumBackward1 (see backward_name).
Tensor sum_impl(const Tensor& input, const DimMask& mask, bool keepdim, std::optional<ScalarType> dtype,
                const char* name = "sum1") {
  Tensor x = cast_to(input, accumulate_type(input.dtype(), dtype));
  Tensor out = reduce_raw(OpId::reduce_sum, x, mask, keepdim, x.dtype());
  // d sum / dx = 1: the gradient broadcast back over the reduced dims
  return autograd::record(name, {x}, out, [mask, keepdim, sizes = Shape(x.sizes())](const Tensor& grad) {
    return tensor_list{restore_dims(grad, mask, keepdim).expand(sizes)};
  });
}

Tensor mean_impl(const Tensor& input, const DimMask& mask, bool keepdim, std::optional<ScalarType> dtype,
                 const char* name = "mean1") {
  ScalarType t = dtype ? *dtype : input.dtype();
  EMBER_CHECK(is_floating_point(t), "mean(): could not infer output dtype. ",
              dtype ? "Optional" : "Input", " dtype must be either a floating point or complex dtype. Got: ",
              torch_name(t));
  Tensor x = cast_to(input, t);
  const int64_t n = reduced_numel(x, mask);
  Tensor out;
  {
    NoGradGuard no_grad;
    out = reduce_raw(OpId::reduce_sum, x, mask, keepdim, t);
    out = div(out, Scalar(double(n)));  // n == 0 gives NaN, as torch
  }
  return autograd::record(name, {x}, out, [mask, keepdim, n, sizes = Shape(x.sizes())](const Tensor& grad) {
    return tensor_list{restore_dims(grad, mask, keepdim).expand(sizes) / double(n)};
  });
}

// ------------------------------------------------------------ prod

// [..., L, ...] -> product of the elements before each one along dim
Tensor exclusive_cumprod(const Tensor& v, int64_t dim) {
  const int64_t L = v.size(dim);
  Tensor first = ones_like(narrow(v, dim, 0, 1));
  if (L == 1) return first;
  return cat({first, cumprod(narrow(v, dim, 0, L - 1), dim)}, dim);
}

Tensor prod_impl(const Tensor& input, std::optional<int64_t> dim, bool keepdim, std::optional<ScalarType> dtype) {
  Tensor x = cast_to(input, accumulate_type(input.dtype(), dtype));
  DimMask mask = dim ? one_dim_mask(x, *dim, "prod") : DimMask(x.dim(), true);
  const int64_t d = dim ? detail::wrap_dim(*dim, x.dim(), "prod") : 0;
  Tensor out = reduce_raw(OpId::reduce_prod, x, mask, keepdim, x.dtype());
  // Without zeros, d prod / dx_i = prod / x_i. With zeros that divides by
  // zero, so the product of the other elements is built from exclusive
  // cumprods from both ends (torch's prod_safe_zeros_backward).
  return autograd::record(
      "prod", {x}, out,
      [sx = autograd::save(x), sy = autograd::save_output(out), mask, keepdim, d, has_dim = bool(dim)](
          const Tensor& grad) {
        Tensor x = sx.get();
        if (x.numel() == 0) return tensor_list{zeros_like(x)};
        Tensor gr = restore_dims(grad, mask, keepdim);
        bool has_zero;
        {
          NoGradGuard no_grad;
          has_zero = any(eq(x, 0)).item<bool>();
        }
        if (!has_zero) return tensor_list{gr * restore_dims(sy.get(), mask, keepdim) / x};
        Tensor v = has_dim && x.dim() > 0 ? x : x.reshape({-1});
        const int64_t vd = has_dim && x.dim() > 0 ? d : 0;
        Tensor others = exclusive_cumprod(v, vd) * flip(exclusive_cumprod(flip(v, {vd}), vd), {vd});
        return tensor_list{gr * others.reshape(x.sizes())};
      });
}

// ------------------------------------------------------------ var, std

Tensor check_var_input(const Tensor& input, const char* op) {
  check_input(input, op);
  EMBER_CHECK(is_floating_point(input.dtype()), op,
              ": std and var only support floating point and complex dtypes, got ", input.dtype());
  return input;
}

// Two passes: the mean, then the squared deviations. Composed of ember
// ops, so its gradient 2 (x - mean) / (N - correction) comes for free.
Tensor var_impl(const Tensor& input, IntArrayRef dim, int64_t correction, bool keepdim, const char* op) {
  check_var_input(input, op);
  DimMask mask = reduce_mask(input, dim, op);
  const int64_t n = reduced_numel(input, mask);
  Tensor dev = input - mean_impl(input, mask, true, std::nullopt);
  Tensor ss = sum_impl(dev * dev, mask, keepdim, std::nullopt);
  // N <= correction divides by zero: inf or NaN, as torch
  return ss / double(std::max<int64_t>(n - correction, 0));
}

// ------------------------------------------------------------ max, min

Tensor extreme_all(const Tensor& input, bool is_max) {
  const char* op = is_max ? "max" : "min";
  const char* node = is_max ? "max1" : "min1";  // torch: MaxBackward1 for the full reduction
  check_input(input, op);
  EMBER_CHECK(input.numel() > 0, op,
              "(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim "
              "with the 'dim' argument.");
  DimMask mask(input.dim(), true);
  Tensor out = reduce_raw(is_max ? OpId::reduce_max : OpId::reduce_min, input, mask, false, input.dtype());
  return autograd::record(node, {input}, out, [sx = autograd::save(input), sy = autograd::save_output(out), mask](
                                                  const Tensor& grad) {
    return tensor_list{evenly_distribute(grad, sx.get(), sy.get(), mask, false)};
  });
}

Tensor extreme_dims(const Tensor& input, IntArrayRef dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "amax" : "amin";
  check_input(input, op);
  DimMask mask = reduce_mask(input, dim, op);
  check_nonempty(input, mask, op);
  Tensor out = reduce_raw(is_max ? OpId::reduce_max : OpId::reduce_min, input, mask, keepdim, input.dtype());
  return autograd::record(op, {input}, out,
                          [sx = autograd::save(input), sy = autograd::save_output(out), mask, keepdim](
                              const Tensor& grad) {
                            return tensor_list{evenly_distribute(grad, sx.get(), sy.get(), mask, keepdim)};
                          });
}

std::tuple<Tensor, Tensor> extreme_dim(const Tensor& input, int64_t dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "max" : "min";
  check_input(input, op);
  DimMask mask = one_dim_mask(input, dim, op);
  const int64_t d = detail::wrap_dim(dim, input.dim(), op);
  check_nonempty(input, mask, op);
  Tensor values = reduce_raw(is_max ? OpId::reduce_max : OpId::reduce_min, input, mask, keepdim, input.dtype());
  Tensor indices = reduce_raw(is_max ? OpId::reduce_argmax : OpId::reduce_argmin, input, mask, keepdim, kInt64);
  // the gradient goes to the selected element only (torch's
  // value_selecting_reduction_backward)
  values = autograd::record(op, {input}, values,
                            [si = autograd::save(indices), mask, keepdim, d, sizes = Shape(input.sizes())](
                                const Tensor& grad) {
                              return tensor_list{place_at_indices(restore_dims(grad, mask, keepdim),
                                                                  restore_dims(si.get(), mask, keepdim), d,
                                                                  sizes)};
                            });
  return {values, indices};
}

Tensor arg_extreme(const Tensor& input, std::optional<int64_t> dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "argmax" : "argmin";
  check_input(input, op);
  DimMask mask;
  if (dim) {
    mask = one_dim_mask(input, *dim, op);
    check_nonempty(input, mask, op);
  } else {
    EMBER_CHECK_INDEX(input.numel() > 0, op,
                      "(): Expected reduction dim to be specified for input.numel() == 0 (input shape ",
                input.sizes(), ")");
    mask = DimMask(input.dim(), true);
  }
  return reduce_raw(is_max ? OpId::reduce_argmax : OpId::reduce_argmin, input, mask, keepdim, kInt64);
}

// ------------------------------------------------------------ all, any

Tensor all_any(const Tensor& input, const DimMask& mask, bool keepdim, bool is_all) {
  Tensor b = input.dtype() == kBool ? input : ne(input.detach(), Scalar(0));
  // all = min over bool (identity true), any = max (identity false)
  Tensor out = reduce_raw(is_all ? OpId::reduce_min : OpId::reduce_max, b, mask, keepdim, kBool);
  return input.dtype() == kUInt8 ? out.to(kUInt8) : out;  // torch keeps uint8
}

// ------------------------------------------------------------ softmax

Tensor softmax_impl(const Tensor& input, int64_t dim, std::optional<ScalarType> dtype, bool log) {
  const char* op = log ? "log_softmax" : "softmax";
  check_input(input, op);
  Tensor x = dtype ? cast_to(input, *dtype) : input;
  check_float(x, op);
  const int64_t d = detail::wrap_dim(dim, x.dim(), op);
  Tensor out = detail::make_tensor(x.sizes(), x.dtype(), x.device());
  detail::kernel<SoftmaxFn>(log ? OpId::log_softmax : OpId::softmax, x.device())(out, x, d);
  // softmax:     grad_input = y * (g - sum(g * y))
  // log_softmax: grad_input = g - exp(y) * sum(g)
  // Written with ember ops so it differentiates again; without grad mode
  // (create_graph = false) the fused kernel computes the same thing.
  return autograd::record(op, {x}, out, [sy = autograd::save_output(out), d, log](const Tensor& grad) {
    Tensor y = sy.get();
    if (y.dim() == 0) return tensor_list{log ? grad - grad : grad * 0};
    if (!is_grad_enabled() && grad.dtype() == y.dtype() && grad.device() == y.device()) {
      Tensor gi = detail::make_tensor(y.sizes(), y.dtype(), y.device());
      detail::kernel<SoftmaxBackwardFn>(log ? OpId::log_softmax_backward : OpId::softmax_backward, y.device())(
          gi, grad, y, d);
      return tensor_list{gi};
    }
    if (log) return tensor_list{grad - exp(y) * sum(grad, d, true)};
    return tensor_list{y * (grad - sum(grad * y, d, true))};
  });
}

// ------------------------------------------------------------ sorting

std::tuple<Tensor, Tensor> sort_raw(const Tensor& input, int64_t d, bool descending) {
  Tensor values = detail::make_tensor(input.sizes(), input.dtype(), input.device());
  Tensor indices = detail::make_tensor(input.sizes(), kInt64, input.device());
  detail::kernel<SortFn>(OpId::sort, input.device())(values, indices, input, d, descending);
  return {values, indices};
}

Tensor record_selection(const char* op, const Tensor& input, Tensor values, const Tensor& indices, int64_t d) {
  return autograd::record(op, {input}, values,
                          [si = autograd::save(indices), d, sizes = Shape(input.sizes())](const Tensor& grad) {
                            return tensor_list{place_at_indices(grad, si.get(), d, sizes)};
                          });
}

}  // namespace

// ============================================================ public API

Tensor sum(const Tensor& input, std::optional<ScalarType> dtype) {
  check_input(input, "sum");
  return sum_impl(input, DimMask(input.dim(), true), false, dtype, "sum0");
}
Tensor sum(const Tensor& input, IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) {
  check_input(input, "sum");
  return sum_impl(input, reduce_mask(input, dim, "sum"), keepdim, dtype);
}

Tensor mean(const Tensor& input, std::optional<ScalarType> dtype) {
  check_input(input, "mean");
  return mean_impl(input, DimMask(input.dim(), true), false, dtype, "mean0");
}
Tensor mean(const Tensor& input, IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) {
  check_input(input, "mean");
  return mean_impl(input, reduce_mask(input, dim, "mean"), keepdim, dtype);
}

Tensor prod(const Tensor& input, std::optional<ScalarType> dtype) {
  check_input(input, "prod");
  return prod_impl(input, std::nullopt, false, dtype);
}
Tensor prod(const Tensor& input, int64_t dim, bool keepdim, std::optional<ScalarType> dtype) {
  check_input(input, "prod");
  return prod_impl(input, dim, keepdim, dtype);
}

Tensor var(const Tensor& input, IntArrayRef dim, int64_t correction, bool keepdim) {
  return var_impl(input, dim, correction, keepdim, "var");
}
Tensor std(const Tensor& input, IntArrayRef dim, int64_t correction, bool keepdim) {
  return sqrt(var_impl(input, dim, correction, keepdim, "std"));
}
std::tuple<Tensor, Tensor> var_mean(const Tensor& input, IntArrayRef dim, int64_t correction, bool keepdim) {
  Tensor v = var_impl(input, dim, correction, keepdim, "var_mean");
  return {v, mean_impl(input, reduce_mask(input, dim, "var_mean"), keepdim, std::nullopt)};
}

Tensor max(const Tensor& input) { return extreme_all(input, true); }
Tensor min(const Tensor& input) { return extreme_all(input, false); }
std::tuple<Tensor, Tensor> max(const Tensor& input, int64_t dim, bool keepdim) {
  return extreme_dim(input, dim, keepdim, true);
}
std::tuple<Tensor, Tensor> min(const Tensor& input, int64_t dim, bool keepdim) {
  return extreme_dim(input, dim, keepdim, false);
}
Tensor amax(const Tensor& input, IntArrayRef dim, bool keepdim) { return extreme_dims(input, dim, keepdim, true); }
Tensor amin(const Tensor& input, IntArrayRef dim, bool keepdim) { return extreme_dims(input, dim, keepdim, false); }
Tensor argmax(const Tensor& input, std::optional<int64_t> dim, bool keepdim) {
  return arg_extreme(input, dim, keepdim, true);
}
Tensor argmin(const Tensor& input, std::optional<int64_t> dim, bool keepdim) {
  return arg_extreme(input, dim, keepdim, false);
}

Tensor logsumexp(const Tensor& input, IntArrayRef dim, bool keepdim) {
  check_input(input, "logsumexp");
  Tensor x = is_floating_point(input.dtype()) ? input : input.to(get_default_dtype());
  DimMask mask = reduce_mask(x, dim, "logsumexp");
  std::vector<int64_t> dims = mask_dims(mask);
  Tensor out;
  {
    // log sum exp(x - m) + m with m the max (0 where it is infinite, so
    // all -inf gives -inf and +inf gives +inf)
    NoGradGuard no_grad;
    if (reduced_numel(x, mask) == 0 || dims.empty()) {
      out = dims.empty() ? x.clone() : log(sum_impl(exp(x), mask, keepdim, std::nullopt));
    } else {
      Tensor m = reduce_raw(OpId::reduce_max, x, mask, true, x.dtype());
      m = where(isinf(m), Scalar(0.0), m);
      Tensor s = log(sum_impl(exp(x - m), mask, true, std::nullopt)) + m;
      out = keepdim ? s : s.reshape(reduced_shape(x, mask, false));
    }
  }
  // d/dx logsumexp = exp(x - out) (softmax over the reduced dims)
  return autograd::record("logsumexp", {x}, out,
                          [sx = autograd::save(x), sy = autograd::save_output(out), mask, keepdim](
                              const Tensor& grad) {
                            return tensor_list{restore_dims(grad, mask, keepdim) *
                                               exp(sx.get() - restore_dims(sy.get(), mask, keepdim))};
                          });
}

Tensor norm(const Tensor& input, const Scalar& p) { return norm(input, p, {}, false); }
Tensor norm(const Tensor& input, const Scalar& p, IntArrayRef dim, bool keepdim) {
  check_input(input, "norm");
  EMBER_CHECK(is_floating_point(input.dtype()),
              "linalg.vector_norm: Expected a floating point or complex tensor as input. Got ",
              torch_name(input.dtype()));
  DimMask mask = reduce_mask(input, dim, "norm");
  const double pv = p.to_double();
  const bool inf = std::isinf(pv);
  if (inf) check_nonempty(input, mask, pv > 0 ? "linalg.vector_norm(inf)" : "linalg.vector_norm(-inf)");
  Tensor out;
  {
    NoGradGuard no_grad;
    if (pv == 2) out = sqrt(sum_impl(input * input, mask, keepdim, std::nullopt));
    else if (pv == 1) out = sum_impl(abs(input), mask, keepdim, std::nullopt);
    else if (inf)
      out = reduce_raw(pv > 0 ? OpId::reduce_max : OpId::reduce_min, abs(input), mask, keepdim, input.dtype());
    else if (pv == 0) out = sum_impl(ne(input, Scalar(0)).to(input.dtype()), mask, keepdim, std::nullopt);
    else {
      Tensor s = sum_impl(pow(abs(input), pv), mask, keepdim, std::nullopt);
      // a huge p: 1/p rounds to 0 in float32 and s^0 = 1 for s = 0; take the root in float64
      if (input.dtype() != kFloat64 && static_cast<float>(1.0 / pv) == 0.0f)
        out = pow(s.to(kFloat64), 1.0 / pv).to(input.dtype());
      else
        out = pow(s, 1.0 / pv);
    }
  }
  // p = 2: x / |x|; p = 1: sign(x); inf: sign(x) split among the elements
  // that reach the max; general p: x |x|^(p-2) / |x|_p^(p-1). A zero norm
  // gives a zero gradient, as torch.
  return autograd::record(
      "norm", {input}, out,
      [sx = autograd::save(input), sy = autograd::save_output(out), mask, keepdim, pv, inf](const Tensor& grad) {
        Tensor x = sx.get();
        Tensor gr = restore_dims(grad, mask, keepdim);
        Tensor yr = restore_dims(sy.get(), mask, keepdim);
        if (pv == 0) return tensor_list{zeros_like(x)};
        if (pv == 1) return tensor_list{gr * sign(x)};
        if (pv == 2) return tensor_list{x * where(eq(yr, 0), Scalar(0.0), gr / yr)};
        if (inf) {
          Tensor hit, count;
          {
            NoGradGuard no_grad;
            hit = eq(abs(x), yr).to(x.dtype());
            std::vector<int64_t> dims = mask_dims(mask);
            count = dims.empty() ? hit : sum(hit, dims, true);
          }
          return tensor_list{sign(x) * hit * (gr / count)};
        }
        Tensor scale = where(eq(yr, 0), Scalar(0.0), gr / pow(yr, pv - 1));
        return tensor_list{x * pow(abs(x), pv - 2) * scale};
      });
}

Tensor all(const Tensor& input) {
  check_input(input, "all");
  return all_any(input, DimMask(input.dim(), true), false, true);
}
Tensor all(const Tensor& input, int64_t dim, bool keepdim) {
  check_input(input, "all");
  return all_any(input, one_dim_mask(input, dim, "all"), keepdim, true);
}
Tensor any(const Tensor& input) {
  check_input(input, "any");
  return all_any(input, DimMask(input.dim(), true), false, false);
}
Tensor any(const Tensor& input, int64_t dim, bool keepdim) {
  check_input(input, "any");
  return all_any(input, one_dim_mask(input, dim, "any"), keepdim, false);
}
Tensor count_nonzero(const Tensor& input, IntArrayRef dim) {
  check_input(input, "count_nonzero");
  DimMask mask = reduce_mask(input, dim, "count_nonzero");
  Tensor b = ne(input.detach(), Scalar(0)).to(kInt64);
  return reduce_raw(OpId::reduce_sum, b, mask, false, kInt64);
}

Tensor cumsum(const Tensor& input, int64_t dim, std::optional<ScalarType> dtype) {
  check_input(input, "cumsum");
  const int64_t d = detail::wrap_dim(dim, input.dim(), "cumsum");
  Tensor x = cast_to(input, accumulate_type(input.dtype(), dtype));
  Tensor out = detail::make_tensor(x.sizes(), x.dtype(), x.device());
  detail::kernel<ScanFn>(OpId::cumsum, x.device())(out, x, d);
  // each x_i feeds every later output: a reversed cumsum of the gradient
  return autograd::record("cumsum", {x}, out, [d](const Tensor& grad) {
    if (grad.dim() == 0) return tensor_list{grad};
    return tensor_list{flip(cumsum(flip(grad, {d}), d), {d})};
  });
}

Tensor cumprod(const Tensor& input, int64_t dim, std::optional<ScalarType> dtype) {
  check_input(input, "cumprod");
  const int64_t d = detail::wrap_dim(dim, input.dim(), "cumprod");
  Tensor x = cast_to(input, accumulate_type(input.dtype(), dtype));
  Tensor out = detail::make_tensor(x.sizes(), x.dtype(), x.device());
  detail::kernel<ScanFn>(OpId::cumprod, x.device())(out, x, d);
  // d y_k / d x_i = y_k / x_i for k >= i, so grad_input is the reversed
  // cumsum of grad * y, divided by x. This formula assumes no zeros in x
  // (a zero gives inf/NaN); torch has an exact path for that case.
  return autograd::record("cumprod", {x}, out,
                          [sx = autograd::save(x), sy = autograd::save_output(out), d](const Tensor& grad) {
                            Tensor x = sx.get();
                            if (grad.dim() == 0) return tensor_list{grad};
                            Tensor gy = grad * sy.get();
                            return tensor_list{flip(cumsum(flip(gy, {d}), d), {d}) / x};
                          });
}

Tensor softmax(const Tensor& input, int64_t dim, std::optional<ScalarType> dtype) {
  return softmax_impl(input, dim, dtype, false);
}
Tensor log_softmax(const Tensor& input, int64_t dim, std::optional<ScalarType> dtype) {
  return softmax_impl(input, dim, dtype, true);
}

std::tuple<Tensor, Tensor> sort(const Tensor& input, int64_t dim, bool descending, bool stable) {
  check_input(input, "sort");
  const int64_t d = detail::wrap_dim(dim, input.dim(), "sort");
  auto [values, indices] = sort_raw(input, d, descending);  // always stable
  values = record_selection("sort", input, values, indices, d);
  return {values, indices};
}

Tensor argsort(const Tensor& input, int64_t dim, bool descending) {
  check_input(input, "argsort");
  const int64_t d = detail::wrap_dim(dim, input.dim(), "argsort");
  return std::get<1>(sort_raw(input, d, descending));
}

std::tuple<Tensor, Tensor> topk(const Tensor& input, int64_t k, int64_t dim, bool largest, bool sorted) {
  check_input(input, "topk");
  const int64_t d = detail::wrap_dim(dim, input.dim(), "topk");
  const int64_t L = input.dim() == 0 ? 1 : input.size(d);
  EMBER_CHECK(k >= 0 && k <= L, "topk: k (", k, ") is out of range for dim ", d, " of size ", L,
              " (input shape ", input.sizes(), ")");
  // a full stable sort; the k first of each line are the answer (also
  // when sorted = false, which allows any order)
  auto [sv, si] = sort_raw(input, d, largest);
  Tensor values = sv, indices = si;
  if (input.dim() > 0 && k < L) {
    values = narrow(sv, d, 0, k).contiguous();
    indices = narrow(si, d, 0, k).contiguous();
  }
  values = record_selection("topk", input, values, indices, d);
  return {values, indices};
}

std::tuple<Tensor, Tensor, Tensor> unique(const Tensor& input, bool sorted, bool return_inverse,
                                          bool return_counts) {
  check_input(input, "unique");
  // host work: sort the flat values, then cut them into runs of equal ones
  Tensor flat = input.detach().reshape({-1}).cpu().contiguous();
  auto [sv, si] = sort_raw(flat, 0, false);
  const int64_t n = flat.numel();
  std::vector<int64_t> group(n);  // run number of sorted element i
  std::vector<int64_t> starts;
  dispatch_types<AllTypes>(flat.dtype(), "unique", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    using A = opmath_t<T>;
    const T* v = sv.data_ptr<T>();
    for (int64_t i = 0; i < n; ++i) {
      // != keeps every NaN apart, as torch on the CPU
      if (i == 0 || static_cast<A>(v[i]) != static_cast<A>(v[i - 1])) starts.push_back(i);
      group[i] = int64_t(starts.size()) - 1;
    }
  });
  const int64_t nu = int64_t(starts.size());
  Tensor values = detail::make_tensor({nu}, flat.dtype(), flat.device());
  const size_t isz = itemsize(flat.dtype());
  for (int64_t u = 0; u < nu; ++u)
    std::memcpy(static_cast<char*>(values.data_ptr()) + u * isz,
                static_cast<const char*>(sv.data_ptr()) + starts[u] * isz, isz);
  Tensor inverse, counts;
  if (return_inverse) {
    inverse = detail::make_tensor(input.sizes(), kInt64, flat.device());
    int64_t* inv = inverse.data_ptr<int64_t>();
    const int64_t* perm = si.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) inv[perm[i]] = group[i];
    inverse = inverse.to(input.device());
  }
  if (return_counts) {
    counts = detail::make_tensor({nu}, kInt64, flat.device());
    int64_t* c = counts.data_ptr<int64_t>();
    for (int64_t u = 0; u < nu; ++u) c[u] = (u + 1 < nu ? starts[u + 1] : n) - starts[u];
    counts = counts.to(input.device());
  }
  return {values.to(input.device()), inverse, counts};
}

// ============================================================ Tensor methods

Tensor Tensor::sum(std::optional<ScalarType> dtype) const { return ember::sum(*this, dtype); }
Tensor Tensor::sum(IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) const {
  return ember::sum(*this, dim, keepdim, dtype);
}
Tensor Tensor::mean(std::optional<ScalarType> dtype) const { return ember::mean(*this, dtype); }
Tensor Tensor::mean(IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) const {
  return ember::mean(*this, dim, keepdim, dtype);
}
Tensor Tensor::prod(std::optional<ScalarType> dtype) const { return ember::prod(*this, dtype); }
Tensor Tensor::prod(int64_t dim, bool keepdim, std::optional<ScalarType> dtype) const {
  return ember::prod(*this, dim, keepdim, dtype);
}
Tensor Tensor::var(IntArrayRef dim, int64_t correction, bool keepdim) const {
  return ember::var(*this, dim, correction, keepdim);
}
Tensor Tensor::std(IntArrayRef dim, int64_t correction, bool keepdim) const {
  return ember::std(*this, dim, correction, keepdim);
}
Tensor Tensor::max() const { return ember::max(*this); }
std::tuple<Tensor, Tensor> Tensor::max(int64_t dim, bool keepdim) const { return ember::max(*this, dim, keepdim); }
Tensor Tensor::min() const { return ember::min(*this); }
std::tuple<Tensor, Tensor> Tensor::min(int64_t dim, bool keepdim) const { return ember::min(*this, dim, keepdim); }
Tensor Tensor::amax(IntArrayRef dim, bool keepdim) const { return ember::amax(*this, dim, keepdim); }
Tensor Tensor::amin(IntArrayRef dim, bool keepdim) const { return ember::amin(*this, dim, keepdim); }
Tensor Tensor::argmax(std::optional<int64_t> dim, bool keepdim) const { return ember::argmax(*this, dim, keepdim); }
Tensor Tensor::argmin(std::optional<int64_t> dim, bool keepdim) const { return ember::argmin(*this, dim, keepdim); }
Tensor Tensor::logsumexp(IntArrayRef dim, bool keepdim) const { return ember::logsumexp(*this, dim, keepdim); }
Tensor Tensor::norm(const Scalar& p) const { return ember::norm(*this, p); }
Tensor Tensor::norm(const Scalar& p, IntArrayRef dim, bool keepdim) const {
  return ember::norm(*this, p, dim, keepdim);
}
Tensor Tensor::all() const { return ember::all(*this); }
Tensor Tensor::all(int64_t dim, bool keepdim) const { return ember::all(*this, dim, keepdim); }
Tensor Tensor::any() const { return ember::any(*this); }
Tensor Tensor::any(int64_t dim, bool keepdim) const { return ember::any(*this, dim, keepdim); }
Tensor Tensor::cumsum(int64_t dim, std::optional<ScalarType> dtype) const { return ember::cumsum(*this, dim, dtype); }
Tensor Tensor::cumprod(int64_t dim, std::optional<ScalarType> dtype) const {
  return ember::cumprod(*this, dim, dtype);
}
Tensor Tensor::softmax(int64_t dim, std::optional<ScalarType> dtype) const {
  return ember::softmax(*this, dim, dtype);
}
Tensor Tensor::log_softmax(int64_t dim, std::optional<ScalarType> dtype) const {
  return ember::log_softmax(*this, dim, dtype);
}
std::tuple<Tensor, Tensor> Tensor::sort(int64_t dim, bool descending) const {
  return ember::sort(*this, dim, descending);
}
std::tuple<Tensor, Tensor> Tensor::topk(int64_t k, int64_t dim, bool largest, bool sorted) const {
  return ember::topk(*this, k, dim, largest, sorted);
}

}  // namespace ember
