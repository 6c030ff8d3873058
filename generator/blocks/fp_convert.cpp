#include "generator/blocks/fp_convert.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "generator/blocks/flag_terms.hpp"
#include "generator/blocks/fp_blocks.hpp"
#include "generator/blocks/primitive.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::blocks {

using golden::ExponentPolicy;
using golden::FloatFormat;
using golden::Rounding;
using golden::SpecialValues;
using vlog::bits;
using vlog::concat;
using vlog::hex_lit;
using vlog::lit;
using vlog::zext;

namespace {

// floor(log2) of the smallest positive value of f (subnormal codes are zero
// when !f.subnormals).
int l_min(const FloatFormat& f) { return f.subnormals ? f.emin() - f.man_bits : f.emin(); }

// The code of `to` a NaN input becomes (golden: encode_from_fp32): to's
// canonical quiet NaN with a's sign, all ones with a's sign (e4m3), or
// +max normal when `to` has no NaN.
std::string nan_result(const FloatFormat& to, const std::string& sign) {
  const int E = to.exp_bits, M = to.man_bits;
  switch (to.specials) {
    case SpecialValues::Ieee:
      return concat({sign, hex_lit(E + M, (uint64_t{(1u << E) - 1} << M) | (1u << (M - 1)))});
    case SpecialValues::NanOnlyAllOnes:
      return concat({sign, hex_lit(E + M, (uint64_t{1} << (E + M)) - 1)});
    case SpecialValues::None:
      break;
  }
  return hex_lit(to.width(), to.max_normal_code());
}

// True when every subnormal of `from` converts to signed zero under every
// rounding: all of them lie below 2^emin(from) <= half of to's smallest
// subnormal (or, without subnormals in `to`, half of its smallest normal; or
// under flush_to_zero, its smallest normal). fp32 into the small formats:
// its subnormals then need no normalizer.
bool subnormals_vanish(const FloatFormat& from, const FloatFormat& to, ExponentPolicy policy) {
  if (!from.subnormals) return false;
  const int limit = policy == ExponentPolicy::FlushToZero ? to.emin()
                    : to.subnormals                       ? to.emin() - to.man_bits - 1
                                                          : to.emin() - 1;
  return from.emin() <= limit;
}

std::string policy_tag(ExponentPolicy p) { return p == ExponentPolicy::Saturate ? "sat" : "ftz"; }

std::string rounding_tag(Rounding r) {
  switch (r) {
    case Rounding::NearestEven:
      return "rne";
    case Rounding::NearestAway:
      return "rna";
    default:
      return "rtz";
  }
}

// `name` (`width` bits) read only in its low `keep` bits: the rest feeds an
// unused_* wire with the reason. Returns the low part.
std::string low_bits(vlog::Module& m, const std::string& name, int width, int keep,
                     const std::string& why) {
  if (keep >= width) return name;
  const std::string u = m.wire("unused_" + name + "_hi", 1);
  m.assign(u, "|" + bits(name, width - 1, keep), why);
  return bits(name, keep - 1, 0);
}

}  // namespace

void fp_convert_check(const FloatFormat& from, const FloatFormat& to, ExponentPolicy policy,
                      Rounding rounding) {
  if (policy == ExponentPolicy::AuthorsMask)
    throw std::invalid_argument(
        "fp_convert: exponent policy authors_mask yields fp32 values that need not be codes of "
        "the target format; use saturate or flush_to_zero");
  if (rounding == Rounding::Stochastic)
    throw std::invalid_argument(
        "fp_convert: stochastic rounding is not offered; use truncate, nearest_even or "
        "nearest_away");
  for (const FloatFormat* f : {&from, &to}) {
    if (f->man_bits < 1)
      throw std::invalid_argument(fmt::format(
          "fp_convert: format {} has no mantissa bits; formats with at least one are supported",
          f->name()));
    golden::SmallFloatConvert{*f, policy, rounding}.validate();
  }
}

