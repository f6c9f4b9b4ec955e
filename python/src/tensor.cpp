// The Tensor class: properties, conversions, operators, indexing, in-place
// methods, NumPy (buffer protocol, numpy(), __array__) and DLPack.
#include <pybind11/numpy.h>

#include <cstring>

#include "convert.h"
#include "dlpack.h"

namespace ember_py {

using ember::Device;
using ember::tensor_list;

namespace {

using T = const Tensor&;
using S = const Scalar&;

// ---------------------------------------------------------------- helpers

// A binary operator: Tensor or Python number on the right, NotImplemented
// for anything else (so Python tries the reflected operator).
template <typename FT, typename FS>
py::object binary(const Tensor& a, py::handle b, FT&& ft, FS&& fs) {
  py::detail::make_caster<Tensor> tc;
  if (tc.load(b, false)) {
    const Tensor& bt = py::detail::cast_op<const Tensor&>(tc);
    Tensor r;
    {
      ReleaseIfLarge g(a.numel());
      r = ft(a, bt);
    }
    return py::cast(std::move(r));
  }
  Scalar s;
  if (scalar_from_python(b, s)) {
    Tensor r;
    {
      ReleaseIfLarge g(a.numel());
      r = fs(a, s);
    }
    return py::cast(std::move(r));
  }
  return py::reinterpret_borrow<py::object>(Py_NotImplemented);
}

// In-place binary operator: returns self (the same Python object).
template <typename FT, typename FS>
// `method` names a method (x.add_(other)), which raises TypeError where the
// operator form (x += other) returns NotImplemented.
py::object inplace(py::object self, py::handle b, FT&& ft, FS&& fs, const char* method = nullptr) {
  Tensor& a = self.cast<Tensor&>();
  py::detail::make_caster<Tensor> tc;
  if (tc.load(b, false)) {
    const Tensor& bt = py::detail::cast_op<const Tensor&>(tc);
    ReleaseIfLarge g(a.numel());
    ft(a, bt);
  } else {
    Scalar s;
    if (!scalar_from_python(b, s)) {
      if (method)
        throw py::type_error(std::string(method) + "(): argument 'other' must be Tensor or Number, not " +
                             Py_TYPE(b.ptr())->tp_name);
      return py::reinterpret_borrow<py::object>(Py_NotImplemented);
    }
    ReleaseIfLarge g(a.numel());
    fs(a, s);
  }
  return self;
}

// In-place forms the core lacks: self.copy_(op(self)). Tensor::copy_ is
// autograd-aware (it records and rebases self's history, views included),
// so these are correct under autograd. When autograd records, op reads a
// clone of self, so what op saves for backward is not overwritten by the
// copy. A leaf that requires grad is refused, as torch.
template <typename F>
void inplace_from(Tensor& self, const char* name, F&& op) {
  bool grad = ember::is_grad_enabled();
  if (grad && self.requires_grad() && self.is_leaf())
    throw ember::RuntimeError(std::string(name) +
                              ": a leaf Variable that requires grad is being used in an in-place operation.");
  Tensor r = op(grad && self.requires_grad() ? self.clone() : self);
  if (grad && !self.requires_grad() && r.requires_grad()) r = op(self.clone());  // another operand records
  if (!can_cast(r.dtype(), self.dtype()))
    throw ember::RuntimeError(std::string(name) + ": result type " + ember::dtype_name(r.dtype()) +
                              " can't be cast to the desired output type " + ember::dtype_name(self.dtype()));
  self.copy_(r);
}

py::object tolist(const Tensor& t0) {
  ember::NoGradGuard ng;
  Tensor t = t0.detach().cpu();
  int kind = t.is_floating_point() ? 2 : t.dtype() == ember::kBool ? 0 : 1;
  t = t.to(kind == 2 ? ember::kFloat64 : kind == 1 ? ember::kInt64 : ember::kBool).contiguous();
  auto sizes = t.sizes().vec();
  const char* base = static_cast<const char*>(t.data_ptr());
  size_t isz = t.element_size();
  std::function<py::object(size_t, int64_t&)> rec = [&](size_t d, int64_t& off) -> py::object {
    if (d == sizes.size()) {
      const char* p = base + off * isz;
      ++off;
      if (kind == 2) return py::float_(*reinterpret_cast<const double*>(p));
      if (kind == 1) return py::int_(*reinterpret_cast<const int64_t*>(p));
      return py::bool_(*reinterpret_cast<const bool*>(p));
    }
    py::list l(sizes[d]);
    for (int64_t i = 0; i < sizes[d]; ++i) l[i] = rec(d + 1, off);
    return std::move(l);
  };
  int64_t off = 0;
  return rec(0, off);
}

const char* buffer_format(ScalarType t) {
  switch (t) {
    case ember::kBool: return "?";
    case ember::kUInt8: return "B";
    case ember::kInt8: return "b";
    case ember::kInt16: return "h";
    case ember::kInt32: return "i";
    case ember::kInt64: return "q";
    case ember::kFloat16: return "e";
    case ember::kFloat32: return "f";
    case ember::kFloat64: return "d";
    default: return nullptr;
  }
}

void check_numpy(const Tensor& t) {
  if (t.requires_grad())
    throw std::runtime_error(
        "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
  if (!t.is_cpu())
    throw py::type_error("can't convert " + t.device().str() +
                         " device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first.");
  if (t.dtype() == ember::kBFloat16) throw py::type_error("Got unsupported ScalarType BFloat16");
}

py::object to_numpy(const Tensor& t) {
  check_numpy(t);
  std::vector<py::ssize_t> shape(t.dim()), strides(t.dim());
  for (int64_t i = 0; i < t.dim(); ++i) {
    shape[i] = t.size(i);
    strides[i] = t.stride(i) * t.element_size();
  }
  // the capsule owns a handle to the tensor, keeping its memory alive
  auto* keep = new Tensor(t);
  py::capsule base(keep, [](void* p) { delete static_cast<Tensor*>(p); });
  py::dtype dt(buffer_format(t.dtype()));
  return py::array(dt, shape, strides, t.data_ptr(), base);
}

// ---- buffer protocol, written by hand so errors raise instead of abort ----
struct BufferShape {
  std::vector<Py_ssize_t> shape, strides;
  Tensor keep;
};

int tensor_getbuffer(PyObject* obj, Py_buffer* view, int flags) {
  py::detail::make_caster<Tensor> c;
  if (!c.load(obj, false)) {
    PyErr_SetString(PyExc_BufferError, "not a Tensor");
    return -1;
  }
  const Tensor& t = py::detail::cast_op<const Tensor&>(c);
  const char* fmt = buffer_format(t.dtype());
  if (!t.is_cpu() || !fmt || t.dtype() == ember::kBFloat16 || t.requires_grad()) {
    PyErr_SetString(PyExc_BufferError,
                    t.requires_grad() ? "Tensor requires grad; use tensor.detach()"
                                      : "Tensor cannot export a buffer (cuda or bfloat16)");
    view->obj = nullptr;
    return -1;
  }
  auto* bs = new BufferShape;
  bs->keep = t;
  for (int64_t i = 0; i < t.dim(); ++i) {
    bs->shape.push_back(t.size(i));
    bs->strides.push_back(t.stride(i) * Py_ssize_t(t.element_size()));
  }
  view->buf = t.data_ptr();
  view->obj = obj;
  Py_INCREF(obj);
  view->len = t.numel() * t.element_size();
  view->readonly = 0;
  view->itemsize = t.element_size();
  view->format = (flags & PyBUF_FORMAT) ? const_cast<char*>(fmt) : nullptr;
  view->ndim = int(t.dim());
  view->shape = bs->shape.data();
  view->strides = bs->strides.data();
  view->suboffsets = nullptr;
  view->internal = bs;
  if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !t.is_contiguous()) {
    PyErr_SetString(PyExc_BufferError, "Tensor is not C-contiguous");
    Py_DECREF(obj);
    view->obj = nullptr;
    delete bs;
    return -1;
  }
  if (!(flags & PyBUF_STRIDES)) {
    if (!t.is_contiguous()) {
      PyErr_SetString(PyExc_BufferError, "Tensor is not contiguous");
      Py_DECREF(obj);
      view->obj = nullptr;
      delete bs;
      return -1;
    }
    view->strides = nullptr;
  }
  if (!(flags & PyBUF_ND)) view->shape = nullptr;
  return 0;
}

void tensor_releasebuffer(PyObject*, Py_buffer* view) { delete static_cast<BufferShape*>(view->internal); }

// ---- DLPack ----
void dl_deleter(DLManagedTensor* m) {
  delete static_cast<Tensor*>(m->manager_ctx);
  delete[] m->dl_tensor.shape;
  delete m;
}

py::capsule to_dlpack(const Tensor& t0) {
  if (t0.requires_grad())
    throw std::runtime_error(
        "Can't export tensors that require gradient, use tensor.detach()");
  auto* keep = new Tensor(t0.detach());
  const Tensor& t = *keep;
  auto* m = new DLManagedTensor;
  m->manager_ctx = keep;
  m->deleter = dl_deleter;
  DLTensor& d = m->dl_tensor;
  d.data = t.data_ptr();
  d.byte_offset = 0;
  d.device.device_type = t.is_cpu() ? kDLCPU : kDLCUDA;
  d.device.device_id = t.is_cpu() ? 0 : std::max(0, t.device().index());
  d.ndim = int32_t(t.dim());
  d.shape = new int64_t[2 * std::max<int64_t>(t.dim(), 1)];
  d.strides = d.shape + t.dim();
  for (int64_t i = 0; i < t.dim(); ++i) {
    d.shape[i] = t.size(i);
    d.strides[i] = t.stride(i);
  }
  ScalarType st = t.dtype();
  d.dtype.lanes = 1;
  d.dtype.bits = uint8_t(t.element_size() * 8);
  d.dtype.code = st == ember::kBool                ? kDLBool
                 : st == ember::kUInt8             ? kDLUInt
                 : st == ember::kBFloat16          ? kDLBfloat
                 : ember::is_floating_point(st)    ? kDLFloat
                                                   : kDLInt;
  return py::capsule(m, "dltensor", [](PyObject* cap) {
    // still named "dltensor": nobody consumed it, so we free it
    if (PyCapsule_IsValid(cap, "dltensor")) {
      auto* mt = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap, "dltensor"));
      if (mt && mt->deleter) mt->deleter(mt);
    } else {
      PyErr_Clear();
    }
  });
}

