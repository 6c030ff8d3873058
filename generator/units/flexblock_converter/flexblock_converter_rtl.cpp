// flexblock.converter hardware. The arithmetic is the foundation's BFP
// quantizer (golden::quantize_block, generator/units/quant_block/): this file
// only selects the group of the transaction's mode and muxes the codes.
#include "generator/units/flexblock_converter/flexblock_converter_rtl.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "generator/blocks/stream_shell.hpp"
#include "generator/units/quant_block/quant_block_rtl.hpp"
#include "generator/units/quant_block/quant_block_scale.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::flexblock_converter {

namespace fb = golden::flexblock;
using fb::Mode;
using golden::FlexblockConverterParams;
using vlog::bits;
using vlog::lit;
using vlog::part;

namespace {

constexpr int kIn = 32;  // fp32 input width
// In port-code order (mode_i = 0, 1, 2; 3 reads as 16 bits).
constexpr Mode kModes[] = {Mode::M4, Mode::M8, Mode::M16};

int mbits(Mode m) { return fb::mantissa_bits(m); }

std::string elem_module_name(const std::string& top, Mode m) {
  return fmt::format("{}_bfp{}_elem", top, mbits(m));
}

// The foundation's element quantizer for one mode: BFP, m magnitude bits, an
// 8-bit shared exponent, fp32 inputs, the unit's rounding.
golden::QuantBlockParams element_params(const FlexblockConverterParams& p, Mode m) {
  golden::QuantBlockParams q;
  const golden::BlockFormat f = p.format(m);
  q.format = f.name();
  q.block = f.block_size;
  q.input = "fp32";
  q.rounding = p.rounding;
  q.bfp_exp_bits = f.exp_bits;
  return q;
}

// One-hot decodes of a 2-bit mode signal, declared on first use (a select no
// logic reads is not declared, so lint sees no unused wire).
class ModeSelects {
 public:
  ModeSelects(vlog::Module& m, std::string mode, std::string prefix)
      : m_(m), mode_(std::move(mode)), prefix_(std::move(prefix)) {}

  const std::string& operator()(Mode mode) {
    auto it = names_.find(mode);
    if (it != names_.end()) return it->second;
    const std::string name = fmt::format("{}_m{}", prefix_, mbits(mode));
    m_.wire(name, 1);
    switch (mode) {
      case Mode::M4:
        m_.assign(name, fmt::format("{} == 2'd0", mode_), "4-bit mode");
        break;
      case Mode::M8:
        m_.assign(name, fmt::format("{} == 2'd1", mode_), "8-bit mode");
        break;
      default:
        m_.assign(name, bits(mode_, 1, 1), "16-bit mode: codes 2 and 3");
        break;
    }
    return names_.emplace(mode, name).first->second;
  }

