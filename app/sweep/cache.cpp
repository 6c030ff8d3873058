#include "app/sweep/cache.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "generator/design/rtl_writer.hpp"
#include "generator/verilog/module.hpp"
#include "synth/area.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/process.hpp"

namespace bf::sweep {

namespace {

namespace fs = std::filesystem;

// The first non-empty line of a tool's output, trimmed.
std::string first_line(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    const auto b = line.find_first_not_of(" \t\r");
    if (b != std::string::npos) {
      const auto e = line.find_last_not_of(" \t\r");
      return line.substr(b, e - b + 1);
    }
    start = end + 1;
  }
  return {};
}

std::string tool_version(const std::vector<std::string>& argv, const std::string& log) {
  try {
    util::ProcessOptions opt;
    opt.log_path = log;
    opt.timeout_seconds = 60;
    const auto r = util::run_process(argv, opt);
    const std::string line = first_line(util::read_text(log));
    if (r.ok() && !line.empty()) return line;
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    return fmt::format("{}: `{}` failed (exit {})", argv[0], cmd, r.code);
  } catch (const std::exception&) {
    return argv[0] + ": not found";
  }
}

}  // namespace

ToolVersions query_tool_versions(const std::string& scratch_dir, bool verify) {
  fs::create_directories(scratch_dir);
  ToolVersions t;
  t.blockforge = "blockforge " BLOCKFORGE_VERSION;
  t.yosys = tool_version({"yosys", "-V"}, (fs::path(scratch_dir) / "yosys-version.log").string());
  if (verify)
    t.verilator = tool_version({"verilator", "--version"},
                               (fs::path(scratch_dir) / "verilator-version.log").string());
  util::Hasher h;
  h.add(util::read_text(synth::area_script_path())).add(util::read_text(synth::liberty_path()));
  t.area_flow = h.hex();
  return t;
}

std::vector<std::pair<std::string, std::string>> rtl_sources(const Design& design) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& m : design_modules(design)) out.emplace_back(m.name + ".v", vlog::print(m));
  return out;
}

std::string point_key(const Design& design, const std::string& unit_version,
                      const std::vector<std::pair<std::string, std::string>>& rtl,
                      const KeyInputs& in, const ToolVersions& tools) {
  util::Hasher h;
  h.add("blockforge sweep point v1");
  h.add(design.unit_name()).add(design.top_name()).add(design.params_json().dump());
  h.add(unit_version).add(tools.blockforge);
  h.add(std::to_string(rtl.size()));
  for (const auto& [name, text] : rtl) h.add(name).add(text);
  h.add(tools.yosys).add(tools.area_flow);
  if (!in.flow.empty()) h.add("flow " + in.flow);
  if (in.verify) {
    h.add(fmt::format("verify vectors={} seed={}", in.vectors, in.seed)).add(tools.verilator);
  } else {
    h.add("no verify");
  }
  return h.hex();
}

std::optional<Row> load_cached_row(const std::string& result_path, const std::string& key) {
  std::error_code ec;
  if (!fs::exists(result_path, ec)) return std::nullopt;
  try {
    Row row = Row::parse(util::read_text(result_path));
    if (!row.is_object() || row.value("key", std::string()) != key || !row.contains("status"))
      return std::nullopt;
    return row;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void store_row(const std::string& result_path, const Row& row) {
  util::write_text_atomic(result_path, row.dump(2) + "\n");
}

}  // namespace bf::sweep
