#include "generator/blocks/fp_blocks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "generator/blocks/blocks.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::blocks {

using golden::FloatFormat;
using golden::Rounding;
using golden::SpecialValues;
using vlog::bits;
using vlog::lit;
using vlog::zext;

namespace {

// A plain Verilog name (which can take a bit select), not an expression.
bool is_identifier(const std::string& e) {
  if (e.empty() || !(std::isalpha(static_cast<unsigned char>(e[0])) || e[0] == '_')) return false;
  for (char ch : e)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
  return true;
}

// Largest exponent field of a finite number.
int max_finite_field(const FloatFormat& f) {
  return static_cast<int>(f.max_normal_code() >> f.man_bits);
}

// `name` (declared `from` bits wide) as a `to`-bit expression: zero-extended,
// or its low bits with the rest fed to an unused_* wire (the caller knows the
// high bits are zero).
std::string fit(vlog::Module& m, const std::string& name, int from, int to,
                const std::string& unused_name, const std::string& why) {
  if (to >= from) return zext(name, from, to);
  const std::string u = m.wire("unused_" + unused_name, 1);
  m.assign(u, "|" + bits(name, from - 1, to), why);
  return bits(name, to - 1, 0);
}

}  // namespace

FpUnpacked fp_unpack(vlog::Module& m, const std::string& p, const std::string& code,
                     const FloatFormat& f, bool normalize) {
  const int E = f.exp_bits, M = f.man_bits;
  if (M < 1) throw std::logic_error("fp_unpack: formats without mantissa bits are not supported");
  normalize = normalize && f.subnormals;
  FpUnpacked u;
  m.comment(fmt::format("{}: unpack {} (golden: fp_unpack{})", p, f.name(),
                        normalize ? ", subnormals normalized" : ""));
  u.sign = m.wire(p + "_sign", 1);
  m.assign(u.sign, bits(code, E + M, E + M));
  const std::string field = m.wire(p + "_field", E, "biased exponent field");
  m.assign(field, bits(code, E + M - 1, M));
  const std::string man = m.wire(p + "_man", M, "mantissa field");
  m.assign(man, bits(code, M - 1, 0));
  const std::string hidden = m.wire(p + "_hidden", 1, "field != 0: normal");
  m.assign(hidden, "|" + field);
  // Only formats with Inf or subnormals look at an all-zero mantissa.
  std::string man_zero;
  if (f.specials == SpecialValues::Ieee || f.subnormals) {
    man_zero = m.wire(p + "_man_zero", 1);
    m.assign(man_zero, "~(|" + man + ")");
  }

  // Classes.
  if (f.specials == SpecialValues::Ieee) {
    const std::string top = m.wire(p + "_field_ones", 1, "exponent all ones: Inf or NaN");
    m.assign(top, "&" + field);
    u.is_inf = m.wire(p + "_is_inf", 1);
    m.assign(u.is_inf, top + " & " + man_zero);
    u.is_nan = m.wire(p + "_is_nan", 1);
    m.assign(u.is_nan, top + " & ~" + man_zero);
  } else if (f.specials == SpecialValues::NanOnlyAllOnes) {
    u.is_inf = "1'b0";
    u.is_nan = m.wire(p + "_is_nan", 1, "only S.1..1.1..1 is NaN; no Inf");
    m.assign(u.is_nan, "(&" + field + ") & (&" + man + ")");
  } else {
    u.is_inf = "1'b0";
    u.is_nan = "1'b0";
  }
  u.is_zero = m.wire(p + "_is_zero", 1);
  if (f.subnormals) {
    m.assign(u.is_zero, "~" + hidden + " & " + man_zero);
  } else {
    m.assign(u.is_zero, "~" + hidden, "subnormals read as zero (denormals-are-zero)");
  }

  const int maxf = max_finite_field(f);
  u.sig_width = M + 1;
  u.sig = m.wire(p + "_sig", M + 1, "significand, hidden bit at the top");
  if (!normalize) {
    u.exp_bias = f.bias();
    u.exp_lo = 1;
    u.exp_hi = maxf;
    u.exp_width = E;
    if (f.subnormals) {
      m.assign(u.sig, vlog::concat({hidden, man}));
    } else {
      m.assign(u.sig, fmt::format("{} ? {{1'b1, {}}} : {}", hidden, man, lit(M + 1, 0)),
               "a flushed subnormal has sig 0");
    }
    u.exp = m.wire(p + "_exp", E, "max(field, 1): |x| = sig/2^M * 2^(exp - bias)");
    m.assign(u.exp, fmt::format("{0} ? {1} : {2}", hidden, field, lit(E, 1)));
    return u;
  }
  // Normalize a subnormal: its leading one moves to the hidden position and
  // the exponent drops by the shift.
  u.exp_bias = f.bias() + M;
  u.exp_lo = 1;
  u.exp_hi = maxf + M;
  u.exp_width = vlog::bits_for(static_cast<uint64_t>(u.exp_hi));
  const std::string lz = leading_zeros(m, p + "_lzc", man, M);
  const int lz_w = vlog::bits_for(static_cast<uint64_t>(M));
  const std::string man_n = m.wire(p + "_man_norm", M, "subnormal: mantissa << lzc (MSB set)");
  m.assign(man_n, man + " << " + lz);
  m.assign(u.sig, fmt::format("{} ? {{1'b1, {}}} : {{{}, 1'b0}}", hidden, man, man_n));
  u.exp = m.wire(p + "_exp", u.exp_width,
                 "field + M, or M - lzc for a subnormal: |x| = sig/2^M * 2^(exp - bias - M)");
  const int ew = u.exp_width;
  m.assign(u.exp, fmt::format("{} ? ({} + {}) : ({} - {})", hidden, zext(field, E, ew), lit(ew, M),
                              lit(ew, M), zext(lz, lz_w, ew)));
  return u;
}

