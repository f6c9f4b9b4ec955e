#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "ember/device.h"

namespace ember {

/// A block of memory on one device, shared by a tensor and its views. The
/// version counter lives here because views share it.
struct Storage {
  Storage(size_t nbytes, Device device);  // allocates
  Storage(void* data, size_t nbytes, Device device, std::function<void(void*)> deleter);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data = nullptr;
  size_t nbytes = 0;
  Device device;
  std::function<void(void*)> deleter;  // set for external memory
  bool owned = true;
  uint32_t version = 0;
};

}  // namespace ember
