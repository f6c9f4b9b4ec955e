#pragma once

// What the op binding files (ops.cpp, ops_more.cpp) share: short names for
// argument types and the helper that binds a function both as ember.<name>
// and as a Tensor method.
#include "convert.h"

namespace ember_py {

using ember::Device;
using ember::tensor_list;
using OptDim = std::optional<IntList>;
using OptType = std::optional<ScalarType>;
using OptDevice = std::optional<Device>;
using OptTensor = std::optional<Tensor>;
using T = const Tensor&;
using S = const Scalar&;

// Kernels run without the GIL.
inline const auto release = py::call_guard<py::gil_scoped_release>();

// ember.<name>(input, ...) and Tensor.<name>(...)
template <typename F, typename... Extra>
void both(py::module_& m, py::class_<Tensor>& c, const char* name, F f, const Extra&... extra) {
  m.def(name, f, py::arg("input"), extra..., release);
  c.def(name, f, extra..., release);
}

// A dims argument, or all dims when None.
inline std::vector<int64_t> dims_or_all(const OptDim& d) { return d ? d->v : std::vector<int64_t>{}; }

}  // namespace ember_py
