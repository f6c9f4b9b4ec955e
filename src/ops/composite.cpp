// Ops composed from other ember ops, with torch 1.13's semantics: stacking
// and moving dims, diagonals, products, a few elementwise ops, reductions,
// scans, counting and searching. None has a kernel or a backward formula of
// its own; autograd differentiates the composition. Index computations
// (scans, medians, searches) run under NoGradGuard and the values are then
// read with gather, so gradients go where torch sends them.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ops/ops_common.h"

namespace ember {

namespace {

using Dims = std::vector<int64_t>;

TensorOptions opts(ScalarType t, Device d) { return TensorOptions().dtype(t).device(d); }

void check_list(const tensor_list& ts, const char* op) {
  EMBER_CHECK(!ts.empty(), op, ": expected a non-empty list of tensors");
  for (const auto& t : ts) detail::check_defined(t, op);
}

// Runs f; an ember error from the ops it composes gets `op: ` in front, so
// the message names the op the user called. The error type is kept.
template <typename F>
auto named(const char* op, F f) -> decltype(f()) {
  auto prefix = [op](const Error& e) { return detail::str(op, ": ", e.what()); };
  try {
    return f();
  } catch (const IndexError& e) {
    throw IndexError(prefix(e));
  } catch (const TypeError& e) {
    throw TypeError(prefix(e));
  } catch (const ValueError& e) {
    throw ValueError(prefix(e));
  } catch (const NotImplementedError& e) {
    throw NotImplementedError(prefix(e));
  } catch (const RuntimeError& e) {
    throw RuntimeError(prefix(e));
  }
}

Tensor atleast_1d(const Tensor& t) { return t.dim() == 0 ? t.reshape({1}) : t; }
Tensor atleast_2d(const Tensor& t) {
  if (t.dim() == 0) return t.reshape({1, 1});
  return t.dim() == 1 ? t.unsqueeze(0) : t;
}
Tensor atleast_3d(const Tensor& t) {
  if (t.dim() == 0) return t.reshape({1, 1, 1});
  if (t.dim() == 1) return t.unsqueeze(0).unsqueeze(-1);  // [N] -> [1, N, 1]
  return t.dim() == 2 ? t.unsqueeze(-1) : t;
}

Dims wrap_dims(IntArrayRef dims, int64_t ndim, const char* op, const char* what) {
  Dims out;
  std::vector<bool> seen(size_t(std::max<int64_t>(ndim, 1)), false);
  for (int64_t d : dims) {
    int64_t w = detail::wrap_dim(d, ndim, op);
    EMBER_CHECK(!seen[size_t(w)], op, ": repeated dim in `", what, "` (", dims, ")");
    seen[size_t(w)] = true;
    out.push_back(w);
  }
  return out;
}

// arange(n) shaped to broadcast along dim d of an ndim-dims tensor.
Tensor arange_along(int64_t n, int64_t d, int64_t ndim, Device device) {
  Dims shape(size_t(ndim), 1);
  shape[size_t(d)] = n;
  return arange(n, opts(kInt64, device)).reshape(shape);
}

int64_t item_i64(const Tensor& t) { return t.to(kInt64).item<int64_t>(); }

}  // namespace

// ------------------------------------------------------------ stacking

Tensor hstack(const tensor_list& tensors) {
  check_list(tensors, "hstack");
  tensor_list ts;
  for (const auto& t : tensors) ts.push_back(atleast_1d(t));
  return named("hstack", [&] { return cat(ts, ts[0].dim() == 1 ? 0 : 1); });
}

Tensor vstack(const tensor_list& tensors) {
  check_list(tensors, "vstack");
  tensor_list ts;
  for (const auto& t : tensors) ts.push_back(atleast_2d(t));
  return named("vstack", [&] { return cat(ts, 0); });
}

Tensor dstack(const tensor_list& tensors) {
  check_list(tensors, "dstack");
  tensor_list ts;
  for (const auto& t : tensors) ts.push_back(atleast_3d(t));
  return named("dstack", [&] { return cat(ts, 2); });
}

Tensor column_stack(const tensor_list& tensors) {
  check_list(tensors, "column_stack");
  tensor_list ts;
  for (const auto& t : tensors) ts.push_back(t.dim() <= 1 ? t.reshape({t.numel(), 1}) : t);
  return named("column_stack", [&] { return cat(ts, 1); });
}

tensor_list meshgrid(const tensor_list& tensors, const std::string& indexing) {
  check_list(tensors, "meshgrid");
  EMBER_CHECK(indexing == "ij" || indexing == "xy",
                    "meshgrid: indexing must be one of \"xy\" or \"ij\", but received: ", indexing);
  for (const auto& t : tensors) {
    EMBER_CHECK(t.dim() <= 1, "meshgrid: expected 0-D or 1-D tensors, got a tensor of shape ", t.sizes());
    EMBER_CHECK(t.dtype() == tensors[0].dtype(), "meshgrid: expected all tensors to have the same dtype, got ",
                tensors[0].dtype(), " and ", t.dtype());
    EMBER_CHECK(t.device() == tensors[0].device(), "meshgrid: expected all tensors on the same device, got ",
                tensors[0].device(), " and ", t.device());
  }
  // "xy" is "ij" with the first two inputs (and then outputs) swapped
  tensor_list ts = tensors;
  const bool swap = indexing == "xy" && ts.size() >= 2;
  if (swap) std::swap(ts[0], ts[1]);
  const int64_t n = int64_t(ts.size());
  Dims shape;
  for (const auto& t : ts) shape.push_back(t.numel());
  tensor_list grids;
  for (int64_t i = 0; i < n; ++i) {
    Dims view(size_t(n), 1);
    view[size_t(i)] = shape[size_t(i)];
    grids.push_back(ts[size_t(i)].reshape(view).expand(shape));
  }
  if (swap) std::swap(grids[0], grids[1]);
  return grids;
}

Tensor movedim(const Tensor& input, IntArrayRef source, IntArrayRef destination) {
  detail::check_defined(input, "movedim");
  EMBER_CHECK(source.size() == destination.size(), "movedim: Invalid source or destination dims: source (",
              source, " dims) should contain the same number of dims as destination (", destination, " dims)");
  const int64_t n = input.dim();
  Dims src = wrap_dims(source, n, "movedim", "source");
  Dims dst = wrap_dims(destination, n, "movedim", "destination");
  if (n == 0) return input.view(input.sizes());
  Dims perm(size_t(n), -1);
  std::vector<bool> moved(size_t(n), false);
  for (size_t i = 0; i < src.size(); ++i) {
    perm[size_t(dst[i])] = src[i];
    moved[size_t(src[i])] = true;
  }
  // the dims not moved fill the free slots in their order
  int64_t next = 0;
  for (auto& p : perm) {
    if (p >= 0) continue;
    while (moved[size_t(next)]) ++next;
    p = next++;
  }
  return permute(input, perm);
}

Tensor moveaxis(const Tensor& input, IntArrayRef source, IntArrayRef destination) {
  return movedim(input, source, destination);
}

tensor_list tensor_split(const Tensor& input, int64_t sections, int64_t dim) {
  detail::check_defined(input, "tensor_split");
  EMBER_CHECK(input.dim() > 0, "tensor_split: expected at least a 1-dimensional tensor, but got a tensor with 0 dims");
  EMBER_CHECK(sections > 0, "tensor_split: number of sections must be larger than 0, got ", sections);
  const int64_t d = detail::wrap_dim(dim, input.dim(), "tensor_split");
  const int64_t size = input.size(d), base = size / sections, extra = size % sections;
  tensor_list out;
  int64_t start = 0;
  for (int64_t i = 0; i < sections; ++i) {
    int64_t len = base + (i < extra ? 1 : 0);
    out.push_back(narrow(input, d, start, len));
    start += len;
  }
  return out;
}

tensor_list tensor_split_indices(const Tensor& input, IntArrayRef indices, int64_t dim) {
  detail::check_defined(input, "tensor_split");
  EMBER_CHECK(input.dim() > 0, "tensor_split: expected at least a 1-dimensional tensor, but got a tensor with 0 dims");
  const int64_t d = detail::wrap_dim(dim, input.dim(), "tensor_split");
  tensor_list out;
  std::optional<int64_t> start = 0;
  for (int64_t i : indices) {
    out.push_back(slice(input, d, start, i));  // Python slicing: negative wraps, clamped
    start = i;
  }
  out.push_back(slice(input, d, start, std::nullopt));
  return out;
}

Tensor tile(const Tensor& input, IntArrayRef dims) {
  detail::check_defined(input, "tile");
  Dims reps(dims.begin(), dims.end());
  if (int64_t(reps.size()) < input.dim()) reps.insert(reps.begin(), size_t(input.dim()) - reps.size(), 1);
  return named("tile", [&] { return repeat(input, reps); });
}

Tensor repeat_interleave(const Tensor& repeats) {
  detail::check_defined(repeats, "repeat_interleave");
  EMBER_CHECK(repeats.dim() <= 1, "repeat_interleave: repeats must be a 0-dim or 1-dim tensor, got shape ",
              repeats.sizes());
  EMBER_CHECK(is_integral(repeats.dtype()) && repeats.dtype() != kBool,
              "repeat_interleave: repeats must be an integer tensor, got ", repeats.dtype());
  Tensor r = repeats.reshape({-1}).to(kInt64).cpu().contiguous();
  const int64_t* p = r.data_ptr<int64_t>();
  std::vector<int64_t> idx;
  for (int64_t i = 0; i < r.numel(); ++i) {
    EMBER_CHECK(p[i] >= 0, "repeat_interleave: repeats can not be negative, got ", p[i], " at index ", i);
    idx.insert(idx.end(), size_t(p[i]), i);
  }
  return tensor(idx).to(repeats.device());
}

Tensor repeat_interleave(const Tensor& input, int64_t repeats, std::optional<int64_t> dim) {
  detail::check_defined(input, "repeat_interleave");
  EMBER_CHECK(repeats >= 0, "repeat_interleave: repeats can not be negative, got ", repeats);
  Tensor x = dim ? atleast_1d(input) : input.reshape({-1});
  const int64_t d = dim ? detail::wrap_dim(*dim, x.dim(), "repeat_interleave") : 0;
  // [.., N, ..] -> [.., N, r, ..] -> [.., N * r, ..]
  Dims shape = x.sizes().vec();
  shape.insert(shape.begin() + d + 1, repeats);
  return x.unsqueeze(d + 1).expand(shape).flatten(d, d + 1);
}

Tensor repeat_interleave(const Tensor& input, const Tensor& repeats, std::optional<int64_t> dim) {
  detail::check_defined(input, "repeat_interleave");
  detail::check_defined(repeats, "repeat_interleave");
  EMBER_CHECK(repeats.dim() <= 1, "repeat_interleave: repeats must be a 0-dim or 1-dim tensor, got shape ",
              repeats.sizes());
  if (repeats.numel() == 1) return repeat_interleave(input, item_i64(repeats), dim);
  Tensor x = dim ? atleast_1d(input) : input.reshape({-1});
  const int64_t d = dim ? detail::wrap_dim(*dim, x.dim(), "repeat_interleave") : 0;
  EMBER_CHECK(repeats.numel() == x.size(d), "repeat_interleave: repeats must have the same size as input along dim, "
              "but got repeats of shape ", repeats.sizes(), " and input of shape ", input.sizes(),
              dim ? detail::str(" at dim ", *dim) : std::string(" (flattened)"));
  return index_select(x, d, repeat_interleave(repeats).to(x.device()));
}

Tensor rot90(const Tensor& input, int64_t k, IntArrayRef dims) {
  detail::check_defined(input, "rot90");
  EMBER_CHECK(dims.size() == 2, "rot90: expected total rotation dims == 2, but got dims = ", dims.size());
  EMBER_CHECK(input.dim() >= 2, "rot90: expected total dims >= 2, but got total dims = ", input.dim());
  const int64_t d0 = detail::wrap_dim(dims[0], input.dim(), "rot90");
  const int64_t d1 = detail::wrap_dim(dims[1], input.dim(), "rot90");
  EMBER_CHECK(d0 != d1, "rot90: expected rotation dims to be different, but got dim0 = ", dims[0],
              " and dim1 = ", dims[1]);
  switch (((k % 4) + 4) % 4) {
    case 1: return flip(input, {d1}).transpose(d0, d1);
    case 2: return flip(input, {d0, d1});
    case 3: return flip(input, {d0}).transpose(d0, d1);
    default: return input.clone();
  }
}

// ------------------------------------------------------------ diagonals

Tensor diag_embed(const Tensor& input, int64_t offset, int64_t dim1, int64_t dim2) {
  detail::check_defined(input, "diag_embed");
  const int64_t nd = input.dim() + 1;
  const int64_t d1 = detail::wrap_dim(dim1, nd, "diag_embed"), d2 = detail::wrap_dim(dim2, nd, "diag_embed");
  EMBER_CHECK(d1 != d2, "diag_embed: diagonal dimensions cannot be identical, got dim1 = ", dim1,
              " and dim2 = ", dim2);
  Tensor x = atleast_1d(input);
  const int64_t n = x.size(-1), m = n + (offset < 0 ? -offset : offset);
  Dims batch(x.sizes().begin(), x.sizes().end() - 1);
  int64_t b = 1;
  for (int64_t s : batch) b *= s;
  // out[k, i + max(-offset, 0), i + max(offset, 0)] = x[k, i], as an
  // index_put into zeros [B, m, m]: its backward reads the gradient back
  const Device dev = x.device();
  Tensor rows = arange(n, opts(kInt64, dev)) + std::max<int64_t>(-offset, 0);
  Tensor cols = arange(n, opts(kInt64, dev)) + std::max<int64_t>(offset, 0);
  Tensor bidx = arange(b, opts(kInt64, dev)).unsqueeze(1);
  Tensor out = index_put(zeros({b, m, m}, opts(x.dtype(), dev)), {bidx, rows, cols}, x.reshape({b, n}));
  Dims shape = batch;
  shape.push_back(m);
  shape.push_back(m);
  return movedim(out.reshape(shape), {nd - 2, nd - 1}, {d1, d2});
}

Tensor diag(const Tensor& input, int64_t diagonal) {
  detail::check_defined(input, "diag");
  EMBER_CHECK(input.dim() == 1 || input.dim() == 2, "diag: expected a 1-D (vector) or 2-D (matrix) tensor, got shape ",
              input.sizes());
  if (input.dim() == 1) return diag_embed(input, diagonal, 0, 1);
  return ember::diagonal(input, diagonal, 0, 1).clone();
}

Tensor trace(const Tensor& input) {
  detail::check_defined(input, "trace");
  EMBER_CHECK(input.dim() == 2, "trace: expected a matrix, but got a tensor of shape ", input.sizes());
  EMBER_CHECK(input.dtype() != kBool, "trace: not implemented for 'Bool' tensors");
  return sum(ember::diagonal(input, 0, 0, 1));
}

// ------------------------------------------------------------ products

Tensor kron(const Tensor& input, const Tensor& other) {
  detail::check_defined(input, "kron");
  detail::check_defined(other, "kron");
  const int64_t nd = std::max(input.dim(), other.dim());
  Dims a(size_t(nd - input.dim()), 1), b(size_t(nd - other.dim()), 1);
  a.insert(a.end(), input.sizes().begin(), input.sizes().end());
  b.insert(b.end(), other.sizes().begin(), other.sizes().end());
  // a: [a0, 1, a1, 1, ..]  b: [1, b0, 1, b1, ..] -> [a0 b0, a1 b1, ..]
  Dims va, vb, out;
  for (int64_t i = 0; i < nd; ++i) {
    va.insert(va.end(), {a[size_t(i)], 1});
    vb.insert(vb.end(), {1, b[size_t(i)]});
    out.push_back(a[size_t(i)] * b[size_t(i)]);
  }
  return named("kron", [&] { return mul(input.reshape(va), other.reshape(vb)).reshape(out); });
}

Tensor cross(const Tensor& input, const Tensor& other, std::optional<int64_t> dim) {
  detail::check_defined(input, "cross");
  detail::check_defined(other, "cross");
  EMBER_CHECK(input.dim() == other.dim(), "cross: inputs must have the same number of dimensions, got shapes ",
              input.sizes(), " and ", other.sizes());
  Shape shape = named("cross", [&] { return broadcast_shapes(input.sizes(), other.sizes()); });
  int64_t d = -1;
  if (dim) {
    d = detail::wrap_dim(*dim, input.dim(), "cross");
  } else {
    for (int64_t i = 0; i < int64_t(shape.size()) && d < 0; ++i)
      if (input.size(i) == 3) d = i;
    EMBER_CHECK(d >= 0, "cross: no dimension of size 3 in input (shape ", input.sizes(), ")");
  }
  EMBER_CHECK(input.dim() > 0 && input.size(d) == 3 && other.size(d) == 3, "cross: inputs dimension ", d,
              " must have length 3, got shapes ", input.sizes(), " and ", other.sizes());
  Tensor a = broadcast_to(input, shape), b = broadcast_to(other, shape);
  // c_i = a_{i+1} b_{i+2} - a_{i+2} b_{i+1}, indices mod 3
  return roll(a, {-1}, {d}) * roll(b, {-2}, {d}) - roll(a, {-2}, {d}) * roll(b, {-1}, {d});
}

Tensor tensordot(const Tensor& a, const Tensor& b, IntArrayRef dims_a, IntArrayRef dims_b) {
  detail::check_defined(a, "tensordot");
  detail::check_defined(b, "tensordot");
  EMBER_CHECK(dims_a.size() == dims_b.size(), "tensordot: both dimension lists should have the same length, got ",
              dims_a, " and ", dims_b);
  EMBER_CHECK(a.dtype() == b.dtype(), "tensordot: expected both operands to have the same dtype, got ", a.dtype(),
              " and ", b.dtype());
  Dims da = wrap_dims(dims_a, a.dim(), "tensordot", "dims_a"), db = wrap_dims(dims_b, b.dim(), "tensordot", "dims_b");
  int64_t k = 1;
  for (size_t i = 0; i < da.size(); ++i) {
    EMBER_CHECK(a.size(da[i]) == b.size(db[i]), "tensordot: contracted dimensions need to match, but first has size ",
                a.size(da[i]), " in dim ", da[i], " and second has size ", b.size(db[i]), " in dim ", db[i],
                " (shapes ", a.sizes(), " and ", b.sizes(), ")");
    k *= a.size(da[i]);
  }
  // a -> [free_a, K] and b -> [K, free_b], one mm
  Dims pa, pb, out;
  int64_t m = 1, n = 1;
  for (int64_t i = 0; i < a.dim(); ++i)
    if (std::find(da.begin(), da.end(), i) == da.end()) {
      pa.push_back(i);
      out.push_back(a.size(i));
      m *= a.size(i);
    }
  pa.insert(pa.end(), da.begin(), da.end());
  pb = db;
  for (int64_t i = 0; i < b.dim(); ++i)
    if (std::find(db.begin(), db.end(), i) == db.end()) {
      pb.push_back(i);
      out.push_back(b.size(i));
      n *= b.size(i);
    }
  return mm(permute(a, pa).reshape({m, k}), permute(b, pb).reshape({k, n})).reshape(out);
}

Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims) {
  detail::check_defined(a, "tensordot");
  detail::check_defined(b, "tensordot");
  EMBER_CHECK(dims >= 0, "tensordot: expects dims >= 0, but got dims = ", dims);
  EMBER_CHECK(dims <= a.dim() && dims <= b.dim(), "tensordot: expects dims <= the number of dims of both inputs, "
              "but got dims = ", dims, " for shapes ", a.sizes(), " and ", b.sizes());
  Dims da, db;
  for (int64_t i = 0; i < dims; ++i) {
    da.push_back(a.dim() - dims + i);
    db.push_back(i);
  }
  return tensordot(a, b, da, db);
}

