#include "synth/equiv_cex.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace bf::synth {
namespace {

std::vector<std::string> split_ws(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_bits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return c == '0' || c == '1' || c == 'x'; });
}

// rst_ni, in_valid_i, out_ready_i, in_ready_o, out_valid_o before data ports.
int control_rank(const std::string& port) {
  static const char* const order[] = {"rst_ni", "in_valid_i", "out_ready_i", "in_ready_o",
                                      "out_valid_o"};
  for (int i = 0; i < 5; ++i)
    if (port == order[i]) return i;
  return 5;
}

constexpr const char* kPrefixA = "a__";
constexpr const char* kPrefixB = "b__";
constexpr const char* kTrigger = "trigger";

}  // namespace

std::optional<SatModel> parse_sat_model(const std::string& log, const std::string& marker) {
  const auto at = log.rfind(marker);
  if (at == std::string::npos) return std::nullopt;
  std::istringstream in(log.substr(at));
  std::string line;
  std::getline(in, line);  // the marker line
  SatModel m;
  bool in_table = false;
  while (std::getline(in, line)) {
    const auto t = split_ws(line);
    if (t.empty()) {
      if (in_table) break;
      continue;
    }
    if (t[0] == "Time" || t[0].rfind("----", 0) == 0) {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    // "<time> <signal> <dec> <hex> <bin>"; dec is "--" for wide signals.
    if (t.size() < 3 || (t[0] != "init" && !all_digits(t[0])) || !is_bits(t.back())) break;
    if (t[0] == "init") continue;
    std::string name = t[1];
    if (!name.empty() && name[0] == '\\') name.erase(0, 1);
    const int step = std::stoi(t[0]);
    if (!m.bits.count(name)) m.names.push_back(name);
    m.bits[name][step] = t.back();
    m.steps = std::max(m.steps, step);
  }
  if (m.names.empty()) return std::nullopt;
  return m;
}

std::string bits_to_hex(const std::string& bits) {
  if (bits.size() == 1) return bits;
  std::string hex;
  for (std::size_t end = bits.size(); end > 0;) {
    const std::size_t begin = end >= 4 ? end - 4 : 0;
    const std::string nibble = bits.substr(begin, end - begin);
    if (nibble.find('x') != std::string::npos) {
      hex.push_back('x');
    } else {
      hex.push_back("0123456789abcdef"[std::stoi(nibble, nullptr, 2)]);
    }
    end = begin;
  }
  std::reverse(hex.begin(), hex.end());
  return "0x" + hex;
}

Counterexample decode_counterexample(const SatModel& model) {
  Counterexample cex;
  for (int step = 1; step <= model.steps; ++step) {
    CexCycle c;
    c.cycle = step;
    for (const auto& name : model.names) {
      const auto& per_step = model.bits.at(name);
      const auto it = per_step.find(step);
      if (it == per_step.end()) continue;
      const std::string value = bits_to_hex(it->second);
      if (name == "clk_i") continue;
      if (name == kTrigger) {
        c.trigger = it->second == "1";
      } else if (name.rfind(kPrefixA, 0) == 0) {
        c.a.push_back({name.substr(3), value});
      } else if (name.rfind(kPrefixB, 0) == 0) {
        c.b.push_back({name.substr(3), value});
      } else {
        c.inputs.push_back({name, value});
      }
    }
    // Handshake ports first, in a fixed order; data ports as sat listed them.
    for (auto* v : {&c.inputs, &c.a, &c.b}) {
      std::stable_sort(v->begin(), v->end(), [](const CexValue& x, const CexValue& y) {
        return control_rank(x.port) < control_rank(y.port);
      });
    }
    // Outputs that differ; data outputs count only when both are valid.
    auto find = [](const std::vector<CexValue>& v, const std::string& port) -> const CexValue* {
      for (const auto& x : v)
        if (x.port == port) return &x;
      return nullptr;
    };
    const CexValue* va = find(c.a, "out_valid_o");
    const CexValue* vb = find(c.b, "out_valid_o");
    const bool both_valid = va && vb && va->value == "1" && vb->value == "1";
    for (const auto& x : c.a) {
      const CexValue* y = find(c.b, x.port);
      if (!y || y->value == x.value) continue;
      const bool control = x.port == "out_valid_o" || x.port == "in_ready_o";
      if (control || both_valid) c.differing.push_back(x.port);
    }
    cex.cycles.push_back(std::move(c));
  }
  return cex;
}

std::string to_text(const Counterexample& cex) {
  std::string out;
  auto join = [](const std::vector<CexValue>& v) {
    std::string s;
    for (const auto& x : v) s += fmt::format(" {}={}", x.port, x.value);
    return s;
  };
  for (const auto& c : cex.cycles) {
    out += fmt::format("  cycle {:<3}{}\n", c.cycle, join(c.inputs));
    out += fmt::format("            A:{}\n", join(c.a));
    std::string mark;
    if (!c.differing.empty()) {
      mark = "   <- differs:";
      for (const auto& p : c.differing) mark += " " + p;
    } else if (c.trigger) {
      mark = "   <- miter fires";
    }
    out += fmt::format("            B:{}{}\n", join(c.b), mark);
  }
  return out;
}

}  // namespace bf::synth
