// opal.quantizer hardware, stage by stage, each the hardware twin of a step of
// golden::mx_opal_quantize (golden/formats/mx_opal.hpp).
#include "generator/units/opal_quantizer/opal_quantizer_rtl.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "generator/blocks/adder_tree.hpp"
#include "generator/blocks/blocks.hpp"
#include "generator/blocks/select.hpp"
#include "generator/blocks/stream_shell.hpp"
#include "generator/units/quant_block/quant_block_rtl.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::opal_quantizer {

using vlog::bits;
using vlog::lit;
using vlog::part;

namespace {

struct Dims {
  int k, n, b, ib, cw, mb;  // block, outliers, code field, index, count and mode widths
};

// Outlier value as golden::mx_opal_quantize stores it: the bf16 input, with a
// NaN made the canonical quiet NaN (sign kept).
std::string canonical_bf16(vlog::Module& m, const std::string& name, const std::string& value) {
  const std::string nan = m.wire(name + "_nan", 1);
  m.assign(nan, fmt::format("(&{}) & (|{})", bits(value, 14, 7), bits(value, 6, 0)));
  const std::string out = m.wire(name, 16);
  m.assign(out, fmt::format("{} ? {{{}, 15'h7fc0}} : {}", nan, bits(value, 15, 15), value));
  return out;
}

// What flows down the pipeline with a block besides its valid token (the
// shell's): elements and mode (empty when there is one width).
struct Token {
  std::string x, mode;
};

// Iterative selection: n cascaded arg-max trees; pass p masks the winners of
// passes < p. With passes_per_stage > 0 a register follows every that many
// passes (not the last), carrying the token, the live mask and the winners so
// far. Returns the outlier flags; fills the (index, value) records in
// ascending index order.
std::string select_iterative(vlog::Module& m, const Dims& d, int passes_per_stage,
                             blocks::StreamShell& shell, Token& t,
                             std::vector<std::pair<std::string, std::string>>& records) {
  std::string live = m.wire("live_0", d.k, "not yet selected");
  m.assign(live, vlog::repeat(d.k, "1'b1"));
  std::vector<std::pair<std::string, std::string>> found;
  int cut = 0;
  for (int p = 0; p < d.n; ++p) {
    m.blank();
    m.comment(
        fmt::format("Pass {}: the largest |x| among the live elements (lower index on ties)", p));
    std::vector<std::string> keys, signs;
    for (int i = 0; i < d.k; ++i) {
      keys.push_back(vlog::concat({bits(live, i, i), bits(t.x, i * 16 + 14, i * 16)}));
      signs.push_back(bits(t.x, i * 16 + 15, i * 16 + 15));
    }
    const auto win = blocks::argmax_tree(m, fmt::format("pass{}", p), keys, 16, d.ib, signs, 1);
    const std::string value = m.wire(fmt::format("pass{}_value", p), 16);
    m.assign(value, vlog::concat({win.payload, bits(win.key, 14, 0)}));
    const std::string unused = m.wire(fmt::format("unused_pass{}_live", p), 1);
    m.assign(unused, bits(win.key, 15, 15), "always 1: n < k");
    found.push_back({win.index, value});
    const std::string next = m.wire(fmt::format("live_{}", p + 1), d.k);
    std::vector<std::string> hit;
    for (int i = d.k - 1; i >= 0; --i)
      hit.push_back(fmt::format("({} != {})", win.index, lit(d.ib, i)));
    m.assign(next, fmt::format("{} & {}", live, vlog::concat(hit)));
    live = next;
    if (passes_per_stage == 0 || (p + 1) % passes_per_stage != 0 || p + 1 == d.n) continue;
    // Selection pipeline register: the passes so far are done.
    ++cut;
    std::vector<blocks::StreamShell::Reg> regs;
    const auto carry = [&](const std::string& name, int width, const std::string& d_expr) {
      regs.emplace_back(fmt::format("sel_{}_q{}", name, cut), d_expr, width);
      return regs.back().q;
    };
    t.x = carry("x", d.k * 16, t.x);
    if (!t.mode.empty()) t.mode = carry("mode", d.mb, t.mode);
    live = carry("live", d.k, live);
    for (std::size_t j = 0; j < found.size(); ++j) {
      found[j].first = carry(fmt::format("pass{}_index", j), d.ib, found[j].first);
      found[j].second = carry(fmt::format("pass{}_value", j), 16, found[j].second);
    }
    shell.stage(
        fmt::format("Selection register {} (passes_per_stage = {}).", cut, passes_per_stage), regs);
  }
  m.blank();
  m.comment("Outliers in ascending index order (storage order).");
  const auto sorted = blocks::sort_network(m, "order", found, d.ib, 16);
  for (int j = 0; j < d.n; ++j)
    records.push_back(
        {sorted[j].first, canonical_bf16(m, fmt::format("outlier_{}", j), sorted[j].second)});
  const std::string flags = m.wire("is_outlier", d.k);
  m.assign(flags, "~" + live);
  return flags;
}

// Rank selection: element i is an outlier when fewer than n elements beat it
// (j beats i when |x_j| > |x_i|, or equal with j < i).
std::string select_rank(vlog::Module& m, const Dims& d, const std::string& x) {
  m.comment("Every pair compared once: ge_i_j = |x_i| >= |x_j| (i < j), i.e. i beats j.");
  std::vector<std::vector<std::string>> ge(d.k, std::vector<std::string>(d.k));
  for (int i = 0; i < d.k; ++i)
    for (int j = i + 1; j < d.k; ++j) {
      ge[i][j] = m.wire(fmt::format("ge_{}_{}", i, j), 1);
      m.assign(ge[i][j],
               fmt::format("{} >= {}", bits(x, i * 16 + 14, i * 16), bits(x, j * 16 + 14, j * 16)));
    }
  const int rw = vlog::bits_for(static_cast<uint64_t>(d.k - 1));
  const std::string flags = m.wire("is_outlier", d.k);
  std::vector<std::string> flag_bits;
  for (int i = 0; i < d.k; ++i) {
    std::vector<std::string> beaten;
    for (int j = 0; j < d.k; ++j) {
      if (j < i) beaten.push_back(ge[j][i]);
      if (j > i) beaten.push_back("~" + ge[i][j]);
    }
    const std::string rank = blocks::adder_tree(m, fmt::format("rank{}", i), beaten, 1, rw);
    flag_bits.push_back(fmt::format("({} < {})", rank, lit(rw, d.n)));
  }
  std::reverse(flag_bits.begin(), flag_bits.end());
  m.assign(flags, vlog::concat(flag_bits));
  return flags;
}

}  // namespace

