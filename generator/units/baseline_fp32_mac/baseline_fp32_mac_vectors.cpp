#include "generator/units/baseline_fp32_mac/baseline_fp32_mac_vectors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "generator/design/fp_operand_io.hpp"
#include "golden/accuracy/bfp_gemm_error.hpp"
#include "golden/formats/float_format.hpp"

namespace bf::baseline_fp32_mac {

namespace {

using fp_operand_io::make_code;
using golden::FloatFormat;

constexpr uint32_t kSign = 0x80000000u;
constexpr uint32_t kInf = 0x7f800000u;
constexpr uint32_t kQnan = 0x7fc00000u;
constexpr uint32_t kMax = 0x7f7fffffu;  // (2 - 2^-23) * 2^127

// One element of a row: the operand pair a, b (fp32 codes).
struct Elem {
  uint32_t a = 0;
  uint32_t b = 0;
};

// fp32 code of sign s, floor(log2 |x|) = L, 23 mantissa bits `frac`
// (subnormal below 2^-126: the leading one shifted in).
uint32_t code(bool s, int L, uint32_t frac = 0) {
  return make_code(FloatFormat::fp32(), s, L, frac);
}
uint32_t frac(std::mt19937_64& rng) { return fp_operand_io::random_frac(FloatFormat::fp32(), rng); }
int uniform(std::mt19937_64& rng, int lo, int hi) {
  return lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1));
}
// Both operands near 1 (exponents in [-8, 8]), random signs and mantissas.
Elem near_one(std::mt19937_64& rng) {
  return {code(rng() & 1, uniform(rng, -8, 8), frac(rng)),
          code(rng() & 1, uniform(rng, -8, 8), frac(rng))};
}
// A pair whose product has floor(log2) about Lp, the exponent split between
// a and b (either may be subnormal when Lp is very small).
Elem product_near(int Lp, std::mt19937_64& rng) {
  const int la = std::clamp(Lp / 2 + uniform(rng, -12, 12), -149, 127);
  const int lb = std::clamp(Lp - la, -149, 127);
  return {code(rng() & 1, la, frac(rng)), code(rng() & 1, lb, frac(rng))};
}

// Beats of `lanes` elements, zero-padded (+0 x +0 changes no sum).
class RowWriter {
 public:
  RowWriter(int lanes, std::vector<TestVector>& out)
      : lanes_(static_cast<std::size_t>(lanes)), out_(out) {}

  // A whole row: the elements split into beats, the last beat flagged.
  void row(const std::vector<Elem>& e, const std::string& label) {
    const std::size_t beats = std::max<std::size_t>(1, (e.size() + lanes_ - 1) / lanes_);
    for (std::size_t b = 0; b < beats; ++b) {
      std::vector<uint32_t> a(lanes_, 0u), w(lanes_, 0u);
      for (std::size_t i = 0; i < lanes_ && b * lanes_ + i < e.size(); ++i) {
        a[i] = e[b * lanes_ + i].a;
        w[i] = e[b * lanes_ + i].b;
      }
      out_.push_back(beat(a, w, b + 1 == beats, label));
    }
  }
  // One 1-beat row per element: y is that product alone (the other lanes
  // are +0 x +0), so a product's rounding is seen directly.
  void each_alone(const std::vector<Elem>& e, const std::string& label) {
    for (const Elem& x : e) row({x}, label);
  }
  static TestVector beat(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, bool last,
                         const std::string& label) {
    BitVec l(1);
    l.set(0, 1, last ? 1u : 0u);
    return {{l, fp_operand_io::pack(a, 32), fp_operand_io::pack(b, 32)}, label};
  }

 private:
  std::size_t lanes_;
  std::vector<TestVector>& out_;
};

