// The sweep constraint language (see constraint.hpp): a lexer, a
// recursive-descent parser with C precedence, a type checker and an evaluator
// that share one set of typing rules, so check() and evaluate() agree.

#include "app/sweep/constraint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <variant>

#include "generator/config/config.hpp"

namespace bf::sweep {

namespace {

enum class Op { Or, And, Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div, Mod, Not, Neg };

using Value = std::variant<bool, int64_t, double, std::string>;

std::string_view op_text(Op op) {
  switch (op) {
    case Op::Or:
      return "||";
    case Op::And:
      return "&&";
    case Op::Eq:
      return "==";
    case Op::Ne:
      return "!=";
    case Op::Lt:
      return "<";
    case Op::Le:
      return "<=";
    case Op::Gt:
      return ">";
    case Op::Ge:
      return ">=";
    case Op::Add:
      return "+";
    case Op::Sub:
    case Op::Neg:
      return "-";
    case Op::Mul:
      return "*";
    case Op::Div:
      return "/";
    case Op::Mod:
      return "%";
    case Op::Not:
      return "!";
  }
  return "?";
}

std::string_view type_article(ValueType t) {
  switch (t) {
    case ValueType::Bool:
      return "a boolean";
    case ValueType::Int:
      return "an integer";
    case ValueType::Float:
      return "a float";
    case ValueType::String:
      return "a string";
    case ValueType::Unusable:
      break;
  }
  return "a list";
}

ValueType type_of(const Value& v) {
  switch (v.index()) {
    case 0:
      return ValueType::Bool;
    case 1:
      return ValueType::Int;
    case 2:
      return ValueType::Float;
    default:
      return ValueType::String;
  }
}

bool numeric(ValueType t) { return t == ValueType::Int || t == ValueType::Float; }

// The typing rules, shared by check() and evaluate(): the result type of a
// binary operator, or nullopt when the operands do not fit.
std::optional<ValueType> binary_type(Op op, ValueType a, ValueType b) {
  switch (op) {
    case Op::Or:
    case Op::And:
      if (a == ValueType::Bool && b == ValueType::Bool) return ValueType::Bool;
      break;
    case Op::Eq:
    case Op::Ne:
      if ((numeric(a) && numeric(b)) ||
          (a == b && (a == ValueType::String || a == ValueType::Bool)))
        return ValueType::Bool;
      break;
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
      if (numeric(a) && numeric(b)) return ValueType::Bool;
      break;
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
      if (numeric(a) && numeric(b))
        return a == ValueType::Int && b == ValueType::Int ? ValueType::Int : ValueType::Float;
      break;
    case Op::Mod:
      if (a == ValueType::Int && b == ValueType::Int) return ValueType::Int;
      break;
    case Op::Not:
    case Op::Neg:
      break;
  }
  return std::nullopt;
}

std::optional<ValueType> unary_type(Op op, ValueType a) {
  if (op == Op::Not && a == ValueType::Bool) return ValueType::Bool;
  if (op == Op::Neg && numeric(a)) return a;
  return std::nullopt;
}

std::string_view needs_text(Op op) {
  switch (op) {
    case Op::Or:
    case Op::And:
      return "needs two conditions (true or false)";
    case Op::Eq:
    case Op::Ne:
      return "compares two numbers, two strings or two booleans";
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
      return "compares numbers";
    case Op::Mod:
      return "needs integers";
    case Op::Not:
      return "needs a condition (true or false)";
    case Op::Neg:
      return "needs a number";
    default:
      return "needs numbers";
  }
}

// 1-based column of byte `offset`, counting UTF-8 code points.
std::size_t column_of(std::string_view text, std::size_t offset) {
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80) ++column;
  return column;
}

// ---- lexer ----

enum class Tok { Int, Float, String, Name, True, False, Op, LParen, RParen, End };

struct Token {
  Tok kind = Tok::End;
  std::size_t begin = 0, end = 0;  // byte span in the text
  Op op = Op::Or;                  // Tok::Op (Sub also stands for unary minus)
  Value value;                     // Int, Float, String literals
  std::string name;                // Tok::Name
};

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }
bool digit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> tokens() {
    std::vector<Token> out;
    for (;;) {
      while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
      if (pos_ == text_.size()) {
        Token end;
        end.begin = end.end = pos_;
        out.push_back(end);
        return out;
      }
      out.push_back(next());
    }
  }

 private:
  [[noreturn]] void fail(std::size_t offset, const std::string& message) const {
    throw ConstraintError(column_of(text_, offset), message);
  }

  Token next() {
    Token t;
    t.begin = pos_;
    const char c = text_[pos_];
    const char n = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    auto op = [&](Op o, std::size_t length) {
      t.kind = Tok::Op;
      t.op = o;
      pos_ += length;
    };
    if (digit(c)) {
      number(t);
    } else if (name_start(c)) {
      // A parameter of a nested section is spelt with dots: pe.block.
      for (;;) {
        while (pos_ < text_.size() && name_char(text_[pos_])) ++pos_;
        if (pos_ + 1 < text_.size() && text_[pos_] == '.' && name_start(text_[pos_ + 1]))
          ++pos_;
        else
          break;
      }
      t.name = std::string(text_.substr(t.begin, pos_ - t.begin));
      t.kind = t.name == "true" ? Tok::True : t.name == "false" ? Tok::False : Tok::Name;
    } else if (c == '\'' || c == '"') {
      string(t, c);
    } else if (c == '(') {
      t.kind = Tok::LParen;
      ++pos_;
    } else if (c == ')') {
      t.kind = Tok::RParen;
      ++pos_;
    } else if (c == '|' && n == '|') {
      op(Op::Or, 2);
    } else if (c == '&' && n == '&') {
      op(Op::And, 2);
    } else if (c == '=' && n == '=') {
      op(Op::Eq, 2);
    } else if (c == '!' && n == '=') {
      op(Op::Ne, 2);
    } else if (c == '<') {
      n == '=' ? op(Op::Le, 2) : op(Op::Lt, 1);
    } else if (c == '>') {
      n == '=' ? op(Op::Ge, 2) : op(Op::Gt, 1);
    } else if (c == '!') {
      op(Op::Not, 1);
    } else if (c == '+') {
      op(Op::Add, 1);
    } else if (c == '-') {
      op(Op::Sub, 1);
    } else if (c == '*') {
      op(Op::Mul, 1);
    } else if (c == '/') {
      op(Op::Div, 1);
    } else if (c == '%') {
      op(Op::Mod, 1);
    } else if (c == '=') {
      fail(pos_, "'=' is not an operator; did you mean '=='?");
    } else if (c == '&') {
      fail(pos_, "'&' is not an operator; did you mean '&&'?");
    } else if (c == '|') {
      fail(pos_, "'|' is not an operator; did you mean '||'?");
    } else {
      const auto u = static_cast<unsigned char>(c);
      fail(pos_, u >= 0x20 && u < 0x7f ? fmt::format("unexpected character '{}'", c)
                                       : fmt::format("unexpected byte 0x{:02x}", u));
    }
    t.end = pos_;
    return t;
  }

  void number(Token& t) {
    while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
    bool is_float = false;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      is_float = true;
      ++pos_;
      while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      is_float = true;
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      const std::size_t digits = pos_;
      while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
      if (pos_ == digits) malformed(t.begin);
    }
    if (pos_ < text_.size() && (name_char(text_[pos_]) || text_[pos_] == '.')) malformed(t.begin);
    const std::string_view s = text_.substr(t.begin, pos_ - t.begin);
    if (is_float) {
      // strtod on a copy: std::from_chars for double needs a newer libstdc++ on some systems.
      const std::string copy(s);
      const double v = std::strtod(copy.c_str(), nullptr);
      if (!std::isfinite(v)) fail(t.begin, fmt::format("number {} is too large", s));
      t.kind = Tok::Float;
      t.value = v;
    } else {
      int64_t v = 0;
      const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || ptr != s.data() + s.size())
        fail(t.begin, fmt::format("integer {} does not fit in 64 bits", s));
      t.kind = Tok::Int;
      t.value = v;
    }
  }

  [[noreturn]] void malformed(std::size_t begin) {
    std::size_t end = pos_;
    while (end < text_.size() && (name_char(text_[end]) || text_[end] == '.')) ++end;
    fail(begin, fmt::format("malformed number '{}'", text_.substr(begin, end - begin)));
  }

  void string(Token& t, char quote) {
    std::string value;
    ++pos_;
    for (;;) {
      if (pos_ >= text_.size())
        fail(t.begin, fmt::format("unterminated string: no closing {}", quote));
      const char c = text_[pos_];
      if (c == quote) {
        ++pos_;
        break;
      }
      if (c == '\\') {
        const char e = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
        if (e != '\\' && e != '\'' && e != '"')
          fail(pos_, "unknown escape in a string: only \\\\, \\' and \\\" are allowed");
        value += e;
        pos_ += 2;
        continue;
      }
      value += c;
      ++pos_;
    }
    t.kind = Tok::String;
    t.value = std::move(value);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

// ---- syntax tree ----

struct Constraint::Node {
  enum class Kind { Literal, Name, Unary, Binary };
  Kind kind = Kind::Literal;
  Op op = Op::Or;
  Value value;                     // Literal
  std::string name;                // Name
  std::size_t at = 0;              // byte offset of the operator or the token
  std::size_t begin = 0, end = 0;  // byte span of the whole subexpression
  std::shared_ptr<const Node> lhs, rhs;
};

namespace {

using Node = Constraint::Node;
using NodePtr = std::shared_ptr<const Node>;

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  NodePtr parse() {
    if (peek().kind == Tok::End)
      fail(0, "empty constraint: expected a condition such as \"block >= 16\"");
    NodePtr root = binary(0);
    if (peek().kind != Tok::End) {
      std::string hint;
      const Token& t = peek();
      const Token& previous = tokens_[next_ - 1];
      if (t.kind == Tok::Name && (t.name == "and" || t.name == "or"))
        hint = t.name == "and" ? "; use '&&'" : "; use '||'";
      else if (previous.kind == Tok::Name && previous.name == "not")
        hint = "; use '!' for not";
      fail(t.begin,
           "expected an operator or the end of the constraint, found " + describe(t) + hint);
    }
    return root;
  }

 private:
  // Binary operators by precedence level, loosest first.
  static constexpr int kLevels = 6;
  static bool at_level(Op op, int level) {
    switch (level) {
      case 0:
        return op == Op::Or;
      case 1:
        return op == Op::And;
      case 2:
        return op == Op::Eq || op == Op::Ne;
      case 3:
        return op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge;
      case 4:
        return op == Op::Add || op == Op::Sub;
      default:
        return op == Op::Mul || op == Op::Div || op == Op::Mod;
    }
  }

  NodePtr binary(int level) {
    if (level == kLevels) return unary();
    NodePtr lhs = binary(level + 1);
    while (peek().kind == Tok::Op && at_level(peek().op, level)) {
      const Token op = take();
      NodePtr rhs = binary(level + 1);
      auto node = std::make_shared<Node>();
      node->kind = Node::Kind::Binary;
      node->op = op.op;
      node->at = op.begin;
      node->begin = lhs->begin;
      node->end = rhs->end;
      node->lhs = std::move(lhs);
      node->rhs = std::move(rhs);
      lhs = std::move(node);
    }
    return lhs;
  }

  NodePtr unary() {
    const Token& t = peek();
    if (t.kind == Tok::Op && (t.op == Op::Not || t.op == Op::Sub)) {
      const Token op = take();
      Depth depth(*this, op.begin);
      auto node = std::make_shared<Node>();
      node->kind = Node::Kind::Unary;
      node->op = op.op == Op::Not ? Op::Not : Op::Neg;
      node->at = op.begin;
      node->lhs = unary();
      node->begin = op.begin;
      node->end = node->lhs->end;
      return node;
    }
    return primary();
  }

  NodePtr primary() {
    const Token t = take();
    auto node = std::make_shared<Node>();
    node->at = node->begin = t.begin;
    node->end = t.end;
    switch (t.kind) {
      case Tok::Int:
      case Tok::Float:
      case Tok::String:
        node->value = t.value;
        return node;
      case Tok::True:
      case Tok::False:
        node->value = t.kind == Tok::True;
        return node;
      case Tok::Name:
        node->kind = Node::Kind::Name;
        node->name = t.name;
        return node;
      case Tok::LParen: {
        Depth depth(*this, t.begin);
        NodePtr inner = binary(0);
        if (peek().kind != Tok::RParen)
          fail(peek().begin, fmt::format("expected ')' to close the '(' at column {}, found {}",
                                         column_of(text_, t.begin), describe(peek())));
        const Token close = take();
        // A parenthesized expression keeps its node; only the span grows, so
        // messages quote the parentheses too.
        auto wrapped = std::make_shared<Node>(*inner);
        wrapped->begin = t.begin;
        wrapped->end = close.end;
        return wrapped;
      }
      default:
        fail(t.begin,
             "expected a value (a number, a string, true, false, a parameter or '('), found " +
                 describe(t));
    }
  }

  // Bounds the recursion so a pathological constraint cannot overflow the stack.
  class Depth {
   public:
    Depth(Parser& p, std::size_t at) : p_(p) {
      if (++p_.depth_ > kMaxDepth) p_.fail(at, "the constraint nests too deeply");
    }
    ~Depth() { --p_.depth_; }
    Depth(const Depth&) = delete;
    Depth& operator=(const Depth&) = delete;

   private:
    static constexpr int kMaxDepth = 200;
    Parser& p_;
  };

  std::string describe(const Token& t) const {
    if (t.kind == Tok::End) return "the end of the constraint";
    return "'" + std::string(text_.substr(t.begin, t.end - t.begin)) + "'";
  }

  const Token& peek() const { return tokens_[next_]; }
  Token take() {
    const Token& t = tokens_[next_];
    if (t.kind != Tok::End) ++next_;
    return t;
  }

  [[noreturn]] void fail(std::size_t offset, const std::string& message) const {
    throw ConstraintError(column_of(text_, offset), message);
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t next_ = 0;
  int depth_ = 0;
};

// ---- checking and evaluation ----

std::string snippet(std::string_view text, const Node& n) {
  std::string s(text.substr(n.begin, n.end - n.begin));
  constexpr std::size_t kMax = 32;
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

std::string operand(std::string_view text, const Node& n, ValueType t) {
  return fmt::format("{} ({})", type_article(t), snippet(text, n));
}

[[noreturn]] void fail_at(std::string_view text, std::size_t offset, const std::string& message) {
  throw ConstraintError(column_of(text, offset), message);
}

[[noreturn]] void fail_binary(std::string_view text, const Node& n, ValueType a, ValueType b) {
  fail_at(text, n.at,
          fmt::format("'{}' {}, found {} and {}", op_text(n.op), needs_text(n.op),
                      operand(text, *n.lhs, a), operand(text, *n.rhs, b)));
}

[[noreturn]] void fail_unary(std::string_view text, const Node& n, ValueType a) {
  fail_at(
      text, n.at,
      fmt::format("'{}' {}, found {}", op_text(n.op), needs_text(n.op), operand(text, *n.lhs, a)));
}

[[noreturn]] void fail_not_condition(std::string_view text, const Node& n, ValueType t) {
  fail_at(text, n.begin,
          fmt::format("expected a condition (true or false), found {}", operand(text, n, t)));
}

std::string unknown_name_message(const std::string& name, const std::vector<std::string>& names,
                                 std::string_view unit_name) {
  if (name == "and") return "'and' is not an operator; use '&&'";
  if (name == "or") return "'or' is not an operator; use '||'";
  if (name == "not") return "'not' is not an operator; use '!'";
  std::string message = fmt::format("unknown parameter '{}' for unit {}", name, unit_name);
  if (std::string hint = cfg::did_you_mean(name, names); !hint.empty())
    return message + "; " + hint;
  if (names.empty()) return message + " (the unit has no parameters)";
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return message + " (parameters: " + list + ")";
}

std::string unusable_message(const std::string& name, std::string_view what) {
  return fmt::format("parameter '{}' is {}: constraints compare numbers, strings and booleans",
                     name, what);
}

class Checker {
 public:
  Checker(std::string_view text, const std::vector<std::pair<std::string, ValueType>>& params,
          std::string_view unit_name)
      : text_(text), params_(params), unit_name_(unit_name) {}

  ValueType type(const Node& n) const {
    switch (n.kind) {
      case Node::Kind::Literal:
        return type_of(n.value);
      case Node::Kind::Name: {
        auto it = std::find_if(params_.begin(), params_.end(),
                               [&](const auto& p) { return p.first == n.name; });
        if (it == params_.end()) {
          std::vector<std::string> names;
          for (const auto& p : params_) names.push_back(p.first);
          fail_at(text_, n.at, unknown_name_message(n.name, names, unit_name_));
        }
        if (it->second == ValueType::Unusable)
          fail_at(text_, n.at, unusable_message(n.name, "a list"));
        return it->second;
      }
      case Node::Kind::Unary: {
        const ValueType a = type(*n.lhs);
        if (auto r = unary_type(n.op, a)) return *r;
        fail_unary(text_, n, a);
      }
      case Node::Kind::Binary: {
        const ValueType a = type(*n.lhs);
        const ValueType b = type(*n.rhs);
        if (auto r = binary_type(n.op, a, b)) return *r;
        fail_binary(text_, n, a, b);
      }
    }
    return ValueType::Unusable;
  }

 private:
  std::string_view text_;
  const std::vector<std::pair<std::string, ValueType>>& params_;
  std::string_view unit_name_;
};

double as_double(const Value& v) {
  return v.index() == 1 ? static_cast<double>(std::get<int64_t>(v)) : std::get<double>(v);
}

class Evaluator {
 public:
  Evaluator(std::string_view text, const nlohmann::ordered_json& params)
      : text_(text), params_(params) {}

  Value eval(const Node& n) const {
    switch (n.kind) {
      case Node::Kind::Literal:
        return n.value;
      case Node::Kind::Name:
        return lookup(n);
      case Node::Kind::Unary:
        return unary(n);
      case Node::Kind::Binary:
        return binary(n);
    }
    return false;
  }

 private:
  Value lookup(const Node& n) const {
    if (!params_.is_object() || !params_.contains(n.name))
      fail_at(text_, n.at, fmt::format("unknown parameter '{}'", n.name));
    const auto& v = params_.at(n.name);
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_number_unsigned()) {
      const auto u = v.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        fail_at(text_, n.at, fmt::format("parameter '{}' = {} does not fit in 64 bits", n.name, u));
      return static_cast<int64_t>(u);
    }
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_float()) return v.get<double>();
    if (v.is_string()) return v.get<std::string>();
    fail_at(text_, n.at, unusable_message(n.name, v.is_array() ? "a list" : "not a value"));
  }

  Value unary(const Node& n) const {
    const Value a = eval(*n.lhs);
    const ValueType ta = type_of(a);
    if (!unary_type(n.op, ta)) fail_unary(text_, n, ta);
    if (n.op == Op::Not) return !std::get<bool>(a);
    if (ta == ValueType::Float) return -std::get<double>(a);
    const int64_t v = std::get<int64_t>(a);
    if (v == std::numeric_limits<int64_t>::min()) overflow(n);
    return -v;
  }

  Value binary(const Node& n) const {
    const Value a = eval(*n.lhs);
    const ValueType ta = type_of(a);
    if ((n.op == Op::And || n.op == Op::Or) && ta == ValueType::Bool) {
      const bool lhs = std::get<bool>(a);
      if (n.op == Op::And ? !lhs : lhs) return lhs;  // short-circuit
    }
    const Value b = eval(*n.rhs);
    const ValueType tb = type_of(b);
    const auto result = binary_type(n.op, ta, tb);
    if (!result) fail_binary(text_, n, ta, tb);

    switch (n.op) {
      case Op::Or:
      case Op::And:
        return std::get<bool>(b);
      case Op::Eq:
      case Op::Ne: {
        bool equal = false;
        if (numeric(ta))
          equal = ta == ValueType::Int && tb == ValueType::Int
                      ? std::get<int64_t>(a) == std::get<int64_t>(b)
                      : as_double(a) == as_double(b);
        else
          equal = a == b;
        return n.op == Op::Eq ? equal : !equal;
      }
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge:
        if (ta == ValueType::Int && tb == ValueType::Int)
          return compare(n.op, std::get<int64_t>(a), std::get<int64_t>(b));
        return compare(n.op, as_double(a), as_double(b));
      default:
        break;
    }
    if (*result == ValueType::Float) {
      const double x = as_double(a), y = as_double(b);
      switch (n.op) {
        case Op::Add:
          return x + y;
        case Op::Sub:
          return x - y;
        case Op::Mul:
          return x * y;
        default:
          if (y == 0) division_by_zero(n);
          return x / y;
      }
    }
    const int64_t x = std::get<int64_t>(a), y = std::get<int64_t>(b);
    int64_t r = 0;
    switch (n.op) {
      case Op::Add:
        if (__builtin_add_overflow(x, y, &r)) overflow(n);
        return r;
      case Op::Sub:
        if (__builtin_sub_overflow(x, y, &r)) overflow(n);
        return r;
      case Op::Mul:
        if (__builtin_mul_overflow(x, y, &r)) overflow(n);
        return r;
      case Op::Div:
        if (y == 0) division_by_zero(n);
        if (x == std::numeric_limits<int64_t>::min() && y == -1) overflow(n);
        return x / y;
      default:  // Op::Mod
        if (y == 0) division_by_zero(n);
        if (y == -1) return int64_t{0};  // INT64_MIN % -1 is undefined in C++
        return x % y;
    }
  }

  template <class T>
  static bool compare(Op op, T x, T y) {
    switch (op) {
      case Op::Lt:
        return x < y;
      case Op::Le:
        return x <= y;
      case Op::Gt:
        return x > y;
      default:
        return x >= y;
    }
  }

  [[noreturn]] void overflow(const Node& n) const {
    fail_at(text_, n.at, fmt::format("integer overflow in '{}'", snippet(text_, n)));
  }
  [[noreturn]] void division_by_zero(const Node& n) const {
    fail_at(text_, n.at, fmt::format("division by zero in '{}'", snippet(text_, n)));
  }

  std::string_view text_;
  const nlohmann::ordered_json& params_;
};

void collect_names(const Node& n, std::vector<std::string>& out) {
  if (n.kind == Node::Kind::Name && std::find(out.begin(), out.end(), n.name) == out.end())
    out.push_back(n.name);
  if (n.lhs) collect_names(*n.lhs, out);
  if (n.rhs) collect_names(*n.rhs, out);
}

}  // namespace

