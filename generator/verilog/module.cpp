#include "generator/verilog/module.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace bf::vlog {

Registers register_bank(std::string enable, std::string comment) {
  Registers r;
  r.enable = std::move(enable);
  r.comment = std::move(comment);
  return r;
}

void Module::comment(std::string text) { items.push_back(BodyComment{std::move(text)}); }
void Module::blank() { items.push_back(BodyComment{}); }

Stmt set(std::string lhs, std::string rhs) { return Stmt{SetStmt{std::move(lhs), std::move(rhs)}}; }
Stmt if_(std::string cond, StmtList then_body, StmtList else_body) {
  return Stmt{If{std::move(cond), std::move(then_body), std::move(else_body)}};
}
Stmt comment_stmt(std::string text) { return Stmt{CommentStmt{std::move(text)}}; }

namespace {
const std::string& add_port(Module& m, std::string name, Dir dir, int width, std::string comment) {
  if (width < 1) throw std::logic_error("vlog: port " + name + " has width < 1");
  m.ports.push_back(Port{std::move(name), dir, width, std::move(comment)});
  return m.ports.back().name;
}
const std::string& add_net(Module& m, std::string name, int width, bool is_reg,
                           std::string comment) {
  if (width < 1) throw std::logic_error("vlog: net " + name + " has width < 1");
  m.items.push_back(Net{std::move(name), width, is_reg, false, std::move(comment)});
  return std::get<Net>(m.items.back()).name;
}
}  // namespace

const std::string& Module::input(std::string n, int width, std::string c) {
  return add_port(*this, std::move(n), Dir::In, width, std::move(c));
}
const std::string& Module::output(std::string n, int width, std::string c) {
  return add_port(*this, std::move(n), Dir::Out, width, std::move(c));
}
const std::string& Module::wire(std::string n, int width, std::string c) {
  return add_net(*this, std::move(n), width, false, std::move(c));
}
const std::string& Module::reg(std::string n, int width, std::string c) {
  return add_net(*this, std::move(n), width, true, std::move(c));
}
void Module::localparam(std::string n, std::string value, std::string c) {
  items.push_back(LocalParam{std::move(n), std::move(value), std::move(c)});
}
void Module::assign(std::string lhs, std::string rhs, std::string c) {
  items.push_back(Assign{std::move(lhs), std::move(rhs), std::move(c)});
}

namespace {

std::string range(int width) { return width == 1 ? "" : fmt::format("[{}:0]", width - 1); }

std::string with_comment(std::string line, const std::string& comment) {
  if (!comment.empty()) line += "  // " + comment;
  return line;
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

  void stmts(int indent, const StmtList& list, const char* op) {
    for (const auto& s : list) stmt(indent, s, op);
  }

  void stmt(int indent, const Stmt& s, const char* op) {
    if (const auto* a = std::get_if<SetStmt>(&s.v)) {
      line(indent, fmt::format("{} {} {};", a->lhs, op, a->rhs));
    } else if (const auto* c = std::get_if<CommentStmt>(&s.v)) {
      line(indent, "// " + c->text);
    } else if (const auto* i = std::get_if<If>(&s.v)) {
      line(indent, fmt::format("if ({}) begin", i->cond));
      stmts(indent + 1, i->then_body, op);
      if (!i->else_body.empty()) {
        line(indent, "end else begin");
        stmts(indent + 1, i->else_body, op);
      }
      line(indent, "end");
    } else if (const auto* k = std::get_if<Case>(&s.v)) {
      line(indent, fmt::format("case ({})", k->subject));
      for (const auto& item : k->items) {
        line(indent + 1, item.label + ": begin");
        stmts(indent + 2, item.body, op);
        line(indent + 1, "end");
      }
      line(indent, "endcase");
    }
  }

  void registers(const Registers& r) {
    std::vector<const RegUpdate*> with_reset, without_reset;
    for (const auto& u : r.regs) (u.reset_value.empty() ? without_reset : with_reset).push_back(&u);
    const auto body = [&](int indent, const std::vector<const RegUpdate*>& regs) {
      if (r.enable.empty()) {
        for (const auto* u : regs) line(indent, fmt::format("{} <= {};", u->q, u->d));
      } else {
        line(indent, fmt::format("if ({}) begin", r.enable));
        for (const auto* u : regs) line(indent + 1, fmt::format("{} <= {};", u->q, u->d));
        line(indent, "end");
      }
    };
    if (!r.comment.empty()) line(1, "// " + r.comment);
    if (!with_reset.empty()) {
      line(1, fmt::format("always @(posedge {} or negedge {}) begin", r.clock, r.reset_n));
      line(2, fmt::format("if (!{}) begin", r.reset_n));
      for (const auto* u : with_reset) line(3, fmt::format("{} <= {};", u->q, u->reset_value));
      if (r.enable.empty()) {
        line(2, "end else begin");
        for (const auto* u : with_reset) line(3, fmt::format("{} <= {};", u->q, u->d));
      } else {
        line(2, fmt::format("end else if ({}) begin", r.enable));
        for (const auto* u : with_reset) line(3, fmt::format("{} <= {};", u->q, u->d));
      }
      line(2, "end");
      line(1, "end");
    }
    if (!without_reset.empty()) {
      // Data-path registers carry no reset: their contents are qualified by a
      // reset valid bit, and resetless flops are smaller.
      line(1, fmt::format("always @(posedge {}) begin", r.clock));
      body(2, without_reset);
      line(1, "end");
    }
  }

  void instance(const Instance& inst) {
    if (!inst.comment.empty()) line(1, "// " + inst.comment);
    line(1, fmt::format("{} {} (", inst.module, inst.name));
    std::size_t w = 0;
    for (const auto& [port, expr] : inst.connections) w = std::max(w, port.size());
    for (std::size_t i = 0; i < inst.connections.size(); ++i) {
      const auto& [port, expr] = inst.connections[i];
      line(2, fmt::format(".{:<{}} ({}){}", port, w, expr,
                          i + 1 < inst.connections.size() ? "," : ""));
    }
    line(1, ");");
  }
};

}  // namespace