Tensor mv(const Tensor& input, const Tensor& vec) {
  detail::check_defined(input, "mv");
  detail::check_defined(vec, "mv");
  EMBER_CHECK(input.dim() == 2 && vec.dim() == 1, "mv: expected a 2-D matrix and a 1-D vector, got shapes ",
              input.sizes(), " and ", vec.sizes());
  EMBER_CHECK(input.size(1) == vec.size(0), "mv: shapes ", input.sizes(), " and ", vec.sizes(),
              " cannot be multiplied (", input.size(1), " != ", vec.size(0), ")");
  return named("mv", [&] { return matmul(input, vec); });
}

Tensor addcmul(const Tensor& input, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value) {
  detail::check_defined(input, "addcmul");
  return named("addcmul", [&] { return add(input, mul(tensor1, tensor2), value); });
}

Tensor addcdiv(const Tensor& input, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value) {
  detail::check_defined(input, "addcdiv");
  EMBER_CHECK(!(is_integral(tensor1.dtype()) && is_integral(tensor2.dtype())),
              "addcdiv: integer division of tensor1 and tensor2 is not supported (got ", tensor1.dtype(), " and ",
              tensor2.dtype(), "); use addcmul(input, tensor1, 1 / tensor2) or convert to a float dtype");
  return named("addcdiv", [&] { return add(input, div(tensor1, tensor2), value); });
}

