#include "generator/units/opal_core/opal_core_rtl.hpp"

#include <fmt/format.h>

#include "generator/units/opal_core/score_route.hpp"
#include "generator/units/opal_pe/opal_pe_rtl.hpp"
#include "generator/units/opal_quantizer/opal_quantizer_rtl.hpp"
#include "generator/units/opal_softmax/opal_softmax_rtl.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::opal_core {

using vlog::bit;
using vlog::bits;
using vlog::concat;
using vlog::lit;
using vlog::part;

namespace {

class CoreBuilder {
 public:
  CoreBuilder(const golden::OpalCoreParams& p, vlog::Module& m)
      : p_(p),
        c_(p.pe.config()),
        m_(m),
        k_(c_.block),
        n_(c_.outliers),
        ib_(c_.index_bits()),
        bm_(c_.max_bits()),
        mb_(c_.mode_bits()),
        lanes_(c_.lanes),
        beats_(c_.beats_per_block()),
        slot_bits_(vlog::clog2(static_cast<uint64_t>(p.max_blocks))),
        len_bits_(vlog::bits_for(static_cast<uint64_t>(p.max_blocks))),
        lq_(p.quantizer_params().latency()) {}

  void build(const std::string& quantizer, const std::string& pe, const std::string& softmax);

 private:
  void ports();
  void control();
  void quantize(const std::string& quantizer);
  void buffer();
  void read();
  void pes(const std::string& pe);
  void output(const std::string& softmax);
  std::vector<std::string> results();
  void route(const std::string& softmax, int pe_pos);

  int out_w() const { return p_.output_format == "bf16" ? 16 : 32; }
  std::string slot_name(int s, const std::string& field) const {
    return fmt::format("buf{}_{}_q", s, field);
  }

  const golden::OpalCoreParams& p_;
  const golden::OpalPeConfig c_;
  vlog::Module& m_;
  const int k_, n_, ib_, bm_, mb_, lanes_, beats_, slot_bits_, len_bits_, lq_;
};

void CoreBuilder::ports() {
  auto& m = m_;
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1, "low while a load is being quantized");
  m.input("op_i", 1, "0: load one activation block; 1: one weight beat for every row");
  if (mb_ > 0) m.input("mode_i", mb_, "load: activation width, an index into pe.act_bits");
  m.input("first_i", 1, "load: the block starts a new vector (buffer slot 0)");
  m.input("x_i", k_ * 16, "load: bf16 activation i at x_i[16*i +: 16]");
  m.input("w_i", p_.rows * lanes_ * c_.weight_bits,
          fmt::format("beat: row p's {} weights at w_i[{}*p +: {}]", lanes_,
                      lanes_ * c_.weight_bits, lanes_ * c_.weight_bits));
  m.input("wscale_i", p_.rows * 16, "beat: row p's bf16 weight scale at wscale_i[16*p +: 16]");
  if (p_.route_softmax)
    m.input("route_i", 1, "beat: the rows' results also go to the score vector");
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("done_o", 1, "the beat ended the rows: y_o holds their results");
  m.output("y_o", p_.rows * out_w(),
           fmt::format("row p's {} result at y_o[{}*p +: {}]", p_.output_format, out_w(), out_w()));
  if (p_.route_softmax) {
    m.output("probs_valid_o", 1, "the transaction completed a score vector: probs_o holds it");
    m.output("probs_o", p_.softmax.n * p_.softmax.out_bits,
             fmt::format("softmax output i at probs_o[{0}*i +: {0}], unsigned Q0.{0}",
                         p_.softmax.out_bits));
  }
}

void CoreBuilder::control() {
  auto& m = m_;
  m.blank();
  m.comment("Global stall; loads block new transactions until they are in the buffer.");
  m.reg("out_valid_q", 1);
  m.wire("advance", 1);
  m.assign("advance", "out_ready_i | ~out_valid_q");
  m.reg("ld_valid_q", lq_, "loads inside the quantizer, one bit per stage");
  m.wire("load_busy", 1);
  m.assign("load_busy", "|ld_valid_q");
  m.assign("in_ready_o", "advance & ~load_busy");
  m.wire("take", 1);
  m.assign("take", "in_valid_i & advance & ~load_busy");
  m.wire("take_load", 1);
  m.assign("take_load", "take & ~op_i");
  m.wire("take_beat", 1);
  m.assign("take_beat", "take & op_i");
}

