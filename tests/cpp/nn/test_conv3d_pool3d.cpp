// conv3d, the 3-D pools and the window functions: values against torch 1.13
// (literals printed by Debian's python3-torch on the same arange-based
// inputs), float64 gradchecks, modules, and errors.
#include <cmath>
#include <vector>

#include "ember/nn/functional.h"
#include "ember/nn/modules.h"
#include "testing/testing.h"

using namespace ember;
using ember::autograd::gradcheck;

namespace {

Tensor T(std::vector<double> v, std::vector<int64_t> shape) { return tensor(v, kFloat64).reshape(shape); }
// arange(n).reshape(shape) * scale + off, float64
Tensor ar(std::vector<int64_t> shape, double scale = 0.1, double off = 0.0) {
  int64_t n = 1;
  for (auto s : shape) n *= s;
  return arange(n, TensorOptions().dtype(kFloat64)).reshape(shape) * scale + off;
}
Tensor R(std::vector<int64_t> shape, uint64_t seed, double lo = -1, double hi = 1) {
  return ember::testing::rand_input(shape, seed, lo, hi);
}
// [1, 1, 3, 3, 4] with ties and a spread of values
Tensor pool3d_input() {
  return T({3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5, 0, 2, 8, 8},
           {1, 1, 3, 3, 4});
}

}  // namespace

// ------------------------------------------------------------ conv3d

TEST(NNConv3d, Values) {
  Tensor x = ar({1, 2, 3, 4, 4}, 0.1, -1.0), w = ar({2, 2, 2, 2, 2}, 0.05, -0.4);
  EXPECT_CLOSE(conv3d(x, w, T({0.1, -0.2}, {2})), T({8.26,
                                                     8.22,
                                                     8.18,
                                                     8.100000000000001,
                                                     8.06,
                                                     8.020000000000001,
                                                     7.94,
                                                     7.9,
                                                     7.860000000000001,
                                                     7.62,
                                                     7.579999999999999,
                                                     7.540000000000001,
                                                     7.46,
                                                     7.42,
                                                     7.38,
                                                     7.300000000000001,
                                                     7.260000000000001,
                                                     7.220000000000001,
                                                     39.32,
                                                     40.56,
                                                     41.800000000000004,
                                                     44.28,
                                                     45.52,
                                                     46.760000000000005,
                                                     49.24,
                                                     50.48,
                                                     51.72000000000001,
                                                     59.16,
                                                     60.4,
                                                     61.64,
                                                     64.12,
                                                     65.36,
                                                     66.6,
                                                     69.08,
                                                     70.32000000000001,
                                                     71.56},
                                                    {1, 2, 2, 3, 3}));
  // unbatched gives the same values without the batch dim
  EXPECT_CLOSE(conv3d(x.squeeze(0), w, T({0.1, -0.2}, {2})), conv3d(x, w, T({0.1, -0.2}, {2})).squeeze(0));
}

TEST(NNConv3d, StridePaddingDilationGroups) {
  Tensor x = ar({1, 4, 3, 5, 4}, 0.1, -1.0), w = ar({2, 2, 2, 3, 2}, 0.05, -0.4);
  EXPECT_CLOSE(conv3d(x, w, Tensor(), {1, 2, 1}, {1, 0, 1}, {2, 1, 1}, 2), T({14.800000000000002,
                                                                              28.490000000000002,
                                                                              28.880000000000003,
                                                                              29.270000000000003,
                                                                              14.020000000000001,
                                                                              16.480000000000004,
                                                                              31.610000000000007,
                                                                              32.00000000000001,
                                                                              32.39,
                                                                              15.46,
                                                                              25.28,
                                                                              48.160000000000004,
                                                                              48.580000000000005,
                                                                              49.00000000000001,
                                                                              23.180000000000003,
                                                                              27.200000000000006,
                                                                              51.52000000000001,
                                                                              51.940000000000005,
                                                                              52.36000000000001,
                                                                              24.620000000000005,
                                                                              6.880000000000001,
                                                                              12.470000000000002,
                                                                              12.5,
                                                                              12.530000000000001,
                                                                              5.5600000000000005,
                                                                              7.120000000000001,
                                                                              12.710000000000003,
                                                                              12.740000000000002,
                                                                              12.770000000000001,
                                                                              5.5600000000000005,
                                                                              158.08,
                                                                              312.1700000000001,
                                                                              314.0,
                                                                              315.83000000000004,
                                                                              155.86000000000004,
                                                                              165.52,
                                                                              326.81000000000006,
                                                                              328.6400000000001,
                                                                              330.47,
                                                                              163.06000000000003,
                                                                              290.24,
                                                                              572.32,
                                                                              575.62,
                                                                              578.9200000000001,
                                                                              285.26000000000005,
                                                                              303.68,
                                                                              598.72,
                                                                              602.0200000000001,
                                                                              605.32,
                                                                              298.22,
                                                                              128.56000000000003,
                                                                              252.95000000000002,
                                                                              254.42000000000002,
                                                                              255.89000000000004,
                                                                              125.80000000000003,
                                                                              134.56000000000003,
                                                                              264.71000000000004,
                                                                              266.18,
                                                                              267.65000000000003,
                                                                              131.56},
                                                                             {1, 2, 3, 2, 5}));
}

