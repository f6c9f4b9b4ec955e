#pragma once

#include <cstdint>
#include <functional>

namespace ember {
namespace cpu {

/// Work below this many elements stays on the calling thread: waking a
/// worker costs more than the loop itself.
constexpr int64_t kGrainSize = 32768;

int num_threads();
void set_num_threads(int n);
bool in_parallel_region();

/// Runs fn(begin, end) over [begin, end) in chunks of at least `grain`,
/// on the pool and the calling thread. Nested calls run inline.
void parallel_for_impl(int64_t begin, int64_t end, int64_t grain,
                       const std::function<void(int64_t, int64_t)>& fn);
template <typename F>
inline void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& fn) {
  // small work runs inline without building a std::function
  if (end - begin <= grain || in_parallel_region()) {
    if (end > begin) fn(begin, end);
    return;
  }
  parallel_for_impl(begin, end, grain, fn);
}

}  // namespace cpu
}  // namespace ember
