// Indexing front ends: index_select, gather, scatter, index_add, advanced
// indexing (index / index_put), masked ops, nonzero, take_along_dim,
// one_hot, tril/triu, and the Python-style x.index({...}) translation.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "ember/indexing.h"
#include "ops/ops_common.h"

namespace ember {

namespace indexing {
TensorIndex::TensorIndex(const char* s) : kind_(Kind::Ellipsis) {
  EMBER_CHECK_TYPE(s != nullptr && std::string(s) == "...",
                   "TensorIndex: the only string accepted as an index is \"...\" (Ellipsis), got \"",
                   s ? s : "(null)", "\"");
}
}  // namespace indexing

namespace {

using autograd::GradMask;
using OptTensors = std::vector<std::optional<Tensor>>;

// A view of `t` broadcast to `shape` (stride 0 on broadcast dims), for
// kernel arguments only: no autograd.
Tensor bview(const Tensor& t, IntArrayRef shape, const char* op) {
  const int64_t nd = int64_t(shape.size()), td = t.dim();
  EMBER_CHECK(td <= nd, op, ": shape ", t.sizes(), " cannot be broadcast to ", shape);
  Shape strides(size_t(nd), 0);
  for (int64_t i = 0; i < td; ++i) {
    int64_t s = t.size(i), target = shape[size_t(nd - td + i)];
    EMBER_CHECK(s == target || s == 1, op, ": shape ", t.sizes(), " cannot be broadcast to ", shape);
    strides[size_t(nd - td + i)] = s == 1 ? 0 : t.stride(i);
  }
  return detail::make_view(t, shape, strides, t.storage_offset());
}

// `t` with one more dim of size 1 in front when it is 0-d (kernel views).
Tensor at_least_1d(const Tensor& t) {
  return t.dim() == 0 ? detail::make_view(t, {1}, {1}, t.storage_offset()) : t;
}

Tensor plain_clone(const Tensor& t) {
  Tensor out = detail::make_tensor(t.sizes(), t.dtype(), t.device());
  NoGradGuard ng;
  out.copy_(t);
  return out;
}

TensorOptions opts_of(const Tensor& t) { return TensorOptions().dtype(t.dtype()).device(t.device()); }

void check_int_index(const Tensor& index, const char* op) {
  EMBER_CHECK(index.dtype() == kInt64 || index.dtype() == kInt32, op,
              ": expected an int64 or int32 index tensor, got ", index.dtype());
}

// Runs an in-place op: out of place plus rebase under autograd, else the
// kernel straight into self.
template <typename OutOfPlace, typename Into>
Tensor& inplace(Tensor& self, const char* name, bool others_need_grad, OutOfPlace&& oop, Into&& into) {
  detail::check_inplace(self, name);
  if (is_grad_enabled() && (self.requires_grad() || others_need_grad)) {
    Tensor r = oop();
    detail::rebase_history(self, r, name);
    return self;
  }
  into(self);
  detail::bump_version(self);
  return self;
}

// Pads a gradient up to `shape` with zeros at the end of each dim (scatter
// reads only the first index.size(d) entries of src along each dim).
Tensor pad_to(const Tensor& g, IntArrayRef shape) {
  Tensor r = g;
  for (int64_t d = 0; d < r.dim(); ++d) {
    int64_t missing = shape[size_t(d)] - r.size(d);
    if (missing <= 0) continue;
    Shape zs(r.sizes());
    zs[size_t(d)] = missing;
    r = cat({r, zeros(zs, opts_of(r))}, d);
  }
  return r;
}

}  // namespace

// ------------------------------------------------------------ index_select

Tensor index_select(const Tensor& input, int64_t dim, const Tensor& index) {
  detail::check_defined(input, "index_select");
  detail::check_defined(index, "index_select");
  detail::check_same_device("index_select", {&input, &index});
  const int64_t d = detail::wrap_dim(dim, input.dim(), "index_select");
  EMBER_CHECK(index.dim() <= 1, "index_select: index must be 0-D or 1-D, got shape ", index.sizes());
  check_int_index(index, "index_select");
  if (input.dim() == 0) {
    EMBER_CHECK(index.numel() == 1, "index_select: indexing a 0-d tensor takes exactly one index, got ",
                index.numel());
  }
  Tensor in = at_least_1d(input);
  Shape os(in.sizes());
  os[size_t(d)] = index.numel();
  Tensor out = detail::make_tensor(os, input.dtype(), input.device());
  detail::kernel<IndexSelectFn>(OpId::index_select, input.device())(out, in, d, at_least_1d(index));
  if (input.dim() == 0) out = detail::make_view(out, {}, {}, 0);
  // grad: out's shape -> input's shape, summing repeated indices
  return autograd::record("index_select", {input}, out,
                          [index, d, sizes = Shape(input.sizes())](const Tensor& grad) {
                            if (sizes.empty()) return tensor_list{grad};
                            return tensor_list{index_add(zeros(sizes, opts_of(grad)), d, index, grad)};
                          });
}

// ------------------------------------------------------------------ gather

namespace {
// Shared shape checks of gather / scatter (torch's rules).
void check_gather_shapes(const char* op, const Tensor& self, int64_t d, const Tensor& index, const Tensor* src) {
  check_int_index(index, op);
  EMBER_CHECK(index.dim() == self.dim() || (index.dim() <= 1 && self.dim() <= 1), op,
              ": index must have the same number of dims as input, got shapes ", index.sizes(), " and ",
              self.sizes());
  Tensor in = at_least_1d(self), ix = at_least_1d(index);
  for (int64_t i = 0; i < ix.dim(); ++i) {
    if (i != d) {
      EMBER_CHECK(ix.size(i) <= in.size(i), op, ": index of shape ", index.sizes(),
                  " is larger than input of shape ", self.sizes(), " at dim ", i,
                  " (expected index.size(d) <= input.size(d) for every d other than dim ", d, ")");
    }
    if (src) {
      Tensor sr = at_least_1d(*src);
      EMBER_CHECK(sr.dim() == ix.dim() && ix.size(i) <= sr.size(i), op, ": index of shape ", index.sizes(),
                  " is larger than src of shape ", src->sizes(), " at dim ", i,
                  " (expected index.size(d) <= src.size(d) for every d)");
    }
  }
}
}  // namespace

Tensor gather(const Tensor& input, int64_t dim, const Tensor& index) {
  detail::check_defined(input, "gather");
  detail::check_defined(index, "gather");
  detail::check_same_device("gather", {&input, &index});
  const int64_t d = detail::wrap_dim(dim, input.dim(), "gather");
  check_gather_shapes("gather", input, d, index, nullptr);
  Tensor out = detail::make_tensor(index.sizes(), input.dtype(), input.device());
  detail::kernel<GatherFn>(OpId::gather, input.device())(at_least_1d(out), at_least_1d(input), d,
                                                         at_least_1d(index));
  return autograd::record("gather", {input}, out, [index, d, sizes = Shape(input.sizes())](const Tensor& grad) {
    return tensor_list{scatter_add(zeros(sizes, opts_of(grad)), d, index, grad)};
  });
}

// ---------------------------------------------------- scatter, scatter_add

namespace {
enum class ScatterMode { Copy, Add };

// Checks and runs the kernel into `self`; no autograd.
void scatter_into(const Tensor& self, int64_t d, const Tensor& index, const Tensor& src, ScatterMode mode,
                  const char* op) {
  detail::check_same_device(op, {&self, &index, &src});
  EMBER_CHECK(src.dtype() == self.dtype(), op, ": expected src to have the dtype of input, got ", src.dtype(),
              " and ", self.dtype());
  check_gather_shapes(op, self, d, index, &src);
  OpId id = mode == ScatterMode::Add ? OpId::scatter_add : OpId::scatter;
  detail::kernel<ScatterFn>(id, self.device())(at_least_1d(self), d, at_least_1d(index), at_least_1d(src));
}

Tensor scatter_impl(const Tensor& input, int64_t dim, const Tensor& index, const Tensor& src, ScatterMode mode,
                    const char* op) {
  detail::check_defined(input, op);
  detail::check_defined(index, op);
  detail::check_defined(src, op);
  const int64_t d = detail::wrap_dim(dim, input.dim(), op);
  Tensor out = plain_clone(input);
  scatter_into(out, d, index, src, mode, op);
  return autograd::record(op, {input, src}, out,
                          [index, d, mode, src_shape = Shape(src.sizes())](const Tensor& grad, const GradMask& m) {
                            Tensor gi, gs;
                            // scattered-over entries of input do not reach the output
                            if (m[0]) gi = mode == ScatterMode::Add ? grad : scatter(grad, d, index, Scalar(0));
                            if (m[1]) gs = pad_to(gather(grad, d, index), src_shape);
                            return tensor_list{gi, gs};
                          });
}
}  // namespace

Tensor scatter(const Tensor& input, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_impl(input, dim, index, src, ScatterMode::Copy, "scatter");
}

Tensor scatter(const Tensor& input, int64_t dim, const Tensor& index, const Scalar& value) {
  detail::check_defined(input, "scatter");
  detail::check_defined(index, "scatter");
  const int64_t d = detail::wrap_dim(dim, input.dim(), "scatter");
  Tensor v = bview(detail::scalar_tensor(value, input.dtype(), input.device()), index.sizes(), "scatter");
  Tensor out = plain_clone(input);
  scatter_into(out, d, index, v, ScatterMode::Copy, "scatter");
  return autograd::record("scatter", {input}, out, [index, d](const Tensor& grad) {
    return tensor_list{scatter(grad, d, index, Scalar(0))};
  });
}

Tensor scatter_add(const Tensor& input, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_impl(input, dim, index, src, ScatterMode::Add, "scatter_add");
}

// ---------------------------------------------------------------- index_add

namespace {
void index_add_into(const Tensor& self, int64_t d, const Tensor& index, const Tensor& source, double alpha) {
  detail::check_same_device("index_add", {&self, &index, &source});
  EMBER_CHECK(index.dim() <= 1, "index_add: index must be 0-D or 1-D, got shape ", index.sizes());
  check_int_index(index, "index_add");
  EMBER_CHECK(source.dtype() == self.dtype(), "index_add: expected source to have the dtype of input, got ",
              source.dtype(), " and ", self.dtype());
  Tensor s = at_least_1d(self), src = at_least_1d(source);
  bool ok = s.dim() == src.dim() && src.size(d) == index.numel();
  for (int64_t i = 0; ok && i < s.dim(); ++i) ok = i == d || s.size(i) == src.size(i);
  EMBER_CHECK(ok, "index_add: source of shape ", source.sizes(), " does not match input of shape ", self.sizes(),
              " with ", index.numel(), " indices along dim ", d,
              " (expected input's shape with dim ", d, " of size ", index.numel(), ")");
  detail::kernel<IndexAddFn>(OpId::index_add, self.device())(s, d, at_least_1d(index), src, alpha);
}
}  // namespace

Tensor index_add(const Tensor& input, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  detail::check_defined(input, "index_add");
  detail::check_defined(index, "index_add");
  detail::check_defined(source, "index_add");
  const int64_t d = detail::wrap_dim(dim, input.dim(), "index_add");
  Tensor out = plain_clone(input);
  double a = alpha.to<double>();
  index_add_into(out, d, index, source, a);
  return autograd::record("index_add", {input, source}, out,
                          [index, d, a](const Tensor& grad, const GradMask& m) {
                            Tensor gs;
                            if (m[1]) {
                              gs = index_select(grad, d, index);
                              if (a != 1) gs = gs * a;
                            }
                            return tensor_list{m[0] ? grad : Tensor(), gs};
                          });
}

// ------------------------------------------------------ advanced indexing

namespace {

// Note [Advanced indexing through one gather]
// x[i0, :, i2] reads x's storage at off = i0 * stride0 + i2 * stride2 plus
// the offset of the non-indexed dims. We view x as V = [span, R...] with
// stride 1 on the first dim (span covers every reachable offset), build the
// int64 offsets `off` (shape S, the broadcast index shape) with ember ops,
// and run gather / scatter along V's first dim with off expanded over R.
// No copy of x is made, whatever dims are indexed; the result is laid out
// as PyTorch places it (S in place of adjacent indexed dims, else first).
struct Plan {
  std::vector<int64_t> dims;  // indexed dims of self, ascending
  Tensor off;                 // int64 [S] storage offsets (relative)
  Tensor single;              // the wrapped index when one 1-D index is used
  Shape S;                    // broadcast index shape
  bool adjacent = true;
  int64_t span = 1;
  Shape result;      // the result's shape
  int64_t pos = 0;   // where the S block sits in the result
};

Plan make_plan(const Tensor& self, const OptTensors& indices, const char* op) {
  NoGradGuard ng;
  Plan p;
  std::vector<Tensor> idx;
  int64_t d = 0;
  for (const auto& o : indices) {
    if (!o || !o->defined()) {
      ++d;
      continue;
    }
    const Tensor& t = *o;
    if (t.dtype() == kBool || t.dtype() == kUInt8) {
      EMBER_CHECK_INDEX(t.dim() > 0, op, ": a 0-d bool index is only supported through Tensor::index");
      EMBER_CHECK_INDEX(d + t.dim() <= self.dim(), "too many indices for tensor of dimension ", self.dim());
      for (int64_t k = 0; k < t.dim(); ++k) {
        EMBER_CHECK_INDEX(t.size(k) == self.size(d + k), "The shape of the mask ", t.sizes(), " at index ", k,
                          " does not match the shape of the indexed tensor ", self.sizes(), " at index ", d + k);
      }
      Tensor nz = nonzero(t.dtype() == kBool ? t : t.to(kBool));
      for (int64_t k = 0; k < t.dim(); ++k) {
        p.dims.push_back(d + k);
        idx.push_back(nz.select(1, k));
      }
      d += t.dim();
    } else {
      EMBER_CHECK_INDEX(is_integral(t.dtype(), false), "tensors used as indices must be long, int, byte or bool "
                        "tensors, got ", t.dtype());
      EMBER_CHECK_INDEX(d < self.dim(), "too many indices for tensor of dimension ", self.dim());
      detail::check_same_device(op, {&self, &t});
      p.dims.push_back(d);
      idx.push_back(t);
      ++d;
    }
  }
  EMBER_CHECK_INDEX(d <= self.dim(), "too many indices for tensor of dimension ", self.dim());
  if (idx.empty()) return p;
  // broadcast the index shapes
  Shape S(idx[0].sizes());
  for (size_t k = 1; k < idx.size(); ++k) {
    try {
      S = broadcast_shapes(S, idx[k].sizes());
    } catch (const Error&) {
      std::string shapes;
      for (size_t j = 0; j < idx.size(); ++j) shapes += (j ? ", " : "") + detail::str(idx[j].sizes());
      throw IndexError(detail::str(op, ": shape mismatch: indexing tensors could not be broadcast together with "
                                       "shapes ", shapes));
    }
  }
  p.S = S;
  // bounds, negative wrap, and the offsets
  Tensor off;
  for (size_t k = 0; k < idx.size(); ++k) {
    int64_t dim = p.dims[k], n = self.size(dim);
    Tensor t = idx[k].dtype() == kInt64 ? idx[k] : idx[k].to(kInt64);
    Tensor bad = logical_or(lt(t, -n), ge(t, n));
    Tensor bad_values = masked_select(t, bad);
    EMBER_CHECK_INDEX(bad_values.numel() == 0, "index ", bad_values.numel() ? bad_values.reshape({-1}).select(0, 0).item<int64_t>() : 0,
                      " is out of bounds for dimension ", dim, " with size ", n);
    t = where(lt(t, 0), add(t, n), t);
    if (idx.size() == 1 && t.dim() == 1) p.single = t;
    Tensor term = mul(t, Scalar(self.stride(dim)));
    off = off.defined() ? add(off, term) : term;
    if (n > 0) p.span += (n - 1) * self.stride(dim);
  }
  p.off = bview(off, S, op).contiguous();
  for (size_t k = 1; k < p.dims.size(); ++k) p.adjacent &= p.dims[k] == p.dims[k - 1] + 1;
  // result shape: S in place of adjacent indexed dims, else in front
  std::vector<bool> indexed(size_t(self.dim()), false);
  for (int64_t dd : p.dims) indexed[size_t(dd)] = true;
  if (p.adjacent) {
    for (int64_t i = 0; i < p.dims.front(); ++i) p.result.push_back(self.size(i));
    p.pos = p.dims.front();
    for (int64_t s : S) p.result.push_back(s);
    for (int64_t i = p.dims.back() + 1; i < self.dim(); ++i) p.result.push_back(self.size(i));
  } else {
    p.pos = 0;
    for (int64_t s : S) p.result.push_back(s);
    for (int64_t i = 0; i < self.dim(); ++i)
      if (!indexed[size_t(i)]) p.result.push_back(self.size(i));
  }
  return p;
}

// The views of Note [Advanced indexing through one gather]: V over self,
// G (offsets over [S, R]) and the [S, R] view of a tensor laid out as the
// result (out or the broadcast values).
struct Views {
  Tensor V, G;
};

Shape s_eff(const Plan& p) { return p.S.empty() ? Shape{1} : p.S; }

Views make_views(const Tensor& self, const Plan& p) {
  std::vector<bool> indexed(size_t(self.dim()), false);
  for (int64_t dd : p.dims) indexed[size_t(dd)] = true;
  Shape se = s_eff(p);
  Shape vs, vst, gs, gst;
  vs.push_back(p.span);
  vst.push_back(1);
  for (size_t i = 1; i < se.size(); ++i) vs.push_back(se[i]), vst.push_back(0);
  for (int64_t s : se) gs.push_back(s);
  Tensor off = p.S.empty() ? detail::make_view(p.off, {1}, {1}, p.off.storage_offset()) : p.off;
  for (int64_t i = 0; i < off.dim(); ++i) gst.push_back(off.stride(i));
  for (int64_t i = 0; i < self.dim(); ++i) {
    if (indexed[size_t(i)]) continue;
    vs.push_back(self.size(i)), vst.push_back(self.stride(i));
    gs.push_back(self.size(i)), gst.push_back(0);
  }
  Views v;
  v.V = detail::make_view(self, vs, vst, self.storage_offset());
  v.G = detail::make_view(off, gs, gst, off.storage_offset());
  return v;
}

// t has the result's shape; returns its [S_eff, R...] view.
Tensor result_view(const Tensor& t, const Plan& p) {
  const int64_t ns = int64_t(p.S.size());
  Shape sz, st;
  if (ns == 0) sz.push_back(1), st.push_back(0);
  for (int64_t i = 0; i < ns; ++i) sz.push_back(t.size(p.pos + i)), st.push_back(t.stride(p.pos + i));
  for (int64_t i = 0; i < t.dim(); ++i) {
    if (i >= p.pos && i < p.pos + ns) continue;
    sz.push_back(t.size(i)), st.push_back(t.stride(i));
  }
  return detail::make_view(t, sz, st, t.storage_offset());
}

bool has_tensor(const OptTensors& indices) {
  for (const auto& o : indices)
    if (o && o->defined()) return true;
  return false;
}

// index_put_ without autograd: writes (or adds) values into self.
void index_put_into(const Tensor& self, const OptTensors& indices, const Tensor& values, bool accumulate) {
  NoGradGuard ng;
  Tensor vals = values.dtype() == self.dtype() ? values : values.to(self.dtype());
  detail::check_same_device("index_put_", {&self, &vals});
  if (!has_tensor(indices)) {
    if (accumulate) {
      Tensor sum = add(self, vals);
      const_cast<Tensor&>(self).copy_(sum);
    } else {
      const_cast<Tensor&>(self).copy_(vals);
    }
    return;
  }
  Plan p = make_plan(self, indices, "index_put_");
  Tensor vb;
  try {
    vb = bview(vals, p.result, "index_put_");
  } catch (const Error&) {
    throw RuntimeError(detail::str("index_put_: shape mismatch: value tensor of shape ", values.sizes(),
                                   " cannot be broadcast to indexing result of shape ", IntArrayRef(p.result)));
  }
  if (vb.numel() == 0) return;
  Views v = make_views(self, p);
  OpId id = accumulate ? OpId::scatter_add : OpId::scatter;
  detail::kernel<ScatterFn>(id, self.device())(v.V, 0, v.G, result_view(vb, p));
}

}  // namespace

Tensor index(const Tensor& input, const OptTensors& indices) {
  detail::check_defined(input, "index");
  if (!has_tensor(indices)) return input;
  Plan p = make_plan(input, indices, "index");
  Tensor out = detail::make_tensor(p.result, input.dtype(), input.device());
  if (p.single.defined()) {
    // one 1-D index: exactly index_select along that dim
    detail::kernel<IndexSelectFn>(OpId::index_select, input.device())(out, input, p.dims[0], p.single);
  } else if (out.numel() > 0) {
    Views v = make_views(input, p);
    detail::kernel<GatherFn>(OpId::gather, input.device())(result_view(out, p), v.V, 0, v.G);
  }
  return autograd::record("index", {input}, out,
                          [indices, sizes = Shape(input.sizes())](const Tensor& grad) {
                            return tensor_list{index_put(zeros(sizes, opts_of(grad)), indices, grad, true)};
                          });
}

Tensor index_put(const Tensor& input, const OptTensors& indices, const Tensor& values, bool accumulate) {
  detail::check_defined(input, "index_put");
  detail::check_defined(values, "index_put");
  Tensor out = plain_clone(input);
  index_put_into(out, indices, values, accumulate);
  return autograd::record("index_put", {input, values}, out,
                          [indices, accumulate](const Tensor& grad, const GradMask& m) {
                            Tensor gi, gv;
                            if (m[0]) {
                              gi = accumulate ? grad
                                              : index_put(grad, indices,
                                                          detail::scalar_tensor(0, grad.dtype(), grad.device()));
                            }
                            if (m[1]) gv = index(grad, indices);  // the engine sums it to values' shape
                            return tensor_list{gi, gv};
                          });
}

Tensor& index_put_(Tensor& input, const OptTensors& indices, const Tensor& values, bool accumulate) {
  detail::check_defined(input, "index_put_");
  detail::check_defined(values, "index_put_");
  return inplace(
      input, "index_put_", values.requires_grad(), [&] { return index_put(input, indices, values, accumulate); },
      [&](Tensor& self) { index_put_into(self, indices, values, accumulate); });
}

// ------------------------------------------------------------ masked ops

namespace {
Tensor bool_mask(const Tensor& mask, const char* op) {
  EMBER_CHECK(mask.dtype() == kBool || mask.dtype() == kUInt8, op,
              ": expected a bool mask, got a mask of dtype ", mask.dtype());
  return mask.dtype() == kBool ? mask : mask.to(kBool);
}

void check_mask_shape(const Tensor& input, const Tensor& mask, const char* op) {
  bool ok = mask.dim() <= input.dim();
  for (int64_t i = 0; ok && i < mask.dim(); ++i) {
    int64_t s = mask.size(-1 - i);
    ok = s == 1 || s == input.size(-1 - i);
  }
  EMBER_CHECK(ok, op, ": mask of shape ", mask.sizes(), " cannot be broadcast to input of shape ", input.sizes());
}
}  // namespace

Tensor masked_fill(const Tensor& input, const Tensor& mask, const Scalar& value) {
  detail::check_defined(input, "masked_fill");
  detail::check_defined(mask, "masked_fill");
  Tensor m = bool_mask(mask, "masked_fill");
  check_mask_shape(input, m, "masked_fill");
  // d/dinput = grad where the mask is false (where's own backward)
  return where(m, detail::scalar_tensor(value, input.dtype(), input.device()), input);
}

Tensor masked_fill(const Tensor& input, const Tensor& mask, const Tensor& value) {
  detail::check_defined(input, "masked_fill");
  detail::check_defined(mask, "masked_fill");
  detail::check_defined(value, "masked_fill");
  EMBER_CHECK(value.dim() == 0, "masked_fill: only supports a 0-dimensional value tensor, but got a tensor of shape ",
              value.sizes());
  Tensor m = bool_mask(mask, "masked_fill");
  check_mask_shape(input, m, "masked_fill");
  Tensor v = value.dtype() == input.dtype() ? value : value.to(input.dtype());
  return where(m, v, input);
}

Tensor masked_select(const Tensor& input, const Tensor& mask) {
  detail::check_defined(input, "masked_select");
  detail::check_defined(mask, "masked_select");
  detail::check_same_device("masked_select", {&input, &mask});
  Tensor m = bool_mask(mask, "masked_select");
  Shape shape;
  try {
    shape = broadcast_shapes(input.sizes(), m.sizes());
  } catch (const Error&) {
    throw RuntimeError(detail::str("masked_select: mask of shape ", mask.sizes(),
                                   " and input of shape ", input.sizes(), " are not broadcastable"));
  }
  Tensor mb = bview(m, shape, "masked_select");
  Tensor out = detail::kernel<MaskedSelectFn>(OpId::masked_select, input.device())(bview(input, shape, "masked_select"),
                                                                                   mb);
  return autograd::record("masked_select", {input}, out, [mb, shape](const Tensor& grad) {
    return tensor_list{index_put(zeros(shape, opts_of(grad)), {std::optional<Tensor>(mb)}, grad)};
  });
}

namespace {
// index_fill's mask: true at the selected positions of dim, shaped to
// broadcast against input ([size(dim), 1, ..., 1]).
Tensor index_fill_mask(const Tensor& input, int64_t dim, const Tensor& index) {
  detail::check_defined(input, "index_fill");
  detail::check_defined(index, "index_fill");
  EMBER_CHECK_INDEX(index.dtype() == kInt64, "index_fill: expected an int64 index, got ", index.dtype());
  EMBER_CHECK(index.dim() <= 1, "index_fill: index must be 1-D or 0-D, got shape ", index.sizes());
  const int64_t nd = std::max<int64_t>(input.dim(), 1);
  const int64_t d = detail::wrap_dim(dim, nd, "index_fill");
  const int64_t n = input.dim() == 0 ? 1 : input.size(d);
  NoGradGuard ng;
  Tensor idx = index.reshape({-1});
  if (idx.numel() > 0) {
    const int64_t lo = min(idx).item<int64_t>(), hi = max(idx).item<int64_t>();
    EMBER_CHECK_INDEX(lo >= -n && hi < n, "index_fill: index ", lo < -n ? lo : hi,
                      " is out of bounds for dim ", d, " of size ", n, " (input shape ", input.sizes(), ")");
  }
  Tensor m = zeros({n}, TensorOptions().dtype(kBool).device(input.device()));
  m = index_put(m, {std::optional<Tensor>(idx)}, detail::scalar_tensor(true, kBool, input.device()));
  Shape shape(size_t(std::max<int64_t>(input.dim() - d, 1)), 1);
  shape[0] = n;
  return m.reshape(shape);
}
}  // namespace

Tensor index_fill(const Tensor& input, int64_t dim, const Tensor& index, const Scalar& value) {
  Tensor m = index_fill_mask(input, dim, index);
  return where(m, detail::scalar_tensor(value, input.dtype(), input.device()), input).reshape(input.sizes());
}

Tensor index_fill(const Tensor& input, int64_t dim, const Tensor& index, const Tensor& value) {
  detail::check_defined(value, "index_fill");
  EMBER_CHECK(value.dim() == 0, "index_fill: only supports a 0-dimensional value tensor, got a tensor of shape ",
              value.sizes());
  Tensor m = index_fill_mask(input, dim, index);
  Tensor v = value.dtype() == input.dtype() ? value : value.to(input.dtype());
  return where(m, v, input).reshape(input.sizes());
}

Tensor nonzero(const Tensor& input) {
  detail::check_defined(input, "nonzero");
  return detail::kernel<NonzeroFn>(OpId::nonzero, input.device())(input);
}

// --------------------------------------------------- take_along_dim, one_hot

Tensor take_along_dim(const Tensor& input, const Tensor& indices, std::optional<int64_t> dim) {
  detail::check_defined(input, "take_along_dim");
  detail::check_defined(indices, "take_along_dim");
  EMBER_CHECK(indices.dtype() == kInt64 || indices.dtype() == kInt32,
              "take_along_dim: expected an int64 or int32 indices tensor, got ", indices.dtype());
  if (!dim) return gather(input.reshape({-1}), 0, indices.reshape({-1}));
  EMBER_CHECK(input.dim() == indices.dim(), "take_along_dim: input and indices should have the same number of dims, "
              "got shapes ", input.sizes(), " and ", indices.sizes());
  const int64_t d = detail::wrap_dim(*dim, input.dim(), "take_along_dim");
  Shape in_sizes(input.sizes()), idx_sizes(indices.sizes());
  if (input.dim() > 0) {
    in_sizes[size_t(d)] = indices.size(d);
    idx_sizes[size_t(d)] = input.size(d);
  }
  Shape idx_shape, in_shape;
  try {
    idx_shape = broadcast_shapes(in_sizes, indices.sizes());
    in_shape = broadcast_shapes(idx_sizes, input.sizes());
  } catch (const Error&) {
    throw RuntimeError(detail::str("take_along_dim: input of shape ", input.sizes(), " and indices of shape ",
                                   indices.sizes(), " are not broadcastable outside dim ", d));
  }
  return gather(broadcast_to(input, in_shape), d, broadcast_to(indices, idx_shape));
}

Tensor one_hot(const Tensor& input, int64_t num_classes) {
  detail::check_defined(input, "one_hot");
  EMBER_CHECK(input.dtype() == kInt64, "one_hot: expected an int64 tensor of class indices, got ", input.dtype());
  NoGradGuard ng;
  if (num_classes == -1) {
    EMBER_CHECK(input.numel() > 0, "one_hot: can not infer the number of classes from an empty tensor");
    num_classes = max(input).item<int64_t>() + 1;
  }
  EMBER_CHECK(num_classes >= 0, "one_hot: num_classes must be -1 or non-negative, got ", num_classes);
  if (input.numel() > 0) {
    EMBER_CHECK(masked_select(input, lt(input, 0)).numel() == 0, "one_hot: class values must be non-negative");
    EMBER_CHECK(masked_select(input, ge(input, num_classes)).numel() == 0,
                "one_hot: class values must be smaller than num_classes (", num_classes, ")");
  }
  Shape shape(input.sizes());
  shape.push_back(num_classes);
  Tensor out = zeros(shape, TensorOptions().dtype(kInt64).device(input.device()));
  if (input.numel() == 0) return out;
  Tensor idx = input.unsqueeze(-1);
  Tensor ones_v = bview(detail::scalar_tensor(1, kInt64, input.device()), idx.sizes(), "one_hot");
  detail::kernel<ScatterFn>(OpId::scatter, input.device())(out, out.dim() - 1, idx, ones_v);
  return out;
}

// ------------------------------------------------------------- tril, triu

namespace {
Tensor tri(const Tensor& input, int64_t diagonal, bool lower) {
  const char* op = lower ? "tril" : "triu";
  detail::check_defined(input, op);
  EMBER_CHECK_INDEX(input.dim() >= 2, op, ": input must have at least 2 dims, got shape ", input.sizes());
  Tensor out = detail::make_tensor(input.sizes(), input.dtype(), input.device());
  detail::kernel<TriFn>(lower ? OpId::tril : OpId::triu, input.device())(out, input, diagonal);
  return autograd::record(op, {input}, out, [diagonal, lower](const Tensor& grad) {
    return tensor_list{lower ? tril(grad, diagonal) : triu(grad, diagonal)};
  });
}
}  // namespace

Tensor tril(const Tensor& input, int64_t diagonal) { return tri(input, diagonal, true); }
Tensor triu(const Tensor& input, int64_t diagonal) { return tri(input, diagonal, false); }

// --------------------------------------------- Python-style x.index({...})

namespace {
using indexing::TensorIndex;

// Note [Translating x.index({...})]
// As Python's __getitem__: integers select, slices slice, None inserts a
// dim, "..." skips the dims not named, a bool inserts a dim and keeps it
// (true) or empties it (false); all of these are views. Index tensors are
// collected by the dim they index in that view and applied last, together,
// by ember::index (so their placement follows PyTorch's rules).
Tensor apply_basic(const Tensor& self, const std::vector<TensorIndex>& indices, OptTensors& adv) {
  int64_t specified = 0, ellipses = 0;
  for (const auto& ix : indices) {
    switch (ix.kind()) {
      case TensorIndex::Kind::Integer:
      case TensorIndex::Kind::Slice: ++specified; break;
      case TensorIndex::Kind::Ellipsis: ++ellipses; break;
      case TensorIndex::Kind::Tensor: {
        const Tensor& t = ix.tensor();
        bool mask = t.dtype() == kBool || t.dtype() == kUInt8;
        specified += mask ? t.dim() : 1;
        break;
      }
      default: break;
    }
  }
  EMBER_CHECK_INDEX(ellipses <= 1, "an index can only have a single ellipsis ('...')");
  EMBER_CHECK_INDEX(specified <= self.dim(), "too many indices for tensor of dimension ", self.dim(), " (got ",
                    specified, ")");
  Tensor r = self;
  int64_t d = 0, consumed = 0;
  auto push_adv = [&](const Tensor& t, int64_t ndims) {
    while (consumed < d) adv.emplace_back(std::nullopt), ++consumed;
    adv.emplace_back(t);
    consumed += ndims;
  };
  auto bool_index = [&](bool b) {
    r = unsqueeze(r, d);
    Tensor t = b ? zeros({1}, TensorOptions().dtype(kInt64).device(self.device()))
                 : empty({0}, TensorOptions().dtype(kInt64).device(self.device()));
    push_adv(t, 1);
    ++d;
  };
  for (const auto& ix : indices) {
    switch (ix.kind()) {
      case TensorIndex::Kind::Integer: {
        int64_t n = r.size(d), i = ix.integer();
        EMBER_CHECK_INDEX(i >= -n && i < n, "index ", i, " is out of bounds for dimension ", d, " with size ", n);
        r = select(r, d, i);
        break;
      }
      case TensorIndex::Kind::Slice: {
        const auto& s = ix.slice();
        int64_t step = s.step.value_or(1);
        EMBER_CHECK_VALUE(step > 0, "slice step must be positive, got ", step);
        r = slice(r, d, s.start, s.stop, step);
        ++d;
        break;
      }
      case TensorIndex::Kind::None:
        r = unsqueeze(r, d);
        ++d;
        break;
      case TensorIndex::Kind::Ellipsis: d += self.dim() - specified; break;
      case TensorIndex::Kind::Boolean: bool_index(ix.integer() != 0); break;
      case TensorIndex::Kind::Tensor: {
        const Tensor& t = ix.tensor();
        bool mask = t.dtype() == kBool || t.dtype() == kUInt8;
        if (mask && t.dim() == 0) {
          bool_index(t.item<bool>());
          break;
        }
        push_adv(t, mask ? t.dim() : 1);
        d += mask ? t.dim() : 1;
        break;
      }
    }
  }
  return r;
}
}  // namespace

Tensor Tensor::operator[](const Tensor& index) const { return this->index({indexing::TensorIndex(index)}); }

Tensor Tensor::index(std::initializer_list<indexing::TensorIndex> indices) const {
  return index(std::vector<indexing::TensorIndex>(indices));
}

Tensor Tensor::index(const std::vector<indexing::TensorIndex>& indices) const {
  OptTensors adv;
  Tensor r = apply_basic(*this, indices, adv);
  return has_tensor(adv) ? ember::index(r, adv) : r;
}

Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& value) {
  return index_put_(std::vector<indexing::TensorIndex>(indices), value);
}
Tensor& Tensor::index_put_(std::initializer_list<indexing::TensorIndex> indices, const Scalar& value) {
  return index_put_(std::vector<indexing::TensorIndex>(indices), value);
}