void CoreBuilder::quantize(const std::string& quantizer) {
  auto& m = m_;
  const int modes = static_cast<int>(c_.act_bits.size());
  m.blank();
  m.comment("Activation quantizer: every width, codes by position in max-width fields");
  m.comment("(golden: mx_opal_quantize at act_bits[mode]).");
  std::string mode;
  if (mb_ > 0) {
    m.wire("mode_sel", mb_, "mode_i, clamped to the list");
    m.assign("mode_sel", (1 << mb_) > modes ? fmt::format("(mode_i > {}) ? {} : mode_i",
                                                          lit(mb_, modes - 1), lit(mb_, modes - 1))
                                            : std::string("mode_i"));
    mode = "mode_sel";
  }
  m.wire("unused_q_ready", 1, "always 1: the output is never stalled");
  m.wire("unused_q_valid", 1, "the core tracks loads itself");
  m.wire("wr_scale", 8);
  if (n_ > 0) {
    m.wire("wr_idx", n_ * ib_);
    m.wire("wr_outl", n_ * 16);
  }
  m.wire("wr_codes", k_ * bm_);
  vlog::Instance inst{quantizer,
                      "u_quant",
                      {{"clk_i", "clk_i"},
                       {"rst_ni", "rst_ni"},
                       {"in_valid_i", "take_load"},
                       {"in_ready_o", "unused_q_ready"},
                       {"x_i", "x_i"}},
                      "opal.quantizer"};
  if (mb_ > 0) inst.connections.push_back({"mode_i", "mode_sel"});
  inst.connections.push_back({"out_valid_o", "unused_q_valid"});
  inst.connections.push_back({"out_ready_i", "1'b1"});
  inst.connections.push_back({"scale_o", "wr_scale"});
  if (n_ > 0) {
    inst.connections.push_back({"idx_o", "wr_idx"});
    inst.connections.push_back({"outl_o", "wr_outl"});
  }
  inst.connections.push_back({"codes_o", "wr_codes"});
  m.add(inst);

  m.blank();
  m.comment("Load tracking: the first flag (and mode) of each load inside the quantizer.");
  m.reg("ld_first_q", lq_);
  if (mb_ > 0) m.reg("ld_mode_q", mb_ * lq_);
  auto r = vlog::register_bank("", "Every cycle: the quantizer is never stalled.");
  auto shift = [&](const std::string& q, const std::string& d, int w) {
    r.regs.push_back(
        {q, lq_ == 1 ? d : concat({bits(q, w * (lq_ - 1) - 1, 0), d}), lit(w * lq_, 0)});
  };
  shift("ld_valid_q", "take_load", 1);
  shift("ld_first_q", "first_i", 1);
  if (mb_ > 0) shift("ld_mode_q", mode, mb_);
  m.add(r);
  m.wire("wr", 1, "a quantized block arrives");
  // The last stage of a tracking register (the register itself when lq = 1).
  auto last_stage = [&](const std::string& q, int w) {
    return lq_ == 1 ? q : part(q, w * (lq_ - 1), w);
  };
  m.assign("wr", last_stage("ld_valid_q", 1));
  m.wire("wr_first", 1);
  m.assign("wr_first", last_stage("ld_first_q", 1));
  if (mb_ > 0) {
    m.wire("wr_mode", mb_);
    m.assign("wr_mode", last_stage("ld_mode_q", mb_));
  }
}

void CoreBuilder::buffer() {
  auto& m = m_;
  m.blank();
  m.comment(fmt::format("Activation buffer: {} block slots, reset to zero blocks.", p_.max_blocks));
  m.reg("len_q", len_bits_, "blocks in the vector");
  m.wire("wr_slot", slot_bits_);
  const std::string full = fmt::format("(len_q >= {})", lit(len_bits_, p_.max_blocks));
  m.assign("wr_slot",
           fmt::format("wr_first ? {} : ({} ? {} : {})", lit(slot_bits_, 0), full,
                       lit(slot_bits_, p_.max_blocks - 1),
                       len_bits_ > slot_bits_ ? bits("len_q", slot_bits_ - 1, 0) : "len_q"),
           "a full buffer keeps overwriting its last slot");
  auto lr = vlog::register_bank("wr", "Vector length.");
  lr.regs.push_back(
      {"len_q",
       fmt::format("{} + {}", vlog::zext("wr_slot", slot_bits_, len_bits_), lit(len_bits_, 1)),
       lit(len_bits_, 0)});
  m.add(lr);
  for (int s = 0; s < p_.max_blocks; ++s) {
    const std::string we = m.wire(fmt::format("buf{}_we", s), 1);
    m.assign(we, fmt::format("wr & (wr_slot == {})", lit(slot_bits_, s)));
    auto r = vlog::register_bank(we, fmt::format("Slot {}.", s));
    auto add = [&](const std::string& field, int width, const std::string& d) {
      m.reg(slot_name(s, field), width);
      r.regs.push_back({slot_name(s, field), d, lit(width, 0)});
    };
    add("scale", 8, "wr_scale");
    if (n_ > 0) {
      add("idx", n_ * ib_, "wr_idx");
      add("oval", n_ * 16, "wr_outl");
    }
    add("codes", k_ * bm_, "wr_codes");
    if (mb_ > 0) add("mode", mb_, "wr_mode");
    m.add(r);
  }
}

