// copy (with dtype conversion), fill and the random fills on the CPU.
#include <cmath>
#include <mutex>

#include "cpu/loops.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {

namespace {
struct Identity {
  template <typename T>
  T operator()(T x) const { return x; }
};

void copy_kernel(ElementwiseArgs& a) {
  dispatch_types<AllTypes>(a.dtypes[0], "copy_", [&](auto dst_tag) {
    using D = EMBER_TYPE(dst_tag);
    dispatch_types<AllTypes>(a.dtypes[1], "copy_", [&](auto src_tag) {
      using S = EMBER_TYPE(src_tag);
      elementwise<D, S>(a, Identity{});
    });
  });
}

// params: [0] value as double, [1] value as int64 (exact for big integers)
void fill_kernel(ElementwiseArgs& a) {
  dispatch_types<AllTypes>(a.dtypes[0], "fill_", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    T v;
    if constexpr (std::is_integral<T>::value && !std::is_same<T, bool>::value)
      v = a.params[2] != 0 ? T(a.params[0]) : T(int64_t(a.params[1]));
    else if constexpr (std::is_same<T, bool>::value) v = a.params[0] != 0;
    else v = T(a.params[0]);
    elementwise<T>(a, [v]() { return v; });
  });
}
}  // namespace

EMBER_REGISTER_KERNEL(copy, CPU, copy_kernel);
EMBER_REGISTER_KERNEL(fill, CPU, fill_kernel);

// ---------------- random numbers: Philox-4x32-10 ----------------
namespace {
struct Philox {
  uint32_t key[2];
  uint32_t ctr[4];
  Philox(uint64_t seed, uint64_t counter) {
    key[0] = uint32_t(seed);
    key[1] = uint32_t(seed >> 32);
    ctr[0] = uint32_t(counter);
    ctr[1] = uint32_t(counter >> 32);
    ctr[2] = ctr[3] = 0;
  }
  // The 4 outputs of one counter value.
  void next4(uint32_t out[4]) {
    uint32_t c[4] = {ctr[0], ctr[1], ctr[2], ctr[3]};
    uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; ++r) {
      uint64_t p0 = uint64_t(0xD2511F53u) * c[0];
      uint64_t p1 = uint64_t(0xCD9E8D57u) * c[2];
      uint32_t n0 = uint32_t(p1 >> 32) ^ c[1] ^ k0;
      uint32_t n2 = uint32_t(p0 >> 32) ^ c[3] ^ k1;
      c[0] = n0;
      c[1] = uint32_t(p1);
      c[2] = n2;
      c[3] = uint32_t(p0);
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    for (int i = 0; i < 4; ++i) out[i] = c[i];
    if (++ctr[0] == 0) ++ctr[1];
  }
};

// Fills a contiguous buffer from the generator; values depend only on the
// seed and position, never on the thread count.
template <typename T, typename Make>
void random_fill(const Tensor& out, Generator& gen, Make make) {
  int64_t n = out.numel();
  uint64_t base;
  {
    std::lock_guard<std::mutex> lk(gen.mutex());
    base = gen.reserve(uint64_t(n) * 2);
  }
  uint64_t seed = gen.seed();
  T* p = static_cast<T*>(out.data_ptr());
  constexpr int64_t kBlock = 2;  // elements per Philox call (4 words)
  parallel_for(0, (n + kBlock - 1) / kBlock, kGrainSize / 4, [&](int64_t b, int64_t e) {
    Philox ph(seed, base / 4 + uint64_t(b));
    for (int64_t i = b; i < e; ++i) {
      uint32_t w[4];
      ph.next4(w);
      for (int64_t j = 0; j < kBlock && i * kBlock + j < n; ++j) p[i * kBlock + j] = make(w[2 * j], w[2 * j + 1]);
    }
  });
}
inline double u01(uint32_t a, uint32_t b) {  // 53-bit uniform in [0, 1)
  uint64_t x = (uint64_t(a) << 21) ^ uint64_t(b >> 11);
  return double(x & ((uint64_t(1) << 53) - 1)) * (1.0 / 9007199254740992.0);
}

void uniform_kernel(const Tensor& out, Generator& gen, double lo, double hi) {
  dispatch_types<FloatTypes>(out.dtype(), "uniform_", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    random_fill<T>(out, gen, [lo, hi](uint32_t a, uint32_t b) {
      double v = lo + (hi - lo) * u01(a, b);
      T t = T(v);
      // rounding to a narrow type may reach `hi`; keep [lo, hi)
      if (double(opmath_t<T>(t)) >= hi && hi > lo) t = T(lo);
      return t;
    });
  });
}
void normal_kernel(const Tensor& out, Generator& gen, double mean, double std) {
  dispatch_types<FloatTypes>(out.dtype(), "normal_", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    random_fill<T>(out, gen, [mean, std](uint32_t a, uint32_t b) {
      // Box-Muller on two 32-bit uniforms
      double u1 = (double(a) + 1.0) * (1.0 / 4294967296.0);
      double u2 = double(b) * (1.0 / 4294967296.0);
      return T(mean + std * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    });
  });
}
void randint_kernel(const Tensor& out, Generator& gen, double lo, double hi) {
  dispatch_types<AllTypes>(out.dtype(), "randint", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    uint64_t range = uint64_t(int64_t(hi) - int64_t(lo));
    int64_t low = int64_t(lo);
    random_fill<T>(out, gen, [range, low](uint32_t a, uint32_t b) {
      uint64_t x = (uint64_t(a) << 32) | b;
      return T(low + int64_t(x % range));
    });
  });
}
void bernoulli_kernel(const Tensor& out, const Tensor& p, Generator& gen) {
  // p is contiguous float64 with out's shape
  Tensor u = out.dtype() == kFloat64 ? out : Tensor();
  const double* pp = static_cast<const double*>(p.data_ptr());
  dispatch_types<AllTypes>(out.dtype(), "bernoulli", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    int64_t n = out.numel();
    uint64_t base;
    {
      std::lock_guard<std::mutex> lk(gen.mutex());
      base = gen.reserve(uint64_t(n) * 2);
    }
    uint64_t seed = gen.seed();
    T* o = static_cast<T*>(out.data_ptr());
    parallel_for(0, (n + 1) / 2, kGrainSize / 4, [&](int64_t b, int64_t e) {
      Philox ph(seed, base / 4 + uint64_t(b));
      for (int64_t i = b; i < e; ++i) {
        uint32_t w[4];
        ph.next4(w);
        for (int64_t j = 0; j < 2 && i * 2 + j < n; ++j) o[i * 2 + j] = T(u01(w[2 * j], w[2 * j + 1]) < pp[i * 2 + j]);
      }
    });
  });
}
}  // namespace

EMBER_REGISTER_KERNEL(uniform, CPU, uniform_kernel);
EMBER_REGISTER_KERNEL(normal, CPU, normal_kernel);
EMBER_REGISTER_KERNEL(randint, CPU, randint_kernel);
EMBER_REGISTER_KERNEL(bernoulli, CPU, bernoulli_kernel);

}  // namespace cpu
}  // namespace ember
