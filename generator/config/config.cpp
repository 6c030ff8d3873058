// Design files (top level: unit, name, params), did-you-mean and the stable
// hash. The per-parameter reading lives in param_read.cpp.

#include "generator/config/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

namespace bf::cfg {

namespace {

using detail::FieldError;
using detail::found_text;
using detail::location;
using detail::toml_quote;

constexpr std::array<std::string_view, 3> kTopLevelKeys = {"unit", "name", "params"};

// Verilog-2005 and SystemVerilog keywords that fit [a-z][a-z0-9_]*: a module
// cannot be named after one.
// clang-format off
constexpr std::string_view kVerilogKeywords[] = {
    "accept_on", "alias", "always", "always_comb", "always_ff", "always_latch", "and", "assert",
    "assign", "assume", "automatic", "before", "begin", "bind", "bins", "binsof", "bit", "break",
    "buf", "bufif0", "bufif1", "byte", "case", "casex", "casez", "cell", "chandle", "checker",
    "class", "clocking", "cmos", "config", "const", "constraint", "context", "continue", "cover",
    "covergroup", "coverpoint", "cross", "deassign", "default", "defparam", "design", "disable",
    "dist", "do", "edge", "else", "end", "endcase", "endchecker", "endclass", "endclocking",
    "endconfig", "endfunction", "endgenerate", "endgroup", "endinterface", "endmodule",
    "endpackage", "endprimitive", "endprogram", "endproperty", "endsequence", "endspecify",
    "endtable", "endtask", "enum", "event", "eventually", "expect", "export", "extends", "extern",
    "final", "first_match", "for", "force", "foreach", "forever", "fork", "forkjoin", "function",
    "generate", "genvar", "global", "highz0", "highz1", "if", "iff", "ifnone", "ignore_bins",
    "illegal_bins", "implements", "implies", "import", "incdir", "include", "initial", "inout",
    "input", "inside", "instance", "int", "integer", "interconnect", "interface", "intersect",
    "join", "join_any", "join_none", "large", "let", "liblist", "library", "local", "localparam",
    "logic", "longint", "macromodule", "matches", "medium", "modport", "module", "nand", "negedge",
    "nettype", "new", "nexttime", "nmos", "nor", "noshowcancelled", "not", "notif0", "notif1",
    "null", "or", "output", "package", "packed", "parameter", "pmos", "posedge", "primitive",
    "priority", "program", "property", "protected", "pull0", "pull1", "pulldown", "pullup",
    "pulsestyle_ondetect", "pulsestyle_onevent", "pure", "rand", "randc", "randcase",
    "randsequence", "rcmos", "real", "realtime", "ref", "reg", "reject_on", "release", "repeat",
    "restrict", "return", "rnmos", "rpmos", "rtran", "rtranif0", "rtranif1", "s_always",
    "s_eventually", "s_nexttime", "s_until", "s_until_with", "scalared", "sequence", "shortint",
    "shortreal", "showcancelled", "signed", "small", "soft", "solve", "specify", "specparam",
    "static", "string", "strong", "strong0", "strong1", "struct", "super", "supply0", "supply1",
    "sync_accept_on", "sync_reject_on", "table", "tagged", "task", "this", "throughout", "time",
    "timeprecision", "timeunit", "tran", "tranif0", "tranif1", "tri", "tri0", "tri1", "triand",
    "trior", "trireg", "type", "typedef", "union", "unique", "unique0", "unsigned", "until",
    "until_with", "untyped", "use", "uwire", "var", "vectored", "virtual", "void", "wait",
    "wait_order", "wand", "weak", "weak0", "weak1", "while", "wildcard", "wire", "with", "within",
    "wor", "xnor", "xor"};
// clang-format on

bool is_snake_identifier(std::string_view s) {
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool is_verilog_keyword(std::string_view s) {
  return std::find(std::begin(kVerilogKeywords), std::end(kVerilogKeywords), s) !=
         std::end(kVerilogKeywords);
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The canonical text of a value for the content hash: keys sorted (toml::table
// is ordered by key), integers in decimal whatever their spelling, no layout.
void canonical(const toml::node& node, std::string& out) {
  switch (node.type()) {
    case toml::node_type::table: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : *node.as_table()) {
        if (!first) out += ',';
        first = false;
        out += toml_quote(key.str());
        out += '=';
        canonical(value, out);
      }
      out += '}';
      return;
    }
    case toml::node_type::array: {
      out += '[';
      bool first = true;
      for (const auto& value : *node.as_array()) {
        if (!first) out += ',';
        first = false;
        canonical(value, out);
      }
      out += ']';
      return;
    }
    case toml::node_type::string:
      out += toml_quote(node.as_string()->get());
      return;
    case toml::node_type::integer:
      out += std::to_string(node.as_integer()->get());
      return;
    case toml::node_type::floating_point: {
      const double v = node.as_floating_point()->get();
      if (std::isnan(v))
        out += "float(nan)";
      else
        out += fmt::format("float({})", v);  // shortest round-trip spelling
      return;
    }
    case toml::node_type::boolean:
      out += node.as_boolean()->get() ? "true" : "false";
      return;
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: {
      std::ostringstream os;
      node.visit([&](const auto& v) {
        if constexpr (!toml::is_container<decltype(v)>) os << v;
      });
      out += "datetime(" + os.str() + ")";
      return;
    }
    case toml::node_type::none:
      return;
  }
}

std::string content_hash(const DesignFile& file) {
  std::string text =
      "unit=" + toml_quote(file.unit) + "\nname=" + toml_quote(file.name) + "\nparams=";
  canonical(file.params, text);
  text += '\n';
  return stable_hash(text);
}

toml::source_position key_position(const toml::table& top, std::string_view key) {
  return detail::param_position(top, key);
}

}  // namespace

DesignFile parse_design_text(std::string_view text, const std::string& path) {
  toml::table top;
  try {
    top = toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    throw ConfigError(location(path, e.source().begin) + ": " + std::string(e.description()));
  }

  DesignFile file;
  file.path = path;
  std::vector<FieldError> errors;

  for (const auto& [key, node] : top) {
    if (std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), key.str()) != kTopLevelKeys.end())
      continue;
    std::string message =
        fmt::format("unknown top-level key '{}'", detail::printable_key(key.str()));
    std::vector<std::string> allowed(kTopLevelKeys.begin(), kTopLevelKeys.end());
    if (std::string hint = did_you_mean(key.str(), allowed); !hint.empty())
      message += "; " + hint;
    else
      message += " (allowed: unit, name, params; unit parameters go under [params])";
    errors.push_back({key_position(top, key.str()), std::move(message)});
  }

