#pragma once

#include <type_traits>

#include "ember/dtype.h"
#include "ember/error.h"

namespace ember {

template <typename T>
struct TypeTag {
  using type = T;
};
#define EMBER_TYPE(tag) typename std::decay_t<decltype(tag)>::type

template <typename... Ts>
struct TypeList {};
using FloatTypes = TypeList<float, double, Half, BFloat16>;
using IntTypes = TypeList<uint8_t, int8_t, int16_t, int32_t, int64_t>;
using IntBoolTypes = TypeList<bool, uint8_t, int8_t, int16_t, int32_t, int64_t>;
using NumericTypes = TypeList<float, double, Half, BFloat16, uint8_t, int8_t, int16_t, int32_t, int64_t>;
using AllTypes = TypeList<float, double, Half, BFloat16, bool, uint8_t, int8_t, int16_t, int32_t, int64_t>;

/// The type arithmetic on T happens in: float for the 16-bit floats.
template <typename T>
struct OpMath {
  using type = T;
};
template <>
struct OpMath<Half> {
  using type = float;
};
template <>
struct OpMath<BFloat16> {
  using type = float;
};
template <typename T>
using opmath_t = typename OpMath<T>::type;

namespace detail {
[[noreturn]] void throw_bad_dtype(ScalarType t, const char* op, const char* kinds);

template <typename F, typename T, typename... Ts>
inline void dispatch_impl(ScalarType t, const char* op, const char* kinds, F&& f, TypeList<T, Ts...>) {
  if (t == CppTypeToScalarType<T>::value) {
    f(TypeTag<T>{});
    return;
  }
  if constexpr (sizeof...(Ts) > 0) dispatch_impl(t, op, kinds, std::forward<F>(f), TypeList<Ts...>{});
  else throw_bad_dtype(t, op, kinds);
}
template <typename List>
const char* list_kinds() {
  if constexpr (std::is_same<List, FloatTypes>::value) return "floating-point types";
  else if constexpr (std::is_same<List, IntTypes>::value) return "integer types";
  else if constexpr (std::is_same<List, IntBoolTypes>::value) return "integer and bool types";
  else if constexpr (std::is_same<List, NumericTypes>::value) return "numeric types";
  else return "all types";
}
}  // namespace detail

/// Calls f(TypeTag<T>{}) with the C++ type of dtype `t`, or throws a
/// TypeError naming `op` when `t` is not in `List`. The one dtype switch.
template <typename List, typename F>
inline void dispatch_types(ScalarType t, const char* op, F&& f) {
  detail::dispatch_impl(t, op, detail::list_kinds<List>(), std::forward<F>(f), List{});
}

}  // namespace ember
