// Losses, composed from ember ops (autograd differentiates the
// composition). Reductions follow torch 1.13, including the weighted mean
// of nll_loss / cross_entropy (divide by the sum of the picked weights).
#include <string>
#include <type_traits>
#include <vector>

#include "nn/nn_internal.h"
#include "ops/ops_common.h"

namespace ember {

Reduction reduction_from_string(const std::string& s) {
  if (s == "none") return Reduction::None;
  if (s == "mean") return Reduction::Mean;
  if (s == "sum") return Reduction::Sum;
  if (s == "batchmean") return Reduction::BatchMean;
  throw ValueError(
      detail::str("'", s, "' is not a valid value for reduction (expected 'none', 'mean', 'sum' or ", "'batchmean')"));
}

namespace {

Tensor reduce(const char* op, const Tensor& loss, Reduction r) {
  switch (r) {
    case Reduction::None:
      return loss;
    case Reduction::Sum:
      return loss.sum();
    case Reduction::Mean:
      return loss.mean();
    default:
      break;
  }
  throw ValueError(detail::str(op, ": reduction 'batchmean' is only supported by kl_div"));
}

void check_same_shape(const char* op, const Tensor& input, const Tensor& target) {
  EMBER_CHECK_VALUE(input.sizes().equals(target.sizes()), op, ": target shape ", target.sizes(),
                    " must be the same as input shape ", input.sizes());
}

// Checks class-index targets and returns their dims: input [C] with a 0-d
// target, or input [N, C, d1...] with target [N, d1...].
void check_class_target(const char* op, const Tensor& input, const Tensor& target, const Tensor& weight,
                        int64_t ignore_index) {
  detail::check_defined(input, op);
  detail::check_defined(target, op);
  EMBER_CHECK(input.dim() >= 1, op, ": expected input [C] or [N, C, d1...], got a 0-d tensor");
  // a RuntimeError, as torch's "expected scalar type Long"
  EMBER_CHECK(target.dtype() == kInt64, op, ": expected target of dtype int64 (class indices), got ", target.dtype(),
              " (shape ", target.sizes(), ")");
  // a ValueError, as torch's "Expected input batch_size (4) to match target batch_size (3)"
  // (a 0-d target has batch_size 0 to torch)
  if (input.dim() >= 2)
    EMBER_CHECK_VALUE(target.dim() >= 1 && input.size(0) == target.size(0), op, ": expected input batch_size (",
                      input.size(0), ") to match target batch_size (", target.dim() >= 1 ? target.size(0) : 0,
                      "); input ", input.sizes(), ", target ", target.sizes());
  Shape want;
  for (int64_t d = 0; d < input.dim(); ++d)
    if (d != (input.dim() == 1 ? 0 : 1)) want.push_back(input.size(d));
  EMBER_CHECK(target.sizes().equals(want), op, ": expected target of shape ", IntArrayRef(want), " for input ",
              input.sizes(), ", got ", target.sizes());
  const int64_t C = input.size(input.dim() == 1 ? 0 : 1);
  if (weight.defined())
    EMBER_CHECK(weight.dim() == 1 && weight.size(0) == C, op, ": expected weight of shape [", C,
                "] (one per class), got ", weight.sizes());
  Tensor t = target.to(Device(kCPU)).contiguous();
  const int64_t* p = t.data_ptr<int64_t>();
  for (int64_t i = 0; i < t.numel(); ++i)
    EMBER_CHECK_INDEX(p[i] == ignore_index || (p[i] >= 0 && p[i] < C), op, ": target ", p[i],
                      " is out of bounds (expected 0..", C - 1, " or ignore_index ", ignore_index, ")");
}

// Moves the class dim last: [N, C, d...] -> [N, d..., C] (a view).
Tensor classes_last(const Tensor& x) {
  if (x.dim() <= 2) return x;
  std::vector<int64_t> perm{0};
  for (int64_t d = 2; d < x.dim(); ++d) perm.push_back(d);
  perm.push_back(1);
  return x.permute(perm);
}

// [C] -> broadcastable against input along its class dim.
Tensor class_view(const Tensor& w, const Tensor& input) {
  if (input.dim() == 1) return w;
  std::vector<int64_t> s(input.dim(), 1);
  s[1] = w.numel();
  return w.reshape(s);
}

}  // namespace

// loss_i = -w[t_i] x[i, t_i] (0 where t_i == ignore_index);
// mean = sum_i loss_i / sum_i w[t_i].
namespace {

// nll_loss of [N, C] (or [C]) float input on the CPU without class weights,
// the case every classifier's cross_entropy hits: one pass forward, where
// the composed form below records a dozen ops each way.
bool nll_fast_path(const Tensor& input, const Tensor& weight, Reduction reduction) {
  return input.dim() <= 2 && input.device().is_cpu() && !weight.defined() && reduction != Reduction::BatchMean &&
         (input.dtype() == kFloat32 || input.dtype() == kFloat64) && input.numel() > 0;
}

// The loss of log-probabilities x (detached, contiguous) at targets t;
// `kept` counts the targets that are not ignore_index.
Tensor nll_forward(const Tensor& x, const Tensor& t, IntArrayRef target_shape, Reduction reduction,
                   int64_t ignore_index, int64_t& kept) {
  const int64_t C = x.size(-1), N = x.numel() / C;
  const int64_t* pt = t.data_ptr<int64_t>();
  kept = 0;
  for (int64_t i = 0; i < N; ++i) kept += pt[i] != ignore_index;
  Tensor out = reduction == Reduction::None ? empty(target_shape, x.options()) : empty({}, x.options());
  auto run = [&](auto* po) {
    using T = std::remove_pointer_t<decltype(po)>;
    const T* px = x.data_ptr<T>();
    double total = 0;
    for (int64_t i = 0; i < N; ++i) {
      const double v = pt[i] == ignore_index ? 0.0 : -double(px[i * C + pt[i]]);
      if (reduction == Reduction::None) po[i] = T(v);
      total += v;
    }
    // mean over no kept target is 0/0 = nan, as torch
    if (reduction != Reduction::None) po[0] = T(reduction == Reduction::Mean ? total / double(kept) : total);
  };
  if (x.dtype() == kFloat32) run(out.data_ptr<float>());
  else run(out.data_ptr<double>());
  return out;
}

// Calls f(i, s_i) for each row i whose target is kept, s_i = the row's
// gradient of the loss: grad[i] (None), grad / kept (Mean, rounded in T as
// torch) or grad (Sum).
template <typename T, typename F>
void for_kept_rows(const Tensor& grad, const Tensor& t, Reduction reduction, int64_t kept, int64_t ignore_index,
                   int64_t N, F&& f) {
  const Tensor g = grad.contiguous();
  const T* pg = g.data_ptr<T>();
  const int64_t* pt = t.data_ptr<int64_t>();
  for (int64_t i = 0; i < N; ++i) {
    if (pt[i] == ignore_index) continue;
    const T gv = reduction == Reduction::None ? pg[i] : pg[0];
    f(i, reduction == Reduction::Mean ? gv / T(kept) : gv);
  }
}

bool fused_backward_ok(const Tensor& grad) {
  return !is_grad_enabled() && grad.device().is_cpu() && (grad.dtype() == kFloat32 || grad.dtype() == kFloat64);
}

// Rows of the target's gradient with ember ops (for create_graph): s_i as
// above, 0 on ignored rows, and the targets with ignored ones set to 0.
std::pair<Tensor, Tensor> row_grads(const Tensor& grad, const Tensor& t, Reduction reduction, int64_t kept,
                                    int64_t ignore_index) {
  const Tensor valid = ne(t, ignore_index);
  Tensor g = reduction == Reduction::None ? grad * valid : grad.expand(t.sizes()) * valid;
  if (reduction == Reduction::Mean) g = g / double(kept);
  return {g, where(valid, t, zeros_like(t))};
}

Tensor nll_loss_2d(const Tensor& input, const Tensor& target, Reduction reduction, int64_t ignore_index) {
  const Tensor t = target.contiguous();
  int64_t kept = 0;
  Tensor out = nll_forward(input.detach().contiguous(), t, target.sizes(), reduction, ignore_index, kept);
  return autograd::record("nll_loss", {input}, out,
                          [t, reduction, kept, ignore_index, shape = Shape(input.sizes())](const Tensor& grad) {
                            Tensor gi = zeros(IntArrayRef(shape), grad.options());
                            const int64_t C = shape.empty() ? 1 : shape[shape.size() - 1], N = gi.numel() / C;
                            // One pass without create_graph: zeros but for -s_i at each
                            // target. Composed where it must differentiate again.
                            if (fused_backward_ok(grad)) {
                              auto fill = [&](auto* pgi) {
                                using T = std::remove_pointer_t<decltype(pgi)>;
                                const int64_t* pt = t.data_ptr<int64_t>();
                                for_kept_rows<T>(grad, t, reduction, kept, ignore_index, N,
                                                 [&](int64_t i, T s) { pgi[i * C + pt[i]] = -s; });
                              };
                              if (grad.dtype() == kFloat32) fill(gi.data_ptr<float>());
                              else fill(gi.data_ptr<double>());
                              return tensor_list{gi};
                            }
                            auto [g, idx] = row_grads(grad, t, reduction, kept, ignore_index);
                            return tensor_list{scatter_add(gi, -1, idx.unsqueeze(-1), -g.unsqueeze(-1))};
                          });
}

// cross_entropy of [N, C] (or [C]) float logits with class targets, no
// weights and no smoothing, as one node: log_softmax and nll_loss each made
// a node, a [N, C] gradient of zeros and a pass. The gradient is
// (softmax - one_hot) * s_i per row, softmax = exp of the saved log-probs.
Tensor cross_entropy_2d(const Tensor& input, const Tensor& target, Reduction reduction, int64_t ignore_index) {
  const Tensor t = target.contiguous();
  Tensor logp;
  {
    NoGradGuard ng;
    logp = log_softmax(input.detach(), -1);
  }
  int64_t kept = 0;
  Tensor out = nll_forward(logp, t, target.sizes(), reduction, ignore_index, kept);
  return autograd::record(
      "cross_entropy", {input}, out,
      [x = autograd::save(input), logp, t, reduction, kept, ignore_index](const Tensor& grad) {
        const int64_t C = logp.size(-1), N = logp.numel() / C;
        if (fused_backward_ok(grad) && grad.dtype() == logp.dtype()) {
          Tensor gi = exp(logp);
          auto fill = [&](auto* pgi) {
            using T = std::remove_pointer_t<decltype(pgi)>;
            const int64_t* pt = t.data_ptr<int64_t>();
            std::vector<char> seen(size_t(N), 0);
            for_kept_rows<T>(grad, t, reduction, kept, ignore_index, N, [&](int64_t i, T s) {
              T* row = pgi + i * C;
              for (int64_t c = 0; c < C; ++c) row[c] *= s;
              row[pt[i]] -= s;
              seen[size_t(i)] = 1;
            });
            for (int64_t i = 0; i < N; ++i)
              if (!seen[size_t(i)]) std::fill(pgi + i * C, pgi + (i + 1) * C, T(0));
          };
          if (grad.dtype() == kFloat32) fill(gi.data_ptr<float>());
          else fill(gi.data_ptr<double>());
          return tensor_list{gi};
        }
        // create_graph: differentiable in the logits
        auto [g, idx] = row_grads(grad, t, reduction, kept, ignore_index);
        const Tensor p = softmax(x.get(), -1);
        return tensor_list{(p - one_hot(idx, C).to(p.dtype())) * g.unsqueeze(-1)};
      });
}

}  // namespace

Tensor nll_loss(const Tensor& input, const Tensor& target_in, const Tensor& weight, Reduction reduction,
                int64_t ignore_index) {
  const char* op = "nll_loss";
  detail::check_defined(target_in, op);
  // torch's nll_loss takes uint8 class indices too
  const Tensor target = target_in.dtype() == kUInt8 ? target_in.to(kInt64) : target_in;
  check_class_target(op, input, target, weight, ignore_index);
  if (nll_fast_path(input, weight, reduction)) return nll_loss_2d(input, target, reduction, ignore_index);
  Tensor valid = ne(target, ignore_index);
  Tensor t = where(valid, target, zeros_like(target));
  Tensor picked = gather(classes_last(input), -1, t.unsqueeze(-1)).squeeze(-1);
  Tensor w = valid.to(input.dtype());
  if (weight.defined()) w = index_select(weight, 0, t.reshape({-1})).reshape(t.sizes()) * w;
  Tensor loss = -picked * w;
  switch (reduction) {
    case Reduction::Mean:
      return loss.sum() / w.sum();
    case Reduction::BatchMean:
      return reduce(op, loss, reduction);
    default:
      return reduce(op, loss, reduction);
  }
}

Tensor cross_entropy(const Tensor& input, const Tensor& target_in, const Tensor& weight, Reduction reduction,
                     int64_t ignore_index, double label_smoothing) {
  const char* op = "cross_entropy";
  detail::check_defined(input, op);
  detail::check_defined(target_in, op);
  // torch's cross_entropy takes uint8 class indices too
  const Tensor target = target_in.dtype() == kUInt8 ? target_in.to(kInt64) : target_in;
  // torch checks only the upper bound and smooths only when label_smoothing
  // > 0: a negative or NaN value is no smoothing
  EMBER_CHECK(!(label_smoothing > 1), op, ": label_smoothing must be between 0.0 and 1.0, got ", label_smoothing);
  EMBER_CHECK(input.dim() >= 1, op, ": expected input [C] or [N, C, d1...], got a 0-d tensor");
  if (reduction == Reduction::BatchMean) reduce(op, input, reduction);
  const int64_t cdim = input.dim() == 1 ? 0 : 1, C = input.size(cdim);
  const double ls = label_smoothing > 0 ? label_smoothing : 0.0;
  if (!is_floating_point(target.dtype()) && ls == 0 && nll_fast_path(input, weight, reduction)) {
    check_class_target(op, input, target, weight, ignore_index);
    return cross_entropy_2d(input, target, reduction, ignore_index);
  }
  Tensor logp = log_softmax(input, cdim);
  if (is_floating_point(target.dtype())) {
    // class probabilities: loss = -sum_c w_c t_c log p_c
    EMBER_CHECK(target.sizes().equals(input.sizes()), op, ": expected probability target of the input's shape ",
                input.sizes(), ", got ", target.sizes());
    EMBER_CHECK(ignore_index < 0, op, ": ignore_index is not supported for floating point target (got ignore_index=",
                ignore_index, ", target of dtype ", target.dtype(), " and shape ", target.sizes(), ")");
    if (weight.defined())
      EMBER_CHECK(weight.dim() == 1 && weight.size(0) == C, op, ": expected weight of shape [", C,
                  "] (one per class), got ", weight.sizes());
    Tensor t = ls > 0 ? target * (1 - ls) + ls / double(C) : target;
    Tensor prod = logp * t;
    if (weight.defined()) prod = prod * class_view(weight, input);
    Tensor loss = -prod.sum({cdim});
    if (reduction == Reduction::Mean) return loss.sum() / (double(input.numel()) / double(C));
    return reduce(op, loss, reduction);
  }
  Tensor nll = nll_loss(logp, target, weight, reduction, ignore_index);
  if (ls == 0) return nll;
  // (1 - ls) nll + ls / C * smooth, smooth = -sum_c w_c log p_c
  Tensor smooth = weight.defined() ? -(logp * class_view(weight, input)).sum({cdim}) : -logp.sum({cdim});
  Tensor ignored = eq(target, ignore_index);
  smooth = smooth.masked_fill(ignored, 0.0);
  Tensor ret;
  if (reduction == Reduction::Mean) {
    // torch: divide by the sum of the picked weights (1 each when
    // unweighted), as nll_loss does
    Tensor kept = masked_select(target, logical_not(ignored));
    ret = weight.defined() ? smooth.sum() / index_select(weight, 0, kept).sum() : smooth.sum() / double(kept.numel());
  } else {
    ret = reduce(op, smooth, reduction);
  }
  return nll * (1 - ls) + ret * (ls / double(C));
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return reduce("mse_loss", square(input - target), reduction);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return reduce("l1_loss", abs(input - target), reduction);
}

// |d| < beta: 0.5 d^2 / beta, else |d| - 0.5 beta
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction, double beta) {
  const char* op = "smooth_l1_loss";
  EMBER_CHECK(beta >= 0, op, ": smooth_l1_loss does not support negative values for beta (got ", beta, ")");
  if (beta == 0) return reduce(op, abs(input - target), reduction);
  Tensor d = input - target, z = abs(d);
  return reduce(op, where(z < beta, square(d) * (0.5 / beta), z - 0.5 * beta), reduction);
}