TEST(NNConv3d, SamePadding) {
  Tensor x = ar({1, 2, 3, 4, 4}, 0.1, -1.0), w = ar({2, 2, 2, 2, 2}, 0.05, -0.4);
  Tensor o = conv3d(x, w, T({0.1, -0.2}, {2}), 1, "same", {1, 2, 1});
  EXPECT_EQ(o.sizes().vec(), (std::vector<int64_t>{1, 2, 3, 4, 4}));
  EXPECT_CLOSE(
      o.reshape({-1}).slice(0, 0, 8),
      T({5.12, 5.14, 5.16, 2.3400000000000003, 8.340000000000002, 8.3, 8.260000000000002, 3.5800000000000005}, {8}));
  EXPECT_NEAR(o.sum().item<double>(), 1647.3600000000001, 1e-9);
  EXPECT_CLOSE(conv3d(x, w, Tensor(), 1, "valid"), conv3d(x, w));
}

TEST(NNConv3d, Gradcheck) {
  Tensor x = R({2, 4, 4, 3, 5}, 1), w = R({4, 2, 2, 3, 2}, 2), b = R({4}, 3);
  EXPECT_TRUE(gradcheck(
      [](const tensor_list& in) {
        return conv3d(in[0], in[1], in[2], {1, 2, 1}, {1, 1, 0}, {1, 1, 2}, 2);
      },
      {x, w, b}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return conv3d(in[0], in[1], Tensor(), 1, "same", 1, 2); }, {x, w}));
  Tensor xs = R({1, 2, 3, 3, 3}, 4), ws = R({2, 2, 2, 2, 2}, 5);
  EXPECT_TRUE(ember::autograd::gradgradcheck([](const tensor_list& in) { return conv3d(in[0], in[1], Tensor(), 2, 1); },
                                             {xs, ws}));
}

TEST(NNConv3d, Float32MatchesFloat64) {
  Tensor x = R({2, 3, 5, 6, 4}, 6), w = R({4, 3, 3, 2, 3}, 7), b = R({4}, 8);
  Tensor ref = conv3d(x, w, b, 2, 1);
  EXPECT_CLOSE_TOL(conv3d(x.to(kFloat32), w.to(kFloat32), b.to(kFloat32), 2, 1).to(kFloat64), ref, 1e-5, 1e-5);
}

TEST(NNConv3d, Errors) {
  EXPECT_THROW_MSG(conv3d(ar({3, 4, 4}), ar({2, 3, 2, 2, 2})), RuntimeError,
                   "conv3d: expected 4-D (unbatched) or 5-D (batched) input [N, C, D, H, W], got shape [3, 4, 4]");
  EXPECT_THROW_MSG(conv3d(ar({1, 3, 4, 4, 4}), ar({2, 3, 2, 2})), RuntimeError,
                   "conv3d: expected 5-D weight [C_out, C_in / groups, kD, kH, kW], got shape [2, 3, 2, 2]");
  EXPECT_THROW_MSG(conv3d(ar({1, 3, 4, 4, 4}), ar({2, 4, 2, 2, 2})), RuntimeError,
                   "conv3d: input has 3 channels but weight expects 4 (weight shape [2, 4, 2, 2, 2], groups 1)");
  EXPECT_THROW_MSG(conv3d(ar({1, 3, 4, 4, 4}), ar({2, 3, 5, 2, 2})), RuntimeError,
                   "conv3d: kernel size 5x2x2 (5x2x2 with dilation) can't be greater than the padded input size "
                   "4x4x4 (input shape [1, 3, 4, 4, 4], padding [0, 0, 0])");
  EXPECT_THROW_MSG(conv3d(ar({1, 3, 4, 4, 4}), ar({2, 3, 2, 2, 2}), ar({3})), RuntimeError,
                   "conv3d: expected bias of shape [2] (C_out), got [3]");
  EXPECT_THROW_MSG(conv3d(ar({1, 3, 4, 4, 4}), ar({2, 3, 2, 2, 2}), Tensor(), {1, 2}), RuntimeError,
                   "conv3d: stride must have 1 or 3 elements, got 2");
  EXPECT_THROW_MSG(conv3d(ar({1, 3, 4, 4, 4}), ar({2, 3, 2, 2, 2}), Tensor(), 2, "same"), RuntimeError,
                   "padding='same' is not supported for strided convolutions");
  EXPECT_THROW_MSG(conv3d(ar({1, 3, 4, 4, 4}), ar({2, 3, 2, 2, 2}), Tensor(), 1, -1), RuntimeError,
                   "conv3d: padding must be non-negative, got [-1, -1, -1]");
}

