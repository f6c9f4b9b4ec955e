// gradcheck: the Jacobian from autograd (one backward per output element)
// against central finite differences, in float64.
#include <cmath>

#include "autograd/graph.h"
#include "ember/ops.h"

namespace ember {
namespace autograd {

namespace {
// Perturbs the real memory behind x (never an expanded view).
double* element(const Tensor& x, int64_t flat) {
  int64_t off = 0, rem = flat;
  for (int64_t d = x.dim() - 1; d >= 0; --d) {
    off += (rem % x.size(d)) * x.stride(d);
    rem /= x.size(d);
  }
  return static_cast<double*>(x.data_ptr()) + off;
}
}  // namespace

bool gradcheck(const std::function<Tensor(const tensor_list&)>& fn, const tensor_list& inputs, double eps,
               double atol, double rtol, bool raise) {
  for (auto& x : inputs)
    if (x.defined() && x.requires_grad())
      EMBER_CHECK(x.dtype() == kFloat64, "gradcheck: inputs that require grad must be float64, got ", x.dtype());
  Tensor out = fn(inputs);
  EMBER_CHECK(out.defined(), "gradcheck: the function returned an undefined tensor");
  int64_t nout = out.numel();
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Tensor& x = inputs[k];
    if (!x.defined() || !x.requires_grad()) continue;
    int64_t nin = x.numel();
    // analytical: row j of the Jacobian from backward of output element j
    std::vector<double> analytic(size_t(nin * nout), 0.0);
    for (int64_t j = 0; j < nout; ++j) {
      Tensor o = fn(inputs);
      Tensor g = zeros_like(o).contiguous();
      static_cast<char*>(g.data_ptr())[0] = 0;
      {
        NoGradGuard ng;
        g.view({-1}).select(0, j).fill_(1);
      }
      if (!o.requires_grad()) break;  // constant function: zero Jacobian
      auto grads = autograd::grad({o}, {x}, {g}, std::nullopt, false, true);
      if (!grads[0].defined()) continue;
      Tensor gc = grads[0].to(kFloat64).contiguous();
      const double* p = gc.data_ptr<double>();
      for (int64_t i = 0; i < nin; ++i) analytic[size_t(i * nout + j)] = p[i];
    }
    // numerical
    NoGradGuard ng;
    for (int64_t i = 0; i < nin; ++i) {
      double* xi = element(x, i);
      double orig = *xi;
      *xi = orig + eps;
      Tensor plus = fn(inputs).to(kFloat64).clone().contiguous();  // a view would alias x
      *xi = orig - eps;
      Tensor minus = fn(inputs).to(kFloat64).clone().contiguous();
      *xi = orig;
      const double* pp = plus.data_ptr<double>();
      const double* pm = minus.data_ptr<double>();
      for (int64_t j = 0; j < nout; ++j) {
        double num = (pp[j] - pm[j]) / (2 * eps);
        double ana = analytic[size_t(i * nout + j)];
        if (!(std::fabs(num - ana) <= atol + rtol * std::fabs(num))) {
          if (!raise) return false;
          throw RuntimeError(ember::detail::str("gradcheck: Jacobian mismatch for output ", j, " with respect to input ", k,
                                         " element ", i, ": numerical ", num, ", analytical ", ana,
                                         " (tolerance ", atol, " + ", rtol, " * |numerical|)"));
        }
      }
    }
  }
  return true;
}

bool gradgradcheck(const std::function<Tensor(const tensor_list&)>& fn, const tensor_list& inputs, double eps,
                   double atol, double rtol, bool raise) {
  // f'(x) . v for a fixed random v, differentiated again
  Tensor out = fn(inputs);
  Generator gen(7);
  Tensor v = randn(out.sizes(), gen, kFloat64);
  auto first = [&](const tensor_list& in) {
    // the numerical pass runs under no_grad; the first derivative needs a graph
    bool outer = is_grad_enabled();
    EnableGradGuard eg;
    Tensor o = fn(in);
    tensor_list diff;
    for (auto& x : in)
      if (x.defined() && x.requires_grad()) diff.push_back(x);
    auto g = autograd::grad({o}, diff, {v}, true, outer, true);
    Tensor acc;
    for (auto& gi : g) {
      if (!gi.defined()) continue;
      Tensor s = gi.reshape({-1});
      acc = acc.defined() ? cat({acc, s}) : s;
    }
    return acc.defined() ? acc : zeros({1}, kFloat64);
  };
  return gradcheck(first, inputs, eps, atol, rtol, raise);
}

// ---------------- custom functions ----------------
void AutogradContext::save_for_backward(const tensor_list& tensors) {
  saved_ = tensors;
  saved_versions_.clear();
  for (auto& t : tensors) saved_versions_.push_back(t.defined() ? t._version() : 0);
}
tensor_list AutogradContext::get_saved_variables() const {
  EMBER_CHECK(!released_, "backward: trying to backward through the graph a second time (saved tensors of a custom "
              "Function were freed). Specify retain_graph=true.");
  for (size_t i = 0; i < saved_.size(); ++i)
    if (saved_[i].defined())
      EMBER_CHECK(saved_[i]._version() == saved_versions_[i], "backward: a tensor saved by a custom Function (shape ",
                  saved_[i].sizes(), ", ", saved_[i].dtype(), ") was modified in place after it was saved (version ",
                  saved_versions_[i], ", now ", saved_[i]._version(), ")");
  return saved_;
}
void AutogradContext::mark_non_differentiable(const tensor_list& outputs) { non_differentiable_ = outputs; }

struct CustomNodeAccess {
  static tensor_list& non_diff(AutogradContext& c) { return c.non_differentiable_; }
  static void release(AutogradContext& c) {
    c.saved_.clear();
    c.released_ = true;
  }
};

namespace {
class CustomNode final : public Node {
 public:
  CustomNode(std::string name, std::shared_ptr<AutogradContext> ctx, detail::CustomBackward fn)
      : name_(std::move(name)), ctx_(std::move(ctx)), fn_(std::move(fn)) {}
  std::string name() const override { return name_; }
  tensor_list apply(tensor_list&& grads) override {
    tensor_list r = fn_(ctx_.get(), std::move(grads));
    EMBER_CHECK(r.size() >= next_edges_.size(), "function ", name_, " returned an incorrect number of gradients (expected ",
                next_edges_.size(), ", got ", r.size(), ")");
    r.resize(next_edges_.size());
    return r;
  }
  void release_variables() override { CustomNodeAccess::release(*ctx_); }