Tensor from_dlpack_capsule(py::handle cap) {
  if (!PyCapsule_IsValid(cap.ptr(), "dltensor"))
    throw py::value_error("from_dlpack: expected a DLPack capsule named 'dltensor' (not yet consumed)");
  auto* m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap.ptr(), "dltensor"));
  const DLTensor& d = m->dl_tensor;
  ScalarType st;
  if (d.dtype.lanes != 1) throw py::type_error("from_dlpack: vector dtypes (lanes != 1) are not supported");
  switch (d.dtype.code) {
    case kDLBool: st = ember::kBool; break;
    case kDLUInt:
      if (d.dtype.bits != 8) throw py::type_error("from_dlpack: unsupported unsigned integer width");
      st = ember::kUInt8;
      break;
    case kDLInt:
      st = d.dtype.bits == 8 ? ember::kInt8 : d.dtype.bits == 16 ? ember::kInt16
           : d.dtype.bits == 32 ? ember::kInt32 : d.dtype.bits == 64 ? ember::kInt64 : ember::ScalarType::Undefined;
      break;
    case kDLFloat:
      st = d.dtype.bits == 16 ? ember::kFloat16 : d.dtype.bits == 32 ? ember::kFloat32
           : d.dtype.bits == 64 ? ember::kFloat64 : ember::ScalarType::Undefined;
      break;
    case kDLBfloat: st = d.dtype.bits == 16 ? ember::kBFloat16 : ember::ScalarType::Undefined; break;
    default: throw py::type_error("from_dlpack: unsupported DLPack dtype code " + std::to_string(d.dtype.code));
  }
  if (st == ember::ScalarType::Undefined)
    throw py::type_error("from_dlpack: unsupported bit width " + std::to_string(d.dtype.bits));
  Device dev;
  if (d.device.device_type == kDLCPU) dev = Device(ember::kCPU);
  else if (d.device.device_type == kDLCUDA) dev = Device(ember::kCUDA, d.device.device_id);
  else throw py::type_error("from_dlpack: unsupported device type " + std::to_string(d.device.device_type));
  std::vector<int64_t> shape(d.shape, d.shape + d.ndim), strides(d.ndim);
  if (d.strides) {
    strides.assign(d.strides, d.strides + d.ndim);
  } else {
    int64_t s = 1;
    for (int i = d.ndim - 1; i >= 0; --i) {
      strides[i] = s;
      s *= shape[i];
    }
  }
  for (int64_t s : strides)
    if (s < 0) throw py::value_error("from_dlpack: negative strides are not supported");
  void* data = static_cast<char*>(d.data) + d.byte_offset;
  Tensor t = ember::from_blob(data, shape, strides,
                              [m](void*) {
                                // the producer's deleter may touch Python (NumPy's does)
                                if (!m->deleter || !Py_IsInitialized()) return;
                                PyGILState_STATE st = PyGILState_Ensure();
                                m->deleter(m);
                                PyGILState_Release(st);
                              },
                              ember::TensorOptions().dtype(st).device(dev));
  PyCapsule_SetName(cap.ptr(), "used_dltensor");
  return t;
}

