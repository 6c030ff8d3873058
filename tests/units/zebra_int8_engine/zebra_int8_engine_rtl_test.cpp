// zebra.int8_engine as a design: its ports and metrics, the stream model
// against the golden functions, the corner streams (every word written first,
// back-to-back write and read of one word, the accumulator wrapping), the
// structure of the generated Verilog (a memory array without reset, one MAC
// primitive instance, a named requantizer) and parameter errors naming the
// key.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <iterator>
#include <limits>
#include <random>
#include <regex>
#include <string>

#include "generator/design/registry.hpp"
#include "generator/units/zebra_int8_engine/zebra_int8_engine_vectors.hpp"
#include "golden/units/zebra_int8_engine/zebra_int8_engine.hpp"
#include "tests/units/design_text.hpp"

namespace bf {
namespace {

std::string toml(int lanes, int words, int mult_bits) {
  return fmt::format(
      "unit = \"zebra.int8_engine\"\nname = \"eng_t\"\n[params]\nlanes = {}\nwords = {}\n"
      "mult_bits = {}\n",
      lanes, words, mult_bits);
}

std::unique_ptr<Design> design(int lanes, int words, int mult_bits) {
  return load_design_text(toml(lanes, words, mult_bits), "eng_t.toml");
}

golden::Int8EngineParams params(int lanes, int words, int mult_bits) {
  golden::Int8EngineParams p;
  p.lanes = lanes;
  p.words = words;
  p.mult_bits = mult_bits;
  return p;
}

TEST(Int8EngineDesign, PortsLatencyAndMetrics) {
  const auto d = design(8, 1024, 16);
  EXPECT_EQ(d->latency(), 3);
  EXPECT_EQ(d->operations().count, 8);
  const auto in = d->data_inputs();
  ASSERT_EQ(in.size(), 10u);
  EXPECT_EQ(in[1].name, "addr_i");
  EXPECT_EQ(in[1].width, 10);
  EXPECT_EQ(in[2].width, 64);
  EXPECT_EQ(in[7].name, "mult_i");
  EXPECT_EQ(in[7].width, 16);
  const auto out = d->data_outputs();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].width, 32);
  EXPECT_EQ(out[2].width, 8);
  const auto m = d->metrics();
  EXPECT_EQ(m["lanes"], 8);
  EXPECT_EQ(m["word_bits"], 64);
  EXPECT_EQ(m["memory_bits"], 65536);
  EXPECT_EQ(m["latency"], 3);
  EXPECT_EQ(d->top_name(), "eng_t");
  EXPECT_EQ(load_design_text("unit = \"zebra.int8_engine\"\n", "x.toml")->top_name(),
            "zebra_int8_engine_l8_w1024_m16");
}

// The stream model applied to random transactions equals the golden
// functions driven by hand: a shadow memory, int8_engine_dot and
// int8_engine_requantize.
TEST(Int8EngineDesign, StreamModelUsesTheGoldenFunctions) {
  const auto p = params(5, 37, 31);
  const auto d = design(5, 37, 31);
  auto s = d->stream_model();
  std::vector<std::vector<int8_t>> mem(37, std::vector<int8_t>(5, 0));
  int32_t acc = 0;
  std::mt19937_64 rng(4);
  int done = 0, past = 0;
  for (int k = 0; k < 20000; ++k) {
    const auto tv = d->random_case(rng);
    const auto t = zebra_int8_engine::from_ports(p, tv.inputs);
    const auto o = s->step(tv.inputs);
    if (t.addr >= 37) ++past;
    if (t.write()) {
      if (t.addr < 37) mem[t.addr] = t.data;
      EXPECT_EQ(o[0].get(0, 1), 0u);
      EXPECT_EQ(o[1].get(0, 32), 0u);
      EXPECT_EQ(o[2].get(0, 8), 0u);
      continue;
    }
    const std::vector<int8_t> w = t.addr < 37 ? mem[t.addr] : std::vector<int8_t>(5, 0);
    const int32_t dot = golden::int8_engine_dot(w.data(), t.data.data(), 5);
    acc =
        static_cast<int32_t>(static_cast<uint32_t>(t.first ? 0 : acc) + static_cast<uint32_t>(dot));
    if (!t.last) {
      ASSERT_EQ(o[0].get(0, 1), 0u);
      ASSERT_EQ(o[1].get(0, 32), 0u);
      continue;
    }
    ++done;
    const int32_t tt =
        static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(t.bias));
    ASSERT_EQ(o[0].get(0, 1), 1u);
    ASSERT_EQ(o[1].get(0, 32), static_cast<uint32_t>(tt));
    ASSERT_EQ(o[2].get(0, 8),
              static_cast<uint8_t>(golden::int8_engine_requantize(tt, t.mult, t.shift, t.relu)));
  }
  EXPECT_GT(done, 2000);
  EXPECT_GT(past, 100);  // addresses past the 37 words are drawn
  // emulate() is the first transaction after reset.
  rng.seed(4);
  const auto tv = d->random_case(rng);
  EXPECT_EQ(d->emulate(tv.inputs)[1].get(0, 32), d->stream_model()->step(tv.inputs)[1].get(0, 32));
}

