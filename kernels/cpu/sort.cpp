// CPU sort along a dim (SortFn): values and int64 indices, stable, with NaN
// ordered as the largest value (as torch): last ascending, first
// descending. Each line is sorted on its own, lines in parallel.
#include <algorithm>
#include <utility>
#include <vector>

#include "cpu/lines.h"
#include "cpu/thread_pool.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
namespace {

template <typename A>
inline bool nan_(A x) {
  if constexpr (std::is_floating_point<A>::value) return x != x;
  else return false;
}

template <typename T>
void sort_impl(const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim, bool descending) {
  using A = opmath_t<T>;
  if (in.numel() == 0) return;
  const Lines li(in, dim), lv(values, dim), lx(indices, dim);
  const int64_t L = li.length;
  const T* x = in.data_ptr<T>();
  T* v = values.data_ptr<T>();
  int64_t* ix = indices.data_ptr<int64_t>();
  // a few comparisons per element and a log factor: a smaller grain
  parallel_for(0, li.count, line_grain(L, kGrainSize / 8), [&](int64_t b, int64_t e) {
    // (key, index) pairs side by side: the comparisons read contiguous
    // memory instead of chasing indices into the keys
    std::vector<std::pair<A, int64_t>> kv(L);
    for (int64_t l = b; l < e; ++l) {
      const T* p = x + li.offset(l);
      for (int64_t k = 0; k < L; ++k) kv[k] = {static_cast<A>(p[k * li.stride]), k};
      using KV = std::pair<A, int64_t>;
      if (descending) {
        std::stable_sort(kv.begin(), kv.end(), [](const KV& a, const KV& c) {
          return (nan_(a.first) && !nan_(c.first)) || a.first > c.first;
        });
      } else {
        std::stable_sort(kv.begin(), kv.end(), [](const KV& a, const KV& c) {
          return (!nan_(a.first) && nan_(c.first)) || a.first < c.first;
        });
      }
      T* q = v + lv.offset(l);
      int64_t* qi = ix + lx.offset(l);
      for (int64_t k = 0; k < L; ++k) {
        q[k * lv.stride] = p[kv[k].second * li.stride];
        qi[k * lx.stride] = kv[k].second;
      }
    }
  });
}

void sort_kernel(const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim, bool descending) {
  dispatch_types<AllTypes>(in.dtype(), "sort", [&](auto tag) {
    sort_impl<EMBER_TYPE(tag)>(values, indices, in, dim, descending);
  });
}

}  // namespace

EMBER_REGISTER_KERNEL(sort, CPU, sort_kernel);

}  // namespace cpu
}  // namespace ember
