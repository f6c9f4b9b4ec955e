#pragma once

// What the functional files share: argument expansion and the
// differentiable im2col / col2im pair that convolution and pooling build on.

#include <string>
#include <vector>

#include "dispatch/kernel_args.h"
#include "ember/nn/functional.h"

namespace ember {
namespace detail {

/// A 1- or 2-element argument (torch's int-or-pair) as a pair; `name`
/// names the argument in the error.
std::vector<int64_t> expand_pair(IntArrayRef v, const char* op, const char* name);
/// [C * kh * kw, N, oh * ow] columns of x [N, C, H, W] (any strides).
/// Differentiable: its backward is col2im, and col2im's is im2col.
Tensor im2col(const Tensor& x, const ConvGeom& g);
/// The adjoint of im2col: col [C * kh * kw, N, oh * ow] -> [N, C, H, W].
Tensor col2im(const Tensor& col, const ConvGeom& g, int64_t C, int64_t H, int64_t W);
/// A 1- or n-element argument as n values (torch's int-or-tuple).
std::vector<int64_t> expand_n(IntArrayRef v, size_t n, const char* op, const char* name);
/// The 3-D pair: [C * kd * kh * kw, N, od * oh * ow] columns of x
/// [N, C, D, H, W], and its adjoint; each is the other's backward.
Tensor vol2col(const Tensor& x, const ConvGeom3d& g);
Tensor col2vol(const Tensor& col, const ConvGeom3d& g, int64_t C, int64_t D, int64_t H, int64_t W);

}  // namespace detail
}  // namespace ember
