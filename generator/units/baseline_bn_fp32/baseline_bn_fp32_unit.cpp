// baseline.bn_fp32: the Design (ports, stream model, metrics) and its
// registration. The RTL is in baseline_bn_fp32_rtl.cpp, the vectors and the
// workload in baseline_bn_fp32_vectors.cpp, the model and the protocol in
// golden/units/baseline_bn_fp32/baseline_bn_fp32.hpp.
#include <fmt/format.h>

#include <utility>

#include "generator/blocks/fp_div.hpp"
#include "generator/blocks/fp_sqrt.hpp"
#include "generator/design/fp_operand_io.hpp"
#include "generator/design/random_groups.hpp"
#include "generator/design/unit_info.hpp"
#include "generator/units/baseline_bn_fp32/baseline_bn_fp32_beats.hpp"
#include "generator/units/baseline_bn_fp32/baseline_bn_fp32_rtl.hpp"
#include "generator/units/baseline_bn_fp32/baseline_bn_fp32_vectors.hpp"

namespace bf::baseline_bn_fp32 {
namespace {

using golden::BnFp32Model;
using golden::BnFp32Params;
using golden::BnOp;
using golden::FloatFormat;

class BnFp32Design : public Design {
 public:
  BnFp32Design(BnFp32Params p, std::string top) : p_(std::move(p)), top_(std::move(top)) {}

  std::string unit_name() const override { return "baseline.bn_fp32"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, [this](const std::string& m) { return generated_header(*this, m); });
  }

  std::vector<PortSpec> data_inputs() const override {
    const FloatFormat f = FloatFormat::fp32();
    auto describe = [f](uint64_t v) { return fp_operand_io::describe_code(f, v); };
    return {PortSpec{"op_i",
                     2,
                     "0 LOAD, 1 STAT, 2 FINISH, 3 NORM",
                     {{"op", 0, 2,
                       [](uint64_t v) {
                         static const char* const names[] = {"LOAD", "STAT", "FINISH", "NORM"};
                         return fmt::format("{} ({})", v, names[v & 3]);
                       }}}},
            PortSpec{"inv_n_i", 32, "fp32 1/n (LOAD)", {{"inv_n", 0, 32, describe}}},
            fp_operand_io::lane_port("x_i", "x", p_.lanes, f, "fp32 x (STAT, NORM)"),
            fp_operand_io::lane_port("gamma_i", "gamma", p_.lanes, f, "fp32 gamma (LOAD)"),
            fp_operand_io::lane_port("beta_i", "beta", p_.lanes, f, "fp32 beta (LOAD)")};
  }
  std::vector<PortSpec> data_outputs() const override {
    return {PortSpec{"norm_o", 1, "a NORM beat with complete statistics: y_o holds y", {}},
            fp_operand_io::lane_port("y_o", "y", p_.lanes, FloatFormat::fp32(),
                                     "fp32 y when norm_o, else +0")};
  }
  int latency() const override { return BnFp32Params::latency(); }
  Operations operations() const override { return {channels_ops(p_), "element"}; }

  // The first beat after reset.
  PortValues emulate(const PortValues& in) const override {
    BnFp32Model model(p_);
    return step(model, in);
  }

  std::unique_ptr<StreamModel> stream_model() const override {
    struct Stream : StreamModel {
      explicit Stream(const BnFp32Design& d) : design(d), model(d.p_) {}
      PortValues step(const PortValues& in) override { return design.step(model, in); }
      const BnFp32Design& design;
      BnFp32Model model;
    };
    return std::make_unique<Stream>(*this);
  }

  std::vector<TestVector> corner_cases() const override {
    return baseline_bn_fp32::corner_cases(p_);
  }
  // Whole random channel groups, one beat per call (generator/design/random_groups.hpp).
  TestVector random_case(std::mt19937_64& rng) const override {
    return groups_.next(rng, [this](std::mt19937_64& r) { return random_group(p_, r); });
  }
  std::vector<Workload> workloads() const override { return baseline_bn_fp32::workloads(p_); }
  std::vector<TestVector> workload_chunk(const std::string& name,
                                         std::mt19937_64& rng) const override {
    return baseline_bn_fp32::workload_chunk(p_, name, rng);
  }

  nlohmann::ordered_json metrics() const override {
    return {{"operation",
             "fp32 batch normalization forward per channel: S, Q, mean = S * inv_n, var = "
             "max(Q * inv_n - mean^2, 0), inv_std = 1 / sqrt(var + eps), y = ((x - mean) * "
             "inv_std) * gamma + beta"},
            {"lanes", p_.lanes},
            {"multipliers_per_lane", 6},
            {"adders_per_lane", 6},
            {"square_roots_per_lane", 1},
            {"dividers_per_lane", 1},
            {"sqrt_rows", blocks::fp_sqrt_shape(BnFp32Params::sqrt_spec()).root_bits},
            {"div_rows", blocks::fp_div_shape(BnFp32Params::div_spec()).quotient_bits},
            {"sqrt_stages", p_.sqrt_stages},
            {"div_stages", p_.div_stages},
            {"finish_beats", p_.finish_beats()},
            {"latency", latency()},
            {"eps", fmt::format("0x{:08x}", golden::lightnorm::kBnEps)},
            {"sharing", "none: statistics, scalar and normalize datapaths are separate"}};
  }

 private:
  PortValues step(BnFp32Model& model, const PortValues& in) const {
    const auto L = static_cast<std::size_t>(p_.lanes);
    std::vector<uint32_t> x(L), gamma(L), beta(L);
    for (std::size_t l = 0; l < L; ++l) {
      const int at = static_cast<int>(l) * 32;
      x[l] = static_cast<uint32_t>(in[2].get(at, 32));
      gamma[l] = static_cast<uint32_t>(in[3].get(at, 32));
      beta[l] = static_cast<uint32_t>(in[4].get(at, 32));
    }
    const auto out = model.step(static_cast<BnOp>(in[0].get(0, 2)),
                                static_cast<uint32_t>(in[1].get(0, 32)), x, gamma, beta);
    BitVec norm(1);
    norm.set(0, 1, out.norm ? 1u : 0u);
    return {norm, fp_operand_io::pack(out.y, 32)};
  }

  BnFp32Params p_;
  std::string top_;
  RandomGroups groups_;  // whole random channel groups, one beat per random_case()
};

std::string default_name(const BnFp32Params& p) {
  return fmt::format("baseline_bn_fp32_l{}_s{}_d{}", p.lanes, p.sqrt_stages, p.div_stages);
}

const UnitRegistration registration(make_unit<BnFp32Params>(
    "baseline.bn_fp32",
    "Conventional fp32 batch normalization (forward), LightNorm's baseline: lanes channels, "
    "fp32 sums, mean/var/1/sqrt(var + eps) by fp_sqrt and fp_div, fp32 normalize and affine",
    [](const BnFp32Params& p, std::string top) {
      return std::make_unique<BnFp32Design>(p, std::move(top));
    },
    default_name,
    {
        // Two lanes with the default cuts.
        "lanes = 2",
        // One lane, combinational square root and divider (the shortest FINISH).
        "lanes = 1\nsqrt_stages = 0\ndiv_stages = 0",
        // Three lanes, the most cuts in the root, one in the divider.
        "lanes = 3\nsqrt_stages = 4\ndiv_stages = 1",
    }));

}  // namespace
}  // namespace bf::baseline_bn_fp32
