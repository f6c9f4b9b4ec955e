// Argument conversion between Python and the C++ core: Python numbers ->
// ember::Scalar, dtype objects <-> ScalarType, int-or-sequence arguments
// (dims, sizes), index expressions -> TensorIndex lists, Python data ->
// tensors. Everything torch does in Python argument parsing lives here, so
// the binding files only forward.
#pragma once

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ember/ember.h>

namespace py = pybind11;

namespace ember_py {

using ember::Scalar;
using ember::ScalarType;
using ember::Tensor;

// ---- dtype objects ----
// One Python object per ScalarType (`ember.float32`), created at import.
struct DtypeObj {
  ScalarType type;
};
py::handle dtype_object(ScalarType t);
/// Python's `float`, `int` and `bool` are accepted as dtypes, as torch does.
bool dtype_from_python(py::handle h, ScalarType& out);

// ---- small int lists: an int or a sequence of ints ----
struct IntList {
  std::vector<int64_t> v;
  operator ember::IntArrayRef() const { return ember::IntArrayRef(v); }
};
bool int_from_python(py::handle h, int64_t& out);
bool int_list_from_python(py::handle h, std::vector<int64_t>& out);
/// torch-style sizes: `f(2, 3)`, `f((2, 3))`, `f([2, 3])`, `f(ember.Size)`.
std::vector<int64_t> sizes_from_args(const py::args& args, const char* fname);

// ---- scalars ----
bool is_tensor(py::handle h);
bool scalar_from_python(py::handle h, Scalar& out);
py::object scalar_to_python(const Scalar& s);

// ---- data ----
/// ember.tensor(data): nested sequences, scalars, tensors, or objects with
/// the buffer protocol (NumPy arrays); always copies.
Tensor tensor_from_data(py::handle data, std::optional<ScalarType> dtype);
/// Wraps a buffer (NumPy array) without copying; the buffer is released
/// (under the GIL) when the last tensor using the memory dies.
Tensor tensor_from_buffer(py::handle obj, bool allow_copy_fallback);
bool has_buffer(py::handle h);

// ---- indexing ----
std::vector<ember::indexing::TensorIndex> to_indices(py::handle index);

// ---- dtype rules the core keeps internal ----
/// torch.can_cast: no float -> integral and no non-bool -> bool.
bool can_cast(ScalarType from, ScalarType to);
/// A Python number as a 0-d tensor of the dtype torch's promotion gives
/// `like op number` (a wrapped number does not widen its category's dtype),
/// for ops the core only takes tensors for (bitwise ops).
Tensor wrap_scalar(const Scalar& s, const Tensor& like);

// ---- autograd ----
/// t.grad_fn: None, or the node as an instance of its per-name subclass of
/// ember._C.Node (type(t.grad_fn).__name__ == "MulBackward0", as torch).
py::object node_to_python(const std::shared_ptr<ember::autograd::Node>& n);

// ---- misc ----
ember::TensorOptions make_options(std::optional<ScalarType> dtype,
                                  std::optional<ember::Device> device,
                                  bool requires_grad);
/// ember.Size from sizes.
py::object make_size(ember::IntArrayRef sizes);
/// torch.return_types.<name>(values, indices)
py::object make_return(const char* name, const Tensor& a, const Tensor& b);
/// torch.return_types.<name>(*values), for any number of fields.
py::object make_return(const char* name, const ember::tensor_list& values);
/// Set by ember/__init__.py: ember.Size and the return-type classes.
void set_python_classes(py::object size_cls, py::dict return_types);

/// Releases the GIL only for work large enough to be worth the two atomic
/// thread-state swaps (per-op overhead matters on tiny tensors).
struct ReleaseIfLarge {
  explicit ReleaseIfLarge(int64_t numel) {
    if (numel >= (1 << 14)) state_ = PyEval_SaveThread();
  }
  ~ReleaseIfLarge() {
    if (state_) PyEval_RestoreThread(state_);
  }
  PyThreadState* state_ = nullptr;
};

/// A Python callable owned from C++ (hooks, custom backward). Its last
/// reference may die on a thread that does not hold the GIL, or after the
/// interpreter is gone (a tensor kept alive by a C++ static): then it leaks.
struct PyCallable {
  explicit PyCallable(py::object f)
      : fn(new py::object(std::move(f)), [](py::object* p) {
          if (!Py_IsInitialized()) return;  // leaked deliberately: no interpreter left
          py::gil_scoped_acquire g;
          delete p;
        }) {}
  std::shared_ptr<py::object> fn;
};

// ---- one Python object per TensorImpl ----
// As torch, a tensor keeps its Python identity (`x.grad is x.grad`,
// `x.add_(1) is x`, optimizer state keyed by parameter): while a wrapper
// lives, casting any Tensor with the same impl returns that wrapper. The
// wrapper holds a Tensor, so the impl cannot die (nor its address be reused)
// while its entry exists; the entry is removed in the wrapper's tp_dealloc.
// All of this runs with the GIL held.
PyObject* find_wrapper(const Tensor& t);
void note_wrapper(PyObject* obj, const Tensor* value);
void forget_wrapper(PyObject* obj);

void init_tensor(py::module_& m, py::class_<Tensor>& cls);
void init_ops(py::module_& m, py::class_<Tensor>& cls);
void init_ops_more(py::module_& m, py::class_<Tensor>& cls);  // python/src/ops_more.cpp
void init_linalg_module(py::module_& m, py::class_<Tensor>& cls);  // python/src/linalg.cpp
void init_autograd(py::module_& m);

}  // namespace ember_py

