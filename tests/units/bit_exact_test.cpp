// Every unit, on every parameter set of its self_test_sweep(), is bit-exact
// with its golden model in Verilator on its corner cases plus biased random
// vectors. (The shipped example configs get 100k vectors each in tests/flows.)
#include <gtest/gtest.h>

#include <filesystem>

#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "tb/verify.hpp"

namespace bf {
namespace {

namespace fs = std::filesystem;

struct SweepPoint {
  std::string unit;
  std::string params;
  std::string label;
};

void PrintTo(const SweepPoint& p, std::ostream* os) { *os << p.label << " {" << p.params << "}"; }

std::vector<SweepPoint> all_points() {
  std::vector<SweepPoint> points;
  for (const auto& u : all_units()) {
    int i = 0;
    for (const auto& p : u.self_test_sweep())
      points.push_back({u.name, p, u.name + "_" + std::to_string(i++)});
  }
  return points;
}

class BitExact : public ::testing::TestWithParam<SweepPoint> {};

TEST_P(BitExact, VerilatorMatchesGoldenModel) {
  const auto design =
      load_design_text("unit = \"" + GetParam().unit + "\"\n[params]\n" + GetParam().params + "\n",
                       GetParam().label + ".toml");
  const fs::path dir = fs::temp_directory_path() / ("bf_bitexact_" + GetParam().label);
  const auto rtl = write_rtl(*design, (dir / "rtl").string());
  tb::VerifyOptions opt;
  opt.work_dir = (dir / "verilator").string();
  opt.random_vectors = 30000;
  opt.fast_compile = true;  // a build several times shorter; 30k vectors still take seconds
  opt.quiet = true;
  const auto r = tb::verify(*design, rtl.files, opt);
  EXPECT_TRUE(r.pass) << r.report;
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_GE(r.vectors, 30000u);
}

INSTANTIATE_TEST_SUITE_P(AllUnits, BitExact, ::testing::ValuesIn(all_points()),
                         [](const auto& info) {
                           std::string s = info.param.label;
                           for (auto& c : s)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return s;
                         });

}  // namespace
}  // namespace bf
