// The composed ops of src/ops/composite.cpp and the special functions of
// src/ops/special.cpp: values computed by hand (or from torch 1.13), errors,
// and float64 gradchecks of every differentiable op. The Python suite
// (tests/python/test_ops_more.py) compares them all against torch.
#include <cmath>
#include <limits>
#include <vector>

#include "testing/testing.h"

namespace ember {
namespace {

using testing::rand_input;

Tensor t64(const std::vector<double>& v, IntArrayRef shape) { return tensor(v, kFloat64).reshape(shape); }
Tensor i64(const std::vector<int64_t>& v, IntArrayRef shape) { return tensor(v).reshape(shape); }
const double kNan = std::numeric_limits<double>::quiet_NaN();

// ------------------------------------------------------------ known values

TEST(OpsMore, StackingKnownValues) {
  Tensor a = t64({1, 2}, {2}), b = t64({3, 4}, {2});
  EXPECT_CLOSE(hstack({a, b}), t64({1, 2, 3, 4}, {4}));
  EXPECT_CLOSE(vstack({a, b}), t64({1, 2, 3, 4}, {2, 2}));
  EXPECT_CLOSE(dstack({a, b}), t64({1, 3, 2, 4}, {1, 2, 2}));
  EXPECT_CLOSE(column_stack({a, b}), t64({1, 3, 2, 4}, {2, 2}));
  auto g = meshgrid({a, t64({5, 6, 7}, {3})}, "xy");
  EXPECT_EQ(g[0].sizes().vec(), (std::vector<int64_t>{3, 2}));
  EXPECT_CLOSE(g[1], t64({5, 5, 6, 6, 7, 7}, {3, 2}));
}

TEST(OpsMore, ShapeOpsKnownValues) {
  Tensor x = arange(6, TensorOptions().dtype(kFloat64)).reshape({2, 3});
  EXPECT_EQ(movedim(rand({2, 3, 4}), {0, 1}, {-1, 0}).sizes().vec(), (std::vector<int64_t>{3, 4, 2}));
  auto parts = tensor_split(arange(7), 3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_TRUE(equal(parts[0], i64({0, 1, 2}, {3})));
  EXPECT_TRUE(equal(parts[2], i64({5, 6}, {2})));
  auto cut = tensor_split_indices(arange(7), {1, 6, 3, 9});
  ASSERT_EQ(cut.size(), 5u);
  EXPECT_EQ(cut[2].numel(), 0);
  EXPECT_TRUE(equal(cut[3], i64({3, 4, 5, 6}, {4})));
  EXPECT_CLOSE(tile(t64({1, 2}, {2}), {2, 2}), t64({1, 2, 1, 2, 1, 2, 1, 2}, {2, 4}));
  EXPECT_CLOSE(repeat_interleave(x, i64({1, 0, 2}, {3}), 1), t64({0, 2, 2, 3, 5, 5}, {2, 3}));
  EXPECT_TRUE(equal(repeat_interleave(i64({2, 0, 1}, {3})), i64({0, 0, 2}, {3})));
  EXPECT_CLOSE(rot90(x), t64({2, 5, 1, 4, 0, 3}, {3, 2}));
  EXPECT_CLOSE(rot90(x, -1), t64({3, 0, 4, 1, 5, 2}, {3, 2}));
}

TEST(OpsMore, DiagonalsKnownValues) {
  EXPECT_CLOSE(diag(t64({1, 2}, {2}), 1), t64({0, 1, 0, 0, 0, 2, 0, 0, 0}, {3, 3}));
  EXPECT_CLOSE(diag(t64({1, 2, 3, 4, 5, 6}, {2, 3}), 1), t64({2, 6}, {2}));
  // torch.diag_embed(arange(6.).reshape(2, 3), offset=-1, dim1=0, dim2=2)[:, 1, :]
  Tensor e = diag_embed(arange(6, TensorOptions().dtype(kFloat64)).reshape({2, 3}), -1, 0, 2);
  EXPECT_EQ(e.sizes().vec(), (std::vector<int64_t>{4, 2, 4}));
  EXPECT_CLOSE(e.select(1, 1), t64({0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 0, 0, 0, 0, 5, 0}, {4, 4}));
  EXPECT_CLOSE(trace(t64({1, 2, 3, 4, 5, 6}, {2, 3})), tensor(6.0, TensorOptions().dtype(kFloat64)));
  EXPECT_EQ(trace(ones({3, 3}, TensorOptions().dtype(kInt32))).dtype(), kInt64);
}

TEST(OpsMore, ProductsKnownValues) {
  EXPECT_CLOSE(kron(t64({1, 2}, {2}), t64({1, 10, 100}, {3})), t64({1, 10, 100, 2, 20, 200}, {6}));
  EXPECT_CLOSE(kron(t64({1, 2, 3, 4}, {2, 2}), t64({0, 1, 1, 0}, {2, 2})),
               t64({0, 1, 0, 2, 1, 0, 2, 0, 0, 3, 0, 4, 3, 0, 4, 0}, {4, 4}));
  EXPECT_CLOSE(cross(t64({1, 0, 0}, {3}), t64({0, 1, 0}, {3})), t64({0, 0, 1}, {3}));
  EXPECT_CLOSE(cross(t64({1, 2, 3}, {3}), t64({4, 5, 6}, {3}), 0), t64({-3, 6, -3}, {3}));
  Tensor a = arange(24, TensorOptions().dtype(kFloat64)).reshape({2, 3, 4});
  Tensor b = arange(12, TensorOptions().dtype(kFloat64)).reshape({3, 4});
  EXPECT_CLOSE(tensordot(a, b, 2), einsum("ijk,jk->i", {a, b}));
  EXPECT_CLOSE(tensordot(a, b.t(), {1, 2}, {1, 0}), einsum("ijk,kj->i", {a, b.t()}));
  EXPECT_CLOSE(mv(t64({1, 2, 3, 4}, {2, 2}), t64({1, -1}, {2})), t64({-1, -1}, {2}));
  EXPECT_CLOSE(addcmul(t64({1, 1}, {2}), t64({2, 3}, {2}), t64({4, 5}, {2}), 0.5), t64({5, 8.5}, {2}));
  EXPECT_CLOSE(addcdiv(t64({1, 1}, {2}), t64({2, 3}, {2}), t64({4, 5}, {2}), 2), t64({2, 2.2}, {2}));
  EXPECT_CLOSE(cdist(t64({0, 0, 1, 1}, {2, 2}), t64({3, 4}, {1, 2})), t64({5, std::sqrt(13.0)}, {2, 1}));
  EXPECT_CLOSE(cdist(t64({0, 0, 1, 1}, {2, 2}), t64({3, 4}, {1, 2}), 1), t64({7, 5}, {2, 1}));
}

TEST(OpsMore, ElementwiseKnownValues) {
  EXPECT_CLOSE(hypot(t64({3, 5}, {2}), t64({4, 12}, {2})), t64({5, 13}, {2}));
  EXPECT_CLOSE(xlogy(t64({0, 0, 2, 1}, {4}), t64({0, kNan, std::exp(1.0), 1}, {4})), t64({0, kNan, 2, 0}, {4}));
  EXPECT_EQ(xlogy(i64({0, 1}, {2}), Scalar(3)).dtype(), kFloat32);
  EXPECT_CLOSE(logspace(0, 2, 3, 10.0, TensorOptions().dtype(kFloat64)), t64({1, 10, 100}, {3}));
  EXPECT_TRUE(equal(logspace(-1.5, 1, 4, 10.0, TensorOptions().dtype(kInt64)), i64({0, 0, 2, 10}, {4})));
}

TEST(OpsMore, ReductionsKnownValues) {
  EXPECT_CLOSE(diff(t64({1, 4, 9, 16}, {4})), t64({3, 5, 7}, {3}));
  EXPECT_CLOSE(diff(t64({1, 4, 9, 16}, {4}), 2, -1, t64({0}, {1})), t64({2, 2, 2}, {3}));
  EXPECT_TRUE(equal(diff(tensor({true, false, false, true})), tensor({true, false, true})));
  Tensor x = t64({1, kNan, 3, kNan}, {2, 2});
  EXPECT_CLOSE(nansum(x), tensor(4.0, TensorOptions().dtype(kFloat64)));
  EXPECT_CLOSE(nanmean(x, {0}), t64({2, kNan}, {2}));
  auto [v, i] = cummax(t64({1, 3, 3, 2, 3, 1}, {6}), 0);
  EXPECT_CLOSE(v, t64({1, 3, 3, 3, 3, 3}, {6}));
  EXPECT_TRUE(equal(i, i64({0, 1, 2, 2, 4, 4}, {6})));  // ties take the later index
  auto [vn, in] = cummin(t64({1, kNan, 3, kNan, 0}, {5}), 0);
  EXPECT_CLOSE(vn, t64({1, kNan, kNan, kNan, kNan}, {5}));
  EXPECT_TRUE(equal(in, i64({0, 1, 1, 3, 3}, {5})));  // the latest nan
  EXPECT_CLOSE(median(t64({4, 1, 3, 2}, {4})), tensor(2.0, TensorOptions().dtype(kFloat64)));  // lower median
  EXPECT_TRUE(std::isnan(median(t64({4, kNan, 3}, {3})).item<double>()));
  auto [mv_, mi] = median(t64({1, kNan, 3, kNan, 5, 1, 4, 2}, {2, 4}), 1);
  EXPECT_CLOSE(mv_, t64({kNan, 2}, {2}));
  EXPECT_TRUE(equal(mi, i64({1, 3}, {2})));  // the first nan; 2 is at index 3
  auto [lo, hi] = aminmax(i64({1, 5, 3, 0}, {2, 2}), 1);
  EXPECT_TRUE(equal(lo, i64({1, 0}, {2})));
  EXPECT_TRUE(equal(hi, i64({5, 3}, {2})));
}

TEST(OpsMore, SearchingKnownValues) {
  Tensor x = i64({0, 1, 1, 3}, {4});
  EXPECT_TRUE(equal(bincount(x), i64({1, 2, 0, 1}, {4})));
  EXPECT_TRUE(equal(bincount(x, Tensor(), 6), i64({1, 2, 0, 1, 0, 0}, {6})));
  EXPECT_CLOSE(bincount(x, t64({1, 2, 3, 4}, {4})), t64({1, 5, 0, 4}, {4}));
  EXPECT_EQ(bincount(x, ones({4})).dtype(), kFloat32);
  Tensor seq = i64({1, 3, 5, 7}, {4}), vals = i64({0, 3, 6, 7, 8, 1}, {2, 3});
  EXPECT_TRUE(equal(searchsorted(seq, vals), i64({0, 1, 3, 3, 4, 0}, {2, 3})));
  EXPECT_TRUE(equal(searchsorted(seq, vals, false, true), i64({0, 2, 3, 4, 4, 1}, {2, 3})));
  EXPECT_EQ(searchsorted(seq, vals, true).dtype(), kInt32);
  EXPECT_TRUE(equal(bucketize(vals, seq, false, true), i64({0, 2, 3, 4, 4, 1}, {2, 3})));
  EXPECT_CLOSE(take(t64({1, 2, 3, 4, 5, 6}, {2, 3}), i64({-1, 0, 4}, {3})), t64({6, 1, 5}, {3}));
}

TEST(OpsMore, SpecialFunctionsKnownValues) {
  const double pi = M_PI, euler = 0.57721566490153286061;
  EXPECT_CLOSE(lgamma(t64({0.5, 1, 5}, {3})), t64({0.5 * std::log(pi), 0, std::log(24.0)}, {3}));
  EXPECT_CLOSE(digamma(t64({1, 0.5, 10, -0.5}, {4})),
               t64({-euler, -euler - 2 * std::log(2.0), 2.25175258906672110764, 0.03648997397857652056}, {4}));
  EXPECT_CLOSE(polygamma(1, t64({1, 0.5}, {2})), t64({pi * pi / 6, pi * pi / 2}, {2}));
  EXPECT_CLOSE(erfinv(t64({0, 0.5, 1, -1, 2}, {5})),
               t64({0, 0.47693627620446987338, INFINITY, -INFINITY, kNan}, {5}));
  EXPECT_CLOSE(erf(erfinv(t64({-0.999, -0.3, 0.7, 0.9999}, {4}))), t64({-0.999, -0.3, 0.7, 0.9999}, {4}));
  EXPECT_TRUE(std::isinf(digamma(t64({0}, {1})).item<double>()));
  EXPECT_TRUE(std::isnan(digamma(t64({-2}, {1})).item<double>()));
  EXPECT_EQ(lgamma(i64({1, 2}, {2})).dtype(), kFloat32);
}

// ------------------------------------------------------------ errors

TEST(OpsMore, Errors) {
  EXPECT_THROW_MSG(vstack({rand({2, 3}), rand({2, 4})}), RuntimeError, "vstack: ");
  EXPECT_THROW_MSG(meshgrid({rand({2, 2})}), RuntimeError, "meshgrid: expected 0-D or 1-D tensors");
  EXPECT_THROW_MSG(movedim(rand({2, 3}), {0, 0}, {0, 1}), RuntimeError, "movedim: repeated dim in `source`");
  EXPECT_THROW_MSG(movedim(rand({2, 3}), {2}, {0}), IndexError, "movedim: dim 2 is out of range");
  EXPECT_THROW_MSG(tensor_split(rand({3}), 0), RuntimeError, "tensor_split: number of sections");
  EXPECT_THROW_MSG(repeat_interleave(rand({3}), i64({1, 2}, {2}), 0), RuntimeError, "repeat_interleave: ");
  EXPECT_THROW_MSG(rot90(rand({2, 2}), 1, {0, 0}), RuntimeError, "rot90: expected rotation dims to be different");
  EXPECT_THROW_MSG(diag(rand({2, 2, 2})), RuntimeError, "diag: expected a 1-D (vector) or 2-D (matrix) tensor, got "
                   "shape [2, 2, 2]");
  EXPECT_THROW_MSG(trace(rand({3})), RuntimeError, "trace: expected a matrix, but got a tensor of shape [3]");
  EXPECT_THROW_MSG(cross(rand({4, 2}), rand({4, 2}), 1), RuntimeError, "cross: inputs dimension 1 must have length 3");
  EXPECT_THROW_MSG(tensordot(rand({3, 4}), rand({5, 6}), 1), RuntimeError,
                   "tensordot: contracted dimensions need to match, but first has size 4 in dim 1 and second has "
                   "size 5 in dim 0");
  EXPECT_THROW_MSG(mv(rand({2, 3}), rand({4})), RuntimeError, "mv: shapes [2, 3] and [4] cannot be multiplied");
  EXPECT_THROW_MSG(addcdiv(rand({2}), i64({1, 2}, {2}), i64({1, 2}, {2})), RuntimeError, "addcdiv: integer division");
  EXPECT_THROW_MSG(cdist(rand({2, 3}), rand({2, 4})), RuntimeError, "cdist: x1 and x2 must have the same number");
  EXPECT_THROW_MSG(hypot(i64({1}, {1}), i64({1}, {1})), RuntimeError, "hypot: expected floating point inputs");
  EXPECT_THROW_MSG(diff(rand({})), RuntimeError, "diff: expected input to be at least one-dimensional");
  EXPECT_THROW_MSG(nanmean(i64({1}, {1})), RuntimeError, "nanmean: expected input to have floating point dtype");
  EXPECT_THROW_MSG(median(rand({2, 0}), 1), IndexError, "median: expected reduction dim 1 to have non-zero size");
  EXPECT_THROW_MSG(bincount(i64({1, -1}, {2})), RuntimeError, "bincount: only supports non-negative inputs");
  EXPECT_THROW_MSG(searchsorted(rand({2, 3}), rand({3, 3})), RuntimeError, "searchsorted: ");
  EXPECT_THROW_MSG(take(rand({2, 3}), i64({6}, {1})), IndexError,
                   "take: out of range: tried to access index 6 on a tensor of 6 elements");
  EXPECT_THROW_MSG(polygamma(2, rand({2})), NotImplementedError, "polygamma: only n = 0");
}

// ------------------------------------------------------------ gradchecks (float64)

using Fn = std::function<Tensor(const tensor_list&)>;

TEST(OpsMore, StackingGradcheck) {
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return hstack(in); },
                                  {rand_input({2, 3}, 1), rand_input({2, 1}, 2)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return vstack(in); },
                                  {rand_input({3}, 1), rand_input({2, 3}, 2)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return dstack(in); },
                                  {rand_input({2, 3}, 1), rand_input({2, 3, 2}, 2)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return column_stack({in[0], in[1].expand({3}), in[2]}); },
                                  {rand_input({3}, 1), rand_input({}, 2), rand_input({3, 2}, 3)}));
  EXPECT_TRUE(autograd::gradcheck(
      [](const tensor_list& in) {
        auto g = meshgrid(in, "xy");
        return g[0] * 2 + g[1] * g[2];
      },
      {rand_input({2}, 1), rand_input({3}, 2), rand_input({}, 3)}));
}