void CoreBuilder::read() {
  auto& m = m_;
  const int beat_bits = vlog::clog2(static_cast<uint64_t>(beats_));
  m.blank();
  m.comment("Read side: block slot and beat of the rows in flight (golden: slot_, beat_).");
  m.reg("slot_q", slot_bits_);
  m.wire("last_block", 1, "slot >= length - 1 (also for an empty buffer)");
  m.assign("last_block",
           fmt::format("({} + {}) >= {}", vlog::zext("slot_q", slot_bits_, len_bits_ + 1),
                       lit(len_bits_ + 1, 1), vlog::zext("len_q", len_bits_, len_bits_ + 1)));
  std::string block_end = "1'b1";
  if (beats_ > 1) {
    m.reg("beat_q", beat_bits);
    m.wire("block_end", 1);
    m.assign("block_end", fmt::format("beat_q == {}", lit(beat_bits, beats_ - 1)));
    block_end = "block_end";
  }
  auto r = vlog::register_bank("take_beat", "Read counters.");
  if (beats_ > 1)
    r.regs.push_back(
        {"beat_q",
         fmt::format("block_end ? {} : beat_q + {}", lit(beat_bits, 0), lit(beat_bits, 1)),
         lit(beat_bits, 0)});
  r.regs.push_back({"slot_q",
                    fmt::format("{} ? (last_block ? {} : slot_q + {}) : slot_q", block_end,
                                lit(slot_bits_, 0), lit(slot_bits_, 1)),
                    lit(slot_bits_, 0)});
  m.add(r);

  m.reg("rd_scale", 8);
  if (n_ > 0) {
    m.reg("rd_idx", n_ * ib_);
    m.reg("rd_oval", n_ * 16);
  }
  m.reg("rd_block_codes", k_ * bm_);
  if (mb_ > 0) m.reg("rd_mode", mb_);
  vlog::Case sel{"slot_q", {}};
  for (int s = 0; s < p_.max_blocks; ++s) {
    vlog::StmtList body = {vlog::set("rd_scale", slot_name(s, "scale")),
                           vlog::set("rd_block_codes", slot_name(s, "codes"))};
    if (n_ > 0) {
      body.push_back(vlog::set("rd_idx", slot_name(s, "idx")));
      body.push_back(vlog::set("rd_oval", slot_name(s, "oval")));
    }
    if (mb_ > 0) body.push_back(vlog::set("rd_mode", slot_name(s, "mode")));
    sel.items.push_back(
        {s + 1 < p_.max_blocks ? lit(slot_bits_, s) : std::string("default"), body});
  }
  m.add(vlog::Combinational{{vlog::Stmt{sel}}, "the block being read"});
  const int bw = lanes_ * bm_;
  if (beats_ > 1) {
    m.reg("rd_codes", bw);
    vlog::Case bs{"beat_q", {}};
    for (int c = 0; c < beats_; ++c)
      bs.items.push_back({c + 1 < beats_ ? lit(beat_bits, c) : std::string("default"),
                          {vlog::set("rd_codes", part("rd_block_codes", c * bw, bw))}});
    m.add(vlog::Combinational{{vlog::Stmt{bs}}, "this beat's codes"});
  } else {
    m.wire("rd_codes", bw);
    m.assign("rd_codes", "rd_block_codes");
  }
}

