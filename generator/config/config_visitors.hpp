#pragma once
// The visitors over a unit's parameter struct P (see golden/params/param_spec.hpp):
//
//   describe_params<P>()             one ParamInfo per field, for `blockforge list` and the docs
//   read_params<P>(table, path, unit) the [params] table checked and read into a P
//   params_to_json<P>(p)             every field in declaration order (canonical form)
//
// A nested section (v.section("pe", pe, help), pe a struct with its own
// visit()) is walked recursively by each visitor: its fields are "pe.block" in
// describe_params and in messages, the sub-table [params.pe] in the file, and
// the nested object "pe" in the JSON.
//
// The templates only walk the struct; every check and every message lives in
// the non-template helpers of namespace detail (param_read.cpp), so all units
// report errors in exactly the same words.

#include <toml++/toml.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "generator/config/config.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::cfg {

namespace detail {

// A positioned problem found while reading one field; read_params reports the
// one that comes first in the file.
struct FieldError {
  toml::source_position pos;
  std::string message;
};

// Where a parameter is: its key, else its value, else the [params] table, else
// an unknown position (reported as the start of the file).
toml::source_position param_position(const toml::table& params, std::string_view key);
// "path:line:column" (line/column 1 when pos is unknown).
std::string location(const std::string& path, toml::source_position pos);

// What a value is, for "expected X, found Y": "a string (\"32\")", "a float (2.5)",
// "an array", ...
std::string found_text(const toml::node& node);

// A key as shown between quotes in a message: control characters escaped, so a
// message stays on one line whatever the file's (quoted) keys contain.
std::string printable_key(std::string_view key);

// TOML spelling of values, as shown in ParamInfo::default_text.
std::string toml_quote(std::string_view s);
std::string toml_int_list(const std::vector<int>& values);
// "2..256" (or "4" when min == max).
std::string range_text(IntRange range);
// "one of: a, b, c", or "" for a free string.
std::string choices_text(const Choices& choices);
// "each 1..16, length 1..4".
std::string int_list_allowed_text(IntRange each, IntRange length);

// Each reader leaves `value` alone when the key is absent (the default stays),
// and returns the error otherwise found. `params` is the table the key is in
// ([params] or a section's sub-table); `prefix` ("" or "pe.", the sections the
// table is nested in) is prepended to the name in messages.
std::optional<FieldError> read_int(const toml::table& params, std::string_view name, int& value,
                                   IntRange range, std::string_view prefix = {});
std::optional<FieldError> read_bool(const toml::table& params, std::string_view name, bool& value,
                                    std::string_view prefix = {});
std::optional<FieldError> read_string(const toml::table& params, std::string_view name,
                                      std::string& value, const Choices& choices,
                                      std::string_view prefix = {});
std::optional<FieldError> read_int_list(const toml::table& params, std::string_view name,
                                        std::vector<int>& value, IntRange each, IntRange length,
                                        std::string_view prefix = {});
// A nested section: `table` is its sub-table, or nullptr when the key is absent
// (the section keeps its defaults) or not a table (the error returned:
// "parameter 'pe': expected a table ([params.pe]), found an integer (3)").
std::optional<FieldError> read_section(const toml::table& params, std::string_view name,
                                       const toml::table*& table, std::string_view prefix = {});

// One error per key of `params` that is not in `names` (did-you-mean, or the
// list of valid names), keys and suggestions shown with `prefix` ("pe.").
std::vector<FieldError> unknown_params(const toml::table& params,
                                       const std::vector<std::string>& names,
                                       std::string_view unit_name, std::string_view prefix = {});

// Where a possibly dotted parameter key ("pe.lanes") is: the key in its
// (sub-)table when present, else the deepest section present on its path,
// else the [params] table (or unknown).
struct ParamPlace {
  toml::source_position pos;
  bool present = false;  // the key itself is in the file
};
ParamPlace find_param(const toml::table& params, std::string_view key);

// Throws the error that comes first in the file (ties: the first found).
[[noreturn]] void throw_first(const std::string& path, std::vector<FieldError> errors);

// Maps a ParamError from P::validate() (or a section's validate(), its key
// made dotted) to the key's position (or the enclosing section, the [params]
// table or the file start when the key was defaulted; `default_text` is then
// shown).
[[noreturn]] void throw_validate_error(const toml::table& params, const std::string& path,
                                       const ParamError& error,
                                       const std::vector<ParamInfo>& infos);

// ---- visitors ----

// The keys a struct's table may hold: its fields and its sections.
class NameVisitor {
 public:
  template <class T, class... Rest>
  void field(std::string_view name, T& /*value*/, std::string_view /*help*/, Rest&&...) {
    names.emplace_back(name);
  }
  template <class S>
  void section(std::string_view name, S& /*sub*/, std::string_view /*help*/) {
    names.emplace_back(name);
  }
  std::vector<std::string> names;
};

class DescribeVisitor {
 public:
  // `prefix`: "" at the top, "pe." inside section pe.
  explicit DescribeVisitor(std::string prefix = {}) : prefix_(std::move(prefix)) {}

