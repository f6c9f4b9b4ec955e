// Reductions, scans, softmax and sorting. Known values are by hand or from
// torch 1.13 (pasted as literals).
#include <cmath>
#include <limits>

#include "testing/testing.h"

namespace ember {
namespace {

using ember::testing::rand_input;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

Tensor sample(ScalarType t = kFloat32) { return tensor({{1., -2., 3.}, {4., 5., -6.}}, TensorOptions().dtype(t)); }
Tensor f64(std::initializer_list<double> v) { return tensor(v, TensorOptions().dtype(kFloat64)); }
Tensor i64(std::initializer_list<int64_t> v) { return tensor(v); }

bool gradcheck1(const std::function<Tensor(const Tensor&)>& f, const Tensor& x) {
  return autograd::gradcheck([&](const tensor_list& in) { return f(in[0]); }, {x});
}

// ---------------------------------------------------------------- sum, mean

TEST(ReduceOps, SumKnownValues) {
  Tensor x = sample();
  EXPECT_CLOSE(sum(x), tensor(5.0f));
  EXPECT_CLOSE(sum(x, 0), tensor({5.f, 3.f, -3.f}));
  EXPECT_CLOSE(sum(x, -1), tensor({2.f, 3.f}));
  EXPECT_CLOSE(sum(x, {0, 1}), tensor(5.0f));
  EXPECT_CLOSE(sum(x, IntArrayRef{}), tensor(5.0f));  // empty list: every dim
  EXPECT_CLOSE(x.sum(1, true), tensor({2.f, 3.f}).reshape({2, 1}));
  EXPECT_CLOSE(sum(x.t(), 0), tensor({2.f, 3.f}));  // non-contiguous
}

TEST(ReduceOps, SumPaths) {
  // contiguous runs, row accumulation and strided gathers against a
  // float64 reference from sums of ones-weighted matmul-free loops
  Generator g(7);
  Tensor x = randn({5, 37, 300}, g, kFloat64);
  Tensor ref0 = zeros({37, 300}, kFloat64);
  for (int64_t i = 0; i < 5; ++i) ref0 = ref0 + x[i];
  EXPECT_CLOSE(sum(x, 0), ref0);                              // row accumulate
  EXPECT_CLOSE(sum(x.permute({2, 1, 0}), 2), ref0.t());      // strided
  EXPECT_CLOSE(sum(sum(x, 2), 1), sum(x, {1, 2}));           // contiguous runs
  EXPECT_CLOSE(sum(x.transpose(0, 2), {0, 2}), sum(x, {0, 2}));
  Tensor xf = x.to(kFloat32);
  EXPECT_CLOSE_TOL(sum(xf), sum(x).to(kFloat32), 1e-3, 1e-4);
  EXPECT_CLOSE_TOL(sum(x.to(kFloat16), 0).to(kFloat64), ref0, 2e-2, 1e-2);
}

TEST(ReduceOps, SumDtypes) {
  EXPECT_EQ(sum(tensor({true, false, true})).dtype(), kInt64);
  EXPECT_EQ(sum(tensor({true, false, true})).item<int64_t>(), 2);
  EXPECT_EQ(sum(tensor({1, 2}).to(kInt32)).dtype(), kInt64);
  EXPECT_EQ(sum(tensor({1, 2}).to(kUInt8), kUInt8).dtype(), kUInt8);
  EXPECT_EQ(sum(sample(), kFloat64).dtype(), kFloat64);
  EXPECT_EQ(sum(sample(kFloat16)).dtype(), kFloat16);
  EXPECT_EQ(sum(tensor({1, 2}), kFloat32).dtype(), kFloat32);
}

TEST(ReduceOps, EmptyAndZeroDim) {
  EXPECT_CLOSE(sum(zeros({0, 3}), 0), zeros({3}));
  EXPECT_CLOSE(prod(zeros({0, 3}), 0), ones({3}));
  EXPECT_TRUE(std::isnan(mean(zeros({0})).item<double>()));
  EXPECT_EQ(sum(zeros({3, 0}), 0).sizes(), IntArrayRef({0}));
  Tensor s = tensor(3.0f);
  EXPECT_CLOSE(sum(s), s);
  EXPECT_CLOSE(sum(s, 0), s);
  EXPECT_CLOSE(sum(s, -1, true), s);
  EXPECT_CLOSE(amax(s), s);
  EXPECT_EQ(argmax(s).item<int64_t>(), 0);
  EXPECT_CLOSE(cumsum(s, 0), s);
  EXPECT_CLOSE(softmax(s, 0), tensor(1.0f));
}

TEST(ReduceOps, MeanKnownValuesAndErrors) {
  Tensor x = sample();
  EXPECT_CLOSE(mean(x), tensor(5.f / 6));
  EXPECT_CLOSE(mean(x, 1), tensor({2.f / 3, 1.f}));
  EXPECT_CLOSE(mean(x, {0}, true), tensor({{2.5f, 1.5f, -1.5f}}));
  EXPECT_CLOSE(mean(tensor({1, 2}), kFloat32), tensor(1.5f));
  EXPECT_THROW_MSG(mean(tensor({1, 2})), RuntimeError,
                   "mean(): could not infer output dtype. Input dtype must be either a floating point or "
                   "complex dtype. Got: Long");
}

// ---------------------------------------------------------------- prod, var

TEST(ReduceOps, ProdKnownValues) {
  Tensor x = sample();
  EXPECT_CLOSE(prod(x), tensor(720.f));
  EXPECT_CLOSE(prod(x, 1), tensor({-6.f, -120.f}));
  EXPECT_CLOSE(x.prod(0, true), tensor({{4.f, -10.f, -18.f}}));
  EXPECT_EQ(prod(tensor({2, 3})).item<int64_t>(), 6);
  EXPECT_EQ(prod(tensor({2, 3})).dtype(), kInt64);
}

TEST(ReduceOps, ProdGradWithZeros) {
  // torch: tensor([2., 0., 3.]).prod() backward -> [0, 6, 0]
  Tensor z = f64({2., 0., 3.}).requires_grad_();
  prod(z).backward();
  EXPECT_CLOSE(z.grad(), f64({0., 6., 0.}));
  Tensor z2 = f64({0., 0., 3.}).requires_grad_();
  prod(z2).backward();
  EXPECT_CLOSE(z2.grad(), f64({0., 0., 0.}));
  Tensor m = tensor({{2., 0.}, {3., 4.}}, TensorOptions().dtype(kFloat64)).requires_grad_();
  prod(m, 1).sum().backward();
  EXPECT_CLOSE(m.grad(), tensor({{0., 2.}, {4., 3.}}, TensorOptions().dtype(kFloat64)));
}

TEST(ReduceOps, VarStdKnownValues) {
  Tensor x = sample(kFloat64);
  EXPECT_CLOSE(var(x, 1), f64({6.3333333333333333, 37.0}));
  EXPECT_CLOSE(var(x), tensor(17.366666666666667, TensorOptions().dtype(kFloat64)));
  EXPECT_CLOSE(std(x, 0, 0), f64({1.5, 3.5, 4.5}));
  auto [v, m] = var_mean(x, 1, 1, true);
  EXPECT_CLOSE(v, f64({6.3333333333333333, 37.0}).reshape({2, 1}));
  EXPECT_CLOSE(m, f64({2.0 / 3, 1.0}).reshape({2, 1}));
  EXPECT_TRUE(std::isnan(var(f64({1.0})).item<double>()));  // N - correction = 0
  EXPECT_THROW_MSG(var(tensor({1, 2})), RuntimeError, "only support floating point");
}

// ---------------------------------------------------------------- max, min

TEST(ReduceOps, MaxMinKnownValues) {
  Tensor x = sample();
  EXPECT_CLOSE(max(x), tensor(5.f));
  EXPECT_CLOSE(min(x), tensor(-6.f));
  auto [v, i] = max(x, 1);
  EXPECT_CLOSE(v, tensor({3.f, 5.f}));
  EXPECT_TRUE(equal(i, i64({2, 1})));
  auto [v2, i2] = x.min(0, true);
  EXPECT_CLOSE(v2, tensor({{1.f, -2.f, -6.f}}));
  EXPECT_TRUE(equal(i2, tensor({{0., 0., 1.}}).to(kInt64)));
  EXPECT_CLOSE(amax(x, 0), tensor({4.f, 5.f, 3.f}));
  EXPECT_CLOSE(amin(x, {0, 1}), tensor(-6.f));
  EXPECT_EQ(argmax(x).item<int64_t>(), 4);
  EXPECT_EQ(argmin(x).item<int64_t>(), 5);
  EXPECT_TRUE(equal(argmax(x, 1), i64({2, 1})));
  EXPECT_EQ(argmax(x, std::nullopt, true).sizes(), IntArrayRef({1, 1}));
  EXPECT_TRUE(equal(argmax(x.t(), 0), i64({2, 1})));
  // x.t() flat in row-major order is [1, 4, -2, 5, 3, -6]: dims that do
  // not collapse into one run
  EXPECT_EQ(argmax(x.t()).item<int64_t>(), 3);
  EXPECT_EQ(argmin(x.t()).item<int64_t>(), 5);
  // ints and ties: the first index
  EXPECT_EQ(argmax(tensor({1, 3, 3})).item<int64_t>(), 1);
  EXPECT_EQ(max(tensor({1, 7, 3}).to(kInt32)).item<int64_t>(), 7);
  EXPECT_EQ(max(tensor({1, 7, 3}).to(kInt32)).dtype(), kInt32);
}

TEST(ReduceOps, MaxPropagatesNaN) {
  // torch: [1, nan, 3, nan]: max nan, argmax 1, argmin 1, amax nan
  Tensor y = tensor({1., kNaN, 3., kNaN});
  EXPECT_TRUE(std::isnan(max(y).item<double>()));
  EXPECT_TRUE(std::isnan(min(y).item<double>()));
  EXPECT_TRUE(std::isnan(amax(y, 0).item<double>()));
  EXPECT_EQ(argmax(y).item<int64_t>(), 1);
  EXPECT_EQ(argmin(y).item<int64_t>(), 1);
  EXPECT_TRUE(std::isnan(std::get<0>(max(y, 0)).item<double>()));
  EXPECT_EQ(std::get<1>(max(y, 0)).item<int64_t>(), 1);
  // a long contiguous run goes through the vectorized path
  Tensor big = where(eq(arange(1000, kFloat64), 500), Scalar(kNaN), zeros({1000}, kFloat64));
  EXPECT_TRUE(std::isnan(max(big).item<double>()));
  EXPECT_TRUE(std::isnan(min(big).item<double>()));
}

TEST(ReduceOps, MaxErrors) {
  EXPECT_THROW_MSG(max(zeros({0})), RuntimeError,
                   "max(): Expected reduction dim to be specified for input.numel() == 0");
  EXPECT_THROW_MSG(amax(zeros({2, 0}), 1), IndexError, "amax(): Expected reduction dim 1 to have non-zero size");
  EXPECT_THROW_MSG(max(zeros({2, 0}), 1), IndexError, "max(): Expected reduction dim 1");
  EXPECT_THROW_MSG(argmax(zeros({0})), IndexError, "argmax()");
  EXPECT_THROW_MSG(sum(zeros({2, 3}), 2), IndexError, "sum: dim 2 is out of range");
  EXPECT_THROW_MSG(amax(zeros({2, 3}), -3), IndexError, "amax");
  EXPECT_THROW_MSG(sum(zeros({2, 3}), {0, -2}), RuntimeError, "appears multiple times");
  EXPECT_EQ(std::get<0>(max(zeros({0, 3}), 1)).sizes(), IntArrayRef({0}));
}

TEST(ReduceOps, MaxGradTies) {
  // torch: amax and max() split among ties, max(dim) picks the index
  Tensor t = tensor({1., 3., 3.}).requires_grad_();
  amax(t).backward();
  EXPECT_CLOSE(t.grad(), tensor({0.f, 0.5f, 0.5f}));
  Tensor t2 = tensor({1., 3., 3.}).requires_grad_();
  max(t2).backward();
  EXPECT_CLOSE(t2.grad(), tensor({0.f, 0.5f, 0.5f}));
  Tensor t3 = tensor({1., 3., 3.}).requires_grad_();
  std::get<0>(max(t3, 0)).backward();
  EXPECT_CLOSE(t3.grad(), tensor({0.f, 1.f, 0.f}));
}

// ---------------------------------------------------------------- others

TEST(ReduceOps, LogsumexpKnownValues) {
  Tensor x = sample(kFloat64);
  EXPECT_CLOSE(logsumexp(x, 1), f64({3.1328452337, 5.3132738974}).to(kFloat64));
  EXPECT_CLOSE_TOL(logsumexp(x, {0, 1}), tensor(5.4203267560, TensorOptions().dtype(kFloat64)), 1e-9, 0);
  // stable for large inputs, and all -inf gives -inf
  EXPECT_CLOSE(logsumexp(f64({1000., 1000.}), 0), tensor(1000 + std::log(2.0), TensorOptions().dtype(kFloat64)));
  EXPECT_EQ(logsumexp(f64({-kInf, -kInf}), 0).item<double>(), -kInf);
  EXPECT_EQ(logsumexp(tensor({1, 2}), 0).dtype(), kFloat32);
}

TEST(ReduceOps, NormKnownValues) {
  Tensor x = sample(kFloat64);
  auto s = [](double v) { return tensor(v, TensorOptions().dtype(kFloat64)); };
  EXPECT_CLOSE_TOL(norm(x), s(9.5393920142), 1e-9, 0);
  EXPECT_CLOSE(norm(x, 1), s(21.));
  EXPECT_CLOSE(norm(x, kInf), s(6.));
  EXPECT_CLOSE_TOL(norm(x, 3, {1}), f64({3.3019272489, 7.3986362230}), 1e-9, 0);
  EXPECT_CLOSE(norm(x, -kInf, {0}), f64({1., 2., 3.}));
  EXPECT_CLOSE_TOL(norm(x, 0.5), s(117.3283697943), 1e-8, 0);
  EXPECT_CLOSE(norm(x, 0), s(6.));
  EXPECT_THROW_MSG(norm(tensor({1, 2})), RuntimeError, "Expected a floating point");
}

TEST(ReduceOps, AllAnyCountNonzero) {
  Tensor b = tensor({{1., 0.}, {2., 3.}});
  EXPECT_FALSE(all(b).item<bool>());
  EXPECT_TRUE(any(b).item<bool>());
  EXPECT_TRUE(equal(all(b, 1), tensor({false, true})));
  EXPECT_TRUE(equal(any(b, 0, true), tensor({true, true}).reshape({1, 2})));
  EXPECT_EQ(all(b).dtype(), kBool);
  EXPECT_EQ(all(tensor({1, 2}).to(kUInt8)).dtype(), kUInt8);  // as torch
  EXPECT_TRUE(all(zeros({0})).item<bool>());
  EXPECT_FALSE(any(zeros({0})).item<bool>());
  EXPECT_TRUE(equal(count_nonzero(b), tensor(int64_t(3))));
  EXPECT_TRUE(equal(count_nonzero(b, 0), i64({2, 1})));
}

TEST(ReduceOps, CumsumCumprod) {
  Tensor x = sample(kFloat64);
  EXPECT_CLOSE(cumsum(x, 1), tensor({{1., -1., 2.}, {4., 9., 3.}}, TensorOptions().dtype(kFloat64)));
  EXPECT_CLOSE(cumprod(x, 0), tensor({{1., -2., 3.}, {4., -10., -18.}}, TensorOptions().dtype(kFloat64)));
  EXPECT_CLOSE(cumsum(x.t(), 0), cumsum(x, 1).t());
  EXPECT_EQ(cumsum(tensor({1, 2}).to(kInt32), 0).dtype(), kInt64);
  EXPECT_TRUE(equal(cumsum(tensor({true, true, false}), 0), i64({1, 2, 2})));
  EXPECT_EQ(cumsum(x, 0, kFloat32).dtype(), kFloat32);
  EXPECT_THROW_MSG(cumsum(x, 2), IndexError, "cumsum: dim 2");
}

TEST(ReduceOps, SoftmaxKnownValues) {
  Tensor x = sample(kFloat64);
  Tensor sm = tensor({{1.1849965454e-01, 5.8997504019e-03, 8.7560059506e-01},
                      {2.6893813766e-01, 7.3104965257e-01, 1.2209772560e-05}},
                     TensorOptions().dtype(kFloat64));
  Tensor lsm = tensor({{-3.0485873516e+00, -7.0009114665e+00, -1.2340218972e-04},
                       {-4.8587351574e-02, -9.1146645377e-04, -9.0001234022e+00}},
                      TensorOptions().dtype(kFloat64));
  EXPECT_CLOSE_TOL(softmax(x, 1), sm, 1e-10, 1e-8);
  EXPECT_CLOSE_TOL(log_softmax(x, 0), lsm, 1e-10, 1e-8);
  EXPECT_CLOSE_TOL(softmax(x.t(), 0), sm.t(), 1e-10, 1e-8);  // strided lines
  EXPECT_CLOSE_TOL(softmax(x.to(kFloat32), -1), sm.to(kFloat32), 1e-6, 1e-5);
  EXPECT_CLOSE_TOL(softmax(x.to(kFloat16), -1).to(kFloat64), sm, 1e-3, 1e-2);
  EXPECT_CLOSE(softmax(f64({1000., 1000.}), 0), f64({0.5, 0.5}));
  Generator g(3);
  Tensor r = randn({6, 70, 5}, g, kFloat64);
  Tensor e = exp(r - amax(r, {1}, true));
  EXPECT_CLOSE(softmax(r, 1), e / sum(e, {1}, true));
  EXPECT_CLOSE(log_softmax(r, 1), log(e / sum(e, {1}, true)));
  EXPECT_EQ(softmax(tensor({1, 2}), 0, kFloat64).dtype(), kFloat64);
  EXPECT_THROW_MSG(softmax(tensor({1, 2}), 0), RuntimeError, "softmax");
}

TEST(ReduceOps, SortKnownValues) {
  Tensor y = tensor({1., kNaN, 3., kNaN});
  auto [v, i] = sort(y);
  EXPECT_CLOSE(v, tensor({1., 3., kNaN, kNaN}));
  EXPECT_TRUE(equal(i, i64({0, 2, 1, 3})));
  auto [vd, id] = sort(y, 0, true);
  EXPECT_CLOSE(vd, tensor({kNaN, kNaN, 3., 1.}));
  EXPECT_TRUE(equal(id, i64({1, 3, 2, 0})));
  // stable: equal keys keep their order
  EXPECT_TRUE(equal(argsort(tensor({2, 1, 2, 1})), i64({1, 3, 0, 2})));
  EXPECT_TRUE(equal(argsort(tensor({2, 1, 2, 1}), 0, true), i64({0, 2, 1, 3})));
  Tensor x = sample();
  auto [v0, i0] = x.sort(0);
  EXPECT_CLOSE(v0, tensor({{1.f, -2.f, -6.f}, {4.f, 5.f, 3.f}}));
  EXPECT_TRUE(equal(i0, tensor({{0., 0., 1.}, {1., 1., 0.}}).to(kInt64)));
}

TEST(ReduceOps, TopkAndUnique) {
  auto [v, i] = topk(tensor({1., 5., 2., 4.}), 2);
  EXPECT_CLOSE(v, tensor({5., 4.}));
  EXPECT_TRUE(equal(i, i64({1, 3})));
  auto [vs, is] = topk(tensor({1., 5., 2., 4.}), 3, -1, false);
  EXPECT_CLOSE(vs, tensor({1., 2., 4.}));
  EXPECT_TRUE(equal(is, i64({0, 2, 3})));
  EXPECT_CLOSE(std::get<0>(topk(tensor({1., 2., 2., 2., 1.}), 2)), tensor({2., 2.}));
  EXPECT_THROW_MSG(topk(tensor({1., 2.}), 3), RuntimeError, "topk");
  // torch: (tensor([1, 2, 3]), tensor([2, 0, 1, 0, 2]), tensor([2, 1, 2]))
  auto [u, inv, cnt] = unique(tensor({3, 1, 2, 1, 3}), true, true, true);
  EXPECT_TRUE(equal(u, i64({1, 2, 3})));
  EXPECT_TRUE(equal(inv, i64({2, 0, 1, 0, 2})));
  EXPECT_TRUE(equal(cnt, i64({2, 1, 2})));
  EXPECT_FALSE(std::get<1>(unique(tensor({1, 1}))).defined());
}

// ---------------------------------------------------------------- gradients

TEST(ReduceOps, Gradcheck) {
  Tensor x = rand_input({3, 4}, 1);
  Tensor xt = rand_input({4, 3}, 2).detach().t().requires_grad_();  // non-contiguous leaf view
  Tensor pos = rand_input({3, 4}, 3, 0.5, 2.0);
  for (const Tensor& in : {x, xt}) {
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return sum(a); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return sum(a, {0}, true); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return mean(a, {-1}); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return mean(a); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return prod(a, 1, true); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return prod(a); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return var(a, {1}); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return std(a, {0}, 0, true); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return std::get<0>(var_mean(a, {1})) + std::get<1>(var_mean(a, {1})); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return amax(a, {1}); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return amin(a, {0}, true); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return max(a); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return std::get<0>(max(a, 1)); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return std::get<0>(min(a, 0, true)); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return logsumexp(a, {1}); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return logsumexp(a, {0, 1}, true); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return norm(a); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return norm(a, 1, {1}); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return norm(a, kInf, {0}, true); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return norm(a, 3, {1}); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return cumsum(a, 1); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return cumsum(a, 0); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return softmax(a, 1); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return log_softmax(a, 0); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return std::get<0>(sort(a, 1)); }, in));
    EXPECT_TRUE(gradcheck1([](const Tensor& a) { return std::get<0>(topk(a, 2, 0)); }, in));
  }
  EXPECT_TRUE(gradcheck1([](const Tensor& a) { return cumprod(a, 1); }, pos));
  EXPECT_TRUE(gradcheck1([](const Tensor& a) { return norm(a, 0.5); }, pos));
  Tensor s = rand_input({}, 4);  // 0-d
  EXPECT_TRUE(gradcheck1([](const Tensor& a) { return sum(a); }, s));
  EXPECT_TRUE(gradcheck1([](const Tensor& a) { return prod(a, 0); }, s));
  EXPECT_TRUE(gradcheck1([](const Tensor& a) { return amax(a); }, s));
  EXPECT_TRUE(gradcheck1([](const Tensor& a) { return logsumexp(a, {0}); }, s));
}

