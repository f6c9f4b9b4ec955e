// Factory functions: empty, zeros, ones, full, arange, linspace, eye,
// *_like, random tensors, tensor(...) from values, from_blob, and the
// window functions (hann_window, ...).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "ops/kernels_api.h"
#include "ops/ops_common.h"

namespace ember {

using detail::make_tensor;

namespace {
Tensor finish(Tensor t, const TensorOptions& o) {
  if (o.requires_grad()) t.requires_grad_(true);
  return t;
}
void check_sizes(IntArrayRef size, const char* op) {
  detail::checked_numel(size, op);
  EMBER_CHECK(size.size() <= 64, op, ": tensors may have at most 64 dims, got ", size.size());
}
}  // namespace

Tensor empty(IntArrayRef size, const TensorOptions& o) {
  check_sizes(size, "empty");
  return finish(make_tensor(size, o.dtype(), o.device()), o);
}
Tensor empty_strided(IntArrayRef size, IntArrayRef stride, const TensorOptions& o) {
  EMBER_CHECK(size.size() == stride.size(), "empty_strided: mismatch in length of strides and shape");
  int64_t extent = 1;
  for (size_t i = 0; i < size.size(); ++i) {
    EMBER_CHECK(size[i] >= 0 && stride[i] >= 0, "empty_strided: negative size or stride");
    if (size[i] == 0) extent = 0;
  }
  if (extent != 0)
    for (size_t i = 0; i < size.size(); ++i) extent += (size[i] - 1) * stride[i];
  Tensor t = make_tensor({extent}, o.dtype(), o.device());
  t.unsafe_impl()->set_geometry(size, stride, 0);
  return finish(t, o);
}
Tensor full(IntArrayRef size, const Scalar& value, const TensorOptions& o) {
  check_sizes(size, "full");
  ScalarType t = o.dtype_opt() ? *o.dtype_opt() : value.type();
  Tensor out = make_tensor(size, t, o.device());
  out.fill_(value);
  return finish(out, o);
}
Tensor zeros(IntArrayRef size, const TensorOptions& o) { return full(size, 0, o.dtype(o.dtype())); }
Tensor ones(IntArrayRef size, const TensorOptions& o) { return full(size, 1, o.dtype(o.dtype())); }

namespace {
TensorOptions like(const Tensor& t, const TensorOptions& o) {
  TensorOptions r = TensorOptions().dtype(o.dtype_opt().value_or(t.dtype()));
  r = r.device(o.device().is_cpu() && !t.device().is_cpu() ? t.device() : o.device());
  return r.requires_grad(o.requires_grad());
}
}  // namespace
Tensor empty_like(const Tensor& t, const TensorOptions& o) {
  TensorOptions lo = like(t, o);
  // keep the layout of a dense non-contiguous input (torch's preserve_format)
  if (!t.is_contiguous() && t.dim() > 1) {
    int64_t nd = t.dim();
    std::vector<int64_t> perm(nd);
    for (int64_t i = 0; i < nd; ++i) perm[i] = i;
    std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) { return t.stride(a) > t.stride(b); });
    // dense and non-overlapping?
    int64_t expect = 1;
    bool dense = true;
    for (int64_t i = nd - 1; i >= 0; --i) {
      if (t.size(perm[i]) == 1) continue;
      if (t.stride(perm[i]) != expect) dense = false;
      expect *= t.size(perm[i]);
    }
    if (dense) {
      Shape strides(nd);
      int64_t s = 1;
      for (int64_t i = nd - 1; i >= 0; --i) {
        strides[perm[i]] = s;
        s *= std::max<int64_t>(t.size(perm[i]), 1);
      }
      return empty_strided(t.sizes(), strides, lo);
    }
  }
  return empty(t.sizes(), lo);
}
// Filled before requires_grad is set: fill_ on a leaf that requires grad is
// an in-place error (zeros_like(x, requires_grad=True) raised it).
Tensor full_like(const Tensor& t, const Scalar& v, const TensorOptions& o) {
  return finish(empty_like(t, o.requires_grad(false)).fill_(v), o);
}
Tensor zeros_like(const Tensor& t, const TensorOptions& o) { return full_like(t, 0, o); }
Tensor ones_like(const Tensor& t, const TensorOptions& o) { return full_like(t, 1, o); }
Tensor rand_like(const Tensor& t, const TensorOptions& o) { return rand(t.sizes(), like(t, o)); }
Tensor randn_like(const Tensor& t, const TensorOptions& o) { return randn(t.sizes(), like(t, o)); }

