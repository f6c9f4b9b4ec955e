// torch.linalg's decompositions and what is built on them: cholesky, qr,
// eigh / eigvalsh, svd / svdvals, pinv, matrix_rank and lstsq. Kernels in
// kernels/cpu/linalg_decomp.cpp; the backward formulas (torch's) are written
// with ember ops, so they run under create_graph too.
#include <cctype>
#include <limits>

#include "ops/linalg_common.h"

namespace ember {

namespace {

using autograd::GradMask;

Tensor diag_ones(const Tensor& v) { return diag_embed(ones_like(v)); }

double eps_of(ScalarType t) {
  return t == kFloat64 ? std::numeric_limits<double>::epsilon() : double(std::numeric_limits<float>::epsilon());
}

// ---- backward formulas ----

// A = L L^T. gA = L^{-T} Phi(L^T gL) L^{-1}, symmetrized, where Phi takes the
// lower triangle and halves the diagonal (Murray 2016; torch's formula).
Tensor cholesky_backward(const Tensor& grad, const Tensor& out, bool upper) {
  Tensor L = upper ? out.mT() : out;
  Tensor gL = upper ? grad.mT() : grad;
  Tensor gA = tril(matmul(L.mT(), gL));
  gA = 0.5 * (gA + tril(gA, -1).mT());
  gA = linalg::solve_triangular(L.mT(), gA, /*upper=*/true, /*left=*/true);
  return linalg::solve_triangular(L, gA, /*upper=*/false, /*left=*/false);
}

// A = Q R with m >= n (Q [m, n], R [n, n]):
// gA = Q (gR + tril(skew(Q^T gQ) + skew(R gR^T)) R^{-T}) + (gQ - Q Q^T gQ) R^{-T}.
Tensor qr_backward_tall(const Tensor& gQ, const Tensor& gR, const Tensor& Q, const Tensor& R) {
  auto skew = [](const Tensor& X) { return X - X.mT(); };
  auto right_solve_rt = [&R](const Tensor& X) {  // X R^{-T}
    return linalg::solve_triangular(R.mT(), X, /*upper=*/false, /*left=*/false);
  };
  Tensor qdq = matmul(Q.mT(), gQ);
  Tensor low = tril(skew(qdq) + skew(matmul(R, gR.mT())));
  return matmul(Q, gR + right_solve_rt(low)) + right_solve_rt(gQ - matmul(Q, qdq));
}

// m < n: A = [X Y], R = [U V] with X = Q U square; Y = Q V.
Tensor qr_backward(const Tensor& gQ, const Tensor& gR, const Tensor& Q, const Tensor& R) {
  const int64_t m = Q.size(-2), n = R.size(-1);
  if (m >= n) return qr_backward_tall(gQ, gR, Q, R);
  Tensor U = R.narrow(-1, 0, m), V = R.narrow(-1, m, n - m);
  Tensor gU = gR.narrow(-1, 0, m), gV = gR.narrow(-1, m, n - m);
  Tensor Y = matmul(Q, V);
  Tensor gX = qr_backward_tall(gQ + matmul(Y, gV.mT()), gU, Q, U);
  return cat({gX, matmul(Q, gV)}, -1);
}

// A = V diag(L) V^T, distinct eigenvalues:
// gA = V (diag(gL) + skew(V^T gV) / 2 / E) V^T, E_ij = L_j - L_i.
Tensor eigh_backward(const Tensor& gL, const Tensor& gV, const Tensor& L, const Tensor& V) {
  if (!detail::nonzero_grad(gV)) return matmul(V * gL.unsqueeze(-2), V.mT());
  Tensor VhgV = matmul(V.mT(), gV);
  VhgV = 0.5 * (VhgV - VhgV.mT());
  Tensor E = L.unsqueeze(-2) - L.unsqueeze(-1) + diag_ones(L);  // its diagonal is exactly 0
  Tensor inner = VhgV / E + diag_embed(gL);
  return matmul(V, matmul(inner, V.mT()));
}

// A = U diag(S) Vh (reduced; full_matrices outputs are narrowed first),
// distinct non-zero singular values. torch's svd_backward.
Tensor svd_backward(Tensor gU, const Tensor& gS, Tensor gVh, Tensor U, const Tensor& S, Tensor Vh) {
  const int64_t m = U.size(-2), n = Vh.size(-1), k = S.size(-1);
  if (U.size(-1) != k) {
    U = U.narrow(-1, 0, k);
    gU = gU.narrow(-1, 0, k);
  }
  if (Vh.size(-2) != k) {
    Vh = Vh.narrow(-2, 0, k);
    gVh = gVh.narrow(-2, 0, k);
  }
  const bool has_u = detail::nonzero_grad(gU), has_v = detail::nonzero_grad(gVh);
  if (!has_u && !has_v)  // svdvals: U diag(gS) Vh
    return m >= n ? matmul(U, gS.unsqueeze(-1) * Vh) : matmul(U * gS.unsqueeze(-2), Vh);
  auto skew = [](const Tensor& X) { return X - X.mT(); };
  Tensor S2 = S * S;
  Tensor E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + diag_ones(S);  // E_ij = s_j^2 - s_i^2, 1 on the diagonal
  Tensor inner;
  if (has_u && has_v) {
    inner = (skew(matmul(U.mT(), gU)) * S.unsqueeze(-2) + S.unsqueeze(-1) * skew(matmul(Vh, gVh.mT()))) / E;
  } else if (has_u) {
    inner = (skew(matmul(U.mT(), gU)) / E) * S.unsqueeze(-2);
  } else {
    inner = S.unsqueeze(-1) * (skew(matmul(Vh, gVh.mT())) / E);
  }
  inner = inner + diag_embed(gS);
  if (m > n && has_u) {  // [U inner + (I - U U^T) gU S^{-1}] Vh
    Tensor gUSinv = gU / S.unsqueeze(-2);
    Tensor gA = matmul(U, inner) + gUSinv - matmul(U, matmul(U.mT(), gUSinv));
    return matmul(gA, Vh);
  }
  if (m < n && has_v) {  // U [inner Vh + S^{-1} gVh (I - V Vh)]
    Tensor SinvgVh = gVh / S.unsqueeze(-1);
    Tensor gA = matmul(inner, Vh) + SinvgVh - matmul(matmul(SinvgVh, Vh.mT()), Vh);
    return matmul(U, gA);
  }
  return m >= n ? matmul(U, matmul(inner, Vh)) : matmul(matmul(U, inner), Vh);
}

// Gradient of pinv(A) given grad and P = pinv(A) (torch's pinv_backward).
Tensor pinv_backward(const Tensor& grad, const Tensor& P, const Tensor& A) {
  const int64_t m = A.size(-2), n = A.size(-1);
  Tensor Ph = P.mT(), gh = grad.mT();
  if (m <= n) {
    Tensor K = matmul(gh, P);
    Tensor KPh = matmul(K, Ph);
    return -matmul(P, K).mT() + KPh - matmul(matmul(A, P), KPh) + matmul(matmul(Ph, P), gh - matmul(K, A));
  }
  Tensor K = matmul(P, gh);
  Tensor PhK = matmul(Ph, K);
  return -matmul(K, P).mT() + matmul(matmul(gh - matmul(A, K), P), Ph) + PhK - matmul(matmul(PhK, P), A);
}

// torch's tolerances of pinv and matrix_rank: max(atol, rtol * largest),
// rtol = eps * max(m, n) unless atol > 0 or rtol is given.
Tensor rank_tol(const Tensor& largest, int64_t m, int64_t n, std::optional<double> atol, std::optional<double> rtol) {
  const double r = rtol ? *rtol : (atol && *atol > 0 ? 0.0 : eps_of(largest.dtype()) * double(std::max(m, n)));
  return clamp_min(largest * r, atol.value_or(0.0));
}

void check_uplo(const std::string& uplo, const char* op) {
  EMBER_CHECK(uplo.size() == 1 && (std::toupper(uplo[0]) == 'L' || std::toupper(uplo[0]) == 'U'), op,
              ": Expected UPLO argument to be 'L' or 'U', but got ", uplo);
}

// Eigenvalues [B, n] and, when wanted, eigenvectors [B, n, n] of A.
std::pair<Tensor, Tensor> eigh_raw(const Tensor& A, bool upper, bool vectors) {
  NoGradGuard no_grad;
  // As torch (LAPACK's syevd fails to converge): a nan entry is an error, not nan eigenvalues
  // (in the triangle it reads; the other one is ignored, as LAPACK's)
  if (A.numel() > 0 && isnan(upper ? triu(A) : tril(A)).any().item<bool>())
    throw LinAlgError(
        detail::str("linalg.eigh: The algorithm failed to converge because the input matrix contained "
                    "non-finite values (a nan entry in a matrix of shape ",
                    A.shape(), ")"));
  Tensor a = detail::to_batch(A);
  const int64_t B = a.size(0), n = a.size(1);
  Tensor w = detail::make_tensor({B, n}, a.dtype(), a.device());
  Tensor V = vectors ? detail::make_tensor({B, n, n}, a.dtype(), a.device()) : Tensor();
  detail::kernel<EighFn>(OpId::eigh, a.device())(w, V, a, upper);
  return {w, V};
}

// (U, S, Vh) of A [*, m, n] reshaped to its batch; U and Vh undefined unless wanted.
std::tuple<Tensor, Tensor, Tensor> svd_raw(const Tensor& A, bool vectors, bool full) {
  NoGradGuard no_grad;
  // As torch (LAPACK's gesdd): a nan entry is an error; an inf one (no nan) gives nan
  // factors, which the kernel writes when Eigen reports the input invalid.
  if (A.numel() > 0 && isnan(A).any().item<bool>())
    throw LinAlgError(
        detail::str("linalg.svd: The algorithm failed to converge because the input matrix contained "
                    "non-finite values (a nan entry in a matrix of shape ",
                    A.shape(), ")"));
  Tensor a = detail::to_batch(A);
  const int64_t B = a.size(0), m = a.size(1), n = a.size(2), k = std::min(m, n);
  Tensor S = detail::make_tensor({B, k}, a.dtype(), a.device());
  Tensor U, Vh;
  if (vectors) {
    U = detail::make_tensor({B, m, full ? m : k}, a.dtype(), a.device());
    Vh = detail::make_tensor({B, full ? n : k, n}, a.dtype(), a.device());
  }
  detail::kernel<SvdFn>(OpId::svd, a.device())(U, S, Vh, a);
  const Shape batch = detail::batch_dims(A);
  S = S.reshape(detail::with_batch(batch, {k}));
  if (vectors) {
    U = U.reshape(detail::with_batch(batch, {m, full ? m : k}));
    Vh = Vh.reshape(detail::with_batch(batch, {full ? n : k, n}));
  }
  return {U, S, Vh};
}

bool wants_grad(const Tensor& A) { return is_grad_enabled() && A.requires_grad(); }

}  // namespace

namespace linalg {

// ------------------------------------------------------------ cholesky

Tensor cholesky(const Tensor& A, bool upper) {
  detail::check_square(A, "linalg.cholesky");
  Tensor out;
  {
    NoGradGuard no_grad;
    Tensor a = detail::to_batch(A);
    Tensor L = detail::make_tensor(a.sizes(), a.dtype(), a.device());
    Tensor info = detail::make_tensor({a.size(0)}, kInt32, a.device());
    detail::kernel<CholeskyFn>(OpId::cholesky, a.device())(L, info, a);
    detail::check_info(info, A.dim() > 2, "linalg.cholesky", [](int32_t i) {
      return detail::str(
          "The factorization could not be completed because the input is not positive-definite "
          "(the leading minor of order ",
          i, " is not positive-definite).");
    });
    out = L.reshape(A.sizes());
    if (upper) out = out.mT().contiguous();
  }
  return autograd::record("linalg_cholesky_ex", {A}, out, [l = autograd::save_output(out), upper](const Tensor& grad) {
    return tensor_list{cholesky_backward(grad, l.get(), upper)};
  });
}

// ------------------------------------------------------------------ qr

std::tuple<Tensor, Tensor> qr(const Tensor& A, const std::string& mode) {
  detail::check_matrix(A, "linalg.qr");
  detail::check_linalg_dtype(A, "linalg.qr");
  EMBER_CHECK(mode == "reduced" || mode == "r" || mode == "complete", "qr received unrecognized mode '", mode,
              "' but expected one of 'reduced' (default), 'r', or 'complete'");
  const int64_t m = A.size(-2), n = A.size(-1), k = std::min(m, n);
  const bool complete = mode == "complete", only_r = mode == "r";
  const Shape batch = detail::batch_dims(A);
  Tensor Q, R;
  {
    NoGradGuard no_grad;
    Tensor a = detail::to_batch(A);
    const int64_t B = a.size(0), qc = complete ? m : k;
    Tensor q = only_r ? Tensor() : detail::make_tensor({B, m, qc}, a.dtype(), a.device());
    Tensor r = detail::make_tensor({B, complete ? m : k, n}, a.dtype(), a.device());
    detail::kernel<QrFn>(OpId::qr, a.device())(q, r, a);
    Q = only_r ? empty({0}, TensorOptions().dtype(A.dtype())) : q.reshape(detail::with_batch(batch, {m, qc}));
    R = r.reshape(detail::with_batch(batch, {complete ? m : k, n}));
  }
  tensor_list outs{Q, R};
  detail::record_with_outputs(
      "linalg_qr", {A}, outs,
      [only_r, complete, m, n](const tensor_list& grads, const tensor_list& ys, const GradMask&) {
        EMBER_CHECK(!only_r,
                    "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
                    "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.");
        EMBER_CHECK(!complete || m <= n,
                    "The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
        return tensor_list{qr_backward(grads[0], grads[1], ys[0], ys[1])};
      });
  return {outs[0], outs[1]};
}

// ---------------------------------------------------------- eigh, eigvalsh

std::tuple<Tensor, Tensor> eigh(const Tensor& A, const std::string& UPLO) {
  detail::check_square(A, "linalg.eigh");
  check_uplo(UPLO, "linalg.eigh");
  auto [w, V] = eigh_raw(A, std::toupper(UPLO[0]) == 'U', true);
  const Shape batch = detail::batch_dims(A);
  const int64_t n = A.size(-1);
  tensor_list outs{w.reshape(detail::with_batch(batch, {n})), V.reshape(A.sizes())};
  detail::record_with_outputs("linalg_eigh", {A}, outs,
                              [](const tensor_list& grads, const tensor_list& ys, const GradMask&) {
                                return tensor_list{eigh_backward(grads[0], grads[1], ys[0], ys[1])};
                              });
  return {outs[0], outs[1]};
}

Tensor eigvalsh(const Tensor& A, const std::string& UPLO) {
  detail::check_square(A, "linalg.eigvalsh");
  check_uplo(UPLO, "linalg.eigvalsh");
  // the gradient needs the eigenvectors (with their history, for create_graph)
  if (wants_grad(A)) return std::get<0>(eigh(A, UPLO));
  Shape shape = detail::batch_dims(A);
  shape.push_back(A.size(-1));
  return eigh_raw(A, std::toupper(UPLO[0]) == 'U', false).first.reshape(shape);
}

// ----------------------------------------------------------- svd, svdvals

std::tuple<Tensor, Tensor, Tensor> svd(const Tensor& A, bool full_matrices) {
  detail::check_matrix(A, "linalg.svd");
  detail::check_linalg_dtype(A, "linalg.svd");
  auto [U, S, Vh] = svd_raw(A, true, full_matrices);
  tensor_list outs{U, S, Vh};
  detail::record_with_outputs("linalg_svd", {A}, outs,
                              [](const tensor_list& grads, const tensor_list& ys, const GradMask&) {
                                return tensor_list{svd_backward(grads[0], grads[1], grads[2], ys[0], ys[1], ys[2])};
                              });
  return {outs[0], outs[1], outs[2]};
}

Tensor svdvals(const Tensor& A) {
  detail::check_matrix(A, "linalg.svdvals");
  detail::check_linalg_dtype(A, "linalg.svd");
  if (wants_grad(A)) return std::get<1>(svd(A, false));
  return std::get<1>(svd_raw(A, false, false));
}

// ------------------------------------------------- pinv, matrix_rank

Tensor pinv(const Tensor& A, std::optional<double> atol, std::optional<double> rtol, bool hermitian) {
  detail::check_matrix(A, "linalg.pinv");
  detail::check_linalg_dtype(A, "linalg.pinv");
  const int64_t m = A.size(-2), n = A.size(-1);
  if (hermitian)
    EMBER_CHECK(m == n, "linalg.pinv(hermitian=True): A must be batches of square matrices, but they are ", m, " by ",
                n, " matrices");
  Tensor out;
  {
    NoGradGuard no_grad;
    Shape shape = detail::batch_dims(A);
    shape.push_back(n);
    shape.push_back(m);
    if (m == 0 || n == 0) {
      out = zeros(shape, TensorOptions().dtype(A.dtype()));
    } else if (hermitian) {
      auto [w, V] = eigh_raw(A, false, true);
      Tensor aw = abs(w);
      Tensor tol = rank_tol(std::get<0>(max(aw, -1, true)), m, n, atol, rtol);
      Tensor winv = where(gt(aw, tol), reciprocal(w), Scalar(0.0));
      out = matmul(V * winv.unsqueeze(-2), V.mT()).reshape(shape);
    } else {
      auto [U, S, Vh] = svd_raw(A, true, false);
      Tensor tol = rank_tol(S.narrow(-1, 0, 1), m, n, atol, rtol);
      Tensor sinv = where(gt(S, tol), reciprocal(S), Scalar(0.0));
      out = matmul(Vh.mT() * sinv.unsqueeze(-2), U.mT());
    }
  }
  return autograd::record("linalg_pinv", {A}, out,
                          [a = autograd::save(A), p = autograd::save_output(out)](const Tensor& grad) {
                            return tensor_list{pinv_backward(grad, p.get(), a.get())};
                          });
}

Tensor matrix_rank(const Tensor& A, std::optional<double> atol, std::optional<double> rtol, bool hermitian) {
  detail::check_matrix(A, "linalg.matrix_rank");
  detail::check_linalg_dtype(A, "linalg.matrix_rank");
  const int64_t m = A.size(-2), n = A.size(-1);
  NoGradGuard no_grad;
  if (m == 0 || n == 0) return zeros(detail::batch_dims(A), TensorOptions().dtype(kInt64));
  Tensor s = hermitian ? abs(eigh_raw(A, false, false).first).reshape(detail::with_batch(detail::batch_dims(A), {n}))
                       : std::get<1>(svd_raw(A, false, false));
  Tensor tol = rank_tol(amax(s, {-1}, true), m, n, atol, rtol);
  return sum(gt(s, tol), {-1});
}

// ---------------------------------------------------------------- lstsq

std::tuple<Tensor, Tensor, Tensor, Tensor> lstsq(const Tensor& A, const Tensor& B, std::optional<double> rcond) {
  const char* op = "torch.linalg.lstsq";
  detail::check_matrix(A, "linalg.lstsq");
  detail::check_linalg_dtype(A, "linalg.lstsq");
  detail::check_linalg_dtype(B, "linalg.lstsq");
  EMBER_CHECK(B.dim() >= 1, op, ": other must have at least 1 dimension.");
  EMBER_CHECK(A.dtype() == B.dtype(), op, ": Expected input and other to have the same dtype, but got input's dtype ",
              detail::torch_name(A.dtype()), " and other's dtype ", detail::torch_name(B.dtype()));
  detail::check_same_device(op, {&A, &B});
  const bool vector_case = B.dim() == A.dim() - 1;
  const Tensor Bm = vector_case ? B.unsqueeze(-1) : B;
  const int64_t m = A.size(-2), n = A.size(-1), k = Bm.size(-1);
  EMBER_CHECK(Bm.size(-2) == m, op, ": input.size(-2) should match other.size(", vector_case ? -1 : -2, ")");
  Shape batch;
  try {
    batch = broadcast_shapes(detail::batch_dims(A), detail::batch_dims(Bm));
  } catch (const Error&) {
    throw RuntimeError(
        detail::str(op, ": the batch dims of input ", A.sizes(), " and other ", B.sizes(), " are not broadcastable"));
  }
  const double rc = rcond.value_or(eps_of(A.dtype()) * double(std::max(m, n)));
  Tensor X, rank;
  {
    NoGradGuard no_grad;
    Tensor a = detail::to_batch(A.expand(detail::with_batch(batch, {m, n})));
    Tensor b = detail::to_batch(Bm.expand(detail::with_batch(batch, {m, k})));
    X = detail::make_tensor({a.size(0), n, k}, A.dtype(), A.device());
    rank = detail::make_tensor({a.size(0)}, kInt64, A.device());
    detail::kernel<LstsqFn>(OpId::lstsq, a.device())(X, rank, a, b, rc);
    X = X.reshape(detail::with_batch(batch, {n, k}));
    if (vector_case) X = X.squeeze(-1);
    rank = rank.reshape(batch);
  }
  // grad: X's shape. X = pinv(A) B: gB = pinv(A)^T grad; gA through pinv.
  X = autograd::record(
      "linalg_lstsq", {A, B}, X,
      [a = autograd::save(A), b = autograd::save(B), vector_case](const Tensor& grad, const GradMask& needs) {
        Tensor g = vector_case ? grad.unsqueeze(-1) : grad;
        Tensor x = a.get(), bm = vector_case ? b.get().unsqueeze(-1) : b.get();
        Tensor P = pinv(x);
        Tensor gA = needs[0] ? pinv_backward(matmul(g, bm.mT()), P, x) : Tensor();
        Tensor gB;
        if (needs[1]) {
          gB = matmul(P.mT(), g);
          if (vector_case) gB = gB.squeeze(-1);
        }
        return tensor_list{gA, gB};
      });
  Tensor none = empty({0}, TensorOptions().dtype(A.dtype()));
  return {X, none, rank, none.clone()};
}

}  // namespace linalg

Tensor cholesky(const Tensor& input, bool upper) { return linalg::cholesky(input, upper); }

}  // namespace ember
