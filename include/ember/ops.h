#pragma once

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ember/generator.h"
#include "ember/tensor.h"

namespace ember {

// ============================== creation ==============================
/// Uninitialized memory of the given shape.
EMBER_API Tensor empty(IntArrayRef size, const TensorOptions& options = {});
EMBER_API Tensor empty_strided(IntArrayRef size, IntArrayRef stride, const TensorOptions& options = {});
EMBER_API Tensor zeros(IntArrayRef size, const TensorOptions& options = {});
EMBER_API Tensor ones(IntArrayRef size, const TensorOptions& options = {});
/// Filled with `fill_value`; without a dtype, bool/int64/default-float by the
/// kind of the value, as torch.full.
EMBER_API Tensor full(IntArrayRef size, const Scalar& fill_value, const TensorOptions& options = {});
/// [start, end) in steps of `step`; int64 when all of them are integers.
EMBER_API Tensor arange(const Scalar& end, const TensorOptions& options = {});
EMBER_API Tensor arange(const Scalar& start, const Scalar& end, const TensorOptions& options = {});
EMBER_API Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step,
                        const TensorOptions& options = {});
EMBER_API Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps,
                          const TensorOptions& options = {});
/// Window functions, as torch's (periodic: the first window_length values
/// of the symmetric window of window_length + 1, for spectral analysis).
/// Floating dtypes only; computed in double, then rounded to the dtype.
/// Lengths 0 and 1 give [] and [1].
EMBER_API Tensor hann_window(int64_t window_length, bool periodic = true, const TensorOptions& options = {});
/// alpha - beta cos(2 pi n / (N - 1)).
EMBER_API Tensor hamming_window(int64_t window_length, bool periodic = true, double alpha = 0.54, double beta = 0.46,
                                const TensorOptions& options = {});
EMBER_API Tensor blackman_window(int64_t window_length, bool periodic = true, const TensorOptions& options = {});
EMBER_API Tensor bartlett_window(int64_t window_length, bool periodic = true, const TensorOptions& options = {});
/// I0(beta sqrt(1 - (2 n / (N - 1) - 1)^2)) / I0(beta).
EMBER_API Tensor kaiser_window(int64_t window_length, bool periodic = true, double beta = 12.0,
                               const TensorOptions& options = {});
EMBER_API Tensor eye(int64_t n, const TensorOptions& options = {});
EMBER_API Tensor eye(int64_t n, int64_t m, const TensorOptions& options = {});
EMBER_API Tensor empty_like(const Tensor& t, const TensorOptions& options = {});
EMBER_API Tensor zeros_like(const Tensor& t, const TensorOptions& options = {});
EMBER_API Tensor ones_like(const Tensor& t, const TensorOptions& options = {});
EMBER_API Tensor full_like(const Tensor& t, const Scalar& fill_value, const TensorOptions& options = {});
EMBER_API Tensor rand_like(const Tensor& t, const TensorOptions& options = {});
EMBER_API Tensor randn_like(const Tensor& t, const TensorOptions& options = {});
/// Uniform on [0, 1).
EMBER_API Tensor rand(IntArrayRef size, const TensorOptions& options = {});
EMBER_API Tensor rand(IntArrayRef size, Generator& gen, const TensorOptions& options = {});
/// Standard normal.
EMBER_API Tensor randn(IntArrayRef size, const TensorOptions& options = {});
EMBER_API Tensor randn(IntArrayRef size, Generator& gen, const TensorOptions& options = {});
/// Integers in [low, high); int64 unless a dtype is given.
EMBER_API Tensor randint(int64_t high, IntArrayRef size, const TensorOptions& options = {});
EMBER_API Tensor randint(int64_t low, int64_t high, IntArrayRef size, const TensorOptions& options = {});
EMBER_API Tensor randint(int64_t low, int64_t high, IntArrayRef size, Generator& gen,
                         const TensorOptions& options = {});
