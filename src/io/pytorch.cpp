// PyTorch `.pt` files (torch.save's zip format, torch >= 1.6):
//   <archive>/data.pkl     a protocol-2 pickle of the object; each tensor is
//                          torch._utils._rebuild_tensor_v2(storage, offset,
//                          size, stride, requires_grad, hooks), where the
//                          storage is a persistent id
//                          ('storage', torch.FloatStorage, key, location, numel)
//   <archive>/data/<key>   the raw little-endian bytes of each storage
//   <archive>/version      "3"
// The zip container is read and written with libzip. The pickle is ours: a
// restricted unpickler that knows only the opcodes torch emits for a
// state_dict and only a whitelist of globals (containers, tensor rebuild,
// storage types) -- nothing is ever called or imported, so a hostile file
// cannot run code. Everything is bounds-checked: entry sizes against the
// storage sizes, and every tensor's size/stride/offset against its storage.

#include <sys/stat.h>
#include <zip.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <unordered_map>
#include <vector>

#include "ember/io.h"
#include "io/io_internal.h"

namespace ember {
namespace io {

namespace {

constexpr uint64_t kMaxPickle = uint64_t(1) << 30;  // 1 GB of pickle is far beyond any state_dict

// ====================================================================== zip

struct Archive {
  zip_t* za = nullptr;
  std::string path;
  uint64_t file_size = 0;
  ~Archive() {
    if (za) zip_discard(za);
  }
};

void open_archive(Archive& a, const std::string& path) {
  a.path = path;
  struct stat st;
  EMBER_CHECK(::stat(path.c_str(), &st) == 0, "cannot open '", path, "': ", std::strerror(errno));
  EMBER_CHECK(S_ISREG(st.st_mode), "'", path, "' is not a regular file");
  a.file_size = uint64_t(st.st_size);
  int err = 0;
  a.za = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!a.za) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    std::string msg = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    EMBER_CHECK(false, "load_pt: '", path, "' is not a readable zip archive (", msg,
                "); only torch.save's zip format (torch >= 1.6) is supported");
  }
}

/// Size of an entry, validated so that it can be allocated.
uint64_t entry_size(Archive& a, zip_uint64_t index, const std::string& name) {
  zip_stat_t st;
  zip_stat_init(&st);
  EMBER_CHECK(zip_stat_index(a.za, index, 0, &st) == 0, "load_pt: '", a.path, "': cannot stat entry '", name,
              "': ", zip_strerror(a.za));
  EMBER_CHECK((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE), "load_pt: '", a.path,
              "': entry '", name, "' has no size");
  EMBER_CHECK(st.comp_size <= a.file_size, "load_pt: '", a.path, "': entry '", name, "' claims ",
              st.comp_size, " compressed bytes, more than the file holds");
  if (st.comp_method == ZIP_CM_STORE) {
    EMBER_CHECK(st.size == st.comp_size, "load_pt: '", a.path, "': stored entry '", name,
                "' has inconsistent sizes");
  } else {
    // Deflate expands at most ~1032:1.
    EMBER_CHECK(st.size / 1100 <= st.comp_size, "load_pt: '", a.path, "': entry '", name,
                "' claims an impossible compression ratio");
  }
  return st.size;
}

/// Reads exactly `n` bytes of entry `index` into dst.
void read_entry(Archive& a, zip_uint64_t index, const std::string& name, void* dst, uint64_t n) {
  zip_file_t* f = zip_fopen_index(a.za, index, 0);
  EMBER_CHECK(f != nullptr, "load_pt: '", a.path, "': cannot open entry '", name, "': ", zip_strerror(a.za));
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> guard(f, zip_fclose);
  char* p = static_cast<char*>(dst);
  uint64_t got = 0;
  while (got < n) {
    zip_int64_t r = zip_fread(f, p + got, n - got);
    EMBER_CHECK(r >= 0, "load_pt: '", a.path, "': error reading entry '", name, "': ", zip_file_strerror(f),
                " (the file is truncated or corrupt)");
    EMBER_CHECK(r > 0, "load_pt: '", a.path, "': entry '", name, "' is truncated (", got, " of ", n, " bytes)");
    got += uint64_t(r);
  }
  char extra;
  zip_int64_t r = zip_fread(f, &extra, 1);  // reaching the end checks the CRC
  EMBER_CHECK(r == 0, "load_pt: '", a.path, "': entry '", name, "' ",
              r < 0 ? std::string("is corrupt: ") + zip_file_strerror(f) : std::string("is longer than its size"));
}

// ====================================================================== pickle values

enum class Kind { None, Bool, Int, Float, Str, Tuple, List, Dict, Global, Storage, Tensor };

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::Str: return "str";
    case Kind::Tuple: return "tuple";
    case Kind::List: return "list";
    case Kind::Dict: return "dict";
    case Kind::Global: return "global";
    case Kind::Storage: return "storage";
    case Kind::Tensor: return "tensor";
  }
  return "?";
}

