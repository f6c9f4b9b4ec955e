// nn functional ops: values against torch 1.13 (literals printed by
// Debian's python3-torch on the same arange-based inputs), float64
// gradchecks, and errors.
#include <cmath>
#include <limits>
#include <vector>

#include "ember/nn/functional.h"
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
Tensor idx(std::vector<int64_t> v, std::vector<int64_t> shape) { return tensor(v).reshape(shape); }
using F = std::function<Tensor(const tensor_list&)>;
Tensor R(std::vector<int64_t> shape, uint64_t seed, double lo = -1, double hi = 1) {
  return ember::testing::rand_input(shape, seed, lo, hi);
}

}  // namespace

// ------------------------------------------------------------ convolution

// Rows shorter than 32 take a block path (vec_math_impl.h): NaN and
// infinities must come out as the formula's, row by row.
TEST(NNSoftmax, ShortRowsSpecialValues) {
  for (int64_t n : {1, 3, 10, 31}) {
    Tensor x = randn({7, n}, TensorOptions().dtype(kFloat64));
    const double inf = std::numeric_limits<double>::infinity();
    x.index_put_({1, n - 1}, std::nan(""));
    x.index_put_({2, 0}, std::nan(""));
    x.index_put_({3, n / 2}, inf);
    x.select(0, 4).fill_(-inf);
    x.index_put_({5, 0}, -inf);
    Tensor m = std::get<0>(x.max(1, true));
    Tensor sh = x - m, e = exp(sh), s = e.sum(1, true);
    for (Dtype dt : {kFloat64, kFloat32}) {
      EXPECT_CLOSE_TOL(softmax(x.to(dt), 1).to(kFloat64), e / s, 1e-6, 1e-6) << "n=" << n << " " << dt;
      EXPECT_CLOSE_TOL(log_softmax(x.to(dt), 1).to(kFloat64), sh - log(s), 1e-6, 1e-6) << "n=" << n << " " << dt;
    }
  }
}

TEST(NNConv, Conv2dValues) {
  Tensor x = ar({1, 2, 5, 5}, 0.1, -1.0), w = ar({3, 2, 3, 3}, 0.05, -0.4);
  Tensor b = T({0.1, -0.2, 0.3}, {3});
  EXPECT_CLOSE(conv2d(x, w, b), T({6.505,
                                   6.550000000000001,
                                   6.595000000000001,
                                   6.73,
                                   6.775,
                                   6.82,
                                   6.955000000000001,
                                   7.000000000000002,
                                   7.045000000000001,
                                   19.975000000000005,
                                   21.640000000000004,
                                   23.305000000000003,
                                   28.300000000000004,
                                   29.965000000000003,
                                   31.630000000000006,
                                   36.625,
                                   38.290000000000006,
                                   39.955,
                                   34.245000000000005,
                                   37.53000000000001,
                                   40.815000000000005,
                                   50.67000000000001,
                                   53.955000000000005,
                                   57.240000000000016,
                                   67.095,
                                   70.38000000000001,
                                   73.66500000000002},
                                  {1, 3, 3, 3}));
  EXPECT_CLOSE(conv2d(x, w, b, 2, 1), T({3.0600000000000005,
                                         4.580000000000001,
                                         3.0200000000000005,
                                         4.87,
                                         6.775,
                                         4.090000000000001,
                                         2.1000000000000005,
                                         2.420000000000001,
                                         1.1,
                                         6.720000000000001,
                                         11.840000000000002,
                                         8.840000000000003,
                                         18.610000000000003,
                                         29.965000000000003,
                                         21.070000000000004,
                                         16.560000000000002,
                                         25.880000000000006,
                                         17.720000000000002,
                                         11.180000000000001,
                                         19.900000000000006,
                                         15.460000000000006,
                                         33.150000000000006,
                                         53.955000000000005,
                                         38.85000000000001,
                                         31.820000000000007,
                                         50.14000000000001,
                                         35.14},
                                        {1, 3, 3, 3}));
  EXPECT_CLOSE(conv2d(x, w, Tensor(), 1, {1, 2}, 2), T({3.920000000000001,
                                                        4.0200000000000005,
                                                        5.6450000000000005,
                                                        3.44,
                                                        3.5000000000000004,
                                                        5.415,
                                                        5.475000000000001,
                                                        7.635000000000002,
                                                        4.605,
                                                        4.605,
                                                        2.3000000000000003,
                                                        2.2800000000000002,
                                                        3.035000000000001,
                                                        1.7000000000000002,
                                                        1.6400000000000001,
                                                        13.640000000000002,
                                                        14.460000000000003,
                                                        21.305000000000003,
                                                        13.880000000000003,
                                                        14.660000000000004,
                                                        19.995,
                                                        21.13500000000001,
                                                        31.125000000000007,
                                                        20.265000000000004,
                                                        21.345000000000002,
                                                        12.020000000000003,
                                                        12.720000000000002,
                                                        18.695000000000004,
                                                        12.14,
                                                        12.800000000000002,
                                                        23.360000000000007,
                                                        24.900000000000002,
                                                        36.96500000000001,
                                                        24.320000000000007,
                                                        25.820000000000004,
                                                        34.575,
                                                        36.79500000000001,
                                                        54.61500000000001,
                                                        35.92500000000001,
                                                        38.08500000000001,
                                                        21.740000000000002,
                                                        23.160000000000004,
                                                        34.35500000000001,
                                                        22.580000000000005,
                                                        23.960000000000008},
                                                       {1, 3, 3, 5}));
  EXPECT_CLOSE(conv2d(x, ar({4, 1, 2, 2}, 0.1, -0.7), Tensor(), {1, 2}, 0, 1, 2), T({1.65,
                                                                                     1.21,
                                                                                     0.5499999999999999,
                                                                                     0.10999999999999982,
                                                                                     -0.55,
                                                                                     -0.9900000000000001,
                                                                                     -1.65,
                                                                                     -2.09,
                                                                                     0.5299999999999998,
                                                                                     0.4099999999999999,
                                                                                     0.22999999999999993,
                                                                                     0.10999999999999999,
                                                                                     -0.06999999999999988,
                                                                                     -0.1899999999999999,
                                                                                     -0.3699999999999997,
                                                                                     -0.4899999999999997,
                                                                                     1.9100000000000006,
                                                                                     2.110000000000001,
                                                                                     2.410000000000001,
                                                                                     2.610000000000001,
                                                                                     2.910000000000001,
                                                                                     3.110000000000001,
                                                                                     3.4100000000000015,
                                                                                     3.6100000000000017,
                                                                                     4.790000000000002,
                                                                                     5.310000000000002,
                                                                                     6.090000000000002,
                                                                                     6.610000000000002,
                                                                                     7.390000000000002,
                                                                                     7.910000000000002,
                                                                                     8.690000000000003,
                                                                                     9.210000000000003},
                                                                                    {1, 4, 4, 2}));
  EXPECT_CLOSE(conv2d(x, ar({2, 2, 2, 3}, 0.1, -1.0), Tensor(), 1, "same"), T({1.5600000000000005,
                                                                               1.7900000000000003,
                                                                               1.2500000000000009,
                                                                               0.7099999999999999,
                                                                               -0.07999999999999999,
                                                                               -0.039999999999999696,
                                                                               -0.9099999999999997,
                                                                               -1.45,
                                                                               -1.99,
                                                                               -2.08,
                                                                               -1.6399999999999995,
                                                                               -3.6099999999999994,
                                                                               -4.1499999999999995,
                                                                               -4.6899999999999995,
                                                                               -4.08,
                                                                               -3.2399999999999998,
                                                                               -6.309999999999999,
                                                                               -6.8500000000000005,
                                                                               -7.389999999999999,
                                                                               -6.079999999999999,
                                                                               -3.55,
                                                                               -6.170000000000001,
                                                                               -6.529999999999999,
                                                                               -6.890000000000001,
                                                                               -5.25,
                                                                               6.840000000000001,
                                                                               10.430000000000001,
                                                                               11.330000000000002,
                                                                               12.230000000000004,
                                                                               8.080000000000002,
                                                                               10.040000000000001,
                                                                               14.930000000000003,
                                                                               15.830000000000004,
                                                                               16.730000000000004,
                                                                               10.880000000000003,
                                                                               13.240000000000002,
                                                                               19.430000000000003,
                                                                               20.330000000000002,
                                                                               21.230000000000004,
                                                                               13.680000000000003,
                                                                               16.440000000000005,
                                                                               23.930000000000007,
                                                                               24.830000000000005,
                                                                               25.730000000000008,
                                                                               16.480000000000004,
                                                                               7.490000000000001,
                                                                               10.750000000000002,
                                                                               11.110000000000003,
                                                                               11.470000000000002,
                                                                               7.230000000000002},
                                                                              {1, 2, 5, 5}));
  EXPECT_CLOSE(conv2d(x, w, b, 1, "valid"), T({6.505,
                                               6.550000000000001,
                                               6.595000000000001,
                                               6.73,
                                               6.775,
                                               6.82,
                                               6.955000000000001,
                                               7.000000000000002,
                                               7.045000000000001,
                                               19.975000000000005,
                                               21.640000000000004,
                                               23.305000000000003,
                                               28.300000000000004,
                                               29.965000000000003,
                                               31.630000000000006,
                                               36.625,
                                               38.290000000000006,
                                               39.955,
                                               34.245000000000005,
                                               37.53000000000001,
                                               40.815000000000005,
                                               50.67000000000001,
                                               53.955000000000005,
                                               57.240000000000016,
                                               67.095,
                                               70.38000000000001,
                                               73.66500000000002},
                                              {1, 3, 3, 3}));
  // unbatched input
  EXPECT_CLOSE(conv2d(x.squeeze(0), w, b), T({6.505,
                                              6.550000000000001,
                                              6.595000000000001,
                                              6.73,
                                              6.775,
                                              6.82,
                                              6.955000000000001,
                                              7.000000000000002,
                                              7.045000000000001,
                                              19.975000000000005,
                                              21.640000000000004,
                                              23.305000000000003,
                                              28.300000000000004,
                                              29.965000000000003,
                                              31.630000000000006,
                                              36.625,
                                              38.290000000000006,
                                              39.955,
                                              34.245000000000005,
                                              37.53000000000001,
                                              40.815000000000005,
                                              50.67000000000001,
                                              53.955000000000005,
                                              57.240000000000016,
                                              67.095,
                                              70.38000000000001,
                                              73.66500000000002},
                                             {1, 3, 3, 3})
                                               .squeeze(0));
}

