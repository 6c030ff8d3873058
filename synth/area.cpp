#include "synth/area.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "util/process.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

// Files written into the work directory (names fixed by area.ys).
constexpr const char* kScriptFile = "area.ys";
constexpr const char* kLibertyFile = "cells.lib";
constexpr const char* kLogFile = "yosys.log";
constexpr const char* kConsoleFile = "yosys.console.log";
constexpr const char* kGenericStat = "generic_stat.json";
constexpr const char* kLtp = "ltp.txt";
constexpr const char* kAreaStatJson = "area_stat.json";
constexpr const char* kAreaStatText = "area_stat.txt";
constexpr const char* kMappedNetlist = "mapped.v";

// Yosys 0.23 `stat -tech cmos` costs these generic cells (kernel/cost.h);
// others make it print "N+" and leave them out of N.
const std::set<std::string>& cmos_costed_types() {
  static const std::set<std::string> types = {
      "$_BUF_",    "$_NOT_",   "$_AND_", "$_NAND_", "$_OR_",    "$_NOR_",
      "$_ANDNOT_", "$_ORNOT_", "$_XOR_", "$_XNOR_", "$_AOI3_",  "$_OAI3_",
      "$_AOI4_",   "$_OAI4_",  "$_MUX_", "$_NMUX_", "$_DFF_P_", "$_DFF_N_"};
  return types;
}
// The async reset/set flip-flops left after dfflegalize in area.ys.
const std::set<std::string>& async_flop_types() {
  static const std::set<std::string> types = {"$_DFF_PN0_", "$_DFF_PN1_"};
  return types;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read {}", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", path.string()));
}

// The first line of `text` with a Yosys "ERROR:", trimmed and shortened.
std::string first_error_line(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("ERROR:") == std::string::npos) continue;
    const auto b = line.find_first_not_of(" \t\r");
    const auto e = line.find_last_not_of(" \t\r");
    line = line.substr(b, e - b + 1);
    if (line.size() > 300) line = line.substr(0, 297) + "...";
    return line;
  }
  return "";
}

std::string log_hint(const fs::path& work) {
  return fmt::format("see {}", (work / kLogFile).string());
}

// Runs `yosys -q -l yosys.log -s area.ys` inside `work`; stdout/stderr go to
// yosys.console.log. Returns normally only on exit status 0.
void run_yosys(const fs::path& work, const std::string& top, const util::ToolBudget& budget) {
  const std::string yosys = util::find_on_path("yosys");
  if (yosys.empty()) {
    throw std::runtime_error("yosys not found on PATH; install it with apt-get install yosys");
  }
  const std::string console = (work / kConsoleFile).string();
  util::ProcessOptions opt;
  opt.log_path = console;
  opt.cwd = work.string();
  const util::ProcessResult res =
      util::run_process({yosys, "-q", "-l", kLogFile, "-s", kScriptFile}, budget.apply(opt));
  util::throw_if_stopped(res, fmt::format("area of '{}': yosys", top), (work / kLogFile).string());
  if (res.ok()) return;

  std::string what;
  for (const char* file : {kLogFile, kConsoleFile}) {
    std::error_code ec;
    if (!fs::exists(work / file, ec)) continue;
    what = first_error_line(read_text(work / file));
    if (!what.empty()) break;
  }
  if (what.empty()) {
    what = res.code > 128 ? fmt::format("yosys killed by signal {}", res.code - 128)
                          : fmt::format("yosys exited with status {}", res.code);
  }
  throw std::runtime_error(fmt::format("area of '{}' failed: {} ({})", top, what, log_hint(work)));
}

nlohmann::json read_json_report(const fs::path& work, const char* file) {
  const fs::path path = work / file;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw std::runtime_error(fmt::format("yosys wrote no {} ({})", path.string(), log_hint(work)));
  }
  try {
    return nlohmann::json::parse(read_text(path));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(
        fmt::format("cannot parse {}: {} ({})", path.string(), e.what(), log_hint(work)));
  }
}

// The stats of `top` in a `stat -json` report.
const nlohmann::json& module_stats(const nlohmann::json& stat, const std::string& top,
                                   const fs::path& work, const char* file) {
  const auto modules = stat.find("modules");
  if (modules != stat.end() && modules->is_object()) {
    const auto it = modules->find("\\" + top);
    if (it != modules->end()) return *it;
    if (modules->size() == 1) return modules->begin().value();
  }
  throw std::runtime_error(
      fmt::format("module '{}' missing from {} ({})", top, (work / file).string(), log_hint(work)));
}