/// A pickle value. All values live in the unpickler's arena and refer to
/// each other by raw pointer, so cycles and deep nesting cost nothing to
/// free (no recursive destructors).
struct Obj {
  Kind kind = Kind::None;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;                                  // Str; Global "module.name"
  std::vector<Obj*> items;                        // Tuple, List
  std::vector<std::pair<Obj*, Obj*>> dict;        // Dict (insertion order)
  Tensor tensor;                                  // Storage (flat), Tensor
  bool ordered = false;                           // Dict: an OrderedDict
  bool param = false;                             // Tensor: an nn.Parameter (requires_grad in b)
};

// The globals a state_dict may name. Nothing else is accepted.
enum class Global { OrderedDict, RebuildTensorV2, RebuildParameter, StorageType };

bool lookup_global(const std::string& name, Global* g, ScalarType* dtype) {
  static const std::pair<const char*, ScalarType> storages[] = {
      {"torch.FloatStorage", kFloat32},   {"torch.DoubleStorage", kFloat64}, {"torch.HalfStorage", kFloat16},
      {"torch.BFloat16Storage", kBFloat16}, {"torch.LongStorage", kInt64}, {"torch.IntStorage", kInt32},
      {"torch.ShortStorage", kInt16},     {"torch.CharStorage", kInt8},      {"torch.ByteStorage", kUInt8},
      {"torch.BoolStorage", kBool}};
  if (name == "collections.OrderedDict") {
    *g = Global::OrderedDict;
    return true;
  }
  if (name == "torch._utils._rebuild_tensor_v2") {
    *g = Global::RebuildTensorV2;
    return true;
  }
  if (name == "torch._utils._rebuild_parameter") {
    *g = Global::RebuildParameter;
    return true;
  }
  for (const auto& s : storages) {
    if (name == s.first) {
      *g = Global::StorageType;
      *dtype = s.second;
      return true;
    }
  }
  return false;
}

class Unpickler {
 public:
  Unpickler(const std::string& bytes, Archive& archive, std::string prefix)
      : p_(reinterpret_cast<const unsigned char*>(bytes.data())),
        n_(bytes.size()),
        archive_(archive),
        prefix_(std::move(prefix)) {}

  Obj* run();

