// Vectorized math for the AVX2 baseline, and the run-time choice.
#define EMBER_VEC_NS vec_avx2
#include "cpu/vec_math_impl.h"

#include "cpu/gemm_eigen.h"

namespace ember {
namespace cpu {
const VecMath& vec_math() {
  static const VecMath table = gemm_avx512_supported()
                                   ? VecMath{vec_avx512::unary_f32, vec_avx512::unary_f64, vec_avx512::softmax_f32,
                                             vec_avx512::softmax_f64}
                                   : VecMath{vec_avx2::unary_f32, vec_avx2::unary_f64, vec_avx2::softmax_f32,
                                             vec_avx2::softmax_f64};
  return table;
}
}  // namespace cpu
}  // namespace ember
