// `blockforge train-step` as a user meets it: every kind of bad input is
// one clear message and a non-zero exit before any synthesis starts. The
// whole flow (synthesis, gate-level energy per mode pair, the estimate) on
// a 2 x 2 array is the suite's flows.train_step smoke test
// (tests/flows/CMakeLists.txt); its arithmetic is train_step_estimate_test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/blockforge_cli.hpp"

namespace {

using bf::testing::CmdResult;
using bf::testing::run_blockforge;

namespace fs = std::filesystem;

const std::string kConfigs = std::string(BLOCKFORGE_SOURCE_DIR) + "/configs/";
const std::string kArray = kConfigs + "flexblock_array.toml";
const std::string kBaseline = kConfigs + "baseline_fp32_mac.toml";

CmdResult train_step(const std::string& args) {
  // A work directory that must stay empty: nothing is synthesized.
  const fs::path work = fs::temp_directory_path() / ("bf_train_step_" + std::to_string(::getpid()));
  const auto r = run_blockforge("train-step " + args + " --work " + work.string());
  EXPECT_FALSE(fs::exists(work)) << "work was started before the arguments were checked";
  fs::remove_all(work);
  return r;
}

void expect_one_message(const CmdResult& r, const std::string& text) {
  EXPECT_NE(r.code, 0) << r.out;
  EXPECT_EQ(r.out.rfind("blockforge train-step: ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(text), std::string::npos) << r.out;
}

TEST(TrainStepCmd, ArrayMustBeTheFlexblockArray) {
  expect_one_message(
      train_step(kConfigs + "opal_pe.toml --baseline " + kBaseline + " --network resnet18-cifar"),
      "unit is 'opal.pe', expected 'flexblock.array'");
}

TEST(TrainStepCmd, BaselineMustCountMacs) {
  expect_one_message(
      train_step(kArray + " --baseline " + kConfigs + "opal_softmax.toml --network resnet18-cifar"),
      "counts softmax rows, not MACs; give an fp32 MAC PE such as "
      "configs/baseline_fp32_mac.toml");
}

TEST(TrainStepCmd, UnknownBaselineWorkloadListsTheKnownOnes) {
  const auto r = train_step(kArray + " --baseline " + kConfigs +
                            "baseline_bf16_dot.toml --network resnet18-cifar");
  expect_one_message(r, "--baseline-workload: unknown workload 'gemm' for baseline_bf16_dot");
  EXPECT_NE(r.out.find("llm:"), std::string::npos) << r.out;
}

TEST(TrainStepCmd, BadScheduleNetworkBatchAndVectors) {
  const std::string base = kArray + " --baseline " + kBaseline;
  expect_one_message(train_step(base + " --network resnet18-cifar --schedule all2"),
                     "schedule 'all2': not a preset");
  expect_one_message(train_step(base + " --network resnet18"), "did you mean 'resnet18-cifar'?");
  expect_one_message(train_step(base + " --network resnet18-cifar --batch 0"), "--batch 0");
  expect_one_message(train_step(base + " --network resnet18-cifar -n 0"), "--vectors 0");
  expect_one_message(train_step(kArray + " --baseline /nonexistent.toml --network resnet18-cifar"),
                     "/nonexistent.toml");
}

}  // namespace
