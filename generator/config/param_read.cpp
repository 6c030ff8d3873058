// The non-template half of the parameter visitors: reading and checking one
// value of a [params] table, and the wording of every parameter error.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <climits>
#include <sstream>

#include "generator/config/config.hpp"

namespace bf::cfg::detail {

namespace {

bool known(toml::source_position pos) { return pos.line != 0; }

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// The range an int parameter can really take: the declared range clipped to int.
IntRange int_range(IntRange range) {
  return {std::max<int64_t>(range.min, INT_MIN), std::min<int64_t>(range.max, INT_MAX)};
}

toml::source_position node_position(const toml::node& node, toml::source_position fallback) {
  return known(node.source().begin) ? node.source().begin : fallback;
}

template <class T>
std::string streamed(const T& value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

// Checks one integer (a scalar parameter or a list element); `what` names it
// in the message ("parameter 'block'", "parameter 'widths[2]'").
std::optional<FieldError> check_int(const toml::node& node, toml::source_position pos,
                                    const std::string& what, IntRange range, int& out) {
  const auto* integer = node.as_integer();
  if (!integer) return FieldError{pos, what + ": expected an integer, found " + found_text(node)};
  const int64_t v = integer->get();
  const IntRange r = int_range(range);
  if (v < r.min || v > r.max)
    return FieldError{pos,
                      fmt::format("{} = {} is out of range: expected {}", what, v, range_text(r))};
  out = static_cast<int>(v);
  return std::nullopt;
}

}  // namespace

toml::source_position param_position(const toml::table& params, std::string_view key) {
  if (auto it = params.find(key); it != params.end()) {
    if (known(it->first.source().begin)) return it->first.source().begin;
    if (known(it->second.source().begin)) return it->second.source().begin;
  }
  return params.source().begin;  // the [params] table, or unknown
}

std::string location(const std::string& path, toml::source_position pos) {
  if (!known(pos)) pos = {1, 1};
  return fmt::format("{}:{}:{}", path, pos.line, pos.column);
}

std::string found_text(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: {
      std::string_view s = node.as_string()->get();
      constexpr size_t kMax = 40;
      if (s.size() > kMax) return "a string (" + toml_quote(s.substr(0, kMax)) + "...)";
      return "a string (" + toml_quote(s) + ")";
    }
    case toml::node_type::integer:
      return fmt::format("an integer ({})", node.as_integer()->get());
    case toml::node_type::floating_point:
      return "a float (" + streamed(*node.as_floating_point()) + ")";
    case toml::node_type::boolean:
      return node.as_boolean()->get() ? "a boolean (true)" : "a boolean (false)";
    case toml::node_type::date:
      return "a date (" + streamed(*node.as_date()) + ")";
    case toml::node_type::time:
      return "a time (" + streamed(*node.as_time()) + ")";
    case toml::node_type::date_time:
      return "a date-time (" + streamed(*node.as_date_time()) + ")";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string printable_key(std::string_view key) {
  std::string quoted = toml_quote(key);
  return quoted.substr(1, quoted.size() - 2);
}

std::string toml_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7f)
          out += fmt::format("\\u{:04X}", u);
        else
          out += c;
    }
  }
  return out + "\"";
}

std::string toml_int_list(const std::vector<int>& values) {
  return fmt::format("[{}]", fmt::join(values, ", "));
}

std::string range_text(IntRange range) {
  if (range.min == range.max) return std::to_string(range.min);
  return fmt::format("{}..{}", range.min, range.max);
}

std::string choices_text(const Choices& choices) {
  if (choices.values.empty()) return "";
  return "one of: " + join(choices.values, ", ");
}

std::string int_list_allowed_text(IntRange each, IntRange length) {
  return fmt::format("each {}, length {}", range_text(each), range_text(length));
}

std::optional<FieldError> read_int(const toml::table& params, std::string_view name, int& value,
                                   IntRange range, std::string_view prefix) {
  const toml::node* node = params.get(name);
  if (!node) return std::nullopt;
  return check_int(*node, param_position(params, name),
                   fmt::format("parameter '{}{}'", prefix, name), range, value);
}

std::optional<FieldError> read_bool(const toml::table& params, std::string_view name, bool& value,
                                    std::string_view prefix) {
  const toml::node* node = params.get(name);
  if (!node) return std::nullopt;
  const auto* b = node->as_boolean();
  if (!b)
    return FieldError{param_position(params, name),
                      fmt::format("parameter '{}{}': expected a boolean (true or false), found {}",
                                  prefix, name, found_text(*node))};
  value = b->get();
  return std::nullopt;
}

std::optional<FieldError> read_string(const toml::table& params, std::string_view name,
                                      std::string& value, const Choices& choices,
                                      std::string_view prefix) {
  const toml::node* node = params.get(name);
  if (!node) return std::nullopt;
  const toml::source_position pos = param_position(params, name);
  const auto* s = node->as_string();
  if (!s)
    return FieldError{pos, fmt::format("parameter '{}{}': expected a string, found {}", prefix,
                                       name, found_text(*node))};
  const std::string& v = s->get();
  if (!choices.values.empty() &&
      std::find(choices.values.begin(), choices.values.end(), v) == choices.values.end()) {
    std::string hint = did_you_mean(v, choices.values);
    return FieldError{
        pos, fmt::format("parameter '{}{}' = {} is not allowed: expected {}{}", prefix, name,
                         toml_quote(v), choices_text(choices), hint.empty() ? "" : "; " + hint)};
  }
  value = v;
  return std::nullopt;
}

