// ember::io: safetensors round trips (every dtype, exact), PyTorch .pt files
// written by Debian's torch 1.13 (read here) and by ember (read by torch
// with weights_only=True), module save/load by extension, and corrupt,
// truncated and hostile files, which must raise ember::Error and never crash.

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ember/io.h"
#include "testing/testing.h"

namespace ember {
namespace {

using namespace std::string_literals;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/ember_io_XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
  std::string file(const std::string& name) const { return path + "/" + name; }
};

std::string read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), std::streamsize(bytes.size()));
}

/// Same dtype, shape and bytes.
::testing::AssertionResult identical(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype()) return ::testing::AssertionFailure() << "dtype " << a.dtype() << " vs " << b.dtype();
  if (!a.sizes().equals(b.sizes())) return ::testing::AssertionFailure() << "shape " << a.sizes() << " vs " << b.sizes();
  Tensor x = a.contiguous(), y = b.contiguous();
  if (x.nbytes() && std::memcmp(x.data_ptr(), y.data_ptr(), x.nbytes()) != 0)
    return ::testing::AssertionFailure() << "values differ";
  return ::testing::AssertionSuccess();
}

/// One tensor of every dtype, with awkward values (nan, inf, -0, extremes).
nn::NamedTensors every_dtype() {
  nn::NamedTensors t;
  Generator g(5);
  Tensor base = randn({3, 4}, g, kFloat64) * 1000;
  Tensor f64 = base.clone();
  f64.data_ptr<double>()[0] = std::nan("");
  f64.data_ptr<double>()[1] = -0.0;
  f64.data_ptr<double>()[2] = INFINITY;
  t.insert("f64", f64);
  t.insert("f32", f64.to(kFloat32));
  t.insert("f16", (base / 100).to(kFloat16));
  t.insert("bf16", base.to(kBFloat16));
  t.insert("i64", tensor(std::vector<int64_t>{INT64_MIN, -1, 0, INT64_MAX}));
  t.insert("i32", base.to(kInt32));
  t.insert("i16", base.to(kInt16));
  t.insert("i8", (base / 10).to(kInt8));
  t.insert("u8", (base.abs().to(kInt64) % 256).to(kUInt8));
  t.insert("bool", base > 0);
  t.insert("scalar", full(IntArrayRef(), 3.5, kFloat32));
  t.insert("empty", empty({0, 3}, kFloat32));
  t.insert("view.transposed", base.to(kFloat32).t());  // saved contiguous
  return t;
}

// ================================================================ safetensors

TEST(IOSafetensors, RoundTripIsExactForEveryDtype) {
  TempDir dir;
  auto tensors = every_dtype();
  std::string path = dir.file("all.safetensors");
  io::save_safetensors(tensors, path, {{"format", "pt"}, {"epoch", "3"}});
  auto back = io::load(path);
  ASSERT_EQ(back.keys(), tensors.keys());  // insertion order kept
  for (const auto& kv : tensors) EXPECT_TRUE(identical(back[kv.first], kv.second)) << kv.first;
  auto meta = io::load_safetensors_metadata(path);
  EXPECT_EQ(meta["epoch"], "3");
  // The header is little-endian length + JSON, data 8-byte aligned.
  std::string bytes = read_all(path);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  EXPECT_EQ(n % 8, 0u);
  EXPECT_EQ(bytes[8], '{');
  EXPECT_NE(bytes.find("\"dtype\":\"BF16\""), std::string::npos);

  io::save(tensors["f32"], dir.file("one.safetensors"));
  EXPECT_TRUE(identical(io::load_tensor(dir.file("one.safetensors")), tensors["f32"]));
}