void special_rows(RowWriter& w, int lanes) {
  const auto sp = fp_operand_io::special_codes(FloatFormat::fp32());
  std::vector<Elem> pairs;
  for (uint32_t a : sp)
    for (uint32_t b : sp) pairs.push_back({a, b});
  // Every pair of special operands (zeros, subnormal and normal extremes,
  // 1 +- ulp, Inf, NaNs), `lanes` pairs per 1-beat row.
  for (std::size_t i = 0; i < pairs.size(); i += static_cast<std::size_t>(lanes)) {
    const auto end = std::min(pairs.size(), i + static_cast<std::size_t>(lanes));
    w.row(std::vector<Elem>(pairs.begin() + static_cast<std::ptrdiff_t>(i),
                            pairs.begin() + static_cast<std::ptrdiff_t>(end)),
          "1-beat row of special operand pairs (zeros, subnormals, extremes, Inf, NaN)");
  }
  const uint32_t one = code(false, 0), two = code(false, 1);
  w.row({{kInf, one}, {kInf | kSign, one}}, "Inf + (-Inf): NaN");
  w.row({{kInf, 0u}}, "Inf * 0 = NaN");
  w.row({{one, kQnan}, {kInf, one}}, "NaN operand");
  w.row({{0x7f800001u, one}}, "signalling NaN operand -> canonical quiet NaN");
  w.row({{0xffc00001u, one}}, "negative NaN with a payload -> canonical quiet NaN");
  w.row({{kInf | kSign, two}, {one, one}}, "-Inf product dominates");
}

// The multiplier's own rounding, each product alone in its row.
void product_rounding_rows(RowWriter& w, std::mt19937_64& rng) {
  const uint32_t one = code(false, 0);
  std::vector<Elem> e;
  // 1.5 * (1 + odd * 2^-23): the dropped part is exactly half an ulp when
  // the product stays below 2 (a tie), a quarter or three quarters above.
  for (int k = 0; k < 24; ++k)
    e.push_back({code(k & 1, 0, 1u << 22),
                 code(k & 2, k % 5 - 2, (static_cast<uint32_t>(rng()) | 1u) & 0x7fffffu)});
  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: a tie, to even (1 + 2^-11).
  e.push_back({code(false, 0, 1u << 11), code(false, 0, 1u << 11)});
  // (1 + 2^-12)(1 + 3 * 2^-12) = 1 + 2^-10 + 3 * 2^-24: above half, rounds up.
  e.push_back({code(false, 0, 1u << 11), code(false, 0, 3u << 11)});
  // (1 + 2^-23)(2 - 2^-23) = 2 - 2^-46: rounds up, carrying into the exponent.
  e.push_back({code(false, 0, 1), code(false, 0, 0x7fffff)});
  // -(2 - 2^-23)^2 = -(4 - 2^-21 + 2^-46): the sticky bit alone, below half.
  e.push_back({code(false, 0, 0x7fffff), code(true, 0, 0x7fffff)});
  // (1 + 2^-23)^2 = 1 + 2^-22 + 2^-46: the sticky bit alone.
  e.push_back({code(false, 0, 1), code(false, 0, 1)});
  w.each_alone(e, "product rounding: ties to even, near ties, carry into the exponent");
  // Products around the overflow threshold: Inf or the largest finite.
  e = {{kMax, one},
       {kMax, code(false, 1)},
       {kMax, code(true, 0, 1)},
       {kMax, code(false, -1, 0x7fffff)},
       {code(false, 63, 0x7fffff), code(false, 64)},
       {code(false, 64, 0x7fffff), code(false, 63, 0x7fffff)}};
  for (int Lp = 126; Lp <= 128; ++Lp)
    for (int k = 0; k < 6; ++k) e.push_back(product_near(Lp, rng));
  w.each_alone(e, "products near the fp32 maximum: largest finite or Inf");
  // Products at and below 2^-126: subnormal results rounded by the
  // multiplier, underflow to signed zero, rounding up to 2^-149 and 2^-126.
  e = {{code(false, -75), code(false, -74)},            // 2^-149 exactly
       {code(false, -75), code(false, -75)},            // 2^-150: tie, to even (+0)
       {code(true, -75, 1u << 22), code(false, -75)},   // -1.5 * 2^-150 -> -2^-149
       {code(false, -1, 0x7fffff), code(false, -126)},  // 2^-126 - 2^-150: tie -> 2^-126
       {code(false, -1, 0x7ffffe), code(false, -126)},  // below the tie: the largest subnormal
       {code(true, -100), code(false, -100)},           // -2^-200: -0
       {0x00000001u, code(false, 100)},                 // 2^-149 * 2^100: subnormal operand, exact
       {0x807fffffu, code(false, 126, 0x7fffff)},       // largest subnormal x large
       {0x00000003u, code(false, -1, 1u << 22)},        // 3 * 2^-149 * 0.75: 2.25 ulp
       {0x00000001u, 0x80000001u}};                     // subnormal x subnormal = -0
  for (int Lp = -152; Lp <= -124; ++Lp)
    for (int k = 0; k < 3; ++k) e.push_back(product_near(Lp, rng));
  w.each_alone(e, "products at and below 2^-126: subnormal, underflow, rounding up");
}

}  // namespace

