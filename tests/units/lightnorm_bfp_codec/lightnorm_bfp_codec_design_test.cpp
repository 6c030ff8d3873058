// lightnorm.bfp_codec as a design: one pack/unpack module per lane in a
// generate loop, the building blocks compose in another parent (as the BN
// units will use them), encode then decode through the designs' models is
// LightNorm's rule, decode refuses pipeline stages, and a plausible RTL bug
// in either direction is caught by the unit's own vectors in Verilator.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "generator/units/lightnorm_bfp_codec/lightnorm_bfp_blocks.hpp"
#include "generator/verilog/expr.hpp"
#include "generator/verilog/module.hpp"
#include "generator/verilog/module_set.hpp"
#include "golden/formats/lightnorm_bfp.hpp"
#include "tb/verify.hpp"

namespace bf {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Design> codec(const std::string& params) {
  return load_design_text("unit = \"lightnorm.bfp_codec\"\n[params]\n" + params + "\n", "t.toml");
}

int count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

TEST(LightnormBfpCodecDesign, OneLaneModuleInAGenerateLoop) {
  for (const char* mode : {"encode", "decode"}) {
    const auto d = codec(std::string("mode = \"") + mode + "\"\ngroup = 6");
    const auto mods = design_modules(*d);
    const std::string lane =
        std::string("lightnorm_bfp_") + (mode[0] == 'e' ? "pack" : "unpack") + "_fp10_e5m4_b5";
    int lane_modules = 0;
    for (const auto& m : mods) lane_modules += m.name == lane;
    EXPECT_EQ(lane_modules, 1) << mode;
    const std::string top = vlog::print(mods.back());
    EXPECT_EQ(count(top, "for \\(i = 0; i < 6;"), 1) << top;
    EXPECT_EQ(count(top, "\\b" + lane + " u_(un)?pack"), 1) << top;
  }
}

TEST(LightnormBfpCodecDesign, PortsFollowTheStorageLayout) {
  const auto enc = codec("mode = \"encode\"");
  EXPECT_EQ(enc->data_inputs()[0].width, 80);
  EXPECT_EQ(enc->data_outputs()[0].width, 66);  // 2 x 5 + 8 x (2 + 5)
  const auto dec = codec("mode = \"decode\"\nvariant = \"plain\"\nformat = \"fp10_e6m3\"");
  EXPECT_EQ(dec->data_inputs()[0].width, 6 + 8 * 6);
  EXPECT_EQ(dec->operations().count, 8);
}

TEST(LightnormBfpCodecDesign, EncodeThenDecodeIsTheRule) {
  using Variant = golden::LightnormBfp::Variant;
  struct Case {
    std::string params;
    const char* format;
    golden::LightnormBfp rule;
  };
  const Case cases[] = {
      {"", "fp10_e5m4", {8, 5, Variant::KeepMax}},
      {"format = \"fp10_e6m3\"\nbits = 8\ngroup = 5", "fp10_e6m3", {5, 8, Variant::KeepMax}},
      {"variant = \"plain\"\nbits = 3\ngroup = 7", "fp10_e5m4", {7, 3, Variant::Plain}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.params);
    const auto enc = codec("mode = \"encode\"\n" + c.params);
    const auto dec = codec("mode = \"decode\"\n" + c.params);
    const auto f = golden::FloatFormat::parse(c.format);
    const int g = c.rule.group;
    std::mt19937_64 rng(9);
    auto vs = enc->corner_cases();
    for (int i = 0; i < 3000; ++i) vs.push_back(enc->random_case(rng));
    for (const auto& v : vs) {
      const PortValues y = dec->emulate(enc->emulate(v.inputs));
      std::vector<uint32_t> x(static_cast<std::size_t>(g));
      for (int i = 0; i < g; ++i)
        x[static_cast<std::size_t>(i)] = static_cast<uint32_t>(v.inputs[0].get(i * 10, 10));
      golden::lightnorm_bfp_group(c.rule, *f, x);
      for (int i = 0; i < g; ++i)
        ASSERT_EQ(y[0].get(i * 10, 10), x[static_cast<std::size_t>(i)]) << v.label << " " << i;
    }
  }
}

TEST(LightnormBfpCodecDesign, DecodeRefusesPipelineStages) {
  try {
    codec("mode = \"decode\"\npipeline_stages = 1");
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("pipeline_stages"), std::string::npos) << e.what();
  }
  EXPECT_EQ(codec("mode = \"encode\"\npipeline_stages = 1")->latency(), 2);
  EXPECT_THROW(codec("format = \"e5m2\""), std::exception);
}

