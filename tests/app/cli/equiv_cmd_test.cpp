// `blockforge equiv` as a user meets it, on arith.fp_add in the tiny e5m2
// format: RTL vs its mapped netlist (PROVEN), two pipeline settings with
// different latencies (PROVEN), a hand-edited netlist gate and a hand-edited
// RTL constant (NOT PROVEN with a counterexample in port names), a time limit
// (UNKNOWN, exit 2), and bad input (one line, exit 3).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/blockforge_cli.hpp"

namespace {

using bf::testing::CmdResult;
using bf::testing::run_blockforge;
using bf::testing::Stderr;

namespace fs = std::filesystem;

CmdResult run(const std::string& args) { return run_blockforge(args); }

bool have_yosys() { return std::system("command -v yosys >/dev/null 2>&1") == 0; }

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class EquivCmd : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("bf_equiv_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    p0_ = config("fadd_e5m2_p0", "arith.fp_add", "format = \"e5m2\"\npipeline_stages = 0");
    p1_ = config("fadd_e5m2_p1", "arith.fp_add", "format = \"e5m2\"\npipeline_stages = 1");
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string config(const std::string& name, const std::string& unit,
                     const std::string& params) const {
    const fs::path p = dir_ / (name + ".toml");
    std::ofstream(p) << "unit = \"" << unit << "\"\nname = \"" << name << "\"\n[params]\n"
                     << params << "\n";
    return p.string();
  }
  std::string work(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
  std::string p0_, p1_;
};

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

TEST_F(EquivCmd, NetlistProvenAndAnEditedGateIsFound) {
  if (!have_yosys()) GTEST_SKIP() << "yosys not on PATH";
  const CmdResult ok = run("equiv " + p1_ + " --netlist --timeout 50 --work " + work("n"));
  ASSERT_EQ(ok.code, 0) << ok.out;
  EXPECT_EQ(first_line(ok.out).rfind("PROVEN: by ", 0), 0u) << ok.out;
  EXPECT_NE(ok.out.find("claim: "), std::string::npos) << ok.out;

  // One cell of the mapped netlist changed: the first flop with an async
  // reset (a valid bit) becomes one with an async set.
  std::string netlist = read(fs::path(work("n")) / "netlist" / "mapped.v");
  const auto at = netlist.find("  DFFR ");
  ASSERT_NE(at, std::string::npos) << "no DFFR cell in the netlist";
  const auto pin = netlist.find(".RN(", at);  // DFFS's set pin is SN
  ASSERT_NE(pin, std::string::npos);
  netlist.replace(pin, 4, ".SN(");
  netlist.replace(at, 7, "  DFFS ");
  std::ofstream(dir_ / "edited.v") << netlist;
  const CmdResult bad = run("equiv " + p1_ + " --netlist-file " + (dir_ / "edited.v").string() +
                            " --timeout 50 --work " + work("e"));
  ASSERT_EQ(bad.code, 1) << bad.out;
  EXPECT_EQ(first_line(bad.out).rfind("NOT PROVEN: the designs differ in cycle ", 0), 0u)
      << bad.out;
  EXPECT_NE(bad.out.find("A: in_ready_o="), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("<- differs: "), std::string::npos) << bad.out;
}

TEST_F(EquivCmd, TwoPipelineSettingsProvenAndAnEditedConstantIsFound) {
  if (!have_yosys()) GTEST_SKIP() << "yosys not on PATH";
  const CmdResult ok = run("equiv " + p0_ + " " + p1_ + " --timeout 50 --work " + work("p"));
  ASSERT_EQ(ok.code, 0) << ok.out;
  EXPECT_EQ(first_line(ok.out).rfind("PROVEN: by sat -tempinduct", 0), 0u) << ok.out;
  EXPECT_NE(ok.out.find("A's out_valid_o and data outputs delayed by 1 cycle(s)"),
            std::string::npos)
      << ok.out;

  // A generated directory with one constant of the adder core changed.
  ASSERT_EQ(run("gen " + p0_ + " -o " + work("rtl")).code, 0);
  const fs::path core = fs::path(work("rtl")) / "fadd_e5m2_p0" / "fadd_e5m2_p0_core.v";
  std::string text = read(core);
  const auto at = text.find("3'd3");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, 4, "3'd2");
  std::ofstream(core) << text;
  const CmdResult bad =
      run("equiv " + p1_ + " " + (fs::path(work("rtl")) / "fadd_e5m2_p0").string() +
          " --timeout 50 --work " + work("b"));
  ASSERT_EQ(bad.code, 1) << bad.out;
  EXPECT_EQ(first_line(bad.out).rfind("NOT PROVEN: ", 0), 0u) << bad.out;
  EXPECT_TRUE(std::regex_search(bad.out, std::regex("cycle \\d+ +rst_ni=1 in_valid_i=1 a_i=0x")))
      << bad.out;
  EXPECT_NE(bad.out.find("<- differs: y_o"), std::string::npos) << bad.out;
}

TEST_F(EquivCmd, TimeLimitGivesUnknownAndExitTwo) {
  if (!have_yosys()) GTEST_SKIP() << "yosys not on PATH";
  const CmdResult r = run("equiv " + p0_ + " " + p1_ + " --timeout 0.001 --work " + work("t"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(first_line(r.out).rfind("UNKNOWN: ", 0), 0u) << r.out;
  EXPECT_EQ(r.out.find("PROVEN: "), std::string::npos) << r.out;
}

TEST_F(EquivCmd, BadInputIsOneLineAndExitThree) {
  const std::string mul = config("fmul", "arith.fp_mul", "a_format = \"bf16\"");
  const std::string bf16 = config("fadd_bf16", "arith.fp_add", "format = \"bf16\"");
  struct Case {
    std::string args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {p0_ + " " + mul, "equiv compares two configurations of one unit"},
      {p0_ + " " + bf16, "the data inputs differ: A has a_i[8] b_i[8], B has a_i[16] b_i[16]"},
      {p0_ + " " + work("missing.toml"), "missing.toml: no such file or directory"},
      {p0_ + " " + p1_ + " --netlist", "give either a second design B or --netlist, not both"},
      {p0_, "give a second design B, or --netlist"},
      {p0_ + " " + dir_.string(), "a directory without manifest.json"},
  };
  for (const auto& c : cases) {
    const CmdResult r = run("equiv " + c.args + " --work " + work("bad"));
    EXPECT_EQ(r.code, 3) << c.args << "\n" << r.out;
    EXPECT_EQ(r.out.rfind("blockforge equiv: ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find(c.message), std::string::npos) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  }
}

}  // namespace
