// adaptive_max_pool1d / adaptive_max_pool2d and ctc_loss: values, indices
// and gradients against torch 1.13 (literals printed by Debian's
// python3-torch on the same inputs), float64 gradchecks, modules, errors.
#include <cmath>
#include <limits>
#include <vector>

#include "ember/nn/functional.h"
#include "ember/nn/modules.h"
#include "testing/testing.h"

using namespace ember;
using ember::autograd::gradcheck;

namespace {

Tensor T(std::vector<double> v, std::vector<int64_t> shape) { return tensor(v, kFloat64).reshape(shape); }
Tensor I(std::vector<int64_t> v, std::vector<int64_t> shape) { return tensor(v).reshape(shape); }

// [1, 2, 3, 6] with ties
Tensor pool_input() {
  return T({3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5, 0, 2, 8, 8},
           {1, 2, 3, 6});
}

// log_softmax(sin(0.7 k)) over C = 4, [T = 5, N = 2, C = 4]
Tensor ctc_log_probs() {
  return log_softmax((arange(40, TensorOptions().dtype(kFloat64)) * 0.7).sin().reshape({5, 2, 4}), 2);
}

}  // namespace

// ------------------------------------------------------------ adaptive max pool

TEST(NNAdaptiveMaxPool, Values2d) {
  auto [o, i] = adaptive_max_pool2d_with_indices(pool_input(), {2, 4});
  EXPECT_CLOSE(o, T({6, 6, 5, 9, 9, 9, 5, 8, 8, 8, 6, 7, 9, 8, 8, 8}, {1, 2, 2, 4}));
  EXPECT_CLOSE(i.to(kFloat64), I({7, 7, 4, 5, 12, 14, 10, 11, 0, 8, 4, 11, 12, 8, 16, 16}, {1, 2, 2, 4}).to(kFloat64));
  EXPECT_EQ(i.dtype(), kInt64);
  // unbatched, identity, one value for both dims
  EXPECT_CLOSE(adaptive_max_pool2d(pool_input().squeeze(0), {2, 4}), o.squeeze(0));
  EXPECT_CLOSE(adaptive_max_pool2d(pool_input(), {3, 6}), pool_input());
  EXPECT_CLOSE(adaptive_max_pool2d(pool_input(), 1), pool_input().amax({2, 3}, true));
}

TEST(NNAdaptiveMaxPool, Values1d) {
  Tensor x = T({3, 1, 4, 1, 5, 9, 2, 8, 4, 6, 2, 6, 4, 3}, {1, 2, 7});
  auto [o, i] = adaptive_max_pool1d_with_indices(x, 3);
  EXPECT_CLOSE(o, T({4, 5, 9, 8, 6, 6}, {1, 2, 3}));
  EXPECT_CLOSE(i.to(kFloat64), T({2, 4, 5, 0, 2, 4}, {1, 2, 3}));
  EXPECT_CLOSE(adaptive_max_pool1d(x.squeeze(0), 3), o.squeeze(0));
}

TEST(NNAdaptiveMaxPool, GradientGoesToTheArgmax) {
  Tensor x = pool_input().requires_grad_();
  auto [o, i] = adaptive_max_pool2d_with_indices(x, {2, 4});
  o.sum().backward();
  // each output adds 1 at its index: [7, 7, 4, 5, 12, 14, 10, 11] in plane 0
  std::vector<double> want(36, 0.0);
  std::vector<int64_t> idx = {7, 7, 4, 5, 12, 14, 10, 11, 0, 8, 4, 11, 12, 8, 16, 16};
  for (size_t k = 0; k < idx.size(); ++k) want[(k / 8) * 18 + size_t(idx[k])] += 1.0;
  EXPECT_CLOSE(x.grad(), T(want, {1, 2, 3, 6}));
}

TEST(NNAdaptiveMaxPool, Gradcheck) {
  // distinct values keep max pooling away from ties
  Tensor x = (randperm(2 * 2 * 5 * 6, kFloat64).reshape({2, 2, 5, 6}) * 0.1).requires_grad_();
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return adaptive_max_pool2d(in[0], {3, 4}); }, {x}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return adaptive_max_pool2d(in[0], {7, 8}); }, {x}));
  Tensor y = (randperm(2 * 3 * 7, kFloat64).reshape({2, 3, 7}) * 0.1).requires_grad_();
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return adaptive_max_pool1d(in[0], 3); }, {y}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return adaptive_max_pool1d(in[0].transpose(0, 1), 9); }, {y}));
}

