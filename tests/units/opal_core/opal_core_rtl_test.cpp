// The structure of opal.core's generated activation buffer: a memory
// (`reg [W-1:0] mem [0:D-1]`) without per-entry reset, inferred in a module
// of its own (buffer = "flops") or an instance of a named SRAM macro shipped
// as a simulation model (buffer = "sram"); the core around it is the same
// either way; bad buffer parameters give one error naming the key.
#include "generator/units/opal_core/opal_core_rtl.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "generator/verilog/module.hpp"

namespace bf {
namespace {

const std::string kSmall =
    "unit = \"opal.core\"\nname = \"core_t\"\n[params]\nrows = 2\nmax_blocks = 3\n{}"
    "[params.pe]\nblock = 32\nlanes = 8\noutliers = 2\nact_bits = [3, 5]\n";

std::vector<vlog::Module> modules_of(const std::string& buffer_lines) {
  return design_modules(
      *load_design_text(fmt::format(fmt::runtime(kSmall), buffer_lines), "core_t.toml"));
}

const vlog::Module* find(const std::vector<vlog::Module>& mods, const std::string& name) {
  for (const auto& m : mods)
    if (m.name == name) return &m;
  return nullptr;
}

std::string code(const vlog::Module& m) {
  return std::regex_replace(vlog::print(m), std::regex("//[^\n]*"), "");
}

int word_bits() {
  golden::OpalCoreParams p;
  p.max_blocks = 3;
  p.pe.block = 32;
  p.pe.lanes = 8;
  p.pe.outliers = 2;
  p.pe.act_bits = {3, 5};
  return opal_core::buffer_word_bits(p);
}

TEST(OpalCoreRtl, WordIsOneQuantizedBlock) {
  // scale 8 + 2 outliers x (5-bit index + bf16) + 32 codes x 5 bits + 1 mode bit
  EXPECT_EQ(word_bits(), 8 + 2 * (5 + 16) + 32 * 5 + 1);
}

TEST(OpalCoreRtl, FlopsBufferIsAMemoryWithoutReset) {
  const auto mods = modules_of("");
  const vlog::Module* mem = find(mods, "core_t_act_mem");
  ASSERT_NE(mem, nullptr);
  EXPECT_FALSE(mem->simulation_model);
  const std::string v = code(*mem);
  EXPECT_NE(v.find(fmt::format("reg [{}:0] mem [0:2];", word_bits() - 1)), std::string::npos) << v;
  // No reset anywhere in the memory module: no reset port, no async block.
  EXPECT_EQ(v.find("rst"), std::string::npos) << v;
  EXPECT_EQ(v.find("negedge"), std::string::npos) << v;
  EXPECT_NE(v.find("always @(posedge clk_i)\n    if (we_i) mem[waddr_i] <= wdata_i;"),
            std::string::npos)
      << v;
  EXPECT_NE(v.find("if (re_i) rdata_q <= (we_i & (waddr_i == raddr_i)) ? wdata_i : mem[raddr_i];"),
            std::string::npos)
      << v;
  // The core has no per-slot registers left, and instantiates the memory.
  const std::string core = code(*find(mods, "core_t"));
  EXPECT_EQ(core.find("buf0_"), std::string::npos) << core;
  EXPECT_NE(core.find("core_t_act_mem u_buffer ("), std::string::npos) << core;
  // No SRAM model in the flops design.
  EXPECT_EQ(find(mods, "opal_core_act_sram"), nullptr);
}

TEST(OpalCoreRtl, SramBufferInstantiatesTheMacroAndShipsItsModel) {
  const auto mods = modules_of("buffer = \"sram\"\n");
  EXPECT_EQ(find(mods, "core_t_act_mem"), nullptr);
  const vlog::Module* model = find(mods, "opal_core_act_sram");
  ASSERT_NE(model, nullptr);
  EXPECT_TRUE(model->simulation_model);
  const std::string text = vlog::print(*model);
  EXPECT_NE(text.find("SIMULATION MODEL of the SRAM macro opal_core_act_sram"), std::string::npos);
  EXPECT_NE(text.find("(* blackbox *)\nmodule opal_core_act_sram ("), std::string::npos) << text;
  EXPECT_NE(text.find("`ifndef SYNTHESIS"), std::string::npos);
  EXPECT_NE(text.find(fmt::format("reg [{}:0] mem [0:2];", word_bits() - 1)), std::string::npos);
  EXPECT_NE(code(*find(mods, "core_t")).find("opal_core_act_sram u_buffer ("), std::string::npos);

  // A named macro; the manifest lists its model as a simulation model.
  const auto d = load_design_text(
      fmt::format(fmt::runtime(kSmall), "buffer = \"sram\"\nsram_macro = \"tsmc_rf2p_3x211\"\n"),
      "core_t.toml");
  const auto named = design_modules(*d);
  ASSERT_NE(find(named, "tsmc_rf2p_3x211"), nullptr);
  EXPECT_NE(code(*find(named, "core_t")).find("tsmc_rf2p_3x211 u_buffer ("), std::string::npos);
  const auto j = manifest(*d, {"a.v", "tsmc_rf2p_3x211.v"}, {"tsmc_rf2p_3x211.v"});
  EXPECT_EQ(j["simulation_models"], nlohmann::json::array({"tsmc_rf2p_3x211.v"}));
}

// Both variants are one design: the core differs only in the memory's name.
TEST(OpalCoreRtl, VariantsShareTheCore) {
  std::string flops = code(*find(modules_of(""), "core_t"));
  std::string sram = code(*find(modules_of("buffer = \"sram\"\n"), "core_t"));
  sram = std::regex_replace(sram, std::regex("opal_core_act_sram u_buffer"),
                            "core_t_act_mem u_buffer");
  EXPECT_EQ(flops, sram);
}

std::string error_of(const std::string& buffer_lines) {
  try {
    modules_of(buffer_lines);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(OpalCoreRtl, BadBufferParametersNameTheKey) {
  EXPECT_EQ(error_of("buffer = \"latch\"\n"),
            "core_t.toml:6:1: parameter 'buffer' = \"latch\" is not allowed: expected one of: "
            "flops, sram");
  EXPECT_EQ(error_of("buffer = \"sram\"\nsram_macro = \"Act-SRAM\"\n"),
            "core_t.toml:7:1: parameter 'sram_macro': must be a lower_snake_case Verilog module "
            "name ([a-z][a-z0-9_]*), found \"Act-SRAM\"");
}

}  // namespace
}  // namespace bf
