// Splitting Verilog files into module texts (no Yosys needed).

#include "synth/verilog_source.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "tests/synth/synth_fixture.hpp"

namespace bf::synth {
namespace {

std::string error_of(const std::string& text) {
  try {
    split_modules(text, "x.v");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(StripComments, RemovesCommentsKeepsLinesStringsAndPragmas) {
  EXPECT_EQ(strip_verilog_comments("a // c\nb"), "a \nb");
  EXPECT_EQ(strip_verilog_comments("a /* x\ny */ b"), "a \n b");
  EXPECT_EQ(strip_verilog_comments("a/*x*/b"), "a b");
  EXPECT_EQ(strip_verilog_comments("$display(\"// not a comment\");"),
            "$display(\"// not a comment\");");
  EXPECT_EQ(strip_verilog_comments("case (s) // synopsys full_case\n"),
            "case (s) // synopsys full_case\n");
  EXPECT_EQ(strip_verilog_comments("x /* synthesis keep */ y"), "x /* synthesis keep */ y");
  EXPECT_EQ(strip_verilog_comments("\\esc//id  z"), "\\esc//id  z");
}

TEST(SplitModules, OneTextPerModuleWithTheFilesDirectives) {
  const std::string text =
      "// header\n`default_nettype none\nmodule a(input wire x); endmodule\n"
      "/* between */ (* keep_hierarchy *)\nmodule b; a u(.x(1'b0)); endmodule // b\n";
  const auto mods = split_modules(text, "f.v");
  ASSERT_EQ(mods.size(), 2u);
  EXPECT_EQ(mods[0].name, "a");
  EXPECT_EQ(mods[0].line, 3);
  EXPECT_EQ(mods[0].text, "`default_nettype none\nmodule a(input wire x); endmodule\n");
  EXPECT_EQ(mods[1].name, "b");
  EXPECT_EQ(mods[1].line, 5);
  // Directives stay in force for later modules; the attribute belongs to b.
  EXPECT_EQ(mods[1].text,
            "`default_nettype none\n(* keep_hierarchy *) module b; a u(.x(1'b0)); endmodule\n");
  EXPECT_EQ(mods[1].file, "f.v");
}

TEST(SplitModules, CommentsAroundAModuleDoNotChangeItsText) {
  const std::string body = "module m(input wire a, output wire b);\n  assign b = a;\nendmodule\n";
  const auto one = split_modules("// config hash 1\n" + body, "a.v");
  const auto two =
      split_modules("// another header\n// config hash 2\n" + body + "// end\n", "b.v");
  ASSERT_EQ(one.size(), 1u);
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(one[0].text, two[0].text);
}

TEST(SplitModules, EndmoduleInsideAStringOrNameIsNotTheEnd) {
  const auto mods = split_modules(
      "module m; initial $display(\"endmodule\"); wire endmodule_q; endmodule\n", "s.v");
  ASSERT_EQ(mods.size(), 1u);
  EXPECT_NE(mods[0].text.find("endmodule_q; endmodule"), std::string::npos);
}

TEST(SplitModules, WhatItCannotSplitIsAnErrorWithThePlace) {
  EXPECT_NE(error_of("`include \"defs.vh\"\nmodule m; endmodule\n").find("x.v:1: `include"),
            std::string::npos);
  EXPECT_NE(error_of("`ifdef A\nmodule m; endmodule\n`endif\n").find("x.v:1: `ifdef"),
            std::string::npos);
  EXPECT_NE(error_of("\nmodule m;\n").find("x.v:2: module 'm' has no endmodule"),
            std::string::npos);
  EXPECT_NE(error_of("module m;\nmodule n; endmodule\n").find("no endmodule before the next"),
            std::string::npos);
  EXPECT_NE(error_of("module m; /* open\n").find("x.v:1: unterminated /* comment"),
            std::string::npos);
  // Inside a module, conditionals are the module's own business.
  EXPECT_EQ(error_of("module m;\n`ifdef A\nwire a;\n`endif\nendmodule\n"), "");
}

using ReadModules = testing::SynthTest;

TEST_F(ReadModules, ADuplicateNamesBothPlaces) {
  const std::string a = write("a.v", "module m; endmodule\n");
  const std::string b = write("b.v", "\nmodule n; endmodule\nmodule m; endmodule\n");
  EXPECT_EQ(read_modules({a}).size(), 1u);
  try {
    read_modules({a, b});
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              b + ":3: module 'm' is defined again (first at " + a + ":1); keep one of them");
  }
}

}  // namespace
}  // namespace bf::synth
