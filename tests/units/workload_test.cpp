// The units' realistic power workloads (Design::workloads(), `blockforge
// power --workload`): every shipped config's workloads give whole rows the
// golden stream model accepts, the dot-product rows compute the GEMV they
// claim (the unit's fp32 result is near the exact dot product of the
// unquantized data, so activations, weights and scales are encoded in the
// right lanes and signs), and the softmax rows look like attention scores.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "generator/design/registry.hpp"
#include "golden/data/synthetic.hpp"
#include "golden/formats/float_format.hpp"

namespace bf {
namespace {

namespace fs = std::filesystem;

std::string config(const std::string& name) {
  return std::string(BLOCKFORGE_SOURCE_DIR) + "/configs/" + name + ".toml";
}

int port_index(const std::vector<PortSpec>& ports, const std::string& name) {
  for (std::size_t i = 0; i < ports.size(); ++i)
    if (ports[i].name == name) return static_cast<int>(i);
  return -1;
}

TEST(Workloads, EveryShippedConfigGivesWholeRowsTheModelAccepts) {
  int checked = 0;
  for (const auto& entry :
       fs::directory_iterator(std::string(BLOCKFORGE_SOURCE_DIR) + "/configs")) {
    if (entry.path().extension() != ".toml") continue;
    const auto design = load_design(entry.path().string());
    const auto inputs = design->data_inputs();
    const int done = port_index(design->data_outputs(), "done_o");
    for (const auto& w : design->workloads()) {
      SCOPED_TRACE(design->top_name() + " @ " + w.name);
      EXPECT_FALSE(w.doc.empty());
      std::mt19937_64 rng(7);
      auto model = design->stream_model();
      for (int c = 0; c < 3; ++c) {
        const auto chunk = design->workload_chunk(w.name, rng);
        ASSERT_FALSE(chunk.empty());
        for (std::size_t v = 0; v < chunk.size(); ++v) {
          ASSERT_EQ(chunk[v].inputs.size(), inputs.size());
          for (std::size_t p = 0; p < inputs.size(); ++p)
            ASSERT_EQ(chunk[v].inputs[p].width(), inputs[p].width) << inputs[p].name;
          const auto out = model->step(chunk[v].inputs);
          // A dot-product chunk is one row: the result comes with its last beat
          // only. An array's chunk is a whole GEMM (done_o has a bit per row):
          // its results leave over several beats, the last with the last beat.
          if (done >= 0) {
            const BitVec& d = out[static_cast<std::size_t>(done)];
            const bool any = d.get(0, d.width()) != 0;
            if (d.width() == 1) {
              EXPECT_EQ(any, v + 1 == chunk.size());
            } else if (v + 1 == chunk.size()) {
              EXPECT_TRUE(any);
            }
          }
        }
      }
      ++checked;
    }
    std::mt19937_64 rng(1);
    EXPECT_THROW(design->workload_chunk("no-such-workload", rng), std::logic_error);
  }
  // opal_pe and baseline_mx_dot (llm, llm-3bit, llm-5bit each), opal_pe_a3,
  // a5, l32, l64, both bf16 baselines, both softmax units.
  EXPECT_GE(checked, 12);
}

// The fp32 result of a row of `workload` on `design` and the exact dot
// product of the row golden::llm_gemv_row draws from the same seed (with
// weights dequantized), with the row's scale sqrt(sum (x_i w_i)^2).
struct RowCheck {
  double y = 0, exact = 0, scale = 0;
  std::size_t beats = 0;
};

RowCheck run_row(const Design& design, const std::string& workload, int weight_bits,
                 uint64_t seed) {
  std::mt19937_64 rng(seed), ref_rng(seed);
  const auto chunk = design.workload_chunk(workload, rng);
  auto model = design.stream_model();
  PortValues out;
  for (const auto& v : chunk) out = model->step(v.inputs);
  golden::LlmActivationSpec spec;
  spec.cols = 4096;
  const auto row = golden::llm_gemv_row(spec, weight_bits, ref_rng);
  RowCheck r;
  r.beats = chunk.size();
  r.y = golden::fp32_from_bits(static_cast<uint32_t>(out[1].get(0, 32)));
  for (std::size_t i = 0; i < row.activations.size(); ++i) {
    const double t = static_cast<double>(row.activations[i]) * row.weights[i] * row.weight_scale;
    r.exact += t;
    r.scale += t * t;
  }
  r.scale = std::sqrt(r.scale);
  return r;
}

TEST(Workloads, LlmRowsComputeTheGemvTheyClaim) {
  const auto opal = load_design(config("opal_pe"));  // act_bits [3, 5], 4-bit weights
  const auto bf16 = load_design(config("baseline_bf16_dot_fused"));
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE(seed);
    // 5-bit MX-OPAL activations: a few percent of the row's scale.
    const RowCheck o5 = run_row(*opal, "llm-5bit", 4, seed);
    EXPECT_EQ(o5.beats, 4096u / 16);
    EXPECT_LT(std::abs(o5.y - o5.exact), 0.1 * o5.scale) << o5.y << " vs " << o5.exact;
    // 3-bit: coarser, still the same dot product.
    const RowCheck o3 = run_row(*opal, "llm-3bit", 4, seed);
    EXPECT_LT(std::abs(o3.y - o3.exact), 0.35 * o3.scale) << o3.y << " vs " << o3.exact;
    EXPECT_GT(std::abs(o3.y - o3.exact), std::abs(o5.y - o5.exact) * 0.2);
    // bf16 activations and dequantized weights: bf16 rounding only.
    const RowCheck b = run_row(*bf16, "llm", 4, seed);
    EXPECT_EQ(b.beats, 4096u / 16);
    EXPECT_LT(std::abs(b.y - b.exact), 0.01 * b.scale) << b.y << " vs " << b.exact;
  }
}

TEST(Workloads, LlmRowsCarryTheOutlierChannels) {
  // Outlier channels (x20..100) reach the bf16 outlier slots of MX-OPAL.
  const auto opal = load_design(config("opal_pe"));
  std::mt19937_64 rng(3);
  const auto chunk = opal->workload_chunk("llm-3bit", rng);
  const auto oval = port_index(opal->data_inputs(), "oval_i");
  ASSERT_GE(oval, 0);
  double largest = 0;
  for (const auto& v : chunk)
    for (int j = 0; j < 4; ++j)
      largest = std::max(
          largest,
          std::abs(golden::decode(
              golden::FloatFormat::bf16(),
              static_cast<uint32_t>(v.inputs[static_cast<std::size_t>(oval)].get(j * 16, 16)))));
  EXPECT_GT(largest, 10.0);
}

TEST(Workloads, AttentionRowsHavePeaks) {
  const auto sm = load_design(config("opal_softmax"));
  const auto& port = sm->data_inputs().front();
  const int n = static_cast<int>(port.fields.size());
  ASSERT_GT(n, 1);
  const int w = port.width / n;
  const double lsb = std::ldexp(1.0, -sm->params_json()["in_frac_bits"].get<int>());
  std::mt19937_64 rng(5);
  for (int r = 0; r < 20; ++r) {
    const auto chunk = sm->workload_chunk("attention", rng);
    ASSERT_EQ(chunk.size(), 1u);
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int i = 0; i < n; ++i) {
      int64_t c = static_cast<int64_t>(chunk[0].inputs[0].get(i * w, w));
      if (c >= (int64_t{1} << (w - 1))) c -= int64_t{1} << w;
      lo = std::min(lo, c);
      hi = std::max(hi, c);
    }
    // sigma in [1, 3] and a peak of +4..10: several units between the extremes.
    EXPECT_GT(static_cast<double>(hi - lo) * lsb, 4.0) << "a flat row is not attention-like";
  }
}

}  // namespace
}  // namespace bf
