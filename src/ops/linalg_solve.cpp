// torch.linalg's LU-based functions: inv, det, slogdet, solve, and the
// triangular solve. One LU factorization per matrix (the lu_factor kernel);
// inv and solve then run lu_solve, det and slogdet read U's diagonal and the
// row swaps. Each records its own backward, written with ember ops.
#include <cmath>

#include "ops/linalg_common.h"

namespace ember {

namespace {

using autograd::GradMask;

constexpr const char* kSingularSolve = "The solver failed because the input matrix is singular.";

// (-1)^(number of row swaps) of getrf's pivots [B, n] -> [B], in dtype.
Tensor pivot_sign(const Tensor& pivots, ScalarType dtype) {
  const int64_t n = pivots.size(1);
  Tensor rows = arange(1, n + 1, TensorOptions().dtype(kInt32));
  Tensor swaps = sum(ne(pivots, rows), {-1});
  return rsub(remainder(swaps, 2) * 2, 1).to(dtype);  // 1 - 2 (swaps mod 2)
}

// A^{-1} without the singularity check (inf or nan for a singular matrix):
// for backward formulas that torch lets overflow.
Tensor inv_unchecked(const Tensor& A) {
  NoGradGuard no_grad;
  auto [LU, pivots, info] = detail::lu_factor_batch(A);
  const int64_t n = A.size(-1);
  Tensor I = eye(n, TensorOptions().dtype(A.dtype())).expand({LU.size(0), n, n});
  return detail::lu_solve_batch(LU, pivots, I).reshape(A.sizes());
}

// The cofactor matrix det(A) A^{-T} from the SVD A = U S Vh:
// det(U) det(Vh) U diag(prod_{j != i} s_j) Vh, defined at singular A too.
Tensor cofactor(const Tensor& A) {
  NoGradGuard no_grad;
  auto [U, S, Vh] = linalg::svd(A, false);
  const int64_t n = S.size(-1);
  Tensor ones = ones_like(S.narrow(-1, 0, 1));
  // products of the singular values before and after each one
  Tensor before = cumprod(cat({ones, S.narrow(-1, 0, n - 1)}, -1), -1);
  Tensor after = flip(cumprod(cat({ones, flip(S, {-1}).narrow(-1, 0, n - 1)}, -1), -1), {-1});
  Tensor sign = linalg::det(U) * linalg::det(Vh);
  return sign.unsqueeze(-1).unsqueeze(-1) * matmul(U * (before * after).unsqueeze(-2), Vh);
}

void check_same(const char* op, const Tensor& A, const Tensor& B) {
  EMBER_CHECK(A.dtype() == B.dtype(), op, ": Expected A and B to have the same dtype, but found A of type ",
              detail::torch_name(A.dtype()), " and B of type ", detail::torch_name(B.dtype()), " instead");
  detail::check_same_device(op, {&A, &B});
}

// Broadcast batch dims of A [*, n, n] and B [*, n, k].
Shape broadcast_batch(const char* op, const Tensor& A, const Tensor& B) {
  Shape ba = detail::batch_dims(A), bb = detail::batch_dims(B);
  try {
    return broadcast_shapes(ba, bb);
  } catch (const Error&) {
    throw RuntimeError(
        detail::str(op, ": the batch dims of A ", A.sizes(), " and B ", B.sizes(), " are not broadcastable"));
  }
}

}  // namespace

namespace linalg {

// ------------------------------------------------------------------ inv

Tensor inv(const Tensor& A) {
  detail::check_square(A, "linalg.inv");
  Tensor out;
  {
    NoGradGuard no_grad;
    auto [LU, pivots, info] = detail::lu_factor_batch(A);
    detail::check_info(info, A.dim() > 2, "linalg.inv", [](int32_t i) {
      return detail::str("The diagonal element ", i,
                         " is zero, the inversion could not be completed because the input matrix is singular.");
    });
    const int64_t n = A.size(-1);
    Tensor I = eye(n, TensorOptions().dtype(A.dtype())).expand({LU.size(0), n, n});
    out = detail::lu_solve_batch(LU, pivots, I).reshape(A.sizes());
  }
  // grad: [*, n, n]; d(A^{-1}) = -A^{-1} dA A^{-1}, so gA = -A^{-T} grad A^{-T}
  return autograd::record("linalg_inv_ex", {A}, out, [y = autograd::save_output(out)](const Tensor& grad) {
    Tensor yt = y.get().mT();
    return tensor_list{-matmul(yt, matmul(grad, yt))};
  });
}

// -------------------------------------------------------- det, slogdet

Tensor det(const Tensor& A) {
  detail::check_square(A, "linalg.det");
  Tensor out;
  {
    NoGradGuard no_grad;
    auto [LU, pivots, info] = detail::lu_factor_batch(A);
    Tensor d = prod(diagonal(LU, 0, -2, -1), -1) * pivot_sign(pivots, A.dtype());
    out = d.reshape(detail::batch_dims(A));
  }
  // grad: [*]; d det / dA = det A^{-T} (the cofactor matrix). At a singular
  // A that product is 0 * inf: take the cofactors from the SVD there.
  return autograd::record("linalg_det", {A}, out,
                          [a = autograd::save(A), d = autograd::save_output(out)](const Tensor& grad) {
                            Tensor x = a.get(), dt = d.get();
                            bool singular;
                            {
                              NoGradGuard no_grad;
                              singular = eq(dt, 0).any().item<bool>();
                            }
                            Tensor g = grad.unsqueeze(-1).unsqueeze(-1);
                            if (singular) return tensor_list{g * cofactor(x)};
                            return tensor_list{(g * dt.unsqueeze(-1).unsqueeze(-1)) * inv(x).mT()};
                          });
}

std::tuple<Tensor, Tensor> slogdet(const Tensor& A) {
  detail::check_square(A, "linalg.slogdet");
  Tensor sign, logabs;
  {
    NoGradGuard no_grad;
    auto [LU, pivots, info] = detail::lu_factor_batch(A);
    Tensor diag = diagonal(LU, 0, -2, -1);
    Shape batch = detail::batch_dims(A);
    sign = (prod(ember::sign(diag), -1) * pivot_sign(pivots, A.dtype())).reshape(batch);
    logabs = sum(log(abs(diag)), {-1}).reshape(batch);
  }
  tensor_list outs{sign, logabs};
  // grads: [*] each; sign is piecewise constant. d log|det| / dA = A^{-T}
  // (inf at a singular A, as torch).
  detail::record_with_outputs(
      "linalg_slogdet", {A}, outs,
      [a = autograd::save(A)](const tensor_list& grads, const tensor_list& ys, const GradMask&) {
        Tensor x = a.get();
        Tensor g = grads[1].unsqueeze(-1).unsqueeze(-1);
        bool finite;
        {
          NoGradGuard no_grad;
          finite = isfinite(ys[1]).all().item<bool>();
        }
        return tensor_list{g * (finite ? inv(x) : inv_unchecked(x)).mT()};
      });
  return {outs[0], outs[1]};
}

// ---------------------------------------------------------------- solve

Tensor solve(const Tensor& A, const Tensor& B, bool left) {
  detail::check_square(A, "linalg.solve");
  detail::check_linalg_dtype(B, "linalg.solve");
  check_same("linalg.solve", A, B);
  // B is a batch of vectors when 1-D or shaped as A without its last dim
  Shape a_rows(A.sizes());
  a_rows.pop_back();
  const bool vector_case = B.dim() == 1 || (B.dim() == A.dim() - 1 && B.sizes().equals(a_rows));
  if (!left) {
    // a vector B is a column here, as torch 1.13 (so it fits only a 1 x 1 A)
    const int64_t rows = vector_case ? B.size(-1) : B.size(-2), cols = vector_case ? 1 : B.size(-1);
    EMBER_CHECK(!vector_case && cols == A.size(-1),
                "linalg.solve: Incompatible shapes of A and B for the equation XA = B (", A.size(-2), "x", A.size(-1),
                " and ", rows, "x", cols, ")");
    // X A = B  <=>  A^T X^T = B^T
    return solve(A.mT(), B.mT(), true).mT();
  }
  const Tensor Bm = vector_case ? B.unsqueeze(-1) : B;
  const int64_t n = A.size(-1), k = Bm.size(-1);
  EMBER_CHECK(Bm.dim() >= 2 && Bm.size(-2) == n,
              "linalg.solve: Incompatible shapes of A and B for the equation AX = B (", A.size(-2), "x", A.size(-1),
              " and ", Bm.size(-2), "x", k, ")");
  const Shape batch = broadcast_batch("linalg.solve", A, Bm);
  Tensor out;
  {
    NoGradGuard no_grad;
    auto [LU, pivots, info] = detail::lu_factor_batch(A.expand(detail::with_batch(batch, {n, n})));
    detail::check_info(info, !batch.empty(), "torch.linalg.solve", [](int32_t) { return kSingularSolve; });
    Tensor x = detail::lu_solve_batch(LU, pivots, detail::to_batch(Bm.expand(detail::with_batch(batch, {n, k}))));
    out = x.reshape(detail::with_batch(batch, {n, k}));
    if (vector_case) out = out.squeeze(-1);
  }
  // grad: X's shape. X = A^{-1} B: gB = A^{-T} grad, gA = -gB X^T; the
  // engine sums both back over broadcast batch dims.
  return autograd::record(
      "linalg_solve_ex", {A, B}, out,
      [a = autograd::save(A), x = autograd::save_output(out), vector_case](const Tensor& grad, const GradMask& needs) {
        Tensor g = vector_case ? grad.unsqueeze(-1) : grad;
        Tensor gB = solve(a.get().mT(), g);
        Tensor gA;
        if (needs[0]) {
          Tensor xm = vector_case ? x.get().unsqueeze(-1) : x.get();
          gA = -matmul(gB, xm.mT());
        }
        return tensor_list{gA, vector_case ? gB.squeeze(-1) : gB};
      });
}

Tensor solve_triangular(const Tensor& A, const Tensor& B, bool upper, bool left, bool unitriangular) {
  const char* op = "linalg.solve_triangular";
  detail::check_square(A, op);
  detail::check_matrix(B, op);
  detail::check_linalg_dtype(B, op);
  check_same(op, A, B);
  if (!left) return solve_triangular(A.mT(), B.mT(), !upper, true, unitriangular).mT();
  const int64_t n = A.size(-1), k = B.size(-1);
  EMBER_CHECK(B.size(-2) == n, op, ": Incompatible shapes of A and B for the equation AX = B (", n, "x", n, " and ",
              B.size(-2), "x", k, ")");
  const Shape batch = broadcast_batch(op, A, B);
  Tensor out;
  {
    NoGradGuard no_grad;
    Tensor a = detail::to_batch(A.expand(detail::with_batch(batch, {n, n})));
    Tensor x = detail::to_batch(B.expand(detail::with_batch(batch, {n, k}))).clone();
    detail::kernel<TriangularSolveFn>(OpId::triangular_solve, x.device())(x, a, upper, unitriangular);
    out = x.reshape(detail::with_batch(batch, {n, k}));
  }
  // X = A^{-1} B: gB = A^{-T} grad; gA = -gB X^T on A's triangle (the
  // entries the solve read).
  return autograd::record("linalg_solve_triangular", {A, B}, out,
                          [a = autograd::save(A), x = autograd::save_output(out), upper, unitriangular](
                              const Tensor& grad, const GradMask& needs) {
                            Tensor gB = solve_triangular(a.get().mT(), grad, !upper, true, unitriangular);
                            Tensor gA;
                            if (needs[0]) {
                              Tensor full = -matmul(gB, x.get().mT());
                              const int64_t off = unitriangular ? 1 : 0;
                              gA = upper ? triu(full, off) : tril(full, -off);
                            }
                            return tensor_list{gA, gB};
                          });
}

}  // namespace linalg

// ------------------------------------------------- torch's top-level names

Tensor inverse(const Tensor& input) { return linalg::inv(input); }
Tensor det(const Tensor& input) { return linalg::det(input); }
std::tuple<Tensor, Tensor> slogdet(const Tensor& input) { return linalg::slogdet(input); }

Tensor logdet(const Tensor& input) {
  // log|det|, nan (and a zero gradient, as torch) for a negative determinant
  auto [sign, logabs] = linalg::slogdet(input);
  return where(lt(sign.detach(), 0), Scalar(std::nan("")), logabs);
}

}  // namespace ember