 private:
  [[noreturn]] void fail(const std::string& msg) const {
    throw RuntimeError(detail_str("load_pt: '", archive_.path, "': ", msg, " (pickle offset ", op_pos_, ")"));
  }
  template <typename... A>
  static std::string detail_str(const A&... a) {
    return ::ember::detail::str(a...);
  }
  const unsigned char* take(size_t k) {
    if (k > n_ - pos_) fail("the pickle is truncated");
    const unsigned char* r = p_ + pos_;
    pos_ += k;
    return r;
  }
  uint64_t le(size_t k) {
    const unsigned char* b = take(k);
    uint64_t v = 0;
    for (size_t j = k; j-- > 0;) v = (v << 8) | b[j];
    return v;
  }
  Obj* make(Kind k) {
    arena_.push_back(std::make_unique<Obj>());
    arena_.back()->kind = k;
    return arena_.back().get();
  }
  Obj* pop() {
    if (stack_.size() <= floor()) fail("pickle stack underflow");
    Obj* o = stack_.back();
    stack_.pop_back();
    return o;
  }
  Obj* top() {
    if (stack_.size() <= floor()) fail("pickle stack underflow");
    return stack_.back();
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  /// Pops everything above the last MARK (and the mark).
  std::vector<Obj*> pop_mark() {
    if (marks_.empty()) fail("pickle MARK missing");
    size_t m = marks_.back();
    marks_.pop_back();
    std::vector<Obj*> out(stack_.begin() + m, stack_.end());
    stack_.resize(m);
    return out;
  }
  void memo_put(uint64_t idx) {
    Obj* o = top();
    if (memo_.size() > 100000000) fail("pickle memo too large");
    memo_[idx] = o;
  }
  Obj* memo_get(uint64_t idx) {
    auto it = memo_.find(idx);
    if (it == memo_.end()) fail(detail_str("pickle memo key ", idx, " is not defined"));
    return it->second;
  }
  Obj* tuple(std::vector<Obj*> items) {
    Obj* t = make(Kind::Tuple);
    t->items = std::move(items);
    return t;
  }
  int64_t as_int(Obj* o, const char* what) {
    if (o->kind != Kind::Int) fail(detail_str(what, " must be an int, not ", kind_name(o->kind)));
    return o->i;
  }
  Obj* reduce(Obj* callable, Obj* args);
  Obj* persistent_load(Obj* pid);
  Obj* rebuild_tensor(const std::vector<Obj*>& a);

  const unsigned char* p_;
  size_t n_;
  size_t pos_ = 0, op_pos_ = 0;
  Archive& archive_;
  std::string prefix_;
  std::vector<std::unique_ptr<Obj>> arena_;
  std::vector<Obj*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Obj*> memo_;
  std::unordered_map<std::string, Obj*> storages_;
};

Obj* Unpickler::run() {
  for (;;) {
    op_pos_ = pos_;
    unsigned char op = *take(1);
    switch (op) {
      case 0x80: {  // PROTO
        unsigned v = *take(1);
        if (v > 5) fail(detail_str("unsupported pickle protocol ", v));
        break;
      }
      case 0x95: take(8); break;  // FRAME (protocol 4): framing only
      case '.': {                 // STOP
        if (!marks_.empty() || stack_.size() != 1) fail("malformed pickle: the stack does not hold one value at STOP");
        return stack_.back();
      }
      case '(': marks_.push_back(stack_.size()); break;  // MARK
      case 'N': stack_.push_back(make(Kind::None)); break;
      case 0x88:
      case 0x89: {  // NEWTRUE, NEWFALSE
        Obj* o = make(Kind::Bool);
        o->b = op == 0x88;
        stack_.push_back(o);
        break;
      }
      case 'K':  // BININT1
      case 'M':  // BININT2
      case 'J': {  // BININT
        Obj* o = make(Kind::Int);
        if (op == 'K') o->i = int64_t(le(1));
        if (op == 'M') o->i = int64_t(le(2));
        if (op == 'J') o->i = int64_t(int32_t(uint32_t(le(4))));
        stack_.push_back(o);
        break;
      }
      case 0x8a: {  // LONG1: n bytes, little-endian two's complement
        size_t k = *take(1);
        if (k > 8) fail("pickle integer larger than 64 bits");
        Obj* o = make(Kind::Int);
        if (k > 0) {
          uint64_t v = le(k);
          if (k < 8 && (v >> (8 * k - 1)) & 1) v |= ~uint64_t(0) << (8 * k);  // sign-extend
          o->i = int64_t(v);
        }
        stack_.push_back(o);
        break;
      }
      case 'G': {  // BINFLOAT: big-endian double
        const unsigned char* b = take(8);
        uint64_t v = 0;
        for (int j = 0; j < 8; ++j) v = (v << 8) | b[j];
        Obj* o = make(Kind::Float);
        std::memcpy(&o->f, &v, 8);
        stack_.push_back(o);
        break;
      }
      case 'X':      // BINUNICODE
      case 0x8c: {   // SHORT_BINUNICODE
        uint64_t len = op == 'X' ? le(4) : le(1);
        const unsigned char* b = take(size_t(len));
        Obj* o = make(Kind::Str);
        o->s.assign(reinterpret_cast<const char*>(b), size_t(len));
        stack_.push_back(o);
        break;
      }
      case 'q': memo_put(le(1)); break;  // BINPUT
      case 'r': memo_put(le(4)); break;  // LONG_BINPUT
      case 0x94: memo_put(memo_.size()); break;  // MEMOIZE
      case 'h': stack_.push_back(memo_get(le(1))); break;  // BINGET
      case 'j': stack_.push_back(memo_get(le(4))); break;  // LONG_BINGET
      case 'c': {  // GLOBAL "module\nname\n"
        auto line = [&]() {
          size_t start = pos_;
          while (pos_ < n_ && p_[pos_] != '\n') {
            if (pos_ - start > 256) fail("pickle GLOBAL name too long");
            ++pos_;
          }
          if (pos_ >= n_) fail("the pickle is truncated");
          std::string s(reinterpret_cast<const char*>(p_ + start), pos_ - start);
          ++pos_;
          return s;
        };
        std::string module = line();
        std::string name = line();
        Obj* o = make(Kind::Global);
        o->s = module + "." + name;
        Global g;
        ScalarType dt = kFloat32;
        if (!lookup_global(o->s, &g, &dt)) {
          fail(detail_str("unsupported pickle global '", o->s,
                          "'; only state_dicts of tensors can be loaded (tensor rebuild, storage and "
                          "OrderedDict globals)"));
        }
        stack_.push_back(o);
        break;
      }
      case ')': stack_.push_back(make(Kind::Tuple)); break;  // EMPTY_TUPLE
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        size_t k = size_t(op - 0x84);
        std::vector<Obj*> items(k);
        for (size_t j = k; j-- > 0;) items[j] = pop();
        stack_.push_back(tuple(std::move(items)));
        break;
      }
      case 't': stack_.push_back(tuple(pop_mark())); break;  // TUPLE
      case ']': stack_.push_back(make(Kind::List)); break;  // EMPTY_LIST
      case '}': stack_.push_back(make(Kind::Dict)); break;  // EMPTY_DICT
      case 'a': {  // APPEND
        Obj* v = pop();
        Obj* l = top();
        if (l->kind != Kind::List) fail("pickle APPEND to a non-list");
        l->items.push_back(v);
        break;
      }
      case 'e': {  // APPENDS
        auto vs = pop_mark();
        Obj* l = top();
        if (l->kind != Kind::List) fail("pickle APPENDS to a non-list");
        l->items.insert(l->items.end(), vs.begin(), vs.end());
        break;
      }
      case 's': {  // SETITEM
        Obj* v = pop();
        Obj* k = pop();
        Obj* d = top();
        if (d->kind != Kind::Dict) fail("pickle SETITEM on a non-dict");
        d->dict.emplace_back(k, v);
        break;
      }
      case 'u': {  // SETITEMS
        auto kv = pop_mark();
        Obj* d = top();
        if (d->kind != Kind::Dict) fail("pickle SETITEMS on a non-dict");
        if (kv.size() % 2) fail("pickle SETITEMS with an odd number of items");
        for (size_t j = 0; j < kv.size(); j += 2) d->dict.emplace_back(kv[j], kv[j + 1]);
        break;
      }
      case 'Q': {  // BINPERSID
        Obj* pid = pop();
        stack_.push_back(persistent_load(pid));
        break;
      }
      case 'R': {  // REDUCE
        Obj* args = pop();
        Obj* callable = pop();
        stack_.push_back(reduce(callable, args));
        break;
      }
      case 'b': {  // BUILD: only the instance dict of an OrderedDict (its _metadata), ignored
        Obj* state = pop();
        Obj* target = top();
        if (target->kind != Kind::Dict) fail(detail_str("pickle BUILD on a ", kind_name(target->kind), " is not supported"));
        if (state->kind != Kind::Dict && state->kind != Kind::Tuple && state->kind != Kind::None)
          fail("pickle BUILD with an unsupported state");
        break;
      }
      default:
        fail(detail_str("unsupported pickle opcode 0x", std::hex, int(op),
                        " (only the opcodes torch.save emits for a state_dict are accepted)"));
    }
  }
}

