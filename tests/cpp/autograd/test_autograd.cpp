#include "testing/testing.h"

using namespace ember;
using ember::testing::rand_input;

TEST(Autograd, SimpleBackwardAndAccumulation) {
  auto x = tensor({1.0, 2.0, 3.0}, requires_grad());
  auto y = (x * x).sum();
  y.backward();
  EXPECT_CLOSE(x.grad(), tensor({2.0, 4.0, 6.0}));
  (x * 3).sum().backward();
  EXPECT_CLOSE(x.grad(), tensor({5.0, 7.0, 9.0}));
  EXPECT_EQ(y.grad_fn()->name(), "SumBackward0");
  EXPECT_TRUE(x.is_leaf());
  EXPECT_FALSE(y.is_leaf());
}

TEST(Autograd, BroadcastGradientIsReduced) {
  auto a = rand_input({3, 1}, 1), b = rand_input({4}, 2);
  (a * b).sum().backward();
  EXPECT_EQ(a.grad().sizes(), IntArrayRef({3, 1}));
  EXPECT_EQ(b.grad().sizes(), IntArrayRef({4}));
  NoGradGuard ng;
  EXPECT_CLOSE(b.grad(), a.sum().expand({4}).contiguous());
}

TEST(Autograd, SecondBackwardWithoutRetainGraphFails) {
  auto x = tensor({1.0, 2.0}, requires_grad());
  auto y = (x.exp() * x).sum();
  y.backward(Tensor(), true);
  y.backward();  // retained once
  EXPECT_THROW_MSG(y.backward(), RuntimeError, "second time");
}

TEST(Autograd, CreateGraphGivesSecondDerivative) {
  auto x = tensor({0.5, 1.5}, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto y = (x * x * x).sum();
  auto g = autograd::grad({y}, {x}, {}, std::nullopt, true)[0];  // 3x^2
  EXPECT_CLOSE(g, (3 * x * x).detach());
  auto g2 = autograd::grad({g.sum()}, {x})[0];  // 6x
  EXPECT_CLOSE(g2, (6 * x).detach());
}

TEST(Autograd, LongChainDoesNotOverflowTheStack) {
  auto x = tensor({1.0}, requires_grad());
  Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = y * 1.0;
  y.sum().backward();
  EXPECT_CLOSE(x.grad(), tensor({1.0}));
}

TEST(Autograd, NoGradGuardAndDetach) {
  auto x = ones({2}, requires_grad());
  {
    NoGradGuard ng;
    auto y = x * 2;
    EXPECT_FALSE(y.requires_grad());
    {
      EnableGradGuard eg;
      EXPECT_TRUE((x * 2).requires_grad());
    }
  }
  EXPECT_FALSE(x.detach().requires_grad());
  EXPECT_TRUE(x.detach().is_alias_of(x));
}

TEST(Autograd, ModifiedSavedTensorIsAnError) {
  auto x = ones({3}, requires_grad());
  auto a = x * 2;
  auto b = a * a;  // saves a
  a.add_(1);
  EXPECT_THROW_MSG(b.sum().backward(), RuntimeError, "modified in place");
}

TEST(Autograd, LeafInPlaceIsAnError) {
  auto x = ones({3}, requires_grad());
  EXPECT_THROW_MSG(x.add_(1), RuntimeError, "leaf Variable that requires grad");
  NoGradGuard ng;
  x.add_(1);  // fine without grad
}

TEST(Autograd, InPlaceOnNonLeafRecords) {
  auto x = tensor({1.0, 2.0}, requires_grad());
  auto y = x * 3;
  y.mul_(y);  // y = (3x)^2 -> dy/dx = 18 x
  y.sum().backward();
  EXPECT_CLOSE(x.grad(), tensor({18.0, 36.0}));
}

TEST(Autograd, HooksAndRetainGrad) {
  auto x = tensor({1.0, 2.0}, requires_grad());
  auto y = x * 2;
  y.retain_grad();
  y.register_hook([](const Tensor& g) { return g * 10; });
  x.register_hook([](const Tensor& g) { return g + 1; });
  y.sum().backward();
  EXPECT_CLOSE(x.grad(), tensor({21.0, 21.0}));
  EXPECT_TRUE(y.grad().defined());
}

struct Cube : autograd::Function<Cube> {
  static Tensor forward(autograd::AutogradContext* ctx, Tensor x) {
    ctx->save_for_backward({x});
    return x * x * x;
  }
  static tensor_list backward(autograd::AutogradContext* ctx, tensor_list g) {
    auto x = ctx->get_saved_variables()[0];
    return {g[0] * 3 * x * x};
  }
};

TEST(Autograd, CustomFunction) {
  auto x = tensor({1.0, 2.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto y = Cube::apply(x);
  EXPECT_CLOSE(y.detach(), tensor({1.0, 8.0}, kFloat64));
  y.sum().backward();
  EXPECT_CLOSE(x.grad(), tensor({3.0, 12.0}, kFloat64));
  auto z = rand_input({3}, 5);
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& in) { return Cube::apply(in[0]); }, {z}));
}

