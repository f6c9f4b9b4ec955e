#include "testing/testing.h"

using namespace ember;
using ember::testing::close;

TEST(Core, FactoriesAndDtypes) {
  EXPECT_EQ(zeros({2, 3}).dtype(), kFloat32);
  EXPECT_EQ(tensor({1, 2}).dtype(), kInt64);
  EXPECT_EQ(tensor({1.0, 2.0}).dtype(), kFloat32);
  EXPECT_EQ(full({2}, true).dtype(), kBool);
  EXPECT_EQ(full({2}, 3).dtype(), kInt64);
  EXPECT_EQ(arange(5).dtype(), kInt64);
  EXPECT_EQ(arange(0.0, 1.0, 0.25).numel(), 4);
  EXPECT_CLOSE(linspace(0, 1, 5), tensor({0.0, 0.25, 0.5, 0.75, 1.0}));
  EXPECT_CLOSE(eye(2), tensor({{1.0, 0.0}, {0.0, 1.0}}));
  EXPECT_EQ(ones({2, 2}, kFloat64).dtype(), kFloat64);
}

TEST(Core, TypePromotion) {
  auto i = tensor({1, 2});
  auto f = tensor({1.0, 2.0});
  EXPECT_EQ((i + f).dtype(), kFloat32);
  EXPECT_EQ((i * 2.5).dtype(), kFloat32);
  EXPECT_EQ((f.to(kHalf) * 2.5).dtype(), kHalf);
  EXPECT_EQ((i.to(kUInt8) + i.to(kInt8)).dtype(), kInt16);
  EXPECT_EQ((i.to(kUInt8) + 5).dtype(), kUInt8);
  EXPECT_EQ((full({2}, true) + 1).dtype(), kInt64);
  EXPECT_EQ((f.to(kHalf) + f.to(kBFloat16)).dtype(), kFloat32);
  EXPECT_EQ((i / i).dtype(), kFloat32);
  // a 0-d tensor does not promote a dimensioned one within a category
  EXPECT_EQ((f + tensor(1.0, kFloat64)).dtype(), kFloat32);
  EXPECT_EQ((i + tensor(1.0, kFloat64)).dtype(), kFloat64);
}

TEST(Core, BroadcastAndViews) {
  auto a = arange(6, kFloat).view({2, 3});
  auto b = tensor({10.0, 20.0, 30.0});
  EXPECT_CLOSE(a + b, tensor({{10.0, 21.0, 32.0}, {13.0, 24.0, 35.0}}));
  auto at = a.t();
  EXPECT_EQ(at.stride(0), 1);
  EXPECT_EQ(at.stride(1), 3);
  EXPECT_FALSE(at.is_contiguous());
  EXPECT_TRUE(at.is_alias_of(a));
  EXPECT_CLOSE(at.contiguous().view({-1}), tensor({0.0, 3.0, 1.0, 4.0, 2.0, 5.0}));
  // elementwise output keeps the input's layout, as torch
  auto e = exp(at);
  EXPECT_EQ(e.stride(0), 1);
  EXPECT_EQ(e.stride(1), 3);
  EXPECT_THROW_MSG(a + tensor({1.0, 2.0}), RuntimeError, "not broadcastable");
  EXPECT_THROW_MSG(a.view({4}), RuntimeError, "invalid for input of size 6");
  EXPECT_THROW_MSG(at.view({6}), RuntimeError, "not compatible");
  EXPECT_THROW_MSG(a.select(0, 2), IndexError, "out of bounds");
  EXPECT_THROW_MSG(a.transpose(0, 2), IndexError, "out of range");
}

TEST(Core, SliceSelectExpand) {
  auto a = arange(12, kFloat).view({3, 4});
  auto s = a.slice(1, 1, 4, 2);
  EXPECT_EQ(s.sizes(), IntArrayRef({3, 2}));
  EXPECT_EQ(s.stride(1), 2);
  EXPECT_EQ(s.storage_offset(), 1);
  EXPECT_CLOSE(s, tensor({{1.0, 3.0}, {5.0, 7.0}, {9.0, 11.0}}));
  EXPECT_CLOSE(a[1], tensor({4.0, 5.0, 6.0, 7.0}));
  auto x = tensor({1.0, 2.0}).view({2, 1}).expand({2, 3});
  EXPECT_EQ(x.stride(1), 0);
  EXPECT_CLOSE(x * 1, tensor({{1.0, 1.0, 1.0}, {2.0, 2.0, 2.0}}));
}

TEST(Core, InPlaceAndVersion) {
  auto a = ones({3});
  auto v0 = a._version();
  a.add_(1);
  EXPECT_GT(a._version(), v0);
  EXPECT_CLOSE(a, tensor({2.0, 2.0, 2.0}));
  auto i = tensor({1, 2});
  EXPECT_THROW_MSG(i.div_(2), RuntimeError, "can't be cast");
  EXPECT_THROW_MSG(ember::div(tensor({1, 2}), 0, std::string("floor")), RuntimeError, "ZeroDivisionError");
}

TEST(Core, Printing) {
  EXPECT_EQ(tensor({1.0, 2.0}).toString(), "tensor([1., 2.])");
  EXPECT_EQ(tensor({1.5, 2.0}).toString(), "tensor([1.5000, 2.0000])");
  EXPECT_EQ(tensor({1, 2}).toString(), "tensor([1, 2])");
  EXPECT_EQ(tensor({1.0, 2.0}, kFloat64).toString(), "tensor([1., 2.], dtype=ember.float64)");
  EXPECT_EQ(tensor({{1.0, 2.0}, {3.0, 4.0}}).toString(), "tensor([[1., 2.],\n        [3., 4.]])");
  EXPECT_EQ(zeros({0, 3}).toString(), "tensor([], size=(0, 3))");
}

TEST(Core, PrintingSummarizedAndWrapped) {
  // expected strings from torch 1.13's repr
  std::string big = (arange(2000, kFloat).view({40, 50}) / 7).toString();
  EXPECT_EQ(big.substr(0, 96), "tensor([[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 6.7143e+00, 6.8571e+00,\n         7.0000e+00],");
  EXPECT_EQ((arange(12, kFloat) * 1.5).toString(),
            "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
            "        12.0000, 13.5000, 15.0000, 16.5000])");
  EXPECT_EQ(tensor({1e-5, 1.0, 1000.0}).toString(), "tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])");
  EXPECT_EQ((tensor({1.0, 2.0}, requires_grad()) * 2).toString(), "tensor([2., 4.], grad_fn=<MulBackward0>)");
  EXPECT_EQ(tensor(3.5).toString(), "tensor(3.5000)");
}

TEST(Core, HostileSizesRaise) {
  EXPECT_THROW_MSG(ones({3}).as_strided({int64_t(1) << 40}, {int64_t(1) << 40}), RuntimeError, "as_strided");
  EXPECT_THROW_MSG(ones({2, 2}).repeat({int64_t(1) << 40, int64_t(1) << 40}), RuntimeError, "too many elements");
  EXPECT_THROW_MSG(ones({2}).expand({int64_t(1) << 62, 4, 2}), RuntimeError, "too many elements");
  EXPECT_CLOSE(linspace(-1, 1, 1), tensor({-1.0}));
  EXPECT_TRUE(ember::isinf(sqrt(full({16}, INFINITY))).all().item<bool>());
  auto ls = log_softmax(tensor({{1e4, 1e4, 0.0}}), 1);
  EXPECT_NEAR(ls[0][0].item<float>(), -0.693147f, 1e-6);
  EXPECT_THROW_MSG(where(ones({2}), ones({2}), zeros({2})), RuntimeError, "boolean tensor");
}