/// A random permutation of 0..n-1 (int64).
EMBER_API Tensor randperm(int64_t n, const TensorOptions& options = {});
EMBER_API Tensor randperm(int64_t n, Generator& gen, const TensorOptions& options = {});
/// 1 with probability `input`, elementwise.
EMBER_API Tensor bernoulli(const Tensor& input);
EMBER_API Tensor bernoulli(const Tensor& input, Generator& gen);
EMBER_API Tensor bernoulli(const Tensor& input, double p);
/// num_samples category indices per row of input ([C] or [R, C] non-negative
/// weights, not necessarily normalized), with or without replacement (int64).
EMBER_API Tensor multinomial(const Tensor& input, int64_t num_samples, bool replacement = false);
EMBER_API Tensor multinomial(const Tensor& input, int64_t num_samples, bool replacement, Generator& gen);
EMBER_API Tensor normal(double mean, double std, IntArrayRef size, const TensorOptions& options = {});
/// In-place fills with an explicit generator.
EMBER_API Tensor& normal_(Tensor& t, double mean, double std, Generator& gen);
EMBER_API Tensor& uniform_(Tensor& t, double from, double to, Generator& gen);

/// A tensor from values: `ember::tensor({1.0, 2.0})` is float32 (the default
/// dtype) and `ember::tensor({1, 2})` is int64, as in torch.
EMBER_API Tensor tensor(std::initializer_list<double> values, const TensorOptions& options = {});
EMBER_API Tensor tensor(std::initializer_list<float> values, const TensorOptions& options = {});
EMBER_API Tensor tensor(std::initializer_list<int> values, const TensorOptions& options = {});
EMBER_API Tensor tensor(std::initializer_list<int64_t> values, const TensorOptions& options = {});
EMBER_API Tensor tensor(std::initializer_list<bool> values, const TensorOptions& options = {});
EMBER_API Tensor tensor(std::initializer_list<std::initializer_list<double>> values,
                        const TensorOptions& options = {});
EMBER_API Tensor tensor(const std::vector<double>& values, const TensorOptions& options = {});
EMBER_API Tensor tensor(const std::vector<float>& values, const TensorOptions& options = {});
EMBER_API Tensor tensor(const std::vector<int64_t>& values, const TensorOptions& options = {});
EMBER_API Tensor tensor(const Scalar& value, const TensorOptions& options = {});
/// Copies `count` elements of type `dtype` from `data` into a new tensor.
EMBER_API Tensor from_blob_copy(const void* data, IntArrayRef size, ScalarType dtype);
/// Wraps external memory without copying; `deleter` runs when the last
/// tensor using it dies (no deleter: the caller keeps the memory alive).
EMBER_API Tensor from_blob(void* data, IntArrayRef size, IntArrayRef strides,
                           std::function<void(void*)> deleter, const TensorOptions& options = {});
EMBER_API Tensor from_blob(void* data, IntArrayRef size, const TensorOptions& options = {});

// ============================== unary ==============================
// Float ops promote integer and bool inputs to the default float dtype.
EMBER_API Tensor neg(const Tensor& input);
EMBER_API Tensor abs(const Tensor& input);
EMBER_API Tensor sign(const Tensor& input);
EMBER_API Tensor exp(const Tensor& input);
EMBER_API Tensor exp2(const Tensor& input);
EMBER_API Tensor log(const Tensor& input);
EMBER_API Tensor log2(const Tensor& input);
EMBER_API Tensor log10(const Tensor& input);
EMBER_API Tensor log1p(const Tensor& input);
EMBER_API Tensor expm1(const Tensor& input);
EMBER_API Tensor sqrt(const Tensor& input);
EMBER_API Tensor rsqrt(const Tensor& input);
EMBER_API Tensor square(const Tensor& input);
EMBER_API Tensor reciprocal(const Tensor& input);
EMBER_API Tensor sin(const Tensor& input);
EMBER_API Tensor cos(const Tensor& input);
EMBER_API Tensor tan(const Tensor& input);
EMBER_API Tensor asin(const Tensor& input);
EMBER_API Tensor acos(const Tensor& input);
EMBER_API Tensor atan(const Tensor& input);
EMBER_API Tensor sinh(const Tensor& input);
EMBER_API Tensor cosh(const Tensor& input);
EMBER_API Tensor tanh(const Tensor& input);
EMBER_API Tensor sigmoid(const Tensor& input);
EMBER_API Tensor relu(const Tensor& input);
/// approximate: "none" (erf form) or "tanh".
EMBER_API Tensor gelu(const Tensor& input, const std::string& approximate = "none");
EMBER_API Tensor silu(const Tensor& input);
EMBER_API Tensor softplus(const Tensor& input, double beta = 1, double threshold = 20);
EMBER_API Tensor erf(const Tensor& input);
EMBER_API Tensor floor(const Tensor& input);
EMBER_API Tensor ceil(const Tensor& input);
/// Rounds half to even, as torch.round; `decimals` scales by 10^decimals.
EMBER_API Tensor round(const Tensor& input, int64_t decimals = 0);
EMBER_API Tensor trunc(const Tensor& input);
EMBER_API Tensor clamp(const Tensor& input, std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt);
EMBER_API Tensor clamp(const Tensor& input, const Tensor& min, const Tensor& max);
EMBER_API Tensor clamp_min(const Tensor& input, const Scalar& min);
EMBER_API Tensor clamp_max(const Tensor& input, const Scalar& max);
EMBER_API Tensor nan_to_num(const Tensor& input, std::optional<double> nan = 0.0,
                            std::optional<double> posinf = std::nullopt,
                            std::optional<double> neginf = std::nullopt);
