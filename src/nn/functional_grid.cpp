// affine_grid and grid_sample (spatial transformer networks), as torch
// 1.13's. affine_grid is composed (a base grid from linspace times theta,
// one batched matmul), so autograd gives theta's gradient. grid_sample runs
// the kernels in kernels/cpu/grid_sample.cpp: one forward, one backward
// giving grad_input (the interpolation weights scattered back) and
// grad_grid (the derivative of the sampling coordinates). Like torch's
// grid_sampler_2d_backward, that backward is not differentiable again.
#include <algorithm>
#include <string>
#include <vector>

#include "nn/nn_internal.h"
#include "ops/ops_common.h"

namespace ember {

namespace {

// linspace(-1, 1, steps), pulled in to the pixel centres unless
// align_corners (torch's linspace_from_neg_one); one step gives [0].
Tensor linspace_from_neg_one(int64_t steps, bool align_corners, const TensorOptions& opts) {
  if (steps <= 1) return zeros({1}, opts);
  Tensor r = linspace(-1, 1, steps, opts);
  if (!align_corners) r = r * double(steps - 1) / double(steps);
  return r;
}

GridSampleMode parse_mode(const std::string& mode) {
  if (mode == "bilinear") return GridSampleMode::Bilinear;
  if (mode == "nearest") return GridSampleMode::Nearest;
  if (mode == "bicubic") return GridSampleMode::Bicubic;
  throw ValueError("grid_sample: expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '" + mode + "'");
}

GridSamplePadding parse_padding(const std::string& padding_mode) {
  if (padding_mode == "zeros") return GridSamplePadding::Zeros;
  if (padding_mode == "border") return GridSamplePadding::Border;
  if (padding_mode == "reflection") return GridSamplePadding::Reflection;
  throw ValueError("grid_sample: expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '" +
                   padding_mode + "'");
}

}  // namespace

Tensor affine_grid(const Tensor& theta, IntArrayRef size, bool align_corners) {
  const char* op = "affine_grid";
  detail::check_defined(theta, op);
  EMBER_CHECK_VALUE(theta.is_floating_point(), op, ": expected theta to have floating point type, but got ",
                    theta.dtype());
  const size_t nd = size.size();
  if (nd == 4) {
    EMBER_CHECK_VALUE(theta.dim() == 3 && theta.size(1) == 2 && theta.size(2) == 3, op,
                      ": expected a batch of 2-D affine matrices of shape [N, 2, 3] for size ", size,
                      ", got theta of shape ", theta.sizes());
  } else if (nd == 5) {
    EMBER_CHECK_VALUE(theta.dim() == 3 && theta.size(1) == 3 && theta.size(2) == 4, op,
                      ": expected a batch of 3-D affine matrices of shape [N, 3, 4] for size ", size,
                      ", got theta of shape ", theta.sizes());
  } else {
    throw NotImplementedError(detail::str(op, ": only supports 4-D and 5-D sizes, for 2-D and 3-D affine ",
                                          "transforms respectively, got size ", size));
  }
  int64_t min_spatial = size[2], min_all = size[0];
  for (size_t i = 2; i < nd; ++i) min_spatial = std::min(min_spatial, size[i]);
  for (size_t i = 0; i < nd; ++i) min_all = std::min(min_all, size[i]);
  // as torch: align_corners with a unit-size dim only warns there
  if (!(align_corners && min_spatial == 1))
    EMBER_CHECK_VALUE(min_all > 0, op, ": expected non-zero, positive output size, got ", size);
  EMBER_CHECK(theta.size(0) == size[0], op, ": expected theta's batch size to equal size[0], got theta of shape ",
              theta.sizes(), " and size ", size);
  const TensorOptions opts = TensorOptions().dtype(theta.dtype()).device(theta.device());
  const int64_t N = size[0];
  if (nd == 4) {
    const int64_t H = size[2], W = size[3];
    // base [H W, 3]: rows (x, y, 1), x along W fastest
    Tensor x = linspace_from_neg_one(W, align_corners, opts).view({1, -1}).expand({H, W});
    Tensor y = linspace_from_neg_one(H, align_corners, opts).view({-1, 1}).expand({H, W});
    Tensor base = stack({x, y, ones({H, W}, opts)}, -1).reshape({H * W, 3});
    return matmul(base, theta.transpose(1, 2)).view({N, H, W, 2});  // [N, H W, 2]
  }
  const int64_t D = size[2], H = size[3], W = size[4];
  Tensor x = linspace_from_neg_one(W, align_corners, opts).view({1, 1, -1}).expand({D, H, W});
  Tensor y = linspace_from_neg_one(H, align_corners, opts).view({1, -1, 1}).expand({D, H, W});
  Tensor z = linspace_from_neg_one(D, align_corners, opts).view({-1, 1, 1}).expand({D, H, W});
  Tensor base = stack({x, y, z, ones({D, H, W}, opts)}, -1).reshape({D * H * W, 4});
  return matmul(base, theta.transpose(1, 2)).view({N, D, H, W, 3});
}

Tensor grid_sample(const Tensor& input, const Tensor& grid, const std::string& mode, const std::string& padding_mode,
                   bool align_corners) {
  const char* op = "grid_sample";
  GridSampleArgs a;
  a.mode = parse_mode(mode);
  a.padding = parse_padding(padding_mode);
  a.align_corners = align_corners;
  detail::check_defined(input, op);
  detail::check_defined(grid, op);
  EMBER_CHECK(input.device() == grid.device(), op, ": expected input and grid on the same device, but input is on ",
              input.device(), " and grid is on ", grid.device());
  EMBER_CHECK(input.dtype() == grid.dtype(), op, ": expected input and grid to have the same dtype, but input has ",
              input.dtype(), " and grid has ", grid.dtype());
  EMBER_CHECK(input.dtype() == kFloat32 || input.dtype() == kFloat64, op,
              ": expected input and grid of dtype float32 or float64, got ", input.dtype());
  const bool d3 = input.dim() == 5;
  EMBER_CHECK((input.dim() == 4 || d3) && grid.dim() == input.dim(), op,
              ": expected 4-D input [N, C, H_in, W_in] with 4-D grid [N, H_out, W_out, 2], or 5-D input "
              "[N, C, D_in, H_in, W_in] with 5-D grid [N, D_out, H_out, W_out, 3], but got input of shape ",
              input.sizes(), " and grid of shape ", grid.sizes());
  EMBER_CHECK(input.size(0) == grid.size(0), op,
              ": expected grid and input to have the same batch size, but got input of shape ", input.sizes(),
              " and grid of shape ", grid.sizes());
  const int64_t nsp = input.dim() - 2;
  EMBER_CHECK(grid.size(-1) == nsp, op, ": expected grid to have size ", nsp,
              " in its last dimension, but got grid of shape ", grid.sizes(), " (input of shape ", input.sizes(), ")");
  for (int64_t d = 2; d < input.dim(); ++d)
    EMBER_CHECK(input.size(d) > 0, op, ": expected input to have non-empty spatial dimensions, but got input of shape ",
                input.sizes());
  EMBER_CHECK(!(d3 && a.mode == GridSampleMode::Bicubic), op,
              ": bicubic interpolation only supports 4-D input, got input of shape ", input.sizes());
  std::vector<int64_t> out_shape = {input.size(0), input.size(1)};
  for (int64_t d = 1; d <= nsp; ++d) out_shape.push_back(grid.size(d));
  const Tensor x = input.detach().contiguous(), g = grid.detach().contiguous();
  Tensor out = empty(out_shape, x.options());
  if (out.numel() > 0) detail::kernel<GridSampleFn>(OpId::grid_sample, x.device())(out, x, g, a);
  // grad: out's shape -> grad_input [N, C, (D,) H, W], grad_grid [N, (Do,) Ho, Wo, 2 (3)]
  return autograd::record(
      "grid_sample", {input, grid}, out,
      [sx = autograd::save(input), sg = autograd::save(grid), a](const Tensor& grad, const autograd::GradMask& needs) {
        const Tensor in = sx.get(), gr = sg.get();
        const Tensor xc = in.detach().contiguous(), gc = gr.detach().contiguous();
        Tensor gi = needs[0] ? empty(xc.sizes(), xc.options()) : Tensor();
        Tensor gg = needs[1] ? empty(gc.sizes(), gc.options()) : Tensor();
        if (grad.numel() > 0) {
          detail::kernel<GridSampleBackwardFn>(OpId::grid_sample_backward, xc.device())(
              gi, gg, grad.detach().to(xc.dtype()).contiguous(), xc, gc, a);
        } else {
          if (gi.defined()) gi.zero_();
          if (gg.defined()) gg.zero_();
        }
        // create_graph: the gradients are not differentiable again (torch's
        // grid_sampler_2d_backward has no derivative either)
        if (is_grad_enabled()) {
          tensor_list outs;
          for (const Tensor& t : {gi, gg})
            if (t.defined()) outs.push_back(t);
          autograd::record_multi("grid_sample_backward", {grad, in, gr}, outs, [](const tensor_list&) -> tensor_list {
            throw NotImplementedError(
                "grid_sample_backward: the derivative of grid_sample's gradients is not implemented (as in torch)");
          });
          size_t k = 0;
          if (gi.defined()) gi = outs[k++];
          if (gg.defined()) gg = outs[k++];
        }
        return tensor_list{gi, gg};
      });
}

}  // namespace ember
