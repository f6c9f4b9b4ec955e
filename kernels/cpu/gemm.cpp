// CPU GEMM: out[b] = beta * out[b] + alpha * a[b] @ b[b] for 3-D tensors of
// any strides. float/double go to Eigen, mapping each matrix row- or
// column-major in place so transposed operands need no copy; the 16-bit
// floats compute in float; integers use a plain loop.
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/tensor_impl.h"
#include "cpu/gemm_eigen.h"
#include "cpu/thread_pool.h"
#include "dispatch/dtype_switch.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
namespace {

// Eigen's GEMM for one product is compiled twice (gemm_eigen_avx2.cpp,
// gemm_eigen_avx512.cpp); the AVX-512 build is used on CPUs that have it.
template <typename T>
void gemm_one(Mat<T> c, Mat<T> a, Mat<T> b, T beta, T alpha, const T* bias = nullptr) {
  static const bool avx512 = gemm_avx512_supported();
  if (avx512) gemm_avx512::gemm_one(c, a, b, beta, alpha, bias);
  else gemm_avx2::gemm_one(c, a, b, beta, alpha, bias);
}

// Copies a strided matrix into a dense row-major buffer of type U.
template <typename U, typename T>
void pack(std::vector<U>& buf, const T* p, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  buf.resize(size_t(rows * cols));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) buf[size_t(i * cols + j)] = static_cast<U>(p[i * rs + j * cs]);
}

struct Geometry {
  int64_t batch, m, n, k;
  int64_t cs[3], as[3], bs[3];  // batch, row, col strides (elements)
};

// 3-D operands are batches; 2-D ones a batch of one (mm and addmm pass
// their matrices as they are, without a [1, M, N] view each).
inline Geometry geometry(const Tensor& out, const Tensor& a, const Tensor& b) {
  Geometry g;
  const IntArrayRef os = out.sizes(), ost = out.strides(), ast = a.strides(), bst = b.strides();
  const size_t d = os.size() - 2;  // 1 for batches, 0 for matrices
  g.batch = d ? os[0] : 1;
  g.m = os[d];
  g.n = os[d + 1];
  g.k = a.sizes()[d + 1];
  g.cs[0] = d ? ost[0] : 0;
  g.as[0] = d ? ast[0] : 0;
  g.bs[0] = d ? bst[0] : 0;
  for (size_t i = 0; i < 2; ++i) {
    g.cs[i + 1] = ost[d + i];
    g.as[i + 1] = ast[d + i];
    g.bs[i + 1] = bst[d + i];
  }
  return g;
}

// Splits the work into (batch, column or row block) tasks and runs them on
// the pool only when the product is big enough to pay for the threads.
template <typename F>
void run_tasks(const Geometry& g, F&& task) {
  const double flops = double(g.batch) * double(g.m) * double(g.n) * double(std::max<int64_t>(g.k, 1));
  int nt = num_threads();
  if (flops < double(1 << 22) || nt <= 1 || in_parallel_region()) {  // 128^3 stays on one thread
    for (int64_t bi = 0; bi < g.batch; ++bi) task(bi, int64_t(0), g.m, int64_t(0), g.n);
    return;
  }
  // Blocks per matrix: enough to feed every thread when the batch is small.
  int64_t blocks = g.batch >= nt ? 1 : (nt + g.batch - 1) / g.batch;
  bool split_cols = g.n >= g.m;
  int64_t extent = split_cols ? g.n : g.m;
  int64_t min_block = 32;
  blocks = std::max<int64_t>(1, std::min(blocks, extent / min_block));
  int64_t per = (extent + blocks - 1) / blocks;
  parallel_for(0, g.batch * blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      int64_t bi = t / blocks, blk = t % blocks;
      int64_t lo = blk * per, hi = std::min(extent, lo + per);
      if (lo >= hi) continue;
      if (split_cols) task(bi, int64_t(0), g.m, lo, hi);
      else task(bi, lo, hi, int64_t(0), g.n);
    }
  });
}

template <typename T>
void gemm_eigen_typed(const Tensor& out, const Tensor& a_in, const Tensor& b_in, T beta, T alpha, const T* bias) {
  Tensor a = a_in, b = b_in;
  Geometry g = geometry(out, a, b);
  // Operands that no Eigen map can describe are copied once, up front.
  if (layout_of(g.m, g.k, g.as[1], g.as[2]) == Layout::Copy) {
    a = a.contiguous();
    g = geometry(out, a, b);
  }
  if (layout_of(g.k, g.n, g.bs[1], g.bs[2]) == Layout::Copy) {
    b = b.contiguous();
    g = geometry(out, a, b);
  }
  Tensor c = out;
  bool c_copied = layout_of(g.m, g.n, g.cs[1], g.cs[2]) == Layout::Copy;
  if (c_copied) {
    c = out.contiguous();  // a copy; written back below
    g = geometry(c, a, b);
  }
  T* pc = static_cast<T*>(c.data_ptr());
  T* pa = static_cast<T*>(a.data_ptr());
  T* pb = static_cast<T*>(b.data_ptr());
  run_tasks(g, [&](int64_t bi, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
    Mat<T> mc{pc + bi * g.cs[0] + r0 * g.cs[1] + c0 * g.cs[2], r1 - r0, c1 - c0, g.cs[1], g.cs[2]};
    Mat<T> ma{pa + bi * g.as[0] + r0 * g.as[1], r1 - r0, g.k, g.as[1], g.as[2]};
    Mat<T> mb{pb + bi * g.bs[0] + c0 * g.bs[2], g.k, c1 - c0, g.bs[1], g.bs[2]};
    gemm_one(mc, ma, mb, beta, alpha, bias ? bias + c0 : nullptr);
  });
  if (c_copied) {
    Geometry go = geometry(out, a, b);
    T* po = static_cast<T*>(out.data_ptr());
    for (int64_t bi = 0; bi < g.batch; ++bi)
      for (int64_t i = 0; i < g.m; ++i)
        for (int64_t j = 0; j < g.n; ++j)
          po[bi * go.cs[0] + i * go.cs[1] + j * go.cs[2]] = pc[bi * g.cs[0] + i * g.cs[1] + j * g.cs[2]];
  }
}

