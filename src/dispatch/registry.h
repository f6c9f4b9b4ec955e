#pragma once

#include <cstddef>
#include <cstdint>

#include "ember/device.h"
#include "ember/error.h"

namespace ember {

// Every op that reaches a kernel has an id here. Adding a kernel op adds one
// line; the table below is indexed by (id, device type), so a lookup is two
// array reads: no string, no hash, no allocation.
#define EMBER_KERNEL_OPS(X)                                                              \
  /* elementwise: void(ElementwiseArgs&) */                                             \
  X(neg) X(abs) X(sign) X(exp) X(exp2) X(log) X(log2) X(log10) X(log1p) X(expm1)       \
  X(sqrt) X(rsqrt) X(square) X(reciprocal) X(sin) X(cos) X(tan) X(asin) X(acos) X(atan) \
  X(sinh) X(cosh) X(tanh) X(sigmoid) X(relu) X(gelu) X(gelu_tanh) X(silu) X(softplus)   \
  X(erf) X(floor) X(ceil) X(round) X(trunc) X(clamp) X(nan_to_num) X(logical_not)       \
  X(bitwise_not) X(isnan) X(isinf) X(isfinite) X(lgamma) X(digamma) X(trigamma) X(erfinv) \
  X(add) X(sub) X(mul) X(div) X(div_trunc) X(div_floor) X(pow) X(remainder) X(fmod)    \
  X(maximum) X(minimum) X(atan2) X(eq) X(ne) X(lt) X(le) X(gt) X(ge) X(logical_and)    \
  X(logical_or) X(logical_xor) X(bitwise_and) X(bitwise_or) X(bitwise_xor)              \
  X(bitwise_left_shift) X(bitwise_right_shift) X(where) X(lerp) X(isclose)              \
  X(clamp_tensor) X(relu_backward)                                                     \
  /* other signatures: see kernel_args.h */                                             \
  X(copy) X(fill) X(reduce_sum) X(reduce_prod) X(reduce_max) X(reduce_min)              \
  X(reduce_argmax) X(reduce_argmin) X(cumsum) X(cumprod) X(softmax) X(log_softmax)      \
  X(softmax_backward) X(log_softmax_backward) X(sort) X(gemm) X(uniform) X(normal)      \
  X(bernoulli) X(randint) X(index_select) X(gather) X(scatter) X(scatter_add)           \
  X(index_add) X(masked_select) X(nonzero) X(tril) X(triu)                               \
  X(im2col) X(col2im) X(max_pool2d) X(layer_norm) X(layer_norm_backward)              \
  X(vol2col) X(col2vol) X(max_pool3d) X(avg_pool_windows) X(avg_pool_windows_backward)  \
  X(ctc_loss) X(ctc_loss_backward)                                                      \
  X(grid_sample) X(grid_sample_backward)                                                \
  /* linear algebra: kernels/cpu/linalg_decomp.cpp */                                  \
  X(lu_factor) X(lu_solve) X(triangular_solve) X(cholesky) X(qr) X(eigh) X(svd) X(lstsq)

enum class OpId : uint16_t {
#define EMBER_OP_ENUM(name) name,
  EMBER_KERNEL_OPS(EMBER_OP_ENUM)
#undef EMBER_OP_ENUM
  kCount
};
constexpr int kNumOps = int(OpId::kCount);

namespace detail {

const char* op_name(OpId op);
void register_kernel(OpId op, DeviceType device, void* fn);
extern void* g_kernels[kNumOps][kNumDeviceTypes];
[[noreturn]] void throw_no_kernel(OpId op, Device device);

/// The kernel for (op, device), as a typed function pointer.
template <typename Fn>
inline Fn kernel(OpId op, Device device) {
  void* k = g_kernels[int(op)][int(device.type())];
  if (__builtin_expect(k == nullptr, 0)) throw_no_kernel(op, device);
  return reinterpret_cast<Fn>(k);
}

struct KernelRegistrar {
  KernelRegistrar(OpId op, DeviceType device, void* fn) { register_kernel(op, device, fn); }
};

// A backend other than the CPU provides its memory and copies through
// these hooks (the CUDA backend registers them when it is built).
struct DeviceHooks {
  void* (*allocate)(int index, size_t nbytes) = nullptr;
  void (*free)(int index, void* ptr, size_t nbytes) = nullptr;
  // Copies contiguous bytes between any two devices, one of which is ours.
  void (*copy_bytes)(void* dst, Device dst_device, const void* src, Device src_device,
                     size_t nbytes) = nullptr;
  int (*device_count)() = nullptr;
};
DeviceHooks& device_hooks(DeviceType type);
void* device_allocate(Device device, size_t nbytes);
void device_free(Device device, void* ptr, size_t nbytes);

}  // namespace detail
}  // namespace ember

#define EMBER_CONCAT_INNER(a, b) a##b
#define EMBER_CONCAT(a, b) EMBER_CONCAT_INNER(a, b)
/// Registers `fn` as the kernel of `op` on `device` (CPU or CUDA).
#define EMBER_REGISTER_KERNEL(op, device, ...)                                      \
  static ::ember::detail::KernelRegistrar EMBER_CONCAT(ember_kernel_reg_, __COUNTER__)( \
      ::ember::OpId::op, ::ember::DeviceType::device, reinterpret_cast<void*>(&__VA_ARGS__))
