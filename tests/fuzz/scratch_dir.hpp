#pragma once
// A private directory under $TMPDIR (or /tmp) for one fuzzer process: the
// sweep and .npy readers take paths, so each input is written to a file here.
// Removed when the process exits normally; libFuzzer keeps crash inputs in
// its own artifact files, so nothing of value is lost when it does not.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bf::fuzz {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp && *tmp ? tmp : "/tmp") + "/blockforge_fuzz_" + tag + "_XXXXXX";
    if (!::mkdtemp(pattern.data()))
      throw std::runtime_error("cannot create a scratch directory from " + pattern);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `bytes` to `relative` (creating its folder) and returns the path.
  std::string write(const std::string& relative, std::string_view bytes) const {
    const std::filesystem::path file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write the fuzz input to " + file.string());
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

}  // namespace bf::fuzz
