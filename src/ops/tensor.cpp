// Tensor's methods: metadata, conversion, copies, autograd accessors, and
// the method forms of the free functions.
#include <cstring>

#include "ops/ops_common.h"

namespace ember {

using detail::impl;

// ---------------- metadata ----------------
#define EMBER_IMPL_CHECK() EMBER_CHECK(impl_ != nullptr, "tensor is undefined")
IntArrayRef Tensor::sizes() const { EMBER_IMPL_CHECK(); return impl_->sizes(); }
IntArrayRef Tensor::strides() const { EMBER_IMPL_CHECK(); return impl_->strides(); }
// size(d) and stride(d) run in every op's shape logic: an in-range dim
// returns before the checks that name the error.
int64_t Tensor::size(int64_t d) const {
  EMBER_IMPL_CHECK();
  const int64_t n = impl_->dim();
  if (d >= -n && d < n) return impl_->sizes()[size_t(d < 0 ? d + n : d)];
  EMBER_CHECK_INDEX(impl_->dim() > 0, "size: dimension specified as ", d, " but tensor has no dimensions");
  return impl_->sizes()[detail::wrap_dim(d, impl_->dim(), "size")];
}
int64_t Tensor::stride(int64_t d) const {
  EMBER_IMPL_CHECK();
  const int64_t n = impl_->dim();
  if (d >= -n && d < n) return impl_->strides()[size_t(d < 0 ? d + n : d)];
  EMBER_CHECK_INDEX(impl_->dim() > 0, "stride: dimension specified as ", d, " but tensor has no dimensions");
  return impl_->strides()[detail::wrap_dim(d, impl_->dim(), "stride")];
}
int64_t Tensor::dim() const { EMBER_IMPL_CHECK(); return impl_->dim(); }
int64_t Tensor::numel() const { EMBER_IMPL_CHECK(); return impl_->numel(); }
int64_t Tensor::storage_offset() const { EMBER_IMPL_CHECK(); return impl_->offset(); }
ScalarType Tensor::dtype() const { EMBER_IMPL_CHECK(); return impl_->dtype(); }
Device Tensor::device() const { EMBER_IMPL_CHECK(); return impl_->device(); }
TensorOptions Tensor::options() const { return TensorOptions().dtype(dtype()).device(device()); }
bool Tensor::is_contiguous() const { EMBER_IMPL_CHECK(); return impl_->is_contiguous(); }
void* Tensor::data_ptr() const { EMBER_IMPL_CHECK(); return impl_->data(); }
uint32_t Tensor::_version() const { EMBER_IMPL_CHECK(); return impl_->storage()->version; }
void Tensor::_increment_version() const { EMBER_IMPL_CHECK(); impl_->storage()->version++; }
bool Tensor::is_alias_of(const Tensor& o) const {
  return defined() && o.defined() && impl_->storage() == o.impl_->storage();
}

template <typename T>
T* Tensor::data_ptr() const {
  EMBER_IMPL_CHECK();
  EMBER_CHECK_TYPE(dtype() == CppTypeToScalarType<T>::value, "data_ptr: expected scalar type ",
                   CppTypeToScalarType<T>::value, " but found ", dtype());
  return static_cast<T*>(impl_->data());
}
#define EMBER_INST(T) template EMBER_API T* Tensor::data_ptr<T>() const;
EMBER_INST(float) EMBER_INST(double) EMBER_INST(Half) EMBER_INST(BFloat16) EMBER_INST(bool)
EMBER_INST(uint8_t) EMBER_INST(int8_t) EMBER_INST(int16_t) EMBER_INST(int32_t) EMBER_INST(int64_t)
#undef EMBER_INST

// ---------------- conversion and copies ----------------
Scalar Tensor::item() const {
  EMBER_IMPL_CHECK();
  EMBER_CHECK(numel() == 1, "a Tensor with ", numel(), " elements cannot be converted to Scalar");
  Tensor c = is_cpu() ? *this : cpu();
  Scalar s;
  dispatch_types<AllTypes>(dtype(), "item", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    T v;
    std::memcpy(&v, c.data_ptr(), sizeof(T));
    if constexpr (std::is_same<T, Half>::value || std::is_same<T, BFloat16>::value) s = Scalar(double(float(v)));
    else s = Scalar(v);
  });
  return s;
}