std::vector<TestVector> corner_cases(const golden::Fp32MacParams& p) {
  const int L = p.lanes;
  const uint32_t one = code(false, 0), two = code(false, 1);
  std::mt19937_64 rng(11);
  std::vector<TestVector> v;
  RowWriter w(L, v);
  auto n_of = [&](int n, auto make) {
    std::vector<Elem> e;
    for (int k = 0; k < n; ++k) e.push_back(make());
    return e;
  };

  special_rows(w, L);
  product_rounding_rows(w, rng);
  for (int k = 0; k < 6; ++k)
    w.row(n_of(L, [&] { return near_one(rng); }), "back-to-back 1-beat rows");
  w.row(n_of(40 * L, [&] { return near_one(rng); }), "long row (40 beats), values near 1");
  w.row(n_of(30 * L,
             [&] {
               return Elem{code(rng() & 1, uniform(rng, 0, 2), (1u << 22) * (rng() & 1)),
                           code(rng() & 1, uniform(rng, 0, 1))};
             }),
        "long row (30 beats) of small integers: exact running sum");

  // Exact cancellation: x*b then (-x)*b, across beats (accumulator) and
  // inside one beat (tree); the sum is +0.
  {
    const auto e = n_of(L, [&] { return near_one(rng); });
    std::vector<Elem> both = e;
    for (const Elem& x : e) both.push_back({x.a ^ kSign, x.b});
    w.row(both, "exact cancellation across beats: sum +0");
    std::vector<Elem> inside;
    for (int k = 0; k < L; ++k)
      inside.push_back(k % 2 ? Elem{e[k - 1].a ^ kSign, e[k - 1].b} : e[k]);
    w.row(inside, "exact cancellation inside the tree (pairs x*b, -x*b)");
    w.row({{one, one}, {one | kSign, one}, {two, one}, {two, one | kSign}},
          "1 - 1 + 2 - 2 = +0 (lane-order dependent)");
  }
  // Products are rounded before they are summed (not a fused multiply-add:
  // with the subtrahend already in the accumulator, an FMA would keep the
  // product's low bits).
  w.row({{code(true, 0, 2), one}, {code(false, 0, 1), code(false, 0, 1)}},
        "-(1 + 2^-22) + (1 + 2^-23)^2 = +0: the 2^-46 of the product is rounded away");
  w.row({{code(true, 0, 1u << 12), one}, {code(false, 0, 1u << 11), code(false, 0, 1u << 11)}},
        "-(1 + 2^-11) + (1 + 2^-12)^2 = +0: the tie 2^-24 is rounded to even");
  {
    const Elem x = {code(false, 20, 0x35a5a5), code(false, 3, 0x61c3c3)};
    w.row({x, {x.a ^ kSign, x.b}, {code(false, -10, 0x2b0001), one}},
          "massive cancellation: x*y - x*y + small");
    w.row({x, {x.a ^ kSign, x.b + 1}}, "x*y - x*(y + ulp): only the rounded difference is left");
  }

  // Signed zeros: -0 products everywhere; +0 + (-0) = +0 at the accumulator.
  {
    std::vector<Elem> e;
    for (int k = 0; k < L; ++k) e.push_back(k % 2 ? Elem{kSign, one} : Elem{one | kSign, 0u});
    w.row(e, "all products -0: tree -0, row result +0");
    e.push_back({kSign, kSign});
    w.row(e, "-0 products over two beats, then (-0)*(-0) = +0");
    w.row({{kSign, one}}, "single -0 product");
    w.row({{code(true, -100), code(false, -60)}}, "product underflowing to -0: row +0");
  }

  // Overflow to Inf in the middle of a row, then Inf + (-Inf) = NaN, then
  // the next row starts clean.
  {
    std::vector<Elem> e = n_of(2 * L, [&] {
      return Elem{code(false, 64, 0x7fff00), code(false, 63)};
    });
    for (int k = 0; k < L; ++k) e.push_back(near_one(rng));
    w.row(e, "overflow to +Inf in the sum mid-row, then finite beats");
    e = {{kMax, kMax}};  // the product overflows: +Inf
    for (int k = 1; k < L; ++k) e.push_back(near_one(rng));
    e.push_back({code(true, 100), code(false, 100)});  // -Inf product
    for (int k = 1; k < 2 * L; ++k) e.push_back(near_one(rng));
    w.row(e, "+Inf product, later -Inf product: NaN for the rest of the row");
    w.row({near_one(rng), near_one(rng), near_one(rng)}, "row after a NaN row starts from +0");
    w.row({{kMax, one}, {kMax, one}, {kMax | kSign, one}},
          "max + max overflows before -max can bring it back (tree or accumulator)");
  }

  // Subnormal products summed; large and small terms.
  {
    w.row(n_of(2 * L, [&] { return product_near(uniform(rng, -150, -130), rng); }),
          "subnormal products (rounded by the multiplier), summed exactly");
    w.row({{code(false, -63), code(false, -63)}, {code(true, -63), code(false, -64)}},
          "2^-126 - 2^-127: a subnormal sum");
    const uint32_t p12 = code(false, 12);  // 2^12 * 2^12 = 2^24: fp32 ulp 2 there
    w.row({{p12, p12}, {one, one}, {one, one}, {one, one}},
          "2^24 + 1 + 1 + 1: the tree pairs (2^24 + 1) + (1 + 1)");
    w.row({{p12, p12}, {one, one}}, "2^24 + 1: tie to even, the 1 is lost");
    std::vector<Elem> e = n_of(L, [&] { return Elem{code(false, 15), code(false, 15)}; });
    for (int k = 0; k < 3 * L; ++k) e.push_back({code(rng() & 1, -5), code(false, -6)});
    w.row(e, "2^30 per lane, then terms of 2^-11: lost in the accumulator");
    e = {{code(false, 60), code(false, 60)}};
    for (int k = 1; k < L; ++k) e.push_back({code(rng() & 1, 0, frac(rng)), one});
    e.push_back({code(true, 60), code(false, 60)});
    w.row(e, "2^120 + small terms - 2^120: the small terms are gone");
  }
  // End on a row boundary so random beats start a fresh row.
  w.row({near_one(rng)}, "closing 1-beat row");
  return v;
}

