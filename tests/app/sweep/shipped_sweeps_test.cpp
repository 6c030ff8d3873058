// Every shipped sweep file (sweeps/*.toml) loads, enumerates the points its
// comment promises, and each point's design file configures its unit.
#include <gtest/gtest.h>

#include <filesystem>

#include "app/sweep/sweep_spec.hpp"
#include "generator/design/registry.hpp"

namespace bf::sweep {
namespace {

namespace fs = std::filesystem;

TEST(ShippedSweeps, LoadAndConfigureEveryPoint) {
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(fs::path(BLOCKFORGE_SOURCE_DIR) / "sweeps")) {
    if (e.path().extension() != ".toml") continue;
    ++files;
    const SweepSpec spec = load_sweep(e.path().string());
    const auto points = enumerate_points(spec);
    EXPECT_FALSE(points.empty()) << e.path();
    for (const auto& p : points)
      EXPECT_NO_THROW(load_design_text(p.design_text, e.path().string())) << p.design_text;
  }
  EXPECT_GE(files, 2u);
}

TEST(ShippedSweeps, OpalPeKeepsTheFeasiblePoints) {
  const auto spec =
      load_sweep((fs::path(BLOCKFORGE_SOURCE_DIR) / "sweeps" / "opal_pe.toml").string());
  std::size_t excluded = 0;
  // lanes 8: n 0..8; lanes 16: n 0..4 (8 beats); lanes 32: n 0, 2 (4 beats).
  EXPECT_EQ(enumerate_points(spec, &excluded).size(), 9u);
  EXPECT_EQ(excluded, 3u);
}

}  // namespace
}  // namespace bf::sweep