  const toml::node* unit = top.get("unit");
  if (unit) {
    if (const auto* s = unit->as_string(); !s)
      errors.push_back({key_position(top, "unit"),
                        "key 'unit': expected a string (the unit to generate, e.g. unit = "
                        "\"quant.block\"), found " +
                            found_text(*unit)});
    else if (s->get().empty())
      errors.push_back({key_position(top, "unit"),
                        "key 'unit' is empty: expected the unit to generate, e.g. unit = "
                        "\"quant.block\""});
    else {
      file.unit = s->get();
      const auto pos = key_position(top, "unit");
      file.unit_where =
          file.path + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
    }
  }

  if (const toml::node* name = top.get("name")) {
    if (const auto* s = name->as_string(); !s)
      errors.push_back({key_position(top, "name"),
                        "key 'name': expected a string (the top module name, e.g. name = "
                        "\"quant_block_mxint8_k32\"), found " +
                            found_text(*name)});
    else if (!is_snake_identifier(s->get()))
      errors.push_back(
          {key_position(top, "name"),
           fmt::format("key 'name' = {} is not a valid module name: expected a lower_snake_case "
                       "Verilog identifier ([a-z][a-z0-9_]*)",
                       toml_quote(s->get()))});
    else if (is_verilog_keyword(s->get()))
      errors.push_back({key_position(top, "name"),
                        fmt::format("key 'name' = {} is not a valid module name: '{}' is a "
                                    "Verilog keyword",
                                    toml_quote(s->get()), s->get())});
    else
      file.name = s->get();
  }

  if (toml::node* params = top.get("params")) {
    if (auto* t = params->as_table())
      file.params = std::move(*t);  // a move keeps the source positions (a copy would not)
    else
      errors.push_back({key_position(top, "params"),
                        "key 'params': expected a table of unit parameters ([params]), found " +
                            found_text(*params)});
  }

  if (!errors.empty()) detail::throw_first(path, std::move(errors));
  if (!unit)
    throw ConfigError(location(path, {1, 1}) +
                      ": missing required key 'unit' (the unit to generate, e.g. unit = "
                      "\"quant.block\")");

  file.content_hash = content_hash(file);
  return file;
}

DesignFile load_design_file(const std::string& path) {
  return parse_design_text(read_config_file(path, "design file"), path);
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string best = closest_match(word, candidates);
  return best.empty() ? "" : "did you mean '" + best + "'?";
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  const size_t limit = std::max<size_t>(2, word.size() / 3);
  const std::string* best = nullptr;
  size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    const size_t d = edit_distance(word, candidate);
    // Rewriting the whole word is no "typo" ("ab" -> "xy").
    if (d > limit || d >= std::max(word.size(), candidate.size())) continue;
    if (!best || d < best_distance) {
      best = &candidate;
      best_distance = d;
    }
  }
  return best ? *best : "";
}

std::string stable_hash(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return fmt::format("{:016x}", h);
}

}  // namespace bf::cfg
