// CPU matrix decompositions with Eigen: LU with partial pivoting and its
// solve, triangular solve, Cholesky, Householder QR, the symmetric
// eigensolver, SVD and least squares. Every operand is a contiguous
// [B, rows, cols] batch (see kernel_args.h); each matrix is copied into a
// column-major Eigen matrix, decomposed, and its results copied out, one
// matrix per task. All of Eigen's decomposition templates are instantiated
// in this one file, for float and double only.
#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "cpu/thread_pool.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
namespace {

using LinalgTypes = TypeList<float, double>;

template <typename T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <typename T>
using RowMap = Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

// Matrix b of a contiguous [B, rows, cols] tensor.
template <typename T>
RowMap<T> matrix(const Tensor& t, int64_t b) {
  const int64_t r = t.size(1), c = t.size(2);
  return RowMap<T>(t.data_ptr<T>() + b * r * c, r, c);
}

// One task per matrix; small matrices are grouped so a task does about
// kGrainSize flops.
template <typename F>
void for_each_matrix(int64_t batch, int64_t n, const F& fn) {
  const int64_t work = std::max<int64_t>(1, n * n * n);
  const int64_t grain = std::max<int64_t>(1, kGrainSize / work);
  parallel_for(0, batch, grain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) fn(i);
  });
}

template <typename F>
void dispatch(const Tensor& t, const char* op, F&& f) {
  dispatch_types<LinalgTypes>(t.dtype(), op, std::forward<F>(f));
}

// ------------------------------------------------------------------ LU

// Eigen keeps P as a permutation (P A = L U, row i of A goes to row
// perm[i]); LAPACK's getrf, which torch returns, as the sequence of row
// swaps made. Rebuilds the swaps from the permutation.
void permutation_to_swaps(const int* perm, int64_t n, int32_t* pivots) {
  std::vector<int64_t> src(static_cast<size_t>(n)), cur(src.size()), pos(src.size());
  for (int64_t i = 0; i < n; ++i) src[size_t(perm[i])] = i;  // row i of P A is row src[i] of A
  std::iota(cur.begin(), cur.end(), 0);                      // cur[r]: row of A now at r
  std::iota(pos.begin(), pos.end(), 0);                      // pos[a]: where row a of A is now
  for (int64_t k = 0; k < n; ++k) {
    int64_t j = pos[size_t(src[size_t(k)])];
    pivots[k] = int32_t(j + 1);
    std::swap(cur[size_t(k)], cur[size_t(j)]);
    pos[size_t(cur[size_t(k)])] = k;
    pos[size_t(cur[size_t(j)])] = j;
  }
}

// Left-looking (Crout) LU with partial pivoting on a row-major n x n matrix,
// in place, LAPACK's pivots: column j first gets a_ij -= (sum_k l_ik u_kj),
// the sum formed before it is subtracted, then the first largest |a_ij|
// below the diagonal is the pivot and the column is scaled by its
// reciprocal. Formed this way (and without FMA contraction), an exactly
// singular matrix of small integers ([[1, 2, 3], [4, 5, 6], [7, 8, 9]]) ends
// with the exact zero pivot torch's LAPACK finds, in float and double;
// right-looking rank-1 updates (Eigen's) leave a rounding residue there.
// Returns info.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif
template <typename T>
int32_t lu_left_looking(T* a, int64_t n, int32_t* piv) {
  int32_t info = 0;
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t i = 1; i < n; ++i) {
      const int64_t m = std::min(i, j);
      T sum = T(0);
      for (int64_t k = 0; k < m; ++k) {
        const T prod = a[i * n + k] * a[k * n + j];
        sum += prod;
      }
      a[i * n + j] -= sum;
    }
    int64_t p = j;
    T best = std::abs(a[j * n + j]);
    for (int64_t i = j + 1; i < n; ++i) {
      const T v = std::abs(a[i * n + j]);
      if (v > best) best = v, p = i;
    }
    piv[j] = int32_t(p + 1);
    if (a[p * n + j] == T(0)) {
      if (info == 0) info = int32_t(j + 1);
      continue;
    }
    if (p != j) std::swap_ranges(a + j * n, a + (j + 1) * n, a + p * n);
    const T d = a[j * n + j];
    if (std::abs(d) >= std::numeric_limits<T>::min()) {
      const T r = T(1) / d;
      for (int64_t i = j + 1; i < n; ++i) a[i * n + j] *= r;
    } else {
      for (int64_t i = j + 1; i < n; ++i) a[i * n + j] /= d;
    }
  }
  return info;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

// Above this size Eigen's blocked LU: much faster; its rounding is a blocked LU's.
constexpr int64_t kLeftLookingLuMax = 128;

