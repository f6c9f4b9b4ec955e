// RNN and the recurrent cells, 1-D pooling, Upsample and Dropout2d: values
// computed by hand, float64 gradchecks, module behaviour and error messages.
// (tests/python/test_nn_more.py compares the same ops against torch.)
#include <cmath>

#include "ember/nn/modules.h"
#include "testing/testing.h"

using namespace ember;
using ember::testing::rand_input;

namespace {
Tensor d(std::vector<double> v, IntArrayRef shape) { return tensor(v, TensorOptions().dtype(kFloat64)).reshape(shape); }
}  // namespace

// ---------------------------------------------------------------- cells
TEST(NNMore, RNNCellKnownValues) {
  // H = 1, in = 2: h' = act(w_ih . x + b_ih + w_hh h + b_hh)
  Tensor x = d({1.0, 2.0}, {1, 2}), h = d({0.5}, {1, 1});
  Tensor w_ih = d({0.1, -0.2}, {1, 2}), w_hh = d({0.3}, {1, 1}), b_ih = d({0.05}, {1}), b_hh = d({-0.1}, {1});
  const double v = 0.1 - 0.4 + 0.05 + 0.15 - 0.1;  // -0.2
  EXPECT_CLOSE(rnn_tanh_cell(x, h, w_ih, w_hh, b_ih, b_hh), d({std::tanh(v)}, {1, 1}));
  EXPECT_CLOSE(rnn_relu_cell(x, h, w_ih, w_hh, b_ih, b_hh), d({0.0}, {1, 1}));
  EXPECT_CLOSE(rnn_relu_cell(x, h, w_ih, -w_hh, -b_ih, b_hh), d({0.0}, {1, 1}));
  EXPECT_CLOSE(rnn_relu_cell(-x, h, w_ih, w_hh, b_ih, b_hh), d({0.3 + 0.05 + 0.15 - 0.1}, {1, 1}));
  // unbatched and hx omitted (zeros)
  EXPECT_CLOSE(rnn_tanh_cell(x[0], Tensor(), w_ih, w_hh), d({std::tanh(-0.3)}, {1}));
}

TEST(NNMore, LSTMCellKnownValues) {
  // H = 1, in = 1, weights 0 and biases set the gates: i = f = o = sigmoid(1), g = tanh(1)
  Tensor x = d({1.0}, {1, 1}), h = d({0.0}, {1, 1}), c = d({2.0}, {1, 1});
  Tensor w_ih = zeros({4, 1}, kFloat64), w_hh = zeros({4, 1}, kFloat64), b = d({1, 1, 1, 1}, {4});
  auto [h1, c1] = lstm_cell(x, h, c, w_ih, w_hh, b);
  const double s = 1 / (1 + std::exp(-1.0)), cn = s * 2 + s * std::tanh(1.0);
  EXPECT_CLOSE(c1, d({cn}, {1, 1}));
  EXPECT_CLOSE(h1, d({s * std::tanh(cn)}, {1, 1}));
}

