// The module cache of the hierarchical area flow: a repeated run starts no
// Yosys at all, a changed module body is recomputed (and only it), comments
// do not matter, damaged entries are recomputed rather than trusted, and
// concurrent runs compute a module once.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "synth/area.hpp"
#include "tests/synth/synth_fixture.hpp"
#include "util/files.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;
using CacheTest = testing::SynthTest;

constexpr const char* kAdd = R"(
// adder header comment
module add8 (input wire [7:0] a_i, input wire [7:0] b_i, output wire [8:0] s_o);
  assign s_o = a_i + b_i;
endmodule
)";

constexpr const char* kSub = R"(
module add8 (input wire [7:0] a_i, input wire [7:0] b_i, output wire [8:0] s_o);
  assign s_o = a_i - b_i;  /* same ports, another body */
endmodule
)";

constexpr const char* kPair = R"(
module pair (input wire [31:0] x_i, output wire [17:0] s_o);
  add8 u_lo (.a_i(x_i[7:0]),   .b_i(x_i[15:8]),  .s_o(s_o[8:0]));
  add8 u_hi (.a_i(x_i[23:16]), .b_i(x_i[31:24]), .s_o(s_o[17:9]));
endmodule
)";

// The cache entry (JSON) of module `name`.
fs::path entry_of(const std::string& cache, const std::string& name) {
  for (const auto& e : fs::recursive_directory_iterator(fs::path(cache) / "module")) {
    if (e.path().extension() != ".json") continue;
    if (util::read_text(e.path().string()).find("\"module\": \"" + name + "\"") !=
        std::string::npos) {
      return e.path();
    }
  }
  return {};
}

TEST_F(CacheTest, SecondRunIsServedFromTheCacheWithoutYosys) {
  BF_REQUIRE_YOSYS();
  const std::vector<std::string> files = {write("add8.v", kAdd), write("pair.v", kPair)};
  const AreaReport cold = run_area(files, "pair", work("w1"), hier());
  EXPECT_EQ(cold.cache_misses, 2);
  EXPECT_EQ(cold.cache_hits, 0);
  EXPECT_EQ(cold.yosys_runs, 4);  // scan, two modules, depth

  const AreaReport warm = run_area(files, "pair", work("w2"), hier());
  EXPECT_EQ(warm.cache_misses, 0);
  EXPECT_EQ(warm.cache_hits, 2);
  EXPECT_EQ(warm.yosys_runs, 0);
  EXPECT_FALSE(fs::exists(fs::path(work("w2")) / "modules"));  // nothing was synthesized
  EXPECT_DOUBLE_EQ(warm.area_um2, cold.area_um2);
  EXPECT_EQ(warm.cells, cold.cells);
  EXPECT_EQ(warm.transistors, cold.transistors);
  EXPECT_EQ(warm.logic_depth, cold.logic_depth);
  for (const auto& m : warm.modules) {
    EXPECT_TRUE(m.cached) << m.name;
    EXPECT_EQ(m.seconds, 0) << m.name;
    EXPECT_GT(m.synth_seconds, 0) << m.name;
  }
}

TEST_F(CacheTest, ChangedBodyMissesOnlyThatModuleAndCommentsDoNotMatter) {
  BF_REQUIRE_YOSYS();
  const std::string pair = write("pair.v", kPair);
  const AreaReport first = run_area({write("a/add8.v", kAdd), pair}, "pair", work("w1"), hier());
  EXPECT_EQ(first.cache_misses, 2);

  // Another body behind the same ports: the child misses, its parent (which
  // only sees the ports) hits; the design's numbers change.
  const AreaReport sub = run_area({write("b/add8.v", kSub), pair}, "pair", work("w2"), hier());
  EXPECT_EQ(sub.cache_misses, 1);
  EXPECT_EQ(sub.cache_hits, 1);
  for (const auto& m : sub.modules) EXPECT_EQ(m.cached, m.name == "pair") << m.name;
  EXPECT_NE(sub.cells, first.cells);

  // Only the comments differ from the first: everything hits.
  const std::string recommented =
      std::string("// a generated header with another config hash\n") + kAdd + "// trailer\n";
  const AreaReport same =
      run_area({write("c/add8.v", recommented), pair}, "pair", work("w3"), hier());
  EXPECT_EQ(same.cache_misses, 0);
  EXPECT_EQ(same.yosys_runs, 0);
  EXPECT_DOUBLE_EQ(same.area_um2, first.area_um2);

  // Another share setting is another script: everything misses.
  AreaOptions other = hier();
  other.share = !kDefaultShare;
  EXPECT_EQ(run_area({write("d/add8.v", kAdd), pair}, "pair", work("w4"), other).cache_misses, 2);
}