TEST(NNConv3d, Module) {
  nn::Conv3d conv(nn::Conv3dOptions(4, 6, {3, 2, 3}).stride({2, 1, 1}).padding({1, 0, 1}).groups(2));
  EXPECT_EQ(conv->weight.sizes().vec(), (std::vector<int64_t>{6, 2, 3, 2, 3}));
  EXPECT_EQ(conv->bias.sizes().vec(), (std::vector<int64_t>{6}));
  EXPECT_EQ(conv->named_parameters().keys(), (std::vector<std::string>{"weight", "bias"}));
  // torch's init: |w|, |b| <= 1/sqrt(fan_in)
  const double bound = 1.0 / std::sqrt(2.0 * 3 * 2 * 3);
  EXPECT_LE(conv->weight.abs().max().item<float>(), bound);
  EXPECT_GT(conv->weight.abs().max().item<float>(), 0.8 * bound);
  EXPECT_LE(conv->bias.abs().max().item<float>(), bound);
  Tensor y = conv(randn({2, 4, 5, 6, 7}));
  EXPECT_EQ(y.sizes().vec(), (std::vector<int64_t>{2, 6, 3, 5, 7}));
  EXPECT_EQ(conv->extra_repr(), "4, 6, kernel_size=(3, 2, 3), stride=(2, 1, 1)");
  nn::Conv3d same(nn::Conv3dOptions(2, 3, 3).padding_mode_str("same").bias(false));
  EXPECT_FALSE(same->bias.defined());
  EXPECT_EQ(same(randn({1, 2, 4, 5, 6})).sizes().vec(), (std::vector<int64_t>{1, 3, 4, 5, 6}));
  EXPECT_THROW_MSG(nn::Conv3d(nn::Conv3dOptions(3, 4, 2).groups(2)), ValueError,
                   "Conv3d: in_channels (3) and out_channels (4) must be divisible by groups (2)");
}

// ------------------------------------------------------------ pooling

TEST(NNPool3d, MaxPoolValuesAndIndices) {
  Tensor x = pool3d_input();
  auto [o1, i1] = max_pool3d_with_indices(x, 2, 1, 0);
  EXPECT_CLOSE(o1, T({9, 9, 9, 9, 9, 8, 9, 9, 9, 7, 9, 9}, {1, 1, 2, 2, 3}));
  EXPECT_CLOSE(i1.to(kFloat64), T({5, 5, 14, 5, 5, 11, 12, 14, 14, 29, 30, 30}, {1, 1, 2, 2, 3}));
  EXPECT_EQ(i1.dtype(), kInt64);
  auto [o2, i2] = max_pool3d_with_indices(x, {2, 3, 2}, {2, 2, 2}, {1, 1, 1}, 1, true);
  EXPECT_CLOSE(o2, T({5, 9, 6, 5, 9, 8, 9, 9, 5, 6, 9, 8}, {1, 1, 2, 2, 3}));
  EXPECT_CLOSE(i2.to(kFloat64), T({4, 5, 7, 4, 5, 11, 12, 14, 31, 20, 30, 35}, {1, 1, 2, 2, 3}));
  auto [o3, i3] = max_pool3d_with_indices(x, 2, 1, 1, 2);
  EXPECT_CLOSE(o3, T({3, 8, 4, 8, 7, 9, 7, 9, 3, 8, 4, 8, 9, 9, 9, 9, 3, 8,
                      8, 8, 9, 9, 9, 9, 3, 8, 4, 8, 7, 9, 7, 9, 3, 8, 4, 8},
                     {1, 1, 3, 3, 4}));
  EXPECT_CLOSE(i3.to(kFloat64), T({17, 18, 19, 18, 13, 12, 13, 14, 17, 18, 19, 18, 5,  30, 5,  30, 9,  26,
                                   11, 26, 5,  30, 5,  30, 17, 18, 19, 18, 13, 12, 13, 14, 17, 18, 19, 18},
                                  {1, 1, 3, 3, 4}));
  EXPECT_CLOSE(max_pool3d(x.squeeze(0), 2, 1), o1.squeeze(0));
}

