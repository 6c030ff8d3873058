// opal.softmax: the Design (ports, vectors, model) and its registration.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "generator/design/softmax_io.hpp"
#include "generator/design/unit_info.hpp"
#include "generator/units/opal_softmax/opal_softmax_rtl.hpp"
#include "golden/accuracy/softmax_accuracy.hpp"
#include "golden/units/opal_softmax/opal_softmax.hpp"

namespace bf::opal_softmax {
namespace {

using golden::OpalSoftmaxParams;
using golden::OpalSoftmaxShape;

class OpalSoftmaxDesign : public Design {
 public:
  OpalSoftmaxDesign(OpalSoftmaxParams p, std::string top)
      : p_(std::move(p)),
        top_(std::move(top)),
        s_(golden::opal_softmax_shape(p_)),
        io_{p_.n, p_.in_int_bits, p_.in_frac_bits, p_.out_bits} {}

  std::string unit_name() const override { return "opal.softmax"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, generated_header(*this, top_));
  }

  std::vector<PortSpec> data_inputs() const override { return {softmax::input_port(io_)}; }
  std::vector<PortSpec> data_outputs() const override { return {softmax::output_port(io_)}; }
  int latency() const override { return p_.pipeline_stages + 1; }
  Operations operations() const override { return {1, "softmax row"}; }

  PortValues emulate(const PortValues& in) const override {
    const auto x = softmax::unpack_logits(io_, in[0]);
    std::vector<uint32_t> y(static_cast<std::size_t>(p_.n));
    golden::opal_softmax(s_, x, y);
    return {softmax::pack_outputs(io_, y)};
  }

  std::vector<TestVector> corner_cases() const override {
    auto v = softmax::common_corner_cases(io_);
    const int n = p_.n;
    // Rounding ties of step 4: d with d * C = (2j + 1) * 2^(shift - 1).
    if (s_.shift > 0) {
      std::vector<int32_t> x(static_cast<std::size_t>(n), 0);
      const int64_t mod = int64_t{1} << s_.shift, half = mod >> 1;
      int found = 0;
      for (int64_t d = 1; d < (int64_t{1} << s_.jd) && found < n - 1; ++d)
        if ((d * s_.c) % mod == half)
          x[static_cast<std::size_t>(++found)] = static_cast<int32_t>(-d);
      if (found > 0)
        v.push_back(softmax::make_vector(io_, x, "step-4 rounding ties (t = j + 1/2)"));
    }
    // Saturation edge of t: d just below and at the clamp and the t cap.
    {
      std::vector<int32_t> x(static_cast<std::size_t>(n), 0);
      const int64_t lo = -(int64_t{1} << (io_.int_bits + io_.frac_bits - 1));
      for (int i = 1; i < n; ++i) {
        int64_t d = 0;
        switch (i % 4) {
          case 0:
            d = (int64_t{1} << s_.jd) - 1 - (i / 4);
            break;
          case 1:
            d = (int64_t{1} << s_.jd) + (i / 4);
            break;
          case 2:
            d = static_cast<int64_t>(std::ceil(static_cast<double>(s_.t_cap) /
                                               std::ldexp(static_cast<double>(s_.c), -s_.shift))) -
                (i / 4);
            break;
          default:
            d = (i / 4) * 37;
            break;
        }
        x[static_cast<std::size_t>(i)] = static_cast<int32_t>(std::max(lo, -d));
      }
      v.push_back(softmax::make_vector(io_, x, "t near its saturation and the d clamp"));
    }
    return v;
  }

  TestVector random_case(std::mt19937_64& rng) const override {
    return softmax::random_vector(io_, rng);
  }
  std::vector<Workload> workloads() const override { return {softmax::attention_workload()}; }
  std::vector<TestVector> workload_chunk(const std::string& name,
                                         std::mt19937_64& rng) const override {
    return softmax::attention_chunk(io_, name, rng);
  }

  // Accuracy against exact softmax (the report's figures on 500 vectors of
  // each distribution, seed 1) and the cost-relevant widths.
  nlohmann::ordered_json metrics() const override {
    nlohmann::ordered_json j;
    j["input_format"] = fmt::format("signed Q{}.{}", p_.in_int_bits, p_.in_frac_bits);
    j["output_format"] = fmt::format("unsigned Q0.{}", p_.out_bits);
    j["log2e_constant"] = static_cast<double>(s_.c) / static_cast<double>(1 << s_.k);
    j["table_entries"] = 0;
    for (auto dist : {softmax::LogitDist::Uniform, softmax::LogitDist::Attention}) {
      const auto logits = softmax::make_logits(dist, p_.n, 500, 1);
      const auto codes = softmax::quantize_logits(logits, p_.in_int_bits, p_.in_frac_bits);
      const auto st =
          softmax::evaluate([this](std::span<const int32_t> x,
                                   std::span<uint32_t> y) { golden::opal_softmax(s_, x, y); },
                            codes, p_.n, p_.in_frac_bits, p_.out_bits);
      const std::string key = dist == softmax::LogitDist::Uniform ? "uniform" : "attention";
      j[key] = {{"max_abs_err", st.max_abs_err},
                {"mean_kl", st.mean_kl},
                {"top1", st.top1},
                {"mean_sum_dev", st.mean_sum_dev}};
    }
    return j;
  }

 private:
  OpalSoftmaxParams p_;
  std::string top_;
  OpalSoftmaxShape s_;
  softmax::VectorIo io_;
};

std::string default_name(const OpalSoftmaxParams& p) {
  return fmt::format("opal_softmax_n{}_q{}_{}_o{}_p{}", p.n, p.in_int_bits, p.in_frac_bits,
                     p.out_bits, p.pipeline_stages);
}

const UnitRegistration registration(make_unit<OpalSoftmaxParams>(
    "opal.softmax",
    "log2 softmax (OPAL): n fixed-point logits -> n Q0.B outputs with shifts, adds, compares "
    "and leading-one detection only",
    [](const OpalSoftmaxParams& p, std::string top) {
      return std::make_unique<OpalSoftmaxDesign>(p, std::move(top));
    },
    default_name,
    {
        "n = 16\npipeline_stages = 1",
        "n = 8\nin_int_bits = 5\nin_frac_bits = 6\nout_bits = 8\nlog2e_frac_bits = 8\n"
        "exp_frac_bits = 0\nlog_frac_bits = 0\nlog_bias = 0\nsum_frac_bits = 6\n"
        "pipeline_stages = 3",
        "n = 12\nexp_frac_bits = 2\nlog_frac_bits = 5\nlog_bias = 3\nsum_frac_bits = 9\n"
        "pipeline_stages = 2",
    }));

}  // namespace
}  // namespace bf::opal_softmax
