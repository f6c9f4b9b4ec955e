// Eigen GEMM built for the library's baseline (x86-64-v3: AVX2, FMA).
#define EMBER_GEMM_NS gemm_avx2
#include "cpu/gemm_eigen_impl.h"

namespace ember {
namespace cpu {
bool gemm_avx512_supported() {
#if defined(__x86_64__) && defined(EMBER_HAVE_AVX512_GEMM)
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
#else
  return false;
#endif
}
}  // namespace cpu
}  // namespace ember