TEST(NNConv, Conv1dValues) {
  Tensor x = ar({2, 2, 6}, 0.1, -0.5), w = ar({3, 2, 3}, 0.1, -0.8);
  EXPECT_CLOSE(
      conv1d(x, w, T({0.5, 0.0, -0.5}, {3}), 2, 1),
      T({0.99, 0.8099999999999999, 0.14999999999999986, 0.13000000000000003, 0.31, 0.37, -0.7299999999999999,
         -0.1899999999999999, 0.5900000000000003, -1.4100000000000006, -3.1500000000000004, -3.8100000000000014,
         0.6100000000000001, 0.67, 0.7300000000000002, 2.630000000000001, 4.490000000000001, 5.2700000000000005},
        {2, 3, 3}));
}

TEST(NNConv, ConvTranspose2dValues) {
  EXPECT_CLOSE(
      conv_transpose2d(ar({1, 2, 3, 3}, 0.1, -0.3), ar({2, 3, 3, 3}, 0.02, -0.5), T({0.1, 0.2, 0.3}, {3}), 2, 1, 1),
      T({0.29800000000000004,
         0.46199999999999997,
         0.268,
         0.4019999999999999,
         0.238,
         0.252,
         0.3700000000000001,
         0.5720000000000001,
         0.31000000000000005,
         0.45200000000000007,
         0.2500000000000001,
         0.29000000000000004,
         0.208,
         0.282,
         0.178,
         0.22199999999999998,
         0.14800000000000002,
         0.17400000000000002,
         0.19000000000000009,
         0.21200000000000002,
         0.1300000000000001,
         0.09200000000000008,
         0.07000000000000017,
         0.13400000000000006,
         0.11799999999999997,
         0.1019999999999999,
         0.08799999999999997,
         0.04199999999999998,
         0.058000000000000024,
         0.09600000000000003,
         0.20800000000000002,
         0.29400000000000004,
         0.19000000000000006,
         0.2580000000000001,
         0.1720000000000001,
         0.21000000000000013,
         0.45200000000000007,
         0.706,
         0.458,
         0.718,
         0.4640000000000001,
         0.4780000000000001,
         0.6859999999999999,
         1.176,
         0.698,
         1.2,
         0.71,
         0.75,
         0.4700000000000001,
         0.742,
         0.47600000000000003,
         0.754,
         0.4820000000000001,
         0.5080000000000001,
         0.722,
         1.2479999999999998,
         0.734,
         1.272,
         0.746,
         0.81,
         0.48800000000000004,
         0.778,
         0.49400000000000005,
         0.79,
         0.5000000000000001,
         0.5380000000000001,
         0.578,
         0.97,
         0.596,
         1.006,
         0.6140000000000001,
         0.6520000000000001,
         0.6060000000000001,
         0.95,
         0.6479999999999999,
         1.034,
         0.69,
         0.704,
         1.0020000000000002,
         1.7800000000000002,
         1.086,
         1.9480000000000002,
         1.1700000000000002,
         1.2100000000000002,
         0.732,
         1.202,
         0.774,
         1.286,
         0.8160000000000001,
         0.8420000000000001,
         1.2540000000000002,
         2.284,
         1.338,
         2.452,
         1.4220000000000004,
         1.4860000000000004,
         0.8579999999999999,
         1.454,
         0.8999999999999999,
         1.538,
         0.942,
         0.98,
         0.948,
         1.6460000000000001,
         1.002,
         1.7540000000000002,
         1.056,
         1.094},
        {1, 3, 6, 6}));
  EXPECT_CLOSE(conv_transpose2d(ar({1, 4, 2, 2}, 0.1, -0.2), ar({4, 1, 2, 2}, 0.1, -0.6), Tensor(), 1, 0, 0, 2, 2),
               T({0.08,
                  1.3322676295501878e-17,
                  0.08000000000000002,
                  0.02000000000000001,
                  -0.08,
                  -0.16,
                  -0.04,
                  -0.1,
                  0.08000000000000003,
                  0.040000000000000036,
                  0.08000000000000002,
                  0.06000000000000002,
                  4.440892098500627e-17,
                  -0.03999999999999995,
                  0.04000000000000004,
                  0.020000000000000042,
                  0.7200000000000004,
                  0.8000000000000003,
                  0.8800000000000002,
                  0.9800000000000002,
                  0.8800000000000004,
                  0.9600000000000004,
                  1.0800000000000003,
                  1.1800000000000002,
                  1.0400000000000005,
                  1.1600000000000001,
                  1.2000000000000004,
                  1.34,
                  1.2800000000000005,
                  1.4000000000000004,
                  1.4800000000000004,
                  1.6200000000000003},
                 {1, 2, 4, 4}));
}