TEST(IOSafetensors, AtomicWrites) {
  TempDir dir;
  std::string path = dir.file("x.safetensors");
  nn::NamedTensors a;
  a.insert("w", ones({2}));
  io::save(a, path);
  a.insert("v", zeros({3}));
  io::save(a, path);  // overwrite
  EXPECT_EQ(io::load(path).size(), 2u);
  EXPECT_THROW(io::save(a, dir.file("no/such/dir.safetensors")), Error);
  // No temporary files are left behind.
  std::string ls = dir.file("ls.txt");
  (void)std::system(("ls -A '" + dir.path + "' > '" + ls + "'").c_str());
  EXPECT_EQ(read_all(ls), "ls.txt\nx.safetensors\n");
}

std::string safetensors_file(const std::string& header, const std::string& data, uint64_t claimed = UINT64_MAX) {
  uint64_t n = claimed == UINT64_MAX ? header.size() : claimed;
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = char((n >> (8 * i)) & 0xff);
  return out + header + data;
}

TEST(IOSafetensors, HostileFilesRaise) {
  TempDir dir;
  std::string path = dir.file("bad.safetensors");
  auto expect_error = [&](const std::string& bytes, const char* fragment) {
    write_all(path, bytes);
    EXPECT_THROW_MSG(io::load_safetensors(path), RuntimeError, fragment);
  };
  std::string eight(8, '\0');
  const std::string ok_entry = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  write_all(path, safetensors_file(ok_entry, eight));
  EXPECT_EQ(io::load_safetensors(path).size(), 1u);

  expect_error(safetensors_file(ok_entry, eight, uint64_t(1) << 62), "header length");
  expect_error(safetensors_file(ok_entry, eight, 1000), "exceeds the file size");
  expect_error(safetensors_file("{\"a\":", eight), "not valid JSON");
  expect_error(safetensors_file("[1,2]", eight), "not a JSON object");
  expect_error(safetensors_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}})", eight),
               "outside the data section");
  expect_error(safetensors_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", eight), "reversed");
  expect_error(safetensors_file(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", eight),
               "does not match");
  expect_error(safetensors_file(R"({"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", eight),
               "unknown dtype");
  expect_error(safetensors_file(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", eight),
               "non-negative");
  expect_error(
      safetensors_file(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", eight),
      "overflows");
  expect_error(safetensors_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                eight),
               "overlap");
  expect_error(safetensors_file(R"({"a":{"dtype":"F32","shape":[2]}})", eight), "data_offsets");
  expect_error(safetensors_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,1e3]}})", eight),
               "non-negative integer");
  expect_error(safetensors_file(R"({"__metadata__":{"k":1}})", ""), "not a string");
  expect_error("abc", "too short");
}

TEST(IOSafetensors, TruncatedFilesRaise) {
  TempDir dir;
  std::string path = dir.file("t.safetensors");
  io::save(every_dtype(), path);
  std::string bytes = read_all(path);
  std::string cut = dir.file("cut.safetensors");
  for (size_t n = 0; n < bytes.size(); n += 7) {
    write_all(cut, bytes.substr(0, n));
    EXPECT_THROW(io::load(cut), Error) << "truncated at " << n;
  }
  // Every single-byte corruption of the header either loads or raises.
  uint64_t hn = 0;
  std::memcpy(&hn, bytes.data(), 8);
  for (size_t pos = 0; pos < 8 + hn; pos += 3) {
    std::string b = bytes;
    b[pos] = char(b[pos] ^ 0x5a);
    write_all(cut, b);
    try {
      io::load(cut);
    } catch (const Error&) {
    }
  }
}

// ================================================================ PyTorch .pt

bool have_torch() {
  static int ok = -1;
  if (ok < 0) ok = std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") == 0;
  return ok == 1;
}

int run_python(const std::string& dir, const std::string& script) {
  std::string py = dir + "/script.py";
  write_all(py, script);
  return std::system(("/usr/bin/python3 '" + py + "'").c_str());
}

