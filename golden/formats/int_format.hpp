#pragma once
// Integer element encodings, 2..16 bits.

#include <cstdint>
#include <optional>
#include <string_view>

namespace bf::golden {

enum class IntEncoding {
  SignMagnitude,   // symmetric: sign bit at MSB, b-1 magnitude bits; range +-(2^(b-1)-1);
                   // the code 1000..0 (negative zero) is never produced (microxcaling)
  TwosComplement,  // range [-2^(b-1), 2^(b-1)-1] (OCP MXINT8)
};

std::string_view to_string(IntEncoding e);  // "sign_magnitude", "twos_complement"
std::optional<IntEncoding> parse_int_encoding(std::string_view name);

// Encode a signed integer already within range to a b-bit code, and back.
uint32_t encode_int(IntEncoding e, int bits, int64_t value);
int64_t decode_int(IntEncoding e, int bits, uint32_t code);
// Largest positive / most negative representable values.
int64_t int_max(IntEncoding e, int bits);
int64_t int_min(IntEncoding e, int bits);

}  // namespace bf::golden
