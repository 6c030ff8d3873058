// Every shipped sweep file (sweeps/*.toml) loads, enumerates the points its
// comment promises, and each point's design file configures its unit.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "app/sweep/sweep_spec.hpp"
#include "generator/design/registry.hpp"

namespace bf::sweep {
namespace {

namespace fs = std::filesystem;

TEST(ShippedSweeps, LoadAndConfigureEveryPoint) {
  // The point counts each file's comment promises (kept / excluded by its
  // constraints). A new sweep file must be added here with its counts.
  const std::map<std::string, std::pair<std::size_t, std::size_t>> expected = {
      {"quant_block.toml", {10, 2}},      // 6 formats x 2 blocks, 4-bit only at k = 32
      {"opal_pe.toml", {9, 3}},           // lanes x outliers with block / lanes >= outliers + 1
      {"zebra_protection.toml", {4, 0}},  // the four protections, zipped with on_detect
  };
  std::set<std::string> seen;
  for (const auto& e : fs::directory_iterator(fs::path(BLOCKFORGE_SOURCE_DIR) / "sweeps")) {
    if (e.path().extension() != ".toml") continue;
    const std::string file = e.path().filename().string();
    seen.insert(file);
    const auto it = expected.find(file);
    if (it == expected.end()) {
      ADD_FAILURE() << "sweeps/" << file << " has no expected point count in this test";
      continue;
    }
    const SweepSpec spec = load_sweep(e.path().string());
    std::size_t excluded = 0;
    const auto points = enumerate_points(spec, &excluded);
    EXPECT_EQ(points.size(), it->second.first) << file;
    EXPECT_EQ(excluded, it->second.second) << file;
    for (const auto& p : points)
      EXPECT_NO_THROW(load_design_text(p.design_text, e.path().string())) << p.design_text;
  }
  for (const auto& [file, counts] : expected)
    EXPECT_TRUE(seen.count(file)) << "sweeps/" << file << " is missing";
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
