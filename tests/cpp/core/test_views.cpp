// Views share storage and have torch's strides (values from torch 1.13).
#include "testing/testing.h"

using namespace ember;
using ember::testing::rand_input;

TEST(Views, StridesMatchTorch) {
  auto x = zeros({2, 3, 4});
  EXPECT_EQ(x.strides(), IntArrayRef({12, 4, 1}));
  EXPECT_EQ(x.permute({2, 0, 1}).strides(), IntArrayRef({1, 12, 4}));
  EXPECT_EQ(x.transpose(0, 2).strides(), IntArrayRef({1, 4, 12}));
  EXPECT_EQ(x.unsqueeze(1).strides(), IntArrayRef({12, 12, 4, 1}));
  EXPECT_EQ(x.unsqueeze(3).strides(), IntArrayRef({12, 4, 1, 1}));
  EXPECT_EQ(x.select(1, 2).strides(), IntArrayRef({12, 1}));
  EXPECT_EQ(x.select(1, 2).storage_offset(), 8);
  EXPECT_EQ(x.narrow(2, 1, 2).strides(), IntArrayRef({12, 4, 1}));
  EXPECT_EQ(x.diagonal(0, 1, 2).strides(), IntArrayRef({12, 5}));
  EXPECT_EQ(x.expand({5, 2, 3, 4}).strides(), IntArrayRef({0, 12, 4, 1}));
  EXPECT_EQ(x.flatten(1).strides(), IntArrayRef({12, 1}));
  // view of a transposed tensor where possible, as torch's computeStride
  auto t = x.transpose(1, 2);  // [2, 4, 3] strides [12, 1, 4]
  EXPECT_THROW_MSG(t.view({2, 12}), RuntimeError, "not compatible");
  EXPECT_EQ(t.view({2, 2, 2, 3}).strides(), IntArrayRef({12, 2, 1, 4}));
}

TEST(Views, ViewOfNonContiguousWhenCompatible) {
  auto x = zeros({4, 6}).slice(1, 0, 6, 2);  // [4, 3] strides [6, 2]
  auto v = x.view({2, 2, 3});
  EXPECT_EQ(v.strides(), IntArrayRef({12, 6, 2}));
  EXPECT_THROW_MSG(x.t().view({-1}), RuntimeError, "not compatible");
  auto r = x.t().reshape({-1});  // copies
  EXPECT_TRUE(r.is_contiguous());
  EXPECT_FALSE(r.is_alias_of(x));
}

TEST(Views, SharedStorageAndWritesThrough) {
  auto x = zeros({3, 3});
  {
    NoGradGuard ng;
    x.select(0, 1).fill_(5);
    x.t().select(0, 2).fill_(7);
  }
  EXPECT_CLOSE(x, tensor({{0.0, 0.0, 7.0}, {5.0, 5.0, 7.0}, {0.0, 0.0, 7.0}}));
}

TEST(Views, ShapeOps) {
  auto x = arange(6, kFloat).view({2, 3});
  EXPECT_CLOSE(cat({x, x}, 1), tensor({{0.0, 1.0, 2.0, 0.0, 1.0, 2.0}, {3.0, 4.0, 5.0, 3.0, 4.0, 5.0}}));
  EXPECT_EQ(stack({x, x}, 1).sizes(), IntArrayRef({2, 2, 3}));
  EXPECT_CLOSE(flip(x, {1}), tensor({{2.0, 1.0, 0.0}, {5.0, 4.0, 3.0}}));
  EXPECT_CLOSE(roll(x, {1}, {1}), tensor({{2.0, 0.0, 1.0}, {5.0, 3.0, 4.0}}));
  EXPECT_CLOSE(roll(x, {1}), tensor({{5.0, 0.0, 1.0}, {2.0, 3.0, 4.0}}));
  EXPECT_CLOSE(x.repeat({2, 1}), tensor({{0.0, 1.0, 2.0}, {3.0, 4.0, 5.0}, {0.0, 1.0, 2.0}, {3.0, 4.0, 5.0}}));
  auto parts = x.chunk(2, 1);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].sizes(), IntArrayRef({2, 2}));
  EXPECT_EQ(parts[1].sizes(), IntArrayRef({2, 1}));
  auto sp = x.split({1, 2}, 1);
  EXPECT_EQ(sp[1].sizes(), IntArrayRef({2, 2}));
  EXPECT_EQ(x.unbind(1).size(), 3u);
  EXPECT_EQ(x.unflatten(1, {3, 1}).sizes(), IntArrayRef({2, 3, 1}));
  EXPECT_EQ(x.unsqueeze(0).squeeze().sizes(), IntArrayRef({2, 3}));
  EXPECT_EQ(x.mT().sizes(), IntArrayRef({3, 2}));
  EXPECT_CLOSE(x.as_strided({2, 2}, {1, 2}), tensor({{0.0, 2.0}, {1.0, 3.0}}));
  EXPECT_THROW_MSG(x.as_strided({10}, {1}), RuntimeError, "as_strided");
  EXPECT_THROW_MSG(cat({x, zeros({2, 3, 1})}, 0), RuntimeError, "same number of dimensions");
  EXPECT_THROW_MSG(cat({x, zeros({3, 3})}, 1), RuntimeError, "Expected size 2 but got size 3");
  EXPECT_THROW_MSG(x.expand({3, 3}), RuntimeError, "must match the existing size");
  EXPECT_THROW_MSG(x.permute({0, 0}), RuntimeError, "repeated dim");
}

