#pragma once
// Running the blockforge binary from a test as a user would: one shell
// command line, its exit code and what it printed.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace bf::testing {

struct CmdResult {
  int code = 0;
  std::string out;
};

enum class Stderr { Merged, Dropped };

// `env` (e.g. "env PATH=/x") prefixes the command; `args` are shell words.
inline CmdResult run_blockforge(const std::string& args, Stderr err = Stderr::Merged,
                                const std::string& env = "") {
  const std::string cmd = (env.empty() ? "" : env + " ") + std::string(BLOCKFORGE_BINARY) + " " +
                          args + (err == Stderr::Merged ? " 2>&1" : " 2>/dev/null");
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {-1, "popen failed: " + cmd};
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace bf::testing
