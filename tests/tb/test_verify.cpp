// End-to-end tests of the verification flow on a hand-written fixture design:
// a 2-stage pipeline with 40/70-bit operands (QData and VlWide ports), a
// 12-bit and a 5-bit input (SData, CData) and four outputs. All Verilator
// tests share one build directory, so the suite builds the simulation once.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "tb/verify.hpp"

namespace bf::tb {
namespace {

namespace fs = std::filesystem;
using u128 = unsigned __int128;

constexpr uint64_t kHangMagic = 0xdeadbeef42;  // a_i value that deadlocks the fixture

const char* const kMulV = R"(// Test fixture: the multiplier of fx_top.
module fx_mul (
  input  wire [39:0]  a_i,
  input  wire [69:0]  b_i,
  output wire [109:0] p_o
);
  assign p_o = {70'd0, a_i} * {40'd0, b_i};
endmodule
)";

const char* const kTopV = R"(// Test fixture: a 2-stage pipeline, sum and product of a 40-bit and a
// 70-bit operand, plus small outputs. The whole pipeline stalls with its
// output. Deliberate deadlock for the watchdog test: accepting
// a_i == 40'hdeadbeef42 freezes it until reset.
module fx_top (
  input  wire         clk_i,
  input  wire         rst_ni,
  input  wire         in_valid_i,
  output wire         in_ready_o,
  input  wire [39:0]  a_i,
  input  wire [69:0]  b_i,
  input  wire [11:0]  c_i,
  input  wire [4:0]   d_i,
  output wire         out_valid_o,
  input  wire         out_ready_i,
  output wire [70:0]  sum_o,
  output wire [109:0] prod_o,
  output wire [19:0]  mix_o,
  output wire         flag_o
);
  reg          valid_q1, valid_q2, hang_q;
  reg  [39:0]  a_q1;
  reg  [69:0]  b_q1;
  reg  [11:0]  c_q1;
  reg  [4:0]   d_q1;
  reg  [70:0]  sum_q2;
  reg  [109:0] prod_q2;
  reg  [19:0]  mix_q2;
  reg          flag_q2;
  wire [109:0] prod_d;
  wire         en = (out_ready_i | ~valid_q2) & ~hang_q;

  fx_mul u_mul (.a_i(a_q1), .b_i(b_q1), .p_o(prod_d));

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q1 <= 1'b0;
      valid_q2 <= 1'b0;
      hang_q   <= 1'b0;
    end else if (en) begin
      valid_q1 <= in_valid_i;
      valid_q2 <= valid_q1;
      hang_q   <= in_valid_i && a_i == 40'hdeadbeef42;
    end
  end

