#pragma once

// Recording ops into the autograd graph. The front end of each op calls
// record() with its inputs, its output and its backward formula; nothing
// else in ember knows how the graph is built.

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "core/tensor_impl.h"
#include "ember/autograd.h"

namespace ember {
namespace autograd {

/// Which inputs of the op need a gradient; formulas skip the others.
struct GradMask {
  const Node* node;
  bool operator[](size_t i) const { return node->needs_input_grad(i); }
};

// Note [Saved tensors and in-place ops]
// A saved tensor remembers the version of its storage when saved. get()
// compares it with the current version and raises if an in-place op changed
// the data the formula needs.
class SavedTensor {
 public:
  SavedTensor() = default;
  SavedTensor(const Tensor& t, bool is_output = false);
  /// The saved tensor; throws if it was modified in place since saving.
  Tensor get() const;
  void reset() { data_ = Tensor(); }
  bool defined() const { return data_.defined(); }

 private:
  Tensor data_;  // for outputs: an alias without history (no cycle)
  uint32_t version_ = 0;
  uint32_t output_nr_ = 0;
  bool is_output_ = false;
  const char* op_ = nullptr;
};
/// Saves an input of the op for its backward.
inline SavedTensor save(const Tensor& t) { return SavedTensor(t, false); }
/// Saves the op's own output (held without its history, so no cycle).
inline SavedTensor save_output(const Tensor& t) { return SavedTensor(t, true); }

namespace detail {
bool any_requires_grad(std::initializer_list<Tensor> inputs);
bool any_requires_grad(const tensor_list& inputs);
/// Wires `node` to its inputs' edges and makes it the grad_fn of outputs.
void connect(const std::shared_ptr<Node>& node, const Tensor* inputs, size_t ninputs,
             Tensor* outputs, size_t noutputs);
std::string backward_name(const char* op);
/// The node whose backward is running on this thread (for saved outputs).
Node*& current_node();
[[noreturn]] void throw_freed(const std::string& node_name);

// Note [Destroying long graphs]
// Dropping the last tensor of a 100,000-op chain destroys node after node
// through saved tensors and edges. Up to kMaxDestroyDepth nested
// destructions run on the stack (no allocation, the common case); deeper
// ones are queued and the outermost destruction drains the queue in a loop.
struct Deferred {
  virtual ~Deferred() = default;
};
constexpr int kMaxDestroyDepth = 48;
int destroy_depth();
void defer_destroy(std::unique_ptr<Deferred> item);
struct DestroyScope {
  DestroyScope();
  ~DestroyScope();
};
template <typename F>
struct DeferredHolder : Deferred {
  explicit DeferredHolder(F&& f) : fn(std::move(f)) {}
  F fn;
};
}  // namespace detail

// A node whose backward is a lambda. F is called as
//   f(grad) or f(grad, mask)                   for single-output ops
//   f(grads) or f(grads, mask) (tensor_list)   for multi-output ops
// and returns one gradient per input.
template <typename F>
class LambdaNode final : public Node {
 public:
  LambdaNode(const char* op, F&& f) : op_(op), fn_(std::move(f)) {}
  ~LambdaNode() override { release_variables(); }
  std::string name() const override { return detail::backward_name(op_); }
  tensor_list apply(tensor_list&& grads) override {
    if (!fn_) detail::throw_freed(name());
    F& f = *fn_;
    GradMask mask{this};
    if constexpr (std::is_invocable<F&, const Tensor&, const GradMask&>::value) return f(grads[0], mask);
    else if constexpr (std::is_invocable<F&, const Tensor&>::value) return f(grads[0]);
    else if constexpr (std::is_invocable<F&, const tensor_list&, const GradMask&>::value) return f(grads, mask);
    else return f(grads);
  }
  void release_variables() override {
    if (!fn_) return;
    if (detail::destroy_depth() >= detail::kMaxDestroyDepth) {
      detail::defer_destroy(std::make_unique<detail::DeferredHolder<F>>(std::move(*fn_)));
      fn_.reset();
      return;
    }
    detail::DestroyScope scope;
    fn_.reset();
  }

 private:
  const char* op_;
  std::optional<F> fn_;
};

/// Records `out = op(inputs)` with backward `fn` when grad mode is on and
/// some input requires grad; returns `out` either way.
template <typename F>
inline Tensor record(const char* op, std::initializer_list<Tensor> inputs, Tensor out, F&& fn) {
  if (!detail::any_requires_grad(inputs)) return out;
  auto node = std::make_shared<LambdaNode<std::decay_t<F>>>(op, std::forward<F>(fn));
  detail::connect(node, inputs.begin(), inputs.size(), &out, 1);
  return out;
}

/// Multi-output form: `fn` gets one gradient per output (zeros for outputs
/// that received none).
template <typename F>
inline void record_multi(const char* op, const tensor_list& inputs, tensor_list& outs, F&& fn) {
  if (!detail::any_requires_grad(inputs)) return;
  auto node = std::make_shared<LambdaNode<std::decay_t<F>>>(op, std::forward<F>(fn));
  detail::connect(node, inputs.data(), inputs.size(), outs.data(), outs.size());
}

}  // namespace autograd
}  // namespace ember
