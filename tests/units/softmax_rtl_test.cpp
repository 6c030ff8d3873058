// Structure of the generated softmax RTL and the blocks it is built from:
// opal.softmax has no multiplier, divider or table; the baseline has them;
// the CSD constant multiplier's recoding; the report command end to end.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <memory>
#include <regex>
#include <string>

#include "generator/blocks/const_mul.hpp"
#include "generator/design/registry.hpp"
#include "generator/verilog/module.hpp"

namespace bf {
namespace {

// The Verilog of a design with comments stripped.
std::string code_of(const std::string& toml) {
  const auto d = load_design_text(toml, "test.toml");
  std::string all;
  for (const auto& m : d->modules()) all += vlog::print(m);
  return std::regex_replace(all, std::regex("//[^\n]*"), "");
}

TEST(SoftmaxRtl, OpalHasNoMultiplierDividerOrTable) {
  const std::string v = code_of("unit = \"opal.softmax\"\n[params]\nn = 16\npipeline_stages = 3\n");
  EXPECT_EQ(v.find('*'), std::string::npos);
  EXPECT_EQ(v.find('/'), std::string::npos);
  EXPECT_EQ(v.find('%'), std::string::npos);
  EXPECT_EQ(v.find("case"), std::string::npos);
  EXPECT_NE(v.find(">>"), std::string::npos);
}

TEST(SoftmaxRtl, BaselineHasMultipliersTableAndReciprocal) {
  const std::string v = code_of("unit = \"softmax.exp_baseline\"\n[params]\nn = 4\n");
  EXPECT_NE(v.find(" * "), std::string::npos);
  EXPECT_NE(v.find("case (seg)"), std::string::npos);
  EXPECT_NE(v.find("rcp_quot"), std::string::npos);
}

TEST(SoftmaxRtl, LatencyIsPipelineStagesPlusOne) {
  for (const char* unit : {"opal.softmax", "softmax.exp_baseline"})
    for (int s = 0; s <= 3; ++s) {
      const auto d = load_design_text(
          fmt::format("unit = \"{}\"\n[params]\nn = 8\npipeline_stages = {}\n", unit, s), "t.toml");
      EXPECT_EQ(d->latency(), s + 1) << unit;
    }
}

TEST(CsdDigits, RecodesEveryConstantWithoutAdjacentDigits) {
  const auto d23 = blocks::csd_digits(23);  // 32 - 8 - 1
  ASSERT_EQ(d23.size(), 3u);
  EXPECT_EQ(d23[0].shift, 5);
  EXPECT_EQ(d23[0].sign, 1);
  EXPECT_EQ(d23[1].shift, 3);
  EXPECT_EQ(d23[1].sign, -1);
  EXPECT_EQ(d23[2].shift, 0);
  EXPECT_EQ(d23[2].sign, -1);
  EXPECT_EQ(blocks::csd_text(369), "512 - 128 - 16 + 1");
  for (uint64_t c = 1; c < 5000; ++c) {
    int64_t sum = 0;
    int last = -2;
    const auto digits = blocks::csd_digits(c);
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      sum += it->sign * (int64_t{1} << it->shift);
      ASSERT_GT(it->shift, last + 1) << c;
      last = it->shift;
    }
    ASSERT_EQ(sum, static_cast<int64_t>(c));
  }
}

struct Run {
  int code;
  std::string out;
};
Run run(const std::string& args) {
  Run r{-1, {}};
  FILE* f = popen((std::string(BLOCKFORGE_BINARY) + " " + args + " 2>&1").c_str(), "r");
  if (!f) return r;
  std::array<char, 4096> buf;
  while (fgets(buf.data(), buf.size(), f)) r.out += buf.data();
  r.code = WEXITSTATUS(pclose(f));
  return r;
}

TEST(SoftmaxReport, PrintsBothModelsOnBothDistributions) {
  const auto r = run("softmax-report --n 16 --vectors 200 --seed 3");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("n = 16, 200 vectors"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("uniform"), std::string::npos);
  EXPECT_NE(r.out.find("attention-like"), std::string::npos);
  EXPECT_NE(r.out.find("opal.softmax"), std::string::npos);
  EXPECT_NE(r.out.find("softmax.exp_baseline"), std::string::npos);
  EXPECT_NE(r.out.find("no log2(e) pre-scale"), std::string::npos);
}

TEST(SoftmaxReport, ReadsTheShippedConfigsAndRejectsAMismatch) {
  const std::string cfg = std::string(BLOCKFORGE_SOURCE_DIR) + "/configs/";
  auto r = run("softmax-report --vectors 100 --opal " + cfg + "opal_softmax.toml --baseline " +
               cfg + "softmax_exp_baseline.toml");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("n = 64"), std::string::npos) << r.out;
  r = run("softmax-report --opal " + cfg + "softmax_exp_baseline.toml");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("expected 'opal.softmax'"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace bf
