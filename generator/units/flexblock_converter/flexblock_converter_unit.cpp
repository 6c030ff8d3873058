// flexblock.converter: the Design (ports, model, vectors) and its
// registration.
#include <fmt/format.h>

#include "generator/design/fp_operand_io.hpp"
#include "generator/design/unit_info.hpp"
#include "generator/units/flexblock_converter/flexblock_converter_rtl.hpp"
#include "generator/units/flexblock_converter/flexblock_converter_vectors.hpp"
#include "golden/units/flexblock_converter/flexblock_converter.hpp"

namespace bf::flexblock_converter {
namespace {

namespace fb = golden::flexblock;
using golden::FlexblockConverterParams;

constexpr fb::Mode kModes[] = {fb::Mode::M4, fb::Mode::M8, fb::Mode::M16};

class ConverterDesign : public Design {
 public:
  ConverterDesign(FlexblockConverterParams p, std::string top)
      : p_(std::move(p)), top_(std::move(top)) {}

  std::string unit_name() const override { return "flexblock.converter"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, generated_header(*this, top_));
  }

  std::vector<PortSpec> data_inputs() const override {
    PortSpec mode{"mode_i", 2, "mantissa mode: 0 = 4, 1 = 8, 2 (and 3) = 16 bits", {}};
    mode.fields.push_back({"mode", 0, 2, [](uint64_t v) {
                             return fmt::format(
                                 "{}-bit",
                                 fb::mantissa_bits(fb::mode_from_code(static_cast<uint32_t>(v))));
                           }});
    return {mode, fp_operand_io::lane_port("x_i", "x", p_.max_group(), golden::FloatFormat::fp32(),
                                           "fp32 inputs")};
  }

  // codes_o's layout depends on the transaction's mode, so each position has
  // one field per mode covering it (m4[i], m8[i], m16[i]); a mismatch report
  // names them all, and mode_i (in its input line) says which one applies.
  std::vector<PortSpec> data_outputs() const override {
    PortSpec scale{"scale_o", 8, "shared exponent field", {}};
    scale.fields.push_back({"scale", 0, 8, [](uint64_t v) {
                              return v == fb::kNanExp ? std::string("Inf/NaN group")
                                                      : fmt::format("leading bit 2^{}",
                                                                    static_cast<int>(v) - 127);
                            }});
    PortSpec codes{"codes_o", p_.codes_bits(), "element codes of the transaction's mode", {}};
    for (fb::Mode mode : kModes) {
      const int m = fb::mantissa_bits(mode);
      for (int i = 0; i < p_.group(mode); ++i)
        codes.fields.push_back({fmt::format("m{}[{}]", m, i), i * (m + 1), m + 1, [m](uint64_t v) {
                                  return fmt::format("{}{} LSB", (v >> m) & 1u ? "-" : "+",
                                                     v & ((uint64_t{1} << m) - 1));
                                }});
    }
    return {scale, codes};
  }

  int latency() const override { return p_.pipeline_stages + 1; }
  Operations operations() const override { return {1, "group"}; }

  PortValues emulate(const PortValues& in) const override {
    const fb::Mode mode = fb::mode_from_code(static_cast<uint32_t>(in[0].get(0, 2)));
    const int n = p_.max_group(), g = p_.group(mode), w = fb::mantissa_bits(mode) + 1;
    std::vector<uint32_t> x(static_cast<std::size_t>(n)), codes(static_cast<std::size_t>(g));
    for (int i = 0; i < n; ++i)
      x[static_cast<std::size_t>(i)] = static_cast<uint32_t>(in[1].get(i * 32, 32));
    const uint32_t scale = golden::convert_group(p_, mode, x, codes);
    BitVec s(8), c(p_.codes_bits());
    s.set(0, 8, scale);
    for (int i = 0; i < g; ++i) c.set(i * w, w, codes[static_cast<std::size_t>(i)]);
    return {s, c};
  }

  std::vector<TestVector> corner_cases() const override {
    return flexblock_converter::corner_cases(p_);
  }
  TestVector random_case(std::mt19937_64& rng) const override {
    return flexblock_converter::random_case(p_, rng);
  }
  std::vector<Workload> workloads() const override { return flexblock_converter::workloads(p_); }
  std::vector<TestVector> workload_chunk(const std::string& name,
                                         std::mt19937_64& rng) const override {
    return flexblock_converter::workload_chunk(p_, name, rng);
  }

  // Storage of one group per mode: the shared exponent and the codes.
  nlohmann::ordered_json metrics() const override {
    nlohmann::ordered_json j;
    for (fb::Mode mode : kModes) {
      const golden::BlockFormat f = p_.format(mode);
      j[fmt::format("group_bits_{}", fb::mantissa_bits(mode))] = f.block_storage_bits();
      j[fmt::format("bits_per_element_{}", fb::mantissa_bits(mode))] = f.bits_per_element();
    }
    return j;
  }

 private:
  FlexblockConverterParams p_;
  std::string top_;
};

std::string default_name(const FlexblockConverterParams& p) {
  return fmt::format("flexblock_converter_g{}_{}_{}_{}_p{}", p.group_16, p.group_8, p.group_4,
                     p.rounding == "truncate" ? "trunc" : "rne", p.pipeline_stages);
}

const UnitRegistration registration(make_unit<FlexblockConverterParams>(
    "flexblock.converter",
    "FlexBlock fp32-to-BFP converter: one group per transaction in the 16-, 8- or 4-bit mode "
    "(mode_i), 8-bit shared exponent, the foundation's BFP element quantizers",
    [](const FlexblockConverterParams& p, std::string top) {
      return std::make_unique<ConverterDesign>(p, std::move(top));
    },
    default_name,
    {
        "group_16 = 3\ngroup_8 = 6\ngroup_4 = 12",
        "group_16 = 3\ngroup_8 = 6\ngroup_4 = 12\nrounding = \"nearest_even\"\npipeline_stages = 1",
        "group_16 = 5\ngroup_8 = 2\ngroup_4 = 4",
    }));

}  // namespace
}  // namespace bf::flexblock_converter
