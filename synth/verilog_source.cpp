#include "synth/verilog_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

#include "util/files.hpp"

namespace bf::synth {
namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
}
bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Whether a comment's body is a tool pragma ("// synopsys full_case", ...),
// which changes how Yosys reads the code and so must stay in the text.
bool is_pragma(const std::string& body) {
  std::string word;
  for (const char c : body) {
    if (word.empty() && (is_space(c) || c == '*')) continue;
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return word == "synopsys" || word == "synthesis" || word == "pragma";
}

// End (exclusive) of the string literal opening at text[i] == '"'.
std::size_t string_end(const std::string& text, std::size_t i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"' || text[i] == '\n') {
      return i + 1;
    }
  }
  return text.size();
}

// End (exclusive) of the escaped identifier opening at text[i] == '\\'.
std::size_t escaped_end(const std::string& text, std::size_t i) {
  while (i < text.size() && !is_space(text[i])) ++i;
  return i;
}

int line_at(const std::string& text, std::size_t pos) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + pos, '\n'));
}

// End (exclusive) of a directive starting at text[i] == '`': the rest of its
// line, with backslash-newline continuations (`define).
std::size_t directive_end(const std::string& text, std::size_t i) {
  while (i < text.size() && text[i] != '\n') {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    ++i;
  }
  return i;
}

struct Token {
  std::size_t begin = 0, end = 0;
};

// The next identifier or keyword at or after i, skipping strings, escaped
// identifiers and other characters; end == text.size() when none.
Token next_word(const std::string& text, std::size_t i) {
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      i = string_end(text, i);
    } else if (c == '\\') {
      i = escaped_end(text, i);
    } else if (is_ident_start(c) && (i == 0 || !is_ident_char(text[i - 1]))) {
      std::size_t e = i;
      while (e < text.size() && is_ident_char(text[e])) ++e;
      return {i, e};
    } else {
      ++i;
    }
  }
  return {text.size(), text.size()};
}