Tensor cdist(const Tensor& x1, const Tensor& x2, double p) {
  detail::check_defined(x1, "cdist");
  detail::check_defined(x2, "cdist");
  EMBER_CHECK(is_floating_point(x1.dtype()) && is_floating_point(x2.dtype()),
              "cdist: only supports floating-point dtypes, got ", x1.dtype(), " and ", x2.dtype());
  EMBER_CHECK(x1.dim() >= 2 && x2.dim() >= 2, "cdist: only supports at least 2-D tensors, got shapes ", x1.sizes(),
              " and ", x2.sizes());
  EMBER_CHECK(x1.size(-1) == x2.size(-1), "cdist: x1 and x2 must have the same number of columns, got shapes ",
              x1.sizes(), " and ", x2.sizes(), " (", x1.size(-1), " != ", x2.size(-1), ")");
  EMBER_CHECK(p >= 0, "cdist: only supports non-negative p values, got p = ", p);
  // [..., P, 1, M] - [..., 1, R, M] -> norm over M; norm's backward gives a
  // zero gradient at zero distance, as torch's cdist
  return named("cdist", [&] { return norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, {-1}, false); });
}

// ------------------------------------------------------------ elementwise

Tensor hypot(const Tensor& input, const Tensor& other) {
  detail::check_defined(input, "hypot");
  detail::check_defined(other, "hypot");
  ScalarType t = result_type(input, other);
  EMBER_CHECK(is_floating_point(t), "hypot: expected floating point inputs, got ", input.dtype(), " and ",
              other.dtype());
  return named("hypot", [&] { return sqrt(input * input + other * other); });
}

