// CPU indexing kernels: index_select, gather, scatter, scatter_add,
// index_add, masked_select, nonzero, tril and triu. Every index is checked
// against its bound before anything is read or written, so a bad index
// raises ember::IndexError and leaves the output untouched.
#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "core/tensor_impl.h"
#include "cpu/thread_pool.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
namespace {

// Walks the row-major positions [begin, end) of `sizes`, calling
// fn(offsets, coords) where offsets[k] is the byte offset of tensor k
// (byte strides in strides[k]) and coords the multi-index.
template <size_t K, typename F>
void nd_loop(const std::vector<int64_t>& sizes, const std::array<std::vector<int64_t>, K>& strides, int64_t begin,
             int64_t end, F&& fn) {
  const int nd = int(sizes.size());
  std::vector<int64_t> idx(size_t(nd), 0);
  std::array<int64_t, K> off{};
  int64_t rem = begin;
  for (int d = nd - 1; d >= 0; --d) {
    idx[size_t(d)] = rem % sizes[size_t(d)];
    rem /= sizes[size_t(d)];
    for (size_t k = 0; k < K; ++k) off[k] += idx[size_t(d)] * strides[k][size_t(d)];
  }
  for (int64_t i = begin; i < end; ++i) {
    fn(off, idx.data());
    for (int d = nd - 1; d >= 0; --d) {
      size_t du = size_t(d);
      ++idx[du];
      for (size_t k = 0; k < K; ++k) off[k] += strides[k][du];
      if (idx[du] < sizes[du]) break;
      for (size_t k = 0; k < K; ++k) off[k] -= strides[k][du] * sizes[du];
      idx[du] = 0;
    }
  }
}

int64_t numel_of(const std::vector<int64_t>& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

// Runs nd_loop over all of `sizes`, on the pool when it is big enough.
template <size_t K, typename F>
void for_each(const std::vector<int64_t>& sizes, const std::array<std::vector<int64_t>, K>& strides, bool parallel,
              F&& fn) {
  int64_t n = numel_of(sizes);
  if (n == 0) return;
  if (!parallel || n < kGrainSize) {
    nd_loop<K>(sizes, strides, 0, n, fn);
    return;
  }
  parallel_for(0, n, kGrainSize, [&](int64_t b, int64_t e) { nd_loop<K>(sizes, strides, b, e, fn); });
}

std::vector<int64_t> byte_strides(const Tensor& t) {
  std::vector<int64_t> s(t.strides().begin(), t.strides().end());
  for (auto& v : s) v *= int64_t(t.element_size());
  return s;
}

inline void copy_elem(char* dst, const char* src, size_t size) {
  switch (size) {
    case 1: std::memcpy(dst, src, 1); break;
    case 2: std::memcpy(dst, src, 2); break;
    case 4: std::memcpy(dst, src, 4); break;
    case 8: std::memcpy(dst, src, 8); break;
    default: std::memcpy(dst, src, size);
  }
}

inline int64_t load_index(const char* p, ScalarType t) {
  if (t == kInt64) {
    int64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

void check_index_dtype(const Tensor& index, const char* op) {
  EMBER_CHECK_TYPE(index.dtype() == kInt64 || index.dtype() == kInt32, op,
                   ": expected an int64 or int32 index tensor, got ", index.dtype());
}

// Raises for the first index outside [0, bound).
[[noreturn]] void index_out_of_bounds(int64_t v, int64_t bound, int64_t dim, const char* op) {
  // torch raises RuntimeError for gather/scatter, IndexError otherwise
  std::string msg = detail::str(op, ": index ", v, " is out of bounds for dim ", dim, " with size ", bound);
  if (std::strncmp(op, "gather", 6) == 0 || std::strncmp(op, "scatter", 7) == 0) throw RuntimeError(msg);
  throw IndexError(msg);
}

void validate_indices(const Tensor& index, int64_t bound, int64_t dim, const char* op) {
  check_index_dtype(index, op);
  if (index.dtype() == kInt64 && index.is_contiguous()) {
    // the common case, one flat pass that vectorizes; the culprit is found only on failure
    const int64_t* p = index.data_ptr<int64_t>();
    const int64_t n = index.numel();
    bool bad = false;
    for (int64_t i = 0; i < n; ++i) bad |= uint64_t(p[i]) >= uint64_t(bound);
    if (!bad) return;
    for (int64_t i = 0; i < n; ++i)
      if (p[i] < 0 || p[i] >= bound) index_out_of_bounds(p[i], bound, dim, op);
  }
  std::vector<int64_t> sizes(index.sizes().begin(), index.sizes().end());
  const char* base = static_cast<const char*>(index.data_ptr());
  ScalarType t = index.dtype();
  for_each<1>(sizes, {byte_strides(index)}, false, [&](const std::array<int64_t, 1>& off, const int64_t*) {
    int64_t v = load_index(base + off[0], t);
    if (v < 0 || v >= bound) index_out_of_bounds(v, bound, dim, op);
  });
}

// gather/scatter along the last dim of contiguous tensors whose other dims
// match (cross_entropy's gather, max_pool2d's backward): rows of indices
// that need no stride walk.
bool last_dim_dense(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& other) {
  const int64_t nd = self.dim();
  if (nd == 0 || dim != nd - 1 || index.dim() != nd || other.dim() != nd || index.dtype() != kInt64) return false;
  if (!self.is_contiguous() || !index.is_contiguous() || !other.is_contiguous()) return false;
  for (int64_t d = 0; d < nd; ++d) {
    if (index.size(d) != other.size(d)) return false;
    if (d != dim && index.size(d) != self.size(d)) return false;
  }
  return true;
}

// All indices of a 1-D (or 0-d) index tensor, checked.
std::vector<int64_t> read_indices(const Tensor& index, int64_t bound, int64_t dim, const char* op) {
  validate_indices(index, bound, dim, op);
  std::vector<int64_t> out(size_t(index.numel()));
  const char* base = static_cast<const char*>(index.data_ptr());
  int64_t stride = index.dim() == 0 ? 0 : index.stride(0) * int64_t(index.element_size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = load_index(base + int64_t(i) * stride, index.dtype());
  return out;
}

// ------------------------------------------------------------ index_select

// out: in's shape with out.size(dim) == index.numel()  index: [n]
void index_select_kernel(const Tensor& out, const Tensor& in, int64_t dim, const Tensor& index) {
  std::vector<int64_t> idx = read_indices(index, in.size(dim), dim, "index_select");
  if (out.numel() == 0) return;
  std::vector<int64_t> sizes(out.sizes().begin(), out.sizes().end());
  std::vector<int64_t> out_s = byte_strides(out), in_s = byte_strides(in);
  int64_t in_dim_stride = in_s[size_t(dim)];
  in_s[size_t(dim)] = 0;
  char* po = static_cast<char*>(out.data_ptr());
  const char* pi = static_cast<const char*>(in.data_ptr());
  const int64_t es = int64_t(out.element_size());
  const int64_t last = int64_t(sizes.size()) - 1;
  if (dim != last) {
    // rows: the last dim is copied as one run (memcpy when contiguous)
    const int64_t n = sizes.back(), os = out_s.back(), is = in_s.back();
    sizes.pop_back(), out_s.pop_back(), in_s.pop_back();
    const bool dense = os == es && is == es;
    int64_t rows = numel_of(sizes);
    auto row = [&](const std::array<int64_t, 2>& off, const int64_t* c) {
      char* d = po + off[0];
      const char* src = pi + off[1] + idx[size_t(c[dim])] * in_dim_stride;
      if (dense) {
        std::memcpy(d, src, size_t(n * es));
      } else {
        for (int64_t j = 0; j < n; ++j) copy_elem(d + j * os, src + j * is, size_t(es));
      }
    };
    std::array<std::vector<int64_t>, 2> strides{out_s, in_s};
    if (rows * n < kGrainSize) {
      nd_loop<2>(sizes, strides, 0, rows, row);
    } else {
      int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(n, 1));
      parallel_for(0, rows, grain, [&](int64_t b, int64_t e) { nd_loop<2>(sizes, strides, b, e, row); });
    }
    return;
  }
  for_each<2>(sizes, {out_s, in_s}, true, [&](const std::array<int64_t, 2>& off, const int64_t* c) {
    copy_elem(po + off[0], pi + off[1] + idx[size_t(c[dim])] * in_dim_stride, size_t(es));
  });
}

// ---------------------------------------------------------------- gather

// out: index's shape  in: index.size(d) <= in.size(d) for d != dim
void gather_kernel(const Tensor& out, const Tensor& in, int64_t dim, const Tensor& index) {
  validate_indices(index, in.size(dim), dim, "gather");
  if (out.numel() == 0) return;
  if (last_dim_dense(in, dim, index, out)) {
    const int64_t M = in.size(dim), L = index.size(dim), rows = index.numel() / L;
    const int64_t* ix = index.data_ptr<int64_t>();
    dispatch_types<AllTypes>(in.dtype(), "gather", [&](auto tag) {
      using T = EMBER_TYPE(tag);
      const T* x = in.data_ptr<T>();
      T* o = out.data_ptr<T>();
      parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / L), [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; ++r)
          for (int64_t j = r * L; j < (r + 1) * L; ++j) o[j] = x[r * M + ix[j]];
      });
    });
    return;
  }
  std::vector<int64_t> sizes(index.sizes().begin(), index.sizes().end());
  std::vector<int64_t> in_s = byte_strides(in);
  int64_t in_dim_stride = in_s[size_t(dim)];
  in_s[size_t(dim)] = 0;
  char* po = static_cast<char*>(out.data_ptr());
  const char* pi = static_cast<const char*>(in.data_ptr());
  const char* px = static_cast<const char*>(index.data_ptr());
  ScalarType it = index.dtype();
  size_t es = out.element_size();
  for_each<3>(sizes, {byte_strides(out), byte_strides(index), in_s}, true,
              [&](const std::array<int64_t, 3>& off, const int64_t*) {
                int64_t v = load_index(px + off[1], it);
                copy_elem(po + off[0], pi + off[2] + v * in_dim_stride, es);
              });
}

// --------------------------------------------------- scatter, scatter_add

// self[..., index[p], ...] (=|+=) src[p] over the positions p of index.
// Sequential: with repeated indices the last write wins (scatter) and
// sums are race-free (scatter_add).
template <bool Add>
void scatter_impl(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src, const char* op) {
  validate_indices(index, self.size(dim), dim, op);
  if (index.numel() == 0) return;
  std::vector<int64_t> sizes(index.sizes().begin(), index.sizes().end());
  std::vector<int64_t> self_s = byte_strides(self);
  int64_t self_dim_stride = self_s[size_t(dim)];
  self_s[size_t(dim)] = 0;
  char* ps = static_cast<char*>(self.data_ptr());
  const char* px = static_cast<const char*>(index.data_ptr());
  const char* pr = static_cast<const char*>(src.data_ptr());
  ScalarType it = index.dtype();
  if constexpr (Add) {
    if (last_dim_dense(self, dim, index, src)) {
      const int64_t M = self.size(dim), L = index.size(dim), rows = index.numel() / std::max<int64_t>(L, 1);
      const int64_t* ix = index.data_ptr<int64_t>();
      dispatch_types<AllTypes>(self.dtype(), op, [&](auto tag) {
        using T = EMBER_TYPE(tag);
        T* d = self.data_ptr<T>();
        const T* sr = src.data_ptr<T>();
        // rows are disjoint in self: parallel over rows, sequential within
        parallel_for(0, rows, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(L, 1)), [&](int64_t b, int64_t e) {
          for (int64_t r = b; r < e; ++r) {
            T* dr = d + r * M;
            for (int64_t j = r * L; j < (r + 1) * L; ++j) {
              if constexpr (std::is_same<T, bool>::value) dr[ix[j]] = dr[ix[j]] || sr[j];
              else dr[ix[j]] = static_cast<T>(static_cast<opmath_t<T>>(dr[ix[j]]) + static_cast<opmath_t<T>>(sr[j]));
            }
          }
        });
      });
      return;
    }
  }
  std::array<std::vector<int64_t>, 3> strides{self_s, byte_strides(index), byte_strides(src)};
  if constexpr (!Add) {
    size_t es = self.element_size();
    for_each<3>(sizes, strides, false, [&](const std::array<int64_t, 3>& off, const int64_t*) {
      copy_elem(ps + off[0] + load_index(px + off[1], it) * self_dim_stride, pr + off[2], es);
    });
  } else {
    dispatch_types<AllTypes>(self.dtype(), op, [&](auto tag) {
      using T = EMBER_TYPE(tag);
      for_each<3>(sizes, strides, false, [&](const std::array<int64_t, 3>& off, const int64_t*) {
        T* d = reinterpret_cast<T*>(ps + off[0] + load_index(px + off[1], it) * self_dim_stride);
        const T* s = reinterpret_cast<const T*>(pr + off[2]);
        if constexpr (std::is_same<T, bool>::value) *d = *d || *s;
        else *d = static_cast<T>(static_cast<opmath_t<T>>(*d) + static_cast<opmath_t<T>>(*s));
      });
    });
  }
}

