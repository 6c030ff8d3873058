#include "synth/mapping_library.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <regex>
#include <stdexcept>

#include "synth/area.hpp"
#include "synth/liberty_function.hpp"
#include "util/files.hpp"

namespace bf::synth {

namespace {

// Index just past the group body that opens at text[open] == '{', skipping
// strings and comments.
std::size_t group_end(const std::string& text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      i = text.find('"', i + 1);
      if (i == std::string::npos) return text.size();
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      i = text.find("*/", i + 2);
      if (i == std::string::npos) return text.size();
      ++i;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i + 1;
    }
  }
  return text.size();
}

// A combinational cell without inputs whose only output is constant.
std::string tie_cell(const LibertyLibrary& lib, const char* value) {
  for (const auto& [name, cell] : lib.cells) {
    if (cell.sequential || !cell.inputs().empty()) continue;
    const auto outs = cell.outputs();
    if (outs.size() != 1) continue;
    std::string f;
    for (char c : outs[0]->function)
      if (c != ' ') f += c;
    if (f == value) return name + " " + outs[0]->name;
  }
  return "";
}

}  // namespace

std::string remove_liberty_cells(const std::string& text, const std::set<std::string>& cells,
                                 const std::string& origin) {
  static const std::regex cell_re(R"(\bcell\s*\(\s*\"?([A-Za-z0-9_$\[\]./-]+)\"?\s*\)\s*\{)");
  std::string out;
  std::size_t copied = 0;
  std::set<std::string> found;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), cell_re);
       it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1].str();
    const std::size_t start = static_cast<std::size_t>(it->position(0));
    if (!cells.count(name) || start < copied) continue;
    const std::size_t end = group_end(text, start + static_cast<std::size_t>(it->length(0)) - 1);
    out += text.substr(copied, start - copied);
    out += fmt::format("/* cell {} removed by blockforge (dont_use) */", name);
    copied = end;
    found.insert(name);
  }
  out += text.substr(copied);
  for (const auto& name : cells) {
    if (!found.count(name))
      throw std::runtime_error(fmt::format(
          "dont_use: {} has no cell '{}' (names are case-sensitive; `grep 'cell (' {}` lists them)",
          origin, name, origin));
  }
  return out;
}

MappingLibrary prepare_mapping_library(const std::string& liberty,
                                       const std::vector<std::string>& dont_use) {
  MappingLibrary m;
  m.source = liberty.empty() ? liberty_path() : liberty;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(m.source, ec))
    throw std::runtime_error(fmt::format(
        "liberty: file not found: {} (give the path of a Liberty .lib file, e.g. the typical "
        "corner of your PDK's standard cells)",
        m.source));
  const std::string original = util::read_text(m.source);
  const LibertyLibrary full = parse_liberty_library(original, m.source);
  std::set<std::string> removed(dont_use.begin(), dont_use.end());
  for (const auto& name : removed)
    if (!full.cells.count(name))
      throw std::runtime_error(fmt::format(
          "dont_use: {} has no cell '{}' (names are case-sensitive; `grep 'cell (' {}` lists them)",
          m.source, name, m.source));
  for (const auto& [name, cell] : full.cells)
    if (cell.dont_use) removed.insert(name);
  m.text = removed.empty() ? original : remove_liberty_cells(original, removed, m.source);
  m.library = removed.empty() ? full : parse_liberty_library(m.text, m.source);
  m.library.path = m.source;
  m.tie_high = tie_cell(m.library, "1");
  m.tie_low = tie_cell(m.library, "0");
  for (const auto& [name, cell] : m.library.cells) {
    if (!cell.ff) continue;
    std::string clk;
    for (char c : cell.ff->clocked_on)
      if (c != ' ') clk += c;
    if (clk.find('!') != std::string::npos || clk.find('\'') != std::string::npos) continue;
    if (cell.ff->clear.empty() && cell.ff->preset.empty()) m.has_plain_flop = true;
    if (!cell.ff->clear.empty() && cell.ff->preset.empty()) m.has_async_clear = true;
    if (cell.ff->clear.empty() && !cell.ff->preset.empty()) m.has_async_preset = true;
  }
  double nand2 = 0;
  for (const auto& [name, cell] : m.library.cells) {
    const auto outs = cell.outputs();
    if (cell.sequential || cell.inputs().size() != 2 || outs.size() != 1) continue;
    const std::string a = cell.inputs()[0]->name, b = cell.inputs()[1]->name;
    bool is_nand = true;
    for (int m = 0; m < 4; ++m) {
      const bool va = m & 1, vb = m & 2;
      is_nand &= evaluate_liberty_function(outs[0]->function, {{a, va}, {b, vb}}, cell.name) ==
                 !(va && vb);
    }
    if (is_nand && cell.area_um2 > 0 && (nand2 == 0 || cell.area_um2 < nand2))
      nand2 = cell.area_um2;
  }
  if (nand2 > 0) m.nand2_area_um2 = nand2;
  bool combinational = false;
  for (const auto& [name, cell] : m.library.cells)
    combinational |= !cell.sequential && !cell.inputs().empty();
  if (!combinational || !m.has_plain_flop)
    throw std::runtime_error(fmt::format(
        "liberty: {} has no usable {} after removing the dont_use cells; synthesis needs "
        "combinational cells and a rising-edge D flip-flop",
        m.source, combinational ? "rising-edge D flip-flop" : "combinational cell"));
  return m;
}

std::map<std::string, std::string> mapping_script_values(const MappingLibrary& lib, double clock_ns,
                                                         bool async_reset_to_sync) {
  // Flops with an async reset/set become plain flops plus logic when the
  // user asks for it; otherwise they must map onto a library flop.
  const std::string legalize =
      async_reset_to_sync ? "async2sync\ndfflegalize -cell $_DFF_P_ 01"
                          : "dfflegalize -cell $_DFF_P_ 01 -cell $_DFF_PN0_ 01 -cell $_DFF_PN1_ 01";
  const std::string tie =
      lib.tie_high.empty() || lib.tie_low.empty()
          ? ""
          : fmt::format("hilomap -singleton -hicell {} -locell {}", lib.tie_high, lib.tie_low);
  // Delay-targeted mapping: Yosys 0.23's default liberty script ends in
  // `&nf -D`, which in our measurements returned the area-oriented netlist
  // unchanged for any target (arith_fp_add_fp32 at -D 1..10000: 4.47 ns,
  // 1,908 um^2 every time). The classic mapper with the target, then
  // buffering of high-fanout nets and gate resizing against it, does act:
  // the same adder at -D 2000 maps to 3.35 ns for 1,986 um^2. `topo` before
  // `buffer` because buffer aborts on a mapped node without fanout.
  std::string abc;
  if (clock_ns > 0) {
    const auto ps = fmt::format("{:.0f}", clock_ns * 1000);
    abc = fmt::format(
        "-D {0} -script "
        "+strash;scorr;dc2;dretime;strash;dch,-f;map,-D,{0};topo;buffer,-p;upsize,-D,{0};dnsize,-D,"
        "{0}",
        ps);
  }
  return {{"FLOP_LEGALIZE", legalize}, {"ABC_OPTIONS", abc}, {"TIE_CELLS", tie}};
}

}  // namespace bf::synth
