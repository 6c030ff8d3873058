#pragma once
// Shared by the synth tests: a fresh temporary directory per test (kept when
// the test fails, for its logs), Verilog fixtures written into it, and area
// options whose module cache lives in it (never the user's cache).

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "synth/area.hpp"
#include "util/process.hpp"

// Skips the calling test when yosys is missing (a macro: GTEST_SKIP returns
// from the function it is written in).
#define BF_REQUIRE_YOSYS()                                                  \
  do {                                                                      \
    if (!::bf::util::on_path("yosys")) GTEST_SKIP() << "yosys not on PATH"; \
  } while (0)

namespace bf::synth::testing {

class SynthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           (std::string("bf_synth_") + info->test_suite_name() + "_" + info->name() + "_" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const auto path = dir_ / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }
  std::string work(const std::string& name) const { return (dir_ / name).string(); }
  std::string cache() const { return (dir_ / "cache").string(); }
  // Hierarchical, cached in this test's directory.
  AreaOptions hier(int jobs = 2) const {
    AreaOptions o;
    o.cache_dir = cache();
    o.jobs = jobs;
    return o;
  }
  static AreaOptions flat() {
    AreaOptions o;
    o.mode = AreaMode::Flat;
    return o;
  }
  std::filesystem::path dir_;
};

}  // namespace bf::synth::testing