void scatter_kernel(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  scatter_impl<false>(self, dim, index, src, "scatter");
}
void scatter_add_kernel(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src) {
  scatter_impl<true>(self, dim, index, src, "scatter_add");
}

// ------------------------------------------------------------- index_add

// self[..., index[i], ...] += alpha * src[..., i, ...]  index: [n]
void index_add_kernel(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src, double alpha) {
  std::vector<int64_t> idx = read_indices(index, self.size(dim), dim, "index_add");
  if (src.numel() == 0) return;
  std::vector<int64_t> sizes(src.sizes().begin(), src.sizes().end());
  std::vector<int64_t> self_s = byte_strides(self);
  int64_t self_dim_stride = self_s[size_t(dim)];
  self_s[size_t(dim)] = 0;
  char* ps = static_cast<char*>(self.data_ptr());
  const char* pr = static_cast<const char*>(src.data_ptr());
  std::array<std::vector<int64_t>, 2> strides{self_s, byte_strides(src)};
  dispatch_types<AllTypes>(self.dtype(), "index_add", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    using M = opmath_t<T>;
    auto add = [alpha](T* d, const T* s) {
      if constexpr (std::is_same<T, bool>::value) {
        *d = *d || (*s && alpha != 0);
      } else if constexpr (std::is_integral<T>::value) {
        *d = static_cast<T>(int64_t(*d) + int64_t(alpha) * int64_t(*s));
      } else {
        *d = static_cast<T>(static_cast<M>(*d) + static_cast<M>(alpha) * static_cast<M>(*s));
      }
    };
    const int64_t last = int64_t(sizes.size()) - 1;
    if (dim != last) {
      // rows: the last dim as one strided run
      auto sz = sizes;
      auto st = strides;
      const int64_t n = sz.back(), ds = st[0].back(), ss = st[1].back();
      sz.pop_back(), st[0].pop_back(), st[1].pop_back();
      nd_loop<2>(sz, st, 0, numel_of(sz), [&](const std::array<int64_t, 2>& off, const int64_t* c) {
        char* d = ps + off[0] + idx[size_t(c[dim])] * self_dim_stride;
        const char* s = pr + off[1];
        for (int64_t j = 0; j < n; ++j)
          add(reinterpret_cast<T*>(d + j * ds), reinterpret_cast<const T*>(s + j * ss));
      });
      return;
    }
    for_each<2>(sizes, strides, false, [&](const std::array<int64_t, 2>& off, const int64_t* c) {
      add(reinterpret_cast<T*>(ps + off[0] + idx[size_t(c[dim])] * self_dim_stride),
          reinterpret_cast<const T*>(pr + off[1]));
    });
  });
}

