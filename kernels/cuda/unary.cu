// CUDA registrations of the elementwise unary ops: one line each, as on the
// CPU (kernels/cpu/unary.cpp).
#include "common/unary_functors.h"
#include "cuda/elementwise.cuh"
#include "dispatch/registry.h"

namespace ember {
namespace cuda {
using namespace fn;

EMBER_REGISTER_KERNEL(neg, CUDA, ew_kernel<Neg, NumericTypes, 1>);
EMBER_REGISTER_KERNEL(relu, CUDA, ew_kernel<Relu, NumericTypes, 1>);

}  // namespace cuda
}  // namespace ember
