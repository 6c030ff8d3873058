// lightnorm.bn_bwd: the Design (ports, stream model, metrics) and its
// registration. The RTL is in lightnorm_bn_bwd_rtl.cpp, the vectors and the
// workload in lightnorm_bn_bwd_vectors.cpp, the model and the protocol in
// golden/units/lightnorm_bn_bwd/lightnorm_bn_bwd.hpp.
#include <fmt/format.h>

#include <utility>

#include "generator/design/fp_operand_io.hpp"
#include "generator/design/random_groups.hpp"
#include "generator/design/unit_info.hpp"
#include "generator/units/lightnorm_bn_bwd/lightnorm_bn_bwd_beats.hpp"
#include "generator/units/lightnorm_bn_bwd/lightnorm_bn_bwd_rtl.hpp"
#include "generator/units/lightnorm_bn_bwd/lightnorm_bn_bwd_vectors.hpp"

namespace bf::lightnorm_bn_bwd {
namespace {

using golden::BnBwdModel;
using golden::BnBwdOp;
using golden::BnBwdParams;
using golden::FloatFormat;

PortSpec flag_port(const std::string& name, const std::string& field, int lanes,
                   const std::string& doc) {
  PortSpec s{name, lanes, doc, {}};
  for (int l = 0; l < lanes; ++l)
    s.fields.push_back(
        {fmt::format("{}[{}]", field, l), l, 1, [](uint64_t v) { return fmt::format("{}", v); }});
  return s;
}

class BnBwdDesign : public Design {
 public:
  BnBwdDesign(BnBwdParams p, std::string top)
      : p_(std::move(p)), rb_(p_.range_bn()), top_(std::move(top)) {}

  std::string unit_name() const override { return "lightnorm.bn_bwd"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, [this](const std::string& m) { return generated_header(*this, m); });
  }

  std::vector<PortSpec> data_inputs() const override {
    const FloatFormat fp32 = FloatFormat::fp32();
    auto describe = [fp32](uint64_t v) { return fp_operand_io::describe_code(fp32, v); };
    const int L = p_.lanes;
    return {PortSpec{"op_i",
                     2,
                     "0 LOAD, 1 STAT, 2 FINISH, 3 DX",
                     {{"op", 0, 2,
                       [](uint64_t v) {
                         static const char* const names[] = {"LOAD", "STAT", "FINISH", "DX"};
                         return fmt::format("{} ({})", v, names[v & 3]);
                       }}}},
            PortSpec{"inv_n_i", 32, "fp32 1/n (LOAD)", {{"inv_n", 0, 32, describe}}},
            PortSpec{"c_i", 32, "fp32 C(n) (LOAD)", {{"c", 0, 32, describe}}},
            fp_operand_io::lane_port("gamma_i", "gamma", L, rb_.io, "io gamma (LOAD)"),
            fp_operand_io::lane_port("scale_i", "scale", L, rb_.stat, "stat scale (LOAD)"),
            fp_operand_io::lane_port("g_i", "g", L, rb_.grad, "grad g (STAT, DX)"),
            fp_operand_io::lane_port("x_hat_i", "x_hat", L, rb_.io, "io x_hat (STAT)"),
            flag_port("amax_i", "amax", L, "chunk argmax flags (DX)"),
            flag_port("amin_i", "amin", L, "chunk argmin flags (DX)")};
  }
  std::vector<PortSpec> data_outputs() const override {
    const int L = p_.lanes;
    return {PortSpec{"valid_o", 1, "a DX beat with complete coefficients", {}},
            fp_operand_io::lane_port("dx_o", "dx", L, rb_.grad, "grad dx when valid_o, else +0"),
            fp_operand_io::lane_port("dgamma_o", "dgamma", L, rb_.grad,
                                     "grad dgamma when valid_o, else +0"),
            fp_operand_io::lane_port("dbeta_o", "dbeta", L, rb_.stat,
                                     "stat dbeta when valid_o, else +0")};
  }
  int latency() const override { return BnBwdParams::latency(); }
  Operations operations() const override { return {channels_ops(p_), "element"}; }

  // The first beat after reset.
  PortValues emulate(const PortValues& in) const override {
    BnBwdModel model(p_);
    return step(model, in);
  }

  std::unique_ptr<StreamModel> stream_model() const override {
    struct Stream : StreamModel {
      explicit Stream(const BnBwdDesign& d) : design(d), model(d.p_) {}
      PortValues step(const PortValues& in) override { return design.step(model, in); }
      const BnBwdDesign& design;
      BnBwdModel model;
    };
    return std::make_unique<Stream>(*this);
  }

