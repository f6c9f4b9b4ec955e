// Vectorized math built with AVX-512; chosen at run time (vec_math.h).
#define Eigen EigenVecAvx512
#define EMBER_VEC_NS vec_avx512
#if defined(EMBER_HAVE_AVX512_GEMM)
#include "cpu/vec_math_impl.h"
#else
#include "cpu/vec_math.h"
namespace ember {
namespace cpu {
namespace vec_avx512 {
void unary_f32(VecOp, float*, const float*, int64_t) {}
void unary_f64(VecOp, double*, const double*, int64_t) {}
void softmax_f32(float*, const float*, int64_t, int64_t, bool) {}
void softmax_f64(double*, const double*, int64_t, int64_t, bool) {}
}  // namespace vec_avx512
}  // namespace cpu
}  // namespace ember
#endif
