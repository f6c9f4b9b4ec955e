#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <typeinfo>
#include <unordered_map>
#include <vector>

#include "ember/ops.h"
#include "ember/tensor.h"

namespace ember {

/// Whether ops record autograd history on this thread (default: true).
EMBER_API bool is_grad_enabled();
EMBER_API void set_grad_enabled(bool enabled);

/// Turns recording off for its scope, like torch::NoGradGuard.
class NoGradGuard {
 public:
  NoGradGuard() : prev_(is_grad_enabled()) { set_grad_enabled(false); }
  ~NoGradGuard() { set_grad_enabled(prev_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool prev_;
};

/// Turns recording back on inside a NoGradGuard scope.
class EnableGradGuard {
 public:
  EnableGradGuard() : prev_(is_grad_enabled()) { set_grad_enabled(true); }
  ~EnableGradGuard() { set_grad_enabled(prev_); }
  EnableGradGuard(const EnableGradGuard&) = delete;
  EnableGradGuard& operator=(const EnableGradGuard&) = delete;

 private:
  bool prev_;
};

namespace autograd {

class Node;

/// Where a gradient goes: input `input_nr` of node `function`.
struct Edge {
  std::shared_ptr<Node> function;
  uint32_t input_nr = 0;
  bool valid() const { return function != nullptr; }
};

/// What the engine needs to know about a forward input to fit its gradient:
/// gradients are summed back over broadcast dims and cast to this dtype.
struct InputMeta {
  Shape sizes;
  ScalarType dtype = kFloat;
  Device device;
};

/// A recorded op: maps gradients of its outputs to gradients of its inputs.
class EMBER_API Node : public std::enable_shared_from_this<Node> {
 public:
  Node();
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// The op's name with torch's suffix, e.g. "MulBackward0".
  virtual std::string name() const = 0;
  /// grads: one per forward output. Returns one per forward input
  /// (undefined where that input needs no gradient).
  virtual tensor_list apply(tensor_list&& grads) = 0;
  /// Drops saved tensors once backward ran without retain_graph.
  virtual void release_variables() {}

  const std::vector<Edge>& next_edges() const { return next_edges_; }
  std::vector<Edge>& mutable_next_edges() { return next_edges_; }
  std::vector<InputMeta>& input_meta() { return input_meta_; }
  /// Which inputs need a gradient (the GradMask of the formula).
  bool needs_input_grad(size_t i) const {
    return i < next_edges_.size() && next_edges_[i].valid();
  }
  uint32_t num_outputs() const { return num_outputs_; }
  void set_num_outputs(uint32_t n) { num_outputs_ = n; }
  uint64_t sequence_nr() const { return sequence_nr_; }
  /// Metadata of each forward output, to make zeros for an unused one.
  std::vector<InputMeta>& output_meta() { return output_meta_; }
  /// Hooks of non-leaf tensors, run on the gradient of output `output_nr`
  /// before this node's backward.
  struct PreHook {
    uint32_t output_nr;
    unsigned id;
    std::function<Tensor(const Tensor&)> fn;
  };
  std::vector<PreHook>& pre_hooks() { return pre_hooks_; }

 protected:
  friend struct EngineAccess;
  std::vector<PreHook> pre_hooks_;
  // Per-backward scratch, owned by the engine while it runs (identified
  // by run id): pending dependency count and the gradients gathered so far.
  uint64_t run_id_ = 0;
  int deps_ = 0;
  bool is_accumulator_ = false;
  tensor_list buffer_;
  std::vector<Edge> next_edges_;
  std::vector<InputMeta> input_meta_;
  std::vector<InputMeta> output_meta_;
  uint32_t num_outputs_ = 1;
  uint64_t sequence_nr_;
};

/// Computes and accumulates gradients of `tensors` into leaves' `.grad`.
EMBER_API void backward(const tensor_list& tensors, const tensor_list& grad_tensors = {},
                        std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                        const tensor_list& inputs = {});

/// Returns d(outputs)/d(inputs) without touching `.grad`.
/// allow_unused: an input that outputs do not depend on gets an undefined
/// Tensor instead of an error.
EMBER_API tensor_list grad(const tensor_list& outputs, const tensor_list& inputs,
                           const tensor_list& grad_outputs = {},
                           std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                           bool allow_unused = false);

/// Anomaly mode: the engine checks every gradient for NaN/Inf and names the
/// op whose backward produced it.
EMBER_API void set_detect_anomaly(bool enabled);
EMBER_API bool is_anomaly_enabled();
class DetectAnomalyGuard {
 public:
  DetectAnomalyGuard() : prev_(is_anomaly_enabled()) { set_detect_anomaly(true); }
  ~DetectAnomalyGuard() { set_detect_anomaly(prev_); }

 private:
  bool prev_;
};

/// Finite-difference check (central differences, in float64) of the
/// Jacobian autograd computes for `fn` at `inputs`. Inputs that require grad
/// are perturbed. Returns true when they match; throws
/// ember::RuntimeError naming the worst element when they do not
/// (raise_exception = false: returns false instead).
EMBER_API bool gradcheck(const std::function<Tensor(const tensor_list&)>& fn, const tensor_list& inputs,
                         double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3,
                         bool raise_exception = true);
/// Checks second derivatives: gradcheck of the gradient with create_graph.
EMBER_API bool gradgradcheck(const std::function<Tensor(const tensor_list&)>& fn,
                             const tensor_list& inputs, double eps = 1e-6, double atol = 1e-5,
                             double rtol = 1e-3, bool raise_exception = true);

// ---------------------------- custom functions ----------------------------

/// Per-call state of a custom Function, as libtorch's AutogradContext.
class EMBER_API AutogradContext {
 public:
  void save_for_backward(const tensor_list& tensors);
  /// The saved tensors; throws if one was modified in place since.
  tensor_list get_saved_variables() const;
  void mark_non_differentiable(const tensor_list& outputs);
  std::vector<bool> needs_input_grad;
  std::unordered_map<std::string, Scalar> saved_data;

 private:
  friend struct CustomNodeAccess;
  tensor_list saved_;
  std::vector<uint32_t> saved_versions_;
  tensor_list non_differentiable_;
  bool released_ = false;
};

namespace detail {
using CustomBackward = std::function<tensor_list(AutogradContext*, tensor_list)>;
/// Records `outputs` as produced by a custom node over `inputs`.
EMBER_API void record_custom(const std::string& name, const tensor_list& inputs, tensor_list& outputs,
                             std::shared_ptr<AutogradContext> ctx, CustomBackward backward);
inline void collect(tensor_list&) {}
template <typename A, typename... Rest>
void collect(tensor_list& out, const A& a, const Rest&... rest) {
  if constexpr (std::is_same<std::decay_t<A>, Tensor>::value) out.push_back(a);
  collect(out, rest...);
}
}  // namespace detail

/// A user-defined differentiable op (libtorch's torch::autograd::Function):
///
///   struct Cube : ember::autograd::Function<Cube> {
///     static Tensor forward(AutogradContext* ctx, Tensor x) {
///       ctx->save_for_backward({x});
///       return x * x * x;
///     }
///     static tensor_list backward(AutogradContext* ctx, tensor_list g) {
///       auto x = ctx->get_saved_variables()[0];
///       return {g[0] * 3 * x * x};
///     }
///   };
///   Tensor y = Cube::apply(x);
///
/// backward returns one gradient per forward argument (undefined for
/// non-tensor arguments).
template <typename T>
struct Function {
  template <typename... Args>
  static auto apply(Args&&... args) {
    auto ctx = std::make_shared<AutogradContext>();
    tensor_list inputs;
    detail::collect(inputs, args...);
    for (auto& t : inputs) ctx->needs_input_grad.push_back(t.defined() && t.requires_grad());
    using Ret = decltype(T::forward(ctx.get(), std::forward<Args>(args)...));
    tensor_list outputs;
    Ret result;
    {
      NoGradGuard no_grad;
      result = T::forward(ctx.get(), std::forward<Args>(args)...);
    }
    if constexpr (std::is_same<Ret, Tensor>::value) outputs.push_back(result);
    else outputs = result;
    // map backward's per-argument result onto tensor arguments only
    std::vector<bool> is_tensor = {std::is_same<std::decay_t<Args>, Tensor>::value...};
    detail::record_custom(typeid(T).name(), inputs, outputs, ctx,
                          [is_tensor](AutogradContext* c, tensor_list g) {
                            tensor_list all = T::backward(c, std::move(g));
                            tensor_list only;
                            for (size_t i = 0; i < is_tensor.size() && i < all.size(); ++i)
                              if (is_tensor[i]) only.push_back(all[i]);
                            return only;
                          });
    if constexpr (std::is_same<Ret, Tensor>::value) return outputs[0];
    else return outputs;
  }
};

}  // namespace autograd
}  // namespace ember