void lu_factor_kernel(const Tensor& LU, const Tensor& pivots, const Tensor& info, const Tensor& A) {
  dispatch(A, "linalg.lu_factor", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    const int64_t n = A.size(1);
    int32_t* piv = pivots.data_ptr<int32_t>();
    int32_t* inf = info.data_ptr<int32_t>();
    for_each_matrix(A.size(0), n, [&](int64_t b) {
      inf[b] = 0;
      if (n == 0) return;
      if (n <= kLeftLookingLuMax) {
        matrix<T>(LU, b) = matrix<T>(A, b);
        inf[b] = lu_left_looking(LU.data_ptr<T>() + b * n * n, n, piv + b * n);
        return;
      }
      Eigen::PartialPivLU<Mat<T>> lu(Mat<T>(matrix<T>(A, b)));
      const Mat<T>& f = lu.matrixLU();
      matrix<T>(LU, b) = f;
      permutation_to_swaps(lu.permutationP().indices().data(), n, piv + b * n);
      for (int64_t i = 0; i < n; ++i) {
        if (f(i, i) == T(0)) {
          inf[b] = int32_t(i + 1);
          break;
        }
      }
    });
  });
}

void lu_solve_kernel(const Tensor& X, const Tensor& LU, const Tensor& pivots) {
  dispatch(X, "linalg.lu_solve", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    const int64_t n = LU.size(1);
    const int32_t* piv = pivots.data_ptr<int32_t>();
    for_each_matrix(X.size(0), n, [&](int64_t b) {
      if (n == 0) return;
      RowMap<T> x = matrix<T>(X, b);
      const int32_t* p = piv + b * n;
      for (int64_t k = 0; k < n; ++k)
        if (p[k] - 1 != k) x.row(k).swap(x.row(p[k] - 1));
      const RowMap<T> lu = matrix<T>(LU, b);
      lu.template triangularView<Eigen::UnitLower>().solveInPlace(x);
      lu.template triangularView<Eigen::Upper>().solveInPlace(x);
    });
  });
}

void triangular_solve_kernel(const Tensor& X, const Tensor& A, bool upper, bool unitriangular) {
  dispatch(X, "linalg.solve_triangular", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    const int64_t n = A.size(1);
    for_each_matrix(X.size(0), n, [&](int64_t b) {
      if (n == 0) return;
      RowMap<T> x = matrix<T>(X, b);
      const RowMap<T> a = matrix<T>(A, b);
      if (upper && unitriangular)
        a.template triangularView<Eigen::UnitUpper>().solveInPlace(x);
      else if (upper)
        a.template triangularView<Eigen::Upper>().solveInPlace(x);
      else if (unitriangular)
        a.template triangularView<Eigen::UnitLower>().solveInPlace(x);
      else
        a.template triangularView<Eigen::Lower>().solveInPlace(x);
    });
  });
}

// ------------------------------------------------------------- Cholesky

// The order of the first leading minor of a that is not positive-definite
// (LAPACK's potrf info), found by the plain algorithm; runs only when
// Eigen's blocked factorization failed.
template <typename T>
int32_t first_bad_minor(const Mat<T>& a) {
  const int64_t n = a.rows();
  Mat<T> l = Mat<T>::Zero(n, n);
  for (int64_t j = 0; j < n; ++j) {
    T d = a(j, j) - l.row(j).head(j).squaredNorm();
    if (!(d > T(0))) return int32_t(j + 1);
    l(j, j) = std::sqrt(d);
    for (int64_t i = j + 1; i < n; ++i) l(i, j) = (a(i, j) - l.row(i).head(j).dot(l.row(j).head(j))) / l(j, j);
  }
  return int32_t(n);
}

void cholesky_kernel(const Tensor& L, const Tensor& info, const Tensor& A) {
  dispatch(A, "linalg.cholesky", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    const int64_t n = A.size(1);
    int32_t* inf = info.data_ptr<int32_t>();
    for_each_matrix(A.size(0), n, [&](int64_t b) {
      inf[b] = 0;
      if (n == 0) return;
      Mat<T> a = matrix<T>(A, b);
      Eigen::LLT<Mat<T>, Eigen::Lower> llt(a);
      // LLT reports success on a nan pivot; LAPACK does not
      const Mat<T>& f = llt.matrixLLT();
      bool ok = llt.info() == Eigen::Success;
      for (int64_t i = 0; ok && i < n; ++i) ok = f(i, i) > T(0);
      if (!ok) {
        inf[b] = first_bad_minor<T>(a);
        return;
      }
      matrix<T>(L, b) = f.template triangularView<Eigen::Lower>();
    });
  });
}

// ------------------------------------------------------------------ QR

void qr_kernel(const Tensor& Q, const Tensor& R, const Tensor& A) {
  dispatch(A, "linalg.qr", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    const int64_t m = A.size(1), n = A.size(2);
    const int64_t rr = R.size(1);  // k (reduced, r) or m (complete)
    for_each_matrix(A.size(0), std::max(m, n), [&](int64_t b) {
      RowMap<T> r = matrix<T>(R, b);
      if (m == 0 || n == 0) {
        r.setZero();
        if (Q.defined()) matrix<T>(Q, b).setIdentity();
        return;
      }
      Eigen::HouseholderQR<Mat<T>> qr(Mat<T>(matrix<T>(A, b)));
      r = qr.matrixQR().topRows(rr).template triangularView<Eigen::Upper>();
      if (Q.defined()) {
        const int64_t qc = Q.size(2);
        matrix<T>(Q, b) = qr.householderQ() * Mat<T>::Identity(m, qc);
      }
    });
  });
}

