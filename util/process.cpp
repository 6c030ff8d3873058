#include "util/process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace bf::util {

namespace {

struct FileActions {
  posix_spawn_file_actions_t fa;
  FileActions() { posix_spawn_file_actions_init(&fa); }
  ~FileActions() { posix_spawn_file_actions_destroy(&fa); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
};

}  // namespace

int run_process(const std::vector<std::string>& argv, const ProcessOptions& opt) {
  if (argv.empty()) throw std::invalid_argument("run_process: empty command");
  if (opt.log_path.empty()) throw std::invalid_argument("run_process: no log path");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  FileActions fa;
  const int flags = O_WRONLY | O_CREAT | (opt.append ? O_APPEND : O_TRUNC);
  posix_spawn_file_actions_addopen(&fa.fa, STDOUT_FILENO, opt.log_path.c_str(), flags, 0644);
  posix_spawn_file_actions_adddup2(&fa.fa, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&fa.fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (!opt.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa.fa, opt.cwd.c_str());

  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &fa.fa, nullptr, args.data(), environ);
  if (rc != 0) throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed for " + argv[0]);
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string dirs = path;
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

std::string first_error_line(const std::string& log_path) {
  std::ifstream in(log_path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("%Error") != std::string::npos || line.find("error:") != std::string::npos ||
        line.find("CMake Error") != std::string::npos || line.find("Error:") != std::string::npos)
      return line;
  }
  return {};
}

}  // namespace bf::util
