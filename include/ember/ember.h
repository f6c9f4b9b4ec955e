#pragma once

/// The whole public C++ API of ember: tensors, ops, autograd.
#include "ember/autograd.h"
#include "ember/device.h"
#include "ember/dtype.h"
#include "ember/error.h"
#include "ember/generator.h"
#include "ember/indexing.h"
#include "ember/ops.h"
#include "ember/tensor.h"