Tensor xlogy(const Tensor& input, const Tensor& other) {
  detail::check_defined(input, "xlogy");
  detail::check_defined(other, "xlogy");
  return named("xlogy", [&] {
    // torch's gradients: d/dinput = log(other), 0 where input == 0 and
    // other <= 0 (log(1) there); d/dother = input / other
    Tensor zero = eq(input, Scalar(0));
    Tensor r = mul(input, log(where(logical_and(zero, le(other, Scalar(0))), Scalar(1), other)));
    // 0 * log(inf) is 0; a nan other gives nan through the product
    return where(logical_and(zero, isinf(other)), Scalar(0), r);
  });
}

Tensor xlogy(const Tensor& input, const Scalar& other) {
  detail::check_defined(input, "xlogy");
  const double y = other.to_double();
  if (std::isnan(y)) return mul(input, other);  // nan everywhere, in the result dtype
  Tensor r = mul(input, Scalar(std::log(y)));
  return y == 0 ? where(eq(input, Scalar(0)), Scalar(0), r) : r;
}

Tensor xlogy(const Scalar& input, const Tensor& other) {
  detail::check_defined(other, "xlogy");
  Tensor l = log(other);
  if (input.to_double() != 0) return mul(l, input);
  return where(isnan(other), Scalar(std::nan("")), zeros_like(l));
}

