// torch.linalg's norms: vector_norm, matrix_norm and norm, and torch.norm's
// string forms (frobenius_norm, nuclear_norm). All are compositions of reductions (and of svdvals for the
// 2-norm and the nuclear norm), so autograd comes with them.
#include <cmath>
#include <sstream>

#include "ops/linalg_common.h"

namespace ember {

namespace {

// An ord as torch prints it: 3, 3.5, inf.
std::string ord_str(double o) {
  std::ostringstream ss;
  if (std::isfinite(o) && o == std::floor(o))
    ss << int64_t(o);
  else
    ss << o;
  return ss.str();
}

void check_norm_dtype(const Tensor& x, std::optional<ScalarType> dtype, const char* op) {
  detail::check_defined(x, op);
  EMBER_CHECK(is_floating_point(x.dtype()), op, ": Expected a floating point or complex tensor as input. Got ",
              detail::torch_name(x.dtype()));
  if (dtype) {
    EMBER_CHECK(is_floating_point(*dtype), op, ": dtype should be floating point or complex, but got ",
                detail::torch_name(*dtype));
  }
}

// The two dims of a matrix norm, wrapped; torch's checks and messages.
std::pair<int64_t, int64_t> matrix_dims(const Tensor& A, IntArrayRef dim) {
  EMBER_CHECK(A.dim() >= 2, "linalg.matrix_norm: The input tensor A must have at least 2 dimensions.");
  if (dim.size() != 2) {
    std::ostringstream ss;
    for (size_t i = 0; i < dim.size(); ++i) ss << (i ? " " : "") << dim[i];
    throw RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got " + ss.str());
  }
  int64_t d0 = detail::wrap_dim(dim[0], A.dim(), "linalg.matrix_norm");
  int64_t d1 = detail::wrap_dim(dim[1], A.dim(), "linalg.matrix_norm");
  EMBER_CHECK(d0 != d1, "linalg.matrix_norm: dims must be different. Got (", dim[0], ", ", dim[1], ")");
  return {d0, d1};
}

// Singular values [*, k] of A with dims (d0, d1) as the matrix dims.
Tensor svdvals_over(const Tensor& A, int64_t d0, int64_t d1) { return linalg::svdvals(movedim(A, {d0, d1}, {-2, -1})); }

// A reduction over dims (d0, d1) that removed them: put them back (size 1).
Tensor keep_dims(const Tensor& r, int64_t d0, int64_t d1, bool keepdim) {
  if (!keepdim) return r;
  return r.unsqueeze(std::min(d0, d1)).unsqueeze(std::max(d0, d1));
}

}  // namespace

namespace linalg {

Tensor vector_norm(const Tensor& x, const Scalar& ord, IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) {
  check_norm_dtype(x, dtype, "linalg.vector_norm");
  const double o = ord.to_double();
  if (x.numel() == 0 && (o < 0 || std::isinf(o))) {  // max, min and 1/sum(1/x) have no identity
    bool reduces_empty = dim.empty();
    for (int64_t d : dim) reduces_empty |= x.size(detail::wrap_dim(d, x.dim(), "linalg.vector_norm")) == 0;
    EMBER_CHECK(!reduces_empty, "linalg.vector_norm cannot compute the ", ord_str(o),
                " norm on an empty tensor because the operation does not have an identity (input shape ", x.shape(),
                ")");
  }
  return ember::norm(dtype ? x.to(*dtype) : x, ord, dim, keepdim);
}

Tensor matrix_norm(const Tensor& A, const Scalar& ord, IntArrayRef dim, bool keepdim, std::optional<ScalarType> dtype) {
  check_norm_dtype(A, dtype, "linalg.matrix_norm");
  auto [d0, d1] = matrix_dims(A, dim);
  const double o = ord.to_double();
  const double a = std::abs(o);
  EMBER_CHECK(a == 2 || a == 1 || std::isinf(a), "linalg.matrix_norm: Order ", ord_str(o), " not supported.");
  const Tensor x = dtype ? A.to(*dtype) : A;
  if (a == 2) {  // largest / smallest singular value
    Tensor s = svdvals_over(x, d0, d1);
    return keep_dims(o > 0 ? amax(s, {-1}) : amin(s, {-1}), d0, d1, keepdim);
  }
  // 1: max over columns of the column sums of |A|; inf: the same on A^T
  if (std::isinf(a)) std::swap(d0, d1);
  Tensor sums = ember::norm(x, 1, {d0}, keepdim);
  if (!keepdim && d0 < d1) --d1;
  return o > 0 ? amax(sums, {d1}, keepdim) : amin(sums, {d1}, keepdim);
}

Tensor matrix_norm(const Tensor& A, const std::string& ord, IntArrayRef dim, bool keepdim,
                   std::optional<ScalarType> dtype) {
  check_norm_dtype(A, dtype, "linalg.matrix_norm");
  auto [d0, d1] = matrix_dims(A, dim);
  EMBER_CHECK(ord == "fro" || ord == "nuc", "linalg.matrix_norm: Order ", ord, " not supported.");
  const Tensor x = dtype ? A.to(*dtype) : A;
  if (ord == "fro") return ember::norm(x, 2, {d0, d1}, keepdim);
  return keep_dims(sum(svdvals_over(x, d0, d1), {-1}), d0, d1, keepdim);
}

namespace {
void check_norm_dim(const Tensor& A, std::optional<IntArrayRef> dim, bool has_ord) {
  if (dim) {
    if (dim->size() != 1 && dim->size() != 2) {
      std::ostringstream ss;
      ss << *dim;
      throw RuntimeError("linalg.norm: If dim is specified, it must be of length 1 or 2. Got " + ss.str());
    }
  } else if (has_ord) {
    EMBER_CHECK(A.dim() == 1 || A.dim() == 2,
                "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ", A.dim(), "D.");
  }
}
}  // namespace

Tensor norm(const Tensor& A, const std::optional<Scalar>& ord, std::optional<IntArrayRef> dim, bool keepdim,
            std::optional<ScalarType> dtype) {
  detail::check_defined(A, "linalg.norm");
  check_norm_dim(A, dim, ord.has_value());
  if (ord && (dim ? dim->size() == 2 : A.dim() == 2)) {
    return matrix_norm(A, *ord, dim ? *dim : IntArrayRef({-2, -1}), keepdim, dtype);
  }
  return vector_norm(A, ord ? *ord : Scalar(2), dim ? *dim : IntArrayRef(), keepdim, dtype);
}

Tensor norm(const Tensor& A, const std::string& ord, std::optional<IntArrayRef> dim, bool keepdim,
            std::optional<ScalarType> dtype) {
  detail::check_defined(A, "linalg.norm");
  check_norm_dim(A, dim, true);
  return matrix_norm(A, ord, dim ? *dim : IntArrayRef({-2, -1}), keepdim, dtype);
}

}  // namespace linalg

Tensor frobenius_norm(const Tensor& input, IntArrayRef dim, bool keepdim) {
  detail::check_defined(input, "frobenius_norm");
  EMBER_CHECK(dim.size() <= 2, "Expected at most 2 dimensions, but got ", dim.size(), " dimensions instead.");
  return linalg::vector_norm(input, 2, dim, keepdim);
}

Tensor nuclear_norm(const Tensor& input, bool keepdim) {
  detail::check_defined(input, "nuclear_norm");
  EMBER_CHECK(input.dim() == 2, "Expected a tensor with 2 dimensions, but got a tensor with ", input.dim(),
              " dimensions instead.");
  return linalg::matrix_norm(input, "nuc", {-2, -1}, keepdim);
}

Tensor nuclear_norm(const Tensor& input, IntArrayRef dim, bool keepdim) {
  detail::check_defined(input, "nuclear_norm");
  return linalg::matrix_norm(input, "nuc", dim, keepdim);
}

}  // namespace ember
