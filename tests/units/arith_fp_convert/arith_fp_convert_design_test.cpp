// arith.fp_convert and the fp_convert block: the golden model is range BN's
// Convert (the same two steps on every code of the small formats), the
// block's static "exact" analysis agrees with the golden conversion, a
// widening emits no rounding logic, and bad parameters name their key.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "generator/blocks/fp_convert.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "golden/formats/small_float_kernels.hpp"
#include "golden/units/arith_fp_convert/arith_fp_convert.hpp"
#include "tb/verify.hpp"

namespace bf {
namespace {

using golden::ExponentPolicy;
using golden::FloatFormat;
using golden::FpConvertSpec;
using golden::Rounding;

FloatFormat fmt_of(const char* name) { return *FloatFormat::parse(name); }

std::vector<FloatFormat> formats() {
  std::vector<FloatFormat> fs;
  for (const char* n : {"fp32", "bf16", "fp16", "fp16_ftz", "e4m3", "e2m3", "fp10_e5m4",
                        "fp10_e6m3", "fp12_e5m6", "fp15_e6m8", "fp10_e5m4+8", "fp10_e5m4_ftz"})
    fs.push_back(fmt_of(n));
  return fs;
}

// range_bn.cpp's Convert, copied: the conversion every range BN step applies.
uint32_t range_bn_convert(const FpConvertSpec& s, uint32_t code) {
  using golden::small_float_detail::Consts;
  if (s.from == s.to) return code;
  const Consts from({s.from, s.exponent, s.rounding}), to({s.to, s.exponent, s.rounding});
  return to.encode(s.from == FloatFormat::fp32() ? code : from.to_fp32(code));
}

// Every code of a format up to 16 bits, else biased random fp32-like codes.
std::vector<uint32_t> codes_of(const FloatFormat& f, std::mt19937_64& rng) {
  std::vector<uint32_t> cs;
  if (f.width() <= 16) {
    for (uint32_t c = 0; c < (1u << f.width()); ++c) cs.push_back(c);
    return cs;
  }
  const uint32_t mask = f.width() == 32 ? ~0u : (1u << f.width()) - 1;
  for (int k = 0; k < 20000; ++k) cs.push_back(static_cast<uint32_t>(rng()) & mask);
  return cs;
}

TEST(ArithFpConvert, GoldenIsRangeBnConvertOnEveryCode) {
  std::mt19937_64 rng(3);
  for (const auto& from : formats())
    for (const auto& to : formats())
      for (ExponentPolicy e : {ExponentPolicy::Saturate, ExponentPolicy::FlushToZero})
        for (Rounding r : {Rounding::Truncate, Rounding::NearestEven, Rounding::NearestAway}) {
          const FpConvertSpec s{from, to, e, r};
          for (uint32_t c : codes_of(from, rng))
            ASSERT_EQ(golden::fp_convert(s, c), range_bn_convert(s, c))
                << from.name() << " -> " << to.name() << " code " << std::hex << c;
        }
}

// The value a code stands for (NaN as NaN, DAZ subnormals as zero).
double value(const FloatFormat& f, uint32_t c) {
  const uint32_t mag = c & ((1u << (f.exp_bits + f.man_bits)) - 1);
  if (!f.subnormals && (mag >> f.man_bits) == 0)
    return std::signbit(golden::decode(f, c)) ? -0.0 : 0.0;
  return golden::decode(f, c);
}

TEST(ArithFpConvert, ExactMeansEveryFiniteValueIsKept) {
  std::mt19937_64 rng(5);
  for (const auto& from : formats())
    for (const auto& to : formats())
      for (ExponentPolicy e : {ExponentPolicy::Saturate, ExponentPolicy::FlushToZero}) {
        const bool exact = blocks::fp_convert_exact(from, to, e);
        bool all_kept = true;
        const FpConvertSpec s{from, to, e, Rounding::NearestEven};
        for (uint32_t c : codes_of(from, rng)) {
          const double v = value(from, c);
          if (!std::isfinite(v)) continue;
          const double y = value(to, golden::fp_convert(s, c));
          if (y != v || std::signbit(y) != std::signbit(v)) all_kept = false;
        }
        // Random codes of fp32 cannot prove "every", only refute it.
        if (from.width() <= 16) {
          EXPECT_EQ(exact, all_kept) << from.name() << " -> " << to.name();
        }
        if (exact) {
          EXPECT_TRUE(all_kept) << from.name() << " -> " << to.name();
        }
      }
}

std::string verilog_of(const char* from, const char* to, Rounding r) {
  const vlog::Module m =
      blocks::fp_convert_module(fmt_of(from), fmt_of(to), ExponentPolicy::Saturate, r, "conv", {});
  return vlog::print(m);
}

TEST(ArithFpConvert, WideningEmitsNoRoundingLogic) {
  for (const auto& [from, to] :
       std::vector<std::pair<const char*, const char*>>{{"fp10_e5m4", "fp32"},
                                                        {"fp10_e6m3", "fp32"},
                                                        {"fp10_e5m4", "fp10_e5m4+8"},
                                                        {"bf16", "fp32"},
                                                        {"fp16", "fp32"}}) {
    const std::string v = verilog_of(from, to, Rounding::NearestEven);
    EXPECT_EQ(v.find("rnd_"), std::string::npos) << from << " -> " << to << "\n" << v;
    EXPECT_EQ(v.find("sat"), std::string::npos) << from << " -> " << to;
  }
  // Narrowing rounds through fp_round_pack and saturates.
  const std::string n = verilog_of("fp32", "fp10_e5m4", Rounding::NearestEven);
  EXPECT_NE(n.find("rnd_"), std::string::npos);
  EXPECT_NE(n.find("sat"), std::string::npos);
}

TEST(ArithFpConvert, PrimitiveNamesFollowTheParameters) {
  EXPECT_EQ(blocks::fp_convert_name(fmt_of("fp32"), fmt_of("fp10_e5m4"), ExponentPolicy::Saturate,
                                    Rounding::Truncate),
            "fp_convert_fp32_to_fp10_e5m4_sat_rtz");
  EXPECT_EQ(blocks::fp_convert_name(fmt_of("fp10_e5m4"), fmt_of("fp32"),
                                    ExponentPolicy::FlushToZero, Rounding::NearestEven),
            "fp_convert_fp10_e5m4_to_fp32");
}

TEST(ArithFpConvert, AuthorsMaskIsRefusedByName) {
  try {
    blocks::fp_convert_module(fmt_of("fp32"), fmt_of("fp10_e5m4"), ExponentPolicy::AuthorsMask,
                              Rounding::Truncate, "conv", {});
    FAIL() << "authors_mask accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("authors_mask"), std::string::npos) << e.what();
  }
}

// Every path of the block (copy, re-bias, exact through truncation, and
// narrowing into formats with and without specials, with and without
// subnormals, under both policies and every rounding) in Icarus against the
// golden model: small formats exhaustively (the corner cases hold every
// code), the others on corner cases and biased random vectors. The example
// configs get Verilator runs in the AllUnits tests.
TEST(ArithFpConvert, IcarusBitExactOnEveryPath) {
  namespace fs = std::filesystem;
  const std::vector<std::string> designs = {
      "from = \"fp10_e5m4\"\nto = \"fp10_e5m4+8\"",  // copy, no specials
      "from = \"fp16_ftz\"\nto = \"fp16\"",          // copy, DAZ input
      "from = \"bf16\"\nto = \"fp32\"",              // copy, Inf -> max normal
      "from = \"fp10_e6m3\"\nto = \"fp32\"",         // re-bias, subnormals normalized
      "from = \"e4m3\"\nto = \"fp16\"",              // re-bias, e4m3 NaN
      "from = \"e2m3\"\nto = \"fp7_e3m3\"",          // exact through truncation
      "from = \"fp32\"\nto = \"fp10_e5m4\"\nrounding = \"nearest_away\"",
      "from = \"fp32\"\nto = \"fp10_e6m3\"\nexponent = \"flush_to_zero\"\nrounding = "
      "\"truncate\"",
      "from = \"fp10_e5m4+8\"\nto = \"fp10_e5m4\"\nrounding = \"nearest_even\"",
      "from = \"fp10_e5m4+8\"\nto = \"fp10_e5m4_ftz\"\nexponent = \"flush_to_zero\"\nrounding = "
      "\"nearest_away\"",
      "from = \"fp16\"\nto = \"e4m3\"\nrounding = \"nearest_even\"",  // NaN-only target
      "from = \"fp10_e5m4\"\nto = \"fp10_e5m4_ieee\"\nrounding = \"nearest_even\"",
      "from = \"fp15_e6m8\"\nto = \"fp12_e5m6\"\nrounding = \"nearest_even\"",
      "from = \"fp32\"\nto = \"bf16\"\nrounding = \"truncate\"",
      "from = \"fp32\"\nto = \"fp16_ftz\"\nrounding = \"nearest_even\"",
      "from = \"e5m2\"\nto = \"e4m3\"\nexponent = \"flush_to_zero\"\nrounding = "
      "\"nearest_even\"",
  };
  for (std::size_t i = 0; i < designs.size(); ++i) {
    SCOPED_TRACE(designs[i]);
    const auto d =
        load_design_text("unit = \"arith.fp_convert\"\n[params]\n" + designs[i] + "\n", "t.toml");
    const fs::path dir = fs::temp_directory_path() / ("bf_fp_convert_paths_" + std::to_string(i));
    const auto rtl = write_rtl(*d, (dir / "rtl").string());
    tb::VerifyOptions opt;
    opt.work_dir = (dir / "icarus").string();
    opt.simulator = tb::VerifyOptions::Simulator::Icarus;
    opt.random_vectors = 3000;
    opt.max_vectors_icarus = 8000;
    opt.quiet = true;
    const auto r = tb::verify(*d, rtl.files, opt);
    EXPECT_TRUE(r.pass) << r.report;
    EXPECT_EQ(r.mismatches, 0u);
  }
}

void expect_param_error(const std::string& params, const std::string& key) {
  try {
    load_design_text("unit = \"arith.fp_convert\"\n[params]\n" + params + "\n", "t.toml");
    FAIL() << "accepted: " << params;
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
  }
}

TEST(ArithFpConvert, BadParametersNameTheKey) {
  expect_param_error("from = \"fp99\"", "from");
  expect_param_error("to = \"fp10_e5m4+30\"", "to");
  expect_param_error("to = \"e8m3\"", "to");  // 8 exponent bits without Inf: beyond fp32
  expect_param_error("exponent = \"authors_mask\"", "exponent");
  expect_param_error("rounding = \"stochastic\"", "rounding");
}

}  // namespace
}  // namespace bf
