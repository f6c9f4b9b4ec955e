// Note [GEMM builds per instruction set]
// Included by exactly two files, each defining EMBER_GEMM_NS. The AVX-512
// file also renames Eigen's namespace before including it: otherwise both
// files would emit the same (weak) Eigen template symbols and the linker
// could hand AVX-512 code to a CPU without it.
#include <Eigen/Core>
#include <type_traits>

#include "cpu/gemm_eigen.h"

namespace ember {
namespace cpu {
namespace EMBER_GEMM_NS {
namespace {

template <typename T>
using RowMap = Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>, 0,
                          Eigen::OuterStride<Eigen::Dynamic>>;
template <typename T>
using ColMap = Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>, 0,
                          Eigen::OuterStride<Eigen::Dynamic>>;

template <typename T>
RowMap<T> row_map(const Mat<T>& m) {
  return RowMap<T>(m.data, m.rows, m.cols, Eigen::OuterStride<Eigen::Dynamic>(m.rows == 1 ? std::max<int64_t>(m.cols, 1) : m.rs));
}
template <typename T>
ColMap<T> col_map(const Mat<T>& m) {
  return ColMap<T>(m.data, m.rows, m.cols, Eigen::OuterStride<Eigen::Dynamic>(m.cols == 1 ? std::max<int64_t>(m.rows, 1) : m.cs));
}

// C (row-major map) = beta * C + alpha * A @ B, for any map types A and B.
template <typename CM, typename AM, typename BM, typename T>
void eigen_gemm(CM&& c, const AM& a, const BM& b, T beta, T alpha) {
  if (a.cols() == 0) {  // empty contraction: C = beta * C
    if (beta == T(0)) c.setZero();
    else c *= beta;
    return;
  }
  if (beta == T(0)) {
    c.noalias() = alpha * (a * b);  // old contents ignored (may be NaN)
  } else {
    if (beta != T(1)) c *= beta;
    c.noalias() += alpha * (a * b);
  }
}

template <typename T, typename CM>
void gemm_dispatch_ab(CM&& c, const Mat<T>& a, Layout la, const Mat<T>& b, Layout lb, T beta, T alpha) {
  if (la == Layout::RowMajor) {
    if (lb == Layout::RowMajor) eigen_gemm(c, row_map(a), row_map(b), beta, alpha);
    else eigen_gemm(c, row_map(a), col_map(b), beta, alpha);
  } else {
    if (lb == Layout::RowMajor) eigen_gemm(c, col_map(a), row_map(b), beta, alpha);
    else eigen_gemm(c, col_map(a), col_map(b), beta, alpha);
  }
}

// C = bias (every row), so that beta = 1 then adds the product to it.
template <typename T>
void fill_rows(Mat<T> c, const T* bias) {
  for (int64_t i = 0; i < c.rows; ++i)
    for (int64_t j = 0; j < c.cols; ++j) c.data[i * c.rs + j * c.cs] = bias[j];
}

// One [M, K] @ [K, N] product; every matrix already mappable. A bias row
// (beta is 0 then) goes into sgemm's epilogue; otherwise it is first copied
// into C's rows, as BLAS users do for addmm.
template <typename T>
void gemm_one_t(Mat<T> c, Mat<T> a, Mat<T> b, T beta, T alpha, const T* bias) {
  Layout lc = layout_of(c.rows, c.cols, c.rs, c.cs);
  if (lc == Layout::ColMajor) {
    if (bias) fill_rows(c, bias), beta = T(1), bias = nullptr;
    // C^T = B^T @ A^T, with C^T row-major.
    std::swap(a, b);
    std::swap(a.rows, a.cols), std::swap(a.rs, a.cs);
    std::swap(b.rows, b.cols), std::swap(b.rs, b.cs);
    std::swap(c.rows, c.cols), std::swap(c.rs, c.cs);
  }
#ifdef EMBER_GEMM_OWN_SGEMM
  if constexpr (std::is_same<T, float>::value) {
    if (c.cs == 1 || c.cols == 1) {
      c.cs = 1;
      if (sgemm(c, a, b, beta, alpha, bias)) return;
    }
  }
#endif
  if (bias) fill_rows(c, bias), beta = T(1);
  Layout la = layout_of(a.rows, a.cols, a.rs, a.cs);
  Layout lb = layout_of(b.rows, b.cols, b.rs, b.cs);
  gemm_dispatch_ab(row_map(c), a, la, b, lb, beta, alpha);
}


}  // namespace

void gemm_one(Mat<float> c, Mat<float> a, Mat<float> b, float beta, float alpha, const float* bias) {
  gemm_one_t(c, a, b, beta, alpha, bias);
}
void gemm_one(Mat<double> c, Mat<double> a, Mat<double> b, double beta, double alpha, const double* bias) {
  gemm_one_t(c, a, b, beta, alpha, bias);
}

}  // namespace EMBER_GEMM_NS
}  // namespace cpu
}  // namespace ember