Tensor& Tensor::index_put_(const std::vector<indexing::TensorIndex>& indices, const Tensor& value) {
  OptTensors adv;
  Tensor r = apply_basic(*this, indices, adv);
  if (has_tensor(adv)) ember::index_put_(r, adv, value, false);
  else r.copy_(value);
  return *this;
}

Tensor& Tensor::index_put_(const std::vector<indexing::TensorIndex>& indices, const Scalar& value) {
  OptTensors adv;
  Tensor r = apply_basic(*this, indices, adv);
  if (has_tensor(adv)) ember::index_put_(r, adv, detail::scalar_tensor(value, dtype(), device()), false);
  else r.fill_(value);
  return *this;
}

// ------------------------------------------------------------- methods

Tensor Tensor::index_select(int64_t dim, const Tensor& index) const { return ember::index_select(*this, dim, index); }
Tensor Tensor::gather(int64_t dim, const Tensor& index) const { return ember::gather(*this, dim, index); }
Tensor Tensor::masked_select(const Tensor& mask) const { return ember::masked_select(*this, mask); }
Tensor Tensor::nonzero() const { return ember::nonzero(*this); }
Tensor Tensor::masked_fill(const Tensor& mask, const Scalar& value) const {
  return ember::masked_fill(*this, mask, value);
}
Tensor Tensor::tril(int64_t diagonal) const { return ember::tril(*this, diagonal); }
Tensor Tensor::triu(int64_t diagonal) const { return ember::triu(*this, diagonal); }