 private:
  std::string name_;
  std::shared_ptr<AutogradContext> ctx_;
  detail::CustomBackward fn_;
};
}  // namespace

namespace detail {
void record_custom(const std::string& name, const tensor_list& inputs, tensor_list& outputs,
                   std::shared_ptr<AutogradContext> ctx, CustomBackward backward) {
  // outputs that alias inputs are returned as views so history stays apart
  for (auto& o : outputs)
    for (auto& i : inputs)
      if (o.defined() && o.is_same(i)) o = o.detach();
  if (!any_requires_grad(inputs)) return;
  auto& nd = CustomNodeAccess::non_diff(*ctx);
  tensor_list diff_outputs;
  std::string n = name;
  // typeid names are mangled; keep the trailing identifier
  size_t k = n.size();
  while (k > 0 && (std::isalnum(static_cast<unsigned char>(n[k - 1])) || n[k - 1] == '_')) --k;
  n = n.substr(k);
  while (!n.empty() && std::isdigit(static_cast<unsigned char>(n[0]))) n.erase(0, 1);
  auto node = std::make_shared<CustomNode>(n + "Backward", ctx, std::move(backward));
  tensor_list outs_copy = outputs;
  for (auto& o : outs_copy)
    for (auto& m : nd)
      if (o.is_same(m)) o = Tensor();
  connect(node, inputs.data(), inputs.size(), outs_copy.data(), outs_copy.size());
  for (size_t i = 0; i < outputs.size(); ++i)
    if (!outs_copy[i].defined()) continue;
}
}  // namespace detail

}  // namespace autograd
}  // namespace ember