TEST(ReduceOps, Gradgradcheck) {
  Tensor x = rand_input({3, 4}, 5);
  auto gg = [](const std::function<Tensor(const Tensor&)>& f, const Tensor& in) {
    return autograd::gradgradcheck([&](const tensor_list& a) { return f(a[0]); }, {in});
  };
  EXPECT_TRUE(gg([](const Tensor& a) { return softmax(a, 1); }, x));
  EXPECT_TRUE(gg([](const Tensor& a) { return log_softmax(a, 0); }, x));
  EXPECT_TRUE(gg([](const Tensor& a) { return logsumexp(a, {1}); }, x));
  EXPECT_TRUE(gg([](const Tensor& a) { return var(a, {1}); }, x));
  EXPECT_TRUE(gg([](const Tensor& a) { return prod(a, 1); }, x));
  EXPECT_TRUE(gg([](const Tensor& a) { return norm(a); }, x));
  EXPECT_TRUE(gg([](const Tensor& a) { return cumsum(a, 1); }, x));
}

TEST(ReduceOps, ProdGradcheckWithZero) {
  Tensor z = tensor({{2., 0., 3.}, {0.5, 1.5, -1.}}, TensorOptions().dtype(kFloat64)).requires_grad_();
  EXPECT_TRUE(gradcheck1([](const Tensor& a) { return prod(a, 1); }, z));
  EXPECT_TRUE(gradcheck1([](const Tensor& a) { return prod(a); }, z));
}

TEST(ReduceOps, SoftmaxBackwardFusedMatchesComposite) {
  Tensor x = rand_input({4, 5}, 6);
  Tensor g = rand_input({4, 5}, 7).detach();
  for (bool log : {false, true}) {
    Tensor y = log ? log_softmax(x, 1) : softmax(x, 1);
    Tensor fused = autograd::grad({y}, {x}, {g}, true, false)[0];    // kernel
    Tensor composed = autograd::grad({y}, {x}, {g}, true, true)[0];  // ember ops
    EXPECT_CLOSE(fused.detach(), composed.detach());
  }
}

}  // namespace
}  // namespace ember
