// Included by exactly two files, each defining EMBER_VEC_NS (see
// vec_math.h). Eigen is renamed in the AVX-512 one.
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

#include "cpu/vec_math.h"

namespace ember {
namespace cpu {
namespace EMBER_VEC_NS {
namespace {

template <typename T>
void unary(VecOp op, T* out, const T* in, int64_t n) {
  using A = Eigen::Array<T, Eigen::Dynamic, 1>;
  Eigen::Map<A> o(out, n);
  Eigen::Map<const A> x(in, n);
  switch (op) {
    case VecOp::Exp: o = x.exp(); break;
    case VecOp::Log: o = x.log(); break;
    case VecOp::Tanh: o = x.tanh(); break;
    case VecOp::Sigmoid: o = x.logistic(); break;
    case VecOp::Sqrt: o = x.sqrt(); break;
    case VecOp::Rsqrt: o = x.rsqrt(); break;
    case VecOp::Sin: o = x.sin(); break;
    case VecOp::Cos: o = x.cos(); break;
    case VecOp::Log1p: o = x.log1p(); break;
    case VecOp::Expm1: o = x.expm1(); break;
    case VecOp::Silu: o = x * x.logistic(); break;
  }
}

// One row: reads it twice, once for the max, once for exp(x - max).
template <typename T>
void softmax_row(T* out, const T* in, int64_t n, bool log) {
  using A = Eigen::Array<T, Eigen::Dynamic, 1>;
  Eigen::Map<A> o(out, n);
  Eigen::Map<const A> x(in, n);
  const T m = x.template maxCoeff<Eigen::PropagateNaN>();
  if (log) {
    // (x - m) - log(sum): exact for large x, unlike x - (m + log(sum))
    const T log_sum = std::log((x - m).exp().sum());
    o = (x - m) - log_sum;
  } else {
    o = (x - m).exp();
    o *= T(1) / o.sum();
  }
}

// Rows shorter than a vector would run exp one scalar at a time (a [64, 10]
// log_softmax took 6 us), so short rows are shifted by their max a block at a
// time and the block goes through one vectorized exp.
template <typename T>
void softmax(T* out, const T* in, int64_t rows, int64_t n, bool log) {
  constexpr int64_t kShort = 32, kBlock = 1024;
  if (n >= kShort) {
    for (int64_t r = 0; r < rows; ++r) softmax_row(out + r * n, in + r * n, n, log);
    return;
  }
  using A = Eigen::Array<T, Eigen::Dynamic, 1>;
  T e[kBlock];
  const int64_t per = kBlock / n;
  for (int64_t r0 = 0; r0 < rows; r0 += per) {
    const int64_t R = std::min(per, rows - r0);
    T* o = out + r0 * n;
    const T* x = in + r0 * n;
    for (int64_t r = 0; r < R; ++r) {
      T m = x[r * n];
      bool nan = false;
      for (int64_t k = 1; k < n; ++k) {  // branch-free; NaN propagates, as maxCoeff<PropagateNaN>
        const T v = x[r * n + k];
        m = v > m ? v : m;
        nan |= v != v;
      }
      if (nan || m != m) m = std::numeric_limits<T>::quiet_NaN();
      for (int64_t k = 0; k < n; ++k) o[r * n + k] = x[r * n + k] - m;
    }
    Eigen::Map<A>(e, R * n) = Eigen::Map<const A>(o, R * n).exp();
    T sums[kBlock];  // R <= kBlock / n rows
    for (int64_t r = 0; r < R; ++r) {
      T s = 0;
      for (int64_t k = 0; k < n; ++k) s += e[r * n + k];
      sums[r] = s;
    }
    if (log) {  // one vectorized log for the block's row sums
      Eigen::Map<A>(sums, R) = Eigen::Map<const A>(sums, R).log();
      for (int64_t r = 0; r < R; ++r)
        for (int64_t k = 0; k < n; ++k) o[r * n + k] -= sums[r];
    } else {
      for (int64_t r = 0; r < R; ++r) {
        const T inv = T(1) / sums[r];
        for (int64_t k = 0; k < n; ++k) o[r * n + k] = e[r * n + k] * inv;
      }
    }
  }
}

}  // namespace

void unary_f32(VecOp op, float* out, const float* in, int64_t n) { unary(op, out, in, n); }
void unary_f64(VecOp op, double* out, const double* in, int64_t n) { unary(op, out, in, n); }
void softmax_f32(float* out, const float* in, int64_t rows, int64_t n, bool log) { softmax(out, in, rows, n, log); }
void softmax_f64(double* out, const double* in, int64_t rows, int64_t n, bool log) {
  softmax(out, in, rows, n, log);
}

}  // namespace EMBER_VEC_NS
}  // namespace cpu
}  // namespace ember