TEST(Views, Gradchecks) {
  using F = std::function<Tensor(const tensor_list&)>;
  std::vector<std::pair<const char*, F>> cases = {
      {"view", [](const tensor_list& in) { return in[0].view({4, 3}); }},
      {"reshape_t", [](const tensor_list& in) { return in[0].t().reshape({-1}); }},
      {"permute", [](const tensor_list& in) { return in[0].permute({1, 0}) * 2; }},
      {"expand", [](const tensor_list& in) { return in[0].unsqueeze(0).expand({2, 3, 4}); }},
      {"slice", [](const tensor_list& in) { return in[0].slice(1, 1, 4, 2); }},
      {"select", [](const tensor_list& in) { return in[0].select(1, 2); }},
      {"narrow", [](const tensor_list& in) { return in[0].narrow(0, 1, 2); }},
      {"diagonal", [](const tensor_list& in) { return in[0].diagonal(1); }},
      {"repeat", [](const tensor_list& in) { return in[0].repeat({2, 1, 2}); }},
      {"flip", [](const tensor_list& in) { return in[0].flip({0, 1}); }},
      {"roll", [](const tensor_list& in) { return in[0].roll({2}, {1}); }},
      {"cat", [](const tensor_list& in) { return cat({in[0], in[0] * 2}, 1); }},
      {"stack", [](const tensor_list& in) { return stack({in[0], in[0].sin()}, 0); }},
      {"chunk", [](const tensor_list& in) { return in[0].chunk(2, 1)[1] * 3; }},
      {"unbind", [](const tensor_list& in) { return in[0].unbind(0)[2]; }},
      {"squeeze", [](const tensor_list& in) { return in[0].unsqueeze(1).squeeze(1); }},
      {"as_strided", [](const tensor_list& in) { return in[0].as_strided({2, 2}, {1, 4}); }},
      {"unfold", [](const tensor_list& in) { return in[0].unfold(1, 2, 1) * 2; }},  // overlapping windows
      {"unfold_t", [](const tensor_list& in) { return in[0].t().unfold(0, 3, 2); }},
  };
  for (auto& c : cases) {
    SCOPED_TRACE(c.first);
    auto x = rand_input({3, 4}, 3);
    try {
      EXPECT_TRUE(autograd::gradcheck(c.second, {x}));
    } catch (const Error& e) {
      ADD_FAILURE() << c.first << ": " << e.what();
    }
  }
}

TEST(Creation, RandomIsSeededAndInRange) {
  manual_seed(42);
  auto a = rand({1000});
  manual_seed(42);
  auto b = rand({1000});
  EXPECT_TRUE(equal(a, b));
  EXPECT_GE(a.min().item<float>(), 0.0f);
  EXPECT_LT(a.max().item<float>(), 1.0f);
  EXPECT_NEAR(a.mean().item<float>(), 0.5f, 0.05f);
  Generator g(1);
  auto n = randn({20000}, g);
  EXPECT_NEAR(n.mean().item<float>(), 0.0f, 0.03f);
  EXPECT_NEAR(n.std().item<float>(), 1.0f, 0.03f);
  auto r = randint(3, 7, {1000});
  EXPECT_EQ(r.dtype(), kInt64);
  EXPECT_GE(r.min().item<int64_t>(), 3);
  EXPECT_LE(r.max().item<int64_t>(), 6);
  auto p = randperm(50);
  EXPECT_TRUE(equal(std::get<0>(sort(p)), arange(50)));
  auto bern = bernoulli(full({10000}, 0.25));
  EXPECT_NEAR(bern.mean().item<float>(), 0.25f, 0.03f);
  // the same values at any thread count
  int nt = get_num_threads();
  set_num_threads(1);
  Generator g1(9);
  auto s1 = rand({100000}, g1);
  set_num_threads(2);
  Generator g2(9);
  auto s2 = rand({100000}, g2);
  set_num_threads(nt);
  EXPECT_TRUE(equal(s1, s2));
}