EMBER_API Tensor logical_not(const Tensor& input);
EMBER_API Tensor bitwise_not(const Tensor& input);
EMBER_API Tensor isnan(const Tensor& input);
EMBER_API Tensor isinf(const Tensor& input);
EMBER_API Tensor isfinite(const Tensor& input);
/// log|Gamma(x)|; d/dx = digamma(x).
EMBER_API Tensor lgamma(const Tensor& input);
/// d/dx log Gamma(x); d/dx = polygamma(1, x).
EMBER_API Tensor digamma(const Tensor& input);
/// The n-th derivative of digamma; n = 0 (digamma) and n = 1 (trigamma).
EMBER_API Tensor polygamma(int64_t n, const Tensor& input);
/// Inverse of erf on (-1, 1); +-inf at +-1, nan outside.
EMBER_API Tensor erfinv(const Tensor& input);

// ============================== binary ==============================
// Broadcasting and type promotion as PyTorch; scalars are weakly typed.
/// input + alpha * other
EMBER_API Tensor add(const Tensor& input, const Tensor& other, const Scalar& alpha = 1);
EMBER_API Tensor add(const Tensor& input, const Scalar& other, const Scalar& alpha = 1);
EMBER_API Tensor sub(const Tensor& input, const Tensor& other, const Scalar& alpha = 1);
EMBER_API Tensor sub(const Tensor& input, const Scalar& other, const Scalar& alpha = 1);
EMBER_API Tensor rsub(const Tensor& input, const Scalar& other, const Scalar& alpha = 1);
EMBER_API Tensor mul(const Tensor& input, const Tensor& other);
EMBER_API Tensor mul(const Tensor& input, const Scalar& other);
/// rounding_mode: std::nullopt (true division), "trunc" or "floor".
EMBER_API Tensor div(const Tensor& input, const Tensor& other,
                     std::optional<std::string> rounding_mode = std::nullopt);
EMBER_API Tensor div(const Tensor& input, const Scalar& other,
                     std::optional<std::string> rounding_mode = std::nullopt);
EMBER_API Tensor div(const Scalar& input, const Tensor& other);
EMBER_API Tensor pow(const Tensor& input, const Tensor& exponent);
EMBER_API Tensor pow(const Tensor& input, const Scalar& exponent);
EMBER_API Tensor pow(const Scalar& input, const Tensor& exponent);
/// Python's modulo: the result has the sign of the divisor.
EMBER_API Tensor remainder(const Tensor& input, const Tensor& other);
EMBER_API Tensor remainder(const Tensor& input, const Scalar& other);
/// C's fmod: the result has the sign of the dividend.
EMBER_API Tensor fmod(const Tensor& input, const Tensor& other);
EMBER_API Tensor fmod(const Tensor& input, const Scalar& other);
EMBER_API Tensor maximum(const Tensor& input, const Tensor& other);
EMBER_API Tensor minimum(const Tensor& input, const Tensor& other);
EMBER_API Tensor atan2(const Tensor& input, const Tensor& other);
EMBER_API Tensor eq(const Tensor& input, const Tensor& other);
EMBER_API Tensor eq(const Tensor& input, const Scalar& other);
EMBER_API Tensor ne(const Tensor& input, const Tensor& other);
EMBER_API Tensor ne(const Tensor& input, const Scalar& other);
EMBER_API Tensor lt(const Tensor& input, const Tensor& other);
EMBER_API Tensor lt(const Tensor& input, const Scalar& other);
EMBER_API Tensor le(const Tensor& input, const Tensor& other);
EMBER_API Tensor le(const Tensor& input, const Scalar& other);
EMBER_API Tensor gt(const Tensor& input, const Tensor& other);
EMBER_API Tensor gt(const Tensor& input, const Scalar& other);
EMBER_API Tensor ge(const Tensor& input, const Tensor& other);
EMBER_API Tensor ge(const Tensor& input, const Scalar& other);
EMBER_API Tensor logical_and(const Tensor& input, const Tensor& other);
EMBER_API Tensor logical_or(const Tensor& input, const Tensor& other);
EMBER_API Tensor logical_xor(const Tensor& input, const Tensor& other);
EMBER_API Tensor bitwise_and(const Tensor& input, const Tensor& other);
EMBER_API Tensor bitwise_or(const Tensor& input, const Tensor& other);
EMBER_API Tensor bitwise_xor(const Tensor& input, const Tensor& other);
EMBER_API Tensor bitwise_left_shift(const Tensor& input, const Tensor& other);
EMBER_API Tensor bitwise_right_shift(const Tensor& input, const Tensor& other);
/// condition ? input : other, broadcast together.
EMBER_API Tensor where(const Tensor& condition, const Tensor& input, const Tensor& other);
EMBER_API Tensor where(const Tensor& condition, const Tensor& input, const Scalar& other);
EMBER_API Tensor where(const Tensor& condition, const Scalar& input, const Tensor& other);
/// input + weight * (end - input)
EMBER_API Tensor lerp(const Tensor& input, const Tensor& end, const Scalar& weight);
EMBER_API Tensor lerp(const Tensor& input, const Tensor& end, const Tensor& weight);
EMBER_API Tensor isclose(const Tensor& input, const Tensor& other, double rtol = 1e-5,
                         double atol = 1e-8, bool equal_nan = false);
