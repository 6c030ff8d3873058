// Reading a design or sweep file from disk (config.hpp: read_config_file).
// The path comes from the user, so anything may be behind it: refuse what is
// not a small regular file before reading, instead of blocking on a FIFO or
// reading a device such as /dev/zero until memory runs out.

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "generator/config/config.hpp"

namespace bf::cfg {

namespace {

namespace fs = std::filesystem;

std::string_view kind_of(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory:
      return "a directory";
    case fs::file_type::fifo:
      return "a FIFO";
    case fs::file_type::character:
    case fs::file_type::block:
      return "a device";
    case fs::file_type::socket:
      return "a socket";
    default:
      return "not a regular file";
  }
}

}  // namespace

std::string read_config_file(const std::string& path, std::string_view what) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  // A missing file is left to the open below, which names the reason.
  if (!ec && fs::exists(status) && !fs::is_regular_file(status))
    throw ConfigError(fmt::format("{}: cannot read {}: it is {}, expected a TOML text file", path,
                                  what, kind_of(status.type())));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ConfigError(fmt::format("{}: cannot open {}: {}", path, what, std::strerror(errno)));
  // Read in chunks up to one byte past the limit: /proc files report size 0,
  // so the size on disk cannot be trusted.
  std::string text;
  char chunk[1 << 16];
  while (in && text.size() <= kMaxConfigFileBytes) {
    in.read(chunk, sizeof chunk);
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad())
    throw ConfigError(fmt::format("{}: cannot read {}: {}", path, what, std::strerror(errno)));
  if (text.size() > kMaxConfigFileBytes)
    throw ConfigError(
        fmt::format("{}: the {} is larger than {} MiB; a {} is a short TOML text "
                    "(is this the right file?)",
                    path, what, kMaxConfigFileBytes >> 20, what));
  return text;
}

}  // namespace bf::cfg
