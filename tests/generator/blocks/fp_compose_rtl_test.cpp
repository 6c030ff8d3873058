// The fp operator modules compose: a dot-product step built from
// blocks::fp_mul_module, blocks::fp_add_tree and blocks::fp_add_module (the
// structure baseline.bf16_dot and opal.pe's outlier path use) is bit-exact
// with golden::fp_dot_step, with combinational and with pipelined adders
// (delay-balanced tree). Simulated with Icarus on a test-local Design.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "generator/blocks/fp_modules.hpp"
#include "generator/design/rtl_writer.hpp"
#include "generator/design/fp_operand_io.hpp"
#include "generator/verilog/expr.hpp"
#include "tb/verify.hpp"

namespace bf {
namespace {

namespace fs = std::filesystem;
using golden::FloatFormat;

// y = acc + fp_sum_tree(a_k * b_k), k < n; bf16 operands, fp32 products and sums.
class DotStepDesign : public Design {
 public:
  DotStepDesign(int n, bool piped) : n_(n), piped_(piped) {}

  std::string unit_name() const override { return "test.fp_dot_step"; }
  std::string top_name() const override { return fmt::format("dot_n{}_p{}", n_, piped_ ? 1 : 0); }
  nlohmann::ordered_json params_json() const override { return {{"n", n_}, {"pipelined", piped_}}; }
  int latency() const override {
    return piped_ ? blocks::fp_add_tree_depth(n_) + 2 : 1;  // tree levels + final add + output
  }

  std::vector<vlog::Module> modules() const override {
    const std::string top = top_name(), mul = top + "_mul", add = top + "_add";
    auto mm = blocks::fp_mul_module(mul_, mul, {}, false);
    auto am = blocks::fp_add_module(add_, add, {}, piped_);
    vlog::Module m;
    m.name = top;
    m.input("clk_i", 1);
    m.input("rst_ni", 1);
    m.input("in_valid_i", 1);
    m.output("in_ready_o", 1);
    m.input("a_i", 16 * n_);
    m.input("b_i", 16 * n_);
    m.input("c_i", 32, "accumulator in");
    m.output("out_valid_o", 1);
    m.input("out_ready_i", 1);
    m.output("y_o", 32);
    m.reg("out_valid_q", 1);
    m.wire("advance", 1);
    m.assign("advance", "out_ready_i | ~out_valid_q");
    m.assign("in_ready_o", "advance");
    std::vector<std::string> prods;
    for (int k = 0; k < n_; ++k) {
      const std::string p = m.wire(fmt::format("prod_{}", k), 32);
      m.add(vlog::Instance{mul,
                           fmt::format("u_mul_{}", k),
                           {{"a_i", vlog::part("a_i", 16 * k, 16)},
                            {"b_i", vlog::part("b_i", 16 * k, 16)},
                            {"y_o", p}},
                           ""});
      prods.push_back(p);
    }
    blocks::FpAddTree t{add, 32, piped_ ? "clk_i" : "", piped_ ? "advance" : ""};
    const std::string sum = blocks::fp_add_tree(m, "tree", prods, t);
    // The accumulator joins after the tree, delayed like it.
    std::string c = "c_i", valid = "in_valid_i";
    const int depth = piped_ ? blocks::fp_add_tree_depth(n_) : 0;
    for (int d = 0; d < depth; ++d) {
      const std::string cq = m.reg(fmt::format("c_q{}", d + 1), 32);
      const std::string vq = m.reg(fmt::format("valid_q{}", d + 1), 1);
      m.add(vlog::Registers{"clk_i", "rst_ni", "advance", {{vq, valid, "1'b0"}, {cq, c, ""}}, ""});
      c = cq;
      valid = vq;
    }
    m.wire("y_d", 32);
    vlog::Instance fin{add, "u_acc", {}, ""};
    if (piped_) {
      fin.connections.push_back({"clk_i", "clk_i"});
      fin.connections.push_back({"en_i", "advance"});
      const std::string vq = m.reg("valid_acc_q", 1);
      m.add(vlog::Registers{"clk_i", "rst_ni", "advance", {{vq, valid, "1'b0"}}, ""});
      valid = vq;
    }
    fin.connections.push_back({"a_i", c});
    fin.connections.push_back({"b_i", sum});
    fin.connections.push_back({"y_o", "y_d"});
    m.add(fin);
    m.reg("y_q", 32);
    m.add(vlog::Registers{
        "clk_i", "rst_ni", "advance", {{"out_valid_q", valid, "1'b0"}, {"y_q", "y_d", ""}}, ""});
    m.assign("out_valid_o", "out_valid_q");
    m.assign("y_o", "y_q");
    return {mm, am, m};
  }

