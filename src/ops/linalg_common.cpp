// Checks, batch reshapes and the LU helpers the torch.linalg front ends
// share (linalg_common.h).
#include "ops/linalg_common.h"

namespace ember {
namespace detail {

void check_linalg_dtype(const Tensor& A, const char* op) {
  check_defined(A, op);
  const ScalarType t = A.dtype();
  EMBER_CHECK(is_floating_point(t), op, ": Expected a floating point or complex tensor as input. Got ", torch_name(t));
  EMBER_CHECK(t == kFloat32 || t == kFloat64, op, ": Low precision dtypes not supported. Got ", torch_name(t));
  EMBER_CHECK(A.device().is_cpu(), op, ": only CPU tensors are supported, got a tensor on ", A.device().str());
}

void check_matrix(const Tensor& A, const char* op) {
  check_defined(A, op);
  EMBER_CHECK(A.dim() >= 2, op, ": The input tensor A must have at least 2 dimensions.");
}

void check_square(const Tensor& A, const char* op) {
  check_matrix(A, op);
  check_linalg_dtype(A, op);
  EMBER_CHECK(A.size(-1) == A.size(-2), op, ": A must be batches of square matrices, but they are ", A.size(-2), " by ",
              A.size(-1), " matrices");
}

Shape batch_dims(const Tensor& A) {
  Shape s;
  for (int64_t i = 0; i + 2 < A.dim(); ++i) s.push_back(A.size(i));
  return s;
}

int64_t batch_count(IntArrayRef batch) {
  int64_t b = 1;
  for (int64_t s : batch) b *= s;
  return b;
}

Shape with_batch(IntArrayRef batch, std::initializer_list<int64_t> tail) {
  Shape s(batch);
  for (int64_t t : tail) s.push_back(t);
  return s;
}

Tensor to_batch(const Tensor& A) {
  NoGradGuard no_grad;
  Tensor c = A.detach().contiguous();
  return c.reshape({batch_count(batch_dims(A)), A.size(-2), A.size(-1)});
}

std::tuple<Tensor, Tensor, Tensor> lu_factor_batch(const Tensor& A) {
  Tensor a = to_batch(A);
  const int64_t B = a.size(0), n = a.size(1);
  Tensor LU = make_tensor({B, n, n}, a.dtype(), a.device());
  Tensor pivots = make_tensor({B, n}, kInt32, a.device());
  Tensor info = make_tensor({B}, kInt32, a.device());
  kernel<LuFactorFn>(OpId::lu_factor, a.device())(LU, pivots, info, a);
  return {LU, pivots, info};
}

Tensor lu_solve_batch(const Tensor& LU, const Tensor& pivots, const Tensor& rhs) {
  NoGradGuard no_grad;
  Tensor x = rhs.detach().clone().contiguous();
  kernel<LuSolveFn>(OpId::lu_solve, x.device())(x, LU, pivots);
  return x;
}

bool nonzero_grad(const Tensor& g) {
  if (!g.defined()) return false;
  NoGradGuard no_grad;
  return ne(g, 0).any().item<bool>();
}

}  // namespace detail
}  // namespace ember