Obj* Unpickler::reduce(Obj* callable, Obj* args) {
  if (callable->kind != Kind::Global) fail(detail_str("pickle REDUCE of a ", kind_name(callable->kind)));
  if (args->kind != Kind::Tuple) fail("pickle REDUCE arguments are not a tuple");
  Global g;
  ScalarType dt;
  lookup_global(callable->s, &g, &dt);  // whitelisted at GLOBAL
  switch (g) {
    case Global::OrderedDict: {
      if (!args->items.empty()) fail("OrderedDict(...) with arguments is not supported");
      Obj* d = make(Kind::Dict);
      d->ordered = true;
      return d;
    }
    case Global::RebuildTensorV2:
      return rebuild_tensor(args->items);
    case Global::RebuildParameter: {
      if (args->items.size() != 3 || args->items[0]->kind != Kind::Tensor)
        fail("_rebuild_parameter expects (tensor, requires_grad, hooks)");
      Obj* p = make(Kind::Tensor);
      p->tensor = args->items[0]->tensor;
      p->param = true;
      p->b = args->items[1]->kind != Kind::Bool || args->items[1]->b;
      return p;
    }
    case Global::StorageType: break;
  }
  fail(detail_str("'", callable->s, "' cannot be called"));
}

Obj* Unpickler::persistent_load(Obj* pid) {
  if (pid->kind != Kind::Tuple || pid->items.size() != 5 || pid->items[0]->kind != Kind::Str ||
      pid->items[0]->s != "storage")
    fail("persistent id is not ('storage', type, key, location, numel)");
  Obj* type = pid->items[1];
  Obj* key = pid->items[2];
  Global g;
  ScalarType dtype = kFloat32;
  if (type->kind != Kind::Global || !lookup_global(type->s, &g, &dtype) || g != Global::StorageType)
    fail("persistent id does not name a storage type");
  if (key->kind != Kind::Str) fail("storage key is not a string");
  if (pid->items[3]->kind != Kind::Str) fail("storage location is not a string");
  int64_t numel = as_int(pid->items[4], "storage size");
  if (numel < 0) fail(detail_str("storage '", key->s, "' has a negative size ", numel));
  auto found = storages_.find(key->s);
  if (found != storages_.end()) {
    Obj* s = found->second;
    if (s->tensor.dtype() != dtype || s->tensor.numel() != numel)
      fail(detail_str("storage '", key->s, "' is used with two different types or sizes"));
    return s;
  }
  if (key->s.empty() || key->s.size() > 64 || key->s.find('/') != std::string::npos || key->s.find("..") != std::string::npos)
    fail(detail_str("bad storage key '", key->s, "'"));
  std::string name = prefix_ + "/data/" + key->s;
  zip_int64_t index = zip_name_locate(archive_.za, name.c_str(), 0);
  if (index < 0) fail(detail_str("storage record '", name, "' is missing from the archive"));
  uint64_t bytes = entry_size(archive_, zip_uint64_t(index), name);
  uint64_t want = 0;
  if (__builtin_mul_overflow(uint64_t(numel), uint64_t(itemsize(dtype)), &want) || bytes != want)
    fail(detail_str("storage '", key->s, "' should hold ", numel, " elements of ", dtype, " but its record has ",
                    bytes, " bytes"));
  Obj* s = make(Kind::Storage);
  s->tensor = empty({numel}, TensorOptions().dtype(dtype));
  if (bytes > 0) read_entry(archive_, zip_uint64_t(index), name, s->tensor.data_ptr(), bytes);
  storages_[key->s] = s;
  return s;
}

