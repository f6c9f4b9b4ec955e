// Autograd: graph nodes (grad_fn), backward/grad, custom Python Functions
// recorded through autograd::detail::record_custom, gradcheck, anomaly mode.
#include "convert.h"

#include <cstring>
#include <unordered_map>

namespace ember_py {

using ember::tensor_list;
using ember::autograd::AutogradContext;
using ember::autograd::Node;

namespace {

tensor_list tensors_or_none(py::handle seq) {
  tensor_list out;
  if (seq.is_none()) return out;
  if (is_tensor(seq)) return {seq.cast<Tensor>()};
  for (auto h : seq) out.push_back(h.is_none() ? Tensor() : h.cast<Tensor>());
  return out;
}

py::object tensor_or_none(const Tensor& t) {
  if (!t.defined()) return py::none();
  return py::cast(t);
}

// type(t.grad_fn).__name__ is the node's name, as torch: one empty Python
// subclass of Node per name, made on first use, and a new wrapper is made
// by calling it (Node's private constructor takes the node in a capsule).
// Leaked, like every module-lifetime Python object here (see dtype_objects).
constexpr const char* kNodeCapsule = "ember.autograd.Node";

py::handle node_subclass(const std::string& name) {
  static auto* cache = new std::unordered_map<std::string, py::handle>();
  auto it = cache->find(name);
  if (it != cache->end()) return it->second;
  py::handle base = py::detail::get_type_handle(typeid(Node), true);
  py::dict ns;
  ns["__slots__"] = py::tuple();
  ns["__module__"] = base.attr("__module__");
  py::object cls = py::reinterpret_borrow<py::object>((PyObject*)&PyType_Type)(name, py::make_tuple(base), ns);
  return cache->emplace(name, cls.release()).first->second;
}

}  // namespace

py::object node_to_python(const std::shared_ptr<Node>& n) {
  if (!n) return py::none();
  // the live wrapper of this node, if there is one (pybind keeps one per pointer)
  if (py::handle h = py::detail::find_registered_python_instance(n.get(), py::detail::get_type_info(typeid(Node))))
    return py::reinterpret_steal<py::object>(h);
  std::shared_ptr<Node> arg = n;
  return node_subclass(n->name())(py::capsule(&arg, kNodeCapsule));
}

void init_autograd(py::module_& m) {
  py::class_<Node, std::shared_ptr<Node>>(m, "Node")
      .def(py::init([](py::capsule c) {
        // private: only node_to_python makes nodes
        if (!c.name() || std::strcmp(c.name(), kNodeCapsule) != 0)
          throw py::type_error("cannot create ember._C.Node instances");
        return *static_cast<std::shared_ptr<Node>*>(c.get_pointer());
      }))
      .def("name", &Node::name)
      .def_property_readonly("next_functions", [](Node& n) {
        py::list l;
        for (const auto& e : n.next_edges())
          l.append(py::make_tuple(node_to_python(e.function), e.input_nr));
        return py::tuple(l);
      })
      .def("__repr__", [](py::handle self) {
        Node& n = self.cast<Node&>();
        char buf[64];
        std::snprintf(buf, sizeof buf, " object at %p>", static_cast<void*>(&n));
        return "<" + n.name() + buf;
      })
      .def("__eq__", [](const Node& a, const Node& b) { return &a == &b; })
      .def("__hash__", [](const Node& a) { return reinterpret_cast<uintptr_t>(&a); });

  m.def("_backward", [](py::handle tensors, py::handle grad_tensors, std::optional<bool> retain_graph,
                        bool create_graph, py::handle inputs) {
    tensor_list ts = tensors_or_none(tensors), gs = tensors_or_none(grad_tensors), in = tensors_or_none(inputs);
    py::gil_scoped_release g;
    ember::autograd::backward(ts, gs, retain_graph, create_graph, in);
  }, py::arg("tensors"), py::arg("grad_tensors") = py::none(), py::arg("retain_graph") = py::none(),
        py::arg("create_graph") = false, py::arg("inputs") = py::none());

  m.def("_grad", [](py::handle outputs, py::handle inputs, py::handle grad_outputs, std::optional<bool> retain_graph,
                    bool create_graph, bool allow_unused) {
    tensor_list outs = tensors_or_none(outputs), ins = tensors_or_none(inputs), gs = tensors_or_none(grad_outputs);
    tensor_list r;
    {
      py::gil_scoped_release g;
      r = ember::autograd::grad(outs, ins, gs, retain_graph, create_graph, allow_unused);
    }
    py::tuple out(r.size());
    for (size_t i = 0; i < r.size(); ++i) out[i] = tensor_or_none(r[i]);
    return out;
  }, py::arg("outputs"), py::arg("inputs"), py::arg("grad_outputs") = py::none(), py::arg("retain_graph") = py::none(),
        py::arg("create_graph") = false, py::arg("allow_unused") = false);

  m.def("set_detect_anomaly", &ember::autograd::set_detect_anomaly, py::arg("mode"));
  m.def("is_anomaly_enabled", &ember::autograd::is_anomaly_enabled);

  // ---- custom functions ----
  py::class_<AutogradContext, std::shared_ptr<AutogradContext>>(m, "_FunctionCtx", py::dynamic_attr())
      .def(py::init<>())
      .def("save_for_backward", [](AutogradContext& c, py::args tensors) {
        tensor_list ts;
        for (auto h : tensors) {
          if (h.is_none()) ts.push_back(Tensor());
          else if (is_tensor(h)) ts.push_back(h.cast<Tensor>());
          else throw py::type_error("save_for_backward can only save variables, but argument is of type " +
                                    std::string(Py_TYPE(h.ptr())->tp_name));
        }
        c.save_for_backward(ts);
      })
      .def_property_readonly("saved_tensors", [](const AutogradContext& c) {
        tensor_list ts = c.get_saved_variables();
        py::tuple out(ts.size());
        for (size_t i = 0; i < ts.size(); ++i) out[i] = tensor_or_none(ts[i]);
        return out;
      })
      .def("mark_non_differentiable", [](AutogradContext& c, py::args tensors) {
        c.mark_non_differentiable(tensors.cast<tensor_list>());
      })
      .def("set_materialize_grads", [](AutogradContext&, bool) {});

  // Records `outputs` as produced by a node whose backward calls
  // backward_fn(ctx, *grads) under the GIL; returns the outputs (an output
  // that aliases an input comes back as a new view).
  m.def("_record_function", [](const std::string& name, py::object ctx_obj, py::handle inputs, py::handle outputs,
                               py::object backward_fn) {
    auto ctx = ctx_obj.cast<std::shared_ptr<AutogradContext>>();
    tensor_list ins = tensors_or_none(inputs), outs = tensors_or_none(outputs);
    PyCallable cb(std::move(backward_fn));
    // the Python ctx (its attributes) lives as long as the node
    PyCallable keep_ctx(ctx_obj);
    ember::autograd::detail::record_custom(
        name, ins, outs, ctx, [cb, keep_ctx](AutogradContext*, tensor_list grads) -> tensor_list {
          py::gil_scoped_acquire acq;
          py::tuple g(grads.size());
          for (size_t i = 0; i < grads.size(); ++i) g[i] = tensor_or_none(grads[i]);
          py::object r = (*cb.fn)(*keep_ctx.fn, *g);
          tensor_list out;
          if (is_tensor(r) || r.is_none()) {
            out.push_back(r.is_none() ? Tensor() : r.cast<Tensor>());
          } else {
            for (auto h : r) {
              if (h.is_none()) out.push_back(Tensor());
              else if (is_tensor(h)) out.push_back(h.cast<Tensor>());
              else out.push_back(Tensor());  // non-tensor arguments get no gradient
            }
          }
          return out;
        });
    py::tuple out(outs.size());
    for (size_t i = 0; i < outs.size(); ++i) out[i] = tensor_or_none(outs[i]);
    return out;
  });

  m.def("_gradcheck", [](py::object fn, py::handle inputs, double eps, double atol, double rtol, bool raise_exception,
                         bool second_order) {
    tensor_list ins = tensors_or_none(inputs);
    auto f = [fn](const tensor_list& xs) -> Tensor {
      py::tuple args(xs.size());
      for (size_t i = 0; i < xs.size(); ++i) args[i] = tensor_or_none(xs[i]);
      py::object r = fn(*args);
      if (is_tensor(r)) return r.cast<Tensor>();
      // several outputs: check them all as one flat vector
      tensor_list parts;
      for (auto h : r)
        if (is_tensor(h)) parts.push_back(h.cast<Tensor>().reshape({-1}));
      return ember::cat(parts, 0);
    };
    if (second_order) return ember::autograd::gradgradcheck(f, ins, eps, atol, rtol, raise_exception);
    return ember::autograd::gradcheck(f, ins, eps, atol, rtol, raise_exception);
  });
}

}  // namespace ember_py