Tensor arange(const Scalar& end, const TensorOptions& o) { return arange(0, end, 1, o); }
Tensor arange(const Scalar& start, const Scalar& end, const TensorOptions& o) { return arange(start, end, 1, o); }
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, const TensorOptions& o) {
  double s = start.to_double(), e = end.to_double(), st = step.to_double();
  EMBER_CHECK(st != 0, "arange: step must be nonzero");
  EMBER_CHECK(std::isfinite(s) && std::isfinite(e), "arange: unsupported range: ", s, " -> ", e);
  EMBER_CHECK((st > 0 && e >= s) || (st < 0 && e <= s), "arange: upper bound and larger bound inconsistent with step sign");
  bool all_int = !start.is_floating_point() && !end.is_floating_point() && !step.is_floating_point();
  ScalarType t = o.dtype_opt().value_or(all_int ? kInt64 : get_default_dtype());
  double nd = std::ceil((e - s) / st);
  EMBER_CHECK(nd >= 0 && nd < 9.0e15, "arange: invalid number of elements ", nd);
  int64_t n = int64_t(nd);
  Tensor out = make_tensor({n}, t, Device(kCPU));
  dispatch_types<AllTypes>(t, "arange", [&](auto tag) {
    using T = EMBER_TYPE(tag);
    T* p = static_cast<T*>(out.data_ptr());
    if (all_int) {
      int64_t a = start.to_long(), b = step.to_long();
      for (int64_t i = 0; i < n; ++i) p[i] = T(a + i * b);
    } else {
      for (int64_t i = 0; i < n; ++i) p[i] = T(s + double(i) * st);
    }
  });
  if (!o.device().is_cpu()) out = out.to(o.device());
  return finish(out, o);
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& o) {
  EMBER_CHECK(steps >= 0, "linspace: number of steps must be non-negative");
  ScalarType t = o.dtype();
  Tensor out = make_tensor({steps}, kFloat64, Device(kCPU));
  double a = start.to_double(), b = end.to_double();
  double* p = static_cast<double*>(out.data_ptr());
  double step = steps > 1 ? (b - a) / double(steps - 1) : 0;
  // fill from both ends, as torch, so the last value is exactly `end`
  int64_t half = steps / 2;
  for (int64_t i = 0; i < steps; ++i) p[i] = i < half ? a + step * double(i) : b - step * double(steps - 1 - i);
  if (steps == 1) p[0] = a;
  out = out.to(t);
  if (!o.device().is_cpu()) out = out.to(o.device());
  return finish(out, o);
}

