// baseline.fp32_mac: the Design (ports, stream model, metrics) and its
// registration. The RTL is in baseline_fp32_mac_rtl.cpp, the vectors and
// the workload in baseline_fp32_mac_vectors.cpp, the model in
// golden/units/baseline_fp32_mac/baseline_fp32_mac.hpp.
#include <fmt/format.h>

#include <utility>

#include "generator/blocks/fp_modules.hpp"
#include "generator/design/fp_operand_io.hpp"
#include "generator/design/unit_info.hpp"
#include "generator/units/baseline_fp32_mac/baseline_fp32_mac_rtl.hpp"
#include "generator/units/baseline_fp32_mac/baseline_fp32_mac_vectors.hpp"
#include "golden/units/baseline_fp32_mac/baseline_fp32_mac.hpp"

namespace bf::baseline_fp32_mac {
namespace {

using golden::FloatFormat;
using golden::Fp32MacModel;
using golden::Fp32MacParams;

class Fp32MacDesign : public Design {
 public:
  Fp32MacDesign(Fp32MacParams p, std::string top) : p_(std::move(p)), top_(std::move(top)) {}

  std::string unit_name() const override { return "baseline.fp32_mac"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, [this](const std::string& m) { return generated_header(*this, m); });
  }

  std::vector<PortSpec> data_inputs() const override {
    const FloatFormat f = FloatFormat::fp32();
    return {PortSpec{"last_i", 1, "this beat is the last one of a row", {}},
            fp_operand_io::lane_port("a_i", "a", p_.lanes, f, "fp32 operands a"),
            fp_operand_io::lane_port("b_i", "b", p_.lanes, f, "fp32 operands b")};
  }
  std::vector<PortSpec> data_outputs() const override {
    const FloatFormat f = FloatFormat::fp32();
    return {
        PortSpec{"done_o", 1, "the beat's last_i", {}},
        PortSpec{"y_o",
                 32,
                 "fp32 dot product of the row when done_o, else 0",
                 {{"y", 0, 32, [f](uint64_t v) { return fp_operand_io::describe_code(f, v); }}}}};
  }
  int latency() const override { return p_.latency(); }
  Operations operations() const override { return {static_cast<double>(p_.lanes), "MAC"}; }

  // The first beat after reset.
  PortValues emulate(const PortValues& in) const override {
    Fp32MacModel model(p_);
    return step(model, in);
  }

  std::unique_ptr<StreamModel> stream_model() const override {
    struct Stream : StreamModel {
      explicit Stream(const Fp32MacDesign& d) : design(d), model(d.p_) {}
      PortValues step(const PortValues& in) override { return design.step(model, in); }
      const Fp32MacDesign& design;
      Fp32MacModel model;
    };
    return std::make_unique<Stream>(*this);
  }

  std::vector<TestVector> corner_cases() const override {
    return baseline_fp32_mac::corner_cases(p_);
  }
  TestVector random_case(std::mt19937_64& rng) const override {
    return baseline_fp32_mac::random_case(p_, rng);
  }
  std::vector<Workload> workloads() const override { return baseline_fp32_mac::workloads(p_); }
  std::vector<TestVector> workload_chunk(const std::string& name,
                                         std::mt19937_64& rng) const override {
    return baseline_fp32_mac::workload_chunk(p_, name, rng);
  }

  nlohmann::ordered_json metrics() const override {
    const auto mul = blocks::fp_mul_plan(p_.mul_spec());
    const auto add = blocks::fp_add_plan(p_.add_spec());
    return {{"operation",
             "sum of lanes fp32 x fp32 -> fp32 products (each rounded), fp32 "
             "accumulator"},
            {"multipliers", p_.lanes},
            {"tree_adders", p_.lanes - 1},
            {"accumulator_adders", 1},
            {"tree_levels", p_.tree_levels()},
            {"pipeline", p_.pipeline},
            {"latency", p_.latency()},
            {"multiplier_rounding", mul.rounds},
            {"multiplier_overflow_logic", mul.may_overflow},
            {"adder_overflow_logic", add.may_overflow}};
  }

 private:
  PortValues step(Fp32MacModel& model, const PortValues& in) const {
    const std::size_t n = static_cast<std::size_t>(p_.lanes);
    std::vector<uint32_t> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = static_cast<uint32_t>(in[1].get(static_cast<int>(i) * 32, 32));
      b[i] = static_cast<uint32_t>(in[2].get(static_cast<int>(i) * 32, 32));
    }
    const auto out = model.step(in[0].get(0, 1) != 0, a.data(), b.data());
    BitVec done(1), y(32);
    done.set(0, 1, out.done ? 1u : 0u);
    y.set(0, 32, out.y);
    return {done, y};
  }

  Fp32MacParams p_;
  std::string top_;
};

std::string default_name(const Fp32MacParams& p) {
  return fmt::format("baseline_fp32_mac_l{}_{}", p.lanes, p.registered() ? "reg" : "comb");
}

const UnitRegistration registration(make_unit<Fp32MacParams>(
    "baseline.fp32_mac",
    "FP32 MAC baseline (FlexBlock training comparison): lanes x fp32*fp32 -> fp32 (rounded), "
    "fp32 adder tree and fp32 accumulator",
    [](const Fp32MacParams& p, std::string top) {
      return std::make_unique<Fp32MacDesign>(p, std::move(top));
    },
    default_name,
    {
        // The shipped PE: one lane, products registered.
        "lanes = 1\npipeline = \"registered\"",
        // Three lanes (an odd tree element), fully combinational.
        "lanes = 3\npipeline = \"none\"",
        // Four lanes, products registered, a two-level tree after them.
        "lanes = 4\npipeline = \"registered\"",
    }));

}  // namespace
}  // namespace bf::baseline_fp32_mac
