// `blockforge opal-accuracy`: what OPAL's outliers buy. SQNR of MX-OPAL
// (bits x outliers) next to MXINT of the same bits (OCP k = 32 and OPAL's
// block size) and per-tensor INT8, with the storage bits per element of each,
// on activations from an .npy file or on seeded LLM-like activations
// (golden/data/synthetic.hpp).
#include <fmt/format.h>

#include <iostream>

#include "generator/cli/cli.hpp"
#include "generator/cli/rtl_writer.hpp"
#include "golden/data/synthetic.hpp"
#include "golden/formats/int_tensor.hpp"
#include "golden/formats/mx_opal.hpp"
#include "golden/formats/tensor_quant.hpp"
#include "golden/io/npy.hpp"

namespace bf::cli {

namespace {

struct AccuracyArgs {
  std::string in;
  golden::LlmActivationSpec spec;
  int block = 128;
  bool json = false;
};

struct Entry {
  std::string format;
  int bits;
  int outliers;
  double bits_per_element;
  golden::ErrorStats err;
};

int run_accuracy(const AccuracyArgs& a) {
  std::vector<float> x;
  std::size_t rows, cols;
  std::string source;
  if (!a.in.empty()) {
    auto t = golden::read_npy_f32(a.in);
    cols = t.shape.empty() ? 1 : t.shape.back();
    rows = t.data.size() / cols;
    x = std::move(t.data);
    source = a.in;
  } else {
    x = golden::llm_like_activations(a.spec);
    rows = a.spec.rows;
    cols = a.spec.cols;
    source = fmt::format(
        "synthetic LLM-like activations {}x{}, seed {}: N(0,1) body, {:.1f}% of channels scaled "
        "by U[{:g}, {:g}]",
        rows, cols, a.spec.seed, 100 * a.spec.outlier_channel_fraction, a.spec.outlier_min,
        a.spec.outlier_max);
  }
  std::vector<float> q(x.size());
  std::vector<Entry> table;
  for (int bits : {3, 4, 5, 7}) {
    for (int n : {0, 2, 4, 8}) {
      golden::MxOpalFormat f;
      f.block_size = a.block;
      f.outliers = n;
      f.bits = bits;
      golden::mx_opal_quantize_dequantize(f, x.data(), q.data(), rows, cols);
      table.push_back({n ? "mx-opal" : fmt::format("mxint{} k{}", bits, a.block), bits, n,
                       f.bits_per_element(), golden::error_stats(x.data(), q.data(), x.size())});
    }
    golden::BlockFormat mx = golden::BlockFormat::parse(fmt::format("mxint{}", bits));
    golden::quantize_dequantize(mx, x.data(), q.data(), rows, cols);
    table.push_back({fmt::format("mxint{} k32", bits), bits, 0, mx.bits_per_element(),
                     golden::error_stats(x.data(), q.data(), x.size())});
  }
  golden::quantize_dequantize_per_tensor(8, x.data(), q.data(), x.size());
  table.push_back(
      {"int8 per tensor", 8, 0, 8.0, golden::error_stats(x.data(), q.data(), x.size())});

  if (a.json) {
    nlohmann::ordered_json j;
    j["source"] = source;
    j["block"] = a.block;
    for (const auto& e : table)
      j["rows"].push_back({{"format", e.format},
                           {"bits", e.bits},
                           {"outliers", e.outliers},
                           {"bits_per_element", e.bits_per_element},
                           {"sqnr_db", e.err.sqnr_db},
                           {"mse", e.err.mse},
                           {"max_abs_error", e.err.max_abs}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "activations: " << source << "\n";
  std::cout << fmt::format(
      "MX-OPAL block k = {} (outliers kept in bf16 + index; inliers MXINT, "
      "sign-magnitude, nearest_even)\n\n",
      a.block);
  std::cout << fmt::format("{:<18} {:>4} {:>8} {:>10} {:>10} {:>12}\n", "format", "bits",
                           "outliers", "bits/elem", "SQNR dB", "max |err|");
  for (const auto& e : table)
    std::cout << fmt::format("{:<18} {:>4} {:>8} {:>10.3f} {:>10.2f} {:>12.4g}\n", e.format, e.bits,
                             e.outliers, e.bits_per_element, e.err.sqnr_db, e.err.max_abs);
  return 0;
}

}  // namespace

void add_opal_accuracy_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "opal-accuracy",
      "SQNR of MX-OPAL (bits 3/4/5/7 x outliers 0/2/4/8) vs MXINT and per-tensor INT8");
  auto a = std::make_shared<AccuracyArgs>();
  cmd->add_option("--in", a->in, "float32 .npy activations (blocks along the last axis)");
  cmd->add_option("--rows", a->spec.rows, "synthetic activations: rows (tokens)")
      ->capture_default_str();
  cmd->add_option("--cols", a->spec.cols, "synthetic activations: channels")->capture_default_str();
  cmd->add_option("--seed", a->spec.seed, "synthetic activations: seed")->capture_default_str();
  cmd->add_option("--outlier-fraction", a->spec.outlier_channel_fraction,
                  "synthetic activations: share of outlier channels")
      ->capture_default_str();
  cmd->add_option("--block", a->block, "MX-OPAL block size k")
      ->check(CLI::Range(32, 256))
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "print JSON");
  cmd->callback([a, &exit_code] {
    try {
      exit_code = run_accuracy(*a);
    } catch (const std::exception& e) {
      exit_code = fail("opal-accuracy", e.what());
    }
  });
}

}  // namespace bf::cli