TEST_F(CacheTest, DamagedEntriesAreRecomputedNotTrusted) {
  BF_REQUIRE_YOSYS();
  const std::vector<std::string> files = {write("add8.v", kAdd), write("pair.v", kPair)};
  const AreaReport good = run_area(files, "pair", work("w0"), hier());
  const fs::path json = entry_of(cache(), "add8");
  ASSERT_FALSE(json.empty());
  fs::path il = json;
  il.replace_extension(".il");
  ASSERT_TRUE(fs::exists(il));

  const auto check_recomputed = [&](const std::string& what, const std::string& wd) {
    const AreaReport r = run_area(files, "pair", work(wd), hier());
    EXPECT_EQ(r.cache_misses, 1) << what;
    EXPECT_DOUBLE_EQ(r.area_um2, good.area_um2) << what;
    EXPECT_EQ(r.cells, good.cells) << what;
    EXPECT_EQ(r.logic_depth, good.logic_depth) << what;
    // And the entry is whole again.
    EXPECT_EQ(run_area(files, "pair", work(wd + "_again"), hier()).cache_misses, 0) << what;
  };

  // A truncated JSON entry (a writer killed mid-write without the rename).
  const std::string text = util::read_text(json.string());
  std::ofstream(json, std::ios::trunc) << text.substr(0, text.size() / 2);
  check_recomputed("truncated json", "w1");
  // A netlist that no longer matches its recorded hash.
  std::ofstream(il, std::ios::app) << "\n# tampered\n";
  check_recomputed("tampered netlist", "w2");
  // The netlist gone, the JSON left (a partial entry).
  fs::remove(il);
  check_recomputed("missing netlist", "w3");
  // The JSON gone, the netlist left: an ordinary miss.
  fs::remove(json);
  check_recomputed("missing json", "w4");
  // Well-formed JSON with numbers that are not this entry's: its key differs.
  nlohmann::json j = nlohmann::json::parse(util::read_text(json.string()));
  j["key"] = "0000000000000000";
  std::ofstream(json, std::ios::trunc) << j.dump();
  check_recomputed("foreign key", "w5");
}

TEST_F(CacheTest, DamagedEntryIsReportedAsANote) {
  BF_REQUIRE_YOSYS();
  const std::vector<std::string> files = {write("add8.v", kAdd), write("pair.v", kPair)};
  run_area(files, "pair", work("w0"), hier());
  std::ofstream(entry_of(cache(), "add8"), std::ios::trunc) << "{ not json";
  const AreaReport r = run_area(files, "pair", work("w1"), hier());
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("ignored a damaged cache entry"), std::string::npos) << r.notes[0];
}

TEST_F(CacheTest, NoCacheWritesNothingAndAlwaysSynthesizes) {
  BF_REQUIRE_YOSYS();
  const std::vector<std::string> files = {write("add8.v", kAdd), write("pair.v", kPair)};
  AreaOptions o = hier();
  o.use_cache = false;
  const AreaReport a = run_area(files, "pair", work("w1"), o);
  const AreaReport b = run_area(files, "pair", work("w2"), o);
  EXPECT_EQ(b.cache_misses, 2);
  EXPECT_EQ(b.yosys_runs, 4);
  EXPECT_DOUBLE_EQ(a.area_um2, b.area_um2);
  EXPECT_EQ(a.logic_depth, b.logic_depth);
  EXPECT_FALSE(fs::exists(cache()));
  EXPECT_TRUE(a.cache_dir.empty());
}

TEST_F(CacheTest, ConcurrentRunsComputeEachModuleOnce) {
  BF_REQUIRE_YOSYS();
  const std::vector<std::string> files = {write("add8.v", kAdd), write("pair.v", kPair)};
  AreaReport r1, r2;
  std::thread t1([&] { r1 = run_area(files, "pair", work("w1"), hier(1)); });
  std::thread t2([&] { r2 = run_area(files, "pair", work("w2"), hier(1)); });
  t1.join();
  t2.join();
  EXPECT_EQ(r1.cache_misses + r2.cache_misses, 2);
  EXPECT_EQ(r1.cache_hits + r2.cache_hits, 2);
  EXPECT_DOUBLE_EQ(r1.area_um2, r2.area_um2);
}

TEST_F(CacheTest, DefaultDirectoryFollowsTheEnvironment) {
  const auto saved = [](const char* name) {
    const char* v = std::getenv(name);
    return std::pair<bool, std::string>(v != nullptr, v ? v : "");
  };
  const auto cache_env = saved("BLOCKFORGE_CACHE"), xdg = saved("XDG_CACHE_HOME"),
             home = saved("HOME");
  ::setenv("BLOCKFORGE_CACHE", "/tmp/bf-cache", 1);
  ::setenv("XDG_CACHE_HOME", "/tmp/xdg", 1);
  ::setenv("HOME", "/tmp/home", 1);
  EXPECT_EQ(default_cache_dir(), "/tmp/bf-cache");
  ::unsetenv("BLOCKFORGE_CACHE");
  EXPECT_EQ(default_cache_dir(), "/tmp/xdg/blockforge/synth");
  ::unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(default_cache_dir(), "/tmp/home/.cache/blockforge/synth");
  for (const auto& [name, value] : {std::pair{"BLOCKFORGE_CACHE", cache_env},
                                    std::pair{"XDG_CACHE_HOME", xdg}, std::pair{"HOME", home}}) {
    if (value.first) {
      ::setenv(name, value.second.c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
}

}  // namespace
}  // namespace bf::synth