std::map<std::string, long> cells_by_type(const nlohmann::json& stats) {
  std::map<std::string, long> cells;
  const auto it = stats.find("num_cells_by_type");
  if (it == stats.end()) return cells;
  for (const auto& [type, count] : it->items()) cells[type] = count.get<long>();
  return cells;
}

std::string join_types(const std::map<std::string, long>& cells) {
  std::string out;
  for (const auto& [type, count] : cells) {
    out += fmt::format("{}{} x{}", out.empty() ? "" : ", ", type, count);
  }
  return out;
}

// Transistors of the generic netlist: `stat -tech cmos` plus the async
// reset/set flip-flops it does not cost (see kAsyncFlopTransistors).
long generic_transistors(const nlohmann::json& stats, const fs::path& work) {
  const auto it = stats.find("estimated_num_transistors");
  if (it == stats.end()) {
    throw std::runtime_error(fmt::format("no transistor estimate in {} ({})",
                                         (work / kGenericStat).string(), log_hint(work)));
  }
  std::string text = it->is_string() ? it->get<std::string>() : it->dump();
  const bool partial = text.find('+') != std::string::npos;
  long count = 0;
  try {
    count = std::stol(text);
  } catch (const std::exception&) {
    throw std::runtime_error(
        fmt::format("bad transistor estimate '{}' in {}", text, (work / kGenericStat).string()));
  }
  if (!partial) return count;

  std::map<std::string, long> uncosted;
  long async_flops = 0;
  for (const auto& [type, n] : cells_by_type(stats)) {
    if (async_flop_types().count(type)) {
      async_flops += n;
    } else if (!cmos_costed_types().count(type)) {
      uncosted[type] = n;
    }
  }
  if (!uncosted.empty() || async_flops == 0) {
    throw std::runtime_error(fmt::format("stat -tech cmos cannot cost cells {} ({})",
                                         uncosted.empty() ? text : join_types(uncosted),
                                         log_hint(work)));
  }
  return count + async_flops * kAsyncFlopTransistors;
}

int read_logic_depth(const fs::path& work) {
  const fs::path path = work / kLtp;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw std::runtime_error(fmt::format("yosys wrote no {} ({})", path.string(), log_hint(work)));
  }
  const std::string text = read_text(path);
  static const std::regex length_re(R"(Longest topological path in .* \(length=(\d+)\))");
  int depth = -1;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), length_re);
       it != std::sregex_iterator(); ++it) {
    depth = std::max(depth, std::stoi((*it)[1].str()));
  }
  if (depth < 0) {
    // ltp prints nothing for a module without cells (a pure passthrough).
    if (text.find("Executing LTP pass") != std::string::npos &&
        text.find("Longest") == std::string::npos) {
      return 0;
    }
    throw std::runtime_error(
        fmt::format("no logic depth in {} ({})", path.string(), log_hint(work)));
  }
  return depth;
}

// "Chip area for module '\top': 17.024000" of the text stat report, if any.
std::optional<double> yosys_chip_area(const fs::path& work) {
  const std::string text = read_text(work / kAreaStatText);
  static const std::regex area_re(R"(Chip area for module [^:]*:\s*([0-9.eE+-]+))");
  std::smatch m;
  if (!std::regex_search(text, m, area_re)) return std::nullopt;
  return std::stod(m[1].str());
}

long long to_micro(double um2) { return std::llround(um2 * 1e6); }

bool is_identifier(const std::string& s) {
  static const std::regex id_re(R"([A-Za-z_][A-Za-z0-9_$]*)");
  return std::regex_match(s, id_re);
}

std::string fill_script(const std::string& tmpl, const std::vector<std::string>& files,
                        const std::string& top) {
  std::string read_lines;
  for (const auto& f : files) read_lines += fmt::format("read_verilog \"{}\"\n", f);
  if (!read_lines.empty()) read_lines.pop_back();

  std::istringstream in(tmpl);
  std::string out, line;
  while (std::getline(in, line)) {
    if (line.rfind('#', 0) != 0) {  // placeholders only outside comments
      if (line == "@READ_VERILOG@") line = read_lines;
      for (std::size_t pos; (pos = line.find("@TOP@")) != std::string::npos;) {
        line.replace(pos, 5, top);
      }
    }
    out += line;
    out += '\n';
  }
  return out;
}

