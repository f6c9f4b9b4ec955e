#pragma once

// Vectorized math on contiguous float/double runs (Eigen's array
// functions), built twice: for the AVX2 baseline and for AVX-512, chosen
// once at run time. AVX-512 doubles Eigen's exp throughput here (13.7 ->
// 29 GB/s). See Note [GEMM builds per instruction set] for why the two
// builds rename Eigen's namespace.

#include <cstdint>

namespace ember {
namespace cpu {

enum class VecOp { Exp, Log, Tanh, Sigmoid, Sqrt, Rsqrt, Sin, Cos, Log1p, Expm1, Silu };

struct VecMath {
  void (*unary_f32)(VecOp op, float* out, const float* in, int64_t n);
  void (*unary_f64)(VecOp op, double* out, const double* in, int64_t n);
  /// out = softmax(in) or log_softmax(in) over each of `rows` contiguous
  /// rows of length n, stored one after the other.
  void (*softmax_f32)(float* out, const float* in, int64_t rows, int64_t n, bool log);
  void (*softmax_f64)(double* out, const double* in, int64_t rows, int64_t n, bool log);
};

/// The build for this CPU.
const VecMath& vec_math();

#define EMBER_VEC_DECLARE(ns)                                                  \
  namespace ns {                                                               \
  void unary_f32(VecOp op, float* out, const float* in, int64_t n);            \
  void unary_f64(VecOp op, double* out, const double* in, int64_t n);          \
  void softmax_f32(float* out, const float* in, int64_t rows, int64_t n, bool log);   \
  void softmax_f64(double* out, const double* in, int64_t rows, int64_t n, bool log); \
  }
EMBER_VEC_DECLARE(vec_avx2)
EMBER_VEC_DECLARE(vec_avx512)
#undef EMBER_VEC_DECLARE

}  // namespace cpu
}  // namespace ember
