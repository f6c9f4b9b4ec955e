// The autograd engine: iterative, dependency-counted, single-threaded.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "autograd/graph.h"
#include "ember/ops.h"

namespace ember {
namespace autograd {

// The engine's view of a node's per-run scratch fields.
struct EngineAccess {
  static void mark_accumulator(Node& n) { n.is_accumulator_ = true; }
  static bool is_accumulator(const Node* n) { return n->is_accumulator_; }
  static uint64_t& run_id(Node* n) { return n->run_id_; }
  static int& deps(Node* n) { return n->deps_; }
  static tensor_list& buffer(Node* n) { return n->buffer_; }
};

namespace {
bool g_anomaly = false;
std::atomic<uint64_t> g_run_id{1};

// The node that feeds a leaf's .grad; one per leaf, cached weakly.
class AccumulateGrad final : public Node {
 public:
  explicit AccumulateGrad(Tensor leaf) : leaf_(std::move(leaf)) { EngineAccess::mark_accumulator(*this); }
  std::string name() const override { return "AccumulateGrad"; }
  tensor_list apply(tensor_list&& grads) override {
    Tensor g = std::move(grads[0]);
    if (!g.defined()) return {};
    TensorImpl* impl = leaf_.unsafe_impl();
    AutogradMeta& am = impl->autograd_mut();
    for (auto& h : am.hooks) {
      Tensor r = h.second(g);
      if (r.defined()) g = r;
    }
    if (!am.grad.defined()) {
      if (is_grad_enabled()) am.grad = g;  // create_graph: keep history
      else if (g.use_count() == 1 && g.is_contiguous() && !g.requires_grad()) am.grad = std::move(g);
      else am.grad = g.detach().clone();
    } else if (is_grad_enabled()) {
      am.grad = am.grad + g;
    } else {
      am.grad.add_(g);
    }
    return {};
  }
  Tensor leaf_;
};

Tensor fit_gradient(Tensor g, const InputMeta& meta, Node* node, size_t i) {
  if (!g.defined()) return g;
  if (!g.sizes().equals(meta.sizes)) {
    EMBER_CHECK(g.numel() != 0 || meta.sizes.size() == 0 || true, "");
    g = sum_to_size(g, meta.sizes);
    EMBER_CHECK(g.sizes().equals(meta.sizes), "backward: function ", node->name(), " returned a gradient of shape ",
                g.sizes(), " for input ", i, " of shape ", IntArrayRef(meta.sizes));
  }
  if (g.dtype() != meta.dtype && is_floating_point(meta.dtype)) g = g.to(meta.dtype);
  return g;
}

void check_anomaly(const Tensor& g, Node* node, size_t i) {
  if (!g.defined() || !is_floating_point(g.dtype())) return;
  NoGradGuard ng;
  bool bad = logical_not(isfinite(g)).any().template item<bool>();
  EMBER_CHECK(!bad, "Function '", node->name(), "' returned nan or inf values in its ", i,
              "th output (anomaly mode is on)");
}

}  // namespace

void set_detect_anomaly(bool enabled) { g_anomaly = enabled; }
bool is_anomaly_enabled() { return g_anomaly; }

namespace detail {

Edge gradient_edge(const Tensor& t) {
  TensorImpl* impl = t.unsafe_impl();
  AutogradMeta& am = impl->autograd_mut();
  if (am.grad_fn) return Edge{am.grad_fn, am.output_nr};
  auto acc = am.grad_accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t);
    am.grad_accumulator = acc;
  }
  return Edge{acc, 0};
}

}  // namespace detail

