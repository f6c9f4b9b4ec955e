#include "core/allocator.h"

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "ember/error.h"

namespace ember {
namespace detail {
namespace {

constexpr size_t kAlign = 64;
// Blocks above malloc's small sizes are kept for reuse: a training step
// frees and allocates the same activation sizes every time, and glibc's
// free of such blocks (with its heap consolidation) cost about a tenth of a
// small MLP's step.
constexpr size_t kCacheMin = 4096 + 1;
constexpr size_t kCacheCap = size_t(2) << 30;  // 2 GiB kept at most

struct Cache {
  std::mutex mu;
  std::unordered_map<size_t, std::vector<void*>> free_blocks;
  size_t cached = 0;
  ~Cache() {
    for (auto& kv : free_blocks)
      for (void* p : kv.second) std::free(p);
  }
};
Cache& cache() {
  static Cache* c = new Cache();  // never destroyed: frees may run at exit
  return *c;
}
// Round large sizes up to 1/8 steps of their power of two, so reuse happens
// across nearby sizes without wasting more than 12.5%.
size_t round_size(size_t n) {
  if (n < kCacheMin) return n;
  size_t p = 1;
  while (p * 2 <= n) p *= 2;
  size_t step = p / 8;
  return (n + step - 1) / step * step;
}
// Small blocks come from malloc's thread cache (16-byte aligned, enough for
// our loops and Eigen's unaligned maps); large ones are 64-byte aligned.
constexpr size_t kSmall = 4096;
void* raw_alloc(size_t n) {
  if (n <= kSmall) {
    void* p = std::malloc(n == 0 ? 16 : n);
    EMBER_CHECK(p != nullptr, "out of memory: could not allocate ", n, " bytes on cpu");
    return p;
  }
  void* p = std::aligned_alloc(kAlign, n);
  if (!p) {
    cpu_empty_cache();
    p = std::aligned_alloc(kAlign, n);
  }
  EMBER_CHECK(p != nullptr, "out of memory: could not allocate ", n, " bytes on cpu");
  return p;
}
}  // namespace

void* cpu_allocate(size_t nbytes) {
  size_t n = round_size(nbytes);
  if (n >= kCacheMin) {
    Cache& c = cache();
    std::lock_guard<std::mutex> lock(c.mu);
    auto it = c.free_blocks.find(n);
    if (it != c.free_blocks.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      c.cached -= n;
      return p;
    }
  }
  return raw_alloc(n);
}

void cpu_free(void* ptr, size_t nbytes) {
  if (!ptr) return;
  size_t n = round_size(nbytes);
  if (n >= kCacheMin) {
    Cache& c = cache();
    std::lock_guard<std::mutex> lock(c.mu);
    if (c.cached + n <= kCacheCap) {
      c.free_blocks[n].push_back(ptr);
      c.cached += n;
      return;
    }
  }
  std::free(ptr);
}

void cpu_empty_cache() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mu);
  for (auto& kv : c.free_blocks)
    for (void* p : kv.second) std::free(p);
  c.free_blocks.clear();
  c.cached = 0;
}

size_t cpu_cached_bytes() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mu);
  return c.cached;
}

}  // namespace detail
}  // namespace ember
