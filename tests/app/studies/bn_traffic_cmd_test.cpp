// `blockforge bn-traffic` as a user meets it: the ResNet-18 BN layers with
// every scheme's totals, JSON whose totals are the sums of its layers, a
// smaller total with --fused, and bad options refused with one line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/blockforge_cli.hpp"

namespace {

using bf::testing::CmdResult;
using bf::testing::run_blockforge;
using bf::testing::Stderr;

CmdResult run(const std::string& args, Stderr err = Stderr::Merged) {
  return run_blockforge("bn-traffic " + args, err);
}

TEST(BnTrafficCmd, ListsTheBnLayersOfResnet18) {
  const auto r = run("--batch 4");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("resnet18-cifar in one training step, batch 4 (20 BN layers"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("layer4.0.downsample"), std::string::npos);
  EXPECT_EQ(r.out.find("\nfc "), std::string::npos) << "fc has no BN";
  for (const char* label : {"fp32 BN (baseline.bn_fp32)", "LightNorm fp10, BFP on x, y  ",
                            "LightNorm fp10, BFP on x, y, g, dx"})
    EXPECT_NE(r.out.find(label), std::string::npos) << label;
}

TEST(BnTrafficCmd, JsonTotalsAreTheSumsOfTheLayers) {
  const auto r = run("--batch 8 --json", Stderr::Dropped);
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["schemes"].size(), 4u);
  for (const auto& s : j["schemes"]) {
    ASSERT_EQ(s["layers"].size(), 20u);
    double sum = 0;
    for (const auto& l : s["layers"])
      sum += l["forward"]["read_bytes"].get<double>() + l["forward"]["write_bytes"].get<double>() +
             l["backward"]["read_bytes"].get<double>() + l["backward"]["write_bytes"].get<double>();
    EXPECT_NEAR(sum, s["total_bytes"].get<double>(), 1e-6 * sum) << s["id"];
  }
  EXPECT_EQ(j["schemes"][0]["layers"][0]["shape"], nlohmann::json::parse("[8, 64, 32, 32]"));
  EXPECT_EQ(j["schemes"][0]["vs_fp32"], 1.0);
  EXPECT_GT(j["schemes"][2]["vs_fp32"].get<double>(), 3.0);
  const auto fused = nlohmann::json::parse(run("--batch 8 --json --fused", Stderr::Dropped).out);
  EXPECT_LT(fused["schemes"][0]["total_bytes"].get<double>(),
            j["schemes"][0]["total_bytes"].get<double>());
}

TEST(BnTrafficCmd, RefusesBadOptionsWithOneLine) {
  auto r = run("--batch 0");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("blockforge bn-traffic: --batch 0: expected 1..65536"), std::string::npos)
      << r.out;
  r = run("--network resnet");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("unknown network 'resnet'"), std::string::npos) << r.out;
  r = run("--network /no/such/table.csv");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("blockforge bn-traffic:"), std::string::npos) << r.out;
}

}  // namespace