TEST(OpsMore, ShapeOpsGradcheck) {
  Tensor x = rand_input({3, 4}, 1);
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return movedim(in[0], {0, 2}, {2, 0}); },
                                  {rand_input({2, 3, 4}, 2)}));
  EXPECT_TRUE(autograd::gradcheck(
      [](const tensor_list& in) {
        auto p = tensor_split_indices(in[0], {1, 3}, 1);
        return p[0].sum() + (p[1] * p[1]).sum() + 3 * p[2].sum();
      },
      {x}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return tile(in[0].t(), {2, 1, 2}); }, {x}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return repeat_interleave(in[0], 2, 1); }, {x}));
  EXPECT_TRUE(autograd::gradcheck(
      [](const tensor_list& in) { return repeat_interleave(in[0], tensor({2, 0, 1}), 0); }, {rand_input({3, 2}, 3)}));
  for (int64_t k : {1, 2, 3})
    EXPECT_TRUE(autograd::gradcheck([k](const tensor_list& in) { return rot90(in[0], k, {1, 0}); }, {x}));
}

TEST(OpsMore, DiagonalsGradcheck) {
  for (int64_t d : {0, 2, -1}) {
    EXPECT_TRUE(autograd::gradcheck([d](const tensor_list& in) { return diag(in[0], d); }, {rand_input({3}, 1)}));
    EXPECT_TRUE(autograd::gradcheck([d](const tensor_list& in) { return diag(in[0], d); }, {rand_input({3, 4}, 2)}));
    EXPECT_TRUE(autograd::gradcheck([d](const tensor_list& in) { return diag_embed(in[0], d, 2, 0); },
                                    {rand_input({2, 3}, 3)}));
  }
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return trace(in[0].t()); }, {rand_input({3, 3}, 4)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return trace(in[0]); }, {rand_input({4, 2}, 5)}));
}

