#pragma once

// Helpers shared by the checkpoint formats: atomic writes and file size.

#include <cstdint>
#include <functional>
#include <string>

namespace ember {
namespace io {
namespace detail {

/// Writes `path` atomically: `write` gets a file descriptor of a new
/// temporary file in the same directory; it is fsync'ed and renamed over
/// `path` (and the directory fsync'ed). On any error the temporary is
/// removed and the destination is untouched.
void atomic_write(const std::string& path, const std::function<void(int fd)>& write);
/// Writes all of `n` bytes to fd (retrying short writes); throws on error.
void write_all(int fd, const void* data, size_t n, const std::string& path);

}  // namespace detail
}  // namespace io
}  // namespace ember
