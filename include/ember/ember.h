#pragma once

/// The whole public C++ API of ember: tensors, ops, autograd, nn, optim.
#include "ember/autograd.h"
#include "ember/data.h"
#include "ember/device.h"
#include "ember/dtype.h"
#include "ember/error.h"
#include "ember/generator.h"
#include "ember/indexing.h"
#include "ember/io.h"
#include "ember/linalg.h"
#include "ember/nn/functional.h"
#include "ember/nn/init.h"
#include "ember/nn/module.h"
#include "ember/nn/modules.h"
#include "ember/ops.h"
#include "ember/optim.h"
#include "ember/tensor.h"
