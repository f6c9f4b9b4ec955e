// Implementation of convert.h: Python argument parsing for the bindings.
#include "convert.h"

#include <cmath>
#include <cstring>
#include <unordered_map>

namespace ember_py {

using ember::IntArrayRef;
namespace idx = ember::indexing;

namespace {
py::object& size_cls() {
  static py::object* o = new py::object();  // leaked: outlives the interpreter
  return *o;
}
py::dict& return_types() {
  static py::dict* d = new py::dict();
  return *d;
}
const char* py_type_name(py::handle h) { return Py_TYPE(h.ptr())->tp_name; }
bool is_numpy_bool(py::handle h) { return std::strcmp(py_type_name(h), "numpy.bool_") == 0; }
}  // namespace

void set_python_classes(py::object size, py::dict rt) {
  size_cls() = std::move(size);
  return_types() = std::move(rt);
}

py::object make_size(IntArrayRef sizes) {
  py::tuple t(sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) t[i] = py::int_(sizes[i]);
  if (!size_cls()) return std::move(t);
  return size_cls()(t);
}

py::object make_return(const char* name, const Tensor& a, const Tensor& b) {
  py::object cls = return_types().contains(name) ? py::object(return_types()[name]) : py::object();
  if (!cls) return py::make_tuple(a, b);
  return cls(a, b);
}

py::object make_return(const char* name, const ember::tensor_list& values) {
  py::tuple t = py::cast(values);
  if (!return_types().contains(name)) return std::move(t);
  return py::object(return_types()[name])(*t);
}

// ---------------------------------------------------------------- identity

namespace {
struct Wrapper {
  PyObject* obj;
  const Tensor* value;  // the Tensor inside obj
};
// impl -> its wrapper, and wrapper -> the impl it is registered under (the
// Tensor inside a wrapper can be reassigned, so the key is kept here).
// Leaked: wrappers may die during interpreter shutdown, after statics.
std::unordered_map<ember::TensorImpl*, Wrapper>& wrappers() {
  static auto* m = new std::unordered_map<ember::TensorImpl*, Wrapper>();
  return *m;
}
std::unordered_map<PyObject*, ember::TensorImpl*>& wrapper_keys() {
  static auto* m = new std::unordered_map<PyObject*, ember::TensorImpl*>();
  return *m;
}
}  // namespace

PyObject* find_wrapper(const Tensor& t) {
  auto& m = wrappers();
  auto it = m.find(t.unsafe_impl());
  if (it == m.end()) return nullptr;
  if (it->second.value->unsafe_impl() == it->first) return it->second.obj;
  // the wrapper's Tensor was reassigned: the entry is stale
  wrapper_keys().erase(it->second.obj);
  m.erase(it);
  return nullptr;
}

void note_wrapper(PyObject* obj, const Tensor* value) {
  ember::TensorImpl* impl = value->unsafe_impl();
  if (!impl) return;
  auto& m = wrappers();
  auto it = m.find(impl);
  if (it != m.end() && it->second.obj == obj) return;  // the common case: already known
  if (it != m.end() && it->second.value->unsafe_impl() == impl) return;  // another live wrapper owns it
  forget_wrapper(obj);
  if (it != m.end()) {
    wrapper_keys().erase(it->second.obj);
    m.erase(it);
  }
  m.emplace(impl, Wrapper{obj, value});
  wrapper_keys()[obj] = impl;
}

void forget_wrapper(PyObject* obj) {
  auto& keys = wrapper_keys();
  auto k = keys.find(obj);
  if (k == keys.end()) return;
  auto& m = wrappers();
  auto it = m.find(k->second);
  if (it != m.end() && it->second.obj == obj) m.erase(it);
  keys.erase(k);
}

// ---------------------------------------------------------------- scalars

bool is_tensor(py::handle h) {
  return py::isinstance(h, py::detail::get_type_handle(typeid(Tensor), false));
}

bool scalar_from_python(py::handle h, Scalar& out) {
  PyObject* o = h.ptr();
  // bool before int: Python's bool is an int subclass
  if (PyBool_Check(o)) {
    out = Scalar(o == Py_True);
    return true;
  }
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) {
      // out of int64: torch keeps huge integers as doubles where it can
      double d = PyLong_AsDouble(o);
      if (d == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return false;
      }
      out = Scalar(d);
      return true;
    }
    out = Scalar(int64_t(v));
    return true;
  }
  if (PyFloat_Check(o)) {
    out = Scalar(PyFloat_AS_DOUBLE(o));
    return true;
  }
  if (is_tensor(h)) return false;
  if (is_numpy_bool(h)) {
    out = Scalar(bool(PyObject_IsTrue(o)));
    return true;
  }
  // NumPy integer and float scalars
  PyNumberMethods* nb = Py_TYPE(o)->tp_as_number;
  if (nb && nb->nb_index) {
    long long v = PyLong_AsLongLong(o);
    if (v == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      return false;
    }
    out = Scalar(int64_t(v));
    return true;
  }
  if (nb && nb->nb_float && !PyUnicode_Check(o)) {
    double d = PyFloat_AsDouble(o);
    if (d == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();
      return false;
    }
    out = Scalar(d);
    return true;
  }
  return false;
}

