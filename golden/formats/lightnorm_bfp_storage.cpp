#include "golden/formats/lightnorm_bfp_storage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "golden/arith/fp_core.hpp"
#include "golden/bits/bitstream.hpp"

namespace bf::golden {

namespace {

uint32_t low_bits(uint32_t v, int n) { return n >= 32 ? v : v & ((uint32_t{1} << n) - 1); }

// The exponent of u, the weight of m's LSB: the header's reference field
// (E2, or Emax for Plain) minus B + bits - 1.
int unit_exponent(const LightnormBfpStorage& s, const BfpGroupExponents& ex) {
  const uint32_t ref = s.keep_max() ? ex.second : ex.max;
  return static_cast<int>(ref) - s.format.bias() - s.bfp.bits + 1;
}

std::size_t byte_count(const LightnormBfpStorage& s) {
  return static_cast<std::size_t>(s.group_bits() + 7) / 8;
}

}  // namespace

void LightnormBfpStorage::validate() const {
  bfp.validate();
  if (format.specials != SpecialValues::None || !format.subnormals)
    throw std::invalid_argument(fmt::format(
        "lightnorm_bfp storage: the element format must have no Inf/NaN and keep subnormals "
        "(fp10_e5m4, fp10_e6m3, ...), got {}",
        format.name()));
}

int LightnormBfpStorage::header_bits() const {
  return keep_max() ? 2 * format.exp_bits : format.exp_bits;
}

int LightnormBfpStorage::payload_bits() const {
  return keep_max() ? std::max(bfp.bits, format.man_bits) : bfp.bits;
}

int LightnormBfpStorage::element_bits() const { return (keep_max() ? 2 : 1) + payload_bits(); }

uint32_t lightnorm_bfp_pack_element(const LightnormBfpStorage& s, const BfpGroupExponents& ex,
                                    uint32_t code) {
  const FloatFormat& f = s.format;
  const int P = s.payload_bits();
  const uint32_t q = lightnorm_bfp_element(s.bfp, f, ex, code);
  const uint32_t sign = (q >> (f.width() - 1)) & 1u;
  const uint32_t e = (q >> f.man_bits) & ((uint32_t{1} << f.exp_bits) - 1);
  if (s.keep_max() && e == ex.max)
    return sign << (P + 1) | uint32_t{1} << P | low_bits(q, f.man_bits);
  // m = |q| / u, exactly: the header comment proves it is an integer below
  // 2^bits; checked here rather than trusted, so a rule that broke the proof
  // fails loudly.
  const FpValue v = fp_unpack(f, q);
  uint64_t m = 0;
  if (v.cls == FpValue::Class::Finite) {
    const int shift = v.exp - unit_exponent(s, ex);
    if (shift >= 0) {
      m = shift < 40 ? v.sig << shift : uint64_t{1} << 63;
    } else if (-shift < 64 && (v.sig & ((uint64_t{1} << -shift) - 1)) == 0) {
      m = v.sig >> -shift;
    } else {
      m = uint64_t{1} << 63;  // not a multiple of u: caught below
    }
  }
  if (m >> s.bfp.bits)
    throw std::logic_error(
        fmt::format("lightnorm_bfp_pack_element: code 0x{:x} -> 0x{:x} is not m * u with m < 2^{} "
                    "(Emax {}, E2 {})",
                    code, q, s.bfp.bits, ex.max, ex.second));
  return sign << (s.keep_max() ? P + 1 : P) | static_cast<uint32_t>(m);
}

uint32_t lightnorm_bfp_unpack_element(const LightnormBfpStorage& s, const BfpGroupExponents& ex,
                                      uint32_t field) {
  const FloatFormat& f = s.format;
  const int P = s.payload_bits();
  const bool flag = s.keep_max() && ((field >> P) & 1u);
  const bool sign = (field >> (s.keep_max() ? P + 1 : P)) & 1u;
  if (flag)
    return uint32_t{sign} << (f.width() - 1) | low_bits(ex.max, f.exp_bits) << f.man_bits |
           low_bits(field, f.man_bits);
  const uint32_t m = low_bits(field, s.bfp.bits);
  return fp_round_pack(f, sign, m, unit_exponent(s, ex), Rounding::Truncate);
}

std::vector<uint8_t> lightnorm_bfp_encode(const LightnormBfpStorage& s,
                                          std::span<const uint32_t> codes) {
  s.validate();
  if (codes.size() != static_cast<std::size_t>(s.bfp.group))
    throw std::invalid_argument(
        fmt::format("lightnorm_bfp_encode: {} codes for a group of {}", codes.size(), s.bfp.group));
  const FloatFormat& f = s.format;
  std::vector<uint32_t> in(codes.begin(), codes.end());
  for (uint32_t& c : in) c = low_bits(c, f.width());
  const BfpGroupExponents ex = lightnorm_bfp_exponents(f, in);
  BitWriter w(static_cast<std::size_t>(s.group_bits()));
  w.put(ex.max, f.exp_bits);
  if (s.keep_max()) w.put(ex.second, f.exp_bits);
  for (uint32_t c : in) w.put(lightnorm_bfp_pack_element(s, ex, c), s.element_bits());
  return w.finish();
}

void lightnorm_bfp_decode(const LightnormBfpStorage& s, std::span<const uint8_t> bytes,
                          std::span<uint32_t> codes) {
  s.validate();
  if (bytes.size() != byte_count(s) || codes.size() != static_cast<std::size_t>(s.bfp.group))
    throw std::invalid_argument(
        fmt::format("lightnorm_bfp_decode: {} bytes and {} codes for a group of {} ({} bytes)",
                    bytes.size(), codes.size(), s.bfp.group, byte_count(s)));
  BitReader r(bytes);
  BfpGroupExponents ex;
  ex.max = r.get(s.format.exp_bits);
  if (s.keep_max()) ex.second = r.get(s.format.exp_bits);
  for (uint32_t& c : codes) c = lightnorm_bfp_unpack_element(s, ex, r.get(s.element_bits()));
}

}  // namespace bf::golden