 private:
  vlog::Module& m_;
  std::string mode_, prefix_;
  std::map<Mode, std::string> names_;
};

// The modes whose group covers position i.
std::vector<Mode> covering(const FlexblockConverterParams& p, int i) {
  std::vector<Mode> r;
  for (Mode m : kModes)
    if (i < p.group(m)) r.push_back(m);
  return r;
}

void declare_ports(vlog::Module& m, const FlexblockConverterParams& p) {
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("mode_i", 2, "mantissa mode: 0 = 4, 1 = 8, 2 (and 3) = 16 bits");
  m.input("x_i", p.max_group() * kIn,
          "fp32 element i at x_i[32*i +: 32]; a mode reads its first group_<m> elements");
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("scale_o", 8, "shared exponent field (bias 127; 255: the group held Inf/NaN)");
  m.output("codes_o", p.codes_bits(),
           "element i's code (sign << m | magnitude) at codes_o[(m+1)*i +: m+1]; 0 above the "
           "mode's last code");
}

// Stage A: the exponent fields of the mode's group (elements past it read as
// 0) into the foundation's shared-scale reduction.
quant_block::BlockScale reduce(vlog::Module& m, const FlexblockConverterParams& p,
                               ModeSelects& sel) {
  m.blank();
  m.comment(
      "Stage A: shared exponent over the mode's group (golden: quantize_block on the first "
      "group_<m> inputs); elements past the group count as 0");
  std::map<std::vector<Mode>, std::string> in_group;  // a mask per set of covering modes
  std::vector<std::string> fields;
  for (int i = 0; i < p.max_group(); ++i) {
    const std::vector<Mode> cover = covering(p, i);
    const std::string x_field = bits("x_i", i * kIn + 30, i * kIn + 23);
    std::string field = x_field;
    if (cover.size() == 1) {
      field = fmt::format("{} ? {} : 8'd0", sel(cover[0]), x_field);
    } else if (cover.size() < std::size(kModes)) {
      auto it = in_group.find(cover);
      if (it == in_group.end()) {
        std::vector<std::string> names, widths, terms;
        for (Mode c : cover) {
          names.push_back(fmt::format("m{}", mbits(c)));
          widths.push_back(std::to_string(mbits(c)));
          terms.push_back(sel(c));
        }
        const std::string w = m.wire(
            fmt::format("in_group_{}", fmt::join(names, "_")), 1,
            fmt::format("inside the groups of the {}-bit modes only", fmt::join(widths, "/")));
        m.assign(w, fmt::to_string(fmt::join(terms, " | ")));
        it = in_group.emplace(cover, w).first;
      }
      field = fmt::format("{} ? {} : 8'd0", it->second, x_field);
    }
    const std::string f = m.wire(fmt::format("field_{}", i), 8);
    m.assign(f, field);
    fields.push_back(f);
  }
  // With an 8-bit shared exponent the scale rule does not depend on the
  // mantissa width: any mode's format gives the same reduction.
  return quant_block::block_scale(m, p.format(Mode::M16), fields);
}

// Stage B for one mode: its group's element quantizers into codes_m<m>.
std::string quantize_mode(vlog::Module& m, const FlexblockConverterParams& p, Mode mode,
                          const std::string& top, const std::string& x, const std::string& scale) {
  const int g = p.group(mode), w = mbits(mode) + 1;
  m.blank();
  m.comment(fmt::format("{}-bit mode: {} element quantizers (golden: quantize_block, bfp{})",
                        mbits(mode), g, mbits(mode)));
  const std::string codes = m.wire(fmt::format("codes_m{}", mbits(mode)), g * w,
                                   fmt::format("element i at [{}*i +: {}]", w, w));
  for (int i = 0; i < g; ++i) {
    vlog::Instance inst{
        elem_module_name(top, mode), fmt::format("u_m{}_elem_{}", mbits(mode), i), {}, ""};
    inst.connections.push_back({"x_i", part(x, i * kIn, kIn)});
    inst.connections.push_back({"scale_i", scale});
    inst.connections.push_back({"code_o", part(codes, i * w, w)});
    m.add(inst);
  }
  return codes;
}

vlog::Module top_module(const FlexblockConverterParams& p, const std::string& name,
                        const std::vector<std::string>& header) {
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(fmt::format(
      "FlexBlock fp32-to-BFP converter: one group per transaction, the mode by mode_i: {} x "
      "bfp16, {} x bfp8 or {} x bfp4 codes + an 8-bit shared exponent.",
      p.group_16, p.group_8, p.group_4));
  m.header.push_back(fmt::format("Rounding {}. Latency {} cycle(s) (pipeline_stages + 1).",
                                 p.rounding, p.pipeline_stages + 1));
  m.header.push_back("Handshake: a global stall; everything advances when out_ready_i is high or");
  m.header.push_back("the output register is empty.");
  declare_ports(m, p);

  blocks::StreamShell shell(m);
  ModeSelects sel_a(m, "mode_i", "sel");
  const quant_block::BlockScale reduced = reduce(m, p, sel_a);

  std::string x = "x_i", scale = reduced.scale, nan = reduced.nan;
  ModeSelects sel_b_registered(m, "mode_q1", "out_sel");
  ModeSelects* sel_b = &sel_a;
  if (p.pipeline_stages >= 1) {
    shell.stage("Stage register after the shared-exponent reduction (pipeline_stages >= 1).",
                {{"x_q1", "x_i", p.max_group() * kIn},
                 {"mode_q1", "mode_i", 2},
                 {"scale_q1", reduced.scale, 8},
                 {"nan_q1", reduced.nan, 1}});
    x = "x_q1", scale = "scale_q1", nan = "nan_q1";
    sel_b = &sel_b_registered;
  }

  std::map<Mode, std::string> codes;
  for (Mode mode : kModes) codes[mode] = quantize_mode(m, p, mode, name, x, scale);

  m.blank();
  m.comment("Mode mux: the transaction's codes, zero above the mode's last code");
  const int cw = p.codes_bits();
  const auto wide = [&](Mode mode) {
    return vlog::zext(codes[mode], p.group(mode) * (mbits(mode) + 1), cw);
  };
  const std::string is4 = (*sel_b)(Mode::M4), is8 = (*sel_b)(Mode::M8);
  m.wire("codes_sel", cw);
  m.assign("codes_sel", fmt::format("{} ? {} : {} ? {} : {}", is4, wide(Mode::M4), is8,
                                    wide(Mode::M8), wide(Mode::M16)));
  m.wire("scale_d", 8);
  m.assign("scale_d", fmt::format("{} ? 8'hff : {}", nan, scale), "Inf/NaN group: all-ones");
  m.wire("codes_d", cw);
  m.assign("codes_d", fmt::format("{} ? {} : codes_sel", nan, lit(cw, 0)),
           "Inf/NaN group: codes are 0");

  shell.output({{"scale_q", "scale_d", 8}, {"codes_q", "codes_d", cw}});
  m.assign("scale_o", "scale_q");
  m.assign("codes_o", "codes_q");
  return m;
}

}  // namespace

std::vector<vlog::Module> build_rtl(const FlexblockConverterParams& p, const std::string& top,
                                    const std::vector<std::string>& header) {
  std::vector<vlog::Module> mods;
  for (Mode mode : kModes)
    mods.push_back(quant_block::build_element_module(element_params(p, mode),
                                                     elem_module_name(top, mode), header));
  mods.push_back(top_module(p, top, header));
  return mods;
}

}  // namespace bf::flexblock_converter