// ------------------------------------------------------ symmetric eigen

void eigh_kernel(const Tensor& w, const Tensor& V, const Tensor& A, bool upper) {
  dispatch(A, "linalg.eigh", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    const int64_t n = A.size(1);
    T* wp = w.data_ptr<T>();
    for_each_matrix(A.size(0), n, [&](int64_t b) {
      if (n == 0) return;
      // the solver reads the lower triangle: the upper one, transposed
      Mat<T> a = upper ? Mat<T>(matrix<T>(A, b).transpose()) : Mat<T>(matrix<T>(A, b));
      Eigen::SelfAdjointEigenSolver<Mat<T>> es(a, V.defined() ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
      if (es.info() != Eigen::Success) {  // no convergence (a non-finite entry): nan, never unwritten memory
        Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>>(wp + b * n, n).setConstant(std::numeric_limits<T>::quiet_NaN());
        if (V.defined()) matrix<T>(V, b).setConstant(std::numeric_limits<T>::quiet_NaN());
        return;
      }
      Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>>(wp + b * n, n) = es.eigenvalues();
      if (V.defined()) matrix<T>(V, b) = es.eigenvectors();
    });
  });
}

// ------------------------------------------------------------------ SVD

void svd_kernel(const Tensor& U, const Tensor& S, const Tensor& Vh, const Tensor& A) {
  dispatch(A, "linalg.svd", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    const int64_t m = A.size(1), n = A.size(2), k = std::min(m, n);
    T* sp = S.data_ptr<T>();
    unsigned opts = 0;
    if (U.defined()) opts |= U.size(2) == k ? Eigen::ComputeThinU : Eigen::ComputeFullU;
    if (Vh.defined()) opts |= Vh.size(1) == k ? Eigen::ComputeThinV : Eigen::ComputeFullV;
    for_each_matrix(A.size(0), std::max(m, n), [&](int64_t b) {
      if (k == 0) {  // full_matrices gives identities, as LAPACK
        if (U.defined()) matrix<T>(U, b).setIdentity();
        if (Vh.defined()) matrix<T>(Vh, b).setIdentity();
        return;
      }
      Eigen::BDCSVD<Mat<T>> svd(Mat<T>(matrix<T>(A, b)), opts);
      if (svd.info() != Eigen::Success) {  // a non-finite entry: Eigen leaves its outputs unwritten
        constexpr T nan = std::numeric_limits<T>::quiet_NaN();
        Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>>(sp + b * k, k).setConstant(nan);
        if (U.defined()) matrix<T>(U, b).setConstant(nan);
        if (Vh.defined()) matrix<T>(Vh, b).setConstant(nan);
        return;
      }
      Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>>(sp + b * k, k) = svd.singularValues();
      if (U.defined()) matrix<T>(U, b) = svd.matrixU();
      if (Vh.defined()) matrix<T>(Vh, b) = svd.matrixV().transpose();
    });
  });
}

// ------------------------------------------------------- least squares

// Complete orthogonal decomposition (QR with column pivoting, as LAPACK's
// gelsy, torch's CPU default): the minimum-norm solution.
void lstsq_kernel(const Tensor& X, const Tensor& rank, const Tensor& A, const Tensor& B, double rcond) {
  dispatch(A, "linalg.lstsq", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    const int64_t m = A.size(1), n = A.size(2);
    int64_t* rp = rank.data_ptr<int64_t>();
    for_each_matrix(A.size(0), std::max(m, n), [&](int64_t b) {
      RowMap<T> x = matrix<T>(X, b);
      if (m == 0 || n == 0) {
        x.setZero();
        rp[b] = 0;
        return;
      }
      Eigen::CompleteOrthogonalDecomposition<Mat<T>> cod;
      cod.setThreshold(T(rcond));
      cod.compute(Mat<T>(matrix<T>(A, b)));
      x = cod.solve(Mat<T>(matrix<T>(B, b)));
      rp[b] = int64_t(cod.rank());
    });
  });
}

}  // namespace

EMBER_REGISTER_KERNEL(lu_factor, CPU, lu_factor_kernel);
EMBER_REGISTER_KERNEL(lu_solve, CPU, lu_solve_kernel);
EMBER_REGISTER_KERNEL(triangular_solve, CPU, triangular_solve_kernel);
EMBER_REGISTER_KERNEL(cholesky, CPU, cholesky_kernel);
EMBER_REGISTER_KERNEL(qr, CPU, qr_kernel);
EMBER_REGISTER_KERNEL(eigh, CPU, eigh_kernel);
EMBER_REGISTER_KERNEL(svd, CPU, svd_kernel);
EMBER_REGISTER_KERNEL(lstsq, CPU, lstsq_kernel);

}  // namespace cpu
}  // namespace ember
