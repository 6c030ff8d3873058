#include "golden/formats/rounding.hpp"

namespace bf::golden {

std::string_view to_string(Rounding r) {
  switch (r) {
    case Rounding::NearestEven:
      return "nearest_even";
    case Rounding::NearestAway:
      return "nearest_away";
    case Rounding::Truncate:
      return "truncate";
    case Rounding::Stochastic:
      return "stochastic";
  }
  return "?";
}

std::optional<Rounding> parse_rounding(std::string_view name) {
  for (Rounding r :
       {Rounding::NearestEven, Rounding::NearestAway, Rounding::Truncate, Rounding::Stochastic}) {
    if (name == to_string(r)) return r;
  }
  return std::nullopt;
}

std::string_view rounding_names() { return "nearest_even, nearest_away, truncate, stochastic"; }

namespace {

// x >> s for any s >= 0 (0 once every bit is shifted out).
constexpr uint64_t shr(uint64_t x, int s) { return s >= 64 ? 0 : x >> s; }

}  // namespace

uint64_t round_shift_right(uint64_t mag, int shift, Rounding mode, uint32_t rand, int stoch_bits) {
  if (shift <= 0) return mag;  // nothing is shifted out (shift < 0 is a caller error)
  const uint64_t kept = shr(mag, shift);
  // The shifted-out bits, as an integer of `shift` bits (all of mag once shift >= 64).
  const uint64_t frac = shift >= 64 ? mag : mag & ((uint64_t{1} << shift) - 1);
  switch (mode) {
    case Rounding::NearestEven:
    case Rounding::NearestAway: {
      if (shift > 64) return kept;  // half = 2^(shift-1) > every 64-bit frac
      const uint64_t half = uint64_t{1} << (shift - 1);
      const bool up = mode == Rounding::NearestAway
                          ? frac >= half
                          : (frac > half || (frac == half && (kept & 1u) != 0));
      return kept + (up ? 1u : 0u);
    }
    case Rounding::Truncate:
      return kept;
    case Rounding::Stochastic: {
      const int r = stoch_bits < 0 ? 0 : (stoch_bits > 32 ? 32 : stoch_bits);
      if (r == 0) return kept;
      // Top r bits of the shift-bit fraction; zero-filled when the fraction is
      // shorter than r bits, lower bits dropped when it is longer.
      const uint64_t top = shift >= r ? shr(frac, shift - r) : frac << (r - shift);
      const uint64_t rmask = (uint64_t{1} << r) - 1;
      const uint64_t sum = top + (uint64_t{rand} & rmask);
      return kept + (sum >> r);
    }
  }
  return kept;
}

}  // namespace bf::golden
