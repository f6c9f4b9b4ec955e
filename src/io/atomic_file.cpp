// Atomic file writes: temporary file, fsync, rename, fsync of the directory.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "ember/error.h"
#include "io/io_internal.h"

namespace ember {
namespace io {
namespace detail {

void write_all(int fd, const void* data, size_t n, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n > (size_t(1) << 30) ? (size_t(1) << 30) : n);
    if (w < 0 && errno == EINTR) continue;
    EMBER_CHECK(w > 0, "error writing '", path, "': ", std::strerror(errno));
    p += w;
    n -= size_t(w);
  }
}

void atomic_write(const std::string& path, const std::function<void(int fd)>& write) {
  static std::atomic<uint64_t> counter{0};
  std::string dir = ".";
  auto slash = path.rfind('/');
  if (slash != std::string::npos) dir = slash == 0 ? "/" : path.substr(0, slash);
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);  // umask applies
    if (fd < 0 && errno != EEXIST) break;
  }
  EMBER_CHECK(fd >= 0, "cannot create a temporary file for '", path, "' in '", dir, "': ", std::strerror(errno));
  try {
    write(fd);
    EMBER_CHECK(::fsync(fd) == 0, "fsync of '", tmp, "' failed: ", std::strerror(errno));
    int rc = ::close(fd);
    fd = -1;
    EMBER_CHECK(rc == 0, "closing '", tmp, "' failed: ", std::strerror(errno));
    EMBER_CHECK(::rename(tmp.c_str(), path.c_str()) == 0, "cannot rename '", tmp, "' to '", path,
                "': ", std::strerror(errno));
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  // Make the rename durable (best effort: some file systems refuse).
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace detail
}  // namespace io
}  // namespace ember
