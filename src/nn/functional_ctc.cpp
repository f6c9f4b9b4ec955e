// ctc_loss: Connectionist Temporal Classification (Graves et al. 2006), as
// torch 1.13's. The kernels (kernels/cpu/ctc_loss.cpp) run the alpha
// recursion forward and the beta recursion backward; this file checks the
// arguments, lays the targets out flat and records the explicit backward.
//
// Note [CTC gradient]
// The backward is torch's ctc_loss_backward: for t < input_length,
//   grad[t, c] = exp(lp[t, c]) - exp(log sum_{s: l'[s] = c} alpha_t(s)
//                beta_t(s) + nll - lp[t, c]),
// times the incoming gradient. The exp(lp) term is not part of d nll /
// d lp: it is what makes the gradient through a log_softmax producing lp
// come out right (the log_softmax backward removes it again, since the
// exact gradient sums to -1 over c and exp(lp) to 1). So, as in torch, only
// gradients taken through log_softmax are the true ones; gradcheck the loss
// of log_softmax(x), not of free log_probs. Impossible alignments (inf
// loss) give nan gradients unless zero_infinity, which zeroes them.
#include <algorithm>
#include <limits>
#include <vector>

#include "nn/nn_internal.h"
#include "ops/ops_common.h"

namespace ember {

namespace {

std::vector<int64_t> lengths_of(const Tensor& t, const char* what) {
  detail::check_defined(t, "ctc_loss");
  EMBER_CHECK(is_integral(t.dtype(), /*include_bool=*/false), "ctc_loss: ", what, " must be integral, got dtype ",
              t.dtype(), " (shape ", t.sizes(), ")");
  EMBER_CHECK(t.dim() <= 1, "ctc_loss: ", what, " must be 0-d or 1-D, got shape ", t.sizes());
  Tensor c = t.to(Device(kCPU)).to(kInt64).contiguous();
  const int64_t* p = c.data_ptr<int64_t>();
  return std::vector<int64_t>(p, p + c.numel());
}

}  // namespace

Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, IntArrayRef input_lengths, IntArrayRef target_lengths,
                int64_t blank, Reduction reduction, bool zero_infinity) {
  const char* op = "ctc_loss";
  detail::check_defined(log_probs, op);
  detail::check_defined(targets, op);
  EMBER_CHECK(log_probs.dim() == 3 || log_probs.dim() == 2, op,
              ": expected log_probs [T, N, C] or unbatched [T, C], got shape ", log_probs.sizes());
  EMBER_CHECK(log_probs.dtype() == kFloat32 || log_probs.dtype() == kFloat64, op,
              ": expected log_probs of dtype float32 or float64, got ", log_probs.dtype());
  EMBER_CHECK_VALUE(reduction != Reduction::BatchMean, op, ": reduction 'batchmean' is only supported by kl_div");
  const bool batched = log_probs.dim() == 3;
  const Tensor lp = batched ? log_probs : log_probs.unsqueeze(1);  // [T, N, C]
  const int64_t T = lp.size(0), N = lp.size(1), C = lp.size(2);
  EMBER_CHECK(blank >= 0 && blank < C, op, ": blank must be in label range [0, ", C, "), got ", blank,
              " (log_probs shape ", log_probs.sizes(), ")");
  EMBER_CHECK(int64_t(input_lengths.size()) == N, op, ": input_lengths must have one entry per batch element (N = ", N,
              ", log_probs shape ", log_probs.sizes(), "), got ", input_lengths.size());
  EMBER_CHECK(int64_t(target_lengths.size()) == N, op,
              ": target_lengths must have one entry per batch element (N = ", N, ", log_probs shape ",
              log_probs.sizes(), "), got ", target_lengths.size());
  CtcArgs a;
  a.blank = blank;
  int64_t total = 0;
  for (int64_t b = 0; b < N; ++b) {
    const int64_t il = input_lengths[size_t(b)], tl = target_lengths[size_t(b)];
    EMBER_CHECK(il >= 0 && il <= T, op, ": input_lengths[", b, "] = ", il, " must be in [0, T = ", T,
                "] (log_probs shape ", log_probs.sizes(), ")");
    EMBER_CHECK(tl >= 0, op, ": target_lengths[", b, "] = ", tl, " must be non-negative");
    a.input_lengths.push_back(il);
    a.target_lengths.push_back(tl);
    a.max_target_length = std::max(a.max_target_length, tl);
    total += tl;
  }
  // targets flat: the padded rows [N, S] or the concatenation of all samples'
  EMBER_CHECK(targets.dim() == 1 || targets.dim() == 2, op,
              ": expected targets [N, S] (padded) or 1-D (concatenated), got shape ", targets.sizes());
  Tensor tg = targets.to(Device(kCPU)).to(kInt64).contiguous();
  if (targets.dim() == 1) {
    EMBER_CHECK(targets.size(0) == total, op, ": concatenated targets must hold sum(target_lengths) = ", total,
                " labels, got shape ", targets.sizes());
    for (int64_t b = 0, pos = 0; b < N; pos += a.target_lengths[size_t(b)], ++b) a.target_offsets.push_back(pos);
  } else {
    const int64_t S = targets.size(1);
    EMBER_CHECK(targets.size(0) == N, op, ": padded targets must have N = ", N, " rows, got shape ", targets.sizes());
    for (int64_t b = 0; b < N; ++b) {
      EMBER_CHECK(a.target_lengths[size_t(b)] <= S, op, ": target_lengths[", b, "] = ", a.target_lengths[size_t(b)],
                  " exceeds the padded targets' length S = ", S, " (targets shape ", targets.sizes(), ")");
      a.target_offsets.push_back(b * S);
    }
  }
  const int64_t* pt = tg.data_ptr<int64_t>();
  for (int64_t b = 0; b < N; ++b)
    for (int64_t i = 0; i < a.target_lengths[size_t(b)]; ++i) {
      const int64_t v = pt[a.target_offsets[size_t(b)] + i];
      EMBER_CHECK(v >= 0 && v < C, op, ": target ", v, " of sample ", b, " is out of range for C = ", C,
                  " classes (log_probs shape ", log_probs.sizes(), ")");
    }
  if (!lp.device().is_cpu()) tg = tg.to(lp.device());

  const Tensor x = lp.detach().contiguous();
  Tensor nll = empty({N}, lp.options());
  Tensor log_alpha = empty({N, T, 2 * a.max_target_length + 1}, lp.options());
  if (N > 0) detail::kernel<CtcLossFn>(OpId::ctc_loss, lp.device())(nll, log_alpha, x, tg, a);
  // grad: [N]; see Note [CTC gradient]
  Tensor res = autograd::record(
      "ctc_loss", {lp}, nll, [slp = autograd::save(lp), tg, nll, log_alpha, a, zero_infinity, N](const Tensor& grad) {
        const Tensor in = slp.get();
        const Tensor xs = in.detach().contiguous();
        Tensor g = empty(xs.sizes(), xs.options());
        if (N > 0)
          detail::kernel<CtcLossBackwardFn>(OpId::ctc_loss_backward, xs.device())(g, xs, tg, nll, log_alpha, a,
                                                                                  zero_infinity);
        // create_graph: differentiable in grad, but not again in log_probs (torch neither)
        if (is_grad_enabled())
          g = autograd::record("ctc_loss_backward", {in}, g, [](const Tensor&) -> tensor_list {
            throw NotImplementedError(
                "ctc_loss_backward: the derivative of ctc_loss's gradient w.r.t. log_probs "
                "is not implemented (as in torch)");
          });
        return tensor_list{g * grad.reshape({1, N, 1})};
      });
  if (zero_infinity) res = where(eq(res, std::numeric_limits<double>::infinity()), zeros({}, res.options()), res);
  if (reduction == Reduction::Mean) {
    std::vector<double> div(a.target_lengths.begin(), a.target_lengths.end());
    for (double& d : div) d = std::max(d, 1.0);
    return (res / tensor(div, TensorOptions().dtype(kFloat64)).to(res.device(), res.dtype())).mean();
  }
  if (reduction == Reduction::Sum) return res.sum();
  return batched ? res : res.squeeze(0);
}

Tensor ctc_loss(const Tensor& log_probs, const Tensor& targets, const Tensor& input_lengths,
                const Tensor& target_lengths, int64_t blank, Reduction reduction, bool zero_infinity) {
  return ctc_loss(log_probs, targets, lengths_of(input_lengths, "input_lengths"),
                  lengths_of(target_lengths, "target_lengths"), blank, reduction, zero_infinity);
}

}  // namespace ember