namespace {

struct Plan {
  int M = 0, E = 0;
  int pad = 0;  // zero bits appended below sig
  int sw = 0;   // padded sig width
  int lzb = 0;  // guaranteed-zero low bits of the padded sig
  int r0 = 0;   // shift of a value with its leading one at bit sw-2
  int emin_code = 0;
  bool under = false;   // some exp < emin_code
  bool ftz = false;     // results below 2^emin flush
  bool tiny = false;    // some result is below 2^emin
  bool rounds = false;  // a rounding increment exists
  bool denorm = false;  // round_shift with a variable shift is emitted
  int cap = 0;          // round_shift cap when denorm or rounds
  int ep_max = 0;       // largest max(L - emin, 0)
  int field_max = 0;    // largest biased field before the overflow check
  bool may_overflow = false;
};

Plan make_plan(const FpRoundPack& rp) {
  Plan pl;
  pl.M = rp.f.man_bits;
  pl.E = rp.f.exp_bits;
  if (rp.sig_width < 2) throw std::logic_error("fp_round_pack: sig_width < 2");
  pl.pad = std::max(0, pl.M + 2 - rp.sig_width);
  pl.sw = rp.sig_width + pl.pad;
  pl.lzb = rp.low_zero_bits + pl.pad;
  pl.r0 = pl.sw - 2 - pl.M;
  pl.emin_code = rp.f.emin() + rp.exp_bias;
  pl.under = rp.exp_lo < pl.emin_code;
  pl.ftz = !rp.f.subnormals;
  pl.tiny = pl.under || (rp.low_lead_at_emin && rp.exp_lo <= pl.emin_code);
  const bool trunc = rp.mode == Rounding::Truncate;
  if (!pl.under) {
    // Only the 1-bit normalization of the leading one: shift r0 or r0 + 1.
    pl.rounds = !trunc && pl.lzb < pl.r0 + 1;
    pl.denorm = false;
    pl.cap = pl.r0 + 1;
  } else if (!pl.ftz) {
    // Subnormal results: denormalizing right shift up to emin_code - exp_lo.
    pl.denorm = true;
    pl.cap = round_shift_cap(pl.sw, rp.mode, 0);
    const int max_shift = std::min(pl.r0 + (pl.emin_code - rp.exp_lo), pl.cap);
    pl.rounds = !trunc && pl.lzb < max_shift;
  } else {
    // Flushed subnormals: only [2^(emin-1), 2^emin) can still round up to
    // 2^emin, at a shift of at most r0 + 2.
    pl.rounds = !trunc && pl.lzb < pl.r0 + 2;
    pl.denorm = pl.rounds;
    pl.cap = pl.r0 + 2;
  }
  pl.ep_max = std::max(0, rp.exp_hi + 1 - pl.emin_code);
  pl.field_max = pl.ep_max + (pl.rounds ? 2 : 1);
  pl.may_overflow = pl.field_max >= (1 << pl.E) - 1;
  return pl;
}

}  // namespace

FpRoundPackPlan fp_round_pack_plan(const FpRoundPack& rp) {
  const Plan pl = make_plan(rp);
  return {pl.tiny, pl.rounds, pl.denorm, pl.may_overflow};
}