Tensor Tensor::to(const TensorOptions& o, bool non_blocking, bool copy) const {
  EMBER_IMPL_CHECK();
  ScalarType t = o.dtype_opt().value_or(dtype());
  Device d = o.device();
  if (t == dtype() && d == device() && !copy) return *this;
  Tensor out;
  if (d == device() || (d.is_cpu() && is_cpu())) {
    out = detail::make_tensor(sizes(), t, device());
    // keep a non-overlapping dense layout (e.g. transposed) as torch does
    if (!is_contiguous()) {
      out = empty_like(*this, TensorOptions().dtype(t));
    }
    out.copy_(*this);
  } else {
    out = detail::make_tensor(sizes(), t, d);
    out.copy_(*this);
  }
  return autograd::record("to", {*this}, out, [src = dtype()](const Tensor& grad) {
    return tensor_list{grad};  // the engine casts back to the input dtype
  });
}
Tensor Tensor::to(ScalarType t, bool nb, bool copy) const { return to(TensorOptions().dtype(t).device(device()), nb, copy); }
Tensor Tensor::to(Device d, bool nb, bool copy) const { return to(TensorOptions().dtype(dtype()).device(d), nb, copy); }
Tensor Tensor::to(Device d, ScalarType t, bool nb, bool copy) const {
  return to(TensorOptions().dtype(t).device(d), nb, copy);
}
Tensor Tensor::float_() const { return to(kFloat); }

Tensor Tensor::clone() const {
  EMBER_IMPL_CHECK();
  Tensor out = empty_like(*this);
  {
    NoGradGuard ng;
    out.copy_(*this);
  }
  return autograd::record("clone", {*this}, out, [](const Tensor& grad) { return tensor_list{grad}; });
}

Tensor Tensor::contiguous() const {
  EMBER_IMPL_CHECK();
  if (is_contiguous()) return *this;
  Tensor out = detail::make_tensor(sizes(), dtype(), device());
  {
    NoGradGuard ng;
    out.copy_(*this);
  }
  return autograd::record("clone", {*this}, out, [](const Tensor& grad) { return tensor_list{grad}; });
}

Tensor& Tensor::copy_(const Tensor& src, bool non_blocking) {
  EMBER_IMPL_CHECK();
  EMBER_CHECK(src.defined(), "copy_: source tensor is undefined");
  auto* self_meta = impl_->autograd();
  bool view_of_grad = self_meta && self_meta->view_base && self_meta->view_base->requires_grad();
  if (is_grad_enabled() && (requires_grad() || src.requires_grad() || view_of_grad)) {
    detail::check_inplace(*this, "copy_");
    Tensor value;
    {
      NoGradGuard ng;
      value = src.to(dtype()).expand(sizes()).clone();
    }
    // the engine sums the gradient back to src's shape and casts its dtype
    Tensor r = autograd::record("copy_", {src}, value, [](const Tensor& grad) { return tensor_list{grad}; });
    detail::rebase_history(*this, r, "copy_");
    return *this;
  }
  Tensor s = src;
  if (!s.sizes().equals(sizes())) {
    try {
      s = s.expand(sizes());
    } catch (const Error&) {
      throw RuntimeError(detail::str("copy_: the size of the source ", src.sizes(),
                                     " must be broadcastable to the destination ", sizes()));
    }
  }
  if (numel() == 0) return *this;
  if (device() != s.device()) {
    // cross-device: through contiguous staging buffers
    auto& hooks = detail::device_hooks(device().is_cpu() ? s.device().type() : device().type());
    EMBER_CHECK(hooks.copy_bytes != nullptr, "copy_: no backend can copy from ", s.device(), " to ", device());
    Tensor sc = s.contiguous();
    Tensor staged = dtype() == sc.dtype() && is_contiguous() ? *this : detail::make_tensor(sizes(), sc.dtype(), device());
    hooks.copy_bytes(staged.data_ptr(), device(), sc.data_ptr(), sc.device(), sc.nbytes());
    if (!staged.is_same(*this)) copy_(staged);
  } else if (dtype() == s.dtype() && is_contiguous() && s.is_contiguous() && device().is_cpu()) {
    if (data_ptr() != s.data_ptr()) std::memmove(data_ptr(), s.data_ptr(), nbytes());
  } else {
    detail::launch_elementwise(OpId::copy, "copy_", device(), {*this, s});
  }
  detail::bump_version(*this);
  return *this;
}

