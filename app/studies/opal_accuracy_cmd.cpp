// `blockforge opal-accuracy`: what OPAL's outliers buy. SQNR of MX-OPAL
// (bits x outliers) next to MXINT of the same bits (OCP k = 32 and OPAL's
// block size) and per-tensor INT8, with the storage bits per element of each,
// on activations from an .npy file or on seeded LLM-like activations
// (golden/data/synthetic.hpp).
#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <iostream>
#include <random>

#include "app/cli/cli.hpp"
#include "generator/design/rtl_writer.hpp"
#include "golden/arith/fp_add.hpp"
#include "golden/arith/fp_mul.hpp"
#include "golden/data/synthetic.hpp"
#include "golden/formats/float_format.hpp"
#include "golden/formats/int_format.hpp"
#include "golden/formats/int_tensor.hpp"
#include "golden/formats/mx_opal.hpp"
#include "golden/formats/tensor_quant.hpp"
#include "golden/io/npy.hpp"
#include "golden/units/opal_core/opal_gemv.hpp"

namespace bf::cli {

namespace {

struct AccuracyArgs {
  std::string in;
  golden::LlmActivationSpec spec;
  int block = 128;
  bool json = false;
  std::size_t gemv_tokens = 8;
  std::size_t gemv_channels = 128;
  int weight_bits = 4;
};

struct GemvEntry {
  std::string arithmetic;
  int bits;
  int outliers;
  golden::ErrorStats vs_fp32;     // against W x in double, unquantized
  golden::ErrorStats vs_weights;  // against the quantized weights, exact activations
};

// y = W x for the first `tokens` activation rows through each arithmetic:
// opal.pe (MX-OPAL b x n, and n = 0 = baseline.mx_dot) and baseline.bf16_dot
// (bf16 activations x weights dequantized to bf16, fp32 accumulation, 16
// lanes). Weights: seeded N(0, 1/cols), quantized per output channel to
// `weight_bits` two's complement with a bf16 scale (quantize_weight_row).
std::vector<GemvEntry> gemv_errors(const AccuracyArgs& a, const std::vector<float>& x,
                                   std::size_t rows, std::size_t cols) {
  if (cols % static_cast<std::size_t>(a.block) != 0)
    throw std::runtime_error(fmt::format(
        "GEMV: {} channels is not a multiple of the block size {}; pass --block dividing it", cols,
        a.block));
  const std::size_t T = std::min(a.gemv_tokens, rows), M = a.gemv_channels;
  std::mt19937_64 rng(a.spec.seed + 7);
  std::normal_distribution<float> gauss(0.0f, 1.0f / std::sqrt(static_cast<float>(cols)));
  std::vector<float> w(M * cols);
  for (auto& v : w) v = gauss(rng);
  std::vector<golden::IntWeightRow> wq;
  for (std::size_t m = 0; m < M; ++m)
    wq.push_back(golden::quantize_weight_row({w.data() + m * cols, cols}, a.weight_bits));
  // Per weight: the exact dequantized value (for the reference) and its bf16
  // rounding (what baseline.bf16_dot multiplies), computed once.
  const golden::FpMulSpec to_bf16{golden::FloatFormat::bf16(), golden::FloatFormat::bf16(),
                                  golden::FloatFormat::bf16(), golden::Rounding::NearestEven};
  std::vector<double> wdeq(M * cols);
  std::vector<uint32_t> wdeq_bf16(M * cols);
  for (std::size_t m = 0; m < M; ++m) {
    const double scale = golden::fp32_from_bits(wq[m].scale_bf16 << 16);
    for (std::size_t i = 0; i < cols; ++i) {
      const int64_t c =
          golden::decode_int(golden::IntEncoding::TwosComplement, a.weight_bits, wq[m].codes[i]);
      wdeq[m * cols + i] = static_cast<double>(c) * scale;
      const uint32_t c_bf16 = golden::fp32_to_bf16(golden::fp32_bits(static_cast<float>(c)));
      wdeq_bf16[m * cols + i] = golden::fp_mul(to_bf16, c_bf16, wq[m].scale_bf16);
    }
  }
  std::vector<float> ref(T * M), refw(T * M);
  for (std::size_t t = 0; t < T; ++t)
    for (std::size_t m = 0; m < M; ++m) {
      double s = 0, sw = 0;
      for (std::size_t i = 0; i < cols; ++i) {
        s += static_cast<double>(x[t * cols + i]) * w[m * cols + i];
        sw += static_cast<double>(x[t * cols + i]) * wdeq[m * cols + i];
      }
      ref[t * M + m] = static_cast<float>(s);
      refw[t * M + m] = static_cast<float>(sw);
    }
  std::vector<GemvEntry> out;
  std::vector<float> y(T * M);
  auto record = [&](std::string name, int bits, int n) {
    out.push_back({std::move(name), bits, n, golden::error_stats(ref.data(), y.data(), y.size()),
                   golden::error_stats(refw.data(), y.data(), y.size())});
  };
  // baseline.bf16_dot: bf16 activations, 16 lanes (golden::fp_dot order).
  const golden::FpMulSpec mul{};
  const golden::FpAddSpec add{};
  std::vector<uint32_t> xa(cols);
  for (std::size_t t = 0; t < T; ++t) {
    for (std::size_t i = 0; i < cols; ++i)
      xa[i] = golden::fp32_to_bf16(golden::fp32_bits(x[t * cols + i]));
    for (std::size_t m = 0; m < M; ++m)
      y[t * M + m] = golden::fp32_from_bits(
          golden::fp_dot(mul, add, 0, xa.data(), wdeq_bf16.data() + m * cols, cols, 16));
  }
  record("bf16_dot (bf16 x deq. weights)", 16, 0);
  for (int bits : {3, 5})
    for (int n : {0, 4}) {
      golden::OpalPeParams p;
      p.block = a.block;
      p.outliers = n;
      p.act_bits = {bits};
      p.weight_bits = a.weight_bits;
      p.lanes = static_cast<int>(
          std::min<unsigned>(16, std::bit_floor(static_cast<unsigned>(a.block / (n + 1)))));
      const auto c = p.config();
      for (std::size_t t = 0; t < T; ++t) {
        std::vector<uint32_t> xb(cols);
        for (std::size_t i = 0; i < cols; ++i) xb[i] = golden::fp32_bits(x[t * cols + i]);
        const auto act = golden::opal_quantize_activation(c, 0, xb);
        for (std::size_t m = 0; m < M; ++m)
          y[t * M + m] =
              golden::fp32_from_bits(golden::opal_pe_dot(c, act, wq[m].codes, wq[m].scale_bf16));
      }
      record(n ? "opal.pe (MX-OPAL)" : "mx_dot (MXINT)", bits, n);
    }
  return out;
}

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
  const auto gemv = a.gemv_channels > 0 ? gemv_errors(a, x, rows, cols) : std::vector<GemvEntry>{};
  const std::string gemv_source = fmt::format(
      "GEMV y = W x: the first {} activation rows, W {}x{} seeded N(0, 1/{}), {}-bit per-channel "
      "weights with a bf16 scale",
      std::min(a.gemv_tokens, rows), a.gemv_channels, cols, cols, a.weight_bits);

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
    if (!gemv.empty()) j["gemv"]["source"] = gemv_source;
    for (const auto& e : gemv)
      j["gemv"]["rows"].push_back({{"arithmetic", e.arithmetic},
                                   {"act_bits", e.bits},
                                   {"outliers", e.outliers},
                                   {"sqnr_db_vs_fp32", e.vs_fp32.sqnr_db},
                                   {"sqnr_db_vs_quantized_weights", e.vs_weights.sqnr_db}});
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
  if (gemv.empty()) return 0;
  std::cout << "\n" << gemv_source << "\n";
  std::cout << "SQNR of the outputs against W x in double, and against the quantized weights\n"
               "(the error of the activation path alone)\n\n";
  std::cout << fmt::format("{:<32} {:>8} {:>8} {:>12} {:>14}\n", "arithmetic", "act bits",
                           "outliers", "vs fp32 dB", "vs W_q dB");
  for (const auto& e : gemv)
    std::cout << fmt::format("{:<32} {:>8} {:>8} {:>12.2f} {:>14.2f}\n", e.arithmetic, e.bits,
                             e.outliers, e.vs_fp32.sqnr_db, e.vs_weights.sqnr_db);
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
  cmd->add_option("--gemv-tokens", a->gemv_tokens, "GEMV: activation rows used")
      ->capture_default_str();
  cmd->add_option("--gemv-channels", a->gemv_channels,
                  "GEMV: output channels (rows of W); 0 skips the GEMV table")
      ->capture_default_str();
  cmd->add_option("--weight-bits", a->weight_bits, "GEMV: weight bits")
      ->check(CLI::Range(2, 8))
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
