#pragma once
// Rounding modes. Every quantizer in blockforge names its tie rule: a bare
// "nearest" is ambiguous (microxcaling's "nearest" rounds ties away from zero,
// IEEE's default rounds ties to even), so there is no such mode here.

#include <cstdint>
#include <optional>
#include <string_view>

namespace bf::golden {

enum class Rounding {
  NearestEven,  // round to nearest, ties to even ("nearest_even")
  NearestAway,  // round to nearest, ties away from zero ("nearest_away")
  Truncate,     // toward zero: drop the fraction of the magnitude ("truncate")
  Stochastic,   // add R random bits below the kept LSB, then truncate ("stochastic")
};

std::string_view to_string(Rounding r);
// Accepts exactly the quoted names above; nullopt otherwise.
std::optional<Rounding> parse_rounding(std::string_view name);
// "nearest_even, nearest_away, truncate, stochastic": for help texts and errors.
std::string_view rounding_names();

// Rounds an unsigned magnitude right by `shift` bits (shift >= 0, may exceed
// 63: everything is then fraction). This is THE rounding primitive shared by
// every golden quantizer and mirrored by the generated hardware:
//   kept   = mag >> shift
//   frac   = the shifted-out bits
//   NearestEven : +1 if frac > half, or frac == half and kept is odd
//   NearestAway : +1 if frac >= half
//   Truncate    : +0
//   Stochastic  : the top `stoch_bits` bits of frac (lower ones are dropped,
//                 i.e. truncated; a fraction shorter than R bits is padded
//                 with zeros below) are added to `rand` (an R-bit value: only
//                 its low R bits are used); +1 on carry out of R bits.
//                 R = 0 degenerates to Truncate.
// The result may be one larger than the kept field can hold (carry); callers
// saturate or renormalize. shift <= 0 returns mag unchanged.
uint64_t round_shift_right(uint64_t mag, int shift, Rounding mode, uint32_t rand = 0,
                           int stoch_bits = 0);

}  // namespace bf::golden
