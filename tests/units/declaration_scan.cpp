#include "tests/units/declaration_scan.hpp"

#include <cctype>
#include <set>

namespace bf::testing {

namespace {

struct Token {
  std::string text;
  int line = 0;
  bool name = false;  // an identifier (not a number, operator or system name)
};

std::vector<Token> lex(const std::string& s) {
  std::vector<Token> out;
  int line = 1;
  std::size_t i = 0;
  const auto at = [&](std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '/' && at(i + 1) == '/') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '(' && at(i + 1) == '*' && at(i + 2) != ')') {  // (* attribute *)
      while (i < s.size() && !(s[i] == '*' && at(i + 1) == ')')) {
        if (s[i] == '\n') ++line;
        ++i;
      }
      i += 2;
    } else if (c == '`') {  // compiler directive: skip the line
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '\'') {
      std::size_t b = i;
      while (std::isalnum(static_cast<unsigned char>(at(i))) || at(i) == '_' || at(i) == '\'') ++i;
      out.push_back({s.substr(b, i - b), line, false});
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
      std::size_t b = i;
      while (std::isalnum(static_cast<unsigned char>(at(i))) || at(i) == '_' || at(i) == '$') ++i;
      out.push_back({s.substr(b, i - b), line, c != '$'});
    } else {
      out.push_back({std::string(1, c), line, false});
      ++i;
    }
  }
  return out;
}

const std::set<std::string> kKeywords{
    "module",     "endmodule", "input",   "output",   "inout",       "wire",
    "reg",        "signed",    "assign",  "always",   "begin",       "end",
    "if",         "else",      "case",    "endcase",  "default",     "posedge",
    "negedge",    "or",        "genvar",  "generate", "endgenerate", "for",
    "localparam", "parameter", "integer", "initial",  "function",    "endfunction"};
const std::set<std::string> kDeclare{"input", "output", "inout",      "wire",
                                     "reg",   "genvar", "localparam", "integer"};

}  // namespace

std::vector<std::string> use_before_declaration(const std::string& verilog) {
  const auto t = lex(verilog);
  std::set<std::string> declared;
  std::vector<std::string> out;
  const auto use = [&](const Token& tok) {
    if (tok.name && !kKeywords.count(tok.text) && !declared.count(tok.text))
      out.push_back("line " + std::to_string(tok.line) + ": '" + tok.text +
                    "' used before its declaration");
  };
  // Uses inside brackets or an initializer, up to (not including) a token in
  // `stop` at bracket depth 0.
  std::size_t i = 0;
  const auto uses_until = [&](const std::set<std::string>& stop) {
    int depth = 0;
    for (; i < t.size(); ++i) {
      const std::string& x = t[i].text;
      if (depth == 0 && stop.count(x)) return;
      if (x == "(" || x == "[" || x == "{") ++depth;
      if (x == ")" || x == "]" || x == "}") --depth;
      use(t[i]);
    }
  };
  bool statement_start = true;
  while (i < t.size()) {
    const Token& tok = t[i];
    const std::string& x = tok.text;
    if (x == "module") {
      i += 2;  // the module's own name
      statement_start = true;
      continue;
    }
    if (kDeclare.count(x)) {
      ++i;
      while (i < t.size() && (t[i].text == "wire" || t[i].text == "reg" || t[i].text == "signed"))
        ++i;
      if (i < t.size() && t[i].text == "[") ++i, uses_until({"]"}), ++i;  // packed range
      while (i < t.size()) {
        if (t[i].name) declared.insert(t[i].text);
        ++i;
        if (i < t.size() && t[i].text == "[") ++i, uses_until({"]"}), ++i;  // memory dimensions
        if (i < t.size() && t[i].text == "=") ++i, uses_until({",", ";", ")"});
        if (i < t.size() && t[i].text == ",") {
          ++i;
          if (i < t.size() && kDeclare.count(t[i].text)) break;  // next port declaration
          continue;
        }
        break;
      }
      statement_start = true;
      continue;
    }
    if (x == "." && i + 1 < t.size()) {  // .port ( ... ): the port is the child's
      i += 2;
      continue;
    }
    if (x == ":" && i >= 1 && t[i - 1].text == "begin") {  // begin : label
      i += 2;
      continue;
    }
    if (statement_start && tok.name && !kKeywords.count(x) && i + 2 < t.size() && t[i + 1].name &&
        t[i + 2].text == "(") {
      i += 2;  // module_type instance_name (
      statement_start = false;
      continue;
    }
    use(tok);
    statement_start = (x == ";" || x == "begin" || x == "end" || x == "generate" || x == ")" ||
                       x == "endgenerate");
    ++i;
  }
  return out;
}

}  // namespace bf::testing