TEST(NNPool3d, AvgPoolValues) {
  Tensor x = pool3d_input();
  EXPECT_CLOSE(avg_pool3d(x, 2, 2, 1),
               T({0.375, 0.625, 0.125, 1.25, 2.375, 1.75, 1.5, 3.375, 0.75, 1.25, 5.625, 2.625}, {1, 1, 2, 2, 3}));
  EXPECT_CLOSE(avg_pool3d(x, {2, 3, 2}, {2, 2, 2}, 1, true, false),
               T({4.0, 4.0, 3.5, 5.0, 4.75, 7.0, 4.0, 6.75, 3.75, 2.5, 5.625, 5.25}, {1, 1, 2, 2, 3}));
  EXPECT_CLOSE(avg_pool3d(x, 2, 1, 0, false, true, 5),
               T({7.8, 8.6, 7.4, 7.0, 7.6, 8.6, 7.2, 10.8, 9.8, 4.8, 9.0, 10.4}, {1, 1, 2, 2, 3}));
}

TEST(NNPool3d, AdaptiveValues) {
  Tensor x = pool3d_input();
  EXPECT_CLOSE(adaptive_avg_pool3d(x, {2, 2, 3}),
               T({4.875, 5.375, 4.625, 4.375, 4.75, 5.375, 4.5, 6.75, 6.125, 3.0, 5.625, 6.5}, {1, 1, 2, 2, 3}));
  auto [o, i] = adaptive_max_pool3d_with_indices(x, {2, 2, 3});
  EXPECT_CLOSE(o, T({9, 9, 9, 9, 9, 8, 9, 9, 9, 7, 9, 9}, {1, 1, 2, 2, 3}));
  EXPECT_CLOSE(i.to(kFloat64), T({5, 5, 14, 5, 5, 11, 12, 14, 14, 29, 30, 30}, {1, 1, 2, 2, 3}));
  EXPECT_CLOSE(adaptive_avg_pool3d(x, 1), x.mean({2, 3, 4}, true));
  EXPECT_CLOSE(adaptive_max_pool3d(x, {3, 3, 4}), x);
}

TEST(NNPool3d, Gradcheck) {
  // distinct values keep max pooling away from ties
  Tensor x = (randperm(2 * 2 * 5 * 4 * 6, kFloat64).reshape({2, 2, 5, 4, 6}) * 0.1).requires_grad_();
  EXPECT_TRUE(gradcheck(
      [](const tensor_list& in) {
        return max_pool3d(in[0], {2, 3, 2}, {2, 1, 2}, {1, 1, 0}, 1, true);
      },
      {x}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return max_pool3d(in[0], 2, 1, 1, {1, 2, 2}); }, {x}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return adaptive_max_pool3d(in[0], {3, 2, 4}); }, {x}));
  Tensor y = R({2, 2, 5, 4, 6}, 1);
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return avg_pool3d(in[0], 3, 2, 1, true, false); }, {y}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return avg_pool3d(in[0], {2, 1, 3}, 1, 0, false, true, 4); }, {y}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return adaptive_avg_pool3d(in[0], {3, 2, 4}); }, {y}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return adaptive_avg_pool3d(in[0], {2, 5, 7}); }, {y}));
}