// |d| < delta: 0.5 d^2, else delta (|d| - 0.5 delta)
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction, double delta) {
  const char* op = "huber_loss";
  EMBER_CHECK(delta > 0, op, ": huber_loss does not support non-positive values for delta (got ", delta, ")");
  Tensor d = input - target, z = abs(d);
  return reduce(op, where(z < delta, square(d) * 0.5, (z - 0.5 * delta) * delta), reduction);
}

// -w (t log x + (1 - t) log(1 - x)), each log clamped to >= -100 as torch
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight, Reduction reduction) {
  const char* op = "binary_cross_entropy";
  detail::check_defined(input, op);
  detail::check_defined(target, op);
  check_same_shape(op, input, target);
  {
    NoGradGuard no_grad;
    // written so that NaN fails it too, as torch's
    EMBER_CHECK(input.numel() == 0 || logical_and(input >= 0, input <= 1).all().item<bool>(), op,
                ": all elements of input should be between 0 and 1");
  }
  Tensor loss = -(target * log(input).clamp_min(-100) + (1 - target) * log(1 - input).clamp_min(-100));
  if (weight.defined()) loss = loss * weight;
  return reduce(op, loss, reduction);
}

// torch's stable form: (1 - t) x + lw (log(exp(-m) + exp(-x - m)) + m),
// m = max(-x, 0), lw = 1 + (pos_weight - 1) t.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const Tensor& weight,
                                        Reduction reduction, const Tensor& pos_weight) {
  const char* op = "binary_cross_entropy_with_logits";
  detail::check_defined(input, op);
  detail::check_defined(target, op);
  check_same_shape(op, input, target);
  Tensor m = (-input).clamp_min(0);
  Tensor lse = log(exp(-m) + exp(-input - m)) + m;
  Tensor loss =
      pos_weight.defined() ? (1 - target) * input + ((pos_weight - 1) * target + 1) * lse : (1 - target) * input + lse;
  if (weight.defined()) loss = loss * weight;
  return reduce(op, loss, reduction);
}

// input holds log q; loss = t (log t - input), or exp(t) (t - input) when
// the target holds log t too. t log t is xlogy(t, t), as torch: 0 at
// t = 0, NaN at t < 0.
Tensor kl_div(const Tensor& input, const Tensor& target, Reduction reduction, bool log_target) {
  const char* op = "kl_div";
  detail::check_defined(input, op);
  detail::check_defined(target, op);
  EMBER_CHECK(is_floating_point(input.dtype()) && is_floating_point(target.dtype()), op,
              ": Integral inputs not supported (input ", input.dtype(), ", target ", target.dtype(), ")");
  Tensor loss = log_target ? exp(target) * (target - input) : xlogy(target, target) - target * input;
  if (reduction == Reduction::BatchMean) return input.dim() == 0 ? loss.sum() : loss.sum() / double(input.size(0));
  return reduce(op, loss, reduction);
}

}  // namespace ember