namespace {

struct GraphTask {
  uint64_t id = g_run_id.fetch_add(1);
  // autograd::grad: gradients captured at (node, input_nr) instead of run
  std::unordered_map<Node*, std::vector<std::pair<uint32_t, size_t>>> captures;
  tensor_list captured;
  bool accumulate = true;
  std::unordered_set<Node*> allowed_leaves;  // backward(inputs=...)
};

// Per-node scratch valid for this run only: reset on first touch.
void touch(GraphTask& task, Node* n) {
  uint64_t& id = EngineAccess::run_id(n);
  if (id != task.id) {
    id = task.id;
    EngineAccess::deps(n) = 0;
    EngineAccess::buffer(n).clear();
  }
}

void add_to_buffer(GraphTask& task, Node* fn, uint32_t nr, Tensor g) {
  touch(task, fn);
  auto& buf = EngineAccess::buffer(fn);
  if (buf.size() < fn->num_outputs()) buf.resize(std::max<uint32_t>(fn->num_outputs(), nr + 1));
  if (buf.size() <= nr) buf.resize(nr + 1);
  if (!buf[nr].defined()) buf[nr] = std::move(g);
  else buf[nr] = buf[nr] + g;
}

void run_engine(const std::vector<Edge>& roots, tensor_list root_grads, bool keep_graph, bool create_graph,
                GraphTask& task) {
  // 1. dependency counts over the reachable graph (iterative DFS)
  std::vector<Node*> stack;
  for (auto& r : roots) {
    Node* n = r.function.get();
    if (n && EngineAccess::run_id(n) != task.id) {
      touch(task, n);
      stack.push_back(n);
    }
  }
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (auto& e : n->next_edges()) {
      Node* c = e.function.get();
      if (!c) continue;
      bool fresh = EngineAccess::run_id(c) != task.id;
      touch(task, c);
      EngineAccess::deps(c)++;
      if (fresh) stack.push_back(c);
    }
  }
  // 2. seed the roots
  std::vector<std::shared_ptr<Node>> ready;
  for (size_t i = 0; i < roots.size(); ++i) {
    if (!roots[i].function) continue;
    add_to_buffer(task, roots[i].function.get(), roots[i].input_nr, root_grads[i]);
  }
  for (auto& r : roots)
    if (r.function && EngineAccess::deps(r.function.get()) == 0 &&
        std::find(ready.begin(), ready.end(), r.function) == ready.end())
      ready.push_back(r.function);

  // 3. run nodes whose inputs are complete, highest sequence number first
  // among the ready ones, as torch does
  auto later = [](const std::shared_ptr<Node>& a, const std::shared_ptr<Node>& b) {
    return a->sequence_nr() < b->sequence_nr();
  };
  std::make_heap(ready.begin(), ready.end(), later);
  while (!ready.empty()) {
    std::pop_heap(ready.begin(), ready.end(), later);
    std::shared_ptr<Node> node = std::move(ready.back());
    ready.pop_back();
    Node* n = node.get();
    tensor_list grads = std::move(EngineAccess::buffer(n));
    EngineAccess::buffer(n).clear();
    grads.resize(std::max<size_t>(grads.size(), n->num_outputs()));
    for (auto& h : n->pre_hooks()) {
      if (h.output_nr < grads.size() && grads[h.output_nr].defined()) {
        Tensor r = h.fn(grads[h.output_nr]);
        if (r.defined()) grads[h.output_nr] = r;
      }
    }
    if (!task.captures.empty()) {
      auto cit = task.captures.find(n);
      if (cit != task.captures.end())
        for (auto& c : cit->second)
          if (c.first < grads.size()) task.captured[c.second] = grads[c.first];
    }
    bool is_acc = EngineAccess::is_accumulator(n);
    tensor_list outs;
    if (!(is_acc && (!task.accumulate || (!task.allowed_leaves.empty() && !task.allowed_leaves.count(n))))) {
      // zero-fill gradients of outputs that got none (multi-output ops)
      if (n->num_outputs() > 1) {
        auto& om = n->output_meta();
        for (size_t i = 0; i < grads.size() && i < om.size(); ++i)
          if (!grads[i].defined() && is_floating_point(om[i].dtype))
            grads[i] = zeros(om[i].sizes, TensorOptions().dtype(om[i].dtype).device(om[i].device));
      }
      bool any = false;
      for (auto& g : grads) any = any || g.defined();
      if (any) {
        Node* prev = detail::current_node();
        detail::current_node() = n;
        try {
          outs = n->apply(std::move(grads));
        } catch (...) {
          detail::current_node() = prev;
          throw;
        }
        detail::current_node() = prev;
      }
    }
    if (!keep_graph) n->release_variables();
    auto& edges = n->next_edges();
    EMBER_CHECK(outs.empty() || outs.size() == edges.size(), "backward: function ", n->name(), " returned ",
                outs.size(), " gradients but expected ", edges.size());
    for (size_t i = 0; i < edges.size(); ++i) {
      const Edge& e = edges[i];
      if (!e.function) continue;
      if (i < outs.size() && outs[i].defined()) {
        Tensor g = fit_gradient(std::move(outs[i]), n->input_meta()[i], n, i);
        if (g_anomaly) check_anomaly(g, n, i);
        add_to_buffer(task, e.function.get(), e.input_nr, std::move(g));
      }
      if (--EngineAccess::deps(e.function.get()) == 0) {
        ready.push_back(e.function);
        std::push_heap(ready.begin(), ready.end(), later);
      }
    }
  }
  (void)create_graph;
}

