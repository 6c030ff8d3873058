// `blockforge map` as a user meets it: the shipped array config on a shipped
// network from any directory, the table and the JSON, and one clear message
// with a non-zero exit for each kind of bad input.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
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

const std::string kConfig = std::string(BLOCKFORGE_SOURCE_DIR) + "/configs/flexblock_array.toml";

CmdResult map(const std::string& args, Stderr err = Stderr::Merged) {
  // From / : the shipped networks must not depend on the working directory.
  return run_blockforge("map " + args, err, "cd / &&");
}

// One line, the command's prefix, and the given text.
void expect_one_message(const CmdResult& r, const std::string& text) {
  EXPECT_NE(r.code, 0) << r.out;
  EXPECT_EQ(r.out.rfind("blockforge map: ", 0), 0u) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  EXPECT_NE(r.out.find(text), std::string::npos) << r.out;
}

class MapCmd : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("bf_map_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  fs::path dir_;
};

TEST_F(MapCmd, ResNet18TableAndTotals) {
  const auto r = map(kConfig + " --network resnet18-cifar");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("8 x 8 PEs"), std::string::npos);
  EXPECT_NE(r.out.find("21 layers (20 conv incl. 0 dwconv, 1 fc), batch 128"), std::string::npos);
  // The default schedules, each with its table and totals.
  for (const char* s : {"schedule all16:", "schedule all8:", "schedule all4:"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
  EXPECT_EQ(r.out.find("schedule mixed:"), std::string::npos);
  EXPECT_NE(r.out.find("conv1 "), std::string::npos);
  EXPECT_NE(r.out.find("skipped: the first layer's dX has no consumer"), std::string::npos);
  EXPECT_NE(r.out.find("conv layers of resnet18-cifar"), std::string::npos);
  // conv1 forward in 4x4 keeps 27 of 128 slots: its biggest loss is named.
  EXPECT_NE(r.out.find("short segment"), std::string::npos);
}

TEST_F(MapCmd, JsonHasTheSameData) {
  const auto r = map(kConfig +
                         " --network resnet18-cifar --schedule mixed --schedule "
                         "fwd=4x4,dgrad=4x8,wgrad=8x4 --batch 16 --json",
                     Stderr::Dropped);
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["array"]["rows"], 8);
  EXPECT_EQ(j["array"]["drain_cycles"], 8);
  EXPECT_EQ(j["network"]["name"], "resnet18-cifar");
  EXPECT_EQ(j["network"]["layers"], 21);
  EXPECT_EQ(j["batch"], 16);
  ASSERT_EQ(j["schedules"].size(), 2u);
  const auto& mixed = j["schedules"][0];
  EXPECT_EQ(mixed["spec"], "fwd=8x8,dgrad=8x16,wgrad=16x8");
  EXPECT_EQ(mixed["passes"]["dgrad"]["products_per_beat"], 2);
  ASSERT_EQ(mixed["layers"].size(), 21u);
  const auto& conv1 = mixed["layers"][0];
  EXPECT_EQ(conv1["name"], "conv1");
  EXPECT_TRUE(conv1["dgrad"]["skipped"].get<bool>());
  EXPECT_EQ(conv1["fwd"]["gemms"][0]["m"], 64);
  EXPECT_EQ(conv1["fwd"]["gemms"][0]["n"], 16 * 32 * 32);
  EXPECT_EQ(conv1["fwd"]["gemms"][0]["k"], 27);
  // Stride 2 data gradient: four phase GEMMs whose products add up to the forward pass's.
  const auto& l2 = mixed["layers"][5];
  EXPECT_EQ(l2["name"], "layer2.0.conv1");
  EXPECT_EQ(l2["dgrad"]["gemms"].size(), 4u);
  EXPECT_EQ(l2["dgrad"]["macs"], l2["fwd"]["macs"]);
  const auto& t = mixed["totals"]["conv"]["fwd"];
  EXPECT_EQ(t["layers"], 20);
  EXPECT_GT(t["weighted_utilization"].get<double>(), 0.5);
  EXPECT_LE(t["weighted_utilization"].get<double>(), 1.0);
  EXPECT_EQ(mixed["totals"]["all"]["dgrad"]["layers"], 20);
  EXPECT_EQ(j["schedules"][1]["name"], "fwd=4x4,dgrad=4x8,wgrad=8x4");
}

TEST_F(MapCmd, ConvLayersOnlyAndANetworkFile) {
  const auto r =
      map(kConfig + " --network mobilenetv2 --schedule all8 --layers conv --json", Stderr::Dropped);
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["network"]["dwconv_layers"], 17);
  EXPECT_EQ(j["schedules"][0]["layers"].size(), 52u);
  EXPECT_EQ(j["schedules"][0]["totals"]["dwconv"]["fwd"]["layers"], 17);

  const std::string net = write("tiny.csv",
                                "name,type,cin,cout,k,stride,pad,h,w\n"
                                "c1,conv,3,8,3,1,1,8,8\nfc,fc,8,2,1,1,0,1,1\n");
  const auto f = map(kConfig + " --network " + net + " --schedule all16 --json", Stderr::Dropped);
  ASSERT_EQ(f.code, 0) << f.out;
  EXPECT_EQ(nlohmann::json::parse(f.out)["network"]["name"], "tiny");
}

TEST_F(MapCmd, WrongUnit) {
  expect_one_message(
      map(std::string(BLOCKFORGE_SOURCE_DIR) + "/configs/opal_pe.toml --network resnet18-cifar"),
      "unit is 'opal.pe', expected 'flexblock.array'");
}

TEST_F(MapCmd, BadArrayParameterIsPositioned) {
  const std::string cfg =
      write("a.toml", "unit = \"flexblock.array\"\n[params]\nrows = 8\ncolumns = 8\n");
  expect_one_message(map(cfg + " --network resnet18-cifar"),
                     cfg + ":4:1: unknown parameter 'columns' for unit flexblock.array");
}

TEST_F(MapCmd, UnknownNetwork) {
  expect_one_message(map(kConfig + " --network resnet18"),
                     "unknown network 'resnet18': not a shipped network (resnet18-cifar, "
                     "mobilenetv2) nor an existing file (did you mean 'resnet18-cifar'?)");
}

TEST_F(MapCmd, MalformedNetworkFile) {
  const std::string net =
      write("bad.csv", "name,type,cin,cout,k,stride,pad,h,w\nc1,cnv,3,8,3,1,1,8,8\n");
  expect_one_message(map(kConfig + " --network " + net), net + ":2: unknown layer type 'cnv'");
}

TEST_F(MapCmd, BadSchedule) {
  expect_one_message(map(kConfig + " --network resnet18-cifar --schedule fwd=8x8"),
                     "schedule 'fwd=8x8': no mode pair for dgrad, wgrad");
  expect_one_message(map(kConfig + " --network resnet18-cifar --schedule all2"),
                     "schedule 'all2': not a preset");
}

TEST_F(MapCmd, BadBatchAndLayers) {
  expect_one_message(map(kConfig + " --network resnet18-cifar --batch 0"), "--batch 0");
  expect_one_message(map(kConfig + " --network resnet18-cifar --layers fc"), "--layers 'fc'");
}

TEST_F(MapCmd, SegmentsPastMaxSegment) {
  const std::string cfg =
      write("small.toml", "unit = \"flexblock.array\"\n[params]\nmax_segment = 100\n");
  expect_one_message(map(cfg + " --network resnet18-cifar --schedule all4"),
                     "raise max_segment to 216");
}

}  // namespace
