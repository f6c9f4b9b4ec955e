#pragma once

#include <cstddef>

namespace ember {
namespace detail {

// Note [CPU caching allocator]
// Large blocks (>= 256 KiB) are kept after free and handed out again for a
// request of the same rounded size, so a loop that allocates a 64 MB output
// every step pays for page faults once, not every step. Small blocks go to
// malloc, whose thread caches are already fast. The cache is capped; beyond
// the cap freed blocks go back to the system.
void* cpu_allocate(size_t nbytes);
void cpu_free(void* ptr, size_t nbytes);
/// Frees every cached block (tests and memory-pressure callers).
void cpu_empty_cache();
size_t cpu_cached_bytes();

}  // namespace detail
}  // namespace ember
