#include "generator/units/flexblock_pe/flexblock_pe_vectors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "generator/units/flexblock_pe/flexblock_pe_ports.hpp"
#include "golden/formats/block_format.hpp"

namespace bf::flexblock_pe {

namespace fb = golden::flexblock;
using fb::Mode;
using golden::FlexblockPeBeat;
using golden::FlexblockPeConfig;

namespace {

constexpr Mode kModes[] = {Mode::M4, Mode::M8, Mode::M16};

// The mode pairs a PE takes: all nine, or its own.
std::vector<std::pair<Mode, Mode>> pairs(const FlexblockPeConfig& c) {
  if (c.fixed) return {{c.mode, c.mode}};
  std::vector<std::pair<Mode, Mode>> v;
  for (Mode a : kModes)
    for (Mode b : kModes) v.emplace_back(a, b);
  return v;
}

uint64_t mask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

// Lane magnitudes packed at the mode's stride.
uint64_t pack(const std::vector<uint64_t>& mags, Mode m) {
  const int w = fb::mantissa_bits(m);
  uint64_t bus = 0;
  for (std::size_t p = 0; p < mags.size(); ++p)
    bus |= (mags[p] & mask(w)) << (w * static_cast<int>(p));
  return bus;
}

// A beat with every lane of A holding `a` and of B holding `b`.
FlexblockPeBeat uniform_beat(Mode ma, Mode mb, uint64_t a, uint64_t b, uint32_t a_sign,
                             uint32_t b_sign) {
  const auto lanes = static_cast<std::size_t>(fb::products_per_beat(ma, mb));
  FlexblockPeBeat beat;
  beat.mode_a = ma;
  beat.mode_b = mb;
  beat.a_mag = pack(std::vector<uint64_t>(lanes, a), ma);
  beat.b_mag = pack(std::vector<uint64_t>(lanes, b), mb);
  beat.a_sign = a_sign & static_cast<uint32_t>(mask(static_cast<int>(lanes)));
  beat.b_sign = b_sign & static_cast<uint32_t>(mask(static_cast<int>(lanes)));
  return beat;
}

FlexblockPeBeat ends(FlexblockPeBeat b, uint32_t exp_a, uint32_t exp_b, bool row_last) {
  b.exp_a = exp_a;
  b.exp_b = exp_b;
  b.seg_last = true;
  b.row_last = row_last;
  return b;
}

std::string pair_label(Mode a, Mode b) {
  return fmt::format("{}x{}", fb::mantissa_bits(a), fb::mantissa_bits(b));
}

class Corners {
 public:
  explicit Corners(const FlexblockPeConfig& c) : c_(c) {}
  void add(const FlexblockPeBeat& b, const std::string& label) {
    v_.push_back({to_ports(c_, b), label});
  }
  std::vector<TestVector> take() { return std::move(v_); }

