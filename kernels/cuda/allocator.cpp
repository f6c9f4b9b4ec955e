// CUDA devices, the caching allocator and the device hooks that plug them
// into ember (Storage allocates through detail::device_allocate, copy_
// between devices goes through copy_bytes).
#include "cuda/allocator.h"

#include <cuda_runtime_api.h>

#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "cuda/cuda_check.h"
#include "dispatch/registry.h"

namespace ember {
namespace cuda {
namespace detail {

namespace {

struct DeviceInfo {
  int count = 0;
  cudaError_t error = cudaSuccess;  // why count is 0, when it is
};

const DeviceInfo& device_info() {
  // cudaGetDeviceCount loads the driver; without one it returns an error
  // (cudaErrorInsufficientDriver, cudaErrorNoDevice): that means 0 devices.
  static const DeviceInfo info = [] {
    DeviceInfo d;
    d.error = cudaGetDeviceCount(&d.count);
    if (d.error != cudaSuccess) {
      d.count = 0;
      (void)cudaGetLastError();
    }
    return d;
  }();
  return info;
}

std::string bytes_str(size_t n) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  double v = double(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[48];
  if (u == 0) std::snprintf(buf, sizeof buf, "%zu bytes", n);
  else std::snprintf(buf, sizeof buf, "%.2f %s", v, units[u]);
  return buf;
}

constexpr size_t kMinBlock = 512;
constexpr size_t kSmallLimit = size_t(1) << 20;  // 1 MiB

struct DeviceCache {
  std::unordered_map<size_t, std::vector<void*>> free_blocks;  // rounded size -> blocks
  std::unordered_map<void*, size_t> live;                      // block -> rounded size
  MemoryStats stats;
};

struct Allocator {
  std::mutex mu;
  std::vector<DeviceCache> devices;

  DeviceCache& device(int index) {
    if (int(devices.size()) <= index) devices.resize(size_t(index) + 1);
    return devices[size_t(index)];
  }

