#include <cmath>

#include "testing/testing.h"

using namespace ember;
using ember::testing::rand_input;

namespace {
using Fn = std::function<Tensor(const Tensor&)>;
struct UnaryCase {
  const char* name;
  Fn fn;
  double (*ref)(double);
  double lo, hi;
};
double sigmoid_ref(double x) { return 1 / (1 + std::exp(-x)); }
double relu_ref(double x) { return x > 0 ? x : 0; }
double gelu_ref(double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }
double silu_ref(double x) { return x / (1 + std::exp(-x)); }
double softplus_ref(double x) { return std::log1p(std::exp(x)); }
double rsqrt_ref(double x) { return 1 / std::sqrt(x); }
double square_ref(double x) { return x * x; }
double recip_ref(double x) { return 1 / x; }

std::vector<UnaryCase> unary_cases() {
  return {
      {"exp", [](const Tensor& x) { return exp(x); }, [](double x) { return std::exp(x); }, -2, 2},
      {"exp2", [](const Tensor& x) { return exp2(x); }, [](double x) { return std::exp2(x); }, -2, 2},
      {"log", [](const Tensor& x) { return log(x); }, [](double x) { return std::log(x); }, 0.1, 3},
      {"log2", [](const Tensor& x) { return log2(x); }, [](double x) { return std::log2(x); }, 0.1, 3},
      {"log10", [](const Tensor& x) { return log10(x); }, [](double x) { return std::log10(x); }, 0.1, 3},
      {"log1p", [](const Tensor& x) { return log1p(x); }, [](double x) { return std::log1p(x); }, -0.5, 3},
      {"expm1", [](const Tensor& x) { return expm1(x); }, [](double x) { return std::expm1(x); }, -2, 2},
      {"sqrt", [](const Tensor& x) { return sqrt(x); }, [](double x) { return std::sqrt(x); }, 0.1, 3},
      {"rsqrt", [](const Tensor& x) { return rsqrt(x); }, rsqrt_ref, 0.1, 3},
      {"square", [](const Tensor& x) { return square(x); }, square_ref, -2, 2},
      {"reciprocal", [](const Tensor& x) { return reciprocal(x); }, recip_ref, 0.5, 3},
      {"sin", [](const Tensor& x) { return sin(x); }, [](double x) { return std::sin(x); }, -3, 3},
      {"cos", [](const Tensor& x) { return cos(x); }, [](double x) { return std::cos(x); }, -3, 3},
      {"tan", [](const Tensor& x) { return tan(x); }, [](double x) { return std::tan(x); }, -1, 1},
      {"asin", [](const Tensor& x) { return asin(x); }, [](double x) { return std::asin(x); }, -0.9, 0.9},
      {"acos", [](const Tensor& x) { return acos(x); }, [](double x) { return std::acos(x); }, -0.9, 0.9},
      {"atan", [](const Tensor& x) { return atan(x); }, [](double x) { return std::atan(x); }, -3, 3},
      {"sinh", [](const Tensor& x) { return sinh(x); }, [](double x) { return std::sinh(x); }, -2, 2},
      {"cosh", [](const Tensor& x) { return cosh(x); }, [](double x) { return std::cosh(x); }, -2, 2},
      {"tanh", [](const Tensor& x) { return tanh(x); }, [](double x) { return std::tanh(x); }, -2, 2},
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }, sigmoid_ref, -4, 4},
      {"relu", [](const Tensor& x) { return relu(x); }, relu_ref, -2, 2},
      {"gelu", [](const Tensor& x) { return gelu(x); }, gelu_ref, -3, 3},
      {"silu", [](const Tensor& x) { return silu(x); }, silu_ref, -3, 3},
      {"softplus", [](const Tensor& x) { return softplus(x); }, softplus_ref, -3, 3},
      {"erf", [](const Tensor& x) { return erf(x); }, [](double x) { return std::erf(x); }, -2, 2},
      {"abs", [](const Tensor& x) { return abs(x); }, [](double x) { return std::fabs(x); }, -2, 2},
      {"neg", [](const Tensor& x) { return neg(x); }, [](double x) { return -x; }, -2, 2},
  };
}
}  // namespace

