#include "generator/units/zebra_int8_engine/zebra_int8_engine_rtl.hpp"

#include <fmt/format.h>

#include "generator/blocks/adder_tree.hpp"
#include "generator/blocks/memory_1w1r.hpp"
#include "generator/blocks/stream_shell.hpp"
#include "generator/units/zebra_int8_engine/zebra_int8_engine_protection_rtl.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::zebra_int8_engine {

namespace {

using vlog::bit;
using vlog::bits;
using vlog::lit;
using vlog::sext;
using vlog::zext;

// Width of the requantizer's product t * mult: a signed 32-bit t times an
// unsigned mult_bits mult. |t * mult| <= 2^31 * (2^M - 1), and the rounding
// half (at most 2^30) added to the largest positive product
// (2^31 - 1) * (2^M - 1) stays below 2^(31 + M): 32 + M bits hold both.
int product_bits(const golden::Int8EngineParams& p) { return 32 + p.mult_bits; }

vlog::Module weight_memory(const golden::Int8EngineParams& p, const std::string& name,
                           std::vector<std::string> header) {
  const int w = p.word_bits();
  header.push_back("");
  header.push_back(fmt::format(
      "Weight memory: {} words x {} bits ({} int8 weights per word, lane i at bits [8i, 8i + 8)),",
      p.words, w, p.lanes));
  header.push_back(
      "1 write port, 1 synchronous read port (registered, like an SRAM). No per-entry reset.");
  header.push_back(
      "A read and a write of one word in the same cycle return the old word (the engine never "
      "issues both).");
  return blocks::memory_1w1r({name, std::move(header), w, p.words, false, "the last word read",
                              "no reset: the weights are written before they are used"});
}

vlog::Module mac_module(const golden::Int8EngineParams& p, const std::string& name,
                        std::vector<std::string> header) {
  const int L = p.lanes, d = p.dot_bits();
  header.push_back("");
  header.push_back(
      fmt::format("MAC primitive: dot_o = sum of {} int8 x int8 products w[i] * x[i] (golden: "
                  "int8_engine_dot on one word),",
                  L));
  header.push_back(fmt::format(
      "exact: each product is 16 bits (-128 * -128 = 2^14 included), the balanced signed adder "
      "tree adds one bit per level ({} level(s)) -> {} bits.",
      p.tree_levels(), d));
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.input("w_i", 8 * L, "int8 weights; lane i at w_i[8*i +: 8]");
  m.input("x_i", 8 * L, "int8 activations; lane i at x_i[8*i +: 8]");
  m.output("dot_o", d, "signed sum of the products");
  m.wire("prod", 16 * L, "product i at prod[16*i +: 16], two's complement");
  vlog::GenerateFor g;
  g.genvar = "i";
  g.count = L;
  g.label = "g_lane";
  g.comment = "Products w[i] * x[i], sign-extended operands: exact in 16 bits.";
  g.body.push_back(vlog::Net{"w", 8, false, false, ""});
  g.body.push_back(vlog::Assign{"w", vlog::lane("w_i", 8 * L, "i", 8, 0, 8), ""});
  g.body.push_back(vlog::Net{"x", 8, false, false, ""});
  g.body.push_back(vlog::Assign{"x", vlog::lane("x_i", 8 * L, "i", 8, 0, 8), ""});
  g.body.push_back(vlog::Assign{
      vlog::lane("prod", 16 * L, "i", 16, 0, 16),
      fmt::format("$signed({}) * $signed({})", sext("w", 8, 16), sext("x", 8, 16)), ""});
  m.add(g);
  std::vector<std::string> products;
  for (int l = 0; l < L; ++l) products.push_back(L == 1 ? "prod" : vlog::part("prod", 16 * l, 16));
  m.comment("Sum of the products (balanced signed tree).");
  const std::string sum = blocks::signed_adder_tree(m, "dot", products, 16, d);
  m.assign("dot_o", sum);
  return m;
}

vlog::Module requant_module(const golden::Int8EngineParams& p, const std::string& name,
                            std::vector<std::string> header) {
  const int M = p.mult_bits, P = product_bits(p);
  header.push_back("");
  header.push_back(
      "Requantizer (golden: int8_engine_requantize): p = t * mult (signed x unsigned, exact in "
      "32 + mult_bits bits),");
  header.push_back(
      "r = (p + (shift > 0 ? 2^(shift - 1) : 0)) >>> shift (round half up), y = clamp(r, relu ? "
      "0 : -128, 127). Combinational.");
  vlog::Module m;
  m.name = name;
  m.header = std::move(header);
  m.input("t_i", 32, "int32 t = acc + bias");
  m.input("mult_i", M, "unsigned multiplier");
  m.input("shift_i", 5, "right shift 0..31");
  m.input("relu_i", 1, "clamp below at 0 instead of -128");
  m.output("y_o", 8, "int8 result");
  m.wire("prod", P, "t * mult, two's complement");
  m.assign("prod",
           fmt::format("$signed({}) * $signed({})", sext("t_i", 32, P), zext("mult_i", M, P)));
  m.wire("half", P, "2^(shift - 1), 0 for shift = 0");
  m.assign("half", fmt::format("({} << shift_i) >> 1", lit(P, 1)));
  m.wire("rounded", P, "p + half: cannot overflow (see the width)");
  m.assign("rounded", "prod + half");
  m.wire("r", P, "arithmetic shift right");
  m.assign("r", "$signed(rounded) >>> shift_i");
  m.comment(fmt::format("Clamp: r fits int8 when its bits [{}:7] are all equal.", P - 1));
  m.wire("neg", 1, "r < 0");
  m.assign("neg", bit("r", P - 1));
  m.wire("above", 1, "r > 127");
  m.assign("above", fmt::format("~neg & (|{})", bits("r", P - 2, 7)));
  m.wire("below", 1, "r < -128");
  m.assign("below", fmt::format("neg & ~(&{})", bits("r", P - 2, 7)));
  m.assign("y_o", fmt::format("above ? {} : (neg & relu_i) ? {} : below ? {} : {}", lit(8, 127),
                              lit(8, 0), vlog::hex_lit(8, 0x80), bits("r", 7, 0)));
  return m;
}

std::vector<std::string> top_header(const golden::Int8EngineParams& p,
                                    std::vector<std::string> header) {
  header.push_back("");
  header.push_back(fmt::format(
      "ZeBRA int8 inference engine: {} int8 x int8 MACs per cycle on one word of an on-chip "
      "weight memory of {} x {} bits.",
      p.lanes, p.words, p.word_bits()));
  header.push_back(
      "Bit-exact with golden::Int8EngineModel (golden/units/zebra_int8_engine/"
      "zebra_int8_engine.hpp):");
  header.push_back(
      "op_i = 0 writes wdata_i to word addr_i (outputs done_o = 0, acc_o = 0, y_o = 0);");
  header.push_back(
      "op_i = 1 is a MAC beat: acc = (first_i ? 0 : acc) + sum_i mem[addr_i][i] * x_i[i] (int32 "
      "wrap-around);");
  header.push_back(
      "with last_i it outputs done_o = 1, acc_o = t = acc + bias_i (int32 wrap-around), y_o = "
      "int8_engine_requantize(t, mult_i, shift_i, relu_i).");
  if (!p.exact_depth())
    header.push_back(fmt::format(
        "Addresses {}..{} name no word: a write there is dropped, a MAC beat there reads zeros.",
        p.words, (1 << p.addr_bits()) - 1));
  header.push_back(
      "Latency 3: the memory's registered read (q1), MAC + accumulator (q2), requantizer into "
      "the output register (q3).");
  header.push_back(
      "One transaction per cycle; the accumulator closes a 1-cycle loop, so beats stream back to "
      "back; a beat reading a word written by the previous transaction sees the new word.");
  if (p.is_protected()) {
    header.push_back(fmt::format(
        "Weight memory protection: {} (golden: ProtectedWeightMemory, protected_memory.hpp), "
        "on_detect = {}.",
        p.protection, p.on_detect));
    header.push_back(
        "op_i = 2 is a check write (the check bits or the group's signature = wdata_i's low "
        "bits), op_i = 3 a check beat (reads the word through its check, no MAC).");
    if (p.is_checksum())
      header.push_back(fmt::format(
          "Checksum: check beats over a group of {} words in order sum its keyed weights; at the "
          "group's last word the signature is compared and the group marked bad or good.",
          p.group_words));
    header.push_back(
        "det_o: the read found an error it did not correct" +
        std::string(p.on_detect == "zero" ? "; such a word (or bad group) reads as zeros." : "."));
    if (p.on_detect == "stop")
      header.push_back(
          "halt_o: a detection halts the unit; every transaction is dropped until a check write "
          "(performed) resumes it.");
  }
  return header;
}

}  // namespace

