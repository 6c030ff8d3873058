#include "generator/units/flexblock_array/flexblock_array_rtl.hpp"

#include <fmt/format.h>

#include "generator/blocks/fp_modules.hpp"
#include "generator/blocks/stream_shell.hpp"
#include "generator/units/flexblock_pe/flexblock_pe_mac.hpp"
#include "generator/units/flexblock_pe/flexblock_pe_term.hpp"
#include "generator/verilog/expr.hpp"
#include "golden/units/flexblock_pe/flexblock_pe.hpp"

namespace bf::flexblock_array {

namespace fb = golden::flexblock;
using golden::FlexblockArrayParams;
using vlog::concat;
using vlog::lit;
using vlog::part;
using vlog::zext;

namespace {

constexpr int kBus = fb::kBusBits;
constexpr int kSigns = fb::kSubMultipliers;
using flexblock_pe::kExpBaseBits;
constexpr int kAdjBits = 5;  // 32 - ma - mb <= 24

// The PE configuration inside the array: the multi-mode PE's multiply part.
golden::FlexblockPeConfig pe_config(const FlexblockArrayParams& p) {
  golden::FlexblockPeParams pe;
  pe.max_segment = p.max_segment;
  return pe.config();
}

vlog::Module pe_module(const FlexblockArrayParams& p, const std::string& name,
                       const vlog::Module& mac_module, const std::vector<std::string>& header) {
  const auto c = pe_config(p);
  const int w = c.beat_sum_bits(), sb = c.segment_sum_bits();
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.input("clk_i", 1);
  m.input("en_i", 1, "an accepted beat: every register advances");
  m.input("seg_start_i", 1, "this beat starts a segment");
  m.input("seg_last_i", 1, "this beat ends a segment: the sum enters the drain slot");
  m.input("mode_a_i", 2);
  m.input("mode_b_i", 2);
  m.input("a_i", kBus, "the row's A magnitudes");
  m.input("a_sign_i", kSigns);
  m.input("b_i", kBus, "the column's B magnitudes");
  m.input("b_sign_i", kSigns);
  m.input("chain_i", sb, "the drain slot on the left (towards column 0)");
  m.output("chain_o", sb, "this drain slot");
  m.blank();
  m.wire("beat_sum", w);
  std::vector<std::pair<std::string, std::string>> conn;
  for (const char* port : {"mode_a_i", "mode_b_i", "a_i", "a_sign_i", "b_i", "b_sign_i"})
    conn.emplace_back(port, port);
  conn.emplace_back("beat_sum_o", "beat_sum");
  m.add(vlog::instance_of(mac_module, "u_mac", conn, "the beat's exact integer sum"));
  m.blank();
  m.comment(fmt::format("Exact segment accumulator, {} bits (golden: seg[r][c]).", sb));
  m.reg("seg_acc_q", sb);
  m.wire("seg_total", sb, "the segment's sum including this beat");
  m.assign("seg_total", fmt::format("(seg_start_i ? {} : seg_acc_q) + {}", lit(sb, 0),
                                    vlog::sext("beat_sum", w, sb)));
  m.reg("chain_q", sb, "drain slot: loaded when a segment ends, else shifted from the left");
  auto r = vlog::register_bank("en_i", "Segment accumulator and drain slot.");
  r.regs.push_back({"seg_acc_q", "seg_total", ""});
  r.regs.push_back({"chain_q", "seg_last_i ? seg_total : chain_i", ""});
  m.add(r);
  m.assign("chain_o", "chain_q");
  return m;
}

vlog::Module edge_module(const FlexblockArrayParams& p, const std::string& name,
                         const std::string& add, const std::vector<std::string>& header) {
  const int sb = pe_config(p).segment_sum_bits();
  const int cb = col_bits(p);
  vlog::Module m;
  m.name = name;
  m.header = header;
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("en_i", 1, "an accepted beat");
  m.input("capture_i", 1, "a segment ends this beat: take the row's exponent");
  m.input("exp_a_i", 8, "the row's A group exponent on this beat");
  m.input("drain_i", 1, "a drain is active: sum_i is column col_i's segment sum");
  m.input("col_i", cb);
  m.input("sum_i", sb, "the head of the row's drain chain");
  m.input("exp_b_i", 8, "column col_i's captured B exponent");
  m.input("adj_i", kAdjBits, "32 - ma - mb of the captured modes");
  m.input("tile_first_i", 1, "the drained segment starts its outputs (add to +0)");
  m.input("tile_last_i", 1, "the drained segment ends its outputs");
  m.output("done_o", 1, "col_i's output is finished this beat");
  m.output("y_o", 32, "its fp32 value when done_o, else 0");
  m.blank();
  m.reg("exp_a_q", 8, "the row's exponent of the draining segment");
  auto cap = vlog::register_bank("en_i & capture_i", "Row exponent capture.");
  cap.regs.push_back({"exp_a_q", "exp_a_i", "8'd0"});
  m.add(cap);
  m.blank();
  m.comment("T = segment_term(S, exp_a, exp_b, ma, mb) = S * 2^(exp_base - 284).");
  m.wire("exp_base", kExpBaseBits);
  m.assign("exp_base",
           fmt::format("{} + {} + {}", zext("exp_a_q", 8, kExpBaseBits),
                       zext("exp_b_i", 8, kExpBaseBits), zext("adj_i", kAdjBits, kExpBaseBits)));
  m.wire("exp_nan", 1, "an Inf/NaN group");
  m.assign("exp_nan", "(exp_a_q == 8'hff) | (exp_b_i == 8'hff)");
  flexblock_pe::segment_term(m, "sum_i", sb, "exp_base", "exp_nan");
  m.blank();
  m.comment(fmt::format(
      "The row's fp32 accumulators, one per column (golden: acc[r][c] = fp_add(tile_first ? +0 "
      ": acc[r][c], T))."));
  // One column: a register (a one-word memory is only a register to synthesis).
  const std::string acc = p.cols == 1 ? std::string("acc_q") : std::string("acc_mem[col_i]");
  if (p.cols == 1)
    m.reg("acc_q", 32);
  else
    m.memory("acc_mem", 32, p.cols);
  m.wire("acc_in", 32);
  m.assign("acc_in", "tile_first_i ? 32'h00000000 : " + acc);
  m.wire("acc_sum", 32);
  m.add(vlog::Instance{add,
                       "u_acc_add",
                       {{"a_i", "acc_in"}, {"b_i", "term"}, {"y_o", "acc_sum"}},
                       "fp32 accumulator adder"});
  auto w = vlog::register_bank("en_i & drain_i", "Accumulator write.");
  w.regs.push_back({acc, "acc_sum", ""});
  m.add(w);
  m.assign("done_o", "drain_i & tile_last_i");
  m.assign("y_o", "done_o ? acc_sum : 32'h00000000");
  if (p.cols == 1) {
    m.wire("unused_col", 1, "one column: col_i is always 0");
    m.assign("unused_col", "|col_i");
  }
  return m;
}

class TopBuilder {
 public:
  TopBuilder(const FlexblockArrayParams& p, vlog::Module& m)
      : p_(p), m_(m), sb_(pe_config(p).segment_sum_bits()), cb_(col_bits(p)) {}