  // Returns every cached block of `index` to the driver (caller holds mu).
  void release_cached(int index) {
    DeviceCache& d = device(index);
    DeviceGuard guard(index);
    for (auto& kv : d.free_blocks) {
      for (void* p : kv.second) {
        cudaFree(p);  // best effort: a failure here must not hide the caller's error
        d.stats.reserved -= kv.first;
      }
    }
    d.free_blocks.clear();
    (void)cudaGetLastError();
  }
};

Allocator& allocator() {
  static Allocator* a = new Allocator();  // never destroyed: tensors may be freed at exit
  return *a;
}

}  // namespace

int device_count_or_zero() { return device_info().count; }

void check_device(int index, const char* what) {
  const DeviceInfo& info = device_info();
  if (info.count == 0) {
    std::string why;
    if (info.error == cudaErrorInsufficientDriver) {
      int runtime = 0;
      cudaRuntimeGetVersion(&runtime);
      why = ::ember::detail::str("no NVIDIA driver is loaded, or it is older than the CUDA ", runtime / 1000, ".",
                                 (runtime % 1000) / 10, " runtime ember was built with");
    } else if (info.error != cudaSuccess) {
      why = cudaGetErrorString(info.error);
    } else {
      why = "no CUDA-capable device is detected";
    }
    throw RuntimeError(::ember::detail::str(what, ": no CUDA device is available (", why,
                                            "); ember::cuda::is_available() is false"));
  }
  if (index < 0 || index >= info.count) {
    throw RuntimeError(::ember::detail::str(what, ": device index ", index, " is out of range (", info.count,
                                            " CUDA device", info.count == 1 ? "" : "s", " available)"));
  }
}

DeviceGuard::DeviceGuard(int index) {
  int cur = 0;
  EMBER_CUDA_CHECK(cudaGetDevice(&cur));
  if (cur != index) {
    EMBER_CUDA_CHECK(cudaSetDevice(index));
    prev_ = cur;
  }
}
DeviceGuard::~DeviceGuard() {
  if (prev_ >= 0) cudaSetDevice(prev_);
}

int device_of(const void* ptr) {
  if (device_count_or_zero() <= 1) return 0;
  cudaPointerAttributes attr;
  EMBER_CUDA_CHECK(cudaPointerGetAttributes(&attr, ptr));
  return attr.device;
}

size_t round_size(size_t n) {
  if (n <= kSmallLimit) return n < kMinBlock ? kMinBlock : (n + kMinBlock - 1) / kMinBlock * kMinBlock;
  size_t p = kSmallLimit;
  while (p * 2 < n) p *= 2;  // p < n <= 2p
  size_t step = p / 4;
  return (n + step - 1) / step * step;
}

void* allocate(int index, size_t nbytes) {
  size_t n = round_size(nbytes);
  Allocator& a = allocator();
  std::lock_guard<std::mutex> lock(a.mu);
  DeviceCache& d = a.device(index);
  void* p = nullptr;
  auto it = d.free_blocks.find(n);
  if (it != d.free_blocks.end() && !it->second.empty()) {
    p = it->second.back();
    it->second.pop_back();
  } else {
    DeviceGuard guard(index);
    cudaError_t err = cudaMalloc(&p, n);
    if (err == cudaErrorMemoryAllocation) {
      (void)cudaGetLastError();
      a.release_cached(index);
      err = cudaMalloc(&p, n);
    }
    if (err == cudaErrorMemoryAllocation) {
      (void)cudaGetLastError();
      size_t free_b = 0, total_b = 0;
      cudaMemGetInfo(&free_b, &total_b);
      (void)cudaGetLastError();
      throw RuntimeError(::ember::detail::str(
          "CUDA out of memory: tried to allocate ", bytes_str(n), " on cuda:", index, " (", bytes_str(total_b),
          " total, ", bytes_str(free_b), " free; ", bytes_str(d.stats.allocated), " allocated by ember, ",
          bytes_str(d.stats.reserved), " reserved)"));
    }
    EMBER_CUDA_CHECK(err);
    d.stats.reserved += n;
  }
  d.live[p] = n;
  d.stats.allocated += n;
  if (d.stats.allocated > d.stats.peak_allocated) d.stats.peak_allocated = d.stats.allocated;
  return p;
}

void free(int index, void* ptr, size_t /*nbytes*/) {
  if (!ptr) return;
  Allocator& a = allocator();
  std::lock_guard<std::mutex> lock(a.mu);
  DeviceCache& d = a.device(index);
  auto it = d.live.find(ptr);
  if (it == d.live.end()) return;  // not ours: never hand it out again
  size_t n = it->second;
  d.live.erase(it);
  d.stats.allocated -= n;
  d.free_blocks[n].push_back(ptr);
}

void empty_cache() {
  Allocator& a = allocator();
  std::lock_guard<std::mutex> lock(a.mu);
  for (int i = 0; i < int(a.devices.size()); ++i)
    if (!a.devices[size_t(i)].free_blocks.empty()) a.release_cached(i);
}

MemoryStats memory_stats(int index) {
  Allocator& a = allocator();
  std::lock_guard<std::mutex> lock(a.mu);
  return index < int(a.devices.size()) ? a.devices[size_t(index)].stats : MemoryStats{};
}

namespace {

// ---- the hooks ----

void* hook_allocate(int index, size_t nbytes) {
  if (device_info().count == 0 || index >= device_info().count) {
    check_device(index, ::ember::detail::str("cannot allocate ", bytes_str(nbytes), " on cuda:", index).c_str());
  }
  return allocate(index, nbytes);
}

void hook_free(int index, void* ptr, size_t nbytes) { free(index, ptr, nbytes); }

void hook_copy_bytes(void* dst, Device dst_device, const void* src, Device src_device, size_t nbytes) {
  if (nbytes == 0) return;
  int di = dst_device.index() < 0 ? 0 : dst_device.index();
  int si = src_device.index() < 0 ? 0 : src_device.index();
  if (dst_device.is_cpu() && src_device.is_cpu()) {
    std::memcpy(dst, src, nbytes);
  } else if (src_device.is_cpu()) {
    DeviceGuard guard(di);
    EMBER_CUDA_CHECK(cudaMemcpy(dst, src, nbytes, cudaMemcpyHostToDevice));
  } else if (dst_device.is_cpu()) {
    DeviceGuard guard(si);
    EMBER_CUDA_CHECK(cudaMemcpy(dst, src, nbytes, cudaMemcpyDeviceToHost));
  } else if (di == si) {
    DeviceGuard guard(di);
    EMBER_CUDA_CHECK(cudaMemcpy(dst, src, nbytes, cudaMemcpyDeviceToDevice));
  } else {
    EMBER_CUDA_CHECK(cudaMemcpyPeer(dst, di, src, si, nbytes));
  }
}

int hook_device_count() { return device_count_or_zero(); }

// Registration only stores function pointers: it must not touch the driver
// (a machine without one loads this library too).
struct RegisterHooks {
  RegisterHooks() {
    auto& h = ::ember::detail::device_hooks(DeviceType::CUDA);
    h.allocate = hook_allocate;
    h.free = hook_free;
    h.copy_bytes = hook_copy_bytes;
    h.device_count = hook_device_count;
  }
};
RegisterHooks register_hooks;

}  // namespace

}  // namespace detail
}  // namespace cuda
}  // namespace ember