// ---------------------------------------------------- masked_select, nonzero

// in, mask: the same shape (the front end broadcasts); mask is bool.
Tensor masked_select_kernel(const Tensor& in, const Tensor& mask) {
  std::vector<int64_t> sizes(in.sizes().begin(), in.sizes().end());
  const char* pm = static_cast<const char*>(mask.data_ptr());
  std::array<std::vector<int64_t>, 2> strides{byte_strides(in), byte_strides(mask)};
  int64_t count = 0;
  for_each<2>(sizes, strides, false, [&](const std::array<int64_t, 2>& off, const int64_t*) {
    count += pm[off[1]] != 0;
  });
  Tensor out = detail::make_tensor({count}, in.dtype(), in.device());
  char* po = static_cast<char*>(out.data_ptr());
  const char* pi = static_cast<const char*>(in.data_ptr());
  size_t es = in.element_size();
  int64_t k = 0;
  for_each<2>(sizes, strides, false, [&](const std::array<int64_t, 2>& off, const int64_t*) {
    if (pm[off[1]] != 0) copy_elem(po + (k++) * int64_t(es), pi + off[0], es);
  });
  return out;
}

// [n, ndim] int64 coordinates of the non-zero elements, row-major order.
Tensor nonzero_kernel(const Tensor& in) {
  std::vector<int64_t> sizes(in.sizes().begin(), in.sizes().end());
  const char* pi = static_cast<const char*>(in.data_ptr());
  std::array<std::vector<int64_t>, 1> strides{byte_strides(in)};
  std::vector<int64_t> coords;
  const int64_t nd = in.dim();
  int64_t n = 0;
  dispatch_types<AllTypes>(in.dtype(), "nonzero", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    for_each<1>(sizes, strides, false, [&](const std::array<int64_t, 1>& off, const int64_t* c) {
      T v;
      std::memcpy(&v, pi + off[0], sizeof(T));
      if (static_cast<opmath_t<T>>(v) != static_cast<opmath_t<T>>(0)) {
        coords.insert(coords.end(), c, c + nd);
        ++n;
      }
    });
  });
  Tensor out = detail::make_tensor({n, nd}, kInt64, in.device());
  if (!coords.empty()) std::memcpy(out.data_ptr(), coords.data(), coords.size() * sizeof(int64_t));
  return out;
}