Tensor& Tensor::fill_(const Scalar& value) {
  EMBER_IMPL_CHECK();
  detail::check_inplace(*this, "fill_");
  auto* am = impl_->autograd();
  bool history = is_grad_enabled() && am && (am->grad_fn || (am->view_base && am->view_base->requires_grad()));
  if (history) {
    // the filled region no longer depends on anything: copy a constant in,
    // which rewrites this tensor's (or its base's) history
    Tensor constant = detail::scalar_tensor(value, dtype(), device()).expand(sizes());
    return copy_(constant);
  }
  if (numel() > 0) {
    double p[3] = {value.to_double(), double(value.to_long()), value.is_floating_point() ? 1.0 : 0.0};
    bool set[3] = {true, true, true};
    detail::launch_elementwise(OpId::fill, "fill_", device(), {*this}, p, set);
  }
  detail::bump_version(*this);
  return *this;
}
Tensor& Tensor::fill_(const Tensor& value) {
  EMBER_CHECK(value.dim() == 0, "fill_ only supports 0-dimension value tensor but got tensor with ", value.dim(),
              " dimensions.");
  return fill_(value.item());
}
Tensor& Tensor::zero_() { return fill_(0); }

std::string Tensor::toString() const {
  std::ostringstream ss;
  ss << *this;
  return ss.str();
}

// ---------------- autograd ----------------
bool Tensor::requires_grad() const { return impl_ && impl_->requires_grad(); }
Tensor& Tensor::requires_grad_(bool r) {
  EMBER_IMPL_CHECK();
  auto* am = impl_->autograd();
  if (am && am->grad_fn) {
    EMBER_CHECK(r, "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                   "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    return *this;
  }
  EMBER_CHECK(!r || is_floating_point(), "only Tensors of floating point dtype can require gradients (got ",
              dtype(), ")");
  if (r || am) impl_->autograd_mut().requires_grad = r;
  return *this;
}
Tensor& Tensor::mutable_grad() const {
  EMBER_IMPL_CHECK();
  return impl_->autograd_mut().grad;
}
const Tensor& Tensor::grad() const {
  static const Tensor undefined;
  if (!impl_ || !impl_->autograd()) return undefined;
  return impl_->autograd()->grad;
}
void Tensor::set_grad(const Tensor& g) const {
  EMBER_IMPL_CHECK();
  if (g.defined()) {
    EMBER_CHECK(g.sizes().equals(sizes()), "assigned grad has data of a different size: ", g.sizes(), " vs ", sizes());
    EMBER_CHECK(g.dtype() == dtype(), "assigned grad has data of a different type: ", g.dtype(), " vs ", dtype());
  }
  impl_->autograd_mut().grad = g;
}
std::shared_ptr<autograd::Node> Tensor::grad_fn() const {
  if (!impl_ || !impl_->autograd()) return nullptr;
  return impl_->autograd()->grad_fn;
}
bool Tensor::is_leaf() const { return grad_fn() == nullptr; }
int64_t Tensor::output_nr() const { return impl_ && impl_->autograd() ? impl_->autograd()->output_nr : 0; }
void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph) const {
  autograd::backward({*this}, {gradient}, retain_graph, create_graph);
}
Tensor Tensor::detach() const {
  EMBER_IMPL_CHECK();
  return detail::make_view(*this, sizes(), strides(), storage_offset());
}
void Tensor::set_data(const Tensor& new_data) const {
  EMBER_IMPL_CHECK();
  EMBER_CHECK(new_data.defined(), "set_data: new data is undefined");
  impl_->set_data_from(*new_data.unsafe_impl());
}

