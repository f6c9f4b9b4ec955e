// CPU softmax, log_softmax and their backward (SoftmaxFn,
// SoftmaxBackwardFn), one line along dim at a time.
//
// Lines that are contiguous in float/double are mapped with Eigen and
// computed in place; any other line (strided, or 16-bit floats) is copied
// into an opmath buffer first. The max is subtracted before exp, so large
// inputs do not overflow.
#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "cpu/lines.h"
#include "cpu/vec_math.h"
#include "cpu/thread_pool.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
namespace {

template <typename A>
using Arr = Eigen::Array<A, Eigen::Dynamic, 1>;

// x -> softmax(x) or log_softmax(x), in place on one line.
template <bool Log, typename A>
inline void softmax_line(Eigen::Map<Arr<A>> x) {
  const A m = x.template maxCoeff<Eigen::PropagateNaN>();
  if (Log) {
    const A log_sum = std::log((x - m).exp().sum());
    x = (x - m) - log_sum;
  } else {
    x = (x - m).exp();
    x /= x.sum();
  }
}

// grad_input from grad and the forward output y, in place into gi.
//   softmax:     gi = y * (g - sum(g * y))
//   log_softmax: gi = g - exp(y) * sum(g)
template <bool Log, typename A>
inline void backward_line(Eigen::Map<Arr<A>> gi, Eigen::Map<const Arr<A>> g, Eigen::Map<const Arr<A>> y) {
  if (Log) gi = g - y.exp() * g.sum();
  else gi = y * (g - (g * y).sum());
}

// Whether the lines along dim are the rows of one dense block: line l
// starts at l * length.
inline bool packed_rows(const Tensor& t, int64_t dim) {
  return t.is_contiguous() && (t.dim() == 0 || dim == t.dim() - 1);
}

template <bool Log, typename T>
void softmax_impl(const Tensor& out, const Tensor& in, int64_t dim) {
  using A = opmath_t<T>;
  if (out.numel() == 0) return;
  const Lines li(in, dim), lo(out, dim);
  const int64_t L = li.length;
  const T* x = in.data_ptr<T>();
  T* o = out.data_ptr<T>();
  constexpr bool direct_ok = std::is_same<T, A>::value;
  const bool rows_packed = packed_rows(in, dim) && packed_rows(out, dim);
  parallel_for(0, li.count, line_grain(L, kGrainSize / 4), [&](int64_t b, int64_t e) {
    std::vector<A> buf;
    if constexpr (direct_ok) {
      if (rows_packed) {
        if constexpr (std::is_same<A, float>::value) vec_math().softmax_f32(o + b * L, x + b * L, e - b, L, Log);
        else vec_math().softmax_f64(o + b * L, x + b * L, e - b, L, Log);
        return;
      }
    }
    for (int64_t l = b; l < e; ++l) {
      const T* p = x + li.offset(l);
      T* q = o + lo.offset(l);
      if constexpr (direct_ok) {
        if (li.stride == 1 && lo.stride == 1) {
          if constexpr (std::is_same<A, float>::value) vec_math().softmax_f32(q, p, 1, L, Log);
          else vec_math().softmax_f64(q, p, 1, L, Log);
          continue;
        }
      }
      buf.resize(L);
      for (int64_t k = 0; k < L; ++k) buf[k] = static_cast<A>(p[k * li.stride]);
      softmax_line<Log, A>(Eigen::Map<Arr<A>>(buf.data(), L));
      for (int64_t k = 0; k < L; ++k) q[k * lo.stride] = static_cast<T>(buf[k]);
    }
  });
}

template <bool Log, typename T>
void softmax_backward_impl(const Tensor& grad_input, const Tensor& grad, const Tensor& output, int64_t dim) {
  using A = opmath_t<T>;
  if (grad_input.numel() == 0) return;
  const Lines lgi(grad_input, dim), lg(grad, dim), ly(output, dim);
  const int64_t L = lgi.length;
  T* gi = grad_input.data_ptr<T>();
  const T* g = grad.data_ptr<T>();
  const T* y = output.data_ptr<T>();
  const bool rows_packed = packed_rows(grad_input, dim) && packed_rows(grad, dim) && packed_rows(output, dim);
  parallel_for(0, lgi.count, line_grain(L, kGrainSize / 4), [&](int64_t b, int64_t e) {
    if constexpr (Log && std::is_same<T, A>::value) {
      // exp(y) of the whole block in one vectorized pass, then one pass per
      // row: exp per row would go scalar on short rows.
      if (rows_packed) {
        T* pgi = gi + b * L;
        const T* pg = g + b * L;
        if constexpr (std::is_same<A, float>::value) vec_math().unary_f32(VecOp::Exp, pgi, y + b * L, (e - b) * L);
        else vec_math().unary_f64(VecOp::Exp, pgi, y + b * L, (e - b) * L);
        for (int64_t r = 0; r < e - b; ++r) {
          Eigen::Map<Arr<A>> row_gi(pgi + r * L, L);
          Eigen::Map<const Arr<A>> row_g(pg + r * L, L);
          row_gi = row_g - row_gi * row_g.sum();
        }
        return;
      }
    }
    std::vector<A> bg, by, bgi;
    for (int64_t l = b; l < e; ++l) {
      T* pgi = gi + lgi.offset(l);
      const T* pg = g + lg.offset(l);
      const T* py = y + ly.offset(l);
      if constexpr (std::is_same<T, A>::value) {
        if (lgi.stride == 1 && lg.stride == 1 && ly.stride == 1) {
          backward_line<Log, A>(Eigen::Map<Arr<A>>(pgi, L), Eigen::Map<const Arr<A>>(pg, L),
                                Eigen::Map<const Arr<A>>(py, L));
          continue;
        }
      }
      bg.resize(L);
      by.resize(L);
      bgi.resize(L);
      for (int64_t k = 0; k < L; ++k) {
        bg[k] = static_cast<A>(pg[k * lg.stride]);
        by[k] = static_cast<A>(py[k * ly.stride]);
      }
      backward_line<Log, A>(Eigen::Map<Arr<A>>(bgi.data(), L), Eigen::Map<const Arr<A>>(bg.data(), L),
                            Eigen::Map<const Arr<A>>(by.data(), L));
      for (int64_t k = 0; k < L; ++k) pgi[k * lgi.stride] = static_cast<T>(bgi[k]);
    }
  });
}

void softmax_kernel(const Tensor& out, const Tensor& in, int64_t dim) {
  dispatch_types<FloatTypes>(in.dtype(), "softmax", [&](auto tag) {
    softmax_impl<false, EMBER_TYPE(tag)>(out, in, dim);
  });
}
void log_softmax_kernel(const Tensor& out, const Tensor& in, int64_t dim) {
  dispatch_types<FloatTypes>(in.dtype(), "log_softmax", [&](auto tag) {
    softmax_impl<true, EMBER_TYPE(tag)>(out, in, dim);
  });
}
void softmax_backward_kernel(const Tensor& gi, const Tensor& g, const Tensor& y, int64_t dim) {
  dispatch_types<FloatTypes>(g.dtype(), "softmax_backward", [&](auto tag) {
    softmax_backward_impl<false, EMBER_TYPE(tag)>(gi, g, y, dim);
  });
}
void log_softmax_backward_kernel(const Tensor& gi, const Tensor& g, const Tensor& y, int64_t dim) {
  dispatch_types<FloatTypes>(g.dtype(), "log_softmax_backward", [&](auto tag) {
    softmax_backward_impl<true, EMBER_TYPE(tag)>(gi, g, y, dim);
  });
}

}  // namespace

EMBER_REGISTER_KERNEL(softmax, CPU, softmax_kernel);
EMBER_REGISTER_KERNEL(log_softmax, CPU, log_softmax_kernel);
EMBER_REGISTER_KERNEL(softmax_backward, CPU, softmax_backward_kernel);
EMBER_REGISTER_KERNEL(log_softmax_backward, CPU, log_softmax_backward_kernel);

}  // namespace cpu
}  // namespace ember