std::string fp_round_pack(vlog::Module& m, const std::string& p, const FpRoundPack& rp) {
  const Plan pl = make_plan(rp);
  const FloatFormat& f = rp.f;
  const int M = pl.M, E = pl.E, sw = pl.sw, r0 = pl.r0;
  if (f.specials != SpecialValues::Ieee)
    throw std::logic_error("fp_round_pack: the result format needs IEEE specials");
  if (rp.exp_lo < 0 || rp.exp_hi >= (1 << rp.exp_width) || rp.exp_lo > rp.exp_hi)
    throw std::logic_error("fp_round_pack: bad static exponent range");

  m.comment(fmt::format(
      "{}: round to {} (golden: fp_round_pack), {}; {}{}{}", p, f.name(), to_string(rp.mode),
      pl.tiny ? (pl.ftz ? "results below 2^emin flush to zero" : "subnormal results")
              : "no result below 2^emin",
      pl.rounds ? "" : ", every result exact (no rounding increment)",
      pl.may_overflow ? "" : ", no overflow possible"));

  // The significand, zero-padded so that the kept part is M + 1 bits at
  // shift r0 (leading one at sw-2) or r0 + 1 (leading one at sw-1).
  std::string sig = rp.sig;
  if (pl.pad) {
    sig = m.wire(p + "_sig", sw, fmt::format("{} zero bits appended", pl.pad));
    m.assign(sig, vlog::concat({rp.sig, lit(pl.pad, 0)}));
  } else if (!is_identifier(sig)) {  // a concatenation cannot be bit-selected
    sig = m.wire(p + "_sig", sw);
    m.assign(sig, rp.sig);
  }
  const std::string msb = m.wire(p + "_msb", 1, "leading one at the top bit (value in [2, 4))");
  m.assign(msb, bits(sig, sw - 1, sw - 1));

  // t = exp + msb, the exponent L of the value plus exp_bias.
  const int neg_off = std::max(0, -pl.emin_code);  // added so nothing goes negative
  const int cw = vlog::bits_for(static_cast<uint64_t>(
                     std::max({rp.exp_hi + 1 + neg_off, pl.emin_code + 1, pl.field_max}))) +
                 1;
  const std::string t = m.wire(p + "_t", cw, "exp + msb: floor(log2) of the value, biased");
  m.assign(t, fmt::format("{} + {}", zext(rp.exp, rp.exp_width, cw), zext(msb, 1, cw)));
  const std::string ep = m.wire(p + "_ep", cw, "max(L - emin, 0): the field before the hidden bit");
  if (!pl.under) {
    m.assign(ep, pl.emin_code >= 0 ? fmt::format("{} - {}", t, lit(cw, pl.emin_code))
                                   : fmt::format("{} + {}", t, lit(cw, neg_off)));
  } else {
    m.assign(ep,
             fmt::format("({0} < {1}) ? {2} : ({0} - {1})", t, lit(cw, pl.emin_code), lit(cw, 0)));
  }

  // n: the kept significand (M + 1 bits plus a rounding carry).
  std::string n;
  std::string flush;  // FTZ with possible underflow only
  if (!pl.rounds && !pl.denorm) {
    n = m.wire(p + "_n", M + 2, "kept significand: shift r0 + msb, exact or truncated");
    m.assign(n, fmt::format("{} ? {{1'b0, {}}} : {{1'b0, {}}}", msb, bits(sig, sw - 1, r0 + 1),
                            bits(sig, sw - 2, r0)));
    if (r0 > 0) {
      const std::string u = m.wire("unused_" + p + "_frac", 1);
      m.assign(u, "|" + bits(sig, r0 - 1, 0),
               pl.lzb >= r0 ? "always zero: the result is exact" : "truncated");
    }
    if (pl.under) {
      flush = m.wire(p + "_flush", 1, "L < emin: flushed to zero");
      m.assign(flush, fmt::format("{} < {}", t, lit(cw, pl.emin_code)));
    }
  } else {
    // Shift amount r = r0 + dn.
    int dn_max = 1;
    std::string dn;
    if (!pl.under) {
      dn = msb;
    } else {
      dn_max = pl.ftz ? 2 : std::max(1, pl.emin_code - rp.exp_lo);
      dn_max = std::min(dn_max, pl.cap - r0);
      const int dw = vlog::bits_for(static_cast<uint64_t>(dn_max));
      const int xw = std::max(cw, rp.exp_width + 1);
      const std::string under = m.wire(p + "_under", 1, "exp < emin: denormalize");
      m.assign(under,
               fmt::format("{} < {}", zext(rp.exp, rp.exp_width, xw), lit(xw, pl.emin_code)));
      const std::string deficit = m.wire(p + "_deficit", xw, "emin - exp when under");
      m.assign(deficit,
               fmt::format("{} - {}", lit(xw, pl.emin_code), zext(rp.exp, rp.exp_width, xw)));
      dn = m.wire(p + "_dn", dw, fmt::format("max(msb, emin - exp), capped at {}", dn_max));
      m.assign(dn,
               fmt::format("~{} ? {} : ({} > {}) ? {} : {}", under, zext(msb, 1, dw), deficit,
                           lit(xw, dn_max), lit(dw, dn_max),
                           fit(m, deficit, xw, dw, p + "_deficit_hi", "only read when <= cap")));
    }
    const int dw = dn == msb ? 1 : vlog::bits_for(static_cast<uint64_t>(dn_max));
    const int cap = std::min(pl.cap, r0 + dn_max);
    // Wide enough that round_shift's clamp `r > cap` is not constant (cap <
    // 2^rw - 1, Verilator CMPCONST) and its shift offset is a vector.
    const int rw = std::max(2, vlog::bits_for(static_cast<uint64_t>(cap) + 1));
    const std::string r = m.wire(p + "_r", rw, "right shift r0 + dn");
    m.assign(r, fmt::format("{} + {}", lit(rw, r0), zext(dn, dw, rw)));
    RoundShift rs;
    rs.sig = sig;
    rs.sig_width = sw;
    rs.shift = r;
    rs.shift_width = rw;
    rs.r_min = r0;
    rs.kept_width = M + 1;
    rs.cap = cap;
    rs.mode = pl.rounds ? rp.mode : Rounding::Truncate;
    if (rs.mode != Rounding::Truncate && rs.cap < 1)
      throw std::logic_error("fp_round_pack: no fraction bit");
    n = round_shift(m, p + "_sh", rs);
    if (pl.ftz && pl.under) {
      flush = m.wire(p + "_tiny", 1, "L < emin - 1: below half the smallest normal");
      m.assign(flush, fmt::format("{} < {}", t, lit(cw, pl.emin_code - 1)));
    }
  }

  // Field: ep + the hidden bit and carry of n (golden: code_mag = (ep << M) + n).
  const std::string field = m.wire(p + "_field", cw, "biased exponent field");
  m.assign(field, fmt::format("{} + {}", ep, zext(bits(n, M + 1, M), 2, cw)));
  const std::string code = m.wire(p + "_code", f.width());
  const uint64_t max_mag = f.max_normal_code();
  const uint64_t inf_mag = uint64_t{(1u << E) - 1} << M;
  const std::string ovf_mag =
      rp.mode == Rounding::Truncate ? vlog::hex_lit(E + M, max_mag) : vlog::hex_lit(E + M, inf_mag);
  const std::string packed = vlog::concat(
      {fit(m, field, cw, E, p + "_field_hi",
           pl.may_overflow ? "covered by the overflow test" : "always 0: no overflow possible"),
       bits(n, M - 1, 0)});
  std::string mag = packed;
  if (pl.tiny && pl.ftz) {
    const std::string fz = m.wire(p + "_ftz", 1, "subnormal result: flush to signed zero");
    const std::string field_zero = fmt::format("({} == {})", field, lit(cw, 0));
    // Below half the smallest normal (when the exponent says so), or a
    // rounded/exact result whose field is 0.
    std::string e = flush;
    if (pl.denorm || rp.low_lead_at_emin) e += (e.empty() ? "" : " | ") + field_zero;
    m.assign(fz, e);
    mag = fmt::format("{} ? {} : {}", fz, lit(E + M, 0), mag);
  }
  if (pl.may_overflow) {
    const std::string ovf =
        m.wire(p + "_ovf", 1,
               rp.mode == Rounding::Truncate ? "field >= all ones: overflow, saturate (truncate)"
                                             : "field >= all ones: overflow to Inf");
    m.assign(ovf, fmt::format("{} >= {}", field, lit(cw, (1u << E) - 1)));
    mag = fmt::format("{} ? {} : {}", ovf, ovf_mag, mag);
  }
  const std::string mag_w = m.wire(p + "_mag", E + M);
  m.assign(mag_w, mag);
  m.assign(code, vlog::concat({rp.sign, mag_w}));
  return code;
}

}  // namespace bf::blocks