TEST(NNConv, Conv2dGradcheck) {
  auto x = R({2, 4, 5, 5}, 1), w = R({6, 2, 3, 2}, 2), b = R({6}, 3);
  EXPECT_TRUE(
      gradcheck([](const tensor_list& in) { return conv2d(in[0], in[1], in[2]); }, {x, R({3, 4, 3, 3}, 4), R({3}, 5)}));
  // strided, padded, dilated, grouped
  EXPECT_TRUE(gradcheck(
      [](const tensor_list& in) {
        return conv2d(in[0], in[1], in[2], {2, 1}, {1, 2}, {1, 2}, 2);
      },
      {x, w, b}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return conv2d(in[0], in[1], Tensor(), 1, "same", 2); },
                        {R({1, 2, 4, 5}, 6), R({2, 2, 2, 3}, 7)}));
  // non-contiguous input
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return conv2d(in[0].transpose(2, 3), in[1]); },
                        {R({1, 2, 5, 4}, 8), R({3, 2, 2, 2}, 9)}));
}

TEST(NNConv, Conv1dAndTransposeGradcheck) {
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return conv1d(in[0], in[1], in[2], 2, 1, 2, 2); },
                        {R({2, 4, 9}, 1), R({4, 2, 3}, 2), R({4}, 3)}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return conv1d(in[0], in[1], Tensor(), 1, "same"); },
                        {R({1, 2, 6}, 4), R({3, 2, 4}, 5)}));
  EXPECT_TRUE(gradcheck(
      [](const tensor_list& in) {
        return conv_transpose2d(in[0], in[1], in[2], {2, 1}, 1, {1, 0}, 2, {1, 2});
      },
      {R({2, 4, 3, 3}, 6), R({4, 3, 3, 2}, 7), R({6}, 8)}));
}

TEST(NNConv, Conv2dDoubleBackward) {
  EXPECT_TRUE(ember::autograd::gradgradcheck([](const tensor_list& in) { return conv2d(in[0], in[1], Tensor(), 2, 1); },
                                             {R({1, 2, 4, 4}, 1), R({2, 2, 3, 3}, 2)}));
}

TEST(NNConv, Errors) {
  EXPECT_THROW_MSG(conv2d(ar({3, 5}), ar({4, 3, 3, 3})), RuntimeError,
                   "conv2d: expected 3-D (unbatched) or 4-D (batched) input [N, C, H, W], got shape [3, 5]");
  EXPECT_THROW_MSG(conv2d(ar({1, 3, 5, 5}), ar({8, 4, 3, 3})), RuntimeError,
                   "conv2d: input has 3 channels but weight expects 4 (weight shape [8, 4, 3, 3], groups 1)");
  EXPECT_THROW_MSG(conv2d(ar({1, 4, 5, 5}), ar({6, 2, 3, 3}), Tensor(), 1, 0, 1, 3), RuntimeError,
                   "input has 4 channels but weight expects 6");
  EXPECT_THROW_MSG(conv2d(ar({1, 3, 2, 2}), ar({8, 3, 3, 3})), RuntimeError, "can't be greater than the padded");
  EXPECT_THROW_MSG(conv2d(ar({1, 3, 5, 5}), ar({8, 3, 3, 3}), ar({4})), RuntimeError, "expected bias of shape [8]");
  EXPECT_THROW_MSG(conv2d(ar({1, 3, 5, 5}), ar({8, 3, 3, 3}), Tensor(), 2, "same"), RuntimeError,
                   "padding='same' is not supported for strided convolutions");
  EXPECT_THROW_MSG(conv2d(ar({1, 3, 5, 5}), ar({8, 3, 3, 3}), Tensor(), 0), RuntimeError, "stride must be positive");
  EXPECT_THROW_MSG(conv2d(ar({1, 3, 5, 5}).to(kFloat32), ar({8, 3, 3, 3})), TypeError, "same dtype");
  EXPECT_THROW_MSG(conv1d(ar({1, 3, 5, 5}), ar({8, 3, 3})), RuntimeError, "conv1d: expected 2-D (unbatched) or 3-D");
  EXPECT_THROW_MSG(conv_transpose2d(ar({1, 2, 3, 3}), ar({2, 3, 3, 3}), Tensor(), 1, 0, 1), RuntimeError,
                   "output padding must be smaller than either stride or dilation");
}

TEST(NNConv, Float32MatchesFloat64) {
  Tensor x = R({4, 3, 9, 9}, 1).detach(), w = R({8, 3, 3, 3}, 2).detach(), b = R({8}, 3).detach();
  Tensor ref = conv2d(x, w, b, 2, 1);
  EXPECT_CLOSE_TOL(conv2d(x.to(kFloat32), w.to(kFloat32), b.to(kFloat32), 2, 1).to(kFloat64), ref, 1e-5, 1e-5);
}

// ---------------------------------------------------------------- pooling

namespace {
Tensor pool_input() {
  return T({3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3}, {1, 1, 5, 5});
}
}  // namespace

TEST(NNPool, MaxPool2dValues) {
  Tensor x = pool_input();
  auto [o, i] = max_pool2d_with_indices(x, 3, 2, 1);
  EXPECT_CLOSE(o, T({9.0, 6.0, 5.0, 9.0, 9.0, 9.0, 6.0, 8.0, 8.0}, {1, 1, 3, 3}));
  EXPECT_CLOSE(i.to(kFloat64), T({5.0, 7.0, 4.0, 5.0, 12.0, 14.0, 20.0, 18.0, 18.0}, {1, 1, 3, 3}));
  EXPECT_EQ(i.dtype(), kInt64);
  auto [oc, ic] = max_pool2d_with_indices(x, 2, 2, 0, 1, true);
  EXPECT_CLOSE(oc, T({9.0, 6.0, 5.0, 8.0, 9.0, 9.0, 6.0, 6.0, 3.0}, {1, 1, 3, 3}));
  EXPECT_CLOSE(ic.to(kFloat64), T({5.0, 7.0, 4.0, 11.0, 12.0, 14.0, 20.0, 22.0, 24.0}, {1, 1, 3, 3}));
  auto [od, id] = max_pool2d_with_indices(x, 2, 1, 1, 2);
  EXPECT_CLOSE(od, T({2.0, 9.0, 5.0, 6.0, 5.0, 8.0, 9.0, 8.0, 9.0, 7.0, 2.0, 9.0, 8.0,
                      6.0, 8.0, 8.0, 9.0, 8.0, 9.0, 7.0, 2.0, 3.0, 8.0, 4.0, 8.0},
                     {1, 1, 5, 5}));
  EXPECT_CLOSE(id.to(kFloat64), T({6.0, 5.0,  8.0,  7.0,  8.0,  11.0, 12.0, 11.0, 12.0, 13.0, 6.0,  5.0, 18.0,
                                   7.0, 18.0, 11.0, 12.0, 11.0, 12.0, 13.0, 16.0, 15.0, 18.0, 19.0, 18.0},
                                  {1, 1, 5, 5}));
  EXPECT_CLOSE(max_pool2d(x.squeeze(0), 3, 2, 1),
               T({9.0, 6.0, 5.0, 9.0, 9.0, 9.0, 6.0, 8.0, 8.0}, {1, 1, 3, 3}).squeeze(0));
}

TEST(NNPool, AvgPool2dValues) {
  Tensor x = pool_input();
  EXPECT_CLOSE(avg_pool2d(x, 3, 2, 1),
               T({1.6666666666666667, 2.111111111111111, 1.5555555555555556, 3.2222222222222223, 5.555555555555555, 4.0,
                  1.4444444444444444, 2.7777777777777777, 2.111111111111111},
                 {1, 1, 3, 3}));
  EXPECT_CLOSE(avg_pool2d(x, 3, 2, 1, false, false), T({3.75, 3.1666666666666665, 3.5, 4.833333333333333,
                                                        5.555555555555555, 6.0, 3.25, 4.166666666666667, 4.75},
                                                       {1, 1, 3, 3}));
  EXPECT_CLOSE(avg_pool2d(x, 2, 2, 1, true, false), T({3.0, 2.5, 3.0, 7.0, 6.25, 6.0, 4.5, 3.25, 4.75}, {1, 1, 3, 3}));
  EXPECT_CLOSE(avg_pool2d(x, 2, 2, 1, true, true),
               T({0.75, 1.25, 1.5, 3.5, 6.25, 6.0, 2.25, 3.25, 4.75}, {1, 1, 3, 3}));
  EXPECT_CLOSE(avg_pool2d(x, 2, 2, 0, false, true, 3), T({5.0, 5.333333333333333, 6.0, 9.0}, {1, 1, 2, 2}));
  EXPECT_CLOSE(
      adaptive_avg_pool2d(x, {3, 2}),
      T({4.166666666666667, 4.0, 5.222222222222222, 6.0, 3.6666666666666665, 4.666666666666667}, {1, 1, 3, 2}));
  EXPECT_CLOSE(adaptive_avg_pool2d(x, 1), x.mean({2, 3}, true));
}

