// The pretty printer of vlog::Module (module.hpp): one layout for every
// generated file, so a reviewer reads them all the same way.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "generator/verilog/check.hpp"
#include "generator/verilog/module.hpp"

namespace bf::vlog {

namespace {

std::string range(int width) { return width == 1 ? "" : fmt::format("[{}:0]", width - 1); }

std::string with_comment(std::string line, const std::string& comment) {
  if (!comment.empty()) line += "  // " + comment;
  return line;
}

std::string net_decl(const Net& n) {
  std::string kind = n.is_reg ? "reg " : "wire";
  if (n.is_signed) kind += " signed";
  const std::string r = range(n.width);
  return r.empty() ? fmt::format("{} {}", kind, n.name) : fmt::format("{} {} {}", kind, r, n.name);
}

// The register bank as the statement a hand-written always block holds:
//   if (!rst_n) <resets> else if (enable) <updates>
Stmt register_stmt(const Registers& r, const std::vector<const RegUpdate*>& regs, bool with_reset) {
  StmtList updates, resets;
  for (const auto* u : regs) {
    updates.push_back(set(u->q, u->d));
    if (with_reset) resets.push_back(set(u->q, u->reset_value));
  }
  StmtList enabled = r.enable.empty() ? updates : StmtList{if_(r.enable, updates)};
  if (!with_reset) {
    return enabled.size() == 1 ? enabled[0] : Stmt{If{"1'b1", enabled, {}}};
  }
  return if_("!" + r.reset_n, resets, enabled);
}

class Printer {
 public:
  std::string out;

  void line(int indent, const std::string& text) {
    if (text.empty()) {
      out += "\n";
      return;
    }
    out.append(static_cast<std::size_t>(indent) * 2, ' ');
    out += text;
    out += "\n";
  }

  // `head` followed by `body`: one assignment goes on the same line, one
  // other statement on the next line indented, several inside begin/end.
  void body(int indent, const std::string& head, const StmtList& list, const char* op,
            bool force_block = false) {
    if (list.size() == 1 && !force_block) {
      if (const auto* a = std::get_if<SetStmt>(&list[0].v)) {
        line(indent, fmt::format("{} {} {} {};", head, a->lhs, op, a->rhs));
        return;
      }
      line(indent, head);
      stmt(indent + 1, list[0], op);
      return;
    }
    line(indent, head + " begin");
    stmts(indent + 1, list, op);
    line(indent, "end");
  }

  void stmts(int indent, const StmtList& list, const char* op) {
    for (const auto& s : list) stmt(indent, s, op);
  }

  void stmt(int indent, const Stmt& s, const char* op) {
    if (const auto* a = std::get_if<SetStmt>(&s.v)) {
      line(indent, fmt::format("{} {} {};", a->lhs, op, a->rhs));
    } else if (const auto* c = std::get_if<CommentStmt>(&s.v)) {
      line(indent, "// " + c->text);
    } else if (const auto* i = std::get_if<If>(&s.v)) {
      if_chain(indent, *i, op);
    } else if (const auto* k = std::get_if<Case>(&s.v)) {
      line(indent, fmt::format("case ({})", k->subject));
      for (const auto& item : k->items) body(indent + 1, item.label + ":", item.body, op);
      line(indent, "endcase");
    }
  }

  // if / else if / else. A branch of one assignment stays on its line; after
  // a begin/end branch the next one continues the "end" line ("end else").
  // A then-branch that is itself an if keeps its begin/end when an else
  // follows, or the else would bind to the inner if.
  void if_chain(int indent, const If& first, const char* op) {
    struct Branch {
      std::string head;
      const StmtList* body;
      bool block;
    };
    std::vector<Branch> branches;
    const If* cur = &first;
    std::string head = fmt::format("if ({})", cur->cond);
    while (true) {
      const bool has_else = !cur->else_body.empty();
      const bool block = cur->then_body.size() != 1 ||
                         (has_else && std::holds_alternative<If>(cur->then_body[0].v));
      branches.push_back({head, &cur->then_body, block});
      if (!has_else) break;
      const StmtList& e = cur->else_body;
      if (e.size() == 1 && std::holds_alternative<If>(e[0].v)) {
        cur = &std::get<If>(e[0].v);
        head = fmt::format("else if ({})", cur->cond);
        continue;
      }
      branches.push_back({"else", &e, e.size() != 1});
      break;
    }
    bool prev_block = false;
    for (const auto& b : branches) {
      std::string h = b.head;
      if (prev_block) {
        // Continue the previous branch's "end" line.
        const std::string end_line =
            std::string(static_cast<std::size_t>(indent) * 2, ' ') + "end\n";
        out.resize(out.size() - end_line.size());
        h = "end " + h;
      }
      body(indent, h, *b.body, op, b.block);
      prev_block = b.block;
    }
  }