Obj* Unpickler::rebuild_tensor(const std::vector<Obj*>& a) {
  // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
  if (a.size() != 6 && a.size() != 7) fail(detail_str("_rebuild_tensor_v2 expects 6 or 7 arguments, got ", a.size()));
  if (a[0]->kind != Kind::Storage) fail("_rebuild_tensor_v2: the first argument is not a storage");
  if (a[2]->kind != Kind::Tuple || a[3]->kind != Kind::Tuple) fail("_rebuild_tensor_v2: size and stride must be tuples");
  const Tensor& storage = a[0]->tensor;
  int64_t offset = as_int(a[1], "storage offset");
  size_t nd = a[2]->items.size();
  if (a[3]->items.size() != nd) fail("_rebuild_tensor_v2: size and stride have different lengths");
  if (nd > 64) fail("_rebuild_tensor_v2: too many dimensions");
  std::vector<int64_t> sizes(nd), strides(nd);
  bool empty_tensor = false;
  for (size_t d = 0; d < nd; ++d) {
    sizes[d] = as_int(a[2]->items[d], "a tensor size");
    strides[d] = as_int(a[3]->items[d], "a tensor stride");
    if (sizes[d] < 0 || strides[d] < 0) fail("_rebuild_tensor_v2: negative size or stride");
    if (sizes[d] == 0) empty_tensor = true;
  }
  if (offset < 0) fail("_rebuild_tensor_v2: negative storage offset");
  Obj* o = make(Kind::Tensor);
  if (empty_tensor) {
    o->tensor = empty(IntArrayRef(sizes), TensorOptions().dtype(storage.dtype()));
    return o;
  }
  // The last element the view touches must lie inside the storage.
  uint64_t last = uint64_t(offset);
  for (size_t d = 0; d < nd; ++d) {
    uint64_t span;
    if (__builtin_mul_overflow(uint64_t(sizes[d] - 1), uint64_t(strides[d]), &span) ||
        __builtin_add_overflow(last, span, &last))
      fail("_rebuild_tensor_v2: size and stride overflow");
  }
  if (last >= uint64_t(storage.numel()))
    fail(detail_str("tensor view (offset ", offset, ", sizes ", IntArrayRef(sizes), ", strides ", IntArrayRef(strides),
                    ") reaches element ", last, " of a storage of ", storage.numel(), " elements"));
  o->tensor = storage.as_strided(IntArrayRef(sizes), IntArrayRef(strides), offset);
  return o;
}

/// Flattens the unpickled object into name -> tensor.
void flatten(Obj* o, const std::string& name, nn::NamedTensors& out, int depth, const std::string& path) {
  EMBER_CHECK(depth < 32, "load_pt: '", path, "': dicts nested too deeply");
  switch (o->kind) {
    case Kind::Tensor: break;
    case Kind::Int: out.insert(name, full(IntArrayRef(), Scalar(o->i), kInt64)); return;
    case Kind::Float: out.insert(name, full(IntArrayRef(), Scalar(o->f), kFloat64)); return;
    case Kind::Bool: out.insert(name, full(IntArrayRef(), Scalar(o->b), kBool)); return;
    case Kind::Dict:
      for (auto& kv : o->dict) {
        std::string key;
        if (kv.first->kind == Kind::Str) {
          key = kv.first->s;
        } else if (kv.first->kind == Kind::Int) {
          key = std::to_string(kv.first->i);  // optimizer state is keyed by parameter index
        } else {
          EMBER_CHECK(false, "load_pt: '", path, "': a dict key is a ", kind_name(kv.first->kind),
                      ", not a string");
        }
        flatten(kv.second, name.empty() ? key : name + "." + key, out, depth + 1, path);
      }
      return;
    default:
      EMBER_CHECK(false, "load_pt: '", path, "': value '", name, "' is a ", kind_name(o->kind),
                  "; only tensors, numbers and dicts of them can be loaded");
  }
  EMBER_CHECK(!out.contains(name), "load_pt: '", path, "': duplicate key '", name, "'");
  out.insert(name, o->tensor);
}