TEST(NNPool, Gradcheck) {
  // distinct values keep max_pool away from ties
  Tensor x = (randperm(2 * 3 * 6 * 5, kFloat64).reshape({2, 3, 6, 5}) * 0.1).requires_grad_();
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return max_pool2d(in[0], {3, 2}, {2, 1}, 1, 1, true); }, {x}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return max_pool2d(in[0], 2, 1, 1, 2); }, {x}));
  Tensor y = R({2, 3, 5, 6}, 1);
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return avg_pool2d(in[0], 3, 2, 1, true, false); }, {y}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return avg_pool2d(in[0], {2, 3}, 1, 0, false, true, 4); }, {y}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return adaptive_avg_pool2d(in[0], {3, 4}); }, {y}));
}

TEST(NNPool, Errors) {
  EXPECT_THROW_MSG(max_pool2d(ar({5, 5}), 2), RuntimeError, "max_pool2d: expected 3-D (unbatched) or 4-D");
  EXPECT_THROW_MSG(max_pool2d(ar({1, 1, 5, 5}), 2, 2, 2), RuntimeError, "pad should be at most half");
  EXPECT_THROW_MSG(avg_pool2d(ar({1, 1, 2, 2}), 3), RuntimeError, "output size 0x0 is too small");
  EXPECT_THROW_MSG(avg_pool2d(ar({1, 1, 4, 4}), 2, 2, 0, false, true, 0), RuntimeError, "divisor must be not zero");
}

// ---------------------------------------------------------- normalization

TEST(NNNorm, BatchNormValuesAndRunningStats) {
  Tensor x = ar({3, 2, 2}, 0.3, -1.0);
  Tensor rm = T({0.1, 0.2}, {2}), rv = T({1.0, 2.0}, {2});
  Tensor w = T({1.5, -0.5}, {2}), b = T({0.1, 0.2}, {2});
  EXPECT_CLOSE(batch_norm(x, rm, rv, w, b, true, 0.1, 1e-5),
               T({-1.9429443561996032, -1.4889567214885802, 0.8809814520665344, 0.7296522404961935,
                  -0.12699381735551143, 0.3269938173555116, 0.2756646057851705, 0.12433539421482936, 1.6889567214885803,
                  2.142944356199603, -0.32965224049619357, -0.4809814520665345},
                 {3, 2, 2}));
  EXPECT_CLOSE(rm, T({0.125, 0.275}, {2}));
  EXPECT_CLOSE(rv, T({1.0179, 1.9179}, {2}));
  EXPECT_CLOSE(batch_norm(x, rm, rv, w, b, false, 0.1, 1e-5),
               T({-1.5725884407204638, -1.12656485652834, 0.4437023209954257, 0.3353901783307921, 0.21150589604803086,
                  0.6575294802401546, 0.010453750336891207, -0.09785839232774254, 1.9956002328165254, 2.441623817008649,
                  -0.42279482032164345, -0.531106962986277},
                 {3, 2, 2}));
  EXPECT_THROW_MSG(batch_norm(ar({1, 3}), Tensor(), Tensor(), Tensor(), Tensor(), true), ValueError,
                   "expected more than 1 value per channel when training, got input size [1, 3]");
}

TEST(NNNorm, OtherNormValues) {
  Tensor xl = ar({2, 3, 4}, 0.2, -1.0).square();
  EXPECT_CLOSE(
      layer_norm(xl, {4}, ar({4}, 0.5, 0.5), ar({4}, 0.1)),
      T({0.7287463053714996,  0.4168462197267393,  -0.6554847932621954,  -2.1080312699232167,  -0.16643566632465193,
         -0.8986139979479092, -0.2993069989739535, 3.628713326493031,    -0.6180663312735297,  -0.4438983715207061,
         0.7191757182697649,  3.1678277771091805,  -0.643617946192832,   -0.39913228480260465, 0.7910777056872961,
         3.084632746793477,   -0.6525117670749327, -0.38267993728830585, 0.8167576976461688,   3.0530633460147856,
         -0.6570256709078519, -0.3741422367376245, 0.8299318288085586,   3.0364780520285795},
        {2, 3, 4}));
  EXPECT_CLOSE(
      layer_norm(xl, {3, 4}),
      T({1.1564605924572722,  0.34543628086386075, -0.28536040593101536, -0.7359294679273554,  -1.006270905125159,
         -1.096384717524427,  -1.0062709051251588, -0.7359294679273549,  -0.2853604059310151,  0.34543628086386075,
         1.1564605924572722,  2.1477125288492207,  -1.3706243699502272,  -1.198098225480968,   -1.0025685950824739,
         -0.7840354787547457, -0.5424988764977823, -0.2779587883115844,  0.009584785803847676, 0.32013184584851484,
         0.6536823918224158,  1.0102364237255526,  1.3897939415579232,   1.792354945319529},
        {2, 3, 4}));
  EXPECT_CLOSE(
      group_norm(ar({2, 4, 3}, 0.2, -1.0).square(), 2, T({1, 2, 3, 4}, {4}), T({0, 0.1, 0.2, 0.3}, {4})),
      T({1.7797550426963995,  0.7681048079005516,  -0.01873426360733072, -1.061524343654493,  -1.7359578335183916,
         -1.9607689968063577, -3.2800411442037114, -2.5430912548429254,  -1.3148414392416157, 0.5729444034669572,
         3.5207439609100994,  7.123610086673945,   -1.357115731811702,   -0.8962085021398034, -0.37384697517831744,
         0.5199376981455073,  1.8104779412268257,  3.2239267788873174,   -3.998004755095144,  -2.4697423498694953,
         -0.8282753220345431, 1.2685284378796287,  3.7590301352843882,   6.400471329501561},
        {2, 4, 3}));
  EXPECT_CLOSE(
      rms_norm(ar({2, 3}, 0.5, -1.0), {3}, T({1, 2, 3}, {3}), 1e-6),
      T({-1.5491914794543067, -1.5491914794543067, 0.0, 0.46290985149638186, 1.8516394059855275, 4.1661886634674365},
        {2, 3}));
  EXPECT_THROW_MSG(layer_norm(ar({2, 3}), {4}), RuntimeError,
                   "given normalized_shape=[4], expected input with shape [*, 4], but got input of shape [2, 3]");
  EXPECT_THROW_MSG(group_norm(ar({2, 3, 2}), 2), RuntimeError, "divisible by num_groups");
}

