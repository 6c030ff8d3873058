#include "generator/units/flexblock_array/flexblock_array_vectors.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "generator/units/flexblock_array/flexblock_array_ports.hpp"

namespace bf::flexblock_array {

namespace fb = golden::flexblock;
using fb::Mode;
using golden::FlexblockArrayBeat;
using golden::FlexblockArrayParams;

namespace {

constexpr Mode kModes[] = {Mode::M4, Mode::M8, Mode::M16};
constexpr int kWorkloadK = 576;  // a 3 x 3 x 64 convolution's reduction

std::string pair_label(Mode a, Mode b) {
  return fmt::format("{}x{}", fb::mantissa_bits(a), fb::mantissa_bits(b));
}

void append(std::vector<TestVector>& out, const FlexblockArrayParams& p,
            const golden::ArraySchedule& s, const std::string& label) {
  for (std::size_t i = 0; i < s.beats.size(); ++i)
    out.push_back({to_ports(p, s.beats[i]), fmt::format("{} (beat {})", label, i)});
}

}  // namespace

GemmOperands gaussian_gemm(Mode ma, Mode mb, int m, int n, int k, std::mt19937_64& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> a(static_cast<std::size_t>(m * k)), b(static_cast<std::size_t>(n * k));
  for (auto& x : a) x = normal(rng);
  for (auto& x : b) x = normal(rng);
  return {fb::bfp_quantize_a(a.data(), m, k, ma), fb::bfp_quantize_a(b.data(), n, k, mb)};
}

std::vector<TestVector> corner_cases(const FlexblockArrayParams& p) {
  std::vector<TestVector> out;
  std::mt19937_64 rng(20261206);
  // Every mode pair, back to back (the next GEMM's first segment runs while
  // the previous one drains), with a partial tile in each direction.
  for (Mode ma : kModes)
    for (Mode mb : kModes) {
      const auto g = gaussian_gemm(ma, mb, p.rows + 1, p.cols + 1, 40, rng);
      append(out, p, golden::schedule_gemm(p, g.a, g.bt, false),
             pair_label(ma, mb) + " GEMM, partial tiles");
    }
  // Several segments per output: groups 216 / 216 / 68 (4-bit) and 54 / 216
  // against 16 x 4 (mixed group sizes).
  {
    auto g = gaussian_gemm(Mode::M4, Mode::M4, p.rows, p.cols, 500, rng);
    append(out, p, golden::schedule_gemm(p, g.a, g.bt, false), "4x4 GEMM, three segments");
    g = gaussian_gemm(Mode::M16, Mode::M4, p.rows, p.cols, 130, rng);
    append(out, p, golden::schedule_gemm(p, g.a, g.bt, false), "16x4 GEMM, mixed groups");
  }
  // Special groups: a NaN group in row 0, the largest exponents (overflow to
  // Inf) in the last row, the smallest (underflow) in column 0.
  {
    auto g = gaussian_gemm(Mode::M8, Mode::M8, p.rows, p.cols, 60, rng);
    g.a.exps[0] = fb::kNanExp;
    for (int i = 0; i < g.a.groups_per_row(); ++i)
      g.a.exps[static_cast<std::size_t>((p.rows - 1) * g.a.groups_per_row() + i)] = 254;
    for (auto& e : g.bt.exps) e = 254;
    for (int i = 0; i < g.bt.groups_per_row(); ++i) g.bt.exps[static_cast<std::size_t>(i)] = 1;
    append(out, p, golden::schedule_gemm(p, g.a, g.bt, false), "NaN, overflow and underflow");
  }
  // Mode code 3 reads as 16 bits; then drain.
  {
    const auto g = gaussian_gemm(Mode::M16, Mode::M16, p.rows, p.cols, 20, rng);
    const auto s = golden::schedule_gemm(p, g.a, g.bt, true);
    for (std::size_t i = 0; i < s.beats.size(); ++i) {
      PortValues v = to_ports(p, s.beats[i]);
      v[0].set(0, 2, 3);
      v[1].set(0, 2, 3);
      out.push_back({v, fmt::format("16x16 GEMM with mode code 3 (beat {})", i)});
    }
  }
  return out;
}

TestVector random_case(const FlexblockArrayParams& p, std::mt19937_64& rng) {
  FlexblockArrayBeat b = FlexblockArrayBeat::zeros(p);
  b.mode_a = kModes[rng() % 3];
  b.mode_b = kModes[rng() % 3];
  auto exponent = [&]() -> uint32_t {
    switch (rng() % 8) {
      case 0:
        return static_cast<uint32_t>(rng() % 256);
      case 1:
        return (rng() % 2) ? 254u : 1u;
      default:
        return static_cast<uint32_t>(120 + rng() % 15);
    }
  };
  auto bus = [&]() -> uint64_t {
    switch (rng() % 4) {
      case 0:
        return ~uint64_t{0};
      case 1:
        return rng() & 0x0F0F0F0F0F0F0F0Full;
      default:
        return rng();
    }
  };
  for (int r = 0; r < p.rows; ++r) {
    const auto i = static_cast<std::size_t>(r);
    b.a_mag[i] = bus();
    b.a_sign[i] = static_cast<uint32_t>(rng() & 0xFFFF);
    b.exp_a[i] = exponent();
  }
  for (int c = 0; c < p.cols; ++c) {
    const auto i = static_cast<std::size_t>(c);
    b.b_mag[i] = bus();
    b.b_sign[i] = static_cast<uint32_t>(rng() & 0xFFFF);
    b.exp_b[i] = exponent();
  }
  b.seg_last = rng() % 8 == 0;
  b.tile_last = rng() % 2 == 0;
  return {to_ports(p, b), "random"};
}

std::vector<Design::Workload> workloads(const FlexblockArrayParams& p) {
  std::vector<Design::Workload> v;
  for (const Mode a : kModes)
    for (const Mode b : kModes) {
      std::mt19937_64 rng(1);
      const auto g = gaussian_gemm(a, b, 2 * p.rows, 2 * p.cols, kWorkloadK, rng);
      const auto s = golden::schedule_gemm(p, g.a, g.bt, true);
      Design::Workload d;
      d.name = fb::mode_pair_name(a, b);
      d.doc = fmt::format(
          "{} x {} x {} GEMMs of Gaussian values in A {}-bit x B {}-bit BFP (default groups, "
          "truncated), tiles back to back, then the drain",
          2 * p.rows, 2 * p.cols, kWorkloadK, fb::mantissa_bits(a), fb::mantissa_bits(b));
      d.ops = static_cast<double>(4 * p.rows * p.cols * kWorkloadK) /
              static_cast<double>(s.beats.size());
      v.push_back(d);
    }
  return v;
}

std::vector<TestVector> workload_chunk(const FlexblockArrayParams& p, const std::string& name,
                                       std::mt19937_64& rng) {
  for (const Mode a : kModes)
    for (const Mode b : kModes) {
      if (name != fb::mode_pair_name(a, b)) continue;
      const auto g = gaussian_gemm(a, b, 2 * p.rows, 2 * p.cols, kWorkloadK, rng);
      std::vector<TestVector> out;
      append(out, p, golden::schedule_gemm(p, g.a, g.bt, true), name);
      return out;
    }
  throw std::logic_error("flexblock.array: unknown workload " + name);
}

}  // namespace bf::flexblock_array
