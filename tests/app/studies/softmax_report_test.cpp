// blockforge softmax-report end to end: both softmax models on both
// distributions, the shipped configs, and a config of the wrong unit refused.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace bf {
namespace {

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