TEST(NNNorm, Gradcheck) {
  Tensor x = R({4, 3, 2}, 1), w = R({3}, 2), b = R({3}, 3);
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return batch_norm(in[0], Tensor(), Tensor(), in[1], in[2], true); },
                        {x, w, b}));
  EXPECT_TRUE(gradcheck(
      [](const tensor_list& in) {
        return batch_norm(in[0], T({0.1, 0.2, 0.3}, {3}), T({1, 2, 3}, {3}), in[1], in[2], false);
      },
      {x, w, b}));
  EXPECT_TRUE(
      gradcheck([](const tensor_list& in) { return layer_norm(in[0], {2}, in[1], in[2]); }, {x, R({2}, 4), R({2}, 5)}));
  // the fused kernel: no affine, a 2-D normalized shape, a transposed input,
  // only a weight; and twice (create_graph takes the composed formula)
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return layer_norm(in[0].transpose(0, 2), {3, 4}); },
                        {R({4, 3, 2}, 10)}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return layer_norm(in[0], {17}, in[1]); },
                        {R({3, 17}, 11), R({17}, 12)}));
  EXPECT_TRUE(ember::autograd::gradgradcheck(
      [](const tensor_list& in) { return layer_norm(in[0], {2}, in[1], in[2]); }, {x, R({2}, 4), R({2}, 5)}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return group_norm(in[0], 2, in[1], in[2]); },
                        {R({2, 4, 3}, 6), R({4}, 7), R({4}, 8)}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return rms_norm(in[0], {3, 2}, in[1]); }, {x, R({3, 2}, 9)}));
}

// ------------------------------------------------------------------- misc

TEST(NNMisc, DropoutMaskAndScale) {
  Tensor x = ones({2000}, kFloat64);
  Tensor y = dropout(x, 0.25, true);
  Tensor kept = y.ne(0.0);
  // every kept value is scaled by 1 / (1 - p)
  EXPECT_TRUE(allclose(y.masked_select(kept), full({kept.sum().item<int64_t>()}, 1.0 / 0.75, kFloat64)));
  const double frac = kept.to(kFloat64).mean().item<double>();
  EXPECT_NEAR(frac, 0.75, 0.05);
  EXPECT_TRUE(dropout(x, 0.5, false).is_same(x));
  EXPECT_EQ(dropout(x, 1.0).sum().item<double>(), 0.0);
  EXPECT_THROW_MSG(dropout(x, 1.5), ValueError, "between 0 and 1, but got 1.5");
  // gradient is the same mask
  Tensor xr = R({50}, 1);
  Tensor out = dropout(xr, 0.5);
  out.sum().backward();
  EXPECT_CLOSE(xr.grad(), out.detach().ne(0.0).to(kFloat64) * 2.0);
}

TEST(NNMisc, EmbeddingPaddingIdx) {
  Tensor w = ar({5, 3}, 0.1).requires_grad_();
  Tensor i = idx({0, 2, 4, 2}, {2, 2});
  Tensor out = embedding(i, w, 2);
  EXPECT_CLOSE(out, T({0.0, 0.1, 0.2, 0.6000000000000001, 0.7000000000000001, 0.8, 1.2000000000000002, 1.3,
                       1.4000000000000001, 0.6000000000000001, 0.7000000000000001, 0.8},
                      {2, 2, 3}));
  out.sum().backward();
  EXPECT_CLOSE(w.grad(), T({1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1}, {5, 3}));
  // padding_idx rows are deliberately left without gradient, so gradcheck without it
  EXPECT_TRUE(gradcheck([&](const tensor_list& in) { return embedding(i, in[0]); }, {R({5, 3}, 1)}));
  EXPECT_CLOSE(embedding(i, w.detach(), -3),
               T({0.0, 0.1, 0.2, 0.6000000000000001, 0.7000000000000001, 0.8, 1.2000000000000002, 1.3,
                  1.4000000000000001, 0.6000000000000001, 0.7000000000000001, 0.8},
                 {2, 2, 3}));
  EXPECT_THROW_MSG(embedding(i.to(kFloat32), w), TypeError, "expected indices of dtype int64 or int32");
  EXPECT_THROW_MSG(embedding(i, w, 5), RuntimeError, "must be within num_embeddings");
}

TEST(NNMisc, PadValues) {
  EXPECT_CLOSE(pad(ar({1, 2, 3}, 1.0), {1, 2}, "constant", -1.0),
               T({-1.0, 0.0, 1.0, 2.0, -1.0, -1.0, -1.0, 3.0, 4.0, 5.0, -1.0, -1.0}, {1, 2, 6}));
  EXPECT_CLOSE(pad(ar({1, 2, 3}, 1.0), {2, 1}, "reflect"),
               T({2.0, 1.0, 0.0, 1.0, 2.0, 1.0, 5.0, 4.0, 3.0, 4.0, 5.0, 4.0}, {1, 2, 6}));
  EXPECT_CLOSE(pad(ar({1, 1, 2, 3}, 1.0), {1, 1, 2, 0}, "replicate"),
               T({0.0, 0.0, 1.0, 2.0, 2.0, 0.0, 0.0, 1.0, 2.0, 2.0, 0.0, 0.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 5.0, 5.0},
                 {1, 1, 4, 5}));
  EXPECT_CLOSE(pad(ar({1, 1, 2, 3}, 1.0), {2, 1, 1, 1}, "circular"),
               T({4.0, 5.0, 3.0, 4.0, 5.0, 3.0, 1.0, 2.0, 0.0, 1.0, 2.0, 0.0,
                  4.0, 5.0, 3.0, 4.0, 5.0, 3.0, 1.0, 2.0, 0.0, 1.0, 2.0, 0.0},
                 {1, 1, 4, 6}));
  EXPECT_CLOSE(pad(ar({2, 4}, 1.0), {-1, 2, 1, -1}), T({0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 0.0, 0.0}, {2, 5}));
  for (const char* mode : {"constant", "reflect", "replicate", "circular"}) {
    std::string m = mode;
    EXPECT_TRUE(gradcheck(
        [m](const tensor_list& in) {
          return pad(in[0], {2, 1, 1, 2}, m);
        },
        {R({1, 2, 3, 4}, 1)}))
        << mode;
  }
  EXPECT_THROW_MSG(pad(ar({1, 2, 3}), {3, 0}, "reflect"), RuntimeError, "padding size should be less than");
  EXPECT_THROW_MSG(pad(ar({1, 2, 3}), {1}), RuntimeError, "divisible by 2");
  EXPECT_THROW_MSG(pad(ar({1, 2, 3}), {1, 1}, "wrap"), ValueError, "unrecognised padding mode");
}

TEST(NNMisc, InterpolateValues) {
  Tensor x = ar({1, 1, 2, 3}, 1.0);
  EXPECT_CLOSE(interpolate(x, std::vector<int64_t>{3, 5}),
               T({0.0, 0.0, 1.0, 1.0, 2.0, 0.0, 0.0, 1.0, 1.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0}, {1, 1, 3, 5}));
  EXPECT_CLOSE(interpolate(x, std::nullopt, std::vector<double>{1.7}),
               T({0.0, 0.0, 1.0, 1.0, 2.0, 0.0, 0.0, 1.0, 1.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0}, {1, 1, 3, 5}));
  EXPECT_CLOSE(interpolate(x, std::vector<int64_t>{3, 4}, std::nullopt, "bilinear", false),
               T({0.0, 0.625, 1.375, 2.0, 1.4999999999999998, 2.1249999999999996, 2.8749999999999996,
                  3.4999999999999996, 3.0, 3.625, 4.375, 5.0},
                 {1, 1, 3, 4}));
  EXPECT_CLOSE(interpolate(x, std::vector<int64_t>{3, 4}, std::nullopt, "bilinear", true),
               T({0.0, 0.6666666666666666, 1.3333333333333333, 2.0, 1.5, 2.1666666666666665, 2.833333333333333, 3.5,
                  3.0, 3.6666666666666665, 4.333333333333333, 5.0},
                 {1, 1, 3, 4}));
  EXPECT_CLOSE(interpolate(x, std::nullopt, std::vector<double>{2.5}, "bilinear"), T({0.0,
                                                                                      0.10000000000000003,
                                                                                      0.5,
                                                                                      0.9000000000000001,
                                                                                      1.3,
                                                                                      1.7000000000000002,
                                                                                      2.0,
                                                                                      0.3000000000000001,
                                                                                      0.40000000000000013,
                                                                                      0.8,
                                                                                      1.2000000000000002,
                                                                                      1.6,
                                                                                      2.0,
                                                                                      2.3000000000000003,
                                                                                      1.5,
                                                                                      1.6,
                                                                                      2.0,
                                                                                      2.4000000000000004,
                                                                                      2.8,
                                                                                      3.2,
                                                                                      3.5,
                                                                                      2.7,
                                                                                      2.8000000000000003,
                                                                                      3.2,
                                                                                      3.6000000000000005,
                                                                                      4.0,
                                                                                      4.4,
                                                                                      4.7,
                                                                                      3.0,
                                                                                      3.1,
                                                                                      3.5,
                                                                                      3.8999999999999995,
                                                                                      4.3,
                                                                                      4.7,
                                                                                      5.0},
                                                                                     {1, 1, 5, 7}));
  EXPECT_TRUE(gradcheck(
      [](const tensor_list& in) {
        return interpolate(in[0], std::vector<int64_t>{5, 4}, std::nullopt, "bilinear", false);
      },
      {R({1, 2, 3, 3}, 1)}));
  EXPECT_TRUE(gradcheck(
      [](const tensor_list& in) {
        return interpolate(in[0], std::vector<int64_t>{5, 2});
      },
      {R({1, 2, 3, 3}, 2)}));
  EXPECT_THROW_MSG(interpolate(x, std::vector<int64_t>{3, 3}, std::nullopt, "nearest", true), ValueError,
                   "align_corners option can only be set");
  EXPECT_THROW_MSG(interpolate(x, std::nullopt), ValueError, "either size or scale_factor should be defined");
}