EMBER_API bool allclose(const Tensor& input, const Tensor& other, double rtol = 1e-5,
                        double atol = 1e-8, bool equal_nan = false);
/// Same shape and the same values.
EMBER_API bool equal(const Tensor& input, const Tensor& other);
/// The dtype `input op other` would have.
EMBER_API ScalarType result_type(const Tensor& input, const Tensor& other);
EMBER_API ScalarType result_type(const Tensor& input, const Scalar& other);

// ============================== reductions ==============================
// `dim` takes an int or a list (negative counts from the end; an empty list
// reduces every dim).
EMBER_API Tensor sum(const Tensor& input, std::optional<ScalarType> dtype = std::nullopt);
EMBER_API Tensor sum(const Tensor& input, IntArrayRef dim, bool keepdim = false,
                     std::optional<ScalarType> dtype = std::nullopt);
EMBER_API Tensor mean(const Tensor& input, std::optional<ScalarType> dtype = std::nullopt);
EMBER_API Tensor mean(const Tensor& input, IntArrayRef dim, bool keepdim = false,
                      std::optional<ScalarType> dtype = std::nullopt);
EMBER_API Tensor prod(const Tensor& input, std::optional<ScalarType> dtype = std::nullopt);
EMBER_API Tensor prod(const Tensor& input, int64_t dim, bool keepdim = false,
                      std::optional<ScalarType> dtype = std::nullopt);
/// Variance with Bessel's `correction` (1 = unbiased).
EMBER_API Tensor var(const Tensor& input, IntArrayRef dim = {}, int64_t correction = 1, bool keepdim = false);
EMBER_API Tensor std(const Tensor& input, IntArrayRef dim = {}, int64_t correction = 1, bool keepdim = false);
EMBER_API std::tuple<Tensor, Tensor> var_mean(const Tensor& input, IntArrayRef dim = {},
                                              int64_t correction = 1, bool keepdim = false);