std::string strip_comments(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 2, "/*") == 0) {
      const auto end = text.find("*/", i + 2);
      i = end == std::string::npos ? text.size() : end + 2;
      out += ' ';
    } else if (text.compare(i, 2, "//") == 0) {
      i = text.find('\n', i);
      if (i == std::string::npos) i = text.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace

std::string stable_hash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", h);
}

std::string synth_dir() {
  if (const char* env = std::getenv("BLOCKFORGE_SYNTH_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return BLOCKFORGE_SYNTH_DIR;
}

std::string area_script_path() { return (fs::path(synth_dir()) / "area.ys").string(); }

std::string liberty_path() { return (fs::path(synth_dir()) / "cells.lib").string(); }

std::map<std::string, LibertyCell> read_liberty_cells(const std::string& path) {
  const std::string text = strip_comments(read_text(path));
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

AreaReport run_area(const std::vector<std::string>& verilog_files, const std::string& top,
                    const std::string& work_dir, const util::ToolBudget& budget) {
  if (verilog_files.empty()) throw std::runtime_error("area: no Verilog files given");
  if (!is_identifier(top)) {
    throw std::runtime_error(fmt::format("area: '{}' is not a Verilog module name", top));
  }
  if (work_dir.empty()) throw std::runtime_error("area: empty work directory");
  std::vector<std::string> files;
  for (const auto& f : verilog_files) {
    std::error_code ec;
    if (!fs::is_regular_file(f, ec)) {
      throw std::runtime_error(fmt::format("area: Verilog file not found: {}", f));
    }
    const std::string abs = fs::absolute(f).lexically_normal().string();
    if (abs.find_first_of("\"\n\r") != std::string::npos) {
      throw std::runtime_error(fmt::format("area: unsupported character in file name: {}", f));
    }
    files.push_back(abs);
  }

  const fs::path work = fs::absolute(work_dir).lexically_normal();
  std::error_code ec;
  fs::create_directories(work, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("area: cannot create work directory {}: {}", work.string(), ec.message()));
  }
  for (const char* stale :
       {kLogFile, kConsoleFile, kGenericStat, kLtp, kAreaStatJson, kAreaStatText, kMappedNetlist}) {
    fs::remove(work / stale, ec);
  }

  const std::string script_template = read_text(area_script_path());
  const std::string liberty_text = read_text(liberty_path());
  const auto library = read_liberty_cells(liberty_path());
  write_text(work / kScriptFile, fill_script(script_template, files, top));
  write_text(work / kLibertyFile, liberty_text);

  run_yosys(work, top, budget);

  AreaReport r;
  r.top = top;
  r.script_hash = stable_hash(script_template);
  r.liberty_hash = stable_hash(liberty_text);

  // Mapped netlist: cells, area, registers.
  const nlohmann::json area_stat = read_json_report(work, kAreaStatJson);
  r.yosys_version = area_stat.value("creator", std::string("Yosys (unknown version)"));
  r.cells = cells_by_type(module_stats(area_stat, top, work, kAreaStatJson));
  std::map<std::string, long> unmapped;
  long long area_micro = 0, flop_micro = 0;
  for (const auto& [type, count] : r.cells) {
    const auto lib = library.find(type);
    if (lib == library.end()) {
      unmapped[type] = count;
      continue;
    }
    r.cell_count += count;
    r.cell_area_um2[type] = lib->second.area_um2;
    const long long micro = count * to_micro(lib->second.area_um2);
    area_micro += micro;
    if (lib->second.sequential) {
      r.flops += count;
      flop_micro += micro;
      r.flop_types.insert(type);
    }
  }
  if (!unmapped.empty()) {
    throw std::runtime_error(
        fmt::format("area of '{}': cells not in cells.lib after mapping: {} ({})", top,
                    join_types(unmapped), log_hint(work)));
  }
  r.area_um2 = static_cast<double>(area_micro) / 1e6;
  r.flop_area_um2 = static_cast<double>(flop_micro) / 1e6;
  r.nand2_eq = r.area_um2 / kNand2AreaUm2;
  // Cross-check against Yosys' own sum (it prints 6 decimals).
  if (const auto yosys_area = yosys_chip_area(work);
      yosys_area && std::abs(*yosys_area - r.area_um2) > 1e-5 + 1e-9 * r.area_um2) {
    throw std::runtime_error(
        fmt::format("area of '{}': Yosys reports {:.6f} um^2 but cells.lib gives {:.6f} um^2 ({})",
                    top, *yosys_area, r.area_um2, log_hint(work)));
  }

  // Generic netlist: transistors and logic depth.
  const nlohmann::json generic_stat = read_json_report(work, kGenericStat);
  r.transistors = generic_transistors(module_stats(generic_stat, top, work, kGenericStat), work);
  r.transistor_nand2_eq = static_cast<double>(r.transistors) / kNand2Transistors;
  r.logic_depth = read_logic_depth(work);
  return r;
}

nlohmann::ordered_json to_json(const AreaReport& r) {
  nlohmann::ordered_json j;
  j["top"] = r.top;
  j["area_um2"] = r.area_um2;
  j["nand2_eq"] = r.nand2_eq;
  nlohmann::ordered_json cells = nlohmann::ordered_json::object();
  for (const auto& [type, count] : r.cells) cells[type] = count;
  j["cells"] = std::move(cells);
  j["cell_count"] = r.cell_count;
  j["flops"] = r.flops;
  j["flop_area_um2"] = r.flop_area_um2;
  j["transistors"] = r.transistors;
  j["transistor_nand2_eq"] = r.transistor_nand2_eq;
  j["logic_depth"] = r.logic_depth;
  j["tool"] = {{"yosys_version", r.yosys_version},
               {"script", "synth/area.ys"},
               {"script_hash", r.script_hash},
               {"liberty", "synth/cells.lib"},
               {"liberty_hash", r.liberty_hash}};
  return j;
}

std::string to_table(const AreaReport& r) {
  const auto share = [&](double a) { return r.area_um2 > 0 ? 100.0 * a / r.area_um2 : 0.0; };
  std::string out;
  out += fmt::format("Area of {} ({}; synth/area.ys {}, synth/cells.lib {})\n", r.top,
                     r.yosys_version, r.script_hash, r.liberty_hash);
  out += fmt::format("  {:<22}{:>14.3f} um^2\n", "area", r.area_um2);
  out += fmt::format("  {:<22}{:>14.1f} (area / {} um^2)\n", "NAND2-equivalent", r.nand2_eq,
                     kNand2AreaUm2);
  out += fmt::format("  {:<22}{:>14}\n", "cells", r.cell_count);
  out += fmt::format("  {:<22}{:>14} ({:.3f} um^2, {:.1f}% of area)\n", "registers (flops)",
                     r.flops, r.flop_area_um2, share(r.flop_area_um2));
  out += fmt::format("  {:<22}{:>14} (= {:.1f} NAND2-eq; generic netlist, stat -tech cmos)\n",
                     "transistors", r.transistors, r.transistor_nand2_eq);
  out += fmt::format("  {:<22}{:>14} (generic gates, ltp -noff)\n", "logic depth", r.logic_depth);

  const auto section = [&](const char* title, bool sequential) {
    long count = 0;
    double area = 0;
    std::string rows;
    for (const auto& [type, n] : r.cells) {
      if (r.flop_types.count(type) != (sequential ? 1u : 0u)) continue;
      const auto unit = r.cell_area_um2.find(type);
      const double a = unit == r.cell_area_um2.end() ? 0.0 : n * unit->second;
      rows += fmt::format("  {:<10}{:>10}{:>14.3f}{:>9.1f}%\n", type, n, a, share(a));
      count += n;
      area += a;
    }
    std::string s =
        fmt::format("\n  {:<10}{:>10}{:>14}{:>10}\n", title, "count", "area um^2", "share");
    s += rows.empty() ? "  (none)\n" : rows;
    s += fmt::format("  {:<10}{:>10}{:>14.3f}{:>9.1f}%\n", "subtotal", count, area, share(area));
    return s;
  };
  out += section("logic", false);
  out += section("registers", true);
  return out;
}

}  // namespace bf::synth