bool fp_convert_exact(const FloatFormat& from, const FloatFormat& to, ExponentPolicy policy) {
  if (from == to) return true;
  if (to.man_bits < from.man_bits) return false;
  if (from.max_normal() > to.max_normal()) return false;
  if (l_min(from) >= to.emin()) return true;  // every value normal in `to`, M_to >= M_from
  // Some values of `from` lie below 2^emin of `to`: kept only as subnormals of
  // `to` on a grid at least as fine as from's finest (its quantum 2^(emin - M)).
  return policy == ExponentPolicy::Saturate && to.subnormals &&
         to.emin() - to.man_bits <= from.emin() - from.man_bits;
}

vlog::Module fp_convert_module(const FloatFormat& from, const FloatFormat& to,
                               ExponentPolicy policy, Rounding rounding, const std::string& name,
                               const std::vector<std::string>& header) {
  fp_convert_check(from, to, policy, rounding);
  const int Ef = from.exp_bits, Mf = from.man_bits, Et = to.exp_bits, Mt = to.man_bits;
  const bool exact = fp_convert_exact(from, to, policy);
  // Widening with equal exponent fields: the code itself, mantissa padded.
  const bool copy = exact && Et == Ef;
  // Widening into a wider exponent where every value is normal: re-bias.
  const bool rebias = exact && Et > Ef && l_min(from) >= to.emin();
  const bool flushes = policy == ExponentPolicy::FlushToZero && l_min(from) < to.emin();
  const bool may_overflow = !exact && from.max_normal() > to.max_normal();
  const bool vanish = !exact && subnormals_vanish(from, to, policy);

  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(
      exact ? fmt::format("Float conversion y = convert(a): {} -> {} (exact: the same for every "
                          "exponent policy and rounding).",
                          from.name(), to.name())
            : fmt::format("Float conversion y = convert(a): {} -> {}, exponent {}, {}.",
                          from.name(), to.name(), to_string(policy), to_string(rounding)));
  m.header.push_back(
      "Bit-exact with range BN's Convert (golden/lightnorm/range_bn.cpp): small_encode of");
  m.header.push_back("small_to_fp32(a) (golden/formats/small_float_convert.hpp).");
  if (from == to) {
    m.header.push_back("The same format: the identity.");
  } else if (exact) {
    m.header.push_back(fmt::format("Every value of {} is exact in {}: no rounding logic ({}).",
                                   from.name(), to.name(),
                                   copy     ? "the code with its mantissa padded"
                                   : rebias ? "the exponent re-biased"
                                            : "fp_round_pack in truncation"));
  } else {
    m.header.push_back(fmt::format("Narrowing: fp_round_pack rounds ({}).", to_string(rounding)));
    if (may_overflow) m.header.push_back("Values beyond max normal saturate (Inf included).");
    if (flushes)
      m.header.push_back(
          fmt::format("Values below 2^{} flush to signed zero before rounding.", to.emin()));
    if (vanish)
      m.header.push_back(
          fmt::format("Subnormals of {} convert to signed zero (too small for {}): no normalizer.",
                      from.name(), to.name()));
  }
  m.header.push_back("Combinational.");
  m.input("a_i", from.width(), from.name() + " code");
  m.output("y_o", to.width(), to.name() + " code");

  if (from == to) {
    m.assign("y_o", "a_i", "same format: the identity");
    return m;
  }

  m.blank();
  const FpUnpacked a = fp_unpack(m, "a", "a_i", from, !copy && !vanish);
  std::string tiny = "1'b0";  // a subnormal of from that converts to signed zero
  if (vanish) {
    tiny = m.wire(
        "tiny", 1,
        fmt::format("subnormal (or zero): below 2^{}, converts to signed zero", from.emin()));
    m.assign(tiny, "~(|" + bits("a_i", Ef + Mf - 1, Mf) + ")");
  }

  m.blank();
  std::string mag;             // Et + Mt bits: the result for a finite nonzero a
  std::string sign = a.sign;   // its sign
  std::string flush = "1'b0";  // flush_to_zero of a value below 2^emin(to)
  const std::string pad = Mt > Mf ? lit(Mt - Mf, 0) : "";
  if (copy) {
    m.comment("Equal exponent fields: the same code in to, the mantissa padded.");
    const std::string u = m.wire("unused_a_sig_exp", 1);
    m.assign(u, fmt::format("|{{{}, {}}}", a.sig, a.exp), "the code's fields are copied");
    mag = m.wire("mag", Et + Mt);
    m.assign(mag, pad.empty() ? bits("a_i", Ef + Mf - 1, 0)
                              : concat({bits("a_i", Ef + Mf - 1, 0), pad}));
  } else if (rebias) {
    const int off = to.bias() - a.exp_bias;  // >= 0: every value is normal in to
    const int ew = std::max(a.exp_width, Et);
    m.comment(
        fmt::format("Wider exponent, every value normal in {}: field = exp + {}.", to.name(), off));
    const std::string field =
        m.wire("field", ew, fmt::format("exp - {} + {}", a.exp_bias, to.bias()));
    m.assign(field, fmt::format("{} + {}", zext(a.exp, a.exp_width, ew), lit(ew, off)));
    const std::string u = m.wire("unused_a_lead", 1);
    m.assign(u, bits(a.sig, Mf, Mf), "the hidden one of a normalized significand");
    const std::string fl = low_bits(m, field, ew, Et, "always 0: at most to's max field");
    mag = m.wire("mag", Et + Mt);
    const std::string man = bits(a.sig, Mf - 1, 0);
    m.assign(mag, concat(pad.empty() ? std::vector<std::string>{fl, man}
                                     : std::vector<std::string>{fl, man, pad}));
  } else {
    // Round in the proxy format (this file's header): to's mantissa and
    // subnormal policy, 8 exponent bits, to's emin through the exponent bias.
    const FloatFormat proxy = Et == 8 ? to : FloatFormat{8, Mt, SpecialValues::Ieee, to.subnormals};
    const int Ep = proxy.exp_bits;
    const int emin_code = to.emin() + a.exp_bias;  // a.exp of 2^emin(to)
    FpRoundPack rp;
    rp.f = proxy;
    rp.mode = exact ? Rounding::Truncate : rounding;
    rp.sign = a.sign;
    rp.sig = concat({"1'b0", a.sig});  // leading one at W-2
    rp.sig_width = a.sig_width + 1;
    rp.exp = a.exp;
    rp.exp_width = a.exp_width;
    rp.exp_bias = a.exp_bias + to.emin() - proxy.emin();
    rp.exp_lo = a.exp_lo;
    rp.exp_hi = a.exp_hi;
    if (flushes) {
      m.comment(fmt::format(
          "flush_to_zero: a value below 2^{} becomes signed zero, decided on the exponent",
          to.emin()));
      m.comment("before rounding (the rounding step below only sees the values above).");
      const int xw = std::max(a.exp_width, vlog::bits_for(static_cast<uint64_t>(emin_code)));
      flush = m.wire("flush", 1, fmt::format("exp < {}: |a| < 2^emin", emin_code));
      m.assign(flush, fmt::format("{} < {}", zext(a.exp, a.exp_width, xw), lit(xw, emin_code)));
      rp.exp_lo = std::min(std::max(a.exp_lo, emin_code), a.exp_hi);
      m.blank();
    }
    m.comment(fmt::format("Rounding in {}: to's mantissa and subnormals, 8 exponent bits with",
                          proxy.name()));
    m.comment(Ep == Et ? "to's own bias (an overflow is an all-ones field, caught by sat below)."
                       : fmt::format("to's emin = {} (the field is to's; it never overflows).",
                                     to.emin()));
    const std::string code = fp_round_pack(m, "rnd", rp);
    sign = bits(code, Ep + Mt, Ep + Mt);
    const std::string pm =
        m.wire("proxy_mag", Ep + Mt, fmt::format("magnitude in {}", proxy.name()));
    m.assign(pm, bits(code, Ep + Mt - 1, 0));
    const std::string low =
        may_overflow ? (Ep == Et ? pm : bits(pm, Et + Mt - 1, 0))
                     : low_bits(m, pm, Ep + Mt, Et + Mt, "always 0: no value beyond max normal");
    mag = m.wire("mag", Et + Mt);
    if (may_overflow) {
      m.blank();
      const std::string sat =
          m.wire("sat", 1, "beyond max normal: saturate (golden: Overflow::Saturate)");
      m.assign(sat, fmt::format("{} > {}", pm, hex_lit(Ep + Mt, to.max_normal_code())));
      m.assign(mag, fmt::format("{} ? {} : {}", sat, hex_lit(Et + Mt, to.max_normal_code()), low));
    } else {
      m.assign(mag, low);
    }
  }

  m.blank();
  // A copied code with subnormals is its own zero; elsewhere a zero's
  // significand or exponent would read as a value.
  const bool zero_override = !(copy && from.subnormals);
  std::vector<std::string> cases;
  if (a.is_nan != "1'b0")
    cases.push_back(to.specials == SpecialValues::None ? "NaN -> +max normal (no NaN in to)"
                                                       : "NaN -> to's NaN");
  if (a.is_inf != "1'b0") cases.push_back("Inf -> signed max normal");
  if (zero_override)
    cases.push_back(std::string(vanish ? "zero or subnormal" : "zero") +
                    (flushes ? " or flushed" : "") + " -> signed zero");
  if (!cases.empty()) m.comment("Special cases (golden: encode_from_fp32, Overflow::Saturate):");
  for (const auto& c : cases) m.comment("  " + c);
  std::string y = concat({sign, mag});
  if (zero_override) {
    const std::string zero =
        flag_wire(m, "zero", or_terms({a.is_zero, tiny, flush}),
                  std::string(from.subnormals && !vanish ? "zero" : "zero or subnormal") +
                      (flushes ? ", or flushed" : ""));
    y = fmt::format("{} ? {{{}, {}}} : {}", zero, a.sign, lit(Et + Mt, 0), y);
  } else {
    const std::string u = m.wire("unused_a_is_zero", 1);
    m.assign(u, a.is_zero, "a zero code is copied as is");
  }
  if (a.is_inf != "1'b0")
    y = fmt::format("{} ? {{{}, {}}} : {}", a.is_inf, a.sign,
                    hex_lit(Et + Mt, to.max_normal_code()), y);
  if (a.is_nan != "1'b0") y = fmt::format("{} ? {} : {}", a.is_nan, nan_result(to, a.sign), y);
  m.assign("y_o", y, cases.empty() ? "" : "specials override the converted value");
  return m;
}

