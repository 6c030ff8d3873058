#include "app/quantize/quantizer_spec.hpp"

#include <fmt/format.h>

#include "golden/formats/block_format.hpp"
#include "golden/formats/mx_opal.hpp"
#include "golden/formats/tensor_quant.hpp"

namespace bf::quantize {

namespace {

using golden::BlockFormat;

std::string format_description(const BlockFormat& f) {
  switch (f.kind) {
    case BlockFormat::Kind::MxInt:
      return fmt::format("{} ({} integer elements, E8M0 scale)", f.name(),
                         golden::to_string(f.int_encoding));
    case BlockFormat::Kind::MxFloat:
      return fmt::format("{} ({} elements, E8M0 scale)", f.name(), f.elem_float.name());
    case BlockFormat::Kind::Bfp:
      return fmt::format("{} ({}-bit sign-magnitude elements, {}-bit shared exponent)", f.name(),
                         f.man_bits + 1, f.exp_bits);
  }
  return f.name();
}

golden::Rounding resolve_rounding(const QuantizeOptions& o, Spelling s) {
  const auto r = golden::parse_rounding(o.round);
  if (!r)
    throw QuantizeError(fmt::format("unknown rounding '{}' for {}; accepted: {}", o.round,
                                    option_name(s, "round"), golden::rounding_names()));
  return *r;
}

golden::IntEncoding resolve_int_encoding(const QuantizeOptions& o, Spelling s) {
  const auto e = golden::parse_int_encoding(o.int_encoding);
  if (!e)
    throw QuantizeError(
        fmt::format("unknown integer encoding '{}' for {}; accepted: sign_magnitude, "
                    "twos_complement",
                    o.int_encoding, option_name(s, "int_encoding")));
  return *e;
}

BlockFormat resolve_format(const QuantizeOptions& o, Spelling s) {
  if (o.format.empty()) {
    throw QuantizeError(fmt::format("{} is required (one of {}, mx-opal)", option_name(s, "format"),
                                    BlockFormat::accepted_names()));
  }
  BlockFormat f;
  try {
    f = BlockFormat::parse(o.format);
  } catch (const std::invalid_argument& e) {
    throw QuantizeError(e.what());
  }
  if (!o.block.empty()) {
    const auto k = parse_uint(o.block);
    if (!k || *k > 1u << 30) {
      throw QuantizeError(fmt::format("{} '{}' is not a block size; give an integer 1..4096",
                                      option_name(s, "block"), o.block));
    }
    f.block_size = static_cast<int>(*k);
  }
  if (!o.round.empty()) f.rounding = resolve_rounding(o, s);
  if (!o.int_encoding.empty()) {
    if (f.kind != BlockFormat::Kind::MxInt) {
      throw QuantizeError(fmt::format("{} applies to mxint formats only, not {}; drop the option",
                                      option_name(s, "int_encoding"), f.name()));
    }
    f.int_encoding = resolve_int_encoding(o, s);
  }
  try {
    f.validate();
  } catch (const std::invalid_argument& e) {
    throw QuantizeError(fmt::format("{}; choose {} in 1..4096", e.what(), option_name(s, "block")));
  }
  return f;
}

// MX-OPAL (golden/formats/mx_opal.hpp): bits, outliers, block, round,
// int_encoding.
golden::MxOpalFormat resolve_mx_opal(const QuantizeOptions& o, Spelling s) {
  golden::MxOpalFormat f;
  const auto number = [s](const std::string& text, const char* key, int lo, int hi, int& out) {
    if (text.empty()) return;
    const auto v = parse_uint(text);
    if (!v || *v < static_cast<uint64_t>(lo) || *v > static_cast<uint64_t>(hi))
      throw QuantizeError(fmt::format("{} '{}' is out of range; give an integer {}..{}",
                                      option_name(s, key), text, lo, hi));
    out = static_cast<int>(*v);
  };
  number(o.block, "block", 2, 4096, f.block_size);
  number(o.bits, "bits", 2, 8, f.bits);
  number(o.outliers, "outliers", 0, 16, f.outliers);
  if (!o.round.empty()) f.rounding = resolve_rounding(o, s);
  if (!o.int_encoding.empty()) f.int_encoding = resolve_int_encoding(o, s);
  try {
    f.validate();
  } catch (const std::invalid_argument& e) {
    throw QuantizeError(fmt::format("{}; {} must be below {}", e.what(), option_name(s, "outliers"),
                                    option_name(s, "block")));
  }
  return f;
}

}  // namespace

std::string option_name(Spelling s, const std::string& key) {
  if (s == Spelling::Python) return key + "=";
  std::string flag = "--" + key;
  for (char& c : flag)
    if (c == '_') c = '-';
  return flag;
}

std::optional<uint64_t> parse_uint(const std::string& s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

uint64_t parse_seed(const QuantizeOptions& o, Spelling s) {
  if (o.seed.empty()) return 0;
  const auto v = parse_uint(o.seed);
  if (!v) {
    throw QuantizeError(fmt::format("{} '{}' is not a seed; give an unsigned integer below 10^19",
                                    option_name(s, "seed"), o.seed));
  }
  return *v;
}

Quantizer make_quantizer(const QuantizeOptions& o, Spelling s) {
  if (o.format == "mx-opal") {
    const golden::MxOpalFormat f = resolve_mx_opal(o, s);
    Quantizer q;
    q.name = f.name();
    q.description = fmt::format(
        "{} (top-{} outliers in bf16 + {}-bit indices; inliers {}-bit {}, E8M0 scale over the "
        "inliers)",
        f.name(), f.outliers, f.index_bits(), f.bits, golden::to_string(f.int_encoding));
    q.rounding = std::string(golden::to_string(f.rounding));
    q.block_size = f.block_size;
    q.block_storage_bits = f.block_storage_bits();
    q.bits_per_element = f.bits_per_element();
    q.bit_breakdown = fmt::format("{} bits per block", f.block_storage_bits());
    q.stochastic = f.rounding == golden::Rounding::Stochastic;
    q.stochastic_bits = f.stochastic_bits;
    q.fake_quantize = [f](const float* in, float* out, std::size_t r, std::size_t c,
                          uint64_t seed) {
      golden::mx_opal_quantize_dequantize(f, in, out, r, c, seed);
    };
    q.pack = [f](const float* in, std::size_t r, std::size_t c, uint64_t seed) {
      return golden::mx_opal_quantize_packed(f, in, r, c, seed);
    };
    q.unpack = [f](const uint8_t* bytes, std::size_t size, std::size_t r, std::size_t c,
                   float* out) { golden::mx_opal_dequantize_packed(f, bytes, size, r, c, out); };
    return q;
  }
  if (!o.bits.empty() || !o.outliers.empty())
    throw QuantizeError(fmt::format("{} and {} apply to {} mx-opal only; drop them",
                                    option_name(s, "bits"), option_name(s, "outliers"),
                                    option_name(s, "format")));
  const BlockFormat f = resolve_format(o, s);
  Quantizer q;
  q.name = f.name();
  q.description = format_description(f);
  q.rounding = std::string(golden::to_string(f.rounding));
  q.block_size = f.block_size;
  q.block_storage_bits = f.block_storage_bits();
  q.bits_per_element = f.bits_per_element();
  q.bit_breakdown =
      fmt::format("{} element bits, {} scale bits per block", f.elem_bits(), f.scale_bits());
  q.stochastic = f.rounding == golden::Rounding::Stochastic;
  q.stochastic_bits = f.stochastic_bits;
  q.fake_quantize = [f](const float* in, float* out, std::size_t r, std::size_t c, uint64_t seed) {
    golden::quantize_dequantize(f, in, out, r, c, seed);
  };
  q.pack = [f](const float* in, std::size_t r, std::size_t c, uint64_t seed) {
    return golden::quantize_packed(f, in, r, c, seed);
  };
  q.unpack = [f](const uint8_t* bytes, std::size_t size, std::size_t r, std::size_t c, float* out) {
    golden::dequantize_packed(f, bytes, size, r, c, out);
  };
  return q;
}

}  // namespace bf::quantize