void CoreBuilder::pes(const std::string& pe) {
  auto& m = m_;
  const int ww = lanes_ * c_.weight_bits;
  m.blank();
  m.comment(fmt::format("{} PEs on the same activation beat, one weight row each.", p_.rows));
  std::vector<std::string> dones;
  for (int r = 0; r < p_.rows; ++r) {
    const std::string pre = fmt::format("pe{}", r);
    m.wire(fmt::format("unused_{}_valid", pre), 1, "the core's own tokens say the same");
    m.wire(pre + "_done", 1);
    m.wire(pre + "_y", 32);
    vlog::Instance inst{pe, "u_" + pre, {}, fmt::format("row {}", r)};
    auto& cn = inst.connections;
    cn = {{"clk_i", "clk_i"}, {"rst_ni", "rst_ni"}, {"en_i", "advance"}, {"valid_i", "take_beat"}};
    if (mb_ > 0) cn.push_back({"mode_i", "rd_mode"});
    cn.push_back({"last_i", "last_block"});
    cn.push_back({"codes_i", "rd_codes"});
    cn.push_back({"w_i", part("w_i", r * ww, ww)});
    cn.push_back({"scale_i", "rd_scale"});
    if (n_ > 0) {
      cn.push_back({"oidx_i", "rd_idx"});
      cn.push_back({"oval_i", "rd_oval"});
    }
    cn.push_back({"wscale_i", part("wscale_i", r * 16, 16)});
    cn.push_back({"valid_o", fmt::format("unused_{}_valid", pre)});
    cn.push_back({"done_o", pre + "_done"});
    cn.push_back({"y_o", pre + "_y"});
    m.add(inst);
    dones.push_back(pre + "_done");
  }
  m.wire("done_all", 1, "every PE ends its row on the same beat");
  std::string e;
  for (const auto& d : dones) e += (e.empty() ? "" : " & ") + d;
  m.assign("done_all", e);
}

// The rows' results in the output format, row 0 last (LSB).
std::vector<std::string> CoreBuilder::results() {
  auto& m = m_;
  std::vector<std::string> ys;
  for (int p = p_.rows - 1; p >= 0; --p) {
    const std::string y = fmt::format("pe{}_y", p);
    if (p_.output_format == "fp32") {
      ys.push_back(y);
      continue;
    }
    const std::string rnd = m.wire(fmt::format("rnd{}", p), 32, "round to nearest even at bit 16");
    m.assign(rnd, fmt::format("{} + {{16'h0000, 15'h0000, {}}} + 32'h00007fff", y, bit(y, 16)));
    const std::string unused = m.wire(fmt::format("unused_rnd{}", p), 1);
    m.assign(unused, "^" + bits(rnd, 15, 0));
    const std::string nan = m.wire(fmt::format("nan{}", p), 1);
    m.assign(nan, fmt::format("(&{}) & (|{})", bits(y, 30, 23), bits(y, 22, 0)));
    const std::string b = m.wire(fmt::format("y{}_bf16", p), 16);
    m.assign(b, fmt::format("{} ? {{{}, 15'h7fc0}} : {}", nan, bit(y, 31), bits(rnd, 31, 16)));
    ys.push_back(b);
  }
  return ys;
}

void CoreBuilder::output(const std::string& softmax) {
  auto& m = m_;
  const int L = latency(p_);
  const int pe_pos = opal_pe::latency(c_);  // the PEs' outputs hold this position
  m.blank();
  m.comment(fmt::format("Tokens of every transaction, loads included: {} cycles.", L));
  m.reg("tok_valid_q", L - 1, "bit i: the transaction taken i + 1 cycles ago");
  auto r = vlog::register_bank("advance", "Token pipeline.");
  r.regs.push_back({"tok_valid_q",
                    L - 1 > 1 ? concat({bits("tok_valid_q", L - 3, 0), "take"}) : "take",
                    lit(L - 1, 0)});
  r.regs.push_back({"out_valid_q", bit("tok_valid_q", L - 2), "1'b0"});
  if (p_.route_softmax) {
    m.reg("tok_route_q", pe_pos, "route flags of the beats, up to the PEs' outputs");
    r.regs.push_back({"tok_route_q",
                      concat({bits("tok_route_q", pe_pos - 2, 0), "take_beat & route_i"}),
                      lit(pe_pos, 0)});
  }
  m.add(r);
  m.assign("out_valid_o", "out_valid_q");
  const std::vector<std::string> ys = results();
  if (!p_.route_softmax) {
    m.assign("done_o", "done_all");
    m.assign("y_o", concat(ys));
    return;
  }
  route(softmax, pe_pos);
  // Results wait for the softmax's latency, so every transaction keeps one latency.
  const int ls = L - pe_pos;
  const int yw = p_.rows * out_w();
  m.wire("y_now", yw);
  m.assign("y_now", concat(ys));
  auto d = vlog::register_bank("advance",
                               fmt::format("Results delayed by the softmax's {} cycle(s).", ls));
  std::string done = "done_all", y = "y_now";
  for (int i = 1; i <= ls; ++i) {
    const std::string dq = m.reg(fmt::format("done_d{}_q", i), 1);
    const std::string yq = m.reg(fmt::format("y_d{}_q", i), yw);
    d.regs.push_back({dq, done, "1'b0"});
    d.regs.push_back({yq, y, ""});
    done = dq;
    y = yq;
  }
  m.add(d);
  m.assign("done_o", done);
  m.assign("y_o", y);
}