std::vector<vlog::Module> build_rtl(
    const golden::Int8EngineParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header) {
  const int W = p.word_bits(), A = p.addr_bits(), M = p.mult_bits, D = p.dot_bits();
  const bool exact = p.exact_depth(), prot = p.is_protected(), stop = p.on_detect == "stop",
             zero = p.on_detect == "zero";
  const std::string mem_name = top + "_wmem", mac_name = top + "_mac", rq_name = top + "_requant";
  std::vector<vlog::Module> modules;
  const vlog::Module mem = weight_memory(p, mem_name, header(mem_name));
  const vlog::Module mac = mac_module(p, mac_name, header(mac_name));
  const vlog::Module rq = requant_module(p, rq_name, header(rq_name));
  modules = {mem, mac, rq};

  vlog::Module m;
  m.name = top;
  m.header = top_header(p, header(top));
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("op_i", p.op_bits(),
          prot ? "0 write, 1 MAC beat, 2 check write, 3 check beat" : "0 write, 1 MAC beat");
  m.input("addr_i", A, "weight word");
  m.input("wdata_i", W,
          prot ? "write: int8 weights, lane i at wdata_i[8*i +: 8]; check write: the check bits "
                 "(low bits)"
               : "write: int8 weights; lane i at wdata_i[8*i +: 8]");
  m.input("x_i", W, "MAC: int8 activations; lane i at x_i[8*i +: 8]");
  m.input("first_i", 1, "MAC: the accumulator restarts from 0");
  m.input("last_i", 1, "MAC: ends the dot product");
  m.input("bias_i", 32, "MAC, last: int32 bias");
  m.input("mult_i", M, "MAC, last: unsigned requantization multiplier");
  m.input("shift_i", 5, "MAC, last: right shift 0..31");
  m.input("relu_i", 1, "MAC, last: clamp at 0 below");
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("done_o", 1, "the beat was a MAC beat with last_i");
  m.output("acc_o", 32, "t = acc + bias when done_o, else 0");
  m.output("y_o", 8, "int8 requantized t when done_o, else 0");
  if (prot) m.output("det_o", 1, "the transaction's read found an error it did not correct");
  if (p.is_secded()) m.output("cor_o", 1, "SECDED corrected a single flip in the word read");
  if (stop)
    m.output("halt_o", 1, "the unit has halted on a detection (until a check write or reset)");

  using Reg = blocks::StreamShell::Reg;
  blocks::StreamShell::Options so;
  so.heading = "Pipeline control: one global enable moves every stage.";
  so.take = true;
  so.take_comment = "a transaction is accepted";
  blocks::StreamShell shell(m, so);

  m.blank();
  std::string is_write = "~op_i", is_mac = "op_i", is_cwrite, is_check;
  if (prot) {
    m.comment("Transaction kinds.");
    is_write = "is_write", is_mac = "is_mac", is_cwrite = "is_cwrite", is_check = "is_check";
    m.wire(is_write, 1);
    m.assign(is_write, "op_i == 2'd0");
    m.wire(is_mac, 1);
    m.assign(is_mac, "op_i == 2'd1");
    m.wire(is_cwrite, 1);
    m.assign(is_cwrite, "op_i == 2'd2");
    m.wire(is_check, 1);
    m.assign(is_check, "op_i == 2'd3");
  }
  // Writes of every kind: dropped past the memory and, with stop, while the
  // unit halts (the transaction in q1 may be halting it right now).
  std::string write_guard = "take";
  if (!exact) {
    m.comment(
        fmt::format("Addresses >= {} name no word: no write, and the beat reads zeros.", p.words));
    m.wire("addr_ok", 1, "addr_i names a word of the memory");
    m.assign("addr_ok", fmt::format("addr_i < {}", lit(A, static_cast<uint64_t>(p.words))));
    write_guard += " & addr_ok";
  }
  std::string cwrite_guard = write_guard;  // a check write resumes a halted unit
  if (stop) {
    m.wire("halt_after", 1,
           "halted after the transaction in q1: the write of the one accepted now is dropped "
           "(assigned below)");
    write_guard += " & ~halt_after";
  }
  const std::string read_kinds = prot ? "(is_mac | is_check)" : is_mac;
  m.comment(
      "Weight memory: a write transaction writes its word at the edge that accepts it; a MAC beat "
      "reads its word at that edge (q1).");
  m.wire("mem_we", 1);
  m.assign("mem_we", write_guard + " & " + is_write);
  m.wire("mem_re", 1);
  m.assign("mem_re", "take & " + read_kinds);
  m.wire("mem_rdata", W, "the word of the beat in q1");
  m.add(blocks::memory_1w1r_instance(
      mem, "u_wmem", {"mem_we", "addr_i", "wdata_i", "mem_re", "addr_i", "mem_rdata"}));

  const int C = p.word_check_bits(), gb = p.group_offset_bits(), GA = A - gb;
  if (C > 0) {
    const std::string cm_name = top + "_cmem";
    std::vector<std::string> h = header(cm_name);
    h.push_back("");
    h.push_back(fmt::format(
        "Check-bit memory: {} words x {} bits ({}), beside the weight memory: same address, "
        "written by writes (encoded) and check writes.",
        p.words, C, p.is_parity() ? "even parity" : "SECDED check bits"));
    const vlog::Module cmem = blocks::memory_1w1r({cm_name, std::move(h), C, p.words, false,
                                                   "the check bits of the last word read",
                                                   "no reset, like the weight memory"});
    std::string encoded = "^wdata_i";
    if (p.is_secded()) {
      const std::string enc_name = top + "_secded_enc";
      const vlog::Module enc = secded_encoder(p, enc_name, header(enc_name));
      m.wire("wcheck", C, "SECDED check bits of wdata_i");
      m.add(vlog::instance_of(enc, "u_secded_enc", {{"data_i", "wdata_i"}, {"check_o", "wcheck"}}));
      modules.push_back(enc);
      encoded = "wcheck";
    }
    m.comment(
        "Check bits: a write stores those of its data, a check write stores wdata_i's low bits "
        "as they are.");
    m.wire("cmem_we", 1);
    m.assign("cmem_we",
             fmt::format("({} & {}) | ({} & is_cwrite)", write_guard, is_write, cwrite_guard));
    m.wire("cmem_wdata", C);
    m.assign("cmem_wdata",
             fmt::format("is_cwrite ? {} : {}",
                         C == 1 ? vlog::bit("wdata_i", 0) : bits("wdata_i", C - 1, 0), encoded));
    m.wire("cmem_rdata", C, "the check bits of the word in q1");
    m.add(blocks::memory_1w1r_instance(
        cmem, "u_cmem", {"cmem_we", "addr_i", "cmem_wdata", "mem_re", "addr_i", "cmem_rdata"}));
    modules.push_back(cmem);
  }
  if (p.is_checksum()) {
    const std::string sm_name = top + "_smem";
    std::vector<std::string> h = header(sm_name);
    h.push_back("");
    h.push_back(fmt::format(
        "Signature memory: {} groups of {} words x 2 bits, written by check writes (the host "
        "computes the signatures), read by check beats.",
        p.groups(), p.group_words));
    const vlog::Module smem =
        blocks::memory_1w1r({sm_name, std::move(h), 2, p.groups(), false,
                             "the signature of the last group read", "no reset"});
    m.wire("group_i", GA, "addr_i's signature group");
    m.assign("group_i", bits("addr_i", A - 1, gb));
    m.wire("smem_we", 1);
    m.assign("smem_we", cwrite_guard + " & is_cwrite");
    m.wire("smem_re", 1);
    m.assign("smem_re", "take & is_check");
    m.wire("smem_rdata", 2, "the stored signature of the check beat in q1");
    m.add(blocks::memory_1w1r_instance(
        smem, "u_smem",
        {"smem_we", "group_i", bits("wdata_i", 1, 0), "smem_re", "group_i", "smem_rdata"}));
    modules.push_back(smem);
  }

  std::vector<Reg> q1 = {Reg("mac_q1", "in_valid_i & " + is_mac, 1, "1'b0"),
                         Reg("first_q1", "first_i", 1),
                         Reg("last_q1", "last_i", 1),
                         Reg("x_q1", "x_i", W),
                         Reg("bias_q1", "bias_i", 32),
                         Reg("mult_q1", "mult_i", M),
                         Reg("shift_q1", "shift_i", 5),
                         Reg("relu_q1", "relu_i", 1)};
  if (prot) q1.insert(q1.begin() + 1, Reg("chk_q1", "in_valid_i & is_check", 1, "1'b0"));
  if (stop) q1.insert(q1.begin() + 2, Reg("cw_q1", "in_valid_i & is_cwrite", 1, "1'b0"));
  if (!exact) q1.push_back(Reg("addr_ok_q1", "addr_ok", 1));
  if (p.is_checksum()) q1.push_back(Reg("addr_q1", "addr_i", A));
  shell.stage(prot ? "Stage q1: the beat's fields travel with the memory read (mac_q1: a valid MAC "
                     "beat, chk_q1: a valid check beat)."
                   : "Stage q1: the beat's fields travel with the memory read (mac_q1: a valid "
                     "MAC beat).",
              q1);
  std::string word = "mem_rdata";
  if (!exact) {
    m.wire("w_word", W, "zeros for an address past the memory");
    m.assign("w_word", fmt::format("addr_ok_q1 ? mem_rdata : {}", lit(W, 0)));
    word = "w_word";
  }

  // What the read in q1 reports (protection_rtl builds the checkers).
  std::string det = "", cor = "";
  if (prot) {
    m.blank();
    m.comment(fmt::format("Stage q2: the {} check of the word read.", p.protection));
  }
  if (C > 0) {
    std::string check = "cmem_rdata";
    if (!exact) {
      m.wire("w_check", C, "zeros past the memory: a zero word with valid check bits");
      m.assign("w_check", fmt::format("addr_ok_q1 ? cmem_rdata : {}", lit(C, 0)));
      check = "w_check";
    }
    if (p.is_parity()) {
      m.wire("parity_err", 1, "odd parity over the data and its stored parity bit: Detected");
      m.assign("parity_err", fmt::format("^{{{}, {}}}", word, check));
      det = "parity_err";
    } else {
      const std::string dec_name = top + "_secded_dec";
      const vlog::Module dec = secded_decoder(p, dec_name, header(dec_name));
      m.wire("w_fixed", W, "the word, a single flip corrected");
      m.wire("secded_cor", 1);
      m.wire("secded_unc", 1);
      m.add(vlog::instance_of(dec, "u_secded_dec",
                              {{"data_i", word},
                               {"check_i", check},
                               {"data_o", "w_fixed"},
                               {"cor_o", "secded_cor"},
                               {"unc_o", "secded_unc"}}));
      modules.push_back(dec);
      word = "w_fixed";
      det = "secded_unc";
      cor = "secded_cor";
    }
  }
  std::string verify;  // checksum: the check beat that verifies a group
  if (p.is_checksum()) {
    const std::string gs_name = top + "_gsum";
    const vlog::Module gs = group_sum(p, gs_name, header(gs_name));
    const int groups = p.groups();
    const std::string ok = exact ? "" : "addr_ok_q1 & ";
    m.wire("group_q1", GA, "the beat's signature group");
    m.assign("group_q1", bits("addr_q1", A - 1, gb));
    m.reg("bad_q", groups, "bit g: group g failed its last check; 0 after reset");
    m.wire("group_bad", 1, "a MAC beat's word is in a group marked bad: Detected");
    m.assign("group_bad", ok + "bad_q[group_q1]");
    m.wire("contrib", 9, "the word's keyed sum");
    m.wire("w_checked", W,
           "the word on a check beat, else zeros: the keyed sum does not toggle on MAC beats");
    m.assign("w_checked", fmt::format("chk_q1 ? {} : {}", word, lit(W, 0)));
    std::vector<std::pair<std::string, std::string>> conn = {{"w_i", "w_checked"},
                                                             {"sum_o", "contrib"}};
    const int pat = gsum_patterns(p);
    if (pat > 1) conn.insert(conn.begin() + 1, {"off_i", bits("addr_q1", vlog::clog2(pat) - 1, 0)});
    m.add(vlog::instance_of(gs, "u_gsum", conn));
    modules.push_back(gs);
    // group_words >= 2 (validate()): the offset addr_q1[gb-1:0] has gb >= 1 bits.
    m.reg("cs_q", 9, "the running keyed sum of the group being checked; 0 after reset");
    m.wire("cs_d", 9, "restarts at a group's first word");
    m.assign("cs_d", fmt::format("({} == {} ? {} : cs_q) + contrib", bits("addr_q1", gb - 1, 0),
                                 lit(gb, 0), lit(9, 0)));
    std::string end = fmt::format("{} == {}", bits("addr_q1", gb - 1, 0),
                                  lit(gb, static_cast<uint64_t>(p.group_words - 1)));
    if (p.words % p.group_words != 0)
      end = fmt::format("({}) | (addr_q1 == {})", end, lit(A, static_cast<uint64_t>(p.words - 1)));
    m.wire("group_end", 1, "the beat reads its group's last word");
    m.assign("group_end", end);
    m.wire("verify", 1, "a check beat ends its group: compare the signature");
    m.assign("verify", "chk_q1 & " + ok + "group_end");
    m.wire("sig_err", 1,
           "the group's signature (bits [8:7] of the sum) differs from the stored one");
    m.assign("sig_err", fmt::format("{} != smem_rdata", bits("cs_d", 8, 7)));
    verify = "verify";
  }

  if (prot) {
    m.wire("det_s2", 1, "the transaction in q1 detects an error it does not correct");
    if (p.is_checksum())
      m.assign("det_s2", "(mac_q1 & group_bad) | (verify & sig_err)");
    else
      m.assign("det_s2", fmt::format("(mac_q1 | chk_q1) & {}", det));
  }
  std::string live;  // " & ~halt_now" with stop
  if (stop) {
    m.reg("halted_q", 1, "the unit has halted; 0 after reset");
    m.wire("halt_now", 1, "the transaction in q1 is dropped: halted, or it detects");
    m.assign("halt_now", "halted_q | det_s2");
    m.comment("A check write (cw_q1) is the host's acknowledgement: it resumes the unit.");
    m.assign("halt_after", "halt_now & ~cw_q1");
    live = " & ~halt_now";
  }
  if (zero) {
    const std::string bad = p.is_checksum() ? "group_bad" : det;
    m.wire("w_used", W, "on_detect = zero: a detected word reads as zeros");
    m.assign("w_used", fmt::format("{} ? {} : {}", bad, lit(W, 0), word));
    word = "w_used";
  }

  m.blank();
  m.comment(
      "Stage q2: MAC (golden: int8_engine_dot) and accumulator acc = (first ? 0 : acc) + dot, "
      "int32 wrap-around.");
  m.wire("dot", D, "signed dot product of the beat");
  m.add(vlog::instance_of(mac, "u_mac", {{"w_i", word}, {"x_i", "x_q1"}, {"dot_o", "dot"}}));
  m.reg("acc_q", 32, "the running sum; 0 after reset");
  m.wire("acc_d", 32);
  m.assign("acc_d", fmt::format("(first_q1 ? {} : acc_q) + {}", lit(32, 0), sext("dot", D, 32)));
  m.wire("t", 32, "acc + bias, int32 wrap-around (used on the last beat)");
  m.assign("t", "acc_d + bias_q1");
  m.wire("acc_en", 1,
         stop ? "a valid MAC beat updates the accumulator, unless the unit halts"
              : "a valid MAC beat updates the accumulator");
  m.assign("acc_en", blocks::StreamShell::advance() + " & mac_q1" + live);
  {
    auto r = vlog::register_bank("acc_en", "Accumulator.");
    r.regs.push_back({"acc_q", "acc_d", lit(32, 0)});
    m.add(r);
  }
  if (p.is_checksum()) {
    const std::string ok = exact ? "" : " & addr_ok_q1";
    m.wire("cs_en", 1, "a check beat adds its word to the running sum");
    m.assign("cs_en", blocks::StreamShell::advance() + " & chk_q1" + ok + live);
    auto r = vlog::register_bank("cs_en", "Checksum sum.");
    r.regs.push_back({"cs_q", "cs_d", lit(9, 0)});
    m.add(r);
    m.wire("bad_sel", p.groups(), "one-hot: the beat's group");
    m.assign("bad_sel", fmt::format("{} << group_q1", lit(p.groups(), 1)));
    m.wire("bad_en", 1, "a verifying check beat records its group's result");
    m.assign("bad_en", blocks::StreamShell::advance() + " & " + verify + live);
    auto b = vlog::register_bank(
        "bad_en", "Bad-group flags: set on a failed check, cleared on a passed one.");
    b.regs.push_back(
        {"bad_q", "sig_err ? (bad_q | bad_sel) : (bad_q & ~bad_sel)", lit(p.groups(), 0)});
    m.add(b);
  }
  if (stop) {
    auto r = vlog::register_bank(blocks::StreamShell::advance(),
                                 "Halt: set by a detection, cleared by a check write (or reset).");
    r.regs.push_back({"halted_q", "halt_after", "1'b0"});
    m.add(r);
  }
  std::vector<Reg> q2 = {Reg("done_q2", "mac_q1 & last_q1" + live, 1, "1'b0"), Reg("t_q2", "t", 32),
                         Reg("mult_q2", "mult_q1", M), Reg("shift_q2", "shift_q1", 5),
                         Reg("relu_q2", "relu_q1", 1)};
  if (prot) q2.push_back(Reg("det_q2", stop ? "det_s2 & ~halted_q" : "det_s2", 1, "1'b0"));
  if (!cor.empty()) q2.push_back(Reg("cor_q2", "(mac_q1 | chk_q1) & " + cor + live, 1, "1'b0"));
  if (stop) q2.push_back(Reg("halt_q2", "halt_after", 1, "1'b0"));
  shell.stage(prot ? "Stage q2 register: t, the requantizer's operands and the check's report."
                   : "Stage q2 register: t and the requantizer's operands.",
              q2);

  m.blank();
  m.comment("Stage q3: requantizer (golden: int8_engine_requantize) into the output register.");
  m.wire("y_d", 8);
  m.add(vlog::instance_of(rq, "u_requant",
                          {{"t_i", "t_q2"},
                           {"mult_i", "mult_q2"},
                           {"shift_i", "shift_q2"},
                           {"relu_i", "relu_q2"},
                           {"y_o", "y_d"}}));
  std::vector<Reg> out = {Reg("done_q", "done_q2", 1, "1'b0"), Reg("acc_out_q", "t_q2", 32),
                          Reg("y_q", "y_d", 8)};
  if (prot) out.push_back(Reg("det_q", "det_q2", 1, "1'b0"));
  if (!cor.empty()) out.push_back(Reg("cor_q", "cor_q2", 1, "1'b0"));
  if (stop) out.push_back(Reg("halt_q", "halt_q2", 1, "1'b0"));
  shell.output(out);
  m.assign("done_o", "done_q");
  m.assign("acc_o", fmt::format("done_q ? acc_out_q : {}", lit(32, 0)));
  m.assign("y_o", fmt::format("done_q ? y_q : {}", lit(8, 0)));
  if (prot) m.assign("det_o", "det_q");
  if (!cor.empty()) m.assign("cor_o", "cor_q");
  if (stop) m.assign("halt_o", "halt_q");

  modules.push_back(m);
  return modules;
}

}  // namespace bf::zebra_int8_engine