// ---------------- window functions ----------------
// torch's formulas (aten TensorFactories), evaluated in double: value(n, M)
// for n in [0, M) with M = window_length (+ 1 when periodic, the extra
// value dropped).
namespace {
template <typename F>
Tensor make_window(const char* op, int64_t window_length, bool periodic, const TensorOptions& o, F value) {
  EMBER_CHECK(window_length >= 0, op, ": requires non-negative window_length, got window_length=", window_length);
  EMBER_CHECK(is_floating_point(o.dtype()), op, ": expects floating point dtypes, got ", o.dtype());
  // the float64 staging buffer's bytes must fit in an int64 (torch: "Storage
  // size calculation overflowed")
  EMBER_CHECK(window_length <= std::numeric_limits<int64_t>::max() / int64_t(sizeof(double)), op,
              ": window_length=", window_length, " is too large (its storage size overflows)");
  Tensor out = make_tensor({window_length}, kFloat64, Device(kCPU));
  double* v = static_cast<double*>(out.data_ptr());
  if (window_length == 1) v[0] = 1.0;
  if (window_length > 1) {
    const int64_t M = periodic ? window_length + 1 : window_length;
    for (int64_t n = 0; n < window_length; ++n) v[n] = value(double(n), double(M));
  }
  out = out.to(o.dtype());
  if (!o.device().is_cpu()) out = out.to(o.device());
  return finish(out, o);
}

// I0, the modified Bessel function of order 0, as torch's calc_i0 (Cephes'
// Chebyshev expansions of exp(-|x|) I0(x) on [0, 8] and (8, inf)). Unlike
// std::cyl_bessel_i it is even in x, and it overflows to inf (inf / inf =
// NaN in kaiser_window, as torch) where libstdc++ throws domain_error.
double chbevl(double x, const double* c, int n) {
  double b0 = c[0], b1 = 0, b2 = 0;
  for (int i = 1; i < n; ++i) {
    b2 = b1;
    b1 = b0;
    b0 = x * b1 - b2 + c[i];
  }
  return 0.5 * (b0 - b2);
}
double bessel_i0(double x) {
  static const double A[] = {
      -4.41534164647933937950E-18, 3.33079451882223809783E-17,  -2.43127984654795469359E-16,
      1.71539128555513303061E-15,  -1.16853328779934516808E-14, 7.67618549860493561688E-14,
      -4.85644678311192946090E-13, 2.95505266312963983461E-12,  -1.72682629144155570723E-11,
      9.67580903537323691224E-11,  -5.18979560163526290666E-10, 2.65982372468238665035E-9,
      -1.30002500998624804212E-8,  6.04699502254191894932E-8,   -2.67079385394061173391E-7,
      1.11738753912010371815E-6,   -4.41673835845875056359E-6,  1.64484480707288970893E-5,
      -5.75419501008210370398E-5,  1.88502885095841655729E-4,   -5.76375574538582365885E-4,
      1.63947561694133579842E-3,   -4.32430999505057594430E-3,  1.05464603945949983183E-2,
      -2.37374148058994688156E-2,  4.93052842396707084878E-2,   -9.49010970480476444210E-2,
      1.71620901522208775349E-1,   -3.04682672343198398683E-1,  6.76795274409476084995E-1};
  static const double B[] = {
      -7.23318048787475395456E-18, -4.83050448594418207126E-18, 4.46562142029675999901E-17,
      3.46122286769746109310E-17,  -2.82762398051658348494E-16, -3.42548561967721913462E-16,
      1.77256013305652638360E-15,  3.81168066935262242075E-15,  -9.55484669882830764870E-15,
      -4.15056934728722208663E-14, 1.54008621752140982691E-14,  3.85277838274214270114E-13,
      7.18012445138366623367E-13,  -1.79417853150680611778E-12, -1.32158118404477131188E-11,
      -3.14991652796324136454E-11, 1.18891471078464383424E-11,  4.94060238822496958910E-10,
      3.39623202570838634515E-9,   2.26666899049817806459E-8,   2.04891858946906374183E-7,
      2.89137052083475648297E-6,   6.88975834691682398426E-5,   3.36911647825569408990E-3,
      8.04490411014108831608E-1};
  x = std::abs(x);
  if (x <= 8.0) return std::exp(x) * chbevl(x / 2.0 - 2.0, A, 30);
  return std::exp(x) * chbevl(32.0 / x - 2.0, B, 25) / std::sqrt(x);
}
}  // namespace

