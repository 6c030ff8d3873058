#include "generator/units/opal_pe/opal_pe_vectors.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "generator/design/fp_operand_io.hpp"
#include "generator/units/opal_pe/opal_pe_ports.hpp"
#include "golden/data/synthetic.hpp"
#include "golden/formats/float_format.hpp"
#include "golden/formats/mx_opal.hpp"

namespace bf::opal_pe {

using golden::FloatFormat;
using golden::IntEncoding;
using golden::OpalPeBeat;
using golden::OpalPeConfig;

namespace {

constexpr uint32_t kBf16One = 0x3f80, kBf16Inf = 0x7f80, kBf16Nan = 0x7fc0, kBf16Max = 0x7f7f;

uint32_t weight_code(const OpalPeConfig& c, int64_t w) {
  return static_cast<uint32_t>(w) & ((1u << c.weight_bits) - 1);
}

// A bf16 value near 1 (exponent within +-12), sometimes anything (specials
// included), sometimes zero.
uint32_t bf16_value(std::mt19937_64& rng) {
  const auto r = rng() % 100;
  const FloatFormat f = FloatFormat::bf16();
  if (r < 5) return (rng() & 1) ? 0x8000u : 0u;
  if (r < 12) return fp_operand_io::random_code(f, rng);
  return fp_operand_io::make_code(f, rng() & 1, static_cast<int>(rng() % 25) - 12,
                                  fp_operand_io::random_frac(f, rng));
}

// One block of the stream, as the hardware sees it.
struct Block {
  int mode = 0;
  uint32_t scale = 127;
  std::vector<uint32_t> codes;  // k, by position (outlier positions included)
  std::vector<uint32_t> weights;
  std::vector<uint32_t> indices, outliers;
  bool last = false;
  uint32_t wscale = kBf16One;
};

void append_block(const OpalPeConfig& c, const Block& b, const std::string& label,
                  std::vector<TestVector>& out) {
  const int B = c.beats_per_block();
  for (int beat = 0; beat < B; ++beat) {
    OpalPeBeat v;
    v.mode = b.mode;
    v.last = beat == B - 1 && b.last;
    for (int l = 0; l < c.lanes; ++l) {
      v.codes.push_back(b.codes[static_cast<std::size_t>(beat * c.lanes + l)]);
      v.weights.push_back(b.weights[static_cast<std::size_t>(beat * c.lanes + l)]);
    }
    v.scale = b.scale;
    v.indices = b.indices;
    v.outliers = b.outliers;
    v.wscale = b.wscale;
    out.push_back({to_ports(c, v), label});
  }
}

// An MX-OPAL block as the PE's stream carries it: codes by element position
// (0 at the outlier positions), the outliers and their indices.
Block stream_block(const OpalPeConfig& c, int mode, const golden::MxOpalBlock& q) {
  Block b;
  b.mode = mode;
  b.scale = q.scale;
  b.indices = q.indices;
  b.outliers = q.outliers;
  b.codes = golden::mx_opal_codes_by_position(c.activation_format(mode), q);
  return b;
}

// A block quantized by the golden MX-OPAL quantizer from Gaussian data with
// a few large values, its codes expanded to element positions (an outlier
// position carries `junk` or 0), random weights.
Block quantized_block(const OpalPeConfig& c, int mode, std::mt19937_64& rng, bool junk = false) {
  const golden::MxOpalFormat f = c.activation_format(mode);
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  const float spread = std::ldexp(1.0f, static_cast<int>(rng() % 21) - 10);
  std::vector<uint32_t> x(static_cast<std::size_t>(c.block));
  for (auto& e : x) {
    float v = gauss(rng) * spread;
    if (rng() % 40 == 0) v *= 20.0f + static_cast<float>(rng() % 80);
    e = golden::fp32_bits(v) & 0xffff0000u;  // bf16 activations
  }
  Block b = stream_block(c, mode, golden::mx_opal_quantize(f, x));
  const uint32_t code_mask = (1u << c.max_bits()) - 1;
  for (int e = 0; e < c.block; ++e) {
    const bool is_out =
        std::find(b.indices.begin(), b.indices.end(), static_cast<uint32_t>(e)) != b.indices.end();
    if (is_out && junk)
      b.codes[static_cast<std::size_t>(e)] = static_cast<uint32_t>(rng()) & code_mask;
    const int64_t lo = -(int64_t{1} << (c.weight_bits - 1));
    const int64_t w = lo + static_cast<int64_t>(rng() % (uint64_t{1} << c.weight_bits));
    b.weights.push_back(weight_code(c, w));
  }
  b.wscale =
      fp_operand_io::make_code(FloatFormat::bf16(), rng() & 1, static_cast<int>(rng() % 9) - 4,
                               fp_operand_io::random_frac(FloatFormat::bf16(), rng));
  return b;
}

// An empty block: zero codes and weights, outliers 0 at distinct indices.
Block zero_block(const OpalPeConfig& c) {
  Block b;
  b.codes.assign(static_cast<std::size_t>(c.block), 0);
  b.weights.assign(static_cast<std::size_t>(c.block), 0);
  for (int j = 0; j < c.outliers; ++j) {
    b.indices.push_back(static_cast<uint32_t>(j * (c.block / std::max(1, c.outliers))));
    b.outliers.push_back(0);
  }
  return b;
}

// The code of integer value v in mode 0's width and encoding.
uint32_t act_code(const OpalPeConfig& c, int mode, int64_t v) {
  return golden::encode_int(c.act_encoding, c.act_bits[static_cast<std::size_t>(mode)], v);
}

}  // namespace

std::vector<TestVector> corner_cases(const OpalPeConfig& c) {
  std::vector<TestVector> v;
  std::mt19937_64 rng(41);
  const int modes = static_cast<int>(c.act_bits.size());
  const int n = c.outliers;
  const int top = modes - 1;

  for (int mode = 0; mode < modes; ++mode)
    for (int blocks = 1; blocks <= 3; ++blocks)
      for (int k = 0; k < blocks; ++k) {
        Block b = quantized_block(c, mode, rng);
        b.last = k == blocks - 1;
        append_block(c, b,
                     fmt::format("row of {} quantized block(s), act_bits {}", blocks,
                                 c.act_bits[static_cast<std::size_t>(mode)]),
                     v);
      }
  if (modes > 1) {
    for (int k = 0; k < 4; ++k) {
      Block b = quantized_block(c, k % modes, rng);
      b.last = k == 3;
      append_block(c, b, "mode changes between the blocks of one row", v);
    }
  }
  {
    Block b = quantized_block(c, top, rng, true);
    b.last = true;
    append_block(c, b, "junk codes at outlier positions are ignored", v);
  }
  {
    // last_i on non-final beats is ignored; mode switches within a block.
    Block b = quantized_block(c, 0, rng);
    const std::size_t first = v.size();
    append_block(c, b, "last_i before a block's final beat is ignored", v);
    for (std::size_t i = first; i + 1 < v.size(); ++i) {
      auto beat = from_ports(c, v[i].inputs);
      beat.last = true;
      beat.mode = static_cast<int>(rng() % (1u << c.mode_bits()));
      v[i].inputs = to_ports(c, beat);
    }
    Block e = zero_block(c);
    e.last = true;
    append_block(c, e, "closing row", v);
  }
  {
    // Widest integer sums: every lane at its extreme, both signs.
    const int64_t wmin = -(int64_t{1} << (c.weight_bits - 1));
    const int b = c.act_bits.back();
    const int64_t amax = golden::int_max(c.act_encoding, b);
    const int64_t amin = golden::int_min(c.act_encoding, b);
    for (int64_t a : {amax, amin}) {
      Block blk = zero_block(c);
      blk.mode = top;
      std::fill(blk.codes.begin(), blk.codes.end(), act_code(c, top, a));
      std::fill(blk.weights.begin(), blk.weights.end(), weight_code(c, wmin));
      blk.last = true;
      append_block(c, blk, "every lane at its extreme: the widest block sum", v);
    }
  }
  {
    // Scale extremes: NaN scale, overflow to Inf, subnormal and vanishing sums.
    for (uint32_t s : {255u, 254u, 0u, 1u, 20u, 104u}) {
      Block b = quantized_block(c, top, rng);
      b.scale = s;
      b.last = true;
      append_block(c, b, fmt::format("block scale {}", s), v);
    }
    for (uint32_t s : {254u, 0u}) {
      Block b = zero_block(c);
      b.mode = top;
      std::fill(b.codes.begin(), b.codes.end(),
                act_code(c, top, golden::int_max(c.act_encoding, c.act_bits.back())));
      std::fill(b.weights.begin(), b.weights.end(), weight_code(c, 1));
      b.scale = s;
      b.last = true;
      append_block(c, b, fmt::format("large sum at block scale {}", s), v);
    }
  }
  if (n > 0) {
    const uint32_t neg = 0x8000;
    const std::vector<std::pair<std::vector<uint32_t>, int64_t>> cases = {
        {{kBf16Inf}, 3},       {{kBf16Inf}, 0},        {{kBf16Inf, kBf16Inf | neg}, 1},
        {{kBf16Nan}, 1},       {{0x0001, 0x807f}, -1}, {{kBf16Max, kBf16Max}, -1},
        {{kBf16One | neg}, 0}, {{0x0000 | neg}, 5},
    };
    for (const auto& [vals, w] : cases) {
      Block b = quantized_block(c, 0, rng);
      for (int j = 0; j < n; ++j) {
        b.outliers[static_cast<std::size_t>(j)] = vals[static_cast<std::size_t>(j) % vals.size()];
        b.weights[b.indices[static_cast<std::size_t>(j)]] = weight_code(c, w);
      }
      b.last = true;
      append_block(c, b, "outlier specials: Inf, NaN, Inf - Inf, subnormal, overflow, -0", v);
    }
    // Exact cancellation: the inlier sum is 1.0, one outlier -1.0 x 1.
    Block b = zero_block(c);
    const int b0 = c.act_bits[0];
    b.codes[1] = act_code(c, 0, 1);
    b.weights[1] = weight_code(c, 1);
    b.scale = static_cast<uint32_t>(127 + b0 - 2);
    b.indices[0] = static_cast<uint32_t>(c.block - 1);
    b.outliers[0] = kBf16One | neg;
    b.weights[static_cast<std::size_t>(c.block - 1)] = weight_code(c, 1);
    b.last = true;
    append_block(c, b, "inliers and an outlier cancel exactly: +0", v);
    if (n >= 2) {
      Block d = quantized_block(c, 0, rng);
      d.indices[1] = d.indices[0];
      d.last = true;
      append_block(c, d, "two outlier slots at one index", v);
    }
    // Where the outliers fall: all in the first or the last beat, adjacent
    // lanes of one beat, every slot at one index (several FP units see the
    // same weight in one cycle).
    const int B = c.beats_per_block();
    for (int beat : {0, B - 1}) {
      Block d = quantized_block(c, static_cast<int>(rng() % static_cast<uint64_t>(modes)), rng);
      for (int j = 0; j < n; ++j)
        d.indices[static_cast<std::size_t>(j)] =
            static_cast<uint32_t>(beat * c.lanes + (j * 5 + 1) % c.lanes);
      d.last = true;
      append_block(c, d, fmt::format("all outliers in beat {}", beat), v);
    }
    {
      Block d = quantized_block(c, top, rng);
      const int start = static_cast<int>(rng() % static_cast<uint64_t>(c.block));
      for (int j = 0; j < n; ++j)
        d.indices[static_cast<std::size_t>(j)] = static_cast<uint32_t>((start + j) % c.block);
      d.last = true;
      append_block(c, d, "outliers at adjacent positions", v);
      for (auto& idx : d.indices) idx = d.indices[0];
      append_block(c, d, "every outlier slot at one index", v);
    }
    // Rounding ties, where the order of the fp32 additions shows: inlier sum
    // 1.0 and outliers of +-half an ulp of 1.0 (2^-24) or of one ulp
    // (2^-23): added one by one each half-ulp term ties back to 1.0, a tree
    // adds them to each other first.
    const std::vector<std::pair<uint32_t, std::vector<int64_t>>> ties = {
        {0x3380, {1}}, {0x3380, {1, -1}}, {0x3400, {1, 1, -1}}, {0x3380, {-1}}, {0x33c0, {1}}};
    for (const auto& [val, ws] : ties) {
      Block t = zero_block(c);
      t.codes[0] = act_code(c, 0, 1);
      t.weights[0] = weight_code(c, 1);
      t.scale = static_cast<uint32_t>(127 + b0 - 2);
      for (int j = 0; j < n; ++j) {
        t.indices[static_cast<std::size_t>(j)] = static_cast<uint32_t>(c.block - 1 - j);
        t.outliers[static_cast<std::size_t>(j)] = val;
        t.weights[static_cast<std::size_t>(c.block - 1 - j)] =
            weight_code(c, ws[static_cast<std::size_t>(j) % ws.size()]);
      }
      t.last = true;
      append_block(c, t, "rounding ties: outliers of half or one ulp of the inlier sum", v);
    }
    {
      // A row of tie blocks: the groups of several blocks meet in one accumulator.
      for (int k = 0; k < 3; ++k) {
        Block t = zero_block(c);
        t.codes[0] = act_code(c, 0, 1);
        t.weights[0] = weight_code(c, k == 1 ? -1 : 1);
        t.scale = static_cast<uint32_t>(127 + b0 - 2 + k);
        for (int j = 0; j < n; ++j) {
          t.indices[static_cast<std::size_t>(j)] =
              static_cast<uint32_t>((j * c.lanes + 1) % c.block);
          t.outliers[static_cast<std::size_t>(j)] = 0x3380 + static_cast<uint32_t>(k) * 0x80;
          t.weights[t.indices[static_cast<std::size_t>(j)]] = weight_code(c, 1);
        }
        t.last = k == 2;
        append_block(c, t, "row of tie blocks", v);
      }
    }
  }
  for (uint32_t ws : {0x0000u, 0x8000u, kBf16Inf, kBf16Nan, 0x0001u, kBf16Max}) {
    Block b = quantized_block(c, top, rng);
    b.wscale = ws;
    b.last = true;
    append_block(c, b, "weight scale specials: zeros, Inf, NaN, subnormal, max", v);
  }
  {
    Block z = zero_block(c);
    z.last = true;
    for (int j = 0; j < n; ++j) z.outliers[static_cast<std::size_t>(j)] = 0x8000;
    append_block(c, z, "all-zero row with -0 outliers: +0", v);
  }
  return v;
}

TestVector random_case(const OpalPeConfig& c, std::mt19937_64& rng) {
  OpalPeBeat b;
  b.mode = static_cast<int>(rng() % (uint64_t{1} << c.mode_bits()));
  b.last = rng() % 3 == 0;
  const int bm = c.max_bits();
  const int64_t wmin = -(int64_t{1} << (c.weight_bits - 1));
  for (int l = 0; l < c.lanes; ++l) {
    const auto r = rng() % 10;
    uint32_t code = static_cast<uint32_t>(rng()) & ((1u << bm) - 1);
    if (r == 0) code = 0;
    if (r == 1) code = (1u << bm) - 1;
    b.codes.push_back(code);
    int64_t w = wmin + static_cast<int64_t>(rng() % (uint64_t{1} << c.weight_bits));
    if (rng() % 8 == 0) w = rng() & 1 ? wmin : -wmin - 1;
    b.weights.push_back(weight_code(c, w));
  }
  const auto r = rng() % 100;
  b.scale = r < 70   ? static_cast<uint32_t>(117 + rng() % 21)
            : r < 75 ? (rng() & 1 ? 255u : 254u)
            : r < 80 ? static_cast<uint32_t>(rng() % 3)
                     : static_cast<uint32_t>(rng() % 256);
  // Outlier indices: uniform, or all in one beat (random lanes, so several
  // per beat and repeats), or at consecutive positions. Values: independent,
  // or one magnitude with random signs (ties and exact cancellations).
  const auto place = rng() % 4;
  const int beat_of_all = static_cast<int>(rng() % static_cast<uint64_t>(c.beats_per_block()));
  const auto start = rng() % static_cast<uint64_t>(c.block);
  const bool one_magnitude = rng() % 4 == 0;
  const uint32_t magnitude = bf16_value(rng) & 0x7fffu;
  for (int j = 0; j < c.outliers; ++j) {
    uint64_t idx = rng() % static_cast<uint64_t>(c.block);
    if (place == 1)
      idx = static_cast<uint64_t>(beat_of_all * c.lanes) + rng() % static_cast<uint64_t>(c.lanes);
    if (place == 2) idx = (start + static_cast<uint64_t>(j)) % static_cast<uint64_t>(c.block);
    b.indices.push_back(static_cast<uint32_t>(idx));
    b.outliers.push_back(one_magnitude ? (magnitude | ((rng() & 1) ? 0x8000u : 0u))
                                       : bf16_value(rng));
  }
  b.wscale = bf16_value(rng);
  return {to_ports(c, b), ""};
}

namespace {

// The GEMV row length of the "llm" workload: LLaMA-7B's hidden size.
constexpr std::size_t kLlmRowLength = 4096;

std::string llm_width_workload(int bits) { return fmt::format("llm-{}bit", bits); }

// One GEMV row in `mode`: each block of activations quantized by the golden
// MX-OPAL quantizer (bf16 first, as the quantizer's input is bf16).
std::vector<TestVector> llm_row(const OpalPeConfig& c, int mode, std::mt19937_64& rng) {
  golden::LlmActivationSpec spec;
  spec.cols = kLlmRowLength;
  const golden::LlmGemvRow row = golden::llm_gemv_row(spec, c.weight_bits, rng);
  const golden::MxOpalFormat f = c.activation_format(mode);
  const uint32_t wscale = golden::fp32_to_bf16(golden::fp32_bits(row.weight_scale));
  const std::string label = fmt::format("llm row, {}-bit", f.bits);
  std::vector<TestVector> out;
  const std::size_t k = static_cast<std::size_t>(c.block);
  for (std::size_t b0 = 0; b0 + k <= kLlmRowLength; b0 += k) {
    std::vector<uint32_t> x(k);
    for (std::size_t i = 0; i < k; ++i)
      x[i] = golden::fp32_to_bf16(golden::fp32_bits(row.activations[b0 + i])) << 16;
    Block b = stream_block(c, mode, golden::mx_opal_quantize(f, x));
    b.wscale = wscale;
    b.last = b0 + 2 * k > kLlmRowLength;
    for (std::size_t e = 0; e < k; ++e) b.weights.push_back(weight_code(c, row.weights[b0 + e]));
    append_block(c, b, label, out);
  }
  return out;
}

}  // namespace

std::vector<Design::Workload> workloads(const OpalPeConfig& c) {
  std::vector<Design::Workload> w;
  const std::string data = fmt::format(
      "LLM GEMV rows of {} elements: LLM-like activations (Gaussian, 0.5% outlier channels "
      "x20..100, "
      "golden/data/synthetic.hpp) quantized by the golden MX-OPAL quantizer, {}-bit weights "
      "with a bf16 row scale",
      kLlmRowLength, c.weight_bits);
  w.push_back({"llm", c.act_bits.size() > 1 ? data + "; each row's width drawn uniformly" : data});
  if (c.act_bits.size() > 1)
    for (int bits : c.act_bits)
      w.push_back({llm_width_workload(bits), data + fmt::format("; every row {}-bit", bits)});
  return w;
}

std::vector<TestVector> workload_chunk(const OpalPeConfig& c, const std::string& name,
                                       std::mt19937_64& rng) {
  const int modes = static_cast<int>(c.act_bits.size());
  if (name == "llm") return llm_row(c, static_cast<int>(rng() % static_cast<uint64_t>(modes)), rng);
  for (int m = 0; m < modes && modes > 1; ++m)
    if (name == llm_width_workload(c.act_bits[static_cast<std::size_t>(m)]))
      return llm_row(c, m, rng);
  throw std::logic_error(fmt::format("opal.pe has no workload '{}'", name));
}

}  // namespace bf::opal_pe