  void registers(int indent, const Registers& r) {
    std::vector<const RegUpdate*> with_reset, without_reset;
    for (const auto& u : r.regs) (u.reset_value.empty() ? without_reset : with_reset).push_back(&u);
    if (!r.comment.empty()) line(indent, "// " + r.comment);
    if (!with_reset.empty()) {
      const std::string head =
          fmt::format("always @(posedge {} or negedge {})", r.clock, r.reset_n);
      always(indent, head, register_stmt(r, with_reset, true));
    }
    if (!without_reset.empty()) {
      // Data-path registers carry no reset: their contents are qualified by a
      // reset valid bit, and resetless flops are smaller.
      always(indent, fmt::format("always @(posedge {})", r.clock),
             register_stmt(r, without_reset, false));
    }
  }

  void always(int indent, const std::string& head, const Stmt& s) {
    // register_stmt wraps several unconditional updates in an always-true if
    // only to carry the list; print them as a plain begin/end body.
    if (const auto* i = std::get_if<If>(&s.v); i && i->cond == "1'b1") {
      body(indent, head, i->then_body, "<=");
      return;
    }
    body(indent, head, {s}, "<=");
  }

  void instance(int indent, const Instance& inst) {
    if (!inst.comment.empty()) line(indent, "// " + inst.comment);
    line(indent, fmt::format("{} {} (", inst.module, inst.name));
    std::size_t w = 0;
    for (const auto& [port, expr] : inst.connections) w = std::max(w, port.size());
    for (std::size_t i = 0; i < inst.connections.size(); ++i) {
      const auto& [port, expr] = inst.connections[i];
      std::string text =
          fmt::format(".{:<{}} ({}){}", port, w, expr, i + 1 < inst.connections.size() ? "," : "");
      line(indent + 1, text);
    }
    line(indent, ");");
  }
};

void print_ports(Printer& p, const Module& m) {
  p.line(0, fmt::format("module {} (", m.name));
  std::size_t range_w = 0, name_w = 0;
  for (const auto& port : m.ports) {
    range_w = std::max(range_w, range(port.width).size());
    name_w = std::max(name_w, port.name.size() + 1);
  }
  for (std::size_t i = 0; i < m.ports.size(); ++i) {
    const Port& port = m.ports[i];
    const std::string name = port.name + (i + 1 < m.ports.size() ? "," : "");
    std::string text = fmt::format("{} wire {:<{}} {}", port.dir == Dir::In ? "input " : "output",
                                   range(port.width), range_w, name);
    if (!port.comment.empty()) {
      text = fmt::format("{:<{}}  // {}", text, 13 + range_w + name_w, port.comment);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    p.line(1, text);
  }
  p.line(0, ");");
}

// Items at one nesting level (the module body or a generate loop body).
class BodyPrinter {
 public:
  BodyPrinter(Printer& p, int indent) : p_(p), indent_(indent) {}

  void separate(bool want_blank) {
    if (want_blank && !last_blank_) p_.line(0, "");
    last_blank_ = want_blank;
  }
  bool last_blank() const { return last_blank_; }

  // A wire whose assign follows right away is printed as one declaration
  // assignment: `wire [7:0] x = a + b;`. Returns true when it consumed `next`.
  bool net(const Net& n, const Assign* next) {
    separate(false);
    if (!n.is_reg && next && next->lhs == n.name) {
      const std::string& c = next->comment.empty() ? n.comment : next->comment;
      p_.line(indent_, with_comment(fmt::format("{} = {};", net_decl(n), next->rhs), c));
      return true;
    }
    p_.line(indent_, with_comment(net_decl(n) + ";", n.comment));
    return false;
  }
  void assign(const Assign& a) {
    separate(false);
    p_.line(indent_, with_comment(fmt::format("assign {} = {};", a.lhs, a.rhs), a.comment));
  }
  void instance(const Instance& inst) {
    separate(true);
    p_.instance(indent_, inst);
    separate(true);
  }

 private:
  Printer& p_;
  int indent_;
  bool last_blank_ = true;
};

void print_generate(Printer& p, const GenerateFor& g, std::set<std::string>& genvars) {
  if (!g.comment.empty()) p.line(1, "// " + g.comment);
  if (genvars.insert(g.genvar).second) p.line(1, fmt::format("genvar {};", g.genvar));
  p.line(1, "generate");
  p.line(2, fmt::format("for ({0} = 0; {0} < {1}; {0} = {0} + 1) begin : {2}", g.genvar, g.count,
                        g.label));
  BodyPrinter b(p, 3);
  for (std::size_t i = 0; i < g.body.size(); ++i) {
    const GenItem& item = g.body[i];
    if (const auto* n = std::get_if<Net>(&item)) {
      const Assign* next = i + 1 < g.body.size() ? std::get_if<Assign>(&g.body[i + 1]) : nullptr;
      if (b.net(*n, next)) ++i;
    } else if (const auto* a = std::get_if<Assign>(&item)) {
      b.assign(*a);
    } else if (const auto* inst = std::get_if<Instance>(&item)) {
      b.instance(*inst);
    }
  }
  // No blank line between the last instance and the loop's "end".
  if (b.last_blank() && p.out.size() > 1 && p.out.ends_with("\n\n")) p.out.pop_back();
  p.line(2, "end");
  p.line(1, "endgenerate");
}

}  // namespace

std::string print(const Module& m) {
  check_declaration_order(m);
  Printer p;
  for (const auto& h : m.header) p.line(0, h.empty() ? "//" : "// " + h);
  p.line(0, "`default_nettype none");
  p.line(0, "");
  if (m.simulation_model) p.line(0, "(* blackbox *)");
  print_ports(p, m);
  if (m.simulation_model) p.line(0, "`ifndef SYNTHESIS");

  BodyPrinter b(p, 1);
  std::set<std::string> genvars;
  for (std::size_t idx = 0; idx < m.items.size(); ++idx) {
    const Item& item = m.items[idx];
    if (const auto* n = std::get_if<Net>(&item)) {
      const Assign* a = idx + 1 < m.items.size() ? std::get_if<Assign>(&m.items[idx + 1]) : nullptr;
      if (b.net(*n, a)) ++idx;
    } else if (const auto* mem = std::get_if<Memory>(&item)) {
      b.separate(false);
      p.line(1, with_comment(
                    fmt::format("reg {} {} [0:{}];", range(mem->width), mem->name, mem->depth - 1),
                    mem->comment));
    } else if (const auto* lp = std::get_if<LocalParam>(&item)) {
      b.separate(false);
      p.line(1, with_comment(fmt::format("localparam {} = {};", lp->name, lp->value), lp->comment));
    } else if (const auto* a = std::get_if<Assign>(&item)) {
      b.assign(*a);
    } else if (const auto* c = std::get_if<BodyComment>(&item)) {
      if (c->text.empty()) {
        b.separate(true);
      } else {
        b.separate(false);
        p.line(1, "// " + c->text);
      }
    } else if (const auto* comb = std::get_if<Combinational>(&item)) {
      b.separate(true);
      if (!comb->comment.empty()) p.line(1, "// " + comb->comment);
      p.body(1, "always @*", comb->body, "=");
      b.separate(true);
    } else if (const auto* r = std::get_if<Registers>(&item)) {
      b.separate(true);
      p.registers(1, *r);
      b.separate(true);
    } else if (const auto* inst = std::get_if<Instance>(&item)) {
      b.instance(*inst);
    } else if (const auto* g = std::get_if<GenerateFor>(&item)) {
      b.separate(true);
      print_generate(p, *g, genvars);
      b.separate(true);
    }
  }
  if (!b.last_blank()) p.line(0, "");
  if (m.simulation_model) p.line(0, "`endif  // SYNTHESIS");
  p.line(0, "endmodule");
  p.line(0, "");
  p.line(0, "`default_nettype wire");
  return p.out;
}

}  // namespace bf::vlog
