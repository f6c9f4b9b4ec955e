// Module plumbing: registration, names, state_dict, train/eval, hooks.
#include "ember/nn/module.h"
#include "testing/testing.h"

using namespace ember;

namespace {
struct NetImpl : nn::Module {
  NetImpl() : nn::Module("Net") {
    w = register_parameter("w", ones({2, 3}));
    b = register_parameter("b", zeros({2}));
    register_buffer("steps", zeros({}, kInt64));
  }
  Tensor forward(const Tensor& x) { return matmul(x, w.t()) + b; }
  Tensor w, b;
};
EMBER_MODULE(Net);

struct OuterImpl : nn::Module {
  OuterImpl() : nn::Module("Outer") {
    inner = register_module("inner", Net());
    scale = register_parameter("scale", full({1}, 2.0));
  }
  Tensor forward(const Tensor& x) { return inner(x) * scale; }
  Net inner{nullptr};
  Tensor scale;
};
EMBER_MODULE(Outer);
}  // namespace

TEST(NNModule, NamesStateDictAndLoad) {
  Outer m;
  auto names = m->named_parameters().keys();
  EXPECT_EQ(names, (std::vector<std::string>{"scale", "inner.w", "inner.b"}));
  auto sd = m->state_dict();
  EXPECT_EQ(sd.keys(), (std::vector<std::string>{"scale", "inner.w", "inner.b", "inner.steps"}));
  EXPECT_EQ(m->parameters().size(), 3u);
  EXPECT_EQ(m->buffers().size(), 1u);
  EXPECT_EQ(m->modules().size(), 2u);

  Outer other;
  nn::NamedTensors changed = sd;
  changed.insert("scale", full({1}, 5.0));
  other->load_state_dict(changed);
  EXPECT_CLOSE(other->scale.detach(), full({1}, 5.0));

  nn::NamedTensors bad;
  bad.insert("scale", zeros({3}));
  bad.insert("extra", zeros({1}));
  try {
    other->load_state_dict(bad);
    ADD_FAILURE() << "expected an error";
  } catch (const RuntimeError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("Unexpected key(s) in state_dict: \"extra\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("Missing key(s) in state_dict: \"inner.w\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("size mismatch for scale"), std::string::npos) << msg;
  }
}

TEST(NNModule, ForwardBackwardZeroGradTrainEvalHooks) {
  Outer m;
  auto y = m(ones({4, 3})).sum();
  y.backward();
  EXPECT_CLOSE(m->inner->w.grad(), full({2, 3}, 8.0));
  m->zero_grad();
  EXPECT_FALSE(m->inner->w.grad().defined());
  m->eval();
  EXPECT_FALSE(m->inner->is_training());
  m->train();
  EXPECT_TRUE(m->inner->is_training());
  int calls = 0;
  auto id = m->register_forward_hook([&](nn::Module&, const tensor_list& in, Tensor& out) {
    ++calls;
    out = out * 0;
  });
  EXPECT_CLOSE(m(ones({1, 3})).detach(), zeros({1, 2}));
  m->remove_hook(id);
  m(ones({1, 3}));
  EXPECT_EQ(calls, 1);
  m->to(kFloat64);
  EXPECT_EQ(m->inner->w.dtype(), kFloat64);  // the layer's handle follows
  EXPECT_TRUE(m->inner->w.requires_grad());
}

#include "ember/nn/modules.h"

TEST(NNLayers, ThinLayersMatchFunctional) {
  manual_seed(0);
  auto x = randn({2, 4, 6, 6});
  nn::GroupNorm gn(2, 4);
  EXPECT_CLOSE(gn(x).detach(), group_norm(x, 2));
  EXPECT_EQ(gn->named_parameters().keys(), (std::vector<std::string>{"weight", "bias"}));
  nn::RMSNorm rms(std::vector<int64_t>{6});
  EXPECT_CLOSE(rms(x).detach(), rms_norm(x, {6}));
  nn::AdaptiveAvgPool2d pool(3);
  EXPECT_EQ(pool(x).sizes(), IntArrayRef({2, 4, 3, 3}));
  nn::Unflatten unflat(1, std::vector<int64_t>{2, 2});
  EXPECT_EQ(unflat(x).sizes(), IntArrayRef({2, 2, 2, 6, 6}));
  nn::ELU elu(0.5);
  EXPECT_CLOSE(elu(x).detach(), ember::elu(x, 0.5));
  nn::PReLU prelu(4, 0.1);
  EXPECT_EQ(prelu->named_parameters().keys(), (std::vector<std::string>{"weight"}));
  EXPECT_CLOSE(prelu->weight.detach(), full({4}, 0.1));
  EXPECT_CLOSE(prelu(x).detach(), ember::prelu(x, full({4}, 0.1)));
  EXPECT_CLOSE(nn::Hardtanh(-0.5, 0.5)(x).detach(), ember::hardtanh(x, -0.5, 0.5));
  EXPECT_CLOSE(nn::ReLU6()(x).detach(), ember::relu6(x));
  EXPECT_CLOSE(nn::Softplus(2.0, 5.0)(x).detach(), ember::softplus(x, 2.0, 5.0));
  EXPECT_CLOSE(nn::GLU(1)(x).detach(), ember::glu(x, 1));
  EXPECT_CLOSE(nn::Softmin(1)(x).detach(), ember::softmin(x, 1));
  EXPECT_CLOSE(nn::Threshold(0.1, 2.0)(x).detach(), ember::threshold(x, 0.1, 2.0));
  EXPECT_CLOSE(nn::CELU(0.5)(x).detach(), ember::celu(x, 0.5));
  EXPECT_EQ(nn::Hardswish()(x).sizes(), x.sizes());
  nn::ModuleList list(nn::Linear(3, 4), nn::ReLU());
  EXPECT_EQ(list->size(), 2u);
  EXPECT_EQ(list->named_parameters().keys(), (std::vector<std::string>{"0.weight", "0.bias"}));
  EXPECT_EQ(list->at<nn::LinearImpl>(0)->options.out_features(), 4);
  EXPECT_THROW_MSG(list->at<nn::LinearImpl>(1), TypeError, "not the requested type");
  EXPECT_THROW_MSG(nn::GroupNorm(3, 4), ValueError, "divisible");
}