TEST(NNAdaptiveMaxPool, Modules) {
  Tensor x = pool_input();
  nn::AdaptiveMaxPool2d p2(std::vector<int64_t>{2, 4});
  EXPECT_CLOSE(p2(x), adaptive_max_pool2d(x, {2, 4}));
  EXPECT_EQ(p2->extra_repr(), "output_size=(2, 4)");
  nn::AdaptiveMaxPool2d p2s(3);
  EXPECT_EQ(p2s->extra_repr(), "output_size=(3, 3)");
  auto [o, i] = p2->forward_with_indices(x);
  EXPECT_CLOSE(i.to(kFloat64), std::get<1>(adaptive_max_pool2d_with_indices(x, {2, 4})).to(kFloat64));
  nn::AdaptiveMaxPool1d p1(3);
  Tensor y = x.reshape({2, 3, 6});
  EXPECT_CLOSE(p1(y), adaptive_max_pool1d(y, 3));
  EXPECT_EQ(p1->extra_repr(), "output_size=3");
  EXPECT_EQ(std::get<1>(p1->forward_with_indices(y)).sizes().vec(), (std::vector<int64_t>{2, 3, 3}));
}

TEST(NNAdaptiveMaxPool, Errors) {
  EXPECT_THROW_MSG(adaptive_max_pool2d(T({1, 2, 3, 4}, {2, 2}), 2), RuntimeError,
                   "adaptive_max_pool2d: expected 3-D (unbatched) or 4-D (batched) input [N, C, H, W], got shape "
                   "[2, 2]");
  EXPECT_THROW_MSG(adaptive_max_pool1d(pool_input(), 2), RuntimeError,
                   "adaptive_max_pool1d: expected 2-D (unbatched) or 3-D (batched) input [N, C, L], got shape "
                   "[1, 2, 3, 6]");
  EXPECT_THROW_MSG(adaptive_max_pool2d(pool_input(), {2, 2, 2}), RuntimeError,
                   "adaptive_max_pool2d: output_size must have 1 or 2 elements, got 3");
  EXPECT_THROW_MSG(adaptive_max_pool1d(pool_input().reshape({2, 18}), {2, 2}), RuntimeError,
                   "adaptive_max_pool1d: output_size must be a single int, got [2, 2]");
  EXPECT_THROW_MSG(adaptive_max_pool2d(pool_input(), -1), RuntimeError,
                   "adaptive_max_pool2d: output_size must be non-negative, got [-1, -1]");
  EXPECT_THROW_MSG(adaptive_max_pool2d(zeros({1, 2, 0, 3}), 2), RuntimeError,
                   "adaptive_max_pool2d: expected input with non-zero C, H and W, got shape [1, 2, 0, 3]");
  EXPECT_THROW_MSG(adaptive_max_pool1d(zeros({2, 3}, kInt64), 2), TypeError,
                   "adaptive_max_pool1d: expected a floating-point input, got int64");
}

// ------------------------------------------------------------ ctc_loss

TEST(NNCtcLoss, ValuesAgainstTorch) {
  Tensor lp = ctc_log_probs();
  Tensor tg = tensor({1, 2, 2, 3, 1, 0}, TensorOptions().dtype(kInt64)).reshape({2, 3});
  EXPECT_CLOSE(ctc_loss(lp, tg, {5, 4}, {3, 2}, 0, Reduction::None), T({6.01784312209659, 2.902483986490246}, {2}));
  EXPECT_NEAR(ctc_loss(lp, tg, {5, 4}, {3, 2}).item<double>(), 1.7285948503053266, 1e-12);
  EXPECT_NEAR(ctc_loss(lp, tg, {5, 4}, {3, 2}, 0, Reduction::Sum).item<double>(), 8.920327108586836, 1e-12);
  EXPECT_CLOSE(ctc_loss(lp, tg, {5, 4}, {3, 2}, 3, Reduction::None), T({4.345305696102673, 4.277788920936722}, {2}));
  // concatenated targets and tensor lengths give the same
  Tensor cat = tensor({1, 2, 2, 3, 1}, TensorOptions().dtype(kInt64));
  EXPECT_CLOSE(ctc_loss(lp, cat, tensor({5, 4}, TensorOptions().dtype(kInt32)), tensor({3, 2}), 0, Reduction::None),
               T({6.01784312209659, 2.902483986490246}, {2}));
  // float32 agrees with float64
  EXPECT_CLOSE_TOL(ctc_loss(lp.to(kFloat32), tg, {5, 4}, {3, 2}, 0, Reduction::None).to(kFloat64),
                   T({6.01784312209659, 2.902483986490246}, {2}), 1e-5, 1e-5);
  // unbatched [T, C] with a 1-D target
  EXPECT_NEAR(ctc_loss(lp.select(1, 1), tensor({3, 1}), {4}, {2}, 0, Reduction::None).item<double>(), 2.902483986490246,
              1e-12);
  EXPECT_EQ(ctc_loss(lp.select(1, 1), tensor({3, 1}), {4}, {2}, 0, Reduction::None).dim(), 0);
}

