// Eigen GEMM built with AVX-512 (about 1.5x the AVX2 build at N >= 512);
// chosen at run time. See Note [GEMM builds per instruction set].
#define Eigen EigenAvx512
#define EMBER_GEMM_NS gemm_avx512
#if defined(EMBER_HAVE_AVX512_GEMM)
#define EMBER_GEMM_OWN_SGEMM  // float goes to sgemm_avx512.cpp, double stays on Eigen
#include "cpu/gemm_eigen_impl.h"
#else
#include "cpu/gemm_eigen.h"
namespace ember {
namespace cpu {
namespace gemm_avx512 {
void gemm_one(Mat<float>, Mat<float>, Mat<float>, float, float, const float*) {}
void gemm_one(Mat<double>, Mat<double>, Mat<double>, double, double, const double*) {}
}  // namespace gemm_avx512
}  // namespace cpu
}  // namespace ember
#endif