Tensor default_root_grad(const Tensor& t, const char* api) {
  EMBER_CHECK(t.requires_grad(), "element 0 of tensors does not require grad and does not have a grad_fn (", api, ")");
  EMBER_CHECK(t.numel() == 1, api, ": grad can be implicitly created only for scalar outputs; got a tensor of shape ",
              t.sizes(), " (pass a gradient)");
  return ones_like(t);
}

}  // namespace

void backward(const tensor_list& tensors, const tensor_list& grad_tensors, std::optional<bool> retain_graph,
              bool create_graph, const tensor_list& inputs) {
  bool keep = retain_graph.value_or(create_graph);
  std::vector<Edge> roots;
  tensor_list grads;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    EMBER_CHECK(t.defined(), "backward: got an undefined tensor");
    EMBER_CHECK(t.requires_grad(), "element ", i, " of tensors does not require grad and does not have a grad_fn");
    Tensor g = i < grad_tensors.size() && grad_tensors[i].defined() ? grad_tensors[i] : default_root_grad(t, "backward");
    EMBER_CHECK(g.sizes().equals(t.sizes()), "backward: gradient has shape ", g.sizes(), " but the tensor has shape ",
                t.sizes());
    roots.push_back(detail::gradient_edge(t));
    grads.push_back(g);
  }
  GraphTask task;
  for (auto& x : inputs) {
    EMBER_CHECK(x.requires_grad(), "backward: one of the inputs does not require grad");
    task.allowed_leaves.insert(detail::gradient_edge(x).function.get());
  }
  bool prev = is_grad_enabled();
  set_grad_enabled(create_graph);
  try {
    run_engine(roots, grads, keep, create_graph, task);
  } catch (...) {
    set_grad_enabled(prev);
    throw;
  }
  set_grad_enabled(prev);
}

tensor_list grad(const tensor_list& outputs, const tensor_list& inputs, const tensor_list& grad_outputs,
                 std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
  bool keep = retain_graph.value_or(create_graph);
  std::vector<Edge> roots;
  tensor_list grads;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& t = outputs[i];
    EMBER_CHECK(t.defined() && t.requires_grad(), "grad: element ", i,
                " of outputs does not require grad and does not have a grad_fn");
    Tensor g = i < grad_outputs.size() && grad_outputs[i].defined() ? grad_outputs[i] : default_root_grad(t, "grad");
    roots.push_back(detail::gradient_edge(t));
    grads.push_back(g);
  }
  GraphTask task;
  task.accumulate = false;
  task.captured.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    EMBER_CHECK(inputs[i].defined() && inputs[i].requires_grad(), "grad: input ", i, " does not require grad");
    Edge e = detail::gradient_edge(inputs[i]);
    task.captures[e.function.get()].push_back({e.input_nr, i});
  }
  bool prev = is_grad_enabled();
  set_grad_enabled(create_graph);
  try {
    run_engine(roots, grads, keep, create_graph, task);
  } catch (...) {
    set_grad_enabled(prev);
    throw;
  }
  set_grad_enabled(prev);
  for (size_t i = 0; i < inputs.size(); ++i) {
    EMBER_CHECK(task.captured[i].defined() || allow_unused, "grad: one of the differentiated tensors (input ", i,
                ", shape ", inputs[i].sizes(),
                ") appears to not have been used in the graph. Set allow_unused=true if this is the desired behavior.");
    if (task.captured[i].defined() && !create_graph) task.captured[i] = task.captured[i].detach();
  }
  return task.captured;
}

}  // namespace autograd
}  // namespace ember
