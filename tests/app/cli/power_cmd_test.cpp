// `blockforge power` as a user meets it: all-zero inputs cost less energy
// than random ones on a shipped unit (arith_fp_mul_bf16), the JSON carries
// the split and the per-op figure, and bad input is one clear line with a
// non-zero exit.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/blockforge_cli.hpp"

namespace {

using bf::testing::CmdResult;
using bf::testing::run_blockforge;
using bf::testing::Stderr;

namespace fs = std::filesystem;

CmdResult run(const std::string& args, bool with_stderr = true) {
  return run_blockforge(args, with_stderr ? Stderr::Merged : Stderr::Dropped);
}

bool have_tools() {
  return std::system("command -v yosys >/dev/null 2>&1 && command -v verilator >/dev/null 2>&1") ==
         0;
}

class PowerCmd : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("bf_power_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = std::string(BLOCKFORGE_SOURCE_DIR) + "/configs/arith_fp_mul_bf16.toml";
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string common() const {
    return fmt_args(config_) + " --vectors 300 --work " + (dir_ / "work").string();
  }
  static std::string fmt_args(const std::string& s) { return "power '" + s + "'"; }
  fs::path dir_;
  std::string config_;
};

TEST_F(PowerCmd, ZerosCostLessThanRandom) {
  if (!have_tools()) GTEST_SKIP() << "yosys or verilator missing";
  const auto random = run(common() + " --workload random --json", false);
  ASSERT_EQ(random.code, 0) << random.out;
  const auto zeros = run(common() + " --workload zeros --json", false);
  ASSERT_EQ(zeros.code, 0) << zeros.out;
  const auto jr = nlohmann::json::parse(random.out);
  const auto jz = nlohmann::json::parse(zeros.out);
  EXPECT_EQ(jr["op"], "multiply");
  EXPECT_EQ(jr["vectors"], 300);
  const double er = jr["energy_per_op_pj"].get<double>();
  const double ez = jz["energy_per_op_pj"].get<double>();
  EXPECT_GT(er, 0.1) << "a bf16 multiply costs tenths of a pJ at 45 nm";
  EXPECT_LT(er, 10.0);
  EXPECT_LT(ez, 0.5 * er) << "all-zero inputs should be much quieter";
  const auto& e = jr["power"]["energy"];
  EXPECT_NEAR(e["total_fj"].get<double>(),
              e["internal_fj"].get<double>() + e["switching_fj"].get<double>() +
                  e["clock_fj"].get<double>() + e["leakage_fj"].get<double>(),
              1e-6);
  EXPECT_GT(e["clock_fj"].get<double>(), 0);
  EXPECT_FALSE(jr["power"]["modules"].empty());
  // The table names the per-op figure and the split.
  const auto table = run(common() + " --workload zeros");
  ASSERT_EQ(table.code, 0) << table.out;
  EXPECT_NE(table.out.find("energy per multiply"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("leakage"), std::string::npos) << table.out;
}

TEST_F(PowerCmd, BadInputIsOneClearError) {
  auto r = run(common() + " --workload llama");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("unknown workload"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  random: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  zeros: "), std::string::npos) << r.out;
  r = run(common() + " --liberty " + (dir_ / "missing.lib").string());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("missing.lib"), std::string::npos) << r.out;
  r = run(fmt_args(config_) + " --vectors 0 --work " + (dir_ / "work").string());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("--vectors 0"), std::string::npos) << r.out;
  r = run(fmt_args((dir_ / "nope.toml").string()));
  EXPECT_NE(r.code, 0);
}

}  // namespace