/// The unpickled object as ember.save's JSON structure record (tensors as
/// {"T": name}, dicts as {"D": [[key, value], ...]}, lists {"L": [...]},
/// tuples {"U": [...]}, non-finite floats {"F": "inf"}), with the tensors
/// named t0, t1, ... in first-seen order. A tensor pickled once and
/// referenced twice keeps one name.
class TreeBuilder {
 public:
  explicit TreeBuilder(const std::string& path) : path_(path) {}
  nlohmann::ordered_json build(const Obj* o, int depth) {
    EMBER_CHECK(depth < 64, "load_pt: '", path_, "': containers nested too deeply (or a cycle)");
    using J = nlohmann::ordered_json;
    switch (o->kind) {
      case Kind::None: return nullptr;
      case Kind::Bool: return o->b;
      case Kind::Int: return o->i;
      case Kind::Float:
        if (std::isfinite(o->f)) return o->f;
        return J{{"F", std::isnan(o->f) ? "nan" : (o->f > 0 ? "inf" : "-inf")}};
      case Kind::Str: return o->s;
      case Kind::Tuple:
      case Kind::List: {
        J items = J::array();
        for (const Obj* v : o->items) items.push_back(build(v, depth + 1));
        return J{{o->kind == Kind::List ? "L" : "U", std::move(items)}};
      }
      case Kind::Dict: {
        J items = J::array();
        for (const auto& kv : o->dict) items.push_back(J::array({build(kv.first, depth + 1), build(kv.second, depth + 1)}));
        J node{{"D", std::move(items)}};
        if (o->ordered) node["O"] = true;
        return node;
      }
      case Kind::Tensor: {
        auto it = names_.find(o->tensor.unsafe_impl());
        std::string name;
        if (it != names_.end()) {
          name = it->second;
        } else {
          name = "t" + std::to_string(names_.size());
          names_.emplace(o->tensor.unsafe_impl(), name);
          tensors.insert(name, o->tensor);
        }
        J node{{"T", name}};
        if (o->param) node["P"] = o->b;
        return node;
      }
      default:
        EMBER_CHECK(false, "load_pt: '", path_, "': a ", kind_name(o->kind), " cannot be loaded as a value");
    }
    return nullptr;
  }
  nn::NamedTensors tensors;

 private:
  const std::string& path_;
  std::unordered_map<const TensorImpl*, std::string> names_;
};

// ====================================================================== writer

class Pickler {
 public:
  std::string out;
  void op(unsigned char c) { out.push_back(char(c)); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
  }
  void str(const std::string& s) {
    EMBER_CHECK(s.size() < (uint64_t(1) << 32), "save_pt: key too long");
    op('X');
    u32(uint32_t(s.size()));
    out += s;
  }
  void global(const char* module, const char* name) {
    op('c');
    out += module;
    out += '\n';
    out += name;
    out += '\n';
  }
  void integer(int64_t v) {
    if (v >= 0 && v < 256) {
      op('K');
      op(uint8_t(v));
    } else if (v >= 0 && v < 65536) {
      op('M');
      op(uint8_t(v & 0xff));
      op(uint8_t(v >> 8));
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      op('J');
      u32(uint32_t(int32_t(v)));
    } else {
      op(0x8a);
      op(8);
      for (int i = 0; i < 8; ++i) out.push_back(char((uint64_t(v) >> (8 * i)) & 0xff));
    }
  }
  void int_tuple(IntArrayRef v) {
    if (v.size() == 0) {
      op(')');
      return;
    }
    if (v.size() > 3) op('(');
    for (int64_t x : v) integer(x);
    if (v.size() <= 3) {
      op(uint8_t(0x84 + v.size()));
    } else {
      op('t');
    }
  }
};

const char* storage_name(ScalarType t) {
  switch (t) {
    case kFloat32: return "FloatStorage";
    case kFloat64: return "DoubleStorage";
    case kFloat16: return "HalfStorage";
    case kBFloat16: return "BFloat16Storage";
    case kInt64: return "LongStorage";
    case kInt32: return "IntStorage";
    case kInt16: return "ShortStorage";
    case kInt8: return "CharStorage";
    case kUInt8: return "ByteStorage";
    case kBool: return "BoolStorage";
    default: break;
  }
  EMBER_CHECK(false, "save_pt: cannot save dtype ", t);
  return "";
}

struct StorageOut {
  const char* data;   // first byte written
  uint64_t nbytes;
  Tensor keep;        // keeps the memory alive
};

struct TensorOut {
  size_t storage;
  int64_t numel;      // storage elements
  ScalarType dtype;
  int64_t offset;
  std::vector<int64_t> sizes, strides;
};

/// Plans storages: CPU tensors that view one buffer with the same dtype share
/// one storage record covering the bytes they use; anything else is written
/// contiguous on its own.
void plan(const std::vector<Tensor>& tensors, std::vector<StorageOut>& storages, std::vector<TensorOut>& outs) {
  struct Group {
    const char* base;
    ScalarType dtype;
    int64_t lo, hi;  // element range used, relative to base
    std::vector<size_t> members;
  };
  std::vector<Group> groups;
  std::vector<Tensor> ts;
  std::vector<int64_t> rel_lo(tensors.size());
  for (size_t k = 0; k < tensors.size(); ++k) {
    Tensor t = tensors[k].detach();
    if (!t.is_cpu()) t = t.cpu();
    bool ok_view = t.numel() > 0;
    for (int64_t d = 0; d < t.dim() && ok_view; ++d) ok_view = t.stride(d) >= 0;
    if (!ok_view) t = t.contiguous();
    ts.push_back(t);
    int64_t isz = int64_t(t.element_size());
    const char* base = static_cast<const char*>(t.data_ptr()) - t.storage_offset() * isz;
    int64_t lo = t.storage_offset(), hi = lo;  // element range [lo, hi) the view touches
    if (t.numel() > 0) {
      for (int64_t d = 0; d < t.dim(); ++d) hi += (t.size(d) - 1) * t.stride(d);
      hi += 1;
    }
    Group* g = nullptr;
    if (t.numel() > 0) {
      for (auto& gr : groups)
        if (gr.base == base && gr.dtype == t.dtype()) g = &gr;
    }
    if (!g) {
      groups.push_back(Group{base, t.dtype(), lo, hi, {}});
      g = &groups.back();
    }
    g->lo = std::min(g->lo, lo);
    g->hi = std::max(g->hi, hi);
    g->members.push_back(k);
  }
  outs.resize(tensors.size());
  for (auto& g : groups) {
    int64_t isz = int64_t(itemsize(g.dtype));
    Tensor keep = ts[g.members[0]];  // members view one storage: one handle keeps it alive
    storages.push_back(StorageOut{g.base + g.lo * isz, uint64_t(g.hi - g.lo) * uint64_t(isz), keep});
    for (size_t k : g.members) {
      const Tensor& t = ts[k];
      TensorOut& o = outs[k];
      o.storage = storages.size() - 1;
      o.numel = g.hi - g.lo;
      o.dtype = g.dtype;
      o.offset = t.numel() > 0 ? t.storage_offset() - g.lo : 0;
      o.sizes.assign(t.sizes().begin(), t.sizes().end());
      o.strides.assign(t.strides().begin(), t.strides().end());
    }
  }
}

