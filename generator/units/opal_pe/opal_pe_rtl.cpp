#include "generator/units/opal_pe/opal_pe_rtl.hpp"

#include <fmt/format.h>

#include <optional>

#include "generator/blocks/adder_tree.hpp"
#include "generator/blocks/blocks.hpp"
#include "generator/blocks/fp_blocks.hpp"
#include "generator/blocks/fp_modules.hpp"
#include "generator/blocks/stream_shell.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::opal_pe {

using golden::FloatFormat;
using golden::OpalPeConfig;
using vlog::bit;
using vlog::bits;
using vlog::concat;
using vlog::hex_lit;
using vlog::lit;
using vlog::part;
using vlog::repeat;
using vlog::sext;
using vlog::zext;

namespace {

// "sel == 0 ? v0 : sel == 1 ? v1 : ... v_last" for a small select.
std::string select_chain(const std::string& sel, int sel_bits, const std::vector<std::string>& v) {
  std::string e = v.back();
  for (int i = static_cast<int>(v.size()) - 2; i >= 0; --i)
    e = fmt::format("({} == {}) ? {} : {}", sel, lit(sel_bits, static_cast<uint64_t>(i)), v[i], e);
  return e;
}

class TopBuilder {
 public:
  TopBuilder(const OpalPeConfig& c, vlog::Module& m, bool embedded)
      : c_(c),
        m_(m),
        embedded_(embedded),
        n_(c.outliers),
        lanes_(c.lanes),
        beats_(c.beats_per_block()),
        beat_bits_(vlog::clog2(static_cast<uint64_t>(c.beats_per_block()))),
        lane_bits_(vlog::clog2(static_cast<uint64_t>(c.lanes))),
        ib_(c.index_bits()),
        step_bits_(vlog::bits_for(static_cast<uint64_t>(c.outliers))) {}

  void build(const std::string& mul_outlier, const std::string& add, const std::string& mul_scale) {
    ports();
    control();
    outlier_slots();
    lanes();
    block_accumulator();
    records();
    fp_terms(mul_outlier);
    fp_accumulate(add, mul_scale);
    output();
  }

 private:
  void ports();
  void control();
  void outlier_slots();
  void lanes();
  void block_accumulator();
  void records();
  void fp_terms(const std::string& mul_outlier);
  void fp_accumulate(const std::string& add, const std::string& mul_scale);
  void output();

