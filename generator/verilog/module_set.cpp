#include "generator/verilog/module_set.hpp"

#include <fmt/format.h>

#include <cctype>
#include <functional>
#include <set>
#include <stdexcept>

namespace bf::vlog {

namespace {

// What a name in a module is, for connection checks.
struct Symbol {
  int width = 1;
  bool is_reg = false;
  bool is_memory = false;
};

std::map<std::string, Symbol> symbols(const Module& m) {
  std::map<std::string, Symbol> s;
  for (const auto& p : m.ports) s[p.name] = {p.width, false, false};
  for (const auto& item : m.items) {
    if (const auto* n = std::get_if<Net>(&item)) s[n->name] = {n->width, n->is_reg, false};
    if (const auto* mem = std::get_if<Memory>(&item)) s[mem->name] = {mem->width, true, true};
  }
  return s;
}

// Recursive descent over the connection subset of Verilog expressions.
class WidthParser {
 public:
  WidthParser(const std::string& e, const std::map<std::string, Symbol>& syms,
              const std::map<std::string, int>& locals)
      : e_(e), syms_(syms), locals_(locals) {}

  // nullopt: not a connection expression. `lvalue` is cleared when the
  // expression cannot be driven (a literal, a reg, a memory word).
  std::optional<int> parse(bool& lvalue) {
    lvalue = true;
    auto w = primary(lvalue);
    skip_space();
    if (!w || pos_ != e_.size()) return std::nullopt;
    return w;
  }

