#pragma once

#include <exception>
#include <sstream>
#include <string>
#include <utility>

#include "ember/export.h"

namespace ember {

/// Base of every exception ember throws. Messages name the op and the shapes,
/// dtypes or devices involved. Python maps the subclasses to RuntimeError,
/// IndexError, TypeError, ValueError and NotImplementedError.
class EMBER_API Error : public std::exception {
 public:
  explicit Error(std::string msg) : msg_(std::move(msg)) {}
  const char* what() const noexcept override { return msg_.c_str(); }

 private:
  std::string msg_;
};

class EMBER_API RuntimeError : public Error {
 public:
  using Error::Error;
};
/// A matrix the op cannot handle (singular, not positive-definite): torch's
/// torch.linalg.LinAlgError, a RuntimeError.
class EMBER_API LinAlgError : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};
class EMBER_API IndexError : public Error {
 public:
  using Error::Error;
};
class EMBER_API TypeError : public Error {
 public:
  using Error::Error;
};
class EMBER_API ValueError : public Error {
 public:
  using Error::Error;
};
class EMBER_API NotImplementedError : public Error {
 public:
  using Error::Error;
};

namespace detail {
template <typename... Args>
std::string str(const Args&... args) {
  std::ostringstream ss;
  (ss << ... << args);
  return ss.str();
}
}  // namespace detail

}  // namespace ember

#define EMBER_CHECK_T(ErrorType, cond, ...)                 \
  do {                                                      \
    if (__builtin_expect(!(cond), 0)) {                     \
      throw ::ember::ErrorType(::ember::detail::str(__VA_ARGS__)); \
    }                                                       \
  } while (0)

/// Throws ember::RuntimeError with the concatenated message when cond fails.
#define EMBER_CHECK(cond, ...) EMBER_CHECK_T(RuntimeError, cond, __VA_ARGS__)
#define EMBER_CHECK_INDEX(cond, ...) EMBER_CHECK_T(IndexError, cond, __VA_ARGS__)
#define EMBER_CHECK_TYPE(cond, ...) EMBER_CHECK_T(TypeError, cond, __VA_ARGS__)
#define EMBER_CHECK_VALUE(cond, ...) EMBER_CHECK_T(ValueError, cond, __VA_ARGS__)