TestVector random_case(const golden::Fp32MacParams& p, std::mt19937_64& rng) {
  const auto L = static_cast<std::size_t>(p.lanes);
  const bool last = rng() % 6 == 0;
  std::vector<Elem> e(L);
  const int mode = static_cast<int>(rng() % 100);
  if (mode < 30) {  // values near 1
    for (auto& x : e) x = near_one(rng);
  } else if (mode < 44) {  // similar magnitudes, both signs: cancellation
    const int la = uniform(rng, -30, 30), lb = uniform(rng, -30, 30);
    for (auto& x : e)
      x = {code(rng() & 1, la + static_cast<int>(rng() % 2), frac(rng)),
           code(false, lb, rng() % 4 ? 0u : frac(rng))};
  } else if (mode < 54) {  // small integers: exact running sums that return to +0
    for (auto& x : e)
      x = {code(rng() & 1, uniform(rng, 0, 2), (1u << 22) * (rng() & 1)),
           rng() % 5 ? code(rng() & 1, 0) : 0u};
  } else if (mode < 62) {  // wide exponent spread: large-small mixes, sticky bits
    for (auto& x : e)
      x = {code(rng() & 1, uniform(rng, -60, 60), frac(rng)),
           code(rng() & 1, uniform(rng, -60, 60), frac(rng))};
  } else if (mode < 74) {  // products near and below 2^-126, subnormal operands
    for (auto& x : e) {
      x = product_near(uniform(rng, -175, -118), rng);
      if (rng() % 3 == 0)  // a subnormal a times a large b
        x = {code(rng() & 1, uniform(rng, -149, -127), frac(rng)),
             code(rng() & 1, uniform(rng, 0, 127), frac(rng))};
    }
  } else if (mode < 78) {  // products near the fp32 maximum: overflow
    for (auto& x : e) x = product_near(uniform(rng, 123, 129), rng);
  } else if (mode < 84) {  // product rounding ties and near ties
    for (auto& x : e)
      x = {code(rng() & 1, uniform(rng, -4, 4), (1u << 22) | ((rng() & 1) << 21)),
           code(rng() & 1, uniform(rng, -4, 4), (static_cast<uint32_t>(rng()) | 1u) & 0x7fffffu)};
  } else if (mode < 89) {  // pairs x*b, (-x)*b: the tree sums to exactly +0 (even lanes)
    for (std::size_t i = 0; i < L; ++i)
      e[i] = i % 2 ? Elem{e[i - 1].a ^ kSign, e[i - 1].b} : near_one(rng);
  } else if (mode < 94) {  // some lanes zero (short rows, padding)
    for (auto& x : e) {
      x = near_one(rng);
      if (rng() % 2) x.a = static_cast<uint32_t>(rng() & 1) << 31;
    }
  } else {  // any code, specials included
    const FloatFormat f = FloatFormat::fp32();
    for (auto& x : e) x = {fp_operand_io::random_code(f, rng), fp_operand_io::random_code(f, rng)};
  }
  std::vector<uint32_t> a(L), b(L);
  for (std::size_t i = 0; i < L; ++i) {
    a[i] = e[i].a;
    b[i] = e[i].b;
  }
  return RowWriter::beat(a, b, last, "random");
}

