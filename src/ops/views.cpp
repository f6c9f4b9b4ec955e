// Shape and view ops. Views share storage with their input and have
// torch's strides; their backward maps the gradient back to the input's
// geometry.
#include <algorithm>
#include <numeric>

#include "ops/ops_common.h"

namespace ember {

using autograd::record;
using detail::make_view;
using detail::wrap_dim;

namespace {

// A view output remembers its base, so in-place ops on it can be caught.
Tensor view_out(const Tensor& input, Tensor out) {
  if (is_grad_enabled()) {
    auto* in_meta = input.unsafe_impl()->autograd();
    out.unsafe_impl()->autograd_mut().view_base =
        in_meta && in_meta->view_base ? in_meta->view_base : input.impl_ptr();
  }
  return out;
}

// Backward of an op that picks a region of its input: scatter the gradient
// into zeros of the input's shape. Recorded as its own op so that the
// double backward is the same region of the incoming gradient.
Tensor scatter_region(const Tensor& grad, const Shape& input_sizes,
                      const std::function<Tensor(const Tensor&)>& region) {
  Tensor z = zeros(input_sizes, grad.options());
  {
    NoGradGuard ng;
    region(z).copy_(grad);
  }
  return record("region_backward", {grad}, z, [region](const Tensor& gg) { return tensor_list{region(gg)}; });
}

// torch's computeStride: strides for viewing `old` geometry as `shape`
// without a copy, or nullopt when impossible.
std::optional<Shape> view_strides(IntArrayRef old_sizes, IntArrayRef old_strides, IntArrayRef shape) {
  Shape out(shape.size());
  if (old_sizes.empty()) {
    for (auto& s : out) s = 1;
    return out;
  }
  int64_t numel = 1;
  for (auto s : old_sizes) numel *= s;
  if (numel == 0) {
    if (old_sizes.equals(shape)) return Shape(old_strides);
    return detail::contiguous_strides(shape);
  }
  int64_t view_d = int64_t(shape.size()) - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t tensor_d = int64_t(old_sizes.size()) - 1; tensor_d >= 0; tensor_d--) {
    tensor_numel *= old_sizes[tensor_d];
    if (tensor_d == 0 ||
        (old_sizes[tensor_d - 1] != 1 && old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        view_d--;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (tensor_d > 0) {
        chunk_base_stride = old_strides[tensor_d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}

Shape infer_size(IntArrayRef shape, int64_t numel, const char* op) {
  Shape out(shape);
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      EMBER_CHECK(infer < 0, op, ": only one dimension can be inferred");
      infer = int64_t(i);
    } else {
      EMBER_CHECK(shape[i] >= 0, op, ": invalid shape dimension ", shape[i]);
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    EMBER_CHECK(known != 0 && numel % known == 0, op, ": shape '", shape, "' is invalid for input of size ", numel);
    out[infer] = numel / known;
  } else {
    EMBER_CHECK(known == numel, op, ": shape '", shape, "' is invalid for input of size ", numel);
  }
  return out;
}

Tensor reshape_alias(const Tensor& input, const Shape& shape, const Shape& strides, const char* op) {
  Tensor out = make_view(input, shape, strides, input.storage_offset());
  Shape in_sizes(input.sizes());
  out = record(op, {input}, out, [in_sizes](const Tensor& grad) { return tensor_list{grad.reshape(in_sizes)}; });
  return view_out(input, out);
}

}  // namespace

Tensor view(const Tensor& input, IntArrayRef size) {
  detail::check_defined(input, "view");
  Shape shape = infer_size(size, input.numel(), "view");
  auto st = view_strides(input.sizes(), input.strides(), shape);
  EMBER_CHECK(st.has_value(), "view: view size ", size, " is not compatible with input tensor's size ",
              input.sizes(), " and stride ", input.strides(),
              " (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
  return reshape_alias(input, shape, *st, "view");
}

Tensor reshape(const Tensor& input, IntArrayRef size) {
  detail::check_defined(input, "reshape");
  Shape shape = infer_size(size, input.numel(), "reshape");
  auto st = view_strides(input.sizes(), input.strides(), shape);
  if (st) return reshape_alias(input, shape, *st, "reshape_alias");
  Tensor c = input.contiguous();
  return reshape_alias(c, shape, detail::contiguous_strides(shape), "reshape");
}

Tensor flatten(const Tensor& input, int64_t start_dim, int64_t end_dim) {
  int64_t n = input.dim();
  if (n == 0) return input.reshape({1});
  int64_t s = wrap_dim(start_dim, n, "flatten"), e = wrap_dim(end_dim, n, "flatten");
  EMBER_CHECK_VALUE(s <= e, "flatten: start_dim cannot come after end_dim");
  if (s == e) return input;
  Shape shape;
  for (int64_t i = 0; i < s; ++i) shape.push_back(input.size(i));
  int64_t m = 1;
  for (int64_t i = s; i <= e; ++i) m *= input.size(i);
  shape.push_back(m);
  for (int64_t i = e + 1; i < n; ++i) shape.push_back(input.size(i));
  return input.reshape(shape);
}

Tensor unflatten(const Tensor& input, int64_t dim, IntArrayRef sizes) {
  int64_t d = wrap_dim(dim, input.dim(), "unflatten");
  EMBER_CHECK(!sizes.empty(), "unflatten: sizes must be non-empty");
  Shape shape;
  for (int64_t i = 0; i < d; ++i) shape.push_back(input.size(i));
  Shape inner = infer_size(sizes, input.size(d), "unflatten");
  for (auto s : inner) shape.push_back(s);
  for (int64_t i = d + 1; i < input.dim(); ++i) shape.push_back(input.size(i));
  return input.view(shape);
}

namespace {
Tensor permute_named(const Tensor& input, IntArrayRef dims, const char* name);
}  // namespace

Tensor permute(const Tensor& input, IntArrayRef dims) { return permute_named(input, dims, "permute"); }

namespace {
Tensor permute_named(const Tensor& input, IntArrayRef dims, const char* name) {
  int64_t n = input.dim();
  EMBER_CHECK(int64_t(dims.size()) == n, "permute: number of dimensions in the tensor input does not "
              "match the length of the desired ordering of dimensions i.e. input.dim() = ", n,
              " is not equal to len(dims) = ", dims.size());
  Shape sizes(n), strides(n), inverse(n);
  std::vector<bool> seen(n, false);
  for (int64_t i = 0; i < n; ++i) {
    int64_t d = wrap_dim(dims[i], n, "permute");
    EMBER_CHECK(!seen[d], "permute: repeated dim ", d, " in ", dims);
    seen[d] = true;
    sizes[i] = input.size(d);
    strides[i] = input.stride(d);
    inverse[d] = i;
  }
  Tensor out = make_view(input, sizes, strides, input.storage_offset());
  out = record(name, {input}, out, [inverse](const Tensor& grad) { return tensor_list{grad.permute(inverse)}; });
  return view_out(input, out);
}
}  // namespace

Tensor transpose(const Tensor& input, int64_t dim0, int64_t dim1) {
  int64_t n = input.dim();
  if (n == 0) {
    wrap_dim(dim0, n, "transpose");
    wrap_dim(dim1, n, "transpose");
    return input;
  }
  int64_t a = wrap_dim(dim0, n, "transpose"), b = wrap_dim(dim1, n, "transpose");
  Shape perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm[a], perm[b]);
  return permute_named(input, perm, "transpose");
}

Tensor t(const Tensor& input) {
  EMBER_CHECK(input.dim() <= 2, "t() expects a tensor with <= 2 dimensions, but self is ", input.dim(), "D");
  if (input.dim() < 2) return reshape_alias(input, Shape(input.sizes()), Shape(input.strides()), "t");
  return permute_named(input, {1, 0}, "t");
}

Tensor expand(const Tensor& input, IntArrayRef size) {
  int64_t n = int64_t(size.size()), in = input.dim();
  EMBER_CHECK(n >= in, "expand: the number of sizes provided (", n,
              ") must be greater or equal to the number of dimensions in the tensor (", in, ")");
  Shape sizes(n), strides(n);
  for (int64_t i = n - 1; i >= 0; --i) {
    int64_t j = i - (n - in);
    int64_t target = size[i];
    if (j < 0) {
      EMBER_CHECK(target >= 0, "expand: the expanded size of the tensor (", target,
                  ") isn't allowed in a leading, non-existing dimension ", i);
      sizes[i] = target;
      strides[i] = 0;
      continue;
    }
    int64_t cur = input.size(j);
    if (target == -1) target = cur;
    EMBER_CHECK(cur == target || cur == 1, "expand: the expanded size of the tensor (", target,
                ") must match the existing size (", cur, ") at non-singleton dimension ", i, ".  Target sizes: ",
                size, ".  Tensor sizes: ", input.sizes());
    sizes[i] = target;
    strides[i] = cur == target ? input.stride(j) : 0;
  }
  if (sizes == Shape(input.sizes())) return input;
  Tensor out = make_view(input, sizes, strides, input.storage_offset());
  // the engine sums the gradient back over the expanded dims
  out = record("expand", {input}, out, [](const Tensor& grad) { return tensor_list{grad}; });
  return view_out(input, out);
}
Tensor broadcast_to(const Tensor& input, IntArrayRef size) { return expand(input, size); }
Tensor Tensor::expand_as(const Tensor& other) const { return ember::expand(*this, other.sizes()); }

Tensor sum_to_size(const Tensor& input, IntArrayRef size) {
  if (input.sizes().equals(size)) return input;
  int64_t lead = input.dim() - int64_t(size.size());
  EMBER_CHECK(lead >= 0, "sum_to_size: size ", size, " is not expandable to size ", input.sizes());
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < lead; ++i) dims.push_back(i);
  for (int64_t i = 0; i < int64_t(size.size()); ++i) {
    if (size[i] == 1 && input.size(lead + i) != 1) dims.push_back(lead + i);
    else EMBER_CHECK(size[i] == input.size(lead + i), "sum_to_size: size ", size, " is not expandable to size ",
                     input.sizes());
  }
  Tensor r = dims.empty() ? input : sum(input, dims, true);
  if (lead > 0 || !r.sizes().equals(size)) r = r.reshape(size);
  return r;
}

Tensor repeat(const Tensor& input, IntArrayRef repeats) {
  int64_t n = int64_t(repeats.size());
  EMBER_CHECK(n >= input.dim(), "repeat: number of dimensions of repeat dims can not be smaller than number of "
              "dimensions of tensor");
  for (auto r : repeats) EMBER_CHECK(r >= 0, "repeat: trying to create tensor with negative dimension ", r);
  // x viewed as [1, s0, 1, s1, ...] expanded to [r0, s0, r1, s1, ...]
  Shape padded(n, 1);
  for (int64_t i = 0; i < input.dim(); ++i) padded[n - input.dim() + i] = input.size(i);
  Shape inter, expanded, final_shape;
  for (int64_t i = 0; i < n; ++i) {
    inter.push_back(1);
    inter.push_back(padded[i]);
    expanded.push_back(repeats[i]);
    expanded.push_back(padded[i]);
    final_shape.push_back(repeats[i] * padded[i]);
  }
  return input.reshape(inter).expand(expanded).contiguous().view(final_shape);
}

Tensor squeeze(const Tensor& input) {
  Shape sizes, strides;
  for (int64_t i = 0; i < input.dim(); ++i)
    if (input.size(i) != 1) {
      sizes.push_back(input.size(i));
      strides.push_back(input.stride(i));
    }
  if (int64_t(sizes.size()) == input.dim()) return reshape_alias(input, Shape(input.sizes()), Shape(input.strides()), "squeeze");
  return reshape_alias(input, sizes, strides, "squeeze");
}
Tensor squeeze(const Tensor& input, int64_t dim) {
  int64_t d = wrap_dim(dim, input.dim(), "squeeze");
  if (input.dim() == 0 || input.size(d) != 1) return reshape_alias(input, Shape(input.sizes()), Shape(input.strides()), "squeeze");
  Shape sizes(input.sizes()), strides(input.strides());
  sizes.erase(d);
  strides.erase(d);
  return reshape_alias(input, sizes, strides, "squeeze");
}
Tensor unsqueeze(const Tensor& input, int64_t dim) {
  int64_t d = wrap_dim(dim, input.dim() + 1, "unsqueeze");
  Shape sizes(input.sizes()), strides(input.strides());
  int64_t st = d < input.dim() ? input.stride(d) * input.size(d) : 1;
  sizes.insert(d, 1);
  strides.insert(d, st);
  return reshape_alias(input, sizes, strides, "unsqueeze");
}

Tensor slice(const Tensor& input, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step) {
  EMBER_CHECK_INDEX(input.dim() > 0, "slice() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, input.dim(), "slice");
  EMBER_CHECK_VALUE(step > 0, "slice: step must be greater than zero, got ", step);
  int64_t n = input.size(d);
  int64_t s = start.value_or(0), e = end.value_or(n);
  if (s < 0) s += n;
  if (e < 0) e += n;
  s = std::clamp<int64_t>(s, 0, n);
  e = std::clamp<int64_t>(e, s, n);
  int64_t len = (e - s + step - 1) / step;
  Shape sizes(input.sizes()), strides(input.strides());
  sizes[d] = len;
  strides[d] = input.stride(d) * step;
  Tensor out = make_view(input, sizes, strides, input.storage_offset() + s * input.stride(d));
  Shape in_sizes(input.sizes());
  out = record("slice", {input}, out, [in_sizes, d, s, e, step](const Tensor& grad) {
    return tensor_list{scatter_region(grad, in_sizes, [=](const Tensor& z) { return z.slice(d, s, e, step); })};
  });
  return view_out(input, out);
}

Tensor narrow(const Tensor& input, int64_t dim, int64_t start, int64_t length) {
  EMBER_CHECK_INDEX(input.dim() > 0, "narrow() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, input.dim(), "narrow");
  int64_t n = input.size(d);
  EMBER_CHECK_INDEX(start >= -n && start <= n, "narrow: start (", start, ") is out of bounds for dim ", d,
                    " of size ", n);
  if (start < 0) start += n;
  EMBER_CHECK(length >= 0 && start + length <= n, "narrow: start (", start, ") + length (", length,
              ") exceeds dimension size (", n, ").");
  return slice(input, d, start, start + length, 1);
}

Tensor unfold(const Tensor& input, int64_t dimension, int64_t size, int64_t step) {
  const int64_t nd = std::max<int64_t>(input.dim(), 1);
  const int64_t d = wrap_dim(dimension, nd, "unfold");
  const int64_t n = input.dim() == 0 ? 1 : input.size(d);
  const int64_t st = input.dim() == 0 ? 1 : input.stride(d);
  EMBER_CHECK(size <= n, "unfold: maximum size for tensor at dimension ", d, " is ", n, " but size is ", size);
  EMBER_CHECK(size >= 0, "unfold: size is ", size, " but must be >= 0");
  EMBER_CHECK(step > 0, "unfold: step is ", step, " but must be > 0");
  Shape sizes(input.sizes()), strides(input.strides());
  const int64_t windows = (n - size) / step + 1;
  if (input.dim() > 0) {
    sizes[d] = windows;
    strides[d] = st * step;
  }
  sizes.push_back(size);
  strides.push_back(st);
  Tensor out = make_view(input, sizes, strides, input.storage_offset());
  Shape in_sizes(input.sizes());
  out = record("unfold", {input}, out, [in_sizes, d, size, step, windows](const Tensor& grad) {
    // Windows overlap when step < size: each input element gets the sum of
    // the window entries that read it, an index_add along d.
    if (in_sizes.empty()) return tensor_list{size == 0 ? zeros({}, grad.options()) : grad.reshape({})};
    Tensor g = movedim(grad, {grad.dim() - 1}, {d + 1});  // [..., windows, size, ...]
    Shape merged(in_sizes);
    merged[d] = windows * size;
    g = g.reshape(merged);
    Tensor idx = (arange(windows, kInt64).unsqueeze(1) * step + arange(size, kInt64).unsqueeze(0)).reshape({-1});
    return tensor_list{index_add(zeros(in_sizes, grad.options()), d, idx, g)};
  });
  return view_out(input, out);
}

Tensor select(const Tensor& input, int64_t dim, int64_t index) {
  EMBER_CHECK_INDEX(input.dim() > 0, "select() cannot be applied to a 0-dim tensor.");
  int64_t d = wrap_dim(dim, input.dim(), "select");
  int64_t n = input.size(d);
  EMBER_CHECK_INDEX(index >= -n && index < n, "select: index ", index, " is out of bounds for dimension ", d,
                    " with size ", n);
  if (index < 0) index += n;
  Shape sizes(input.sizes()), strides(input.strides());
  sizes.erase(d);
  strides.erase(d);
  Tensor out = make_view(input, sizes, strides, input.storage_offset() + index * input.stride(d));
  Shape in_sizes(input.sizes());
  out = record("select", {input}, out, [in_sizes, d, index](const Tensor& grad) {
    return tensor_list{scatter_region(grad, in_sizes, [=](const Tensor& z) { return z.select(d, index); })};
  });
  return view_out(input, out);
}

tensor_list split(const Tensor& input, int64_t split_size, int64_t dim) {
  EMBER_CHECK_INDEX(input.dim() > 0, "split expects at least a 1-dimensional tensor");
  int64_t d = wrap_dim(dim, input.dim(), "split");
  int64_t n = input.size(d);
  EMBER_CHECK(split_size > 0 || (split_size == 0 && n == 0), "split: split_size can only be 0 if dimension size is 0, but got dimension size of ", n);
  tensor_list out;
  if (n == 0) return {input};
  for (int64_t s = 0; s < n; s += split_size) out.push_back(narrow(input, d, s, std::min(split_size, n - s)));
  return out;
}
tensor_list split(const Tensor& input, IntArrayRef sizes, int64_t dim) {
  int64_t d = wrap_dim(dim, input.dim(), "split_with_sizes");
  int64_t total = 0;
  for (auto s : sizes) {
    EMBER_CHECK(s >= 0, "split_with_sizes: got negative split size ", s);
    total += s;
  }
  EMBER_CHECK(total == input.size(d), "split_with_sizes expects split_sizes to sum exactly to ", input.size(d),
              " (input tensor's size at dimension ", d, "), but got split_sizes=", sizes);
  tensor_list out;
  int64_t start = 0;
  for (auto s : sizes) {
    out.push_back(narrow(input, d, start, s));
    start += s;
  }
  return out;
}
tensor_list chunk(const Tensor& input, int64_t chunks, int64_t dim) {
  EMBER_CHECK(chunks > 0, "chunk expects `chunks` to be greater than 0, got: ", chunks);
  int64_t d = wrap_dim(dim, input.dim(), "chunk");
  int64_t n = input.size(d);
  int64_t size = (n + chunks - 1) / chunks;
  if (size == 0) size = 1;
  if (n == 0) {
    tensor_list out;
    for (int64_t i = 0; i < chunks; ++i) out.push_back(narrow(input, d, 0, 0));
    return out;
  }
  return split(input, size, d);
}
tensor_list unbind(const Tensor& input, int64_t dim) {
  int64_t d = wrap_dim(dim, input.dim(), "unbind");
  tensor_list out;
  for (int64_t i = 0; i < input.size(d); ++i) out.push_back(select(input, d, i));
  return out;
}

Tensor cat(const tensor_list& tensors, int64_t dim) {
  EMBER_CHECK(!tensors.empty(), "cat(): expected a non-empty list of Tensors");
  // legacy: 1-D empty tensors are skipped
  const Tensor* ref = nullptr;
  for (auto& t : tensors) {
    detail::check_defined(t, "cat");
    if (!(t.dim() == 1 && t.numel() == 0)) {
      ref = &t;
      break;
    }
  }
  if (!ref) ref = &tensors[0];
  EMBER_CHECK(ref->dim() > 0, "cat: zero-dimensional tensor cannot be concatenated");
  int64_t d = wrap_dim(dim, ref->dim(), "cat");
  ScalarType dt = tensors[0].dtype();
  Shape shape(ref->sizes());
  int64_t total = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    dt = promote_types(dt, t.dtype());
    EMBER_CHECK(t.device() == ref->device(), "cat: expected all tensors to be on the same device, got ", ref->device(),
                " and ", t.device());
    if (t.dim() == 1 && t.numel() == 0) continue;
    EMBER_CHECK(t.dim() == ref->dim(), "cat: tensors must have same number of dimensions: got ", ref->dim(), " and ",
                t.dim());
    for (int64_t j = 0; j < t.dim(); ++j)
      EMBER_CHECK(j == d || t.size(j) == ref->size(j), "cat: sizes of tensors must match except in dimension ", d,
                  ". Expected size ", ref->size(j), " but got size ", t.size(j), " for tensor number ", i,
                  " in the list (shapes ", ref->sizes(), " and ", t.sizes(), ")");
    total += t.size(d);
  }
  shape[d] = total;
  Tensor out = detail::make_tensor(shape, dt, ref->device());
  std::vector<int64_t> offsets;
  {
    NoGradGuard ng;
    int64_t off = 0;
    for (auto& t : tensors) {
      offsets.push_back(off);
      if (t.dim() == 1 && t.numel() == 0) continue;
      out.narrow(d, off, t.size(d)).copy_(t);
      off += t.size(d);
    }
  }
  if (!autograd::detail::any_requires_grad(tensors)) return out;
  std::vector<int64_t> lens;
  for (auto& t : tensors) lens.push_back(t.dim() == 1 && t.numel() == 0 ? -1 : t.size(d));
  tensor_list outs{out};
  autograd::record_multi("cat", tensors, outs, [d, offsets, lens](const tensor_list& grads) {
    tensor_list r;
    for (size_t i = 0; i < lens.size(); ++i)
      r.push_back(lens[i] < 0 ? Tensor() : grads[0].narrow(d, offsets[i], lens[i]));
    return r;
  });
  return outs[0];
}

Tensor stack(const tensor_list& tensors, int64_t dim) {
  EMBER_CHECK(!tensors.empty(), "stack expects a non-empty TensorList");
  int64_t d = wrap_dim(dim, tensors[0].dim() + 1, "stack");
  for (size_t i = 1; i < tensors.size(); ++i)
    EMBER_CHECK(tensors[i].sizes().equals(tensors[0].sizes()), "stack expects each tensor to be equal size, but got ",
                tensors[0].sizes(), " at entry 0 and ", tensors[i].sizes(), " at entry ", i);
  tensor_list u;
  for (auto& t : tensors) u.push_back(t.unsqueeze(d));
  return cat(u, d);
}

Tensor flip(const Tensor& input, IntArrayRef dims) {
  auto mask = detail::dim_mask(dims, input.dim(), "flip");
  if (dims.empty()) std::fill(mask.begin(), mask.end(), false);
  Shape strides(input.strides());
  int64_t offset = input.storage_offset();
  for (int64_t i = 0; i < input.dim(); ++i)
    if (mask[i] && input.size(i) > 0) {
      offset += (input.size(i) - 1) * strides[i];
      strides[i] = -strides[i];
    }
  // a negative-stride alias, then a copy: flip returns new memory, as torch
  Tensor out = empty_like(input);  // torch keeps the input's memory layout
  if (input.numel() > 0)
    detail::launch_elementwise(OpId::copy, "flip", input.device(),
                               {out, make_view(input, input.sizes(), strides, offset)});
  std::vector<int64_t> dv(dims.begin(), dims.end());
  return record("flip", {input}, out, [dv](const Tensor& grad) { return tensor_list{grad.flip(dv)}; });
}

Tensor roll(const Tensor& input, IntArrayRef shifts, IntArrayRef dims) {
  if (dims.empty()) {
    EMBER_CHECK(shifts.size() == 1, "roll: shifts and dims must have the same length when dims is given");
    return roll(input.flatten(), shifts, {0}).view(input.sizes());
  }
  EMBER_CHECK(shifts.size() == dims.size(), "roll: shifts and dimensions must align. shifts: ", shifts.size(),
              ", dims:", dims.size());
  Tensor out = input;
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = wrap_dim(dims[i], input.dim(), "roll");
    int64_t n = input.size(d);
    if (n == 0) continue;
    int64_t s = ((shifts[i] % n) + n) % n;
    if (s == 0) continue;
    out = cat({out.narrow(d, n - s, s), out.narrow(d, 0, n - s)}, d);
  }
  return out.is_same(input) ? input.clone() : out;
}

Tensor diagonal(const Tensor& input, int64_t offset, int64_t dim1, int64_t dim2) {
  int64_t n = input.dim();
  EMBER_CHECK_INDEX(n >= 2, "diagonal: expected a tensor with at least 2 dims, got ", n);
  int64_t a = wrap_dim(dim1, n, "diagonal"), b = wrap_dim(dim2, n, "diagonal");
  EMBER_CHECK(a != b, "diagonal dimensions cannot be identical ", dim1, ", ", dim2);
  int64_t len, off = input.storage_offset();
  if (offset >= 0) {
    len = std::max<int64_t>(std::min(input.size(a), input.size(b) - offset), 0);
    if (len > 0) off += offset * input.stride(b);
  } else {
    len = std::max<int64_t>(std::min(input.size(a) + offset, input.size(b)), 0);
    if (len > 0) off -= offset * input.stride(a);
  }
  Shape sizes, strides;
  for (int64_t i = 0; i < n; ++i)
    if (i != a && i != b) {
      sizes.push_back(input.size(i));
      strides.push_back(input.stride(i));
    }
  sizes.push_back(len);
  strides.push_back(input.stride(a) + input.stride(b));
  Tensor out = make_view(input, sizes, strides, off);
  Shape in_sizes(input.sizes());
  out = record("diagonal", {input}, out, [in_sizes, offset, a, b](const Tensor& grad) {
    return tensor_list{scatter_region(grad, in_sizes, [=](const Tensor& z) { return z.diagonal(offset, a, b); })};
  });
  return view_out(input, out);
}

Tensor as_strided(const Tensor& input, IntArrayRef size, IntArrayRef stride, std::optional<int64_t> storage_offset) {
  EMBER_CHECK(size.size() == stride.size(), "as_strided: mismatch in length of strides and shape");
  int64_t off = storage_offset.value_or(input.storage_offset());
  EMBER_CHECK(off >= 0, "as_strided: negative storage offset ", off);
  // bounds: the largest element reached must lie inside the storage
  int64_t max_index = off;
  bool empty = false;
  for (size_t i = 0; i < size.size(); ++i) {
    EMBER_CHECK(size[i] >= 0, "as_strided: negative size ", size[i]);
    EMBER_CHECK(stride[i] >= 0, "as_strided: negative strides are not supported, got ", stride);
    if (size[i] == 0) empty = true;
    int64_t step;
    EMBER_CHECK(!__builtin_mul_overflow(size[i] > 0 ? size[i] - 1 : 0, stride[i], &step) &&
                    !__builtin_add_overflow(max_index, step, &max_index),
                "as_strided: size ", size, " and stride ", stride, " reach past any storage (overflow)");
  }
  int64_t capacity = int64_t(input.unsafe_impl()->storage()->nbytes / input.element_size());
  EMBER_CHECK(empty || max_index < capacity, "as_strided: setStorage: sizes ", size, ", strides ", stride,
              ", storage offset ", off, " require ", (max_index + 1) * int64_t(input.element_size()),
              " bytes but the storage has ", capacity * int64_t(input.element_size()));
  Tensor out = make_view(input, size, stride, off);
  Shape in_sizes(input.sizes()), in_strides(input.strides());
  int64_t in_off = input.storage_offset();
  Shape sz(size), st(stride);
  out = record("as_strided", {input}, out, [in_sizes, in_strides, in_off, sz, st, off](const Tensor& grad) {
    // The gradient of each storage element is the sum over the view
    // elements that alias it (views may overlap). Positions are taken
    // relative to the input's offset; the input is assumed contiguous from
    // there (the common case, as torch's as_strided_backward fast path).
    int64_t n = 1;
    for (auto v : in_sizes) n *= v;
    Tensor pos = zeros(sz, kInt64);
    for (size_t d = 0; d < sz.size(); ++d) {
      Shape shape(sz.size(), 1);
      shape[d] = sz[d];
      pos = pos + arange(sz[d], kInt64).view(shape) * st[d];
    }
    pos = pos + (off - in_off);
    Tensor flat = zeros({n}, grad.options());
    Tensor valid = logical_and(pos >= 0, pos < n);
    Tensor idx = masked_select(pos, valid);
    Tensor vals = masked_select(grad, valid);
    return tensor_list{index_add(flat, 0, idx, vals).view(in_sizes)};
  });
  return view_out(input, out);
}

// ---------------- method forms ----------------
Tensor Tensor::view(IntArrayRef size) const { return ember::view(*this, size); }
Tensor Tensor::view(ScalarType t) const {
  EMBER_CHECK(itemsize(t) == element_size(), "view(dtype): only dtypes of the same size are supported here, got ",
              dtype(), " and ", t);
  Tensor out = make_view(*this, sizes(), strides(), storage_offset());
  out.unsafe_impl()->set_dtype(t);
  return out;
}
Tensor Tensor::reshape(IntArrayRef s) const { return ember::reshape(*this, s); }
Tensor Tensor::view_as(const Tensor& o) const { return ember::view(*this, o.sizes()); }
Tensor Tensor::reshape_as(const Tensor& o) const { return ember::reshape(*this, o.sizes()); }
Tensor Tensor::flatten(int64_t s, int64_t e) const { return ember::flatten(*this, s, e); }
Tensor Tensor::unflatten(int64_t d, IntArrayRef s) const { return ember::unflatten(*this, d, s); }
Tensor Tensor::permute(IntArrayRef d) const { return ember::permute(*this, d); }
Tensor Tensor::transpose(int64_t a, int64_t b) const { return ember::transpose(*this, a, b); }
Tensor Tensor::t() const { return ember::t(*this); }
Tensor Tensor::mT() const {
  EMBER_CHECK(dim() >= 2, "tensor.mT is only supported on matrices or batches of matrices. Got ", dim(), "-D tensor.");
  return ember::transpose(*this, -2, -1);
}
Tensor Tensor::expand(IntArrayRef s) const { return ember::expand(*this, s); }
Tensor Tensor::repeat(IntArrayRef r) const { return ember::repeat(*this, r); }
Tensor Tensor::squeeze() const { return ember::squeeze(*this); }
Tensor Tensor::squeeze(int64_t d) const { return ember::squeeze(*this, d); }
Tensor Tensor::unsqueeze(int64_t d) const { return ember::unsqueeze(*this, d); }
Tensor Tensor::narrow(int64_t d, int64_t s, int64_t l) const { return ember::narrow(*this, d, s, l); }
Tensor Tensor::unfold(int64_t d, int64_t size, int64_t step) const { return ember::unfold(*this, d, size, step); }
Tensor Tensor::select(int64_t d, int64_t i) const { return ember::select(*this, d, i); }
Tensor Tensor::slice(int64_t d, std::optional<int64_t> s, std::optional<int64_t> e, int64_t st) const {
  return ember::slice(*this, d, s, e, st);
}
tensor_list Tensor::chunk(int64_t c, int64_t d) const { return ember::chunk(*this, c, d); }
tensor_list Tensor::split(int64_t s, int64_t d) const { return ember::split(*this, s, d); }
tensor_list Tensor::split(IntArrayRef s, int64_t d) const { return ember::split(*this, s, d); }
tensor_list Tensor::unbind(int64_t d) const { return ember::unbind(*this, d); }
Tensor Tensor::flip(IntArrayRef d) const { return ember::flip(*this, d); }
Tensor Tensor::roll(IntArrayRef s, IntArrayRef d) const { return ember::roll(*this, s, d); }
Tensor Tensor::diagonal(int64_t o, int64_t a, int64_t b) const { return ember::diagonal(*this, o, a, b); }
Tensor Tensor::as_strided(IntArrayRef s, IntArrayRef st, std::optional<int64_t> o) const {
  return ember::as_strided(*this, s, st, o);
}

}  // namespace ember
