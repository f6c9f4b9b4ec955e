#pragma once

#include <cstdint>
#include <type_traits>

#include "ember/dtype.h"

namespace ember {

/// A number passed to an op (`x + 2`, `full(..., 0.5)`). Scalars are "weak"
/// in type promotion, as Python numbers are in PyTorch: `int_tensor * 2.5` is
/// float32, `float16_tensor * 2.5` stays float16.
class Scalar {
 public:
  enum class Kind : int8_t { Bool, Int, Float };
  Scalar() : Scalar(int64_t(0)) {}
  Scalar(bool v) : kind_(Kind::Bool), i_(v), d_(v) {}
  template <typename T,
            std::enable_if_t<std::is_integral<T>::value && !std::is_same<T, bool>::value, int> = 0>
  Scalar(T v) : kind_(Kind::Int), i_(static_cast<int64_t>(v)), d_(static_cast<double>(v)) {}
  template <typename T, std::enable_if_t<std::is_floating_point<T>::value, int> = 0>
  Scalar(T v) : kind_(Kind::Float), i_(0), d_(static_cast<double>(v)) {
    // int64 view only for floats that fit; casts of nan/inf are UB
    if (d_ > -9.2e18 && d_ < 9.2e18) i_ = static_cast<int64_t>(d_);
  }
  Scalar(Half v) : Scalar(static_cast<float>(v)) {}
  Scalar(BFloat16 v) : Scalar(static_cast<float>(v)) {}

  Kind kind() const { return kind_; }
  bool is_floating_point() const { return kind_ == Kind::Float; }
  bool is_integral() const { return kind_ == Kind::Int; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  double to_double() const { return d_; }
  int64_t to_long() const { return i_; }
  bool to_bool() const { return kind_ == Kind::Float ? d_ != 0 : i_ != 0; }
  template <typename T>
  T to() const {
    if constexpr (std::is_same<T, bool>::value) return to_bool();
    else if constexpr (std::is_integral<T>::value)
      return kind_ == Kind::Float ? static_cast<T>(d_) : static_cast<T>(i_);
    else return static_cast<T>(d_);
  }
  /// The dtype this scalar has on its own: bool, int64 or the default float.
  ScalarType type() const {
    return kind_ == Kind::Bool ? kBool : kind_ == Kind::Int ? kInt64 : get_default_dtype();
  }

 private:
  Kind kind_;
  int64_t i_;
  double d_;
};

}  // namespace ember