std::string print(const Module& m) {
  Printer p;
  for (const auto& h : m.header) p.line(0, h.empty() ? "//" : "// " + h);
  p.line(0, "`default_nettype none");
  p.line(0, "");
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

  bool last_blank = true;
  const auto separate = [&](bool want_blank) {
    if (want_blank && !last_blank) p.line(0, "");
    last_blank = want_blank;
  };
  for (std::size_t idx = 0; idx < m.items.size(); ++idx) {
    const Item& item = m.items[idx];
    if (const auto* n = std::get_if<Net>(&item)) {
      separate(false);
      std::string kind = n->is_reg ? "reg " : "wire";
      if (n->is_signed) kind += " signed";
      const std::string r = range(n->width);
      std::string decl = r.empty() ? fmt::format("{} {}", kind, n->name)
                                   : fmt::format("{} {} {}", kind, r, n->name);
      // A wire whose assign follows right away is printed as one
      // declaration assignment: `wire [7:0] x = a + b;`.
      const Assign* a = idx + 1 < m.items.size() ? std::get_if<Assign>(&m.items[idx + 1]) : nullptr;
      if (!n->is_reg && a && a->lhs == n->name) {
        const std::string& c = a->comment.empty() ? n->comment : a->comment;
        p.line(1, with_comment(fmt::format("{} = {};", decl, a->rhs), c));
        ++idx;
        continue;
      }
      p.line(1, with_comment(decl + ";", n->comment));
    } else if (const auto* lp = std::get_if<LocalParam>(&item)) {
      separate(false);
      p.line(1, with_comment(fmt::format("localparam {} = {};", lp->name, lp->value), lp->comment));
    } else if (const auto* a = std::get_if<Assign>(&item)) {
      separate(false);
      p.line(1, with_comment(fmt::format("assign {} = {};", a->lhs, a->rhs), a->comment));
    } else if (const auto* c = std::get_if<BodyComment>(&item)) {
      if (c->text.empty()) {
        separate(true);
      } else {
        separate(false);
        p.line(1, "// " + c->text);
      }
    } else if (const auto* comb = std::get_if<Combinational>(&item)) {
      separate(true);
      if (!comb->comment.empty()) p.line(1, "// " + comb->comment);
      p.line(1, "always @* begin");
      p.stmts(2, comb->body, "=");
      p.line(1, "end");
      separate(true);
    } else if (const auto* r = std::get_if<Registers>(&item)) {
      separate(true);
      p.registers(*r);
      separate(true);
    } else if (const auto* inst = std::get_if<Instance>(&item)) {
      separate(true);
      p.instance(*inst);
      separate(true);
    }
  }
  if (!last_blank) p.line(0, "");
  p.line(0, "endmodule");
  p.line(0, "");
  p.line(0, "`default_nettype wire");
  return p.out;
}

}  // namespace bf::vlog
