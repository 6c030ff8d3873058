// Unit tests of the verification flow's parts that need no simulator: the
// vector file format, vector generation, the generated driver and testbench
// text, the build hash and the mismatch report.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "tb/icarus_flow.hpp"
#include "tb/mismatch_report.hpp"
#include "tb/sim/vector_file.hpp"
#include "tb/vectors.hpp"
#include "tb/verilator_driver.hpp"
#include "tb/verilator_flow.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

namespace bf::tb {
namespace {

namespace fs = std::filesystem;

// x_i (8 bits), y_i (100 bits) -> z_o = {y_i[56:0], x_i} (65 bits, fields),
// w_o = x_i[2:0].
class TinyDesign : public Design {
 public:
  bool wrong_width = false;
  std::string unit_name() const override { return "test.tiny"; }
  std::string top_name() const override { return "tiny_top"; }
  nlohmann::ordered_json params_json() const override { return nlohmann::ordered_json::object(); }
  std::vector<vlog::Module> modules() const override { return {}; }
  std::vector<PortSpec> data_inputs() const override {
    return {{"x_i", 8, "", {}}, {"y_i", 100, "", {}}};
  }
  std::vector<PortSpec> data_outputs() const override {
    return {{"z_o",
             65,
             "",
             {{"x", 0, 8, [](uint64_t v) { return fmt::format("x={}", v); }},
              {"y_lo", 8, 40, nullptr}}},  // bits 48..64 belong to no field
            {"w_o", 3, "", {}}};
  }
  int latency() const override { return 1; }
  std::vector<TestVector> corner_cases() const override {
    BitVec x(8), y(100);
    x.set(0, 8, 0xa5);
    y.set(36, 64, ~uint64_t{0});
    return {{{BitVec(8), BitVec(100)}, "zero"}, {{x, y}, "pattern"}};
  }
  TestVector random_case(std::mt19937_64& rng) const override {
    BitVec x(8), y(100);
    x.set(0, 8, rng() & 0xff);
    y.set(0, 64, rng());
    y.set(64, 36, rng() >> 28);
    return {{x, y}, ""};
  }
  PortValues emulate(const PortValues& in) const override {
    BitVec z(wrong_width ? 64 : 65), w(3);
    z.set(0, 8, in[0].get(0, 8));
    z.set(8, z.width() - 8, in[1].get(0, z.width() - 8));
    w.set(0, 3, in[0].get(0, 3));
    return {z, w};
  }
};

TEST(VectorFile, HeaderLayoutAndRoundTrip) {
  vecfile::VectorData v;
  v.set_widths({8, 100}, {65, 3});
  EXPECT_EQ(v.input_words, 3u);
  EXPECT_EQ(v.output_words, 3u);
  v.count = 2;
  for (uint64_t i = 0; i < 12; ++i) v.words.push_back(i * 0x0101010101010101ull);
  const std::string bytes = vecfile::encode(v);
  ASSERT_EQ(bytes.size(), 32u + 4 * 4 + 8 * 12);
  EXPECT_EQ(std::memcmp(bytes.data(), "BFVECT\0\1", 8), 0);
  EXPECT_EQ(bytes[8], 1);       // version
  EXPECT_EQ(bytes[12], 2);      // inputs
  EXPECT_EQ(bytes[16], 2);      // outputs
  EXPECT_EQ(bytes[24], 2);      // vectors
  EXPECT_EQ(bytes[32], 8);      // width of x_i
  EXPECT_EQ(bytes[36], 100);    // width of y_i
  EXPECT_EQ(bytes[40], 65);     // width of z_o
  EXPECT_EQ(bytes[48 + 8], 1);  // word 1, little-endian
  const vecfile::VectorData back = vecfile::decode(bytes, "mem");
  EXPECT_EQ(back.input_widths, v.input_widths);
  EXPECT_EQ(back.output_widths, v.output_widths);
  EXPECT_EQ(back.count, 2u);
  EXPECT_EQ(back.words, v.words);
  EXPECT_EQ(back.expected(1)[0], 9 * 0x0101010101010101ull);
}

TEST(VectorFile, RejectsBadFiles) {
  vecfile::VectorData v;
  v.set_widths({8}, {8});
  v.count = 1;
  v.words = {1, 2};
  std::string bytes = vecfile::encode(v);
  EXPECT_THROW(vecfile::decode(bytes.substr(0, bytes.size() - 1), "f"), std::runtime_error);
  bytes[0] = 'X';
  EXPECT_THROW(vecfile::decode(bytes, "f"), std::runtime_error);
}

TEST(Vectors, CornerThenRandomWithExpected) {
  const TinyDesign d;
  const VectorSet vs = make_vectors(d, 3, 10);
  ASSERT_EQ(vs.size(), 12u);
  EXPECT_EQ(vs.corner, 2u);
  EXPECT_EQ(vs.describe(1), "corner case \"pattern\"");
  EXPECT_EQ(vs.describe(4), "random #2");
  const BitVec z = port_value(vs.data.expected(1), vs.data.output_widths, 0);
  EXPECT_EQ(z.get(0, 8), 0xa5u);
  EXPECT_EQ(z.get(44, 21), 0x1fffffu);
  // Same seed, same vectors.
  EXPECT_EQ(make_vectors(d, 3, 10).data.words, vs.data.words);
  EXPECT_NE(make_vectors(d, 4, 10).data.words, vs.data.words);
}

TEST(Vectors, FromACallersStreamWithExpected) {
  const TinyDesign d;
  std::vector<std::size_t> asked;
  const VectorSet vs = vectors_from(d, 3, [&](std::size_t i) {
    asked.push_back(i);
    BitVec x(8), y(100);
    x.set(0, 8, 0x10 + i);
    return TestVector{{x, y}, "job " + std::to_string(i)};
  });
  EXPECT_EQ(asked, (std::vector<std::size_t>{0, 1, 2}));
  ASSERT_EQ(vs.size(), 3u);
  EXPECT_EQ(vs.corner, 0u);
  EXPECT_EQ(vs.labels[2], "job 2");
  // The expected outputs are the model's: z_o's low byte is x_i.
  EXPECT_EQ(port_value(vs.data.expected(2), vs.data.output_widths, 0).get(0, 8), 0x12u);
  EXPECT_EQ(port_value(vs.data.inputs(1), vs.data.input_widths, 0).get(0, 8), 0x11u);
}

TEST(Vectors, RejectsEmulateWithWrongWidth) {
  TinyDesign d;
  d.wrong_width = true;
  try {
    make_vectors(d, 1, 1);
    FAIL();
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("port z_o has width 64, declared 65"), std::string::npos)
        << e.what();
  }
}

TEST(Vectors, FlipExpectedBitWalksPortsInOrder) {
  const TinyDesign d;
  VectorSet vs = make_vectors(d, 1, 3);
  const auto before = vs.data.words;
  // 68 output bits per vector: bit 68 + 66 is w_o bit 1 of vector 1.
  EXPECT_EQ(flip_expected_bit(vs.data, 68 + 66), 1u);
  EXPECT_EQ(port_value(vs.data.expected(1), vs.data.output_widths, 1).get(1, 1),
            1 - port_value(before.data() + 6 + 3, vs.data.output_widths, 1).get(1, 1));
  EXPECT_THROW(flip_expected_bit(vs.data, 68 * 5), std::out_of_range);
}

TEST(VerilatorDriver, PortTypes) {
  EXPECT_EQ(verilator_port_type(1), "CData");
  EXPECT_EQ(verilator_port_type(8), "CData");
  EXPECT_EQ(verilator_port_type(9), "SData");
  EXPECT_EQ(verilator_port_type(16), "SData");
  EXPECT_EQ(verilator_port_type(17), "IData");
  EXPECT_EQ(verilator_port_type(32), "IData");
  EXPECT_EQ(verilator_port_type(33), "QData");
  EXPECT_EQ(verilator_port_type(64), "QData");
  EXPECT_EQ(verilator_port_type(65), "VlWide<3>");
  EXPECT_EQ(verilator_port_type(96), "VlWide<3>");
  EXPECT_EQ(verilator_port_type(97), "VlWide<4>");
}

TEST(VerilatorDriver, MapsPortsToRecordWords) {
  const std::string s = verilator_driver(TinyDesign{});
  EXPECT_NE(s.find("decltype(Vtop::y_i)>, VlWide<4>>"), std::string::npos) << s;
  EXPECT_NE(s.find("std::array<uint32_t, 2> kInputWidths{{8, 100}}"), std::string::npos) << s;
  EXPECT_NE(s.find("bf::sim::put(m.y_i, w + 1);"), std::string::npos) << s;
  EXPECT_NE(s.find("bf::sim::get(m.w_o, w + 2);"), std::string::npos) << s;
  const std::string c = verilator_cmakelists({"tiny_top", {"/a/b.v"}, "/h", true});
  EXPECT_NE(c.find("TOP_MODULE tiny_top"), std::string::npos) << c;
  EXPECT_NE(c.find("--x-initial fast --trace-fst"), std::string::npos) << c;
  EXPECT_NE(c.find("\"/a/b.v\""), std::string::npos) << c;
}

TEST(VerilatorFlow, BuildHashFollowsInputs) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("bf_tb_hash_{}", ::getpid());
  const std::string f = (dir / "a.v").string();
  util::write_text(f, "module a; endmodule\n");
  const std::string h = verilator_build_hash({f}, "drv", "cmake", "harness");
  EXPECT_EQ(verilator_build_hash({f}, "drv", "cmake", "harness"), h);
  EXPECT_NE(verilator_build_hash({f}, "drv2", "cmake", "harness"), h);
  EXPECT_NE(verilator_build_hash({f}, "drv", "cmake", "harness2"), h);
  util::write_text(f, "module a; wire x; endmodule\n");
  EXPECT_NE(verilator_build_hash({f}, "drv", "cmake", "harness"), h);
  fs::remove_all(dir);