std::vector<vlog::Module> build_rtl(const golden::OpalQuantizerParams& p, const std::string& top,
                                    const std::vector<std::string>& header) {
  Dims d{p.block, p.outliers, p.max_bits(), 0, 0, p.mode_bits()};
  d.ib = p.format().index_bits();
  d.cw = vlog::bits_for(static_cast<uint64_t>(d.n));

  // One element quantizer per position; with several inlier widths it takes
  // the width from mode_i (one variable-width quantizer, not one per width).
  std::vector<int> widths = {p.bits};
  widths.insert(widths.end(), p.alt_bits.begin(), p.alt_bits.end());
  golden::QuantBlockParams ep;
  ep.format = fmt::format("mxint{}", p.bits);
  ep.block = p.block - p.outliers;
  ep.input = "bf16";
  ep.rounding = p.rounding;
  ep.int_encoding = p.int_encoding;
  const std::string elem_name = top + "_elem";
  std::vector<vlog::Module> elems;
  elems.push_back(widths.size() == 1 ? quant_block::build_element_module(ep, elem_name, header)
                                     : quant_block::build_mxint_widths_element_module(
                                           ep, widths, elem_name, header));
  const int mb = p.mode_bits();

  vlog::Module m;
  m.name = top;
  m.header = header;
  m.header.push_back("");
  m.header.push_back(fmt::format(
      "MX-OPAL quantizer: {} bf16 in; {} outliers (bf16 + {}-bit index) + E8M0 scale + {} x {}-bit "
      "inliers out.",
      d.k, d.n, d.ib, d.k - d.n, d.b));
  if (widths.size() > 1)
    m.header.push_back(fmt::format("Inlier widths {} by mode_i, in {}-bit code fields.",
                                   fmt::join(widths, "/"), d.b));
  m.header.push_back(fmt::format("Selection: {}. Latency {} cycle(s), one block per cycle.",
                                 p.selection, p.latency()));
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("x_i", d.k * 16, "bf16 element i at x_i[16*i +: 16]");
  if (mb > 0)
    m.input("mode_i", mb, "inlier width: 0 = bits, j = alt_bits[j-1], past the list = the last");
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("scale_o", 8, "E8M0 scale of the inliers (0xff: NaN inliers)");
  if (d.n) {
    m.output("idx_o", d.n * d.ib, "outlier j's index (ascending) at idx_o[ib*j +: ib]");
    m.output("outl_o", d.n * 16, "outlier j's bf16 value at outl_o[16*j +: 16]");
  }
  if (p.layout == "positions")
    m.output("codes_o", d.k * d.b, "element i's code at codes_o[b*i +: b], 0 at outliers");
  else
    m.output("codes_o", (d.k - d.n) * d.b, "inlier codes in index order, outliers skipped");

  blocks::StreamShell::Options shell_options;
  shell_options.heading = "";
  blocks::StreamShell shell(m, shell_options);

  // Stage A: outlier selection.
  m.blank();
  m.comment("Stage A: outlier selection (golden: select_outliers)");
  std::vector<std::pair<std::string, std::string>> records;
  Token t{"x_i", mb > 0 ? "mode_i" : ""};
  std::string flags;
  if (d.n == 0) {
    flags = m.wire("is_outlier", d.k);
    m.assign(flags, lit(d.k, 0));
  } else if (p.selection == "iterative") {
    flags = select_iterative(m, d, p.passes_per_stage, shell, t, records);
  } else {
    flags = select_rank(m, d, "x_i");
  }

  std::string x = t.x, fl = flags, mode = t.mode;
  if (p.pipeline_stages >= 1) {
    std::vector<blocks::StreamShell::Reg> regs;
    regs.emplace_back("x_q1", x, d.k * 16);
    if (mb > 0) regs.emplace_back("mode_q1", mode, mb);
    regs.emplace_back("is_outlier_q1", flags, d.k);
    for (std::size_t j = 0; j < records.size(); ++j) {
      const std::string ik = fmt::format("outlier_idx_q1_{}", j),
                        vk = fmt::format("outlier_q1_{}", j);
      regs.emplace_back(ik, records[j].first, d.ib);
      regs.emplace_back(vk, records[j].second, 16);
      records[j] = {ik, vk};
    }
    shell.stage("Stage register after the selection (pipeline_stages >= 1).", regs);
    x = "x_q1", fl = "is_outlier_q1";
    if (mb > 0) mode = "mode_q1";
  }

  // Rank selection has flags but no ordered records yet: pick slot j's
  // outlier as the one with j outliers before it.
  m.blank();
  m.comment("Stage B: inlier positions (golden: codes in index order, outliers skipped)");
  std::vector<std::string> flag_bits;
  for (int i = 0; i < d.k; ++i) flag_bits.push_back(bits(fl, i, i));
  // Outliers before each position: for the rank selection's slots and the
  // storage layout's compaction.
  const bool need_counts = d.n && (records.empty() || p.layout == "storage");
  const auto before = need_counts ? blocks::prefix_counts(m, "nout", flag_bits, d.cw)
                                  : std::vector<std::string>(d.k, "1'b0");
  if (d.n && records.empty()) {
    for (int j = 0; j < d.n; ++j) {
      std::vector<std::string> idx_terms, val_terms;
      for (int i = 0; i < d.k; ++i) {
        const std::string hit =
            fmt::format("({} & ({} == {}))", bits(fl, i, i), before[i], lit(d.cw, j));
        idx_terms.push_back(fmt::format("({} ? {} : {})", hit, lit(d.ib, i), lit(d.ib, 0)));
        val_terms.push_back(fmt::format("({} ? {} : 16'd0)", hit, part(x, i * 16, 16)));
      }
      const std::string ik = m.wire(fmt::format("outlier_idx_{}", j), d.ib, "the j-th set flag");
      std::string ie, ve;
      for (std::size_t t = 0; t < idx_terms.size(); ++t) {
        ie += (t ? " | " : "") + idx_terms[t];
        ve += (t ? " | " : "") + val_terms[t];
      }
      m.assign(ik, ie);
      const std::string raw = m.wire(fmt::format("outlier_raw_{}", j), 16);
      m.assign(raw, ve);
      records.push_back({ik, canonical_bf16(m, fmt::format("outlier_{}", j), raw)});
    }
  }

  m.blank();
  m.comment("Inlier scale: the MX rule over the inliers only (outliers count as 0).");
  std::vector<std::string> fields;
  std::string nan_terms;
  for (int i = 0; i < d.k; ++i) {
    const std::string f = m.wire(fmt::format("field_{}", i), 8);
    m.assign(f, fmt::format("{} ? 8'd0 : {}", bits(fl, i, i), bits(x, i * 16 + 14, i * 16 + 7)));
    fields.push_back(f);
    nan_terms += fmt::format("{}(&{})", i ? " | " : "", f);
  }
  const std::string maxf = blocks::max_tree(m, "maxf", fields, 8);
  m.wire("nan_block", 1, "an Inf or NaN inlier makes the inliers NaN");
  m.assign("nan_block", nan_terms);

  m.blank();
  m.comment("Element quantizers (one per position; outlier positions are dropped below).");
  m.wire("codes_all", d.k * d.b,
         widths.size() > 1 ? "codes of the block's width, zero-extended" : "");
  for (int i = 0; i < d.k; ++i) {
    vlog::Instance inst{elem_name, fmt::format("u_elem_{}", i), {}, ""};
    inst.connections.push_back({"x_i", part(x, i * 16, 16)});
    inst.connections.push_back({"scale_i", maxf});
    if (widths.size() > 1) inst.connections.push_back({"sel_i", mode});
    inst.connections.push_back({"code_o", part("codes_all", i * d.b, d.b)});
    m.add(inst);
  }
  const bool by_position = p.layout == "positions";
  const int slots_n = by_position ? d.k : d.k - d.n;
  std::vector<std::string> slots;
  m.blank();
  if (by_position) {
    m.comment("Codes by position: an outlier's position carries 0.");
    for (int i = 0; i < d.k; ++i)
      slots.push_back(d.n ? fmt::format("({{{}{{~{}}}}} & {})", d.b, bits(fl, i, i),
                                        part("codes_all", i * d.b, d.b))
                          : part("codes_all", i * d.b, d.b));
  } else {
    m.comment("Compaction: inlier slot j takes element j + t, where t outliers precede it.");
    for (int j = 0; j < d.k - d.n; ++j) {
      std::string e;
      for (int t = 0; t <= d.n && j + t < d.k; ++t) {
        const int i = j + t;
        const std::string sel =
            d.n ? fmt::format("~{} & ({} == {})", bits(fl, i, i), before[i], lit(d.cw, t)) : "1'b1";
        e += fmt::format("{}({{{}{{{}}}}} & {})", t ? " | " : "", d.b, sel,
                         part("codes_all", i * d.b, d.b));
      }
      slots.push_back(e);
    }
  }
  m.wire("codes_d", slots_n * d.b);
  {
    std::vector<std::string> msb_first(slots.rbegin(), slots.rend());
    m.assign("codes_d",
             fmt::format("nan_block ? {} : {}", lit(slots_n * d.b, 0), vlog::concat(msb_first)));
  }

  m.blank();
  m.wire("scale_d", 8);
  m.assign("scale_d", fmt::format("nan_block ? 8'hff : {}", maxf), "S = max inlier field (emax 0)");
  std::vector<blocks::StreamShell::Reg> out;
  out.emplace_back("scale_q", "scale_d", 8);
  out.emplace_back("codes_q", "codes_d", slots_n * d.b);
  if (d.n) {
    std::vector<std::string> idx_msb, val_msb;
    for (int j = d.n - 1; j >= 0; --j) {
      idx_msb.push_back(records[j].first);
      val_msb.push_back(records[j].second);
    }
    out.emplace_back("idx_q", vlog::concat(idx_msb), d.n * d.ib);
    out.emplace_back("outl_q", vlog::concat(val_msb), d.n * 16);
  }
  shell.output(out);
  m.assign("scale_o", "scale_q");
  m.assign("codes_o", "codes_q");
  if (d.n) {
    m.assign("idx_o", "idx_q");
    m.assign("outl_o", "outl_q");
  }
  elems.push_back(std::move(m));
  return elems;
}

}  // namespace bf::opal_quantizer