  const OpalPeConfig& c_;
  vlog::Module& m_;
  const bool embedded_;  // stalled by a parent's en_i instead of its own handshake
  std::optional<blocks::StreamShell> shell_;  // written by control()
  const int n_, lanes_, beats_, beat_bits_, lane_bits_, ib_, step_bits_;
  std::string beat_first_;  // 1-bit expression: this beat starts a block
  std::string block_end_;   // this beat ends a block
  std::vector<std::string> wcap_next_;
  std::string beat_sum_;  // the adder tree's root
};

void TopBuilder::ports() {
  auto& m = m_;
  const int bm = c_.max_bits(), w = c_.weight_bits;
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  if (embedded_) {
    m.input("en_i", 1, "the parent's global advance: every stage moves when high");
    m.input("valid_i", 1, "a beat is presented (taken when en_i is high)");
  } else {
    m.input("in_valid_i", 1);
    m.output("in_ready_o", 1);
  }
  if (c_.mode_bits() > 0)
    m.input("mode_i", c_.mode_bits(), "activation width of this beat: an index into act_bits");
  m.input("last_i", 1, "read on a block's final beat: the row ends with this block");
  m.input("codes_i", lanes_ * bm,
          fmt::format("activation codes, lane l at [{0}*l +: {0}], low act_bits[mode] bits", bm));
  m.input("w_i", lanes_ * w,
          fmt::format("weights, {0}-bit two's complement, lane l at [{0}*l +: {0}]", w));
  m.input("scale_i", 8, "E8M0 block scale, read on the block's final beat");
  if (n_ > 0) {
    m.input("oidx_i", n_ * ib_, "outlier element indices within the block, read on every beat");
    m.input("oval_i", n_ * 16, "bf16 outlier values, read on the block's final beat");
  }
  m.input("wscale_i", 16, "bf16 per-output-channel weight scale, read on the row's final beat");
  if (embedded_) {
    m.output("valid_o", 1, "a beat's output (the parent tracks its own tokens; for them)");
  } else {
    m.output("out_valid_o", 1);
    m.input("out_ready_i", 1);
  }
  m.output("done_o", 1, "this beat ended a row: y_o holds its dot product");
  m.output("y_o", 32, "fp32 dot product when done_o, else 0");
}

void TopBuilder::control() {
  auto& m = m_;
  blocks::StreamShell::Options o;
  o.embedded = embedded_;
  o.heading = embedded_ ? "Stalled by the parent: every stage advances together with en_i."
                        : "Global stall: every stage advances together when the output can move.";
  o.out_valid_comment = "the output register holds a beat's result";
  o.advance_comment = "";
  o.take = true;
  o.take_comment = "a beat is accepted this cycle";
  shell_.emplace(m, o);
  if (beats_ == 1) {
    beat_first_ = block_end_ = "1'b1";
    return;
  }
  m.reg("beat_q", beat_bits_, fmt::format("beat within the block, 0..{}", beats_ - 1));
  m.wire("beat_first", 1);
  m.assign("beat_first", fmt::format("beat_q == {}", lit(beat_bits_, 0)));
  m.wire("block_end", 1);
  m.assign("block_end", fmt::format("beat_q == {}", lit(beat_bits_, beats_ - 1)));
  beat_first_ = "beat_first";
  block_end_ = "block_end";
  auto r = vlog::register_bank("take", "Beat counter (golden: OpalPeModel::beat_).");
  r.regs.push_back(
      {"beat_q",
       fmt::format("block_end ? {} : beat_q + {}", lit(beat_bits_, 0), lit(beat_bits_, 1)),
       lit(beat_bits_, 0)});
  m.add(r);
}

void TopBuilder::outlier_slots() {
  auto& m = m_;
  m.blank();
  if (n_ == 0) return;
  m.wire("is_outlier", lanes_, "lanes at an outlier position: their INT product is forced to 0");
  m.comment("Outlier slots: the beat each index falls in, its lane, and that lane's weight");
  m.comment("(golden: wcap_j, taken when idx_j / lanes == beat, 0 at a block's start).");
  const int w = c_.weight_bits;
  std::vector<std::string> lane_terms(static_cast<std::size_t>(lanes_));
  auto r = vlog::register_bank("take", "Captured outlier weights.");
  for (int j = 0; j < n_; ++j) {
    const std::string hit = m.wire(fmt::format("o{}_hit", j), 1, "the index falls in this beat");
    if (ib_ > lane_bits_) {
      const std::string hi = bits("oidx_i", j * ib_ + ib_ - 1, j * ib_ + lane_bits_);
      m.assign(hit, fmt::format("{} == {}", hi,
                                beats_ == 1 ? lit(ib_ - lane_bits_, 0)
                                            : zext("beat_q", beat_bits_, ib_ - lane_bits_)));
    } else {
      m.assign(hit, "1'b1");
    }
    const std::string wsel = m.wire(fmt::format("o{}_w", j), w, "the weight at the outlier's lane");
    if (lane_bits_ > 0) {
      const std::string lane = m.wire(fmt::format("o{}_lane", j), lane_bits_);
      m.assign(lane, bits("oidx_i", j * ib_ + lane_bits_ - 1, j * ib_));
      // lanes is a power of two: every lane number is a lane.
      m.assign(wsel, fmt::format("w_i[{} * {} +: {}]", lane, w, w));
      for (int l = 0; l < lanes_; ++l) {
        auto& t = lane_terms[static_cast<std::size_t>(l)];
        t += fmt::format("{}({} & ({} == {}))", t.empty() ? "" : " | ", hit, lane,
                         lit(lane_bits_, static_cast<uint64_t>(l)));
      }
    } else {
      m.assign(wsel, "w_i", "one lane");
      lane_terms[0] += (lane_terms[0].empty() ? "" : " | ") + hit;
    }
    const std::string next = m.wire(fmt::format("o{}_wcap", j), w, "captured weight, this beat");
    wcap_next_.push_back(next);
    if (beats_ == 1) {
      m.assign(next, fmt::format("{} ? {} : {}", hit, wsel, lit(w, 0)));
    } else {
      const std::string q = m.reg(fmt::format("o{}_wcap_q", j), w);
      m.assign(next, fmt::format("{} ? {} : ({} ? {} : {})", hit, wsel, beat_first_, lit(w, 0), q));
      r.regs.push_back({q, next, ""});
    }
  }
  if (!r.regs.empty()) m.add(r);
  std::vector<std::string> msb_first;
  for (int l = lanes_ - 1; l >= 0; --l)
    msb_first.push_back("(" + lane_terms[static_cast<std::size_t>(l)] + ")");
  m.assign("is_outlier", concat(msb_first));
}

void TopBuilder::lanes() {
  auto& m = m_;
  const int bm = c_.max_bits(), w = c_.weight_bits, pw = c_.product_bits();
  const bool sm = c_.act_encoding == golden::IntEncoding::SignMagnitude;
  const int modes = static_cast<int>(c_.act_bits.size());
  m.blank();
  m.comment(fmt::format(
      "INT lanes: activation A on the {}-bit grid (a b-bit code times 2^({} - b)), {} code{},", bm,
      bm, sm ? "sign-magnitude" : "two's complement", modes > 1 ? "s chosen by mode_i" : ""));
  m.comment("times the weight; products summed by a balanced signed tree (golden: int_acc).");
  std::vector<std::string> products;
  for (int l = 0; l < lanes_; ++l) {
    std::string a_expr;
    if (sm) {
      std::vector<std::string> signs, mags;
      for (int b : c_.act_bits) {
        signs.push_back(bit("codes_i", l * bm + b - 1));
        const std::string mag = b >= 2 ? bits("codes_i", l * bm + b - 2, l * bm) : "";
        mags.push_back(bm - b > 0 ? concat({mag, lit(bm - b, 0)}) : mag);
      }
      const std::string sign = m.wire(fmt::format("a{}_sign", l), 1);
      m.assign(sign, modes > 1 ? select_chain("mode_i", c_.mode_bits(), signs) : signs[0]);
      const std::string mag = m.wire(fmt::format("a{}_mag", l), bm - 1, "magnitude on the grid");
      m.assign(mag, modes > 1 ? select_chain("mode_i", c_.mode_bits(), mags) : mags[0]);
      a_expr = fmt::format("{} ? -{{1'b0, {}}} : {{1'b0, {}}}", sign, mag, mag);
    } else {
      std::vector<std::string> vals;
      for (int b : c_.act_bits) {
        const std::string v = bits("codes_i", l * bm + b - 1, l * bm);
        vals.push_back(bm - b > 0 ? concat({v, lit(bm - b, 0)}) : v);
      }
      a_expr = modes > 1 ? select_chain("mode_i", c_.mode_bits(), vals) : vals[0];
    }
    const std::string a =
        m.wire(fmt::format("a{}", l), bm, "activation integer (two's complement)");
    m.assign(a, n_ > 0 ? fmt::format("is_outlier[{}] ? {} : ({})", l, lit(bm, 0), a_expr) : a_expr);
    const std::string wl = m.wire(fmt::format("w{}", l), w);
    m.assign(wl, part("w_i", l * w, w));
    const std::string p = m.wire(fmt::format("p{}", l), pw, "A * W, exact");
    m.assign(p, fmt::format("$signed({}) * $signed({})", sext(a, bm, pw), sext(wl, w, pw)));
    products.push_back(p);
  }
  beat_sum_ = blocks::signed_adder_tree(m, "beat_sum", products, pw, c_.beat_sum_bits());
}

void TopBuilder::block_accumulator() {
  auto& m = m_;
  const int bw = c_.block_sum_bits(), sw = c_.beat_sum_bits();
  m.blank();
  m.comment("Exact block accumulator: the block's integer dot product.");
  m.wire("block_total", bw, "int_acc after this beat");
  const std::string ext = sext(beat_sum_, sw, bw);
  if (beats_ == 1) {
    m.assign("block_total", ext);
    return;
  }
  m.reg("int_acc_q", bw);
  m.assign("block_total", fmt::format("(beat_first ? {} : int_acc_q) + {}", lit(bw, 0), ext));
  auto r = vlog::register_bank("take", "Block accumulator.");
  r.regs.push_back({"int_acc_q", "block_total", ""});
  m.add(r);
}

void TopBuilder::records() {
  auto& m = m_;
  const int bw = c_.block_sum_bits(), w = c_.weight_bits;
  m.blank();
  m.comment("Block record: what the FP path needs from a finished block. It is consumed over");
  m.comment(fmt::format("the next {} cycles, before the next block can end ({} beats later).",
                        n_ + 1, beats_));
  m.wire("capture", 1, "a block ends this cycle");
  m.assign("capture", "take & " + block_end_);
  auto r = vlog::register_bank("capture", "Block record.");
  m.reg("rec_int_q", bw);
  r.regs.push_back({"rec_int_q", "block_total", ""});
  m.reg("rec_scale_q", 8);
  r.regs.push_back({"rec_scale_q", "scale_i", ""});
  if (n_ > 0) {
    m.reg("rec_oval_q", 16 * n_);
    r.regs.push_back({"rec_oval_q", "oval_i", ""});
    for (int j = 0; j < n_; ++j) {
      m.reg(fmt::format("rec_w{}_q", j), w);
      r.regs.push_back({fmt::format("rec_w{}_q", j), wcap_next_[static_cast<std::size_t>(j)], ""});
    }
  }
  m.reg("rec_wscale_q", 16);
  r.regs.push_back({"rec_wscale_q", "wscale_i", ""});
  m.reg("row_start_q", 1, "the next block starts a row");
  m.reg("rec_row_start_q", 1);
  r.regs.push_back({"rec_row_start_q", "row_start_q", ""});
  m.add(r);

  auto rs = vlog::register_bank("capture", "Row boundary (golden: row_start_).");
  rs.regs.push_back({"row_start_q", "last_i", "1'b1"});
  m.add(rs);

  m.blank();
  m.comment(
      fmt::format("Sequencer: step 0 converts the inlier sum, steps 1..{} the outliers.", n_));
  m.reg("seq_busy_q", 1);
  m.reg("seq_step_q", step_bits_);
  m.wire("seq_final", 1, "the record's last term");
  m.assign("seq_final",
           fmt::format("seq_step_q == {}", lit(step_bits_, static_cast<uint64_t>(n_))));
  auto sq = vlog::register_bank("advance", "Sequencer state.");
  sq.regs.push_back({"seq_busy_q", "capture | (seq_busy_q & ~seq_final)", "1'b0"});
  sq.regs.push_back({"seq_step_q",
                     n_ == 0 ? lit(step_bits_, 0)
                             : fmt::format("(capture | seq_final) ? {} : seq_step_q + {}",
                                           lit(step_bits_, 0), lit(step_bits_, 1)),
                     lit(step_bits_, 0)});
  m.add(sq);
}

void TopBuilder::fp_terms(const std::string& mul_outlier) {
  auto& m = m_;
  const int bw = c_.block_sum_bits(), bm = c_.max_bits();
  m.blank();
  m.comment(fmt::format(
      "Term 0: int_acc * 2^(S - 127 - {}) rounded to fp32 (golden: block_to_fp32).", bm - 2));
  m.wire("conv_neg", 1);
  m.assign("conv_neg", bit("rec_int_q", bw - 1));
  m.wire("conv_mag", bw);
  m.assign("conv_mag", "conv_neg ? -rec_int_q : rec_int_q");
  const std::string lz = blocks::leading_zeros(m, "conv_lz", "conv_mag", bw);
  const int lzw = vlog::bits_for(static_cast<uint64_t>(bw));
  m.wire("conv_norm", bw, "leading one at the top");
  m.assign("conv_norm", "conv_mag << " + lz);
  const int ew = vlog::bits_for(static_cast<uint64_t>(255 + bw - 1));
  m.wire("conv_exp", ew, fmt::format("S + {} - lzc, bias {}", bw - 1, 125 + bm));
  m.assign("conv_exp", fmt::format("{} + {} - {}", zext("rec_scale_q", 8, ew),
                                   lit(ew, static_cast<uint64_t>(bw - 1)), zext(lz, lzw, ew)));
  blocks::FpRoundPack rp;
  rp.f = FloatFormat::fp32();
  rp.mode = golden::Rounding::NearestEven;
  rp.sign = "conv_neg";
  rp.sig = concat({"1'b0", "conv_norm"});
  rp.sig_width = bw + 1;
  rp.exp = "conv_exp";
  rp.exp_width = ew;
  rp.exp_bias = 125 + bm;
  rp.exp_lo = 0;
  rp.exp_hi = 255 + bw - 1;
  const std::string packed = blocks::fp_round_pack(m, "conv_rnd", rp);
  m.wire("term_int", 32);
  m.assign("term_int",
           fmt::format("(rec_scale_q == 8'hff) ? {} : ((conv_mag == {}) ? {} : {})",
                       hex_lit(32, golden::fp_nan(FloatFormat::fp32())), lit(bw, 0), hex_lit(32, 0),
                       packed),
           "NaN scale, zero sum, or the rounded value");

  std::string term = "term_int";
  if (n_ > 0) {
    const int w = c_.weight_bits;
    m.blank();
    m.comment("Terms 1..n: outlier j = step - 1, bf16 value times its weight made bf16 (exact).");
    m.reg("osel_val", 16);
    m.reg("osel_w", w);
    vlog::Case sel{"seq_step_q", {}};
    for (int j = 0; j < n_; ++j)
      sel.items.push_back(
          {j + 1 < n_ ? lit(step_bits_, static_cast<uint64_t>(j + 1)) : std::string("default"),
           {vlog::set("osel_val", part("rec_oval_q", 16 * j, 16)),
            vlog::set("osel_w", fmt::format("rec_w{}_q", j))}});
    m.add(vlog::Combinational{{vlog::Stmt{sel}}, "the outlier of this step"});
    m.wire("ow_neg", 1);
    m.assign("ow_neg", bit("osel_w", w - 1));
    m.wire("ow_mag", w, "|w| <= 2^(w-1) fits w bits unsigned");
    m.assign("ow_mag", "ow_neg ? -osel_w : osel_w");
    const std::string olz = blocks::leading_zeros(m, "ow_lz", "ow_mag", w);
    const int olzw = vlog::bits_for(static_cast<uint64_t>(w));
    m.wire("ow_norm", w);
    m.assign("ow_norm", "ow_mag << " + olz);
    m.wire("ow_bf16", 16, "the weight as bf16: exact");
    const std::string man =
        w >= 2 ? concat({bits("ow_norm", w - 2, 0), lit(7 - (w - 1), 0)}) : lit(7, 0);
    const std::string man7 = 7 - (w - 1) > 0 ? man : bits("ow_norm", w - 2, 0);
    m.assign("ow_bf16",
             fmt::format("{} ? {{ow_neg, 8'd{} - {}, {}}} : 16'h0000", bit("ow_norm", w - 1),
                         127 + w - 1, zext(olz, olzw, 8), man7),
             "the normalized top bit is 0 only for w = 0");
    m.wire("term_out", 32);
    m.add(vlog::Instance{mul_outlier,
                         "u_omul",
                         {{"a_i", "osel_val"}, {"b_i", "ow_bf16"}, {"y_o", "term_out"}},
                         "bf16 outlier x bf16 weight -> fp32 (golden: outlier_product)"});
    m.wire("term", 32);
    m.assign("term", fmt::format("(seq_step_q == {}) ? term_int : term_out", lit(step_bits_, 0)));
    term = "term";
  }

  m.blank();
  m.comment("Term register, with the row boundaries it carries.");
  m.reg("item_valid_q", 1);
  m.reg("item_q", 32);
  m.reg("item_row_start_q", 1, "add to +0 instead of the accumulator");
  m.reg("item_wscale_q", 16);
  auto r = vlog::register_bank("advance", "Term stage.");
  r.regs.push_back({"item_valid_q", "seq_busy_q", "1'b0"});
  r.regs.push_back(
      {"item_row_start_q",
       fmt::format("seq_busy_q & (seq_step_q == {}) & rec_row_start_q", lit(step_bits_, 0)),
       "1'b0"});
  r.regs.push_back({"item_q", term, ""});
  r.regs.push_back({"item_wscale_q", "rec_wscale_q", ""});
  m.add(r);
}

void TopBuilder::fp_accumulate(const std::string& add, const std::string& mul_scale) {
  auto& m = m_;
  m.blank();
  m.comment("fp32 row accumulator: one term per cycle (golden: acc = fp_add(acc, term)).");
  m.reg("acc_q", 32);
  m.wire("acc_in", 32);
  m.assign("acc_in", "item_row_start_q ? 32'h00000000 : acc_q");
  m.wire("acc_sum", 32);
  m.add(vlog::Instance{add,
                       "u_acc_add",
                       {{"a_i", "acc_in"}, {"b_i", "item_q"}, {"y_o", "acc_sum"}},
                       "fp32 accumulator adder"});
  m.reg("fin_wscale_q", 16, "the weight scale of the row acc_q may finish");
  auto r = vlog::register_bank("advance", "Accumulator stage.");
  r.regs.push_back({"acc_q", "item_valid_q ? acc_sum : acc_q", ""});
  r.regs.push_back({"fin_wscale_q", "item_wscale_q", ""});
  m.add(r);
  m.wire("y_scaled", 32);
  m.add(vlog::Instance{mul_scale,
                       "u_scale_mul",
                       {{"a_i", "acc_q"}, {"b_i", "fin_wscale_q"}, {"y_o", "y_scaled"}},
                       "row sum x bf16 weight scale -> fp32"});
}

void TopBuilder::output() {
  auto& m = m_;
  const int stages = latency(c_) - 1;  // token stages before the output register
  m.blank();
  m.comment(fmt::format(
      "Beat tokens: every beat leaves after exactly {} cycles; a row's final beat meets its",
      latency(c_)));
  m.comment("finished, scaled sum at the output register.");
  const vlog::RegUpdate tok_valid = shell_->token_shift("tok_valid_q", stages);
  m.reg("tok_done_q", stages);
  const vlog::RegUpdate tok_done{
      "tok_done_q",
      concat({bits("tok_done_q", stages - 2, 0), fmt::format("take & {} & last_i", block_end_)}),
      lit(stages, 0)};
  blocks::StreamShell::OutputOptions out;
  out.comment = "";  // under the token comment above
  out.bank_comment = "Token pipeline and output register.";
  out.before = {tok_valid, tok_done};
  shell_->output(
      {{"done_q", bit("tok_done_q", stages - 1), 1, "1'b0"},
       {"y_q", fmt::format("{} ? y_scaled : 32'h00000000", bit("tok_done_q", stages - 1)), 32,
        "32'h00000000"}},
      out);
  m.assign("done_o", "done_q");
  m.assign("y_o", "y_q");
}

}  // namespace

int latency(const OpalPeConfig& c) { return c.outliers + 4; }

std::vector<vlog::Module> build_rtl(
    const OpalPeConfig& c, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header, bool embedded) {
  std::vector<vlog::Module> mods;
  const std::string omul = top + "_omul", add = top + "_add", smul = top + "_smul";
  if (c.outliers > 0)
    mods.push_back(
        blocks::fp_mul_module(golden::OpalPeFpOps::outlier_mul(), omul, header(omul), false));
  mods.push_back(blocks::fp_add_module(golden::OpalPeFpOps::acc_add(), add, header(add), false));
  mods.push_back(
      blocks::fp_mul_module(golden::OpalPeFpOps::scale_mul(), smul, header(smul), false));
  vlog::Module m;
  m.name = top;
  m.header = header(top);
  TopBuilder(c, m, embedded).build(omul, add, smul);
  mods.push_back(std::move(m));
  return mods;
}

}  // namespace bf::opal_pe