  VerifyOptions o;
  o.work_dir = "/w";
  EXPECT_EQ(verilator_build_dir(o), "/w/sim");
  o.trace = true;
  o.build_dir = "/b/";
  EXPECT_EQ(verilator_build_dir(o), "/b-trace");
}

TEST(IcarusBench, DrivesAllPorts) {
  const std::string v = icarus_testbench(TinyDesign{}, {100, 1, 0.5, 0.0, 3, -1});
  EXPECT_NE(v.find("tiny_top dut ("), std::string::npos) << v;
  EXPECT_NE(v.find("reg [99:0] y_i;"), std::string::npos) << v;
  EXPECT_NE(v.find("$readmemh(\"exp1.hex\", tb_exp1_mem);"), std::string::npos) << v;
  EXPECT_NE(v.find("BUBBLE_T = 17'd32768"), std::string::npos) << v;
  EXPECT_NE(v.find("STALL_T = 17'd0"), std::string::npos) << v;
  EXPECT_NE(v.find("WATCHDOG = 1004"), std::string::npos) << v;
  EXPECT_NE(v.find("$display(\"MISMATCH %0d %0d %h %h\", tb_next_out, tb_cycle, z_o, w_o);"),
            std::string::npos)
      << v;
  EXPECT_NE(v.find("PASS: %0d vectors bit-exact (tiny_top)"), std::string::npos) << v;
}