std::string fp_convert_name(const FloatFormat& from, const FloatFormat& to, ExponentPolicy policy,
                            Rounding rounding) {
  const std::string base = fmt::format("fp_convert_{}_to_{}", from.name(), to.name());
  if (fp_convert_exact(from, to, policy)) return base;
  return fmt::format("{}_{}_{}", base, policy_tag(policy), rounding_tag(rounding));
}

vlog::Module fp_convert_primitive(const FloatFormat& from, const FloatFormat& to,
                                  ExponentPolicy policy, Rounding rounding) {
  const bool exact = fp_convert_exact(from, to, policy);
  const std::string title =
      exact ? fmt::format("fp_convert ({} -> {}, exact)", from.name(), to.name())
            : fmt::format("fp_convert ({} -> {}, {}, {})", from.name(), to.name(),
                          to_string(policy), to_string(rounding));
  // An exact conversion's name leaves out policy and rounding, so its body
  // must not depend on them either: build it with one fixed choice.
  return fp_convert_module(
      from, to, exact ? ExponentPolicy::Saturate : policy, exact ? Rounding::Truncate : rounding,
      fp_convert_name(from, to, policy, rounding), primitive_header(title, {}));
}

void fp_convert(vlog::Module& m, const std::string& inst, const std::string& code,
                const std::string& y, const FloatFormat& from, const FloatFormat& to,
                ExponentPolicy policy, Rounding rounding) {
  vlog::Module child = fp_convert_primitive(from, to, policy, rounding);
  m.add(vlog::instance_of(child, inst, {{"a_i", code}, {"y_o", y}}));
  m.use(std::move(child));
}

}  // namespace bf::blocks
