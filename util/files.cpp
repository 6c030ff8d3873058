#include "util/files.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bf::util {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& content) {
  const std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) throw std::runtime_error(path + ": cannot write");
}

void write_if_changed(const std::string& path, const std::string& content) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    try {
      if (read_text(path) == content) return;
    } catch (const std::runtime_error&) {
      // unreadable: rewrite it
    }
  }
  write_text(path, content);
}

void write_text_atomic(const std::string& path, const std::string& content) {
  static std::atomic<unsigned long> counter{0};
  const std::filesystem::path p(path);
  // Unique per process and call: concurrent writers never share a temporary.
  const std::filesystem::path tmp =
      p.parent_path() / ("." + p.filename().string() + ".tmp." + std::to_string(::getpid()) + "." +
                         std::to_string(counter++));
  try {
    write_text(tmp.string(), content);
    std::filesystem::rename(tmp, p);
  } catch (const std::exception& e) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error(path + ": cannot write: " + e.what());
  }
}

}  // namespace bf::util
