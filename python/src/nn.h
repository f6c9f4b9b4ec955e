// ember._C._nn (python/src/nn.cpp): functional nn ops, fused optimizer steps.
#pragma once

#include "convert.h"

namespace ember_py {
void init_nn(py::module_& m);
void init_io(py::module_& m);  // python/src/io.cpp
}
