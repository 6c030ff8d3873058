#include "synth/liberty_function.hpp"

#include <fmt/format.h>

#include <cctype>
#include <stdexcept>

namespace bf::synth {

namespace {

class FunctionParser {
 public:
  FunctionParser(const std::string& s, const std::string& where, std::set<std::string>* names)
      : s_(s), where_(where), names_(names) {}

  std::string parse() {
    std::string e = parse_or();
    skip();
    if (i_ != s_.size()) fail(fmt::format("unexpected '{}'", s_[i_]));
    return e;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(fmt::format("{}: function \"{}\": {}", where_, s_, what));
  }

  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }

  bool peek(char c) {
    skip();
    return i_ < s_.size() && s_[i_] == c;
  }

  // An operand may start here (juxtaposition means AND).
  bool starts_operand() {
    skip();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    return c == '(' || c == '!' || std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           c == '\\';
  }

  std::string parse_or() {
    std::string e = parse_and();
    while (peek('|') || peek('+')) {
      ++i_;
      e = "(" + e + " | " + parse_and() + ")";
    }
    return e;
  }

  std::string parse_and() {
    std::string e = parse_xor();
    while (true) {
      if (peek('&') || peek('*')) {
        ++i_;
      } else if (!starts_operand()) {
        break;
      }
      e = "(" + e + " & " + parse_xor() + ")";
    }
    return e;
  }

  std::string parse_xor() {
    std::string e = parse_not();
    while (peek('^')) {
      ++i_;
      e = "(" + e + " ^ " + parse_not() + ")";
    }
    return e;
  }

  std::string parse_not() {
    if (peek('!')) {
      ++i_;
      return "(~" + parse_not() + ")";
    }
    std::string e = parse_primary();
    while (peek('\'')) {
      ++i_;
      e = "(~" + e + ")";
    }
    return e;
  }

  std::string parse_primary() {
    skip();
    if (i_ >= s_.size()) fail("operand missing at the end");
    if (s_[i_] == '(') {
      ++i_;
      std::string e = parse_or();
      if (!peek(')')) fail("missing ')'");
      ++i_;
      return e;
    }
    std::string name;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' ||
                              s_[i_] == '[' || s_[i_] == ']' || s_[i_] == '.')) {
      name += s_[i_++];
    }
    if (name.empty()) fail(fmt::format("unexpected '{}'", s_[i_]));
    if (name == "0") return "1'b0";
    if (name == "1") return "1'b1";
    if (std::isdigit(static_cast<unsigned char>(name[0])))
      fail(fmt::format("'{}' is not a pin", name));
    if (names_) names_->insert(name);
    return name;
  }

  const std::string& s_;
  const std::string& where_;
  std::set<std::string>* names_;
  std::size_t i_ = 0;
};

// Evaluates the fully parenthesized Verilog form written above:
// "(x op y)", "(~x)", names, 1'b0, 1'b1.
class VerilogEvaluator {
 public:
  VerilogEvaluator(const std::string& s, const std::map<std::string, bool>& values)
      : s_(s), values_(values) {}
  bool eval() {
    skip();
    if (s_.compare(i_, 4, "1'b0") == 0) return (i_ += 4, false);
    if (s_.compare(i_, 4, "1'b1") == 0) return (i_ += 4, true);
    if (s_[i_] != '(') {
      std::string name;
      while (i_ < s_.size() && s_[i_] != ' ' && s_[i_] != ')') name += s_[i_++];
      const auto it = values_.find(name);
      return it != values_.end() && it->second;
    }
    ++i_;  // '('
    skip();
    bool v;
    if (s_[i_] == '~') {
      ++i_;
      v = !eval();
    } else {
      const bool a = eval();
      skip();
      const char op = s_[i_++];
      const bool b = eval();
      v = op == '&' ? (a && b) : op == '|' ? (a || b) : (a != b);
    }
    skip();
    ++i_;  // ')'
    return v;
  }

 private:
  void skip() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
  }
  const std::string& s_;
  const std::map<std::string, bool>& values_;
  std::size_t i_ = 0;
};

}  // namespace

bool evaluate_liberty_function(const std::string& function,
                               const std::map<std::string, bool>& values,
                               const std::string& where) {
  const std::string v = liberty_function_to_verilog(function, where);
  return VerilogEvaluator(v, values).eval();
}

std::string liberty_function_to_verilog(const std::string& function, const std::string& where,
                                        std::set<std::string>* names) {
  return FunctionParser(function, where, names).parse();
}

}  // namespace bf::synth
