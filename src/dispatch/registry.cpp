#include "dispatch/registry.h"

namespace ember {
namespace detail {

void* g_kernels[kNumOps][kNumDeviceTypes] = {};

const char* op_name(OpId op) {
  static const char* names[] = {
#define EMBER_OP_NAME(name) #name,
      EMBER_KERNEL_OPS(EMBER_OP_NAME)
#undef EMBER_OP_NAME
  };
  return names[int(op)];
}

void register_kernel(OpId op, DeviceType device, void* fn) { g_kernels[int(op)][int(device)] = fn; }

void throw_no_kernel(OpId op, Device device) {
  std::string have;
  for (int d = 0; d < kNumDeviceTypes; ++d)
    if (g_kernels[int(op)][d]) have += std::string(have.empty() ? "" : ", ") + (d == 0 ? "cpu" : "cuda");
  throw NotImplementedError(str(op_name(op), ": no kernel for device ", device.str(),
                                 "; have ", have.empty() ? "none" : have));
}

DeviceHooks& device_hooks(DeviceType type) {
  static DeviceHooks hooks[kNumDeviceTypes];
  return hooks[int(type)];
}

void* device_allocate(Device device, size_t nbytes) {
  auto& h = device_hooks(device.type());
  EMBER_CHECK(h.allocate != nullptr, "cannot allocate on ", device.str(),
              ": ember was built without CUDA support (configure with -DEMBER_CUDA=ON)");
  return h.allocate(device.index() < 0 ? 0 : device.index(), nbytes);
}

void device_free(Device device, void* ptr, size_t nbytes) {
  auto& h = device_hooks(device.type());
  if (h.free) h.free(device.index() < 0 ? 0 : device.index(), ptr, nbytes);
}

}  // namespace detail

namespace cuda {
bool is_available() { return device_count() > 0; }
int device_count() {
  auto& h = detail::device_hooks(DeviceType::CUDA);
  return h.device_count ? h.device_count() : 0;
}
}  // namespace cuda
}  // namespace ember

#include "dispatch/dtype_switch.h"

namespace ember {
namespace detail {
void throw_bad_dtype(ScalarType t, const char* op, const char* kinds) {
  throw TypeError(str(op, ": not implemented for '", dtype_name(t), "' (supports ", kinds, ")"));
}
}  // namespace detail
}  // namespace ember
