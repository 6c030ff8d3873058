#pragma once
// The block formats a user names as text, resolved once for every front end:
// `blockforge quantize` (options --format, --block, ...) and the Python
// module (blockforge.quantize(x, "mxint8", block=...)). Both get the same
// checks and the same messages; only the spelling of an option differs
// ("--block" on the command line, "block=" in Python).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bf::quantize {

// Every field is the user's text; empty means "not given".
struct QuantizeOptions {
  std::string format;  // a BlockFormat name or "mx-opal"
  std::string block;
  std::string round;
  std::string int_encoding;
  std::string seed;
  std::string bits;      // mx-opal only
  std::string outliers;  // mx-opal only
};

// How a front end spells an option in its messages: the command line's
// "--int-encoding" or Python's "int_encoding=".
enum class Spelling { CommandLine, Python };
std::string option_name(Spelling s, const std::string& key);

// A user-facing error: one line saying what is wrong and how to fix it.
struct QuantizeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A decimal unsigned integer (the whole string, below 10^19), or nullopt.
std::optional<uint64_t> parse_uint(const std::string& s);

// The two families (MX/BFP block formats and MX-OPAL) behind one interface.
struct Quantizer {
  std::string name;  // canonical: "mxint8", "bfp8", "mx-opal3n4"
  std::string description;
  std::string rounding;
  int block_size = 0;
  int block_storage_bits = 0;
  double bits_per_element = 0;
  std::string bit_breakdown;
  bool stochastic = false;
  int stochastic_bits = 0;
  // Fake quantization of rows x cols (blocks along cols); out may alias in.
  std::function<void(const float*, float*, std::size_t, std::size_t, uint64_t)> fake_quantize;
  // Packed storage bits, row-major blocks each padded to whole bytes.
  std::function<std::vector<uint8_t>(const float*, std::size_t, std::size_t, uint64_t)> pack;
  // Inverse of pack: the stored values of rows x cols (throws
  // std::invalid_argument when the byte count does not match).
  std::function<void(const uint8_t*, std::size_t, std::size_t, std::size_t, float*)> unpack;
  std::size_t block_bytes() const { return (static_cast<std::size_t>(block_storage_bits) + 7) / 8; }
};

// Throws QuantizeError naming the option (in the front end's spelling).
Quantizer make_quantizer(const QuantizeOptions& o, Spelling s);
uint64_t parse_seed(const QuantizeOptions& o, Spelling s);

}  // namespace bf::quantize