py::object scalar_to_python(const Scalar& s) {
  if (s.is_bool()) return py::bool_(s.to_bool());
  if (s.is_integral()) return py::int_(s.to_long());
  return py::float_(s.to_double());
}

bool can_cast(ScalarType from, ScalarType to) {
  auto category = [](ScalarType t) { return t == ember::kBool ? 0 : ember::is_floating_point(t) ? 2 : 1; };
  return category(from) <= category(to);
}

Tensor wrap_scalar(const Scalar& s, const Tensor& like) {
  Tensor t = ember::tensor(s, ember::TensorOptions().dtype(s.type()).device(like.device()));
  ScalarType rt = ember::result_type(like, s);
  return rt == t.dtype() ? t : t.to(rt);
}

// ---------------------------------------------------------------- ints

bool int_from_python(py::handle h, int64_t& out) {
  PyObject* o = h.ptr();
  if (PyFloat_Check(o) || is_tensor(h) && !PyIndex_Check(o)) return false;
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow || (v == -1 && PyErr_Occurred())) {
      PyErr_Clear();
      return false;
    }
    out = v;
    return true;
  }
  if (!PyIndex_Check(o)) return false;
  PyObject* i = PyNumber_Index(o);
  if (!i) {
    PyErr_Clear();
    return false;
  }
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(i, &overflow);
  Py_DECREF(i);
  if (overflow || (v == -1 && PyErr_Occurred())) {
    PyErr_Clear();
    return false;
  }
  out = v;
  return true;
}

bool int_list_from_python(py::handle h, std::vector<int64_t>& out) {
  out.clear();
  int64_t one;
  if (PyTuple_Check(h.ptr()) || PyList_Check(h.ptr())) {
    py::sequence s = py::reinterpret_borrow<py::sequence>(h);
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      if (!int_from_python(s[i], one)) return false;
      out.push_back(one);
    }
    return true;
  }
  if (is_tensor(h)) return false;
  if (int_from_python(h, one)) {
    out.push_back(one);
    return true;
  }
  return false;
}

std::vector<int64_t> sizes_from_args(const py::args& args, const char* fname) {
  std::vector<int64_t> v;
  if (args.size() == 1 && (PyTuple_Check(args[0].ptr()) || PyList_Check(args[0].ptr()))) {
    if (int_list_from_python(args[0], v)) return v;
  } else {
    int64_t one;
    bool ok = true;
    for (auto a : args) {
      if (!int_from_python(a, one)) {
        ok = false;
        break;
      }
      v.push_back(one);
    }
    if (ok) return v;
  }
  std::string got;
  for (size_t i = 0; i < args.size(); ++i)
    got += std::string(i ? ", " : "") + py_type_name(args[i]);
  throw py::type_error(std::string(fname) + "(): argument 'size' must be a tuple of ints, but got (" +
                       got + ")");
}

// ---------------------------------------------------------------- dtypes

bool dtype_from_python(py::handle h, ScalarType& out) {
  static py::handle cls = py::detail::get_type_handle(typeid(DtypeObj), false);
  if (cls && py::isinstance(h, cls)) {
    out = h.cast<const DtypeObj&>().type;
    return true;
  }
  if (h.ptr() == (PyObject*)&PyFloat_Type) {
    out = ember::kFloat64;
    return true;
  }
  if (h.ptr() == (PyObject*)&PyLong_Type) {
    out = ember::kInt64;
    return true;
  }
  if (h.ptr() == (PyObject*)&PyBool_Type) {
    out = ember::kBool;
    return true;
  }
  return false;
}