TEST(ElementwiseOps, UnaryKnownValuesAndGradcheck) {
  for (const auto& c : unary_cases()) {
    SCOPED_TRACE(c.name);
    auto x = rand_input({3, 4}, 11, c.lo, c.hi);
    // values against the C library in float64, then float32
    auto y = c.fn(x).detach();
    auto xc = x.detach().contiguous();
    std::vector<double> expect;
    for (int64_t i = 0; i < 12; ++i) expect.push_back(c.ref(xc.data_ptr<double>()[i]));
    EXPECT_CLOSE(y, tensor(expect, kFloat64).view({3, 4}));
    EXPECT_CLOSE_TOL(c.fn(x.detach().to(kFloat)), tensor(expect, kFloat64).view({3, 4}).to(kFloat), 1e-5, 1e-5);
    // gradients: contiguous, transposed, 0-d
    EXPECT_TRUE(autograd::gradcheck([&](const tensor_list& in) { return c.fn(in[0]); }, {x}));
    auto xt = rand_input({4, 3}, 12, c.lo, c.hi);
    EXPECT_TRUE(autograd::gradcheck([&](const tensor_list& in) { return c.fn(in[0].t()); }, {xt}));
    auto x0 = rand_input({}, 13, c.lo, c.hi);
    EXPECT_TRUE(autograd::gradcheck([&](const tensor_list& in) { return c.fn(in[0]); }, {x0}));
  }
}

