#pragma once

// What the torch.linalg front ends (src/ops/linalg_*.cpp) share: argument
// checks with torch's messages, the [*, m, n] <-> [B, m, n] reshapes the
// kernels take, and the LinAlgError a failed factorization raises.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ember/linalg.h"
#include "ops/ops_common.h"

namespace ember {
namespace detail {

/// A float32/float64 CPU tensor (torch's messages for the others).
void check_linalg_dtype(const Tensor& A, const char* op);
/// At least 2 dims: [*, m, n].
void check_matrix(const Tensor& A, const char* op);
/// check_linalg_dtype + check_matrix + square: [*, n, n].
void check_square(const Tensor& A, const char* op);

/// The leading (batch) dims of a [*, m, n] tensor and their product.
Shape batch_dims(const Tensor& A);
int64_t batch_count(IntArrayRef batch);
/// batch + tail, e.g. [*] + [m, n].
Shape with_batch(IntArrayRef batch, std::initializer_list<int64_t> tail);
/// A contiguous [B, m, n] copy-or-view of A without autograd history, for a kernel.
Tensor to_batch(const Tensor& A);

/// Throws LinAlgError when a matrix's info (int32 [B]) is not 0: "op:
/// (Batch element i): <message(info)>" (no batch part for a single matrix).
template <typename F>
void check_info(const Tensor& info, bool batched, const char* op, F&& message) {
  const int32_t* p = info.data_ptr<int32_t>();
  for (int64_t b = 0; b < info.numel(); ++b) {
    if (p[b] == 0) continue;
    std::string where = batched ? str("(Batch element ", b, "): ") : std::string();
    throw LinAlgError(str(op, ": ", where, message(p[b])));
  }
}

/// LU factorization of square [*, n, n] A: (LU [B, n, n], pivots [B, n]
/// int32, info [B] int32), as LAPACK's getrf.
std::tuple<Tensor, Tensor, Tensor> lu_factor_batch(const Tensor& A);
/// Solves from lu_factor_batch's factors; rhs: [B, n, k], overwritten copy returned.
Tensor lu_solve_batch(const Tensor& LU, const Tensor& pivots, const Tensor& rhs);

/// Whether a gradient carries anything: multi-output ops get zeros for the
/// outputs nothing used, and their formulas skip those terms (as torch does
/// for undefined ones), which also keeps 0 / 0 out of them.
bool nonzero_grad(const Tensor& g);

/// record_multi for an op whose backward reads its own outputs:
/// fn(grads, outputs, needs). The outputs are saved once the node owns them,
/// so under create_graph each gets this node as its history.
template <typename F>
void record_with_outputs(const char* op, const tensor_list& inputs, tensor_list& outs, F&& fn) {
  auto saved = std::make_shared<std::vector<autograd::SavedTensor>>();
  autograd::record_multi(op, inputs, outs,
                         [saved, fn = std::forward<F>(fn)](const tensor_list& grads, const autograd::GradMask& needs) {
                           tensor_list ys;
                           for (const auto& s : *saved) ys.push_back(s.get());
                           return fn(grads, ys, needs);
                         });
  if (outs[0].grad_fn())
    for (const Tensor& t : outs) saved->push_back(autograd::save_output(t));
}

}  // namespace detail
}  // namespace ember
