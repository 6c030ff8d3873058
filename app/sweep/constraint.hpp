#pragma once
// Sweep constraints: small boolean expressions over one design point's
// parameters, e.g. "block >= 16" or "format != 'mxint4' || block <= 32". A
// sweep keeps a point when all of its constraints are true.
//
// Grammar (C precedence, loosest first; binary operators associate left):
//   constraint := or
//   or         := and { "||" and }
//   and        := equality { "&&" equality }
//   equality   := relation { ("==" | "!=") relation }
//   relation   := sum { ("<" | "<=" | ">" | ">=") sum }
//   sum        := product { ("+" | "-") product }
//   product    := unary { ("*" | "/" | "%") unary }
//   unary      := ("!" | "-") unary | primary
//   primary    := INTEGER | FLOAT | STRING | "true" | "false" | NAME | "(" constraint ")"
//   INTEGER    := [0-9]+                         (64-bit)
//   FLOAT      := [0-9]+ "." [0-9]* [exponent] | [0-9]+ exponent,  exponent := [eE] [+-]? [0-9]+
//   STRING     := '...' | "..."                  (escapes: \\ \' \")
//   NAME       := IDENT { "." IDENT }            (a parameter of the unit; dotted
//                                                 for a nested section: pe.block)
//   IDENT      := [A-Za-z_][A-Za-z0-9_]*
// Blanks (space, tab) separate tokens.
//
// Types are strict, nothing converts to a boolean:
//   ! && ||          booleans -> boolean (&& and || short-circuit)
//   unary -, + - * / integers -> integer (C: / truncates); with a float -> float
//   %                integers -> integer (C: the sign follows the dividend)
//   < <= > >=        numbers -> boolean
//   == !=            two numbers, two strings or two booleans -> boolean
// and the whole constraint must be a boolean. Integer overflow and division by
// zero are errors, not wrap-arounds.
//
// Parsing finds syntax errors; check() finds unknown names and type errors
// against the unit's parameter types before any point is evaluated, so
// evaluate() only fails on values (division by zero, overflow) or on a point
// whose parameter has an unexpected type.

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bf::sweep {

// The type of a parameter or a subexpression. List (the unit's int lists) and
// anything else a constraint cannot use are Unusable.
enum class ValueType { Bool, Int, Float, String, Unusable };

// ParamInfo::type ("int", "bool", "string", "float", "int list") -> ValueType.
ValueType value_type_of(std::string_view param_type);

// A problem in one constraint: `column` is 1-based inside the expression text;
// the message does not repeat the constraint.
class ConstraintError : public std::runtime_error {
 public:
  ConstraintError(std::size_t column, const std::string& message)
      : std::runtime_error(message), column_(column) {}
  std::size_t column() const { return column_; }

 private:
  std::size_t column_;
};

class Constraint {
 public:
  // Throws ConstraintError on a syntax error.
  static Constraint parse(std::string_view text);

  const std::string& text() const { return text_; }
  // The parameter names it mentions, in order of first appearance.
  std::vector<std::string> names() const;

  // Throws ConstraintError for a name that is not one of `params` (with
  // did-you-mean; `unit_name` for the message) and for operands whose types do
  // not fit, or a constraint that is not a boolean.
  void check(const std::vector<std::pair<std::string, ValueType>>& params,
             std::string_view unit_name) const;

  // Evaluates on a point's parameters (name -> JSON value). Throws
  // ConstraintError on an unknown name, a type error, division by zero or
  // integer overflow.
  bool evaluate(const nlohmann::ordered_json& params) const;

  struct Node;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;  // immutable, so copies share it
};

}  // namespace bf::sweep
