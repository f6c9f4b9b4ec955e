#include "autograd/graph.h"

#include <atomic>
#include <cctype>
#include <cstring>
#include <vector>

#include "ember/ops.h"

namespace ember {

namespace {
thread_local bool t_grad_enabled = true;
std::atomic<uint64_t> g_sequence{0};
}  // namespace

bool is_grad_enabled() { return t_grad_enabled; }
void set_grad_enabled(bool enabled) { t_grad_enabled = enabled; }

namespace autograd {

Node::Node() : sequence_nr_(g_sequence.fetch_add(1, std::memory_order_relaxed)) {}

Node::~Node() {
  // See Note [Destroying long graphs].
  struct Edges : detail::Deferred {
    std::vector<Edge> edges;
  };
  if (next_edges_.empty()) return;
  if (detail::destroy_depth() >= detail::kMaxDestroyDepth) {
    auto holder = std::make_unique<Edges>();
    holder->edges = std::move(next_edges_);
    detail::defer_destroy(std::move(holder));
    return;
  }
  detail::DestroyScope scope;
  next_edges_.clear();
}

namespace detail {

namespace {
thread_local int t_destroy_depth = 0;
thread_local std::vector<std::unique_ptr<Deferred>>* t_pending = nullptr;
}  // namespace

int destroy_depth() { return t_destroy_depth; }

DestroyScope::DestroyScope() { ++t_destroy_depth; }
DestroyScope::~DestroyScope() {
  if (t_destroy_depth == 1 && t_pending) {
    // the outermost destruction drains what deeper ones queued, in a loop
    while (!t_pending->empty()) {
      auto next = std::move(t_pending->back());
      t_pending->pop_back();
      next.reset();
    }
  }
  --t_destroy_depth;
}

void defer_destroy(std::unique_ptr<Deferred> item) {
  if (!t_pending) t_pending = new std::vector<std::unique_ptr<Deferred>>();
  t_pending->push_back(std::move(item));
}

Node*& current_node() {
  thread_local Node* n = nullptr;
  return n;
}

void throw_freed(const std::string& name) {
  throw RuntimeError(ember::detail::str(
      "backward: trying to backward through the graph a second time (or to directly access saved tensors after "
      "they have already been freed) in ", name,
      ". Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). "
      "Specify retain_graph=true if you need to backward through the graph a second time."));
}

// "mul" -> "MulBackward0"; a trailing digit is torch's overload number
// ("sum1" -> "SumBackward1"); a capitalized name is used as is ("CopySlices").
std::string backward_name(const char* op) {
  if (*op >= 'A' && *op <= 'Z') return op;
  std::string s;
  bool up = true;
  size_t len = std::strlen(op);
  char overload = '0';
  if (len > 0 && op[len - 1] >= '0' && op[len - 1] <= '9') overload = op[--len];
  for (const char* p = op; p < op + len; ++p) {
    if (*p == '_') {
      up = true;
      continue;
    }
    s += up ? char(std::toupper(*p)) : *p;
    up = false;
  }
  return s + "Backward" + overload;
}

bool any_requires_grad(std::initializer_list<Tensor> inputs) {
  if (!t_grad_enabled) return false;
  for (const auto& t : inputs)
    if (t.defined() && t.unsafe_impl()->requires_grad()) return true;
  return false;
}
bool any_requires_grad(const tensor_list& inputs) {
  if (!t_grad_enabled) return false;
  for (const auto& t : inputs)
    if (t.defined() && t.unsafe_impl()->requires_grad()) return true;
  return false;
}

Edge gradient_edge(const Tensor& t);

void connect(const std::shared_ptr<Node>& node, const Tensor* inputs, size_t n, Tensor* outputs,
             size_t nout) {
  auto& edges = node->mutable_next_edges();
  auto& meta = node->input_meta();
  edges.resize(n);
  meta.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Tensor& t = inputs[i];
    if (!t.defined()) continue;
    TensorImpl* impl = t.unsafe_impl();
    if (impl->requires_grad()) edges[i] = gradient_edge(t);
    meta[i].sizes = impl->sizes();
    meta[i].dtype = impl->dtype();
    meta[i].device = impl->device();
  }
  node->set_num_outputs(uint32_t(nout));
  auto& ometa = node->output_meta();
  if (nout > 1) ometa.resize(nout);  // only multi-output nodes zero-fill
  for (size_t i = 0; i < nout; ++i) {
    Tensor& o = outputs[i];
    if (!o.defined()) continue;
    TensorImpl* impl = o.unsafe_impl();
    if (nout > 1) {
      ometa[i].sizes = impl->sizes();
      ometa[i].dtype = impl->dtype();
      ometa[i].device = impl->device();
    }
    // integer outputs (indices) never carry gradients
    if (!is_floating_point(impl->dtype())) continue;
    auto& am = impl->autograd_mut();
    am.grad_fn = node;
    am.output_nr = uint32_t(i);
    am.requires_grad = false;
  }
}

}  // namespace detail

SavedTensor::SavedTensor(const Tensor& t, bool is_output) : is_output_(is_output) {
  if (!t.defined()) return;
  TensorImpl* impl = t.unsafe_impl();
  version_ = impl->storage()->version;
  if (is_output) {
    // alias without autograd meta: no cycle node -> tensor -> node
    data_ = ember::detail::make_view(t, impl->sizes(), impl->strides(), impl->offset());
    if (impl->autograd()) output_nr_ = impl->autograd()->output_nr;
  } else {
    data_ = t;
  }
}

Tensor SavedTensor::get() const {
  if (!data_.defined()) return data_;
  TensorImpl* impl = data_.unsafe_impl();
  uint32_t now = impl->storage()->version;
  if (now != version_) {
    Node* n = detail::current_node();
    throw RuntimeError(ember::detail::str(
        "backward: a tensor saved by '", n ? n->name() : std::string("an op"), "' (shape ", impl->sizes(), ", ",
        impl->dtype(), ") was modified in place after it was saved (version ", version_, ", now ", now,
        "); one of the variables needed for gradient computation has been modified by an inplace operation. "
        "Clone it before the in-place op."));
  }
  if (is_output_ && is_grad_enabled() && detail::current_node()) {
    // create_graph: the output's history is the node being run
    Tensor alias = ember::detail::make_view(data_, impl->sizes(), impl->strides(), impl->offset());
    auto& am = alias.unsafe_impl()->autograd_mut();
    am.grad_fn = detail::current_node()->shared_from_this();
    am.output_nr = output_nr_;
    return alias;
  }
  return data_;
}

}  // namespace autograd
}  // namespace ember
