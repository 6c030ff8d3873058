#pragma once
// The visitors over a unit's parameter struct P (see golden/units/param_spec.hpp):
//
//   describe_params<P>()             one ParamInfo per field, for `blockforge list` and the docs
//   read_params<P>(table, path, unit) the [params] table checked and read into a P
//   params_to_json<P>(p)             every field in declaration order (canonical form)
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
#include "golden/units/param_spec.hpp"

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
// and returns the error otherwise found.
std::optional<FieldError> read_int(const toml::table& params, std::string_view name, int& value,
                                   IntRange range);
std::optional<FieldError> read_bool(const toml::table& params, std::string_view name, bool& value);
std::optional<FieldError> read_string(const toml::table& params, std::string_view name,
                                      std::string& value, const Choices& choices);
std::optional<FieldError> read_int_list(const toml::table& params, std::string_view name,
                                        std::vector<int>& value, IntRange each, IntRange length);

// One error per key of `params` that is not in `names` (did-you-mean, or the
// list of valid names).
std::vector<FieldError> unknown_params(const toml::table& params,
                                       const std::vector<std::string>& names,
                                       std::string_view unit_name);

// Throws the error that comes first in the file (ties: the first found).
[[noreturn]] void throw_first(const std::string& path, std::vector<FieldError> errors);

// Maps a ParamError from P::validate() to the key's position (or the [params]
// table / file start when the key was defaulted; `default_text` is then shown).
[[noreturn]] void throw_validate_error(const toml::table& params, const std::string& path,
                                       const ParamError& error,
                                       const std::vector<ParamInfo>& infos);

// ---- visitors ----

class NameVisitor {
 public:
  template <class T, class... Rest>
  void field(std::string_view name, T& /*value*/, std::string_view /*help*/, Rest&&...) {
    names.emplace_back(name);
  }
  std::vector<std::string> names;
};

class DescribeVisitor {
 public:
  void field(std::string_view name, int& value, std::string_view help, IntRange range) {
    infos.push_back(
        {std::string(name), "int", std::to_string(value), range_text(range), std::string(help)});
  }
  void field(std::string_view name, bool& value, std::string_view help) {
    infos.push_back({std::string(name), "bool", value ? "true" : "false", "", std::string(help)});
  }
  void field(std::string_view name, std::string& value, std::string_view help,
             const Choices& choices) {
    infos.push_back(
        {std::string(name), "string", toml_quote(value), choices_text(choices), std::string(help)});
  }
  void field(std::string_view name, std::vector<int>& value, std::string_view help, IntRange each,
             IntRange length) {
    infos.push_back({std::string(name), "int list", toml_int_list(value),
                     int_list_allowed_text(each, length), std::string(help)});
  }
  std::vector<ParamInfo> infos;
};

class ReadVisitor {
 public:
  explicit ReadVisitor(const toml::table& params) : params_(params) {}

  void field(std::string_view name, int& value, std::string_view /*help*/, IntRange range) {
    add(read_int(params_, name, value, range));
  }
  void field(std::string_view name, bool& value, std::string_view /*help*/) {
    add(read_bool(params_, name, value));
  }
  void field(std::string_view name, std::string& value, std::string_view /*help*/,
             const Choices& choices) {
    add(read_string(params_, name, value, choices));
  }
  void field(std::string_view name, std::vector<int>& value, std::string_view /*help*/,
             IntRange each, IntRange length) {
    add(read_int_list(params_, name, value, each, length));
  }
  std::vector<FieldError> errors;

 private:
  void add(std::optional<FieldError> error) {
    if (error) errors.push_back(std::move(*error));
  }
  const toml::table& params_;
};

class JsonVisitor {
 public:
  template <class T, class... Rest>
  void field(std::string_view name, T& value, std::string_view /*help*/, Rest&&...) {
    json[std::string(name)] = value;
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
  detail::NameVisitor names;
  p.visit(names);

  std::vector<detail::FieldError> errors = detail::unknown_params(params, names.names, unit_name);
  detail::ReadVisitor reader(params);
  p.visit(reader);
  for (auto& e : reader.errors) errors.push_back(std::move(e));
  if (!errors.empty()) detail::throw_first(path, std::move(errors));

  if constexpr (requires(const P& q) { q.validate(); }) {
    try {
      static_cast<const P&>(p).validate();
    } catch (const ParamError& e) {
      detail::throw_validate_error(params, path, e, describe_params<P>());
    }
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