void pickle_tensor(Pickler& pk, const TensorOut& t) {
  pk.global("torch._utils", "_rebuild_tensor_v2");
  pk.op('(');
  pk.op('(');
  pk.str("storage");
  pk.global("torch", storage_name(t.dtype));
  pk.str(std::to_string(t.storage));
  pk.str("cpu");
  pk.integer(t.numel);
  pk.op('t');
  pk.op('Q');
  pk.integer(t.offset);
  pk.int_tuple(IntArrayRef(t.sizes));
  pk.int_tuple(IntArrayRef(t.strides));
  pk.op(0x89);  // requires_grad=False
  pk.global("collections", "OrderedDict");
  pk.op(')');
  pk.op('R');
  pk.op('t');
  pk.op('R');
}

/// Writes the zip: data.pkl, data/<i>, version, byteorder. Every record's
/// data starts on a 64-byte boundary, as torch writes them.
void write_archive(const std::string& pickle, const std::vector<StorageOut>& storages, const std::string& path) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t* buf = zip_source_buffer_create(nullptr, 0, 0, &ze);
  EMBER_CHECK(buf != nullptr, "save_pt: libzip: ", zip_error_strerror(&ze));
  zip_source_keep(buf);
  std::unique_ptr<zip_source_t, void (*)(zip_source_t*)> buf_guard(buf, zip_source_free);
  zip_t* za = zip_open_from_source(buf, ZIP_TRUNCATE, &ze);
  EMBER_CHECK(za != nullptr, "save_pt: libzip: ", zip_error_strerror(&ze));
  std::unique_ptr<zip_t, void (*)(zip_t*)> za_guard(za, zip_discard);
  static const char kVersion[] = "3\n";
  static const char kByteorder[] = "little";
  std::vector<std::pair<std::string, std::pair<const void*, uint64_t>>> records;
  records.push_back({"archive/data.pkl", {pickle.data(), pickle.size()}});
  for (size_t i = 0; i < storages.size(); ++i)
    records.push_back({"archive/data/" + std::to_string(i), {storages[i].data, storages[i].nbytes}});
  records.push_back({"archive/version", {kVersion, 2}});
  records.push_back({"archive/byteorder", {kByteorder, 6}});
  uint64_t offset = 0;  // where libzip will put the next local header
  for (const auto& r : records) {
    zip_source_t* src = zip_source_buffer(za, r.second.first, r.second.second, 0);
    EMBER_CHECK(src != nullptr, "save_pt: libzip: ", zip_strerror(za));
    zip_int64_t idx = zip_file_add(za, r.first.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (idx < 0) {
      zip_source_free(src);
      EMBER_CHECK(false, "save_pt: libzip: ", zip_strerror(za));
    }
    EMBER_CHECK(zip_set_file_compression(za, zip_uint64_t(idx), ZIP_CM_STORE, 0) == 0, "save_pt: libzip: ",
                zip_strerror(za));
    zip_file_set_mtime(za, zip_uint64_t(idx), 0, 0);
    // Pad with an extra field ("FB", as torch) so the data is 64-byte aligned.
    uint64_t data_at = offset + 30 + r.first.size() + 4;
    uint16_t pad = uint16_t((64 - data_at % 64) % 64);
    std::vector<zip_uint8_t> zeros(pad, 'Z');
    zip_file_extra_field_set(za, zip_uint64_t(idx), 0x4246, ZIP_EXTRA_FIELD_NEW, zeros.data(), pad, ZIP_FL_LOCAL);
    offset = data_at + pad + r.second.second;
  }
  EMBER_CHECK(zip_close(za) == 0, "save_pt: libzip: ", zip_strerror(za));
  za_guard.release();
  // Copy the in-memory archive to the file.
  EMBER_CHECK(zip_source_open(buf) == 0, "save_pt: libzip: cannot read the archive back");
  detail::atomic_write(path, [&](int fd) {
    std::vector<char> chunk(1 << 20);
    for (;;) {
      zip_int64_t n = zip_source_read(buf, chunk.data(), chunk.size());
      EMBER_CHECK(n >= 0, "save_pt: libzip: cannot read the archive back");
      if (n == 0) break;
      detail::write_all(fd, chunk.data(), size_t(n), path);
    }
  });
  zip_source_close(buf);
}

