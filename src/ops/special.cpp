// Special functions: lgamma, digamma, polygamma (n = 0, 1) and erfinv.
// Elementwise kernels over the functors in kernels/common/unary_functors.h;
// backward formulas in ember ops.
#include <cmath>

#include "ops/ops_common.h"

namespace ember {

using autograd::record;
using autograd::save;
using autograd::save_output;

namespace {
Tensor run(OpId op, const char* name, const Tensor& x) {
  return detail::elementwise(detail::EwSpec{op, name, detail::Promote::Float}, {x});
}
constexpr double kSqrtPiOver2 = 0.886226925452758013649;

// polygamma(1, x); its own derivative, polygamma(2, x), is not implemented.
Tensor trigamma(const Tensor& input) {
  Tensor out = run(OpId::trigamma, "polygamma", input);
  return record("polygamma", {input}, out, [](const Tensor&) -> tensor_list {
    throw NotImplementedError(
        "polygamma: the derivative of polygamma(1, x) needs polygamma(2, x), which is not implemented");
  });
}
}  // namespace

Tensor lgamma(const Tensor& input) {
  Tensor out = run(OpId::lgamma, "lgamma", input);
  return record("lgamma", {input}, out, [sx = save(input)](const Tensor& grad) {
    return tensor_list{grad * digamma(sx.get())};  // d/dx log Gamma(x) = psi(x)
  });
}

Tensor digamma(const Tensor& input) {
  Tensor out = run(OpId::digamma, "digamma", input);
  return record("digamma", {input}, out, [sx = save(input)](const Tensor& grad) {
    return tensor_list{grad * trigamma(sx.get())};  // d/dx psi(x) = psi'(x)
  });
}

Tensor polygamma(int64_t n, const Tensor& input) {
  EMBER_CHECK(n >= 0, "polygamma: n must be non-negative, got n = ", n);
  if (n == 0) return digamma(input);
  if (n == 1) return trigamma(input);
  throw NotImplementedError(
      detail::str("polygamma: only n = 0 (digamma) and n = 1 (trigamma) are implemented, got n = ", n));
}

Tensor erfinv(const Tensor& input) {
  Tensor out = run(OpId::erfinv, "erfinv", input);
  // d/dx erfinv(x) = sqrt(pi) / 2 * exp(erfinv(x)^2)
  return record("erfinv", {input}, out, [sy = save_output(out)](const Tensor& grad) {
    Tensor y = sy.get();
    return tensor_list{grad * kSqrtPiOver2 * exp(y * y)};
  });
}

}  // namespace ember