// ---- to(...) ----
Tensor tensor_to(const Tensor& self, py::args args, py::kwargs kwargs) {
  std::optional<ScalarType> dtype;
  std::optional<Device> device;
  bool non_blocking = false, copy = false;
  size_t pos = 0;
  for (auto a : args) {
    ScalarType t;
    if (dtype_from_python(a, t)) {
      dtype = t;
    } else if (is_tensor(a)) {
      const Tensor& o = a.cast<const Tensor&>();
      dtype = o.dtype();
      device = o.device();
    } else if (py::isinstance<Device>(a) || py::isinstance<py::str>(a)) {
      device = a.cast<Device>();
    } else if (PyBool_Check(a.ptr()) && pos > 0) {
      if (pos == args.size() - 1 && args.size() >= 2 && non_blocking) copy = a.cast<bool>();
      else non_blocking = a.cast<bool>();
    } else if (PyLong_Check(a.ptr())) {
      device = Device(ember::kCUDA, a.cast<int>());
    } else {
      throw py::type_error(std::string("to() received an invalid combination of arguments: got ") +
                           Py_TYPE(a.ptr())->tp_name);
    }
    ++pos;
  }
  for (auto kv : kwargs) {
    std::string k = kv.first.cast<std::string>();
    if (k == "dtype") {
      if (!kv.second.is_none()) dtype = kv.second.cast<ScalarType>();
    } else if (k == "device") {
      if (!kv.second.is_none()) device = kv.second.cast<Device>();
    } else if (k == "non_blocking") {
      non_blocking = kv.second.cast<bool>();
    } else if (k == "copy") {
      copy = kv.second.cast<bool>();
    } else if (k == "memory_format") {
    } else {
      throw py::type_error("to() got an unexpected keyword argument '" + k + "'");
    }
  }
  ReleaseIfLarge g(self.numel());
  return self.to(ember::TensorOptions()
                     .dtype(dtype ? *dtype : self.dtype())
                     .device(device ? *device : self.device()),
                 non_blocking, copy);
}

std::optional<Device> device_arg(py::handle h) {
  if (h.is_none()) return std::nullopt;
  if (PyLong_Check(h.ptr())) return Device(ember::kCUDA, h.cast<int>());
  return h.cast<Device>();
}

// pybind's deallocator, wrapped so the identity map drops the wrapper first
destructor base_dealloc = nullptr;
void tensor_dealloc(PyObject* self) {
  forget_wrapper(self);
  base_dealloc(self);
}

}  // namespace

