#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>

#include "ember/export.h"
#include "ember/half.h"

namespace ember {

/// Element types, in PyTorch's order of promotion within each category.
enum class ScalarType : int8_t {
  Bool,
  UInt8,
  Int8,
  Int16,
  Int32,
  Int64,
  Float16,
  BFloat16,
  Float32,
  Float64,
  Undefined,
};
using Dtype = ScalarType;
constexpr int kNumScalarTypes = 10;

constexpr ScalarType kBool = ScalarType::Bool;
constexpr ScalarType kUInt8 = ScalarType::UInt8;
constexpr ScalarType kByte = ScalarType::UInt8;
constexpr ScalarType kInt8 = ScalarType::Int8;
constexpr ScalarType kChar = ScalarType::Int8;
constexpr ScalarType kInt16 = ScalarType::Int16;
constexpr ScalarType kShort = ScalarType::Int16;
constexpr ScalarType kInt32 = ScalarType::Int32;
constexpr ScalarType kInt = ScalarType::Int32;
constexpr ScalarType kInt64 = ScalarType::Int64;
constexpr ScalarType kLong = ScalarType::Int64;
constexpr ScalarType kFloat16 = ScalarType::Float16;
constexpr ScalarType kHalf = ScalarType::Float16;
constexpr ScalarType kBFloat16 = ScalarType::BFloat16;
constexpr ScalarType kFloat32 = ScalarType::Float32;
constexpr ScalarType kFloat = ScalarType::Float32;
constexpr ScalarType kFloat64 = ScalarType::Float64;
constexpr ScalarType kDouble = ScalarType::Float64;

/// Bytes per element.
inline size_t itemsize(ScalarType t) {
  constexpr unsigned char sizes[] = {1, 1, 1, 2, 4, 8, 2, 2, 4, 8, 0};
  unsigned i = unsigned(t);
  return i < 11 ? sizes[i] : 0;
}
/// torch's name without the prefix: "float32", "int64", "bool".
EMBER_API const char* dtype_name(ScalarType t);
inline bool is_floating_point(ScalarType t) {
  return t >= ScalarType::Float16 && t <= ScalarType::Float64;
}
/// True for the integer types and bool.
inline bool is_integral(ScalarType t, bool include_bool = true) {
  return (t >= ScalarType::UInt8 && t <= ScalarType::Int64) ||
         (include_bool && t == ScalarType::Bool);
}
/// PyTorch's promote_types: the smallest type both values fit in.
EMBER_API ScalarType promote_types(ScalarType a, ScalarType b);

/// The dtype new floating tensors get (float32 unless changed).
EMBER_API ScalarType get_default_dtype();
EMBER_API void set_default_dtype(ScalarType t);

EMBER_API std::ostream& operator<<(std::ostream& os, ScalarType t);

template <typename T>
struct CppTypeToScalarType;
#define EMBER_MAP_TYPE(cpp, st) \
  template <>                   \
  struct CppTypeToScalarType<cpp> { static constexpr ScalarType value = ScalarType::st; };
EMBER_MAP_TYPE(bool, Bool)
EMBER_MAP_TYPE(uint8_t, UInt8)
EMBER_MAP_TYPE(int8_t, Int8)
EMBER_MAP_TYPE(int16_t, Int16)
EMBER_MAP_TYPE(int32_t, Int32)
EMBER_MAP_TYPE(int64_t, Int64)
EMBER_MAP_TYPE(Half, Float16)
EMBER_MAP_TYPE(BFloat16, BFloat16)
EMBER_MAP_TYPE(float, Float32)
EMBER_MAP_TYPE(double, Float64)
#undef EMBER_MAP_TYPE

}  // namespace ember