// Each formula in torch's order of operations, so float64 windows agree to
// the last bit where the libm does.
Tensor hamming_window(int64_t window_length, bool periodic, double alpha, double beta, const TensorOptions& o) {
  return make_window("hamming_window", window_length, periodic, o,
                     [=](double n, double M) { return std::cos(n * (2 * M_PI / (M - 1))) * -beta + alpha; });
}
Tensor hann_window(int64_t window_length, bool periodic, const TensorOptions& o) {
  return make_window("hann_window", window_length, periodic, o,
                     [](double n, double M) { return std::cos(n * (2 * M_PI / (M - 1))) * -0.5 + 0.5; });
}
Tensor blackman_window(int64_t window_length, bool periodic, const TensorOptions& o) {
  return make_window("blackman_window", window_length, periodic, o, [](double n, double M) {
    const double t = n * (M_PI / (M - 1));
    return std::cos(t * 4) * 0.08 - std::cos(t * 2) * 0.5 + 0.42;
  });
}
Tensor bartlett_window(int64_t window_length, bool periodic, const TensorOptions& o) {
  return make_window("bartlett_window", window_length, periodic, o, [](double n, double M) {
    const double t = n * (2.0 / (M - 1));  // rises to 1 at the middle, then falls
    return n <= std::floor((M - 1) / 2) ? t : 2 - t;
  });
}
Tensor kaiser_window(int64_t window_length, bool periodic, double beta, const TensorOptions& o) {
  return make_window("kaiser_window", window_length, periodic, o, [=](double n, double M) {
    const double a = (M - 1) / 2, r = (n - a) / a;
    return bessel_i0(beta * std::sqrt(std::max(0.0, 1 - r * r))) / bessel_i0(beta);
  });
}

Tensor eye(int64_t n, const TensorOptions& o) { return eye(n, n, o); }
Tensor eye(int64_t n, int64_t m, const TensorOptions& o) {
  EMBER_CHECK(n >= 0 && m >= 0, "eye: n and m must be non-negative, got ", n, ", ", m);
  Tensor out = zeros({n, m}, o.dtype(o.dtype()).requires_grad(false));
  if (n > 0 && m > 0) out.diagonal().fill_(1);
  if (!o.device().is_cpu()) out = out.to(o.device());
  return finish(out, o);
}

// ---------------- random ----------------
Tensor rand(IntArrayRef size, Generator& gen, const TensorOptions& o) {
  check_sizes(size, "rand");
  EMBER_CHECK_TYPE(is_floating_point(o.dtype()), "rand: \"check_uniform_bounds\" not implemented for '", o.dtype(), "'");
  Tensor out = make_tensor(size, o.dtype(), Device(kCPU));
  detail::kernel<RandomFn>(OpId::uniform, Device(kCPU))(out, gen, 0.0, 1.0);
  if (!o.device().is_cpu()) out = out.to(o.device());
  return finish(out, o);
}
Tensor rand(IntArrayRef size, const TensorOptions& o) { return rand(size, default_generator(), o); }
Tensor randn(IntArrayRef size, Generator& gen, const TensorOptions& o) {
  check_sizes(size, "randn");
  EMBER_CHECK_TYPE(is_floating_point(o.dtype()), "randn: \"normal_kernel_cpu\" not implemented for '", o.dtype(), "'");
  Tensor out = make_tensor(size, o.dtype(), Device(kCPU));
  detail::kernel<RandomFn>(OpId::normal, Device(kCPU))(out, gen, 0.0, 1.0);
  if (!o.device().is_cpu()) out = out.to(o.device());
  return finish(out, o);
}
Tensor randn(IntArrayRef size, const TensorOptions& o) { return randn(size, default_generator(), o); }
Tensor normal(double mean, double std, IntArrayRef size, const TensorOptions& o) {
  EMBER_CHECK(std >= 0, "normal expects std >= 0.0, but found std ", std);
  return randn(size, o) * std + mean;
}
Tensor randint(int64_t low, int64_t high, IntArrayRef size, Generator& gen, const TensorOptions& o) {
  check_sizes(size, "randint");
  EMBER_CHECK(high > low, "random_ expects 'from' to be less than 'to', but got from=", low, " >= to=", high);
  ScalarType t = o.dtype_opt().value_or(kInt64);
  Tensor out = make_tensor(size, t, Device(kCPU));
  detail::kernel<RandomFn>(OpId::randint, Device(kCPU))(out, gen, double(low), double(high));
  if (!o.device().is_cpu()) out = out.to(o.device());
  return finish(out, o);
}
Tensor randint(int64_t low, int64_t high, IntArrayRef size, const TensorOptions& o) {
  return randint(low, high, size, default_generator(), o);
}
Tensor randint(int64_t high, IntArrayRef size, const TensorOptions& o) { return randint(0, high, size, o); }
Tensor randperm(int64_t n, Generator& gen, const TensorOptions& o) {
  EMBER_CHECK(n >= 0, "randperm: n must be non-negative, got ", n);
  Tensor keys = make_tensor({n}, kInt64, Device(kCPU));
  Tensor out = arange(n, TensorOptions().dtype(kInt64));
  if (n > 1) {
    // Fisher-Yates driven by the generator's stream
    Tensor r = randint(0, int64_t(1) << 62, {n}, gen, TensorOptions().dtype(kInt64));
    int64_t* p = out.data_ptr<int64_t>();
    const int64_t* rr = r.data_ptr<int64_t>();
    for (int64_t i = n - 1; i > 0; --i) std::swap(p[i], p[rr[i] % (i + 1)]);
  }
  (void)keys;
  out = out.to(o.dtype_opt().value_or(kInt64));
  if (!o.device().is_cpu()) out = out.to(o.device());
  return finish(out, o);
}
Tensor randperm(int64_t n, const TensorOptions& o) { return randperm(n, default_generator(), o); }

