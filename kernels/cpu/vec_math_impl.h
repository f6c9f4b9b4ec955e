// Included by exactly two files, each defining EMBER_VEC_NS (see
// vec_math.h). Eigen is renamed in the AVX-512 one.
#include <Eigen/Core>
#include <cmath>

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

// Reads the row twice: once for the max, once for exp(x - max) into out.
template <typename T>
void softmax(T* out, const T* in, int64_t n, bool log) {
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

}  // namespace

void unary_f32(VecOp op, float* out, const float* in, int64_t n) { unary(op, out, in, n); }
void unary_f64(VecOp op, double* out, const double* in, int64_t n) { unary(op, out, in, n); }
void softmax_f32(float* out, const float* in, int64_t n, bool log) { softmax(out, in, n, log); }
void softmax_f64(double* out, const double* in, int64_t n, bool log) { softmax(out, in, n, log); }

}  // namespace EMBER_VEC_NS
}  // namespace cpu
}  // namespace ember
