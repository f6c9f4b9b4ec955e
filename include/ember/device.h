#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "ember/export.h"

namespace ember {

enum class DeviceType : int8_t { CPU = 0, CUDA = 1 };
constexpr int kNumDeviceTypes = 2;
constexpr DeviceType kCPU = DeviceType::CPU;
constexpr DeviceType kCUDA = DeviceType::CUDA;

/// A device: `cpu` or `cuda:N`. Built from a type (`ember::kCUDA`) or a
/// string (`"cuda:1"`).
struct EMBER_API Device {
  Device(DeviceType type = DeviceType::CPU, int index = -1)
      : type_(type), index_(static_cast<int8_t>(index)) {}
  Device(const std::string& spec);
  Device(const char* spec) : Device(std::string(spec)) {}

  DeviceType type() const { return type_; }
  int index() const { return index_; }
  bool is_cpu() const { return type_ == DeviceType::CPU; }
  bool is_cuda() const { return type_ == DeviceType::CUDA; }
  std::string str() const;

  friend bool operator==(const Device& a, const Device& b) {
    return a.type_ == b.type_ &&
           (a.type_ == DeviceType::CPU || (a.index_ < 0 ? 0 : a.index_) ==
                                              (b.index_ < 0 ? 0 : b.index_));
  }
  friend bool operator!=(const Device& a, const Device& b) { return !(a == b); }

 private:
  DeviceType type_;
  int8_t index_;
};

EMBER_API std::ostream& operator<<(std::ostream& os, const Device& d);

namespace cuda {
/// Whether a CUDA device can run kernels now (false in a CPU-only build).
EMBER_API bool is_available();
EMBER_API int device_count();
}  // namespace cuda

}  // namespace ember