Tensor bernoulli(const Tensor& input, Generator& gen) {
  NoGradGuard ng;
  Tensor p = input.to(kFloat64).contiguous();
  {
    bool bad = logical_or(p < 0, p > 1).any().item<bool>();
    EMBER_CHECK(!bad, "bernoulli: all elements of input should be between 0 and 1");
  }
  Tensor out = make_tensor(input.sizes(), input.dtype(), Device(kCPU));
  detail::kernel<BernoulliFn>(OpId::bernoulli, Device(kCPU))(out, p.cpu(), gen);
  return input.is_cpu() ? out : out.to(input.device());
}
Tensor bernoulli(const Tensor& input) { return bernoulli(input, default_generator()); }
Tensor bernoulli(const Tensor& input, double p) {
  EMBER_CHECK(p >= 0 && p <= 1, "bernoulli: p must be in [0, 1], got ", p);
  return bernoulli(full_like(input, p, TensorOptions().dtype(kFloat64))).to(input.dtype());
}

Tensor multinomial(const Tensor& input, int64_t num_samples, bool replacement, Generator& gen) {
  detail::check_defined(input, "multinomial");
  EMBER_CHECK(input.dim() == 1 || input.dim() == 2, "multinomial: prob_dist must be 1 or 2 dim, got shape ",
              input.sizes());
  EMBER_CHECK_TYPE(is_floating_point(input.dtype()), "multinomial: only supports floating-point dtypes for input, got ",
                   input.dtype());
  EMBER_CHECK(num_samples > 0, "multinomial: cannot sample n_sample <= 0 samples (got ", num_samples, ")");
  const int64_t R = input.dim() == 2 ? input.size(0) : 1, C = input.size(-1);
  EMBER_CHECK(C > 0, "multinomial: the distribution has no categories (shape ", input.sizes(), ")");
  EMBER_CHECK(replacement || num_samples <= C, "multinomial: cannot sample n_sample (", num_samples,
              ") > prob_dist.size(-1) (", C, ") samples without replacement");
  NoGradGuard ng;
  const Tensor w = input.detach().to(kFloat64).cpu().contiguous().view({R, C});
  // one uniform per draw, from the generator's stream
  const Tensor u = rand({R, num_samples}, gen, TensorOptions().dtype(kFloat64));
  Tensor out = make_tensor({R, num_samples}, kInt64, Device(kCPU));
  const double* pw = w.data_ptr<double>();
  const double* pu = u.data_ptr<double>();
  int64_t* po = out.data_ptr<int64_t>();
  std::vector<double> cum(static_cast<size_t>(C)), left(static_cast<size_t>(C));
  for (int64_t r = 0; r < R; ++r) {
    const double* row = pw + r * C;
    int64_t positive = 0;
    for (int64_t c = 0; c < C; ++c) {
      EMBER_CHECK(std::isfinite(row[c]) && row[c] >= 0, "multinomial: probability tensor contains either inf, nan "
                  "or element < 0 (row ", r, ", category ", c, ": ", row[c], ")");
      positive += row[c] > 0;
    }
    EMBER_CHECK(positive > 0, "multinomial: invalid multinomial distribution (sum of probabilities <= 0) in row ", r);
    EMBER_CHECK(replacement || positive >= num_samples, "multinomial: invalid multinomial distribution (with "
                "replacement=False, not enough non-negative category to sample): row ", r, " has ", positive,
                " categories with positive weight for ", num_samples, " samples");
    if (replacement) {
      double total = 0;
      for (int64_t c = 0; c < C; ++c) cum[size_t(c)] = total += row[c];
      for (int64_t k = 0; k < num_samples; ++k) {
        const double target = pu[r * num_samples + k] * total;
        // first category whose cumulative weight exceeds the target (never a zero-weight one)
        int64_t c = int64_t(std::upper_bound(cum.begin(), cum.end(), target) - cum.begin());
        c = std::min(c, C - 1);
        while (row[c] == 0 && c > 0) --c;
        po[r * num_samples + k] = c;
      }
    } else {
      // draw, remove the drawn category, renormalize over what is left
      std::copy(row, row + C, left.begin());
      for (int64_t k = 0; k < num_samples; ++k) {
        double total = 0;
        for (int64_t c = 0; c < C; ++c) total += left[size_t(c)];
        const double target = pu[r * num_samples + k] * total;
        double acc = 0;
        int64_t pick = -1;
        for (int64_t c = 0; c < C; ++c) {
          if (left[size_t(c)] <= 0) continue;
          pick = c;
          acc += left[size_t(c)];
          if (acc > target) break;
        }
        po[r * num_samples + k] = pick;
        left[size_t(pick)] = 0;
      }
    }
  }
  if (input.dim() == 1) out = out.view({num_samples});
  return input.is_cpu() ? out : out.to(input.device());
}
Tensor multinomial(const Tensor& input, int64_t num_samples, bool replacement) {
  return multinomial(input, num_samples, replacement, default_generator());
}