TEST(NNMisc, ScaledDotProductAttention) {
  Tensor q = ar({1, 3, 2}, 0.3, -0.5), k = ar({1, 4, 2}, -0.2, 0.4), v = ar({1, 4, 3}, 0.1);
  EXPECT_CLOSE(scaled_dot_product_attention(q, k, v),
               T({0.5234337529913013, 0.6234337529913012, 0.7234337529913013, 0.3972652319375536, 0.49726523193755356,
                  0.5972652319375535, 0.28054360875852247, 0.3805436087585225, 0.4805436087585225},
                 {1, 3, 3}));
  EXPECT_CLOSE(scaled_dot_product_attention(q, k, v, Tensor(), 0.0, true),
               T({0.0, 0.1, 0.2, 0.1394110406678002, 0.23941104066780017, 0.33941104066780015, 0.20736265315345104,
                  0.307362653153451, 0.407362653153451},
                 {1, 3, 3}));
  Tensor m = tensor({true, false, true, true, false, true, true, false, true, true, false, true}).reshape({3, 4});
  EXPECT_CLOSE(scaled_dot_product_attention(q, k, v, m, 0.0, false, 0.7),
               T({0.5860092791667988, 0.6860092791667987, 0.7860092791667987, 0.43951711645253577, 0.5395171164525357,
                  0.6395171164525357, 0.21610807735410403, 0.316108077354104, 0.41610807735410404},
                 {1, 3, 3}));
  EXPECT_CLOSE(scaled_dot_product_attention(q, k, v, ar({3, 4}, 0.1, -0.5)),
               T({0.5590269229936677, 0.6590269229936676, 0.7590269229936677, 0.43447453741588593, 0.5344745374158859,
                  0.634474537415886, 0.3127487317027325, 0.4127487317027325, 0.5127487317027326},
                 {1, 3, 3}));
  EXPECT_TRUE(gradcheck(
      [](const tensor_list& in) { return scaled_dot_product_attention(in[0], in[1], in[2], Tensor(), 0.0, true); },
      {R({2, 3, 2}, 1), R({2, 3, 2}, 2), R({2, 3, 4}, 3)}));
  EXPECT_THROW_MSG(scaled_dot_product_attention(q, k, v, m, 0.0, true), RuntimeError,
                   "explicit attn_mask should not be set when is_causal=true");
}

TEST(NNMisc, LeakyReluElu) {
  Tensor x = T({-2, -0.5, 0, 0.5, 2}, {5});
  EXPECT_CLOSE(leaky_relu(x, 0.2), T({-0.4, -0.1, 0.0, 0.5, 2.0}, {5}));
  EXPECT_CLOSE(elu(x, 1.5), T({-1.296997075145081, -0.5902040104310499, 0.0, 0.5, 2.0}, {5}));
  Tensor xr = T({-2, -0.5, 0, 0.5, 2}, {5}).requires_grad_();
  leaky_relu(xr, 0.2).sum().backward();
  EXPECT_CLOSE(xr.grad(), T({0.2, 0.2, 0.2, 1, 1}, {5}));  // slope at 0, as torch
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return elu(in[0], 1.5) + leaky_relu(in[0], 0.3); },
                        {T({-2, -0.5, -0.1, 0.3, 2}, {5}).requires_grad_()}));
}

