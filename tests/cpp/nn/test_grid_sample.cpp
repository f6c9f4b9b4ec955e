// affine_grid and grid_sample: values and both gradients against torch 1.13
// (literals printed by python3-torch 1.13 on the same inputs) for every
// mode x padding_mode x align_corners, 2-D and volumetric; float64
// gradchecks; affine_grid's values and theta gradient; the backward that is
// not differentiable twice; errors.
#include <string>
#include <vector>

#include "ember/nn/functional.h"
#include "testing/testing.h"

using namespace ember;
using ember::autograd::gradcheck;

namespace {

Tensor T(std::vector<double> v, std::vector<int64_t> shape) { return tensor(v, kFloat64).reshape(shape); }

// input [1, 1, 3, 4]; grid [1, 2, 3, 2] with points past every edge
Tensor sample_input() { return T({3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8}, {1, 1, 3, 4}); }
Tensor sample_grid() { return T({-1.3, 0.2, 0.45, -0.8, 1.6, 1.1, -0.1, 0.35, 0.9, -1.7, 0.05, 0.6}, {1, 2, 3, 2}); }

struct Case {
  const char* mode;
  const char* padding_mode;
  bool align_corners;
  std::vector<double> out, grad_input, grad_grid;  // gradients of sum(out * [1 .. 6])
};

const std::vector<Case>& torch_cases() {
  static const std::vector<Case> cases = {
    {"bilinear", "zeros", false, {0, 2.24, 0, 5.1675, 0, 4.26},
     {0, 0, 0.96, 0.64, 0, 1.57, 0.93, 0, 0, 3.63, 3.87, 0},
     {0, 0, -9.6, 8.4, 0, 0, -18.2, -19.8, 0, 0, 13.2, -5.4}},
    {"bilinear", "zeros", true, {2.75, 3.32, 0.72, 5.5525, 0.435, 4.48},
     {0, 0, 1.545, 1.555, 0.44, 2.71, 2.62, 0.07, 0.11, 2.44, 2.56, 0.27},
     {7.5, 0, -4.8, -1.55, -32.4, -2.4, -23.1, -11.4, -6.75, 7.25, -14.4, -4.95}},
    {"bilinear", "border", false, {5, 2.8, 8, 5.1675, 1, 4.26},
     {0, 0, 1.2, 5.8, 0.7, 1.57, 0.93, 0, 0.3, 3.63, 3.87, 3},
     {0, 0, -12, 0, -0, -0, -18.2, -19.8, -0, 0, 13.2, -5.4}},
    {"bilinear", "border", true, {5, 3.32, 8, 5.5525, 1.45, 4.48},
     {0, 0, 2.07, 4.53, 0.8, 2.71, 2.62, 0.07, 0.2, 2.44, 2.56, 3},
     {0, 0, -4.8, -1.55, -0, -0, -23.1, -11.4, -22.5, 0, -14.4, -4.95}},
    {"bilinear", "reflection", false, {5.22, 2.8, 5.9, 5.1675, 3.75, 4.26},
     {0, 0, 1.2, 3.05, 0.63, 1.64, 0.93, 2.75, 0.27, 3.66, 5.97, 0.9},
     {-4.4, -0.9, -12, 0, -18, -0, -18.2, -19.8, -0, -37.5, 13.2, -5.4}},
    {"bilinear", "reflection", true, {6.26, 3.32, 5.01, 5.5525, 4.215, 4.48},
     {0, 0, 1.545, 1.555, 0.44, 3.07, 3.415, 3.075, 0.11, 2.53, 4.99, 0.27},
     {-4.2, -2.7, -4.8, -1.55, -13.95, -8.7, -23.1, -11.4, 14.25, -19.75, -14.4, -4.95}},
    {"nearest", "zeros", false, {0, 4, 0, 3, 0, 5},
     {0, 0, 2, 0, 0, 0, 0, 0, 0, 4, 6, 0},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"nearest", "zeros", true, {5, 4, 0, 9, 0, 5},
     {0, 0, 2, 0, 1, 4, 0, 0, 0, 0, 6, 0},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"nearest", "border", false, {5, 4, 8, 3, 1, 5},
     {0, 0, 2, 5, 1, 0, 0, 0, 0, 4, 6, 3},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"nearest", "border", true, {5, 4, 8, 9, 1, 5},
     {0, 0, 2, 5, 1, 4, 0, 0, 0, 0, 6, 3},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"nearest", "reflection", false, {5, 4, 5, 3, 6, 5},
     {0, 0, 2, 0, 1, 0, 0, 5, 0, 4, 9, 0},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"nearest", "reflection", true, {5, 4, 5, 9, 6, 5},
     {0, 0, 2, 0, 1, 4, 0, 5, 0, 0, 9, 0},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"bicubic", "zeros", false, {-0.3314975625, 2.663552, -0.131493796875, 5.93803770117, -0.0325980703125, 4.061592},
     {0.0487920585937, -0.512742480469, 1.22575060547, 0.520387972656, -0.336117128906, 2.13008883203, 0.976903066406, -0.243341449219, -0.718841777344, 4.78382607422, 5.04553271484, -0.808261347656},
     {5.15662875, -0.1223353125, -14.86464, 9.59616, 4.1326621875, 1.96226296875, -33.2383120313, -31.2750520312, 1.02116953125, -0.642083203125, 18.52902, -24.25734}},
    {"bicubic", "zeros", true, {2.5999985, 3.80581034375, 0.6303504375, 6.41293894727, 0.214114992188, 4.66007275},
     {0.0196562226563, -0.736386128906, 1.48514947266, 1.94126803516, 0.0455034570312, 3.65736724609, 3.46784981641, -0.649970527344, -0.379040253906, 3.33868198047, 3.53074134766, -0.296657636719},
     {8.182215, 1.353268125, -3.61560375, -3.1512740625, -31.2766059375, -1.572541875, -39.9821041406, -12.9772767187, -10.0685847656, 2.61994101562, -25.689285, -8.07869953125}},
    {"bicubic", "border", false, {5.2205, 3.194944, 8.1194375, 5.62424251465, 0.66925, 3.833415},
     {-0.0681556289063, -0.550758480469, 0.881894003906, 6.42291073047, 0.545631308594, 2.13008883203, 0.976903066406, -0.417138832031, -0.350475679688, 4.28966964844, 4.65495292969, 2.48447810156},
     {-3.11692893717e-15, 0.1575, -17.72928, -0.26208, 4.10092937386e-14, -2.244375, -34.2457558594, -34.4837847656, -1.575, 3.58719720595e-15, 16.75755, -8.28495}},
    {"bicubic", "border", true, {4.83263, 3.403191875, 8.1413399375, 6.21796282715, 1.2388538125, 4.26086382813},
     {-0.0229497773437, -0.770943597656, 1.81711587891, 4.88940249609, 0.453810957031, 3.65736724609, 3.46784981641, -0.805653019531, -0.239759617188, 2.83535760156, 2.98845617969, 2.72994583594},
     {-0.7623, 0.939421875, -4.154175, -5.16247148438, -1.6863946875, 2.825431875, -40.5135263672, -16.2340207031, -28.0543921875, -4.903903125, -27.963309375, -10.0747441406}},
    {"bicubic", "reflection", false, {5.503217625, 3.20368, 6.69107328125, 5.62424251465, 3.73352648437, 3.833415},
     {-0.0591151289063, -0.565727167969, 1.11894584766, 3.45884957422, 0.477468808594, 2.26548048828, -0.00716044921875, 3.41038302734, -0.373353679688, 3.92724667969, 7.65271460156, -0.305732601563},
     {-6.7137075, -0.6814575, -18.5616, -0.4914, -19.193428125, -3.759665625, -34.2457558594, -34.4837847656, 2.98621875, -49.3231289063, 16.75755, -8.28495}},
    {"bicubic", "reflection", true, {6.860195, 3.5333350625, 5.3008603125, 6.0024210625, 3.99564663281, 4.14157740625},
     {0.0196562226563, -0.785780941406, 1.30602887109, 1.93947084766, 0.10667309375, 3.57897540625, 3.02049615625, 3.38685534375, -0.379040253906, 3.27368053516, 6.35531091016, -0.822326191406},
     {-8.43615, -2.1899625, -6.6594825, -4.07592351563, -17.6831859375, -5.039015625, -36.8526923437, -19.83427875, 14.2764503906, -30.3104730469, -16.73260875, -10.67117625}},
  };
  return cases;
}

// volumetric: input sin(0.7 k) [1, 1, 2, 3, 3]; grid [1, 1, 2, 2, 3]; weights [1 .. 4]
Tensor volume_input() { return (arange(18, TensorOptions().dtype(kFloat64)) * 0.7).sin().reshape({1, 1, 2, 3, 3}); }
Tensor volume_grid() {
  return T({-1.3, 0.2, 0.4, 0.45, -0.8, -1.2, 1.6, 1.1, 0.1, -0.1, 0.35, 0.9}, {1, 1, 2, 2, 3});
}

const std::vector<Case>& torch_cases_3d() {
  static const std::vector<Case> cases = {
    {"bilinear", "zeros", false, {0.0167578419698, 0.209891835863, 0, -0.189904780039},
     {0, 0.156, 0.324, 0.0035, 0, 0, 0.0015, 0, 0, 0, 0, 0, 0.2025, 0.969, 0, 0.2025, 1.071, 0},
     {0.502735259094, -0.130075778637, -0.000423165862992, 0.245687070781, 0.787094384485, 1.39927890575, 0, 0, 0, -1.10372685496, -4.90924396074, 1.26603186693}},
    {"bilinear", "zeros", true, {0.357205578649, 0.579146302085, -0.224656343558, -0.0965534744344},
     {0, 0.792, 0.648, 0.181, 0.315, 0.162, 0.049, 0.063, 0.486, 0, 0, 0, 0.639, 2.223, 0, 0.231, 1.197, 0.594},
     {0.510293683784, -1.21410926655, -0.00297932752603, 0.244496445537, -1.38848593743, 0.643495891206, 1.68492257669, 0.748854478527, 0.00708994384305, -1.53142750394, -5.37097124688, -0.0182156338876}},
    {"bilinear", "border", false, {0.335156839396, 0.874549316094, -0.623388922491, -0.316507966732},
     {0, 0.65, 1.35, 0.07, 0, 0, 0.03, 0, 1.2, 0, 0, 0, 0.915, 1.615, 0, 0.585, 1.785, 1.8},
     {-0, -2.60151557274, -0.00846331725984, 1.02369612825, -0, 0, 0, 0, 0.0393885769059, -1.83954475827, -8.18207326791, 0}},
    {"bilinear", "border", true, {0.510293683784, 0.643495891206, -0.624045398773, -0.0965534744344},
     {0, 0.88, 0.72, 0.253, 0.337, 0.18, 0.067, 0.063, 1.35, 0, 0, 0, 0.807, 2.223, 0, 0.273, 1.197, 1.65},
     {-0, -1.73444180936, -0.00425618218005, 0.271662717263, -1.5427621527, 0, 0, 0, 0.0196942884529, -1.53142750394, -5.37097124688, -0.0182156338876}},
    {"bilinear", "reflection", false, {0.335156839396, 0.874549316094, -0.766228426511, -0.316507966732},
     {0, 0.65, 1.35, 0.07, 0, 0, 0.03, 0.48, 0.72, 0, 0, 0, 0.915, 1.615, 0, 0.585, 2.505, 1.08},
     {0, -2.60151557274, -0.00846331725984, 1.02369612825, -0, -0, -1.60694442022, -0, 0.0275630063111, -1.83954475827, -8.18207326791, 0}},
    {"bilinear", "reflection", true, {0.376123638683, 0.643839538671, -0.749009826914, -0.0965534744344},
     {0, 0.792, 0.648, 0.181, 0.468, 0.216, 0.049, 0.81, 0.486, 0, 0.088, 0.072, 0.639, 2.512, 0.084, 0.231, 2.13, 0.594},
     {0.44723348367, -1.60531691442, -0.00478785555863, 0.270062407498, -1.54757190611, -0.00343647465223, -0.757136853318, 2.66997565871, 0.00737076445987, -1.53142750394, -5.37097124688, -0.0182156338876}},
    {"nearest", "zeros", false, {0, 0, 0, -0.979177729151},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"nearest", "zeros", true, {0.854598908088, 0.644217687238, 0, 0.319098362349},
     {0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 0},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"nearest", "border", false, {0.854598908088, 0.985449729988, -0.618137112237, -0.979177729151},
     {0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4, 3},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"nearest", "border", true, {0.854598908088, 0.644217687238, -0.618137112237, 0.319098362349},
     {0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 3},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"nearest", "reflection", false, {0.854598908088, 0.985449729988, -0.618137112237, -0.979177729151},
     {0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4, 3},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
    {"nearest", "reflection", true, {0.854598908088, 0.644217687238, -0.979177729151, 0.319098362349},
     {0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 3, 0},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
  };
  return cases;
}

}  // namespace

TEST(NNGridSample, MatchesTorchEveryModeAndPadding) {
  for (const Case& c : torch_cases()) {
    SCOPED_TRACE(std::string(c.mode) + " " + c.padding_mode + (c.align_corners ? " align_corners" : ""));
    Tensor x = sample_input().requires_grad_(), g = sample_grid().requires_grad_();
    Tensor out = grid_sample(x, g, c.mode, c.padding_mode, c.align_corners);
    EXPECT_CLOSE(out, T(c.out, {1, 1, 2, 3}));
    (out * arange(1, 7, TensorOptions().dtype(kFloat64)).reshape({1, 1, 2, 3})).sum().backward();
    EXPECT_CLOSE(x.grad(), T(c.grad_input, {1, 1, 3, 4}));
    EXPECT_CLOSE_TOL(g.grad(), T(c.grad_grid, {1, 2, 3, 2}), 1e-9, 1e-7);
  }
}

TEST(NNGridSample, VolumetricMatchesTorch) {
  for (const Case& c : torch_cases_3d()) {
    SCOPED_TRACE(std::string(c.mode) + " " + c.padding_mode + (c.align_corners ? " align_corners" : ""));
    Tensor x = volume_input().requires_grad_(), g = volume_grid().requires_grad_();
    Tensor out = grid_sample(x, g, c.mode, c.padding_mode, c.align_corners);
    EXPECT_CLOSE(out, T(c.out, {1, 1, 1, 2, 2}));
    (out * arange(1, 5, TensorOptions().dtype(kFloat64)).reshape({1, 1, 1, 2, 2})).sum().backward();
    EXPECT_CLOSE(x.grad(), T(c.grad_input, {1, 1, 2, 3, 3}));
    EXPECT_CLOSE_TOL(g.grad(), T(c.grad_grid, {1, 1, 2, 2, 3}), 1e-9, 1e-7);
  }
}

TEST(NNGridSample, VolumetricGradcheck) {
  Tensor x = randn({1, 2, 2, 3, 2}, TensorOptions().dtype(kFloat64)).requires_grad_();
  Tensor g = (rand({1, 2, 1, 2, 3}, TensorOptions().dtype(kFloat64)) * 2.4 - 1.2).requires_grad_();
  for (const char* pad : {"zeros", "border", "reflection"})
    for (bool align : {false, true}) {
      SCOPED_TRACE(std::string(pad) + (align ? " align_corners" : ""));
      EXPECT_TRUE(gradcheck([&](const tensor_list& in) { return grid_sample(in[0], in[1], "bilinear", pad, align); },
                            {x, g}, 1e-6, 1e-5));
    }
}

TEST(NNGridSample, FloatMatchesDouble) {
  Tensor x = randn({2, 3, 5, 7}, TensorOptions().dtype(kFloat64));
  Tensor g = rand({2, 4, 6, 2}, TensorOptions().dtype(kFloat64)) * 3.4 - 1.7;
  for (const char* mode : {"bilinear", "nearest", "bicubic"})
    for (const char* pad : {"zeros", "border", "reflection"}) {
      SCOPED_TRACE(std::string(mode) + " " + pad);
      Tensor want = grid_sample(x, g, mode, pad, false);
      EXPECT_CLOSE_TOL(grid_sample(x.to(kFloat32), g.to(kFloat32), mode, pad, false), want.to(kFloat32), 1e-4,
                       1e-4);
    }
}

TEST(NNGridSample, NearestRoundsHalfToEven) {
  // align_corners, W = 5: x = 2 (g + 1) lands on 0.5, 1.5, 2.5, 3.5
  Tensor x = arange(5, TensorOptions().dtype(kFloat64)).reshape({1, 1, 1, 5});
  Tensor g = T({-0.75, 0, -0.25, 0, 0.25, 0, 0.75, 0}, {1, 1, 4, 2});
  EXPECT_CLOSE(grid_sample(x, g, "nearest", "zeros", true), T({0, 2, 2, 4}, {1, 1, 1, 4}));
}

TEST(NNGridSample, GradcheckBilinearAndBicubic) {
  Tensor x = randn({2, 2, 3, 4}, TensorOptions().dtype(kFloat64)).requires_grad_();
  Tensor g = (rand({2, 3, 2, 2}, TensorOptions().dtype(kFloat64)) * 2.4 - 1.2).requires_grad_();
  for (const char* mode : {"bilinear", "bicubic"})
    for (const char* pad : {"zeros", "border", "reflection"})
      for (bool align : {false, true}) {
        SCOPED_TRACE(std::string(mode) + " " + pad + (align ? " align_corners" : ""));
        EXPECT_TRUE(gradcheck([&](const tensor_list& in) { return grid_sample(in[0], in[1], mode, pad, align); },
                              {x, g}, 1e-6, 1e-5));
      }
  // nearest: the input's gradient only
  Tensor gn = g.detach();
  EXPECT_TRUE(gradcheck([&](const tensor_list& in) { return grid_sample(in[0], gn, "nearest", "reflection", true); },
                        {x}));
}

TEST(NNGridSample, NotDifferentiableTwice) {
  Tensor x = randn({1, 1, 3, 3}, TensorOptions().dtype(kFloat64)).requires_grad_();
  Tensor g = (rand({1, 2, 2, 2}, TensorOptions().dtype(kFloat64)) - 0.5).requires_grad_();
  auto grads = autograd::grad({grid_sample(x, g).sum()}, {g}, {}, std::nullopt, true);
  EXPECT_THROW(grads[0].sum().backward(), NotImplementedError);
}

TEST(NNGridSample, AffineGridKnownValuesAndGradient) {
  Tensor theta = T({1, 0, 0, 0, 1, 0}, {1, 2, 3});
  EXPECT_CLOSE(affine_grid(theta, {1, 1, 2, 3}, false),
               T({-2.0 / 3, -0.5, 0, -0.5, 2.0 / 3, -0.5, -2.0 / 3, 0.5, 0, 0.5, 2.0 / 3, 0.5}, {1, 2, 3, 2}));
  EXPECT_CLOSE(affine_grid(theta, {1, 1, 2, 3}, true), T({-1, -1, 0, -1, 1, -1, -1, 1, 0, 1, 1, 1}, {1, 2, 3, 2}));
  // a unit dim sits at 0
  EXPECT_CLOSE(affine_grid(theta, {1, 1, 1, 2}, true), T({-1, 0, 1, 0}, {1, 1, 2, 2}));
  // 3-D, size [*, *, 1, 3, 2]: rows send (x, y, z) to (y + 1/2, z, x)
  Tensor t3 = T({0, 1, 0, 0.5, 0, 0, 1, 0, 1, 0, 0, 0}, {1, 3, 4});
  Tensor g3 = affine_grid(t3, {1, 1, 1, 3, 2}, false);
  ASSERT_EQ(g3.sizes(), IntArrayRef({1, 1, 3, 2, 3}));
  EXPECT_CLOSE(g3.select(-1, 0), T({-2.0 / 3 + 0.5, -2.0 / 3 + 0.5, 0.5, 0.5, 2.0 / 3 + 0.5, 2.0 / 3 + 0.5},
                                   {1, 1, 3, 2}));
  Tensor th = (randn({2, 2, 3}, TensorOptions().dtype(kFloat64))).requires_grad_();
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return affine_grid(in[0], {2, 3, 4, 5}, false); }, {th}));
  Tensor th3 = (randn({2, 3, 4}, TensorOptions().dtype(kFloat64))).requires_grad_();
  EXPECT_TRUE(gradcheck([](const tensor_list& in) { return affine_grid(in[0], {2, 1, 2, 3, 4}, true); }, {th3}));
}

