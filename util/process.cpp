#include "util/process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace bf::util {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// How long a stopped process group gets between SIGTERM and SIGKILL: enough
// for compilers and ninja to remove their partial outputs.
constexpr auto kGracePeriod = std::chrono::seconds(2);

struct FileActions {
  posix_spawn_file_actions_t fa;
  FileActions() { posix_spawn_file_actions_init(&fa); }
  ~FileActions() { posix_spawn_file_actions_destroy(&fa); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
};

struct SpawnAttr {
  posix_spawnattr_t attr;
  SpawnAttr() { posix_spawnattr_init(&attr); }
  ~SpawnAttr() { posix_spawnattr_destroy(&attr); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
};

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

int wait_blocking(pid_t pid, const std::string& program) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed for " + program);
  }
  return status;
}

// Whether any process of group `pgid` is still running (zombies do not
// count: where PID 1 does not reap orphans they would linger). Reads /proc;
// without it, falls back to probing the group with signal 0.
bool group_running(pid_t pgid) {
  std::error_code ec;
  fs::directory_iterator it("/proc", ec);
  if (ec) return ::killpg(pgid, 0) == 0;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 1));
    char state = 0;
    long ppid = 0, pgrp = 0;
    if (!(fields >> state >> ppid >> pgrp)) continue;
    if (pgrp == pgid && state != 'Z' && state != 'X') return true;
  }
  return false;
}

// Stops the process group led by `pid`: SIGTERM to every member, up to the
// grace period for the group to end, then SIGKILL to whatever is left.
// Reaps the leader and returns its wait status.
int stop_group(pid_t pid, const std::string& program) {
  ::killpg(pid, SIGTERM);
  int status = 0;
  bool reaped = false;
  const auto until = Clock::now() + kGracePeriod;
  while (Clock::now() < until) {
    if (!reaped) {
      const pid_t r = waitpid(pid, &status, WNOHANG);
      if (r == pid) reaped = true;
    }
    // The group id stays reserved while any member exists, so probing it
    // after the leader is reaped cannot hit an unrelated group.
    if (reaped && !group_running(pid)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::killpg(pid, SIGKILL);  // stragglers (and zombies: no effect)
  return reaped ? status : wait_blocking(pid, program);
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& opt) {
  if (argv.empty()) throw std::invalid_argument("run_process: empty command");
  if (opt.log_path.empty()) throw std::invalid_argument("run_process: no log path");
  // Resolved here, not by posix_spawnp: with opt.cwd a relative PATH entry
  // would otherwise be looked up from the new working directory.
  std::string program = argv[0];
  if (program.find('/') == std::string::npos) {
    program = find_on_path(argv[0]);
    if (program.empty()) throw std::runtime_error("cannot run " + argv[0] + ": not found on PATH");
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  FileActions fa;
  const int flags = O_WRONLY | O_CREAT | (opt.append ? O_APPEND : O_TRUNC);
  posix_spawn_file_actions_addopen(&fa.fa, STDOUT_FILENO, opt.log_path.c_str(), flags, 0644);
  posix_spawn_file_actions_adddup2(&fa.fa, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&fa.fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (!opt.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa.fa, opt.cwd.c_str());

  const bool limited = opt.timeout_seconds > 0 || opt.cancel != nullptr;
  SpawnAttr attr;
  sigset_t none;
  sigemptyset(&none);
  short attr_flags = POSIX_SPAWN_SETSIGMASK;
  posix_spawnattr_setsigmask(&attr.attr, &none);
  if (limited) {
    attr_flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr.attr, 0);  // its own group, led by the child
  }
  posix_spawnattr_setflags(&attr.attr, attr_flags);

  ProcessResult res;
  const auto t0 = Clock::now();
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), &fa.fa, &attr.attr, args.data(), environ);
  if (rc != 0) throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));

  int status = 0;
  if (!limited) {
    status = wait_blocking(pid, argv[0]);
  } else {
    const auto deadline = opt.timeout_seconds > 0
                              ? t0 + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(opt.timeout_seconds))
                              : Clock::time_point::max();
    auto step = std::chrono::microseconds(500);
    for (;;) {
      const pid_t r = waitpid(pid, &status, WNOHANG);
      if (r == pid) break;
      if (r < 0 && errno != EINTR) throw std::runtime_error("waitpid failed for " + argv[0]);
      if (opt.cancel && opt.cancel->load()) {
        res.cancelled = true;
        status = stop_group(pid, argv[0]);
        break;
      }
      if (Clock::now() >= deadline) {
        res.timed_out = true;
        status = stop_group(pid, argv[0]);
        break;
      }
      std::this_thread::sleep_for(step);
      step = std::min(step * 2, std::chrono::microseconds(10000));
    }
  }
  res.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  res.code = res.timed_out   ? kTimeoutExitCode
             : res.cancelled ? 128 + SIGINT
                             : decode_status(status);
  return res;
}

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::string dirs = path;
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) {
      if (candidate[0] == '/') return candidate;
      char* cwd = ::getcwd(nullptr, 0);
      const std::string abs = cwd ? std::string(cwd) + "/" + candidate : candidate;
      std::free(cwd);
      return abs;
    }
    start = end + 1;
  }
  return {};
}

bool on_path(const std::string& program) { return !find_on_path(program).empty(); }

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

ToolBudget::ToolBudget(double seconds, const std::atomic<bool>* cancel) : cancel_(cancel) {
  if (seconds > 0) {
    total_ = seconds;
    deadline_ = Clock::now() +
                std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  }
}

double ToolBudget::remaining() const {
  if (!deadline_) return std::numeric_limits<double>::infinity();
  return std::chrono::duration<double>(*deadline_ - Clock::now()).count();
}

ProcessOptions ToolBudget::apply(ProcessOptions opt) const {
  if (deadline_) {
    const double left = std::max(remaining(), 0.001);
    opt.timeout_seconds = opt.timeout_seconds > 0 ? std::min(opt.timeout_seconds, left) : left;
  }
  if (cancel_) opt.cancel = cancel_;
  return opt;
}

void throw_if_stopped(const ProcessResult& r, const std::string& what, const std::string& log) {
  if (r.cancelled) throw ToolCancelled(fmt::format("{} cancelled; see {}", what, log));
  if (r.timed_out)
    throw ToolTimeout(fmt::format("{} timed out after {:.1f} s; see {}", what, r.seconds, log));
}

}  // namespace bf::util
