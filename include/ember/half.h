#pragma once

#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define EMBER_HD __host__ __device__
#else
#define EMBER_HD
#endif

namespace ember {

namespace detail {
EMBER_HD inline uint32_t f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
EMBER_HD inline float bits_f32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
// IEEE binary16 <-> binary32, round to nearest even (as torch's c10::Half).
EMBER_HD inline uint16_t f32_to_f16(float f) {
  uint32_t x = f32_bits(f);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t mag = x & 0x7fffffffu;
  if (mag >= 0x7f800000u) return uint16_t(sign | (mag > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (mag >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // overflows to inf
  if (mag < 0x38800000u) {  // subnormal or zero in half
    float a = bits_f32(mag) + 0.5f;  // denormal trick: hardware rounds for us
    return uint16_t(sign | (f32_bits(a) - 0x3f000000u));
  }
  uint32_t odd = (mag >> 13) & 1u;
  mag += 0xc8000fffu + odd;  // rebias exponent (-112 << 23) and round
  return uint16_t(sign | (mag >> 13));
}
EMBER_HD inline float f16_to_f32(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t man = h & 0x3ffu;
  if (exp == 0x1f) return bits_f32(sign | 0x7f800000u | (man << 13));
  if (exp == 0) {
    float v = float(man) * 5.9604644775390625e-08f;  // 2^-24
    return sign ? -v : v;
  }
  return bits_f32(sign | ((exp + 112) << 23) | (man << 13));
}
EMBER_HD inline uint16_t f32_to_bf16(float f) {
  uint32_t x = f32_bits(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return uint16_t((x >> 16) | 0x40u);  // quiet NaN
  x += 0x7fffu + ((x >> 16) & 1u);
  return uint16_t(x >> 16);
}
EMBER_HD inline float bf16_to_f32(uint16_t b) { return bits_f32(uint32_t(b) << 16); }
}  // namespace detail

/// 16-bit IEEE float. Arithmetic happens in float32 (the "opmath" type).
struct Half {
  uint16_t x = 0;
  Half() = default;
  EMBER_HD Half(float f) : x(detail::f32_to_f16(f)) {}
  EMBER_HD Half(double f) : x(detail::f32_to_f16(float(f))) {}
  template <typename I, typename = decltype(static_cast<float>(I()))>
  EMBER_HD Half(I v) : x(detail::f32_to_f16(static_cast<float>(v))) {}
  EMBER_HD operator float() const { return detail::f16_to_f32(x); }
  static Half from_bits(uint16_t b) { Half h; h.x = b; return h; }
};

/// bfloat16: float32's exponent with a 7-bit mantissa.
struct BFloat16 {
  uint16_t x = 0;
  BFloat16() = default;
  EMBER_HD BFloat16(float f) : x(detail::f32_to_bf16(f)) {}
  EMBER_HD BFloat16(double f) : x(detail::f32_to_bf16(float(f))) {}
  template <typename I, typename = decltype(static_cast<float>(I()))>
  EMBER_HD BFloat16(I v) : x(detail::f32_to_bf16(static_cast<float>(v))) {}
  EMBER_HD operator float() const { return detail::bf16_to_f32(x); }
  static BFloat16 from_bits(uint16_t b) { BFloat16 h; h.x = b; return h; }
};

}  // namespace ember