TEST(MismatchReport, NamesDifferingFieldsOnly) {
  const TinyDesign d;
  const VectorSet vs = make_vectors(d, 1, 0);
  MismatchRecord m;
  m.vector = 1;
  m.cycle = 9;
  m.actual.assign(vs.data.expected(1), vs.data.expected(1) + vs.data.output_words);
  m.actual[0] ^= 0x3;  // z_o.x: 2 bits
  m.actual[1] ^= 0x1;  // z_o bit 64: no field
  const std::string s = describe_mismatch(d, vs, m, 1);
  EXPECT_NE(s.find("mismatch 1 at vector 1 (corner case \"pattern\"), cycle 9"), std::string::npos)
      << s;
  EXPECT_NE(s.find("inputs: x_i=0xa5 y_i=0xffffffffffffffff000000000"), std::string::npos) << s;
  EXPECT_NE(s.find("z_o.x: expected 0xa5 (x=165) actual 0xa6 (x=166)  [2 bits differ]"),
            std::string::npos)
      << s;
  EXPECT_EQ(s.find("z_o.y_lo"), std::string::npos) << s;
  EXPECT_NE(s.find("    z_o: expected 0x"), std::string::npos) << s;  // bit 64 is in no field
  EXPECT_EQ(s.find("w_o"), std::string::npos) << s;
}

}  // namespace
}  // namespace bf::tb
