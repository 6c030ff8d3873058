#include "generator/verilog/module.hpp"

#include <stdexcept>

namespace bf::vlog {

Registers register_bank(std::string enable, std::string comment) {
  Registers r;
  r.enable = std::move(enable);
  r.comment = std::move(comment);
  return r;
}

void Module::comment(std::string text) { items.push_back(BodyComment{std::move(text)}); }
void Module::blank() { comment(std::string()); }

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
const std::string& Module::memory(std::string n, int width, int depth, std::string c) {
  if (width < 1 || depth < 1)
    throw std::logic_error("vlog: memory " + n + " has width or depth < 1");
  items.push_back(Memory{std::move(n), width, depth, std::move(c)});
  return std::get<Memory>(items.back()).name;
}

void Module::use(Module child) {
  for (const auto& m : submodules)
    if (m.name == child.name) return;
  submodules.push_back(std::move(child));
}

Instance instance_of(const Module& child, std::string name,
                     const std::vector<std::pair<std::string, std::string>>& connections,
                     std::string comment) {
  for (const auto& c : connections)
    if (!find_port(child, c.first))
      throw std::logic_error("vlog: instance " + name + " of " + child.name + ": no port " +
                             c.first);
  Instance inst{child.name, std::move(name), {}, std::move(comment)};
  for (const auto& p : child.ports)
    for (const auto& c : connections)
      if (c.first == p.name) inst.connections.push_back(c);
  return inst;
}

const Port* find_port(const Module& m, const std::string& name) {
  for (const auto& p : m.ports)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace bf::vlog