TEST(NNMore, CellGradchecks) {
  const int64_t N = 2, in = 3, H = 2;
  auto x = rand_input({N, in}, 1), h = rand_input({N, H}, 2), c = rand_input({N, H}, 3);
  for (int64_t G : {1, 3, 4}) {
    auto w_ih = rand_input({G * H, in}, 4), w_hh = rand_input({G * H, H}, 5), b_ih = rand_input({G * H}, 6),
         b_hh = rand_input({G * H}, 7);
    auto f = [G](const tensor_list& a) {
      if (G == 4) {
        auto [h1, c1] = lstm_cell(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
        return h1.sum() + (c1 * c1).sum();
      }
      if (G == 3) return gru_cell(a[0], a[1], a[3], a[4], a[5], a[6]);
      return rnn_tanh_cell(a[0], a[1], a[3], a[4], a[5], a[6]) + rnn_relu_cell(a[0], a[1], a[3], a[4], a[5], a[6]);
    };
    EXPECT_TRUE(autograd::gradcheck(f, {x, h, c, w_ih, w_hh, b_ih, b_hh})) << "gates " << G;
  }
}

TEST(NNMore, RNNFunctionalGradcheck) {
  // 2 layers, bidirectional, T = 3, N = 2, in = 2, H = 2
  std::vector<Tensor> params;
  uint64_t seed = 10;
  for (int64_t l = 0; l < 2; ++l)
    for (int64_t dir = 0; dir < 2; ++dir) {
      const int64_t in = l == 0 ? 2 : 4;
      params.push_back(rand_input({2, in}, seed++));
      params.push_back(rand_input({2, 2}, seed++));
      params.push_back(rand_input({2}, seed++));
      params.push_back(rand_input({2}, seed++));
    }
  auto x = rand_input({3, 2, 2}, 1), h0 = rand_input({4, 2, 2}, 2);
  tensor_list inputs{x, h0};
  inputs.insert(inputs.end(), params.begin(), params.end());
  auto f = [](const tensor_list& a) {
    std::vector<Tensor> p(a.begin() + 2, a.end());
    auto [out, h_n] = rnn_tanh(a[0], a[1], p, true, 2, 0.0, false, true);
    return out.sum() + (h_n * h_n).sum();
  };
  EXPECT_TRUE(autograd::gradcheck(f, inputs));
}

TEST(NNMore, RNNModule) {
  nn::RNN m(nn::RNNOptions(3, 4).num_layers(2).nonlinearity("relu").batch_first(true));
  std::vector<std::string> keys;
  for (const auto& kv : m->named_parameters()) keys.push_back(kv.first);
  EXPECT_EQ(keys, (std::vector<std::string>{"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1",
                                            "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"}));
  EXPECT_EQ(m->all_weights[0][0].sizes(), IntArrayRef({4, 3}));
  Tensor x = randn({2, 5, 3});
  auto [out, h_n] = m(x);
  EXPECT_EQ(out.sizes(), IntArrayRef({2, 5, 4}));
  EXPECT_EQ(h_n.sizes(), IntArrayRef({2, 2, 4}));
  EXPECT_GE(out.min().item<float>(), 0.0f);  // relu
  // the last layer's final state is the last output step
  EXPECT_CLOSE(h_n[1], out.select(1, 4));
  auto [uo, uh] = m(x[0]);  // unbatched [L, H_in]
  EXPECT_CLOSE(uo, out[0]);
  EXPECT_THROW_MSG(nn::RNN(nn::RNNOptions(3, 4).nonlinearity("gelu")), ValueError, "Unknown nonlinearity 'gelu'");
  EXPECT_THROW_MSG(m(randn({2, 5, 7})), Error, "input.size(-1) must be equal to input_size");
}

TEST(NNMore, CellModulesStepLikeTheLayers) {
  // stepping a cell with the layer's weights reproduces the layer (one shared cell math)
  nn::GRU gru(3, 4);
  nn::GRUCell cell(3, 4);
  cell->weight_ih.detach().copy_(gru->all_weights[0][0]);
  cell->weight_hh.detach().copy_(gru->all_weights[0][1]);
  cell->bias_ih.detach().copy_(gru->all_weights[0][2]);
  cell->bias_hh.detach().copy_(gru->all_weights[0][3]);
  Tensor x = randn({5, 2, 3});
  auto [out, h_n] = gru(x);
  Tensor h;
  for (int64_t t = 0; t < 5; ++t) {
    h = cell(x[t], h);
    EXPECT_CLOSE(h, out[t]);
  }
  nn::LSTMCell lc(3, 4);
  auto [h1, c1] = lc(x[0][0]);  // unbatched, no state
  EXPECT_EQ(h1.sizes(), IntArrayRef({4}));
  EXPECT_EQ(nn::RNNCell(nn::RNNCellOptions(3, 4).bias(false))->named_parameters().size(), 2u);
  EXPECT_THROW_MSG(cell(randn({2, 5})), Error, "gru_cell: input has inconsistent input_size: got 5 (shape [2, 5])");
  EXPECT_THROW_MSG(cell(randn({2, 3}), randn({3, 4})), Error,
                   "gru_cell: input batch size 2 doesn't match hx batch size 3");
  EXPECT_THROW_MSG(lc(randn({2, 3}), std::make_tuple(randn({2, 4}), randn({2, 5}))), Error,
                   "lstm_cell: cx has inconsistent hidden_size: got 5, expected 4");
}

// ---------------------------------------------------------------- 1-D pooling
TEST(NNMore, Pool1dKnownValues) {
  Tensor x = d({1, 3, 2, 5, 4}, {1, 1, 5});
  auto [m, idx] = max_pool1d_with_indices(x, 2);
  EXPECT_CLOSE(m, d({3, 5}, {1, 1, 2}));
  EXPECT_TRUE(idx.equal(tensor({int64_t(1), int64_t(3)}).reshape({1, 1, 2})));
  EXPECT_CLOSE(max_pool1d(x, 3, 2, 1), d({3, 5, 5}, {1, 1, 3}));
  EXPECT_CLOSE(avg_pool1d(x, 2), d({2, 3.5}, {1, 1, 2}));
  // padded windows [pad, 1], [3, 2], [5, 4]: count_include_pad divides by 2, else by the real count
  EXPECT_CLOSE(avg_pool1d(x, 2, 2, 1), d({0.5, 2.5, 4.5}, {1, 1, 3}));
  EXPECT_CLOSE(avg_pool1d(x, 2, 2, 1, false, false), d({1, 2.5, 4.5}, {1, 1, 3}));
  // windows [0, 3) and [2, 5)
  EXPECT_CLOSE(adaptive_avg_pool1d(x, 2), d({2, 11.0 / 3}, {1, 1, 2}));
  EXPECT_CLOSE(adaptive_avg_pool1d(x[0], 2), d({2, 11.0 / 3}, {1, 2}));  // unbatched [C, L]
}

TEST(NNMore, Pool1dGradcheck) {
  auto x = rand_input({2, 3, 7}, 3);
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& a) { return max_pool1d(a[0], 3, 2, 1); }, {x}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& a) { return avg_pool1d(a[0], 3, 2, 1, true, false); }, {x}));
  EXPECT_TRUE(autograd::gradcheck([](const tensor_list& a) { return adaptive_avg_pool1d(a[0], 3); }, {x}));
}

