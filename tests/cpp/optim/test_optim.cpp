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

// Reference values printed once by torch 1.13 (Debian's) on the problem of
// run(): NAdam with torch 1.13's default (single-tensor) loop (see Note
// [NAdam's mu_product] in src/optim/fused_steps.cpp), RAdam and Adamax with
// their defaults. RAdam runs 8 steps, so it takes both the momentum steps
// (rho_t <= 5, steps 1-5) and the rectified ones.
TEST(Optim, NAdamRAdamAdamax) {
  using namespace optim;
  expect_traj(run([](auto p) { return NAdam(p, NAdamOptions(0.1)); }),
              {1.3621499952765133, -1.6231508142917417, 2.604634616152256});
  expect_traj(run([](auto p) {
                return NAdam(p, NAdamOptions(0.05).betas({0.8, 0.9}).weight_decay(0.1).momentum_decay(0.01));
              }),
              {1.2147182796034257, -1.781282763740714, 2.7764581515184874});
  expect_traj(run([](auto p) { return RAdam(p, RAdamOptions(0.1)); }, 8),
              {1.5265167615878095, 0.7746657424257022, -2.4635905761081127});
  expect_traj(run(
                  [](auto p) {
                    return RAdam(p, RAdamOptions(0.05).betas({0.8, 0.9}).weight_decay(0.1));
                  },
                  8),
              {1.445954912338138, -0.5219282286342632, -0.8524446406379915});
  expect_traj(run([](auto p) { return Adamax(p, AdamaxOptions(0.1)); }),
              {1.4296028934215106, -1.5489710830587702, 2.5154954528374542});
  expect_traj(run([](auto p) { return Adamax(p, AdamaxOptions(0.05).weight_decay(0.1).maximize(true)); }),
              {0.7628876374524224, -2.239960396617903, 3.246502764230149});
}

// Two param groups (the second with its own lr and weight_decay), 8 steps;
// references from torch 1.13 as above.
TEST(Optim, NAdamRAdamAdamaxParamGroups) {
  using namespace optim;
  auto check = [](auto make, std::initializer_list<double> ref_a, std::initializer_list<double> ref_b) {
    auto a = tensor({1.0, -2.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
    auto b = tensor({3.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
    auto opt = make(a, b);
    auto coef = tensor({1.0, 2.0}, kFloat64);
    for (int i = 0; i < 8; ++i) {
      opt.zero_grad();
      auto loss = (a.pow(2) * coef).sum() + (a.sum() * b).sum() + b.pow(2).sum();
      loss.backward();
      opt.step();
    }
    EXPECT_CLOSE_TOL(a.detach(), tensor(ref_a, kFloat64), 1e-12, 1e-10);
    EXPECT_CLOSE_TOL(b.detach(), tensor(ref_b, kFloat64), 1e-12, 1e-10);
  };
  check(
      [](Tensor a, Tensor b) {
        std::vector<OptimizerParamGroup> groups;
        groups.emplace_back(std::vector<Tensor>{a});
        groups.emplace_back(std::vector<Tensor>{b}, NAdamOptions(0.05).weight_decay(0.1).clone());
        return NAdam(std::move(groups), NAdamOptions(0.1));
      },
      {0.39688541398469546, -1.41248910760704}, {2.6872492286256633});
  check(
      [](Tensor a, Tensor b) {
        std::vector<OptimizerParamGroup> groups;
        groups.emplace_back(std::vector<Tensor>{a});
        groups.emplace_back(std::vector<Tensor>{b}, RAdamOptions(0.05).weight_decay(0.1).clone());
        return RAdam(std::move(groups), RAdamOptions(0.1));
      },
      {-0.8737858394070454, -0.31112912323096414}, {1.820127508029773});
  check(
      [](Tensor a, Tensor b) {
        std::vector<OptimizerParamGroup> groups;
        groups.emplace_back(std::vector<Tensor>{a});
        groups.emplace_back(std::vector<Tensor>{b}, AdamaxOptions(0.05).weight_decay(0.1).clone());
        return Adamax(std::move(groups), AdamaxOptions(0.1));
      },
      {0.27355707214899017, -1.3013671828237208}, {2.6142326970931213});
}

TEST(Optim, NAdamRAdamAdamaxStateAndErrors) {
  using namespace optim;
  auto w = tensor({1.0, -2.0, 3.0}, TensorOptions().dtype(kFloat64).requires_grad(true));
  NAdam a({w}, NAdamOptions(0.1));
  for (int i = 0; i < 5; ++i) {
    a.zero_grad();
    (w * w).sum().backward();
    a.step();
  }
  // torch's state names; mu_product is torch's float32 scalar (0.0184980... after 5 steps in torch 1.13)
  auto sd = a.state_dict();
  EXPECT_TRUE(sd.contains("state.0.exp_avg"));
  EXPECT_TRUE(sd.contains("state.0.exp_avg_sq"));
  ASSERT_TRUE(sd.contains("state.0.mu_product"));
  EXPECT_EQ(sd["state.0.mu_product"].dtype(), kFloat);
  EXPECT_NEAR(sd["state.0.mu_product"].item<double>(), 0.01849803701043129, 1e-9);
  EXPECT_EQ(sd["state.0.step"].item<int64_t>(), 5);
  NAdam b({w}, NAdamOptions(0.5));
  b.load_state_dict(sd);
  EXPECT_DOUBLE_EQ(b.param_groups()[0].options().get_lr(), 0.1);
  EXPECT_EQ(b.state()[0].step, 5);

  Adamax x({w});
  w.mutable_grad() = ones({3}, kFloat64);
  x.step();
  EXPECT_TRUE(x.state_dict().contains("state.0.exp_inf"));

  EXPECT_THROW_MSG(NAdam({w}, NAdamOptions(-1)), ValueError, "Invalid learning rate: -1");
  EXPECT_THROW_MSG(NAdam({w}, NAdamOptions().momentum_decay(-1)), ValueError, "Invalid momentum_decay value");
  EXPECT_THROW_MSG(RAdam({w}, RAdamOptions().betas({1.0, 0.999})), ValueError, "Invalid beta parameter at index 0");
  EXPECT_THROW_MSG(RAdam({w}, RAdamOptions().eps(-1)), ValueError, "Invalid epsilon value");
  EXPECT_THROW_MSG(Adamax({w}, AdamaxOptions().betas({0.9, 1.5})), ValueError, "Invalid beta parameter at index 1");
  EXPECT_THROW_MSG(Adamax({w}, AdamaxOptions().weight_decay(-0.1)), ValueError, "Invalid weight_decay value");
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