TEST(IOPt, LoadsTorchSavedStateDict) {
  if (!have_torch()) GTEST_SKIP() << "python3-torch not installed";
  TempDir dir;
  std::string path = dir.file("model.pt");
  ASSERT_EQ(run_python(dir.path, R"(
import torch, collections, sys
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
sd = m.state_dict()
a = torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.5
sd['extra.a'] = a
sd['extra.at'] = a.t()                 # non-contiguous view of a's storage
sd['extra.row'] = a[1]                 # storage offset 4
sd['extra.f64'] = torch.arange(5, dtype=torch.float64) / 3
sd['extra.f16'] = torch.arange(4, dtype=torch.float16) / 4
sd['extra.bf16'] = torch.arange(4, dtype=torch.bfloat16) * 2
sd['extra.i32'] = torch.arange(-3, 3, dtype=torch.int32)
sd['extra.i16'] = torch.arange(-3, 3, dtype=torch.int16)
sd['extra.i8'] = torch.arange(-3, 3, dtype=torch.int8)
sd['extra.u8'] = torch.arange(250, 256, dtype=torch.uint8)
sd['extra.bool'] = torch.tensor([True, False, True])
sd['extra.big'] = torch.arange(100000, dtype=torch.int64) * 3000000000
sd['extra.scalar'] = torch.tensor(2.5)
sd['extra.empty'] = torch.zeros(0, 3)
sd['extra.param'] = torch.nn.Parameter(torch.ones(2))
torch.save(sd, sys.argv[0].replace('script.py', 'model.pt'))
torch.save({'w': torch.ones(2, 2)}, sys.argv[0].replace('script.py', 'plain.pt'))
torch.save(torch.arange(6).reshape(2, 3), sys.argv[0].replace('script.py', 'tensor.pt'))
)"),
            0);
  auto sd = io::load_pt(path);
  std::vector<std::string> want_keys = {"0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                        "1.running_var", "1.num_batches_tracked"};
  for (size_t i = 0; i < want_keys.size(); ++i) EXPECT_EQ(sd.keys()[i], want_keys[i]);
  EXPECT_EQ(sd["0.weight"].sizes(), IntArrayRef({4, 3}));
  EXPECT_EQ(sd["1.num_batches_tracked"].dtype(), kInt64);
  Tensor a = arange(12, kFloat32).reshape({3, 4}) * 0.5;
  EXPECT_TRUE(identical(sd["extra.a"], a));
  EXPECT_TRUE(identical(sd["extra.at"], a.t()));
  EXPECT_EQ(sd["extra.at"].strides(), IntArrayRef({1, 4}));
  EXPECT_TRUE(sd["extra.at"].is_alias_of(sd["extra.a"]));
  EXPECT_EQ(sd["extra.row"].storage_offset(), 4);
  EXPECT_TRUE(identical(sd["extra.row"], a.select(0, 1)));
  sd["extra.a"].data_ptr<float>()[5] = 100;  // shared storage, as in torch
  EXPECT_EQ(sd["extra.at"].contiguous().data_ptr<float>()[1 * 3 + 1], 100.0f);
  EXPECT_TRUE(identical(sd["extra.f64"], arange(5, kFloat64) / 3));
  EXPECT_TRUE(identical(sd["extra.f16"], arange(4, kFloat16) / 4));
  EXPECT_TRUE(identical(sd["extra.bf16"], arange(4, kBFloat16) * 2));
  EXPECT_TRUE(identical(sd["extra.i32"], arange(-3, 3, kInt32)));
  EXPECT_TRUE(identical(sd["extra.i16"], arange(-3, 3, kInt16)));
  EXPECT_TRUE(identical(sd["extra.i8"], arange(-3, 3, kInt8)));
  EXPECT_TRUE(identical(sd["extra.u8"], arange(250, 256, kInt64).to(kUInt8)));
  EXPECT_TRUE(identical(sd["extra.bool"], tensor({true, false, true})));
  EXPECT_TRUE(identical(sd["extra.big"], arange(100000, kInt64) * int64_t(3000000000)));
  EXPECT_TRUE(identical(sd["extra.scalar"], full(IntArrayRef(), 2.5, kFloat32)));
  EXPECT_EQ(sd["extra.empty"].sizes(), IntArrayRef({0, 3}));
  EXPECT_TRUE(identical(sd["extra.param"], ones({2})));

  // Into a matching ember model.
  nn::Linear fc(3, 4);
  nn::NamedTensors lin;
  lin.insert("weight", sd["0.weight"]);
  lin.insert("bias", sd["0.bias"]);
  fc->load_state_dict(lin);
  EXPECT_TRUE(identical(fc->state_dict()["weight"], sd["0.weight"]));

  EXPECT_TRUE(identical(io::load(dir.file("plain.pt"))["w"], ones({2, 2})));
  EXPECT_TRUE(identical(io::load_tensor(dir.file("tensor.pt")), arange(6, kInt64).reshape({2, 3})));
}

TEST(IOPt, TorchReadsEmberFilesWithWeightsOnly) {
  if (!have_torch()) GTEST_SKIP() << "python3-torch not installed";
  TempDir dir;
  nn::NamedTensors sd;
  Tensor a = arange(12, kFloat32).reshape({3, 4}) * 0.25;
  sd.insert("a", a);
  sd.insert("at", a.t());
  sd.insert("row", a.select(0, 2));
  sd.insert("f64", arange(5, kFloat64) / 7);
  sd.insert("f16", arange(4, kFloat16) / 4);
  sd.insert("bf16", arange(4, kBFloat16) * 2);
  sd.insert("i64", arange(1000, kInt64) * int64_t(5000000000));
  sd.insert("i32", arange(-3, 3, kInt32));
  sd.insert("i16", arange(-3, 3, kInt16));
  sd.insert("i8", arange(-3, 3, kInt8));
  sd.insert("u8", arange(250, 256, kInt64).to(kUInt8));
  sd.insert("bool", tensor({true, false, true}));
  sd.insert("scalar", full(IntArrayRef(), 2.5, kFloat32));
  sd.insert("empty", empty({0, 3}, kFloat32));
  sd.insert("x5d", arange(2 * 3 * 1 * 2 * 2, kFloat32).reshape({2, 3, 1, 2, 2}));
  io::save_pt(sd, dir.file("ember.pt"));
  io::save(a, dir.file("tensor.pt"));
  ASSERT_EQ(run_python(dir.path, R"(
import torch, sys, zipfile
d = sys.argv[0].replace('script.py', '')
sd = torch.load(d + 'ember.pt', weights_only=True)
a = torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.25
assert list(sd.keys())[:3] == ['a', 'at', 'row'], list(sd.keys())
assert torch.equal(sd['a'], a) and torch.equal(sd['at'], a.t()) and sd['at'].stride() == (1, 4)
assert torch.equal(sd['row'], a[2]) and sd['row'].storage_offset() == 8
assert sd['a'].data_ptr() == sd['at'].data_ptr()  # shared storage
assert torch.equal(sd['f64'], torch.arange(5, dtype=torch.float64) / 7)
assert torch.equal(sd['f16'], torch.arange(4, dtype=torch.float16) / 4)
assert torch.equal(sd['bf16'], torch.arange(4, dtype=torch.bfloat16) * 2)
assert torch.equal(sd['i64'], torch.arange(1000) * 5000000000)
assert torch.equal(sd['i32'], torch.arange(-3, 3, dtype=torch.int32))
assert torch.equal(sd['i16'], torch.arange(-3, 3, dtype=torch.int16))
assert torch.equal(sd['i8'], torch.arange(-3, 3, dtype=torch.int8))
assert torch.equal(sd['u8'], torch.arange(250, 256).to(torch.uint8))
assert torch.equal(sd['bool'], torch.tensor([True, False, True]))
assert sd['scalar'].shape == () and sd['scalar'].item() == 2.5
assert sd['empty'].shape == (0, 3)
assert torch.equal(sd['x5d'], torch.arange(24, dtype=torch.float32).reshape(2, 3, 1, 2, 2))
t = torch.load(d + 'tensor.pt', weights_only=True)
assert torch.equal(t, a)
z = zipfile.ZipFile(d + 'ember.pt')
for info in z.infolist():  # data records 64-byte aligned, as torch writes them
    z.fp.seek(info.header_offset + 26)
    n, m = int.from_bytes(z.fp.read(2), 'little'), int.from_bytes(z.fp.read(2), 'little')
    assert (info.header_offset + 30 + n + m) % 64 == 0, info.filename
)"),
            0);
  // And back into ember, sharing kept.
  auto back = io::load(dir.file("ember.pt"));
  ASSERT_EQ(back.keys(), sd.keys());
  for (const auto& kv : sd) EXPECT_TRUE(identical(back[kv.first], kv.second)) << kv.first;
  EXPECT_TRUE(back["at"].is_alias_of(back["a"]));
}

TEST(IOPt, ModuleSaveLoadByExtension) {
  TempDir dir;
  for (const char* name : {"m.safetensors", "m.pt", "m.pth"}) {
    nn::Linear a(5, 3), b(5, 3);
    io::save(*a, dir.file(name));
    io::load(*b, dir.file(name));
    EXPECT_TRUE(identical(b->weight, a->weight)) << name;
    EXPECT_TRUE(identical(b->bias, a->bias)) << name;
    nn::Linear c(4, 3);
    EXPECT_THROW(io::load(*c, dir.file(name)), Error) << name;
  }
  EXPECT_EQ(io::format_for_path("a/b.PT"), io::Format::PyTorch);
  EXPECT_EQ(io::format_for_path("a.pt/b"), io::Format::SafeTensors);
}

// ---------------------------------------------------------------- hostile .pt files

uint32_t crc32(const std::string& s) {
  uint32_t c = 0xffffffffu;
  for (unsigned char ch : s) {
    c ^= ch;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
  }
  return ~c;
}

/// A minimal stored zip (no compression) of the given records.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& records) {
  std::string out, central;
  auto u16 = [](std::string& s, uint32_t v) {
    s.push_back(char(v & 0xff));
    s.push_back(char((v >> 8) & 0xff));
  };
  auto u32 = [&](std::string& s, uint32_t v) {
    u16(s, v & 0xffff);
    u16(s, v >> 16);
  };
  for (const auto& r : records) {
    uint32_t off = uint32_t(out.size()), crc = crc32(r.second), n = uint32_t(r.second.size());
    u32(out, 0x04034b50);
    u16(out, 20), u16(out, 0), u16(out, 0), u16(out, 0), u16(out, 0);
    u32(out, crc), u32(out, n), u32(out, n);
    u16(out, uint32_t(r.first.size())), u16(out, 0);
    out += r.first + r.second;
    u32(central, 0x02014b50);
    u16(central, 20), u16(central, 20), u16(central, 0), u16(central, 0), u16(central, 0), u16(central, 0);
    u32(central, crc), u32(central, n), u32(central, n);
    u16(central, uint32_t(r.first.size())), u16(central, 0), u16(central, 0), u16(central, 0), u16(central, 0);
    u32(central, 0), u32(central, off);
    central += r.first;
  }
  uint32_t cd_off = uint32_t(out.size());
  out += central;
  u32(out, 0x06054b50);
  u16(out, 0), u16(out, 0), u16(out, uint32_t(records.size())), u16(out, uint32_t(records.size()));
  u32(out, uint32_t(central.size())), u32(out, cd_off), u16(out, 0);
  return out;
}

