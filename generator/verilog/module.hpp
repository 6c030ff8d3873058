#pragma once
// The Verilog writer: a small structural model of one Verilog-2005 module and
// a pretty printer. Every unit generator builds modules with this and nothing
// else, so all generated files share one style: lowRISC naming, one module per
// file, explicit widths, generate loops for repeated instances, memories as
// arrays, comments saying which golden-model function a block implements.
//
// Expressions are strings built with the helpers in expr.hpp; structure
// (declarations, assigns, always blocks, instances, loops) is data here.
// print() refuses a module that uses a name before declaring it
// (check.hpp), and ModuleSet (module_set.hpp) checks every instance against
// its child's ports, so neither mistake reaches a generated file.

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace bf::vlog {

enum class Dir { In, Out };

struct Port {
  std::string name;
  Dir dir = Dir::In;
  int width = 1;
  std::string comment;
};

// A `wire` or `reg` declaration (reg: assigned in an always block).
struct Net {
  std::string name;
  int width = 1;
  bool is_reg = false;
  bool is_signed = false;
  std::string comment;
};

struct LocalParam {
  std::string name;
  std::string value;  // an expression
  std::string comment;
};

struct Assign {
  std::string lhs;
  std::string rhs;
  std::string comment;
};

// Statements inside `always @*` (blocking) and register blocks.
struct Stmt;
using StmtList = std::vector<Stmt>;
struct If {
  std::string cond;
  StmtList then_body;
  StmtList else_body;
};
struct CaseItem {
  std::string label;  // "default" for the default item
  StmtList body;
};
struct Case {
  std::string subject;
  std::vector<CaseItem> items;
};
struct SetStmt {  // lhs = rhs (or <= in a register block)
  std::string lhs;
  std::string rhs;
};
struct CommentStmt {
  std::string text;
};
struct Stmt {
  std::variant<SetStmt, If, Case, CommentStmt> v;
};
Stmt set(std::string lhs, std::string rhs);
Stmt if_(std::string cond, StmtList then_body, StmtList else_body = {});
Stmt comment_stmt(std::string text);

// always @* begin ... end (blocking assignments).
struct Combinational {
  StmtList body;
  std::string comment;
};

// A bank of flip-flops with asynchronous active-low reset:
//   always @(posedge clk or negedge rst_n)
//     if (!rst_n) q <= reset; else if (enable) q <= d;
struct RegUpdate {
  std::string q;
  std::string d;
  std::string reset_value;  // empty: no reset for this register (data path)
};
struct Registers {
  std::string clock = "clk_i";
  std::string reset_n = "rst_ni";
  std::string enable;  // empty: always enabled
  std::vector<RegUpdate> regs;
  std::string comment;
};

// An empty register bank on clk_i / rst_ni, enabled by `enable` ("" = always);
// the caller appends its RegUpdates.
Registers register_bank(std::string enable, std::string comment);

// A named-port instance. An empty expression leaves an output port open
// (`.port ()`); every input must be connected.
struct Instance {
  std::string module;
  std::string name;
  std::vector<std::pair<std::string, std::string>> connections;  // port -> expression
  std::string comment;
};

// `reg [width-1:0] name [0:depth-1];`: storage written by a Registers block
// (q = "name[addr]") and read as name[index], combinationally (an assign or
// always @*) or registered (the d of a resetless RegUpdate). No reset: a
// memory holds data that its user qualifies, as an SRAM would; a RegUpdate
// of a memory word with a reset value is refused (check.hpp).
struct Memory {
  std::string name;
  int width = 1;
  int depth = 1;
  std::string comment;
};

// What a generate loop body may hold: local nets, assigns and instances,
// written in terms of the loop's genvar.
using GenItem = std::variant<Net, Assign, Instance>;

//   genvar <genvar>;
//   for (<genvar> = 0; <genvar> < count; <genvar> = <genvar> + 1) begin : <label>
//     <body>
//   end
// Instances inside are named <label>[i].<name> by the tools.
struct GenerateFor {
  std::string genvar = "i";
  int count = 0;
  std::string label;
  std::vector<GenItem> body;
  std::string comment;
};

// A free-standing comment line or a blank separator line in the body.
struct BodyComment {
  std::string text;  // empty = blank line
};

using Item = std::variant<Net, LocalParam, Assign, Combinational, Registers, Instance, BodyComment,
                          Memory, GenerateFor>;

struct Module {
  std::string name;
  std::vector<std::string> header;  // comment lines printed above `module`
  std::vector<Port> ports;
  std::vector<Item> items;
  // Modules built on the fly for this one to instantiate (the primitives of
  // generator/blocks), carried with it so that finalize_modules() writes
  // them once per design. Not printed with this module.
  std::vector<Module> submodules;
  // A behavioural simulation model of a hard macro (an SRAM the flow does not
  // generate): printed with a (* blackbox *) attribute and its body inside
  // `ifndef SYNTHESIS, so simulators (Verilator, Icarus) run the body and
  // synthesis (Yosys defines SYNTHESIS) sees a black box of its ports only.
  bool simulation_model = false;

  // Builder conveniences; each returns the net/port name for chaining.
  const std::string& input(std::string name, int width, std::string comment = {});
  const std::string& output(std::string name, int width, std::string comment = {});
  const std::string& wire(std::string name, int width, std::string comment = {});
  const std::string& reg(std::string name, int width, std::string comment = {});
  const std::string& memory(std::string name, int width, int depth, std::string comment = {});
  void localparam(std::string name, std::string value, std::string comment = {});
  void assign(std::string lhs, std::string rhs, std::string comment = {});
  void add(Item item) { items.push_back(std::move(item)); }
  // Records a module this one instantiates; the first of a name is kept
  // (finalize_modules() checks that same-named modules print the same).
  void use(Module child);
  // Out of line: inlined, GCC 12 warns -Wmaybe-uninitialized inside std::variant.
  void comment(std::string text);
  void blank();
};

// An instance of `child` with its connections in the child's port order,
// from a port -> expression map (an empty expression leaves an output open).
// Throws std::logic_error for a port the child does not have; missing ports
// are reported by finalize_modules().
Instance instance_of(const Module& child, std::string name,
                     const std::vector<std::pair<std::string, std::string>>& connections,
                     std::string comment = {});

// The port called `name`, or nullptr.
const Port* find_port(const Module& m, const std::string& name);

// Pretty printer: deterministic, 2-space indent, ports and declarations
// aligned in columns, `default_nettype none` guard around the module, no
// begin/end around a single statement. Throws std::logic_error when the
// module uses a name before its declaration (check_declaration_order).
std::string print(const Module& m);

}  // namespace bf::vlog