TEST(NNPool3d, Errors) {
  EXPECT_THROW_MSG(max_pool3d(ar({4, 4, 4}), 2), RuntimeError,
                   "max_pool3d: expected 4-D (unbatched) or 5-D (batched) input [N, C, D, H, W], got shape [4, 4, 4]");
  EXPECT_THROW_MSG(max_pool3d(ar({1, 1, 4, 4, 4}), {2, 2}), RuntimeError,
                   "max_pool3d: kernel_size must have 1 or 3 elements, got 2");
  EXPECT_THROW_MSG(avg_pool3d(ar({1, 1, 4, 4, 4}), 2, 2, 2), RuntimeError,
                   "avg_pool3d: pad should be at most half of the kernel size, got padding [2, 2, 2] and kernel_size "
                   "[2, 2, 2]");
  EXPECT_THROW_MSG(avg_pool3d(ar({1, 1, 4, 4, 4}), {5, 3, 3}, 1), RuntimeError,
                   "avg_pool3d: output size 0x2x2 is too small (input shape [1, 1, 4, 4, 4], kernel_size [5, 3, 3]");
  EXPECT_THROW_MSG(avg_pool3d(ar({1, 1, 4, 4, 4}), 2, 2, 0, false, true, 0), RuntimeError,
                   "avg_pool3d: divisor must be not zero");
  EXPECT_THROW_MSG(adaptive_avg_pool3d(ar({1, 0, 4, 4, 4}), 2), RuntimeError,
                   "adaptive_avg_pool3d: expected input with non-zero C, D, H and W, got shape [1, 0, 4, 4, 4]");
  EXPECT_THROW_MSG(adaptive_max_pool3d(ar({1, 1, 4, 4, 4}), {2, 2}), RuntimeError,
                   "adaptive_max_pool3d: output_size must have 1 or 3 elements, got 2");
}

TEST(NNPool3d, Modules) {
  Tensor x = pool3d_input();
  nn::MaxPool3d mp(nn::MaxPool3dOptions(2).stride({1}));
  EXPECT_CLOSE(mp(x), max_pool3d(x, 2, 1));
  EXPECT_EQ(mp->extra_repr(),
            "kernel_size=(2, 2, 2), stride=(1, 1, 1), padding=(0, 0, 0), dilation=(1, 1, 1), "
            "ceil_mode=False");
  nn::AvgPool3d ap(nn::AvgPool3dOptions({2, 3, 2}).stride({2, 2, 2}).padding({1, 1, 1}).ceil_mode(true));
  EXPECT_CLOSE(ap(x), avg_pool3d(x, {2, 3, 2}, {2, 2, 2}, 1, true));
  nn::AdaptiveAvgPool3d aap(std::vector<int64_t>{2, 2, 3});
  EXPECT_CLOSE(aap(x), adaptive_avg_pool3d(x, {2, 2, 3}));
  nn::AdaptiveMaxPool3d amp(2);
  EXPECT_CLOSE(amp(x), adaptive_max_pool3d(x, 2));
  EXPECT_EQ(amp->extra_repr(), "output_size=(2, 2, 2)");
}

// ------------------------------------------------------------ windows

TEST(Windows, ValuesMatchTorch) {
  auto o = TensorOptions().dtype(kFloat64);
  EXPECT_CLOSE(hann_window(7, true, o), T({0.0, 0.1882550990706332, 0.6112604669781572, 0.9504844339512095,
                                           0.9504844339512095, 0.6112604669781573, 0.1882550990706333},
                                          {7}));
  EXPECT_CLOSE(hann_window(6, false, o),
               T({0.0, 0.3454915028125263, 0.9045084971874737, 0.9045084971874737, 0.3454915028125264, 0.0}, {6}));
  EXPECT_CLOSE(hamming_window(7, true, 0.54, 0.46, o),
               T({0.08000000000000002, 0.25319469114498255, 0.6423596296199047, 0.9544456792351128, 0.9544456792351128,
                  0.6423596296199048, 0.25319469114498266},
                 {7}));
  EXPECT_CLOSE(blackman_window(6, false, o),
               T({0.0, 0.20077014326253045, 0.8492298567374694, 0.8492298567374696, 0.20077014326253056, 0.0}, {6}));
  EXPECT_CLOSE(bartlett_window(7, true, o), T({0.0, 0.2857142857142857, 0.5714285714285714, 0.8571428571428571,
                                               0.8571428571428572, 0.5714285714285716, 0.2857142857142858},
                                              {7}));
  EXPECT_CLOSE(kaiser_window(6, false, 12.0, o), T({5.2773441320097665e-05, 0.10171968770956323, 0.7929398341014605,
                                                    0.7929398341014605, 0.10171968770956323, 5.2773441320097665e-05},
                                                   {6}));
  EXPECT_EQ(hann_window(0).numel(), 0);
  EXPECT_CLOSE(hann_window(1), ones({1}));
  EXPECT_EQ(hann_window(5).dtype(), kFloat32);
  EXPECT_TRUE(hann_window(5, true, TensorOptions().requires_grad(true)).requires_grad());
  EXPECT_THROW_MSG(hann_window(-1), RuntimeError,
                   "hann_window: requires non-negative window_length, got "
                   "window_length=-1");
  EXPECT_THROW_MSG(kaiser_window(4, true, 12.0, TensorOptions().dtype(kInt64)), RuntimeError,
                   "kaiser_window: expects floating point dtypes");
}
