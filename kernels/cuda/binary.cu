// CUDA registrations of the elementwise binary ops: the functors are the
// CPU's (kernels/common/binary_functors.h), the loop is elementwise.cuh.
#include "common/binary_functors.h"
#include "cuda/elementwise.cuh"
#include "dispatch/registry.h"

namespace ember {
namespace cuda {
using namespace fn;

EMBER_REGISTER_KERNEL(add, CUDA, ew_kernel<Add, AllTypes, 2>);
EMBER_REGISTER_KERNEL(mul, CUDA, ew_kernel<Mul, AllTypes, 2>);

}  // namespace cuda
}  // namespace ember
