// baseline.bf16_dot: the Design (ports, vectors, stream model) and its
// registration. The RTL is in bf16_dot_rtl.cpp, the model in
// golden/units/baseline_bf16_dot/baseline_bf16_dot.hpp.
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "generator/blocks/fp_modules.hpp"
#include "generator/design/fp_operand_io.hpp"
#include "generator/design/unit_info.hpp"
#include "generator/units/baseline_bf16_dot/baseline_bf16_dot_rtl.hpp"
#include "golden/data/synthetic.hpp"
#include "golden/units/baseline_bf16_dot/baseline_bf16_dot.hpp"

namespace bf::baseline_bf16_dot {
namespace {

using fp_operand_io::make_code;
using fp_operand_io::random_frac;
using golden::Bf16DotModel;
using golden::Bf16DotParams;
using golden::FloatFormat;

// The "llm" workload's row length (LLaMA-7B's hidden size) and weight width:
// the same rows as opal.pe's "llm" workload at its shipped 4-bit weights.
constexpr std::size_t kLlmRowLength = 4096;
constexpr int kLlmWeightBits = 4;

// One element of a row: activation and weight, bf16 codes.
struct Elem {
  uint32_t a = 0;
  uint32_t w = 0;
};

class Bf16DotDesign : public Design {
 public:
  Bf16DotDesign(Bf16DotParams p, std::string top)
      : p_(std::move(p)), top_(std::move(top)), bf16_(p_.mul_spec().a), fp32_(p_.add_spec().f) {}

  std::string unit_name() const override { return "baseline.bf16_dot"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, [this](const std::string& m) { return generated_header(*this, m); });
  }

  std::vector<PortSpec> data_inputs() const override {
    return {PortSpec{"last_i", 1, "this beat is the last one of a row", {}},
            fp_operand_io::lane_port("a_i", "a", p_.lanes, bf16_, "bf16 activations"),
            fp_operand_io::lane_port("w_i", "w", p_.lanes, bf16_,
                                     "bf16 weights (dequantized upstream)")};
  }
  std::vector<PortSpec> data_outputs() const override {
    const FloatFormat f = fp32_;
    return {
        PortSpec{"done_o", 1, "the beat's last_i", {}},
        PortSpec{"y_o",
                 32,
                 "fp32 dot product of the row when done_o, else 0",
                 {{"y", 0, 32, [f](uint64_t v) { return fp_operand_io::describe_code(f, v); }}}}};
  }
  int latency() const override { return p_.latency(); }
  Operations operations() const override { return {static_cast<double>(p_.lanes), "MAC"}; }

  // The first beat after reset.
  PortValues emulate(const PortValues& in) const override {
    Bf16DotModel model(p_);
    return step(model, in);
  }

  std::unique_ptr<StreamModel> stream_model() const override {
    struct Stream : StreamModel {
      explicit Stream(const Bf16DotDesign& d) : design(d), model(d.p_) {}
      PortValues step(const PortValues& in) override { return design.step(model, in); }
      const Bf16DotDesign& design;
      Bf16DotModel model;
    };
    return std::make_unique<Stream>(*this);
  }

  std::vector<TestVector> corner_cases() const override;
  TestVector random_case(std::mt19937_64& rng) const override;

  // "llm": the opal.pe workload's GEMV rows (golden::llm_gemv_row) as this
  // engine takes them: activations rounded to bf16, weights dequantized
  // upstream (integer x bf16 row scale, rounded to bf16).
  std::vector<Workload> workloads() const override {
    return {{"llm", fmt::format("LLM GEMV rows of {} elements: LLM-like activations (Gaussian, "
                                "0.5% outlier channels x20..100, golden/data/synthetic.hpp) in "
                                "bf16, {}-bit weights dequantized to bf16",
                                kLlmRowLength, kLlmWeightBits)}};
  }
  std::vector<TestVector> workload_chunk(const std::string& name,
                                         std::mt19937_64& rng) const override;

