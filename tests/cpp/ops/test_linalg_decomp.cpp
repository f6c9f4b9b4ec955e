// ember::linalg: norms, LU (inv, det, slogdet, solve), cholesky, qr, eigh,
// svd, pinv and lstsq. The known values were computed once with torch 1.13
// (float64) and pasted here; tests/python/test_linalg.py compares against
// torch itself over many more shapes and dtypes.
#include <cmath>
#include <vector>

#include "testing/testing.h"

namespace ember {
namespace {

using testing::rand_input;

Tensor t64(const std::vector<double>& v, IntArrayRef shape) { return tensor(v, kFloat64).reshape(shape); }

// symmetric positive-definite
Tensor A3() { return t64({4, 1, 2, 1, 3, 0, 2, 0, 5}, {3, 3}); }
Tensor B32() { return t64({1, 2, 3, 4, 5, 6}, {3, 2}); }

// ------------------------------------------------------------ known values

TEST(LinalgDecomp, InvDetSolveKnownValues) {
  EXPECT_CLOSE(linalg::inv(A3()), t64({0.3488372093023256, -0.11627906976744186, -0.13953488372093023,
                                       -0.11627906976744186, 0.37209302325581395, 0.04651162790697675,
                                       -0.13953488372093023, 0.04651162790697675, 0.2558139534883721},
                                      {3, 3}));
  EXPECT_CLOSE(linalg::det(A3()), tensor(43.0, kFloat64));
  EXPECT_CLOSE(linalg::solve(A3(), B32()), t64({-0.6976744186046512, -0.6046511627906977, 1.2325581395348837,
                                                1.5348837209302326, 1.2790697674418605, 1.4418604651162792},
                                               {3, 2}));
  // partial pivoting swaps rows here; the determinant is negative
  Tensor p = t64({0, 2, 1, 1, 0, 0, 3, 1, 2}, {3, 3});
  EXPECT_CLOSE(linalg::det(p), tensor(-3.0, kFloat64));
  auto [sign, logabs] = linalg::slogdet(p);
  EXPECT_CLOSE(sign, tensor(-1.0, kFloat64));
  EXPECT_CLOSE(logabs, tensor(std::log(3.0), kFloat64));
}

TEST(LinalgDecomp, DecompositionsKnownValues) {
  EXPECT_CLOSE(linalg::cholesky(A3()),
               t64({2.0, 0.0, 0.0, 0.5, 1.6583123951777, 0.0, 1.0, -0.30151134457776363, 1.9771421064483223}, {3, 3}));
  EXPECT_CLOSE(linalg::eigvalsh(A3()), t64({1.854897308799576, 3.4760236029181333, 6.669079088282287}, {3}));
  EXPECT_CLOSE(linalg::svdvals(B32()), t64({9.525518091565107, 0.514300580658644}, {2}));
  // Householder QR has LAPACK's signs, so Q and R match torch's exactly
  auto [Q, R] = linalg::qr(B32());
  EXPECT_CLOSE(R, t64({-5.916079783099616, -7.437357441610946, 0.0, 0.8280786712108248}, {2, 2}));
  EXPECT_CLOSE(Q, t64({-0.16903085094570325, 0.8970852271450607, -0.50709255283711, 0.27602622373694136,
                       -0.8451542547285166, -0.345032779671177},
                      {3, 2}));
  EXPECT_CLOSE(linalg::pinv(B32()), t64({-1.333333333333334, -0.3333333333333329, 0.6666666666666666, 1.083333333333334,
                                         0.3333333333333331, -0.41666666666666674},
                                        {2, 3}));
  EXPECT_CLOSE(std::get<0>(linalg::lstsq(B32(), t64({1, 2, 4}, {3, 1}))),
               t64({0.6666666666666666, 0.08333333333333331}, {2, 1}));
}

TEST(LinalgDecomp, NormsKnownValues) {
  EXPECT_CLOSE(linalg::matrix_norm(B32(), "nuc"), tensor(10.03981867222375, kFloat64));
  EXPECT_CLOSE(linalg::matrix_norm(B32(), INFINITY), tensor(11.0, kFloat64));
  EXPECT_CLOSE(linalg::matrix_norm(B32(), 1), tensor(12.0, kFloat64));
  EXPECT_CLOSE(linalg::matrix_norm(B32(), -2), tensor(0.514300580658644, kFloat64));
  EXPECT_CLOSE(linalg::matrix_norm(B32()), tensor(std::sqrt(91.0), kFloat64));
  EXPECT_CLOSE(linalg::vector_norm(B32(), 1), tensor(21.0, kFloat64));
  EXPECT_CLOSE(norm(B32(), "fro"), tensor(std::sqrt(91.0), kFloat64));
  EXPECT_CLOSE(norm(B32(), "nuc"), tensor(10.03981867222375, kFloat64));
  EXPECT_CLOSE(norm(B32(), 0), tensor(6.0, kFloat64));  // a number, not the string overload
  EXPECT_CLOSE(linalg::norm(B32(), 0, IntArrayRef{0}), t64({3, 3}, {2}));
}

// ------------------------------------------------------------ batches, errors

TEST(LinalgDecomp, BatchedMatchesPerMatrix) {
  Tensor a = rand_input({2, 3, 4, 4}, 3).detach() + 4 * eye(4, TensorOptions().dtype(kFloat64));
  Tensor inv_all = linalg::inv(a), det_all = linalg::det(a);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      EXPECT_CLOSE(inv_all[i][j], linalg::inv(a[i][j]));
      EXPECT_CLOSE(det_all[i][j], linalg::det(a[i][j]));
    }
  EXPECT_CLOSE(matmul(a, inv_all), eye(4, TensorOptions().dtype(kFloat64)).expand({2, 3, 4, 4}));
}

TEST(LinalgDecomp, Errors) {
  Tensor singular = t64({1, 2, 3, 4, 5, 6, 7, 8, 9}, {3, 3});
  EXPECT_THROW_MSG(linalg::inv(singular), LinAlgError,
                   "linalg.inv: The diagonal element 3 is zero, the inversion could not be completed because the "
                   "input matrix is singular.");
  EXPECT_THROW_MSG(linalg::inv(stack({eye(3, TensorOptions().dtype(kFloat64)), singular})), LinAlgError,
                   "linalg.inv: (Batch element 1): The diagonal element 3 is zero");
  EXPECT_THROW_MSG(linalg::inv(singular.to(kFloat32)), LinAlgError, "The diagonal element 3 is zero");
  EXPECT_CLOSE(linalg::det(arange(16, TensorOptions().dtype(kFloat64)).reshape({4, 4})), tensor(0.0, kFloat64));
  EXPECT_THROW_MSG(linalg::cholesky(singular), LinAlgError, "the leading minor of order 2 is not positive-definite");
  EXPECT_THROW_MSG(linalg::inv(ones({2, 3})), RuntimeError,
                   "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices");
  EXPECT_THROW_MSG(linalg::det(ones({3, 3}, TensorOptions().dtype(kInt64))), RuntimeError,
                   "linalg.det: Expected a floating point or complex tensor as input. Got Long");
  EXPECT_THROW_MSG(linalg::solve(eye(3), ones({2})), RuntimeError,
                   "Incompatible shapes of A and B for the equation AX = B (3x3 and 2x1)");
  EXPECT_THROW_MSG(linalg::matrix_norm(ones({3, 3}), 3), RuntimeError, "linalg.matrix_norm: Order 3 not supported.");
}

// ------------------------------------------------------------- gradchecks

TEST(LinalgDecomp, Gradchecks) {
  Tensor shift = 3 * eye(3, TensorOptions().dtype(kFloat64));
  EXPECT_TRUE(autograd::gradcheck([&](const tensor_list& in) { return linalg::inv(in[0] + shift); },
                                  {rand_input({2, 3, 3}, 1)}));
  EXPECT_TRUE(autograd::gradcheck([&](const tensor_list& in) { return linalg::det(in[0] + shift); },
                                  {rand_input({2, 3, 3}, 2)}));
  EXPECT_TRUE(autograd::gradcheck([&](const tensor_list& in) { return linalg::solve(in[0] + shift, in[1]); },
                                  {rand_input({3, 3}, 3), rand_input({2, 3, 2}, 4)}));
  EXPECT_TRUE(
      autograd::gradcheck([&](const tensor_list& in) { return linalg::cholesky(matmul(in[0], in[0].mT()) + shift); },
                          {rand_input({2, 3, 3}, 5)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return linalg::eigvalsh(in[0] + in[0].mT()); },
                                  {rand_input({3, 3}, 6)}));
  EXPECT_TRUE(
      autograd::gradcheck([](const tensor_list& in) { return linalg::svdvals(in[0]); }, {rand_input({4, 3}, 7)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return linalg::matrix_norm(in[0], "nuc"); },
                                  {rand_input({3, 4}, 8)}));
  // det at a singular matrix: the cofactor matrix, from the SVD
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return linalg::det(in[0]); },
                                  {t64({1, 2, 2, 4}, {2, 2}).requires_grad_()}));
}

}  // namespace
}  // namespace ember