TEST(Autograd, AnomalyModeNamesTheOp) {
  autograd::DetectAnomalyGuard guard;
  auto x = tensor({0.0}, requires_grad());
  auto y = sqrt(x);
  EXPECT_THROW_MSG(y.sum().backward(), RuntimeError, "SqrtBackward0");
}

TEST(Autograd, GradOfUnusedInput) {
  auto x = ones({2}, requires_grad()), z = ones({2}, requires_grad());
  auto y = (x * 2).sum();
  EXPECT_THROW_MSG(autograd::grad({y}, {z}, {}, true), RuntimeError, "not have been used");
  auto g = autograd::grad({y}, {x, z}, {}, std::nullopt, false, true);
  EXPECT_FALSE(g[1].defined());
}

TEST(Autograd, NonScalarBackwardNeedsGradient) {
  auto x = ones({2}, requires_grad());
  EXPECT_THROW_MSG((x * 2).backward(), RuntimeError, "scalar outputs");
}

TEST(Autograd, InPlaceOnViewFlowsToBase) {
  auto w = tensor({1.0, 2.0}, requires_grad());
  auto x = zeros({3});
  x.slice(0, 0, 2).copy_(w * 2);
  EXPECT_TRUE(x.requires_grad());
  (x * tensor({1.0, 2.0, 3.0})).sum().backward();
  EXPECT_CLOSE(w.grad(), tensor({2.0, 4.0}));

  auto a = tensor({1.0, 2.0, 3.0}, requires_grad());
  auto b = a * 1;
  auto v = b.select(0, 1);
  v.mul_(10);
  EXPECT_CLOSE(b.detach(), tensor({1.0, 20.0, 3.0}));
  (b * b).sum().backward();
  EXPECT_CLOSE(a.grad(), tensor({2.0, 400.0, 6.0}));

  auto leaf = ones({2}, requires_grad());
  EXPECT_THROW_MSG(leaf.select(0, 0).add_(1), RuntimeError, "leaf Variable");
}

TEST(Autograd, InPlaceOnViewGradcheck) {
  auto x = ember::testing::rand_input({3, 4}, 3);
  auto y = ember::testing::rand_input({4}, 4);
  auto f = [](const tensor_list& in) {
    Tensor b = in[0] * 2;
    b.select(0, 1).mul_(in[1]);
    return b.exp();
  };
  EXPECT_TRUE(autograd::gradcheck(f, {x, y}));
}

TEST(Autograd, FillOfAViewCutsTheGradient) {
  auto x = ones({4}, requires_grad());
  auto y = x.clone();
  y.slice(0, 1, 3).fill_(1.5);
  y.sum().backward();
  EXPECT_CLOSE(x.grad(), tensor({1.0, 0.0, 0.0, 1.0}));
}

TEST(Autograd, AsStridedBackwardSumsOverlaps) {
  // values from torch 1.13: x.as_strided((2, 3), (0, 1), 2)
  auto x = arange(8, TensorOptions().dtype(kFloat64)).requires_grad_();
  auto y = x.as_strided({2, 3}, {0, 1}, 2);
  (y * tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, kFloat64)).sum().backward();
  EXPECT_CLOSE(x.grad(), tensor({0.0, 0.0, 5.0, 7.0, 9.0, 0.0, 0.0, 0.0}, kFloat64));
}