TEST(NNCtcLoss, GradientAgainstTorch) {
  Tensor lp = ctc_log_probs().requires_grad_();
  Tensor tg = tensor({1, 2, 2, 3, 1, 0}, TensorOptions().dtype(kInt64)).reshape({2, 3});
  ctc_loss(lp, tg, {5, 4}, {3, 2}, 0, Reduction::None).sum().backward();
  EXPECT_CLOSE(lp.grad(), T({0.052496867378230797,
                             -0.6873475205615864,
                             0.33680229752753704,
                             0.2980483556558198,
                             0.09147313899718557,
                             0.24324652441329042,
                             0.1445004884919388,
                             -0.47922015190241396,
                             0.013352605596553782,
                             -0.04769335675788933,
                             -0.40145455502807775,
                             0.43579530618941414,
                             -0.0023724898648771475,
                             0.09933114081067648,
                             0.1433830286906981,
                             -0.24034167963649733,
                             -0.35361756866946875,
                             0.13811521713726677,
                             -0.2850915106709286,
                             0.5005938622031311,
                             0.06034885432378356,
                             -0.1846352725222734,
                             0.1918195321711924,
                             -0.06753311397270274,
                             -0.47369934248150625,
                             0.15795403500075308,
                             -0.1249495779665028,
                             0.44069488544725594,
                             -0.0407129060133303,
                             -0.39705021504271226,
                             0.2775608509847018,
                             0.1602022700713408,
                             0.10755384536354379,
                             0.20299994611412406,
                             -0.5856265259122656,
                             0.2750727344345977,
                             0.0,
                             0.0,
                             0.0,
                             0.0},
                            {5, 2, 4}));
}

TEST(NNCtcLoss, ImpossibleAlignmentAndZeroInfinity) {
  Tensor lp = ctc_log_probs().requires_grad_();
  Tensor tg = tensor({1, 2, 2, 3, 1, 0}, TensorOptions().dtype(kInt64)).reshape({2, 3});
  // [1, 2, 2] needs 4 frames
  Tensor l = ctc_loss(lp, tg, {3, 4}, {3, 2}, 0, Reduction::None);
  EXPECT_TRUE(std::isinf(l[0].item<double>()));
  EXPECT_NEAR(l[1].item<double>(), 2.902483986490246, 1e-12);
  l.sum().backward();
  EXPECT_TRUE(std::isnan(lp.grad()[0][0][0].item<double>()));  // as torch: nan without zero_infinity
  lp.set_grad(Tensor());
  Tensor m = ctc_loss(lp, tg, {3, 4}, {3, 2}, 0, Reduction::Mean, true);
  EXPECT_NEAR(m.item<double>(), 0.7256209966225615, 1e-12);
  m.backward();
  EXPECT_CLOSE(lp.grad().select(1, 0), zeros({5, 4}, kFloat64));
  EXPECT_TRUE(isfinite(lp.grad()).all().item<bool>());
  // no frames: 0 for the empty target, inf otherwise
  Tensor z = ctc_loss(ctc_log_probs(), tg, {0, 0}, {0, 2}, 0, Reduction::None);
  EXPECT_EQ(z[0].item<double>(), 0.0);
  EXPECT_TRUE(std::isinf(z[1].item<double>()));
}

TEST(NNCtcLoss, Gradcheck) {
  // through log_softmax (see Note [CTC gradient])
  Tensor x = ember::testing::rand_input({6, 3, 5}, 3, -2, 2);
  Tensor tg = tensor({1, 4, 4, 2, 3, 0, 2, 2, 1}, TensorOptions().dtype(kInt64)).reshape({3, 3});
  for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum})
    EXPECT_TRUE(gradcheck(
        [&](const tensor_list& in) {
          return ctc_loss(log_softmax(in[0], 2), tg, {6, 5, 4}, {3, 2, 0}, 0, r);
        },
        {x}));
  EXPECT_TRUE(gradcheck(
      [&](const tensor_list& in) {
        return ctc_loss(log_softmax(in[0], 2), tensor({1, 4, 4, 3, 1}), {6, 6, 3}, {3, 2, 0}, 2, Reduction::Sum);
      },
      {x}));
}