ember::TensorOptions make_options(std::optional<ScalarType> dtype, std::optional<ember::Device> device,
                                  bool requires_grad) {
  ember::TensorOptions o;
  if (dtype) o = o.dtype(*dtype);
  if (device) o = o.device(*device);
  return o.requires_grad(requires_grad);
}

// ---------------------------------------------------------------- buffers

bool has_buffer(py::handle h) { return PyObject_CheckBuffer(h.ptr()) && !PyBytes_Check(h.ptr()); }

namespace {
// struct-module format -> dtype; false for types ember lacks
bool format_dtype(const char* fmt, Py_ssize_t itemsize, ScalarType& out) {
  while (*fmt == '@' || *fmt == '=' || *fmt == '<' || *fmt == '!') ++fmt;
  if (fmt[0] == 0 || fmt[1] != 0) return false;
  switch (fmt[0]) {
    case '?': out = ember::kBool; return true;
    case 'b': out = ember::kInt8; return true;
    case 'B': out = ember::kUInt8; return true;
    case 'h': out = ember::kInt16; return true;
    case 'i': out = ember::kInt32; return itemsize == 4;
    case 'l':
    case 'q': out = itemsize == 8 ? ember::kInt64 : ember::kInt32; return itemsize == 8 || itemsize == 4;
    case 'e': out = ember::kFloat16; return true;
    case 'f': out = ember::kFloat32; return true;
    case 'd': out = ember::kFloat64; return true;
    default: return false;
  }
}
}  // namespace

Tensor tensor_from_buffer(py::handle obj, bool allow_copy) {
  auto* view = new Py_buffer;
  if (PyObject_GetBuffer(obj.ptr(), view, PyBUF_RECORDS_RO) != 0) {
    delete view;
    throw py::error_already_set();
  }
  auto release = [view]() {
    PyBuffer_Release(view);
    delete view;
  };
  ScalarType dt;
  const char* fmt = view->format ? view->format : "B";
  if (!format_dtype(fmt, view->itemsize, dt)) {
    std::string f = fmt;
    release();
    throw py::type_error("can't convert an array of format '" + f +
                         "'. The only supported types are: float64, float32, float16, int64, int32, "
                         "int16, int8, uint8, and bool.");
  }
  if (fmt[0] == '>' || fmt[0] == '!') {
    release();
    throw py::type_error("can't convert a big-endian array to a tensor");
  }
  std::vector<int64_t> shape(view->ndim), strides(view->ndim);
  int64_t numel = 1;
  bool bad_stride = false;
  for (int i = 0; i < view->ndim; ++i) {
    shape[i] = view->shape[i];
    numel *= shape[i];
    Py_ssize_t st = view->strides ? view->strides[i] : 0;
    if (st < 0) bad_stride = true;
    if (st % view->itemsize != 0) bad_stride = true;
    strides[i] = st / view->itemsize;
  }
  if (!view->strides) {
    int64_t s = 1;
    strides.assign(view->ndim, 0);
    for (int i = view->ndim - 1; i >= 0; --i) {
      strides[i] = s;
      s *= shape[i];
    }
  }
  if (bad_stride || numel == 0) {
    if (!allow_copy && bad_stride) {
      release();
      throw py::value_error(
          "At least one stride in the given numpy array is negative, or not a multiple of the "
          "element size; this is not supported. (You can probably work around this by making a "
          "copy of your array with array.copy().)");
    }
    // copy through a contiguous buffer
    Tensor out;
    try {
      out = ember::empty(shape, ember::TensorOptions().dtype(dt));
      if (numel) {
        char* dst = static_cast<char*>(out.data_ptr());
        std::vector<int64_t> idx(view->ndim, 0);
        for (int64_t n = 0; n < numel; ++n) {
          const char* src = static_cast<const char*>(view->buf);
          for (int d = 0; d < view->ndim; ++d) src += idx[d] * view->strides[d];
          std::memcpy(dst + n * view->itemsize, src, view->itemsize);
          for (int d = view->ndim - 1; d >= 0; --d) {
            if (++idx[d] < shape[d]) break;
            idx[d] = 0;
          }
        }
      }
    } catch (...) {
      release();
      throw;
    }
    release();
    return out;
  }
  void* data = view->buf;
  return ember::from_blob(
      data, shape, strides,
      [view](void*) {
        if (!Py_IsInitialized()) return;
        PyGILState_STATE st = PyGILState_Ensure();
        PyBuffer_Release(view);
        delete view;
        PyGILState_Release(st);
      },
      ember::TensorOptions().dtype(dt));
}

