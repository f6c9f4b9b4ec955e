#pragma once

// Shared test helpers: value comparison with per-dtype tolerances and a
// failure message that says what differs and where.

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

#include "ember/ember.h"

namespace ember {
namespace testing {

struct Tolerance {
  double atol, rtol;
};
/// One table of tolerances, by dtype.
inline Tolerance tolerance_for(ScalarType t) {
  switch (t) {
    case kFloat64: return {1e-10, 1e-7};
    case kFloat32: return {1e-5, 1.3e-6 * 100};
    case kFloat16: return {1e-3, 1e-3 * 10};
    case kBFloat16: return {1e-2, 1.6e-2};
    default: return {0, 0};
  }
}

/// Compares shape, then dtype, then values (NaNs equal to NaNs).
inline ::testing::AssertionResult close(const Tensor& actual, const Tensor& expected,
                                        std::optional<Tolerance> tol = std::nullopt,
                                        bool check_dtype = true) {
  if (!actual.sizes().equals(expected.sizes())) {
    std::ostringstream ss;
    ss << "shape " << actual.sizes() << " != expected " << expected.sizes();
    return ::testing::AssertionFailure() << ss.str();
  }
  if (check_dtype && actual.dtype() != expected.dtype()) {
    return ::testing::AssertionFailure() << "dtype " << actual.dtype() << " != expected " << expected.dtype();
  }
  Tolerance t = tol ? *tol : tolerance_for(expected.dtype());
  Tensor a = actual.to(kFloat64).contiguous().reshape({-1});
  Tensor e = expected.to(kFloat64).contiguous().reshape({-1});
  const double* pa = a.data_ptr<double>();
  const double* pe = e.data_ptr<double>();
  int64_t bad = 0, worst = -1;
  double worst_diff = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    double x = pa[i], y = pe[i];
    if (std::isnan(x) && std::isnan(y)) continue;
    if (x == y) continue;
    double d = std::fabs(x - y);
    if (!(d <= t.atol + t.rtol * std::fabs(y))) {
      ++bad;
      if (worst < 0 || d > worst_diff || std::isnan(d)) {
        worst = i;
        worst_diff = d;
      }
    }
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  std::ostringstream ss;
  ss << actual.dtype() << " shape " << actual.sizes() << ": " << bad << " of " << a.numel()
     << " values differ; max |diff| " << worst_diff << " at flat index " << worst << ": got " << pa[worst]
     << ", expected " << pe[worst] << " (tolerance " << t.atol << " + " << t.rtol << " * |expected|)";
  return ::testing::AssertionFailure() << ss.str();
}

#define EXPECT_CLOSE(actual, expected) EXPECT_TRUE(::ember::testing::close((actual), (expected)))
#define EXPECT_CLOSE_TOL(actual, expected, atol, rtol) \
  EXPECT_TRUE(::ember::testing::close((actual), (expected), ::ember::testing::Tolerance{atol, rtol}))

/// Expects `stmt` to throw ErrorType with `fragment` in its message.
#define EXPECT_THROW_MSG(stmt, ErrorType, fragment)                                   \
  do {                                                                                \
    try {                                                                             \
      stmt;                                                                           \
      ADD_FAILURE() << "expected " #ErrorType " from: " #stmt;                        \
    } catch (const ErrorType& e) {                                                    \
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)              \
          << "message: " << e.what() << "\nexpected to contain: " << fragment;        \
    }                                                                                 \
  } while (0)

/// A float64 tensor that requires grad, seeded.
inline Tensor rand_input(IntArrayRef shape, uint64_t seed = 0, double lo = -1, double hi = 1) {
  Generator g(seed + 1234);
  Tensor t = rand(shape, g, kFloat64) * (hi - lo) + lo;
  return t.detach().requires_grad_();
}

}  // namespace testing
}  // namespace ember
