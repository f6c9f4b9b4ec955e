#pragma once

// EMBER_CUDA_CHECK(expr): evaluates a CUDA runtime call and throws
// ember::RuntimeError naming the call, the CUDA error and where it happened:
//   CUDA error: out of memory (cudaErrorMemoryAllocation) in
//     cudaMalloc(&p, n) at kernels/cuda/allocator.cpp:120

#include <cuda_runtime_api.h>

#include "ember/error.h"

namespace ember {
namespace cuda {
namespace detail {

[[noreturn]] inline void throw_cuda_error(cudaError_t err, const char* expr, const char* file, int line) {
  // Clear the runtime's last-error slot so a later, unrelated check does not
  // report this error again (sticky errors stay: the context is lost then).
  (void)cudaGetLastError();
  throw RuntimeError(::ember::detail::str("CUDA error: ", cudaGetErrorString(err), " (", cudaGetErrorName(err),
                                          ") in ", expr, " at ", file, ":", line));
}

}  // namespace detail
}  // namespace cuda
}  // namespace ember

#define EMBER_CUDA_CHECK(expr)                                                  \
  do {                                                                          \
    cudaError_t ember_cuda_err_ = (expr);                                       \
    if (__builtin_expect(ember_cuda_err_ != cudaSuccess, 0)) {                  \
      ::ember::cuda::detail::throw_cuda_error(ember_cuda_err_, #expr, __FILE__, __LINE__); \
    }                                                                           \
  } while (0)

/// After a <<<...>>> launch: reports a bad launch configuration at once
/// (errors inside the kernel surface at the next synchronizing call).
#define EMBER_CUDA_CHECK_LAUNCH() EMBER_CUDA_CHECK(cudaGetLastError())
