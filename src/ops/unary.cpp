// Elementwise unary ops: front ends and backward formulas.
#include <cmath>

#include "ops/ops_common.h"

namespace ember {

using autograd::record;
using autograd::save;
using autograd::save_output;
using detail::Promote;

namespace {
Tensor run(OpId op, const char* name, const Tensor& x, Promote p = Promote::Float) {
  return detail::elementwise(detail::EwSpec{op, name, p}, {x});
}
constexpr double kLn2 = 0.693147180559945309417;
constexpr double kLn10 = 2.302585092994045684018;
constexpr double kSqrtPi = 1.772453850905516027298;
}  // namespace

// A float op with a backward formula written in ember ops. `y` is the
// saved output, `x` the saved input.
#define EMBER_UNARY_FLOAT(name, formula)                                                    \
  Tensor name(const Tensor& input) {                                                        \
    Tensor out = run(OpId::name, #name, input);                                             \
    return record(#name, {input}, out,                                                      \
                  [sx = save(input), sy = save_output(out)](const Tensor& grad) {           \
                    Tensor x = sx.get(), y = sy.get();                                      \
                    (void)x;                                                                \
                    (void)y;                                                                \
                    return tensor_list{formula};                                            \
                  });                                                                       \
  }

EMBER_UNARY_FLOAT(exp, grad * y)
EMBER_UNARY_FLOAT(exp2, grad * y * kLn2)
EMBER_UNARY_FLOAT(log, grad / x)
EMBER_UNARY_FLOAT(log2, grad / (x * kLn2))
EMBER_UNARY_FLOAT(log10, grad / (x * kLn10))
EMBER_UNARY_FLOAT(log1p, grad / (x + 1))
EMBER_UNARY_FLOAT(expm1, grad * (y + 1))
EMBER_UNARY_FLOAT(sqrt, grad / (2 * y))
EMBER_UNARY_FLOAT(rsqrt, -0.5 * grad * y * y * y)
EMBER_UNARY_FLOAT(reciprocal, -grad * y * y)
EMBER_UNARY_FLOAT(sin, grad * cos(x))
EMBER_UNARY_FLOAT(cos, -grad * sin(x))
EMBER_UNARY_FLOAT(tan, grad * (1 + y * y))
EMBER_UNARY_FLOAT(asin, grad * rsqrt(1 - x * x))
EMBER_UNARY_FLOAT(acos, -grad * rsqrt(1 - x * x))
EMBER_UNARY_FLOAT(atan, grad / (1 + x * x))
EMBER_UNARY_FLOAT(sinh, grad * cosh(x))
EMBER_UNARY_FLOAT(cosh, grad * sinh(x))
EMBER_UNARY_FLOAT(tanh, grad * (1 - y * y))
EMBER_UNARY_FLOAT(sigmoid, grad * y * (1 - y))
EMBER_UNARY_FLOAT(erf, grad * (2.0 / kSqrtPi) * exp(-x * x))
// silu(x) = x s(x); d/dx = s (1 + x (1 - s))
EMBER_UNARY_FLOAT(silu, grad * sigmoid(x) * (1 + x * (1 - sigmoid(x))))
#undef EMBER_UNARY_FLOAT

// Ops whose derivative is zero almost everywhere.
#define EMBER_UNARY_STEP(name, promote)                                                          \
  Tensor name(const Tensor& input) {                                                             \
    Tensor out = is_integral(input.dtype()) && Promote::promote == Promote::Float                \
                     ? input.clone()                                                            \
                     : run(OpId::name, #name, input, Promote::promote);                          \
    return record(#name, {input}, out, [](const Tensor& grad) { return tensor_list{zeros_like(grad)}; }); \
  }
EMBER_UNARY_STEP(floor, Float)
EMBER_UNARY_STEP(ceil, Float)
EMBER_UNARY_STEP(trunc, Float)
EMBER_UNARY_STEP(sign, Same)
#undef EMBER_UNARY_STEP

Tensor round(const Tensor& input, int64_t decimals) {
  Tensor out;
  if (is_integral(input.dtype())) {
    out = input.clone();
  } else if (decimals == 0) {
    out = run(OpId::round, "round", input);
  } else {
    NoGradGuard ng;
    double scale = std::pow(10.0, double(decimals));
    out = run(OpId::round, "round", input * scale) / scale;
  }
  return record("round", {input}, out, [](const Tensor& grad) { return tensor_list{zeros_like(grad)}; });
}

Tensor neg(const Tensor& input) {
  EMBER_CHECK(input.dtype() != kBool, "neg: negation, the `-` operator, on a bool tensor is not supported. "
              "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
  Tensor out = run(OpId::neg, "neg", input, Promote::Same);
  return record("neg", {input}, out, [](const Tensor& grad) { return tensor_list{-grad}; });
}

Tensor abs(const Tensor& input) {
  Tensor out = run(OpId::abs, "abs", input, Promote::Same);
  return record("abs", {input}, out, [x = save(input)](const Tensor& grad) {
    return tensor_list{grad * sign(x.get())};
  });
}

Tensor square(const Tensor& input) {
  Tensor out = input.dtype() == kBool ? run(OpId::square, "square", input.to(kInt64), Promote::Same)
                                      : run(OpId::square, "square", input, Promote::Same);
  return record("square", {input}, out, [x = save(input)](const Tensor& grad) {
    return tensor_list{2 * grad * x.get()};
  });
}

Tensor relu(const Tensor& input) {
  EMBER_CHECK_TYPE(input.dtype() != kBool, "relu: not implemented for 'bool' tensors");
  Tensor out = run(OpId::relu, "relu", input, Promote::Same);
  return record("relu", {input}, out, [y_ = save_output(out)](const Tensor& grad) {
    Tensor y = y_.get();
    // one pass; with create_graph, where() keeps it differentiable in grad
    if (!is_grad_enabled() && y.device().is_cpu() && grad.dtype() == y.dtype())
      return tensor_list{detail::elementwise(detail::EwSpec{OpId::relu_backward, "relu_backward", Promote::Same}, {grad, y})};
    return tensor_list{where(y <= 0, 0, grad)};
  });
}

Tensor gelu(const Tensor& input, const std::string& approximate) {
  EMBER_CHECK_VALUE(approximate == "none" || approximate == "tanh",
                    "gelu: approximate must be 'none' or 'tanh', got '", approximate, "'");
  bool tanh_form = approximate == "tanh";
  Tensor out = run(tanh_form ? OpId::gelu_tanh : OpId::gelu, "gelu", input);
  return record("gelu", {input}, out, [x_ = save(input), tanh_form](const Tensor& grad) {
    Tensor x = x_.get();
    if (!tanh_form) {
      // d/dx x Phi(x) = Phi(x) + x phi(x)
      Tensor cdf = 0.5 * (1 + erf(x * M_SQRT1_2));
      Tensor pdf = exp(-0.5 * x * x) * (0.5 * M_2_SQRTPI * M_SQRT1_2);
      return tensor_list{grad * (cdf + x * pdf)};
    }
    constexpr double k = 0.79788456080286535588;  // sqrt(2/pi)
    Tensor inner = k * (x + 0.044715 * x * x * x);
    Tensor t = tanh(inner);
    Tensor dinner = k * (1 + 3 * 0.044715 * x * x);
    return tensor_list{grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dinner)};
  });
}

Tensor softplus(const Tensor& input, double beta, double threshold) {
  detail::EwSpec spec{OpId::softplus, "softplus", Promote::Float};
  spec.params[0] = beta;
  spec.params[1] = threshold;
  Tensor out = detail::elementwise(spec, {input});
  return record("softplus", {input}, out, [x = save(input), beta, threshold](const Tensor& grad) {
    Tensor bx = x.get() * beta;
    return tensor_list{where(bx > threshold, grad, grad * sigmoid(bx))};
  });
}

Tensor clamp(const Tensor& input, std::optional<Scalar> min, std::optional<Scalar> max) {
  EMBER_CHECK(min || max, "clamp: at least one of 'min' or 'max' must not be None");
  detail::EwSpec spec{OpId::clamp, "clamp", Promote::Same};
  std::initializer_list<detail::Operand> ops = {input};
  ScalarType t = input.dtype();
  if (min) t = detail::result_type_of({input, *min});
  if (max) t = promote_types(t, detail::result_type_of({input, *max}));
  spec.compute = t == kBool ? kInt64 : t;
  if (min) {
    spec.params[0] = min->to_double();
    spec.param_set[0] = true;
  }
  if (max) {
    spec.params[1] = max->to_double();
    spec.param_set[1] = true;
  }
  Tensor out = detail::elementwise(spec, ops);
  if (t == kBool) out = out.to(kBool);
  return record("clamp", {input}, out, [x_ = save(input), min, max](const Tensor& grad) {
    Tensor x = x_.get();
    Tensor keep = ones_like(x, kBool);
    if (min) keep = logical_and(keep, x >= *min);
    if (max) keep = logical_and(keep, x <= *max);
    return tensor_list{where(keep, grad, 0)};
  });
}

Tensor clamp(const Tensor& input, const Tensor& min, const Tensor& max) {
  Tensor out = detail::elementwise(detail::EwSpec{OpId::clamp_tensor, "clamp", Promote::Same}, {input, min, max});
  return record("clamp", {input, min, max}, out,
                [x_ = save(input), lo_ = save(min), hi_ = save(max)](const Tensor& grad) {
                  Tensor x = x_.get(), lo = lo_.get(), hi = hi_.get();
                  Tensor in_range = logical_and(x >= lo, x <= hi);
                  return tensor_list{where(in_range, grad, 0), where(x < lo, grad, 0), where(x > hi, grad, 0)};
                });
}

Tensor clamp_min(const Tensor& input, const Scalar& min) { return clamp(input, min, std::nullopt); }
Tensor clamp_max(const Tensor& input, const Scalar& max) { return clamp(input, std::nullopt, max); }

Tensor nan_to_num(const Tensor& input, std::optional<double> nan, std::optional<double> posinf,
                  std::optional<double> neginf) {
  if (is_integral(input.dtype())) return input.clone();
  detail::EwSpec spec{OpId::nan_to_num, "nan_to_num", Promote::Same};
  double big = 0, small = 0;
  dispatch_types<FloatTypes>(input.dtype(), "nan_to_num", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    if constexpr (std::is_same<T, Half>::value) {
      big = 65504.0;
    } else if constexpr (std::is_same<T, BFloat16>::value) {
      big = double(float(BFloat16::from_bits(0x7f7f)));
    } else {
      big = double(std::numeric_limits<T>::max());
    }
    small = -big;
  });
  spec.params[0] = nan.value_or(0.0);
  spec.params[1] = posinf.value_or(big);
  spec.params[2] = neginf.value_or(small);
  Tensor out = detail::elementwise(spec, {input});
  return record("nan_to_num", {input}, out, [x = save(input)](const Tensor& grad) {
    return tensor_list{where(isfinite(x.get()), grad, 0)};
  });
}

Tensor logical_not(const Tensor& input) {
  return run(OpId::logical_not, "logical_not", input, Promote::Same);
}
Tensor bitwise_not(const Tensor& input) {
  return run(OpId::bitwise_not, "bitwise_not", input, Promote::Integral);
}
Tensor isnan(const Tensor& input) { return run(OpId::isnan, "isnan", input, Promote::Same); }
Tensor isinf(const Tensor& input) { return run(OpId::isinf, "isinf", input, Promote::Same); }
Tensor isfinite(const Tensor& input) { return run(OpId::isfinite, "isfinite", input, Promote::Same); }

}  // namespace ember