Tensor logspace(const Scalar& start, const Scalar& end, int64_t steps, double base, const TensorOptions& options) {
  EMBER_CHECK(steps >= 0, "logspace: number of steps must be non-negative, got ", steps);
  // integer dtypes take integer start and end, as torch
  const ScalarType t = options.dtype();
  const bool integral = is_integral(t);
  Scalar s0 = integral ? Scalar(int64_t(start.to_double())) : start;
  Scalar s1 = integral ? Scalar(int64_t(end.to_double())) : end;
  Tensor e = linspace(s0, s1, steps, opts(kFloat64, Device(kCPU)));
  Tensor out = pow(Scalar(base), e).to(t);
  if (!options.device().is_cpu()) out = out.to(options.device());
  if (options.requires_grad()) out.requires_grad_(true);
  return out;
}

// ------------------------------------------------------------ reductions

Tensor diff(const Tensor& input, int64_t n, int64_t dim, const Tensor& prepend, const Tensor& append) {
  detail::check_defined(input, "diff");
  EMBER_CHECK(input.dim() >= 1, "diff: expected input to be at least one-dimensional, got a 0-d tensor");
  const int64_t d = detail::wrap_dim(dim, input.dim(), "diff");
  tensor_list parts;
  for (const Tensor* t : {&prepend, &input, &append}) {
    if (!t->defined()) continue;
    EMBER_CHECK(t->dim() == input.dim(), "diff: expected prepend and append to have the same number of dims as ",
                "input (shape ", input.sizes(), "), got shape ", t->sizes());
    parts.push_back(*t);
  }
  Tensor x = parts.size() > 1 ? named("diff", [&] { return cat(parts, d); }) : input;
  for (int64_t i = 0; i < n && x.size(d) > 0; ++i) {
    const int64_t len = x.size(d) - 1;
    Tensor hi = narrow(x, d, 1, len), lo = narrow(x, d, 0, len);
    x = x.dtype() == kBool ? ne(hi, lo) : sub(hi, lo);
  }
  return x;
}

