#include "generator/blocks/flag_terms.hpp"

namespace bf::blocks {

std::string or_terms(const std::vector<std::string>& terms) {
  std::string s;
  for (const auto& t : terms) {
    if (t == "1'b0") continue;
    s += (s.empty() ? "" : " | ") + t;
  }
  return s.empty() ? "1'b0" : s;
}

std::string and_terms(const std::vector<std::string>& terms) {
  std::string s;
  for (const auto& t : terms) {
    if (t == "1'b0") return "1'b0";
    s += (s.empty() ? "" : " & ") + t;
  }
  return "(" + s + ")";
}

std::string flag_wire(vlog::Module& m, const std::string& name, const std::string& expr,
                      const std::string& comment) {
  if (expr == "1'b0") return expr;
  m.wire(name, 1, comment);
  m.assign(name, expr);
  return name;
}

}  // namespace bf::blocks
