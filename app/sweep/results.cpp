#include "app/sweep/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "util/files.hpp"

namespace bf::sweep {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

const char* const kToolKeys[] = {"blockforge", "yosys", "verilator"};

// row[a][b] or null.
const json& at(const json& row, const char* a, const char* b = nullptr) {
  static const json null;
  if (!row.is_object()) return null;
  const auto it = row.find(a);
  if (it == row.end()) return null;
  if (b == nullptr) return *it;
  if (!it->is_object()) return null;
  const auto jt = it->find(b);
  return jt == it->end() ? null : *jt;
}

std::vector<std::string> unit_metric_keys(const std::vector<Row>& rows) {
  const auto& area = area_metric_keys();
  std::set<std::string> keys;
  for (const auto& row : rows) {
    const json& m = at(row, "metrics");
    if (!m.is_object()) continue;
    for (const auto& [k, v] : m.items())
      if (std::find(area.begin(), area.end(), k) == area.end()) keys.insert(k);
  }
  return {keys.begin(), keys.end()};
}

std::string csv_line(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) line += ',';
    line += cells[i];
  }
  return line + "\n";
}

std::string quoted(const std::string& s) {
  const bool needs = s.find_first_of(",\"\r\n") != std::string::npos ||
                     (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!needs) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

const std::vector<std::string>& area_metric_keys() {
  static const std::vector<std::string> keys = {"area_um2", "nand2_eq",   "logic_depth",
                                                "flops",    "cell_count", "transistors"};
  return keys;
}

std::string csv_cell(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return quoted(v.get<std::string>());
  return quoted(v.dump());
}

std::string results_csv(const SweepSpec& spec, const std::vector<Row>& rows) {
  const std::vector<std::string> swept = spec.swept_keys();
  const std::vector<std::string> unit_keys = unit_metric_keys(rows);
  std::vector<std::string> header = {"index"};
  for (const auto& k : swept) header.push_back(quoted(k));
  header.insert(header.end(), {"status", "error"});
  for (const auto& k : area_metric_keys()) header.push_back(k);
  const std::vector<std::string> tail = {"verified",   "vectors", "vectors_per_second",
                                         "seconds",    "cached",  "key",
                                         "blockforge", "yosys",   "verilator"};
  for (const auto& k : unit_keys) {
    // A metric named like another column (a swept parameter, say) is told
    // apart by its JSON path.
    const bool clash = std::find(header.begin(), header.end(), quoted(k)) != header.end() ||
                       std::find(tail.begin(), tail.end(), k) != tail.end();
    header.push_back(quoted(clash ? "metrics." + k : k));
  }
  header.insert(header.end(), tail.begin(), tail.end());
  std::string out = csv_line(header);
  for (const auto& row : rows) {
    std::vector<std::string> cells = {csv_cell(at(row, "index"))};
    for (const auto& k : swept) cells.push_back(csv_cell(at(row, "params", k.c_str())));
    cells.push_back(csv_cell(at(row, "status")));
    cells.push_back(csv_cell(at(row, "error")));
    for (const auto& k : area_metric_keys())
      cells.push_back(csv_cell(at(row, "metrics", k.c_str())));
    for (const auto& k : unit_keys) cells.push_back(csv_cell(at(row, "metrics", k.c_str())));
    cells.push_back(csv_cell(at(row, "verify", "pass")));
    cells.push_back(csv_cell(at(row, "verify", "vectors")));
    cells.push_back(csv_cell(at(row, "verify", "vectors_per_second")));
    cells.push_back(csv_cell(at(row, "seconds")));
    cells.push_back(csv_cell(at(row, "cached")));
    cells.push_back(csv_cell(at(row, "key")));
    for (const char* tool : kToolKeys) cells.push_back(csv_cell(at(row, "tools", tool)));
    out += csv_line(cells);
  }
  return out;
}

json results_json(const SweepSpec& spec, const std::vector<Row>& rows) {
  json tools = json::object();
  for (const char* tool : kToolKeys) {
    std::vector<std::string> seen;
    for (const auto& row : rows) {
      const json& v = at(row, "tools", tool);
      if (!v.is_string()) continue;
      const std::string s = v.get<std::string>();
      if (std::find(seen.begin(), seen.end(), s) == seen.end()) seen.push_back(s);
    }
    std::string joined;
    for (const auto& s : seen) joined += (joined.empty() ? "" : "; ") + s;
    tools[tool] = joined;
  }
  std::size_t ok = 0;
  for (const auto& row : rows) ok += at(row, "status") == "ok";
  json j;
  j["sweep"] = spec.name;
  j["unit"] = spec.unit;
  j["sweep_file"] = spec.path;
  j["swept"] = spec.swept_keys();
  j["tools"] = std::move(tools);
  j["points"] = rows.size();
  j["ok"] = ok;
  j["failed"] = rows.size() - ok;
  j["rows"] = rows;
  return j;
}

void write_results(const std::string& out_dir, const SweepSpec& spec,
                   const std::vector<Row>& rows) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", out_dir, ec.message()));
  // CSV first: results.json is what merges and resumes read, so it is the
  // last file to change.
  util::write_text_atomic((fs::path(out_dir) / "results.csv").string(), results_csv(spec, rows));
  util::write_text_atomic((fs::path(out_dir) / "results.json").string(),
                          results_json(spec, rows).dump(2) + "\n");
}

json read_results_json(const std::string& dir) {
  const std::string path = (fs::path(dir) / "results.json").string();
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw std::runtime_error(path + ": missing (did that sweep or shard run to the end?)");
  json j;
  try {
    j = json::parse(util::read_text(path));
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": not a sweep results file: " + e.what());
  }
  if (!j.is_object() || !j.contains("rows") || !j["rows"].is_array() || !j.contains("sweep"))
    throw std::runtime_error(path + ": not a sweep results file (no sweep name or rows)");
  return j;
}

}  // namespace bf::sweep
