#pragma once

// The CUDA backend's device plumbing: device count, a device guard and the
// caching allocator. allocator.cpp registers these as
// detail::device_hooks(DeviceType::CUDA) at static-init time; the rest of
// ember reaches them only through those hooks.

#include <cstddef>
#include <cstdint>

namespace ember {
namespace cuda {
namespace detail {

/// Number of usable CUDA devices; 0 (never an exception, never a message)
/// when there is no driver or no device. Asked once, then cached.
int device_count_or_zero();

/// Throws ember::RuntimeError unless `index` names a usable device; `what`
/// starts the message ("cannot allocate 8 bytes on cuda:0").
void check_device(int index, const char* what);

/// Makes `index` the current device for its lifetime (no-op when it
/// already is), then restores the previous one.
class DeviceGuard {
 public:
  explicit DeviceGuard(int index);
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int prev_ = -1;
};

/// The device that owns a pointer from our allocator (0 with one device).
int device_of(const void* ptr);

// Caching allocator. Freed blocks are kept per device in buckets of their
// rounded size and handed out again; they go back to the driver on
// empty_cache() or when cudaMalloc fails (then the allocation is retried
// once). Work runs on the default stream only, so a freed block's pending
// kernels are stream-ordered before any kernel of its next owner.
void* allocate(int device, size_t nbytes);
void free(int device, void* ptr, size_t nbytes);
void empty_cache();
/// The size an allocation of n bytes really takes (512-byte granularity
/// below 1 MiB, quarter steps of the power of two above).
size_t round_size(size_t nbytes);

struct MemoryStats {
  size_t allocated = 0;       // bytes in blocks handed out now
  size_t reserved = 0;        // bytes held from the driver (allocated + cached)
  size_t peak_allocated = 0;  // high-water mark of `allocated`
};
MemoryStats memory_stats(int device);

}  // namespace detail
}  // namespace cuda
}  // namespace ember
