// lightnorm.bn_fwd: the Design (ports, stream model, metrics) and its
// registration. The RTL is in lightnorm_bn_fwd_rtl.cpp, the vectors and the
// workload in lightnorm_bn_fwd_vectors.cpp, the beats and the BFP ports in
// lightnorm_bn_fwd_beats.cpp, the model and the protocol in
// golden/units/lightnorm_bn_fwd/lightnorm_bn_fwd.hpp.
#include <fmt/format.h>

#include <utility>

#include "generator/blocks/fp_div.hpp"
#include "generator/design/fp_operand_io.hpp"
#include "generator/design/random_groups.hpp"
#include "generator/design/unit_info.hpp"
#include "generator/units/lightnorm_bn_fwd/lightnorm_bn_fwd_beats.hpp"
#include "generator/units/lightnorm_bn_fwd/lightnorm_bn_fwd_rtl.hpp"
#include "generator/units/lightnorm_bn_fwd/lightnorm_bn_fwd_vectors.hpp"

namespace bf::lightnorm_bn_fwd {
namespace {

using golden::BnOp;
using golden::FloatFormat;
using golden::LnBnFwdModel;
using golden::LnBnFwdParams;
using golden::lightnorm::Reciprocal;

class LnBnFwdDesign : public Design {
 public:
  LnBnFwdDesign(LnBnFwdParams p, std::string top)
      : p_(std::move(p)), rp_(p_.range_bn()), top_(std::move(top)) {}

  std::string unit_name() const override { return "lightnorm.bn_fwd"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, [this](const std::string& m) { return generated_header(*this, m); });
  }

  std::vector<PortSpec> data_inputs() const override {
    const FloatFormat f32 = FloatFormat::fp32();
    auto describe = [f32](uint64_t v) { return fp_operand_io::describe_code(f32, v); };
    return {PortSpec{"op_i",
                     2,
                     "0 LOAD, 1 STAT, 2 FINISH, 3 NORM",
                     {{"op", 0, 2,
                       [](uint64_t v) {
                         static const char* const names[] = {"LOAD", "STAT", "FINISH", "NORM"};
                         return fmt::format("{} ({})", v, names[v & 3]);
                       }}}},
            PortSpec{"len_i", p_.len_bits, "L = n / chunks (LOAD)", {}},
            PortSpec{"inv_n_i", 32, "fp32 1/n (LOAD)", {{"inv_n", 0, 32, describe}}},
            PortSpec{
                "c_i", 32, "fp32 C(n) = 1/sqrt(2 ln(n / chunks)) (LOAD)", {{"c", 0, 32, describe}}},
            data_port("x_i", "x", "x (STAT, NORM)"),
            fp_operand_io::lane_port("gamma_i", "gamma", p_.lanes, rp_.io, "io gamma (LOAD)"),
            fp_operand_io::lane_port("beta_i", "beta", p_.lanes, rp_.norm, "norm beta (LOAD)")};
  }
  std::vector<PortSpec> data_outputs() const override {
    return {PortSpec{"norm_o", 1, "a NORM beat with complete statistics: the outputs hold it", {}},
            data_port("y_o", "y", "y when norm_o, else 0"),
            fp_operand_io::lane_port("x_hat_o", "x_hat", p_.lanes, rp_.io,
                                     "io x_hat when norm_o, else +0"),
            PortSpec{"amax_o", p_.lanes, "lane l: the element is its chunk's argmax", {}},
            PortSpec{"amin_o", p_.lanes, "lane l: the element is its chunk's argmin", {}},
            fp_operand_io::lane_port("scale_o", "scale", p_.lanes, rp_.stat,
                                     "stat scale when norm_o, else +0")};
  }
  int latency() const override { return p_.latency(); }
  Operations operations() const override { return {channels_ops(p_), "element"}; }

  // The first beat after reset.
  PortValues emulate(const PortValues& in) const override {
    LnBnFwdModel model(p_);
    return step(model, in);
  }

  std::unique_ptr<StreamModel> stream_model() const override {
    struct Stream : StreamModel {
      explicit Stream(const LnBnFwdDesign& d) : design(d), model(d.p_) {}
      PortValues step(const PortValues& in) override { return design.step(model, in); }
      const LnBnFwdDesign& design;
      LnBnFwdModel model;
    };
    return std::make_unique<Stream>(*this);
  }

  std::vector<TestVector> corner_cases() const override {
    return lightnorm_bn_fwd::corner_cases(p_);
  }
  // Whole random channel groups, one beat per call (generator/design/random_groups.hpp).
  TestVector random_case(std::mt19937_64& rng) const override {
    return groups_.next(rng, [this](std::mt19937_64& r) { return random_group(p_, r); });
  }
  std::vector<Workload> workloads() const override { return lightnorm_bn_fwd::workloads(p_); }
  std::vector<TestVector> workload_chunk(const std::string& name,
                                         std::mt19937_64& rng) const override {
    return lightnorm_bn_fwd::workload_chunk(p_, name, rng);
  }