EMBER_API Tensor max(const Tensor& input);
/// (values, indices) along dim.
EMBER_API std::tuple<Tensor, Tensor> max(const Tensor& input, int64_t dim, bool keepdim = false);
EMBER_API Tensor min(const Tensor& input);
EMBER_API std::tuple<Tensor, Tensor> min(const Tensor& input, int64_t dim, bool keepdim = false);
EMBER_API Tensor amax(const Tensor& input, IntArrayRef dim = {}, bool keepdim = false);
EMBER_API Tensor amin(const Tensor& input, IntArrayRef dim = {}, bool keepdim = false);
EMBER_API Tensor argmax(const Tensor& input, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
EMBER_API Tensor argmin(const Tensor& input, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
EMBER_API Tensor logsumexp(const Tensor& input, IntArrayRef dim, bool keepdim = false);
/// p-norm (p = 2 by default; inf and -inf for max and min |x|).
EMBER_API Tensor norm(const Tensor& input, const Scalar& p = 2);
EMBER_API Tensor norm(const Tensor& input, const Scalar& p, IntArrayRef dim, bool keepdim = false);
EMBER_API Tensor all(const Tensor& input);
EMBER_API Tensor all(const Tensor& input, int64_t dim, bool keepdim = false);
EMBER_API Tensor any(const Tensor& input);
EMBER_API Tensor any(const Tensor& input, int64_t dim, bool keepdim = false);
EMBER_API Tensor count_nonzero(const Tensor& input, IntArrayRef dim = {});
EMBER_API Tensor cumsum(const Tensor& input, int64_t dim, std::optional<ScalarType> dtype = std::nullopt);
EMBER_API Tensor cumprod(const Tensor& input, int64_t dim, std::optional<ScalarType> dtype = std::nullopt);
EMBER_API Tensor softmax(const Tensor& input, int64_t dim, std::optional<ScalarType> dtype = std::nullopt);
EMBER_API Tensor log_softmax(const Tensor& input, int64_t dim, std::optional<ScalarType> dtype = std::nullopt);
/// (values, indices); stable, NaN sorts as the largest value, as torch.
EMBER_API std::tuple<Tensor, Tensor> sort(const Tensor& input, int64_t dim = -1, bool descending = false,
                                          bool stable = false);
EMBER_API Tensor argsort(const Tensor& input, int64_t dim = -1, bool descending = false);
EMBER_API std::tuple<Tensor, Tensor> topk(const Tensor& input, int64_t k, int64_t dim = -1,
                                          bool largest = true, bool sorted = true);
/// (values, inverse indices, counts) of the flattened input; inverse and
/// counts are undefined unless asked for.
EMBER_API std::tuple<Tensor, Tensor, Tensor> unique(const Tensor& input, bool sorted = true,
                                                    bool return_inverse = false,
                                                    bool return_counts = false);

// ============================== shapes and views ==============================
EMBER_API Tensor view(const Tensor& input, IntArrayRef size);
EMBER_API Tensor reshape(const Tensor& input, IntArrayRef shape);
EMBER_API Tensor flatten(const Tensor& input, int64_t start_dim = 0, int64_t end_dim = -1);
EMBER_API Tensor unflatten(const Tensor& input, int64_t dim, IntArrayRef sizes);
EMBER_API Tensor permute(const Tensor& input, IntArrayRef dims);
EMBER_API Tensor transpose(const Tensor& input, int64_t dim0, int64_t dim1);
EMBER_API Tensor t(const Tensor& input);
EMBER_API Tensor expand(const Tensor& input, IntArrayRef size);
EMBER_API Tensor repeat(const Tensor& input, IntArrayRef repeats);
EMBER_API Tensor squeeze(const Tensor& input);
EMBER_API Tensor squeeze(const Tensor& input, int64_t dim);
EMBER_API Tensor unsqueeze(const Tensor& input, int64_t dim);
EMBER_API Tensor narrow(const Tensor& input, int64_t dim, int64_t start, int64_t length);
/// Sliding windows of `size` every `step` along `dimension`, as a view: that
/// dim becomes the window count and a last dim of `size` is appended (torch's
/// Tensor.unfold).
EMBER_API Tensor unfold(const Tensor& input, int64_t dimension, int64_t size, int64_t step);
EMBER_API Tensor select(const Tensor& input, int64_t dim, int64_t index);
/// input[start:end:step] along dim (step > 0), as a view.
EMBER_API Tensor slice(const Tensor& input, int64_t dim = 0, std::optional<int64_t> start = std::nullopt,
                       std::optional<int64_t> end = std::nullopt, int64_t step = 1);
EMBER_API tensor_list chunk(const Tensor& input, int64_t chunks, int64_t dim = 0);
EMBER_API tensor_list split(const Tensor& input, int64_t split_size, int64_t dim = 0);
EMBER_API tensor_list split(const Tensor& input, IntArrayRef split_sizes, int64_t dim = 0);
EMBER_API tensor_list unbind(const Tensor& input, int64_t dim = 0);
EMBER_API Tensor cat(const tensor_list& tensors, int64_t dim = 0);
EMBER_API Tensor stack(const tensor_list& tensors, int64_t dim = 0);
EMBER_API Tensor flip(const Tensor& input, IntArrayRef dims);
EMBER_API Tensor roll(const Tensor& input, IntArrayRef shifts, IntArrayRef dims = {});
EMBER_API Tensor tril(const Tensor& input, int64_t diagonal = 0);
EMBER_API Tensor triu(const Tensor& input, int64_t diagonal = 0);
EMBER_API Tensor diagonal(const Tensor& input, int64_t offset = 0, int64_t dim1 = 0, int64_t dim2 = 1);
EMBER_API Tensor as_strided(const Tensor& input, IntArrayRef size, IntArrayRef stride,
                            std::optional<int64_t> storage_offset = std::nullopt);
/// Broadcast shape of two shapes; throws with both shapes when they clash.
EMBER_API Shape broadcast_shapes(IntArrayRef a, IntArrayRef b);
EMBER_API Tensor broadcast_to(const Tensor& input, IntArrayRef size);
/// Sums a gradient back to `size` over broadcast dims.
EMBER_API Tensor sum_to_size(const Tensor& input, IntArrayRef size);

// ============================== indexing ==============================
EMBER_API Tensor index_select(const Tensor& input, int64_t dim, const Tensor& index);
EMBER_API Tensor gather(const Tensor& input, int64_t dim, const Tensor& index);
EMBER_API Tensor scatter(const Tensor& input, int64_t dim, const Tensor& index, const Tensor& src);
EMBER_API Tensor scatter(const Tensor& input, int64_t dim, const Tensor& index, const Scalar& value);
EMBER_API Tensor scatter_add(const Tensor& input, int64_t dim, const Tensor& index, const Tensor& src);
EMBER_API Tensor index_add(const Tensor& input, int64_t dim, const Tensor& index, const Tensor& source,
                           const Scalar& alpha = 1);
/// Advanced indexing: one optional index tensor per leading dim
/// (undefined = take the whole dim), PyTorch's rules for placement.
EMBER_API Tensor index(const Tensor& input, const std::vector<std::optional<Tensor>>& indices);
EMBER_API Tensor index_put(const Tensor& input, const std::vector<std::optional<Tensor>>& indices,
                           const Tensor& values, bool accumulate = false);
EMBER_API Tensor& index_put_(Tensor& input, const std::vector<std::optional<Tensor>>& indices,
                             const Tensor& values, bool accumulate = false);
EMBER_API Tensor masked_fill(const Tensor& input, const Tensor& mask, const Scalar& value);
EMBER_API Tensor masked_fill(const Tensor& input, const Tensor& mask, const Tensor& value);
EMBER_API Tensor masked_select(const Tensor& input, const Tensor& mask);
/// Fills the slices input.select(dim, i) for every i in index (int64, 1-D
/// or 0-D) with value (a number or a 0-d tensor, which gets the gradient
/// summed over the filled elements).
EMBER_API Tensor index_fill(const Tensor& input, int64_t dim, const Tensor& index, const Scalar& value);
EMBER_API Tensor index_fill(const Tensor& input, int64_t dim, const Tensor& index, const Tensor& value);
/// [n, ndim] int64 coordinates of the non-zero elements, in row-major order.
EMBER_API Tensor nonzero(const Tensor& input);
EMBER_API Tensor take_along_dim(const Tensor& input, const Tensor& indices,
                                std::optional<int64_t> dim = std::nullopt);
/// int64 input of class indices -> int64 one-hot along a new last dim.
EMBER_API Tensor one_hot(const Tensor& input, int64_t num_classes = -1);

// ============================== linear algebra ==============================
/// torch.matmul: 1-D, 2-D and batched with broadcasting of batch dims.
EMBER_API Tensor matmul(const Tensor& input, const Tensor& other);
EMBER_API Tensor mm(const Tensor& input, const Tensor& mat2);
EMBER_API Tensor bmm(const Tensor& input, const Tensor& mat2);
/// beta * input + alpha * (mat1 @ mat2)
EMBER_API Tensor addmm(const Tensor& input, const Tensor& mat1, const Tensor& mat2,
                       const Scalar& beta = 1, const Scalar& alpha = 1);
EMBER_API Tensor baddbmm(const Tensor& input, const Tensor& batch1, const Tensor& batch2,
                         const Scalar& beta = 1, const Scalar& alpha = 1);
EMBER_API Tensor outer(const Tensor& input, const Tensor& vec2);
EMBER_API Tensor dot(const Tensor& input, const Tensor& other);
/// Einstein summation: "ij,jk->ik". Ellipsis ("...") broadcasts.
EMBER_API Tensor einsum(const std::string& equation, const tensor_list& operands);
/// input @ weight^T + bias; weight: [out_features, in_features].
EMBER_API Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias = Tensor());

// ============================== composed ops ==============================
// torch 1.13 ops written with the ops above (src/ops/composite.cpp): autograd
// differentiates the composition, and no kernel of their own is needed.

// ---- stacking, splitting, moving dims ----
/// cat along dim 1 (dim 0 for 1-D inputs); 0-d inputs count as 1-D.
EMBER_API Tensor hstack(const tensor_list& tensors);
/// cat along dim 0 of the inputs made at least 2-D ([N] -> [1, N]).
EMBER_API Tensor vstack(const tensor_list& tensors);
/// cat along dim 2 of the inputs made at least 3-D ([N] -> [1, N, 1]).
EMBER_API Tensor dstack(const tensor_list& tensors);
/// hstack with 0-d and 1-D inputs made columns ([N] -> [N, 1]).
EMBER_API Tensor column_stack(const tensor_list& tensors);
/// Coordinate grids of 0-d/1-D tensors; indexing "ij" (matrix) or "xy"
/// (Cartesian: the first two output dims swapped). Outputs are expanded views.
EMBER_API tensor_list meshgrid(const tensor_list& tensors, const std::string& indexing = "ij");
/// Moves dims `source` to positions `destination`; the others keep their order.
EMBER_API Tensor movedim(const Tensor& input, IntArrayRef source, IntArrayRef destination);
EMBER_API Tensor moveaxis(const Tensor& input, IntArrayRef source, IntArrayRef destination);
/// `sections` nearly equal views along dim (the first size % sections get one more).
EMBER_API tensor_list tensor_split(const Tensor& input, int64_t sections, int64_t dim = 0);
/// Views split before each of `indices` along dim.
EMBER_API tensor_list tensor_split_indices(const Tensor& input, IntArrayRef indices, int64_t dim = 0);
/// repeat with `dims` padded with leading 1s to input's rank.
EMBER_API Tensor tile(const Tensor& input, IntArrayRef dims);
/// Each element `repeats` times along dim (flattened when dim is not given).
EMBER_API Tensor repeat_interleave(const Tensor& input, int64_t repeats, std::optional<int64_t> dim = std::nullopt);
/// repeats: int64 [1] or [input.size(dim)].
EMBER_API Tensor repeat_interleave(const Tensor& input, const Tensor& repeats,
                                   std::optional<int64_t> dim = std::nullopt);
/// repeat_interleave(arange(repeats.numel()), repeats).
EMBER_API Tensor repeat_interleave(const Tensor& repeats);
/// Rotation by 90 degrees k times in the plane of `dims`, from the first
/// towards the second.
EMBER_API Tensor rot90(const Tensor& input, int64_t k = 1, IntArrayRef dims = {0, 1});

// ---- diagonals ----
/// 1-D [N] -> [N + |d|, N + |d|] with input on diagonal d; 2-D -> a copy of
/// diagonal d.
EMBER_API Tensor diag(const Tensor& input, int64_t diagonal = 0);
/// [..., N] -> a new dim pair (dim1, dim2) of size N + |offset| holding the
/// last dim on diagonal `offset`, zeros elsewhere.
EMBER_API Tensor diag_embed(const Tensor& input, int64_t offset = 0, int64_t dim1 = -2, int64_t dim2 = -1);
/// Sum of the main diagonal of a matrix (integers sum to int64).
EMBER_API Tensor trace(const Tensor& input);

// ---- products ----
/// Kronecker product; shapes padded with leading 1s to the same rank.
EMBER_API Tensor kron(const Tensor& input, const Tensor& other);
/// Cross product of 3-vectors along dim (broadcast); without dim, the first
/// dim of size 3.
EMBER_API Tensor cross(const Tensor& input, const Tensor& other, std::optional<int64_t> dim = std::nullopt);
/// Contracts the last `dims` dims of a with the first `dims` dims of b.
EMBER_API Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims = 2);
/// Contracts dims_a of a with dims_b of b (pairwise).
EMBER_API Tensor tensordot(const Tensor& a, const Tensor& b, IntArrayRef dims_a, IntArrayRef dims_b);
/// [N, M] @ [M] -> [N].
EMBER_API Tensor mv(const Tensor& input, const Tensor& vec);
/// input + value * tensor1 * tensor2, broadcast and promoted together.
EMBER_API Tensor addcmul(const Tensor& input, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value = 1);
/// input + value * tensor1 / tensor2 (true division; integer tensor1 and
/// tensor2 are an error, as torch).
EMBER_API Tensor addcdiv(const Tensor& input, const Tensor& tensor1, const Tensor& tensor2, const Scalar& value = 1);
/// Pairwise p-norm distances: x1 [..., P, M], x2 [..., R, M] -> [..., P, R].
EMBER_API Tensor cdist(const Tensor& x1, const Tensor& x2, double p = 2.0);