ValueType value_type_of(std::string_view param_type) {
  if (param_type == "int") return ValueType::Int;
  if (param_type == "bool") return ValueType::Bool;
  if (param_type == "string") return ValueType::String;
  if (param_type == "float") return ValueType::Float;
  return ValueType::Unusable;
}

Constraint Constraint::parse(std::string_view text) {
  Constraint c;
  c.text_ = std::string(text);
  c.root_ = Parser(c.text_, Lexer(c.text_).tokens()).parse();
  return c;
}

std::vector<std::string> Constraint::names() const {
  std::vector<std::string> out;
  if (root_) collect_names(*root_, out);
  return out;
}

void Constraint::check(const std::vector<std::pair<std::string, ValueType>>& params,
                       std::string_view unit_name) const {
  if (!root_) throw ConstraintError(1, "empty constraint");
  const ValueType t = Checker(text_, params, unit_name).type(*root_);
  if (t != ValueType::Bool) fail_not_condition(text_, *root_, t);
}

bool Constraint::evaluate(const nlohmann::ordered_json& params) const {
  if (!root_) throw ConstraintError(1, "empty constraint");
  const Value v = Evaluator(text_, params).eval(*root_);
  if (v.index() != 0) fail_not_condition(text_, *root_, type_of(v));
  return std::get<bool>(v);
}

}  // namespace bf::sweep
