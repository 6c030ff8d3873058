#include "synth/liberty.hpp"

#include <fmt/format.h>

#include <regex>
#include <stdexcept>

#include "synth/verilog_source.hpp"
#include "util/files.hpp"

namespace bf::synth {

std::map<std::string, LibertyCell> read_liberty_cells(const std::string& path) {
  // Liberty comments are C-style, like Verilog's.
  const std::string text = strip_verilog_comments(util::read_text(path));
  static const std::regex cell_re(R"(\bcell\s*\(\s*\"?([A-Za-z0-9_]+)\"?\s*\)\s*\{)");
  static const std::regex area_re(R"(\barea\s*:\s*([0-9.eE+-]+)\s*;)");
  static const std::regex ff_re(R"(\bff\s*\()");
  std::map<std::string, LibertyCell> cells;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), cell_re);
       it != std::sregex_iterator(); ++it) {
    // The cell body runs to the matching closing brace.
    const std::size_t open = it->position(0) + it->length(0);
    std::size_t i = open;
    for (int depth = 1; i < text.size() && depth > 0; ++i) {
      if (text[i] == '{') ++depth;
      if (text[i] == '}') --depth;
    }
    const std::string body = text.substr(open, i - open);
    // The cell's own area attribute precedes its first nested group.
    const std::string head = body.substr(0, body.find('{'));
    std::smatch m;
    LibertyCell cell;
    if (std::regex_search(head, m, area_re)) cell.area_um2 = std::stod(m[1].str());
    cell.sequential = std::regex_search(body, ff_re);
    cells[(*it)[1].str()] = cell;
  }
  if (cells.empty()) throw std::runtime_error(fmt::format("no cells in liberty file {}", path));
  return cells;
}

}  // namespace bf::synth
