// ember._C._io: checkpoints (include/ember/io.h) and the IDX / digits
// readers of ember::data. ember.save / ember.load (python/ember/serialization.py)
// build on these: nested structures become dotted tensor names plus a small
// JSON description, so every file stays a plain safetensors or .pt file.
#include <ember/data.h>
#include <ember/io.h>

#include "convert.h"

namespace ember_py {

namespace {

ember::nn::NamedTensors named_from_python(py::handle obj) {
  ember::nn::NamedTensors out;
  if (!py::isinstance<py::dict>(obj) && !py::hasattr(obj, "items"))
    throw py::type_error("expected a dict of str -> Tensor, got " + std::string(py::str(py::type::of(obj))));
  for (auto item : obj.attr("items")()) {
    auto kv = item.cast<py::tuple>();
    if (!py::isinstance<py::str>(kv[0]))
      throw py::type_error("tensor names must be str, got " + std::string(py::str(py::type::of(kv[0]))));
    if (!is_tensor(kv[1]))
      throw py::type_error("value of '" + kv[0].cast<std::string>() + "' is not a Tensor but " +
                           std::string(py::str(py::type::of(kv[1]))));
    auto key = kv[0].cast<std::string>();
    if (out.contains(key)) throw py::value_error("duplicate tensor name '" + key + "'");
    out.insert(key, kv[1].cast<Tensor>());
  }
  return out;
}

py::object named_to_python(const ember::nn::NamedTensors& named) {
  py::object od = py::module_::import("collections").attr("OrderedDict")();
  for (const auto& kv : named) od[py::str(kv.first)] = py::cast(kv.second);
  return od;
}

std::string path_str(py::handle p) {
  return py::str(py::module_::import("os").attr("fspath")(p)).cast<std::string>();
}

}  // namespace

void init_io(py::module_& m) {
  auto io = m.def_submodule("_io", "ember::io checkpoints and ember::data readers");

  io.def("format_for_path", [](py::handle path) {
    return ember::io::format_for_path(path_str(path)) == ember::io::Format::PyTorch ? "pt" : "safetensors";
  }, py::arg("path"));

  io.def("save", [](py::handle obj, py::handle path) {
    std::string p = path_str(path);
    if (is_tensor(obj)) {
      Tensor t = obj.cast<Tensor>();
      py::gil_scoped_release nogil;
      ember::io::save(t, p);
      return;
    }
    auto named = named_from_python(obj);
    py::gil_scoped_release nogil;
    ember::io::save(named, p);
  }, py::arg("obj"), py::arg("path"),
     "Saves a Tensor or a dict of str -> Tensor; .pt/.pth/.bin/.tar as PyTorch zip, else safetensors.");

  io.def("load", [](py::handle path) {
    std::string p = path_str(path);
    ember::nn::NamedTensors named;
    {
      py::gil_scoped_release nogil;
      named = ember::io::load(p);
    }
    return named_to_python(named);
  }, py::arg("path"), "Loads every tensor of a file (by extension) as an OrderedDict in file order.");

  io.def("load_tensor", [](py::handle path) {
    std::string p = path_str(path);
    py::gil_scoped_release nogil;
    return ember::io::load_tensor(p);
  }, py::arg("path"));

  io.def("save_safetensors", [](py::handle obj, py::handle path, const std::map<std::string, std::string>& metadata) {
    std::string p = path_str(path);
    auto named = named_from_python(obj);
    py::gil_scoped_release nogil;
    ember::io::save_safetensors(named, p, metadata);
  }, py::arg("tensors"), py::arg("path"), py::arg("metadata") = std::map<std::string, std::string>{});

  io.def("load_safetensors", [](py::handle path) {
    std::string p = path_str(path);
    ember::nn::NamedTensors named;
    {
      py::gil_scoped_release nogil;
      named = ember::io::load_safetensors(p);
    }
    return named_to_python(named);
  }, py::arg("path"));

  io.def("load_safetensors_metadata", [](py::handle path) {
    std::string p = path_str(path);
    py::gil_scoped_release nogil;
    return ember::io::load_safetensors_metadata(p);
  }, py::arg("path"));

  io.def("save_pt", [](py::handle obj, py::handle path) {
    std::string p = path_str(path);
    auto named = named_from_python(obj);
    py::gil_scoped_release nogil;
    ember::io::save_pt(named, p);
  }, py::arg("tensors"), py::arg("path"));

  io.def("load_pt", [](py::handle path) {
    std::string p = path_str(path);
    ember::nn::NamedTensors named;
    {
      py::gil_scoped_release nogil;
      named = ember::io::load_pt(p);
    }
    return named_to_python(named);
  }, py::arg("path"));

  io.def("load_pt_tree", [](py::handle path) {
    std::string p = path_str(path);
    std::pair<ember::nn::NamedTensors, std::string> tree;
    {
      py::gil_scoped_release nogil;
      tree = ember::io::load_pt_tree(p);
    }
    return py::make_tuple(named_to_python(tree.first), tree.second);
  }, py::arg("path"), "(tensors, structure JSON) of any .pt file the restricted unpickler accepts.");

  io.def("read_idx", [](py::handle path) {
    std::string p = path_str(path);
    py::gil_scoped_release nogil;
    return ember::data::datasets::read_idx(p);
  }, py::arg("path"), "Reads an MNIST-style IDX file into a tensor of its dtype and shape.");

  io.def("default_digits_path", [] { return std::string(ember::data::datasets::default_digits_path()); });
  io.def("read_digits_csv", [](py::object path) {
    std::string p = path.is_none() ? std::string(ember::data::datasets::default_digits_path()) : path_str(path);
    ember::data::Example<> ex;
    {
      py::gil_scoped_release nogil;
      ex = ember::data::datasets::read_digits_csv(p);
    }
    return py::make_tuple(ex.data, ex.target);
  }, py::arg("path") = py::none(), "scikit-learn's 8x8 digits: (data float32 [N, 64], target int64 [N]).");
}

}  // namespace ember_py
