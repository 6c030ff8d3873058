#include "generator/verilog/check.hpp"

#include <fmt/format.h>

#include <cctype>
#include <set>
#include <stdexcept>

namespace bf::vlog {

namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// Verilog keywords that can appear inside the expressions and statements the
// writer holds.
const std::set<std::string>& keywords() {
  static const std::set<std::string> k{"posedge", "negedge", "or", "and", "not", "begin", "end"};
  return k;
}

class Scope {
 public:
  explicit Scope(const Module& m) : m_(m) {
    for (const auto& p : m.ports) declared_.insert(p.name);
  }
  void declare(const std::string& name) { declared_.insert(name); }
  void use(const std::string& expr, const std::string& where) const {
    for (const auto& id : identifiers(expr))
      if (!declared_.count(id))
        throw std::logic_error(fmt::format(
            "vlog: module {} uses '{}' before its declaration (in {})", m_.name, id, where));
  }
  void stmts(const StmtList& list, const std::string& where) const {
    for (const auto& s : list) {
      if (const auto* a = std::get_if<SetStmt>(&s.v)) {
        use(a->lhs, where);
        use(a->rhs, where);
      } else if (const auto* i = std::get_if<If>(&s.v)) {
        use(i->cond, where);
        stmts(i->then_body, where);
        stmts(i->else_body, where);
      } else if (const auto* c = std::get_if<Case>(&s.v)) {
        use(c->subject, where);
        for (const auto& item : c->items) {
          if (item.label != "default") use(item.label, where);
          stmts(item.body, where);
        }
      }
    }
  }
  void instance(const Instance& inst) const {
    for (const auto& [port, expr] : inst.connections)
      use(expr, fmt::format("instance {} port {}", inst.name, port));
  }

 private:
  const Module& m_;
  std::set<std::string> declared_;
};

}  // namespace

std::vector<std::string> identifiers(const std::string& e) {
  std::vector<std::string> out;
  std::size_t i = 0;
  const std::size_t n = e.size();
  while (i < n) {
    const char c = e[i];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '\'') {
      // A number, possibly sized and based: 12, 8'd5, 16'h3f_80, 4'sb1010, 'b0.
      while (i < n && (std::isdigit(static_cast<unsigned char>(e[i])) || e[i] == '_')) ++i;
      if (i < n && e[i] == '\'') {
        ++i;
        if (i < n && (e[i] == 's' || e[i] == 'S')) ++i;
        if (i < n && std::isalpha(static_cast<unsigned char>(e[i]))) ++i;  // base letter
        while (i < n && (std::isxdigit(static_cast<unsigned char>(e[i])) || e[i] == '_' ||
                         e[i] == 'x' || e[i] == 'X' || e[i] == 'z' || e[i] == 'Z'))
          ++i;
      }
    } else if (c == '$') {
      ++i;  // a system function: not a name of the module
      while (i < n && ident_char(e[i])) ++i;
    } else if (ident_start(c)) {
      const std::size_t b = i;
      while (i < n && ident_char(e[i])) ++i;
      std::string id = e.substr(b, i - b);
      if (!keywords().count(id)) out.push_back(std::move(id));
    } else {
      ++i;
    }
  }
  return out;
}

void check_declaration_order(const Module& m) {
  Scope scope(m);
  std::set<std::string> memories;
  for (const auto& item : m.items) {
    if (const auto* n = std::get_if<Net>(&item)) {
      scope.declare(n->name);
    } else if (const auto* mem = std::get_if<Memory>(&item)) {
      scope.declare(mem->name);
      memories.insert(mem->name);
    } else if (const auto* lp = std::get_if<LocalParam>(&item)) {
      scope.use(lp->value, "localparam " + lp->name);
      scope.declare(lp->name);
    } else if (const auto* a = std::get_if<Assign>(&item)) {
      scope.use(a->lhs, "assign " + a->lhs);
      scope.use(a->rhs, "assign " + a->lhs);
    } else if (const auto* c = std::get_if<Combinational>(&item)) {
      scope.stmts(c->body, "always @*");
    } else if (const auto* r = std::get_if<Registers>(&item)) {
      const std::string where =
          "register block" + (r->comment.empty() ? "" : " '" + r->comment + "'");
      scope.use(r->clock, where);
      bool any_reset = false;
      for (const auto& u : r->regs) any_reset |= !u.reset_value.empty();
      if (any_reset) scope.use(r->reset_n, where);
      scope.use(r->enable, where);
      for (const auto& u : r->regs) {
        scope.use(u.q, where);
        scope.use(u.d, where);
        scope.use(u.reset_value, where);
        const auto q_ids = identifiers(u.q);
        if (!u.reset_value.empty() && !q_ids.empty() && memories.count(q_ids.front()))
          throw std::logic_error(
              fmt::format("vlog: module {} resets memory '{}' (in {}): a memory has no per-entry "
                          "reset; qualify its reads with a valid bit instead",
                          m.name, q_ids.front(), where));
      }
    } else if (const auto* inst = std::get_if<Instance>(&item)) {
      scope.instance(*inst);
    } else if (const auto* g = std::get_if<GenerateFor>(&item)) {
      // The loop's genvar and its local nets exist inside the loop only.
      Scope inner = scope;
      inner.declare(g->genvar);
      for (const auto& gi : g->body) {
        if (const auto* n = std::get_if<Net>(&gi)) {
          inner.declare(n->name);
        } else if (const auto* a = std::get_if<Assign>(&gi)) {
          inner.use(a->lhs, "assign " + a->lhs + " in " + g->label);
          inner.use(a->rhs, "assign " + a->lhs + " in " + g->label);
        } else if (const auto* inst = std::get_if<Instance>(&gi)) {
          inner.instance(*inst);
        }
      }
    }
  }
}

}  // namespace bf::vlog
