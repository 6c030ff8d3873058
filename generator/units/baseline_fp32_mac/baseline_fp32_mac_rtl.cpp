#include "generator/units/baseline_fp32_mac/baseline_fp32_mac_rtl.hpp"

#include <fmt/format.h>

#include "generator/blocks/fp_modules.hpp"
#include "generator/units/baseline_bf16_dot/baseline_bf16_dot_rtl.hpp"

namespace bf::baseline_fp32_mac {

namespace {

std::vector<std::string> top_header(const golden::Fp32MacParams& p,
                                    std::vector<std::string> header) {
  const int L = p.lanes;
  header.push_back("");
  header.push_back(
      L == 1 ? std::string("FP32 MAC baseline (FlexBlock's training comparison): one IEEE fp32 x "
                           "fp32 -> fp32 multiplier and an fp32 accumulator adder")
             : fmt::format("FP32 MAC baseline (FlexBlock's training comparison): {} lanes of IEEE "
                           "fp32 x fp32 -> fp32 multipliers, a balanced fp32 adder tree ({} "
                           "level(s)) and an fp32 accumulator adder",
                           L, p.tree_levels()));
  header.back() += "; every operator rounds to nearest even, subnormals exact.";
  header.push_back(
      "Bit-exact with golden::Fp32MacModel (golden/units/baseline_fp32_mac/baseline_fp32_mac.hpp): "
      "per beat acc = golden::fp_dot_step(acc, a, b);");
  header.push_back(
      "a beat with last_i = 1 outputs done_o = 1, y_o = acc and restarts the row from +0; "
      "other beats output done_o = 0, y_o = 0.");
  if (p.registered()) {
    header.push_back(
        "pipeline = \"registered\": latency 2 = 1 (the multipliers' register stage, after the "
        "significand product) + 1 (accumulator).");
    header.push_back(
        fmt::format("Second cycle: the multipliers' rounding, {}the accumulator adder.",
                    L > 1 ? "the adder tree, " : ""));
  } else {
    header.push_back(
        "pipeline = \"none\": latency 1; multipliers, tree and accumulator adder are one "
        "combinational path.");
  }
  header.push_back(
      "One beat per cycle; the accumulator adder closes a 1-cycle loop, so back-to-back beats "
      "of one row need no stall.");
  return header;
}

}  // namespace

std::vector<vlog::Module> build_rtl(
    const golden::Fp32MacParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header) {
  // One adder module serves the tree and the accumulator: the tree is
  // combinational in both pipeline choices. Only instantiated modules are
  // emitted.
  baseline_bf16_dot::TreeEngine e;
  e.lanes = p.lanes;
  e.operand_width = 32;
  e.a_port = "a_i";
  e.a_doc = "fp32 operands a";
  e.b_port = "b_i";
  e.b_doc = "fp32 operands b";
  e.product_formats = "fp32 x fp32 -> fp32, rounded to nearest even";
  e.mul = top + "_mul";
  e.tree_add = e.acc_add = top + "_add";
  e.mul_registered = p.registered();
  e.header = top_header(p, header(top));

  std::vector<vlog::Module> mods;
  mods.push_back(blocks::fp_mul_module(p.mul_spec(), e.mul, header(e.mul), e.mul_registered));
  mods.push_back(blocks::fp_add_module(p.add_spec(), e.acc_add, header(e.acc_add), false));
  mods.push_back(baseline_bf16_dot::tree_engine_top(e, top));
  return mods;
}

}  // namespace bf::baseline_fp32_mac
