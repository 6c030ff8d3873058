#include "generator/units/opal_core/opal_core_rtl.hpp"

#include <fmt/format.h>

#include <optional>

#include "generator/blocks/memory_1w1r.hpp"
#include "generator/blocks/stream_shell.hpp"
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

  void build(const std::string& quantizer, const std::string& memory, const std::string& pe,
             const std::string& softmax);

 private:
  void ports();
  void control();
  void quantize(const std::string& quantizer);
  void buffer();
  void read(const std::string& memory);
  void pes(const std::string& pe);
  void output(const std::string& softmax);
  std::vector<std::string> results();
  void route(const std::string& softmax, int pe_pos);

  int out_w() const { return p_.output_format == "bf16" ? 16 : 32; }
  int word_bits() const { return buffer_word_bits(p_); }

  const golden::OpalCoreParams& p_;
  const golden::OpalPeConfig c_;
  vlog::Module& m_;
  const int k_, n_, ib_, bm_, mb_, lanes_, beats_, slot_bits_, len_bits_, lq_;
  std::optional<blocks::StreamShell> shell_;  // written by control()
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
  m.reg("ld_valid_q", lq_, "loads inside the quantizer, one bit per stage");
  m.wire("load_busy", 1);
  m.assign("load_busy", "|ld_valid_q");
  blocks::StreamShell::Options o;
  o.heading = "Global stall; loads block new transactions until they are in the buffer.";
  o.busy = "load_busy";
  o.take = true;
  shell_.emplace(m, o);
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
  m.comment(fmt::format(
      "Activation buffer: {} block slots in a memory without reset ({}); the vector length "
      "says what was loaded.",
      p_.max_blocks, p_.buffer == "sram" ? "SRAM macro " + p_.sram_macro : "flip-flops"));
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
  // One word per slot, LSB first: scale, outlier indices and values, codes, mode.
  std::vector<std::string> fields;
  if (mb_ > 0) fields.push_back("wr_mode");
  fields.push_back("wr_codes");
  if (n_ > 0) {
    fields.push_back("wr_outl");
    fields.push_back("wr_idx");
  }
  fields.push_back("wr_scale");
  m.wire("wr_word", word_bits(), "the quantized block as one buffer word");
  m.assign("wr_word", concat(fields));
}

