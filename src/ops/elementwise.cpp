// The elementwise launcher: broadcasting, type promotion, output layout and
// dimension collapsing, done once for every elementwise op.
#include <algorithm>
#include <cstring>

#include "ops/ops_common.h"

namespace ember {

Shape broadcast_shapes(IntArrayRef a, IntArrayRef b) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw RuntimeError(detail::str("shapes ", a, " and ", b, " are not broadcastable (at dim ",
                                     int64_t(i) - int64_t(n), ": ", da, " vs ", db, ")"));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

namespace detail {

namespace {
ScalarType combine_categories(ScalarType higher, ScalarType lower) {
  if (higher == ScalarType::Undefined) return lower;
  if (lower == ScalarType::Undefined) return higher;
  if (is_floating_point(higher)) return higher;
  if (higher == kBool || is_floating_point(lower)) return promote_types(higher, lower);
  return higher;
}
ScalarType promote_skip(ScalarType a, ScalarType b) {
  if (a == ScalarType::Undefined) return b;
  if (b == ScalarType::Undefined) return a;
  return promote_types(a, b);
}
}  // namespace

ScalarType result_type_of(std::initializer_list<Operand> ops) {
  ScalarType dim = ScalarType::Undefined, zero = ScalarType::Undefined, wrapped = ScalarType::Undefined;
  for (const auto& o : ops) {
    if (o.tensor) {
      if (!o.tensor->defined()) continue;
      if (o.tensor->dim() > 0) dim = promote_skip(dim, o.tensor->dtype());
      else zero = promote_skip(zero, o.tensor->dtype());
    } else {
      wrapped = promote_skip(wrapped, o.scalar.type());
    }
  }
  return combine_categories(dim, combine_categories(zero, wrapped));
}

ScalarType compute_type(const EwSpec& spec, ScalarType t) {
  if (spec.compute) return *spec.compute;
  switch (spec.promote) {
    case Promote::Float:
      return is_integral(t) ? get_default_dtype() : t;
    case Promote::Integral:
      EMBER_CHECK(is_integral(t), spec.name, ": \"", spec.name, "_cpu\" not implemented for '", t,
                  "' (expected integer or bool tensors)");
      return t;
    default:
      return t;
  }
}

bool can_cast(ScalarType from, ScalarType to) {
  if (is_floating_point(from) && is_integral(to)) return false;
  if (from != kBool && to == kBool) return false;
  return true;
}

void check_defined(const Tensor& t, const char* op) {
  EMBER_CHECK(t.defined(), op, ": got an undefined tensor");
}

void check_same_device(const char* op, std::initializer_list<const Tensor*> ts) {
  const Tensor* first = nullptr;
  for (auto* t : ts) {
    if (!t || !t->defined()) continue;
    if (!first) first = t;
    else if (t->device() != first->device())
      throw RuntimeError(str(op, ": expected all tensors to be on the same device, got ", first->device(), " and ",
                             t->device()));
  }
}

Tensor scalar_tensor(const Scalar& s, ScalarType t, Device device) {
  Tensor out = make_tensor({}, t, Device(kCPU));
  dispatch_types<AllTypes>(t, "scalar_tensor", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    T v = is_floating_point(t) ? T(s.to_double()) : T(s.to<int64_t>());
    if constexpr (std::is_same<T, bool>::value) v = s.to_bool();
    std::memcpy(out.data_ptr(), &v, sizeof(T));
  });
  return device.is_cpu() ? out : out.to(device);
}

std::vector<bool> dim_mask(IntArrayRef dims, int64_t ndim, const char* op) {
  std::vector<bool> mask(size_t(std::max<int64_t>(ndim, 0)), dims.empty());
  for (int64_t d : dims) {
    int64_t w = wrap_dim(d, ndim, op);
    if (ndim == 0) continue;
    EMBER_CHECK(!mask[w], op, ": dim ", w, " appears multiple times in the list of dims");
    mask[w] = true;
  }
  return mask;
}

namespace {

// Builds the kernel arguments for operands that all have the output's
// shape after broadcasting (strides 0 on broadcast dims), in the dim order
// `perm` (fastest last), collapsing dims that are contiguous in every
// operand.
void fill_args(ElementwiseArgs& a, const Tensor* const* ops, int n, IntArrayRef shape, const int64_t* perm) {
  int nd = int(shape.size());
  a.ntensors = n;
  int64_t numel = 1;
  for (auto s : shape) numel *= s;
  a.numel = numel;
  // gather per-operand strides (bytes) in iteration order
  int64_t sh[kMaxDims];
  int64_t st[kMaxElementwiseOperands][kMaxDims];
  int m = 0;
  for (int i = 0; i < nd; ++i) {
    int d = int(perm[i]);
    if (shape[d] == 1) continue;  // size-1 dims add nothing
    sh[m] = shape[d];
    for (int k = 0; k < n; ++k) {
      const Tensor& t = *ops[k];
      int64_t off = nd - t.dim();
      int64_t td = d - off;
      int64_t s = (td < 0 || t.sizes()[td] == 1) ? 0 : t.strides()[td];
      st[k][m] = s * int64_t(itemsize(t.dtype()));
    }
    ++m;
  }
  // collapse: dim j-1 (outer) and j (inner) merge when outer stride ==
  // inner stride * inner size for every operand
  int out_nd = 0;
  for (int j = 0; j < m; ++j) {
    if (out_nd > 0) {
      bool ok = true;
      for (int k = 0; k < n && ok; ++k) ok = a.strides[k][out_nd - 1] == st[k][j] * sh[j];
      if (ok) {
        a.shape[out_nd - 1] *= sh[j];
        for (int k = 0; k < n; ++k) a.strides[k][out_nd - 1] = st[k][j];
        continue;
      }
    }
    a.shape[out_nd] = sh[j];
    for (int k = 0; k < n; ++k) a.strides[k][out_nd] = st[k][j];
    ++out_nd;
  }
  if (out_nd == 0) {  // a single element
    a.shape[0] = 1;
    for (int k = 0; k < n; ++k) a.strides[k][0] = 0;
    out_nd = 1;
  }
  a.ndim = out_nd;
  for (int k = 0; k < n; ++k) {
    a.data[k] = static_cast<char*>(ops[k]->data_ptr());
    a.dtypes[k] = ops[k]->dtype();
  }
}

// PyTorch's TensorIterator dimension order: sort dims by the inputs'
// strides (first operand decides, broadcast dims are ambiguous), so
// outputs keep the inputs' memory layout. perm[0] is the slowest dim.
void stride_order(const Tensor* const* ins, int n, IntArrayRef shape, int64_t* perm) {
  int nd = int(shape.size());
  // torch's perm_ is fastest-first; build that, then reverse
  int64_t p[kMaxDims];
  for (int i = 0; i < nd; ++i) p[i] = nd - 1 - i;
  auto stride_of = [&](int k, int64_t d) -> int64_t {
    const Tensor& t = *ins[k];
    int64_t td = d - (nd - t.dim());
    if (td < 0 || t.sizes()[td] == 1) return 0;
    return t.strides()[td];
  };
  auto should_swap = [&](int64_t d0, int64_t d1) {
    for (int k = 0; k < n; ++k) {
      int64_t s0 = stride_of(k, d0), s1 = stride_of(k, d1);
      if (s0 == 0 || s1 == 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (shape[d0] > shape[d1]) return 1;
    }
    return 0;
  };
  for (int i = 1; i < nd; ++i) {
    int d1 = i;
    for (int d0 = i - 1; d0 >= 0; --d0) {
      int c = should_swap(p[d0], p[d1]);
      if (c > 0) {
        std::swap(p[d0], p[d1]);
        d1 = d0;
      } else if (c < 0) {
        break;
      }
    }
  }
  for (int i = 0; i < nd; ++i) perm[i] = p[nd - 1 - i];
}

}  // namespace

void launch_elementwise(OpId op, const char* name, Device device, const tensor_list& operands,
                        const double* params, const bool* param_set) {
  ElementwiseArgs a;
  a.name = name;
  const Tensor* ptrs[kMaxElementwiseOperands];
  int n = int(operands.size());
  for (int k = 0; k < n; ++k) ptrs[k] = &operands[k];
  IntArrayRef shape = operands[0].sizes();
  EMBER_CHECK(shape.size() <= size_t(kMaxDims), name, ": tensors with more than ", kMaxDims, " dims are not supported");
  int64_t perm[kMaxDims];
  stride_order(ptrs, n, shape, perm);
  fill_args(a, ptrs, n, shape, perm);
  if (params)
    for (int i = 0; i < 3; ++i) {
      a.params[i] = params[i];
      a.param_set[i] = param_set ? param_set[i] : false;
    }
  if (a.numel == 0) return;
  kernel<ElementwiseFn>(op, device)(a);
}

namespace {
bool is_bool_output(const EwSpec& spec) {
  switch (spec.op) {
    case OpId::logical_not: case OpId::isnan: case OpId::isinf: case OpId::isfinite: case OpId::logical_and:
    case OpId::logical_or: case OpId::logical_xor: case OpId::isclose:
      return true;
    default:
      return spec.promote == Promote::Bool;
  }
}

// The common case, kept short: every operand a contiguous tensor of the
// same shape, dtype and device, already in the compute dtype.
bool try_fast_path(const EwSpec& spec, std::initializer_list<Operand> inputs, Tensor& result) {
  const Tensor* first = inputs.begin()->tensor;
  if (!first || !first->defined()) return false;
  TensorImpl* f = first->unsafe_impl();
  if (!f->is_contiguous()) return false;
  for (const auto& o : inputs) {
    if (!o.tensor || !o.tensor->defined()) return false;
    TensorImpl* t = o.tensor->unsafe_impl();
    if (t != f && (!t->is_contiguous() || t->dtype() != f->dtype() || t->device() != f->device() ||
                   !t->sizes().equals(f->sizes())))
      return false;
  }
  ScalarType ct = compute_type(spec, f->dtype());
  if (ct != f->dtype()) return false;
  ScalarType out_dtype = is_bool_output(spec) ? kBool : ct;
  result = make_tensor(f->sizes(), out_dtype, f->device());
  ElementwiseArgs a;
  a.name = spec.name;
  a.ndim = 1;
  a.numel = f->numel();
  a.shape[0] = a.numel;
  a.ntensors = int(inputs.size()) + 1;
  a.data[0] = static_cast<char*>(result.unsafe_impl()->data());
  a.dtypes[0] = out_dtype;
  a.strides[0][0] = int64_t(itemsize(out_dtype));
  int k = 1;
  for (const auto& o : inputs) {
    a.data[k] = static_cast<char*>(o.tensor->unsafe_impl()->data());
    a.dtypes[k] = ct;
    a.strides[k][0] = int64_t(itemsize(ct));
    ++k;
  }
  for (int i = 0; i < 3; ++i) {
    a.params[i] = spec.params[i];
    a.param_set[i] = spec.param_set[i];
  }
  if (a.numel > 0) kernel<ElementwiseFn>(spec.op, f->device())(a);
  return true;
}
}  // namespace

Tensor elementwise(const EwSpec& spec, std::initializer_list<Operand> inputs, Tensor* out) {
  if (!out) {
    Tensor result;
    if (try_fast_path(spec, inputs, result)) return result;
  }
  const int nin = int(inputs.size());
  // device and shape
  Device device(kCPU);
  const Tensor* first = nullptr;
  Shape shape;
  bool have_shape = false;
  for (const auto& o : inputs) {
    if (!o.tensor) continue;
    EMBER_CHECK(o.tensor->defined(), spec.name, ": got an undefined tensor");
    if (!first) {
      first = o.tensor;
      device = o.tensor->device();
    } else if (o.tensor->device() != device) {
      throw RuntimeError(str(spec.name, ": expected all tensors to be on the same device, got ", device, " and ",
                             o.tensor->device()));
    }
    if (!have_shape) {
      shape = o.tensor->sizes();
      have_shape = true;
    } else if (!o.tensor->sizes().equals(shape)) {
      try {
        shape = broadcast_shapes(shape, o.tensor->sizes());
      } catch (const RuntimeError& e) {
        throw RuntimeError(str(spec.name, ": ", e.what()));
      }
    }
  }
  ScalarType promoted = result_type_of(inputs);
  ScalarType ct = compute_type(spec, promoted);
  ScalarType out_dtype = is_bool_output(spec) ? kBool : ct;
  // operands in the compute dtype (a copy only where the dtype differs)
  Tensor conv[kMaxElementwiseOperands];
  int k = 0;
  for (const auto& o : inputs) {
    if (o.tensor) conv[k] = o.tensor->dtype() == ct ? *o.tensor : o.tensor->to(ct);
    else conv[k] = scalar_tensor(o.scalar, ct, device);
    ++k;
  }
  Tensor result;
  if (out) {
    EMBER_CHECK(out->sizes().equals(shape), spec.name, ": output with shape ", out->sizes(),
                " doesn't match the broadcast shape ", IntArrayRef(shape));
    EMBER_CHECK(can_cast(out_dtype, out->dtype()), spec.name, ": result type ", out_dtype,
                " can't be cast to the desired output type ", out->dtype());
    result = out->dtype() == out_dtype ? *out : make_tensor(shape, out_dtype, device);
  } else {
    // allocate with the inputs' layout
    const Tensor* ptrs[kMaxElementwiseOperands];
    int nt = 0;
    bool all_contig = true;
    for (int i = 0; i < nin; ++i)
      if (conv[i].dim() > 0) {
        ptrs[nt++] = &conv[i];
        all_contig = all_contig && conv[i].is_contiguous() && conv[i].sizes().equals(shape);
      }
    if (all_contig || shape.size() <= 1) {
      result = make_tensor(shape, out_dtype, device);
    } else {
      int64_t perm[kMaxDims];
      stride_order(ptrs, nt, shape, perm);
      Shape strides(shape.size());
      int64_t s = 1;
      for (int i = int(shape.size()) - 1; i >= 0; --i) {
        strides[perm[i]] = s;
        s *= std::max<int64_t>(shape[perm[i]], 1);
      }
      result = make_tensor(shape, out_dtype, device);
      result.unsafe_impl()->set_geometry(shape, strides, 0);
    }
  }
  tensor_list ops;
  ops.reserve(nin + 1);
  ops.push_back(result);
  for (int i = 0; i < nin; ++i) ops.push_back(conv[i]);
  launch_elementwise(spec.op, spec.name, device, ops, spec.params, spec.param_set);
  if (out && !result.is_same(*out)) out->copy_(result);
  return out ? *out : result;
}

}  // namespace detail
}  // namespace ember
