#include "synth/liberty_syntax.hpp"

#include <fmt/format.h>

#include <cctype>
#include <stdexcept>

namespace bf::synth {

const std::string* LibertyGroup::attribute(const std::string& name) const {
  for (auto it = attributes.rbegin(); it != attributes.rend(); ++it)
    if (it->first == name) return &it->second;
  return nullptr;
}

const std::vector<std::string>* LibertyGroup::complex_attribute(const std::string& name) const {
  for (const auto& [n, args] : complex)
    if (n == name) return &args;
  return nullptr;
}

std::vector<const LibertyGroup*> LibertyGroup::children(const std::string& kind) const {
  std::vector<const LibertyGroup*> out;
  for (const auto& g : groups)
    if (g.type == kind) out.push_back(&g);
  return out;
}

namespace {

// Tokens: words (identifiers, numbers, expressions without spaces), quoted
// strings, and the punctuation ( ) { } : ; ,
struct Token {
  enum Kind { Word, String, Punct, End } kind = End;
  std::string text;
  int line = 0;
};

class Lexer {
 public:
  Lexer(const std::string& text, const std::string& origin) : s_(text), origin_(origin) {}

  Token next() {
    skip_space();
    Token t;
    t.line = line_;
    if (i_ >= s_.size()) return t;
    const char c = s_[i_];
    if (c == '"') {
      t.kind = Token::String;
      for (++i_; i_ < s_.size() && s_[i_] != '"'; ++i_) {
        if (s_[i_] == '\\' && i_ + 1 < s_.size() && (s_[i_ + 1] == '\n' || s_[i_ + 1] == '\r')) {
          continue;  // line continuation inside a string
        }
        if (s_[i_] == '\n') ++line_;
        t.text += s_[i_];
      }
      if (i_ >= s_.size()) fail(t.line, "unterminated string");
      ++i_;
      return t;
    }
    if (c == '(' || c == ')' || c == '{' || c == '}' || c == ':' || c == ';' || c == ',') {
      t.kind = Token::Punct;
      t.text = std::string(1, c);
      ++i_;
      return t;
    }
    t.kind = Token::Word;
    while (i_ < s_.size()) {
      const char d = s_[i_];
      if (std::isspace(static_cast<unsigned char>(d)) || d == '(' || d == ')' || d == '{' ||
          d == '}' || d == ':' || d == ';' || d == ',' || d == '"')
        break;
      if (d == '\\') break;
      if (d == '/' && i_ + 1 < s_.size() && (s_[i_ + 1] == '*' || s_[i_ + 1] == '/')) break;
      t.text += d;
      ++i_;
    }
    if (t.text.empty()) fail(line_, fmt::format("unexpected character '{}'", c));
    return t;
  }

  [[noreturn]] void fail(int line, const std::string& what) const {
    throw std::runtime_error(fmt::format("{}:{}: {}", origin_, line, what));
  }

 private:
  void skip_space() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\n') {
        ++line_;
        ++i_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++i_;
      } else if (c == '\\' && i_ + 1 < s_.size() && (s_[i_ + 1] == '\n' || s_[i_ + 1] == '\r')) {
        ++i_;  // line continuation
      } else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') {
        const std::size_t end = s_.find("*/", i_ + 2);
        if (end == std::string::npos) fail(line_, "unterminated comment");
        for (std::size_t k = i_; k < end; ++k)
          if (s_[k] == '\n') ++line_;
        i_ = end + 2;
      } else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else {
        break;
      }
    }
  }

  const std::string& s_;
  const std::string& origin_;
  std::size_t i_ = 0;
  int line_ = 1;
};

class Parser {
 public:
  Parser(const std::string& text, const std::string& origin) : lex_(text, origin) { advance(); }

  LibertyGroup parse_top() {
    if (tok_.kind != Token::Word) lex_.fail(tok_.line, "expected a library group");
    LibertyGroup top;
    top.type = tok_.text;
    top.line = tok_.line;
    advance();
    top.args = parse_args();
    expect("{");
    parse_body(top);
    if (tok_.kind == Token::Punct && tok_.text == ";") advance();
    if (tok_.kind != Token::End) lex_.fail(tok_.line, "text after the end of the library group");
    return top;
  }

 private:
  void advance() { tok_ = lex_.next(); }

  void expect(const char* p) {
    if (tok_.kind != Token::Punct || tok_.text != p)
      lex_.fail(tok_.line, fmt::format("expected '{}', found '{}'", p, describe(tok_)));
    advance();
  }

  static std::string describe(const Token& t) {
    return t.kind == Token::End ? "end of file" : t.text;
  }

  // ( a, b, "c" ) -> {"a", "b", "c"}; the opening parenthesis is current.
  std::vector<std::string> parse_args() {
    expect("(");
    std::vector<std::string> args;
    std::string current;
    bool have = false;
    while (!(tok_.kind == Token::Punct && tok_.text == ")")) {
      if (tok_.kind == Token::End) lex_.fail(tok_.line, "missing ')'");
      if (tok_.kind == Token::Punct && tok_.text == ",") {
        args.push_back(current);
        current.clear();
        have = false;
      } else if (tok_.kind == Token::Punct && tok_.text != ":") {
        lex_.fail(tok_.line, fmt::format("unexpected '{}' in an argument list", tok_.text));
      } else {
        if (have) current += ' ';
        current += tok_.text;
        have = true;
      }
      advance();
    }
    advance();
    if (have || !args.empty()) args.push_back(current);
    return args;
  }

  // Statements up to the closing brace of the group (the '{' is consumed).
  void parse_body(LibertyGroup& g) {
    while (true) {
      if (tok_.kind == Token::End) lex_.fail(g.line, fmt::format("group {} is not closed", g.type));
      if (tok_.kind == Token::Punct && tok_.text == "}") {
        advance();
        return;
      }
      if (tok_.kind == Token::Punct && tok_.text == ";") {
        advance();
        continue;
      }
      if (tok_.kind != Token::Word)
        lex_.fail(tok_.line,
                  fmt::format("expected an attribute or group, found '{}'", describe(tok_)));
      const std::string name = tok_.text;
      const int line = tok_.line;
      advance();
      if (tok_.kind == Token::Punct && tok_.text == ":") {
        advance();
        std::string value;
        while (!(tok_.kind == Token::Punct && (tok_.text == ";" || tok_.text == "}"))) {
          if (tok_.kind == Token::End)
            lex_.fail(line, fmt::format("attribute {} is not ended", name));
          if (!value.empty()) value += ' ';
          value += tok_.text;
          advance();
        }
        if (tok_.text == ";") advance();
        g.attributes.emplace_back(name, value);
      } else if (tok_.kind == Token::Punct && tok_.text == "(") {
        auto args = parse_args();
        if (tok_.kind == Token::Punct && tok_.text == "{") {
          advance();
          LibertyGroup child;
          child.type = name;
          child.args = std::move(args);
          child.line = line;
          parse_body(child);
          g.groups.push_back(std::move(child));
        } else {
          if (tok_.kind == Token::Punct && tok_.text == ";") advance();
          g.complex.emplace_back(name, std::move(args));
        }
      } else {
        lex_.fail(line, fmt::format("expected ':' or '(' after {}", name));
      }
    }
  }

  Lexer lex_;
  Token tok_;
};

}  // namespace

LibertyGroup parse_liberty(const std::string& text, const std::string& origin) {
  return Parser(text, origin).parse_top();
}

}  // namespace bf::synth
