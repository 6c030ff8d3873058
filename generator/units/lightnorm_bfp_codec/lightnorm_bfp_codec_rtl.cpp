// lightnorm.bfp_codec hardware: encode = Emax/E2 reduction, then one pack
// module per lane; decode = the header fields, then one unpack module per
// lane (golden/formats/lightnorm_bfp_storage.hpp). The arithmetic lives in
// lightnorm_bfp_blocks.cpp; this file is the streaming shell and the bus
// layout {elem[g-1], ..., elem[0], E2, Emax}.
#include "generator/units/lightnorm_bfp_codec/lightnorm_bfp_codec_rtl.hpp"

#include <fmt/format.h>

#include "generator/blocks/stream_shell.hpp"
#include "generator/units/lightnorm_bfp_codec/lightnorm_bfp_blocks.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::lightnorm_bfp_codec {

using golden::LightnormBfpCodecParams;
using golden::LightnormBfpStorage;
using vlog::bits;

namespace {

std::string layout_doc(const LightnormBfpStorage& s) {
  const int E = s.format.exp_bits, EW = s.element_bits(), H = s.header_bits();
  return s.keep_max() ? fmt::format(
                            "Emax at [{}:0], E2 at [{}:{}], element i at [{}*i+{} +: {}] = {{sign, "
                            "flag, payload}}",
                            E - 1, 2 * E - 1, E, EW, H, EW)
                      : fmt::format("Emax at [{}:0], element i at [{}*i+{} +: {}] = {{sign, m}}",
                                    E - 1, EW, H, EW);
}

void describe(vlog::Module& m, const LightnormBfpCodecParams& p, const LightnormBfpStorage& s,
              const std::vector<std::string>& header) {
  m.header = header;
  m.header.push_back("");
  m.header.push_back(
      fmt::format("LightNorm BFP {}: a group of {} {} codes {} the packed group of {} bits ({}, {} "
                  "magnitude bits).",
                  p.mode, p.group, s.format.name(), p.encode() ? "in," : "out,", s.group_bits(),
                  p.variant, p.bits));
  m.header.push_back("Encoding and layout: golden/formats/lightnorm_bfp_storage.hpp. Latency " +
                     std::to_string(p.pipeline_stages + 1) +
                     " cycle(s) (pipeline_stages + 1), one group per cycle.");
  m.header.push_back("Handshake: a global stall; everything advances when out_ready_i is high or");
  m.header.push_back("the output register is empty.");
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  const int W = s.format.width(), GB = s.group_bits();
  const std::string codes_doc = fmt::format("code i at [{0}*i +: {0}]", W);
  if (p.encode())
    m.input("x_i", p.group * W, codes_doc);
  else
    m.input("packed_i", GB, layout_doc(s));
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  if (p.encode())
    m.output("packed_o", GB, layout_doc(s));
  else
    m.output("y_o", p.group * W, codes_doc);
}

vlog::Module encoder(const LightnormBfpCodecParams& p, const LightnormBfpStorage& s,
                     const std::string& name, const std::vector<std::string>& header) {
  const int g = p.group, W = s.format.width(), E = s.format.exp_bits;
  const int EW = s.element_bits(), GB = s.group_bits();
  vlog::Module m;
  m.name = name;
  describe(m, p, s, header);
  blocks::StreamShell shell(m);

  m.blank();
  m.comment(s.keep_max() ? "Stage A: Emax and E2 of the group (golden: lightnorm_bfp_exponents)"
                         : "Stage A: Emax of the group (golden: lightnorm_bfp_exponents)");
  lightnorm_bfp::GroupExponents ex = lightnorm_bfp::group_exponents(m, "grp", s, "x_i", g);
  std::string x = "x_i";
  if (p.pipeline_stages >= 1) {
    std::vector<blocks::StreamShell::Reg> regs{{"x_q1", "x_i", g * W}, {"emax_q1", ex.emax, E}};
    if (s.keep_max()) regs.push_back({"e2_q1", ex.e2, E});
    shell.stage("Stage register after the exponent reduction (pipeline_stages >= 1).", regs);
    x = "x_q1";
    ex.emax = "emax_q1";
    if (s.keep_max()) ex.e2 = "e2_q1";
  }

  m.blank();
  m.comment(
      "Stage B: each code through the rule and into its element field (golden: "
      "lightnorm_bfp_pack_element)");
  m.wire("elems", g * EW, fmt::format("element i at [{0}*i +: {0}]", EW));
  lightnorm_bfp::pack_lanes(m, s, g, x, ex, "elems");
  m.wire("packed_d", GB);
  m.assign(
      "packed_d",
      s.keep_max() ? vlog::concat({"elems", ex.e2, ex.emax}) : vlog::concat({"elems", ex.emax}),
      "the storage layout: header in the low bits");
  shell.output({{"packed_q", "packed_d", GB}});
  m.assign("packed_o", "packed_q");
  return m;
}

vlog::Module decoder(const LightnormBfpCodecParams& p, const LightnormBfpStorage& s,
                     const std::string& name, const std::vector<std::string>& header) {
  const int g = p.group, W = s.format.width(), E = s.format.exp_bits;
  const int H = s.header_bits(), GB = s.group_bits();
  vlog::Module m;
  m.name = name;
  describe(m, p, s, header);
  blocks::StreamShell shell(m);

  m.blank();
  m.comment("The packed group's fields");
  lightnorm_bfp::GroupExponents ex;
  ex.emax = m.wire("emax", E);
  m.assign("emax", bits("packed_i", E - 1, 0));
  if (s.keep_max()) {
    ex.e2 = m.wire("e2", E);
    m.assign("e2", bits("packed_i", 2 * E - 1, E));
  }
  m.wire("elems", GB - H);
  m.assign("elems", bits("packed_i", GB - 1, H));

  m.blank();
  m.comment("Each element field back to a code (golden: lightnorm_bfp_unpack_element)");
  m.wire("y_d", g * W, fmt::format("code i at [{0}*i +: {0}]", W));
  lightnorm_bfp::unpack_lanes(m, s, g, "elems", ex, "y_d");
  shell.output({{"y_q", "y_d", g * W}});
  m.assign("y_o", "y_q");
  return m;
}

}  // namespace

std::vector<vlog::Module> build_rtl(const LightnormBfpCodecParams& p, const std::string& top,
                                    const std::vector<std::string>& header) {
  const LightnormBfpStorage s = p.storage();
  return {p.encode() ? encoder(p, s, top, header) : decoder(p, s, top, header)};
}

}  // namespace bf::lightnorm_bfp_codec