// ---------------------------------------------------------------- data

namespace {
struct Parsed {
  std::vector<int64_t> shape;
  int kind = -1;  // 0 bool, 1 int, 2 float, 3 from a tensor (dtype below)
  ScalarType tensor_dtype = ember::kBool;
  std::vector<double> f;
  std::vector<int64_t> i;
  bool seen_shape = false;
};

void walk(py::handle obj, size_t depth, Parsed& p) {
  PyObject* o = obj.ptr();
  bool seq = PyList_Check(o) || PyTuple_Check(o);
  if (!seq && is_tensor(obj)) {
    const Tensor& t = obj.cast<const Tensor&>();
    if (t.dim() > 0) {
      // a list of tensors: take the values of each
      seq = true;
    } else {
      if (p.shape.size() != depth && p.seen_shape)
        throw py::value_error("expected sequence of length " + std::to_string(p.shape[depth]) +
                              " at dim " + std::to_string(depth) + " (got a 0-d tensor)");
      p.seen_shape = true;
      Scalar s = t.item();
      int k = t.is_floating_point() ? 2 : t.dtype() == ember::kBool ? 0 : 1;
      p.kind = std::max(p.kind, k);
      p.f.push_back(s.to_double());
      p.i.push_back(s.to_long());
      return;
    }
  }
  if (!seq && has_buffer(obj) && !PyBytes_Check(o) && depth > 0) seq = PySequence_Check(o);
  if (seq || (!PyUnicode_Check(o) && !PyBytes_Check(o) && PySequence_Check(o) &&
              !PyFloat_Check(o) && !PyLong_Check(o))) {
    Py_ssize_t n = PySequence_Size(o);
    if (n < 0) throw py::error_already_set();
    if (!p.seen_shape) {
      p.shape.push_back(n);
    } else if (depth >= p.shape.size() || p.shape[depth] != n) {
      throw py::value_error("expected sequence of length " +
                            (depth < p.shape.size() ? std::to_string(p.shape[depth]) : std::string("0")) +
                            " at dim " + std::to_string(depth) + " (got " + std::to_string(n) + ")");
    }
    if (n == 0) {
      p.seen_shape = true;
      return;
    }
    for (Py_ssize_t k = 0; k < n; ++k) {
      py::object item = py::reinterpret_steal<py::object>(PySequence_GetItem(o, k));
      if (!item) throw py::error_already_set();
      walk(item, depth + 1, p);
    }
    return;
  }
  if (p.seen_shape && p.shape.size() != depth)
    throw py::value_error("expected sequence of length " + std::to_string(p.shape[depth]) + " at dim " +
                          std::to_string(depth) + " (got " + py_type_name(obj) + ")");
  bool first_leaf = !p.seen_shape;
  p.seen_shape = true;
  Scalar s;
  if (!scalar_from_python(obj, s)) {
    // torch's three errors: a string where the first element of a sequence
    // is expected counts as one more dimension
    if (PyUnicode_Check(o) || PyBytes_Check(o)) {
      if (first_leaf && depth > 0)
        throw py::value_error(std::string("too many dimensions '") + py_type_name(obj) + "'");
      throw py::type_error(std::string("new(): invalid data type '") + py_type_name(obj) + "'");
    }
    throw ember::RuntimeError(std::string("Could not infer dtype of ") + py_type_name(obj));
  }
  int k = s.is_bool() ? 0 : s.is_integral() ? 1 : 2;
  p.kind = std::max(p.kind, k);
  p.f.push_back(s.to_double());
  p.i.push_back(s.to_long());
}
}  // namespace