TEST(NNCtcLoss, Module) {
  Tensor lp = ctc_log_probs();
  Tensor tg = tensor({1, 2, 2, 3, 1, 0}, TensorOptions().dtype(kInt64)).reshape({2, 3});
  nn::CTCLoss loss;
  EXPECT_NEAR(loss(lp, tg, tensor({5, 4}), tensor({3, 2})).item<double>(), 1.7285948503053266, 1e-12);
  nn::CTCLoss blank3(nn::CTCLossOptions().blank(3).reduction(Reduction::None));
  EXPECT_CLOSE(blank3(lp, tg, tensor({5, 4}), tensor({3, 2})), T({4.345305696102673, 4.277788920936722}, {2}));
  nn::CTCLoss zi(nn::CTCLossOptions().zero_infinity(true));
  EXPECT_NEAR(zi->forward(lp, tg, IntArrayRef({3, 4}), IntArrayRef({3, 2})).item<double>(), 0.7256209966225615, 1e-12);
}

TEST(NNCtcLoss, Errors) {
  Tensor lp = ctc_log_probs();
  Tensor tg = tensor({1, 2, 2, 3, 1, 0}, TensorOptions().dtype(kInt64)).reshape({2, 3});
  EXPECT_THROW_MSG(ctc_loss(lp.unsqueeze(0), tg, {5, 4}, {3, 2}), RuntimeError,
                   "ctc_loss: expected log_probs [T, N, C] or unbatched [T, C], got shape [1, 5, 2, 4]");
  EXPECT_THROW_MSG(ctc_loss(lp, tg, {5, 4}, {3, 2}, 4), RuntimeError,
                   "ctc_loss: blank must be in label range [0, 4), got 4 (log_probs shape [5, 2, 4])");
  EXPECT_THROW_MSG(ctc_loss(lp, tg, {6, 4}, {3, 2}), RuntimeError,
                   "ctc_loss: input_lengths[0] = 6 must be in [0, T = 5] (log_probs shape [5, 2, 4])");
  EXPECT_THROW_MSG(ctc_loss(lp, tg, {5, -1}, {3, 2}), RuntimeError,
                   "ctc_loss: input_lengths[1] = -1 must be in [0, T = 5]");
  EXPECT_THROW_MSG(ctc_loss(lp, tg, {5, 4}, {-1, 2}), RuntimeError,
                   "ctc_loss: target_lengths[0] = -1 must be non-negative");
  EXPECT_THROW_MSG(ctc_loss(lp, tg, {5}, {3, 2}), RuntimeError,
                   "ctc_loss: input_lengths must have one entry per batch element (N = 2, log_probs shape [5, 2, "
                   "4]), got 1");
  EXPECT_THROW_MSG(ctc_loss(lp, tg, {5, 4}, {4, 2}), RuntimeError,
                   "ctc_loss: target_lengths[0] = 4 exceeds the padded targets' length S = 3 (targets shape [2, 3])");
  EXPECT_THROW_MSG(ctc_loss(lp, tensor({1, 2, 2}), {5, 4}, {3, 2}), RuntimeError,
                   "ctc_loss: concatenated targets must hold sum(target_lengths) = 5 labels, got shape [3]");
  EXPECT_THROW_MSG(ctc_loss(lp, tg.reshape({3, 2}), {5, 4}, {2, 2}), RuntimeError,
                   "ctc_loss: padded targets must have N = 2 rows, got shape [3, 2]");
  EXPECT_THROW_MSG(ctc_loss(lp, tensor({1, 2, 7, 3, 1}), {5, 4}, {3, 2}), RuntimeError,
                   "ctc_loss: target 7 of sample 0 is out of range for C = 4 classes");
  EXPECT_THROW_MSG(ctc_loss(lp, tg, tensor({5.0, 4.0}), tensor({3, 2})), RuntimeError,
                   "ctc_loss: input_lengths must be integral, got dtype ");
  EXPECT_THROW_MSG(ctc_loss(lp.to(kFloat16), tg, {5, 4}, {3, 2}), RuntimeError,
                   "ctc_loss: expected log_probs of dtype float32 or float64, got float16");
}
