// The protected engine's vectors catch a wrong checker: the generated RTL of
// each protection passes in Icarus, and a copy with one plausible slip in
// its checker (a SECDED data bit corrected at the wrong position, the
// checksum's signature taken from the wrong sum bits, parity's zeroing
// ignored) fails on the corner streams. Icarus compiles in a second; the
// 3-lane engines have no long accumulator rows, so their corner streams
// are short.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "tb/verify.hpp"
#include "tests/units/design_text.hpp"

namespace bf {
namespace {

namespace fs = std::filesystem;

struct Mutation {
  std::string name;
  std::string params;
  std::string file;  // module file suffix, after the top name
  std::string from;
  std::string to;
};

void PrintTo(const Mutation& m, std::ostream* os) {
  *os << m.name << ": " << m.from << " -> " << m.to;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

tb::VerifyResult run(const Design& d, const std::vector<std::string>& files,
                     const std::string& dir) {
  tb::VerifyOptions o;
  o.work_dir = dir;
  o.simulator = tb::VerifyOptions::Simulator::Icarus;
  o.random_vectors = 3000;
  o.max_vectors_icarus = 1000000;  // every corner vector
  o.max_errors = 1;
  o.quiet = true;
  return tb::verify(d, files, o);
}

class ProtectionMutation : public ::testing::TestWithParam<Mutation> {};

TEST_P(ProtectionMutation, CleanPassesMutantFails) {
  const Mutation& m = GetParam();
  const auto d = load_design_text("unit = \"zebra.int8_engine\"\nname = \"mut_" + m.name +
                                      "\"\n[params]\nlanes = 3\nwords = 19\n"
                                      "mult_bits = 8\n" +
                                      m.params,
                                  "mut.toml");
  const fs::path dir = fs::temp_directory_path() / ("bf_protection_mutation_" + m.name);
  fs::remove_all(dir);
  const auto rtl = write_rtl(*d, (dir / "rtl").string());
  const auto clean = run(*d, rtl.files, (dir / "clean").string());
  EXPECT_TRUE(clean.pass) << clean.report;
  std::vector<std::string> files = rtl.files;
  bool mutated = false;
  for (auto& f : files) {
    if (fs::path(f).filename() != "mut_" + m.name + m.file) continue;
    std::string text = read_text(f);
    const auto at = text.find(m.from);
    ASSERT_NE(at, std::string::npos) << m.from << " not in " << f;
    text.replace(at, m.from.size(), m.to);
    fs::create_directories(dir / "mutant");
    f = (dir / "mutant" / fs::path(f).filename()).string();
    std::ofstream(f) << text;
    mutated = true;
  }
  ASSERT_TRUE(mutated);
  const auto bad = run(*d, files, (dir / "mutant_run").string());
  EXPECT_FALSE(bad.pass) << "the mutation " << m.from << " -> " << m.to << " was not caught";
  EXPECT_GE(bad.mismatches, 1u);
}

INSTANTIATE_TEST_SUITE_P(
    ZebraInt8Engine, ProtectionMutation,
    ::testing::Values(Mutation{"secded", "protection = \"secded\"\n", "_secded_dec.v",
                               "assign flip[0] = q & (syndrome == 5'd3);",
                               "assign flip[0] = q & (syndrome == 5'd5);"},
                      Mutation{"checksum", "protection = \"checksum\"\ngroup_words = 4\n", ".v",
                               "cs_d[8:7] != smem_rdata", "cs_d[7:6] != smem_rdata"},
                      Mutation{"parity", "protection = \"parity\"\non_detect = \"zero\"\n", ".v",
                               "wire [23:0] w_used = parity_err ?", "wire [23:0] w_used = 1'b0 ?"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace bf
