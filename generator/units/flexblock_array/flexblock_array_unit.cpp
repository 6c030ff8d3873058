// flexblock.array: FlexBlock's PE array (golden/units/flexblock_array/).
#include <fmt/format.h>

#include "generator/design/unit_info.hpp"
#include "generator/units/flexblock_array/flexblock_array_ports.hpp"
#include "generator/units/flexblock_array/flexblock_array_rtl.hpp"
#include "generator/units/flexblock_array/flexblock_array_vectors.hpp"

namespace bf::flexblock_array {
namespace {

using golden::FlexblockArrayParams;

class ArrayStream : public StreamModel {
 public:
  explicit ArrayStream(const FlexblockArrayParams& p) : p_(p), model_(p) {}
  PortValues step(const PortValues& in) override {
    return to_ports(p_, model_.step(from_ports(p_, in)));
  }

 private:
  FlexblockArrayParams p_;
  golden::FlexblockArrayModel model_;
};

class ArrayDesign : public Design {
 public:
  ArrayDesign(FlexblockArrayParams p, std::string top) : p_(p), top_(std::move(top)) {}

  std::string unit_name() const override { return "flexblock.array"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }
  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, [this](const std::string& module) {
      auto h = generated_header(*this, module);
      if (module != top_) return h;
      h.push_back("");
      h.push_back(fmt::format(
          "{} x {} FlexBlock PEs, output-stationary: A broadcast along rows, B down columns; "
          "exact integer segment sums drain through a chain per row into the row's edge unit "
          "(exponents, one rounding to fp32, fp32 accumulation per output).",
          p_.rows, p_.cols));
      h.push_back(
          "The arithmetic is golden/flexblock/bfp_dot.hpp, the beat-level behaviour "
          "golden/units/flexblock_array/flexblock_array.hpp; a segment must last at least "
          "cols beats.");
      return h;
    });
  }
  std::vector<PortSpec> data_inputs() const override { return input_ports(p_); }
  std::vector<PortSpec> data_outputs() const override { return output_ports(p_); }
  int latency() const override { return kLatency; }
  Operations operations() const override {
    return {static_cast<double>(p_.rows * p_.cols * 16), "MAC"};
  }
  std::vector<TestVector> corner_cases() const override {
    return flexblock_array::corner_cases(p_);
  }
  TestVector random_case(std::mt19937_64& rng) const override {
    return flexblock_array::random_case(p_, rng);
  }
  std::vector<Workload> workloads() const override { return flexblock_array::workloads(p_); }
  std::vector<TestVector> workload_chunk(const std::string& name,
                                         std::mt19937_64& rng) const override {
    return flexblock_array::workload_chunk(p_, name, rng);
  }
  PortValues emulate(const PortValues& in) const override { return ArrayStream(p_).step(in); }
  std::unique_ptr<StreamModel> stream_model() const override {
    return std::make_unique<ArrayStream>(p_);
  }
  nlohmann::ordered_json metrics() const override {
    return {{"pes", p_.rows * p_.cols},
            {"peak_macs_per_cycle",
             {{"m16", p_.rows * p_.cols},
              {"m8", 4 * p_.rows * p_.cols},
              {"m4", 16 * p_.rows * p_.cols}}},
            {"drain_beats", golden::array_drain_cycles(p_)}};
  }

 private:
  FlexblockArrayParams p_;
  std::string top_;
};

const UnitRegistration kFlexblockArray(make_unit<FlexblockArrayParams>(
    "flexblock.array",
    "FlexBlock PE array: rows x cols multi-mode BFP PEs, output-stationary, exponents and fp32 "
    "accumulation at the row edges",
    [](const FlexblockArrayParams& p, std::string top) {
      return std::make_unique<ArrayDesign>(p, std::move(top));
    },
    [](const FlexblockArrayParams& p) {
      return fmt::format("flexblock_array_{}x{}", p.rows, p.cols);
    },
    {"rows = 2\ncols = 3\nmax_segment = 64", "rows = 1\ncols = 1\nmax_segment = 216"}));

}  // namespace
}  // namespace bf::flexblock_array
