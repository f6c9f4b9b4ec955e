#pragma once

// One [M, K] @ [K, N] product on Eigen, for matrices of any strides. The
// implementation (gemm_eigen_impl.h) is compiled once for AVX2 and once for
// AVX-512 with Eigen's namespace renamed in the latter, so the two builds
// share no symbol (see Note [GEMM builds per instruction set]).

#include <cstdint>

namespace ember {
namespace cpu {

// One matrix of a batch: base pointer plus element strides.
template <typename T>
struct Mat {
  T* data;
  int64_t rows, cols, rs, cs;
};

// How a strided matrix maps onto Eigen without a copy.
enum class Layout { RowMajor, ColMajor, Copy };

inline Layout layout_of(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  // A dim of size 1 can take any stride; Eigen only needs the outer stride
  // to be sane, so size-1 dims never force a copy.
  if ((cs == 1 || cols == 1) && (rows == 1 || rs >= cols)) return Layout::RowMajor;
  if ((rs == 1 || rows == 1) && (cols == 1 || cs >= rows)) return Layout::ColMajor;
  return Layout::Copy;
}

#define EMBER_GEMM_DECLARE(ns)                                                   \
  namespace ns {                                                                 \
  void gemm_one(Mat<float> c, Mat<float> a, Mat<float> b, float beta, float alpha, const float* bias); \
  void gemm_one(Mat<double> c, Mat<double> a, Mat<double> b, double beta, double alpha, const double* bias); \
  }
EMBER_GEMM_DECLARE(gemm_avx2)
EMBER_GEMM_DECLARE(gemm_avx512)
#undef EMBER_GEMM_DECLARE

namespace gemm_avx512 {
/// float product on AVX-512 (sgemm_avx512.cpp); c row-major (c.cs == 1).
/// bias (nullable, c.cols values) is added to every row of the result.
/// Returns false, having done nothing, for shapes it leaves to Eigen.
bool sgemm(Mat<float> c, Mat<float> a, Mat<float> b, float beta, float alpha, const float* bias);
}  // namespace gemm_avx512

bool gemm_avx512_supported();

}  // namespace cpu
}  // namespace ember
