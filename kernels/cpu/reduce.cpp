// CPU reductions: sum, prod, max, min, argmax, argmin (ReduceFn).
//
// in: a view whose last `nreduce` dims are reduced; out: contiguous, one
// element per index of the other ("outer") dims, in row-major order. Both
// lists of dims are first collapsed where memory allows, then one of three
// loops runs:
//   contiguous run  the innermost reduced dim has stride 1: each output
//                   reduces runs of memory (Eigen / several accumulators);
//   row accumulate  the innermost outer dim has stride 1 (sum over dim 0 of
//                   a contiguous [R, N]): whole rows are added into a row
//                   of accumulators, so memory is read in order;
//   strided         anything else, one output at a time.
// Every path is parallel over outputs.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "cpu/thread_pool.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
namespace {

// ---------------------------------------------------------------- geometry

struct Dims {
  int n = 0;
  int64_t size[kMaxDims];
  int64_t stride[kMaxDims];
  int64_t numel() const {
    int64_t p = 1;
    for (int i = 0; i < n; ++i) p *= size[i];
    return p;
  }
  // element offset of the row-major linear index `l`
  int64_t offset(int64_t l) const {
    int64_t off = 0;
    for (int i = n - 1; i >= 0; --i) {
      off += (l % size[i]) * stride[i];
      l /= size[i];
    }
    return off;
  }
};

// Drops size-1 dims and merges neighbours that are one run in memory; the
// row-major order of the indices is unchanged.
Dims collapse(const int64_t* size, const int64_t* stride, int n) {
  Dims d;
  for (int i = 0; i < n; ++i) {
    if (size[i] == 1) continue;
    if (d.n > 0 && d.stride[d.n - 1] == stride[i] * size[i]) {
      d.size[d.n - 1] *= size[i];
      d.stride[d.n - 1] = stride[i];
    } else {
      d.size[d.n] = size[i];
      d.stride[d.n] = stride[i];
      ++d.n;
    }
  }
  return d;
}

struct Geometry {
  Dims outer, red;
  bool empty_reduce = false;
};

Geometry geometry(const Tensor& in, int64_t nreduce) {
  const int nd = int(in.dim());
  const int nouter = nd - int(nreduce);
  Geometry g;
  g.outer = collapse(in.sizes().data(), in.strides().data(), nouter);
  g.red = collapse(in.sizes().data() + nouter, in.strides().data() + nouter, int(nreduce));
  for (int i = nouter; i < nd; ++i)
    if (in.size(i) == 0) g.empty_reduce = true;
  return g;
}

// -------------------------------------------------------------- the ops

template <typename T>
struct SumOp {
  using Acc = opmath_t<T>;
  static Acc init() { return Acc(0); }
  static Acc step(Acc a, Acc x) {
    if constexpr (std::is_same<Acc, bool>::value) return a || x;  // bool sum: any
    else return a + x;
  }
};
template <typename T>
struct ProdOp {
  using Acc = opmath_t<T>;
  static Acc init() { return Acc(1); }
  static Acc step(Acc a, Acc x) {
    if constexpr (std::is_same<Acc, bool>::value) return a && x;  // bool prod: all
    else return a * x;
  }
};
template <typename A>
inline bool is_nan(A x) {
  if constexpr (std::is_floating_point<A>::value) return x != x;
  else return false;
}
// max and min propagate NaN: once the accumulator is NaN nothing replaces it
template <typename T>
struct MaxOp {
  using Acc = opmath_t<T>;
  static Acc init() {
    if constexpr (std::is_floating_point<Acc>::value) return -std::numeric_limits<Acc>::infinity();
    else return std::numeric_limits<Acc>::lowest();
  }
  static Acc step(Acc a, Acc x) { return (x > a || is_nan(x)) ? x : a; }
};
template <typename T>
struct MinOp {
  using Acc = opmath_t<T>;
  static Acc init() {
    if constexpr (std::is_floating_point<Acc>::value) return std::numeric_limits<Acc>::infinity();
    else return std::numeric_limits<Acc>::max();
  }
  static Acc step(Acc a, Acc x) { return (x < a || is_nan(x)) ? x : a; }
};

// A contiguous run of n elements folded into `a`.
template <typename Op, typename T>
inline typename Op::Acc reduce_run(const T* p, int64_t n, typename Op::Acc a) {
  using Acc = typename Op::Acc;
  constexpr bool eigen = std::is_same<T, float>::value || std::is_same<T, double>::value;
  if constexpr (eigen) {
    using Arr = Eigen::Array<T, Eigen::Dynamic, 1>;
    // blocks keep float sums accurate (cascade summation, as torch)
    constexpr int64_t kBlock = 4096;
    for (int64_t i = 0; i < n; i += kBlock) {
      Eigen::Map<const Arr> x(p + i, std::min(kBlock, n - i));
      if constexpr (std::is_same<Op, SumOp<T>>::value) a += x.sum();
      else if constexpr (std::is_same<Op, ProdOp<T>>::value) a *= x.prod();
      else if constexpr (std::is_same<Op, MaxOp<T>>::value) a = Op::step(a, x.template maxCoeff<Eigen::PropagateNaN>());
      else a = Op::step(a, x.template minCoeff<Eigen::PropagateNaN>());
    }
    return a;
  } else {
    Acc acc[4] = {Op::init(), Op::init(), Op::init(), Op::init()};
    int64_t i = 0;
    for (; i + 4 <= n; i += 4)
      for (int k = 0; k < 4; ++k) acc[k] = Op::step(acc[k], static_cast<Acc>(p[i + k]));
    for (; i < n; ++i) acc[0] = Op::step(acc[0], static_cast<Acc>(p[i]));
    for (int k = 0; k < 4; ++k) a = Op::step(a, acc[k]);
    return a;
  }
}

template <typename Op, typename T>
void reduce_impl(const Tensor& out, const Tensor& in, int64_t nreduce) {
  using Acc = typename Op::Acc;
  T* o = out.data_ptr<T>();
  const int64_t nout = out.numel();
  if (nout == 0) return;
  const Geometry g = geometry(in, nreduce);
  if (g.empty_reduce) {
    std::fill(o, o + nout, static_cast<T>(Op::init()));
    return;
  }
  const T* base = in.data_ptr<T>();
  const Dims& R = g.red;
  const Dims& O = g.outer;
  const int64_t rnumel = R.numel();

  // contiguous run: the innermost reduced dim has stride 1
  if (R.n == 0 || R.stride[R.n - 1] == 1) {
    const int64_t run = R.n == 0 ? 1 : R.size[R.n - 1];
    Dims rest = R;
    if (rest.n > 0) --rest.n;
    const int64_t nruns = rest.numel();
    // one long run (x.sum()): split the run itself across threads
    const int nt = num_threads();
    if (nout == 1 && nruns == 1 && run >= 4 * kGrainSize && nt > 1 && !in_parallel_region()) {
      std::vector<Acc> part(size_t(nt), Op::init());
      const int64_t chunk = (run + nt - 1) / nt;
      const T* p = base + O.offset(0);
      parallel_for(0, nt, 1, [&](int64_t b, int64_t e) {
        for (int64_t t = b; t < e; ++t) {
          int64_t lo = t * chunk, hi = std::min(run, lo + chunk);
          if (lo < hi) part[size_t(t)] = reduce_run<Op>(p + lo, hi - lo, Op::init());
        }
      });
      Acc a = Op::init();
      for (Acc v : part) a = Op::step(a, v);
      o[0] = static_cast<T>(a);
      return;
    }
    parallel_for(0, nout, std::max<int64_t>(1, kGrainSize / rnumel), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const T* p = base + O.offset(i);
        Acc a = Op::init();
        for (int64_t r = 0; r < nruns; ++r) a = reduce_run<Op>(p + rest.offset(r), run, a);
        o[i] = static_cast<T>(a);
      }
    });
    return;
  }

  // row accumulate: the innermost outer dim has stride 1
  if (O.n > 0 && O.stride[O.n - 1] == 1 && O.size[O.n - 1] >= 8) {
    const int64_t width = O.size[O.n - 1];
    Dims prefix = O;
    --prefix.n;
    const int64_t nprefix = prefix.numel();
    constexpr int64_t kChunk = 256;  // accumulators stay in L1
    const int64_t nchunks = (width + kChunk - 1) / kChunk;
    const int64_t grain = std::max<int64_t>(1, kGrainSize / (rnumel * kChunk));
    parallel_for(0, nprefix * nchunks, grain, [&](int64_t b, int64_t e) {
      Acc acc[kChunk];
      for (int64_t t = b; t < e; ++t) {
        const int64_t pi = t / nchunks, c0 = (t % nchunks) * kChunk;
        const int64_t w = std::min(kChunk, width - c0);
        const T* p = base + prefix.offset(pi) + c0;
        for (int64_t j = 0; j < w; ++j) acc[j] = Op::init();
        // one reduced dim (a bias gradient, sum over dim 0): step by its
        // stride rather than dividing an index per row
        const int64_t rs = R.n == 1 ? R.stride[0] : 0;
        for (int64_t r = 0; r < rnumel; ++r) {
          const T* __restrict row = p + (R.n == 1 ? r * rs : R.offset(r));
          for (int64_t j = 0; j < w; ++j) acc[j] = Op::step(acc[j], static_cast<Acc>(row[j]));
        }
        T* dst = o + pi * width + c0;
        for (int64_t j = 0; j < w; ++j) dst[j] = static_cast<T>(acc[j]);
      }
    });
    return;
  }

  // strided
  parallel_for(0, nout, std::max<int64_t>(1, kGrainSize / rnumel), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const T* p = base + O.offset(i);
      Acc a = Op::init();
      for (int64_t r = 0; r < rnumel; ++r) a = Op::step(a, static_cast<Acc>(p[R.offset(r)]));
      o[i] = static_cast<T>(a);
    }
  });
}

