#include "generator/units/flexblock_pe/flexblock_pe_ports.hpp"

#include <fmt/format.h>

#include "generator/design/fp_operand_io.hpp"

namespace bf::flexblock_pe {

namespace fb = golden::flexblock;
using golden::FlexblockPeBeat;
using golden::FlexblockPeConfig;

namespace {

BitVec value(int width, uint64_t v) {
  BitVec b(width);
  b.set(0, width, v);
  return b;
}

PortSpec hex_port(const std::string& name, int width, const std::string& doc) {
  return {
      name, width, doc, {{name, 0, width, [](uint64_t v) { return fmt::format("0x{:x}", v); }}}};
}

}  // namespace

std::vector<PortSpec> input_ports(const FlexblockPeConfig& c) {
  std::vector<PortSpec> p;
  if (!c.fixed) {
    p.push_back({"mode_a_i", 2, "A mode: 0 = 4, 1 = 8, 2 = 16 bits", {}});
    p.push_back({"mode_b_i", 2, "B mode", {}});
  }
  p.push_back(hex_port("a_i", c.bus_bits(), "A magnitudes"));
  p.push_back(hex_port("a_sign_i", c.lanes(), "A signs"));
  p.push_back(hex_port("b_i", c.bus_bits(), "B magnitudes"));
  p.push_back(hex_port("b_sign_i", c.lanes(), "B signs"));
  p.push_back({"exp_a_i", 8, "A group exponent", {}});
  p.push_back({"exp_b_i", 8, "B group exponent", {}});
  p.push_back({"seg_last_i", 1, "the segment ends", {}});
  p.push_back({"row_last_i", 1, "the output ends (with seg_last_i)", {}});
  return p;
}

std::vector<PortSpec> output_ports() {
  return {{"done_o", 1, "the beat ended an output", {}},
          fp_operand_io::lane_port("y_o", "y", 1, golden::FloatFormat::fp32(), "fp32 dot product")};
}

PortValues to_ports(const FlexblockPeConfig& c, const FlexblockPeBeat& b) {
  PortValues v;
  if (!c.fixed) {
    v.push_back(value(2, static_cast<uint64_t>(b.mode_a)));
    v.push_back(value(2, static_cast<uint64_t>(b.mode_b)));
  }
  v.push_back(value(c.bus_bits(), b.a_mag));
  v.push_back(value(c.lanes(), b.a_sign));
  v.push_back(value(c.bus_bits(), b.b_mag));
  v.push_back(value(c.lanes(), b.b_sign));
  v.push_back(value(8, b.exp_a));
  v.push_back(value(8, b.exp_b));
  v.push_back(value(1, b.seg_last ? 1 : 0));
  v.push_back(value(1, b.row_last ? 1 : 0));
  return v;
}

FlexblockPeBeat from_ports(const FlexblockPeConfig& c, const PortValues& in) {
  FlexblockPeBeat b;
  std::size_t i = 0;
  if (!c.fixed) {
    b.mode_a = fb::mode_from_code(static_cast<uint32_t>(in[i++].get(0, 2)));
    b.mode_b = fb::mode_from_code(static_cast<uint32_t>(in[i++].get(0, 2)));
  } else {
    b.mode_a = b.mode_b = c.mode;
  }
  b.a_mag = in[i++].get(0, c.bus_bits());
  b.a_sign = static_cast<uint32_t>(in[i++].get(0, c.lanes()));
  b.b_mag = in[i++].get(0, c.bus_bits());
  b.b_sign = static_cast<uint32_t>(in[i++].get(0, c.lanes()));
  b.exp_a = static_cast<uint32_t>(in[i++].get(0, 8));
  b.exp_b = static_cast<uint32_t>(in[i++].get(0, 8));
  b.seg_last = in[i++].get(0, 1) != 0;
  b.row_last = in[i++].get(0, 1) != 0;
  return b;
}

PortValues to_ports(const golden::FlexblockPeOutput& out) {
  return {value(1, out.done ? 1 : 0), value(32, out.y)};
}

}  // namespace bf::flexblock_pe
