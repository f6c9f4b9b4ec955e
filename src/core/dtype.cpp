#include "ember/dtype.h"

#include "ember/device.h"
#include "ember/error.h"
#include "ember/shape.h"

namespace ember {

const char* dtype_name(ScalarType t) {
  static const char* names[] = {"bool", "uint8", "int8", "int16", "int32", "int64",
                                "float16", "bfloat16", "float32", "float64", "undefined"};
  int i = int(t);
  return (i >= 0 && i <= 10) ? names[i] : "undefined";
}

ScalarType promote_types(ScalarType a, ScalarType b) {
  if (a == b) return a;
  if (a == kBool) return b;
  if (b == kBool) return a;
  bool fa = is_floating_point(a), fb = is_floating_point(b);
  if (fa && fb) {
    if ((a == kFloat16 && b == kBFloat16) || (a == kBFloat16 && b == kFloat16)) return kFloat32;
    return a > b ? a : b;
  }
  if (fa) return a;
  if (fb) return b;
  // Both integers: uint8 with a signed type needs the next wider signed type.
  if (a == kUInt8 || b == kUInt8) {
    ScalarType other = a == kUInt8 ? b : a;
    return other == kInt8 ? kInt16 : other;
  }
  return a > b ? a : b;
}

namespace {
ScalarType& default_dtype() {
  static ScalarType t = kFloat32;
  return t;
}
}  // namespace
ScalarType get_default_dtype() { return default_dtype(); }
void set_default_dtype(ScalarType t) {
  EMBER_CHECK_TYPE(is_floating_point(t), "set_default_dtype: only floating-point types are supported as the default type, got ", t);
  default_dtype() = t;
}

std::ostream& operator<<(std::ostream& os, ScalarType t) { return os << dtype_name(t); }

std::ostream& operator<<(std::ostream& os, IntArrayRef a) {
  os << '[';
  for (size_t i = 0; i < a.size(); ++i) os << (i ? ", " : "") << a[i];
  return os << ']';
}

Device::Device(const std::string& spec) {
  std::string s = spec;
  int idx = -1;
  auto colon = s.find(':');
  std::string kind = s.substr(0, colon);
  if (colon != std::string::npos) {
    std::string num = s.substr(colon + 1);
    bool ok = !num.empty() && num.size() < 4;
    for (char c : num) ok = ok && c >= '0' && c <= '9';
    EMBER_CHECK(ok, "Invalid device string: '", spec, "'");
    idx = std::stoi(num);
  }
  if (kind == "cpu") {
    type_ = DeviceType::CPU;
  } else if (kind == "cuda") {
    type_ = DeviceType::CUDA;
  } else {
    throw RuntimeError(detail::str("Expected one of cpu, cuda device type at start of device string: ", spec));
  }
  EMBER_CHECK(idx < 128, "Invalid device string: '", spec, "'");
  index_ = int8_t(idx);
}

std::string Device::str() const {
  if (type_ == DeviceType::CPU) return "cpu";
  return index_ < 0 ? "cuda" : "cuda:" + std::to_string(index_);
}

std::ostream& operator<<(std::ostream& os, const Device& d) { return os << d.str(); }

}  // namespace ember