  std::vector<TestVector> corner_cases() const override {
    return lightnorm_bn_bwd::corner_cases(p_);
  }
  // Whole random channel groups, one beat per call (generator/design/random_groups.hpp).
  TestVector random_case(std::mt19937_64& rng) const override {
    return groups_.next(rng, [this](std::mt19937_64& r) { return random_group(p_, r); });
  }
  std::vector<Workload> workloads() const override { return lightnorm_bn_bwd::workloads(p_); }
  std::vector<TestVector> workload_chunk(const std::string& name,
                                         std::mt19937_64& rng) const override {
    return lightnorm_bn_bwd::workload_chunk(p_, name, rng);
  }

  nlohmann::ordered_json metrics() const override {
    const bool pow2 = rb_.chunks > 1, to_norm = rb_.norm != rb_.stat;
    const int convs =
        (rb_.grad != rb_.stat) + (rb_.stat != rb_.grad) + 3 * to_norm + (rb_.norm != rb_.grad);
    return {{"operation",
             "range batch normalization backward per channel: dbeta = sum g, dgs = sum g * "
             "x_hat, dgamma = dgs in grad, a = gamma * scale, b_mu = -(a * dbeta * inv_n), k = "
             "a * dgs * C / chunks, dx = convert(g * a + b) with b = b_mu - k at a chunk's "
             "argmax, b_mu + k at its argmin, else b_mu"},
            {"lanes", p_.lanes},
            {"chunks", rb_.chunks},
            {"io", rb_.io.name()},
            {"grad", rb_.grad.name()},
            {"stat", rb_.stat.name()},
            {"norm", rb_.norm.name()},
            {"multipliers_per_lane", 7 + (pow2 ? 1 : 0)},
            {"multipliers_note",
             "g * x_hat (grad x io), gamma * scale, 4 stat x stat, g * a (grad x stat -> norm), "
             "and * 2^-log2(chunks) (a 2-bit constant significand) when chunks > 1"},
            {"adders_per_lane", 5},
            {"conversions_per_lane", convs},
            {"finish_beats", p_.finish_beats()},
            {"latency", latency()},
            {"forward_only_keys", "reciprocal, table_bits, newton_steps: not used by backward"},
            {"sharing", "none: pass 1, the scalar datapath and pass 2 are separate"}};
  }

 private:
  PortValues step(BnBwdModel& model, const PortValues& in) const {
    const BeatIn b = from_ports(p_, in);
    std::vector<uint8_t> amax, amin;
    const auto out = model.step(to_model(b, amax, amin));
    BitVec valid(1);
    valid.set(0, 1, out.valid ? 1u : 0u);
    return {valid, fp_operand_io::pack(out.dx, rb_.grad.width()),
            fp_operand_io::pack(out.dgamma, rb_.grad.width()),
            fp_operand_io::pack(out.dbeta, rb_.stat.width())};
  }

  BnBwdParams p_;
  golden::lightnorm::RangeBnParams rb_;
  std::string top_;
  RandomGroups groups_;  // whole random channel groups, one beat per random_case()
};

std::string default_name(const BnBwdParams& p) {
  const auto rb = p.range_bn();
  std::string policy;
  if (rb.exponent != golden::ExponentPolicy::Saturate) policy += "_ftz";
  if (rb.convert_rounding != golden::Rounding::Truncate)
    policy += fmt::format("_c{}", golden::to_string(rb.convert_rounding));
  if (rb.arith_rounding != golden::Rounding::NearestEven)
    policy += fmt::format("_a{}", golden::to_string(rb.arith_rounding));
  return fmt::format("lightnorm_bn_bwd_l{}_c{}_{}_{}_{}_{}{}", p.lanes, rb.chunks, rb.io.name(),
                     rb.grad.name(), rb.stat.name(), rb.norm.name(), policy);
}

const UnitRegistration registration(make_unit<BnBwdParams>(
    "lightnorm.bn_bwd",
    "LightNorm range batch normalization, backward: lanes channels, dbeta and dgamma sums in "
    "stat, the per-channel coefficients, dx = g * a + b with the range term at each chunk's "
    "argmax / argmin, in LightNorm's small float formats",
    [](const BnBwdParams& p, std::string top) {
      return std::make_unique<BnBwdDesign>(p, std::move(top));
    },
    default_name,
    {
        // One lane, the defaults.
        "lanes = 1",
        // Three lanes, four chunks.
        "lanes = 3\nchunks = 4",
        // A narrow per-element datapath: fp10 1-5-4 "+8" (stat -> norm conversions).
        "lanes = 2\nnorm = \"fp10_e5m4_ieee+8\"",
        // Round-to-nearest conversions.
        "lanes = 2\nconvert_rounding = \"nearest_even\"",
        // Flush-to-zero conversions.
        "lanes = 2\nexponent = \"flush_to_zero\"",
        // One chunk: no * 2^-log2(chunks) stage.
        "lanes = 2\nchunks = 1",
    }));

}  // namespace
}  // namespace bf::lightnorm_bn_bwd