Tensor& Tensor::detach_() {
  EMBER_IMPL_CHECK();
  if (auto* am = impl_->autograd()) {
    am->grad_fn.reset();
    am->requires_grad = false;
  }
  return *this;
}
void Tensor::retain_grad() const {
  EMBER_IMPL_CHECK();
  EMBER_CHECK(requires_grad(), "can't retain_grad on Tensor that has requires_grad=False");
  auto& am = impl_->autograd_mut();
  if (!am.grad_fn || am.retains_grad) return;
  am.retains_grad = true;
  std::weak_ptr<TensorImpl> weak = impl_;
  am.grad_fn->pre_hooks().push_back({am.output_nr, ~0u, [weak](const Tensor& g) {
                                       if (auto t = weak.lock()) {
                                         auto& m = t->autograd_mut();
                                         if (!m.grad.defined()) m.grad = is_grad_enabled() ? g : g.detach().clone();
                                         else m.grad = is_grad_enabled() ? m.grad + g : (m.grad + g).detach();
                                       }
                                       return Tensor();
                                     }});
}
bool Tensor::retains_grad() const { return impl_ && impl_->autograd() && impl_->autograd()->retains_grad; }
unsigned Tensor::register_hook(std::function<Tensor(const Tensor&)> fn) const {
  EMBER_IMPL_CHECK();
  EMBER_CHECK(requires_grad(), "cannot register a hook on a tensor that doesn't require gradient");
  auto& am = impl_->autograd_mut();
  unsigned id = am.next_hook_id++;
  if (am.grad_fn) am.grad_fn->pre_hooks().push_back({am.output_nr, id, std::move(fn)});
  else am.hooks.emplace_back(id, std::move(fn));
  return id;
}
void Tensor::remove_hook(unsigned id) const {
  EMBER_IMPL_CHECK();
  auto& am = impl_->autograd_mut();
  if (am.grad_fn) {
    auto& v = am.grad_fn->pre_hooks();
    for (size_t i = 0; i < v.size(); ++i)
      if (v[i].id == id && v[i].output_nr == am.output_nr) {
        v.erase(v.begin() + i);
        return;
      }
  }
  for (size_t i = 0; i < am.hooks.size(); ++i)
    if (am.hooks[i].first == id) {
      am.hooks.erase(am.hooks.begin() + i);
      return;
    }
}