TEST(OpsMore, ProductsGradcheck) {
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return kron(in[0], in[1]); },
                                  {rand_input({2, 3}, 1), rand_input({2, 1, 2}, 2)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return cross(in[0], in[1], 1); },
                                  {rand_input({4, 3}, 1), rand_input({1, 3}, 2)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return tensordot(in[0], in[1], {1, 2}, {1, 0}); },
                                  {rand_input({3, 4, 5}, 1), rand_input({5, 4, 2}, 2)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return tensordot(in[0], in[1], 0); },
                                  {rand_input({2}, 1), rand_input({3}, 2)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return mv(in[0].t(), in[1]); },
                                  {rand_input({4, 3}, 1), rand_input({4}, 2)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return addcmul(in[0], in[1], in[2], 0.5); },
                                  {rand_input({2, 3}, 1), rand_input({3}, 2), rand_input({2, 1}, 3)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return addcdiv(in[0], in[1], in[2], -2); },
                                  {rand_input({2, 3}, 1), rand_input({3}, 2), rand_input({2, 1}, 3, 0.5, 2)}));
  for (double p : {2.0, 1.0, 3.0})
    EXPECT_TRUE(autograd::gradcheck([p](const tensor_list& in) { return cdist(in[0], in[1], p); },
                                    {rand_input({2, 3, 2}, 1), rand_input({4, 2}, 2)}));
}

