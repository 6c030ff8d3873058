#include "util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bf::util {

FileLock::FileLock(const std::string& path, Mode mode) : path_(path) {
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error(path + ": cannot open lock file: " + std::strerror(errno));
  set_mode(mode);
}

FileLock::~FileLock() {
  if (fd_ >= 0) close(fd_);  // releases the lock
}

void FileLock::set_mode(Mode mode) {
  const int op = mode == Mode::Exclusive ? LOCK_EX : LOCK_SH;
  while (flock(fd_, op) != 0) {
    if (errno != EINTR) throw std::runtime_error(path_ + ": cannot lock: " + std::strerror(errno));
  }
}

}  // namespace bf::util