Tensor nansum(const Tensor& input, IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) {
  detail::check_defined(input, "nansum");
  Tensor x = is_floating_point(input.dtype()) ? where(isnan(input), Scalar(0), input) : input;
  return named("nansum", [&] { return sum(x, dim, keepdim, dtype); });
}

Tensor nanmean(const Tensor& input, IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) {
  detail::check_defined(input, "nanmean");
  EMBER_CHECK(is_floating_point(input.dtype()), "nanmean: expected input to have floating point dtype but got ",
              input.dtype());
  Tensor count = sum(logical_not(isnan(input)), dim, keepdim);
  return div(nansum(input, dim, keepdim, dtype), count);
}

namespace {

// Running max (or min) along d with torch's choices: ties take the later
// index, and a nan stays from where it appears (the later nan's index).
// A log-step (Hillis-Steele) scan over (value, index) pairs, run on the
// detached input; the values are then gathered, so the gradient goes to the
// selected elements, as torch's cummax backward.
std::tuple<Tensor, Tensor> cum_extreme(const Tensor& input, int64_t dim, bool is_max) {
  const char* op = is_max ? "cummax" : "cummin";
  detail::check_defined(input, op);
  Tensor x = atleast_1d(input);
  const int64_t d = detail::wrap_dim(dim, input.dim(), op);
  const int64_t n = x.size(d);
  Tensor idx;
  {
    NoGradGuard no_grad;
    Tensor v = x.detach();
    Tensor i = arange_along(n, d, x.dim(), x.device()).expand(x.sizes()).contiguous();
    const bool nan_aware = is_floating_point(x.dtype());
    for (int64_t s = 1; s < n; s *= 2) {
      Tensor lv = narrow(v, d, 0, n - s), rv = narrow(v, d, s, n - s);
      Tensor li = narrow(i, d, 0, n - s), ri = narrow(i, d, s, n - s);
      // pair (i - s) summarizes earlier elements than pair i: the later wins
      // if it holds a nan, or reaches the earlier (never past an earlier nan)
      Tensor later = is_max ? ge(rv, lv) : le(rv, lv);
      if (nan_aware) later = logical_or(later, isnan(rv));
      v = cat({narrow(v, d, 0, s), where(later, rv, lv)}, d);
      i = cat({narrow(i, d, 0, s), where(later, ri, li)}, d);
    }
    idx = i;
  }
  Tensor values = gather(x, d, idx);
  if (input.dim() == 0) return {values.reshape({}), idx.reshape({})};
  return {values, idx};
}

}  // namespace

