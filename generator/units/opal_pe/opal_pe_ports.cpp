#include "generator/units/opal_pe/opal_pe_ports.hpp"

#include <fmt/format.h>

#include "generator/design/fp_operand_io.hpp"

namespace bf::opal_pe {

using golden::FloatFormat;
using golden::OpalPeBeat;
using golden::OpalPeConfig;

namespace {

// A port of `count` fields of `width` bits named field[i], shown in hex.
PortSpec int_fields(const std::string& name, const std::string& field, int count, int width,
                    const std::string& doc) {
  PortSpec p{name, count * width, doc, {}};
  for (int i = 0; i < count; ++i)
    p.fields.push_back({fmt::format("{}[{}]", field, i), i * width, width,
                        [](uint64_t v) { return fmt::format("0x{:x}", v); }});
  return p;
}

bool has_mode(const OpalPeConfig& c) { return c.mode_bits() > 0; }

}  // namespace

std::vector<PortSpec> input_ports(const OpalPeConfig& c) {
  std::vector<PortSpec> p;
  if (has_mode(c)) p.push_back({"mode_i", c.mode_bits(), "index into act_bits", {}});
  p.push_back({"last_i", 1, "the row ends with this block (read on its final beat)", {}});
  p.push_back(int_fields("codes_i", "code", c.lanes, c.max_bits(), "activation codes"));
  p.push_back(int_fields("w_i", "w", c.lanes, c.weight_bits, "weights, two's complement"));
  p.push_back({"scale_i", 8, "E8M0 block scale", {}});
  if (c.outliers > 0) {
    p.push_back(int_fields("oidx_i", "idx", c.outliers, c.index_bits(), "outlier indices"));
    p.push_back(fp_operand_io::lane_port("oval_i", "oval", c.outliers, FloatFormat::bf16(),
                                         "bf16 outlier values"));
  }
  p.push_back(
      fp_operand_io::lane_port("wscale_i", "wscale", 1, FloatFormat::bf16(), "bf16 weight scale"));
  return p;
}

std::vector<PortSpec> output_ports() {
  return {{"done_o", 1, "the beat ended a row", {}},
          fp_operand_io::lane_port("y_o", "y", 1, FloatFormat::fp32(), "fp32 dot product")};
}

PortValues to_ports(const OpalPeConfig& c, const OpalPeBeat& b) {
  PortValues v;
  if (has_mode(c)) {
    BitVec mode(c.mode_bits());
    mode.set(0, c.mode_bits(), static_cast<uint64_t>(b.mode));
    v.push_back(mode);
  }
  BitVec last(1);
  last.set(0, 1, b.last ? 1 : 0);
  v.push_back(last);
  v.push_back(fp_operand_io::pack(b.codes, c.max_bits()));
  v.push_back(fp_operand_io::pack(b.weights, c.weight_bits));
  BitVec scale(8);
  scale.set(0, 8, b.scale);
  v.push_back(scale);
  if (c.outliers > 0) {
    v.push_back(fp_operand_io::pack(b.indices, c.index_bits()));
    v.push_back(fp_operand_io::pack(b.outliers, 16));
  }
  v.push_back(fp_operand_io::pack({b.wscale}, 16));
  return v;
}

OpalPeBeat from_ports(const OpalPeConfig& c, const PortValues& in) {
  OpalPeBeat b;
  std::size_t i = 0;
  if (has_mode(c)) b.mode = static_cast<int>(in[i++].get(0, c.mode_bits()));
  b.last = in[i++].get(0, 1) != 0;
  auto unpack = [&](const BitVec& v, int count, int width) {
    std::vector<uint32_t> out(static_cast<std::size_t>(count));
    for (int k = 0; k < count; ++k)
      out[static_cast<std::size_t>(k)] = static_cast<uint32_t>(v.get(k * width, width));
    return out;
  };
  b.codes = unpack(in[i++], c.lanes, c.max_bits());
  b.weights = unpack(in[i++], c.lanes, c.weight_bits);
  b.scale = static_cast<uint32_t>(in[i++].get(0, 8));
  if (c.outliers > 0) {
    b.indices = unpack(in[i++], c.outliers, c.index_bits());
    b.outliers = unpack(in[i++], c.outliers, 16);
  }
  b.wscale = static_cast<uint32_t>(in[i++].get(0, 16));
  return b;
}

PortValues to_ports(const golden::OpalPeOutput& out) {
  BitVec done(1), y(32);
  done.set(0, 1, out.done ? 1 : 0);
  y.set(0, 32, out.y);
  return {done, y};
}

}  // namespace bf::opal_pe
