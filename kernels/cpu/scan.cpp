// CPU scans: cumsum, cumprod (ScanFn). out and in have one shape and one
// dtype; the front end has already cast. Accumulation is in opmath (float
// for the 16-bit floats).
//
// When out and in are contiguous and dim is not the last, the scan runs
// row by row (out[k] = out[k-1] + in[k] over whole rows of the inner
// dims), which reads memory in order and vectorizes; otherwise each line
// along dim is scanned on its own.
#include <algorithm>
#include <vector>

#include "cpu/lines.h"
#include "cpu/thread_pool.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
namespace {

struct AddOp {
  template <typename A>
  static A init() { return A(0); }
  template <typename A>
  static A step(A a, A x) { return a + x; }
};
struct MulOp {
  template <typename A>
  static A init() { return A(1); }
  template <typename A>
  static A step(A a, A x) { return a * x; }
};

template <typename Op, typename T>
void scan_impl(const Tensor& out, const Tensor& in, int64_t dim) {
  using Acc = opmath_t<T>;
  if (out.numel() == 0) return;
  T* o = out.data_ptr<T>();
  const T* x = in.data_ptr<T>();
  const int64_t nd = in.dim();
  if (nd > 0 && dim < nd - 1 && in.is_contiguous() && out.is_contiguous()) {
    // [outer, L, inner] rows
    int64_t outer = 1, inner = 1;
    const int64_t L = in.size(dim);
    for (int64_t d = 0; d < dim; ++d) outer *= in.size(d);
    for (int64_t d = dim + 1; d < nd; ++d) inner *= in.size(d);
    parallel_for(0, outer, line_grain(L * inner, kGrainSize), [&](int64_t b, int64_t e) {
      std::vector<Acc> acc(inner);
      for (int64_t i = b; i < e; ++i) {
        const T* xi = x + i * L * inner;
        T* oi = o + i * L * inner;
        std::fill(acc.begin(), acc.end(), Op::template init<Acc>());
        for (int64_t k = 0; k < L; ++k) {
          const T* xr = xi + k * inner;
          T* orow = oi + k * inner;
          for (int64_t j = 0; j < inner; ++j) {
            acc[j] = Op::step(acc[j], static_cast<Acc>(xr[j]));
            orow[j] = static_cast<T>(acc[j]);
          }
        }
      }
    });
    return;
  }
  const Lines li(in, dim), lo(out, dim);
  parallel_for(0, li.count, line_grain(li.length, kGrainSize), [&](int64_t b, int64_t e) {
    for (int64_t l = b; l < e; ++l) {
      const T* p = x + li.offset(l);
      T* q = o + lo.offset(l);
      Acc a = Op::template init<Acc>();
      for (int64_t k = 0; k < li.length; ++k) {
        a = Op::step(a, static_cast<Acc>(p[k * li.stride]));
        q[k * lo.stride] = static_cast<T>(a);
      }
    }
  });
}

void cumsum_kernel(const Tensor& out, const Tensor& in, int64_t dim) {
  dispatch_types<NumericTypes>(in.dtype(), "cumsum", [&](auto tag) {
    scan_impl<AddOp, EMBER_TYPE(tag)>(out, in, dim);
  });
}
void cumprod_kernel(const Tensor& out, const Tensor& in, int64_t dim) {
  dispatch_types<NumericTypes>(in.dtype(), "cumprod", [&](auto tag) {
    scan_impl<MulOp, EMBER_TYPE(tag)>(out, in, dim);
  });
}

}  // namespace

EMBER_REGISTER_KERNEL(cumsum, CPU, cumsum_kernel);
EMBER_REGISTER_KERNEL(cumprod, CPU, cumprod_kernel);

}  // namespace cpu
}  // namespace ember
