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

// Gamma-family functions, as torch's calc_digamma / calc_trigamma /
// calc_erfinv (aten/src/ATen/native/Math.h), so values match torch's.
struct Lgamma {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T x) const { return std::lgamma(x); }
};

struct Digamma {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T x) const {
    constexpr T kPi = T(3.14159265358979323846);
    constexpr T kPsi10 = T(2.25175258906672110764);  // digamma(10)
    if (x == T(0)) return std::copysign(std::numeric_limits<T>::infinity(), -x);
    T result = 0;
    if (x < T(0)) {
      if (x == std::trunc(x)) return std::numeric_limits<T>::quiet_NaN();
      // reflection: psi(x) = psi(1 - x) - pi / tan(pi x); tan of the
      // fractional part keeps pi * x from losing digits
      T q;
      T r = std::modf(x, &q);
      result = -kPi / std::tan(kPi * r);
      x = T(1) - x;
    }
    while (x < T(10)) {  // recurrence psi(x) = psi(x + 1) - 1 / x
      result -= T(1) / x;
      x += T(1);
    }
    if (x == T(10)) return result + kPsi10;
    // asymptotic series in 1 / x^2
    constexpr T A[] = {T(8.33333333333333333333E-2), T(-2.10927960927960927961E-2),
                       T(7.57575757575757575758E-3), T(-4.16666666666666666667E-3),
                       T(3.96825396825396825397E-3), T(-8.33333333333333333333E-3),
                       T(8.33333333333333333333E-2)};
    T y = 0;
    if (x < T(1.0e17)) {
      T z = T(1) / (x * x);
      T p = A[0];
      for (int i = 1; i < 7; ++i) p = p * z + A[i];
      y = z * p;
    }
    return result + std::log(x) - (T(0.5) / x) - y;
  }
};

struct Trigamma {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T x) const {
    constexpr T kPi = T(3.14159265358979323846);
    T sign = 1, result = 0;
    if (x < T(0.5)) {  // reflection: psi1(1 - x) + psi1(x) = pi^2 / sin^2(pi x)
      sign = -1;
      T s = std::sin(kPi * x);
      result -= (kPi * kPi) / (s * s);
      x = T(1) - x;
    }
    for (int i = 0; i < 6; ++i) {
      result += T(1) / (x * x);
      x += T(1);
    }
    T ixx = T(1) / (x * x);
    result += (T(1) + T(1) / (T(2) * x) + ixx * (T(1) / T(6) - ixx * (T(1) / T(30) - ixx * (T(1) / T(42))))) / x;
    return sign * result;
  }
};

// A rational first guess, then two Newton steps on erf(x) = y.
struct Erfinv {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T y) const {
    constexpr T a[4] = {T(0.886226899), T(-1.645349621), T(0.914624893), T(-0.140543331)};
    constexpr T b[4] = {T(-2.118377725), T(1.442710462), T(-0.329097515), T(0.012229801)};
    constexpr T c[4] = {T(-1.970840454), T(-1.624906493), T(3.429567803), T(1.641345311)};
    constexpr T d[2] = {T(3.543889200), T(1.637067800)};
    constexpr T kTwoOverSqrtPi = T(1.12837916709551257390);
    T y_abs = std::fabs(y);
    if (y_abs > T(1)) return std::numeric_limits<T>::quiet_NaN();
    if (y_abs == T(1)) return std::copysign(std::numeric_limits<T>::infinity(), y);
    if (y != y) return y;
    T x;
    if (y_abs <= T(0.7)) {
      T z = y * y;
      T num = ((a[3] * z + a[2]) * z + a[1]) * z + a[0];
      T dem = (((b[3] * z + b[2]) * z + b[1]) * z + b[0]) * z + T(1);
      x = y * num / dem;
    } else {
      T z = std::sqrt(-std::log((T(1) - y_abs) / T(2)));
      T num = ((c[3] * z + c[2]) * z + c[1]) * z + c[0];
      T dem = (d[1] * z + d[0]) * z + T(1);
      x = std::copysign(num, y) / dem;
    }
    x = x - (std::erf(x) - y) / (kTwoOverSqrtPi * std::exp(-x * x));
    x = x - (std::erf(x) - y) / (kTwoOverSqrtPi * std::exp(-x * x));
    return x;
  }
};

#undef EMBER_UNARY_FUNCTOR

}  // namespace fn
}  // namespace ember
