#include "generator/units/lightnorm_bn_fwd/lightnorm_bn_fwd_rtl.hpp"

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <utility>

#include "generator/blocks/fp_blocks.hpp"
#include "generator/blocks/fp_convert.hpp"
#include "generator/blocks/fp_div.hpp"
#include "generator/blocks/fp_minmax.hpp"
#include "generator/blocks/fp_modules.hpp"
#include "generator/blocks/stream_shell.hpp"
#include "generator/units/lightnorm_bfp_codec/lightnorm_bfp_blocks.hpp"
#include "generator/verilog/expr.hpp"
#include "golden/arith/fp_core.hpp"
#include "golden/formats/small_float_convert.hpp"

namespace bf::lightnorm_bn_fwd {

namespace {

using golden::FloatFormat;
using golden::LnBnFwdParams;
using golden::lightnorm::RangeBnParams;
using golden::lightnorm::Reciprocal;
using vlog::bits;
using vlog::hex_lit;
using vlog::lit;

// The operator modules a lane instantiates.
struct Operators {
  vlog::Module add_stat, mul_stat, add_norm, mul_scale, mul_gamma, rcp;
  vlog::Module max, min;
};

// The static facts every piece needs.
struct Shape {
  explicit Shape(const LnBnFwdParams& p)
      : rp(p.range_bn()),
        K(rp.chunks),
        W(rp.io.width()),
        SW(rp.stat.width()),
        NW(rp.norm.width()),
        KI(vlog::clog2(static_cast<uint64_t>(rp.chunks))),
        F(p.finish_beats()) {}
  RangeBnParams rp;
  int K, W, SW, NW;
  int KI;  // chunk index bits (0 for one chunk)
  int F;
  // A stat constant converted from fp32 as range_bn_stats converts it.
  uint32_t stat_const(uint32_t fp32) const {
    if (rp.stat == FloatFormat::fp32()) return fp32;
    return golden::small_encode({rp.stat, rp.exponent, rp.convert_rounding}, fp32);
  }
  uint32_t inv_chunks() const {
    return golden::fp_round_pack(rp.stat, false, 1, -rp.log2_chunks(),
                                 golden::Rounding::NearestEven);
  }
  uint32_t stat_sign() const { return golden::fp_zero(rp.stat, true); }
};

void op(vlog::Module& m, const vlog::Module& child, const std::string& name,
        std::vector<std::pair<std::string, std::string>> connections, const std::string& comment) {
  m.add(vlog::instance_of(child, name, connections, comment));
}

// y = the conversion of `code` from `from` into `to` (range_bn.cpp's
// Convert): a wire `y` of to's width, the shared converter primitive or,
// for the same format, the code itself.
void convert(vlog::Module& m, const Shape& s, const std::string& inst, const std::string& code,
             const std::string& y, const FloatFormat& from, const FloatFormat& to,
             const std::string& comment) {
  m.wire(y, to.width(), comment);
  if (from == to) {
    m.assign(y, code, "the same format: no conversion");
    return;
  }
  blocks::fp_convert(m, inst, code, y, from, to, s.rp.exponent, s.rp.convert_rounding);
}

// Registers of one pipeline stage, declared in order.
void declare(vlog::Module& m, const std::vector<std::pair<std::string, int>>& regs) {
  for (const auto& [n, w] : regs) m.reg(n, w);
}

// A stored chunk extreme: a word of the memory, or the register of the one
// chunk (a memory of depth 1 is no memory).
std::string extreme(const Shape& s, const std::string& mem, const std::string& idx) {
  return s.K == 1 ? mem : fmt::format("{}[{}]", mem, idx);
}

std::string neg(const std::string& v, int w) {
  return fmt::format("{{~{}[{}], {}}}", v, w - 1, bits(v, w - 2, 0));
}

// ---- the lane ---------------------------------------------------------------

// The statistics: the stage-1 registers, S, the running chunk extremes and
// the memory of complete chunks' extremes.
void lane_statistics(vlog::Module& m, const Shape& s, const Operators& ops) {
  m.comment("Stage 1 registers: x, or on a LOAD beat gamma and beta (the lane's constants");
  m.comment("ride in them to the state update point).");
  m.reg("a_q1", s.W, "io x, or gamma on a LOAD beat");
  m.reg("b_q1", s.NW, "norm beta (LOAD)");
  auto in = vlog::register_bank("en_i", "");
  in.regs.push_back({"a_q1", "op_load_i ? gamma_i : x_i", ""});
  in.regs.push_back({"b_q1", "beta_i", ""});
  m.add(in);

  m.blank();
  m.comment("S = +0 + x_0 + x_1 + ..., serial (golden: range_bn_stats step 1); a LOAD clears it.");
  m.reg("s_q", s.SW, "S, stat");
  m.reg("gamma_q", s.W, "io gamma");
  m.reg("beta_q", s.NW, "norm beta");
  convert(m, s, "u_x_stat", "a_q1", "x_stat", s.rp.io, s.rp.stat, "x widened into stat (exact)");
  m.wire("s_sum", s.SW, "S + x");
  op(m, ops.add_stat, "u_s", {{"a_i", "s_q"}, {"b_i", "x_stat"}, {"y_o", "s_sum"}}, "");
  const std::string zs = lit(s.SW, 0);
  auto sums = vlog::register_bank("load_i | stat_i", "");
  sums.regs.push_back({"s_q", fmt::format("load_i ? {} : s_sum", zs), zs});
  m.add(sums);
  auto consts = vlog::register_bank("load_i", "");
  consts.regs.push_back({"gamma_q", "a_q1", lit(s.W, 0)});
  consts.regs.push_back({"beta_q", "b_q1", lit(s.NW, 0)});
  m.add(consts);

  m.blank();
  m.comment("The current chunk's running extremes (golden: range_bn_stats step 2): a later");
  m.comment("element replaces the extreme only when it lies strictly beyond it (fp_max /");
  m.comment("fp_min return the first operand on ties), so they are the chunk's first extremes.");
  m.reg("max_q", s.W, "io, the current chunk's maximum so far");
  m.reg("min_q", s.W, "io, the current chunk's minimum so far");
  m.wire("max_y", s.W, "fp_max(maximum so far, x)");
  m.wire("max_taken", 1, "x lies beyond the maximum so far");
  m.wire("min_y", s.W, "fp_min(minimum so far, x)");
  m.wire("min_taken", 1, "x lies below the minimum so far");
  op(m, ops.max, "u_max",
     {{"a_i", "max_q"}, {"b_i", "a_q1"}, {"y_o", "max_y"}, {"b_taken_o", "max_taken"}}, "");
  op(m, ops.min, "u_min",
     {{"a_i", "min_q"}, {"b_i", "a_q1"}, {"y_o", "min_y"}, {"b_taken_o", "min_taken"}}, "");
  m.comment("io has no NaN, so the node returns one of its operands: x exactly when taken.");
  m.wire("max_next", s.W, "the maximum including x (x itself first in a chunk)");
  m.assign("max_next", "(chunk_first_i | max_taken) ? a_q1 : max_y");
  m.wire("min_next", s.W);
  m.assign("min_next", "(chunk_first_i | min_taken) ? a_q1 : min_y");
  m.wire("chunk_stat", 1, "a STAT beat of a kept chunk leaves stage 1");
  m.assign("chunk_stat", "stat_i & chunk_on_i");
  m.add(vlog::Registers{"clk_i",
                        "rst_ni",
                        "chunk_stat",
                        {{"max_q", "max_next", ""}, {"min_q", "min_next", ""}},
                        "no reset: a chunk's first beat loads them"});
  if (s.K == 1) {
    m.reg("mx_q", s.W, "the complete chunk's maximum (io)");
    m.reg("mn_q", s.W, "the complete chunk's minimum (io)");
  } else {
    m.memory("mx_q", s.W, s.K, "the complete chunks' maxima (io)");
    m.memory("mn_q", s.W, s.K, "the complete chunks' minima (io)");
  }
  m.add(vlog::Registers{"clk_i",
                        "rst_ni",
                        "chunk_stat & chunk_last_i",
                        {{extreme(s, "mx_q", "chunk_idx_i"), "max_next", ""},
                         {extreme(s, "mn_q", "chunk_idx_i"), "min_next", ""}},
                        "a chunk's last beat stores its extremes"});
}

// The scalar datapath: one adder and one multiplier serve its steps, one per
// FINISH beat (the schedule in golden/units/lightnorm_bn_fwd/
// lightnorm_bn_fwd.hpp); a register after each step.
void lane_scalar(vlog::Module& m, const Shape& s, const LnBnFwdParams& p, const Operators& ops) {
  const int SW = s.SW;
  m.comment(fmt::format(
      "Scalar datapath (golden: range_bn_stats steps 2-6), one step per FINISH beat: Smax and "
      "Smin over {} beats each, then mean, the range's products, range, range * C, + eps, "
      "the reciprocal; complete after {} FINISH beats.",
      s.K, s.F));
  for (const char* n : {"smax_q", "smin_q", "mean_q", "pa_q", "pb_q", "range_q", "dc_q", "d_q"})
    m.reg(n, SW);
  m.reg("scale_q", SW, "scale = 1 / d, stat");
  m.wire("ext_code", s.W, "the chunk extreme of this step (io)");
  m.assign("ext_code", fmt::format("ph_max_i ? {} : {}", extreme(s, "mx_q", "ext_idx_i"),
                                   extreme(s, "mn_q", "ext_idx_i")));
  convert(m, s, "u_ext_stat", "ext_code", "ext_widened", s.rp.io, s.rp.stat,
          "widened into stat (exact)");
  m.wire("ext_stat", SW, "an incomplete chunk adds -0: x + -0 = x for every x");
  m.assign("ext_stat", fmt::format("ext_on_i ? ext_widened : {}", hex_lit(SW, s.stat_sign())));
  m.wire("add_a", SW);
  m.assign("add_a",
           fmt::format("ph_range_i ? pa_q : ph_d_i ? dc_q : ph_first_i ? {} : ph_max_i ? "
                       "smax_q : smin_q",
                       lit(SW, 0)),
           "Smax / Smin from +0, pa, range * C");
  m.wire("add_b", SW);
  m.assign("add_b",
           fmt::format("ph_range_i ? {} : ph_d_i ? {} : ext_stat", neg("pb_q", SW),
                       hex_lit(SW, s.stat_const(s.rp.eps))),
           "a chunk extreme, -pb (a subtraction adds the negation), eps");
  m.wire("add_y", SW);
  op(m, ops.add_stat, "u_add", {{"a_i", "add_a"}, {"b_i", "add_b"}, {"y_o", "add_y"}},
     "the scalar adder");
  m.wire("mul_a", SW);
  m.assign("mul_a", "ph_mean_i ? s_q : ph_pa_i ? smax_q : ph_pb_i ? smin_q : range_q");
  m.wire("mul_b", SW);
  m.assign("mul_b",
           fmt::format("ph_mean_i ? inv_n_i : (ph_pa_i | ph_pb_i) ? {} : c_i",
                       hex_lit(SW, s.inv_chunks())),
           "inv_n, 2^-log2(chunks) (exact unless the product underflows), C");
  m.wire("mul_y", SW);
  op(m, ops.mul_stat, "u_mul", {{"a_i", "mul_a"}, {"b_i", "mul_b"}, {"y_o", "mul_y"}},
     "the scalar multiplier");
  m.wire("rcp_y", SW);
  if (s.rp.reciprocal == Reciprocal::Divider) {
    std::vector<std::pair<std::string, std::string>> dv{
        {"a_i", hex_lit(SW, s.stat_const(0x3f800000u))}, {"b_i", "d_q"}, {"y_o", "rcp_y"}};
    if (p.div_stages > 0) dv.insert(dv.begin(), {{"clk_i", "clk_i"}, {"en_i", "finish_i"}});
    op(m, ops.rcp, "u_rcp", dv,
       fmt::format("scale = 1 / d, correctly rounded, {} register cut(s) inside", p.div_stages));
  } else {
    op(m, ops.rcp, "u_rcp", {{"a_i", "d_q"}, {"y_o", "rcp_y"}},
       "scale = 2^-(e + f1): exponent arithmetic (golden: range_bn_reciprocal, pow2)");
  }
  auto regs = [&](const std::string& en, std::vector<std::pair<std::string, std::string>> r) {
    vlog::Registers b{"clk_i", "rst_ni", en, {}, ""};
    for (auto& [q, d] : r) b.regs.push_back({q, d, ""});
    m.add(b);
  };
  m.comment("No reset: read only when the statistics are complete.");
  regs("ph_max_i", {{"smax_q", "add_y"}});
  regs("ph_min_i", {{"smin_q", "add_y"}});
  regs("ph_range_i", {{"range_q", "add_y"}});
  regs("ph_d_i", {{"d_q", "add_y"}});
  regs("ph_mean_i", {{"mean_q", "mul_y"}});
  regs("ph_pa_i", {{"pa_q", "mul_y"}});
  regs("ph_pb_i", {{"pb_q", "mul_y"}});
  regs("ph_dc_i", {{"dc_q", "mul_y"}});
  regs("ph_rcp_i", {{"scale_q", "rcp_y"}});
  if (s.rp.stat != s.rp.norm) {
    convert(m, s, "u_mean_norm", "mean_q", "mean_norm_d", s.rp.stat, s.rp.norm,
            "mean converted into norm (range_bn_normalize)");
    m.reg("mean_norm_q", s.NW);
    regs("ph_pa_i", {{"mean_norm_q", "mean_norm_d"}});
  }
}

// The normalize datapath, a register after each operation, moved by the
// unit's global enable. A NORM beat reads mean and the chunk extremes in
// stage 1 and scale, gamma and beta in stage 2 (state is written when a beat
// leaves stage 1, so the beat behind cannot change them under it).
void lane_normalize(vlog::Module& m, const Shape& s, const Operators& ops) {
  const std::string mean = s.rp.stat == s.rp.norm ? "mean_q" : "mean_norm_q";
  m.comment("Normalize (golden: range_bn_normalize): t = x - mean, u = t * scale, x_hat = io(u),");
  m.comment("v = x_hat * gamma, y = io(v + beta).");
  convert(m, s, "u_x_norm", "a_q1", "x_norm", s.rp.io, s.rp.norm, "x widened into norm (exact)");
  m.wire("mean_neg", s.NW, "-mean");
  m.assign("mean_neg", neg(mean, s.NW));
  m.wire("t_d", s.NW);
  op(m, ops.add_norm, "u_t", {{"a_i", "x_norm"}, {"b_i", "mean_neg"}, {"y_o", "t_d"}}, "x - mean");

  m.blank();
  m.comment("The chunk's argmax / argmin flags: the first element of a complete chunk whose");
  m.comment("code equals the stored extreme (exact: lightnorm_bn_fwd.hpp, 'Why the flags are");
  m.comment("exact').");
  m.reg("found_max_q", 1, "the current NORM chunk's argmax was flagged");
  m.reg("found_min_q", 1);
  m.wire("amax_d", 1);
  m.assign("amax_d", fmt::format("nchunk_on_i & ~found_max_q & (a_q1 == {})",
                                 extreme(s, "mx_q", "nchunk_idx_i")));
  m.wire("amin_d", 1);
  m.assign("amin_d", fmt::format("nchunk_on_i & ~found_min_q & (a_q1 == {})",
                                 extreme(s, "mn_q", "nchunk_idx_i")));
  m.add(vlog::Registers{"clk_i",
                        "rst_ni",
                        "load_i | stat_i | finish_i | norm_i",
                        {{"found_max_q", "norm_i & ~nlast_i & (found_max_q | amax_d)", "1'b0"},
                         {"found_min_q", "norm_i & ~nlast_i & (found_min_q | amin_d)", "1'b0"}},
                        "cleared by other beats and at a chunk's end"});

  m.blank();
  declare(m, {{"t_q2", s.NW}, {"amax_q2", 1}, {"amin_q2", 1}});
  m.add(vlog::Registers{"clk_i",
                        "rst_ni",
                        "en_i",
                        {{"t_q2", "t_d", ""}, {"amax_q2", "amax_d", ""}, {"amin_q2", "amin_d", ""}},
                        ""});
  m.wire("u_d", s.NW);
  op(m, ops.mul_scale, "u_u", {{"a_i", "t_q2"}, {"b_i", "scale_q"}, {"y_o", "u_d"}},
     "(x - mean) * scale (norm x stat -> norm)");
  declare(m, {{"u_q3", s.NW},
              {"gamma_q3", s.W},
              {"beta_q3", s.NW},
              {"scale_q3", s.SW},
              {"amax_q3", 1},
              {"amin_q3", 1}});
  m.add(vlog::Registers{"clk_i",
                        "rst_ni",
                        "en_i",
                        {{"u_q3", "u_d", ""},
                         {"gamma_q3", "gamma_q", ""},
                         {"beta_q3", "beta_q", ""},
                         {"scale_q3", "scale_q", ""},
                         {"amax_q3", "amax_q2", ""},
                         {"amin_q3", "amin_q2", ""}},
                        ""});
  convert(m, s, "u_x_hat", "u_q3", "x_hat_d", s.rp.norm, s.rp.io, "x_hat = u converted into io");
  m.wire("v_d", s.NW);
  op(m, ops.mul_gamma, "u_v", {{"a_i", "x_hat_d"}, {"b_i", "gamma_q3"}, {"y_o", "v_d"}},
     "x_hat * gamma (io x io -> norm)");
  declare(m, {{"v_q4", s.NW},
              {"x_hat_q4", s.W},
              {"beta_q4", s.NW},
              {"scale_q4", s.SW},
              {"amax_q4", 1},
              {"amin_q4", 1}});
  m.add(vlog::Registers{"clk_i",
                        "rst_ni",
                        "en_i",
                        {{"v_q4", "v_d", ""},
                         {"x_hat_q4", "x_hat_d", ""},
                         {"beta_q4", "beta_q3", ""},
                         {"scale_q4", "scale_q3", ""},
                         {"amax_q4", "amax_q3", ""},
                         {"amin_q4", "amin_q3", ""}},
                        ""});
  m.wire("w_d", s.NW);
  op(m, ops.add_norm, "u_w", {{"a_i", "v_q4"}, {"b_i", "beta_q4"}, {"y_o", "w_d"}}, "... + beta");
  convert(m, s, "u_y", "w_d", "y_d", s.rp.norm, s.rp.io, "y = (v + beta) converted into io");
  m.assign("y_o", "y_d");
  m.assign("x_hat_o", "x_hat_q4");
  m.assign("scale_o", "scale_q4");
  m.assign("amax_o", "amax_q4");
  m.assign("amin_o", "amin_q4");
}

vlog::Module lane_module(const LnBnFwdParams& p, const Shape& s, const std::string& name,
                         std::vector<std::string> header, const Operators& ops) {
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.header.push_back("");
  m.header.push_back(fmt::format(
      "One channel of lightnorm.bn_fwd (golden/units/lightnorm_bn_fwd/lightnorm_bn_fwd.hpp): "
      "the statistics S and the chunk extremes, the scalar datapath (Smax, Smin, mean, range, "
      "d, scale) and the normalize datapath. io {}, stat {}, norm {}; arithmetic {}, "
      "conversions {} ({}).",
      s.rp.io.name(), s.rp.stat.name(), s.rp.norm.name(), to_string(s.rp.arith_rounding),
      to_string(s.rp.convert_rounding), to_string(s.rp.exponent)));
  m.header.push_back(
      "The beat enters at stage 0 (x_i: io codes after the BFP decoder, gamma_i, beta_i); the "
      "state is updated when it leaves stage 1 (load_i, stat_i, finish_i and the step enables, "
      "norm_i); y_o is the NORM beat's y in stage 4.");
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("en_i", 1, "the unit's global enable: moves stages 1-4");
  m.input("op_load_i", 1, "the beat entering stage 1 is a LOAD");
  m.input("x_i", s.W, "io x of the beat entering stage 1");
  m.input("gamma_i", s.W, "io gamma (LOAD)");
  m.input("beta_i", s.NW, "norm beta (LOAD)");
  m.input("inv_n_i", s.SW, "stat 1/n of the group");
  m.input("c_i", s.SW, "stat C(n) of the group");
  m.input("load_i", 1, "a LOAD beat leaves stage 1: clear S, take gamma and beta");
  m.input("stat_i", 1, "a STAT beat leaves stage 1: S += x, the chunk extremes");
  m.input("finish_i", 1, "a FINISH beat leaves stage 1 (moves the divider's cuts)");
  m.input("norm_i", 1, "a NORM beat leaves stage 1");
  m.input("chunk_on_i", 1, "STAT: the beat belongs to a kept chunk");
  m.input("chunk_first_i", 1, "STAT: the chunk's first beat");
  m.input("chunk_last_i", 1, "STAT: the chunk's last beat");
  if (s.K > 1) m.input("chunk_idx_i", s.KI, "STAT: the chunk's index");
  m.input("ph_max_i", 1, "FINISH step: Smax += mx[ext_idx]");
  m.input("ph_min_i", 1, "FINISH step: Smin += mn[ext_idx]");
  m.input("ph_first_i", 1, "the sum starts from +0 (Smax's and Smin's first step)");
  if (s.K > 1) m.input("ext_idx_i", s.KI, "FINISH step: the chunk read");
  m.input("ext_on_i", 1, "FINISH step: that chunk is complete");
  m.input("ph_mean_i", 1, "FINISH step: mean = S * inv_n");
  m.input("ph_pa_i", 1, "FINISH step: pa = Smax * 2^-log2(chunks)");
  m.input("ph_pb_i", 1, "FINISH step: pb = Smin * 2^-log2(chunks)");
  m.input("ph_range_i", 1, "FINISH step: range = pa - pb");
  m.input("ph_dc_i", 1, "FINISH step: dc = range * C");
  m.input("ph_d_i", 1, "FINISH step: d = dc + eps");
  m.input("ph_rcp_i", 1, "FINISH step: scale = 1 / d");
  m.input("nchunk_on_i", 1, "NORM: the beat belongs to a complete chunk");
  if (s.K > 1) m.input("nchunk_idx_i", s.KI, "NORM: that chunk's index");
  m.input("nlast_i", 1, "NORM: the chunk's last beat");
  m.output("y_o", s.W, "io y of the beat in stage 4");
  m.output("x_hat_o", s.W, "io x_hat of the beat in stage 4");
  m.output("scale_o", s.SW, "stat scale of the beat in stage 4");
  m.output("amax_o", 1, "the beat in stage 4 is its chunk's argmax");
  m.output("amin_o", 1, "the beat in stage 4 is its chunk's argmin");
  m.blank();
  lane_statistics(m, s, ops);
  m.blank();
  lane_scalar(m, s, p, ops);
  m.blank();
  lane_normalize(m, s, ops);
  return m;
}

// ---- the reciprocal by a power of two -------------------------------------------

// range_bn_reciprocal's pow2: 2^-(e + f1) with e = floor(log2 |d|), f1 the
// first fraction bit below d's leading one, rounded into stat like any
// result (fp_round_pack: overflow, subnormal and flushed results), d's sign;
// NaN -> NaN, +-Inf -> +-0, +-0 -> +-Inf (+-max normal without Inf).
vlog::Module pow2_module(const Shape& s, const std::string& name, std::vector<std::string> header) {
  const FloatFormat& f = s.rp.stat;
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.header.push_back("");
  m.header.push_back(fmt::format(
      "scale = 2^-(e + f1) for d of {} (golden: range_bn_reciprocal, reciprocal = pow2): the "
      "exponent of d, rounded on its linear mantissa, negated; d * scale lies in [0.75, 1.5).",
      f.name()));
  m.input("a_i", f.width(), "d");
  m.output("y_o", f.width(), "scale");
  m.blank();
  m.comment("d decoded, subnormals normalized: |d| = sig / 2^M * 2^(exp - bias'), sig's MSB set.");
  const auto u = blocks::fp_unpack(m, "d", "a_i", f, true);
  const int M = f.man_bits;
  // t = -(e + f1) = exp_bias - exp - f1, carried as te = K0 - exp - f1 with
  // K0 = exp_hi + 1 (te >= 0) and the bias K0 - exp_bias.
  const int K0 = u.exp_hi + 1;
  const int tw = vlog::bits_for(static_cast<uint64_t>(K0 - u.exp_lo));
  m.wire("f1", 1, "the first fraction bit below the leading one");
  m.assign("f1", vlog::bit(u.sig, M - 1));
  m.wire("unused_sig", 1);
  m.assign("unused_sig",
           "|" + (M >= 2 ? vlog::concat({vlog::bit(u.sig, M), bits(u.sig, M - 2, 0)})
                         : vlog::bit(u.sig, M)),
           "the leading one and the bits below f1 do not change 2^-(e + f1)");
  m.wire("te", tw, fmt::format("-(e + f1) + {} (biased, never negative)", K0 - u.exp_bias));
  m.assign("te", fmt::format("{} - {} - {}", lit(tw, static_cast<uint64_t>(K0)),
                             vlog::zext(u.exp, u.exp_width, tw), vlog::zext("f1", 1, tw)));
  blocks::FpRoundPack rp;
  rp.f = f;
  rp.mode = golden::Rounding::NearestEven;
  rp.sign = u.sign;
  rp.sig = "2'b01";
  rp.sig_width = 2;
  rp.exp = "te";
  rp.exp_width = tw;
  rp.exp_bias = K0 - u.exp_bias;
  rp.exp_lo = 0;
  rp.exp_hi = K0 - u.exp_lo;
  const std::string packed = blocks::fp_round_pack(m, "r", rp);
  m.blank();
  const int E = f.exp_bits;
  const std::string zero_res =
      f.specials == golden::SpecialValues::Ieee
          ? fmt::format("{{{}, {}}}", u.sign, hex_lit(E + M, (golden::fp_inf(f, false))))
          : fmt::format("{{{}, {}}}", u.sign, hex_lit(E + M, f.max_normal_code()));
  m.assign("y_o",
           fmt::format("{} ? {} : {} ? {{{}, {}}} : {} ? {} : {}", u.is_nan,
                       hex_lit(f.width(), golden::fp_nan(f)), u.is_inf, u.sign, lit(E + M, 0),
                       u.is_zero, zero_res, packed),
           "NaN -> NaN, Inf -> signed zero, zero -> signed Inf (max normal without Inf)");
  return m;
}

// ---- BFP groups ---------------------------------------------------------------

// One group's decoder: packed_i -> codes_o (golden: lightnorm_bfp_decode).
vlog::Module bfp_decoder(const LnBnFwdParams& p, const std::string& name,
                         std::vector<std::string> header) {
  const auto st = p.storage();
  const int g = p.bfp_group, W = st.format.width(), E = st.format.exp_bits;
  const int H = st.header_bits(), GB = st.group_bits();
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.header.push_back("");
  m.header.push_back(
      fmt::format("One BFP group of x ({} {} codes, {}, {} bits) back to io codes (golden: "
                  "lightnorm_bfp_decode; golden/formats/lightnorm_bfp_storage.hpp). Combinational.",
                  g, st.format.name(), p.bfp, st.bfp.bits));
  m.input("packed_i", GB, "the group: header in the low bits, then the elements");
  m.output("codes_o", g * W, fmt::format("code i at [{0}*i +: {0}]", W));
  m.blank();
  lightnorm_bfp::GroupExponents ex;
  ex.emax = m.wire("emax", E);
  m.assign("emax", bits("packed_i", E - 1, 0));
  if (st.keep_max()) {
    ex.e2 = m.wire("e2", E);
    m.assign("e2", bits("packed_i", 2 * E - 1, E));
  }
  m.wire("elems", GB - H);
  m.assign("elems", bits("packed_i", GB - 1, H));
  lightnorm_bfp::unpack_lanes(m, st, g, "elems", ex, "codes_o");
  return m;
}

// One group's encoder: codes_i -> packed_o (golden: lightnorm_bfp_encode).
vlog::Module bfp_encoder(const LnBnFwdParams& p, const std::string& name,
                         std::vector<std::string> header) {
  const auto st = p.storage();
  const int g = p.bfp_group, EW = st.element_bits(), GB = st.group_bits();
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.header.push_back("");
  m.header.push_back(fmt::format(
      "One BFP group of y ({} {} codes) encoded ({}, {} bits; golden: lightnorm_bfp_encode, "
      "golden/formats/lightnorm_bfp_storage.hpp). Combinational.",
      g, st.format.name(), p.bfp, st.bfp.bits));
  m.input("codes_i", g * st.format.width(),
          fmt::format("code i at [{0}*i +: {0}]", st.format.width()));
  m.output("packed_o", GB, "the group: header in the low bits, then the elements");
  m.blank();
  const auto ex = lightnorm_bfp::group_exponents(m, "grp", st, "codes_i", g);
  m.wire("elems", g * EW, fmt::format("element i at [{0}*i +: {0}]", EW));
  lightnorm_bfp::pack_lanes(m, st, g, "codes_i", ex, "elems");
  m.assign(
      "packed_o",
      st.keep_max() ? vlog::concat({"elems", ex.e2, ex.emax}) : vlog::concat({"elems", ex.emax}),
      "the storage layout: header in the low bits");
  return m;
}

// ---- the top ------------------------------------------------------------------

std::vector<std::string> top_header(const LnBnFwdParams& p, const Shape& s,
                                    std::vector<std::string> h) {
  h.push_back("");
  h.push_back(fmt::format(
      "LightNorm range batch normalization (forward), {} channel(s) in parallel: bit-exact with "
      "golden::LnBnFwdModel (golden/units/lightnorm_bn_fwd/lightnorm_bn_fwd.hpp), i.e. "
      "golden::lightnorm::range_bn_stats and range_bn_normalize per channel, {} chunks.",
      p.lanes, s.K));
  h.push_back(fmt::format(
      "Per channel group: 1 LOAD (op 0: len = n / chunks, inv_n, C, gamma, beta), n STAT (op "
      "1: x), {} FINISH (op 2), n NORM (op 3: x in; y, x_hat, argmax/argmin flags and scale "
      "out with norm_o = 1).",
      s.F));
  h.push_back(p.has_bfp() ? fmt::format("x_i and y_o: {} BFP groups of {} lanes ({}, {} bits).",
                                        p.lanes / p.bfp_group, p.bfp_group, p.bfp, p.bfp_bits)
                          : "x_i and y_o: io codes (no BFP).");
  h.push_back(
      "A NORM beat before the statistics are complete outputs norm_o = 0 and zeros, as every "
      "other beat does.");
  h.push_back(fmt::format(
      "Latency {}: stage 1 (input registers, the state update point), stages 2-4 (normalize){}, "
      "the output register; one beat per cycle, a global stall on out_ready_i.",
      p.latency(), p.has_bfp() ? ", stage 5 (y before the BFP encoder)" : ""));
  return h;
}

// The op decode, the chunk counters, the FINISH schedule and the
// state-update enables.
void top_control(vlog::Module& m, const LnBnFwdParams& p, const Shape& s,
                 blocks::StreamShell& shell) {
  const int LB = p.len_bits, cw = vlog::bits_for(static_cast<uint64_t>(s.F)),
            kw = vlog::bits_for(static_cast<uint64_t>(s.K));
  m.localparam("OP_LOAD", "2'd0");
  m.localparam("OP_STAT", "2'd1");
  m.localparam("OP_FINISH", "2'd2");
  m.localparam("OP_NORM", "2'd3");
  m.localparam("CHUNKS", lit(kw, static_cast<uint64_t>(s.K)));
  m.localparam("FINISH_BEATS", lit(cw, static_cast<uint64_t>(s.F)),
               "golden: LnBnFwdParams::finish_beats()");
  m.blank();
  shell.stage("Stage 1: the beat's op and the group's constants (each lane registers its data).",
              {{"op_q1", "op_i", 2},
               {"len_q1", "len_i", LB},
               {"inv_n_q1", "inv_n_i", 32},
               {"c_q1", "c_i", 32}});
  m.blank();
  m.comment("State updates happen when a beat leaves stage 1, in beat order.");
  m.wire("step", 1, "a beat leaves stage 1");
  m.assign("step", "advance & " + shell.valid());
  for (const char* o : {"load", "stat", "finish", "norm"}) {
    m.wire(fmt::format("{}_en", o), 1);
    std::string up = o;
    for (auto& ch : up) ch = static_cast<char>(std::toupper(ch));
    m.assign(fmt::format("{}_en", o), fmt::format("step & (op_q1 == OP_{})", up));
  }
  m.reg("len_q", LB, "L, the chunk length (0 stands for 2^len_bits)");
  m.reg("inv_n_q", 32, "fp32 1/n");
  m.reg("c_q", 32, "fp32 C(n)");
  m.add(vlog::Registers{"clk_i",
                        "rst_ni",
                        "load_en",
                        {{"len_q", "len_q1", lit(LB, 0)},
                         {"inv_n_q", "inv_n_q1", lit(32, 0)},
                         {"c_q", "c_q1", lit(32, 0)}},
                        ""});
  convert(m, s, "u_inv_n", "inv_n_q", "inv_n_stat", FloatFormat::fp32(), s.rp.stat, "1/n in stat");
  convert(m, s, "u_c", "c_q", "c_stat", FloatFormat::fp32(), s.rp.stat, "C in stat");
  m.wire("last", LB, "a chunk's last position, L - 1 (mod 2^len_bits)");
  m.assign("last", fmt::format("len_q - {}", lit(LB, 1)));

  m.blank();
  m.comment("STAT beats: the position in the chunk and the complete chunks (at most CHUNKS).");
  m.reg("pos_q", LB);
  m.reg("done_q", kw, "complete chunks since the last LOAD");
  m.wire("chunk_on", 1, "a STAT beat now belongs to a kept chunk");
  m.assign("chunk_on", "done_q != CHUNKS");
  m.wire("chunk_first", 1);
  m.assign("chunk_first", fmt::format("pos_q == {}", lit(LB, 0)));
  m.wire("chunk_last", 1);
  m.assign("chunk_last", "pos_q == last");
  m.add(vlog::Registers{
      "clk_i",
      "rst_ni",
      "load_en | (stat_en & chunk_on)",
      {{"pos_q", fmt::format("(load_en | chunk_last) ? {} : pos_q + {}", lit(LB, 0), lit(LB, 1)),
        lit(LB, 0)},
       {"done_q",
        fmt::format("load_en ? {} : done_q + {}", lit(kw, 0), vlog::zext("chunk_last", 1, kw)),
        lit(kw, 0)}},
      ""});

  m.blank();
  m.comment("NORM beats since the last beat of another kind, numbered into chunks likewise.");
  m.reg("npos_q", LB);
  m.reg("nchunk_q", kw);
  m.wire("nlast", 1);
  m.assign("nlast", "npos_q == last");
  m.wire("nchunk_on", 1, "the NORM beat belongs to a complete chunk");
  m.assign("nchunk_on", "nchunk_q < done_q");
  m.wire("nchunk_run", 1, "NORM beats are still numbered");
  m.assign("nchunk_run", "nchunk_q != CHUNKS");
  m.wire("nchunk_step", 1, "a NORM beat ends a chunk");
  m.assign("nchunk_step", "nchunk_run & nlast");
  m.add(vlog::Registers{
      "clk_i",
      "rst_ni",
      "step",
      {{"npos_q",
        fmt::format("(~norm_en | (nchunk_run & nlast)) ? {} : npos_q + {}", lit(LB, 0),
                    vlog::zext("nchunk_run", 1, LB)),
        lit(LB, 0)},
       {"nchunk_q",
        fmt::format("~norm_en ? {} : nchunk_q + {}", lit(kw, 0), vlog::zext("nchunk_step", 1, kw)),
        lit(kw, 0)}},
      ""});

  m.blank();
  m.comment("FINISH beats since the last LOAD or STAT (saturating) and the scalar schedule.");
  m.reg("finish_q", cw);
  m.wire("complete", 1, "the scalar datapath's registers are all final");
  m.assign("complete", "finish_q == FINISH_BEATS");
  m.add(vlog::Registers{
      "clk_i",
      "rst_ni",
      "load_en | stat_en | (finish_en & ~complete)",
      {{"finish_q", fmt::format("finish_en ? finish_q + {} : {}", lit(cw, 1), lit(cw, 0)),
        lit(cw, 0)}},
      ""});
  auto at = [&](int k) {
    return fmt::format("(finish_q == {})", lit(cw, static_cast<uint64_t>(k)));
  };
  const int K = s.K;
  m.wire("ph_max", 1, "Smax += mx[finish_q]");
  m.assign("ph_max", fmt::format("finish_en & (finish_q < {})", lit(cw, static_cast<uint64_t>(K))));
  m.wire("ph_min", 1, "Smin += mn[finish_q - CHUNKS]");
  m.assign("ph_min", fmt::format("finish_en & ~ph_max & (finish_q < {})",
                                 lit(cw, static_cast<uint64_t>(2 * K))));
  m.wire("ph_first", 1);
  m.assign("ph_first", fmt::format("{} | {}", at(0), at(K)));
  std::string ext_idx = "1'b0";
  if (K > 1) {
    m.wire("ext_idx", s.KI, "finish_q mod CHUNKS");
    m.assign("ext_idx", bits("finish_q", s.KI - 1, 0));
    ext_idx = "ext_idx";
  }
  m.wire("ext_on", 1, "the chunk read is complete");
  m.assign("ext_on", fmt::format("{} < done_q", vlog::zext(ext_idx, std::max(1, s.KI), kw)));
  const std::pair<const char*, int> steps[] = {{"ph_mean", 0},       {"ph_pa", K},
                                               {"ph_pb", 2 * K},     {"ph_range", 2 * K + 1},
                                               {"ph_dc", 2 * K + 2}, {"ph_d", 2 * K + 3}};
  for (const auto& [n, k] : steps) {
    m.wire(n, 1);
    m.assign(n, fmt::format("finish_en & {}", at(k)));
  }
  m.wire("ph_rcp", 1, "the reciprocal's steps (its cuts move on every FINISH beat)");
  m.assign("ph_rcp", fmt::format("finish_en & ~complete & (finish_q >= {})",
                                 lit(cw, static_cast<uint64_t>(2 * K + 4))));
  m.wire("norm_d", 1, "a NORM beat with complete statistics");
  m.assign("norm_d", "(op_q1 == OP_NORM) & complete");
}

vlog::Module top_module(const LnBnFwdParams& p, const Shape& s, const std::string& top,
                        std::vector<std::string> header, const vlog::Module& lane,
                        const vlog::Module* dec, const vlog::Module* enc) {
  const int L = p.lanes, W = s.W;
  const int DW = p.has_bfp() ? L / p.bfp_group * p.storage().group_bits() : L * W;
  vlog::Module m;
  m.name = top;
  m.header = top_header(p, s, std::move(header));
  auto lanes_doc = [](int w) {
    return fmt::format("; lane l (channel c0 + l) at [{0}*l +: {0}]", w);
  };
  const std::string data_doc =
      p.has_bfp() ? fmt::format("; BFP group j (lanes {0}*j ...) at [{1}*j +: {1}]", p.bfp_group,
                                p.storage().group_bits())
                  : lanes_doc(W);
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("op_i", 2, "0 LOAD, 1 STAT, 2 FINISH, 3 NORM");
  m.input("len_i", p.len_bits, "L = n / chunks (LOAD)");
  m.input("inv_n_i", 32, "fp32 1/n (LOAD)");
  m.input("c_i", 32, "fp32 C(n) = 1/sqrt(2 ln(n / chunks)) (LOAD)");
  m.input("x_i", DW, "x (STAT, NORM)" + data_doc);
  m.input("gamma_i", L * W, "io gamma (LOAD)" + lanes_doc(W));
  m.input("beta_i", L * s.NW, "norm beta (LOAD)" + lanes_doc(s.NW));
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("norm_o", 1, "a NORM beat with complete statistics: the outputs hold it");
  m.output("y_o", DW, "y when norm_o, else 0" + data_doc);
  m.output("x_hat_o", L * W, "io x_hat when norm_o, else 0" + lanes_doc(W));
  m.output("amax_o", L, "bit l: lane l's element is its chunk's argmax");
  m.output("amin_o", L, "bit l: lane l's element is its chunk's argmin");
  m.output("scale_o", L * s.SW, "stat scale when norm_o, else 0" + lanes_doc(s.SW));

  blocks::StreamShell::Options control;
  control.heading = "Pipeline control: one global enable moves every stage.";
  blocks::StreamShell shell(m, control);
  m.blank();
  top_control(m, p, s, shell);

  m.blank();
  std::string x = "x_i";
  if (dec) {
    const int G = p.storage().group_bits(), g = p.bfp_group;
    m.comment("The BFP decoders: x's groups into io codes before stage 1.");
    m.wire("x_codes", L * W, lanes_doc(W));
    vlog::GenerateFor gd;
    gd.genvar = "j";
    gd.count = L / g;
    gd.label = "g_dec";
    gd.body = {
        vlog::instance_of(*dec, "u_dec",
                          {{"packed_i", vlog::lane("x_i", DW, "j", G, 0, G)},
                           {"codes_o", vlog::lane("x_codes", L * W, "j", g * W, 0, g * W)}})};
    m.add(gd);
    x = "x_codes";
    m.blank();
  }
  m.comment(L == 1 ? std::string("The lane.") : fmt::format("The {} lanes.", L));
  m.wire("op_load", 1, "the beat entering stage 1 is a LOAD");
  m.assign("op_load", "op_i == OP_LOAD");
  for (const auto& [n, w] : std::vector<std::pair<std::string, int>>{
           {"y_lanes", W}, {"x_hat_lanes", W}, {"scale_lanes", s.SW}})
    m.wire(n, L * w, "stage 4's values of every lane");
  m.wire("amax_lanes", L);
  m.wire("amin_lanes", L);
  vlog::GenerateFor g;
  g.genvar = "l";
  g.count = L;
  g.label = "g_lane";
  auto sel = [&](const std::string& bus, int w) { return vlog::lane(bus, L * w, "l", w, 0, w); };
  std::vector<std::pair<std::string, std::string>> conns{{"clk_i", "clk_i"},
                                                         {"rst_ni", "rst_ni"},
                                                         {"en_i", "advance"},
                                                         {"op_load_i", "op_load"},
                                                         {"x_i", sel(x, W)},
                                                         {"gamma_i", sel("gamma_i", W)},
                                                         {"beta_i", sel("beta_i", s.NW)},
                                                         {"inv_n_i", "inv_n_stat"},
                                                         {"c_i", "c_stat"},
                                                         {"load_i", "load_en"},
                                                         {"stat_i", "stat_en"},
                                                         {"finish_i", "finish_en"},
                                                         {"norm_i", "norm_en"},
                                                         {"chunk_on_i", "chunk_on"},
                                                         {"chunk_first_i", "chunk_first"},
                                                         {"chunk_last_i", "chunk_last"}};
  if (s.K > 1) conns.push_back({"chunk_idx_i", bits("done_q", s.KI - 1, 0)});
  for (const char* ph : {"ph_max", "ph_min", "ph_first"})
    conns.push_back({fmt::format("{}_i", ph), ph});
  if (s.K > 1) conns.push_back({"ext_idx_i", "ext_idx"});
  conns.push_back({"ext_on_i", "ext_on"});
  for (const char* ph : {"ph_mean", "ph_pa", "ph_pb", "ph_range", "ph_dc", "ph_d", "ph_rcp"})
    conns.push_back({fmt::format("{}_i", ph), ph});
  conns.push_back({"nchunk_on_i", "nchunk_on"});
  if (s.K > 1) conns.push_back({"nchunk_idx_i", bits("nchunk_q", s.KI - 1, 0)});
  conns.push_back({"nlast_i", "nlast"});
  conns.push_back({"y_o", sel("y_lanes", W)});
  conns.push_back({"x_hat_o", sel("x_hat_lanes", W)});
  conns.push_back({"scale_o", sel("scale_lanes", s.SW)});
  conns.push_back({"amax_o", sel("amax_lanes", 1)});
  conns.push_back({"amin_o", sel("amin_lanes", 1)});
  g.body = {vlog::instance_of(lane, "u_lane", conns)};
  m.add(g);

  const auto norm =
      shell.delay(3, "Stages 2-4: the normalize datapath's registers are inside the lanes.",
                  {blocks::StreamShell::Carry("norm", "norm_d")});
  std::string n = norm[0], y = "y_lanes", xh = "x_hat_lanes", sc = "scale_lanes",
              amax = "amax_lanes", amin = "amin_lanes";
  if (enc) {
    shell.stage("Stage 5: the lanes' outputs before the BFP encoders.", {{"norm_q5", n, 1},
                                                                         {"y_q5", y, L * W},
                                                                         {"x_hat_q5", xh, L * W},
                                                                         {"scale_q5", sc, L * s.SW},
                                                                         {"amax_q5", amax, L},
                                                                         {"amin_q5", amin, L}});
    n = "norm_q5";
    xh = "x_hat_q5";
    sc = "scale_q5";
    amax = "amax_q5";
    amin = "amin_q5";
    const int G = p.storage().group_bits(), gs = p.bfp_group;
    m.blank();
    m.comment("The BFP encoders: y's io codes into groups.");
    m.wire("y_packed", DW);
    vlog::GenerateFor ge;
    ge.genvar = "j";
    ge.count = L / gs;
    ge.label = "g_enc";
    ge.body = {vlog::instance_of(*enc, "u_enc",
                                 {{"codes_i", vlog::lane("y_q5", L * W, "j", gs * W, 0, gs * W)},
                                  {"packed_o", vlog::lane("y_packed", DW, "j", G, 0, G)}})};
    m.add(ge);
    y = "y_packed";
  }
  blocks::StreamShell::OutputOptions out;
  out.comment = "Output register: a NORM beat with complete statistics, else zeros.";
  shell.output({{"norm_q", n, 1},
                {"y_q", fmt::format("{} ? {} : {}", n, y, lit(DW, 0)), DW},
                {"x_hat_q", fmt::format("{} ? {} : {}", n, xh, lit(L * W, 0)), L * W},
                {"amax_q", fmt::format("{} ? {} : {}", n, amax, lit(L, 0)), L},
                {"amin_q", fmt::format("{} ? {} : {}", n, amin, lit(L, 0)), L},
                {"scale_q", fmt::format("{} ? {} : {}", n, sc, lit(L * s.SW, 0)), L * s.SW}},
               out);
  m.assign("norm_o", "norm_q");
  m.assign("y_o", "y_q");
  m.assign("x_hat_o", "x_hat_q");
  m.assign("amax_o", "amax_q");
  m.assign("amin_o", "amin_q");
  m.assign("scale_o", "scale_q");
  return m;
}

}  // namespace

std::vector<vlog::Module> build_rtl(
    const LnBnFwdParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header) {
  const Shape s(p);
  const auto& rp = s.rp;
  const auto ar = rp.arith_rounding;
  const auto inf = golden::Overflow::Infinity;
  Operators ops;
  const std::string add_stat = top + "_add_stat", mul_stat = top + "_mul_stat",
                    add_norm = top + "_add_norm", mul_scale = top + "_mul_scale",
                    mul_gamma = top + "_mul_gamma", rcp = top + "_rcp", lane = top + "_lane";
  ops.add_stat = blocks::fp_add_module({rp.stat, ar, inf}, add_stat, header(add_stat), false);
  ops.mul_stat = blocks::fp_mul_module({rp.stat, rp.stat, rp.stat, ar, inf}, mul_stat,
                                       header(mul_stat), false);
  ops.add_norm = blocks::fp_add_module({rp.norm, ar, inf}, add_norm, header(add_norm), false);
  ops.mul_scale = blocks::fp_mul_module({rp.norm, rp.stat, rp.norm, ar, inf}, mul_scale,
                                        header(mul_scale), false);
  ops.mul_gamma =
      blocks::fp_mul_module({rp.io, rp.io, rp.norm, ar, inf}, mul_gamma, header(mul_gamma), false);
  ops.rcp =
      rp.reciprocal == Reciprocal::Divider
          ? blocks::fp_div_module({rp.stat, rp.stat, rp.stat, ar}, rcp, header(rcp), p.div_stages)
          : pow2_module(s, rcp, header(rcp));
  ops.max = blocks::fp_minmax_primitive(rp.io, blocks::FpMinMaxOp::Max);
  ops.min = blocks::fp_minmax_primitive(rp.io, blocks::FpMinMaxOp::Min);
  vlog::Module lane_mod = lane_module(p, s, lane, header(lane), ops);
  lane_mod.use(ops.max);
  lane_mod.use(ops.min);
  std::vector<vlog::Module> mods{ops.add_stat,  ops.mul_stat, ops.add_norm, ops.mul_scale,
                                 ops.mul_gamma, ops.rcp,      lane_mod};
  std::optional<vlog::Module> dec, enc;
  if (p.has_bfp()) {
    const std::string dn = top + "_bfp_dec", en = top + "_bfp_enc";
    dec = bfp_decoder(p, dn, header(dn));
    enc = bfp_encoder(p, en, header(en));
    mods.push_back(*dec);
    mods.push_back(*enc);
  }
  mods.push_back(
      top_module(p, s, top, header(top), lane_mod, dec ? &*dec : nullptr, enc ? &*enc : nullptr));
  return mods;
}

}  // namespace bf::lightnorm_bn_fwd
