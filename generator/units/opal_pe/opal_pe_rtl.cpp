#include "generator/units/opal_pe/opal_pe_rtl.hpp"

#include <fmt/format.h>

#include <optional>

#include "generator/blocks/adder_tree.hpp"
#include "generator/blocks/blocks.hpp"
#include "generator/blocks/fp_blocks.hpp"
#include "generator/blocks/fp_modules.hpp"
#include "generator/blocks/int_to_float.hpp"
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
        u_(c.fp_units),
        groups_(c.fp_groups()),
        step_bits_(vlog::bits_for(static_cast<uint64_t>(c.fp_groups() - 1))) {}

  // `tree_add`: the pipelined fp32 adder of the group tree (fp_units > 1 only).
  void build(const std::string& mul_outlier, const std::string& add, const std::string& tree_add,
             const std::string& mul_scale) {
    ports();
    control();
    outlier_slots();
    lanes();
    block_accumulator();
    records();
    fp_terms(mul_outlier);
    const Terms t = u_ == 1 ? term_stage() : group_stage(tree_add);
    fp_accumulate(t, add, mul_scale);
    output();
  }

 private:
  void ports();
  void control();
  void outlier_slots();
  void lanes();
  void block_accumulator();
  void records();
  // The registered value added to the accumulator per cycle, with the row
  // boundaries it carries.
  struct Terms {
    std::string valid, row_start, value, wscale;
  };
  void fp_terms(const std::string& mul_outlier);
  std::string outlier_term(const std::string& prefix, const std::vector<std::pair<int, int>>& steps,
                           const std::string& mul_outlier, const std::string& comment);
  Terms term_stage();
  Terms group_stage(const std::string& tree_add);
  void fp_accumulate(const Terms& t, const std::string& add, const std::string& mul_scale);
  void output();

  const OpalPeConfig& c_;
  vlog::Module& m_;
  const bool embedded_;  // stalled by a parent's en_i instead of its own handshake
  std::optional<blocks::StreamShell> shell_;  // written by control()
  const int n_, lanes_, beats_, beat_bits_, lane_bits_, ib_;
  const int u_;                          // fp_units: terms per cycle
  const int groups_;                     // G = ceil((n + 1) / u): sequencer steps per block
  const int step_bits_;                  // the sequencer step 0..G-1
  std::vector<std::string> slot_terms_;  // per FP unit, the term of this step (fp_terms())
  std::string beat_first_;               // 1-bit expression: this beat starts a block
  std::string block_end_;                // this beat ends a block
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
                        groups_, beats_));
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
  if (u_ == 1)
    m.comment(
        fmt::format("Sequencer: step 0 converts the inlier sum, steps 1..{} the outliers.", n_));
  else
    m.comment(
        fmt::format("Sequencer: step s (0..{}) hands terms {}*s .. {}*s + {} to the {} FP "
                    "units (term 0 the inlier sum, term 1 + j outlier j).",
                    groups_ - 1, u_, u_, u_ - 1, u_));
  m.reg("seq_busy_q", 1);
  m.reg("seq_step_q", step_bits_);
  m.wire("seq_final", 1, "the record's last term");
  m.assign("seq_final",
           fmt::format("seq_step_q == {}", lit(step_bits_, static_cast<uint64_t>(groups_ - 1))));
  auto sq = vlog::register_bank("advance", "Sequencer state.");
  sq.regs.push_back({"seq_busy_q", "capture | (seq_busy_q & ~seq_final)", "1'b0"});
  sq.regs.push_back({"seq_step_q",
                     groups_ == 1 ? lit(step_bits_, 0)
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
  blocks::ScaledIntToFp32 conv;
  conv.value = "rec_int_q";
  conv.width = bw;
  conv.exp_base = "rec_scale_q";
  conv.exp_base_width = 8;
  conv.exp_base_max = 255;
  conv.base_bias = 125 + bm;
  const std::string packed = blocks::scaled_int_to_fp32(m, "conv", conv);
  m.wire("term_int", 32);
  m.assign("term_int",
           fmt::format("(rec_scale_q == 8'hff) ? {} : ((conv_mag == {}) ? {} : {})",
                       hex_lit(32, golden::fp_nan(FloatFormat::fp32())), lit(bw, 0), hex_lit(32, 0),
                       packed),
           "NaN scale, zero sum, or the rounded value");

  if (u_ == 1) {
    std::string term = "term_int";
    if (n_ > 0) {
      std::vector<std::pair<int, int>> steps;
      for (int j = 0; j < n_; ++j) steps.emplace_back(j + 1, j);
      const std::string out = outlier_term(
          "", steps, mul_outlier,
          "Terms 1..n: outlier j = step - 1, bf16 value times its weight made bf16 (exact).");
      m.wire("term", 32);
      m.assign("term", fmt::format("(seq_step_q == {}) ? term_int : {}", lit(step_bits_, 0), out));
      term = "term";
    }
    slot_terms_.push_back(term);
    return;
  }
  // fp_units > 1: FP unit i takes term s*u + i at step s.
  const int last_terms = n_ + 1 - (groups_ - 1) * u_;  // terms in the last group, 1..u
  for (int i = 0; i < u_; ++i) {
    std::vector<std::pair<int, int>> steps;  // (step, outlier) pairs of this unit
    for (int s = 0; s < groups_; ++s)
      if (const int t = s * u_ + i; t >= 1 && t <= n_) steps.emplace_back(s, t - 1);
    if (steps.empty()) {  // unit 0 when G = 1: the inlier sum only
      slot_terms_.push_back("term_int");
      continue;
    }
    std::string outs;
    for (const auto& [s, j] : steps)
      outs += fmt::format("{}{} at step {}", outs.empty() ? "" : ", ", j, s);
    const std::string prefix = fmt::format("fp{}_", i);
    const std::string out = outlier_term(
        prefix, steps, mul_outlier,
        fmt::format("FP unit {}: outlier {}, bf16 value times its weight made bf16 (exact).", i,
                    outs));
    const std::string term = m.wire(prefix + "term", 32);
    if (i == 0)
      m.assign(term, fmt::format("(seq_step_q == {}) ? term_int : {}", lit(step_bits_, 0), out),
               "term 0: the inlier sum");
    else if (i >= last_terms)
      m.assign(term,
               fmt::format("(seq_step_q == {}) ? 32'h80000000 : {}",
                           lit(step_bits_, static_cast<uint64_t>(groups_ - 1)), out),
               "-0 pads the last group (fp_add(t, -0) = t)");
    else
      m.assign(term, out);
    slot_terms_.push_back(term);
  }
}

// The outlier of the current step for one FP unit (`steps`: its (step,
// outlier) pairs), its weight made bf16 and their product. Returns the
// product wire.
std::string TopBuilder::outlier_term(const std::string& prefix,
                                     const std::vector<std::pair<int, int>>& steps,
                                     const std::string& mul_outlier, const std::string& comment) {
  auto& m = m_;
  const int w = c_.weight_bits;
  const auto nm = [&](const std::string& s) { return prefix + s; };
  m.blank();
  m.comment(comment);
  if (u_ > 1 && steps.size() == 1) {  // one outlier: no select
    m.wire(nm("osel_val"), 16);
    m.assign(nm("osel_val"), part("rec_oval_q", 16 * steps[0].second, 16));
    m.wire(nm("osel_w"), w);
    m.assign(nm("osel_w"), fmt::format("rec_w{}_q", steps[0].second));
  } else {
    m.reg(nm("osel_val"), 16);
    m.reg(nm("osel_w"), w);
    vlog::Case sel{"seq_step_q", {}};
    for (std::size_t k = 0; k < steps.size(); ++k) {
      const auto [s, j] = steps[k];
      sel.items.push_back({k + 1 < steps.size() ? lit(step_bits_, static_cast<uint64_t>(s))
                                                : std::string("default"),
                           {vlog::set(nm("osel_val"), part("rec_oval_q", 16 * j, 16)),
                            vlog::set(nm("osel_w"), fmt::format("rec_w{}_q", j))}});
    }
    m.add(vlog::Combinational{{vlog::Stmt{sel}}, "the outlier of this step"});
  }
  m.wire(nm("ow_neg"), 1);
  m.assign(nm("ow_neg"), bit(nm("osel_w"), w - 1));
  m.wire(nm("ow_mag"), w, "|w| <= 2^(w-1) fits w bits unsigned");
  m.assign(nm("ow_mag"), fmt::format("{} ? -{} : {}", nm("ow_neg"), nm("osel_w"), nm("osel_w")));
  const std::string olz = blocks::leading_zeros(m, nm("ow_lz"), nm("ow_mag"), w);
  const int olzw = vlog::bits_for(static_cast<uint64_t>(w));
  m.wire(nm("ow_norm"), w);
  m.assign(nm("ow_norm"), nm("ow_mag") + " << " + olz);
  m.wire(nm("ow_bf16"), 16, "the weight as bf16: exact");
  const std::string man =
      w >= 2 ? concat({bits(nm("ow_norm"), w - 2, 0), lit(7 - (w - 1), 0)}) : lit(7, 0);
  const std::string man7 = 7 - (w - 1) > 0 ? man : bits(nm("ow_norm"), w - 2, 0);
  m.assign(nm("ow_bf16"),
           fmt::format("{} ? {{{}, 8'd{} - {}, {}}} : 16'h0000", bit(nm("ow_norm"), w - 1),
                       nm("ow_neg"), 127 + w - 1, zext(olz, olzw, 8), man7),
           "the normalized top bit is 0 only for w = 0");
  m.wire(nm("term_out"), 32);
  m.add(vlog::Instance{mul_outlier,
                       "u_" + nm("omul"),
                       {{"a_i", nm("osel_val")}, {"b_i", nm("ow_bf16")}, {"y_o", nm("term_out")}},
                       "bf16 outlier x bf16 weight -> fp32 (golden: outlier_product)"});
  return nm("term_out");
}

TopBuilder::Terms TopBuilder::term_stage() {
  auto& m = m_;
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
  r.regs.push_back({"item_q", slot_terms_[0], ""});
  r.regs.push_back({"item_wscale_q", "rec_wscale_q", ""});
  m.add(r);
  return {"item_valid_q", "item_row_start_q", "item_q", "item_wscale_q"};
}

TopBuilder::Terms TopBuilder::group_stage(const std::string& tree_add) {
  auto& m = m_;
  const int depth = blocks::fp_add_tree_depth(u_);
  m.blank();
  m.comment("Term registers: the step's terms, with the row boundaries they carry.");
  m.reg("item_valid_q", 1);
  m.reg("item_row_start_q", 1, "the group adds to +0 instead of the accumulator");
  m.reg("item_wscale_q", 16);
  std::vector<std::string> items;
  auto r = vlog::register_bank("advance", "Term stage.");
  r.regs.push_back({"item_valid_q", "seq_busy_q", "1'b0"});
  r.regs.push_back(
      {"item_row_start_q",
       fmt::format("seq_busy_q & (seq_step_q == {}) & rec_row_start_q", lit(step_bits_, 0)),
       "1'b0"});
  for (int i = 0; i < u_; ++i) {
    items.push_back(m.reg(fmt::format("item{}_q", i), 32));
    r.regs.push_back({items.back(), slot_terms_[static_cast<std::size_t>(i)], ""});
  }
  r.regs.push_back({"item_wscale_q", "rec_wscale_q", ""});
  m.add(r);

  m.blank();
  m.comment(fmt::format(
      "Group sum: a balanced tree of pipelined fp32 adders, {} level{} of one cycle each", depth,
      depth > 1 ? "s" : ""));
  m.comment("(golden: s_g = fp_sum_tree(group g)); the row boundaries travel beside it.");
  blocks::FpAddTree tree;
  tree.adder = tree_add;
  tree.clk = "clk_i";
  tree.en = "advance";
  const std::string sum = blocks::fp_add_tree(m, "tree", items, tree);
  std::string valid = "item_valid_q", row_start = "item_row_start_q", wscale = "item_wscale_q";
  auto d = vlog::register_bank("advance", "Row boundaries, delayed like the tree.");
  for (int l = 1; l <= depth; ++l) {
    const std::string v = m.reg(fmt::format("tree{}_valid_q", l), 1);
    const std::string rs = m.reg(fmt::format("tree{}_row_start_q", l), 1);
    const std::string ws = m.reg(fmt::format("tree{}_wscale_q", l), 16);
    d.regs.push_back({v, valid, "1'b0"});
    d.regs.push_back({rs, row_start, "1'b0"});
    d.regs.push_back({ws, wscale, ""});
    valid = v;
    row_start = rs;
    wscale = ws;
  }
  m.add(d);

  m.blank();
  m.comment("Group register: one adder in the accumulator loop, as with one FP unit.");
  m.reg("grp_valid_q", 1);
  m.reg("grp_q", 32);
  m.reg("grp_row_start_q", 1, "add to +0 instead of the accumulator");
  m.reg("grp_wscale_q", 16);
  auto g = vlog::register_bank("advance", "Group stage.");
  g.regs.push_back({"grp_valid_q", valid, "1'b0"});
  g.regs.push_back({"grp_row_start_q", row_start, "1'b0"});
  g.regs.push_back({"grp_q", sum, ""});
  g.regs.push_back({"grp_wscale_q", wscale, ""});
  m.add(g);
  return {"grp_valid_q", "grp_row_start_q", "grp_q", "grp_wscale_q"};
}

void TopBuilder::fp_accumulate(const Terms& t, const std::string& add,
                               const std::string& mul_scale) {
  auto& m = m_;
  m.blank();
  m.comment(u_ == 1
                ? "fp32 row accumulator: one term per cycle (golden: acc = fp_add(acc, term))."
                : "fp32 row accumulator: one group per cycle (golden: acc = fp_add(acc, s_g)).");
  m.reg("acc_q", 32);
  m.wire("acc_in", 32);
  m.assign("acc_in", t.row_start + " ? 32'h00000000 : acc_q");
  m.wire("acc_sum", 32);
  m.add(vlog::Instance{add,
                       "u_acc_add",
                       {{"a_i", "acc_in"}, {"b_i", t.value}, {"y_o", "acc_sum"}},
                       "fp32 accumulator adder"});
  m.reg("fin_wscale_q", 16, "the weight scale of the row acc_q may finish");
  auto r = vlog::register_bank("advance", "Accumulator stage.");
  r.regs.push_back({"acc_q", t.valid + " ? acc_sum : acc_q", ""});
  r.regs.push_back({"fin_wscale_q", t.wscale, ""});
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

int latency(const OpalPeConfig& c) {
  const int groups = c.fp_groups();
  if (c.fp_units == 1) return groups + 3;  // n + 4
  return groups + 4 + blocks::fp_add_tree_depth(c.fp_units);
}

std::vector<vlog::Module> build_rtl(
    const OpalPeConfig& c, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header, bool embedded) {
  std::vector<vlog::Module> mods;
  const std::string omul = top + "_omul", add = top + "_add", tadd = top + "_tadd",
                    smul = top + "_smul";
  if (c.outliers > 0)
    mods.push_back(
        blocks::fp_mul_module(golden::OpalPeFpOps::outlier_mul(), omul, header(omul), false));
  mods.push_back(blocks::fp_add_module(golden::OpalPeFpOps::acc_add(), add, header(add), false));
  if (c.fp_units > 1)
    mods.push_back(blocks::fp_add_module(golden::OpalPeFpOps::acc_add(), tadd, header(tadd), true));
  mods.push_back(
      blocks::fp_mul_module(golden::OpalPeFpOps::scale_mul(), smul, header(smul), false));
  vlog::Module m;
  m.name = top;
  m.header = header(top);
  TopBuilder(c, m, embedded).build(omul, add, tadd, smul);
  mods.push_back(std::move(m));
  return mods;
}

}  // namespace bf::opal_pe
