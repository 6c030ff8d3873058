// The design files the reports under reports/ name (baseline variants that
// are not shipped configs) load, generate, and keep their stated names, so
// the report commands in reports/*/README.md run as written.
#include <gtest/gtest.h>

#include <filesystem>

#include "generator/design/registry.hpp"

namespace bf {
namespace {

namespace fs = std::filesystem;

TEST(ReportConfigs, EveryReportDesignLoadsAndGenerates) {
  int count = 0;
  for (const auto& e :
       fs::recursive_directory_iterator(std::string(BLOCKFORGE_SOURCE_DIR) + "/reports")) {
    if (e.path().extension() != ".toml") continue;
    SCOPED_TRACE(e.path().string());
    const auto d = load_design(e.path().string());
    EXPECT_EQ(d->top_name(), e.path().stem().string()) << "the file is named after its design";
    EXPECT_FALSE(d->modules().empty());
    ++count;
  }
  EXPECT_GE(count, 7);
}

}  // namespace
}  // namespace bf
