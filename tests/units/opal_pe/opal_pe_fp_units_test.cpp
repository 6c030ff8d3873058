// opal.pe with several FP outlier paths (fp_units = u): the fp32 order of
// golden/units/opal_pe/opal_pe.hpp (groups of u terms, each summed by
// fp_sum_tree, then added to the accumulator) on a hand-computed block of
// rounding ties, the validation rule that caps lanes, the generated
// structure, and a Verilator run showing that a golden model with the naive
// one-term-per-cycle order, or one corrupted expected bit, is caught.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "generator/units/opal_pe/opal_pe_design.hpp"
#include "golden/units/opal_pe/opal_pe.hpp"
#include "tb/verify.hpp"
#include "tests/units/design_text.hpp"

namespace bf {
namespace {

using golden::OpalPeBeat;
using golden::OpalPeConfig;
using golden::OpalPeModel;
using golden::OpalPeParams;

// k = 32 in 2 beats of 16 lanes, 4 outliers, 3/5-bit activations. Not
// validated: the model computes a block's terms at its end, so it takes any
// fp_units, which lets one block compare every order.
OpalPeConfig small(int fp_units) {
  return {32, 16, 4, {3, 5}, golden::IntEncoding::SignMagnitude, 4, fp_units};
}

// Inlier sum 1.0 (activation 1 in 3-bit mode at lane 0, weight 1, scale
// 2^1), outliers 2^-24 (half an ulp of 1.0) at elements 16..19 with weight 1,
// weight scale 1: returns y of the one-block row.
uint32_t tie_row(const OpalPeConfig& c) {
  OpalPeModel m(c);
  OpalPeBeat b;
  b.codes.assign(16, 0);
  b.weights.assign(16, 0);
  b.indices = {16, 17, 18, 19};
  b.outliers.assign(4, 0x3380);  // bf16 2^-24
  b.codes[0] = 1;
  b.weights[0] = 1;
  EXPECT_FALSE(m.step(b).done);
  b.codes[0] = 0;
  b.weights[0] = 0;
  for (int l = 0; l < 4; ++l) b.weights[static_cast<std::size_t>(l)] = 1;
  b.scale = 128;
  b.last = true;
  const auto out = m.step(b);
  EXPECT_TRUE(out.done);
  return out.y;
}

TEST(OpalPeFpUnits, GroupTreeOrderOnRoundingTies) {
  // Terms x = 1, p0..p3 = 2^-24; every "1 + 2^-24" ties back to 1.
  // u = 1: (((1 + p0) + p1) + p2) + p3 = 1.
  EXPECT_EQ(tie_row(small(1)), 0x3f800000u);
  // u = 2: groups (x, p0), (p1, p2), (p3, -0): 1, 2^-23, 2^-24;
  // 1 + 2^-23, then + 2^-24 ties to even: 1 + 2^-22.
  EXPECT_EQ(tie_row(small(2)), 0x3f800002u);
  // u = 3: ((x + p0) + p1) = 1, ((p2 + p3) + -0) = 2^-23: 1 + 2^-23.
  EXPECT_EQ(tie_row(small(3)), 0x3f800001u);
  // u = 5: level 1 (x + p0) = 1, (p1 + p2) = 2^-23, p3; level 2 1 + 2^-23,
  // p3; level 3 ties to even: 1 + 2^-22.
  EXPECT_EQ(tie_row(small(5)), 0x3f800002u);
}

TEST(OpalPeFpUnits, NegativeZeroPadIsTheIdentity) {
  // The last group is padded with -0: fp_add(t, -0) = t for every term kind.
  const auto& add = golden::OpalPeFpOps::acc_add();
  for (uint32_t t : {0x00000000u, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x00000001u, 0x807fffffu,
                     0x7f7fffffu, 0x7f800000u, 0xff800000u, 0x7fc00000u})
    EXPECT_EQ(golden::fp_add(add, t, 0x80000000u), t) << std::hex << t;
}

std::string error_of(OpalPeParams p) {
  try {
    p.validate();
  } catch (const ParamError& e) {
    return e.key() + ": " + e.what();
  }
  return "accepted";
}

TEST(OpalPeFpUnits, LanesCapFollowsFpUnits) {
  OpalPeParams p;  // k = 128, n = 4
  p.lanes = 64;
  EXPECT_EQ(error_of(p),
            "lanes: lanes = 64 gives 2 beats per block, but with fp_units = 1 the FP path needs "
            "ceil((n + 1) / fp_units) = 5 cycles per block (n + 1 = 5 fp32 terms: the inlier sum "
            "and one per outlier); set fp_units = 3 (or more), use lanes <= 16, or fewer "
            "outliers");
  p.fp_units = 2;
  const std::string two = error_of(p);
  EXPECT_NE(two.find("= 3 cycles per block"), std::string::npos) << two;
  EXPECT_NE(two.find("set fp_units = 3 (or more), use lanes <= 32"), std::string::npos) << two;
  p.fp_units = 3;
  EXPECT_EQ(error_of(p), "accepted");
  p.lanes = 32;
  p.fp_units = 2;
  EXPECT_EQ(error_of(p), "accepted");
  p.block = 64;  // one beat: all five terms in one cycle
  p.lanes = 64;
  EXPECT_NE(error_of(p).find("set fp_units = 5 (or more)"), std::string::npos);
  p.fp_units = 5;
  EXPECT_EQ(error_of(p), "accepted");

  p = {};
  p.fp_units = 6;
  EXPECT_EQ(error_of(p),
            "fp_units: fp_units = 6 but a block has only n + 1 = 5 fp32 terms (the inlier sum "
            "and one per outlier); use fp_units between 1 and 5");
  p.outliers = 0;
  p.fp_units = 2;
  EXPECT_EQ(error_of(p).rfind("fp_units: fp_units = 2 but a block has only n + 1 = 1", 0), 0u);
}

std::string load_error(const std::string& text, const std::string& file) {
  try {
    load_design_text(text, file);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "accepted";
}

TEST(OpalPeFpUnits, ConfigErrorsNameTheFileAndKey) {
  const std::string pe = "unit = \"opal.pe\"\n[params]\nblock = 128\nlanes = 64\n";
  const auto e = load_error(pe, "pe.toml");
  EXPECT_NE(e.find("pe.toml:4:1"), std::string::npos) << e;
  EXPECT_NE(e.find("set fp_units = 3 (or more)"), std::string::npos) << e;
  EXPECT_EQ(load_error(pe + "fp_units = 3\n", "pe.toml"), "accepted");
  // opal.core's nested PE takes the key too.
  const std::string core =
      "unit = \"opal.core\"\n[params]\nrows = 2\n[params.pe]\nblock = 128\nlanes = 32\n";
  const auto ce = load_error(core, "core.toml");
  EXPECT_NE(ce.find("pe.lanes"), std::string::npos) << ce;
  EXPECT_NE(ce.find("set fp_units = 2 (or more)"), std::string::npos) << ce;
  EXPECT_EQ(load_error(core + "fp_units = 2\n", "core.toml"), "accepted");
  EXPECT_NE(load_error(core + "fp_units = 9\n", "core.toml").find("pe.fp_units"),
            std::string::npos);
}

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(OpalPeFpUnits, OneMultiplierPerUnitAndATreeBeforeTheAccumulator) {
  const std::string base =
      "unit = \"opal.pe\"\nname = \"pe_t\"\n[params]\nblock = 128\nact_bits = [3]\n";
  const std::string one = testing::code_of(base + "lanes = 16\n");
  EXPECT_EQ(count(one, "pe_t_omul u_"), 1);
  EXPECT_EQ(count(one, "pe_t_add u_"), 1);
  EXPECT_EQ(count(one, "module pe_t_tadd"), 0);

  const std::string three = testing::code_of(base + "lanes = 64\nfp_units = 3\n");
  EXPECT_EQ(count(three, "module pe_t_tadd"), 1);
  EXPECT_EQ(count(three, "pe_t_omul u_fp"), 3);
  EXPECT_EQ(count(three, "pe_t_tadd u_tree_l"), 2);  // (t0 + t1) + t2
  EXPECT_EQ(count(three, "pe_t_add u_acc_add"), 1);
  EXPECT_NE(three.find("32'h80000000"), std::string::npos);  // unit 2 pads the last group

  // u = n + 1: one step takes every term; unit 0 only converts the inlier sum.
  const std::string five = testing::code_of(
      "unit = \"opal.pe\"\nname = \"pe_t\"\n[params]\nblock = 64\nlanes = 64\nact_bits = "
      "[3]\nfp_units = 5\n");
  EXPECT_EQ(count(five, "pe_t_omul u_fp"), 4);
  EXPECT_EQ(count(five, "u_fp0_omul"), 0);
  EXPECT_EQ(count(five, "pe_t_tadd u_tree_l"), 4);
}

// The u = 2 design with the golden model of the naive order (one term per
// cycle, fp_units = 1): same ports, vectors and latency, other arithmetic.
class SerialOrderDesign : public opal_pe::PeDesign<OpalPeParams> {
 public:
  using PeDesign::PeDesign;
  std::unique_ptr<StreamModel> stream_model() const override {
    return std::make_unique<opal_pe::PeStream>(serial());
  }
  PortValues emulate(const PortValues& in) const override {
    return opal_pe::PeStream(serial()).step(in);
  }
  static OpalPeParams params() {
    OpalPeParams p;  // k = 128 in 8 beats of 16 lanes, n = 4
    p.act_bits = {3, 5};
    p.fp_units = 2;
    return p;
  }

 private:
  static OpalPeConfig serial() {
    auto p = params();
    p.fp_units = 1;
    return p.config();
  }
};

TEST(OpalPeFpUnits, VerilatorCatchesTheNaiveOrderAndACorruptedBit) {
  namespace fs = std::filesystem;
  const auto p = SerialOrderDesign::params();
  const opal_pe::PeDesign<OpalPeParams> good("opal.pe", p, "pe_u2");
  const SerialOrderDesign naive("opal.pe", p, "pe_u2");
  const fs::path dir = fs::temp_directory_path() / "bf_opal_pe_fp_units";
  const auto rtl = write_rtl(good, (dir / "rtl").string());
  tb::VerifyOptions o;
  o.work_dir = (dir / "verilator").string();
  o.random_vectors = 3000;
  o.quiet = true;
  o.max_errors = 3;

  const auto ok = tb::verify(good, rtl.files, o);
  EXPECT_TRUE(ok.pass) << ok.report;

  // The rounding-tie corner cases (and most random rows) differ between the orders.
  const auto wrong = tb::verify(naive, rtl.files, o);
  EXPECT_FALSE(wrong.pass);
  EXPECT_EQ(wrong.mismatches, 3u) << wrong.report;
  EXPECT_NE(wrong.report.find("y_o"), std::string::npos) << wrong.report;

  o.corrupt_expected_bit = 0;  // done_o of vector 0
  const auto flipped = tb::verify(good, rtl.files, o);
  EXPECT_FALSE(flipped.pass);
  EXPECT_EQ(flipped.mismatches, 1u) << flipped.report;
}

}  // namespace
}  // namespace bf