TEST(Int8EngineDesign, CornerStreamsWriteEveryWordFirstAndWrapTheAccumulator) {
  const auto p = params(8, 64, 16);
  const auto corners = zebra_int8_engine::corner_cases(p);
  for (uint32_t a = 0; a < 64; ++a) {
    const auto t = zebra_int8_engine::from_ports(p, corners[a].inputs);
    EXPECT_TRUE(t.write());
    EXPECT_EQ(t.addr, a);
  }
  // A write immediately followed by a MAC beat on the same word, a shift of
  // 31, and the long rows: the accumulator wraps to exactly INT32_MIN (8
  // lanes: 2^14 beats of 8 * 2^14) and past INT32_MIN to a positive sum.
  const auto d = design(8, 64, 16);
  auto s = d->stream_model();
  bool back_to_back = false, wrapped_up = false, wrapped_down = false, shift31 = false;
  for (std::size_t i = 0; i < corners.size(); ++i) {
    const auto t = zebra_int8_engine::from_ports(p, corners[i].inputs);
    const auto o = s->step(corners[i].inputs);
    if (i > 0) {
      const auto prev = zebra_int8_engine::from_ports(p, corners[i - 1].inputs);
      if (prev.write() && !t.write() && prev.addr == t.addr) back_to_back = true;
    }
    if (!t.write() && t.last && t.shift == 31) shift31 = true;
    const bool long_row = corners[i].label.find("long row") != std::string::npos;
    if (long_row && corners[i].label.find("past INT32_MAX") != std::string::npos && t.last) {
      EXPECT_EQ(static_cast<int32_t>(o[1].get(0, 32)), std::numeric_limits<int32_t>::min());
      wrapped_up = true;
    }
    if (long_row && corners[i].label.find("past INT32_MIN") != std::string::npos && t.last) {
      EXPECT_GT(static_cast<int32_t>(o[1].get(0, 32)), 0);
      wrapped_down = true;
    }
  }
  EXPECT_TRUE(back_to_back);
  EXPECT_TRUE(wrapped_up);
  EXPECT_TRUE(wrapped_down);
  EXPECT_TRUE(shift31);
}

TEST(Int8EngineRtl, MemoryArrayMacPrimitiveAndRequantizer) {
  const std::string code = testing::code_of(toml(8, 1024, 16));
  // The weight memory: an array without reset, one write and one registered read port.
  EXPECT_NE(code.find("reg [63:0] mem [0:1023];"), std::string::npos);
  EXPECT_NE(code.find("if (we_i) mem[waddr_i] <= wdata_i;"), std::string::npos);
  EXPECT_NE(code.find("if (re_i) rdata_q <= mem[raddr_i];"), std::string::npos);
  EXPECT_EQ(code.find("mem[waddr_i] <= 64'd0"), std::string::npos);
  // One MAC primitive instance, products in a generate loop, one requantizer.
  const auto count = [&](const std::string& re) {
    const std::regex r(re);
    return std::distance(std::sregex_iterator(code.begin(), code.end(), r), std::sregex_iterator());
  };
  EXPECT_EQ(count("module eng_t_mac "), 1);
  EXPECT_EQ(count("eng_t_mac u_mac "), 1);
  EXPECT_EQ(count("module eng_t_requant "), 1);
  EXPECT_EQ(count("eng_t_requant u_requant "), 1);
  EXPECT_EQ(count("module eng_t_wmem "), 1);
  EXPECT_NE(code.find("for (i = 0; i < 8; i = i + 1) begin : g_lane"), std::string::npos);
  // An exact depth needs no address check; 1000 words do.
  EXPECT_EQ(code.find("addr_ok"), std::string::npos);
  const std::string partial = testing::code_of(toml(8, 1000, 16));
  EXPECT_NE(partial.find("wire addr_ok = addr_i < 10'd1000;"), std::string::npos);
  EXPECT_NE(partial.find("reg [63:0] mem [0:999];"), std::string::npos);
}