// float16 / bfloat16: pack to float, multiply with Eigen, round back.
template <typename T>
void gemm_low_precision(const Tensor& out, const Tensor& a, const Tensor& b, float beta, float alpha) {
  Geometry g = geometry(out, a, b);
  const T* pa = static_cast<const T*>(a.data_ptr());
  const T* pb = static_cast<const T*>(b.data_ptr());
  T* pc = static_cast<T*>(out.data_ptr());
  auto one = [&](int64_t bi) {
    std::vector<float> fa, fb, fc;
    pack(fa, pa + bi * g.as[0], g.m, g.k, g.as[1], g.as[2]);
    pack(fb, pb + bi * g.bs[0], g.k, g.n, g.bs[1], g.bs[2]);
    fc.assign(size_t(g.m * g.n), 0.f);
    T* cb = pc + bi * g.cs[0];
    if (beta != 0.f) pack(fc, cb, g.m, g.n, g.cs[1], g.cs[2]);
    Mat<float> mc{fc.data(), g.m, g.n, g.n, 1};
    Mat<float> ma{fa.data(), g.m, g.k, g.k, 1};
    Mat<float> mb{fb.data(), g.k, g.n, g.n, 1};
    gemm_one(mc, ma, mb, beta, alpha);
    for (int64_t i = 0; i < g.m; ++i)
      for (int64_t j = 0; j < g.n; ++j) cb[i * g.cs[1] + j * g.cs[2]] = T(fc[size_t(i * g.n + j)]);
  };
  const double flops = double(g.batch) * double(g.m) * double(g.n) * double(std::max<int64_t>(g.k, 1));
  if (flops >= double(1 << 21) && g.batch > 1) {
    parallel_for(0, g.batch, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t bi = b0; bi < b1; ++bi) one(bi);
    });
  } else {
    for (int64_t bi = 0; bi < g.batch; ++bi) one(bi);
  }
}

// Integers: the naive triple loop (C's i-k-j order keeps B's rows in cache).
template <typename T>
void gemm_integer(const Tensor& out, const Tensor& a, const Tensor& b, int64_t beta, int64_t alpha) {
  Geometry g = geometry(out, a, b);
  const T* pa = static_cast<const T*>(a.data_ptr());
  const T* pb = static_cast<const T*>(b.data_ptr());
  T* pc = static_cast<T*>(out.data_ptr());
  std::vector<int64_t> acc(size_t(std::max<int64_t>(g.n, 1)));
  for (int64_t bi = 0; bi < g.batch; ++bi) {
    for (int64_t i = 0; i < g.m; ++i) {
      std::fill(acc.begin(), acc.end(), 0);
      const T* ar = pa + bi * g.as[0] + i * g.as[1];
      for (int64_t kk = 0; kk < g.k; ++kk) {
        int64_t av = int64_t(ar[kk * g.as[2]]);
        const T* br = pb + bi * g.bs[0] + kk * g.bs[1];
        for (int64_t j = 0; j < g.n; ++j) acc[size_t(j)] += av * int64_t(br[j * g.bs[2]]);
      }
      T* cr = pc + bi * g.cs[0] + i * g.cs[1];
      for (int64_t j = 0; j < g.n; ++j) {
        int64_t old = beta == 0 ? 0 : beta * int64_t(cr[j * g.cs[2]]);
        cr[j * g.cs[2]] = static_cast<T>(old + alpha * acc[size_t(j)]);
      }
    }
  }
}

// out: [B, M, N]  a: [B, M, K]  b: [B, K, N]; any strides, one dtype.
void gemm_kernel(const Tensor& out, const Tensor& a, const Tensor& b, double beta, double alpha,
                 const Tensor& bias) {
  if (out.numel() == 0) return;
  dispatch_types<NumericTypes>(out.dtype(), "gemm", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    if constexpr (std::is_same<T, float>::value || std::is_same<T, double>::value) {
      const T* pbias = bias.defined() ? static_cast<const T*>(bias.data_ptr()) : nullptr;
      gemm_eigen_typed<T>(out, a, b, T(beta), T(alpha), pbias);
      return;
    }
    if (bias.defined()) {  // the rarer dtypes: C = bias first, then add the product to it
      Tensor(out).copy_(bias.expand(out.sizes()));
      beta = 1;
    }
    if constexpr (std::is_same<T, Half>::value || std::is_same<T, BFloat16>::value) {
      gemm_low_precision<T>(out, a, b, float(beta), float(alpha));
    } else {
      gemm_integer<T>(out, a, b, int64_t(beta), int64_t(alpha));
    }
  });
}

}  // namespace

EMBER_REGISTER_KERNEL(gemm, CPU, gemm_kernel);

}  // namespace cpu
}  // namespace ember