// strip_verilog_comments(); *unterminated receives the offset of a block
// comment without its */ (npos when none).
std::string strip_comments(const std::string& text, std::size_t* unterminated) {
  *unterminated = std::string::npos;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t e = string_end(text, i);
      out.append(text, i, e - i);
      i = e;
    } else if (c == '\\') {
      const std::size_t e = std::max(escaped_end(text, i), i + 1);
      out.append(text, i, e - i);
      i = e;
    } else if (text.compare(i, 2, "//") == 0) {
      std::size_t e = text.find('\n', i);
      if (e == std::string::npos) e = text.size();
      if (is_pragma(text.substr(i + 2, e - i - 2))) out.append(text, i, e - i);
      i = e;  // the newline stays
    } else if (text.compare(i, 2, "/*") == 0) {
      const std::size_t close = text.find("*/", i + 2);
      if (close == std::string::npos) *unterminated = i;
      const std::size_t e = close == std::string::npos ? text.size() : close + 2;
      const std::string comment = text.substr(i, e - i);
      if (close != std::string::npos && is_pragma(comment.substr(2))) {
        out += comment;
      } else {
        // Keep the line count and keep tokens apart.
        const auto lines = std::count(comment.begin(), comment.end(), '\n');
        out += lines > 0 ? std::string(static_cast<std::size_t>(lines), '\n') : " ";
      }
      i = e;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string strip_verilog_comments(const std::string& text) {
  std::size_t unterminated = 0;
  return strip_comments(text, &unterminated);
}

std::vector<ModuleSource> split_modules(const std::string& raw, const std::string& file) {
  std::size_t unterminated = 0;
  const std::string text = strip_comments(raw, &unterminated);
  if (unterminated != std::string::npos) {
    throw std::runtime_error(fmt::format("{}:{}: unterminated /* comment; close it with */", file,
                                         line_at(raw, unterminated)));
  }
  std::vector<ModuleSource> modules;
  std::string prelude;  // directives so far in this file (they stay in force)
  std::string pending;  // other text since the last module (attributes)
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (is_space(c)) {
      if (!pending.empty()) pending += c;
      ++i;
      continue;
    }
    if (c == '`') {
      std::size_t e = i + 1;
      while (e < text.size() && is_ident_char(text[e])) ++e;
      const std::string name = text.substr(i + 1, e - i - 1);
      if (name == "include" || name == "ifdef" || name == "ifndef" || name == "elsif" ||
          name == "else" || name == "endif") {
        throw std::runtime_error(fmt::format(
            "{}:{}: `{} outside a module: the hierarchical area flow synthesizes each module "
            "from its own text and cannot follow it; inline it, or use --flat",
            file, line_at(text, i), name));
      }
      const std::size_t end = directive_end(text, i);
      prelude.append(text, i, end - i);
      prelude += '\n';
      i = end;
      continue;
    }
    const Token word = next_word(text, i);
    const bool at_word = word.begin == i;
    const std::string kw = at_word ? text.substr(word.begin, word.end - word.begin) : "";
    if (kw != "module" && kw != "macromodule") {
      // Anything else outside a module (an attribute before the next one).
      const std::size_t e = at_word           ? word.end
                            : text[i] == '"'  ? string_end(text, i)
                            : text[i] == '\\' ? std::max(escaped_end(text, i), i + 1)
                                              : i + 1;
      pending.append(text, i, e - i);
      i = e;
      continue;
    }
    // The module's name: a plain or an escaped identifier.
    std::size_t n = word.end;
    while (n < text.size() && is_space(text[n])) ++n;
    std::string name;
    if (n < text.size() && text[n] == '\\') {
      const std::size_t e = escaped_end(text, n);
      name = text.substr(n + 1, e - n - 1);
    } else if (n < text.size() && is_ident_start(text[n])) {
      std::size_t e = n;
      while (e < text.size() && is_ident_char(text[e])) ++e;
      name = text.substr(n, e - n);
    }
    if (name.empty()) {
      throw std::runtime_error(
          fmt::format("{}:{}: `{}` without a module name; name it", file, line_at(text, i), kw));
    }
    std::size_t end = text.size();
    for (Token t = next_word(text, word.end); t.begin < text.size(); t = next_word(text, t.end)) {
      const std::string w = text.substr(t.begin, t.end - t.begin);
      if (w == "endmodule") {
        end = t.end;
        break;
      }
      if (w == "module" || w == "macromodule") {
        throw std::runtime_error(fmt::format(
            "{}:{}: module '{}' has no endmodule before the next module (line {}); add it", file,
            line_at(text, i), name, line_at(text, t.begin)));
      }
    }
    if (end == text.size()) {
      throw std::runtime_error(
          fmt::format("{}:{}: module '{}' has no endmodule; add it", file, line_at(text, i), name));
    }
    ModuleSource m;
    m.name = name;
    m.file = file;
    m.line = line_at(text, i);
    const auto last = pending.find_last_not_of(" \t\r\n");
    pending.erase(last == std::string::npos ? 0 : last + 1);
    m.text = prelude + pending + (pending.empty() ? "" : " ") + text.substr(i, end - i) + "\n";
    modules.push_back(std::move(m));
    pending.clear();
    i = end;
  }
  return modules;
}

std::vector<ModuleSource> read_modules(const std::vector<std::string>& files) {
  std::vector<ModuleSource> all;
  std::map<std::string, std::size_t> where;
  for (const auto& f : files) {
    for (auto& m : split_modules(util::read_text(f), f)) {
      if (const auto it = where.find(m.name); it != where.end()) {
        const ModuleSource& first = all[it->second];
        throw std::runtime_error(
            fmt::format("{}:{}: module '{}' is defined again (first at {}:{}); keep one of them",
                        m.file, m.line, m.name, first.file, first.line));
      }
      where[m.name] = all.size();
      all.push_back(std::move(m));
    }
  }
  return all;
}

}  // namespace bf::synth
