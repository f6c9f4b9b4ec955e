#pragma once

#include <cstdint>
#include <vector>

#include "ember/dtype.h"
#include "ember/generator.h"
#include "ember/scalar.h"
#include "ember/tensor.h"

namespace ember {

constexpr int kMaxElementwiseOperands = 4;
constexpr int kMaxDims = 64;

// Note [Elementwise arguments]
// The front end broadcasts, promotes and allocates; the kernel gets operands
// already in the compute dtype (inputs) and output dtype (operand 0), all
// with the output's shape. Dims are collapsed where memory allows, so a
// contiguous op is one dim. Strides are in bytes; 0 marks a broadcast dim.
struct ElementwiseArgs {
  int ndim = 0;
  int ntensors = 0;  // output first, then inputs
  int64_t numel = 0;
  int64_t shape[kMaxDims];
  int64_t strides[kMaxElementwiseOperands][kMaxDims];
  char* data[kMaxElementwiseOperands];
  ScalarType dtypes[kMaxElementwiseOperands];
  double params[3] = {0, 0, 0};  // alpha, clamp bounds, tolerances...
  bool param_set[3] = {false, false, false};
  const char* name = "";
};

using ElementwiseFn = void (*)(ElementwiseArgs&);
/// dst and src have the same shape; any dtypes.
using CopyFn = void (*)(const Tensor& dst, const Tensor& src);
using FillFn = void (*)(const Tensor& dst, const Scalar& value);
/// in: [outer, inner] geometry given as a tensor whose last `nreduce` dims
/// are reduced; out: contiguous with numel == product of the other dims.
/// For argmax/argmin out is int64.
using ReduceFn = void (*)(const Tensor& out, const Tensor& in, int64_t nreduce);
/// Scan along `dim` (out and in same shape, same dtype).
using ScanFn = void (*)(const Tensor& out, const Tensor& in, int64_t dim);
/// Softmax along dim; out and in same shape and dtype.
using SoftmaxFn = void (*)(const Tensor& out, const Tensor& in, int64_t dim);
/// grad_input from grad and output (same shape) along dim.
using SoftmaxBackwardFn = void (*)(const Tensor& grad_input, const Tensor& grad,
                                   const Tensor& output, int64_t dim);
using SortFn = void (*)(const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim,
                        bool descending);
/// out[b] = beta * out[b] + alpha * a[b] @ b[b] (+ bias): all 3-D (a batch)
/// or all 2-D (one product), same dtype. bias, when defined: contiguous,
/// [N], added to every row (a linear layer's), with beta == 0.
using GemmFn = void (*)(const Tensor& out, const Tensor& a, const Tensor& b, double beta, double alpha,
                        const Tensor& bias);
using RandomFn = void (*)(const Tensor& out, Generator& gen, double a, double b);
/// out[i] = 1 with probability p[i] (p same shape as out).
using BernoulliFn = void (*)(const Tensor& out, const Tensor& p, Generator& gen);
using IndexSelectFn = void (*)(const Tensor& out, const Tensor& in, int64_t dim, const Tensor& index);
/// gather: out[i][j] = in[i][index[i][j]] (dim 1); scatter writes back.
using GatherFn = void (*)(const Tensor& out, const Tensor& in, int64_t dim, const Tensor& index);
using ScatterFn = void (*)(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src);
using IndexAddFn = void (*)(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src,
                            double alpha);
using MaskedSelectFn = Tensor (*)(const Tensor& in, const Tensor& mask);
using NonzeroFn = Tensor (*)(const Tensor& in);
using TriFn = void (*)(const Tensor& out, const Tensor& in, int64_t diagonal);

/// Sliding-window geometry of convolution and pooling: kernel, stride,
/// padding and dilation (h, w) and the output grid (oh, ow).
struct ConvGeom {
  int64_t kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;
};
/// col: [C * kh * kw, N, oh * ow], im: [N, C, H, W], both contiguous and of
/// one float dtype. im2col reads im (zeros outside it); col2im overwrites im
/// with the sum of every column entry that reads each pixel.
using Im2colFn = void (*)(const Tensor& col, const Tensor& im, const ConvGeom& g);
using Col2imFn = void (*)(const Tensor& im, const Tensor& col, const ConvGeom& g);
/// The 3-D geometry: depth's kernel, stride, padding, dilation and output
/// size, with the (h, w) plane's ConvGeom.
struct ConvGeom3d {
  int64_t kd, sd, pd, dd, od;
  ConvGeom hw;
};
/// col: [C * kd * kh * kw, N, od * oh * ow], vol: [N, C, D, H, W], the 3-D
/// im2col / col2im (same contract; col2vol overwrites vol).
using Vol2colFn = void (*)(const Tensor& col, const Tensor& vol, const ConvGeom3d& g);
using Col2volFn = void (*)(const Tensor& vol, const Tensor& col, const ConvGeom3d& g);
/// The windows of a 3-D max pool, one list per dim (d, h, w): output index
/// i reads input positions start[i], start[i] + step, ... < end[i] (already
/// clipped to the input). Regular pooling and adaptive pooling both are this.
struct PoolWindows {
  std::vector<int64_t> start[3], end[3];
  int64_t step[3] = {1, 1, 1};
};
/// out and indices (int64, flat position in the input volume):
/// [N, C, od, oh, ow]; in: [N, C, D, H, W] contiguous. Ties go to the first
/// tap in (d, h, w) order; NaN wins, as torch.
using MaxPool3dFn = void (*)(const Tensor& out, const Tensor& indices, const Tensor& in, const PoolWindows& w);
/// Window means (adaptive average pooling), step 1: forward, out
/// [N, C, od, oh, ow] from in [N, C, D, H, W]; backward, out [N, C, D, H, W]
/// (overwritten) gets each window's in / count added to its taps. Both
/// contiguous, one float dtype.
using AvgPoolWindowsFn = void (*)(const Tensor& out, const Tensor& in, const PoolWindows& w);
/// The per-sample geometry of a CTC loss: sample b has input_lengths[b]
/// frames and target_lengths[b] labels at targets[target_offsets[b] ...].
struct CtcArgs {
  std::vector<int64_t> input_lengths, target_lengths, target_offsets;
  int64_t blank = 0;
  int64_t max_target_length = 0;
};
/// CTC forward (the alpha recursion in log space, Graves et al. 2006):
/// log_probs [T, N, C] contiguous float; targets int64 1-D contiguous;
/// writes neg_log_likelihood [N] and log_alpha [N, T, 2 S + 1]
/// (S = max_target_length; -inf outside each sample's lattice).
using CtcLossFn = void (*)(const Tensor& neg_log_likelihood, const Tensor& log_alpha, const Tensor& log_probs,
                           const Tensor& targets, const CtcArgs& a);
/// Its gradient w.r.t. log_probs for a unit incoming gradient per sample,
/// by the beta recursion (torch's ctc_loss_backward): grad [T, N, C]
/// contiguous, zero past each input length; zero_infinity zeroes the
/// samples whose loss is inf.
using CtcLossBackwardFn = void (*)(const Tensor& grad, const Tensor& log_probs, const Tensor& targets,
                                   const Tensor& neg_log_likelihood, const Tensor& log_alpha, const CtcArgs& a,
                                   bool zero_infinity);
/// out and indices (int64, flat position in the input plane): [N, C, oh, ow];
/// in: [N, C, H, W] contiguous. NaN wins, as torch.
using MaxPool2dFn = void (*)(const Tensor& out, const Tensor& indices, const Tensor& in, const ConvGeom& g);
/// Layer norm over the last dim of x [M, N] (contiguous): out [M, N], and
/// per row mean and rstd = 1 / sqrt(var + eps) ([M], opmath dtype); weight
/// and bias [N] or undefined.
using LayerNormFn = void (*)(const Tensor& out, const Tensor& mean, const Tensor& rstd, const Tensor& x,
                             const Tensor& weight, const Tensor& bias, double eps);
/// Its gradients from grad [M, N]: grad_x [M, N]; grad_weight and grad_bias
/// [N] (undefined when not wanted). All contiguous.
using LayerNormBackwardFn = void (*)(const Tensor& grad_x, const Tensor& grad_weight, const Tensor& grad_bias,
                                     const Tensor& grad, const Tensor& x, const Tensor& mean, const Tensor& rstd,
                                     const Tensor& weight);
/// grid_sample's interpolation and padding (torch's GridSamplerInterpolation
/// and GridSamplerPadding) and align_corners.
enum class GridSampleMode : int { Bilinear = 0, Nearest = 1, Bicubic = 2 };
enum class GridSamplePadding : int { Zeros = 0, Border = 1, Reflection = 2 };
struct GridSampleArgs {
  GridSampleMode mode = GridSampleMode::Bilinear;
  GridSamplePadding padding = GridSamplePadding::Zeros;
  bool align_corners = false;
};
/// out [N, C, Ho, Wo] sampled from in [N, C, H, W] at grid [N, Ho, Wo, 2]
/// ((x, y) in [-1, 1] across the input's width and height), or the 3-D
/// form: out [N, C, Do, Ho, Wo], in [N, C, D, H, W], grid [N, Do, Ho, Wo, 3]
/// ((x, y, z); bicubic is 2-D only). All contiguous, float or double, one
/// dtype.
using GridSampleFn = void (*)(const Tensor& out, const Tensor& in, const Tensor& grid, const GridSampleArgs& a);
/// Its gradients from grad (out's shape): grad_input (in's shape; the
/// kernel zeroes it first) and grad_grid (grid's shape); either may be
/// undefined (not wanted). All contiguous.
using GridSampleBackwardFn = void (*)(const Tensor& grad_input, const Tensor& grad_grid, const Tensor& grad,
                                      const Tensor& in, const Tensor& grid, const GridSampleArgs& a);

// ---- linear algebra (kernels/cpu/linalg_decomp.cpp) ----
// Matrices are contiguous [B, rows, cols] batches (B may be 0) of float or
// double; info and pivots are int32, as LAPACK's.
/// LU with partial pivoting of square A [B, n, n], as LAPACK's getrf: LU
/// holds U and the strictly lower part of L (unit diagonal); pivots [B, n]
/// the 1-based row swapped with row i, in order; info [B] 0, or the 1-based
/// index of the first zero on U's diagonal.
using LuFactorFn = void (*)(const Tensor& LU, const Tensor& pivots, const Tensor& info, const Tensor& A);
/// Solves A X = B from A's getrf factors, in place: X [B, n, k] holds B on entry.
using LuSolveFn = void (*)(const Tensor& X, const Tensor& LU, const Tensor& pivots);
/// Solves A X = B for triangular A [B, n, n] (the other triangle is not
/// read; a unit diagonal is assumed, not read, when unitriangular), in place.
using TriangularSolveFn = void (*)(const Tensor& X, const Tensor& A, bool upper, bool unitriangular);
/// Lower Cholesky factor L [B, n, n] of A's lower triangle; info [B] 0, or
/// the order of the first leading minor that is not positive-definite.
using CholeskyFn = void (*)(const Tensor& L, const Tensor& info, const Tensor& A);
/// A [B, m, n] = Q R by Householder reflections (LAPACK's signs): Q
/// [B, m, k] or [B, m, m] (undefined: not computed), R [B, k, n] or
/// [B, m, n], k = min(m, n).
using QrFn = void (*)(const Tensor& Q, const Tensor& R, const Tensor& A);
/// Eigenvalues w [B, n] (ascending) and eigenvectors V [B, n, n] (columns;
/// undefined: not computed) of the symmetric matrix in A's lower (upper)
/// triangle.
using EighFn = void (*)(const Tensor& w, const Tensor& V, const Tensor& A, bool upper);
/// A [B, m, n] = U diag(S) Vh; S [B, k] descending, k = min(m, n); U
/// [B, m, k] or [B, m, m], Vh [B, k, n] or [B, n, n] (undefined: not computed).
using SvdFn = void (*)(const Tensor& U, const Tensor& S, const Tensor& Vh, const Tensor& A);
/// Minimum-norm least-squares X [B, n, k] of A [B, m, n] X = B [B, m, k];
/// singular values below rcond times the largest count as zero; rank [B] int64.
using LstsqFn = void (*)(const Tensor& X, const Tensor& rank, const Tensor& A, const Tensor& B, double rcond);

}  // namespace ember