// Values and input gradients (of sum) at and between the kinks, printed by
// torch 1.13 in float64 on x = [-3.5, -3, -1, -0.5, 0, 0.5, 1, 3, 6.5].
TEST(NNMisc, ActivationValuesAndKinkGradients) {
  auto x = [] { return T({-3.5, -3, -1, -0.5, 0, 0.5, 1, 3, 6.5}, {9}).requires_grad_(); };
  struct Case {
    const char* name;
    F f;
    std::vector<double> value, grad;
  };
  std::vector<Case> cases = {
      {"hardtanh", [](const tensor_list& in) { return hardtanh(in[0], -0.5, 3); },
       {-0.5, -0.5, -0.5, -0.5, 0.0, 0.5, 1.0, 3.0, 3.0}, {0, 0, 0, 0, 1, 1, 1, 0, 0}},
      {"relu6", [](const tensor_list& in) { return relu6(in[0]); }, {0, 0, 0, 0, 0, 0.5, 1, 3, 6},
       {0, 0, 0, 0, 0, 1, 1, 1, 0}},
      {"logsigmoid", [](const tensor_list& in) { return logsigmoid(in[0]); },
       {-3.5297504182726205, -3.048587351573742, -1.3132616875182228, -0.9740769841801067, -0.6931471805599453,
        -0.4740769841801067, -0.31326168751822286, -0.04858735157374206, -0.0015023101597542838},
       {0.9706877692486436, 0.9525741268224333, 0.7310585786300049, 0.6224593312018545, 0.5, 0.37754066879814546,
        0.2689414213699951, 0.04742587317756679, 0.0015011822567369915}},
      {"selu", [](const tensor_list& in) { return selu(in[0]); },
       {-1.705009340957283, -1.6705687287671118, -1.1113307378125625, -0.6917581878028713, 0.0, 0.5253504936777402,
        1.0507009873554805, 3.1521029620664414, 6.829556417810623},
       {0.05308999989009366, 0.08753061208026487, 0.646768603034814, 1.0663411530445053, 1.7580993408473766,
        1.0507009873554805, 1.0507009873554805, 1.0507009873554805, 1.0507009873554805}},
      {"celu", [](const tensor_list& in) { return celu(in[0], 0.5); },
       {-0.49954405901722276, -0.4987606239116668, -0.43233235838169365, -0.31606027941427883, 0.0, 0.5, 1.0, 3.0,
        6.5},
       {0.0009118819655545162, 0.0024787521766663585, 0.1353352832366127, 0.36787944117144233, 1, 1, 1, 1, 1}},
      {"mish", [](const tensor_list& in) { return mish(in[0]); },
       {-0.10409575448637122, -0.1456474612756246, -0.30340146137410895, -0.22074377465173, 0.0, 0.37524521130489513,
        0.8650983882673103, 2.9865350049679575, 6.499970703939837},
       {-0.07276041344326706, -0.09339311453232084, 0.059216755877395014, 0.28951067791351226, 0.6,
        0.8864243753577273, 1.0490362200997922, 1.0211069109294435, 1.0000539969448543}},
      {"hardswish", [](const tensor_list& in) { return hardswish(in[0]); },
       {0.0, 0.0, -1.0 / 3, -0.20833333333333334, 0.0, 0.2916666666666667, 2.0 / 3, 3.0, 6.5},
       {0, -0.5, 1.0 / 6, 1.0 / 3, 0.5, 2.0 / 3, 5.0 / 6, 1, 1}},
      {"hardsigmoid", [](const tensor_list& in) { return hardsigmoid(in[0]); },
       {0, 0, 1.0 / 3, 0.4166666666666667, 0.5, 0.5833333333333334, 2.0 / 3, 1, 1},
       {0, 0, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 0, 0}},
      {"softsign", [](const tensor_list& in) { return softsign(in[0]); },
       {-0.7777777777777778, -0.75, -0.5, -1.0 / 3, 0.0, 1.0 / 3, 0.5, 0.75, 0.8666666666666667},
       {0.04938271604938271, 0.0625, 0.25, 0.4444444444444444, 1.0, 0.4444444444444444, 0.25, 0.0625,
        0.017777777777777767}},
      {"threshold", [](const tensor_list& in) { return threshold(in[0], 0.5, -2); },
       {-2, -2, -2, -2, -2, -2, 1, 3, 6.5}, {0, 0, 0, 0, 0, 0, 1, 1, 1}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Tensor xr = x();
    Tensor y = c.f({xr});
    EXPECT_CLOSE(y.detach(), T(c.value, {9}));
    y.sum().backward();
    EXPECT_CLOSE(xr.grad(), T(c.grad, {9}));
  }
}

TEST(NNMisc, GluPreluSoftminValues) {
  Tensor a = ar({2, 2, 3}, 0.3, -1.5);
  EXPECT_CLOSE(glu(a, 1), T({-0.5315155406613068, -0.5106689798260092, -0.45, 0.23055743504970513,
                             0.49054468571618626, 0.772334041589561},
                            {2, 1, 3}));
  EXPECT_CLOSE(softmin(a, 2), T({0.4367518169107908, 0.32355370388335947, 0.2396944792058498}, {1, 1, 3})
                                  .expand({2, 2, 3}));
  EXPECT_CLOSE(prelu(a, T({0.1, -0.5}, {2})),
               T({-0.15, -0.12, -0.09, 0.3, 0.15, -0.0, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8}, {2, 2, 3}));
  EXPECT_THROW_MSG(glu(a, 2), RuntimeError, "dimension 2 is size 3");
  EXPECT_THROW_MSG(glu(T({1}, {}), 0), RuntimeError, "glu does not support scalars");
  EXPECT_THROW_MSG(prelu(a, T({0.1, 0.2, 0.3}, {3})), RuntimeError,
                   "Found parameter numbers = 3 and channel size = 2");
  EXPECT_THROW_MSG(celu(a, 0.0), ValueError, "alpha cannot be 0");
}

// Between the kinks (see Note [Activation kinks]), in float64.
TEST(NNMisc, ActivationsGradcheck) {
  Tensor x = T({-3.7, -2.5, -1.2, -0.4, 0.3, 0.9, 2.2, 3.4, 6.6, 21.5, 1.7, -5.2}, {2, 6}).requires_grad_();
  std::vector<F> fs = {
      [](const tensor_list& in) { return hardtanh(in[0], -0.5, 3); },
      [](const tensor_list& in) { return relu6(in[0]); },
      [](const tensor_list& in) { return logsigmoid(in[0]); },
      [](const tensor_list& in) { return selu(in[0]); },
      [](const tensor_list& in) { return celu(in[0], 0.7); },
      [](const tensor_list& in) { return mish(in[0]); },
      [](const tensor_list& in) { return hardswish(in[0]); },
      [](const tensor_list& in) { return hardsigmoid(in[0]); },
      [](const tensor_list& in) { return softsign(in[0]); },
      [](const tensor_list& in) { return threshold(in[0], 0.5, -2); },
      [](const tensor_list& in) { return glu(in[0], 0); },  // dim 0: 2, or 6 when transposed
      [](const tensor_list& in) { return softmin(in[0], 1); },
  };
  for (size_t i = 0; i < fs.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_TRUE(gradcheck(fs[i], {x}));
    EXPECT_TRUE(gradcheck(fs[i], {x.detach().t().requires_grad_()}));  // transposed input
  }
  // prelu: input and per-channel weight [C] over [N, C, L]
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return prelu(in[0], in[1]); },
                        {R({2, 3, 4}, 5), T({0.1, -0.4, 0.7}, {3}).requires_grad_()}));
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return prelu(in[0], in[1]); },
                        {R({2, 3}, 6), T({0.3}, {1}).requires_grad_()}));
}

// ----------------------------------------------------------------- losses

namespace {
Tensor logits() { return (ar({3, 4}, 0.37, -1.5).sin() * 2); }
Tensor class_weight() { return T({0.5, 1.0, 2.0, 1.5}, {4}); }
}  // namespace

TEST(NNLoss, CrossEntropyValues) {
  Tensor lg = logits(), t = idx({1, 0, 3}, {3}), w = class_weight();
  EXPECT_CLOSE(cross_entropy(lg, t, Tensor(), Reduction::None),
               T({1.8281109061119534, 2.5717038629511584, 2.018095517965531}, {3}));
  EXPECT_CLOSE(cross_entropy(lg, t, w, Reduction::None),
               T({1.8281109061119534, 1.2858519314755792, 3.027143276948297}, {3}));
  EXPECT_CLOSE(cross_entropy(lg, t), T({2.1393034290095474}, {}));
  EXPECT_CLOSE(cross_entropy(lg, t, w), T({2.047035371511943}, {}));
  EXPECT_CLOSE(cross_entropy(lg, t, Tensor(), Reduction::Sum), T({6.417910287028643}, {}));
  EXPECT_CLOSE(cross_entropy(lg, t, w, Reduction::Sum), T({6.141106114535829}, {}));
  Tensor t2 = idx({1, -100, 3}, {3});
  EXPECT_CLOSE(cross_entropy(lg, t2), T({1.9231032120387423}, {}));
  EXPECT_CLOSE(cross_entropy(lg, t2, Tensor(), Reduction::Mean, -100, 0.2), T({1.8334695010771287}, {}));
  EXPECT_CLOSE(cross_entropy(lg, t2, w, Reduction::Mean, -100, 0.2), T({1.8439862065403778}, {}));
  EXPECT_CLOSE(cross_entropy(lg, t2, w, Reduction::Sum, -100, 0.2), T({4.609965516350944}, {}));
  EXPECT_CLOSE(cross_entropy(lg, t2, Tensor(), Reduction::None, -100, 0.2),
               T({1.7634477339820824, 0.0, 1.9034912681721745}, {3}));
  Tensor pr = softmax(ar({3, 4}, 0.3).cos(), 1);
  EXPECT_CLOSE(cross_entropy(lg, pr), T({1.6016447206456121}, {}));
  EXPECT_CLOSE(cross_entropy(lg, pr, w, Reduction::Sum, -100, 0.1), T({5.1821128960443605}, {}));
  EXPECT_CLOSE(cross_entropy(ar({2, 3, 2}, 0.21, -0.6).cos(), idx({0, 2, 1, 1}, {2, 2}), T({1, 2, 3}, {3})),
               T({1.1396733318827312}, {}));
  EXPECT_CLOSE(nll_loss(log_softmax(lg, 1), t2, w), T({1.9421016732241}, {}));
}