  always @(posedge clk_i) begin
    if (en) begin
      a_q1    <= a_i;
      b_q1    <= b_i;
      c_q1    <= c_i;
      d_q1    <= d_i;
      sum_q2  <= {31'd0, a_q1} + {1'b0, b_q1};
      prod_q2 <= prod_d;
      mix_q2  <= ({8'd0, c_q1} * {15'd0, d_q1}) + {8'd0, c_q1};
      flag_q2 <= a_q1 == b_q1[39:0];
    end
  end

  assign in_ready_o  = en;
  assign out_valid_o = valid_q2 & ~hang_q;
  assign sum_o       = sum_q2;
  assign prod_o      = prod_q2;
  assign mix_o       = mix_q2;
  assign flag_o      = flag_q2;
endmodule
)";

BitVec bv(int width, u128 value) {
  BitVec v(width);
  for (int b = 0; b < width; b += 64) {
    const int n = std::min(64, width - b);
    const uint64_t w = static_cast<uint64_t>(value >> b);
    v.set(b, n, n == 64 ? w : w & ((uint64_t{1} << n) - 1));
  }
  return v;
}

u128 val(const BitVec& v) {
  u128 r = 0;
  for (int w = v.num_words() - 1; w >= 0; --w) r = (r << 64) | v.words()[w];
  return r;
}

struct FixtureOptions {
  int latency = 2;
  bool emulate_bug = false;  // mix_o misses "+ c" when d == 31
  bool hang_vector = false;  // corner case 3 deadlocks the RTL
};

class FixtureDesign : public Design {
 public:
  explicit FixtureDesign(FixtureOptions o = {}) : o_(o) {}
  std::string unit_name() const override { return "test.fixture"; }
  std::string top_name() const override { return "fx_top"; }
  nlohmann::ordered_json params_json() const override { return {{"latency", o_.latency}}; }
  std::vector<vlog::Module> modules() const override { return {}; }  // hand-written RTL
  std::vector<PortSpec> data_inputs() const override {
    return {{"a_i", 40, "operand a", {}},
            {"b_i", 70, "operand b", {}},
            {"c_i", 12, "small operand c", {}},
            {"d_i", 5, "small operand d", {}}};
  }
  std::vector<PortSpec> data_outputs() const override {
    auto dec = [](uint64_t v) { return fmt::format("{} dec", v); };
    return {{"sum_o", 71, "a + b", {}},
            {"prod_o", 110, "a * b", {{"lo", 0, 55, dec}, {"hi", 55, 55, dec}}},
            {"mix_o", 20, "c * d + c", {{"val", 0, 18, nullptr}}},
            {"flag_o", 1, "a == b[39:0]", {}}};
  }
  int latency() const override { return o_.latency; }
  std::vector<TestVector> corner_cases() const override {
    const u128 m40 = (u128{1} << 40) - 1, m70 = (u128{1} << 70) - 1;
    std::vector<TestVector> v = {
        make(0, 0, 0, 0, "all zero"),
        make(m40, m70, 4095, 31, "all ones"),
        make(1, m70, 1, 1, "a = 1, b = max"),
        make(m40, 1, 4095, 0, "a = max, b = 1"),
        make(0xaaaaaaaaaa, (u128{0x2a} << 64) | 0xaaaaaaaaaaaaaaaa, 0xaaa, 0x0a, "alternating"),
        make(0x5555555555, (u128{0x15} << 64) | 0x5555555555555555, 0x555, 0x15, "alternating'"),
        make(0x123456789a, 0x123456789a, 7, 31, "a == b (flag)"),
        make(m40, m40, 4095, 31, "a == b == max"),
    };
    if (o_.hang_vector) v[3] = make(kHangMagic, 5, 1, 1, "deadlock trigger");
    return v;
  }
  TestVector random_case(std::mt19937_64& rng) const override {
    // Biased: random magnitudes (leading zeros), sometimes a == b.
    auto draw = [&](int width) {
      const u128 full = (u128{rng()} << 64) | rng();
      const int keep = 1 + static_cast<int>(rng() % static_cast<uint64_t>(width));
      return full & ((u128{1} << keep) - 1);
    };
    const u128 a = draw(40);
    const u128 b = rng() % 8 == 0 ? a : draw(70);
    return make(a, b, draw(12), draw(5), "");
  }
  PortValues emulate(const PortValues& in) const override {
    const u128 a = val(in[0]), b = val(in[1]), c = val(in[2]), d = val(in[3]);
    const uint64_t b_lo = static_cast<uint64_t>(b), b_hi = static_cast<uint64_t>(b >> 64);
    const u128 prod = a * b_lo + ((a * b_hi) << 64);
    u128 mix = c * d + c;
    if (o_.emulate_bug && d == 31) mix = c * d;
    return {bv(71, a + b), bv(110, prod), bv(20, mix), bv(1, a == (b & ((u128{1} << 40) - 1)))};
  }