TEST(OpsMore, ElementwiseGradcheck) {
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return hypot(in[0], in[1]); },
                                  {rand_input({2, 3}, 1), rand_input({3}, 2)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return xlogy(in[0], in[1]); },
                                  {rand_input({2, 3}, 1), rand_input({3}, 2, 0.1, 2)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return xlogy(in[0], Scalar(2.5)); },
                                  {rand_input({3}, 1)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return xlogy(Scalar(1.5), in[0]); },
                                  {rand_input({3}, 1, 0.1, 2)}));
}

TEST(OpsMore, ReductionsGradcheck) {
  Tensor x = rand_input({3, 5}, 1);
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return diff(in[0], 2, 1, in[1], in[2]); },
                                  {x, rand_input({3, 1}, 2), rand_input({3, 2}, 3)}));
  // nan entries are constants: gradcheck perturbs only real memory that requires grad
  Tensor nan_mask = t64({0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, {3, 5}).to(kBool);
  EXPECT_TRUE(autograd::gradcheck(
      [nan_mask](const tensor_list& in) { return nansum(where(nan_mask, Scalar(kNan), in[0]), {1}); }, {x}));
  EXPECT_TRUE(autograd::gradcheck(
      [nan_mask](const tensor_list& in) { return nanmean(where(nan_mask, Scalar(kNan), in[0]), {0}, true); }, {x}));
  for (int64_t d : {0, 1}) {
    EXPECT_TRUE(autograd::gradcheck([d](const tensor_list& in) { return std::get<0>(cummax(in[0], d)); }, {x}));
    EXPECT_TRUE(autograd::gradcheck([d](const tensor_list& in) { return std::get<0>(cummin(in[0].t(), d)); }, {x}));
    EXPECT_TRUE(autograd::gradcheck([d](const tensor_list& in) { return std::get<0>(median(in[0], d)); }, {x}));
  }
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return median(in[0]); }, {x}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return median(in[0]); }, {rand_input({4}, 2)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return take(in[0], tensor({-1, 2, 2})); }, {x}));
  EXPECT_TRUE(autograd::gradcheck(
      [](const tensor_list& in) {
        auto [lo, hi] = aminmax(in[0], 1);
        return lo * 2 + hi;
      },
      {x}));
}

