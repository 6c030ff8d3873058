#include "generator/units/flexblock_pe/flexblock_pe_rtl.hpp"

#include <fmt/format.h>

#include <optional>

#include "generator/blocks/fp_modules.hpp"
#include "generator/blocks/stream_shell.hpp"
#include "generator/units/flexblock_pe/flexblock_pe_mac.hpp"
#include "generator/units/flexblock_pe/flexblock_pe_term.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::flexblock_pe {

namespace fb = golden::flexblock;
using fb::Mode;
using golden::FlexblockPeConfig;
using vlog::lit;
using vlog::zext;

namespace {

class TopBuilder {
 public:
  TopBuilder(const FlexblockPeConfig& c, vlog::Module& m)
      : c_(c), m_(m), w_(c.beat_sum_bits()), seg_bits_(c.segment_sum_bits()) {}

  void build(const vlog::Module& mac, const std::string& add) {
    ports();
    shell_.emplace(m_, shell_options());
    multiply(mac);
    segment_accumulator();
    exponent_base();
    segment_record();
    accumulate(add);
  }

 private:
  void ports();
  static blocks::StreamShell::Options shell_options();
  void multiply(const vlog::Module& mac);
  void segment_accumulator();
  void exponent_base();
  void segment_record();
  void accumulate(const std::string& add);
  const FlexblockPeConfig& c_;
  vlog::Module& m_;
  std::optional<blocks::StreamShell> shell_;
  int w_;         // beat sum and tree operand width
  int seg_bits_;  // segment accumulator width
};

void TopBuilder::ports() {
  auto& m = m_;
  const int bus = c_.bus_bits(), lanes = c_.lanes();
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  if (!c_.fixed) {
    m.input("mode_a_i", 2, "A's mantissa mode: 0 = 4, 1 = 8, 2 = 16 bits (3 reads as 16)");
    m.input("mode_b_i", 2, "B's mantissa mode, coded as mode_a_i");
  }
  const std::string layout = c_.fixed ? fmt::format("lane p at [{0}*p +: {0}]", c_.lane_bits())
                                      : std::string("lane p of an m-bit mode at [m*p +: m]");
  m.input("a_i", bus, "A magnitudes, " + layout);
  m.input("a_sign_i", lanes, "A signs, lane p at bit p");
  m.input("b_i", bus, "B magnitudes, " + layout);
  m.input("b_sign_i", lanes, "B signs, lane p at bit p");
  m.input("exp_a_i", 8, "A's group exponent (bias 127, 255 = Inf/NaN), read with seg_last_i");
  m.input("exp_b_i", 8, "B's group exponent, read with seg_last_i");
  m.input("seg_last_i", 1, "this beat ends a segment: its sum is scaled and accumulated");
  m.input("row_last_i", 1, "read with seg_last_i: the output ends with this segment");
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("done_o", 1, "this beat ended an output: y_o holds it");
  m.output("y_o", 32, "fp32 dot product when done_o, else 0");
}

blocks::StreamShell::Options TopBuilder::shell_options() {
  blocks::StreamShell::Options o;
  o.heading = "Global stall: every stage advances together when the output can move.";
  o.out_valid_comment = "the output register holds a beat's result";
  o.advance_comment = "";
  o.take = true;
  o.take_comment = "a beat is accepted this cycle";
  return o;
}

void TopBuilder::multiply(const vlog::Module& mac) {
  auto& m = m_;
  m.blank();
  m.comment("The beat's exact integer sum (golden: flexblock::beat_sum).");
  m.wire("beat_sum", w_);
  std::vector<std::pair<std::string, std::string>> conn;
  if (!c_.fixed) conn = {{"mode_a_i", "mode_a_i"}, {"mode_b_i", "mode_b_i"}};
  for (const char* port : {"a_i", "a_sign_i", "b_i", "b_sign_i"}) conn.emplace_back(port, port);
  conn.emplace_back("beat_sum_o", "beat_sum");
  m.add(vlog::instance_of(mac, "u_mac", conn, "multipliers and the beat's adder tree"));
}

void TopBuilder::segment_accumulator() {
  auto& m = m_;
  m.blank();
  m.comment(fmt::format(
      "Exact segment accumulator, {} bits (max_segment = {}); wraps beyond, as the golden model.",
      seg_bits_, c_.max_segment));
  m.reg("seg_start_q", 1, "the next beat starts a segment");
  m.reg("seg_acc_q", seg_bits_);
  m.wire("seg_total", seg_bits_, "the segment's sum including this beat");
  const std::string beat = seg_bits_ >= w_ ? vlog::sext("beat_sum", w_, seg_bits_)
                                           : vlog::bits("beat_sum", seg_bits_ - 1, 0);
  m.assign("seg_total",
           fmt::format("(seg_start_q ? {} : seg_acc_q) + {}", lit(seg_bits_, 0), beat));
  auto r = vlog::register_bank("take", "Segment accumulator (golden: seg_sum_, seg_start_).");
  r.regs.push_back({"seg_acc_q", "seg_total", ""});
  r.regs.push_back({"seg_start_q", "seg_last_i", "1'b1"});
  m.add(r);
}

void TopBuilder::exponent_base() {
  auto& m = m_;
  m.blank();
  m.comment("Scale of the segment: S * 2^(exp_a + exp_b - 254 - ma - mb + 2)");
  m.comment("= S * 2^(exp_base - 284) with exp_base = exp_a + exp_b + (32 - ma - mb) >= 0.");
  m.wire("exp_base", kExpBaseBits);
  const std::string sum =
      fmt::format("{} + {}", zext("exp_a_i", 8, kExpBaseBits), zext("exp_b_i", 8, kExpBaseBits));
  if (c_.fixed) {
    m.assign(
        "exp_base",
        fmt::format("{} + {}", sum,
                    lit(kExpBaseBits, static_cast<uint64_t>(32 - 2 * fb::mantissa_bits(c_.mode)))));
  } else {
    m.wire("adj_a", kExpBaseBits, "16 - ma (code 3 reads as 16 bits)");
    m.assign("adj_a",
             fmt::format("(mode_a_i == 2'd0) ? {} : (mode_a_i == 2'd1) ? {} : {}",
                         lit(kExpBaseBits, 12), lit(kExpBaseBits, 8), lit(kExpBaseBits, 0)));
    m.wire("adj_b", kExpBaseBits, "16 - mb");
    m.assign("adj_b",
             fmt::format("(mode_b_i == 2'd0) ? {} : (mode_b_i == 2'd1) ? {} : {}",
                         lit(kExpBaseBits, 12), lit(kExpBaseBits, 8), lit(kExpBaseBits, 0)));
    m.assign("exp_base", sum + " + adj_a + adj_b");
  }
  m.wire("exp_nan", 1, "an Inf/NaN group: the term is NaN");
  m.assign("exp_nan", "(exp_a_i == 8'hff) | (exp_b_i == 8'hff)");
}

void TopBuilder::segment_record() {
  shell_->stage("Stage 1: the beat's segment state.",
                {{"rec_end_q", "seg_last_i", 1},
                 {"rec_row_last_q", "row_last_i", 1},
                 {"rec_sum_q", "seg_total", seg_bits_},
                 {"rec_exp_q", "exp_base", kExpBaseBits},
                 {"rec_nan_q", "exp_nan", 1}},
                "Segment record.");
}

void TopBuilder::accumulate(const std::string& add) {
  auto& m = m_;
  m.blank();
  m.comment("Stage 2: T = segment_term(S, exp_a, exp_b, ma, mb).");
  segment_term(m, "rec_sum_q", seg_bits_, "rec_exp_q", "rec_nan_q");
  m.blank();
  m.comment("fp32 accumulator (golden: acc = fp_add(row_start ? +0 : acc, T)).");
  const std::string& token = shell_->valid();
  m.wire("seg_done", 1, "a segment's term is added this cycle");
  m.assign("seg_done", token + " & rec_end_q");
  m.reg("acc_q", 32);
  m.reg("row_start_q", 1, "the next segment starts an output");
  m.wire("acc_in", 32);
  m.assign("acc_in", "row_start_q ? 32'h00000000 : acc_q");
  m.wire("acc_sum", 32);
  m.add(vlog::Instance{add,
                       "u_acc_add",
                       {{"a_i", "acc_in"}, {"b_i", "term"}, {"y_o", "acc_sum"}},
                       "fp32 accumulator adder"});
  auto r = vlog::register_bank(blocks::StreamShell::advance(), "Accumulator.");
  r.regs.push_back({"acc_q", "seg_done ? acc_sum : acc_q", ""});
  r.regs.push_back({"row_start_q", "seg_done ? rec_row_last_q : row_start_q", "1'b1"});
  m.add(r);
  m.wire("row_done", 1);
  m.assign("row_done", "seg_done & rec_row_last_q");
  shell_->output({{"done_q", "row_done", 1, "1'b0"},
                  {"y_q", "row_done ? acc_sum : 32'h00000000", 32, "32'h00000000"}});
  m.assign("done_o", "done_q");
  m.assign("y_o", "y_q");
}

}  // namespace

std::vector<vlog::Module> build_rtl(
    const FlexblockPeConfig& c, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header) {
  std::vector<vlog::Module> mods;
  const std::string add = top + "_add", mac = top + "_mac";
  mods.push_back(blocks::fp_add_module(fb::accumulate_spec(), add, header(add), false));
  mods.push_back(build_mac_module(c, mac, header(mac)));
  vlog::Module m;
  m.name = top;
  m.header = header(top);
  TopBuilder(c, m).build(mods.back(), add);
  mods.push_back(std::move(m));
  return mods;
}

}  // namespace bf::flexblock_pe