  nlohmann::ordered_json metrics() const override {
    const bool divider = rp_.reciprocal == Reciprocal::Divider;
    nlohmann::ordered_json m = {
        {"operation",
         "range batch normalization forward per channel (golden/lightnorm/range_bn.hpp): S, "
         "chunk maxima and minima, mean = S * inv_n, range = (Smax - Smin) / chunks, scale = "
         "1 / (range * C + eps), x_hat = (x - mean) * scale, y = x_hat * gamma + beta"},
        {"lanes", p_.lanes},
        {"chunks", rp_.chunks},
        {"io", rp_.io.name()},
        {"stat", rp_.stat.name()},
        {"norm", rp_.norm.name()},
        {"reciprocal", std::string(golden::lightnorm::to_string(rp_.reciprocal))},
        {"bfp", p_.bfp},
        {"stat_adders_per_lane", 2},
        {"stat_multipliers_per_lane", 1},
        {"dividers_per_lane", divider ? 1 : 0},
        {"norm_adders_per_lane", 2},
        {"norm_multipliers_per_lane", 2},
        {"chunk_extreme_bits_per_lane", 2 * rp_.chunks * rp_.io.width()},
        {"finish_beats", p_.finish_beats()},
        {"latency", latency()},
        {"sharing",
         "the scalar datapath's adder and multiplier serve all its steps over the FINISH beats; "
         "nothing is shared between the statistics, scalar and normalize datapaths"}};
    if (divider) {
      m["div_rows"] =
          blocks::fp_div_shape({rp_.stat, rp_.stat, rp_.stat, rp_.arith_rounding}).quotient_bits;
      m["div_stages"] = p_.div_stages;
    }
    if (p_.has_bfp()) m["bfp_group_bits"] = p_.storage().group_bits();
    return m;
  }

 private:
  PortSpec data_port(const std::string& name, const std::string& field,
                     const std::string& doc) const {
    if (!p_.has_bfp()) return fp_operand_io::lane_port(name, field, p_.lanes, rp_.io, "io " + doc);
    const auto s = p_.storage();
    return PortSpec{
        name,
        data_width(p_),
        fmt::format("{}: {} BFP groups of {} {} codes ({} bits each, {})", doc,
                    p_.lanes / p_.bfp_group, p_.bfp_group, rp_.io.name(), s.group_bits(), p_.bfp),
        {}};
  }

  PortValues step(LnBnFwdModel& model, const PortValues& in) const {
    const auto L = static_cast<std::size_t>(p_.lanes);
    const int io_w = rp_.io.width(), norm_w = rp_.norm.width();
    std::vector<uint32_t> gamma(L), beta(L);
    for (std::size_t l = 0; l < L; ++l) {
      gamma[l] = static_cast<uint32_t>(in[5].get(static_cast<int>(l) * io_w, io_w));
      beta[l] = static_cast<uint32_t>(in[6].get(static_cast<int>(l) * norm_w, norm_w));
    }
    const auto x = decode_data(p_, in[4]);
    const auto out = model.step(static_cast<BnOp>(in[0].get(0, 2)), in[1].get(0, p_.len_bits),
                                static_cast<uint32_t>(in[2].get(0, 32)),
                                static_cast<uint32_t>(in[3].get(0, 32)), x, gamma, beta);
    BitVec norm(1), amax(p_.lanes), amin(p_.lanes);
    norm.set(0, 1, out.norm ? 1u : 0u);
    for (std::size_t l = 0; l < L; ++l) {
      amax.set_bit(static_cast<int>(l), out.amax[l]);
      amin.set_bit(static_cast<int>(l), out.amin[l]);
    }
    return {norm,
            out.norm ? encode_data(p_, out.y) : BitVec(data_width(p_)),
            fp_operand_io::pack(out.x_hat, io_w),
            amax,
            amin,
            fp_operand_io::pack(out.scale, rp_.stat.width())};
  }

  LnBnFwdParams p_;
  golden::lightnorm::RangeBnParams rp_;
  std::string top_;
  RandomGroups groups_;  // whole random channel groups, one beat per random_case()
};

std::string default_name(const LnBnFwdParams& p) {
  const auto rp = p.range_bn();
  std::string name = fmt::format("lightnorm_bn_fwd_l{}_k{}_{}", p.lanes, rp.chunks,
                                 golden::lightnorm::to_string(rp.reciprocal));
  if (rp.reciprocal == Reciprocal::Divider) name += fmt::format("{}", p.div_stages);
  if (p.has_bfp()) name += fmt::format("_{}{}", p.bfp == "plain" ? "bfpp" : "bfp", p.bfp_group);
  return name;
}

const UnitRegistration registration(make_unit<LnBnFwdParams>(
    "lightnorm.bn_fwd",
    "LightNorm's range batch normalization (forward): lanes channels, chunk max/min range, "
    "stat scalars with a divider or pow2 reciprocal, norm normalize and affine, channel-group "
    "BFP on x and y",
    [](const LnBnFwdParams& p, std::string top) {
      return std::make_unique<LnBnFwdDesign>(p, std::move(top));
    },
    default_name,
    {
        // One lane, no BFP, a "+8" norm format (fp16 with 8 more mantissa
        // bits: e5m18), pow2, chunks = 1.
        "lanes = 1\nbfp = \"none\"\nnorm = \"fp16+8\"\nreciprocal = \"pow2\"\nchunks = 1",
        // Four lanes in groups of 4, chunks = 4, a combinational divider,
        // nearest-even conversions, flush_to_zero.
        "lanes = 4\nbfp_group = 4\nchunks = 4\ndiv_stages = 0\nconvert_rounding = "
        "\"nearest_even\"\nexponent = \"flush_to_zero\"\nlen_bits = 6",
        // Two lanes, plain BFP in groups of 2, bf16 statistics with pow2.
        "lanes = 2\nbfp = \"plain\"\nbfp_group = 2\nstat = \"bf16\"\nreciprocal = \"pow2\"\n"
        "len_bits = 4",
        // Three lanes without BFP, an io format without subnormals (DAZ
        // comparisons), two divider cuts.
        "lanes = 3\nbfp = \"none\"\nio = \"fp10_e5m4_ftz\"\ndiv_stages = 2\nchunks = 2",
    }));

}  // namespace
}  // namespace bf::lightnorm_bn_fwd