TEST(NNGridSample, SpatialTransformerGradcheck) {
  Tensor x = randn({1, 2, 5, 6}, TensorOptions().dtype(kFloat64)).requires_grad_();
  Tensor th = (T({0.9, 0.2, 0.1, -0.15, 1.1, -0.05}, {1, 2, 3})).requires_grad_();
  EXPECT_TRUE(gradcheck(
      [](const tensor_list& in) { return grid_sample(in[0], affine_grid(in[1], {1, 2, 4, 3}, false)); }, {x, th}));
}

TEST(NNGridSample, Errors) {
  Tensor x = zeros({2, 3, 4, 5}), g = zeros({2, 6, 7, 2});
  EXPECT_THROW_MSG(grid_sample(zeros({2, 4, 5}), g), RuntimeError, "grid_sample: expected 4-D input");
  EXPECT_THROW_MSG(grid_sample(x, zeros({3, 6, 7, 2})), RuntimeError, "same batch size");
  EXPECT_THROW_MSG(grid_sample(x, zeros({3, 6, 7, 2})), RuntimeError, "[2, 3, 4, 5]");
  EXPECT_THROW_MSG(grid_sample(x, zeros({2, 6, 7, 3})), RuntimeError, "size 2 in its last dimension");
  EXPECT_THROW_MSG(grid_sample(x, g.to(kFloat64)), RuntimeError, "same dtype");
  EXPECT_THROW_MSG(grid_sample(x.to(kInt64), g.to(kInt64)), RuntimeError, "float32 or float64");
  EXPECT_THROW_MSG(grid_sample(zeros({2, 3, 0, 5}), g), RuntimeError, "non-empty spatial");
  EXPECT_THROW_MSG(grid_sample(x, g, "linear"), ValueError, "but got: 'linear'");
  EXPECT_THROW_MSG(grid_sample(x, g, "bilinear", "reflect"), ValueError, "but got: 'reflect'");
  EXPECT_THROW_MSG(grid_sample(zeros({1, 1, 2, 2, 2}), zeros({1, 1, 1, 1, 3}), "bicubic"), RuntimeError,
                   "bicubic interpolation only supports 4-D");
  EXPECT_THROW_MSG(grid_sample(zeros({1, 1, 2, 2, 2}), zeros({1, 1, 1, 1, 2})), RuntimeError,
                   "size 3 in its last dimension");
  EXPECT_THROW_MSG(grid_sample(zeros({1, 1, 2, 2, 2}), zeros({1, 1, 1, 2})), RuntimeError, "5-D grid");
  Tensor theta = zeros({2, 2, 3});
  EXPECT_THROW_MSG(affine_grid(zeros({2, 3, 4}), {2, 3, 4, 5}), ValueError, "affine_grid: expected a batch of 2-D");
  EXPECT_THROW_MSG(affine_grid(theta, {2, 3, 4, 5, 6}), ValueError, "[N, 3, 4]");
  EXPECT_THROW_MSG(affine_grid(theta.to(kInt64), {2, 3, 4, 5}), ValueError, "floating point");
  EXPECT_THROW_MSG(affine_grid(theta, {2, 3, 0, 5}), ValueError, "positive output size");
  EXPECT_THROW_MSG(affine_grid(theta, {2, 3, 4}), NotImplementedError, "4-D and 5-D");
  EXPECT_THROW_MSG(affine_grid(theta, {3, 3, 4, 5}), RuntimeError, "batch size");
  // empty batch and channels: empty results, no kernel call
  EXPECT_EQ(grid_sample(zeros({0, 3, 4, 5}), zeros({0, 6, 7, 2})).sizes(), IntArrayRef({0, 3, 6, 7}));
  EXPECT_EQ(grid_sample(zeros({2, 0, 4, 5}), g).sizes(), IntArrayRef({2, 0, 6, 7}));
}
