// Elementwise binary and ternary ops: front ends, backward formulas and
// the in-place variants.
#include <cmath>

#include "ops/ops_common.h"

namespace ember {

using autograd::record;
using autograd::save;
using detail::Operand;
using detail::Promote;

namespace {
using Spec = detail::EwSpec;
Tensor run2(OpId op, const char* name, Operand a, Operand b, Promote p = Promote::Same) {
  return detail::elementwise(Spec{op, name, p}, {a, b});
}
Spec with_alpha(OpId op, const char* name, const Scalar& alpha) {
  Spec s{op, name, Promote::Same};
  s.params[0] = alpha.to_double();
  return s;
}
void check_alpha(const char* op, ScalarType t, const Scalar& alpha) {
  EMBER_CHECK(!(is_integral(t) && alpha.is_floating_point()), op,
              ": for integral input tensors, argument alpha must not be a floating point number.");
  EMBER_CHECK(!(alpha.is_bool() && t != kBool), op, ": boolean alpha only supported for Boolean results.");
}
void check_alpha(const char* op, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  if (!alpha.is_integral() || alpha.to_long() != 1) check_alpha(op, result_type(a, b), alpha);
}
// Integer division by zero is an error, as in torch (and a crash in C++).
void check_int_divisor(const char* op, ScalarType t, const Tensor& other) {
  if (!is_integral(t)) return;
  NoGradGuard ng;
  EMBER_CHECK(!(other == 0).any().item<bool>(), "ZeroDivisionError: ", op, ": integer division by zero");
}
void check_int_divisor(const char* op, ScalarType t, const Scalar& other) {
  EMBER_CHECK(!(is_integral(t) && other.to_double() == 0), "ZeroDivisionError: ", op, ": integer division by zero");
}
}  // namespace

// ---------------- add / sub ----------------
Tensor add(const Tensor& input, const Tensor& other, const Scalar& alpha) {
  check_alpha("add", input, other, alpha);
  Tensor out = detail::elementwise(with_alpha(OpId::add, "add", alpha), {input, other});
  return record("add", {input, other}, out, [alpha](const Tensor& grad, const autograd::GradMask& m) {
    return tensor_list{grad, m[1] ? (alpha.to_double() == 1 ? grad : grad * alpha) : Tensor()};
  });
}
Tensor add(const Tensor& input, const Scalar& other, const Scalar& alpha) {
  check_alpha("add", result_type(input, other), alpha);
  Tensor out = detail::elementwise(with_alpha(OpId::add, "add", alpha), {input, other});
  return record("add", {input}, out, [](const Tensor& grad) { return tensor_list{grad}; });
}
Tensor sub(const Tensor& input, const Tensor& other, const Scalar& alpha) {
  EMBER_CHECK(!(input.dtype() == kBool && other.dtype() == kBool),
              "sub: subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
              "`logical_xor()` operator instead.");
  check_alpha("sub", input, other, alpha);
  Tensor out = detail::elementwise(with_alpha(OpId::sub, "sub", alpha), {input, other});
  return record("sub", {input, other}, out, [alpha](const Tensor& grad, const autograd::GradMask& m) {
    return tensor_list{grad, m[1] ? -grad * alpha : Tensor()};
  });
}
Tensor sub(const Tensor& input, const Scalar& other, const Scalar& alpha) {
  check_alpha("sub", result_type(input, other), alpha);
  EMBER_CHECK(!(input.dtype() == kBool && other.is_bool()),
              "sub: subtraction, the `-` operator, with a bool tensor is not supported.");
  Tensor out = detail::elementwise(with_alpha(OpId::sub, "sub", alpha), {input, other});
  return record("sub", {input}, out, [](const Tensor& grad) { return tensor_list{grad}; });
}
Tensor rsub(const Tensor& input, const Scalar& other, const Scalar& alpha) {
  // other - alpha * input
  Tensor out = detail::elementwise(with_alpha(OpId::sub, "rsub", alpha), {other, input});
  return record("rsub", {input}, out, [alpha](const Tensor& grad) { return tensor_list{-grad * alpha}; });
}

// ---------------- mul / div ----------------
Tensor mul(const Tensor& input, const Tensor& other) {
  Tensor out = run2(OpId::mul, "mul", input, other);
  return record("mul", {input, other}, out,
                [a = save(input), b = save(other)](const Tensor& grad, const autograd::GradMask& m) {
                  // grad: out shape; the engine sums back broadcast dims
                  return tensor_list{m[0] ? grad * b.get() : Tensor(), m[1] ? grad * a.get() : Tensor()};
                });
}
Tensor mul(const Tensor& input, const Scalar& other) {
  Tensor out = run2(OpId::mul, "mul", input, other);
  return record("mul", {input}, out, [other](const Tensor& grad) { return tensor_list{grad * other}; });
}

Tensor div(const Tensor& input, const Tensor& other, std::optional<std::string> mode) {
  if (mode) {
    EMBER_CHECK(*mode == "trunc" || *mode == "floor",
                "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '", *mode, "'");
    ScalarType t = result_type(input, other);
    check_int_divisor("div", t, other);
    Tensor out = run2(*mode == "trunc" ? OpId::div_trunc : OpId::div_floor, "div", input, other);
    return record("div", {input, other}, out, [](const Tensor& grad) {
      return tensor_list{zeros_like(grad), zeros_like(grad)};
    });
  }
  Tensor out = run2(OpId::div, "div", input, other, Promote::Float);
  return record("div", {input, other}, out,
                [a = save(input), b = save(other)](const Tensor& grad, const autograd::GradMask& m) {
                  Tensor bb = b.get();
                  return tensor_list{m[0] ? grad / bb : Tensor(), m[1] ? -grad * a.get() / (bb * bb) : Tensor()};
                });
}
Tensor div(const Tensor& input, const Scalar& other, std::optional<std::string> mode) {
  if (mode) {
    EMBER_CHECK(*mode == "trunc" || *mode == "floor",
                "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '", *mode, "'");
    check_int_divisor("div", result_type(input, other), other);
    Tensor out = run2(*mode == "trunc" ? OpId::div_trunc : OpId::div_floor, "div", input, other);
    return record("div", {input}, out, [](const Tensor& grad) { return tensor_list{zeros_like(grad)}; });
  }
  Tensor out = run2(OpId::div, "div", input, other, Promote::Float);
  return record("div", {input}, out, [other](const Tensor& grad) { return tensor_list{grad / other}; });
}
Tensor div(const Scalar& input, const Tensor& other) {
  Tensor out = run2(OpId::div, "div", input, other, Promote::Float);
  return record("div", {other}, out, [input, b = save(other)](const Tensor& grad) {
    Tensor bb = b.get();
    return tensor_list{-grad * input / (bb * bb)};
  });
}

// ---------------- pow ----------------

Tensor pow(const Tensor& input, const Tensor& exponent) {
  // torch rejects negative integer powers only for scalar exponents; the
  // tensor form gives 0 (or +-1 for bases +-1), as the functor does
  Tensor out = run2(OpId::pow, "pow", input, exponent);
  return record("pow", {input, exponent}, out,
                [a_ = save(input), b_ = save(exponent), y_ = autograd::save_output(out)](
                    const Tensor& grad, const autograd::GradMask& m) {
                  Tensor a = a_.get(), b = b_.get();
                  Tensor ga, gb;
                  if (m[0]) ga = where(b == 0, 0, grad * b * pow(a, b - 1));
                  // d/db a^b = a^b log a; 0 where a == 0 and b >= 0, as torch
                  if (m[1]) gb = where(logical_and(a == 0, b >= 0), 0, grad * y_.get() * log(a));
                  return tensor_list{ga, gb};
                });
}
Tensor pow(const Tensor& input, const Scalar& exponent) {
  ScalarType t = result_type(input, exponent);
  EMBER_CHECK(!(is_integral(t, false) && exponent.to_double() < 0),
              "pow: Integers to negative integer powers are not allowed.");
  Tensor out = run2(OpId::pow, "pow", input, exponent);
  return record("pow", {input}, out, [a = save(input), exponent](const Tensor& grad) {
    double e = exponent.to_double();
    if (e == 0) return tensor_list{zeros_like(grad)};
    return tensor_list{grad * e * pow(a.get(), Scalar(e - 1))};
  });
}
Tensor pow(const Scalar& input, const Tensor& exponent) {
  Tensor out = run2(OpId::pow, "pow", input, exponent);
  return record("pow", {exponent}, out, [input, y = autograd::save_output(out)](const Tensor& grad) {
    double base = input.to_double();
    if (base == 0) return tensor_list{zeros_like(grad)};
    return tensor_list{grad * y.get() * std::log(base)};
  });
}

// ---------------- remainder / fmod / maximum / minimum / atan2 ----------------
Tensor remainder(const Tensor& input, const Tensor& other) {
  check_int_divisor("remainder", result_type(input, other), other);
  Tensor out = run2(OpId::remainder, "remainder", input, other);
  return record("remainder", {input, other}, out, [a = save(input), b = save(other)](const Tensor& grad) {
    return tensor_list{grad, -grad * div(a.get(), b.get(), std::string("floor"))};
  });
}
Tensor remainder(const Tensor& input, const Scalar& other) {
  check_int_divisor("remainder", result_type(input, other), other);
  Tensor out = run2(OpId::remainder, "remainder", input, other);
  return record("remainder", {input}, out, [](const Tensor& grad) { return tensor_list{grad}; });
}
Tensor fmod(const Tensor& input, const Tensor& other) {
  check_int_divisor("fmod", result_type(input, other), other);
  Tensor out = run2(OpId::fmod, "fmod", input, other);
  return record("fmod", {input, other}, out, [a = save(input), b = save(other)](const Tensor& grad) {
    return tensor_list{grad, -grad * div(a.get(), b.get(), std::string("trunc"))};
  });
}
Tensor fmod(const Tensor& input, const Scalar& other) {
  check_int_divisor("fmod", result_type(input, other), other);
  Tensor out = run2(OpId::fmod, "fmod", input, other);
  return record("fmod", {input}, out, [](const Tensor& grad) { return tensor_list{grad}; });
}

// maximum/minimum split the gradient evenly on ties, as torch.
Tensor maximum(const Tensor& input, const Tensor& other) {
  Tensor out = run2(OpId::maximum, "maximum", input, other);
  return record("maximum", {input, other}, out, [a_ = save(input), b_ = save(other)](const Tensor& grad) {
    Tensor a = a_.get(), b = b_.get();
    Tensor half = grad * 0.5;
    return tensor_list{where(a > b, grad, where(a == b, half, 0)), where(b > a, grad, where(a == b, half, 0))};
  });
}
Tensor minimum(const Tensor& input, const Tensor& other) {
  Tensor out = run2(OpId::minimum, "minimum", input, other);
  return record("minimum", {input, other}, out, [a_ = save(input), b_ = save(other)](const Tensor& grad) {
    Tensor a = a_.get(), b = b_.get();
    Tensor half = grad * 0.5;
    return tensor_list{where(a < b, grad, where(a == b, half, 0)), where(b < a, grad, where(a == b, half, 0))};
  });
}
Tensor atan2(const Tensor& input, const Tensor& other) {
  Tensor out = run2(OpId::atan2, "atan2", input, other, Promote::Float);
  return record("atan2", {input, other}, out, [a_ = save(input), b_ = save(other)](const Tensor& grad) {
    Tensor a = a_.get(), b = b_.get();
    Tensor d = a * a + b * b;
    return tensor_list{grad * b / d, -grad * a / d};
  });
}

// ---------------- comparisons, logical and bitwise (no gradient) ----------------
#define EMBER_COMPARE(name)                                                                       \
  Tensor name(const Tensor& input, const Tensor& other) {                                         \
    return run2(OpId::name, #name, input, other, Promote::Bool);                                  \
  }                                                                                               \
  Tensor name(const Tensor& input, const Scalar& other) {                                         \
    return run2(OpId::name, #name, input, other, Promote::Bool);                                  \
  }
EMBER_COMPARE(eq)
EMBER_COMPARE(ne)
EMBER_COMPARE(lt)
EMBER_COMPARE(le)
EMBER_COMPARE(gt)
EMBER_COMPARE(ge)
#undef EMBER_COMPARE

#define EMBER_NOGRAD_BINARY(name, promote)                                                        \
  Tensor name(const Tensor& input, const Tensor& other) {                                         \
    return run2(OpId::name, #name, input, other, Promote::promote);                               \
  }
EMBER_NOGRAD_BINARY(logical_and, Same)
EMBER_NOGRAD_BINARY(logical_or, Same)
EMBER_NOGRAD_BINARY(logical_xor, Same)
EMBER_NOGRAD_BINARY(bitwise_and, Integral)
EMBER_NOGRAD_BINARY(bitwise_or, Integral)
EMBER_NOGRAD_BINARY(bitwise_xor, Integral)
EMBER_NOGRAD_BINARY(bitwise_left_shift, Integral)
EMBER_NOGRAD_BINARY(bitwise_right_shift, Integral)
#undef EMBER_NOGRAD_BINARY

ScalarType result_type(const Tensor& input, const Tensor& other) { return detail::result_type_of({input, other}); }
ScalarType result_type(const Tensor& input, const Scalar& other) { return detail::result_type_of({input, other}); }

// ---------------- where / lerp / isclose ----------------
Tensor where(const Tensor& condition, const Tensor& input, const Tensor& other) {
  detail::check_defined(condition, "where");
  detail::check_defined(input, "where");
  detail::check_defined(other, "where");
  detail::check_same_device("where", {&condition, &input, &other});
  EMBER_CHECK(condition.dtype() == kBool || condition.dtype() == kUInt8,
              "where expected condition to be a boolean tensor, but got a tensor with dtype ", condition.dtype());
  ScalarType t = result_type(input, other);
  Shape shape;
  try {
    shape = broadcast_shapes(broadcast_shapes(condition.sizes(), input.sizes()), other.sizes());
  } catch (const RuntimeError& e) {
    throw RuntimeError(detail::str("where: ", e.what()));
  }
  // output layout follows the operands, as torch's TensorIterator
  Tensor out = input.sizes().equals(shape) && !input.is_contiguous() ? empty_like(input, TensorOptions().dtype(t))
                                                                        : detail::make_tensor(shape, t, input.device());
  Tensor c = condition.dtype() == kBool ? condition : condition.to(kBool);
  detail::launch_elementwise(OpId::where, "where", input.device(),
                             {out, c.expand(shape), input.to(t).expand(shape), other.to(t).expand(shape)});
  return record("where", {input, other}, out, [c_ = save(c)](const Tensor& grad, const autograd::GradMask& m) {
    Tensor cond = c_.get();
    return tensor_list{m[0] ? where(cond, grad, 0) : Tensor(), m[1] ? where(cond, 0, grad) : Tensor()};
  });
}
Tensor where(const Tensor& condition, const Tensor& input, const Scalar& other) {
  return where(condition, input, detail::scalar_tensor(other, result_type(input, other), input.device()));
}
Tensor where(const Tensor& condition, const Scalar& input, const Tensor& other) {
  return where(condition, detail::scalar_tensor(input, result_type(other, input), other.device()), other);
}

Tensor lerp(const Tensor& input, const Tensor& end, const Tensor& weight) {
  Tensor out = detail::elementwise(Spec{OpId::lerp, "lerp", Promote::Same}, {input, end, weight});
  return record("lerp", {input, end, weight}, out,
                [a_ = save(input), b_ = save(end), w_ = save(weight)](const Tensor& grad) {
                  Tensor w = w_.get();
                  return tensor_list{grad * (1 - w), grad * w, grad * (b_.get() - a_.get())};
                });
}
Tensor lerp(const Tensor& input, const Tensor& end, const Scalar& weight) {
  return lerp(input, end, detail::scalar_tensor(weight, result_type(input, end), input.device()));
}

Tensor isclose(const Tensor& input, const Tensor& other, double rtol, double atol, bool equal_nan) {
  EMBER_CHECK(input.dtype() == other.dtype(), "isclose: expected both tensors to have the same dtype, got ",
              input.dtype(), " and ", other.dtype());
  EMBER_CHECK_VALUE(rtol >= 0, "isclose: rtol must be greater than or equal to zero, but got ", rtol);
  EMBER_CHECK_VALUE(atol >= 0, "isclose: atol must be greater than or equal to zero, but got ", atol);
  Spec s{OpId::isclose, "isclose", Promote::Bool};
  s.params[0] = rtol;
  s.params[1] = atol;
  s.params[2] = equal_nan ? 1 : 0;
  return detail::elementwise(s, {input, other});
}
bool allclose(const Tensor& input, const Tensor& other, double rtol, double atol, bool equal_nan) {
  return isclose(input, other, rtol, atol, equal_nan).all().item<bool>();
}
bool equal(const Tensor& input, const Tensor& other) {
  if (!input.sizes().equals(other.sizes())) return false;
  NoGradGuard ng;
  return eq(input, other).all().item<bool>();
}

// ---------------- operators ----------------
Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator+(const Tensor& a, const Scalar& b) { return add(a, b); }
Tensor operator+(const Scalar& a, const Tensor& b) { return add(b, a); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator-(const Tensor& a, const Scalar& b) { return sub(a, b); }
Tensor operator-(const Scalar& a, const Tensor& b) { return rsub(b, a); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator*(const Tensor& a, const Scalar& b) { return mul(a, b); }
Tensor operator*(const Scalar& a, const Tensor& b) { return mul(b, a); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator/(const Tensor& a, const Scalar& b) { return div(a, b); }
Tensor operator/(const Scalar& a, const Tensor& b) { return div(a, b); }
Tensor operator%(const Tensor& a, const Tensor& b) { return remainder(a, b); }
Tensor operator%(const Tensor& a, const Scalar& b) { return remainder(a, b); }
Tensor operator&(const Tensor& a, const Tensor& b) { return bitwise_and(a, b); }
Tensor operator|(const Tensor& a, const Tensor& b) { return bitwise_or(a, b); }
Tensor operator^(const Tensor& a, const Tensor& b) { return bitwise_xor(a, b); }
Tensor operator==(const Tensor& a, const Tensor& b) { return eq(a, b); }
Tensor operator==(const Tensor& a, const Scalar& b) { return eq(a, b); }
Tensor operator!=(const Tensor& a, const Tensor& b) { return ne(a, b); }
Tensor operator!=(const Tensor& a, const Scalar& b) { return ne(a, b); }
Tensor operator<(const Tensor& a, const Tensor& b) { return lt(a, b); }
Tensor operator<(const Tensor& a, const Scalar& b) { return lt(a, b); }
Tensor operator<=(const Tensor& a, const Tensor& b) { return le(a, b); }
Tensor operator<=(const Tensor& a, const Scalar& b) { return le(a, b); }
Tensor operator>(const Tensor& a, const Tensor& b) { return gt(a, b); }
Tensor operator>(const Tensor& a, const Scalar& b) { return gt(a, b); }
Tensor operator>=(const Tensor& a, const Tensor& b) { return ge(a, b); }
Tensor operator>=(const Tensor& a, const Scalar& b) { return ge(a, b); }
Tensor Tensor::operator-() const { return ember::neg(*this); }
Tensor Tensor::operator~() const { return dtype() == kBool ? ember::logical_not(*this) : ember::bitwise_not(*this); }

// ---------------- in-place variants ----------------
namespace detail {
// Note [In-place ops under autograd]
// Without autograd an in-place op writes straight into self. With it, the
// op runs out of place on a clone of self (so formulas that saved self see
// the old values) and self takes over the result's data and history.
template <typename F>
Tensor& inplace(Tensor& self, const char* name, bool others_require_grad, const Spec& spec,
                std::initializer_list<Operand> ops, F&& out_of_place) {
  if (is_grad_enabled() && (self.requires_grad() || others_require_grad)) {
    check_inplace(self, name);
    Tensor r = out_of_place(self.clone());
    EMBER_CHECK(can_cast(r.dtype(), self.dtype()), name, ": result type ", r.dtype(),
                " can't be cast to the desired output type ", self.dtype());
    EMBER_CHECK(r.sizes().equals(self.sizes()), name, ": output with shape ", self.sizes(),
                " doesn't match the broadcast shape ", r.sizes());
    rebase_history(self, r, name);
    return self;
  }
  check_inplace(self, name);
  elementwise(spec, ops, &self);
  bump_version(self);
  return self;
}
}  // namespace detail

#define EMBER_INPLACE_T(method, spec_expr, call)                                                 \
  Tensor& Tensor::method(const Tensor& other) {                                                   \
    return detail::inplace(*this, #method, other.requires_grad(), spec_expr, {*this, other},      \
                           [&](const Tensor& s) {                                                 \
                             const Tensor& other_ = other.is_same(*this) ? s : other;             \
                             return call;                                                         \
                           });                                                                    \
  }
#define EMBER_INPLACE_S(method, spec_expr, call)                                                 \
  Tensor& Tensor::method(const Scalar& other) {                                                   \
    return detail::inplace(*this, #method, false, spec_expr, {*this, other},                      \
                           [&](const Tensor& s) { return call; });                                \
  }
EMBER_INPLACE_T(mul_, (Spec{OpId::mul, "mul_"}), ember::mul(s, other_))
EMBER_INPLACE_S(mul_, (Spec{OpId::mul, "mul_"}), ember::mul(s, other))
EMBER_INPLACE_T(div_, (Spec{OpId::div, "div_", Promote::Float}), ember::div(s, other_))
EMBER_INPLACE_S(div_, (Spec{OpId::div, "div_", Promote::Float}), ember::div(s, other))
#undef EMBER_INPLACE_T
#undef EMBER_INPLACE_S

Tensor& Tensor::add_(const Tensor& other, const Scalar& alpha) {
  return detail::inplace(*this, "add_", other.requires_grad(), with_alpha(OpId::add, "add_", alpha), {*this, other},
                         [&](const Tensor& s) { return ember::add(s, other.is_same(*this) ? s : other, alpha); });
}
Tensor& Tensor::add_(const Scalar& other, const Scalar& alpha) {
  return detail::inplace(*this, "add_", false, with_alpha(OpId::add, "add_", alpha), {*this, other},
                         [&](const Tensor& s) { return ember::add(s, other, alpha); });
}
Tensor& Tensor::sub_(const Tensor& other, const Scalar& alpha) {
  return detail::inplace(*this, "sub_", other.requires_grad(), with_alpha(OpId::sub, "sub_", alpha), {*this, other},
                         [&](const Tensor& s) { return ember::sub(s, other.is_same(*this) ? s : other, alpha); });
}
Tensor& Tensor::sub_(const Scalar& other, const Scalar& alpha) {
  return detail::inplace(*this, "sub_", false, with_alpha(OpId::sub, "sub_", alpha), {*this, other},
                         [&](const Tensor& s) { return ember::sub(s, other, alpha); });
}
Tensor& Tensor::pow_(const Scalar& exponent) {
  return detail::inplace(*this, "pow_", false, Spec{OpId::pow, "pow_"}, {*this, exponent},
                         [&](const Tensor& s) { return ember::pow(s, exponent); });
}

}  // namespace ember