Tensor tensor_from_data(py::handle data, std::optional<ScalarType> dtype) {
  if (is_tensor(data)) {
    Tensor t = data.cast<const Tensor&>().detach().clone();
    return dtype ? t.to(*dtype) : t;
  }
  if (has_buffer(data) && !PyList_Check(data.ptr()) && !PyTuple_Check(data.ptr())) {
    Tensor t = tensor_from_buffer(data, /*allow_copy=*/true).clone();
    return dtype ? t.to(*dtype) : t;
  }
  Parsed p;
  walk(data, 0, p);
  ScalarType natural = p.kind == 0 ? ember::kBool : p.kind == 1 ? ember::kInt64 : ember::get_default_dtype();
  if (p.kind < 0) natural = ember::get_default_dtype();  // empty list
  ScalarType target = dtype ? *dtype : natural;
  Tensor out;
  if (p.kind == 2 || p.kind < 0) {
    out = ember::from_blob_copy(p.f.data(), p.shape, ember::kFloat64);
  } else {
    out = ember::from_blob_copy(p.i.data(), p.shape, ember::kInt64);
    if (p.kind == 0 && !dtype) target = ember::kBool;
  }
  return out.dtype() == target ? out : out.to(target);
}

// ---------------------------------------------------------------- indexing

namespace {
void add_index(py::handle h, std::vector<idx::TensorIndex>& out) {
  PyObject* o = h.ptr();
  if (PyBool_Check(o)) {
    out.emplace_back(o == Py_True);
    return;
  }
  if (PyLong_Check(o)) {
    int64_t v;
    if (!int_from_python(h, v)) throw py::index_error("index out of range for int64");
    out.emplace_back(v);
    return;
  }
  if (PySlice_Check(o)) {
    auto* s = reinterpret_cast<PySliceObject*>(o);
    auto opt = [](PyObject* x) -> std::optional<int64_t> {
      if (x == Py_None) return std::nullopt;
      int64_t v;
      if (!int_from_python(x, v)) {
        // out-of-range bounds clamp, as Python slicing does
        if (PyLong_Check(x)) return _PyLong_Sign(x) < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
        throw py::type_error("slice indices must be integers or None or have an __index__ method");
      }
      return v;
    };
    auto start = opt(s->start), stop = opt(s->stop), step = opt(s->step);
    if (step && *step == 0) throw py::value_error("slice step cannot be zero");
    if (step && *step < 0) throw py::value_error("step must be greater than zero");
    out.emplace_back(idx::Slice(start, stop, step));
    return;
  }
  if (o == Py_None) {
    out.emplace_back(idx::None);
    return;
  }
  if (o == Py_Ellipsis) {
    out.emplace_back(idx::Ellipsis);
    return;
  }
  if (is_tensor(h)) {
    out.emplace_back(h.cast<Tensor>());
    return;
  }
  if (is_numpy_bool(h)) {
    out.emplace_back(bool(PyObject_IsTrue(o)));
    return;
  }
  if (PyList_Check(o) || has_buffer(h)) {
    if (has_buffer(h) && !PyList_Check(o)) {
      // a 0-d integer array acts as an int
      Tensor t = tensor_from_buffer(h, true);
      if (t.dim() == 0 && ember::is_integral(t.dtype(), false)) {
        out.emplace_back(t.item().to_long());
        return;
      }
      out.emplace_back(t.clone());
      return;
    }
    out.emplace_back(tensor_from_data(h, std::nullopt));
    return;
  }
  int64_t v;
  if (PyIndex_Check(o) && int_from_python(h, v)) {
    out.emplace_back(v);
    return;
  }
  if (PyUnicode_Check(o) || PyBytes_Check(o))  // torch tries the string as tensor data
    throw py::type_error(std::string("new(): invalid data type '") + py_type_name(h) + "'");
  throw py::index_error(std::string("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                                    "Variables are valid indices (got ") +
                        py_type_name(h) + ")");
}
}  // namespace

std::vector<idx::TensorIndex> to_indices(py::handle index) {
  std::vector<idx::TensorIndex> out;
  if (PyTuple_Check(index.ptr())) {
    Py_ssize_t n = PyTuple_GET_SIZE(index.ptr());
    out.reserve(n);
    for (Py_ssize_t i = 0; i < n; ++i) add_index(PyTuple_GET_ITEM(index.ptr(), i), out);
  } else {
    add_index(index, out);
  }
  return out;
}

}  // namespace ember_py