TEST(Creation, FactoriesErrors) {
  EXPECT_THROW_MSG(zeros({-1}), RuntimeError, "negative dimension");
  EXPECT_THROW_MSG(zeros({int64_t(1) << 40, int64_t(1) << 40}), RuntimeError, "too");
  EXPECT_THROW_MSG(arange(0, 10, 0), RuntimeError, "step must be nonzero");
  EXPECT_THROW_MSG(randint(5, 5, {2}), RuntimeError, "from");
  EXPECT_THROW_MSG(ones({2}, kInt64).requires_grad_(), RuntimeError, "floating point");
  EXPECT_THROW_MSG(ones({2}).item(), RuntimeError, "cannot be converted to Scalar");
  EXPECT_THROW_MSG(Device("tpu"), RuntimeError, "Expected one of cpu, cuda");
  EXPECT_THROW_MSG(ones({2}, Device(kCUDA, 0)), Error, "cuda");
}

TEST(Creation, LikeKeepsLayoutAndDtype) {
  auto x = zeros({3, 4}, kFloat64).t();
  auto e = empty_like(x);
  EXPECT_EQ(e.strides(), x.strides());
  EXPECT_EQ(e.dtype(), kFloat64);
  EXPECT_EQ(zeros_like(x, kInt).dtype(), kInt32);
  EXPECT_CLOSE(full_like(x, 2.5), full({4, 3}, 2.5, kFloat64));
}

TEST(Creation, CastsRoundTrip) {
  auto x = tensor({-1.5, 0.0, 2.75, 1000.0});
  for (auto t : {kFloat64, kFloat16, kBFloat16, kInt64, kInt32, kInt16, kInt8, kUInt8, kBool}) {
    SCOPED_TRACE(dtype_name(t));
    auto y = x.to(t);
    EXPECT_EQ(y.dtype(), t);
  }
  EXPECT_CLOSE(x.to(kInt32), tensor({-1, 0, 2, 1000}).to(kInt32));
  EXPECT_CLOSE(x.to(kBool), tensor({true, false, true, true}));
  EXPECT_CLOSE(x.to(kHalf).to(kFloat), x);
  EXPECT_EQ(tensor({1.0 / 3}).to(kBFloat16).to(kFloat).item<float>(), 0.333984375f);
}

TEST(Views, UnfoldKnownValues) {
  // torch: torch.arange(7.).unfold(0, 3, 2) -> [[0, 1, 2], [2, 3, 4], [4, 5, 6]], strides (2, 1)
  Tensor u = arange(7, TensorOptions().dtype(kFloat64)).unfold(0, 3, 2);
  EXPECT_EQ(u.sizes(), Shape({3, 3}));
  EXPECT_EQ(u.strides(), Shape({2, 1}));
  EXPECT_CLOSE(u, tensor(std::vector<double>{0, 1, 2, 2, 3, 4, 4, 5, 6}, kFloat64).reshape({3, 3}));
  EXPECT_THROW_MSG(arange(5).unfold(0, 6, 1), Error, "maximum size for tensor at dimension 0 is 5");
  EXPECT_THROW_MSG(arange(5).unfold(0, 2, 0), Error, "step is 0");
  // F.unfold / F.fold (im2col / col2im): fold(unfold(x)) counts each pixel's windows
  Tensor x = ones({1, 2, 4, 5});
  Tensor cols = im2col(x, {2, 2});
  EXPECT_EQ(cols.sizes(), Shape({1, 8, 12}));
  Tensor counts = col2im(cols, {4, 5}, {2, 2});
  EXPECT_CLOSE(counts.select(1, 0).select(0, 0).select(0, 1), tensor(std::vector<float>{2, 4, 4, 4, 2}));
}
