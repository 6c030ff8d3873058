#include "golden/formats/int_format.hpp"

namespace bf::golden {

std::string_view to_string(IntEncoding e) {
  switch (e) {
    case IntEncoding::SignMagnitude:
      return "sign_magnitude";
    case IntEncoding::TwosComplement:
      return "twos_complement";
  }
  return "?";
}

std::optional<IntEncoding> parse_int_encoding(std::string_view name) {
  if (name == "sign_magnitude") return IntEncoding::SignMagnitude;
  if (name == "twos_complement") return IntEncoding::TwosComplement;
  return std::nullopt;
}

namespace {
constexpr uint32_t low_mask(int bits) {
  return bits >= 32 ? ~uint32_t{0} : (uint32_t{1} << bits) - 1;
}
}  // namespace

uint32_t encode_int(IntEncoding e, int bits, int64_t value) {
  if (e == IntEncoding::SignMagnitude) {
    if (value == 0) return 0;  // never the negative-zero code
    const uint64_t mag =
        value < 0 ? uint64_t(0) - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
    const uint32_t sign = value < 0 ? uint32_t{1} << (bits - 1) : 0;
    return sign | (static_cast<uint32_t>(mag) & low_mask(bits - 1));
  }
  return static_cast<uint32_t>(static_cast<uint64_t>(value)) & low_mask(bits);
}

int64_t decode_int(IntEncoding e, int bits, uint32_t code) {
  code &= low_mask(bits);
  const bool neg = ((code >> (bits - 1)) & 1u) != 0;
  if (e == IntEncoding::SignMagnitude) {
    const int64_t mag = code & low_mask(bits - 1);
    return neg ? -mag : mag;
  }
  return neg ? static_cast<int64_t>(code) - (int64_t{1} << bits) : static_cast<int64_t>(code);
}

int64_t int_max(IntEncoding, int bits) { return (int64_t{1} << (bits - 1)) - 1; }

int64_t int_min(IntEncoding e, int bits) {
  return e == IntEncoding::SignMagnitude ? -((int64_t{1} << (bits - 1)) - 1)
                                         : -(int64_t{1} << (bits - 1));
}

}  // namespace bf::golden
