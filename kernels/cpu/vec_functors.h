#pragma once

// Contiguous float/double runs of transcendental functions go through the
// vectorized math of vec_math.h (a plain std::exp loop is not vectorized by
// GCC without -ffast-math: about 4 GB/s against 14-29).

#include "common/unary_functors.h"
#include "cpu/loops.h"
#include "cpu/vec_math.h"

namespace ember {
namespace cpu {

#define EMBER_VEC(F)                                                                  \
  template <typename T>                                                              \
  struct VecUnary<fn::F, T> {                                                        \
    static constexpr bool enabled = std::is_same<T, float>::value || std::is_same<T, double>::value; \
    static void run(const fn::F&, T* out, const T* in, int64_t n) {                  \
      if constexpr (std::is_same<T, float>::value) vec_math().unary_f32(VecOp::F, out, in, n); \
      else if constexpr (std::is_same<T, double>::value) vec_math().unary_f64(VecOp::F, out, in, n); \
    }                                                                                \
  };

EMBER_VEC(Exp)
EMBER_VEC(Log)
EMBER_VEC(Tanh)
EMBER_VEC(Sigmoid)
EMBER_VEC(Sqrt)
EMBER_VEC(Rsqrt)
EMBER_VEC(Sin)
EMBER_VEC(Cos)
EMBER_VEC(Log1p)
EMBER_VEC(Expm1)
EMBER_VEC(Silu)
#undef EMBER_VEC

}  // namespace cpu
}  // namespace ember