  nlohmann::ordered_json metrics() const override {
    if (p_.fused())
      return {{"operation",
               "sum of lanes exact bf16 x bf16 products and the fp32 accumulator: one aligned "
               "integer sum, one rounding"},
              {"accumulation", "fused"},
              {"multipliers", p_.lanes},
              {"fused_fraction_bits", p_.fused_fraction_bits},
              {"subnormals", p_.subnormals},
              {"pipeline", p_.pipeline},
              {"latency", p_.latency()}};
    const auto mul = blocks::fp_mul_plan(p_.mul_spec());
    const auto add = blocks::fp_add_plan(p_.add_spec());
    return {{"operation", "sum of lanes bf16 x bf16 -> fp32 products, fp32 accumulator"},
            {"multipliers", p_.lanes},
            {"tree_adders", p_.lanes - 1},
            {"accumulator_adders", 1},
            {"tree_levels", p_.tree_levels()},
            {"pipeline", p_.pipeline},
            {"latency", p_.latency()},
            {"multiplier_overflow_logic", mul.may_overflow},
            {"adder_overflow_logic", add.may_overflow}};
  }

 private:
  PortValues step(Bf16DotModel& model, const PortValues& in) const {
    const std::size_t n = static_cast<std::size_t>(p_.lanes);
    std::vector<uint32_t> a(n), w(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = static_cast<uint32_t>(in[1].get(static_cast<int>(i) * 16, 16));
      w[i] = static_cast<uint32_t>(in[2].get(static_cast<int>(i) * 16, 16));
    }
    const auto out = model.step(in[0].get(0, 1) != 0, a.data(), w.data());
    BitVec done(1), y(32);
    done.set(0, 1, out.done ? 1u : 0u);
    y.set(0, 32, out.y);
    return {done, y};
  }

  // One beat from up to `lanes` elements (the rest +0 x +0).
  TestVector beat(const std::vector<Elem>& e, bool last, const std::string& label) const {
    std::vector<uint32_t> a(static_cast<std::size_t>(p_.lanes), 0u), w = a;
    for (std::size_t i = 0; i < e.size() && i < a.size(); ++i) {
      a[i] = e[i].a;
      w[i] = e[i].w;
    }
    BitVec l(1);
    l.set(0, 1, last ? 1u : 0u);
    return {{l, fp_operand_io::pack(a, 16), fp_operand_io::pack(w, 16)}, label};
  }
  // A whole row: the elements split into beats of `lanes`, zero-padded, the
  // last beat flagged.
  void row(std::vector<TestVector>& out, const std::vector<Elem>& e,
           const std::string& label) const {
    const std::size_t L = static_cast<std::size_t>(p_.lanes);
    const std::size_t beats = std::max<std::size_t>(1, (e.size() + L - 1) / L);
    for (std::size_t b = 0; b < beats; ++b) {
      const auto first = e.begin() + static_cast<std::ptrdiff_t>(std::min(e.size(), b * L));
      const auto end = e.begin() + static_cast<std::ptrdiff_t>(std::min(e.size(), (b + 1) * L));
      out.push_back(beat(std::vector<Elem>(first, end), b + 1 == beats, label));
    }
  }
  // bf16 code of sign s, floor(log2) L, mantissa frac (7 bits).
  uint32_t code(bool s, int L, uint32_t frac = 0) const { return make_code(bf16_, s, L, frac); }
  // An element near 1: exponent in [-8, 8], random sign and mantissa.
  Elem near_one(std::mt19937_64& rng) const {
    return {code(rng() & 1, static_cast<int>(rng() % 17) - 8, random_frac(bf16_, rng)),
            code(rng() & 1, static_cast<int>(rng() % 17) - 8, random_frac(bf16_, rng))};
  }

