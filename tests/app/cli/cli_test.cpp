// The blockforge binary as a user meets it: listing, generating, bad input
// (one clear line, non-zero exit, nothing left behind) and the area report.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/blockforge_cli.hpp"

namespace {

using bf::testing::CmdResult;
using bf::testing::run_blockforge;
using bf::testing::Stderr;

namespace fs = std::filesystem;

CmdResult run(const std::string& args) { return run_blockforge(args); }

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("bf_cli_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}

const std::string kSource = BLOCKFORGE_SOURCE_DIR;

TEST(Cli, ListShowsUnitsParametersDefaultsAndHelp) {
  const CmdResult r = run("list");
  EXPECT_EQ(r.code, 0);
  // quant.block's own section: each parameter's line with its type, default
  // and range, then its help (golden/units/quant_block/), before the next unit.
  const std::size_t begin = r.out.find("\nquant.block\n");
  ASSERT_NE(begin, std::string::npos) << r.out;
  const std::size_t end = r.out.find("\n\n", begin + 1);
  const std::string section = r.out.substr(begin, end == std::string::npos ? end : end - begin);
  EXPECT_TRUE(std::regex_search(
      section,
      std::regex("\n    block +int +default 32; 2\\.\\.256\n +elements per block \\(k\\)")))
      << section;
  EXPECT_TRUE(std::regex_search(
      section,
      std::regex("\n    input +string +default \"fp32\"; one of: fp32, bf16\n +input element "
                 "format")))
      << section;
  EXPECT_TRUE(std::regex_search(section, std::regex("\n    pipeline_stages +int +default 0; ")))
      << section;
}

TEST(Cli, GenWritesVerilogAndManifest) {
  const auto dir = temp_dir("gen");
  const CmdResult r =
      run("gen " + kSource + "/configs/quant_block_mxint8_k32.toml -o " + dir.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(fs::exists(dir / "quant_block_mxint8_k32" / "quant_block_mxint8_k32.v"));
  std::ifstream mf(dir / "quant_block_mxint8_k32" / "manifest.json");
  const auto j = nlohmann::json::parse(mf);
  EXPECT_EQ(j["unit"], "quant.block");
  EXPECT_EQ(j["latency_cycles"], 1);
  EXPECT_EQ(j["params"]["block"], 32);
  EXPECT_EQ(j["data_outputs"][1]["name"], "elems_o");
  EXPECT_EQ(j["data_outputs"][1]["width"], 32 * 8);
}

TEST(Cli, MissingConfigIsOneClearLine) {
  const CmdResult r = run("gen /nonexistent/x.toml -o " + temp_dir("missing").string());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("/nonexistent/x.toml"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

TEST(Cli, UnknownParameterNamesPlaceAndSuggestion) {
  const auto dir = temp_dir("unknown");
  const auto cfg =
      write(dir, "x.toml", "unit = \"quant.block\"\n[params]\nformat = \"mxint8\"\nblok = 32\n");
  const CmdResult r = run("gen " + cfg.string() + " -o " + (dir / "out").string());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("x.toml:4:1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did you mean 'block'"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "out")) << "no partial output";
}

TEST(Cli, OutOfRangeAndBadChoice) {
  const auto dir = temp_dir("range");
  const auto cfg = write(dir, "x.toml", "unit = \"quant.block\"\n[params]\nblock = 1000\n");
  CmdResult r = run("gen " + cfg.string() + " -o " + (dir / "out").string());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("x.toml:3:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2..256"), std::string::npos) << r.out;
  const auto cfg2 = write(dir, "y.toml", "unit = \"quant.block\"\n[params]\nformat = \"mxint9\"\n");
  r = run("gen " + cfg2.string() + " -o " + (dir / "out").string());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("y.toml:3:"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(Cli, UnknownUnitSuggestsTheClosest) {
  const auto dir = temp_dir("unit");
  const auto cfg = write(dir, "x.toml", "unit = \"quant.blok\"\n");
  const CmdResult r = run("gen " + cfg.string() + " -o " + (dir / "out").string());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("did you mean 'quant.block'"), std::string::npos) << r.out;
}

TEST(Cli, MalformedTomlPointsAtTheLine) {
  const auto dir = temp_dir("syntax");
  const auto cfg = write(dir, "x.toml", "unit = \"quant.block\"\n[params\nblock = 3\n");
  const CmdResult r = run("verify " + cfg.string());
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.out.find("x.toml:2:"), std::string::npos) << r.out;
}

TEST(Cli, AreaJsonHasTheReportFields) {
  const auto dir = temp_dir("area");
  const CmdResult r =
      run("area " + kSource + "/configs/quant_block_bfp8_g16.toml --json --work " + dir.string());
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["top"], "quant_block_bfp8_g16");
  EXPECT_GT(j["area_um2"].get<double>(), 1000.0);
  EXPECT_NEAR(j["nand2_eq"].get<double>(), j["area_um2"].get<double>() / 0.798, 1e-6);
  EXPECT_GE(j["flops"].get<long>(), 16 * 9 + 8 + 1);  // codes + scale + valid
  EXPECT_GT(j["transistors"].get<long>(), 0);
  EXPECT_GT(j["logic_depth"].get<int>(), 5);
  // The cell table adds up to the cell count, of which the flops are a part.
  long cells = 0;
  for (const auto& [type, count] : j["cells"].items()) cells += count.get<long>();
  EXPECT_EQ(cells, j["cell_count"].get<long>()) << j["cells"].dump();
  EXPECT_GT(cells, j["flops"].get<long>());
  EXPECT_EQ(j["metrics"]["bits_per_element"].get<double>(), (8 + 16 * 9) / 16.0);
}

}  // namespace