// argmax / argmin: the first index (row-major over the reduced dims) of the
// max / min; NaN counts as the extreme, so the first NaN wins.
template <typename T, bool IsMax>
void arg_impl(const Tensor& out, const Tensor& in, int64_t nreduce) {
  using Acc = opmath_t<T>;
  int64_t* o = out.data_ptr<int64_t>();
  const int64_t nout = out.numel();
  if (nout == 0) return;
  const int nd = int(in.dim());
  const int nouter = nd - int(nreduce);
  // the index is the row-major position within the reduced dims
  Dims R;
  for (int i = nouter; i < nd; ++i) {
    R.size[R.n] = in.size(i);
    R.stride[R.n] = in.stride(i);
    ++R.n;
  }
  const Dims O = collapse(in.sizes().data(), in.strides().data(), nouter);
  const int64_t rnumel = R.numel();
  if (rnumel == 0) {
    std::fill(o, o + nout, int64_t(0));
    return;
  }
  const T* base = in.data_ptr<T>();
  const Dims RC = collapse(R.size, R.stride, R.n);
  const bool run = RC.n <= 1;  // one strided run: index r is at r * step
  const int64_t step = RC.n == 1 ? RC.stride[0] : 1;
  parallel_for(0, nout, std::max<int64_t>(1, kGrainSize / rnumel), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const T* p = base + O.offset(i);
      Acc best = static_cast<Acc>(p[0]);
      int64_t best_i = 0;
      if (!is_nan(best)) {
        for (int64_t r = 1; r < rnumel; ++r) {
          Acc x = static_cast<Acc>(run ? p[r * step] : p[R.offset(r)]);
          if (is_nan(x)) {
            best_i = r;
            break;
          }
          if (IsMax ? x > best : x < best) {
            best = x;
            best_i = r;
          }
        }
      }
      o[i] = best_i;
    }
  });
}