 private:
  const FlexblockPeConfig& c_;
  std::vector<TestVector> v_;
};

}  // namespace

std::vector<TestVector> corner_cases(const FlexblockPeConfig& c) {
  Corners out(c);
  for (const auto& [ma, mb] : pairs(c)) {
    const std::string p = pair_label(ma, mb);
    const uint64_t amax = mask(fb::mantissa_bits(ma)), bmax = mask(fb::mantissa_bits(mb));
    out.add(ends(uniform_beat(ma, mb, amax, bmax, 0, 0), 127, 127, true),
            p + ": every lane at full scale, one-beat segment and row");
    out.add(ends(uniform_beat(ma, mb, amax, bmax, 0x5555, 0), 127, 127, true),
            p + ": full scale, alternating signs (sum 0 or one product)");
    out.add(ends(uniform_beat(ma, mb, amax, bmax, 0xFFFF, 0), 127, 127, true),
            p + ": full scale, all products negative");
    out.add(ends(uniform_beat(ma, mb, amax, bmax, 0xFFFF, 0xFFFF), 127, 127, true),
            p + ": full scale, negative times negative");
    out.add(ends(uniform_beat(ma, mb, 0, bmax, 0, 0), 127, 127, true), p + ": zero sum -> +0");
    out.add(ends(uniform_beat(ma, mb, amax, bmax, 0, 0), 254, 254, true),
            p + ": largest exponents: overflow to +Inf");
    out.add(ends(uniform_beat(ma, mb, amax, bmax, 0xFFFF, 0), 254, 254, true),
            p + ": largest exponents, negative: -Inf");
    out.add(ends(uniform_beat(ma, mb, 1, 1, 0, 0), 1, 1, true), p + ": smallest exponents: 0");
    out.add(ends(uniform_beat(ma, mb, 1, 1, 1, 0), 1, 1, true),
            p + ": negative underflow: -0 term, +0 + -0 = +0");
    // exp_a + exp_b - 252 - ma - mb = -149 - (bits of S) + a few: subnormal.
    const int sub = 252 + fb::mantissa_bits(ma) + fb::mantissa_bits(mb) - 149 - 4;
    out.add(ends(uniform_beat(ma, mb, 3, 5, 0, 0), static_cast<uint32_t>(sub / 2),
                 static_cast<uint32_t>(sub - sub / 2), true),
            p + ": subnormal result");
    out.add(ends(uniform_beat(ma, mb, amax, bmax, 0, 0), 255, 127, true), p + ": A NaN group");
    out.add(ends(uniform_beat(ma, mb, amax, bmax, 0, 0), 127, 255, true), p + ": B NaN group");
    // A row of three segments: a long one at full scale (the accumulator's
    // headroom), then +x and -x with other exponents (cancellation to +0).
    const int lanes = fb::products_per_beat(ma, mb);
    const int beats = std::max(1, c.max_segment / lanes);
    for (int i = 0; i + 1 < beats; ++i)
      out.add(uniform_beat(ma, mb, amax, bmax, 0, 0), p + ": longest segment, full scale");
    out.add(ends(uniform_beat(ma, mb, amax, bmax, 0, 0), 130, 120, false),
            p + ": longest segment ends (accumulator headroom)");
    out.add(ends(uniform_beat(ma, mb, amax, 1, 0, 0), 127, 127, false), p + ": + x");
    out.add(ends(uniform_beat(ma, mb, amax, 1, 0xFFFF, 0), 127, 127, true),
            p + ": - x: the row sums to the first segment");
  }
  // Rounding ties of a 16 x 16 product: the 8 bits below fp32's 24 are 0x80.
  if (!c.fixed || c.mode == Mode::M16) {
    for (uint64_t a : {0xFF01u, 0xFF03u}) {
      out.add(ends(uniform_beat(Mode::M16, Mode::M16, a, 0xFF80, 0, 0), 127, 127, true),
              fmt::format("16x16: {:#x} * 0xff80 is a rounding tie", a));
    }
  }
  if (!c.fixed) {
    // A row mixing mode pairs, and mode code 3 (reads as 16 bits).
    out.add(ends(uniform_beat(Mode::M4, Mode::M16, 15, 0xFFFF, 0, 0), 127, 127, false),
            "mixed row: a 4x16 segment");
    out.add(ends(uniform_beat(Mode::M8, Mode::M4, 255, 15, 0x0F, 0), 126, 128, false),
            "mixed row: an 8x4 segment");
    out.add(ends(uniform_beat(Mode::M16, Mode::M8, 0x8001, 0x81, 0, 0), 127, 127, true),
            "mixed row: a 16x8 segment ends the row");
    auto code3 = ends(uniform_beat(Mode::M16, Mode::M16, 0x1234, 0x4321, 0, 1), 127, 127, true);
    PortValues ports = to_ports(c, code3);
    ports[0].set(0, 2, 3);  // mode_a_i = 3
    ports[1].set(0, 2, 3);
    TestVector v{ports, "mode code 3 reads as 16 bits"};
    auto all = out.take();
    all.push_back(v);
    return all;
  }
  return out.take();
}

TestVector random_case(const FlexblockPeConfig& c, std::mt19937_64& rng) {
  const auto ps = pairs(c);
  const auto [ma, mb] = ps[rng() % ps.size()];
  const int lanes = fb::products_per_beat(ma, mb);
  auto magnitude = [&](Mode m, int style) -> uint64_t {
    const int w = fb::mantissa_bits(m);
    switch (style) {
      case 0:
        return mask(w);  // full scale
      case 1:
        return rng() % 4;  // small
      case 2:
        return (rng() % 3 == 0) ? rng() & mask(w) : 0;  // sparse
      case 3:
        return (uint64_t{1} << (w - 1)) | (rng() & mask(w - 1));  // leading bit set
      default:
        return rng() & mask(w);
    }
  };
  const int style_a = static_cast<int>(rng() % 6), style_b = static_cast<int>(rng() % 6);
  std::vector<uint64_t> a, b;
  for (int p = 0; p < lanes; ++p) {
    a.push_back(magnitude(ma, style_a));
    b.push_back(magnitude(mb, style_b));
  }
  FlexblockPeBeat beat;
  beat.mode_a = ma;
  beat.mode_b = mb;
  beat.a_mag = pack(a, ma);
  beat.b_mag = pack(b, mb);
  const uint32_t lane_mask = static_cast<uint32_t>(mask(lanes));
  const int sign_style = static_cast<int>(rng() % 4);
  beat.a_sign = (sign_style == 0   ? 0u
                 : sign_style == 1 ? ~0u
                                   : static_cast<uint32_t>(rng())) &
                lane_mask;
  beat.b_sign = static_cast<uint32_t>(rng()) & lane_mask;
  // Exponents: mostly near 1.0, sometimes anywhere, at the extremes, or at
  // the fp32 overflow and underflow boundaries of the term.
  const int exp_style = static_cast<int>(rng() % 8);
  auto near = [&](int center, int spread) {
    return static_cast<uint32_t>(
        std::clamp(center + static_cast<int>(rng() % (2 * spread + 1)) - spread, 0, 255));
  };
  const uint32_t extremes[] = {0, 1, 254, 255};
  switch (exp_style) {
    case 0:
      beat.exp_a = static_cast<uint32_t>(1 + rng() % 254);
      beat.exp_b = static_cast<uint32_t>(1 + rng() % 254);
      break;
    case 1:
      beat.exp_a = extremes[rng() % 4];
      beat.exp_b = near(127, 30);
      break;
    case 2:  // term near 2^128
      beat.exp_a = near(200, 8);
      beat.exp_b = near(190 - 32 + fb::mantissa_bits(ma) + fb::mantissa_bits(mb), 8);
      break;
    case 3:  // term near 2^-126 .. 2^-149
      beat.exp_a = near(60, 10);
      beat.exp_b = near(60 + fb::mantissa_bits(ma) + fb::mantissa_bits(mb) - 8, 10);
      break;
    default:
      beat.exp_a = near(127, 4);
      beat.exp_b = near(127, 4);
  }
  beat.seg_last = rng() % 4 == 0;
  beat.row_last = rng() % 3 == 0;
  TestVector v{to_ports(c, beat), "random"};
  if (!c.fixed && rng() % 20 == 0) {  // mode code 3
    v.inputs[rng() % 2].set(0, 2, 3);
  }
  return v;
}

namespace {

struct ModeWorkload {
  std::string name;
  Mode a, b;
};

std::vector<ModeWorkload> mode_workloads(const FlexblockPeConfig& c) {
  if (c.fixed) return {{"bfp" + fb::mode_name(c.mode), c.mode, c.mode}};
  return {{"bfp16", Mode::M16, Mode::M16},
          {"bfp8", Mode::M8, Mode::M8},
          {"bfp4", Mode::M4, Mode::M4},
          {"bfp4x16", Mode::M4, Mode::M16}};
}

constexpr int kWorkloadK = 576;  // a 3 x 3 x 64 convolution's reduction

// One row of K Gaussian values quantized by the BFP converter's golden model
// (truncation, the mode's default group): signs, magnitudes, exponents.
struct QuantizedRow {
  std::vector<uint32_t> sign, mag, exp;  // exp per element (its group's)
};

QuantizedRow quantized_row(Mode m, std::mt19937_64& rng) {
  const int g = fb::default_group_size(m);
  const golden::BlockFormat f = fb::bfp_format(m, g);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  QuantizedRow row;
  const int w = fb::mantissa_bits(m);
  for (int start = 0; start < kWorkloadK; start += g) {
    const int n = std::min(g, kWorkloadK - start);
    std::vector<uint32_t> in(static_cast<std::size_t>(n)), codes(in.size());
    for (auto& x : in) x = golden::fp32_bits(normal(rng));
    const uint32_t scale = golden::quantize_block(f, in, codes);
    for (uint32_t code : codes) {
      row.sign.push_back(code >> w);
      row.mag.push_back(code & static_cast<uint32_t>(mask(w)));
      row.exp.push_back(scale);
    }
  }
  return row;
}

}  // namespace

std::vector<Design::Workload> workloads(const FlexblockPeConfig& c) {
  std::vector<Design::Workload> v;
  for (const auto& w : mode_workloads(c)) {
    Design::Workload d;
    d.name = w.name;
    d.doc = fmt::format(
        "rows of K = {} Gaussian values in A {}-bit x B {}-bit BFP (default groups {} / {}, "
        "truncated), fed segment by segment (up to {} MACs per beat)",
        kWorkloadK, fb::mantissa_bits(w.a), fb::mantissa_bits(w.b), fb::default_group_size(w.a),
        fb::default_group_size(w.b), fb::products_per_beat(w.a, w.b));
    // Useful MACs per beat: a segment's last beat may be partial (216 / 16).
    int beats = 0;
    for (int len :
         fb::segment_lengths(kWorkloadK, fb::default_group_size(w.a), fb::default_group_size(w.b)))
      beats += fb::segment_beats(len, w.a, w.b);
    d.ops = static_cast<double>(kWorkloadK) / beats;
    v.push_back(d);
  }
  return v;
}

std::vector<TestVector> workload_chunk(const FlexblockPeConfig& c, const std::string& name,
                                       std::mt19937_64& rng) {
  for (const auto& w : mode_workloads(c)) {
    if (w.name != name) continue;
    const QuantizedRow a = quantized_row(w.a, rng), b = quantized_row(w.b, rng);
    const int lanes = fb::products_per_beat(w.a, w.b);
    std::vector<TestVector> out;
    int k = 0;
    const auto lengths =
        fb::segment_lengths(kWorkloadK, fb::default_group_size(w.a), fb::default_group_size(w.b));
    for (std::size_t s = 0; s < lengths.size(); ++s) {
      const int end = k + lengths[s];
      while (k < end) {
        const int n = std::min(lanes, end - k);
        std::vector<uint64_t> am, bm;
        FlexblockPeBeat beat;
        beat.mode_a = w.a;
        beat.mode_b = w.b;
        for (int p = 0; p < n; ++p) {
          const auto e = static_cast<std::size_t>(k + p);
          am.push_back(a.mag[e]);
          bm.push_back(b.mag[e]);
          beat.a_sign |= a.sign[e] << p;
          beat.b_sign |= b.sign[e] << p;
        }
        beat.a_mag = pack(am, w.a);
        beat.b_mag = pack(bm, w.b);
        beat.exp_a = a.exp[static_cast<std::size_t>(k)];
        beat.exp_b = b.exp[static_cast<std::size_t>(k)];
        k += n;
        beat.seg_last = k == end;
        beat.row_last = beat.seg_last && s + 1 == lengths.size();
        out.push_back({to_ports(c, beat), name});
      }
    }
    return out;
  }
  throw std::logic_error("flexblock.pe: unknown workload " + name);
}

}  // namespace bf::flexblock_pe