namespace detail {
void check_inplace(const Tensor& self, const char* op) {
  if (!is_grad_enabled()) return;
  auto* am = self.unsafe_impl()->autograd();
  EMBER_CHECK(!(am && am->requires_grad && !am->grad_fn), op,
              ": a leaf Variable that requires grad is being used in an in-place operation.");
}

// Note [In-place ops on views]
// Writing into a view changes its base. The base's history becomes a
// "copy slices" node: the gradient of the region the view covers flows to
// the op's result, the rest to the base's old history. The view itself is
// then an as_strided view of the base's new history.
void rebase_history(Tensor& self, const Tensor& result, const char* op) {
  auto* am = self.unsafe_impl()->autograd();
  std::shared_ptr<TensorImpl> base_impl = am ? am->view_base : nullptr;
  {
    NoGradGuard ng;
    Tensor r = result.dtype() == self.dtype() ? result : result.to(self.dtype());
    self.copy_(r);
  }
  if (!base_impl) {
    auto& m = self.unsafe_impl()->autograd_mut();
    auto* rm = result.unsafe_impl()->autograd();
    m.grad_fn = rm ? rm->grad_fn : nullptr;
    m.output_nr = rm ? rm->output_nr : 0;
    return;
  }
  Tensor base(base_impl);
  check_inplace(base, op);
  Shape vsizes(self.sizes()), vstrides(self.strides()), bsizes(base.sizes()), bstrides(base.strides());
  int64_t voff = self.storage_offset() - base.storage_offset();
  // grad laid out like the base, so the view's geometry addresses it
  auto like_base = [bsizes, bstrides](const Tensor& g) {
    Tensor gb = empty_strided(bsizes, bstrides, TensorOptions().dtype(g.dtype()).device(g.device()));
    NoGradGuard ng;
    gb.copy_(g);
    return gb;
  };
  auto region = [vsizes, vstrides, voff](const Tensor& gb) { return make_view(gb, vsizes, vstrides, voff); };
  Tensor new_base = autograd::record(
      "CopySlices", {base, result}, base.detach(),
      [like_base, region](const Tensor& grad, const autograd::GradMask& m) {
        Tensor gb = like_base(grad);
        Tensor g_result = m[1] ? region(gb).clone() : Tensor();
        if (m[0]) {
          NoGradGuard ng;
          region(gb).zero_();
        }
        return tensor_list{m[0] ? gb : Tensor(), g_result};
      });
  auto& bm = base_impl->autograd_mut();
  auto* nm = new_base.unsafe_impl()->autograd();
  bm.grad_fn = nm ? nm->grad_fn : nullptr;
  bm.output_nr = 0;
  // the view now reads its history from the base
  Tensor v = autograd::record("as_strided", {base}, self.detach(),
                              [bsizes, region, like_base](const Tensor& grad) {
                                Tensor z = zeros(bsizes, grad.options());
                                Tensor gz = like_base(z);
                                {
                                  NoGradGuard ng;
                                  region(gz).copy_(grad);
                                }
                                return tensor_list{gz};
                              });
  auto& m = self.unsafe_impl()->autograd_mut();
  auto* vm = v.unsafe_impl()->autograd();
  m.grad_fn = vm ? vm->grad_fn : nullptr;
  m.output_nr = 0;
}
}  // namespace detail

// ---------------- method forms ----------------
Tensor Tensor::add(const Tensor& o, const Scalar& a) const { return ember::add(*this, o, a); }
Tensor Tensor::add(const Scalar& o, const Scalar& a) const { return ember::add(*this, o, a); }
Tensor Tensor::sub(const Tensor& o, const Scalar& a) const { return ember::sub(*this, o, a); }
Tensor Tensor::sub(const Scalar& o, const Scalar& a) const { return ember::sub(*this, o, a); }
Tensor Tensor::mul(const Tensor& o) const { return ember::mul(*this, o); }
Tensor Tensor::mul(const Scalar& o) const { return ember::mul(*this, o); }
Tensor Tensor::div(const Tensor& o) const { return ember::div(*this, o); }
Tensor Tensor::div(const Scalar& o) const { return ember::div(*this, o); }
Tensor Tensor::pow(const Tensor& e) const { return ember::pow(*this, e); }
Tensor Tensor::pow(const Scalar& e) const { return ember::pow(*this, e); }

#define EMBER_UNARY_METHOD(name) \
  Tensor Tensor::name() const { return ember::name(*this); }