std::string find_prefix(Archive& a) {
  zip_int64_t n = zip_get_num_entries(a.za, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* nm = zip_get_name(a.za, zip_uint64_t(i), 0);
    if (!nm) continue;
    std::string s(nm);
    auto slash = s.find('/');
    if (slash != std::string::npos && s.compare(slash, std::string::npos, "/data.pkl") == 0) return s.substr(0, slash);
  }
  EMBER_CHECK(false, "load_pt: '", a.path, "' has no <archive>/data.pkl record: not a torch.save file",
              " (TorchScript archives and the legacy pre-1.6 format are not supported)");
  return "";
}

Obj* unpickle(Archive& a, Unpickler*& keep, std::unique_ptr<Unpickler>& holder, std::string& bytes) {
  std::string prefix = find_prefix(a);
  std::string name = prefix + "/data.pkl";
  zip_int64_t idx = zip_name_locate(a.za, name.c_str(), 0);
  EMBER_CHECK(idx >= 0, "load_pt: '", a.path, "': missing ", name);
  uint64_t size = entry_size(a, zip_uint64_t(idx), name);
  EMBER_CHECK(size <= kMaxPickle, "load_pt: '", a.path, "': data.pkl is too large (", size, " bytes)");
  bytes.assign(size_t(size), '\0');
  if (size) read_entry(a, zip_uint64_t(idx), name, bytes.data(), size);
  holder = std::make_unique<Unpickler>(bytes, a, prefix);
  keep = holder.get();
  return holder->run();
}

// Opens `path`, unpickles its data.pkl and hands the root object to f while
// the unpickler, which owns every value, is alive.
template <typename F>
auto with_root(const std::string& path, F&& f) {
  Archive a;
  open_archive(a, path);
  Unpickler* u = nullptr;
  std::unique_ptr<Unpickler> holder;
  std::string bytes;
  return f(unpickle(a, u, holder, bytes));
}

}  // namespace

nn::NamedTensors load_pt(const std::string& path) {
  return with_root(path, [&](Obj* root) {
    nn::NamedTensors out;
    EMBER_CHECK(root->kind == Kind::Dict || root->kind == Kind::Tensor, "load_pt: '", path, "' holds a ",
                kind_name(root->kind), ", not a state_dict");
    flatten(root, "", out, 0, path);
    return out;
  });
}

std::pair<nn::NamedTensors, std::string> load_pt_tree(const std::string& path) {
  return with_root(path, [&](Obj* root) {
    TreeBuilder tb(path);
    nlohmann::ordered_json doc{{"version", 1}, {"root", tb.build(root, 0)}};
    // strings in a hostile file need not be UTF-8: replace, don't throw
    return std::make_pair(std::move(tb.tensors),
                          doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  });
}

static void save_pt_impl(const std::vector<std::string>* keys, const std::vector<Tensor>& tensors,
                         const std::string& path) {
  std::vector<StorageOut> storages;
  std::vector<TensorOut> outs;
  plan(tensors, storages, outs);
  Pickler pk;
  pk.op(0x80);
  pk.op(2);
  if (keys) {
    pk.global("collections", "OrderedDict");
    pk.op(')');
    pk.op('R');
    pk.op('(');
    for (size_t k = 0; k < tensors.size(); ++k) {
      pk.str((*keys)[k]);
      pickle_tensor(pk, outs[k]);
    }
    pk.op('u');
  } else {
    pickle_tensor(pk, outs[0]);
  }
  pk.op('.');
  write_archive(pk.out, storages, path);
}

void save_pt(const nn::NamedTensors& tensors, const std::string& path) {
  std::vector<std::string> keys;
  std::vector<Tensor> values;
  for (const auto& kv : tensors) {
    EMBER_CHECK(kv.second.defined(), "save_pt: tensor '", kv.first, "' is undefined");
    keys.push_back(kv.first);
    values.push_back(kv.second);
  }
  save_pt_impl(&keys, values, path);
}

void save(const Tensor& tensor, const std::string& path) {
  EMBER_CHECK(tensor.defined(), "save: the tensor is undefined");
  if (format_for_path(path) == Format::PyTorch) {
    save_pt_impl(nullptr, {tensor}, path);
  } else {
    nn::NamedTensors nt;
    nt.insert("tensor", tensor);
    save_safetensors(nt, path);
  }
}

Tensor load_tensor(const std::string& path) {
  nn::NamedTensors nt = load(path);
  EMBER_CHECK(nt.size() == 1, "load_tensor: '", path, "' holds ", nt.size(), " tensors, not one");
  return nt.begin()->second;
}

}  // namespace io
}  // namespace ember
