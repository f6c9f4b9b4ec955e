#pragma once

// The math of each elementwise unary op, written once for the CPU loop and
// the CUDA kernel. T is the op-math type (float for the 16-bit floats).

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "common/macros.h"

namespace ember {
namespace fn {

#define EMBER_UNARY_FUNCTOR(Name, expr)                        \
  struct Name {                                                \
    template <typename T>                                      \
    EMBER_HOST_DEVICE T operator()(T x) const {                \
      using namespace std;                                     \
      return expr;                                             \
    }                                                          \
  };

template <typename T>
EMBER_HOST_DEVICE inline T neg_value(T x) {
  if constexpr (std::is_integral<T>::value && !std::is_same<T, bool>::value)
    return T(0u - static_cast<std::make_unsigned_t<T>>(x));  // wraps, as torch
  else return -x;
}

EMBER_UNARY_FUNCTOR(Neg, neg_value(x))
EMBER_UNARY_FUNCTOR(Exp, exp(x))
EMBER_UNARY_FUNCTOR(Exp2, exp2(x))
EMBER_UNARY_FUNCTOR(Log, log(x))
EMBER_UNARY_FUNCTOR(Log2, log2(x))
EMBER_UNARY_FUNCTOR(Log10, log10(x))
EMBER_UNARY_FUNCTOR(Log1p, log1p(x))
EMBER_UNARY_FUNCTOR(Expm1, expm1(x))
EMBER_UNARY_FUNCTOR(Sqrt, sqrt(x))
EMBER_UNARY_FUNCTOR(Rsqrt, T(1) / sqrt(x))
EMBER_UNARY_FUNCTOR(Square, x* x)
EMBER_UNARY_FUNCTOR(Reciprocal, T(1) / x)
EMBER_UNARY_FUNCTOR(Sin, sin(x))
EMBER_UNARY_FUNCTOR(Cos, cos(x))
EMBER_UNARY_FUNCTOR(Tan, tan(x))
EMBER_UNARY_FUNCTOR(Asin, asin(x))
EMBER_UNARY_FUNCTOR(Acos, acos(x))
EMBER_UNARY_FUNCTOR(Atan, atan(x))
EMBER_UNARY_FUNCTOR(Sinh, sinh(x))
EMBER_UNARY_FUNCTOR(Cosh, cosh(x))
EMBER_UNARY_FUNCTOR(Tanh, tanh(x))
EMBER_UNARY_FUNCTOR(Sigmoid, T(1) / (T(1) + exp(-x)))
EMBER_UNARY_FUNCTOR(Relu, x > T(0) ? x : (x != x ? x : T(0)))
EMBER_UNARY_FUNCTOR(Gelu, T(0.5) * x * (T(1) + erf(x * T(0.70710678118654752440))))
EMBER_UNARY_FUNCTOR(GeluTanh, T(0.5) * x *
                                  (T(1) + tanh(T(0.79788456080286535588) * (x + T(0.044715) * x * x * x))))
EMBER_UNARY_FUNCTOR(Silu, x / (T(1) + exp(-x)))
EMBER_UNARY_FUNCTOR(Erf, erf(x))
EMBER_UNARY_FUNCTOR(Floor, floor(x))
EMBER_UNARY_FUNCTOR(Ceil, ceil(x))
EMBER_UNARY_FUNCTOR(Round, nearbyint(x))  // half to even
EMBER_UNARY_FUNCTOR(Trunc, trunc(x))

struct Abs {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T x) const {
    if constexpr (std::is_same<T, bool>::value || std::is_unsigned<T>::value) return x;
    else if constexpr (std::is_integral<T>::value) return x < 0 ? neg_value(x) : x;
    else return std::fabs(x);
  }
};

struct Sign {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T x) const {
    if constexpr (std::is_same<T, bool>::value) return x;
    else return T((T(0) < x) - (x < T(0)));
  }
};

struct Softplus {
  double beta, threshold;
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T x) const {
    T b = T(beta);
    return x * b > T(threshold) ? x : T(std::log1p(std::exp(x * b)) / b);
  }
};

// NaN passes through clamp, as in torch.
struct Clamp {
  double lo, hi;
  bool has_lo, has_hi;
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T x) const {
    if (x != x) return x;
    if (has_lo && x < T(lo)) x = T(lo);
    if (has_hi && x > T(hi)) x = T(hi);
    return x;
  }
};

struct NanToNum {
  double nan, posinf, neginf;
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T x) const {
    if (x != x) return T(nan);
    if (x == std::numeric_limits<T>::infinity()) return T(posinf);
    if (x == -std::numeric_limits<T>::infinity()) return T(neginf);
    return x;
  }
};

struct LogicalNot {
  template <typename T>
  EMBER_HOST_DEVICE bool operator()(T x) const { return !(x != T(0)); }
};
struct BitwiseNot {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T x) const {
    if constexpr (std::is_same<T, bool>::value) return !x;
    else return T(~x);
  }
};
struct IsNan {
  template <typename T>
  EMBER_HOST_DEVICE bool operator()(T x) const { return x != x; }
};
struct IsInf {
  template <typename T>
  EMBER_HOST_DEVICE bool operator()(T x) const {
    if constexpr (std::is_integral<T>::value) return false;
    else return std::isinf(x);
  }
};
struct IsFinite {
  template <typename T>
  EMBER_HOST_DEVICE bool operator()(T x) const {
    if constexpr (std::is_integral<T>::value) return true;
    else return std::isfinite(x);
  }
};

#undef EMBER_UNARY_FUNCTOR

}  // namespace fn
}  // namespace ember