  void build(const vlog::Module& pe, const vlog::Module& edge) {
    ports();
    blocks::StreamShell::Options o;
    o.heading =
        "Global stall: the array advances on an accepted beat; outputs leave a cycle later.";
    o.out_valid_comment = "the output register holds a beat's results";
    o.advance_comment = "";
    o.take = true;
    o.take_comment = "a beat is accepted: every state register advances";
    blocks::StreamShell shell(m_, o);
    control();
    pes(pe);
    edges(edge);
    shell.output({{"done_q", "done_d", p_.rows, lit(p_.rows, 0)},
                  {"col_q", "col_d", p_.rows * cb_, lit(p_.rows * cb_, 0)},
                  {"y_q", "y_d", p_.rows * 32, lit(p_.rows * 32, 0)}});
    m_.assign("done_o", "done_q");
    m_.assign("col_o", "col_q");
    m_.assign("y_o", "y_q");
  }

 private:
  void ports();
  void control();
  void pes(const vlog::Module& pe);
  void edges(const vlog::Module& edge);

  const FlexblockArrayParams& p_;
  vlog::Module& m_;
  int sb_, cb_;
};

void TopBuilder::ports() {
  auto& m = m_;
  const int R = p_.rows, C = p_.cols;
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("mode_a_i", 2, "A's mantissa mode: 0 = 4, 1 = 8, 2 = 16 bits (3 reads as 16)");
  m.input("mode_b_i", 2, "B's mantissa mode");
  m.input("a_i", R * kBus, "A magnitudes, row r's bus at [64*r +: 64] (flexblock.pe's layout)");
  m.input("a_sign_i", R * kSigns, "A signs, row r's at [16*r +: 16]");
  m.input("exp_a_i", R * 8, "A group exponents, row r's at [8*r +: 8], read with seg_last_i");
  m.input("b_i", C * kBus, "B magnitudes, column c's bus at [64*c +: 64]");
  m.input("b_sign_i", C * kSigns, "B signs, column c's at [16*c +: 16]");
  m.input("exp_b_i", C * 8, "B group exponents, column c's at [8*c +: 8], read with seg_last_i");
  m.input("seg_last_i", 1, "this beat ends a segment in every PE");
  m.input("tile_last_i", 1, "read with seg_last_i: the tile's outputs end with this segment");
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("done_o", R, "row r finished an output this beat");
  m.output("col_o", R * cb_, fmt::format("its column, row r's at [{0}*r +: {0}]", cb_));
  m.output("y_o", R * 32, "its fp32 value, row r's at [32*r +: 32]; 0 when not done");
}

void TopBuilder::control() {
  auto& m = m_;
  const int C = p_.cols;
  const int kb = vlog::clog2(static_cast<uint64_t>(C));
  m.blank();
  m.comment("Segment and tile boundaries (golden: seg_start, tile_start).");
  m.reg("seg_start_q", 1, "the next beat starts a segment");
  m.reg("tile_start_q", 1, "the next segment starts a tile");
  m.blank();
  m.comment(fmt::format(
      "Drain: for {} beats after a segment ends, the edge units take column {} - k.", C, C - 1));
  m.reg("drain_q", 1, "a drain is active");
  m.reg("drain_k_q", kb, "beats into the drain");
  m.wire("drain_end", 1, "the drain's last column");
  m.assign("drain_end", fmt::format("drain_k_q == {}", lit(kb, static_cast<uint64_t>(C - 1))));
  m.wire("drain_col", cb_);
  m.assign("drain_col", C == 1
                            ? lit(cb_, 0)
                            : fmt::format("{} - drain_k_q", lit(kb, static_cast<uint64_t>(C - 1))));
  m.blank();
  m.comment("Captured when a segment ends: the columns' exponents, the modes' scale and the");
  m.comment("tile flags of the draining segment.");
  m.reg("exp_b_cap_q", C * 8);
  m.reg("adj_cap_q", kAdjBits, "32 - ma - mb");
  m.reg("tile_first_cap_q", 1);
  m.reg("tile_last_cap_q", 1);
  m.wire("adj", kAdjBits, "32 - ma - mb of this beat (code 3 reads as 16 bits)");
  m.assign("adj", fmt::format("({}) + ({})", flexblock_pe::mode_adjust("mode_a_i", kAdjBits),
                              flexblock_pe::mode_adjust("mode_b_i", kAdjBits)));
  m.wire("exp_b_sel", 8, "the draining column's exponent");
  m.assign("exp_b_sel", C == 1 ? std::string("exp_b_cap_q")
                               : fmt::format("exp_b_cap_q[{{drain_col, 3'b000}} +: 8]"));
  auto r = vlog::register_bank("take", "Control state.");
  r.regs.push_back({"seg_start_q", "seg_last_i", "1'b1"});
  r.regs.push_back({"tile_start_q", "seg_last_i ? tile_last_i : tile_start_q", "1'b1"});
  r.regs.push_back({"drain_q", "seg_last_i | (drain_q & ~drain_end)", "1'b0"});
  r.regs.push_back({"drain_k_q",
                    C == 1
                        ? lit(kb, 0)
                        : fmt::format("seg_last_i ? {} : drain_k_q + {}", lit(kb, 0), lit(kb, 1)),
                    lit(kb, 0)});
  m.add(r);
  auto c = vlog::register_bank("take & seg_last_i", "Segment-end capture.");
  c.regs.push_back({"exp_b_cap_q", "exp_b_i", lit(C * 8, 0)});
  c.regs.push_back({"adj_cap_q", "adj", lit(kAdjBits, 0)});
  c.regs.push_back({"tile_first_cap_q", "tile_start_q", "1'b0"});
  c.regs.push_back({"tile_last_cap_q", "tile_last_i", "1'b0"});
  m.add(c);
}

void TopBuilder::pes(const vlog::Module& pe) {
  auto& m = m_;
  const int R = p_.rows, C = p_.cols, n = R * C;
  m.blank();
  m.comment(fmt::format(
      "The {} x {} PEs: PE i = (row i / {}, column i % {}); A broadcast along rows, B down", R, C,
      C, C));
  m.comment("columns. Drain slot i takes slot i - 1 of its row; a row's column 0 takes zero.");
  m.wire("chain", n * sb_, fmt::format("drain slot i at [{0}*i +: {0}]", sb_));
  std::vector<std::string> rows;
  for (int r = R - 1; r >= 0; --r)
    rows.push_back(C == 1 ? lit(sb_, 0)
                          : concat({part("chain", r * C * sb_, (C - 1) * sb_), lit(sb_, 0)}));
  m.wire("chain_in", n * sb_, "each slot's left neighbour");
  m.assign("chain_in", rows.size() == 1 ? rows[0] : concat(rows));
  vlog::GenerateFor g;
  g.genvar = "i";
  g.count = n;
  g.label = "g_pe";
  const std::string row = C == 1 ? std::string("i") : fmt::format("(i / {})", C);
  const std::string col = C == 1 ? std::string("0") : fmt::format("(i % {})", C);
  auto lane = [](const std::string& bus, int width, const std::string& index) {
    return fmt::format("{}[{}*{} +: {}]", bus, width, index, width);
  };
  g.body = {vlog::instance_of(
      pe, "u_pe",
      {{"clk_i", "clk_i"},
       {"en_i", "take"},
       {"seg_start_i", "seg_start_q"},
       {"seg_last_i", "seg_last_i"},
       {"mode_a_i", "mode_a_i"},
       {"mode_b_i", "mode_b_i"},
       {"a_i", R == 1 ? std::string("a_i") : lane("a_i", kBus, row)},
       {"a_sign_i", R == 1 ? std::string("a_sign_i") : lane("a_sign_i", kSigns, row)},
       {"b_i", C == 1 ? std::string("b_i") : lane("b_i", kBus, col)},
       {"b_sign_i", C == 1 ? std::string("b_sign_i") : lane("b_sign_i", kSigns, col)},
       {"chain_i", vlog::lane("chain_in", n * sb_, "i", sb_, 0, sb_)},
       {"chain_o", vlog::lane("chain", n * sb_, "i", sb_, 0, sb_)}})};
  m.add(g);
}

void TopBuilder::edges(const vlog::Module& edge) {
  auto& m = m_;
  const int R = p_.rows, C = p_.cols;
  m.blank();
  m.comment("One edge unit per row, fed by the row's last drain slot (column cols - 1).");
  m.wire("done_d", R);
  m.wire("col_d", R * cb_);
  m.wire("y_d", R * 32);
  vlog::GenerateFor g;
  g.genvar = "r";
  g.count = R;
  g.label = "g_edge";
  g.body = {
      vlog::Assign{
          vlog::lane("col_d", R * cb_, "r", cb_, 0, cb_),
          fmt::format("{} ? drain_col : {}", vlog::lane("done_d", R, "r", 1, 0, 1), lit(cb_, 0)),
          "the column of a finished output, else 0"},
      vlog::instance_of(edge, "u_edge",
                        {{"clk_i", "clk_i"},
                         {"rst_ni", "rst_ni"},
                         {"en_i", "take"},
                         {"capture_i", "seg_last_i"},
                         {"exp_a_i", vlog::lane("exp_a_i", R * 8, "r", 8, 0, 8)},
                         {"drain_i", "drain_q"},
                         {"col_i", "drain_col"},
                         {"sum_i", fmt::format("chain[{}*({}*r + {}) +: {}]", sb_, C, C - 1, sb_)},
                         {"exp_b_i", "exp_b_sel"},
                         {"adj_i", "adj_cap_q"},
                         {"tile_first_i", "tile_first_cap_q"},
                         {"tile_last_i", "tile_last_cap_q"},
                         {"done_o", vlog::lane("done_d", R, "r", 1, 0, 1)},
                         {"y_o", vlog::lane("y_d", R * 32, "r", 32, 0, 32)}})};
  m.add(g);
}

}  // namespace

int col_bits(const FlexblockArrayParams& p) { return vlog::clog2(static_cast<uint64_t>(p.cols)); }

std::vector<vlog::Module> build_rtl(
    const FlexblockArrayParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header) {
  std::vector<vlog::Module> mods;
  const std::string mac = top + "_mac", pe = top + "_pe", add = top + "_add", edge = top + "_edge";
  mods.push_back(flexblock_pe::build_mac_module(pe_config(p), mac, header(mac)));
  mods.push_back(pe_module(p, pe, mods.back(), header(pe)));
  mods.push_back(blocks::fp_add_module(fb::accumulate_spec(), add, header(add), false));
  mods.push_back(edge_module(p, edge, add, header(edge)));
  vlog::Module m;
  m.name = top;
  m.header = header(top);
  TopBuilder(p, m).build(mods[1], mods[3]);
  mods.push_back(std::move(m));
  return mods;
}

}  // namespace bf::flexblock_array