std::string binunicode(const std::string& s) {
  std::string o = "X";
  for (int i = 0; i < 4; ++i) o.push_back(char((s.size() >> (8 * i)) & 0xff));
  return o + s;
}

/// A state_dict pickle {"w": tensor(storage "0" of `numel` floats, offset, sizes, strides)}.
std::string sd_pickle(int numel, int offset, std::vector<int> sizes, std::vector<int> strides) {
  std::string p = "\x80\x02" "ccollections\nOrderedDict\n)R("s + binunicode("w") +
                  "ctorch._utils\n_rebuild_tensor_v2\n((" + binunicode("storage") + "ctorch\nFloatStorage\n" +
                  binunicode("0") + binunicode("cpu") + "K" + char(numel) + "tQK" + char(offset) + "(";
  for (int s : sizes) p += std::string("K") + char(s);
  p += "t(";
  for (int s : strides) p += std::string("K") + char(s);
  p += "t\x89" "ccollections\nOrderedDict\n)RtRu.";
  return p;
}

std::string pt_file(const std::string& pickle, const std::string& storage) {
  return make_zip({{"archive/data.pkl", pickle}, {"archive/data/0", storage}, {"archive/version", "3\n"}});
}

TEST(IOPt, HostileFilesRaise) {
  TempDir dir;
  std::string path = dir.file("bad.pt");
  std::string six_floats(24, '\0');
  write_all(path, pt_file(sd_pickle(6, 0, {2, 3}, {3, 1}), six_floats));
  EXPECT_EQ(io::load_pt(path)["w"].sizes(), IntArrayRef({2, 3}));  // the hand-made file is valid

  auto expect_error = [&](const std::string& bytes, const char* fragment) {
    write_all(path, bytes);
    EXPECT_THROW_MSG(io::load_pt(path), RuntimeError, fragment);
  };
  expect_error(pt_file("\x80\x02" "cos\nsystem\n"s + binunicode("echo pwned") + "\x85R.", ""),
               "unsupported pickle global 'os.system'");
  expect_error(pt_file("\x80\x02" "ctorch.storage\n_load_from_bytes\n"s + binunicode("x") + "\x85R.", ""),
               "unsupported pickle global 'torch.storage._load_from_bytes'");
  expect_error(pt_file("\x80\x02" "c__builtin__\neval\n.", ""), "unsupported pickle global");
  expect_error(pt_file(sd_pickle(6, 1, {2, 3}, {3, 1}), six_floats), "reaches element 6");
  expect_error(pt_file(sd_pickle(6, 0, {3, 3}, {3, 1}), six_floats), "reaches element");
  expect_error(pt_file(sd_pickle(6, 0, {2, 3}, {200, 1}), six_floats), "reaches element");
  expect_error(pt_file(sd_pickle(6, 0, {2, 3}, {3, 1}), std::string(20, '\0')), "should hold 6 elements");
  expect_error(pt_file(sd_pickle(7, 0, {2, 3}, {3, 1}), six_floats), "should hold 7 elements");
  expect_error(make_zip({{"archive/data.pkl", sd_pickle(6, 0, {2, 3}, {3, 1})}}), "missing");
  expect_error(make_zip({{"archive/version", "3"}}), "data.pkl");
  expect_error(pt_file("\x80\x02" "h\x05."s, ""), "memo key 5");
  expect_error(pt_file("\x80\x02" "t.", ""), "MARK missing");
  expect_error(pt_file("\x80\x02" "R.", ""), "underflow");
  expect_error(pt_file("\x80\x02" "X\xff\xff\xff\x7f" "abc", ""), "truncated");
  expect_error(pt_file("\x80\x02" "\x8a\x09" "123456789.", ""), "larger than 64 bits");
  expect_error(pt_file("\x80\x02" "cos\nsys", ""), "truncated");
  expect_error(pt_file("\x80\x02" "I1\n.", ""), "unsupported pickle opcode");
  expect_error(pt_file("\x80\x02" "K\x01K\x02.", ""), "STOP");
  expect_error(pt_file("\x80\x02" "]q\x00" "h\x00" "a."s, ""), "holds a list");  // a cycle, freed without recursion
  expect_error(pt_file("\x80\x02"s + binunicode("x") + "Q.", ""), "persistent id");
  expect_error("not a zip file at all", "not a readable zip");
  // Deep nesting costs nothing (no recursive destructors).
  std::string deep = "\x80\x02";
  for (int i = 0; i < 200000; ++i) deep += "]";
  for (int i = 0; i < 199999; ++i) deep += "a";
  expect_error(pt_file(deep + ".", ""), "holds a list");
}