std::string protected_toml(int lanes, int words, const std::string& extra) {
  return toml(lanes, words, 16) + extra;
}

TEST(Int8EngineRtl, ProtectionModulesAndPorts) {
  // Parity: a check-bit memory of one bit per word, the XOR inline.
  const std::string parity = testing::code_of(protected_toml(8, 64, "protection = \"parity\"\n"));
  EXPECT_NE(parity.find("module eng_t_cmem "), std::string::npos);
  EXPECT_NE(parity.find("reg  mem [0:63];"), std::string::npos);
  EXPECT_NE(parity.find("input  wire [1:0]  op_i"), std::string::npos);
  EXPECT_NE(parity.find("output wire        det_o"), std::string::npos);
  EXPECT_EQ(parity.find("halt_o"), std::string::npos);
  EXPECT_EQ(parity.find("secded"), std::string::npos);
  // SECDED (72,64): an encoder and a decoder with 7 masks, 8 check bits per
  // word, cor_o; stop adds halt_o.
  const std::string secded =
      testing::code_of(protected_toml(8, 64, "protection = \"secded\"\non_detect = \"stop\"\n"));
  EXPECT_NE(secded.find("module eng_t_secded_enc "), std::string::npos);
  EXPECT_NE(secded.find("module eng_t_secded_dec "), std::string::npos);
  EXPECT_NE(secded.find("reg [7:0] mem [0:63];"), std::string::npos);
  EXPECT_NE(secded.find("localparam MASK_6 ="), std::string::npos);
  EXPECT_EQ(secded.find("localparam MASK_7 ="), std::string::npos);
  EXPECT_NE(secded.find("cor_o"), std::string::npos);
  EXPECT_NE(secded.find("halt_o"), std::string::npos);
  // Data bit 0 sits at codeword position 3, bit 63 at 71.
  EXPECT_NE(secded.find("assign flip[0] = q & (syndrome == 7'd3);"), std::string::npos);
  EXPECT_NE(secded.find("assign flip[63] = q & (syndrome == 7'd71);"), std::string::npos);
  // Checksum: a 2-bit signature per group, the keyed sum, bad-group flags.
  const std::string checksum =
      testing::code_of(protected_toml(8, 64, "protection = \"checksum\"\ngroup_words = 8\n"));
  EXPECT_NE(checksum.find("module eng_t_smem "), std::string::npos);
  EXPECT_NE(checksum.find("reg [1:0] mem [0:7];"), std::string::npos);
  EXPECT_NE(checksum.find("module eng_t_gsum "), std::string::npos);
  EXPECT_NE(checksum.find("reg  [7:0] bad_q;"), std::string::npos);
  EXPECT_NE(checksum.find("bad_q"), std::string::npos);
  EXPECT_EQ(checksum.find("eng_t_cmem"), std::string::npos);
  // The key's signs: 8 lanes repeat every 8 offsets, a 64-bit table.
  EXPECT_NE(checksum.find("localparam NEG = 64'h9e3779b97f4a7c15;"), std::string::npos);
  // No protection: the unprotected engine, op_i one bit.
  const std::string none = testing::code_of(toml(8, 64, 16));
  EXPECT_NE(none.find("input  wire        op_i"), std::string::npos);
  EXPECT_EQ(none.find("det_o"), std::string::npos);
}