 private:
  void skip_space() {
    while (pos_ < e_.size() && std::isspace(static_cast<unsigned char>(e_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skip_space();
    if (pos_ < e_.size() && e_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool eat(const char* s) {
    skip_space();
    const std::string t(s);
    if (e_.compare(pos_, t.size(), t) == 0) {
      pos_ += t.size();
      return true;
    }
    return false;
  }
  std::optional<long> integer() {
    skip_space();
    const std::size_t b = pos_;
    while (pos_ < e_.size() && std::isdigit(static_cast<unsigned char>(e_[pos_]))) ++pos_;
    if (b == pos_) return std::nullopt;
    return std::stol(e_.substr(b, pos_ - b));
  }
  // Skips an index expression up to the matching ']' or a ':' / '+:' / '-:'
  // at depth 0; its value does not matter for the width.
  void skip_index() {
    int depth = 0;
    while (pos_ < e_.size()) {
      const char c = e_[pos_];
      if (depth == 0 && (c == ']' || c == ':')) return;
      if (depth == 0 && (c == '+' || c == '-') && pos_ + 1 < e_.size() && e_[pos_ + 1] == ':')
        return;
      if (c == '[' || c == '(' || c == '{') ++depth;
      if (c == ']' || c == ')' || c == '}') --depth;
      ++pos_;
    }
  }

  std::optional<int> primary(bool& lvalue) {
    skip_space();
    if (pos_ >= e_.size()) return std::nullopt;
    const char c = e_[pos_];
    if (c == '{') return braces(lvalue);
    if (std::isdigit(static_cast<unsigned char>(c))) {
      lvalue = false;
      const auto size = integer();
      skip_space();
      if (!size || pos_ >= e_.size() || e_[pos_] != '\'') return std::nullopt;  // unsized
      ++pos_;
      if (pos_ < e_.size() && (e_[pos_] == 's' || e_[pos_] == 'S')) ++pos_;
      if (pos_ >= e_.size() || !std::isalpha(static_cast<unsigned char>(e_[pos_])))
        return std::nullopt;
      ++pos_;
      const std::size_t b = pos_;
      while (pos_ < e_.size() && (std::isxdigit(static_cast<unsigned char>(e_[pos_])) ||
                                  e_[pos_] == '_' || e_[pos_] == 'x' || e_[pos_] == 'z'))
        ++pos_;
      if (b == pos_) return std::nullopt;
      return static_cast<int>(*size);
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return name(lvalue);
    return std::nullopt;
  }

  std::optional<int> name(bool& lvalue) {
    const std::size_t b = pos_;
    while (pos_ < e_.size() &&
           (std::isalnum(static_cast<unsigned char>(e_[pos_])) || e_[pos_] == '_'))
      ++pos_;
    const std::string id = e_.substr(b, pos_ - b);
    Symbol sym;
    if (const auto l = locals_.find(id); l != locals_.end()) {
      sym.width = l->second;
    } else if (const auto s = syms_.find(id); s != syms_.end()) {
      sym = s->second;
    } else {
      return std::nullopt;
    }
    if (sym.is_reg) lvalue = false;
    if (!eat('[')) return sym.is_memory ? std::nullopt : std::optional<int>(sym.width);
    if (sym.is_memory) {
      // One word of a memory: mem[index].
      skip_index();
      if (!eat(']')) return std::nullopt;
      return sym.width;
    }
    skip_space();
    const std::size_t index_start = pos_;
    skip_index();
    std::optional<int> w;
    if (eat("+:") || eat("-:")) {
      const auto n = integer();
      if (!n) return std::nullopt;
      w = static_cast<int>(*n);
    } else if (eat(':')) {
      // name[msb:lsb] with integer bounds.
      const std::string msb = e_.substr(index_start, pos_ - 1 - index_start);
      const auto lsb = integer();
      if (!lsb || msb.find_first_not_of("0123456789 ") != std::string::npos) return std::nullopt;
      w = std::stoi(msb) - static_cast<int>(*lsb) + 1;
    } else {
      w = 1;
    }
    if (!eat(']')) return std::nullopt;
    return w;
  }

  std::optional<int> braces(bool& lvalue) {
    eat('{');
    // Replication {n{e}}: an integer count followed by '{'.
    const std::size_t save = pos_;
    if (const auto count = integer(); count && eat('{')) {
      lvalue = false;
      bool inner_lv = true;
      const auto w = primary(inner_lv);
      if (!w || !eat('}') || !eat('}')) return std::nullopt;
      return static_cast<int>(*count) * *w;
    }
    pos_ = save;
    int total = 0;
    while (true) {
      const auto w = primary(lvalue);
      if (!w) return std::nullopt;
      total += *w;
      if (eat('}')) return total;
      if (!eat(',')) return std::nullopt;
    }
  }

  const std::string& e_;
  const std::map<std::string, Symbol>& syms_;
  const std::map<std::string, int>& locals_;
  std::size_t pos_ = 0;
};

void check_instance(const Module& parent, const std::map<std::string, Symbol>& syms,
                    const std::map<std::string, int>& locals, const Instance& inst,
                    const Module& child) {
  const auto where = [&](const std::string& port) {
    return fmt::format("vlog: module {}, instance {} of {}, port {}", parent.name, inst.name,
                       child.name, port);
  };
  std::set<std::string> seen;
  for (const auto& [port, expr] : inst.connections) {
    const Port* p = find_port(child, port);
    if (!p) throw std::logic_error(where(port) + ": no such port");
    if (!seen.insert(port).second) throw std::logic_error(where(port) + ": connected twice");
    if (expr.empty()) {
      if (p->dir == Dir::In) throw std::logic_error(where(port) + ": input left open");
      continue;
    }
    bool lvalue = true;
    WidthParser wp(expr, syms, locals);
    const auto w = wp.parse(lvalue);
    if (!w)
      throw std::logic_error(where(port) + ": '" + expr +
                             "' is not a connection (use a declared name, a select, a sized "
                             "literal or a concatenation; compute anything else on a wire)");
    if (*w != p->width)
      throw std::logic_error(
          fmt::format("{}: '{}' is {} bits, the port {}", where(port), expr, *w, p->width));
    if (p->dir == Dir::Out && !lvalue)
      throw std::logic_error(where(port) + ": output drives '" + expr +
                             "', which is not a wire (a reg, literal or replication)");
  }
  for (const auto& p : child.ports)
    if (!seen.count(p.name)) throw std::logic_error(where(p.name) + ": not connected");
}

}  // namespace

std::optional<int> connection_width(const std::string& expr, const Module& m,
                                    const std::map<std::string, int>& locals) {
  const auto syms = symbols(m);
  bool lvalue = true;
  return WidthParser(expr, syms, locals).parse(lvalue);
}

std::vector<Module> finalize_modules(std::vector<Module> modules, const std::string& top) {
  // Primitives travel inside the modules that use them: bring them out.
  for (std::size_t i = 0; i < modules.size(); ++i) {
    auto subs = std::move(modules[i].submodules);
    modules[i].submodules.clear();
    for (auto& sub : subs) modules.push_back(std::move(sub));
  }
  std::map<std::string, Module> by_name;
  std::map<std::string, std::string> text;
  for (auto& m : modules) {
    std::string t = print(m);  // also checks the declaration order
    if (const auto it = text.find(m.name); it != text.end()) {
      if (it->second != t)
        throw std::logic_error("vlog: two different modules are both called " + m.name +
                               "; derive module names from everything that shapes the body");
      continue;
    }
    text.emplace(m.name, std::move(t));
    by_name.emplace(m.name, std::move(m));
  }
  if (!by_name.count(top)) throw std::logic_error("vlog: the top module " + top + " is missing");

  std::vector<Module> ordered;
  std::set<std::string> done, active;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    if (done.count(name)) return;
    if (!active.insert(name).second)
      throw std::logic_error("vlog: module " + name + " instantiates itself");
    const Module& m = by_name.at(name);
    const auto syms = symbols(m);
    const auto child_of = [&](const Instance& inst) -> const Module& {
      const auto it = by_name.find(inst.module);
      if (it == by_name.end())
        throw std::logic_error(
            fmt::format("vlog: module {}, instance {}: module {} is not part "
                        "of the design",
                        m.name, inst.name, inst.module));
      return it->second;
    };
    for (const auto& item : m.items) {
      if (const auto* inst = std::get_if<Instance>(&item)) {
        const Module& child = child_of(*inst);
        check_instance(m, syms, {}, *inst, child);
        visit(child.name);
      } else if (const auto* g = std::get_if<GenerateFor>(&item)) {
        std::map<std::string, int> locals;
        for (const auto& gi : g->body) {
          if (const auto* n = std::get_if<Net>(&gi)) locals[n->name] = n->width;
          if (const auto* inst = std::get_if<Instance>(&gi)) {
            const Module& child = child_of(*inst);
            check_instance(m, syms, locals, *inst, child);
            visit(child.name);
          }
        }
      }
    }
    active.erase(name);
    done.insert(name);
    ordered.push_back(m);
  };
  visit(top);
  return ordered;
}

}  // namespace bf::vlog