  Bf16DotParams p_;
  std::string top_;
  FloatFormat bf16_;
  FloatFormat fp32_;
};

std::vector<TestVector> Bf16DotDesign::corner_cases() const {
  const uint32_t sgn = 0x8000u;
  const uint32_t one = code(false, 0), two = code(false, 1);
  const uint32_t pinf = 0x7f80u, qnan = 0x7fc0u;
  const int L = p_.lanes;
  std::mt19937_64 rng(11);
  std::vector<TestVector> v;

  // 1-beat rows of special operands in every lane position.
  const auto sp = fp_operand_io::special_codes(bf16_);
  const std::size_t ns = sp.size();
  for (std::size_t k = 0; k < ns; ++k) {
    std::vector<Elem> e;
    for (std::size_t i = 0; i < static_cast<std::size_t>(L); ++i)
      e.push_back({sp[(k + i) % ns], sp[(7 * k + 3 * i + 1) % ns]});
    row(v, e, "1-beat row of special operands (zeros, subnormals, extremes, Inf, NaN)");
  }
  // Back-to-back 1-beat rows: the accumulator restarts every beat.
  for (int k = 0; k < 6; ++k) row(v, {near_one(rng), near_one(rng)}, "back-to-back 1-beat rows");

  // A long row (40 beats) of values near 1, and one of exact small integers
  // (no rounding anywhere: the sum is exact).
  {
    std::vector<Elem> e;
    for (int k = 0; k < 40 * L; ++k) e.push_back(near_one(rng));
    row(v, e, "long row (40 beats), values near 1");
    e.clear();
    for (int k = 0; k < 30 * L; ++k)
      e.push_back({code(rng() & 1, static_cast<int>(rng() % 3), 0x40u * (rng() & 1)),
                   code(rng() & 1, static_cast<int>(rng() % 2))});
    row(v, e, "long row (30 beats) of small integers: exact running sum");
  }

  // Exact cancellation: x*w then (-x)*w, inside one beat (tree) and across
  // beats (accumulator); the sum is +0.
  {
    std::vector<Elem> e, neg;
    for (int k = 0; k < L; ++k) {
      const Elem x = near_one(rng);
      e.push_back(x);
      neg.push_back({x.a ^ sgn, x.w});
    }
    std::vector<Elem> both = e;
    both.insert(both.end(), neg.begin(), neg.end());
    row(v, both, "exact cancellation across beats: sum +0");
    std::vector<Elem> inside;
    for (int k = 0; k < L; ++k) inside.push_back(k % 2 ? Elem{e[k - 1].a ^ sgn, e[k - 1].w} : e[k]);
    row(v, inside, "exact cancellation inside the tree (pairs x*w, -x*w)");
    row(v, {{one, one}, {one | sgn, one}, {two, one}, {two, one | sgn}},
        "1 - 1 + 2 - 2 = +0 (lane-order dependent)");
  }

  // Signed zeros: -0 products everywhere; +0 + (-0) = +0 at the accumulator.
  {
    std::vector<Elem> e;
    for (int k = 0; k < L; ++k) e.push_back(k % 2 ? Elem{sgn, one} : Elem{one | sgn, 0u});
    row(v, e, "all products -0: tree -0, row result +0");
    e.push_back({sgn, sgn});
    row(v, e, "-0 products over two beats, then (-0)*(-0) = +0");
    row(v, {{sgn, one}}, "single -0 product");
  }

  // Overflow to Inf in the middle of a row, then Inf + (-Inf) = NaN, then
  // the next row starts clean.
  {
    const uint32_t big = code(false, 63, 0x7f);   // ~2^64
    const uint32_t big2 = code(false, 63, 0x7e);  // product ~2^127.99
    std::vector<Elem> e;
    for (int k = 0; k < L; ++k) e.push_back({big, big2});
    for (int k = 0; k < L; ++k) e.push_back({big, big2});  // acc overflows here at the latest
    for (int k = 0; k < L; ++k) e.push_back(near_one(rng));
    row(v, e, "overflow to +Inf in the sum mid-row, then finite beats");
    e.clear();
    e.push_back({code(false, 127, 0x7f), code(false, 127, 0x7f)});  // product overflows: +Inf
    for (int k = 1; k < L; ++k) e.push_back(near_one(rng));
    e.push_back({code(true, 100), code(false, 100)});  // -Inf product
    for (int k = 1; k < 2 * L; ++k) e.push_back(near_one(rng));
    row(v, e, "+Inf product, later -Inf product: NaN for the rest of the row");
    row(v, {near_one(rng), near_one(rng), near_one(rng)}, "row after a NaN row starts from +0");
    row(v, {{pinf, one}, {pinf | sgn, one}}, "Inf + (-Inf) inside the tree");
    row(v, {{pinf, 0u}}, "Inf * 0 = NaN");
    row(v, {{one, qnan}, {pinf, one}}, "NaN operand");
    row(v, {{0x7f81u, one}}, "signalling NaN operand -> canonical quiet NaN");
    row(v, {{0xff80u, two}, {near_one(rng)}}, "-Inf product dominates");
  }

  // Subnormal products (fp32 below 2^-126) and subnormal bf16 operands.
  {
    std::vector<Elem> e;
    for (int k = 0; k < 2 * L; ++k)
      e.push_back({code(rng() & 1, -63 - static_cast<int>(rng() % 10), random_frac(bf16_, rng)),
                   code(rng() & 1, -63 - static_cast<int>(rng() % 15), random_frac(bf16_, rng))});
    row(v, e, "subnormal products (rounded by the multiplier), summed");
    e.clear();
    for (int k = 0; k < L; ++k)
      e.push_back({static_cast<uint32_t>(1 + k) | (k % 3 ? 0u : sgn),
                   code(false, 60 + k % 8, random_frac(bf16_, rng))});
    row(v, e, "subnormal bf16 activations times large weights");
    row(v, {{code(false, -126), code(false, -1)}, {code(false, -126), code(false, -1)}},
        "two halves of 2^-126: subnormal products summing to the smallest normal");
    row(v, {{code(false, -126, 0x01), code(false, -20)}}, "smallest subnormal region, ties");
  }

  // Large and small: the small term is lost (or decides a tie).
  {
    const uint32_t p12 = code(false, 12);  // 2^12 * 2^12 = 2^24: fp32 ulp 2 there
    row(v, {{p12, p12}, {one, one}, {one, one}, {one, one}},
        "2^24 + 1 + 1 + 1: the tree pairs (2^24 + 1) + (1 + 1)");
    row(v, {{p12, p12}, {one, one}}, "2^24 + 1: tie to even, the 1 is lost");
    row(v, {{p12, code(false, 12, 0x01)}, {one, one}}, "(2^24 + 2^17) + 1: tie");
    std::vector<Elem> e;
    for (int k = 0; k < L; ++k) e.push_back({code(false, 15), code(false, 15)});
    for (int k = 0; k < 3 * L; ++k) e.push_back({code(rng() & 1, -5), code(false, -6)});
    row(v, e, "2^30 per lane, then terms of 2^-11: lost in the accumulator");
    e.clear();
    for (int k = 0; k < L; ++k)
      e.push_back(k == 0 ? Elem{code(false, 60), code(false, 60)}
                         : Elem{code(rng() & 1, 0, random_frac(bf16_, rng)), one});
    e.push_back({code(true, 60), code(false, 60)});
    row(v, e, "2^120 + small terms - 2^120: the small terms are gone");
  }
  // The fused adder's own corners (valid vectors for the tree too):
  // truncation below the largest term, massive cancellation, one rounding.
  {
    const uint32_t p12 = code(false, 12);
    // Products 2^20 and many 2^-10: with F bits kept below 2^20 the small
    // ones are truncated away (fused) or rounded in (tree).
    std::vector<Elem> e = {{code(false, 10), code(false, 10)}};
    for (int k = 1; k < L; ++k) e.push_back({code(false, -5, 0x7f), code(false, -5, 0x7f)});
    row(v, e, "one large product, the others far below it (truncated away)");
    e = {{code(false, 10), code(false, 10)}};
    for (int k = 1; k < L; ++k) e.push_back({code(k % 2, -8, 0x55), code(false, -8, 0x33)});
    row(v, e, "large product, small terms of both signs near the truncation point");
    for (int d : {20, 24, 25, 26, 27, 28, 30}) {
      e = {{code(false, 0), code(false, 0)}, {code(false, -d), code(false, 0, 0x7f)}};
      for (int k = 2; k < L; ++k) e.push_back({code(false, -d), code(false, 0)});
      row(v, e, "1 + terms at 2^-d: the first bits the fused adder truncates");
      e = {{code(true, 0), code(false, 0)}, {code(false, -d), code(false, 0, 0x7f)}};
      row(v, e, "-1 + a term at 2^-d (truncated magnitude, then negated)");
    }
    // Massive cancellation: two large products cancel; what remains is a
    // small term (exact when within F bits of the large ones).
    for (int d : {5, 14, 22, 27, 33}) {
      e = {{code(false, 20, 0x35), code(false, 3, 0x61)},
           {code(true, 20, 0x35), code(false, 3, 0x61)},
           {code(false, 23 - d, 0x2b), code(false, 0, 0x19)}};
      row(v, e, "massive cancellation: x - x + small");
    }
    // (1 + 2^-7)^2 - 1 - 2^-6 = 2^-14: cancellation down to the last product bit.
    row(v, {{code(false, 0, 1), code(false, 0, 1)}, {code(true, 0), one}, {code(true, -6), one}},
        "cancellation to the lowest product bit");
    // The accumulator cancels against the products across beats.
    e.clear();
    for (int k = 0; k < L; ++k) e.push_back({code(false, 30, 0x11), code(false, 1)});
    for (int k = 0; k < L; ++k) e.push_back({code(true, 30, 0x11), code(false, 1)});
    e.push_back({code(false, -3, 0x5), one});
    row(v, e, "accumulator cancelled by the products of the next beat");
    // Ties of the one final rounding: 2^24 + 1, 2^24 + 3, 2^25 + 2 + 1.
    row(v, {{p12, p12}, {one, one}}, "fused tie 2^24 + 1 -> 2^24 (even)");
    row(v, {{p12, p12}, {one, one}, {two, one}}, "fused tie 2^24 + 3 -> 2^24 + 4 (even)");
    row(v, {{p12, p12}, {one, one}, {one, one}, {one | sgn, one}}, "2^24 + 1 + 1 - 1: one tie");
    row(v, {{code(false, 12), code(false, 13)}, {two, one}, {one, one}},
        "2^25 + 2 + 1: tie below the fp32 ulp 4");
    row(v, {{p12, code(false, 12, 0x01)}, {one, code(false, -1)}},
        "(2^24 + 2^17) + 0.5: below half");
    // Max exponents: exact products beyond fp32 cancel (fused) or overflow.
    const uint32_t mx = code(false, 127, 0x7f);
    row(v, {{mx, mx}, {mx | sgn, mx}}, "max * max - max * max (products beyond fp32)");
    row(v, {{mx, mx}, {mx, code(true, 127, 0x7e)}}, "max*max - max*(max - ulp)");
    row(v, {{mx, code(false, 0, 0x7f)}}, "largest finite product that stays finite in the tree");
    row(v,
        {{code(false, 64, 0x7f), code(false, 63, 0x7f)}, {code(false, 64, 0x7f), code(false, 63)}},
        "sum just above the fp32 maximum: overflow to +Inf");
    row(v, {{code(false, 63, 0x7f), code(false, 64, 0x7f)}, {code(true, 63, 0x7f), code(true, 63)}},
        "sum of two positives near the maximum, same sign");
    // Tiny results: rounding up to 2^-126, flushed or subnormal.
    row(v, {{code(false, -63), code(false, -63)}, {code(true, -63), code(false, -64)}},
        "2^-126 - 2^-127: subnormal (or flushed) result");
    row(v, {{code(false, -63, 0x7f), code(false, -64, 0x7f)}},
        "just below 2^-126: rounds up to the smallest normal");
    row(v, {{code(true, -70), code(false, -70)}}, "-2^-140: subnormal or -0");
    row(v, {{code(true, -70), code(false, -70)}, {sgn, one}}, "-2^-140 + -0");
    row(v, {{code(false, -100), code(false, -60)}, {one, one}, {one | sgn, one}},
        "tiny + 1 - 1: the tiny term is truncated (fused)");
  }
  // End on a row boundary so random beats start a fresh row.
  row(v, {near_one(rng)}, "closing 1-beat row");
  return v;
}

TestVector Bf16DotDesign::random_case(std::mt19937_64& rng) const {
  const int L = p_.lanes;
  const bool last = rng() % 6 == 0;
  std::vector<Elem> e(static_cast<std::size_t>(L));
  const int mode = static_cast<int>(rng() % 100);
  auto rnd_exp = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  if (mode < 35) {  // values near 1
    for (auto& x : e) x = near_one(rng);
  } else if (mode < 53) {  // similar magnitudes, opposite signs: cancellation in the tree
    const int la = rnd_exp(-20, 20), lw = rnd_exp(-20, 20);
    for (auto& x : e) {
      x.a = code(rng() & 1, la + static_cast<int>(rng() % 2), random_frac(bf16_, rng));
      x.w = code(false, lw, rng() % 4 ? 0u : random_frac(bf16_, rng));
    }
  } else if (mode < 68) {  // small integers: exact running sums that return to +0
    for (auto& x : e)
      x = {code(rng() & 1, static_cast<int>(rng() % 3), 0x40u * (rng() & 1)),
           rng() % 5 ? code(rng() & 1, 0) : 0u};
  } else if (mode < 76) {  // wide exponent spread: large-small mixes, sticky bits
    for (auto& x : e)
      x = {code(rng() & 1, rnd_exp(-60, 60), random_frac(bf16_, rng)),
           code(rng() & 1, rnd_exp(-40, 40), random_frac(bf16_, rng))};
  } else if (mode < 84) {  // products near and below 2^-126
    for (auto& x : e) {
      const int lp = rnd_exp(-154, -118);
      const int la = rnd_exp(-70, -50);
      x = {code(rng() & 1, la, random_frac(bf16_, rng)),
           code(rng() & 1, lp - la, random_frac(bf16_, rng))};
    }
  } else if (mode < 86) {  // products near the fp32 max: sums may overflow
    for (auto& x : e) {
      const int lp = rnd_exp(112, 127);
      x = {code(rng() & 1, 64, random_frac(bf16_, rng)),
           code(false, lp - 64, random_frac(bf16_, rng))};
    }
  } else if (mode < 91) {  // pairs x*w, (-x)*w: the tree sums to exactly +0 (even lanes)
    for (std::size_t i = 0; i < e.size(); ++i)
      e[i] = i % 2 ? Elem{e[i - 1].a ^ 0x8000u, e[i - 1].w} : near_one(rng);
  } else if (mode < 96) {  // some lanes zero (short rows, padding)
    for (auto& x : e) {
      x = near_one(rng);
      if (rng() % 2) x.a = static_cast<uint32_t>(rng() & 1) << 15;
    }
  } else if (mode < 99) {  // a cancelling large pair, small terms of both signs far below it
    const int lb = rnd_exp(-10, 40), ls = lb - rnd_exp(10, 40);
    for (std::size_t i = 0; i < e.size(); ++i)
      e[i] = {code(rng() & 1, ls + static_cast<int>(rng() % 4), random_frac(bf16_, rng)),
              code(false, 0, random_frac(bf16_, rng))};
    e[0] = {code(false, lb, random_frac(bf16_, rng)), code(false, 0, random_frac(bf16_, rng))};
    if (e.size() > 1) e[1] = {e[0].a ^ 0x8000u, e[0].w};
  } else {  // any code, specials included
    for (auto& x : e)
      x = {fp_operand_io::random_code(bf16_, rng), fp_operand_io::random_code(bf16_, rng)};
  }
  return beat(e, last, "random");
}

std::vector<TestVector> Bf16DotDesign::workload_chunk(const std::string& name,
                                                      std::mt19937_64& rng) const {
  if (name != "llm")
    throw std::logic_error("baseline.bf16_dot has one workload, 'llm', not '" + name + "'");
  golden::LlmActivationSpec spec;
  spec.cols = kLlmRowLength;
  const golden::LlmGemvRow row = golden::llm_gemv_row(spec, kLlmWeightBits, rng);
  const auto bf16 = [](float x) { return golden::fp32_to_bf16(golden::fp32_bits(x)); };
  std::vector<Elem> e;
  for (std::size_t i = 0; i < kLlmRowLength; ++i)
    e.push_back(
        {bf16(row.activations[i]), bf16(static_cast<float>(row.weights[i]) * row.weight_scale)});
  std::vector<TestVector> out;
  this->row(out, e, "llm row");
  return out;
}

std::string default_name(const Bf16DotParams& p) {
  return fmt::format("baseline_bf16_dot_l{}{}{}_{}", p.lanes,
                     p.fused() ? fmt::format("_fused_f{}", p.fused_fraction_bits) : "",
                     p.flush() ? "_ftz" : "", p.pipelined() ? "pipe" : "comb");
}

const UnitRegistration registration(make_unit<Bf16DotParams>(
    "baseline.bf16_dot",
    "BF16 dot-product baseline (OPAL area comparison): lanes x bf16*bf16 -> fp32, fp32 adder "
    "tree and fp32 accumulator, or one fused multi-term adder into the fp32 accumulator",
    [](const Bf16DotParams& p, std::string top) {
      return std::make_unique<Bf16DotDesign>(p, std::move(top));
    },
    default_name,
    {
        // Three lanes (an odd tree element delayed like an adder), pipelined.
        "lanes = 3\npipeline = \"balanced\"",
        // Four lanes, fully combinational, subnormals flushed.
        "lanes = 4\npipeline = \"none\"\nsubnormals = \"flush\"",
        // One lane (no tree), pipelined, subnormals flushed.
        "lanes = 1\npipeline = \"operators\"\nsubnormals = \"flush\"",
        // Fused: three lanes, exact subnormals, both register stages.
        "lanes = 3\naccumulation = \"fused\"\npipeline = \"balanced\"",
        // Fused: four lanes, flushed, combinational, a narrow window (the
        // accumulator itself is truncated).
        "lanes = 4\naccumulation = \"fused\"\nsubnormals = \"flush\"\npipeline = "
        "\"none\"\nfused_fraction_bits = 12",
        // Fused: one lane, flushed, products registered.
        "lanes = 1\naccumulation = \"fused\"\nsubnormals = \"flush\"\npipeline = "
        "\"operators\"",
    }));

}  // namespace
}  // namespace bf::baseline_bf16_dot
