// Datasets, samplers and random_split (ember::data), and the readers for
// MNIST IDX files and scikit-learn's 8x8 digits CSV.

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "ember/data.h"

namespace ember {
namespace data {

// ---------------------------------------------------------------- TensorDataset

namespace datasets {

TensorDataset::TensorDataset(std::vector<Tensor> tensors) : tensors_(std::move(tensors)) {
  EMBER_CHECK_VALUE(!tensors_.empty(), "TensorDataset: needs at least one tensor");
  for (size_t k = 0; k < tensors_.size(); ++k) {
    EMBER_CHECK_VALUE(tensors_[k].defined() && tensors_[k].dim() >= 1, "TensorDataset: tensor ", k,
                      " must have at least one dimension");
    EMBER_CHECK_VALUE(tensors_[k].size(0) == tensors_[0].size(0),
                      "TensorDataset: size mismatch between tensors (tensor 0 has ", tensors_[0].size(0),
                      " rows, tensor ", k, " has ", tensors_[k].size(0), ")");
  }
  size_ = size_t(tensors_[0].size(0));
}

std::vector<Tensor> TensorDataset::get(size_t index) const {
  EMBER_CHECK_INDEX(index < size_, "TensorDataset: index ", index, " out of range for size ", size_);
  std::vector<Tensor> out;
  out.reserve(tensors_.size());
  for (const auto& t : tensors_) out.push_back(t.select(0, int64_t(index)));
  return out;
}

std::vector<Tensor> TensorDataset::get_batch_collated(const std::vector<size_t>& indices) const {
  EMBER_CHECK(!indices.empty(), "TensorDataset: empty batch");
  std::vector<int64_t> idx(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    EMBER_CHECK_INDEX(indices[i] < size_, "TensorDataset: index ", indices[i], " out of range for size ",
                      size_);
    idx[i] = int64_t(indices[i]);
  }
  Tensor index = from_blob_copy(idx.data(), {int64_t(idx.size())}, kInt64);
  std::vector<Tensor> out;
  out.reserve(tensors_.size());
  for (const auto& t : tensors_) out.push_back(t.index_select(0, index.to(t.device())));
  return out;
}

}  // namespace datasets

// ---------------------------------------------------------------- samplers

namespace {
std::vector<size_t> permutation(size_t n, Generator* gen) {
  std::vector<size_t> out(n);
  if (n == 0) return out;
  Tensor p = gen ? randperm(int64_t(n), *gen, kInt64) : randperm(int64_t(n), default_generator(), kInt64);
  p = p.contiguous();
  const int64_t* d = p.data_ptr<int64_t>();
  for (size_t i = 0; i < n; ++i) out[i] = size_t(d[i]);
  return out;
}
}  // namespace

std::vector<size_t> SequentialSampler::indices() {
  std::vector<size_t> out(size_);
  std::iota(out.begin(), out.end(), size_t(0));
  return out;
}

std::vector<size_t> RandomSampler::indices() { return permutation(size_, gen_.get()); }

std::vector<size_t> SubsetRandomSampler::indices() {
  auto p = permutation(subset_.size(), gen_.get());
  std::vector<size_t> out(p.size());
  for (size_t i = 0; i < p.size(); ++i) out[i] = subset_[p[i]];
  return out;
}

namespace detail {

std::vector<std::vector<size_t>> split_indices(size_t n, const std::vector<size_t>& lengths, Generator& gen) {
  size_t total = 0;
  for (size_t l : lengths) {
    EMBER_CHECK_VALUE(l <= n && total + l >= total, "random_split: length ", l, " exceeds the dataset size ", n);
    total += l;
  }
  EMBER_CHECK_VALUE(total == n, "random_split: sum of input lengths (", total,
                    ") does not equal the length of the input dataset (", n, ")");
  auto perm = permutation(n, &gen);
  std::vector<std::vector<size_t>> out;
  size_t off = 0;
  for (size_t l : lengths) {
    out.emplace_back(perm.begin() + off, perm.begin() + off + l);
    off += l;
  }
  return out;
}

std::vector<size_t> fractions_to_lengths(size_t n, const std::vector<double>& fractions) {
  double sum = 0;
  for (double f : fractions) {
    EMBER_CHECK_VALUE(f >= 0 && f <= 1, "random_split: fraction ", f, " is not between 0 and 1");
    sum += f;
  }
  EMBER_CHECK_VALUE(std::abs(sum - 1) < 1e-6, "random_split: fractions sum to ", sum, ", not 1");
  std::vector<size_t> lengths;
  size_t used = 0;
  for (double f : fractions) {
    lengths.push_back(size_t(double(n) * f));  // floor, as torch
    used += lengths.back();
  }
  for (size_t i = 0; used < n && !lengths.empty(); ++i, ++used) lengths[i % lengths.size()] += 1;
  return lengths;
}

}  // namespace detail

// ---------------------------------------------------------------- file readers

namespace datasets {
namespace {

/// The whole file, decompressed when it is gzip. max_bytes caps the output
/// (a hostile .gz cannot make us allocate without bound).
std::string read_file(const std::string& path, size_t max_bytes) {
  gzFile f = gzopen(path.c_str(), "rb");
  EMBER_CHECK(f != nullptr, "cannot open '", path, "': ", std::strerror(errno));
  std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(f, gzclose);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    int n = gzread(f, buf, sizeof(buf));
    if (n < 0) {
      int err = 0;
      const char* msg = gzerror(f, &err);
      EMBER_CHECK(false, "error reading '", path, "': ", msg ? msg : "unknown error");
    }
    if (n == 0) break;
    EMBER_CHECK(out.size() + size_t(n) <= max_bytes, "'", path, "' is larger than ", max_bytes, " bytes");
    out.append(buf, size_t(n));
  }
  return out;
}

uint32_t be32(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

}  // namespace

Tensor read_idx(const std::string& path) {
  // IDX: 2 zero bytes, a type code, the rank, then rank big-endian uint32
  // sizes and the big-endian data.
  std::string bytes = read_file(path, size_t(1) << 34);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  EMBER_CHECK(n >= 4, "read_idx: '", path, "' is too short to be an IDX file (", n, " bytes)");
  EMBER_CHECK(p[0] == 0 && p[1] == 0, "read_idx: '", path, "' has a bad magic number (first bytes ",
              int(p[0]), " ", int(p[1]), ", expected 0 0)");
  ScalarType dtype;
  switch (p[2]) {
    case 0x08: dtype = kUInt8; break;
    case 0x09: dtype = kInt8; break;
    case 0x0B: dtype = kInt16; break;
    case 0x0C: dtype = kInt32; break;
    case 0x0D: dtype = kFloat32; break;
    case 0x0E: dtype = kFloat64; break;
    default: EMBER_CHECK(false, "read_idx: '", path, "' has an unknown IDX type code 0x", std::hex, int(p[2]));
  }
  int rank = p[3];
  EMBER_CHECK(rank >= 1 && rank <= 8, "read_idx: '", path, "' has rank ", rank, " (expected 1 to 8)");
  size_t header = 4 + 4 * size_t(rank);
  EMBER_CHECK(n >= header, "read_idx: '", path, "' is truncated in its header (", n, " bytes, the header needs ",
              header, ")");
  std::vector<int64_t> sizes(rank);
  size_t numel = 1;
  for (int d = 0; d < rank; ++d) {
    uint32_t s = be32(p + 4 + 4 * d);
    sizes[d] = int64_t(s);
    EMBER_CHECK(s == 0 || numel <= std::numeric_limits<size_t>::max() / s, "read_idx: '", path,
                "' has sizes that overflow");
    numel *= s;
  }
  size_t isz = itemsize(dtype);
  size_t avail = n - header;
  EMBER_CHECK(numel <= avail / isz && numel * isz == avail, "read_idx: '", path, "' has ", avail,
              " data bytes but its header says ", numel, " elements of ", isz, " bytes",
              numel * isz > avail ? " (truncated file)" : " (trailing bytes)");
  Tensor out = empty(IntArrayRef(sizes), TensorOptions().dtype(dtype));
  auto* dst = static_cast<unsigned char*>(out.data_ptr());
  const unsigned char* src = p + header;
  if (isz == 1) {
    std::memcpy(dst, src, numel);
  } else {
    for (size_t i = 0; i < numel; ++i)
      for (size_t b = 0; b < isz; ++b) dst[i * isz + b] = src[i * isz + (isz - 1 - b)];  // big -> little
  }
  return out;
}

const char* default_digits_path() {
  return "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
}

Example<> read_digits_csv(const std::string& path) {
  std::string text = read_file(path, size_t(1) << 30);
  std::vector<float> data;
  std::vector<int64_t> target;
  size_t row = 0, pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<double> vals;
    size_t s = 0;
    while (s <= line.size()) {
      size_t c = line.find(',', s);
      if (c == std::string::npos) c = line.size();
      std::string field = line.substr(s, c - s);
      char* endp = nullptr;
      double v = std::strtod(field.c_str(), &endp);
      EMBER_CHECK(!field.empty() && endp && *endp == '\0', "read_digits_csv: '", path, "' line ", row + 1,
                  ": bad number '", field, "'");
      vals.push_back(v);
      s = c + 1;
    }
    EMBER_CHECK(vals.size() == 65, "read_digits_csv: '", path, "' line ", row + 1, " has ", vals.size(),
                " fields (expected 64 pixels and a label)");
    for (int i = 0; i < 64; ++i) data.push_back(float(vals[i]));
    EMBER_CHECK(vals[64] >= 0 && vals[64] <= 9 && vals[64] == double(int64_t(vals[64])), "read_digits_csv: '",
                path, "' line ", row + 1, ": label ", vals[64], " is not a digit");
    target.push_back(int64_t(vals[64]));
    ++row;
  }
  EMBER_CHECK(row > 0, "read_digits_csv: '", path, "' has no rows");
  return Example<>(from_blob_copy(data.data(), {int64_t(row), 64}, kFloat32),
                   from_blob_copy(target.data(), {int64_t(row)}, kInt64));
}

}  // namespace datasets
}  // namespace data
}  // namespace ember