// ------------------------------------------------------------ tril, triu

// out, in: [..., M, N] (out may be in itself)
template <bool Lower>
void tri_kernel(const Tensor& out, const Tensor& in, int64_t diagonal) {
  if (out.numel() == 0) return;
  std::vector<int64_t> sizes(out.sizes().begin(), out.sizes().end());
  const int64_t nd = out.dim();
  char* po = static_cast<char*>(out.data_ptr());
  const char* pi = static_cast<const char*>(in.data_ptr());
  size_t es = out.element_size();
  for_each<2>(sizes, {byte_strides(out), byte_strides(in)}, true,
              [&](const std::array<int64_t, 2>& off, const int64_t* c) {
                int64_t d = c[nd - 1] - c[nd - 2];
                bool keep = Lower ? d <= diagonal : d >= diagonal;
                if (keep) {
                  if (po + off[0] != pi + off[1]) copy_elem(po + off[0], pi + off[1], es);
                } else {
                  std::memset(po + off[0], 0, es);  // zero is all-zero bytes in every dtype
                }
              });
}

void tril_kernel(const Tensor& out, const Tensor& in, int64_t diagonal) { tri_kernel<true>(out, in, diagonal); }
void triu_kernel(const Tensor& out, const Tensor& in, int64_t diagonal) { tri_kernel<false>(out, in, diagonal); }

}  // namespace

EMBER_REGISTER_KERNEL(index_select, CPU, index_select_kernel);
EMBER_REGISTER_KERNEL(gather, CPU, gather_kernel);
EMBER_REGISTER_KERNEL(scatter, CPU, scatter_kernel);
EMBER_REGISTER_KERNEL(scatter_add, CPU, scatter_add_kernel);
EMBER_REGISTER_KERNEL(index_add, CPU, index_add_kernel);
EMBER_REGISTER_KERNEL(masked_select, CPU, masked_select_kernel);
EMBER_REGISTER_KERNEL(nonzero, CPU, nonzero_kernel);
EMBER_REGISTER_KERNEL(tril, CPU, tril_kernel);
EMBER_REGISTER_KERNEL(triu, CPU, triu_kernel);

}  // namespace cpu
}  // namespace ember