TEST(IOPt, TreeOfAWholeCheckpointAndHostileTrees) {
  TempDir dir;
  std::string path = dir.file("tree.pt");
  std::string six_floats(24, '\0');
  // {"sd": state_dict, "names": ["a", None, 1.5, (True,)]} with the state_dict's tensor referenced twice
  std::string sd = sd_pickle(6, 0, {2, 3}, {3, 1});
  sd = sd.substr(2, sd.size() - 3);  // the OrderedDict, without PROTO and STOP
  std::string pickle = "\x80\x02}("s + binunicode("sd") + sd + binunicode("names") + "]("s + binunicode("a") +
                       "NG\x3f\xf8\x00\x00\x00\x00\x00\x00\x88\x85" "eu."s;
  write_all(path, pt_file(pickle, six_floats));
  auto [tensors, json] = io::load_pt_tree(path);
  EXPECT_EQ(tensors.size(), 1u);
  EXPECT_EQ(tensors["t0"].sizes(), IntArrayRef({2, 3}));
  EXPECT_EQ(json,
            R"({"version":1,"root":{"D":[["sd",{"D":[["w",{"T":"t0"}]],"O":true}],["names",{"L":["a",null,1.5,{"U":[true]}]}]]}})");

  auto expect_error = [&](const std::string& bytes, const char* fragment) {
    write_all(path, bytes);
    EXPECT_THROW_MSG(io::load_pt_tree(path), RuntimeError, fragment);
  };
  expect_error(pt_file("\x80\x02" "]q\x00" "h\x00" "a."s, ""), "nested too deeply (or a cycle)");
  std::string deep = "\x80\x02";
  for (int i = 0; i < 200000; ++i) deep += "]";
  for (int i = 0; i < 199999; ++i) deep += "a";
  expect_error(pt_file(deep + ".", ""), "nested too deeply");
  expect_error(pt_file("\x80\x02" "ctorch\nFloatStorage\n."s, ""), "a global cannot be loaded");
  // a string that is not UTF-8 is replaced, not an exception from the JSON writer
  write_all(path, pt_file("\x80\x02"s + binunicode("\xff\xfe") + ".", ""));
  EXPECT_EQ(io::load_pt_tree(path).second, "{\"version\":1,\"root\":\"\xEF\xBF\xBD\xEF\xBF\xBD\"}");
}