void CoreBuilder::read(const std::string& memory) {
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
  m.wire("slot_step", slot_bits_, "the slot after this beat");
  m.assign("slot_step", fmt::format("{} ? (last_block ? {} : slot_q + {}) : slot_q", block_end,
                                    lit(slot_bits_, 0), lit(slot_bits_, 1)));
  auto r = vlog::register_bank("take_beat", "Read counters.");
  if (beats_ > 1)
    r.regs.push_back(
        {"beat_q",
         fmt::format("block_end ? {} : beat_q + {}", lit(beat_bits, 0), lit(beat_bits, 1)),
         lit(beat_bits, 0)});
  r.regs.push_back({"slot_q", "slot_step", lit(slot_bits_, 0)});
  m.add(r);

  // The buffer memory reads one cycle ahead: whenever the slot changes (a
  // block end) or a slot is written, it reads the slot of the next cycle, so
  // its registered output holds slot_q's block whenever a beat is taken.
  m.wire("rd_slot", slot_bits_, "slot_q of the next cycle");
  m.assign("rd_slot", "take_beat ? slot_step : slot_q");
  m.wire("rd_en", 1);
  m.assign("rd_en", beats_ > 1 ? "wr | (take_beat & block_end)" : "wr | take_beat");
  m.wire("rd_word_mem", word_bits(), "slot_q's block once a vector was loaded");
  m.add(vlog::Instance{
      memory,
      "u_buffer",
      {{"clk_i", "clk_i"},
       {"we_i", "wr"},
       {"waddr_i", "wr_slot"},
       {"wdata_i", "wr_word"},
       {"re_i", "rd_en"},
       {"raddr_i", "rd_slot"},
       {"rdata_o", "rd_word_mem"}},
      p_.buffer == "sram"
          ? fmt::format("activation buffer: SRAM macro {} (black box)", p_.sram_macro)
          : std::string("activation buffer: inferred memory")});
  // Nothing loaded since reset: the memory holds garbage, the golden buffer
  // zero blocks. After the first load every slot the read side can reach
  // (slot_q < the longest length so far) was written, so no per-slot valid
  // bits are needed.
  m.wire("rd_word", word_bits(), "the block being read (golden: buffer_[slot_])");
  m.assign("rd_word",
           fmt::format("(len_q == {}) ? {} : rd_word_mem", lit(len_bits_, 0), lit(word_bits(), 0)));
  int at = 0;
  auto field = [&](const std::string& name, int width) {
    m.wire(name, width);
    m.assign(name, part("rd_word", at, width));
    at += width;
  };
  field("rd_scale", 8);
  if (n_ > 0) {
    field("rd_idx", n_ * ib_);
    field("rd_oval", n_ * 16);
  }
  field("rd_block_codes", k_ * bm_);
  if (mb_ > 0) field("rd_mode", mb_);
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
  blocks::StreamShell::OutputOptions out;
  out.comment = "";
  out.bank_comment = "Token pipeline.";
  out.before.push_back(
      shell_->token_shift("tok_valid_q", L - 1, "bit i: the transaction taken i + 1 cycles ago"));
  if (p_.route_softmax) {
    m.reg("tok_route_q", pe_pos, "route flags of the beats, up to the PEs' outputs");
    out.before.push_back({"tok_route_q",
                          concat({bits("tok_route_q", pe_pos - 2, 0), "take_beat & route_i"}),
                          lit(pe_pos, 0)});
  }
  shell_->output({}, out);
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

void CoreBuilder::build(const std::string& quantizer, const std::string& memory,
                        const std::string& pe, const std::string& softmax) {
  ports();
  control();
  quantize(quantizer);
  buffer();
  read(memory);
  pes(pe);
  output(softmax);
}

// The buffer memory (opal_core_rtl.hpp): `reg [W-1:0] mem [0:D-1]`, no
// reset, one write port, one registered read port with write-through.
vlog::Module buffer_memory(const golden::OpalCoreParams& p, const std::string& name,
                           std::vector<std::string> header) {
  return blocks::memory_1w1r(
      {name, std::move(header), buffer_word_bits(p), p.max_blocks, true,
       "the last word read; a read of the word being written gives the new word",
       "no reset: the core ignores the words until they are written"});
}

}  // namespace

int buffer_word_bits(const golden::OpalCoreParams& p) {
  const golden::OpalPeConfig c = p.pe.config();
  return 8 + c.outliers * (c.index_bits() + 16) + c.block * c.max_bits() + c.mode_bits();
}

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
  const bool sram = p.buffer == "sram";
  const std::string memory = sram ? p.sram_macro : top + "_act_mem";
  auto mem_header = header(memory);
  mem_header.push_back("");
  if (sram) {
    mem_header.push_back(
        fmt::format("SIMULATION MODEL of the SRAM macro {}: {} words x {} bits, 1 write port,",
                    memory, p.max_blocks, buffer_word_bits(p)));
    mem_header.push_back(
        "1 registered read port (write-through). Synthesis sees a black box: replace this file");
    mem_header.push_back(
        "with the macro's views. Interface: generator/units/opal_core/opal_core_rtl.hpp.");
  } else {
    mem_header.push_back(fmt::format(
        "Activation buffer memory: {} words x {} bits, 1 write port, 1 registered read port",
        p.max_blocks, buffer_word_bits(p)));
    mem_header.push_back(
        "(write-through); the interface of the buffer = \"sram\" macro. No per-entry reset.");
  }
  vlog::Module mem = buffer_memory(p, memory, std::move(mem_header));
  mem.simulation_model = sram;
  mods.push_back(std::move(mem));
  vlog::Module m;
  m.name = top;
  m.header = header(top);
  CoreBuilder(p, m).build(quantizer, memory, pe, softmax);
  mods.push_back(std::move(m));
  return mods;
}

}  // namespace bf::opal_core