std::optional<FieldError> read_int_list(const toml::table& params, std::string_view name,
                                        std::vector<int>& value, IntRange each, IntRange length,
                                        std::string_view prefix) {
  const toml::node* node = params.get(name);
  if (!node) return std::nullopt;
  const toml::source_position pos = param_position(params, name);
  const auto* array = node->as_array();
  if (!array)
    return FieldError{pos, fmt::format("parameter '{}{}': expected a list of integers, found {}",
                                       prefix, name, found_text(*node))};
  const auto n = static_cast<int64_t>(array->size());
  if (n < length.min || n > length.max)
    return FieldError{pos, fmt::format("parameter '{}{}' has {} element{}: expected {} element{}",
                                       prefix, name, n, n == 1 ? "" : "s", range_text(length),
                                       length.min == 1 && length.max == 1 ? "" : "s")};
  std::vector<int> out(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    if (auto error = check_int(element, node_position(element, pos),
                               fmt::format("parameter '{}{}[{}]'", prefix, name, i), each, out[i]))
      return error;
  }
  value = std::move(out);
  return std::nullopt;
}

std::optional<FieldError> read_section(const toml::table& params, std::string_view name,
                                       const toml::table*& table, std::string_view prefix) {
  table = nullptr;
  const toml::node* node = params.get(name);
  if (!node) return std::nullopt;
  table = node->as_table();
  if (table) return std::nullopt;
  return FieldError{param_position(params, name),
                    fmt::format("parameter '{0}{1}': expected a table ([params.{0}{1}]), found {2}",
                                prefix, name, found_text(*node))};
}

std::vector<FieldError> unknown_params(const toml::table& params,
                                       const std::vector<std::string>& names,
                                       std::string_view unit_name, std::string_view prefix) {
  std::vector<FieldError> errors;
  for (const auto& [key, node] : params) {
    if (std::find(names.begin(), names.end(), key.str()) != names.end()) continue;
    std::string message = fmt::format("unknown parameter '{}{}' for unit {}", prefix,
                                      printable_key(key.str()), unit_name);
    if (std::string best = closest_match(key.str(), names); !best.empty()) {
      message += fmt::format("; did you mean '{}{}'?", prefix, best);
    } else if (names.empty()) {
      message += prefix.empty() ? " (the unit has no parameters)"
                                : fmt::format(" (section '{}' has no parameters)",
                                              prefix.substr(0, prefix.size() - 1));
    } else {
      std::vector<std::string> shown;
      for (const auto& name : names) shown.push_back(std::string(prefix) + name);
      message += " (parameters: " + join(shown, ", ") + ")";
    }
    errors.push_back({param_position(params, key.str()), std::move(message)});
  }
  return errors;
}

void throw_first(const std::string& path, std::vector<FieldError> errors) {
  auto first =
      std::min_element(errors.begin(), errors.end(), [](const FieldError& a, const FieldError& b) {
        if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
        return a.pos.column < b.pos.column;
      });
  throw ConfigError(location(path, first->pos) + ": " + first->message);
}

ParamPlace find_param(const toml::table& params, std::string_view key) {
  // A key spelt literally (a field name never holds a dot, but a file may).
  if (params.contains(key)) return {param_position(params, key), true};
  const toml::table* table = &params;
  toml::source_position pos = params.source().begin;
  std::string_view rest = key;
  for (;;) {
    const size_t dot = rest.find('.');
    const std::string_view head = rest.substr(0, dot);
    const toml::node* node = table->get(head);
    if (!node) return {pos, false};
    pos = param_position(*table, head);
    if (dot == std::string_view::npos) return {pos, true};
    table = node->as_table();
    if (!table) return {pos, false};
    rest = rest.substr(dot + 1);
  }
}

void throw_validate_error(const toml::table& params, const std::string& path,
                          const ParamError& error, const std::vector<ParamInfo>& infos) {
  std::string what = fmt::format("parameter '{}'", error.key());
  const ParamPlace place = find_param(params, error.key());
  if (!place.present) {
    auto info = std::find_if(infos.begin(), infos.end(),
                             [&](const ParamInfo& i) { return i.name == error.key(); });
    if (info != infos.end()) what += " (default " + info->default_text + ")";
  }
  throw ConfigError(location(path, place.pos) + ": " + what + ": " + error.what());
}

}  // namespace bf::cfg::detail

namespace bf::cfg {

namespace {

void flatten_into(const nlohmann::ordered_json& object, const std::string& prefix,
                  std::vector<std::pair<std::string, nlohmann::ordered_json>>& out) {
  for (const auto& [key, value] : object.items()) {
    if (value.is_object() && !value.empty())
      flatten_into(value, prefix + key + ".", out);
    else
      out.emplace_back(prefix + key, value);
  }
}

}  // namespace

std::vector<std::pair<std::string, nlohmann::ordered_json>> flatten_params(
    const nlohmann::ordered_json& params) {
  std::vector<std::pair<std::string, nlohmann::ordered_json>> out;
  flatten_into(params, "", out);
  return out;
}

}  // namespace bf::cfg