TEST(IOPt, TruncatedAndCorruptFilesRaise) {
  TempDir dir;
  nn::NamedTensors sd;
  Tensor a = arange(12, kFloat32).reshape({3, 4});
  sd.insert("a", a);
  sd.insert("at", a.t());
  sd.insert("n", arange(3, kInt64));
  std::string path = dir.file("ok.pt");
  io::save_pt(sd, path);
  std::string bytes = read_all(path);
  std::string cut = dir.file("cut.pt");
  for (size_t n = 0; n < bytes.size(); n += 7) {
    write_all(cut, bytes.substr(0, n));
    EXPECT_THROW(io::load_pt(cut), Error) << "truncated at " << n;
  }
  // Every byte of a hand-made pickle, replaced by several values: each load
  // either succeeds or raises.
  std::string pickle = sd_pickle(6, 0, {2, 3}, {3, 1});
  int raised = 0, loaded = 0;
  for (size_t pos = 0; pos < pickle.size(); ++pos) {
    for (unsigned char v : {0x00, 0x01, 0x28, 0x2e, 0x52, 0x74, 0x85, 0xff}) {
      std::string p = pickle;
      p[pos] = char(v);
      write_all(cut, pt_file(p, std::string(24, '\0')));
      try {
        io::load_pt(cut);
        ++loaded;
      } catch (const Error&) {
        ++raised;
      }
    }
  }
  EXPECT_GT(raised, 0);
  // Flipped bytes anywhere in a real file (CRC, headers, data).
  for (size_t pos = 0; pos < bytes.size(); pos += 5) {
    std::string b = bytes;
    b[pos] = char(b[pos] ^ 0x41);
    write_all(cut, b);
    try {
      io::load_pt(cut);
    } catch (const Error&) {
    }
  }
}

}  // namespace
}  // namespace ember