Tensor& normal_(Tensor& t, double mean, double std, Generator& gen) {
  EMBER_CHECK(std >= 0, "normal_ expects std >= 0.0, but found std ", std);
  detail::check_inplace(t, "normal_");
  Tensor tmp = randn(t.sizes(), gen, TensorOptions().dtype(t.dtype()));
  NoGradGuard ng;
  if (mean != 0 || std != 1) tmp = tmp * std + mean;
  t.copy_(tmp);
  return t;
}
Tensor& uniform_(Tensor& t, double from, double to, Generator& gen) {
  EMBER_CHECK(from <= to, "uniform_ expects to return a [from, to) range, but found from=", from, " > to=", to);
  detail::check_inplace(t, "uniform_");
  Tensor tmp = make_tensor(t.sizes(), t.dtype(), Device(kCPU));
  detail::kernel<RandomFn>(OpId::uniform, Device(kCPU))(tmp, gen, from, to);
  NoGradGuard ng;
  t.copy_(tmp);
  return t;
}
Tensor& Tensor::normal_(double mean, double std) { return ember::normal_(*this, mean, std, default_generator()); }
Tensor& Tensor::uniform_(double from, double to) { return ember::uniform_(*this, from, to, default_generator()); }
Tensor& Tensor::bernoulli_(double p) {
  Tensor r = ember::bernoulli(*this, p);
  NoGradGuard ng;
  copy_(r);
  return *this;
}

