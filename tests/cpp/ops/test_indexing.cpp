// Indexing ops: known values (from torch 1.13), placement rules of
// advanced indexing, the x.index({...}) translation, bounds errors and
// float64 gradchecks.
#include <vector>

#include "testing/testing.h"

namespace ember {
namespace {

using indexing::Ellipsis;
using indexing::None;
using indexing::Slice;
using testing::rand_input;

Tensor t64(const std::vector<double>& v, IntArrayRef shape) { return tensor(v, kFloat64).reshape(shape); }
Tensor ar(int64_t n, IntArrayRef shape) { return arange(n, TensorOptions().dtype(kFloat64)).reshape(shape); }
Tensor li(std::initializer_list<int64_t> v) { return tensor(v); }
Tensor li2(const std::vector<int64_t>& v, IntArrayRef shape) { return tensor(v).reshape(shape); }
std::vector<int64_t> shape_of(const Tensor& t) { return t.sizes().vec(); }

// ----------------------------------------------------- index_select, gather

TEST(Indexing, IndexSelectKnownValues) {
  Tensor x = ar(20, {4, 5});
  Tensor i = li({3, 0, 3});
  EXPECT_CLOSE(index_select(x, 0, i), t64({15, 16, 17, 18, 19, 0, 1, 2, 3, 4, 15, 16, 17, 18, 19}, {3, 5}));
  EXPECT_CLOSE(x.index_select(1, i), t64({3, 0, 3, 8, 5, 8, 13, 10, 13, 18, 15, 18}, {4, 3}));
  EXPECT_CLOSE(x.t().index_select(0, i), t64({3, 8, 13, 18, 0, 5, 10, 15, 3, 8, 13, 18}, {3, 4}));
  EXPECT_EQ(shape_of(index_select(x, 0, tensor(int64_t(1)))), (std::vector<int64_t>{1, 5}));
  EXPECT_EQ(shape_of(index_select(tensor(5.0), 0, li({0}))), (std::vector<int64_t>{}));
  EXPECT_CLOSE(index_select(x, 0, li({1}).to(kInt32)), t64({5, 6, 7, 8, 9}, {1, 5}));
}

TEST(Indexing, IndexSelectErrors) {
  Tensor x = zeros({5, 2});
  EXPECT_THROW_MSG(index_select(x, 0, li({1, 7})), IndexError,
                   "index_select: index 7 is out of bounds for dim 0 with size 5");
  EXPECT_THROW_MSG(index_select(x, 0, li({-1})), IndexError, "index -1 is out of bounds");
  EXPECT_THROW_MSG(index_select(x, 2, li({0})), IndexError, "dim 2 is out of range");
  EXPECT_THROW_MSG(index_select(x, 0, tensor({0.0})), RuntimeError, "int64 or int32 index");
  EXPECT_THROW_MSG(index_select(x, 0, li2({0, 1}, {1, 2})), RuntimeError, "index must be 0-D or 1-D");
}

TEST(Indexing, GatherKnownValues) {
  Tensor x = ar(20, {4, 5});
  Tensor idx = li2({0, 4, 2, 2, 1, 0, 3, 3}, {4, 2});
  EXPECT_CLOSE(gather(x, 1, idx), t64({0, 4, 7, 7, 11, 10, 18, 18}, {4, 2}));
  EXPECT_CLOSE(x.gather(-1, idx), t64({0, 4, 7, 7, 11, 10, 18, 18}, {4, 2}));
  EXPECT_THROW_MSG(gather(x, 1, li2({7}, {1, 1})), RuntimeError, "gather: index 7 is out of bounds for dim 1 with size 5");
  EXPECT_THROW_MSG(gather(x, 1, li({0})), RuntimeError, "same number of dims");
  EXPECT_THROW_MSG(gather(x, 1, zeros({5, 1}, kInt64)), RuntimeError, "is larger than input");
}

// -------------------------------------------------- scatter and index_add

TEST(Indexing, ScatterKnownValues) {
  Tensor z = zeros({3, 5}, kFloat64);
  Tensor src = ar(10, {2, 5}) + 1;
  EXPECT_CLOSE(scatter(z, 0, li2({0, 1, 2, 0, 0, 2, 0, 0, 1, 2}, {2, 5}), src),
               t64({1, 7, 8, 4, 5, 0, 2, 0, 9, 0, 6, 0, 3, 0, 10}, {3, 5}));
  EXPECT_CLOSE(scatter_add(z, 0, li2({0, 1, 2, 0, 0, 0, 0, 0, 1, 2}, {2, 5}), src),
               t64({7, 7, 8, 4, 5, 0, 2, 0, 9, 0, 0, 0, 3, 0, 10}, {3, 5}));
  EXPECT_CLOSE(scatter(z, 1, li2({1, 3}, {2, 1}), Scalar(7.0)),
               t64({0, 7, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0}, {3, 5}));
  // in place, and the version counter moves
  Tensor w = zeros({3, 5}, kFloat64);
  uint32_t v0 = w._version();
  w.scatter_add_(0, li2({0, 1, 2, 0, 0, 0, 0, 0, 1, 2}, {2, 5}), src);
  EXPECT_GT(w._version(), v0);
  EXPECT_CLOSE(w, t64({7, 7, 8, 4, 5, 0, 2, 0, 9, 0, 0, 0, 3, 0, 10}, {3, 5}));
  w.scatter_(1, li2({0}, {1, 1}), src);
  EXPECT_EQ(w.index({0, 0}).item<double>(), 1.0);
  EXPECT_THROW_MSG(scatter(z, 0, li2({3}, {1, 1}), src), RuntimeError,
                   "scatter: index 3 is out of bounds for dim 0 with size 3");
  EXPECT_THROW_MSG(scatter(z, 0, li2({0}, {1, 1}), src.to(kFloat32)), RuntimeError, "dtype");
}

TEST(Indexing, IndexAddKnownValues) {
  Tensor base = ones({5, 3}, kFloat64);
  Tensor src = ar(12, {4, 3});
  Tensor expected = t64({19, 23, 27, 1, 1, 1, 13, 15, 17, 1, 1, 1, 7, 9, 11}, {5, 3});
  EXPECT_CLOSE(index_add(base, 0, li({0, 4, 2, 0}), src, 2), expected);
  base.index_add_(0, li({0, 4, 2, 0}), src, 2);
  EXPECT_CLOSE(base, expected);
  EXPECT_THROW_MSG(index_add(base, 0, li({0, 5, 2, 0}), src), IndexError,
                   "index_add: index 5 is out of bounds for dim 0 with size 5");
  EXPECT_THROW_MSG(index_add(base, 0, li({0, 1}), src), RuntimeError, "does not match input");
}

// ------------------------------------------------------ advanced indexing

TEST(Indexing, AdvancedIndexPlacement) {
  Tensor y = ar(24, {2, 3, 4});
  // separated index tensors: their dims go first
  Tensor r1 = index(y, {li({1, 0}), std::nullopt, li({3, -1})});
  EXPECT_CLOSE(r1, t64({15, 19, 23, 3, 7, 11}, {2, 3}));
  // adjacent index tensors stay in place, and broadcast together
  Tensor r2 = y.index({Slice(), li2({0, 2, 1, 1}, {2, 2}), li({0, 3})});
  EXPECT_CLOSE(r2, t64({0, 11, 4, 7, 12, 23, 16, 19}, {2, 2, 2}));
  EXPECT_EQ(shape_of(y.index({Slice(), li({0, 2}), Slice()})), (std::vector<int64_t>{2, 2, 4}));
  EXPECT_EQ(shape_of(y.index({li({0, 1}), 0, li({0, 1})})), (std::vector<int64_t>{2}));
  EXPECT_EQ(shape_of(y.index({li({0, 1}), Slice(), li({0, 1})})), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(shape_of(y[li2({0, 1, 1, 0}, {2, 2})]), (std::vector<int64_t>{2, 2, 3, 4}));
  // 0-d index tensor removes the dim
  EXPECT_CLOSE(y.index({Slice(), tensor(int64_t(2)), 1}), t64({9, 21}, {2}));
}

TEST(Indexing, BoolMaskIndex) {
  Tensor y = ar(24, {2, 3, 4});
  EXPECT_CLOSE(y[y > 15.0], t64({16, 17, 18, 19, 20, 21, 22, 23}, {8}));
  EXPECT_EQ(shape_of(y.index({Slice(), tensor({true, false, true})})), (std::vector<int64_t>{2, 2, 4}));
  EXPECT_THROW_MSG(zeros({3, 4})[tensor({true, false})], IndexError,
                   "The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 4]");
  EXPECT_EQ(shape_of(y.index({true})), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(shape_of(y.index({false})), (std::vector<int64_t>{0, 2, 3, 4}));
}

TEST(Indexing, BasicIndexTranslation) {
  Tensor y = ar(24, {2, 3, 4});
  Tensor r = y.index({1, Slice(1, std::nullopt), None, Ellipsis, 2});
  EXPECT_CLOSE(r, t64({18, 22}, {2, 1}));
  EXPECT_EQ(shape_of(y.index({"...", Slice(std::nullopt, std::nullopt, 2)})), (std::vector<int64_t>{2, 3, 2}));
  EXPECT_CLOSE(y.index({Slice(), Slice(-2, std::nullopt)}),
               t64({4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23}, {2, 2, 4}));
  EXPECT_TRUE(y.index({0}).is_alias_of(y));  // basic indexing is a view
  EXPECT_THROW_MSG(y.index({0, 0, 0, 0}), IndexError, "too many indices for tensor of dimension 3");
  EXPECT_THROW_MSG(y.index({5}), IndexError, "index 5 is out of bounds for dimension 0 with size 2");
  EXPECT_THROW_MSG(y.index({Ellipsis, Ellipsis}), IndexError, "single ellipsis");
  EXPECT_THROW(indexing::TensorIndex("..x"), TypeError);
}

TEST(Indexing, AdvancedIndexErrors) {
  Tensor x = zeros({3, 4});
  EXPECT_THROW_MSG(x[li({5})], IndexError, "index 5 is out of bounds for dimension 0 with size 3");
  EXPECT_THROW_MSG(x.index({Slice(), li({-5})}), IndexError, "index -5 is out of bounds for dimension 1 with size 4");
  EXPECT_THROW_MSG(index(x, {li({0, 1}), li({0, 1, 2})}), IndexError, "could not be broadcast together");
  EXPECT_THROW_MSG(x[tensor({0.5})], IndexError, "tensors used as indices must be long, int, byte or bool");
}

TEST(Indexing, IndexPut) {
  Tensor w = zeros({5}, kFloat64);
  index_put_(w, {li({0, 2, 0})}, tensor({1.0, 2.0, 3.0}, kFloat64), true);
  EXPECT_CLOSE(w, t64({4, 0, 2, 0, 0}, {5}));
  Tensor y = zeros({2, 3, 4}, kFloat64);
  y.index_put_({Slice(), li({0, 2}), 1}, 5.0);
  EXPECT_CLOSE(y.sum(), tensor(20.0, kFloat64));
  EXPECT_EQ(y.index({1, 2, 1}).item<double>(), 5.0);
  EXPECT_EQ(y.index({1, 1, 1}).item<double>(), 0.0);
  // values broadcast over the indexing result; separated indices
  Tensor z = zeros({2, 3, 4}, kFloat64);
  z.index_put_({li({0, 1}), Slice(), li({3, 0})}, tensor({1.0, 2.0, 3.0}, kFloat64));
  EXPECT_CLOSE(z.index({0, Slice(), 3}), t64({1, 2, 3}, {3}));
  EXPECT_CLOSE(z.index({1, Slice(), 0}), t64({1, 2, 3}, {3}));
  EXPECT_CLOSE(z.sum(), tensor(12.0, kFloat64));
  // bool mask put, basic put
  Tensor m = ar(6, {2, 3});
  m.index_put_({m > 2.0}, -1.0);
  EXPECT_CLOSE(m, t64({0, 1, 2, -1, -1, -1}, {2, 3}));
  m.index_put_({0}, tensor({7.0, 8.0, 9.0}, kFloat64));
  EXPECT_CLOSE(m, t64({7, 8, 9, -1, -1, -1}, {2, 3}));
  Tensor out = index_put(zeros({3}), {li({1})}, tensor({2.0f}));
  EXPECT_CLOSE(out, tensor({0.0f, 2.0f, 0.0f}));
  EXPECT_THROW_MSG(index_put_(w, {li({0, 1})}, zeros({3}, kFloat64)), RuntimeError, "shape mismatch");
}

// --------------------------------------------------------------- masks

TEST(Indexing, MaskedOps) {
  Tensor x = ar(6, {2, 3});
  Tensor mask = tensor({true, false, true});
  EXPECT_CLOSE(masked_fill(x, mask, -1.0), t64({-1, 1, -1, -1, 4, -1}, {2, 3}));
  EXPECT_CLOSE(masked_fill(x, mask, tensor(9.0, kFloat64)), t64({9, 1, 9, 9, 4, 9}, {2, 3}));
  Tensor xi = arange(6).reshape({2, 3});
  EXPECT_EQ(masked_fill(xi, mask, 2.7).dtype(), kInt64);  // the input's dtype
  EXPECT_CLOSE(masked_select(x, mask), t64({0, 2, 3, 5}, {4}));
  EXPECT_CLOSE(x.masked_select(x > 2.0), t64({3, 4, 5}, {3}));
  Tensor y = x.clone();
  uint32_t v0 = y._version();
  y.masked_fill_(mask, 0.5);
  EXPECT_GT(y._version(), v0);
  EXPECT_CLOSE(y, t64({0.5, 1, 0.5, 0.5, 4, 0.5}, {2, 3}));
  EXPECT_THROW_MSG(masked_fill(x, zeros({4}, kBool), 1.0), RuntimeError, "cannot be broadcast to input");
  EXPECT_THROW_MSG(masked_fill(x, zeros({3}), 1.0), RuntimeError, "expected a bool mask");
  EXPECT_THROW_MSG(masked_fill(x, mask, zeros({1})), RuntimeError, "0-dimensional value tensor");
}

TEST(Indexing, NonzeroTakeAlongDimOneHot) {
  Tensor nz = nonzero(tensor({0.0, 1.5, 0.0, 2.0, 0.0, -1.0}).reshape({2, 3}));
  EXPECT_TRUE(equal(nz, li2({0, 1, 1, 0, 1, 2}, {3, 2})));
  EXPECT_EQ(shape_of(nonzero(zeros({2, 2}))), (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(shape_of(nonzero(tensor(3.0))), (std::vector<int64_t>{1, 0}));
  EXPECT_CLOSE(take_along_dim(ar(6, {2, 3}), li2({2, 0}, {2, 1}), 1), t64({2, 3}, {2, 1}));
  EXPECT_CLOSE(take_along_dim(ar(6, {2, 3}), li({5, 0})), t64({5, 0}, {2}));
  EXPECT_TRUE(equal(one_hot(li({0, 2, 1})), li2({1, 0, 0, 0, 0, 1, 0, 1, 0}, {3, 3})));
  EXPECT_EQ(shape_of(one_hot(li({0, 1}), 4)), (std::vector<int64_t>{2, 4}));
  EXPECT_THROW_MSG(one_hot(li({0, 4}), 4), RuntimeError, "smaller than num_classes");
  EXPECT_THROW_MSG(one_hot(li({-1})), RuntimeError, "non-negative");
}

TEST(Indexing, TrilTriu) {
  Tensor x = ar(12, {3, 4});
  EXPECT_CLOSE(tril(x), t64({0, 0, 0, 0, 4, 5, 0, 0, 8, 9, 10, 0}, {3, 4}));
  EXPECT_CLOSE(x.triu(1), t64({0, 1, 2, 3, 0, 0, 6, 7, 0, 0, 0, 11}, {3, 4}));
  EXPECT_CLOSE(x.tril(-1), t64({0, 0, 0, 0, 4, 0, 0, 0, 8, 9, 0, 0}, {3, 4}));
  EXPECT_CLOSE(tril(x.t()), tril(x.t().contiguous()));
  Tensor b = ar(24, {2, 3, 4});
  EXPECT_CLOSE(triu(b).select(0, 1), triu(b.select(0, 1)));
  EXPECT_THROW_MSG(tril(zeros({3})), IndexError, "at least 2 dims");
}

// ------------------------------------------------------------- gradchecks

TEST(Indexing, IndexSelectGatherGradcheck) {
  auto f = [](const tensor_list& in) { return index_select(in[0], 1, tensor({2, 0, 2})); };
  EXPECT_TRUE(autograd::gradcheck(f, {rand_input({3, 4}, 1)}));
  auto ft = [](const tensor_list& in) { return index_select(in[0].t(), 0, tensor({1, 1})); };
  EXPECT_TRUE(autograd::gradcheck(ft, {rand_input({3, 4}, 2)}));
  auto g = [](const tensor_list& in) { return gather(in[0], 0, tensor({2, 0, 2, 1, 1, 1}).reshape({2, 3})); };
  EXPECT_TRUE(autograd::gradcheck(g, {rand_input({3, 3}, 3)}));
}

TEST(Indexing, GatherGradgradcheck) {
  auto g = [](const tensor_list& in) { return gather(in[0], 0, tensor({2, 0, 2, 1, 1, 1}).reshape({2, 3})); };
  EXPECT_TRUE(autograd::gradgradcheck(g, {rand_input({3, 3}, 4)}));
}

TEST(Indexing, EmptyAndZeroSized) {
  Tensor x = ar(6, {2, 3});
  EXPECT_EQ(shape_of(index_select(x, 0, empty({0}, kInt64))), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(shape_of(x[empty({0}, kInt64)]), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(shape_of(masked_select(x, zeros({2, 3}, kBool))), (std::vector<int64_t>{0}));
  EXPECT_EQ(shape_of(gather(x, 1, empty({2, 0}, kInt64))), (std::vector<int64_t>{2, 0}));
  Tensor y = x.clone();
  index_put_(y, {empty({0}, kInt64)}, tensor(1.0, kFloat64));
  EXPECT_CLOSE(y, x);
}

TEST(Indexing, ScatterIndexAddGradcheck) {
  Tensor idx = tensor({0, 2, 1, 2, 0, 0}).reshape({2, 3});
  auto s = [idx](const tensor_list& in) { return scatter(in[0], 0, idx, in[1]); };
  // src larger than index: unused entries get zero gradient
  EXPECT_TRUE(autograd::gradcheck(s, {rand_input({3, 3}, 1), rand_input({2, 4}, 2)}));
  auto sv = [idx](const tensor_list& in) { return scatter(in[0], 0, idx, Scalar(1.5)); };
  EXPECT_TRUE(autograd::gradcheck(sv, {rand_input({3, 3}, 3)}));
  auto sa = [idx](const tensor_list& in) { return scatter_add(in[0], 0, idx, in[1]); };
  EXPECT_TRUE(autograd::gradcheck(sa, {rand_input({3, 3}, 4), rand_input({2, 3}, 5)}));
  auto ia = [](const tensor_list& in) { return index_add(in[0], 1, tensor({1, 0, 1}), in[1], 0.5); };
  EXPECT_TRUE(autograd::gradcheck(ia, {rand_input({2, 2}, 6), rand_input({2, 3}, 7)}));
}

TEST(Indexing, AdvancedIndexGradcheck) {
  auto f = [](const tensor_list& in) { return index(in[0], {tensor({1, 0, 1}), std::nullopt, tensor({2, 2, 0})}); };
  EXPECT_TRUE(autograd::gradcheck(f, {rand_input({2, 3, 3}, 1)}));
  auto fm = [](const tensor_list& in) { return in[0].index({Slice(), tensor({true, false, true})}); };
  EXPECT_TRUE(autograd::gradcheck(fm, {rand_input({2, 3}, 2)}));
  auto ft = [](const tensor_list& in) { return in[0].t().index({tensor({0, 0}), Slice(1, std::nullopt)}); };
  EXPECT_TRUE(autograd::gradcheck(ft, {rand_input({3, 2}, 3)}));
  auto fp = [](const tensor_list& in) {
    return index_put(in[0], {std::nullopt, tensor({1, 0, 1})}, in[1], /*accumulate=*/true);
  };
  EXPECT_TRUE(autograd::gradcheck(fp, {rand_input({2, 3}, 4), rand_input({3}, 5)}));
  auto fq = [](const tensor_list& in) { return index_put(in[0], {tensor({2, 0})}, in[1]); };
  EXPECT_TRUE(autograd::gradcheck(fq, {rand_input({3, 2}, 6), rand_input({2, 2}, 7)}));
}

TEST(Indexing, MaskedGradcheck) {
  Tensor mask = tensor({true, false, true});
  auto f = [mask](const tensor_list& in) { return masked_fill(in[0], mask, 2.0); };
  EXPECT_TRUE(autograd::gradcheck(f, {rand_input({2, 3}, 1)}));
  auto fv = [mask](const tensor_list& in) { return masked_fill(in[0], mask, in[1]); };
  EXPECT_TRUE(autograd::gradcheck(fv, {rand_input({2, 3}, 2), rand_input({}, 3)}));
  auto fs = [mask](const tensor_list& in) { return masked_select(in[0], mask); };
  EXPECT_TRUE(autograd::gradcheck(fs, {rand_input({2, 3}, 4)}));
  auto tl = [](const tensor_list& in) { return tril(in[0], 1) + triu(in[0].t(), -1); };
  EXPECT_TRUE(autograd::gradcheck(tl, {rand_input({3, 3}, 5)}));
  auto td = [](const tensor_list& in) { return take_along_dim(in[0], tensor({2, 0}).reshape({2, 1}), 1); };
  EXPECT_TRUE(autograd::gradcheck(td, {rand_input({2, 3}, 6)}));
}

TEST(Indexing, InplaceUnderAutograd) {
  Tensor x = rand_input({2, 3}, 1);
  Tensor y = x * 2;
  y.masked_fill_(tensor({true, false, false}), 0.0);
  y.index_add_(0, tensor({1}), rand_input({1, 3}, 2).detach());
  y.sum().backward();
  EXPECT_CLOSE(x.grad(), t64({0, 2, 2, 0, 2, 2}, {2, 3}));
  EXPECT_THROW_MSG(x.masked_fill_(tensor({true, false, false}), 0.0), RuntimeError, "leaf Variable");
}

}  // namespace
}  // namespace ember