// ---- pybind11 type casters ----
namespace pybind11 {
namespace detail {

// Tensor: pybind's class caster plus the identity map above. An undefined
// Tensor converts to None.
template <>
struct type_caster<ember::Tensor> : type_caster_base<ember::Tensor> {
  using base = type_caster_base<ember::Tensor>;
  bool load(handle src, bool convert) {
    // None is not a Tensor: pybind's generic caster accepts it as a null
    // pointer, which the `const Tensor&` parameters would then dereference
    // (a segfault on ember.add(None, x)). Optional tensors are
    // std::optional<Tensor>, whose caster takes None before reaching here;
    // elsewhere None fails the match and pybind raises TypeError naming the op.
    if (src.is_none()) return false;
    if (!base::load(src, convert)) return false;
    ember_py::note_wrapper(src.ptr(), static_cast<const ember::Tensor*>(value));
    return true;
  }
  static handle cast(const ember::Tensor& t, return_value_policy, handle parent) {
    if (!t.defined()) return none().release();
    if (PyObject* w = ember_py::find_wrapper(t)) return handle(w).inc_ref();
    return registered(base::cast(t, return_value_policy::copy, parent));
  }
  static handle cast(ember::Tensor&& t, return_value_policy, handle parent) {
    if (!t.defined()) return none().release();
    if (PyObject* w = ember_py::find_wrapper(t)) return handle(w).inc_ref();
    return registered(base::cast(std::move(t), return_value_policy::move, parent));
  }
  static handle cast(const ember::Tensor* t, return_value_policy p, handle parent) {
    if (!t) return none().release();
    return cast(*t, p, parent);
  }

 private:
  static handle registered(handle h) {
    if (h) {
      auto* inst = reinterpret_cast<instance*>(h.ptr());
      ember_py::note_wrapper(h.ptr(), inst->get_value_and_holder().value_ptr<ember::Tensor>());
    }
    return h;
  }
};

// Device: an ember.device or a device string; a malformed string raises
// RuntimeError (torch: "Expected one of cpu, cuda, ... at start of device
// string"), rather than failing overload resolution with a TypeError.
template <>
struct type_caster<ember::Device> : type_caster_base<ember::Device> {
  bool load(handle src, bool convert) {
    if (type_caster_base<ember::Device>::load(src, convert)) return true;
    if (!PyUnicode_Check(src.ptr())) return false;
    parsed_ = ember::Device(src.cast<std::string>());
    value = &parsed_;
    return true;
  }

 private:
  ember::Device parsed_;
};

template <>
struct type_caster<ember::Scalar> {
  PYBIND11_TYPE_CASTER(ember::Scalar, const_name("Number"));
  bool load(handle src, bool) { return ember_py::scalar_from_python(src, value); }
  static handle cast(const ember::Scalar& s, return_value_policy, handle) {
    return ember_py::scalar_to_python(s).release();
  }
};

template <>
struct type_caster<ember::ScalarType> {
  PYBIND11_TYPE_CASTER(ember::ScalarType, const_name("dtype"));
  bool load(handle src, bool) { return ember_py::dtype_from_python(src, value); }
  static handle cast(ember::ScalarType t, return_value_policy, handle) {
    return ember_py::dtype_object(t).inc_ref();
  }
};

template <>
struct type_caster<ember_py::IntList> {
  PYBIND11_TYPE_CASTER(ember_py::IntList, const_name("Union[int, Sequence[int]]"));
  bool load(handle src, bool) { return ember_py::int_list_from_python(src, value.v); }
  static handle cast(const ember_py::IntList& l, return_value_policy, handle) {
    return ember_py::make_size(l.v).release();
  }
};

}  // namespace detail
}  // namespace pybind11
