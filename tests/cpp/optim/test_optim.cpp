// Optimizer trajectories and scheduler rates against torch 1.13 (values
// printed by torch.optim on the same problem).
#include "ember/optim.h"
#include "testing/testing.h"

using namespace ember;

namespace {
template <typename Make>
Tensor run(Make make, int steps = 5) {
  auto w = tensor({1.0, -2.0, 3.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto opt = make(std::vector<Tensor>{w});
  auto target = tensor({0.5, 0.25, -1.0}, kFloat64);
  auto coef = tensor({1.0, 2.0, 3.0}, kFloat64);
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    auto loss = ((w - target).pow(2) * coef).sum() + w.prod();
    loss.backward();
    opt.step();
  }
  return w.detach();
}
void expect_traj(const Tensor& w, std::initializer_list<double> ref) {
  EXPECT_CLOSE_TOL(w, tensor(ref, kFloat64), 1e-12, 1e-10);
}
}  // namespace

TEST(Optim, SGDVariants) {
  using namespace optim;
  expect_traj(run([](auto p) { return SGD(p, SGDOptions(0.05)); }), {1.2154923591683364, -0.7019529412824358, -0.10649507257981197});
  expect_traj(run([](auto p) { return SGD(p, SGDOptions(0.05).momentum(0.9).weight_decay(0.01)); }),
              {1.71035853010078, 1.6344987570155147, -3.782164071507044});
  expect_traj(run([](auto p) { return SGD(p, SGDOptions(0.05).momentum(0.9).nesterov(true)); }),
              {1.4528641357459888, 1.7952695305256499, -2.5169623333486055});
  expect_traj(run([](auto p) { return SGD(p, SGDOptions(0.05).momentum(0.5).dampening(0.3)); }),
              {1.3624963216974533, -0.31545521924759606, -0.9516711538880518});
}

TEST(Optim, AdamAdamWRMSpropAdagrad) {
  using namespace optim;
  expect_traj(run([](auto p) { return Adam(p, AdamOptions(0.1)); }), {1.4869735843502399, -1.5072785775626631, 2.501588538007643});
  expect_traj(run([](auto p) { return Adam(p, AdamOptions(0.1).weight_decay(0.1).amsgrad(true)); }),
              {1.4861267106579523, -1.5071043011967251, 2.501590722128127});
  expect_traj(run([](auto p) { return AdamW(p, AdamWOptions(0.1)); }), {1.4807225770991457, -1.4983071527312541, 2.487652993733281});
  expect_traj(run([](auto p) { return RMSprop(p, RMSpropOptions(0.01)); }), {1.2943617204988902, -1.695190539539813, 2.681474679559606});
  expect_traj(run([](auto p) { return RMSprop(p, RMSpropOptions(0.01).momentum(0.9).centered(true).weight_decay(0.1)); }),
              {1.8181995913994005, -1.1226352593485958, 2.0631387018879397});
  expect_traj(run([](auto p) { return Adagrad(p, AdagradOptions(0.1).lr_decay(0.01).weight_decay(0.1)); }),
              {1.287982405373645, -1.700432362586212, 2.6875679010927547});
}

TEST(Optim, Adadelta) {
  using namespace optim;
  expect_traj(run([](auto p) { return Adadelta(p, AdadeltaOptions(1.0)); }),
              {1.0163429503268009, -1.983631144274328, 2.9835874192330416});
  expect_traj(run([](auto p) { return Adadelta(p, AdadeltaOptions(0.5).rho(0.8).eps(1e-5).weight_decay(0.1)); }),
              {1.0190389620390916, -1.980922970995042, 2.980869124421805});
}

TEST(Optim, Schedulers) {
  using namespace optim;
  auto check = [](auto make, std::vector<double> ref) {
    auto w = zeros({1}, requires_grad());
    SGD opt({w}, SGDOptions(0.1));
    auto s = make(opt);
    std::vector<double> got = {opt.param_groups()[0].options().get_lr()};
    for (int i = 0; i < 6; ++i) {
      opt.step();
      s.step();
      got.push_back(opt.param_groups()[0].options().get_lr());
    }
    ASSERT_EQ(got.size(), ref.size());
    for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(got[i], ref[i], 1e-12) << "epoch " << i;
  };
  check([](Optimizer& o) { return StepLR(o, 2, 0.5); }, {0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125});
  check([](Optimizer& o) { return CosineAnnealingLR(o, 4, 0.01); },
        {0.1, 0.08681980515339464, 0.055, 0.023180194846605363, 0.01, 0.023180194846605363, 0.055});
  check([](Optimizer& o) { return OneCycleLR(o, 1.0, 10); },
        {0.04, 0.52, 1.0, 0.9504846320134737, 0.8117456539497631, 0.6112620219362893, 0.38874197806371075});
  check([](Optimizer& o) { return LinearLR(o, 0.5, 1.0, 3); },
        {0.05, 0.06666666666666667, 0.08333333333333333, 0.1, 0.1, 0.1, 0.1});
  check([](Optimizer& o) { return MultiStepLR(o, {1, 3}, 0.1); }, {0.1, 0.01, 0.01, 0.001, 0.001, 0.001, 0.001});
  check([](Optimizer& o) { return ExponentialLR(o, 0.9); }, {0.1, 0.09, 0.081, 0.0729, 0.06561, 0.059049, 0.0531441});
}

TEST(Optim, SequentialLRAndChainedSchedulersUseTheInitialRate) {
  using namespace optim;
  auto w = zeros({1}, requires_grad());
  SGD opt({w}, SGDOptions(0.1));
  // warmup, then cosine from the initial rate 0.1 (not from the warmup's 0.05); values from torch 1.13
  auto warm = std::make_shared<LinearLR>(opt, 0.5, 1.0, 2);
  auto cos = std::make_shared<CosineAnnealingLR>(opt, 4, 0.01);
  SequentialLR s(opt, {warm, cos}, {2});
  std::vector<double> got = {opt.param_groups()[0].options().get_lr()};
  for (int i = 0; i < 8; ++i) {
    opt.step();
    s.step();
    got.push_back(opt.param_groups()[0].options().get_lr());
  }
  std::vector<double> ref = {0.05, 0.075, 0.1, 0.08681980515339464, 0.055, 0.023180194846605363, 0.01,
                             0.023180194846605363, 0.055};
  ASSERT_EQ(got.size(), ref.size());
  for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(got[i], ref[i], 1e-12) << "epoch " << i;
  EXPECT_NEAR(s.get_last_lr()[0], 0.055, 1e-12);
  EXPECT_THROW(SequentialLR(opt, {warm, cos}, {}), ValueError);
}

TEST(Optim, StateDictRoundTripAndClipping) {
  using namespace optim;
  auto w = tensor({1.0, 2.0}, requires_grad());
  Adam a({w}, AdamOptions(0.1));
  (w * w).sum().backward();
  a.step();
  auto sd = a.state_dict();
  EXPECT_TRUE(sd.contains("state.0.exp_avg"));
  EXPECT_EQ(sd["state.0.step"].item<int64_t>(), 1);
  Adam b({w}, AdamOptions(0.5));
  b.load_state_dict(sd);
  EXPECT_DOUBLE_EQ(b.param_groups()[0].options().get_lr(), 0.1);
  EXPECT_EQ(b.state()[0].step, 1);

  auto p = tensor({0.0, 0.0}, requires_grad());
  p.mutable_grad() = tensor({3.0, 4.0});
  double n = clip_grad_norm_({p}, 1.0);
  EXPECT_NEAR(n, 5.0, 1e-6);
  EXPECT_NEAR(p.grad().norm().item<double>(), 1.0, 1e-5);
  clip_grad_value_({p}, 0.1);
  EXPECT_LE(p.grad().abs().max().item<double>(), 0.1 + 1e-7);
  EXPECT_THROW_MSG(SGD({p}, SGDOptions(-1)), ValueError, "Invalid learning rate");
}