std::vector<Design::Workload> workloads(const golden::Fp32MacParams& p) {
  // Useful MACs per beat: the last beat of a row is zero-padded when lanes
  // does not divide K, and the padding does no MAC.
  const int beats = (kGemmK + p.lanes - 1) / p.lanes;
  Design::Workload g;
  g.name = "gemm";
  g.doc = fmt::format(
      "GEMM rows of K = {} elements: fp32 a and b, each i.i.d. Gaussian N(0, 1) "
      "(golden::flexblock::make_matrix, the inputs of blockforge bfp-error); one dot product "
      "per row, {} beat(s)",
      kGemmK, beats);
  g.ops = static_cast<double>(kGemmK) / beats;
  return {g};
}

std::vector<TestVector> workload_chunk(const golden::Fp32MacParams& p, const std::string& name,
                                       std::mt19937_64& rng) {
  if (name != "gemm")
    throw std::logic_error("baseline.fp32_mac has one workload, 'gemm', not '" + name + "'");
  using golden::flexblock::MatrixKind;
  const auto a = golden::flexblock::make_matrix(MatrixKind::Gaussian, 1, kGemmK, rng());
  const auto b = golden::flexblock::make_matrix(MatrixKind::Gaussian, 1, kGemmK, rng());
  std::vector<Elem> e;
  for (int i = 0; i < kGemmK; ++i)
    e.push_back({golden::fp32_bits(a[static_cast<std::size_t>(i)]),
                 golden::fp32_bits(b[static_cast<std::size_t>(i)])});
  std::vector<TestVector> out;
  RowWriter(p.lanes, out).row(e, "gemm row");
  return out;
}

}  // namespace bf::baseline_fp32_mac