Tensor& Tensor::masked_fill_(const Tensor& mask, const Scalar& value) {
  return inplace(
      *this, "masked_fill_", false, [&] { return ember::masked_fill(*this, mask, value); },
      [&](Tensor& self) {
        Tensor m = bool_mask(mask, "masked_fill_");
        check_mask_shape(self, m, "masked_fill_");
        Tensor v = detail::scalar_tensor(value, self.dtype(), self.device());
        detail::launch_elementwise(OpId::where, "masked_fill_", self.device(),
                                   {self, bview(m, self.sizes(), "masked_fill_"),
                                    bview(v, self.sizes(), "masked_fill_"), self});
      });
}

Tensor& Tensor::index_add_(int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  return inplace(
      *this, "index_add_", source.requires_grad(), [&] { return ember::index_add(*this, dim, index, source, alpha); },
      [&](Tensor& self) {
        index_add_into(self, detail::wrap_dim(dim, self.dim(), "index_add_"), index, source, alpha.to<double>());
      });
}

Tensor& Tensor::scatter_(int64_t dim, const Tensor& index, const Tensor& src) {
  return inplace(
      *this, "scatter_", src.requires_grad(), [&] { return ember::scatter(*this, dim, index, src); },
      [&](Tensor& self) {
        scatter_into(self, detail::wrap_dim(dim, self.dim(), "scatter_"), index, src, ScatterMode::Copy, "scatter_");
      });
}

Tensor& Tensor::scatter_add_(int64_t dim, const Tensor& index, const Tensor& src) {
  return inplace(
      *this, "scatter_add_", src.requires_grad(), [&] { return ember::scatter_add(*this, dim, index, src); },
      [&](Tensor& self) {
        scatter_into(self, detail::wrap_dim(dim, self.dim(), "scatter_add_"), index, src, ScatterMode::Add,
                     "scatter_add_");
      });
}

}  // namespace ember