TEST(ElementwiseOps, BinaryGradcheckWithBroadcasting) {
  using Fn2 = std::function<Tensor(const Tensor&, const Tensor&)>;
  std::vector<std::pair<const char*, Fn2>> ops = {
      {"add", [](const Tensor& a, const Tensor& b) { return add(a, b, 2.0); }},
      {"sub", [](const Tensor& a, const Tensor& b) { return sub(a, b); }},
      {"mul", [](const Tensor& a, const Tensor& b) { return a * b; }},
      {"div", [](const Tensor& a, const Tensor& b) { return a / b; }},
      {"pow", [](const Tensor& a, const Tensor& b) { return pow(a, b); }},
      {"maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); }},
      {"minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); }},
      {"atan2", [](const Tensor& a, const Tensor& b) { return atan2(a, b); }},
      {"remainder", [](const Tensor& a, const Tensor& b) { return remainder(a, b); }},
      {"fmod", [](const Tensor& a, const Tensor& b) { return fmod(a, b); }},
      {"lerp", [](const Tensor& a, const Tensor& b) { return lerp(a, b, 0.3); }},
  };
  for (auto& op : ops) {
    SCOPED_TRACE(op.first);
    auto a = rand_input({3, 4}, 21, 0.5, 2.0);
    auto b = rand_input({4}, 22, 0.6, 1.9);
    EXPECT_TRUE(autograd::gradcheck([&](const tensor_list& in) { return op.second(in[0], in[1]); }, {a, b}));
    auto bt = rand_input({4, 1}, 23, 0.6, 1.9);
    EXPECT_TRUE(autograd::gradcheck([&](const tensor_list& in) { return op.second(in[0].t(), in[1]); }, {a, bt}));
  }
}

TEST(ElementwiseOps, BinaryKnownValues) {
  auto a = tensor({-7.0, 7.0, -7.5, 5.0});
  auto b = tensor({2.0, -2.0, 2.0, 0.0});
  // values from python3-torch 1.13
  EXPECT_CLOSE(remainder(a, b), tensor({1.0, -1.0, 0.5, NAN}));
  EXPECT_CLOSE(fmod(a, b), tensor({-1.0, 1.0, -1.5, NAN}));
  EXPECT_CLOSE(div(a, b, std::string("floor")), tensor({-4.0, -4.0, -4.0, INFINITY}));
  EXPECT_CLOSE(div(a, b, std::string("trunc")), tensor({-3.0, -3.0, -3.0, INFINITY}));
  auto i = tensor({-7, 7, 9});
  auto j = tensor({2, -2, 4});
  EXPECT_CLOSE(div(i, j, std::string("floor")), tensor({-4, -4, 2}));
  EXPECT_CLOSE(remainder(i, j), tensor({1, -1, 1}));
  EXPECT_CLOSE(pow(i, 2), tensor({49, 49, 81}));
  EXPECT_CLOSE(bitwise_left_shift(tensor({1, 3}), tensor({2, 70})), tensor({4, 0}));
  EXPECT_CLOSE(maximum(tensor({1.0, NAN}), tensor({2.0, 0.0})), tensor({2.0, NAN}));
  EXPECT_CLOSE(eq(tensor({1, 2}), 2), tensor({false, true}));
  EXPECT_CLOSE(where(tensor({true, false}), tensor({1.0, 2.0}), 0.5), tensor({1.0, 0.5}));
  EXPECT_CLOSE(round(tensor({0.5, 1.5, 2.5, -0.5})), tensor({0.0, 2.0, 2.0, -0.0}));
  EXPECT_CLOSE(clamp(tensor({-2.0, 0.5, 3.0}), -1.0, 1.0), tensor({-1.0, 0.5, 1.0}));
  EXPECT_CLOSE(isclose(tensor({1.0, NAN}), tensor({1.0 + 1e-9, NAN}), 1e-5, 1e-8, true), tensor({true, true}));
  EXPECT_CLOSE(nan_to_num(tensor({NAN, INFINITY}, kFloat64), 1.0, 2.0), tensor({1.0, 2.0}, kFloat64));
}

TEST(ElementwiseOps, HalfAndBFloat16) {
  auto x = tensor({1.0, 2.0, 3.0});
  auto h = x.to(kHalf);
  EXPECT_EQ((h + h).dtype(), kHalf);
  EXPECT_CLOSE((h * h).to(kFloat), tensor({1.0, 4.0, 9.0}));
  auto b = x.to(kBFloat16);
  EXPECT_CLOSE(exp(b).to(kFloat), exp(x).to(kBFloat16).to(kFloat));
  EXPECT_EQ(Half(65520.0f).x, 0x7c00);  // rounds to inf, as IEEE
  EXPECT_EQ(float(Half(0.1f)), 0.0999755859375f);
}

TEST(ElementwiseOps, Errors) {
  EXPECT_THROW_MSG(add(ones({2, 3}), ones({4})), RuntimeError, "add: shapes [2, 3] and [4] are not broadcastable");
  EXPECT_THROW_MSG(-tensor({true}), RuntimeError, "bool tensor is not supported");
  EXPECT_THROW_MSG(bitwise_and(ones({2}), ones({2})), RuntimeError, "integer or bool");
  EXPECT_THROW_MSG(pow(tensor({2}), -1), RuntimeError, "negative integer powers");
  EXPECT_THROW_MSG(remainder(tensor({2}), tensor({0})), RuntimeError, "ZeroDivisionError");
}

TEST(ElementwiseOps, LargeParallelAndTransposed) {
  auto a = arange(200000, kFloat64).view({400, 500});
  auto b = a.t().contiguous();
  auto s = a.t() + b;  // tiled path
  EXPECT_CLOSE(s, 2 * b);
  auto e = exp(a / 1e5);
  EXPECT_NEAR(e.view({-1})[199999].item<double>(), std::exp(1.99999), 1e-12);
}

TEST(ElementwiseOps, TiledTransposedInputsMatchContiguous) {
  // 70 x 45: partial 32x32 tiles on both dims; several dtypes and arities
  auto a = arange(70 * 45, kFloat64).view({45, 70}).t();  // [70, 45], transposed
  auto b = (arange(70 * 45, kFloat64) * 0.5).view({70, 45});
  EXPECT_CLOSE(a + b, a.contiguous() + b);
  auto ai = a.to(kInt32), bi = b.to(kInt32);
  EXPECT_CLOSE(ai * bi, ai.contiguous() * bi);
  auto c = (a > 1000.0);
  EXPECT_CLOSE(where(c, a, b), where(c.contiguous(), a.contiguous(), b));
  EXPECT_CLOSE(lerp(b, a, 0.25), lerp(b, a.contiguous(), 0.25));
  EXPECT_CLOSE(a.to(kFloat16).to(kFloat64), a.contiguous().to(kFloat16).to(kFloat64));
}