std::tuple<Tensor, Tensor> cummax(const Tensor& input, int64_t dim) { return cum_extreme(input, dim, true); }
std::tuple<Tensor, Tensor> cummin(const Tensor& input, int64_t dim) { return cum_extreme(input, dim, false); }

Tensor median(const Tensor& input) {
  detail::check_defined(input, "median");
  const bool is_float = is_floating_point(input.dtype());
  if (input.numel() == 0) {
    EMBER_CHECK(is_float, "median: cannot compute the median of an empty ", input.dtype(), " tensor");
    return full({}, std::nan(""), opts(input.dtype(), input.device()));
  }
  Tensor med;
  {
    NoGradGuard no_grad;
    Tensor flat = input.detach().reshape({-1});
    Tensor sorted = std::get<0>(sort(flat, 0));  // nan sorts last
    const int64_t n = flat.numel();
    med = sorted.select(0, (n - 1) / 2);
    if (is_float) {
      Tensor last = sorted.select(0, n - 1);
      med = where(isnan(last), last, med);
    }
  }
  if (!input.requires_grad() || !is_grad_enabled()) return med;
  // torch shares the gradient evenly among the elements equal to the median
  // (its evenly_distribute_backward): med + mean of (x - med) over those
  // elements is med exactly, with gradient 1 / count on each of them
  Tensor hit = is_float ? where(isnan(med), isnan(input), eq(input, med)) : eq(input, med);
  Tensor count = sum(hit).to(input.dtype());
  return med + sum(where(hit, input - med, Scalar(0))) / count;
}

std::tuple<Tensor, Tensor> median(const Tensor& input, int64_t dim, bool keepdim) {
  detail::check_defined(input, "median");
  Tensor x = atleast_1d(input);
  const int64_t d = detail::wrap_dim(dim, input.dim(), "median");
  const int64_t n = x.size(d);
  EMBER_CHECK_INDEX(n > 0, "median: expected reduction dim ", d, " to have non-zero size, got shape ",
                    input.sizes());
  Tensor idx;
  {
    NoGradGuard no_grad;
    Tensor v = x.detach();
    idx = std::get<1>(sort(v, d, false, true)).narrow(d, (n - 1) / 2, 1);
    if (is_floating_point(x.dtype())) {
      // a row with a nan gives nan, at the index of its first nan
      Tensor nan = isnan(v);
      Tensor first_nan = argmax(nan.to(kUInt8), d, true);
      idx = where(any(nan, d, true), first_nan, idx);
    }
  }
  Tensor values = gather(x, d, idx);
  if (input.dim() == 0) return {values.reshape({}), idx.reshape({})};
  if (!keepdim) return {values.squeeze(d), idx.squeeze(d)};
  return {values, idx};
}

std::tuple<Tensor, Tensor> aminmax(const Tensor& input, std::optional<int64_t> dim, bool keepdim) {
  detail::check_defined(input, "aminmax");
  if (!dim) {
    EMBER_CHECK(input.numel() > 0, "aminmax: cannot compute aminmax over an empty tensor (shape ", input.sizes(),
                ") as the operation has no identity");
    if (keepdim) {
      Dims ones(size_t(input.dim()), 1);
      return {amin(input).reshape(ones), amax(input).reshape(ones)};
    }
    return {amin(input), amax(input)};
  }
  const int64_t d = detail::wrap_dim(*dim, input.dim(), "aminmax");
  EMBER_CHECK_INDEX(input.dim() == 0 || input.size(d) > 0, "aminmax: cannot compute aminmax over an empty dim ", d,
                    " (shape ", input.sizes(), ") as the operation has no identity");
  if (input.dim() == 0) return {amin(input), amax(input)};
  return {amin(input, {d}, keepdim), amax(input, {d}, keepdim)};
}

// ------------------------------------------------------------ counting, searching

Tensor bincount(const Tensor& input, const Tensor& weights, int64_t minlength) {
  detail::check_defined(input, "bincount");
  EMBER_CHECK(input.dim() == 1 && is_integral(input.dtype()) && input.dtype() != kBool,
              "bincount: only supports 1-D non-negative integral inputs, got a ", input.dtype(), " tensor of shape ",
              input.sizes());
  EMBER_CHECK(minlength >= 0, "bincount: minlength should be >= 0, got ", minlength);
  if (weights.defined())
    EMBER_CHECK(weights.dim() == 1 && weights.size(0) == input.size(0),
                "bincount: weights should be 1-D and have the same length as input, got shapes ", weights.sizes(),
                " and ", input.sizes());
  NoGradGuard no_grad;  // not differentiable in torch either
  int64_t len = minlength;
  if (input.numel() > 0) {
    const int64_t lo = item_i64(amin(input)), hi = item_i64(amax(input));
    EMBER_CHECK(lo >= 0, "bincount: only supports non-negative inputs, got the value ", lo);
    len = std::max(len, hi + 1);
  }
  const ScalarType t = !weights.defined() ? kInt64 : weights.dtype() == kFloat32 ? kFloat32 : kFloat64;
  Tensor src = weights.defined() ? weights.detach().to(t) : ones({input.numel()}, opts(kInt64, input.device()));
  return scatter_add(zeros({len}, opts(t, input.device())), 0, input.to(kInt64), src);
}

