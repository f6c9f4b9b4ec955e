#pragma once

/// ember::linalg: torch.linalg's functions (torch 1.13 semantics) on float32
/// and float64 tensors. Matrix arguments are [*, m, n]: leading dims are a
/// batch. Decompositions run on the CPU with Eigen (src/ops/linalg_*.cpp).

#include <cstddef>
#include <optional>
#include <string>
#include <tuple>

#include "ember/tensor.h"

namespace ember {
namespace linalg {

// ---------------------------------------------------------------- norms
/// ||x||_ord over `dim` (every dim when empty): ord = 2 by default, inf and
/// -inf for max and min |x|, 0 for the count of non-zeros. `dtype` casts the
/// input first.
EMBER_API Tensor vector_norm(const Tensor& x, const Scalar& ord = 2, IntArrayRef dim = {}, bool keepdim = false,
                             std::optional<ScalarType> dtype = std::nullopt);
/// Matrix norm over the two dims `dim`: ord "fro" or "nuc", or a number
/// among 2, -2 (largest and smallest singular value), 1, -1 (max and min
/// column sum of |A|), inf, -inf (max and min row sum of |A|).
EMBER_API Tensor matrix_norm(const Tensor& A, const Scalar& ord, IntArrayRef dim = {-2, -1}, bool keepdim = false,
                             std::optional<ScalarType> dtype = std::nullopt);
EMBER_API Tensor matrix_norm(const Tensor& A, const std::string& ord = "fro", IntArrayRef dim = {-2, -1},
                             bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt);
/// torch.linalg.norm: a matrix norm when ord is given and dim has two dims
/// (or dim is not given and A is 2-D), else a vector norm (2 when ord is not
/// given, over every dim when dim is not given).
EMBER_API Tensor norm(const Tensor& A, const std::optional<Scalar>& ord = std::nullopt,
                      std::optional<IntArrayRef> dim = std::nullopt, bool keepdim = false,
                      std::optional<ScalarType> dtype = std::nullopt);
/// A string ord is a matrix norm ("fro" or "nuc") over dim (default -2, -1).
EMBER_API Tensor norm(const Tensor& A, const std::string& ord, std::optional<IntArrayRef> dim = std::nullopt,
                      bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt);

// Note [Number and string ords]
// With both a Scalar and a std::string overload, `matrix_norm(A, 0)` would be
// ambiguous (a literal 0 converts to std::string through const char*) and
// `matrix_norm(A, "nuc")` too (a pointer converts to a bool Scalar). A number
// goes through the double overloads and a literal through the array ones.
inline Tensor matrix_norm(const Tensor& A, double ord, IntArrayRef dim = {-2, -1}, bool keepdim = false,
                          std::optional<ScalarType> dtype = std::nullopt) {
  return matrix_norm(A, Scalar(ord), dim, keepdim, dtype);
}
template <size_t N>
inline Tensor matrix_norm(const Tensor& A, const char (&ord)[N], IntArrayRef dim = {-2, -1}, bool keepdim = false,
                          std::optional<ScalarType> dtype = std::nullopt) {
  return matrix_norm(A, std::string(ord), dim, keepdim, dtype);
}
inline Tensor norm(const Tensor& A, double ord, std::optional<IntArrayRef> dim = std::nullopt, bool keepdim = false,
                   std::optional<ScalarType> dtype = std::nullopt) {
  return norm(A, std::optional<Scalar>(ord), dim, keepdim, dtype);
}
template <size_t N>
inline Tensor norm(const Tensor& A, const char (&ord)[N], std::optional<IntArrayRef> dim = std::nullopt,
                   bool keepdim = false, std::optional<ScalarType> dtype = std::nullopt) {
  return norm(A, std::string(ord), dim, keepdim, dtype);
}

// ------------------------------------------------- LU: inverse, det, solve
/// Inverse of square matrices [*, n, n]; throws LinAlgError for a singular one.
EMBER_API Tensor inv(const Tensor& A);
/// Determinant [*] of square matrices [*, n, n]; differentiable at singular
/// matrices too (the gradient is the cofactor matrix).
EMBER_API Tensor det(const Tensor& A);
/// (sign, log|det|) of square matrices; sign is 0 and log|det| -inf for a
/// singular one.
EMBER_API std::tuple<Tensor, Tensor> slogdet(const Tensor& A);
/// X with A X = B (left) or X A = B. A [*, n, n]; B [*, n, k] or a batch of
/// vectors [*, n] (1-D, or A's shape without its last dim); batch dims
/// broadcast. Throws LinAlgError for a singular A.
EMBER_API Tensor solve(const Tensor& A, const Tensor& B, bool left = true);
/// X with A X = B (left) or X A = B for triangular A [*, n, n] (only the
/// `upper` or lower triangle is read; its diagonal too unless unitriangular).
EMBER_API Tensor solve_triangular(const Tensor& A, const Tensor& B, bool upper, bool left = true,
                                  bool unitriangular = false);

// --------------------------------------------------------- decompositions
/// Cholesky factor of symmetric positive-definite A [*, n, n] (its lower
/// triangle is read): lower L with A = L L^T, or upper U = L^T. Throws
/// LinAlgError when A is not positive-definite.
EMBER_API Tensor cholesky(const Tensor& A, bool upper = false);
/// (Q, R) with A = Q R: mode "reduced" (Q [*, m, k], R [*, k, n], k =
/// min(m, n)), "complete" (Q [*, m, m], R [*, m, n]) or "r" (Q empty).
EMBER_API std::tuple<Tensor, Tensor> qr(const Tensor& A, const std::string& mode = "reduced");
/// (eigenvalues [*, n] ascending, eigenvectors [*, n, n] as columns) of the
/// symmetric matrix in A's lower ("L") or upper ("U") triangle. The
/// gradient assumes distinct eigenvalues.
EMBER_API std::tuple<Tensor, Tensor> eigh(const Tensor& A, const std::string& UPLO = "L");
EMBER_API Tensor eigvalsh(const Tensor& A, const std::string& UPLO = "L");
/// (U, S, Vh) with A = U diag(S) Vh; S [*, k] descending. full_matrices:
/// U [*, m, m] and Vh [*, n, n], else [*, m, k] and [*, k, n]. The gradient
/// assumes distinct non-zero singular values.
EMBER_API std::tuple<Tensor, Tensor, Tensor> svd(const Tensor& A, bool full_matrices = true);
/// Singular values [*, k], descending.
EMBER_API Tensor svdvals(const Tensor& A);
/// Pseudo-inverse [*, n, m] of A [*, m, n] by the SVD (the eigendecomposition
/// when hermitian): singular values at or below max(atol, rtol * largest)
/// count as zero. Without atol and rtol, rtol = max(m, n) * eps.
EMBER_API Tensor pinv(const Tensor& A, std::optional<double> atol = std::nullopt,
                      std::optional<double> rtol = std::nullopt, bool hermitian = false);
/// Number of singular values above the pinv tolerance (int64 [*]).
EMBER_API Tensor matrix_rank(const Tensor& A, std::optional<double> atol = std::nullopt,
                             std::optional<double> rtol = std::nullopt, bool hermitian = false);
/// (solution, residuals, rank, singular_values) of A X = B in the least-squares
/// sense, A [*, m, n], B [*, m, k] or [*, m] (batch dims broadcast): the
/// minimum-norm solution by a complete orthogonal decomposition (torch's CPU
/// default driver, gelsy), singular values below rcond times the largest
/// counting as zero (default eps * max(m, n)). As gelsy, residuals and
/// singular_values are empty; rank is int64 [*].
EMBER_API std::tuple<Tensor, Tensor, Tensor, Tensor> lstsq(const Tensor& A, const Tensor& B,
                                                           std::optional<double> rcond = std::nullopt);

}  // namespace linalg

// torch's top-level names for the same functions.
/// linalg::inv.
EMBER_API Tensor inverse(const Tensor& input);
/// linalg::det.
EMBER_API Tensor det(const Tensor& input);
/// linalg::slogdet.
EMBER_API std::tuple<Tensor, Tensor> slogdet(const Tensor& input);
/// log(det(input)): nan for a negative determinant, -inf for zero.
EMBER_API Tensor logdet(const Tensor& input);
/// linalg::cholesky.
EMBER_API Tensor cholesky(const Tensor& input, bool upper = false);
/// torch.norm(p="fro"): the 2-norm of the elements over dim (at most two
/// dims; every dim when empty), as libtorch's frobenius_norm.
EMBER_API Tensor frobenius_norm(const Tensor& input, IntArrayRef dim = {}, bool keepdim = false);
/// torch.norm(p="nuc"): the sum of the singular values of a 2-D input, or
/// over the two dims `dim`, as libtorch's nuclear_norm.
EMBER_API Tensor nuclear_norm(const Tensor& input, bool keepdim = false);
EMBER_API Tensor nuclear_norm(const Tensor& input, IntArrayRef dim, bool keepdim = false);
/// norm(input, "fro" or "nuc", dim, keepdim): the two above (a string literal
/// would otherwise become a bool Scalar p; see Note [Number and string ords]).
template <size_t N>
inline Tensor norm(const Tensor& input, const char (&p)[N], IntArrayRef dim = {}, bool keepdim = false) {
  const std::string s(p);
  if (s == "fro") return frobenius_norm(input, dim, keepdim);
  EMBER_CHECK_VALUE(s == "nuc", "norm: p must be a number, 'fro' or 'nuc', got '", s, "'");
  return dim.empty() ? nuclear_norm(input, keepdim) : nuclear_norm(input, dim, keepdim);
}

}  // namespace ember
