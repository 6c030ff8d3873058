// `blockforge bn-error` as a user meets it: one row per configuration and
// map kind, the exact range BN row first, JSON with every figure, and bad
// --shape / --seed values refused with one line and a non-zero exit.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "tests/blockforge_cli.hpp"

namespace {

using bf::testing::CmdResult;
using bf::testing::run_blockforge;
using bf::testing::Stderr;

CmdResult run(const std::string& args, Stderr err = Stderr::Merged) {
  return run_blockforge("bn-error " + args, err);
}

constexpr int kRowsPerKind = 10;  // exact range BN + 9 golden-model configurations

TEST(BnErrorCmd, PrintsOneRowPerConfigurationAndKind) {
  const auto r = run("--shape 4,8,4,4 --seed 3");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("x: 4 x 8 x 4 x 4 (n = 64 per channel, 8 chunks of 8), seed 3"),
            std::string::npos)
      << r.out;
  std::istringstream lines(r.out);
  int gaussian = 0, relu = 0;
  std::string first_gaussian;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("gaussian ", 0) == 0 && gaussian++ == 0) first_gaussian = line;
    relu += line.rfind("relu ", 0) == 0;
  }
  EXPECT_EQ(gaussian, kRowsPerKind) << r.out;
  EXPECT_EQ(relu, kRowsPerKind) << r.out;
  // The exact row comes first and matches itself.
  const auto label = first_gaussian.find("range BN exact (double)");
  ASSERT_NE(label, std::string::npos) << first_gaussian;
  EXPECT_NE(first_gaussian.find(" exact ", label + 23), std::string::npos) << first_gaussian;
  for (const char* label : {"fp32 arithmetic", "fp10 + BFP g8 (LightNorm)", "recip. pow2",
                            "fp12 e5m6/e6m5 + BFP", "fp10 + BFP plain"})
    EXPECT_NE(r.out.find(label), std::string::npos) << label;
}

TEST(BnErrorCmd, JsonHasEveryFigure) {
  const auto r = run("--shape 2,16,4,4 --json", Stderr::Dropped);
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["shape"], nlohmann::json::parse("[2, 16, 4, 4]"));
  EXPECT_EQ(j["n_per_channel"], 32);
  EXPECT_EQ(j["seed"], 1);
  ASSERT_EQ(j["configs"].size(), static_cast<std::size_t>(kRowsPerKind - 1));
  EXPECT_EQ(j["configs"][2]["id"], "fp10_bfp");
  EXPECT_EQ(j["configs"][2]["io"], "fp10_e5m4");
  EXPECT_EQ(j["configs"][2]["io_bfp"], "g8 5-bit keep-max");
  ASSERT_EQ(j["rows"].size(), static_cast<std::size_t>(2 * kRowsPerKind));
  std::set<std::string> kinds;
  for (const auto& row : j["rows"]) {
    kinds.insert(row["kind"].get<std::string>());
    for (const char* key : {"config", "label", "y_vs_range_sqnr_db", "y_vs_bn_sqnr_db", "std_ratio",
                            "y_vs_bn_fit_sqnr_db", "dx_vs_range_sqnr_db", "dx_vs_bn_fit_sqnr_db",
                            "dgamma_rel_err", "dbeta_rel_err"})
      EXPECT_TRUE(row.contains(key)) << key;
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"gaussian", "relu"}));
  // The exact row matches itself: no finite SQNR, printed as null.
  EXPECT_EQ(j["rows"][0]["config"], "range_exact");
  EXPECT_TRUE(j["rows"][0]["y_vs_range_sqnr_db"].is_null());
  EXPECT_GT(j["rows"][1]["y_vs_range_sqnr_db"].get<double>(), 100);  // fp32 arithmetic
}

TEST(BnErrorCmd, BadValuesGiveOneLineAndNonZeroExit) {
  const std::pair<std::string, std::string> cases[] = {
      {"--shape 32,64,16", "--shape '32,64,16' is not a shape; pass N,C,H,W"},
      {"--shape 32,64,16,16,1", "--shape '32,64,16,16,1' is not a shape"},
      {"--shape 4,x,4,4", "--shape '4,x,4,4' is not a shape"},
      {"--shape 0,4,4,4", "--shape '0,4,4,4' is not a shape"},
      {"--shape 2,4,3,3",
       "--shape '2,4,3,3' is refused: shape 2 x 4 x 3 x 3 has n = N*H*W = 18 values per "
       "channel; range BN needs every size >= 1 and n a multiple of 8"},
      {"--shape 1,4,2,4", "n = N*H*W = 8 values per channel"},
      {"--shape 256,256,256,256", "--shape '256,256,256,256' has more than 8388608 values"},
      {"--seed x", "--seed 'x' is not a seed"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = run(args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_NE(r.out.find("blockforge bn-error: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(message), std::string::npos) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  }
}

}  // namespace
