// libFuzzer target: the sweep-file reader (app/sweep/sweep_spec.hpp). Each
// input is written as sweeps/fuzz.toml in a scratch tree whose configs/ holds
// a copy of every shipped design file, so `base = "../configs/opal_core.toml"`
// and the other shipped bases resolve as they do in the repository (and the
// shipped sweeps/*.toml seed the corpus unchanged). load_sweep runs on every
// input; enumerate_points (constraints, and each point configured by its
// unit) on every sweep it accepts with at most kEnumerateLimit points. A
// sweep may legitimately have up to kMaxPoints = 1e6 points, each configured
// in turn; the fuzzer would report such a valid but long sweep as a hang.
//
// The documented outcome for a bad file is a cfg::ConfigError naming the
// place; any other exception, sanitizer report or hang is a bug.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "app/sweep/sweep_spec.hpp"
#include "generator/config/config.hpp"
#include "tests/fuzz/scratch_dir.hpp"

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kEnumerateLimit = 64;

const bf::fuzz::ScratchDir& scratch() {
  static const bf::fuzz::ScratchDir dir("sweep");
  static const bool populated = [] {
    fs::create_directories(dir.path() / "configs");
    for (const auto& e : fs::directory_iterator(fs::path(BLOCKFORGE_SOURCE_DIR) / "configs"))
      if (e.path().extension() == ".toml")
        fs::copy_file(e.path(), dir.path() / "configs" / e.path().filename());
    return true;
  }();
  (void)populated;
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string path = scratch().write(
      "sweeps/fuzz.toml", std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    const bf::sweep::SweepSpec spec = bf::sweep::load_sweep(path);
    std::size_t total = 1;
    for (const auto& axis : spec.axes) total *= axis.values.size();  // <= kMaxPoints: no overflow
    if (total > kEnumerateLimit) return 0;
    std::size_t excluded = 0;
    const auto points = bf::sweep::enumerate_points(spec, &excluded);
    if (points.size() + excluded != total) __builtin_trap();  // every point kept or excluded
    (void)spec.swept_keys();
  } catch (const bf::cfg::ConfigError&) {
  }
  return 0;
}
