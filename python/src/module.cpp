// ember._C: exceptions, dtypes, devices, generators, global settings; the
// Tensor class, ops and autograd are bound in their own files.
#include <sstream>

#include "convert.h"
#include "nn.h"

namespace ember_py {

namespace {
// Borrowed from the module attributes, which hold one reference each that
// is never released: a static py::object would be destroyed after
// Py_Finalize and crash at exit.
py::handle dtype_objects[ember::kNumScalarTypes];
}

py::handle dtype_object(ScalarType t) {
  int i = int(t);
  if (i < 0 || i >= ember::kNumScalarTypes) return py::none();
  return dtype_objects[i];
}

namespace {

void init_exceptions(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ember::IndexError& e) {
      PyErr_SetString(PyExc_IndexError, e.what());
    } catch (const ember::TypeError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const ember::ValueError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const ember::NotImplementedError& e) {
      PyErr_SetString(PyExc_NotImplementedError, e.what());
    } catch (const ember::Error& e) {
      // RuntimeError and anything else from the core (torch raises
      // RuntimeError for integer division by zero too)
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
}

void init_dtypes(py::module_& m) {
  py::class_<DtypeObj>(m, "dtype")
      .def_property_readonly("is_floating_point", [](const DtypeObj& d) { return ember::is_floating_point(d.type); })
      .def_property_readonly("is_signed",
                             [](const DtypeObj& d) { return d.type != ember::kBool && d.type != ember::kUInt8; })
      .def_property_readonly("itemsize", [](const DtypeObj& d) { return ember::itemsize(d.type); })
      .def_property_readonly("is_complex", [](const DtypeObj&) { return false; })
      .def("__repr__", [](const DtypeObj& d) { return std::string("ember.") + ember::dtype_name(d.type); })
      .def("__reduce__", [](const DtypeObj& d) { return std::string(ember::dtype_name(d.type)); })
      .def("__hash__", [](const DtypeObj& d) { return int(d.type) + 1000; })
      .def("__eq__", [](const DtypeObj& a, py::handle b) {
        ScalarType t;
        return py::isinstance<DtypeObj>(b) && dtype_from_python(b, t) && t == a.type;
      });
  for (int i = 0; i < ember::kNumScalarTypes; ++i) {
    auto t = ScalarType(i);
    dtype_objects[i] = py::cast(DtypeObj{t}).release();  // leaked deliberately, see above
    m.attr(ember::dtype_name(t)) = dtype_objects[i];
  }
  m.def("get_default_dtype", &ember::get_default_dtype);
  m.def("set_default_dtype", [](ScalarType t) {
    if (!ember::is_floating_point(t))
      throw py::type_error(std::string("only floating-point types are supported as the default type, got ember.") +
                           ember::dtype_name(t));
    ember::set_default_dtype(t);
  }, py::arg("d"));
  m.def("promote_types", &ember::promote_types, py::arg("type1"), py::arg("type2"));
}

void init_devices(py::module_& m) {
  py::class_<ember::Device>(m, "device")
      .def(py::init([](const std::string& spec) { return ember::Device(spec); }), py::arg("type"))
      .def(py::init([](const std::string& type, int index) {
             ember::Device d(type);
             if (index < 0) throw py::value_error("Device index must not be negative");
             return ember::Device(d.type(), index);
           }),
           py::arg("type"), py::arg("index"))
      .def(py::init([](const ember::Device& d) { return d; }))
      .def_property_readonly("type", [](const ember::Device& d) { return d.is_cpu() ? "cpu" : "cuda"; })
      .def_property_readonly("index", [](const ember::Device& d) -> py::object {
        if (d.index() < 0) return py::none();
        return py::int_(d.index());
      })
      .def("__str__", &ember::Device::str)
      .def("__repr__", [](const ember::Device& d) {
        std::string s = "device(type='" + std::string(d.is_cpu() ? "cpu" : "cuda") + "'";
        if (d.index() >= 0) s += ", index=" + std::to_string(d.index());
        return s + ")";
      })
      .def("__eq__", [](const ember::Device& a, py::handle b) {
        if (py::isinstance<ember::Device>(b)) return a == b.cast<ember::Device>() && a.index() == b.cast<ember::Device>().index();
        if (py::isinstance<py::str>(b)) {
          try {
            ember::Device d(b.cast<std::string>());
            return a == d && a.index() == d.index();
          } catch (const ember::Error&) {
            return false;
          }
        }
        return false;
      })
      .def("__hash__", [](const ember::Device& d) { return int(d.type()) * 1000 + d.index(); });

  auto cuda = m.def_submodule("_cuda");
  cuda.def("is_available", &ember::cuda::is_available);
  cuda.def("device_count", &ember::cuda::device_count);
}

void init_random(py::module_& m) {
  py::class_<ember::Generator, std::shared_ptr<ember::Generator>>(m, "Generator")
      .def(py::init([](const ember::Device& device) {
             if (!device.is_cpu()) throw py::value_error("Generator: only cpu generators are supported");
             return std::make_shared<ember::Generator>();
           }),
           py::arg("device") = ember::Device(ember::kCPU))
      .def("manual_seed", [](py::object self, int64_t seed) {
        self.cast<ember::Generator&>().manual_seed(uint64_t(seed));
        return self;
      }, py::arg("seed"))
      .def("initial_seed", &ember::Generator::initial_seed)
      // bytes here; ember.Generator.get_state / set_state (python/ember/random.py) wrap them in a uint8 tensor
      .def("_get_state", [](ember::Generator& g) {
        std::lock_guard<std::mutex> lock(g.mutex());
        auto state = g.get_state();
        return py::bytes(reinterpret_cast<const char*>(state.data()), state.size());
      })
      .def("_set_state", [](ember::Generator& g, const py::bytes& b) {
        std::string s = b;
        std::lock_guard<std::mutex> lock(g.mutex());
        g.set_state(std::vector<uint8_t>(s.begin(), s.end()));
      }, py::arg("state"))
      .def_property_readonly("device", [](const ember::Generator&) { return ember::Device(ember::kCPU); });
  m.def("manual_seed", [](int64_t seed) {
    ember::manual_seed(uint64_t(seed));
    return std::shared_ptr<ember::Generator>(&ember::default_generator(), [](ember::Generator*) {});
  }, py::arg("seed"));
  m.def("initial_seed", [] { return ember::default_generator().initial_seed(); });
  m.def("default_generator", [] {
    return std::shared_ptr<ember::Generator>(&ember::default_generator(), [](ember::Generator*) {});
  });
}

void init_settings(py::module_& m) {
  m.def("is_grad_enabled", &ember::is_grad_enabled);
  m.def("_set_grad_enabled", &ember::set_grad_enabled, py::arg("mode"));
  m.def("get_num_threads", &ember::get_num_threads);
  m.def("set_num_threads", &ember::set_num_threads, py::arg("int"));
  m.def("_set_printoptions", [](std::optional<int> precision, std::optional<int64_t> threshold,
                                std::optional<int64_t> edgeitems, std::optional<int64_t> linewidth,
                                std::optional<bool> sci_mode, bool set_sci) {
    ember::PrintOptions o = ember::get_printoptions();
    if (precision) o.precision = *precision;
    if (threshold) o.threshold = *threshold;
    if (edgeitems) o.edgeitems = *edgeitems;
    if (linewidth) o.linewidth = *linewidth;
    if (set_sci) o.sci_mode = sci_mode;
    ember::set_printoptions(o);
  });
  m.def("_get_printoptions", [] {
    ember::PrintOptions o = ember::get_printoptions();
    py::dict d;
    d["precision"] = o.precision;
    d["threshold"] = o.threshold;
    d["edgeitems"] = o.edgeitems;
    d["linewidth"] = o.linewidth;
    d["sci_mode"] = o.sci_mode ? py::cast(*o.sci_mode) : py::none();
    return d;
  });
  m.def("_set_python_classes", &set_python_classes);
}

}  // namespace
}  // namespace ember_py

PYBIND11_MODULE(_C, m) {
  using namespace ember_py;
  m.doc() = "ember._C: the C++ core of ember, bound with pybind11";
  init_exceptions(m);
  init_dtypes(m);
  init_devices(m);
  init_random(m);
  init_settings(m);
  py::class_<ember::Tensor> cls(m, "Tensor", py::dynamic_attr(), py::buffer_protocol());
  init_tensor(m, cls);
  init_ops(m, cls);
  init_ops_more(m, cls);
  init_linalg_module(m, cls);  // python/src/linalg.cpp: ember.linalg
  init_autograd(m);
  init_nn(m);  // python/src/nn.h
  init_io(m);  // python/src/io.cpp
}