// ---- elementwise ----
/// sqrt(input^2 + other^2), float dtypes.
EMBER_API Tensor hypot(const Tensor& input, const Tensor& other);
/// input * log(other), 0 where input == 0 (nan where other is nan).
EMBER_API Tensor xlogy(const Tensor& input, const Tensor& other);
EMBER_API Tensor xlogy(const Tensor& input, const Scalar& other);
EMBER_API Tensor xlogy(const Scalar& input, const Tensor& other);
/// base ** linspace(start, end, steps).
EMBER_API Tensor logspace(const Scalar& start, const Scalar& end, int64_t steps, double base = 10.0,
                          const TensorOptions& options = {});

// ---- reductions and scans ----
/// The n-th forward difference along dim, after concatenating prepend and
/// append (tensors of input's rank) along it. bool inputs use !=.
EMBER_API Tensor diff(const Tensor& input, int64_t n = 1, int64_t dim = -1, const Tensor& prepend = Tensor(),
                      const Tensor& append = Tensor());
/// sum/mean treating nan as zero / as absent.
EMBER_API Tensor nansum(const Tensor& input, IntArrayRef dim = {}, bool keepdim = false,
                        std::optional<ScalarType> dtype = std::nullopt);
EMBER_API Tensor nanmean(const Tensor& input, IntArrayRef dim = {}, bool keepdim = false,
                         std::optional<ScalarType> dtype = std::nullopt);