TEST(NNMore, Pool1dModulesAndErrors) {
  Tensor x = randn({2, 3, 9});
  EXPECT_CLOSE(nn::MaxPool1d(nn::MaxPool1dOptions(3).stride(2).padding(1))(x), max_pool1d(x, 3, 2, 1));
  EXPECT_CLOSE(nn::AvgPool1d(nn::AvgPool1dOptions(2).count_include_pad(false))(x), avg_pool1d(x, 2));
  EXPECT_CLOSE(nn::AdaptiveAvgPool1d(4)(x), adaptive_avg_pool1d(x, 4));
  EXPECT_EQ(nn::AvgPool1d(3)->extra_repr(), "kernel_size=(3,), stride=(3,), padding=(0,)");
  EXPECT_THROW_MSG(max_pool1d(randn({1, 2, 3, 4}), 2), Error, "max_pool1d: expected 2-D (unbatched) or 3-D");
  EXPECT_THROW_MSG(avg_pool1d(x, 3, {}, 2), Error,
                   "avg_pool1d: pad should be at most half of the kernel size, got padding 2 and kernel_size 3");
  EXPECT_THROW_MSG(max_pool1d(randn({1, 2, 2}), 3), Error, "max_pool1d: output size 0 is too small");
}

// ---------------------------------------------------------------- Upsample, Dropout2d
TEST(NNMore, Upsample) {
  Tensor x = d({1, 2, 3, 4}, {1, 1, 2, 2});
  nn::Upsample up(nn::UpsampleOptions().scale_factor(std::vector<double>{2}));
  EXPECT_CLOSE(up(x), d({1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, {1, 1, 4, 4}));
  nn::Upsample bl(nn::UpsampleOptions().size(std::vector<int64_t>{3, 3}).mode("bilinear").align_corners(true));
  EXPECT_CLOSE(bl(x), d({1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4}, {1, 1, 3, 3}));
  EXPECT_EQ(bl->extra_repr(), "size=(3, 3), mode=bilinear");
  auto xi = rand_input({1, 2, 3, 3}, 4);
  EXPECT_TRUE(autograd::gradcheck([&](const tensor_list& a) { return bl(a[0]); }, {xi}));
}

TEST(NNMore, Dropout2dZeroesWholeChannels) {
  manual_seed(0);
  const double p = 0.4;
  Tensor x = (rand_input({8, 16, 3, 3}, 5) + 2).detach().requires_grad_();
  nn::Dropout2d m(p);
  Tensor y = m(x);
  Tensor kept = (y != 0).to(kFloat64).sum({2, 3});  // [N, C]: 9 or 0 per channel
  EXPECT_TRUE((kept.eq(0) | kept.eq(9)).all().item<bool>());
  const double frac = (kept.sum() / 9.0 / 128.0).item<double>();
  EXPECT_GT(frac, 0.4);
  EXPECT_LT(frac, 0.8);
  Tensor scale = (kept / 9.0 / (1 - p)).reshape({8, 16, 1, 1});
  EXPECT_CLOSE(y, x.detach() * scale);
  y.sum().backward();
  EXPECT_CLOSE(x.grad(), scale.expand({8, 16, 3, 3}));
  m->eval();
  EXPECT_CLOSE(m(x), x);
  EXPECT_THROW_MSG(dropout2d(randn({5}), 0.5), Error, "dropout2d: feature dropout requires at least 2 dimensions");
  EXPECT_THROW_MSG(nn::Dropout2d(1.5), ValueError, "dropout probability has to be between 0 and 1");
}