void CoreBuilder::route(const std::string& softmax, int pe_pos) {
  auto& m = m_;
  const auto& sp = p_.softmax;
  const int W = sp.in_int_bits + sp.in_frac_bits, n = sp.n, P = p_.rows;
  const int groups = n / P;
  const int cw = vlog::bits_for(static_cast<uint64_t>(groups - 1));
  m.blank();
  m.comment(fmt::format(
      "Score route: routed results become Q{}.{} scores (golden: fp32_to_fixed); every {} "
      "routed beat(s) fill a vector of {} and fire the softmax.",
      sp.in_int_bits, sp.in_frac_bits, groups, n));
  m.wire("routed", 1, "a routed beat that ended the rows, at the PEs' outputs");
  m.assign("routed", fmt::format("{} & {} & done_all", bit("tok_valid_q", pe_pos - 1),
                                 bit("tok_route_q", pe_pos - 1)));
  std::vector<std::string> scores;  // MSB first: row P-1 .. 0
  for (int p = P - 1; p >= 0; --p)
    scores.push_back(
        fp32_to_fixed(m, fmt::format("score{}", p), fmt::format("pe{}_y", p), W, sp.in_frac_bits));
  m.wire("scores_next", n * W, "the vector with this beat's scores shifted in on top");
  if (groups > 1) {
    m.reg("scores_q", (n - P) * W, "the scores routed so far (oldest lowest)");
    m.reg("score_count_q", cw, "routed beats in the vector");
    std::vector<std::string> parts = scores;
    parts.push_back("scores_q");
    m.assign("scores_next", concat(parts));
    m.wire("fire", 1, "the vector is complete");
    m.assign("fire", fmt::format("routed & (score_count_q == {})", lit(cw, groups - 1)));
    auto r = vlog::register_bank("advance", "Score vector.");
    r.regs.push_back({"scores_q",
                      fmt::format("routed ? {} : scores_q", bits("scores_next", n * W - 1, P * W)),
                      ""});
    r.regs.push_back({"score_count_q",
                      fmt::format("routed ? (fire ? {} : score_count_q + {}) : score_count_q",
                                  lit(cw, 0), lit(cw, 1)),
                      lit(cw, 0)});
    m.add(r);
  } else {
    m.assign("scores_next", concat(scores));
    m.wire("fire", 1, "every routed beat completes a vector");
    m.assign("fire", "routed");
  }
  m.wire("sm_valid", 1);
  m.wire("sm_y", n * sp.out_bits);
  m.add(vlog::Instance{softmax,
                       "u_softmax",
                       {{"clk_i", "clk_i"},
                        {"rst_ni", "rst_ni"},
                        {"en_i", "advance"},
                        {"valid_i", "fire"},
                        {"x_i", "scores_next"},
                        {"valid_o", "sm_valid"},
                        {"y_o", "sm_y"}},
                       "opal.softmax, stalled with the core"});
  m.assign("probs_valid_o", "sm_valid");
  m.assign("probs_o", fmt::format("sm_valid ? sm_y : {}", lit(n * sp.out_bits, 0)));
}

void CoreBuilder::build(const std::string& quantizer, const std::string& pe,
                        const std::string& softmax) {
  ports();
  control();
  quantize(quantizer);
  buffer();
  read();
  pes(pe);
  output(softmax);
}

}  // namespace

int latency(const golden::OpalCoreParams& p) {
  return opal_pe::latency(p.pe.config()) + (p.route_softmax ? p.softmax.pipeline_stages + 1 : 0);
}

std::vector<vlog::Module> build_rtl(
    const golden::OpalCoreParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header) {
  std::vector<vlog::Module> mods;
  const std::string quantizer = top + "_quant";
  for (auto& mod : opal_quantizer::build_rtl(p.quantizer_params(), quantizer, header(quantizer)))
    mods.push_back(std::move(mod));
  const std::string pe = top + "_pe";
  for (auto& mod : opal_pe::build_rtl(p.pe.config(), pe, header, true))
    mods.push_back(std::move(mod));
  const std::string softmax = top + "_softmax";
  if (p.route_softmax)
    for (auto& mod : opal_softmax::build_rtl(p.softmax, softmax, header(softmax), true))
      mods.push_back(std::move(mod));
  vlog::Module m;
  m.name = top;
  m.header = header(top);
  CoreBuilder(p, m).build(quantizer, pe, softmax);
  mods.push_back(std::move(m));
  return mods;
}

}  // namespace bf::opal_core
