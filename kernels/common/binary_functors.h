#pragma once

// The math of each elementwise binary/ternary op, written once for CPU and
// CUDA. Inputs arrive in one compute type T (op-math for 16-bit floats).

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "common/macros.h"
#include "common/unary_functors.h"

namespace ember {
namespace fn {

template <typename T>
constexpr bool is_int_v = std::is_integral<T>::value && !std::is_same<T, bool>::value;

struct Add {
  double alpha = 1;
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_same<T, bool>::value) return a || (b && alpha != 0);
    else if constexpr (is_int_v<T>) return T(a + T(int64_t(alpha)) * b);
    else return alpha == 1 ? a + b : a + T(alpha) * b;
  }
};
struct Sub {
  double alpha = 1;
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) return T(a - T(int64_t(alpha)) * b);
    else return alpha == 1 ? a - b : a - T(alpha) * b;
  }
};
struct Mul {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_same<T, bool>::value) return a && b;
    else return a * b;
  }
};
struct Div {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const { return a / b; }
};
// Integer division: the front end has rejected zero divisors; -1 is special
// because INT_MIN / -1 traps on x86.
struct DivTrunc {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) {
      if (std::is_signed<T>::value && b == T(-1)) return neg_value(a);
      return T(a / b);
    } else {
      return std::trunc(a / b);
    }
  }
};
struct DivFloor {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) {
      if (std::is_signed<T>::value && b == T(-1)) return neg_value(a);
      T q = T(a / b);
      if ((a % b != 0) && ((a < 0) != (b < 0))) q = T(q - 1);
      return q;
    } else {
      // torch's div_floor_floating: floor of the exact quotient via fmod
      if (b == T(0)) return a / b;
      T mod = std::fmod(a, b);
      T div = (a - mod) / b;
      if (mod != T(0) && ((b < T(0)) != (mod < T(0)))) div -= T(1);
      T floordiv;
      if (div != T(0)) {
        floordiv = std::floor(div);
        if (div - floordiv > T(0.5)) floordiv += T(1);
      } else {
        floordiv = std::copysign(T(0), a / b);
      }
      return floordiv;
    }
  }
};
struct Remainder {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) {
      if (std::is_signed<T>::value && b == T(-1)) return T(0);
      T r = T(a % b);
      if (r != 0 && ((r < 0) != (b < 0))) r = T(r + b);
      return r;
    } else {
      T r = std::fmod(a, b);
      if (r != T(0) && ((r < T(0)) != (b < T(0)))) r += b;
      return r;
    }
  }
};
struct Fmod {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) {
      if (std::is_signed<T>::value && b == T(-1)) return T(0);
      return T(a % b);
    } else {
      return std::fmod(a, b);
    }
  }
};
struct Pow {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_same<T, bool>::value) return a || !b;
    else if constexpr (is_int_v<T>) {
      // exponentiation by squaring; negative exponents were rejected
      // except for bases 1 and -1, handled here
      if (b < 0) return a == 1 ? T(1) : (a == T(-1) ? ((b & 1) ? T(-1) : T(1)) : T(0));
      T result = 1;
      T base = a;
      auto e = b;
      while (e) {
        if (e & 1) result = T(result * base);
        base = T(base * base);
        e = T(e >> 1);
      }
      return result;
    } else {
      return std::pow(a, b);
    }
  }
};
// relu's gradient from its output, as torch's threshold_backward: a NaN
// output passes the gradient.
struct ReluBackward {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T g, T y) const { return y <= T(0) ? T(0) : g; }
};
// maximum/minimum propagate NaN, as torch.
struct Maximum {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (!is_int_v<T> && !std::is_same<T, bool>::value)
      if (a != a || b != b) return a != a ? a : b;
    return a > b ? a : b;
  }
};
struct Minimum {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (!is_int_v<T> && !std::is_same<T, bool>::value)
      if (a != a || b != b) return a != a ? a : b;
    return a < b ? a : b;
  }
};
struct Atan2 {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const { return std::atan2(a, b); }
};

#define EMBER_COMPARE_FUNCTOR(Name, op)                                     \
  struct Name {                                                             \
    template <typename T>                                                   \
    EMBER_HOST_DEVICE bool operator()(T a, T b) const { return a op b; }    \
  };
EMBER_COMPARE_FUNCTOR(Eq, ==)
EMBER_COMPARE_FUNCTOR(Ne, !=)
EMBER_COMPARE_FUNCTOR(Lt, <)
EMBER_COMPARE_FUNCTOR(Le, <=)
EMBER_COMPARE_FUNCTOR(Gt, >)
EMBER_COMPARE_FUNCTOR(Ge, >=)
#undef EMBER_COMPARE_FUNCTOR

struct LogicalAnd {
  template <typename T>
  EMBER_HOST_DEVICE bool operator()(T a, T b) const { return (a != T(0)) && (b != T(0)); }
};
struct LogicalOr {
  template <typename T>
  EMBER_HOST_DEVICE bool operator()(T a, T b) const { return (a != T(0)) || (b != T(0)); }
};
struct LogicalXor {
  template <typename T>
  EMBER_HOST_DEVICE bool operator()(T a, T b) const { return (a != T(0)) != (b != T(0)); }
};
struct BitwiseAnd {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const { return T(a & b); }
};
struct BitwiseOr {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const { return T(a | b); }
};
struct BitwiseXor {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const { return T(a ^ b); }
};
// Shifts by >= the bit width give 0 (or the sign for >>), as torch; no UB.
struct LeftShift {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const {
    using U = std::make_unsigned_t<T>;
    if (b < 0 || b >= T(sizeof(T) * 8)) return T(0);
    return T(U(a) << b);
  }
};
struct RightShift {
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b) const {
    if (b < 0 || b >= T(sizeof(T) * 8)) return std::is_signed<T>::value && a < 0 ? T(-1) : T(0);
    return T(a >> b);
  }
};

struct Lerp {  // weight as a third operand
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T a, T b, T w) const {
    // torch's formula: exact at w = 0 and w = 1
    return (w < T(0.5)) ? a + w * (b - a) : b - (b - a) * (T(1) - w);
  }
};
struct ClampTensor {  // x, lo, hi
  template <typename T>
  EMBER_HOST_DEVICE T operator()(T x, T lo, T hi) const {
    Maximum mx;
    Minimum mn;
    return mn(mx(x, lo), hi);
  }
};
struct IsClose {
  double rtol, atol;
  bool equal_nan;
  template <typename T>
  EMBER_HOST_DEVICE bool operator()(T a, T b) const {
    if (a == b) return true;
    if constexpr (!is_int_v<T> && !std::is_same<T, bool>::value) {
      if (a != a || b != b) return equal_nan && a != a && b != b;
      if (std::isinf(a) || std::isinf(b)) return false;
      double d = std::fabs(double(a) - double(b));
      return d <= atol + rtol * std::fabs(double(b));
    } else {
      double d = std::fabs(double(a) - double(b));
      return d <= atol + rtol * std::fabs(double(b));
    }
  }
};

}  // namespace fn
}  // namespace ember