  std::vector<PortSpec> data_inputs() const override {
    return {fp_operand_io::lane_port("a_i", "a", n_, mul_.a, "bf16"),
            fp_operand_io::lane_port("b_i", "b", n_, mul_.b, "bf16"),
            fp_operand_io::lane_port("c_i", "c", 1, add_.f, "fp32 accumulator")};
  }
  std::vector<PortSpec> data_outputs() const override {
    return {fp_operand_io::lane_port("y_o", "y", 1, add_.f, "fp32")};
  }

  PortValues emulate(const PortValues& in) const override {
    std::vector<uint32_t> a(n_), b(n_);
    for (int k = 0; k < n_; ++k) {
      a[k] = static_cast<uint32_t>(in[0].get(16 * k, 16));
      b[k] = static_cast<uint32_t>(in[1].get(16 * k, 16));
    }
    const auto c = static_cast<uint32_t>(in[2].get(0, 32));
    BitVec y(32);
    y.set(0, 32, golden::fp_dot_step(mul_, add_, c, a.data(), b.data(), a.size()));
    return {y};
  }

  std::vector<TestVector> corner_cases() const override {
    std::mt19937_64 rng(3);
    std::vector<TestVector> v;
    // Cancelling products: x*y + (-x)*y + ... with an accumulator.
    std::vector<uint32_t> a(n_), b(n_);
    for (int k = 0; k < n_; ++k) {
      a[k] = (k % 2 ? 0x8000u : 0u) | 0x3fc1u;
      b[k] = 0x4049u;
    }
    v.push_back({{fp_operand_io::pack(a, 16), fp_operand_io::pack(b, 16), fp_operand_io::pack({0x3f800000u}, 32)},
                 "alternating cancellation"});
    a[0] = 0x7f80u;  // Inf
    v.push_back({{fp_operand_io::pack(a, 16), fp_operand_io::pack(b, 16), fp_operand_io::pack({0u}, 32)},
                 "an Inf product"});
    return v;
  }

  TestVector random_case(std::mt19937_64& rng) const override {
    std::vector<uint32_t> a(n_), b(n_);
    for (int k = 0; k < n_; ++k) {
      a[k] = fp_operand_io::random_code(mul_.a, rng);
      b[k] = fp_operand_io::random_code(mul_.b, rng);
    }
    const uint32_t c = rng() % 4 == 0 ? 0u : fp_operand_io::random_code(add_.f, rng);
    return {{fp_operand_io::pack(a, 16), fp_operand_io::pack(b, 16), fp_operand_io::pack({c}, 32)}, "random"};
  }

 private:
  int n_;
  bool piped_;
  golden::FpMulSpec mul_;  // bf16 x bf16 -> fp32, nearest even
  golden::FpAddSpec add_;  // fp32, nearest even
};

class FpCompose : public ::testing::TestWithParam<bool> {};

TEST_P(FpCompose, DotStepBitExactInIcarus) {
  const DotStepDesign d(5, GetParam());
  const fs::path dir = fs::temp_directory_path() / ("bf_fp_compose_" + d.top_name());
  const auto rtl = write_rtl(d, (dir / "rtl").string());
  tb::VerifyOptions opt;
  opt.work_dir = (dir / "icarus").string();
  opt.simulator = tb::VerifyOptions::Simulator::Icarus;
  opt.random_vectors = 3000;
  opt.max_vectors_icarus = 3000;
  opt.quiet = true;
  const auto r = tb::verify(d, rtl.files, opt);
  EXPECT_TRUE(r.pass) << r.report;
  EXPECT_GE(r.vectors, 3000u);

  // The composed RTL is lint-clean too.
  std::string files;
  for (const auto& f : rtl.files) files += " " + f;
  const std::string log = (dir / "lint.log").string();
  EXPECT_EQ(std::system(("verilator --lint-only -Wall --top-module " + d.top_name() + files +
                         " > " + log + " 2>&1")
                            .c_str()),
            0)
      << "see " << log;

  // The vectors are sensitive to the summation order: a serial sum differs
  // from the tree on some of them, so a wrong order in the RTL would fail.
  std::mt19937_64 rng(1);
  const golden::FpMulSpec mul;
  const golden::FpAddSpec add;
  int differ = 0;
  for (int i = 0; i < 3000; ++i) {
    const auto tv = d.random_case(rng);
    std::vector<uint32_t> p(5);
    for (int k = 0; k < 5; ++k)
      p[k] = golden::fp_mul(mul, static_cast<uint32_t>(tv.inputs[0].get(16 * k, 16)),
                            static_cast<uint32_t>(tv.inputs[1].get(16 * k, 16)));
    const auto c = static_cast<uint32_t>(tv.inputs[2].get(0, 32));
    const uint32_t tree = golden::fp_add(add, c, golden::fp_sum_tree(add, p.data(), 5));
    const uint32_t serial = golden::fp_sum_serial(add, c, p.data(), 5);
    differ += tree != serial;
  }
  EXPECT_GT(differ, 30);
}

INSTANTIATE_TEST_SUITE_P(CombinationalAndPipelined, FpCompose, ::testing::Bool());

}  // namespace
}  // namespace bf
