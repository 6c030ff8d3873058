// `blockforge bfp-error` as a user meets it: 18 rows (two matrix kinds x nine
// mode pairs), the error shrinking as the mantissas widen, JSON output, and
// bad option values refused with one line and a non-zero exit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>

#include "tests/blockforge_cli.hpp"

namespace {

using bf::testing::CmdResult;
using bf::testing::run_blockforge;
using bf::testing::Stderr;

CmdResult run(const std::string& args, Stderr err = Stderr::Merged) {
  return run_blockforge("bfp-error " + args, err);
}

TEST(BfpErrorCmd, PrintsEighteenRows) {
  const auto r = run("--m 24 --n 20 --k 300 --seed 3");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("C = A[24x300] * B[300x20], seed 3, rounding truncate"), std::string::npos)
      << r.out;
  std::istringstream lines(r.out);
  int gaussian = 0, heavy = 0;
  for (std::string line; std::getline(lines, line);) {
    gaussian += line.rfind("gaussian ", 0) == 0;
    heavy += line.rfind("heavy-tailed ", 0) == 0;
  }
  EXPECT_EQ(gaussian, 9) << r.out;
  EXPECT_EQ(heavy, 9) << r.out;
}

TEST(BfpErrorCmd, ErrorShrinksWithMoreBits) {
  const auto r = run("--m 16 --n 16 --k 500 --round nearest_even --json", Stderr::Dropped);
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["rounding"], "nearest_even");
  EXPECT_EQ(j["group_size"]["8"], 108);
  ASSERT_EQ(j["rows"].size(), 18u);
  for (const std::string kind : {"gaussian", "heavy-tailed"}) {
    std::map<std::pair<int, int>, double> sqnr;  // (A bits, B bits) -> dB
    for (const auto& row : j["rows"])
      if (row["kind"] == kind) {
        const double rel = row["rel_frobenius"], db = row["sqnr_db"], mx = row["max_err_ratio"];
        EXPECT_GT(rel, 0);
        EXPECT_NEAR(db, -20 * std::log10(rel), 1e-9);
        EXPECT_GT(mx, 0);
        EXPECT_LT(mx, 1);
        sqnr[{row["a_bits"].get<int>(), row["b_bits"].get<int>()}] = db;
      }
    const auto db_of = [&](int a_bits, int b_bits) { return sqnr.at({a_bits, b_bits}); };
    // Uniform modes: each step of mantissa width buys SQNR.
    EXPECT_GT(db_of(8, 8), db_of(4, 4) + 10) << kind;
    EXPECT_GT(db_of(16, 16), db_of(8, 8) + 10) << kind;
    // Widening one operand never hurts much and the narrow one dominates.
    EXPECT_GT(db_of(16, 4), db_of(4, 4)) << kind;
    EXPECT_LT(db_of(16, 4), db_of(8, 8)) << kind;
  }
}

TEST(BfpErrorCmd, BadValuesGiveOneLineAndNonZeroExit) {
  const std::pair<std::string, std::string> cases[] = {
      {"--round nearest", "unknown rounding 'nearest' for --round"},
      {"--m 0", "--m '0' is not a matrix size"},
      {"--k 12x", "--k '12x' is not a matrix size"},
      {"--n 5000", "--n '5000' is not a matrix size"},
      {"--seed -1", "--seed '-1' is not a seed"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = run(args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_NE(r.out.find("blockforge bfp-error: " + message), std::string::npos) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  }
}

}  // namespace