 private:
  static TestVector make(u128 a, u128 b, u128 c, u128 d, std::string label) {
    return {{bv(40, a), bv(70, b), bv(12, c), bv(5, d)}, std::move(label)};
  }
  FixtureOptions o_;
};

fs::path work_root() { return fs::path(BLOCKFORGE_BINARY).parent_path() / "test_tb_work"; }

// Writes atomically and only on change: parallel test processes share these.
std::string put_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ifstream in(path);
  const std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (old != text) {
    const fs::path tmp = path.string() + fmt::format(".tmp{}", ::getpid());
    std::ofstream(tmp) << text;
    fs::rename(tmp, path);
  }
  return path.string();
}

std::vector<std::string> fixture_rtl() {
  return {put_file(work_root() / "rtl" / "fx_mul.v", kMulV),
          put_file(work_root() / "rtl" / "fx_top.v", kTopV)};
}

VerifyOptions options(const std::string& test, std::size_t random_vectors) {
  VerifyOptions o;
  o.work_dir = (work_root() / test).string();
  o.build_dir = (work_root() / "sim_fx").string();
  o.random_vectors = random_vectors;
  return o;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string last_line(const std::string& report) {
  std::string s = report;
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s.substr(s.rfind('\n') + 1);
}

TEST(VerifyFlow, PassesOnTwentyThousandVectors) {
  const FixtureDesign design;
  const VerifyResult r = verify(design, fixture_rtl(), options("pass", 20000));
  EXPECT_TRUE(r.pass) << r.report;
  EXPECT_EQ(r.vectors, 20008u);
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_EQ(r.latency_measured, 2);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_GT(r.vectors_per_second, 0);
  // Bubbles and stalls: more cycles than vectors.
  EXPECT_GT(r.cycles, 20008u * 5 / 4);
  EXPECT_EQ(last_line(r.report), "PASS: 20008 vectors bit-exact (fx_top)");
}

TEST(VerifyFlow, RunsACallersVectorsAndCatchesAWrongExpectedBit) {
  const FixtureDesign design;
  std::mt19937_64 rng(11);
  const auto job = [&](std::size_t) { return design.random_case(rng); };
  VerifyResult r =
      verify_vectors(design, fixture_rtl(), vectors_from(design, 500, job), options("callers", 0));
  EXPECT_TRUE(r.pass) << r.report;
  EXPECT_EQ(r.vectors, 500u);
  EXPECT_EQ(last_line(r.report), "PASS: 500 vectors bit-exact (fx_top)");
  VectorSet wrong = vectors_from(design, 500, job);
  flip_expected_bit(wrong.data, 7 * 202 + 3);
  r = verify_vectors(design, fixture_rtl(), std::move(wrong), options("callers_wrong", 0));
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.mismatches, 1u);
  EXPECT_TRUE(contains(r.report, "mismatch 1 at vector 7")) << r.report;
}

TEST(VerifyFlow, CorruptedExpectedBitIsReported) {
  const FixtureDesign design;
  VerifyOptions o = options("corrupt", 2000);
  // Output bits per vector: 71 + 110 + 20 + 1 = 202. Bit 60 of prod_o in
  // vector 5 lies in field "hi" (bits 55..109).
  o.corrupt_expected_bit = 5 * 202 + 71 + 60;
  const VerifyResult r = verify(design, fixture_rtl(), o);
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.mismatches, 1u);
  EXPECT_EQ(r.vectors, 2008u);
  EXPECT_TRUE(contains(r.report, "mismatch 1 at vector 5 (corner case \"alternating'\")"))
      << r.report;
  EXPECT_TRUE(contains(r.report, "    prod_o.hi: expected 0x")) << r.report;
  EXPECT_TRUE(contains(r.report, "[1 bit differs]")) << r.report;
  EXPECT_FALSE(contains(r.report, "prod_o.lo")) << r.report;
  EXPECT_FALSE(contains(r.report, "sum_o:")) << r.report;
  EXPECT_EQ(last_line(r.report), "FAIL: 1 mismatches in 2008 vectors (fx_top)");
}

