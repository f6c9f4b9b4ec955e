#pragma once

/// A chainable option field for options structs, as libtorch's TORCH_ARG:
/// `EMBER_ARG(int64_t, stride) = 1;` gives `opts.stride(2)` (set, returns
/// the options) and `opts.stride()` (get).
#define EMBER_ARG(T, name)                     \
 public:                                       \
  auto& name(const T& v) {                     \
    name##_ = v;                               \
    return *this;                              \
  }                                            \
  const T& name() const { return name##_; }    \
                                               \
 private:                                      \
  T name##_