TEST(OpsMore, MedianGradientSharedAmongTies) {
  // torch's evenly_distribute_backward: each of the k elements equal to the median gets 1/k
  Tensor x = t64({2, 1, 2, 3, 2}, {5}).requires_grad_();
  median(x).backward();
  EXPECT_CLOSE(x.grad(), t64({1.0 / 3, 0, 1.0 / 3, 0, 1.0 / 3}, {5}));
}

TEST(OpsMore, SpecialFunctionsGradcheck) {
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return lgamma(in[0]); }, {rand_input({2, 3}, 1, 0.2, 6)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return lgamma(in[0]); },
                                  {rand_input({3}, 2, -0.9, -0.1)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return digamma(in[0]); }, {rand_input({2, 3}, 3, 0.2, 6)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return digamma(in[0]); },
                                  {rand_input({3}, 4, -1.9, -1.1)}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return erfinv(in[0]); }, {rand_input({2, 3}, 5, -0.9, 0.9)}));
  EXPECT_TRUE(autograd::gradgradcheck([](const tensor_list& in) { return lgamma(in[0]); }, {rand_input({3}, 6, 0.5, 4)}));
  EXPECT_TRUE(autograd::gradgradcheck([](const tensor_list& in) { return erfinv(in[0]); }, {rand_input({3}, 7, -0.8, 0.8)}));
}

}  // namespace
}  // namespace ember