TEST(VerifyFlow, WrongEmulateIsCaughtAndCapped) {
  const FixtureDesign design({.emulate_bug = true});
  VerifyOptions o = options("bug", 5000);
  o.max_errors = 4;
  const VerifyResult r = verify(design, fixture_rtl(), o);
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.mismatches, 4u);  // stopped at max_errors
  EXPECT_LT(r.vectors, 5008u);
  // Corner case 1 has d = 31.
  EXPECT_TRUE(contains(r.report, "mismatch 1 at vector 1 (corner case \"all ones\")")) << r.report;
  EXPECT_TRUE(contains(r.report, "mismatch 4 at vector ")) << r.report;
  EXPECT_FALSE(contains(r.report, "mismatch 5 ")) << r.report;
  EXPECT_TRUE(contains(r.report, "    mix_o.val: expected 0x")) << r.report;
  EXPECT_TRUE(contains(r.report,
                       "inputs: a_i=0xffffffffff b_i=0x3fffffffffffffffff c_i=0xfff "
                       "d_i=0x1f"))
      << r.report;
  EXPECT_EQ(last_line(r.report),
            fmt::format("FAIL: 4 mismatches in {} vectors (fx_top)", r.vectors));
}

TEST(VerifyFlow, WrongLatencyIsCaught) {
  const FixtureDesign design({.latency = 3});
  const VerifyResult r = verify(design, fixture_rtl(), options("latency", 500));
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.mismatches, 0u);
  EXPECT_EQ(r.latency_measured, 2);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "latency: vector 0 took 2 cycles, the design declares 3");
  EXPECT_TRUE(contains(r.report, "ERROR: latency: vector 0 took 2 cycles")) << r.report;
  EXPECT_EQ(last_line(r.report), "FAIL: 0 mismatches in 508 vectors (fx_top)");
}

TEST(VerifyFlow, HungDesignIsCaught) {
  const FixtureDesign design({.hang_vector = true});
  VerifyOptions o = options("hang", 100);
  o.watchdog_cycles = 50;
  const VerifyResult r = verify(design, fixture_rtl(), o);
  EXPECT_FALSE(r.pass);
  ASSERT_EQ(r.errors.size(), 1u) << r.report;
  EXPECT_TRUE(contains(r.errors[0], "design hung: no handshake for 50 cycles")) << r.report;
  EXPECT_LT(r.vectors, 108u);
}

TEST(VerifyFlow, BuildIsCached) {
  const FixtureDesign design;
  const auto rtl = fixture_rtl();
  verify(design, rtl, options("cache", 100));
  VerifyOptions o = options("cache", 300);
  o.seed = 7;  // vectors and seed are run-time inputs: same build
  const VerifyResult r = verify(design, rtl, o);
  EXPECT_TRUE(r.pass) << r.report;
  EXPECT_TRUE(r.build_cached);
  EXPECT_LT(r.build_seconds, 1.0);
  EXPECT_TRUE(contains(r.report, "(cached)"));
}

TEST(VerifyFlow, TraceWritesFst) {
  const FixtureDesign design;
  VerifyOptions o = options("trace", 50);
  o.trace = true;  // a second build, in <build_dir>-trace
  const VerifyResult r = verify(design, fixture_rtl(), o);
  EXPECT_TRUE(r.pass) << r.report;
  EXPECT_TRUE(contains(r.report, "sim_fx-trace")) << r.report;
  const fs::path fst = fs::path(o.work_dir) / "trace.fst";
  ASSERT_TRUE(fs::exists(fst));
  EXPECT_GT(fs::file_size(fst), 100u);
}