TEST(Int8EngineDesign, ProtectedPortsAndMetrics) {
  const auto d = load_design_text(
      protected_toml(8, 1024, "protection = \"secded\"\non_detect = \"stop\"\n"), "e.toml");
  EXPECT_EQ(d->data_inputs()[0].width, 2);
  const auto out = d->data_outputs();
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[3].name, "det_o");
  EXPECT_EQ(out[4].name, "cor_o");
  EXPECT_EQ(out[5].name, "halt_o");
  const auto m = d->metrics();
  EXPECT_EQ(m["check_memory_bits"], 8192);
  EXPECT_DOUBLE_EQ(m["check_overhead"].get<double>(), 0.125);
  EXPECT_EQ(load_design_text("unit = \"zebra.int8_engine\"\n[params]\nprotection = \"checksum\"\n",
                             "x.toml")
                ->top_name(),
            "zebra_int8_engine_l8_w1024_m16_checksum_flag_g8");
}

// The corner streams of a protected engine fire every status: a parity or
// SECDED stream detects, corrects (SECDED) and ends running; a checksum
// stream detects through its sweeps and marks groups bad; a stop stream
// halts and resumes.
TEST(Int8EngineDesign, ProtectedCornerStreamsFireEveryStatus) {
  struct Case {
    std::string extra;
    bool cor, halt;
  };
  for (const Case& c : {Case{"protection = \"parity\"\non_detect = \"zero\"\n", false, false},
                        Case{"protection = \"secded\"\non_detect = \"stop\"\n", true, true},
                        Case{"protection = \"checksum\"\ngroup_words = 4\n", false, false},
                        Case{"protection = \"checksum\"\non_detect = \"stop\"\n", false, true}}) {
    const auto d = load_design_text(toml(5, 37, 8) + c.extra, "e.toml");
    auto s = d->stream_model();
    int det = 0, cor = 0, halt = 0, done = 0;
    PortValues last;
    for (const auto& v : d->corner_cases()) {
      last = s->step(v.inputs);
      det += last[3].get(0, 1) != 0;
      if (c.cor) cor += last[4].get(0, 1) != 0;
      if (c.halt) halt += last.back().get(0, 1) != 0;
      done += last[0].get(0, 1) != 0;
    }
    EXPECT_GE(det, 10) << c.extra;
    EXPECT_GT(done, 100) << c.extra;
    if (c.cor) {
      EXPECT_GT(cor, 40) << c.extra;
    }
    if (c.halt) {
      EXPECT_GT(halt, 20) << c.extra;
      EXPECT_EQ(last.back().get(0, 1), 0u) << "the stream ends running";
    }
  }
}

std::string error_of(const std::string& text) {
  try {
    load_design_text(text, "eng_t.toml");
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(Int8EngineParams, OutOfRangeValuesNameTheKey) {
  EXPECT_NE(error_of(toml(65, 1024, 16)).find("'lanes'"), std::string::npos);
  EXPECT_NE(error_of(toml(0, 1024, 16)).find("'lanes'"), std::string::npos);
  EXPECT_NE(error_of(toml(8, 1, 16)).find("'words'"), std::string::npos);
  EXPECT_NE(error_of(toml(8, 65537, 16)).find("'words'"), std::string::npos);
  EXPECT_NE(error_of(toml(8, 1024, 32)).find("'mult_bits'"), std::string::npos);
  EXPECT_NE(error_of(toml(8, 1024, 1)).find("'mult_bits'"), std::string::npos);
  EXPECT_NE(error_of(toml(8, 1024, 16) + "word = 3\n").find("did you mean 'words'"),
            std::string::npos);
  EXPECT_NE(error_of(toml(8, 1024, 16) + "protection = \"ecc\"\n").find("'protection'"),
            std::string::npos);
  EXPECT_NE(error_of(toml(8, 1024, 16) + "on_detect = \"stop\"\n").find("'on_detect'"),
            std::string::npos);
  EXPECT_NE(error_of(toml(8, 1024, 16) + "protection = \"checksum\"\ngroup_words = 1\n")
                .find("'group_words'"),
            std::string::npos);
  EXPECT_NE(error_of(toml(8, 1024, 16) + "protection = \"checksum\"\ngroup_words = 6\n")
                .find("'group_words'"),
            std::string::npos);
  EXPECT_NE(error_of(toml(8, 1024, 16) + "protection = \"checksum\"\nchecksum_key = \"12\"\n")
                .find("'checksum_key'"),
            std::string::npos);
}

}  // namespace
}  // namespace bf
