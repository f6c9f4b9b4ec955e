#pragma once

// Builds a functor from the scalar parameters the front end put in the
// kernel arguments (alpha, clamp bounds, ...). Plain functors need none.

#include "common/binary_functors.h"
#include "common/unary_functors.h"

namespace ember {
namespace fn {

template <typename F>
struct FromParams {
  template <typename Args>
  static F make(const Args&) { return F{}; }
};
template <>
struct FromParams<Add> {
  template <typename Args>
  static Add make(const Args& a) { return Add{a.params[0]}; }
};
template <>
struct FromParams<Sub> {
  template <typename Args>
  static Sub make(const Args& a) { return Sub{a.params[0]}; }
};
template <>
struct FromParams<Softplus> {
  template <typename Args>
  static Softplus make(const Args& a) { return Softplus{a.params[0], a.params[1]}; }
};
template <>
struct FromParams<Clamp> {
  template <typename Args>
  static Clamp make(const Args& a) { return Clamp{a.params[0], a.params[1], a.param_set[0], a.param_set[1]}; }
};
template <>
struct FromParams<NanToNum> {
  template <typename Args>
  static NanToNum make(const Args& a) { return NanToNum{a.params[0], a.params[1], a.params[2]}; }
};
template <>
struct FromParams<IsClose> {
  template <typename Args>
  static IsClose make(const Args& a) { return IsClose{a.params[0], a.params[1], a.params[2] != 0}; }
};

}  // namespace fn
}  // namespace ember