TEST(NNLoss, CrossEntropyGradcheck) {
  Tensor t = idx({1, -100, 3, 0}, {4}), w = class_weight();
  for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum}) {
    // the one-pass nll_loss of unweighted [N, C] / [C] input, once and twice
    EXPECT_TRUE(gradcheck([&](const tensor_list& in) { return cross_entropy(in[0], t, Tensor(), r); }, {R({4, 4}, 5)}));
    EXPECT_TRUE(ember::autograd::gradgradcheck(
        [&](const tensor_list& in) { return cross_entropy(in[0], t, Tensor(), r); }, {R({4, 4}, 6)}));
    EXPECT_TRUE(gradcheck([&](const tensor_list& in) { return nll_loss(in[0], idx({2}, {}), Tensor(), r); },
                          {R({3}, 7)}));
    EXPECT_TRUE(
        gradcheck([&](const tensor_list& in) { return cross_entropy(in[0], t, w, r, -100, 0.1); }, {R({4, 4}, 1)}));
    EXPECT_TRUE(gradcheck([&](const tensor_list& in) { return cross_entropy(in[0], softmax(in[1], 1), Tensor(), r); },
                          {R({3, 4}, 2), R({3, 4}, 3)}));
    EXPECT_TRUE(gradcheck(
        [&](const tensor_list& in) {
          return nll_loss(in[0], idx({2, 0, 1}, {1, 3}), Tensor(), r);
        },
        {R({1, 3, 3}, 4)}));
  }
}

TEST(NNLoss, RegressionLossValues) {
  Tensor a = ar({2, 3}, 0.4, -1.0), b = ar({2, 3}, -0.3, 0.5);
  EXPECT_CLOSE(
      mse_loss(a, b, Reduction::None),
      T({2.25, 0.6400000000000001, 0.009999999999999995, 0.3600000000000001, 1.6900000000000002, 4.0}, {2, 3}));
  EXPECT_CLOSE(mse_loss(a, b), T({1.4916666666666665}, {}));
  EXPECT_CLOSE(mse_loss(a, b, Reduction::Sum), T({8.95}, {}));
  EXPECT_CLOSE(l1_loss(a, b), T({1.0499999999999998}, {}));
  EXPECT_CLOSE(smooth_l1_loss(a, b, Reduction::None, 0.5),
               T({1.25, 0.55, 0.009999999999999995, 0.3500000000000001, 1.05, 1.75}, {2, 3}));
  EXPECT_CLOSE(huber_loss(a, b, Reduction::None, 0.5),
               T({0.625, 0.275, 0.0049999999999999975, 0.17500000000000004, 0.525, 0.875}, {2, 3}));
  for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum}) {
    EXPECT_TRUE(gradcheck(
        [r](const tensor_list& in) {
          return mse_loss(in[0], in[1], r) + l1_loss(in[0], in[1], r) + smooth_l1_loss(in[0], in[1], r, 0.5) +
                 huber_loss(in[0], in[1], r, 0.7);
        },
        {R({2, 3}, 1), R({2, 3}, 2)}));
  }
}

TEST(NNLoss, BinaryLossValues) {
  Tensor x = T({0.1, 0.5, 0.9, 0.0, 1.0, 0.3}, {2, 3}), t = T({0, 1, 1, 0, 0, 0.7}, {2, 3});
  EXPECT_CLOSE(
      binary_cross_entropy(x, t, Tensor(), Reduction::None),
      T({0.10536051565782628, 0.6931471805599453, 0.10536051565782628, 0.0, 100.0, 0.949783446209775}, {2, 3}));
  EXPECT_CLOSE(binary_cross_entropy(x, t, T({1, 2, 3}, {3})), T({34.10951446039676}, {}));
  Tensor a = ar({2, 3}, 0.4, -1.0) * 3;
  EXPECT_CLOSE(binary_cross_entropy_with_logits(a, t, Tensor(), Reduction::None),
               T({0.048587351573741965, 1.9529776105260739, 1.0374879504858856, 1.037487950485886, 1.9529776105260743,
                  0.9485873515737421},
                 {2, 3}));
  EXPECT_CLOSE(binary_cross_entropy_with_logits(a, t, T({1, 2, 0.5}, {3}), Reduction::Mean, T({2, 0.5, 1}, {3})),
               T({1.3230076307779441}, {}));
  for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum}) {
    EXPECT_TRUE(gradcheck([r](const tensor_list& in) { return binary_cross_entropy(in[0], in[1], Tensor(), r); },
                          {R({2, 3}, 1, 0.1, 0.9), R({2, 3}, 2, 0, 1)}));
    EXPECT_TRUE(gradcheck(
        [r](const tensor_list& in) {
          return binary_cross_entropy_with_logits(in[0], in[1], T({1, 2, 0.5}, {3}), r, in[2]);
        },
        {R({2, 3}, 3, -3, 3), R({2, 3}, 4, 0, 1), R({3}, 5, 0.5, 2)}));
  }
  EXPECT_THROW_MSG(binary_cross_entropy(T({1.5}, {1}), T({1}, {1})), RuntimeError,
                   "all elements of input should be between 0 and 1");
  EXPECT_THROW_MSG(binary_cross_entropy_with_logits(a, T({1}, {1})), ValueError, "must be the same as input shape");
}

TEST(NNLoss, KLDivValues) {
  Tensor a = ar({2, 3}, 0.4, -1.0), b = ar({2, 3}, -0.3, 0.5);
  Tensor lq = log_softmax(a, 1), tk = T({0.2, 0.0, 0.8, 0.5, 0.25, 0.25}, {2, 3});
  EXPECT_CLOSE(kl_div(lq, tk, Reduction::None), T({-0.011637479741121282, 0.0, 0.42248556993142755, 0.42905166658427435,
                                                   -0.058760961847849125, -0.15876096184784907},
                                                  {2, 3}));
  EXPECT_CLOSE(kl_div(lq, tk, Reduction::BatchMean), T({0.3111889165394412}, {}));
  EXPECT_CLOSE(kl_div(lq, log_softmax(b, 1), Reduction::Sum, true), T({0.32160096043165687}, {}));
  for (Reduction r : {Reduction::None, Reduction::Mean, Reduction::Sum, Reduction::BatchMean}) {
    EXPECT_TRUE(gradcheck([r](const tensor_list& in) { return kl_div(in[0], in[1], r); },
                          {R({2, 3}, 1), R({2, 3}, 2, 0.1, 1)}));
    EXPECT_TRUE(
        gradcheck([r](const tensor_list& in) { return kl_div(in[0], in[1], r, true); }, {R({2, 3}, 3), R({2, 3}, 4)}));
  }
}

TEST(NNLoss, Errors) {
  EXPECT_EQ(reduction_from_string("batchmean"), Reduction::BatchMean);
  EXPECT_THROW_MSG(reduction_from_string("avg"), ValueError, "'avg' is not a valid value for reduction");
  EXPECT_THROW_MSG(mse_loss(ar({2}), ar({2}), Reduction::BatchMean), ValueError, "only supported by kl_div");
  EXPECT_THROW_MSG(cross_entropy(logits(), idx({1, 7, 0}, {3})), IndexError, "target 7 is out of bounds");
  EXPECT_THROW_MSG(cross_entropy(logits(), idx({1, 0}, {2})), ValueError,
                   "expected input batch_size (3) to match target batch_size (2)");
  EXPECT_THROW_MSG(cross_entropy(ember::zeros({2, 4, 3}), idx({0, 1, 2, 2}, {2, 2})), RuntimeError,
                   "expected target of shape [2, 3] for input [2, 4, 3], got [2, 2]");
  EXPECT_THROW_MSG(nll_loss(logits(), ar({3})), RuntimeError, "expected target of dtype int64");
  EXPECT_THROW_MSG(cross_entropy(logits(), idx({1, 0, 0}, {3}), Tensor(), Reduction::Mean, -100, 1.5), RuntimeError,
                   "label_smoothing must be between 0.0 and 1.0");
}
