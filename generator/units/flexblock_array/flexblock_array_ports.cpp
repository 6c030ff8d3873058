#include "generator/units/flexblock_array/flexblock_array_ports.hpp"

#include <fmt/format.h>

#include "generator/design/fp_operand_io.hpp"
#include "generator/units/flexblock_array/flexblock_array_rtl.hpp"

namespace bf::flexblock_array {

namespace fb = golden::flexblock;
using golden::FlexblockArrayBeat;
using golden::FlexblockArrayOutput;
using golden::FlexblockArrayParams;

namespace {

constexpr int kBus = fb::kBusBits;
constexpr int kSigns = fb::kSubMultipliers;

// `count` fields of `width` bits named field[i], in hex.
PortSpec fields(const std::string& name, const std::string& field, int count, int width,
                const std::string& doc) {
  PortSpec p{name, count * width, doc, {}};
  for (int i = 0; i < count; ++i)
    p.fields.push_back({fmt::format("{}[{}]", field, i), i * width, width,
                        [](uint64_t v) { return fmt::format("0x{:x}", v); }});
  return p;
}

BitVec bits(int width, uint64_t v) {
  BitVec b(width);
  b.set(0, width, v);
  return b;
}

template <class T>
BitVec pack(const std::vector<T>& values, int width) {
  BitVec b(static_cast<int>(values.size()) * width);
  for (std::size_t i = 0; i < values.size(); ++i)
    b.set(static_cast<int>(i) * width, width, static_cast<uint64_t>(values[i]));
  return b;
}

template <class T>
std::vector<T> unpack(const BitVec& b, int count, int width) {
  std::vector<T> v;
  for (int i = 0; i < count; ++i) v.push_back(static_cast<T>(b.get(i * width, width)));
  return v;
}

}  // namespace

std::vector<PortSpec> input_ports(const FlexblockArrayParams& p) {
  return {{"mode_a_i", 2, "A mode: 0 = 4, 1 = 8, 2 = 16 bits", {}},
          {"mode_b_i", 2, "B mode", {}},
          fields("a_i", "a", p.rows, kBus, "A magnitudes per row"),
          fields("a_sign_i", "a_sign", p.rows, kSigns, "A signs per row"),
          fields("exp_a_i", "exp_a", p.rows, 8, "A group exponents per row"),
          fields("b_i", "b", p.cols, kBus, "B magnitudes per column"),
          fields("b_sign_i", "b_sign", p.cols, kSigns, "B signs per column"),
          fields("exp_b_i", "exp_b", p.cols, 8, "B group exponents per column"),
          {"seg_last_i", 1, "a segment ends", {}},
          {"tile_last_i", 1, "the tile ends (with seg_last_i)", {}}};
}

std::vector<PortSpec> output_ports(const FlexblockArrayParams& p) {
  return {fields("done_o", "done", p.rows, 1, "row r finished an output"),
          fields("col_o", "col", p.rows, col_bits(p), "its column"),
          fp_operand_io::lane_port("y_o", "y", p.rows, golden::FloatFormat::fp32(),
                                   "fp32 results per row")};
}

PortValues to_ports(const FlexblockArrayParams& p, const FlexblockArrayBeat& b) {
  (void)p;
  return {bits(2, static_cast<uint64_t>(b.mode_a)),
          bits(2, static_cast<uint64_t>(b.mode_b)),
          pack(b.a_mag, kBus),
          pack(b.a_sign, kSigns),
          pack(b.exp_a, 8),
          pack(b.b_mag, kBus),
          pack(b.b_sign, kSigns),
          pack(b.exp_b, 8),
          bits(1, b.seg_last ? 1 : 0),
          bits(1, b.tile_last ? 1 : 0)};
}

FlexblockArrayBeat from_ports(const FlexblockArrayParams& p, const PortValues& in) {
  FlexblockArrayBeat b;
  b.mode_a = fb::mode_from_code(static_cast<uint32_t>(in[0].get(0, 2)));
  b.mode_b = fb::mode_from_code(static_cast<uint32_t>(in[1].get(0, 2)));
  b.a_mag = unpack<uint64_t>(in[2], p.rows, kBus);
  b.a_sign = unpack<uint32_t>(in[3], p.rows, kSigns);
  b.exp_a = unpack<uint32_t>(in[4], p.rows, 8);
  b.b_mag = unpack<uint64_t>(in[5], p.cols, kBus);
  b.b_sign = unpack<uint32_t>(in[6], p.cols, kSigns);
  b.exp_b = unpack<uint32_t>(in[7], p.cols, 8);
  b.seg_last = in[8].get(0, 1) != 0;
  b.tile_last = in[9].get(0, 1) != 0;
  return b;
}

PortValues to_ports(const FlexblockArrayParams& p, const FlexblockArrayOutput& out) {
  return {pack(out.done, 1), pack(out.col, col_bits(p)), pack(out.y, 32)};
}

FlexblockArrayOutput outputs_from_ports(const FlexblockArrayParams& p, const PortValues& out) {
  FlexblockArrayOutput o;
  o.done = unpack<uint8_t>(out[0], p.rows, 1);
  o.col = unpack<uint32_t>(out[1], p.rows, col_bits(p));
  o.y = unpack<uint32_t>(out[2], p.rows, 32);
  return o;
}

}  // namespace bf::flexblock_array