TEST(VerifyFlow, IcarusPassesAndAgrees) {
  const FixtureDesign design;
  VerifyOptions o = options("icarus", 3000);
  o.simulator = VerifyOptions::Simulator::Icarus;
  o.max_vectors_icarus = 1500;
  const VerifyResult r = verify(design, fixture_rtl(), o);
  EXPECT_TRUE(r.pass) << r.report;
  EXPECT_EQ(r.vectors, 1500u);
  EXPECT_EQ(r.latency_measured, 2);
  EXPECT_EQ(last_line(r.report), "PASS: 1500 vectors bit-exact (fx_top)");

  // The same corrupted bit: both simulators name the same vector and field.
  o.corrupt_expected_bit = 5 * 202 + 71 + 60;
  const VerifyResult ri = verify(design, fixture_rtl(), o);
  VerifyOptions ov = options("icarus_vl", 3000);
  ov.corrupt_expected_bit = o.corrupt_expected_bit;
  const VerifyResult rv = verify(design, fixture_rtl(), ov);
  EXPECT_FALSE(ri.pass);
  EXPECT_FALSE(rv.pass);
  EXPECT_EQ(ri.mismatches, 1u);
  EXPECT_EQ(rv.mismatches, 1u);
  const std::string detail = "mismatch 1 at vector 5 (corner case \"alternating'\")";
  EXPECT_TRUE(contains(ri.report, detail)) << ri.report;
  EXPECT_TRUE(contains(rv.report, detail)) << rv.report;
  EXPECT_EQ(last_line(ri.report), "FAIL: 1 mismatches in 1500 vectors (fx_top)");
}

TEST(VerifyFlow, IcarusCatchesWrongLatency) {
  const FixtureDesign design({.latency = 1});
  VerifyOptions o = options("icarus_latency", 50);
  o.simulator = VerifyOptions::Simulator::Icarus;
  const VerifyResult r = verify(design, fixture_rtl(), o);
  EXPECT_FALSE(r.pass);
  ASSERT_EQ(r.errors.size(), 1u) << r.report;
  EXPECT_EQ(r.errors[0], "latency: vector 0 took 2 cycles, the design declares 1");
}

TEST(VerifyFlow, IcarusReportsUnknownOutputBits) {
  const FixtureDesign design;
  std::string top = kTopV;
  const std::string from = "assign flag_o      = flag_q2;";
  top.replace(top.find(from), from.size(), "assign flag_o      = 1'bx;");
  const auto rtl = fixture_rtl();
  const std::string x_top = put_file(work_root() / "rtl_x" / "fx_top.v", top);
  VerifyOptions o = options("icarus_x", 10);
  o.simulator = VerifyOptions::Simulator::Icarus;
  o.max_errors = 2;
  const VerifyResult r = verify(design, {rtl[0], x_top}, o);
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.mismatches, 2u);
  EXPECT_TRUE(contains(r.report, "    flag_o: actual has X/Z bits: x (read as 0 below)"))
      << r.report;
}

TEST(VerifyFlow, BuildErrorPointsAtTheLog) {
  const FixtureDesign design;
  const std::string bad = put_file(work_root() / "rtl_bad" / "fx_top.v",
                                   "module fx_top (input wire clk_i);\n  this is not verilog\n");
  VerifyOptions o = options("build_error", 10);
  o.build_dir = (work_root() / "sim_bad").string();
  try {
    verify(design, {bad}, o);
    FAIL() << "expected a build error";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_TRUE(contains(msg, "Verilator build of fx_top failed")) << msg;
    EXPECT_TRUE(contains(msg, "sim_bad/build.log")) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(VerifyFlow, RejectsBadOptions) {
  const FixtureDesign design;
  VerifyOptions o = options("bad_options", 10);
  o.stall_prob = 1.0;
  EXPECT_THROW(verify(design, fixture_rtl(), o), std::invalid_argument);
  o = options("bad_options", 10);
  EXPECT_THROW(verify(design, {"/nonexistent/x.v"}, o), std::invalid_argument);
  o.work_dir.clear();
  EXPECT_THROW(verify(design, fixture_rtl(), o), std::invalid_argument);
}

}  // namespace
}  // namespace bf::tb
