// safetensors, ember's native checkpoint format:
//   8 bytes   little-endian uint64 N, the header length
//   N bytes   JSON: {"name": {"dtype": "F32", "shape": [2, 3],
//                     "data_offsets": [begin, end]}, ...,
//                    "__metadata__": {"key": "value"}}
//             (padded with spaces to a multiple of 8)
//   the data  raw little-endian bytes; offsets are relative to its start
// Loading validates everything before trusting it (header length, JSON,
// dtypes, shapes, byte counts, offsets) and reads with bounds-checked pread.
// Also here: the by-extension save/load entry points of ember::io.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "ember/io.h"
#include "io/io_internal.h"

namespace ember {
namespace io {

namespace {

using json = nlohmann::ordered_json;
constexpr uint64_t kMaxHeader = uint64_t(100) << 20;  // 100 MB, as the reference implementation

const char* dtype_code(ScalarType t) {
  switch (t) {
    case kFloat64: return "F64";
    case kFloat32: return "F32";
    case kFloat16: return "F16";
    case kBFloat16: return "BF16";
    case kInt64: return "I64";
    case kInt32: return "I32";
    case kInt16: return "I16";
    case kInt8: return "I8";
    case kUInt8: return "U8";
    case kBool: return "BOOL";
    default: break;
  }
  EMBER_CHECK(false, "safetensors: cannot save dtype ", t);
  return "";
}

bool dtype_from_code(const std::string& s, ScalarType* out) {
  static const std::pair<const char*, ScalarType> table[] = {
      {"F64", kFloat64}, {"F32", kFloat32}, {"F16", kFloat16}, {"BF16", kBFloat16}, {"I64", kInt64},
      {"I32", kInt32},   {"I16", kInt16},   {"I8", kInt8},     {"U8", kUInt8},      {"BOOL", kBool}};
  for (const auto& e : table) {
    if (s == e.first) {
      *out = e.second;
      return true;
    }
  }
  return false;
}

void check_little_endian() {
  const uint16_t one = 1;
  unsigned char b;
  std::memcpy(&b, &one, 1);
  EMBER_CHECK(b == 1, "ember::io: big-endian hosts are not supported");
}

Tensor cpu_contiguous(const Tensor& t) {
  Tensor c = t.detach();
  if (!c.is_cpu()) c = c.cpu();
  return c.contiguous();
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void pread_all(int fd, void* dst, uint64_t n, uint64_t offset, const std::string& path) {
  char* p = static_cast<char*>(dst);
  while (n > 0) {
    size_t chunk = n > (uint64_t(1) << 30) ? (size_t(1) << 30) : size_t(n);
    ssize_t r = ::pread(fd, p, chunk, off_t(offset));
    if (r < 0 && errno == EINTR) continue;
    EMBER_CHECK(r >= 0, "error reading '", path, "': ", std::strerror(errno));
    EMBER_CHECK(r > 0, "'", path, "' is truncated (it changed while being read)");
    p += r;
    n -= uint64_t(r);
    offset += uint64_t(r);
  }
}

struct Entry {
  std::string name;
  ScalarType dtype;
  std::vector<int64_t> shape;
  uint64_t begin, end;
};

struct Parsed {
  std::vector<Entry> entries;
  std::map<std::string, std::string> metadata;
  uint64_t data_start = 0;
};

/// Opens, reads and validates the header; `fd` stays open for the data.
Parsed parse_header(const std::string& path, Fd& file) {
  check_little_endian();
  file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EMBER_CHECK(file.fd >= 0, "cannot open '", path, "': ", std::strerror(errno));
  struct stat st;
  EMBER_CHECK(::fstat(file.fd, &st) == 0, "cannot stat '", path, "': ", std::strerror(errno));
  EMBER_CHECK(S_ISREG(st.st_mode), "'", path, "' is not a regular file");
  uint64_t file_size = uint64_t(st.st_size);
  const std::string what = "safetensors: '" + path + "'";
  EMBER_CHECK(file_size >= 8, what, " is too short (", file_size, " bytes) to hold the 8-byte header length");
  unsigned char lenbuf[8];
  pread_all(file.fd, lenbuf, 8, 0, path);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | lenbuf[i];
  EMBER_CHECK(n <= kMaxHeader, what, ": header length ", n, " exceeds the limit of ", kMaxHeader, " bytes");
  EMBER_CHECK(n <= file_size - 8, what, ": header length ", n, " exceeds the file size (", file_size,
              " bytes): the file is truncated or corrupt");
  EMBER_CHECK(n >= 2, what, ": header length ", n, " is too small for a JSON object");
  std::string text(size_t(n), '\0');
  pread_all(file.fd, text.data(), n, 8, path);

  json header;
  try {
    header = json::parse(text);
  } catch (const json::exception& e) {
    EMBER_CHECK(false, what, ": the header is not valid JSON (", e.what(), ")");
  }
  EMBER_CHECK(header.is_object(), what, ": the header is not a JSON object");

  Parsed out;
  out.data_start = 8 + n;
  uint64_t data_len = file_size - out.data_start;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    if (key == "__metadata__") {
      EMBER_CHECK(v.is_object(), what, ": __metadata__ must be an object of strings");
      for (auto m = v.begin(); m != v.end(); ++m) {
        EMBER_CHECK(m.value().is_string(), what, ": __metadata__ value for '", m.key(), "' is not a string");
        out.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    const std::string where = what + ": tensor '" + key + "'";
    EMBER_CHECK(v.is_object(), where, " is not a JSON object");
    auto dt = v.find("dtype");
    auto sh = v.find("shape");
    auto of = v.find("data_offsets");
    EMBER_CHECK(dt != v.end() && dt->is_string(), where, " has no string 'dtype'");
    EMBER_CHECK(sh != v.end() && sh->is_array(), where, " has no 'shape' array");
    EMBER_CHECK(of != v.end() && of->is_array() && of->size() == 2, where,
                " needs 'data_offsets' as [begin, end]");
    Entry e;
    e.name = key;
    std::string code = dt->get<std::string>();
    EMBER_CHECK(dtype_from_code(code, &e.dtype), where, " has an unknown dtype '", code, "'");
    EMBER_CHECK(sh->size() <= 64, where, " has ", sh->size(), " dimensions (at most 64)");
    uint64_t numel = 1;
    bool overflow = false;
    for (const auto& d : *sh) {
      EMBER_CHECK(d.is_number_unsigned() || (d.is_number_integer() && d.get<int64_t>() >= 0), where,
                  " has a shape entry that is not a non-negative integer: ", d.dump());
      uint64_t s = d.get<uint64_t>();
      EMBER_CHECK(s <= uint64_t(std::numeric_limits<int64_t>::max()), where, " has a dimension too large: ", s);
      e.shape.push_back(int64_t(s));
      overflow |= __builtin_mul_overflow(numel, s, &numel);
    }
    for (const auto& o : *of) {
      EMBER_CHECK(o.is_number_unsigned() || (o.is_number_integer() && o.get<int64_t>() >= 0), where,
                  " has a data offset that is not a non-negative integer: ", o.dump());
    }
    e.begin = (*of)[0].get<uint64_t>();
    e.end = (*of)[1].get<uint64_t>();
    EMBER_CHECK(e.begin <= e.end, where, ": data_offsets [", e.begin, ", ", e.end, "] are reversed");
    EMBER_CHECK(e.end <= data_len, where, ": data_offsets [", e.begin, ", ", e.end,
                "] lie outside the data section (", data_len, " bytes): the file is truncated or corrupt");
    uint64_t nbytes = 0;
    overflow |= __builtin_mul_overflow(numel, uint64_t(itemsize(e.dtype)), &nbytes);
    EMBER_CHECK(!overflow && nbytes == e.end - e.begin, where, ": shape ", sh->dump(), " of ", code,
                overflow ? " overflows" : "", " does not match its ", e.end - e.begin, " data bytes");
    out.entries.push_back(std::move(e));
  }
  // Offsets must not overlap (sorted by begin; empty tensors may share one).
  std::vector<const Entry*> order;
  for (const auto& e : out.entries) order.push_back(&e);
  std::sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t prev_end = 0;
  const Entry* prev = nullptr;
  for (const Entry* e : order) {
    if (e->begin == e->end) continue;
    EMBER_CHECK(e->begin >= prev_end, what, ": the data of tensors '", prev ? prev->name : "", "' and '",
                e->name, "' overlap");
    prev_end = e->end;
    prev = e;
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- save

void save_safetensors(const nn::NamedTensors& tensors, const std::string& path,
                      const std::map<std::string, std::string>& metadata) {
  check_little_endian();
  std::vector<Tensor> data;
  json header = json::object();
  if (!metadata.empty()) {
    json m = json::object();
    for (const auto& kv : metadata) m[kv.first] = kv.second;
    header["__metadata__"] = m;
  }
  uint64_t offset = 0;
  for (const auto& kv : tensors) {
    EMBER_CHECK(kv.first != "__metadata__", "safetensors: '__metadata__' cannot be a tensor name");
    EMBER_CHECK(kv.second.defined(), "safetensors: tensor '", kv.first, "' is undefined");
    Tensor t = cpu_contiguous(kv.second);
    json e = json::object();
    e["dtype"] = dtype_code(t.dtype());
    json shape = json::array();
    for (int64_t s : t.sizes()) shape.push_back(s);
    e["shape"] = shape;
    uint64_t nb = t.nbytes();
    e["data_offsets"] = json::array({offset, offset + nb});
    offset += nb;
    header[kv.first] = e;
    data.push_back(t);
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // 8-byte aligned data, as the reference writer
  unsigned char len[8];
  uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) len[i] = (unsigned char)(n >> (8 * i));
  detail::atomic_write(path, [&](int fd) {
    detail::write_all(fd, len, 8, path);
    detail::write_all(fd, text.data(), text.size(), path);
    for (const auto& t : data) detail::write_all(fd, t.data_ptr(), t.nbytes(), path);
  });
}

// ---------------------------------------------------------------- load

nn::NamedTensors load_safetensors(const std::string& path) {
  Fd file;
  Parsed p = parse_header(path, file);
  nn::NamedTensors out;
  for (const auto& e : p.entries) {
    Tensor t = empty(IntArrayRef(e.shape), TensorOptions().dtype(e.dtype));
    if (e.end > e.begin) pread_all(file.fd, t.data_ptr(), e.end - e.begin, p.data_start + e.begin, path);
    out.insert(e.name, t);
  }
  return out;
}

std::map<std::string, std::string> load_safetensors_metadata(const std::string& path) {
  Fd file;
  return parse_header(path, file).metadata;
}

// ---------------------------------------------------------------- by extension

Format format_for_path(const std::string& path) {
  auto dot = path.rfind('.');
  auto slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return Format::SafeTensors;
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (ext == "pt" || ext == "pth" || ext == "bin" || ext == "tar") return Format::PyTorch;
  return Format::SafeTensors;
}

void save(const nn::NamedTensors& tensors, const std::string& path) {
  if (format_for_path(path) == Format::PyTorch) {
    save_pt(tensors, path);
  } else {
    save_safetensors(tensors, path);
  }
}

nn::NamedTensors load(const std::string& path) {
  return format_for_path(path) == Format::PyTorch ? load_pt(path) : load_safetensors(path);
}

void save(const nn::Module& module, const std::string& path) { save(module.state_dict(), path); }

void load(nn::Module& module, const std::string& path, bool strict) {
  module.load_state_dict(load(path), strict);
}

}  // namespace io
}  // namespace ember
