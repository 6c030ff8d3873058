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

std::unique_ptr<FileLock> FileLock::try_acquire(const std::string& path, Mode mode) {
  std::unique_ptr<FileLock> lock(new FileLock);
  lock->path_ = path;
  lock->fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock->fd_ < 0)
    throw std::runtime_error(path + ": cannot open lock file: " + std::strerror(errno));
  const int op = (mode == Mode::Exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
  while (flock(lock->fd_, op) != 0) {
    if (errno == EWOULDBLOCK) return nullptr;
    if (errno != EINTR) throw std::runtime_error(path + ": cannot lock: " + std::strerror(errno));
  }
  return lock;
}

void FileLock::set_mode(Mode mode) {
  const int op = mode == Mode::Exclusive ? LOCK_EX : LOCK_SH;
  while (flock(fd_, op) != 0) {
    if (errno != EINTR) throw std::runtime_error(path_ + ": cannot lock: " + std::strerror(errno));
  }
}

}  // namespace bf::util
