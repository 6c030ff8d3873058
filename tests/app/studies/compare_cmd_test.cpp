// `blockforge compare` as a user meets it: a design against a baseline at
// one clock (the slowest design's critical path), with area, fmax, energy per
// operation and throughput per area, ratios that follow from the figures,
// and the strongest baseline named; bad input is one clear line and a
// non-zero exit before any synthesis.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/blockforge_cli.hpp"

namespace {

using bf::testing::CmdResult;
using bf::testing::run_blockforge;
using bf::testing::Stderr;

namespace fs = std::filesystem;

CmdResult run(const std::string& args, bool with_stderr = true) {
  return run_blockforge("compare " + args, with_stderr ? Stderr::Merged : Stderr::Dropped);
}

bool have_tools() {
  return std::system(
             "command -v yosys >/dev/null 2>&1 && command -v verilator >/dev/null 2>&1 && "
             "command -v sta >/dev/null 2>&1") == 0;
}

class CompareCmd : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("bf_compare_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    mul_ = std::string(BLOCKFORGE_SOURCE_DIR) + "/configs/arith_fp_mul_bf16.toml";
    add_ = std::string(BLOCKFORGE_SOURCE_DIR) + "/configs/arith_fp_add_fp32.toml";
    // The baseline: the same multiplier with its output registered.
    piped_ = (dir_ / "mul_piped.toml").string();
    std::ofstream(piped_) << "unit = \"arith.fp_mul\"\nname = \"mul_piped\"\n[params]\n"
                             "a_format = \"bf16\"\nb_format = \"bf16\"\ny_format = \"fp32\"\n"
                             "pipeline_stages = 1\n";
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string work() const { return " --work " + (dir_ / "work").string(); }
  fs::path dir_;
  std::string mul_, add_, piped_;
};

TEST_F(CompareCmd, OneClockRatiosAndTheStrongestBaseline) {
  if (!have_tools()) GTEST_SKIP() << "yosys, verilator or sta missing";
  // --also: the design itself on zeros, smaller and quieter than the
  // baseline, shown but never named the strongest baseline.
  const auto r =
      run(mul_ + " " + piped_ + "@zeros -n 200 --json --also " + mul_ + "@zeros" + work(), false);
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["designs"].size(), 3u);
  EXPECT_FALSE(j["designs"][0]["baseline"].get<bool>());
  EXPECT_TRUE(j["designs"][1]["baseline"].get<bool>());
  EXPECT_FALSE(j["designs"][2]["baseline"].get<bool>());
  EXPECT_NEAR(j["designs"][2]["area_ratio"].get<double>(), 1.0, 1e-9);
  EXPECT_EQ(j["strongest_baseline"]["area"], "mul_piped@zeros");
  const auto& d = j["designs"][0];
  const auto& b = j["designs"][1];
  EXPECT_EQ(j["op"], "multiply");
  EXPECT_EQ(d["workload"], "random");
  EXPECT_EQ(b["workload"], "zeros");
  // The clock is the slower design's critical path, rounded up to 10 ps.
  const double slowest =
      std::max(d["critical_path_ns"].get<double>(), b["critical_path_ns"].get<double>());
  EXPECT_FALSE(j["clock_given"].get<bool>());
  EXPECT_GE(j["clock_ns"].get<double>(), slowest);
  EXPECT_LT(j["clock_ns"].get<double>(), slowest + 0.0101);
  EXPECT_TRUE(d["meets_clock"].get<bool>());
  EXPECT_TRUE(b["meets_clock"].get<bool>());
  // Ratios follow from the figures.
  EXPECT_NEAR(b["area_ratio"].get<double>(),
              b["area_um2"].get<double>() / d["area_um2"].get<double>(), 1e-9);
  EXPECT_NEAR(b["energy_ratio"].get<double>(),
              b["energy_per_op_pj"].get<double>() / d["energy_per_op_pj"].get<double>(), 1e-9);
  EXPECT_NEAR(d["gops_per_mm2"].get<double>(),
              1 * d["fmax_mhz"].get<double>() * 1e-3 / (d["area_um2"].get<double>() * 1e-6),
              1e-6 * d["gops_per_mm2"].get<double>());
  // A registered output costs area; all-zero inputs cost less energy.
  EXPECT_GT(b["area_ratio"].get<double>(), 1.0);
  EXPECT_LT(b["energy_ratio"].get<double>(), 1.0);
  EXPECT_EQ(j["strongest_baseline"]["energy"], "mul_piped@zeros");

  // The table says the same (served from the caches).
  const auto t = run(mul_ + " " + piped_ + "@zeros -n 200 --also " + mul_ + "@zeros" + work());
  ASSERT_EQ(t.code, 0) << t.out;
  EXPECT_NE(t.out.find("at one clock"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("strongest baseline: by area mul_piped@zeros"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("pJ/multiply"), std::string::npos) << t.out;
  EXPECT_EQ(t.out.find("MISSES"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("against 1 baseline at one clock"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("arith_fp_mul_bf16@zeros"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("(--also: not a baseline)"), std::string::npos) << t.out;
}

TEST_F(CompareCmd, BadInputIsOneClearErrorBeforeSynthesis) {
  auto r = run(mul_ + " " + add_ + work());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("compare designs of one operation"), std::string::npos) << r.out;
  r = run(mul_ + " " + piped_ + "@" + work());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("CONFIG@WORKLOAD"), std::string::npos) << r.out;
  r = run(mul_ + " " + piped_ + "@llm" + work());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("unknown workload 'llm'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  zeros: "), std::string::npos) << r.out;
  r = run((dir_ / "missing.toml").string() + work());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("missing.toml"), std::string::npos) << r.out;
  r = run(mul_ + " -n 0" + work());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("--vectors 0"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "work")) << "nothing is synthesized for bad input";
}

}  // namespace
