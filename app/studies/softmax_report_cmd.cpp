// `blockforge softmax-report [--n N] [--vectors V] [--seed S]
//                            [--opal CONFIG] [--baseline CONFIG]`:
// accuracy of the log2 softmax (opal.softmax's golden arithmetic) and of the
// conventional exp/divide baseline against exact softmax, on uniform and
// attention-like logits (golden/accuracy/softmax_accuracy.hpp
// documents the distributions and the figures). Two reference rows show what
// the design choices buy: the pure power-of-two form of the reference
// (exp_frac_bits = log_frac_bits = log_bias = 0) and the form without the
// log2(e) pre-scale (microxcaling's mistake; never build it). A last row is
// the exact softmax floored to the output format: the floor of every design.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "app/cli/cli.hpp"
#include "generator/design/rtl_writer.hpp"
#include "generator/config/config.hpp"
#include "golden/accuracy/softmax_accuracy.hpp"
#include "golden/units/opal_softmax/opal_softmax.hpp"
#include "golden/units/softmax_exp_baseline/softmax_exp_baseline.hpp"

namespace bf::cli {

namespace {

struct ReportOptions {
  int n = 64;
  bool n_given = false;
  int vectors = 10000;
  uint64_t seed = 1;
  std::string opal_config;
  std::string baseline_config;
};

template <class P>
P params_from(const std::string& path, const std::string& unit) {
  P p;
  if (path.empty()) return p;
  const auto f = cfg::load_design_file(path);
  if (f.unit != unit)
    throw std::runtime_error(
        fmt::format("{}: unit is '{}', expected '{}'", f.unit_where, f.unit, unit));
  return cfg::read_params<P>(f.params, path, unit);
}

int run_report(const ReportOptions& o) {
  auto op = params_from<golden::OpalSoftmaxParams>(o.opal_config, "opal.softmax");
  auto bp = params_from<golden::SoftmaxExpBaselineParams>(o.baseline_config, "softmax.exp_baseline");
  if (o.n_given || o.opal_config.empty()) op.n = o.n;
  if (o.n_given || o.baseline_config.empty()) bp.n = o.n;
  if (op.n != bp.n)
    throw std::runtime_error(fmt::format(
        "the designs differ in n ({} and {}); pass --n to compare at one length", op.n, bp.n));
  if (op.in_int_bits != bp.in_int_bits || op.in_frac_bits != bp.in_frac_bits ||
      op.out_bits != bp.out_bits)
    std::cerr << "blockforge softmax-report: note: the two designs differ in input/output "
                 "format; each is evaluated in its own\n";

  auto pow2 = op;
  pow2.exp_frac_bits = pow2.log_frac_bits = pow2.log_bias = 0;
  const auto s_opal = std::make_shared<golden::OpalSoftmaxShape>(golden::opal_softmax_shape(op));
  const auto s_pow2 = std::make_shared<golden::OpalSoftmaxShape>(golden::opal_softmax_shape(pow2));
  const auto s_nolog2e =
      std::make_shared<golden::OpalSoftmaxShape>(golden::opal_softmax_shape(op, 1, 0));
  const auto s_base =
      std::make_shared<golden::SoftmaxExpBaselineShape>(golden::softmax_baseline_shape(bp));
  const auto opal_model = [](std::shared_ptr<golden::OpalSoftmaxShape> s) {
    return
        [s](std::span<const int32_t> x, std::span<uint32_t> y) { golden::opal_softmax(*s, x, y); };
  };
  struct Entry {
    std::string name;
    softmax::SoftmaxModel model;
    int int_bits, frac_bits, out_bits;
  };
  const std::vector<Entry> rows = {
      {fmt::format("opal.softmax (F={} G={} bias={} k={})", op.exp_frac_bits, op.log_frac_bits,
                   op.log_bias, op.log2e_frac_bits),
       opal_model(s_opal), op.in_int_bits, op.in_frac_bits, op.out_bits},
      {"  same, pure powers of two (F=G=bias=0)", opal_model(s_pow2), op.in_int_bits,
       op.in_frac_bits, op.out_bits},
      {"  same, no log2(e) pre-scale (wrong)", opal_model(s_nolog2e), op.in_int_bits,
       op.in_frac_bits, op.out_bits},
      {fmt::format("softmax.exp_baseline (table 2^{})", bp.exp_table_bits),
       [s_base](std::span<const int32_t> x, std::span<uint32_t> y) {
         golden::softmax_exp_baseline(*s_base, x, y);
       },
       bp.in_int_bits, bp.in_frac_bits, bp.out_bits},
      {fmt::format("exact softmax floored to Q0.{} (format)", op.out_bits),
       softmax::exact_floored_model(op.in_frac_bits, op.out_bits), op.in_int_bits, op.in_frac_bits,
       op.out_bits},
  };

  std::cout << fmt::format(
      "softmax accuracy vs exact softmax (double) of the same quantized logits\n"
      "n = {}, {} vectors per distribution, seed {}; input signed Q{}.{}, output Q0.{}\n"
      "uniform: x ~ U(-8, 8); attention-like: sigma * N(0,1), sigma ~ U(1,3) per vector, "
      "1..3 peaks +U(4,10)\n"
      "KL(p || q) in nats, q = output with zeros at half an LSB, renormalized; top-1: first "
      "argmax equal\n\n",
      op.n, o.vectors, o.seed, op.in_int_bits, op.in_frac_bits, op.out_bits);
  for (auto dist : {softmax::LogitDist::Uniform, softmax::LogitDist::Attention}) {
    const auto logits = softmax::make_logits(dist, op.n, o.vectors, o.seed);
    std::cout << fmt::format("{}\n", softmax::to_string(dist));
    std::cout << fmt::format("  {:<44} {:>10} {:>10} {:>10} {:>7} {:>10}\n", "model", "max|err|",
                             "mean|err|", "mean KL", "top-1", "|sum-1|");
    for (const auto& r : rows) {
      const auto codes = softmax::quantize_logits(logits, r.int_bits, r.frac_bits);
      const auto st = softmax::evaluate(r.model, codes, op.n, r.frac_bits, r.out_bits);
      std::cout << fmt::format("  {:<44} {:>10.3e} {:>10.3e} {:>10.3e} {:>7.4f} {:>10.3e}\n",
                               r.name, st.max_abs_err, st.mean_abs_err, st.mean_kl, st.top1,
                               st.mean_sum_dev);
    }
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

void add_softmax_report_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "softmax-report",
      "Accuracy of opal.softmax (log2 softmax) and softmax.exp_baseline against exact softmax");
  auto o = std::make_shared<ReportOptions>();
  cmd->add_option("--n", o->n, "vector length (default 64, or the configs' n)")
      ->check(CLI::Range(2, 256))
      ->each([o](const std::string&) { o->n_given = true; });
  cmd->add_option("--vectors", o->vectors, "vectors per distribution (default 10000)")
      ->check(CLI::Range(1, 10000000));
  cmd->add_option("--seed", o->seed, "seed of the logit generator (default 1)");
  cmd->add_option("--opal", o->opal_config,
                  "opal.softmax design file (default: the unit's defaults)");
  cmd->add_option("--baseline", o->baseline_config,
                  "softmax.exp_baseline design file (default: the unit's defaults)");
  cmd->callback([o, &exit_code] {
    try {
      exit_code = run_report(*o);
    } catch (const std::exception& e) {
      exit_code = fail("softmax-report", e.what());
    }
  });
}

}  // namespace bf::cli
