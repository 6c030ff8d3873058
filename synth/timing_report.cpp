#include "synth/timing_report.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "util/files.hpp"

namespace bf::synth {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> tokens(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

bool is_number(const std::string& s, double* value = nullptr) {
  if (s.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return false;
  if (value) *value = v;
  return true;
}

bool contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

// The leading numbers of a token list, and where they end.
std::vector<double> leading_numbers(const std::vector<std::string>& t, std::size_t* end) {
  std::vector<double> out;
  std::size_t i = 0;
  for (double v; i < t.size() && is_number(t[i], &v); ++i) out.push_back(v);
  *end = i;
  return out;
}

}  // namespace

std::string unescape_name(const std::string& name) {
  std::string out;
  for (char c : trim(name))
    if (c != '\\') out += c;
  return trim(out);
}

StaPath parse_sta_path(const std::string& text, const std::string& origin) {
  StaPath path;
  std::istringstream in(text);
  std::string line;
  bool in_data = false, arrival_seen = false, required_seen = false, slack_seen = false;
  while (std::getline(in, line)) {
    const auto t = tokens(line);
    if (t.empty()) continue;
    if (!in_data) {
      if (t[0].find("-----") == 0) in_data = true;
      continue;
    }
    std::size_t n_end = 0;
    const std::vector<double> nums = leading_numbers(t, &n_end);
    if (contains(line, "data arrival time")) {
      if (!arrival_seen && !nums.empty()) path.data_arrival_ns = nums.back();
      arrival_seen = true;
      continue;
    }
    if (contains(line, "data required time")) {
      if (!required_seen && !nums.empty()) path.required_ns = nums.back();
      required_seen = true;
      continue;
    }
    if (contains(line, "library setup time")) {
      if (!nums.empty()) path.setup_ns = -nums.front();
      continue;
    }
    if (contains(line, "output external delay")) {
      if (!nums.empty()) path.output_delay_ns = nums.front();
      continue;
    }
    if (t.size() >= 2 && t[t.size() - 2] == "slack" && !nums.empty()) {
      path.slack_ns = nums.front();
      slack_seen = true;
      break;
    }
    if (arrival_seen) continue;  // the capture clock's side
    if (contains(line, "(net)") && nums.size() >= 2 && !path.points.empty()) {
      auto& p = path.points.back();
      p.fanout = static_cast<int>(nums[0]);
      p.load_ff = nums[1];
      std::string net;
      for (std::size_t i = n_end; i + 1 < t.size(); ++i) net += (net.empty() ? "" : " ") + t[i];
      p.net = unescape_name(net);
      continue;
    }
    // A pin: numbers, an edge, the pin, its cell in parentheses.
    // ("0.0 0.0 ^ input external delay" is not one).
    if (n_end + 3 == t.size() && (t[n_end] == "^" || t[n_end] == "v") && nums.size() >= 2 &&
        t.back().size() >= 2 && t.back().front() == '(' && t.back().back() == ')') {
      TimingPoint p;
      p.edge = t[n_end][0];
      p.pin = unescape_name(t[n_end + 1]);
      p.cell = t.back().substr(1, t.back().size() - 2);
      p.arrival_ns = nums[nums.size() - 1];
      p.incr_ns = nums[nums.size() - 2];
      if (nums.size() >= 3) p.slew_ns = nums[nums.size() - 3];
      path.points.push_back(p);
    }
  }
  if (path.points.empty() || !arrival_seen || !slack_seen)
    throw std::runtime_error(
        fmt::format("cannot read the worst path from {}: no path with a slack in it", origin));
  return path;
}

std::map<std::string, std::string> parse_sta_results(const std::string& log) {
  std::map<std::string, std::string> out;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("bf_result ", 0) != 0) continue;
    const std::string rest = line.substr(10);
    const auto sp = rest.find(' ');
    if (sp == std::string::npos) continue;
    out[rest.substr(0, sp)] = trim(rest.substr(sp + 1));
  }
  return out;
}