  void field(std::string_view name, int& value, std::string_view help, IntRange range) {
    infos.push_back({prefix_ + std::string(name), "int", std::to_string(value), range_text(range),
                     std::string(help)});
  }
  void field(std::string_view name, bool& value, std::string_view help) {
    infos.push_back(
        {prefix_ + std::string(name), "bool", value ? "true" : "false", "", std::string(help)});
  }
  void field(std::string_view name, std::string& value, std::string_view help,
             const Choices& choices) {
    infos.push_back({prefix_ + std::string(name), "string", toml_quote(value),
                     choices_text(choices), std::string(help)});
  }
  void field(std::string_view name, std::vector<int>& value, std::string_view help, IntRange each,
             IntRange length) {
    infos.push_back({prefix_ + std::string(name), "int list", toml_int_list(value),
                     int_list_allowed_text(each, length), std::string(help)});
  }
  // The section's fields, dotted; no entry for the section itself.
  template <class S>
  void section(std::string_view name, S& sub, std::string_view /*help*/) {
    DescribeVisitor inner(prefix_ + std::string(name) + ".");
    sub.visit(inner);
    for (auto& info : inner.infos) infos.push_back(std::move(info));
  }
  std::vector<ParamInfo> infos;

 private:
  std::string prefix_;
};

// Reads `table` into `p` (a struct with visit()): unknown keys, then every
// field and section; the problems are appended to `errors`. `prefix` is "" for
// [params] and "pe." for its section pe.
template <class P>
void read_table(const toml::table& table, P& p, std::string_view unit_name,
                const std::string& prefix, std::vector<FieldError>& errors);

class ReadVisitor {
 public:
  ReadVisitor(const toml::table& params, std::string_view unit_name, std::string prefix,
              std::vector<FieldError>& errors)
      : params_(params), unit_name_(unit_name), prefix_(std::move(prefix)), errors_(errors) {}

  void field(std::string_view name, int& value, std::string_view /*help*/, IntRange range) {
    add(read_int(params_, name, value, range, prefix_));
  }
  void field(std::string_view name, bool& value, std::string_view /*help*/) {
    add(read_bool(params_, name, value, prefix_));
  }
  void field(std::string_view name, std::string& value, std::string_view /*help*/,
             const Choices& choices) {
    add(read_string(params_, name, value, choices, prefix_));
  }
  void field(std::string_view name, std::vector<int>& value, std::string_view /*help*/,
             IntRange each, IntRange length) {
    add(read_int_list(params_, name, value, each, length, prefix_));
  }
  template <class S>
  void section(std::string_view name, S& sub, std::string_view /*help*/) {
    const toml::table* table = nullptr;
    if (auto error = read_section(params_, name, table, prefix_)) {
      add(std::move(error));
      return;
    }
    if (table) read_table(*table, sub, unit_name_, prefix_ + std::string(name) + ".", errors_);
  }

 private:
  void add(std::optional<FieldError> error) {
    if (error) errors_.push_back(std::move(*error));
  }
  const toml::table& params_;
  std::string_view unit_name_;
  std::string prefix_;
  std::vector<FieldError>& errors_;
};

template <class P>
void read_table(const toml::table& table, P& p, std::string_view unit_name,
                const std::string& prefix, std::vector<FieldError>& errors) {
  NameVisitor names;
  p.visit(names);
  for (auto& e : unknown_params(table, names.names, unit_name, prefix))
    errors.push_back(std::move(e));
  ReadVisitor reader(table, unit_name, prefix, errors);
  p.visit(reader);
}

// Runs every section's validate() (a section's own sections first), so a bad
// nested value is caught whether or not the parent's validate() checks it. A
// ParamError leaves with its key made dotted ("lanes" -> "pe.lanes").
class ValidateVisitor {
 public:
  template <class T, class... Rest>
  void field(std::string_view /*name*/, T& /*value*/, std::string_view /*help*/, Rest&&...) {}
  template <class S>
  void section(std::string_view name, S& sub, std::string_view /*help*/) {
    try {
      ValidateVisitor inner;
      sub.visit(inner);
      if constexpr (requires(const S& s) { s.validate(); }) static_cast<const S&>(sub).validate();
    } catch (const ParamError& e) {
      throw ParamError(std::string(name) + "." + e.key(), e.what());
    }
  }
};

class JsonVisitor {
 public:
  template <class T, class... Rest>
  void field(std::string_view name, T& value, std::string_view /*help*/, Rest&&...) {
    json[std::string(name)] = value;
  }
  // A section is a nested object, its fields in declaration order.
  template <class S>
  void section(std::string_view name, S& sub, std::string_view /*help*/) {
    JsonVisitor inner;
    sub.visit(inner);
    json[std::string(name)] = std::move(inner.json);
  }
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
};

}  // namespace detail

template <class P>
std::vector<ParamInfo> describe_params() {
  P p{};
  detail::DescribeVisitor v;
  p.visit(v);
  return std::move(v.infos);
}

template <class P>
P read_params(const toml::table& params, const std::string& path, std::string_view unit_name) {
  P p{};
  std::vector<detail::FieldError> errors;
  detail::read_table(params, p, unit_name, "", errors);
  if (!errors.empty()) detail::throw_first(path, std::move(errors));

  try {
    // The sections' own rules first: a parent's validate() may rely on them.
    detail::ValidateVisitor sections;
    p.visit(sections);
    if constexpr (requires(const P& q) { q.validate(); }) static_cast<const P&>(p).validate();
  } catch (const ParamError& e) {
    detail::throw_validate_error(params, path, e, describe_params<P>());
  }
  return p;
}

template <class P>
nlohmann::ordered_json params_to_json(const P& p) {
  P copy = p;  // visit() is non-const: the same member serves the reader
  detail::JsonVisitor v;
  copy.visit(v);
  return std::move(v.json);
}

}  // namespace bf::cfg