Tensor searchsorted(const Tensor& sorted_sequence, const Tensor& input, bool out_int32, bool right,
                    const Tensor& sorter) {
  detail::check_defined(sorted_sequence, "searchsorted");
  detail::check_defined(input, "searchsorted");
  const Tensor& seq = sorted_sequence;
  bool leading_match = seq.dim() == 1 || seq.dim() == input.dim();
  for (int64_t i = 0; leading_match && seq.dim() > 1 && i < seq.dim() - 1; ++i)
    leading_match = seq.size(i) == input.size(i);
  EMBER_CHECK(seq.dim() >= 1 && leading_match, "searchsorted: boundaries tensor should be 1-D or the first N-1 dims "
              "of boundaries and input should match, but got boundaries of shape ", seq.sizes(),
              " and input of shape ", input.sizes());
  EMBER_CHECK(seq.dtype() == input.dtype(), "searchsorted: boundaries and input should have the same dtype, got ",
              seq.dtype(), " and ", input.dtype());
  detail::check_same_device("searchsorted", {&seq, &input});
  const ScalarType out_t = out_int32 ? kInt32 : kInt64;
  NoGradGuard no_grad;
  Tensor s = seq.detach();
  if (sorter.defined()) {
    EMBER_CHECK(sorter.sizes().equals(seq.sizes()) && sorter.dtype() == kInt64,
                "searchsorted: sorter should be an int64 tensor of the boundaries' shape ", seq.sizes(),
                ", got ", sorter.dtype(), " of shape ", sorter.sizes());
    s = gather(s, -1, sorter);
  }
  const int64_t n = s.size(-1);
  if (n == 0 || input.numel() == 0) return zeros(input.sizes(), opts(out_t, input.device()));
  // binary search, all values at once: [lo, hi) holds the answer. Values go
  // right past a boundary b when !(b >= v) (left) or !(b > v) (right), as
  // torch, so a nan value lands past the end.
  const int64_t rows = seq.dim() == 1 ? 1 : s.numel() / n;
  Tensor sr = s.reshape({rows, n});
  Tensor v = input.detach().reshape({rows, -1});
  Tensor lo = zeros(v.sizes(), opts(kInt64, v.device())), hi = full(v.sizes(), n, opts(kInt64, v.device()));
  for (int64_t w = n; w > 0; w >>= 1) {
    Tensor mid = div(lo + hi, Scalar(2), "floor");
    Tensor b = gather(sr, 1, clamp(mid, Scalar(0), Scalar(n - 1)));
    Tensor go_right = logical_not(right ? gt(b, v) : ge(b, v));
    Tensor active = lt(lo, hi);
    lo = where(logical_and(active, go_right), mid + 1, lo);
    hi = where(logical_and(active, logical_not(go_right)), mid, hi);
  }
  return lo.reshape(input.sizes()).to(out_t);
}

Tensor bucketize(const Tensor& input, const Tensor& boundaries, bool out_int32, bool right) {
  detail::check_defined(boundaries, "bucketize");
  EMBER_CHECK(boundaries.dim() == 1, "bucketize: boundaries tensor must be 1-D, got shape ", boundaries.sizes());
  return named("bucketize", [&] { return searchsorted(boundaries, input, out_int32, right); });
}

Tensor take(const Tensor& input, const Tensor& index) {
  detail::check_defined(input, "take");
  detail::check_defined(index, "take");
  EMBER_CHECK(index.dtype() == kInt64, "take: expected an int64 index tensor, got ", index.dtype());
  const int64_t n = input.numel();
  if (index.numel() > 0) {
    NoGradGuard no_grad;
    const int64_t lo = item_i64(amin(index)), hi = item_i64(amax(index));
    const int64_t bad = hi >= n ? hi : lo;
    EMBER_CHECK_INDEX(lo >= -n && hi < n, "take: out of range: tried to access index ", bad, " on a tensor of ", n,
                      " elements (shape ", input.sizes(), ")");
  }
  Tensor idx = where(lt(index, Scalar(0)), index + n, index);
  return index_select(input.reshape({-1}), 0, idx.reshape({-1})).reshape(index.sizes());
}

}  // namespace ember