// ---------------- from values ----------------
namespace {
template <typename T>
Tensor from_values(const T* data, int64_t n, ScalarType natural, const TensorOptions& o) {
  Tensor out = make_tensor({n}, CppTypeToScalarType<T>::value, Device(kCPU));
  if (n) std::memcpy(out.data_ptr(), data, sizeof(T) * size_t(n));
  ScalarType t = o.dtype_opt().value_or(natural);
  if (t != out.dtype()) out = out.to(t);
  if (!o.device().is_cpu()) out = out.to(o.device());
  return finish(out, o);
}
}  // namespace
Tensor tensor(std::initializer_list<double> v, const TensorOptions& o) {
  return from_values(v.begin(), int64_t(v.size()), get_default_dtype(), o);
}
Tensor tensor(std::initializer_list<float> v, const TensorOptions& o) {
  return from_values(v.begin(), int64_t(v.size()), get_default_dtype(), o);
}
Tensor tensor(std::initializer_list<int> v, const TensorOptions& o) {
  std::vector<int64_t> w(v.begin(), v.end());
  return from_values(w.data(), int64_t(w.size()), kInt64, o);
}
Tensor tensor(std::initializer_list<int64_t> v, const TensorOptions& o) {
  return from_values(v.begin(), int64_t(v.size()), kInt64, o);
}
Tensor tensor(std::initializer_list<bool> v, const TensorOptions& o) {
  std::vector<uint8_t> w(v.begin(), v.end());
  Tensor t = from_values(w.data(), int64_t(w.size()), kBool, o.dtype(o.dtype_opt().value_or(kBool)));
  return t;
}
Tensor tensor(std::initializer_list<std::initializer_list<double>> rows, const TensorOptions& o) {
  int64_t r = int64_t(rows.size()), c = r ? int64_t(rows.begin()->size()) : 0;
  std::vector<double> flat;
  for (auto& row : rows) {
    EMBER_CHECK_VALUE(int64_t(row.size()) == c, "tensor: expected sequence of length ", c, " at dim 1 (got ",
                      row.size(), ")");
    flat.insert(flat.end(), row.begin(), row.end());
  }
  return from_values(flat.data(), int64_t(flat.size()), get_default_dtype(), o).view({r, c});
}
Tensor tensor(const std::vector<double>& v, const TensorOptions& o) {
  return from_values(v.data(), int64_t(v.size()), get_default_dtype(), o);
}
Tensor tensor(const std::vector<float>& v, const TensorOptions& o) {
  return from_values(v.data(), int64_t(v.size()), get_default_dtype(), o);
}
Tensor tensor(const std::vector<int64_t>& v, const TensorOptions& o) {
  return from_values(v.data(), int64_t(v.size()), kInt64, o);
}
Tensor tensor(const Scalar& s, const TensorOptions& o) {
  return finish(detail::scalar_tensor(s, o.dtype_opt().value_or(s.type()), o.device()), o);
}

Tensor from_blob_copy(const void* data, IntArrayRef size, ScalarType dtype) {
  Tensor out = make_tensor(size, dtype, Device(kCPU));
  if (out.nbytes()) std::memcpy(out.data_ptr(), data, out.nbytes());
  return out;
}
Tensor from_blob(void* data, IntArrayRef size, IntArrayRef strides, std::function<void(void*)> deleter,
                 const TensorOptions& o) {
  EMBER_CHECK(size.size() == strides.size(), "from_blob: sizes and strides differ in length");
  int64_t extent = 1;
  for (size_t i = 0; i < size.size(); ++i) extent += (size[i] - 1) * strides[i];
  auto storage = std::make_shared<Storage>(data, size_t(extent) * itemsize(o.dtype()), o.device(), std::move(deleter));
  return finish(Tensor(std::make_shared<TensorImpl>(storage, size, strides, 0, o.dtype())), o);
}
Tensor from_blob(void* data, IntArrayRef size, const TensorOptions& o) {
  return from_blob(data, size, detail::contiguous_strides(size), nullptr, o);
}

int get_num_threads() { return cpu_threads::get(); }
void set_num_threads(int n) {
  EMBER_CHECK_VALUE(n > 0, "set_num_threads: expected a positive number of threads, got ", n);
  cpu_threads::set(n);
}

}  // namespace ember
