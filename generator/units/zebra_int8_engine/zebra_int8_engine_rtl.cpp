#include "generator/units/zebra_int8_engine/zebra_int8_engine_rtl.hpp"

#include <fmt/format.h>

#include "generator/blocks/adder_tree.hpp"
#include "generator/blocks/memory_1w1r.hpp"
#include "generator/blocks/stream_shell.hpp"
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
  return header;
}

}  // namespace

std::vector<vlog::Module> build_rtl(
    const golden::Int8EngineParams& p, const std::string& top,
    const std::function<std::vector<std::string>(const std::string&)>& header) {
  const int W = p.word_bits(), A = p.addr_bits(), M = p.mult_bits, D = p.dot_bits();
  const bool exact = p.exact_depth();
  const std::string mem_name = top + "_wmem", mac_name = top + "_mac", rq_name = top + "_requant";
  const vlog::Module mem = weight_memory(p, mem_name, header(mem_name));
  const vlog::Module mac = mac_module(p, mac_name, header(mac_name));
  const vlog::Module rq = requant_module(p, rq_name, header(rq_name));

  vlog::Module m;
  m.name = top;
  m.header = top_header(p, header(top));
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("op_i", 1, "0 write, 1 MAC beat");
  m.input("addr_i", A, "weight word");
  m.input("wdata_i", W, "write: int8 weights; lane i at wdata_i[8*i +: 8]");
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

  using Reg = blocks::StreamShell::Reg;
  blocks::StreamShell::Options so;
  so.heading = "Pipeline control: one global enable moves every stage.";
  so.take = true;
  so.take_comment = "a transaction is accepted";
  blocks::StreamShell shell(m, so);

  m.blank();
  std::string write_en = "take & ~op_i", read_en = "take & op_i";
  if (!exact) {
    m.comment(
        fmt::format("Addresses >= {} name no word: no write, and the beat reads zeros.", p.words));
    m.wire("addr_ok", 1, "addr_i names a word of the memory");
    m.assign("addr_ok", fmt::format("addr_i < {}", lit(A, static_cast<uint64_t>(p.words))));
    write_en += " & addr_ok";
  }
  m.comment(
      "Weight memory: a write transaction writes its word at the edge that accepts it; a MAC beat "
      "reads its word at that edge (q1).");
  m.wire("mem_we", 1);
  m.assign("mem_we", write_en);
  m.wire("mem_re", 1);
  m.assign("mem_re", read_en);
  m.wire("mem_rdata", W, "the word of the beat in q1");
  m.add(vlog::instance_of(mem, "u_wmem",
                          {{"clk_i", "clk_i"},
                           {"we_i", "mem_we"},
                           {"waddr_i", "addr_i"},
                           {"wdata_i", "wdata_i"},
                           {"re_i", "mem_re"},
                           {"raddr_i", "addr_i"},
                           {"rdata_o", "mem_rdata"}}));

  std::vector<Reg> q1 = {Reg("mac_q1", "in_valid_i & op_i", 1, "1'b0"),
                         Reg("first_q1", "first_i", 1),
                         Reg("last_q1", "last_i", 1),
                         Reg("x_q1", "x_i", W),
                         Reg("bias_q1", "bias_i", 32),
                         Reg("mult_q1", "mult_i", M),
                         Reg("shift_q1", "shift_i", 5),
                         Reg("relu_q1", "relu_i", 1)};
  if (!exact) q1.push_back(Reg("addr_ok_q1", "addr_ok", 1));
  shell.stage("Stage q1: the beat's fields travel with the memory read (mac_q1: a valid MAC beat).",
              q1);
  std::string word = "mem_rdata";
  if (!exact) {
    m.wire("w_word", W, "zeros for an address past the memory");
    m.assign("w_word", fmt::format("addr_ok_q1 ? mem_rdata : {}", lit(W, 0)));
    word = "w_word";
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
  m.wire("acc_en", 1, "a valid MAC beat updates the accumulator");
  m.assign("acc_en", blocks::StreamShell::advance() + " & mac_q1");
  {
    auto r = vlog::register_bank("acc_en", "Accumulator.");
    r.regs.push_back({"acc_q", "acc_d", lit(32, 0)});
    m.add(r);
  }
  shell.stage(
      "Stage q2 register: t and the requantizer's operands.",
      {Reg("done_q2", "mac_q1 & last_q1", 1, "1'b0"), Reg("t_q2", "t", 32),
       Reg("mult_q2", "mult_q1", M), Reg("shift_q2", "shift_q1", 5), Reg("relu_q2", "relu_q1", 1)});

  m.blank();
  m.comment("Stage q3: requantizer (golden: int8_engine_requantize) into the output register.");
  m.wire("y_d", 8);
  m.add(vlog::instance_of(rq, "u_requant",
                          {{"t_i", "t_q2"},
                           {"mult_i", "mult_q2"},
                           {"shift_i", "shift_q2"},
                           {"relu_i", "relu_q2"},
                           {"y_o", "y_d"}}));
  shell.output(
      {Reg("done_q", "done_q2", 1, "1'b0"), Reg("acc_out_q", "t_q2", 32), Reg("y_q", "y_d", 8)});
  m.assign("done_o", "done_q");
  m.assign("acc_o", fmt::format("done_q ? acc_out_q : {}", lit(32, 0)));
  m.assign("y_o", fmt::format("done_q ? y_q : {}", lit(8, 0)));

  return {mem, mac, rq, m};
}

}  // namespace bf::zebra_int8_engine