/// (values, indices) of the running max/min along dim; ties take the later
/// index, and a nan stays from where it appears, as torch.
EMBER_API std::tuple<Tensor, Tensor> cummax(const Tensor& input, int64_t dim);
EMBER_API std::tuple<Tensor, Tensor> cummin(const Tensor& input, int64_t dim);
/// The lower median of all elements (nan if any is nan); the gradient is
/// shared among the elements equal to it, as torch.
EMBER_API Tensor median(const Tensor& input);
/// (values, indices) of the lower median along dim; a row with a nan gives
/// nan and the index of its first nan.
EMBER_API std::tuple<Tensor, Tensor> median(const Tensor& input, int64_t dim, bool keepdim = false);
/// (min, max) over dims (all when empty).
EMBER_API std::tuple<Tensor, Tensor> aminmax(const Tensor& input, std::optional<int64_t> dim = std::nullopt,
                                             bool keepdim = false);

// ---- counting and searching ----
/// Counts of each value of a non-negative 1-D integer tensor (int64), or
/// the sums of `weights` (float32 for float32 weights, else float64).
EMBER_API Tensor bincount(const Tensor& input, const Tensor& weights = Tensor(), int64_t minlength = 0);
/// Indices where `input` would be inserted into the last dim of
/// sorted_sequence (1-D, or the same leading dims as input) to keep it
/// sorted: the first such index, or the last when right.
EMBER_API Tensor searchsorted(const Tensor& sorted_sequence, const Tensor& input, bool out_int32 = false,
                              bool right = false, const Tensor& sorter = Tensor());
/// searchsorted(boundaries, input, out_int32, right) with 1-D boundaries.
EMBER_API Tensor bucketize(const Tensor& input, const Tensor& boundaries, bool out_int32 = false, bool right = false);
/// input.reshape(-1)[index] (negative indices count from the end).
EMBER_API Tensor take(const Tensor& input, const Tensor& index);

// ============================== threads ==============================
/// Threads used by CPU kernels (EMBER_NUM_THREADS, else the core count).
EMBER_API int get_num_threads();
EMBER_API void set_num_threads(int n);

/// Printing options, as torch.set_printoptions.
struct PrintOptions {
  int precision = 4;
  int64_t threshold = 1000;
  int64_t edgeitems = 3;
  int64_t linewidth = 80;
  std::optional<bool> sci_mode;
};
EMBER_API void set_printoptions(const PrintOptions& options);
EMBER_API PrintOptions get_printoptions();

}  // namespace ember
