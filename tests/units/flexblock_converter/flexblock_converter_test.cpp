// flexblock.converter: its golden glue is the foundation's quantize_block on
// the mode's group (nothing of its own), the design's emulate() lays the
// codes out as documented, elements past the group are ignored, and bad
// parameters are reported by key.
#include "golden/units/flexblock_converter/flexblock_converter.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "generator/config/config.hpp"
#include "generator/design/registry.hpp"
#include "generator/verilog/module.hpp"

namespace bf {
namespace {

namespace fb = golden::flexblock;
using golden::FlexblockConverterParams;

constexpr fb::Mode kModes[] = {fb::Mode::M4, fb::Mode::M8, fb::Mode::M16};

std::unique_ptr<Design> design(const std::string& params) {
  return load_design_text("unit = \"flexblock.converter\"\nname = \"fc\"\n[params]\n" + params,
                          "t.toml");
}

std::vector<uint32_t> random_inputs(int n, std::mt19937_64& rng) {
  std::vector<uint32_t> x(static_cast<std::size_t>(n));
  for (auto& v : x) {
    const uint32_t e = 110 + static_cast<uint32_t>(rng() % 30);
    v = static_cast<uint32_t>(rng() & 0x807fffffu) | e << 23;
    if (rng() % 10 == 0) v = 0;
  }
  return x;
}

TEST(FlexblockConverterGolden, DefaultsAreBfpsimConvGroups) {
  const FlexblockConverterParams p;
  EXPECT_EQ(p.group(fb::Mode::M16), fb::default_group_size(fb::Mode::M16));
  EXPECT_EQ(p.group(fb::Mode::M8), fb::default_group_size(fb::Mode::M8));
  EXPECT_EQ(p.group(fb::Mode::M4), fb::default_group_size(fb::Mode::M4));
  EXPECT_EQ(p.rounding_mode(), golden::Rounding::Truncate);
  EXPECT_EQ(p.max_group(), 216);
  EXPECT_EQ(p.codes_bits(), 216 * 5);  // 54 * 17 = 918, 108 * 9 = 972
}

TEST(FlexblockConverterGolden, ConvertGroupIsQuantizeBlockOnTheModesGroup) {
  std::mt19937_64 rng(11);
  for (const char* rounding : {"truncate", "nearest_even"}) {
    FlexblockConverterParams p;
    p.group_16 = 7, p.group_8 = 13, p.group_4 = 5, p.rounding = rounding;
    for (fb::Mode mode : kModes) {
      for (int t = 0; t < 50; ++t) {
        const auto x = random_inputs(p.max_group(), rng);
        const int g = p.group(mode);
        std::vector<uint32_t> got(static_cast<std::size_t>(g)), want(got.size());
        const auto f = fb::bfp_format(mode, g, p.rounding_mode());
        const uint32_t s_want = golden::quantize_block(f, std::span(x).first(g), want);
        EXPECT_EQ(golden::convert_group(p, mode, x, got), s_want);
        EXPECT_EQ(got, want);
      }
    }
  }
}

TEST(FlexblockConverterGolden, SizesAreChecked) {
  const FlexblockConverterParams p;
  std::vector<uint32_t> x(53), codes(54);
  EXPECT_THROW(golden::convert_group(p, fb::Mode::M16, x, codes), std::invalid_argument);
  x.resize(216);
  codes.resize(55);
  EXPECT_THROW(golden::convert_group(p, fb::Mode::M16, x, codes), std::invalid_argument);
}

TEST(FlexblockConverterGolden, ValidateNamesTheKey) {
  const auto key_of = [](const FlexblockConverterParams& p) {
    try {
      p.validate();
    } catch (const ParamError& e) {
      return e.key();
    }
    return std::string("(none)");
  };
  FlexblockConverterParams p;
  EXPECT_EQ(key_of(p), "(none)");
  p.group_8 = 0;
  EXPECT_EQ(key_of(p), "group_8");
  p = {};
  p.group_4 = 257;
  EXPECT_EQ(key_of(p), "group_4");
  p = {};
  p.group_16 = -1;
  EXPECT_EQ(key_of(p), "group_16");
  p = {};
  p.rounding = "stochastic";
  EXPECT_EQ(key_of(p), "rounding");
  p = {};
  p.pipeline_stages = 2;
  EXPECT_EQ(key_of(p), "pipeline_stages");
}

TEST(FlexblockConverterDesign, ConfigErrorsNameTheKey) {
  const auto message = [](const std::string& params) {
    try {
      design(params);
    } catch (const cfg::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_NE(message("group_8 = 0\n").find("group_8"), std::string::npos);
  EXPECT_NE(message("group_4 = 257\n").find("group_4"), std::string::npos);
  EXPECT_NE(message("rounding = \"nearest_away\"\n").find("rounding"), std::string::npos);
  EXPECT_NE(message("group = 4\n").find("group"), std::string::npos);
  EXPECT_EQ(message("group_16 = 1\ngroup_8 = 256\n"), "(accepted)");
}

// A hand-worked 8-bit group: max |x| = 1.5 (field 127), so s = 127 and the
// LSB is 2^-7: 1.5 -> 192, -0.25 -> -32, 0.01 -> 1 (truncated from 1.28),
// 0 -> 0. Elements past the 4-element group are NaN and must be ignored.
TEST(FlexblockConverterDesign, HandWorkedEightBitGroup) {
  const auto d = design("group_16 = 2\ngroup_8 = 4\ngroup_4 = 6\n");
  PortValues in{BitVec(2), BitVec(6 * 32)};
  in[0].set(0, 2, 1);
  const float x[] = {1.5f, -0.25f, 0.01f, 0.0f};
  for (int i = 0; i < 6; ++i)
    in[1].set(32 * i, 32, i < 4 ? std::bit_cast<uint32_t>(x[i]) : 0x7fc00000u);
  const auto out = d->emulate(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].get(0, 8), 127u);
  EXPECT_EQ(out[1].width(), 36);  // 4 x 9 bits beats 6 x 5 and 2 x 17
  EXPECT_EQ(out[1].get(0, 9), 192u);
  EXPECT_EQ(out[1].get(9, 9), 0x100u | 32u);
  EXPECT_EQ(out[1].get(18, 9), 1u);
  EXPECT_EQ(out[1].get(27, 9), 0u);  // the 4th code
}

// Every corner case and many random ones: emulate() equals quantize_block on
// the first group(mode) inputs, codes are zero above the mode's last one, and
// the mode code 3 reads as 16 bits.
TEST(FlexblockConverterDesign, EmulateIsTheFoundationsQuantizer) {
  for (const char* params :
       {"group_16 = 3\ngroup_8 = 6\ngroup_4 = 12\n",
        "group_16 = 5\ngroup_8 = 2\ngroup_4 = 4\nrounding = \"nearest_even\"\n", ""}) {
    const auto d = design(params);
    FlexblockConverterParams p;
    const auto j = d->params_json();
    p.group_16 = j["group_16"], p.group_8 = j["group_8"], p.group_4 = j["group_4"];
    p.rounding = j["rounding"];
    std::vector<TestVector> vs = d->corner_cases();
    std::mt19937_64 rng(5);
    for (int i = 0; i < 300; ++i) vs.push_back(d->random_case(rng));
    int modes_seen[4] = {};
    for (const auto& v : vs) {
      const uint32_t code = static_cast<uint32_t>(v.inputs[0].get(0, 2));
      ++modes_seen[code];
      const fb::Mode mode = fb::mode_from_code(code);
      const int g = p.group(mode), w = fb::mantissa_bits(mode) + 1;
      std::vector<uint32_t> x(static_cast<std::size_t>(g)), want(x.size());
      for (int i = 0; i < g; ++i)
        x[static_cast<std::size_t>(i)] = static_cast<uint32_t>(v.inputs[1].get(32 * i, 32));
      const uint32_t scale = golden::quantize_block(p.format(mode), x, want);
      const auto out = d->emulate(v.inputs);
      EXPECT_EQ(out[0].get(0, 8), scale) << v.label;
      for (int i = 0; i < g; ++i)
        EXPECT_EQ(out[1].get(i * w, w), want[static_cast<std::size_t>(i)]) << v.label << " " << i;
      for (int b = g * w; b < out[1].width(); ++b) EXPECT_FALSE(out[1].bit(b)) << v.label;
    }
    for (int c = 0; c < 4; ++c) EXPECT_GT(modes_seen[c], 0) << "mode code " << c;
  }
}

TEST(FlexblockConverterDesign, CornerCasesCoverSpecialsAndGarbage) {
  const auto d = design("");
  std::string labels;
  for (const auto& v : d->corner_cases()) labels += v.label + "\n";
  for (const char* want : {"mode 3 (16-bit): all-zero group", "mode 0 (4-bit): +Inf in the group",
                           "mode 1 (8-bit): NaN past the group", "rounding ties", "subnormals only",
                           "tiny ones flushed", "every element 1.0"})
    EXPECT_NE(labels.find(want), std::string::npos) << want;
}

// One element quantizer module per mode, instantiated once per position its
// group covers; one shared-exponent tree.
TEST(FlexblockConverterDesign, ElementQuantizersPerCoveredPosition) {
  const auto d = design("group_16 = 3\ngroup_8 = 6\ngroup_4 = 12\n");
  const auto mods = d->modules();
  ASSERT_FALSE(mods.empty());
  const std::string top = vlog::print(mods.back());
  for (const auto& [name, count] : {std::pair{"fc_bfp4_elem", 12}, std::pair{"fc_bfp8_elem", 6},
                                    std::pair{"fc_bfp16_elem", 3}}) {
    const std::regex inst(std::string(R"(\b)") + name + R"( u_m\d+_elem_\d+)");
    EXPECT_EQ(
        std::distance(std::sregex_iterator(top.begin(), top.end(), inst), std::sregex_iterator()),
        count)
        << name;
  }
  const std::regex tree(R"(\bmax_tree_n12_w8 u_maxf\b)");
  EXPECT_EQ(
      std::distance(std::sregex_iterator(top.begin(), top.end(), tree), std::sregex_iterator()), 1);
}

TEST(FlexblockConverterDesign, LatencyFollowsPipelineStages) {
  EXPECT_EQ(design("")->latency(), 1);
  EXPECT_EQ(design("pipeline_stages = 1\n")->latency(), 2);
}

}  // namespace
}  // namespace bf
