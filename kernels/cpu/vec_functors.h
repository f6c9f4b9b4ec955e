#pragma once

// Contiguous float/double runs of transcendental functions go through
// Eigen's vectorized array functions (a plain std::exp loop is not
// vectorized by GCC without -ffast-math: about 4 GB/s against 28).

#include <Eigen/Core>

#include "common/unary_functors.h"
#include "cpu/loops.h"

namespace ember {
namespace cpu {

#define EMBER_EIGEN_VEC(F, expr)                                                    \
  template <typename T>                                                            \
  struct VecUnary<fn::F, T> {                                                      \
    static constexpr bool enabled = std::is_same<T, float>::value || std::is_same<T, double>::value; \
    static void run(const fn::F&, T* out, const T* in, int64_t n) {                \
      if constexpr (enabled) {                                                     \
        using A = Eigen::Array<T, Eigen::Dynamic, 1>;                              \
        Eigen::Map<A> o(out, n);                                                   \
        Eigen::Map<const A> x(in, n);                                              \
        o = expr;                                                                  \
      }                                                                            \
    }                                                                              \
  };

EMBER_EIGEN_VEC(Exp, x.exp())
EMBER_EIGEN_VEC(Log, x.log())
EMBER_EIGEN_VEC(Tanh, x.tanh())
EMBER_EIGEN_VEC(Sigmoid, x.logistic())
EMBER_EIGEN_VEC(Sqrt, x.sqrt())
EMBER_EIGEN_VEC(Rsqrt, x.rsqrt())
EMBER_EIGEN_VEC(Sin, x.sin())
EMBER_EIGEN_VEC(Cos, x.cos())
EMBER_EIGEN_VEC(Log1p, x.log1p())
EMBER_EIGEN_VEC(Expm1, x.expm1())
EMBER_EIGEN_VEC(Silu, x * x.logistic())
#undef EMBER_EIGEN_VEC

}  // namespace cpu
}  // namespace ember