void init_tensor(py::module_& m, py::class_<Tensor>& cls) {
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  base_dealloc = type->tp_dealloc;
  type->tp_dealloc = tensor_dealloc;
  type->tp_as_buffer->bf_getbuffer = tensor_getbuffer;
  type->tp_as_buffer->bf_releasebuffer = tensor_releasebuffer;


  cls.def(py::init([](py::args args) {
    if (args.size() == 1 && !PyLong_Check(args[0].ptr()))
      return tensor_from_data(args[0], ember::get_default_dtype());
    return ember::empty(sizes_from_args(args, "Tensor"));
  }));

  // ---- metadata ----
  cls.def_property_readonly("shape", [](const Tensor& t) { return make_size(t.sizes()); })
      .def_property_readonly("dtype", [](const Tensor& t) { return t.dtype(); })
      .def_property_readonly("device", [](const Tensor& t) { return t.device(); })
      .def_property_readonly("ndim", &Tensor::dim)
      .def_property_readonly("is_cuda", &Tensor::is_cuda)
      .def_property_readonly("is_cpu", &Tensor::is_cpu)
      .def_property_readonly("itemsize", &Tensor::element_size)
      .def_property_readonly("nbytes", &Tensor::nbytes)
      .def_property_readonly("T", [](const Tensor& t) {
        std::vector<int64_t> d(t.dim());
        for (int64_t i = 0; i < t.dim(); ++i) d[i] = t.dim() - 1 - i;
        return t.permute(d);
      })
      .def_property_readonly("mT", &Tensor::mT)
      .def_property_readonly("_version", &Tensor::_version)
      .def_property_readonly("output_nr", &Tensor::output_nr)
      .def("size", [](const Tensor& t, py::object dim) -> py::object {
        if (dim.is_none()) return make_size(t.sizes());
        return py::int_(t.size(dim.cast<int64_t>()));
      }, py::arg("dim") = py::none())
      .def("stride", [](const Tensor& t, py::object dim) -> py::object {
        if (dim.is_none()) return py::tuple(py::cast(t.strides().vec()));
        return py::int_(t.stride(dim.cast<int64_t>()));
      }, py::arg("dim") = py::none())
      .def("dim", &Tensor::dim)
      .def("ndimension", &Tensor::dim)
      .def("numel", &Tensor::numel)
      .def("nelement", &Tensor::numel)
      .def("element_size", &Tensor::element_size)
      .def("storage_offset", &Tensor::storage_offset)
      .def("is_contiguous", [](const Tensor& t, py::object) { return t.is_contiguous(); },
           py::arg("memory_format") = py::none())
      .def("is_floating_point", &Tensor::is_floating_point)
      .def("is_complex", [](const Tensor&) { return false; })
      .def("data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.data_ptr()); })
      .def("get_device", [](const Tensor& t) { return t.is_cpu() ? -1 : std::max(0, t.device().index()); })
      .def("is_same", &Tensor::is_same)
      .def("is_set_to", &Tensor::is_same)
      .def("_is_alias_of", &Tensor::is_alias_of);

  // ---- conversions ----
  cls.def("item", [](const Tensor& t) {
       if (t.numel() != 1)
         throw py::value_error("only one element tensors can be converted to Python scalars (got " +
                               std::to_string(t.numel()) + " elements)");
       return t.item();
     })
      .def("tolist", &tolist)
      .def("numpy", [](const Tensor& t, bool force) {
        if (force) return to_numpy(t.detach().cpu().to(t.dtype() == ember::kBFloat16 ? ember::kFloat32 : t.dtype()));
        return to_numpy(t);
      }, py::arg("force") = false)
      .def("__array__", [](const Tensor& t, py::object dtype) {
        py::object a = to_numpy(t);
        if (!dtype.is_none()) a = a.attr("astype")(dtype, py::arg("copy") = false);
        return a;
      }, py::arg("dtype") = py::none())
      .def("__dlpack__", [](const Tensor& t, py::object) { return to_dlpack(t); }, py::arg("stream") = py::none())
      .def("__dlpack_device__", [](const Tensor& t) {
        return py::make_tuple(int(t.is_cpu() ? kDLCPU : kDLCUDA), t.is_cpu() ? 0 : std::max(0, t.device().index()));
      })
      .def("__len__", [](const Tensor& t) {
        if (t.dim() == 0) throw py::type_error("len() of a 0-d tensor");
        return t.size(0);
      })
      .def("__iter__", [](const Tensor& t) {
        if (t.dim() == 0) throw py::type_error("iteration over a 0-d tensor");
        return py::iter(py::cast(t.unbind(0)));
      })
      .def("__bool__", [](const Tensor& t) {
        if (t.numel() == 0) throw std::runtime_error("Boolean value of Tensor with no values is ambiguous");
        if (t.numel() > 1) throw std::runtime_error("Boolean value of Tensor with more than one value is ambiguous");
        return t.item().to_bool();
      })
      .def("__float__", [](const Tensor& t) {
        if (t.numel() != 1) throw py::value_error("only one element tensors can be converted to Python scalars");
        return t.item().to_double();
      })
      .def("__int__", [](const Tensor& t) {
        if (t.numel() != 1) throw py::value_error("only one element tensors can be converted to Python scalars");
        Scalar s = t.item();
        double d = s.to_double();
        if (s.is_floating_point() && !std::isfinite(d))
          throw py::value_error(std::isnan(d) ? "cannot convert float NaN to integer"
                                              : "cannot convert float infinity to integer");
        return s.is_floating_point() ? py::object(py::int_(py::float_(d))) : py::object(py::int_(s.to_long()));
      })
      .def("__index__", [](const Tensor& t) {
        if (t.numel() != 1 || !ember::is_integral(t.dtype(), false))
          throw py::type_error("only integer tensors of a single element can be converted to an index");
        return t.item().to_long();
      })
      .def("__repr__", [](const Tensor& t) { return t.toString(); })
      .def("__format__", [](py::object self, const std::string& spec) -> py::object {
        const Tensor& t = self.cast<const Tensor&>();
        if (t.dim() == 0) return py::str(scalar_to_python(t.item())).attr("__format__")(spec);
        return py::str(self.attr("__repr__")());
      })
      .def("to", &tensor_to)
      .def("cpu", [](const Tensor& t) { return t.cpu(); })
      .def("cuda", [](const Tensor& t, py::object device, bool non_blocking) {
        auto d = device_arg(device);
        return t.to(d ? *d : Device(ember::kCUDA, 0), non_blocking);
      }, py::arg("device") = py::none(), py::arg("non_blocking") = false)
      .def("float", [](const Tensor& t) { return t.to(ember::kFloat32); })
      .def("double", [](const Tensor& t) { return t.to(ember::kFloat64); })
      .def("half", [](const Tensor& t) { return t.to(ember::kFloat16); })
      .def("bfloat16", [](const Tensor& t) { return t.to(ember::kBFloat16); })
      .def("long", [](const Tensor& t) { return t.to(ember::kInt64); })
      .def("int", [](const Tensor& t) { return t.to(ember::kInt32); })
      .def("short", [](const Tensor& t) { return t.to(ember::kInt16); })
      .def("char", [](const Tensor& t) { return t.to(ember::kInt8); })
      .def("byte", [](const Tensor& t) { return t.to(ember::kUInt8); })
      .def("bool", [](const Tensor& t) { return t.to(ember::kBool); })
      .def("type_as", [](const Tensor& t, const Tensor& o) { return t.to(o.dtype()); }, py::arg("other"))
      .def("clone", [](const Tensor& t, py::object) { return t.clone(); }, py::arg("memory_format") = py::none())
      .def("contiguous", [](const Tensor& t, py::object) { return t.contiguous(); },
           py::arg("memory_format") = py::none());

  // ---- autograd ----
  cls.def_property("requires_grad", &Tensor::requires_grad,
                   [](Tensor& t, bool r) { t.requires_grad_(r); })
      .def_property("grad", [](const Tensor& t) -> py::object {
        const Tensor& g = t.grad();
        if (!g.defined()) return py::none();
        return py::cast(g);
      }, [](const Tensor& t, py::object g) {
        if (g.is_none()) {
          t.set_grad(Tensor());
          return;
        }
        const Tensor& gt = g.cast<const Tensor&>();
        if (!gt.sizes().equals(t.sizes()))
          throw std::runtime_error("assigned grad has data of a different size");
        if (gt.dtype() != t.dtype()) throw std::runtime_error("assigned grad has data of a different type");
        t.set_grad(gt);
      })
      .def_property_readonly("is_leaf", &Tensor::is_leaf)
      .def_property_readonly("grad_fn", [](const Tensor& t) { return node_to_python(t.grad_fn()); })
      .def_property("data", &Tensor::detach, [](const Tensor& t, py::handle d) {
        // torch's `x.data = y`: x keeps its identity (grad, hooks, requires_grad), y's memory and shape
        if (!py::isinstance<Tensor>(d))
          throw py::type_error("Variable data has to be a tensor, but got " +
                               std::string(py::str(py::type::handle_of(d).attr("__name__"))));
        t.set_data(d.cast<const Tensor&>());
      })
      .def_property_readonly("retains_grad", &Tensor::retains_grad)
      .def("requires_grad_", [](py::object self, bool r) {
        self.cast<Tensor&>().requires_grad_(r);
        return self;
      }, py::arg("requires_grad") = true)
      .def("detach", &Tensor::detach)
      .def("detach_", [](py::object self) {
        self.cast<Tensor&>().detach_();
        return self;
      })
      .def("retain_grad", &Tensor::retain_grad)
      .def("backward", [](const Tensor& t, std::optional<Tensor> gradient, std::optional<bool> retain_graph,
                          bool create_graph, std::optional<tensor_list> inputs) {
        py::gil_scoped_release g;
        if (inputs) ember::autograd::backward({t}, {gradient ? *gradient : Tensor()}, retain_graph, create_graph, *inputs);
        else t.backward(gradient ? *gradient : Tensor(), retain_graph, create_graph);
      }, py::arg("gradient") = py::none(), py::arg("retain_graph") = py::none(), py::arg("create_graph") = false,
         py::arg("inputs") = py::none())
      .def("_register_hook", [](const Tensor& t, py::object fn) {
        PyCallable cb(std::move(fn));
        return t.register_hook([cb](const Tensor& g) -> Tensor {
          py::gil_scoped_acquire acq;
          py::object r = (*cb.fn)(g);
          if (r.is_none()) return Tensor();
          return r.cast<Tensor>();
        });
      })
      .def("_remove_hook", &Tensor::remove_hook);

  // ---- views with torch's varargs sizes ----
  cls.def("view", [](const Tensor& t, py::args args) {
       ScalarType dt;
       if (args.size() == 1 && dtype_from_python(args[0], dt)) return t.view(dt);
       return t.view(sizes_from_args(args, "view"));
     })
      .def("reshape", [](const Tensor& t, py::args a) { return t.reshape(sizes_from_args(a, "reshape")); })
      .def("permute", [](const Tensor& t, py::args a) { return t.permute(sizes_from_args(a, "permute")); })
      .def("expand", [](const Tensor& t, py::args a) { return t.expand(sizes_from_args(a, "expand")); })
      .def("repeat", [](const Tensor& t, py::args a) { return t.repeat(sizes_from_args(a, "repeat")); })
      .def("flip", [](const Tensor& t, py::args a) { return t.flip(sizes_from_args(a, "flip")); })
      .def("view_as", &Tensor::view_as, py::arg("other"))
      .def("reshape_as", &Tensor::reshape_as, py::arg("other"))
      .def("expand_as", &Tensor::expand_as, py::arg("other"))
      .def("new_zeros", [](const Tensor& t, py::args a, std::optional<ScalarType> dtype, std::optional<Device> device, bool rg) {
        return ember::zeros(sizes_from_args(a, "new_zeros"), make_options(dtype ? dtype : t.dtype(), device ? device : t.device(), rg));
      }, py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(), py::arg("requires_grad") = false)
      .def("new_ones", [](const Tensor& t, py::args a, std::optional<ScalarType> dtype, std::optional<Device> device, bool rg) {
        return ember::ones(sizes_from_args(a, "new_ones"), make_options(dtype ? dtype : t.dtype(), device ? device : t.device(), rg));
      }, py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(), py::arg("requires_grad") = false)
      .def("new_empty", [](const Tensor& t, py::args a, std::optional<ScalarType> dtype, std::optional<Device> device, bool rg) {
        return ember::empty(sizes_from_args(a, "new_empty"), make_options(dtype ? dtype : t.dtype(), device ? device : t.device(), rg));
      }, py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(), py::arg("requires_grad") = false)
      .def("new_full", [](const Tensor& t, IntList size, Scalar v, std::optional<ScalarType> dtype, std::optional<Device> device, bool rg) {
        return ember::full(size, v, make_options(dtype ? dtype : t.dtype(), device ? device : t.device(), rg));
      }, py::arg("size"), py::arg("fill_value"), py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(), py::arg("requires_grad") = false)
      .def("new_tensor", [](const Tensor& t, py::handle data, std::optional<ScalarType> dtype, std::optional<Device> device, bool rg) {
        Tensor r = tensor_from_data(data, dtype ? dtype : t.dtype());
        if (device && *device != r.device()) r = r.to(*device);
        return rg ? r.requires_grad_(true) : r;
      }, py::arg("data"), py::kw_only(), py::arg("dtype") = py::none(), py::arg("device") = py::none(), py::arg("requires_grad") = false);

  // ---- in-place ops (return self) ----
  auto self_ret = [](py::object self) { return self; };
  (void)self_ret;
#define EMBER_INPLACE0(name)                                  \
  cls.def(#name, [](py::object self) {                        \
    Tensor& t = self.cast<Tensor&>();                         \
    {                                                         \
      ReleaseIfLarge g(t.numel());                            \
      t.name();                                               \
    }                                                         \
    return self;                                              \
  });
  EMBER_INPLACE0(zero_)
  EMBER_INPLACE0(relu_)
  EMBER_INPLACE0(neg_)
  EMBER_INPLACE0(exp_)
  EMBER_INPLACE0(sqrt_)
  EMBER_INPLACE0(sigmoid_)
  EMBER_INPLACE0(tanh_)
  EMBER_INPLACE0(abs_)
#undef EMBER_INPLACE0
  // the rest: self.copy_(op(self)), see inplace_from
#define EMBER_INPLACE_FROM(method, op)                                       \
  cls.def(method, [](py::object self) {                                     \
    Tensor& t = self.cast<Tensor&>();                                       \
    {                                                                       \
      ReleaseIfLarge g(t.numel());                                          \
      inplace_from(t, method, [](T s) { return ember::op(s); });            \
    }                                                                       \
    return self;                                                            \
  });
  EMBER_INPLACE_FROM("sin_", sin)
  EMBER_INPLACE_FROM("cos_", cos)
  EMBER_INPLACE_FROM("tan_", tan)
  EMBER_INPLACE_FROM("asin_", asin)
  EMBER_INPLACE_FROM("arcsin_", asin)
  EMBER_INPLACE_FROM("acos_", acos)
  EMBER_INPLACE_FROM("arccos_", acos)
  EMBER_INPLACE_FROM("atan_", atan)
  EMBER_INPLACE_FROM("arctan_", atan)
  EMBER_INPLACE_FROM("sinh_", sinh)
  EMBER_INPLACE_FROM("cosh_", cosh)
  EMBER_INPLACE_FROM("log_", log)
  EMBER_INPLACE_FROM("log2_", log2)
  EMBER_INPLACE_FROM("log10_", log10)
  EMBER_INPLACE_FROM("log1p_", log1p)
  EMBER_INPLACE_FROM("exp2_", exp2)
  EMBER_INPLACE_FROM("expm1_", expm1)
  EMBER_INPLACE_FROM("rsqrt_", rsqrt)
  EMBER_INPLACE_FROM("reciprocal_", reciprocal)
  EMBER_INPLACE_FROM("erf_", erf)
  EMBER_INPLACE_FROM("floor_", floor)
  EMBER_INPLACE_FROM("ceil_", ceil)
  EMBER_INPLACE_FROM("trunc_", trunc)
  EMBER_INPLACE_FROM("fix_", trunc)
  EMBER_INPLACE_FROM("sign_", sign)
  EMBER_INPLACE_FROM("square_", square)
  EMBER_INPLACE_FROM("negative_", neg)
  EMBER_INPLACE_FROM("absolute_", abs)
#undef EMBER_INPLACE_FROM
  cls.def("round_", [](py::object self, int64_t decimals) {
    Tensor& t = self.cast<Tensor&>();
    {
      ReleaseIfLarge g(t.numel());
      inplace_from(t, "round_", [&](T s) { return ember::round(s, decimals); });
    }
    return self;
  }, py::kw_only(), py::arg("decimals") = 0);
  // bitwise ops, Tensor or number `other`
#define EMBER_INPLACE_BITWISE(method, op)                                                          \
  cls.def(method, [](py::object self, py::handle other) {                                         \
    return inplace(self, other,                                                                   \
                   [](Tensor& x, T y) { inplace_from(x, method, [&](T s) { return ember::op(s, y); }); }, \
                   [](Tensor& x, S y) {                                                           \
                     inplace_from(x, method, [&](T s) { return ember::op(s, wrap_scalar(y, x)); }); \
                   }, method);                                                                    \
  }, py::arg("other"));
  EMBER_INPLACE_BITWISE("bitwise_and_", bitwise_and)
  EMBER_INPLACE_BITWISE("bitwise_or_", bitwise_or)
  EMBER_INPLACE_BITWISE("bitwise_xor_", bitwise_xor)
  EMBER_INPLACE_BITWISE("bitwise_left_shift_", bitwise_left_shift)
  EMBER_INPLACE_BITWISE("bitwise_right_shift_", bitwise_right_shift)
#undef EMBER_INPLACE_BITWISE
  cls.def("add_", [](py::object self, py::handle other, Scalar alpha) {
       return inplace(self, other, [&](Tensor& a, const Tensor& b) { a.add_(b, alpha); },
                      [&](Tensor& a, const Scalar& b) { a.add_(b, alpha); }, "add_");
     }, py::arg("other"), py::kw_only(), py::arg("alpha") = 1)
      .def("sub_", [](py::object self, py::handle other, Scalar alpha) {
        return inplace(self, other, [&](Tensor& a, const Tensor& b) { a.sub_(b, alpha); },
                       [&](Tensor& a, const Scalar& b) { a.sub_(b, alpha); }, "sub_");
      }, py::arg("other"), py::kw_only(), py::arg("alpha") = 1)
      .def("mul_", [](py::object self, py::handle other) {
        return inplace(self, other, [](Tensor& a, const Tensor& b) { a.mul_(b); },
                       [](Tensor& a, const Scalar& b) { a.mul_(b); }, "mul_");
      }, py::arg("other"))
      .def("div_", [](py::object self, py::handle other, std::optional<std::string> rounding_mode) {
        if (rounding_mode) {
          Tensor& a = self.cast<Tensor&>();
          if (is_tensor(other)) {
            const Tensor& b = other.cast<const Tensor&>();
            inplace_from(a, "div_", [&](const Tensor& s) { return ember::div(s, b, rounding_mode); });
          } else {
            Scalar b = other.cast<Scalar>();
            inplace_from(a, "div_", [&](const Tensor& s) { return ember::div(s, b, rounding_mode); });
          }
          return self;
        }
        return inplace(self, other, [](Tensor& a, const Tensor& b) { a.div_(b); },
                       [](Tensor& a, const Scalar& b) { a.div_(b); }, "div_");
      }, py::arg("other"), py::kw_only(), py::arg("rounding_mode") = py::none())
      .def("pow_", [](py::object self, py::handle e) {
        return inplace(self, e, [](Tensor& a, const Tensor& b) { inplace_from(a, "pow_", [&](T s) { return ember::pow(s, b); }); },
                       [](Tensor& a, const Scalar& b) { a.pow_(b); }, "pow_");
      }, py::arg("exponent"))
      .def("clamp_", [](py::object self, std::optional<Scalar> min, std::optional<Scalar> max) {
        self.cast<Tensor&>().clamp_(min, max);
        return self;
      }, py::arg("min") = py::none(), py::arg("max") = py::none())
      .def("clamp_min_", [](py::object self, Scalar min) {
        self.cast<Tensor&>().clamp_min_(min);
        return self;
      }, py::arg("min"))
      .def("clamp_max_", [](py::object self, Scalar max) {
        self.cast<Tensor&>().clamp_(std::nullopt, max);
        return self;
      }, py::arg("max"))
      .def("fill_", [](py::object self, py::handle v) {
        Tensor& t = self.cast<Tensor&>();
        if (is_tensor(v)) t.fill_(v.cast<const Tensor&>());
        else t.fill_(v.cast<Scalar>());
        return self;
      }, py::arg("value"))
      .def("copy_", [](py::object self, const Tensor& src, bool non_blocking) {
        Tensor& t = self.cast<Tensor&>();
        ReleaseIfLarge g(t.numel());
        t.copy_(src, non_blocking);
        return self;
      }, py::arg("src"), py::arg("non_blocking") = false)
      .def("normal_", [](py::object self, double mean, double std, std::shared_ptr<ember::Generator> gen) {
        Tensor& t = self.cast<Tensor&>();
        if (!(std >= 0)) throw py::value_error("normal_ expects std >= 0.0, but found std " + std::to_string(std));
        if (gen) ember::normal_(t, mean, std, *gen);
        else t.normal_(mean, std);
        return self;
      }, py::arg("mean") = 0.0, py::arg("std") = 1.0, py::kw_only(), py::arg("generator") = py::none())
      .def("uniform_", [](py::object self, double from, double to, std::shared_ptr<ember::Generator> gen) {
        Tensor& t = self.cast<Tensor&>();
        if (!(from <= to)) throw py::value_error("uniform_ expects to return a [from, to) range, but found from > to");
        if (gen) ember::uniform_(t, from, to, *gen);
        else t.uniform_(from, to);
        return self;
      }, py::arg("from") = 0.0, py::arg("to") = 1.0, py::kw_only(), py::arg("generator") = py::none())
      .def("bernoulli_", [](py::object self, double p) {
        if (!(p >= 0 && p <= 1)) throw py::value_error("bernoulli_ expects p to be in [0, 1]");
        self.cast<Tensor&>().bernoulli_(p);
        return self;
      }, py::arg("p") = 0.5)
      .def("masked_fill_", [](py::object self, const Tensor& mask, py::handle value) {
        Tensor& t = self.cast<Tensor&>();
        Scalar s;
        if (is_tensor(value)) {
          const Tensor& v = value.cast<const Tensor&>();
          if (v.dim() != 0) throw std::runtime_error("masked_fill_ only supports a 0-dimensional value tensor");
          s = v.item();
        } else {
          s = value.cast<Scalar>();
        }
        t.masked_fill_(mask, s);
        return self;
      }, py::arg("mask"), py::arg("value"))
      .def("index_fill_", [](py::object self, int64_t dim, const Tensor& index, py::handle value) {
        Tensor& t = self.cast<Tensor&>();
        if (is_tensor(value)) {
          const Tensor& v = value.cast<const Tensor&>();
          inplace_from(t, "index_fill_", [&](T s) { return ember::index_fill(s, dim, index, v); });
        } else {
          Scalar v = value.cast<Scalar>();
          inplace_from(t, "index_fill_", [&](T s) { return ember::index_fill(s, dim, index, v); });
        }
        return self;
      }, py::arg("dim"), py::arg("index"), py::arg("value"))
      .def("index_add_", [](py::object self, int64_t dim, const Tensor& index, const Tensor& source, Scalar alpha) {
        self.cast<Tensor&>().index_add_(dim, index, source, alpha);
        return self;
      }, py::arg("dim"), py::arg("index"), py::arg("source"), py::kw_only(), py::arg("alpha") = 1)
      .def("scatter_", [](py::object self, int64_t dim, const Tensor& index, py::handle src, std::optional<std::string> reduce) {
        if (reduce) throw py::type_error("scatter_: the reduce argument is not supported");
        Tensor& t = self.cast<Tensor&>();
        if (is_tensor(src)) {
          t.scatter_(dim, index, src.cast<const Tensor&>());
        } else {
          Scalar v = src.cast<Scalar>();
          inplace_from(t, "scatter_", [&](T s) { return ember::scatter(s, dim, index, v); });
        }
        return self;
      }, py::arg("dim"), py::arg("index"), py::arg("src"), py::kw_only(), py::arg("reduce") = py::none())
      .def("scatter_add_", [](py::object self, int64_t dim, const Tensor& index, const Tensor& src) {
        self.cast<Tensor&>().scatter_add_(dim, index, src);
        return self;
      }, py::arg("dim"), py::arg("index"), py::arg("src"));

  // ---- operators ----
  cls.def("__add__", [](T a, py::handle b) {
       return binary(a, b, [](T x, T y) { return ember::add(x, y); }, [](T x, S y) { return ember::add(x, y); });
     })
      .def("__radd__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::add(y, x); }, [](T x, S y) { return ember::add(x, y); });
      })
      .def("__sub__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::sub(x, y); }, [](T x, S y) { return ember::sub(x, y); });
      })
      .def("__rsub__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::sub(y, x); }, [](T x, S y) { return ember::rsub(x, y); });
      })
      .def("__mul__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::mul(x, y); }, [](T x, S y) { return ember::mul(x, y); });
      })
      .def("__rmul__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::mul(y, x); }, [](T x, S y) { return ember::mul(x, y); });
      })
      .def("__truediv__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::div(x, y); }, [](T x, S y) { return ember::div(x, y); });
      })
      .def("__rtruediv__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::div(y, x); }, [](T x, S y) { return ember::div(y, x); });
      })
      .def("__floordiv__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::div(x, y, "floor"); },
                      [](T x, S y) { return ember::div(x, y, "floor"); });
      })
      .def("__rfloordiv__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::div(y, x, "floor"); },
                      [](T x, S y) { return ember::div(wrap_scalar(y, x), x, "floor"); });
      })
      .def("__mod__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::remainder(x, y); },
                      [](T x, S y) { return ember::remainder(x, y); });
      })
      .def("__rmod__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::remainder(y, x); },
                      [](T x, S y) { return ember::remainder(wrap_scalar(y, x), x); });
      })
      .def("__pow__", [](T a, py::handle b, py::object) {
        return binary(a, b, [](T x, T y) { return ember::pow(x, y); }, [](T x, S y) { return ember::pow(x, y); });
      }, py::arg("other"), py::arg("modulo") = py::none())
      .def("__rpow__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::pow(y, x); }, [](T x, S y) { return ember::pow(y, x); });
      })
      .def("__matmul__", [](T a, py::handle b) -> py::object {
        if (!is_tensor(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
        const Tensor& bt = b.cast<T>();
        Tensor r;
        {
          ReleaseIfLarge g(a.numel());  // the ember call only: no Python objects in here
          r = ember::matmul(a, bt);
        }
        return py::cast(std::move(r));
      })
      .def("__rmatmul__", [](T a, py::handle b) -> py::object {
        if (!is_tensor(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
        return py::cast(ember::matmul(b.cast<T>(), a));
      })
      .def("__and__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::bitwise_and(x, y); },
                      [](T x, S y) { return ember::bitwise_and(x, wrap_scalar(y, x)); });
      })
      .def("__rand__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::bitwise_and(y, x); },
                      [](T x, S y) { return ember::bitwise_and(wrap_scalar(y, x), x); });
      })
      .def("__or__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::bitwise_or(x, y); },
                      [](T x, S y) { return ember::bitwise_or(x, wrap_scalar(y, x)); });
      })
      .def("__ror__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::bitwise_or(y, x); },
                      [](T x, S y) { return ember::bitwise_or(wrap_scalar(y, x), x); });
      })
      .def("__xor__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::bitwise_xor(x, y); },
                      [](T x, S y) { return ember::bitwise_xor(x, wrap_scalar(y, x)); });
      })
      .def("__rxor__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::bitwise_xor(y, x); },
                      [](T x, S y) { return ember::bitwise_xor(wrap_scalar(y, x), x); });
      })
      .def("__lshift__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::bitwise_left_shift(x, y); },
                      [](T x, S y) { return ember::bitwise_left_shift(x, wrap_scalar(y, x)); });
      })
      .def("__rshift__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::bitwise_right_shift(x, y); },
                      [](T x, S y) { return ember::bitwise_right_shift(x, wrap_scalar(y, x)); });
      })
      .def("__rlshift__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::bitwise_left_shift(y, x); },
                      [](T x, S y) { return ember::bitwise_left_shift(wrap_scalar(y, x), x); });
      })
      .def("__rrshift__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::bitwise_right_shift(y, x); },
                      [](T x, S y) { return ember::bitwise_right_shift(wrap_scalar(y, x), x); });
      })
      .def("__eq__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::eq(x, y); }, [](T x, S y) { return ember::eq(x, y); });
      })
      .def("__ne__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::ne(x, y); }, [](T x, S y) { return ember::ne(x, y); });
      })
      .def("__lt__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::lt(x, y); }, [](T x, S y) { return ember::lt(x, y); });
      })
      .def("__le__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::le(x, y); }, [](T x, S y) { return ember::le(x, y); });
      })
      .def("__gt__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::gt(x, y); }, [](T x, S y) { return ember::gt(x, y); });
      })
      .def("__ge__", [](T a, py::handle b) {
        return binary(a, b, [](T x, T y) { return ember::ge(x, y); }, [](T x, S y) { return ember::ge(x, y); });
      })
      .def("__neg__", [](T a) { return ember::neg(a); })
      .def("__pos__", [](T a) { return a; })
      .def("__abs__", [](T a) { return ember::abs(a); })
      .def("__invert__", [](T a) { return ember::bitwise_not(a); });

  // in-place operators
  cls.def("__iadd__", [](py::object self, py::handle b) {
       return inplace(self, b, [](Tensor& x, T y) { x.add_(y); }, [](Tensor& x, S y) { x.add_(y); });
     })
      .def("__isub__", [](py::object self, py::handle b) {
        return inplace(self, b, [](Tensor& x, T y) { x.sub_(y); }, [](Tensor& x, S y) { x.sub_(y); });
      })
      .def("__imul__", [](py::object self, py::handle b) {
        return inplace(self, b, [](Tensor& x, T y) { x.mul_(y); }, [](Tensor& x, S y) { x.mul_(y); });
      })
      .def("__itruediv__", [](py::object self, py::handle b) {
        return inplace(self, b, [](Tensor& x, T y) { x.div_(y); }, [](Tensor& x, S y) { x.div_(y); });
      })
      .def("__ipow__", [](py::object self, py::handle b) {
        return inplace(self, b, [](Tensor& x, T y) { inplace_from(x, "pow_", [&](T s) { return ember::pow(s, y); }); },
                       [](Tensor& x, S y) { x.pow_(y); });
      })
      .def("__ifloordiv__", [](py::object self, py::handle b) {
        return inplace(self, b, [](Tensor& x, T y) { inplace_from(x, "__ifloordiv__", [&](T s) { return ember::div(s, y, "floor"); }); },
                       [](Tensor& x, S y) { inplace_from(x, "__ifloordiv__", [&](T s) { return ember::div(s, y, "floor"); }); });
      })
      .def("__imod__", [](py::object self, py::handle b) {
        return inplace(self, b, [](Tensor& x, T y) { inplace_from(x, "__imod__", [&](T s) { return ember::remainder(s, y); }); },
                       [](Tensor& x, S y) { inplace_from(x, "__imod__", [&](T s) { return ember::remainder(s, y); }); });
      })
      .def("__iand__", [](py::object self, py::handle b) {
        return inplace(self, b, [](Tensor& x, T y) { inplace_from(x, "__iand__", [&](T s) { return ember::bitwise_and(s, y); }); },
                       [](Tensor& x, S y) { inplace_from(x, "__iand__", [&](T s) { return ember::bitwise_and(s, wrap_scalar(y, x)); }); });
      })
      .def("__ior__", [](py::object self, py::handle b) {
        return inplace(self, b, [](Tensor& x, T y) { inplace_from(x, "__ior__", [&](T s) { return ember::bitwise_or(s, y); }); },
                       [](Tensor& x, S y) { inplace_from(x, "__ior__", [&](T s) { return ember::bitwise_or(s, wrap_scalar(y, x)); }); });
      })
      .def("__ilshift__", [](py::object self, py::handle b) {
        return inplace(self, b, [](Tensor& x, T y) { inplace_from(x, "__ilshift__", [&](T s) { return ember::bitwise_left_shift(s, y); }); },
                       [](Tensor& x, S y) { inplace_from(x, "__ilshift__", [&](T s) { return ember::bitwise_left_shift(s, wrap_scalar(y, x)); }); });
      })
      .def("__irshift__", [](py::object self, py::handle b) {
        return inplace(self, b, [](Tensor& x, T y) { inplace_from(x, "__irshift__", [&](T s) { return ember::bitwise_right_shift(s, y); }); },
                       [](Tensor& x, S y) { inplace_from(x, "__irshift__", [&](T s) { return ember::bitwise_right_shift(s, wrap_scalar(y, x)); }); });
      })
      .def("__ixor__", [](py::object self, py::handle b) {
        return inplace(self, b, [](Tensor& x, T y) { inplace_from(x, "__ixor__", [&](T s) { return ember::bitwise_xor(s, y); }); },
                       [](Tensor& x, S y) { inplace_from(x, "__ixor__", [&](T s) { return ember::bitwise_xor(s, wrap_scalar(y, x)); }); });
      });

  // ---- indexing ----
  cls.def("__getitem__", [](const Tensor& t, py::handle index) {
       if (PyLong_Check(index.ptr()) && !PyBool_Check(index.ptr())) {
         int64_t i;
         if (int_from_python(index, i)) return t.select(0, i);
       }
       auto idx = to_indices(index);
       return t.index(idx);
     })
      .def("__setitem__", [](Tensor& t, py::handle index, py::handle value) {
        auto idx = to_indices(index);
        if (is_tensor(value)) {
          t.index_put_(idx, value.cast<const Tensor&>());
          return;
        }
        Scalar s;
        if (scalar_from_python(value, s)) {
          t.index_put_(idx, s);
          return;
        }
        // sequences and arrays: a tensor of self's dtype
        t.index_put_(idx, tensor_from_data(value, t.dtype()));
      });

  // hashing by identity, as torch (defining __eq__ cleared it)
  cls.attr("__hash__") = py::module_::import("builtins").attr("object").attr("__hash__");
  cls.attr("__array_priority__") = 1000;

  m.def("from_numpy", [](py::handle a) {
    if (!has_buffer(a)) throw py::type_error(std::string("expected np.ndarray (got ") + Py_TYPE(a.ptr())->tp_name + ")");
    return tensor_from_buffer(a, /*allow_copy=*/false);
  }, py::arg("ndarray"));
  m.def("_from_buffer", [](py::handle a) { return tensor_from_buffer(a, true); });
  m.def("_from_dlpack_capsule", &from_dlpack_capsule);
  m.def("_to_dlpack", &to_dlpack);
}

}  // namespace ember_py
