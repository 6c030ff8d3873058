// Sweep plots: the Pareto front on hand-made rows, and the gnuplot files
// (PNG + SVG) drawn for a small two-parameter sweep.

#include "app/sweep/plots.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "util/process.hpp"

namespace bf::sweep {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

Row row(double area, double sqnr, const std::string& status = "ok") {
  Row r;
  r["params"] = json::object();
  r["status"] = status;
  r["error"] = status == "ok" ? "" : "yosys failed";
  r["metrics"] = {{"area_um2", area}, {"sqnr_db", sqnr}};
  return r;
}

std::vector<std::size_t> front(const std::vector<Row>& rows) {
  return pareto_front(rows, "area_um2", "sqnr_db");
}

TEST(ParetoFront, DropsDominatedPointsAndSortsByArea) {
  std::vector<Row> rows = {row(300, 30), row(100, 10), row(200, 25),
                           row(250, 20),   // 3: dominated by 2
                           row(400, 29)};  // 4: dominated by 0
  EXPECT_EQ(front(rows), (std::vector<std::size_t>{1, 2, 0}));
}

TEST(ParetoFront, SinglePoint) { EXPECT_EQ(front({row(123, 4.5)}), (std::vector<std::size_t>{0})); }

TEST(ParetoFront, EmptyAndAllFailed) {
  EXPECT_TRUE(front({}).empty());
  EXPECT_TRUE(front({row(1, 1, "failed"), row(2, 2, "failed")}).empty());
}

TEST(ParetoFront, TiesOnOneAxisAreDominated) {
  // Same area, less accurate: dominated. Same accuracy, larger: dominated.
  std::vector<Row> rows = {row(100, 20), row(100, 15), row(150, 20), row(150, 30)};
  EXPECT_EQ(front(rows), (std::vector<std::size_t>{0, 3}));
}

TEST(ParetoFront, ExactDuplicatesAreBothOptimal) {
  // Neither of two equal rows is strictly better than the other.
  std::vector<Row> rows = {row(200, 30), row(100, 10), row(200, 30), row(150, 5)};
  EXPECT_EQ(front(rows), (std::vector<std::size_t>{1, 0, 2}));
}

TEST(ParetoFront, SkipsFailedRowsAndRowsWithoutTheMetric) {
  std::vector<Row> rows = {row(100, 10), row(50, 40, "failed"), row(200, 20)};
  Row no_metric;
  no_metric["status"] = "ok";
  no_metric["metrics"] = {{"area_um2", 10.0}};
  rows.push_back(no_metric);
  Row null_metric = row(5, 0);
  null_metric["metrics"]["sqnr_db"] = nullptr;
  rows.push_back(null_metric);
  EXPECT_EQ(front(rows), (std::vector<std::size_t>{0, 2}));
}

TEST(ParetoFront, AcceptsDottedKeys) {
  std::vector<Row> rows = {row(100, 10), row(200, 5)};
  EXPECT_EQ(pareto_front(rows, "metrics.area_um2", "metrics.sqnr_db"),
            (std::vector<std::size_t>{0}));
}

// --- pictures ----------------------------------------------------------------

Axis axis(const std::string& key, const std::vector<json>& values) {
  Axis a;
  a.keys = {key};
  for (const auto& v : values) a.values.push_back(json{{key, v}});
  return a;
}

// A quant.block-like sweep: format x block, with plausible areas and SQNRs.
std::vector<Row> quant_rows(const SweepSpec& spec) {
  std::vector<Row> rows;
  const std::vector<std::pair<std::string, int>> formats = {
      {"mxint4", 4}, {"mxint6", 6}, {"mxint8", 8}, {"mxfp4_e2m1", 4}};
  const std::vector<int> blocks = {16, 32, 64};
  std::size_t index = 0;
  for (const auto& [format, bits] : formats) {
    for (int block : blocks) {
      const bool fp = format.find("fp") != std::string::npos;
      Row r;
      r["index"] = index++;
      r["params"] = {{"format", format}, {"block", block}};
      r["status"] = "ok";
      r["error"] = "";
      r["metrics"] = {
          {"area_um2", 180.0 * block * (0.35 + 0.09 * bits) * (fp ? 1.15 : 1.0) + 900.0},
          {"sqnr_db", 6.02 * bits - 4.0 - 0.9 * std::log2(block) + (fp ? 1.8 : 0.0)}};
      rows.push_back(r);
    }
  }
  (void)spec;
  rows[5]["status"] = "failed";  // skipped by the plots
  rows[5]["error"] = "yosys: timeout";
  rows[5]["metrics"] = json::object();
  return rows;
}

SweepSpec quant_spec() {
  SweepSpec spec;
  spec.name = "quant_formats";
  spec.unit = "quant.block";
  spec.axes = {axis("format", {"mxint4", "mxint6", "mxint8", "mxfp4_e2m1"}),
               axis("block", {16, 32, 64})};
  return spec;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void expect_png_and_svg(const fs::path& dir, const std::string& stem) {
  const std::string png = slurp(dir / (stem + ".png"));
  ASSERT_GT(png.size(), 1000u) << stem;
  EXPECT_EQ(png.substr(1, 3), "PNG") << stem;
  const std::string svg = slurp(dir / (stem + ".svg"));
  EXPECT_NE(svg.find("<svg"), std::string::npos) << stem;
  EXPECT_NE(svg.find("</svg>"), std::string::npos) << stem;
}

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(::testing::TempDir()) / name;
  fs::remove_all(dir);
  return dir;
}

TEST(WritePlots, AreaPerParameterAndParetoFront) {
  if (!util::on_path("gnuplot")) GTEST_SKIP() << "gnuplot not installed (Debian: gnuplot-nox)";
  const SweepSpec spec = quant_spec();
  const auto rows = quant_rows(spec);
  const fs::path out = fresh_dir("bf_plots_quant");
  const auto files = write_plots(out.string(), spec, rows);
  const fs::path dir = out / "plots";
  EXPECT_EQ(files.size(), 6u);
  for (const char* stem : {"area_vs_format", "area_vs_block", "pareto_area_vs_sqnr_db"})
    expect_png_and_svg(dir, stem);

  // Categorical x for strings, in the sweep file's order; numeric x for block.
  const std::string by_format = slurp(dir / "area_vs_format.gp");
  EXPECT_NE(by_format.find("set xtics ('mxint4' 0, 'mxint6' 1, 'mxint8' 2, 'mxfp4_e2m1' 3)"),
            std::string::npos)
      << by_format;
  EXPECT_NE(by_format.find("title 'k16'"), std::string::npos);  // one series per block
  const std::string by_block = slurp(dir / "area_vs_block.gp");
  EXPECT_NE(by_block.find("set logscale x 2"), std::string::npos);
  EXPECT_NE(by_block.find("set xtics (16, 32, 64)"), std::string::npos);
  EXPECT_NE(by_block.find("title 'mxfp4_e2m1'"), std::string::npos);

  // A category a series lacks breaks its line (one blank line) instead of
  // being bridged: block 64 has no mxint6 point.
  const std::string format_dat = slurp(dir / "area_vs_format.dat");
  EXPECT_NE(format_dat.find("\"mxint4 k64\"\n\n2 "), std::string::npos) << format_dat;

  // The failed row is in no data file; the front is labelled in short form.
  const std::string all = slurp(dir / "pareto_area_vs_sqnr_db_all.dat");
  EXPECT_EQ(all.find("mxint6 k64"), std::string::npos);
  EXPECT_NE(all.find("\"mxint4 k16\""), std::string::npos);
  const std::string fr = slurp(dir / "pareto_area_vs_sqnr_db_front.dat");
  EXPECT_NE(fr.find("\"mxint4 k16\""), std::string::npos) << fr;
  EXPECT_EQ(fr.find("mxint4 k64"), std::string::npos) << fr;  // dominated
}

TEST(WritePlots, ManyCombinationsArePointsOnly) {
  if (!util::on_path("gnuplot")) GTEST_SKIP() << "gnuplot not installed (Debian: gnuplot-nox)";
  SweepSpec spec;
  spec.name = "wide";
  spec.unit = "quant.block";
  spec.axes = {axis("block", {8, 16, 32}),
               axis("rounding", {"nearest_even", "truncate", "stochastic"}),
               axis("pipeline_stages", {0, 1, 2}), axis("input", {"fp32", "bf16"})};
  std::vector<Row> rows;
  for (int b : {8, 16, 32})
    for (const char* rnd : {"nearest_even", "truncate", "stochastic"})
      for (int p : {0, 1, 2})
        for (const char* in : {"fp32", "bf16"}) {
          Row r;
          r["params"] = {{"block", b}, {"rounding", rnd}, {"pipeline_stages", p}, {"input", in}};
          r["status"] = "ok";
          r["metrics"] = {{"area_um2", 100.0 * b + 300.0 * p + (in[0] == 'b' ? 0 : 150)}};
          rows.push_back(r);
        }
  const fs::path out = fresh_dir("bf_plots_wide");
  const auto files = write_plots(out.string(), spec, rows);
  EXPECT_EQ(files.size(), 8u);  // four parameters, no accuracy metric: no Pareto plot
  const fs::path dir = out / "plots";
  EXPECT_FALSE(fs::exists(dir / "pareto_area_vs_sqnr_db.png"));
  const std::string gp = slurp(dir / "area_vs_rounding.gp");
  // 18 combinations: points only, coloured by the first other parameter.
  EXPECT_NE(gp.find("with points"), std::string::npos);
  EXPECT_EQ(gp.find("with linespoints"), std::string::npos);
  EXPECT_NE(gp.find("title 'block (others vary)'"), std::string::npos);
  EXPECT_NE(gp.find("title 'k32'"), std::string::npos);
  expect_png_and_svg(dir, "area_vs_rounding");
  // Three pipeline_stages values are not a power-of-two span: linear axis.
  EXPECT_EQ(slurp(dir / "area_vs_pipeline_stages.gp").find("logscale"), std::string::npos);
}

TEST(WritePlots, NothingToDrawWritesNothing) {
  const SweepSpec spec = quant_spec();
  const fs::path out = fresh_dir("bf_plots_empty");
  EXPECT_TRUE(write_plots(out.string(), spec, {row(1, 1, "failed")}).empty());
  EXPECT_FALSE(fs::exists(out / "plots"));
}

TEST(WritePlots, QuotesInValuesAreSafe) {
  if (!util::on_path("gnuplot")) GTEST_SKIP() << "gnuplot not installed (Debian: gnuplot-nox)";
  SweepSpec spec;
  spec.name = "it's \"quoted\"";
  spec.axes = {axis("name", {"a'b", "c\"d"})};
  std::vector<Row> rows;
  for (const char* n : {"a'b", "c\"d"}) {
    Row r;
    r["params"] = {{"name", n}};
    r["status"] = "ok";
    r["metrics"] = {{"area_um2", 10.0}, {"sqnr_db", 3.0}};
    rows.push_back(r);
  }
  const fs::path out = fresh_dir("bf_plots_quotes");
  EXPECT_EQ(write_plots(out.string(), spec, rows).size(), 4u);
  expect_png_and_svg(out / "plots", "area_vs_name");
  expect_png_and_svg(out / "plots", "pareto_area_vs_sqnr_db");
}

}  // namespace
}  // namespace bf::sweep
