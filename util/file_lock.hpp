#pragma once
// An advisory lock on a file (flock), held for the object's lifetime. The
// simulation build directory is locked exclusively while it is checked and
// rebuilt, and shared while its binary runs, so concurrent verifications that
// share a build directory (parallel tests, sweeps) never see a half-built
// binary. A sweep holds its output directory's lock exclusively while it runs.

#include <memory>
#include <string>

namespace bf::util {

class FileLock {
 public:
  enum class Mode { Shared, Exclusive };
  // Creates the lock file if needed and blocks until the lock is granted.
  FileLock(const std::string& path, Mode mode);
  ~FileLock();
  // The lock if it is free now, else nullptr (does not block).
  static std::unique_ptr<FileLock> try_acquire(const std::string& path, Mode mode);
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // Converts the held lock (may block; not atomic, as with flock).
  void set_mode(Mode mode);

 private:
  FileLock() = default;
  int fd_ = -1;
  std::string path_;
};

}  // namespace bf::util