// bool sums and products come out as "any" and "all" (bool arithmetic)
template <template <typename> class Op>
void run_reduce(const char* name, const Tensor& out, const Tensor& in, int64_t nreduce) {
  dispatch_types<AllTypes>(in.dtype(), name, [&](auto tag) {
    using T = EMBER_TYPE(tag);
    reduce_impl<Op<T>, T>(out, in, nreduce);
  });
}

void sum_kernel(const Tensor& out, const Tensor& in, int64_t nreduce) { run_reduce<SumOp>("sum", out, in, nreduce); }
void prod_kernel(const Tensor& out, const Tensor& in, int64_t nreduce) { run_reduce<ProdOp>("prod", out, in, nreduce); }
void max_kernel(const Tensor& out, const Tensor& in, int64_t nreduce) { run_reduce<MaxOp>("max", out, in, nreduce); }
void min_kernel(const Tensor& out, const Tensor& in, int64_t nreduce) { run_reduce<MinOp>("min", out, in, nreduce); }

void argmax_kernel(const Tensor& out, const Tensor& in, int64_t nreduce) {
  dispatch_types<AllTypes>(in.dtype(), "argmax", [&](auto tag) {
    arg_impl<EMBER_TYPE(tag), true>(out, in, nreduce);
  });
}
void argmin_kernel(const Tensor& out, const Tensor& in, int64_t nreduce) {
  dispatch_types<AllTypes>(in.dtype(), "argmin", [&](auto tag) {
    arg_impl<EMBER_TYPE(tag), false>(out, in, nreduce);
  });
}

}  // namespace

EMBER_REGISTER_KERNEL(reduce_sum, CPU, sum_kernel);
EMBER_REGISTER_KERNEL(reduce_prod, CPU, prod_kernel);
EMBER_REGISTER_KERNEL(reduce_max, CPU, max_kernel);
EMBER_REGISTER_KERNEL(reduce_min, CPU, min_kernel);
EMBER_REGISTER_KERNEL(reduce_argmax, CPU, argmax_kernel);
EMBER_REGISTER_KERNEL(reduce_argmin, CPU, argmin_kernel);

}  // namespace cpu
}  // namespace ember