std::string first_sta_error(const std::string& log) {
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.rfind("Error", 0) == 0 || contains(line, "Creating black box")) {
      if (line.size() > 300) line = line.substr(0, 297) + "...";
      return line;
    }
  }
  return "";
}

NetlistFacts read_netlist_facts(const std::string& path) {
  NetlistFacts f;
  std::istringstream in(util::read_text(path));
  std::string line, module, inst;
  while (std::getline(in, line)) {
    const std::string s = trim(line);
    if (s.empty() || s.rfind("//", 0) == 0 || s.rfind("/*", 0) == 0) continue;
    if (s.rfind("module ", 0) == 0) {
      module =
          trim(s.substr(7, s.find('(') == std::string::npos ? std::string::npos : s.find('(') - 7));
      if (module.back() == ';') module.pop_back();
      module = unescape_name(module);
      f.inputs[module];
      inst.clear();
      continue;
    }
    if (s == "endmodule") {
      module.clear();
      continue;
    }
    if (module.empty()) continue;
    if (s.rfind("input ", 0) == 0) {
      std::string name = s.substr(s.find_last_of(" \t", s.size() - 2) + 1);
      if (!name.empty() && name.back() == ';') name.pop_back();
      f.inputs[module].push_back(unescape_name(name));
      continue;
    }
    if (!inst.empty()) {
      if (s.rfind(");", 0) == 0) {
        inst.clear();
        continue;
      }
      if (s[0] == '.') {
        const auto open = s.find('(');
        const auto close = s.rfind(')');
        if (open != std::string::npos && close != std::string::npos && close > open)
          f.pins[module][inst][s.substr(1, open - 1)] =
              unescape_name(s.substr(open + 1, close - open - 1));
      }
      continue;
    }
    // "TYPE NAME (" starts an instance (names may be escaped: "\g[0].u_x  (").
    if (s.back() == '(' && s[0] != '.' && s.rfind("assign", 0) != 0 && s.rfind("wire", 0) != 0) {
      const auto sp = s.find_first_of(" \t");
      if (sp == std::string::npos) continue;
      const std::string type = s.substr(0, sp);
      const std::string name = unescape_name(s.substr(sp, s.size() - 1 - sp));
      if (name.empty()) continue;
      f.instances[module][name] = unescape_name(type);
      inst = name;
    }
  }
  return f;
}

namespace {

// The module holding the last component of `path`, the instance prefix
// ("u_a/u_b/") and that last component; false when the walk fails.
bool walk(const NetlistFacts& f, const std::string& top, const std::string& path,
          std::string* module, std::string* prefix, std::string* leaf) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : unescape_name(path)) {
    if (c == '/') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  std::string m = top;
  std::string pre;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const auto mi = f.instances.find(m);
    if (mi == f.instances.end()) return false;
    const auto ii = mi->second.find(parts[i]);
    if (ii == mi->second.end()) return false;
    m = ii->second;
    pre += parts[i] + "/";
  }
  *module = m;
  *prefix = pre;
  *leaf = parts.back();
  return true;
}

}  // namespace

std::string NetlistFacts::type_of(const std::string& top, const std::string& path) const {
  std::string m, pre, leaf;
  if (!walk(*this, top, path, &m, &pre, &leaf)) return "";
  const auto mi = instances.find(m);
  if (mi == instances.end()) return "";
  const auto ii = mi->second.find(leaf);
  return ii == mi->second.end() ? "" : ii->second;
}

std::string NetlistFacts::net_of(const std::string& top, const std::string& path,
                                 const std::string& pin) const {
  std::string m, pre, leaf;
  if (!walk(*this, top, path, &m, &pre, &leaf)) return "";
  const auto mi = pins.find(m);
  if (mi == pins.end()) return "";
  const auto ii = mi->second.find(leaf);
  if (ii == mi->second.end()) return "";
  const auto pi = ii->second.find(pin);
  if (pi == ii->second.end() || pi->second.empty()) return "";
  return pre + pi->second;
}

}  // namespace bf::synth