EMBER_UNARY_METHOD(neg) EMBER_UNARY_METHOD(abs) EMBER_UNARY_METHOD(exp) EMBER_UNARY_METHOD(log)
EMBER_UNARY_METHOD(sqrt) EMBER_UNARY_METHOD(rsqrt) EMBER_UNARY_METHOD(square) EMBER_UNARY_METHOD(sin)
EMBER_UNARY_METHOD(cos) EMBER_UNARY_METHOD(tanh) EMBER_UNARY_METHOD(sigmoid) EMBER_UNARY_METHOD(relu)
EMBER_UNARY_METHOD(sign) EMBER_UNARY_METHOD(floor) EMBER_UNARY_METHOD(ceil) EMBER_UNARY_METHOD(reciprocal)
EMBER_UNARY_METHOD(logical_not) EMBER_UNARY_METHOD(isnan)
#undef EMBER_UNARY_METHOD
Tensor Tensor::round() const { return ember::round(*this); }
Tensor Tensor::clamp(std::optional<Scalar> lo, std::optional<Scalar> hi) const { return ember::clamp(*this, lo, hi); }
Tensor Tensor::clamp_min(const Scalar& lo) const { return ember::clamp_min(*this, lo); }
Tensor Tensor::clamp_max(const Scalar& hi) const { return ember::clamp_max(*this, hi); }
Tensor Tensor::maximum(const Tensor& o) const { return ember::maximum(*this, o); }
Tensor Tensor::minimum(const Tensor& o) const { return ember::minimum(*this, o); }
#define EMBER_CMP_METHOD(name)                                                  \
  Tensor Tensor::name(const Tensor& o) const { return ember::name(*this, o); } \
  Tensor Tensor::name(const Scalar& o) const { return ember::name(*this, o); }
EMBER_CMP_METHOD(eq) EMBER_CMP_METHOD(ne) EMBER_CMP_METHOD(lt) EMBER_CMP_METHOD(le) EMBER_CMP_METHOD(gt)
EMBER_CMP_METHOD(ge)
#undef EMBER_CMP_METHOD
Tensor Tensor::where(const Tensor& c, const Tensor& o) const { return ember::where(c, *this, o); }
Tensor Tensor::lerp(const Tensor& e, const Scalar& w) const { return ember::lerp(*this, e, w); }
bool Tensor::allclose(const Tensor& o, double r, double a, bool n) const { return ember::allclose(*this, o, r, a, n); }
bool Tensor::equal(const Tensor& o) const { return ember::equal(*this, o); }

// Unary in-place ops: out of place, then written back (see Note [In-place
// ops under autograd]).
namespace {
Tensor& assign_inplace(Tensor& self, const char* name, const std::function<Tensor(const Tensor&)>& f) {
  detail::check_inplace(self, name);
  if (is_grad_enabled() && self.requires_grad()) {
    Tensor r = f(self.clone());
    detail::rebase_history(self, r, name);
    return self;
  }
  Tensor r = f(self);
  EMBER_CHECK(detail::can_cast(r.dtype(), self.dtype()), name, ": result type ", r.dtype(),
              " can't be cast to the desired output type ", self.dtype());
  self.copy_(r);
  return self;
}
}  // namespace
Tensor& Tensor::relu_() { return assign_inplace(*this, "relu_", [](const Tensor& s) { return ember::relu(s); }); }
Tensor& Tensor::neg_() { return assign_inplace(*this, "neg_", [](const Tensor& s) { return ember::neg(s); }); }
Tensor& Tensor::exp_() { return assign_inplace(*this, "exp_", [](const Tensor& s) { return ember::exp(s); }); }
Tensor& Tensor::sqrt_() { return assign_inplace(*this, "sqrt_", [](const Tensor& s) { return ember::sqrt(s); }); }
Tensor& Tensor::sigmoid_() {
  return assign_inplace(*this, "sigmoid_", [](const Tensor& s) { return ember::sigmoid(s); });
}
Tensor& Tensor::tanh_() { return assign_inplace(*this, "tanh_", [](const Tensor& s) { return ember::tanh(s); }); }
Tensor& Tensor::abs_() { return assign_inplace(*this, "abs_", [](const Tensor& s) { return ember::abs(s); }); }
Tensor& Tensor::clamp_(std::optional<Scalar> lo, std::optional<Scalar> hi) {
  return assign_inplace(*this, "clamp_", [&](const Tensor& s) { return ember::clamp(s, lo, hi); });
}
Tensor& Tensor::clamp_min_(const Scalar& lo) {
  return assign_inplace(*this, "clamp_min_", [&](const Tensor& s) { return ember::clamp_min(s, lo); });
}

}  // namespace ember
