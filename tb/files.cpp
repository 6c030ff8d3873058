#include "tb/files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bf::tb {

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

}  // namespace bf::tb