// A BN unit's use: decode its input group, encode its output group, in one
// parent; the building blocks and their primitives appear once each.
TEST(LightnormBfpCodecDesign, BuildingBlocksComposeInAnotherParent) {
  golden::LightnormBfpStorage s;
  s.bfp.group = 4;
  vlog::Module m;
  m.name = "bn_like";
  const int W = 10, EW = s.element_bits(), H = s.header_bits();
  m.input("packed_i", s.group_bits());
  m.output("packed_o", s.group_bits());
  lightnorm_bfp::GroupExponents in{m.wire("in_emax", 5), m.wire("in_e2", 5)};
  m.assign("in_emax", "packed_i[4:0]");
  m.assign("in_e2", "packed_i[9:5]");
  m.wire("in_elems", 4 * EW);
  m.assign("in_elems", vlog::part("packed_i", H, 4 * EW));
  m.wire("x", 4 * W);
  lightnorm_bfp::unpack_lanes(m, s, 4, "in_elems", in, "x");
  const auto out = lightnorm_bfp::group_exponents(m, "grp", s, "x", 4);
  m.wire("out_elems", 4 * EW);
  lightnorm_bfp::pack_lanes(m, s, 4, "x", out, "out_elems");
  m.assign("packed_o", "{out_elems, " + out.e2 + ", " + out.emax + "}");
  const auto mods = vlog::finalize_modules({m}, "bn_like");
  std::multiset<std::string> names;
  for (const auto& x : mods) names.insert(x.name);
  EXPECT_EQ(names, (std::multiset<std::string>{
                       "lightnorm_bfp_top2_leaf_e5", "lightnorm_bfp_top2_node_e5",
                       "lightnorm_bfp_top2_n4_e5", "lzc_w5", "lightnorm_bfp_unpack_fp10_e5m4_b5",
                       "lightnorm_bfp_pack_fp10_e5m4_b5", "bn_like"}));
  EXPECT_EQ(mods.back().name, "bn_like");
}

// The harness with the unit's vectors rejects RTL with a realistic bug: the
// generated files with one line changed must FAIL with mismatches decoded
// into the packed fields / output codes.
void expect_caught(const std::string& params, const std::string& module_file,
                   const std::string& from, const std::string& to, const std::string& label) {
  const auto d = codec(params);
  const fs::path dir = fs::temp_directory_path() / ("bf_lnbfp_mutant_" + label);
  const auto rtl = write_rtl(*d, (dir / "rtl").string());
  const fs::path file = fs::path(rtl.dir) / module_file;
  std::stringstream text;
  text << std::ifstream(file).rdbuf();
  std::string v = text.str();
  const auto at = v.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << file;
  v.replace(at, from.size(), to);
  std::ofstream(file) << v;
  tb::VerifyOptions opt;
  opt.work_dir = (dir / "verilator").string();
  opt.random_vectors = 3000;
  opt.fast_compile = true;
  opt.quiet = true;
  const auto r = tb::verify(*d, rtl.files, opt);
  EXPECT_FALSE(r.pass) << r.report;
  EXPECT_GT(r.mismatches, 0u);
  EXPECT_NE(r.report.find("expected"), std::string::npos) << r.report;
}

TEST(LightnormBfpCodecDesign, EncoderBugIsCaught) {
  // A subnormal aligned like a normal (m = t): the quirk of the rule, that a
  // subnormal's field reads as 0, is what the vectors must pin down.
  expect_caught("mode = \"encode\"", "lightnorm_bfp_pack_fp10_e5m4_b5.v",
                "normal ? t : {t[3:0], 1'b0}", "t", "encode");
}

TEST(LightnormBfpCodecDesign, DecoderBugIsCaught) {
  // The normal/subnormal boundary off by one (lz <= E2).
  expect_caught("mode = \"decode\"", "lightnorm_bfp_unpack_fp10_e5m4_b5.v",
                "(|m) & ({2'd0, lzc_count} < e2_i)", "(|m) & ({2'd0, lzc_count} <= e2_i)",
                "decode");
}

}  // namespace
}  // namespace bf
