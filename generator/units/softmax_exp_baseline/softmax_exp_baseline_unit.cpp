// softmax.exp_baseline: the Design (ports, vectors, model) and its
// registration. Ports, packing and vectors are shared with opal.softmax.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "generator/design/softmax_io.hpp"
#include "generator/design/unit_info.hpp"
#include "generator/units/softmax_exp_baseline/softmax_exp_baseline_rtl.hpp"
#include "golden/accuracy/softmax_accuracy.hpp"
#include "golden/units/softmax_exp_baseline/softmax_exp_baseline.hpp"

namespace bf::softmax_exp_baseline {
namespace {

using golden::SoftmaxExpBaselineParams;
using golden::SoftmaxExpBaselineShape;

class SoftmaxExpBaselineDesign : public Design {
 public:
  SoftmaxExpBaselineDesign(SoftmaxExpBaselineParams p, std::string top)
      : p_(std::move(p)),
        top_(std::move(top)),
        s_(golden::softmax_baseline_shape(p_)),
        io_{p_.n, p_.in_int_bits, p_.in_frac_bits, p_.out_bits} {}

  std::string unit_name() const override { return "softmax.exp_baseline"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, generated_header(*this, top_));
  }

  std::vector<PortSpec> data_inputs() const override { return {softmax::input_port(io_)}; }
  std::vector<PortSpec> data_outputs() const override { return {softmax::output_port(io_)}; }
  int latency() const override { return p_.latency(); }
  Operations operations() const override { return {1, "softmax row"}; }

  PortValues emulate(const PortValues& in) const override {
    const auto x = softmax::unpack_logits(io_, in[0]);
    std::vector<uint32_t> y(static_cast<std::size_t>(p_.n));
    golden::softmax_exp_baseline(s_, x, y);
    return {softmax::pack_outputs(io_, y)};
  }

  std::vector<TestVector> corner_cases() const override {
    auto v = softmax::common_corner_cases(io_);
    const int n = p_.n;
    const int32_t lo = io_.min_code();
    // Every table segment and its ends: d stepping by 1 LSB through the
    // range of u that indexes the table, from several starting points.
    {
      std::vector<int32_t> x(static_cast<std::size_t>(n), 0);
      const int64_t step = std::max<int64_t>(1, (int64_t{1} << s_.fi) / n);
      for (int i = 1; i < n; ++i) x[static_cast<std::size_t>(i)] = static_cast<int32_t>(-i * step);
      v.push_back(softmax::make_vector(io_, x, "d sweeping the table segments"));
    }
    // Near the u saturation and the d clamp.
    {
      std::vector<int32_t> x(static_cast<std::size_t>(n), 0);
      const double d_cap =
          std::ldexp(static_cast<double>(s_.u_cap), s_.shift) / static_cast<double>(s_.c);
      for (int i = 1; i < n; ++i) {
        const int64_t d =
            (i % 2) ? static_cast<int64_t>(d_cap) - i / 2 : (int64_t{1} << s_.jd) - 1 + (i / 2 - 2);
        x[static_cast<std::size_t>(i)] = static_cast<int32_t>(std::max<int64_t>(lo, -d));
      }
      v.push_back(softmax::make_vector(io_, x, "u near its saturation and the d clamp"));
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

  nlohmann::ordered_json metrics() const override {
    nlohmann::ordered_json j;
    j["input_format"] = fmt::format("signed Q{}.{}", p_.in_int_bits, p_.in_frac_bits);
    j["output_format"] = fmt::format("unsigned Q0.{}", p_.out_bits);
    j["table_entries"] = 1 << p_.exp_table_bits;
    j["multipliers"] = 2 * p_.n;
    j["dividers"] = 1;
    for (auto dist : {softmax::LogitDist::Uniform, softmax::LogitDist::Attention}) {
      const auto logits = softmax::make_logits(dist, p_.n, 500, 1);
      const auto codes = softmax::quantize_logits(logits, p_.in_int_bits, p_.in_frac_bits);
      const auto st = softmax::evaluate(
          [this](std::span<const int32_t> x, std::span<uint32_t> y) {
            golden::softmax_exp_baseline(s_, x, y);
          },
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
  SoftmaxExpBaselineParams p_;
  std::string top_;
  SoftmaxExpBaselineShape s_;
  softmax::VectorIo io_;
};

std::string default_name(const SoftmaxExpBaselineParams& p) {
  return fmt::format("softmax_exp_baseline_n{}_q{}_{}_o{}_p{}{}", p.n, p.in_int_bits,
                     p.in_frac_bits, p.out_bits, p.pipeline_stages,
                     p.divider_stages ? fmt::format("_d{}", p.divider_stages) : std::string());
}

const UnitRegistration registration(make_unit<SoftmaxExpBaselineParams>(
    "softmax.exp_baseline",
    "conventional softmax baseline: table+interpolation exp, adder tree, one restoring "
    "reciprocal and n multipliers (for area/accuracy comparison with opal.softmax)",
    [](const SoftmaxExpBaselineParams& p, std::string top) {
      return std::make_unique<SoftmaxExpBaselineDesign>(p, std::move(top));
    },
    default_name,
    {
        "n = 16\npipeline_stages = 1",
        "n = 6\nin_int_bits = 5\nin_frac_bits = 6\nout_bits = 8\nexp_table_bits = 3\n"
        "pipeline_stages = 3",
        // The reciprocal pipelined: cuts inside the restoring array.
        "n = 8\npipeline_stages = 1\ndivider_stages = 3",
        // Every row its own stage (out_bits 8: 10 quotient rows).
        "n = 4\nout_bits = 8\nexp_table_bits = 3\ndivider_stages = 9",
    }));

}  // namespace
}  // namespace bf::softmax_exp_baseline
