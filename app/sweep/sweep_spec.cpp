// Sweep files (see sweep_spec.hpp): loading and checking, enumerating the
// points, and the shard slices. Messages use the wording helpers of the
// configuration language (generator/config/), so sweep and design files read
// alike.

#include "app/sweep/sweep_spec.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "app/sweep/constraint.hpp"
#include "generator/config/config.hpp"
#include "generator/design/registry.hpp"

namespace bf::sweep {

namespace {

namespace fs = std::filesystem;
using cfg::ConfigError;
using cfg::ParamInfo;
using cfg::detail::FieldError;
using cfg::detail::found_text;
using cfg::detail::location;
using cfg::detail::printable_key;
using cfg::detail::toml_quote;
using json = nlohmann::ordered_json;

constexpr std::string_view kTopLevelKeys[] = {"base", "name", "sweep", "zip", "options"};
constexpr std::string_view kOptionKeys[] = {"verify", "vectors", "timeout", "constraints"};

// The path the point design texts are checked under; errors the unit's reader
// reports against it are mapped back to the sweep file.
constexpr std::string_view kPointPath = "<sweep point>";

template <std::size_t N>
std::vector<std::string> to_strings(const std::string_view (&items)[N]) {
  return {std::begin(items), std::end(items)};
}

template <class Range>
std::string join(const Range& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

bool contains(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

bool known(toml::source_position pos) { return pos.line != 0; }

bool before(toml::source_position a, toml::source_position b) {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}

toml::source_position node_position(const toml::node& node, toml::source_position fallback) {
  return known(node.source().begin) ? node.source().begin : fallback;
}

// One entry of a table with the position of its key.
struct Entry {
  std::string key;
  toml::source_position pos;
  const toml::node* node;
};

// toml::table is ordered by key; sweeps need the order of the file.
std::vector<Entry> in_file_order(const toml::table& table) {
  std::vector<Entry> entries;
  for (const auto& [key, node] : table)
    entries.push_back(
        {std::string(key.str()), cfg::detail::param_position(table, key.str()), &node});
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return before(a.pos, b.pos); });
  return entries;
}

bool is_snake_identifier(std::string_view s) {
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// The default sweep name: the file's stem made a lower_snake_case identifier.
std::string name_from_stem(const std::string& path) {
  std::string name;
  for (char c : fs::path(path).stem().string()) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    name += (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
  }
  if (name.empty() || name[0] < 'a' || name[0] > 'z') name = "sweep_" + name;
  return name;
}

// A TOML value as JSON (strings, integers, floats, booleans and arrays of
// them); nullopt for tables, dates and times.
std::optional<json> to_json(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return json(node.as_string()->get());
    case toml::node_type::integer:
      return json(node.as_integer()->get());
    case toml::node_type::floating_point:
      return json(node.as_floating_point()->get());
    case toml::node_type::boolean:
      return json(node.as_boolean()->get());
    case toml::node_type::array: {
      json out = json::array();
      for (const auto& element : *node.as_array()) {
        auto value = to_json(element);
        if (!value) return std::nullopt;
        out.push_back(std::move(*value));
      }
      return out;
    }
    default:
      return std::nullopt;
  }
}

// The TOML spelling of a JSON value made by to_json.
std::string toml_text(const json& value) {
  if (value.is_string()) return toml_quote(value.get<std::string>());
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_unsigned()) return std::to_string(value.get<uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number_float()) {
    std::string s = fmt::format("{}", value.get<double>());  // shortest round trip
    if (s.find_first_not_of("-0123456789") == std::string::npos) s += ".0";
    return s;
  }
  if (value.is_array()) {
    std::vector<std::string> items;
    for (const auto& item : value) items.push_back(toml_text(item));
    return "[" + join(items, ", ") + "]";
  }
  throw std::logic_error("sweep: no TOML spelling for " + value.dump());
}

std::string toml_key(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  return bare ? std::string(key) : toml_quote(key);
}

// A parameter name as a TOML key: a nested section's parameter as a dotted
// key (pe.block), each part bare or quoted.
std::string toml_param_key(std::string_view name) {
  std::string out;
  for (std::size_t begin = 0;;) {
    const std::size_t dot = name.find('.', begin);
    out += toml_key(name.substr(begin, dot == std::string_view::npos ? dot : dot - begin));
    if (dot == std::string_view::npos) return out;
    out += '.';
    begin = dot + 1;
  }
}

// The values of a [params] table, nested sections flattened to dotted keys
// ("pe.block"), in file order (a section's keys at the section's place).
void flat_params(const toml::table& table, const std::string& prefix, json& out) {
  for (const auto& entry : in_file_order(table)) {
    if (const auto* sub = entry.node->as_table())
      flat_params(*sub, prefix + entry.key + ".", out);
    else if (auto value = to_json(*entry.node))
      out[prefix + entry.key] = std::move(*value);
  }
}

// "format = \"mxint4\", block = 16"
std::string point_text(const json& swept) {
  std::vector<std::string> items;
  for (const auto& [key, value] : swept.items()) items.push_back(key + " = " + toml_text(value));
  return join(items, ", ");
}

std::vector<std::string> param_names(const std::vector<ParamInfo>& infos) {
  std::vector<std::string> names;
  for (const auto& info : infos) names.push_back(info.name);
  return names;
}

std::string constraint_message(const std::string& text, const ConstraintError& e) {
  return fmt::format("constraint {} (column {}): {}", toml_quote(text), e.column(), e.what());
}

// ---- loading ----

class Loader {
 public:
  explicit Loader(const std::string& path) : path_(path) { spec_.path = path; }

  SweepSpec load() {
    const std::string text = cfg::read_config_file(path_, "sweep file");
    toml::table top;
    try {
      top = toml::parse(text, std::string_view(path_));
    } catch (const toml::parse_error& e) {
      throw ConfigError(location(path_, e.source().begin) + ": " + std::string(e.description()));
    }

    const bool have_base = read_base(top);
    top_level_keys(top);
    if (!errors_.empty()) cfg::detail::throw_first(path_, std::move(errors_));
    if (!have_base)
      throw ConfigError(location(path_, {1, 1}) +
                        ": missing required key 'base' (the design file to sweep, relative to "
                        "this file, e.g. base = \"../configs/quant_block_mxint8_k32.toml\")");

    read_name(top);
    if (const toml::node* sweep = top.get("sweep")) read_sweep(*sweep, top);
    if (const toml::node* zip = top.get("zip")) read_zips(*zip, top);
    swept_once();
    if (const toml::node* options = top.get("options")) read_options(*options, top);
    if (!errors_.empty()) cfg::detail::throw_first(path_, std::move(errors_));

    if (spec_.axes.empty()) {
      const toml::source_position pos = cfg::detail::param_position(top, "sweep");
      throw ConfigError(location(path_, pos) +
                        ": nothing to sweep: expected parameter value lists in [sweep] (e.g. "
                        "block = [16, 32]) or in [[zip]] groups");
    }
    std::size_t total = 1;
    for (const auto& axis : spec_.axes)
      if (__builtin_mul_overflow(total, axis.values.size(), &total) || total > kMaxPoints)
        throw ConfigError(location(path_, {1, 1}) +
                          fmt::format(": the sweep has more than {} points", kMaxPoints));
    return std::move(spec_);
  }

 private:
  void error(toml::source_position pos, std::string message) {
    errors_.push_back({pos, std::move(message)});
  }

  std::string where(toml::source_position pos) const { return location(path_, pos); }

  // Reads, resolves and loads the base design; false when 'base' is missing.
  bool read_base(const toml::table& top) {
    const toml::node* base = top.get("base");
    if (!base) return false;
    const toml::source_position pos = cfg::detail::param_position(top, "base");
    const auto* s = base->as_string();
    if (!s) {
      error(pos,
            "key 'base': expected a string (the design file to sweep, relative to this file, e.g. "
            "base = \"../configs/quant_block_mxint8_k32.toml\"), found " +
                found_text(*base));
      return true;
    }
    if (s->get().empty()) {
      error(pos, "key 'base' is empty: expected the design file to sweep, relative to this file");
      return true;
    }
    fs::path resolved(s->get());
    if (resolved.is_relative()) resolved = fs::path(path_).parent_path() / resolved;
    resolved = resolved.lexically_normal();
    std::error_code ec;
    if (!fs::exists(resolved, ec)) {
      error(pos, fmt::format("key 'base': design file {} not found (looked for {})",
                             toml_quote(s->get()), resolved.string()));
      return true;
    }
    if (fs::is_directory(resolved, ec)) {
      error(pos, fmt::format("key 'base': {} is a directory, expected a design file",
                             toml_quote(s->get())));
      return true;
    }
    // A device or FIFO would be read forever (/dev/zero) or block (/dev/stdin).
    if (!fs::is_regular_file(resolved, ec)) {
      error(pos, fmt::format("key 'base': {} is not a regular file, expected a design file",
                             toml_quote(s->get())));
      return true;
    }
    spec_.base_path = resolved.string();

    // The base design must be valid on its own; its errors name its own lines.
    load_design(spec_.base_path);
    const cfg::DesignFile design = cfg::load_design_file(spec_.base_path);
    spec_.unit = design.unit;
    unit_ = find_unit(design.unit);
    if (!unit_) throw std::logic_error("sweep: unit '" + design.unit + "' vanished");
    infos_ = unit_->params();
    names_ = param_names(infos_);
    flat_params(design.params, "", spec_.base_params);
    return true;
  }

  void top_level_keys(const toml::table& top) {
    const auto allowed = to_strings(kTopLevelKeys);
    for (const auto& entry : in_file_order(top)) {
      if (contains(allowed, entry.key)) continue;
      std::string message = fmt::format("unknown top-level key '{}'", printable_key(entry.key));
      if (contains(names_, entry.key))
        message += fmt::format("; swept parameters go under [sweep] (e.g. {} = [...]) or [[zip]]",
                               entry.key);
      else if (is_section(entry.key + "."))
        message +=
            fmt::format("; swept parameters go under [sweep] (e.g. {}.{} = [...]) or [[zip]]",
                        entry.key, section_example(entry.key + "."));
      else if (contains(to_strings(kOptionKeys), entry.key))
        message += "; it goes under [options]";
      else if (std::string hint = cfg::did_you_mean(entry.key, allowed); !hint.empty())
        message += "; " + hint;
      else
        message += " (allowed: " + join(allowed, ", ") + ")";
      error(entry.pos, std::move(message));
    }
  }

  void read_name(const toml::table& top) {
    const toml::node* name = top.get("name");
    if (!name) {
      spec_.name = name_from_stem(path_);
      return;
    }
    const toml::source_position pos = cfg::detail::param_position(top, "name");
    const auto* s = name->as_string();
    if (!s)
      error(pos,
            "key 'name': expected a string (the sweep name, e.g. name = \"quant_formats\"), "
            "found " +
                found_text(*name));
    else if (!is_snake_identifier(s->get()))
      error(pos, fmt::format("key 'name' = {} is not a valid sweep name: expected a "
                             "lower_snake_case identifier ([a-z][a-z0-9_]*)",
                             toml_quote(s->get())));
    else
      spec_.name = s->get();
  }

  // The value list of one swept key; nullopt after reporting a problem.
  struct Values {
    std::vector<json> values;
    std::vector<std::string> where;
    std::vector<toml::source_position> pos;
  };
  std::optional<Values> read_values(const Entry& entry, std::string_view in) {
    const auto* array = entry.node->as_array();
    if (!array) {
      error(entry.pos,
            fmt::format("key '{}' in {}: expected a non-empty array of values (e.g. {} = [{}]), "
                        "found {}",
                        entry.key, in, entry.key, example_values(entry.key),
                        found_text(*entry.node)));
      return std::nullopt;
    }
    if (array->empty()) {
      error(entry.pos, fmt::format("key '{}' in {}: expected a non-empty array of values, found "
                                   "an empty array",
                                   entry.key, in));
      return std::nullopt;
    }
    Values out;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      const toml::source_position pos = node_position(element, entry.pos);
      auto value = to_json(element);
      if (!value) {
        error(pos, fmt::format("key '{}' in {}: value {}: expected a number, string, boolean or "
                               "list, found {}",
                               entry.key, in, i + 1, found_text(element)));
        return std::nullopt;
      }
      out.values.push_back(std::move(*value));
      out.where.push_back(where(pos));
      out.pos.push_back(pos);
    }
    return out;
  }

  // "16, 32" for an int parameter, "\"a\", \"b\"" for a string one: the
  // example in "expected an array" messages.
  std::string example_values(const std::string& key) const {
    for (const auto& info : infos_)
      if (info.name == key && !info.default_text.empty()) return info.default_text + ", ...";
    return "...";
  }

  void note_swept(const Entry& entry) { swept_.push_back(entry); }

  // Whether `prefix` ("pe.") starts the name of a parameter of a nested section.
  bool is_section(const std::string& prefix) const {
    return std::any_of(names_.begin(), names_.end(),
                       [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
  }
  // The first parameter of section `prefix`, without the prefix ("block").
  std::string section_example(const std::string& prefix) const {
    for (const auto& n : names_)
      if (n.rfind(prefix, 0) == 0) return n.substr(prefix.size());
    return "...";
  }

  // The swept keys of a [sweep] table or a [[zip]] group in file order, the
  // sub-tables of nested sections (pe.block = [...] in TOML) flattened to
  // dotted keys ("pe.block"). Unknown keys are reported (did-you-mean among
  // the keys of the same level, shown dotted); `in` names the table.
  std::vector<Entry> swept_entries(const toml::table& table, const std::string& prefix,
                                   std::string_view in) {
    std::vector<std::string> level;     // the fields and sections at this level
    std::vector<std::string> sections;  // the sections among them
    for (const auto& n : names_) {
      if (n.rfind(prefix, 0) != 0) continue;
      const std::string rest = n.substr(prefix.size());
      const std::size_t dot = rest.find('.');
      const std::string head = rest.substr(0, dot);
      if (!contains(level, head)) level.push_back(head);
      if (dot != std::string::npos && !contains(sections, head)) sections.push_back(head);
    }
    for (auto& e : cfg::detail::unknown_params(table, level, spec_.unit, prefix))
      errors_.push_back(std::move(e));
    std::vector<Entry> out;
    for (auto entry : in_file_order(table)) {
      if (!contains(level, entry.key)) continue;
      const std::string key = prefix + entry.key;
      if (contains(sections, entry.key)) {
        if (const auto* sub = entry.node->as_table()) {
          for (auto& inner : swept_entries(*sub, key + ".", in)) out.push_back(std::move(inner));
        } else {
          error(
              entry.pos,
              fmt::format("key '{}' in {}: '{}' is a section of parameters, not one parameter: "
                          "sweep its parameters with dotted keys (e.g. {}.{} = [...]), found {}",
                          key, in, key, key, section_example(key + "."), found_text(*entry.node)));
        }
        continue;
      }
      entry.key = key;
      out.push_back(std::move(entry));
    }
    return out;
  }

  void read_sweep(const toml::node& node, const toml::table& top) {
    const auto* table = node.as_table();
    if (!table) {
      error(cfg::detail::param_position(top, "sweep"),
            "key 'sweep': expected a table of parameter value lists ([sweep] with e.g. block = "
            "[16, 32]), found " +
                found_text(node));
      return;
    }
    for (const auto& entry : swept_entries(*table, "", "[sweep]")) {
      note_swept(entry);
      auto values = read_values(entry, "[sweep]");
      if (!values) continue;
      // Every point must be distinct.
      for (std::size_t i = 1; i < values->values.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
          if (values->values[i] == values->values[j]) {
            error(values->pos[i],
                  fmt::format("key '{}' in [sweep]: value {} is listed twice (also at line {}, "
                              "column {}); every point must be distinct",
                              entry.key, toml_text(values->values[i]), values->pos[j].line,
                              values->pos[j].column));
            i = values->values.size();
            break;
          }
      Axis axis;
      axis.keys = {entry.key};
      for (std::size_t i = 0; i < values->values.size(); ++i) {
        json step = json::object();
        step[entry.key] = values->values[i];
        axis.values.push_back(std::move(step));
        axis.where.push_back({values->where[i]});
      }
      spec_.axes.push_back(std::move(axis));
    }
  }

  void read_zips(const toml::node& node, const toml::table& top) {
    const toml::source_position zip_pos = cfg::detail::param_position(top, "zip");
    const auto* groups = node.as_array();
    if (!groups) {
      error(zip_pos, "key 'zip': expected [[zip]] groups (an array of tables), found " +
                         found_text(node) +
                         (node.is_table() ? "; write [[zip]] instead of [zip]" : ""));
      return;
    }
    for (std::size_t g = 0; g < groups->size(); ++g) {
      const toml::node& group_node = *groups->get(g);
      const toml::source_position group_pos = node_position(group_node, zip_pos);
      const auto* group = group_node.as_table();
      if (!group) {
        error(group_pos, fmt::format("[[zip]] group {}: expected a table of parameter value "
                                     "lists, found {}",
                                     g + 1, found_text(group_node)));
        continue;
      }
      if (group->empty()) {
        error(group_pos, fmt::format("[[zip]] group {} is empty: expected parameter value lists "
                                     "of equal length that move together",
                                     g + 1));
        continue;
      }
      read_zip(*group, g + 1);
    }
  }

  void read_zip(const toml::table& group, std::size_t number) {
    const std::string in = fmt::format("[[zip]] group {}", number);
    const std::size_t errors_before = errors_.size();
    const std::vector<Entry> entries = swept_entries(group, "", in);
    Axis axis;
    std::vector<Values> lists;
    bool ok = errors_.size() == errors_before;  // no unknown keys
    for (const auto& entry : entries) {
      note_swept(entry);
      auto values = read_values(entry, in);
      if (!values) {
        ok = false;
        continue;
      }
      if (!lists.empty() && values->values.size() != lists.front().values.size()) {
        const std::size_t n = values->values.size(), m = lists.front().values.size();
        error(entry.pos, fmt::format("key '{}' in {} has {} value{} but '{}' has {}: the lists of "
                                     "a [[zip]] group move together and need equal lengths",
                                     entry.key, in, n, n == 1 ? "" : "s", axis.keys.front(), m));
        ok = false;
        continue;
      }
      axis.keys.push_back(entry.key);
      lists.push_back(std::move(*values));
    }
    if (!ok || lists.empty()) return;

    const std::size_t steps = lists.front().values.size();
    for (std::size_t s = 0; s < steps; ++s) {
      json step = json::object();
      std::vector<std::string> where;
      for (std::size_t k = 0; k < lists.size(); ++k) {
        step[axis.keys[k]] = lists[k].values[s];
        where.push_back(lists[k].where[s]);
      }
      for (std::size_t t = 0; t < s; ++t)
        if (axis.values[t] == step) {
          error(lists.front().pos[s],
                fmt::format("{}: step {} ({}) repeats step {}; every point must be distinct", in,
                            s + 1, point_text(step), t + 1));
          return;
        }
      axis.values.push_back(std::move(step));
      axis.where.push_back(std::move(where));
    }
    spec_.axes.push_back(std::move(axis));
  }

  // A parameter moves in one list only.
  void swept_once() {
    std::stable_sort(swept_.begin(), swept_.end(),
                     [](const Entry& a, const Entry& b) { return before(a.pos, b.pos); });
    for (std::size_t i = 1; i < swept_.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (swept_[i].key == swept_[j].key) {
          error(swept_[i].pos,
                fmt::format("parameter '{}' is swept twice (also at line {}); sweep each "
                            "parameter in [sweep] or in one [[zip]] group",
                            swept_[i].key, swept_[j].pos.line));
          break;
        }
  }

  void read_options(const toml::node& node, const toml::table& top) {
    const auto* options = node.as_table();
    if (!options) {
      error(cfg::detail::param_position(top, "options"),
            "key 'options': expected a table ([options] with verify, vectors, timeout, "
            "constraints), found " +
                found_text(node));
      return;
    }
    const auto allowed = to_strings(kOptionKeys);
    for (const auto& entry : in_file_order(*options)) {
      if (!contains(allowed, entry.key)) {
        std::string message =
            fmt::format("unknown key '{}' in [options]", printable_key(entry.key));
        if (std::string hint = cfg::did_you_mean(entry.key, allowed); !hint.empty())
          message += "; " + hint;
        else if (contains(names_, entry.key))
          message += "; swept parameters go under [sweep]";
        else
          message += " (allowed: " + join(allowed, ", ") + ")";
        error(entry.pos, std::move(message));
        continue;
      }
      const toml::node& value = *entry.node;
      if (entry.key == "verify") {
        if (const auto* b = value.as_boolean())
          spec_.verify = b->get();
        else
          error(entry.pos,
                "key 'verify' in [options]: expected true or false, found " + found_text(value));
      } else if (entry.key == "vectors") {
        const auto* i = value.as_integer();
        if (i && i->get() >= 1)
          spec_.vectors = static_cast<std::size_t>(i->get());
        else
          error(entry.pos,
                "key 'vectors' in [options]: expected an integer >= 1 (random vectors "
                "per verified point), found " +
                    found_text(value));
      } else if (entry.key == "timeout") {
        std::optional<double> seconds;
        if (const auto* i = value.as_integer()) seconds = static_cast<double>(i->get());
        if (const auto* f = value.as_floating_point()) seconds = f->get();
        if (seconds && std::isfinite(*seconds) && *seconds > 0)
          spec_.timeout_seconds = *seconds;
        else
          error(entry.pos,
                "key 'timeout' in [options]: expected a number of seconds > 0 per point, found " +
                    found_text(value));
      } else {
        read_constraints(entry);
      }
    }
  }

  void read_constraints(const Entry& entry) {
    const auto* array = entry.node->as_array();
    if (!array) {
      error(entry.pos,
            "key 'constraints' in [options]: expected an array of strings (e.g. constraints = "
            "[\"block >= 16\"]), found " +
                found_text(*entry.node));
      return;
    }
    std::vector<std::pair<std::string, ValueType>> types;
    for (const auto& info : infos_) types.emplace_back(info.name, value_type_of(info.type));
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& element = *array->get(i);
      const toml::source_position pos = node_position(element, entry.pos);
      const auto* s = element.as_string();
      if (!s) {
        error(pos, fmt::format("constraint {}: expected a string (e.g. \"block >= 16\"), found {}",
                               i + 1, found_text(element)));
        continue;
      }
      try {
        Constraint::parse(s->get()).check(types, spec_.unit);
      } catch (const ConstraintError& e) {
        error(pos, constraint_message(s->get(), e));
        continue;
      }
      spec_.constraints.push_back(s->get());
      spec_.constraint_where.push_back(where(pos));
    }
  }

  const std::string& path_;
  SweepSpec spec_;
  std::vector<FieldError> errors_;
  const UnitInfo* unit_ = nullptr;
  std::vector<ParamInfo> infos_;
  std::vector<std::string> names_;
  std::vector<Entry> swept_;
};

// ---- enumeration ----

// A point's design text, and which parameter each of its lines sets.
struct DesignText {
  std::string text;
  std::vector<std::string> line_keys;  // [line - 1]: the key set there, "" for other lines
};

DesignText design_text(const std::string& unit, const std::vector<ParamInfo>& infos,
                       const json& base, const json& swept) {
  DesignText out;
  out.text = "unit = " + toml_quote(unit) + "\n\n[params]\n";
  out.line_keys = {"", "", ""};
  std::vector<std::string> written;
  auto line = [&](const std::string& key, const json& value) {
    out.text += toml_param_key(key) + " = " + toml_text(value) + "\n";
    out.line_keys.push_back(key);
    written.push_back(key);
  };
  for (const auto& info : infos) {
    if (swept.contains(info.name))
      line(info.name, swept.at(info.name));
    else if (base.contains(info.name))
      line(info.name, base.at(info.name));
  }
  // Keys the unit does not declare (a hand-made spec): the reader names them.
  for (const json* source : std::initializer_list<const json*>{&base, &swept})
    for (const auto& [key, value] : source->items())
      if (!contains(written, key)) line(key, swept.contains(key) ? swept.at(key) : value);
  return out;
}

// Every parameter with its default, from the TOML spelling ParamInfo carries.
json default_params(const std::vector<ParamInfo>& infos) {
  json out = json::object();
  for (const auto& info : infos) {
    try {
      const toml::table t = toml::parse("v = " + info.default_text);
      if (auto value = to_json(*t.get("v"))) out[info.name] = std::move(*value);
    } catch (const toml::parse_error&) {
      // A default without a TOML spelling: the constraint sees no value.
    }
  }
  return out;
}

struct PointWhere {
  std::map<std::string, std::string> by_key;  // swept key -> "path:line:column"
  std::string first;                          // of the first swept value
};

// Maps an error the unit's reader reported against the point's design text to
// the value's place in the sweep file.
[[noreturn]] void throw_point_error(const SweepSpec& spec, const std::string& message,
                                    const DesignText& text, const json& swept,
                                    const PointWhere& where) {
  const std::string fallback = where.first.empty() ? spec.path : where.first;
  const std::string point = fmt::format(" (in the point {})", point_text(swept));
  const std::string prefix = std::string(kPointPath) + ":";
  if (message.rfind(prefix, 0) == 0) {
    // "<sweep point>:LINE:COLUMN: rest"
    const char* p = message.data() + prefix.size();
    const char* end = message.data() + message.size();
    std::size_t line = 0, column = 0;
    auto [after_line, e1] = std::from_chars(p, end, line);
    if (e1 == std::errc() && after_line < end && *after_line == ':') {
      auto [after_column, e2] = std::from_chars(after_line + 1, end, column);
      if (e2 == std::errc() && end - after_column >= 2 && after_column[0] == ':' &&
          after_column[1] == ' ') {
        const std::string rest(after_column + 2, end);
        const std::string key =
            line >= 1 && line <= text.line_keys.size() ? text.line_keys[line - 1] : "";
        auto it = where.by_key.find(key);
        if (it != where.by_key.end() && !it->second.empty())
          throw ConfigError(it->second + ": " + rest + (swept.size() > 1 ? point : ""));
        throw ConfigError(fallback + ": " + rest + point);
      }
    }
  }
  throw ConfigError(fallback + ": " + message + point);
}

}  // namespace

std::vector<std::string> SweepSpec::swept_keys() const {
  std::vector<std::string> keys;
  for (const auto& axis : axes) keys.insert(keys.end(), axis.keys.begin(), axis.keys.end());
  return keys;
}

SweepSpec load_sweep(const std::string& path) { return Loader(path).load(); }

std::vector<Point> enumerate_points(const SweepSpec& spec, std::size_t* excluded) {
  if (excluded) *excluded = 0;
  const UnitInfo* unit = find_unit(spec.unit);
  if (!unit) throw ConfigError(spec.path + ": unknown unit '" + spec.unit + "'");
  const std::vector<ParamInfo> infos = unit->params();
  const json defaults = default_params(infos);

  auto constraint_where = [&](std::size_t i) {
    return i < spec.constraint_where.size() && !spec.constraint_where[i].empty()
               ? spec.constraint_where[i]
               : spec.path;
  };
  std::vector<Constraint> constraints;
  for (std::size_t i = 0; i < spec.constraints.size(); ++i) {
    try {
      constraints.push_back(Constraint::parse(spec.constraints[i]));
    } catch (const ConstraintError& e) {
      throw ConfigError(constraint_where(i) + ": " + constraint_message(spec.constraints[i], e));
    }
  }

  std::size_t total = 1;
  for (const auto& axis : spec.axes)
    if (__builtin_mul_overflow(total, axis.values.size(), &total) || total > kMaxPoints)
      throw ConfigError(spec.path + fmt::format(": the sweep has more than {} points", kMaxPoints));
  if (spec.axes.empty()) total = 0;  // nothing swept: load_sweep refuses such a file

  std::vector<Point> points;
  std::size_t dropped = 0;
  std::vector<std::size_t> step(spec.axes.size(), 0);
  for (std::size_t index = 0; index < total; ++index) {
    if (index > 0)
      for (std::size_t a = spec.axes.size(); a-- > 0;) {
        if (++step[a] < spec.axes[a].values.size()) break;
        step[a] = 0;
      }

    Point point;
    point.index = index;
    point.swept = json::object();
    PointWhere where;
    for (std::size_t a = 0; a < spec.axes.size(); ++a) {
      const Axis& axis = spec.axes[a];
      const json& values = axis.values[step[a]];
      for (std::size_t k = 0; k < axis.keys.size(); ++k) {
        const std::string& key = axis.keys[k];
        if (values.contains(key)) point.swept[key] = values.at(key);
        std::string w;
        if (step[a] < axis.where.size() && k < axis.where[step[a]].size())
          w = axis.where[step[a]][k];
        if (where.first.empty()) where.first = w;
        where.by_key[key] = std::move(w);
      }
    }
    point.params = defaults;
    for (const json* source : std::initializer_list<const json*>{&spec.base_params, &point.swept})
      if (source->is_object())
        for (const auto& [key, value] : source->items()) point.params[key] = value;

    const DesignText text = design_text(spec.unit, infos, spec.base_params, point.swept);
    point.design_text = text.text;

    bool keep = true;
    std::optional<std::string> constraint_error;
    for (std::size_t i = 0; i < constraints.size() && keep; ++i) {
      try {
        keep = constraints[i].evaluate(point.params);
      } catch (const ConstraintError& e) {
        constraint_error = constraint_where(i) + ": " + constraint_message(spec.constraints[i], e) +
                           fmt::format(" (in the point {})", point_text(point.swept));
        break;
      }
    }
    if (!keep) {
      ++dropped;
      continue;
    }
    // A bad value is the more basic problem: report it before a constraint
    // that stumbled over it.
    try {
      load_design_text(point.design_text, std::string(kPointPath));
    } catch (const ConfigError& e) {
      throw_point_error(spec, e.what(), text, point.swept, where);
    }
    if (constraint_error) throw ConfigError(*constraint_error);
    points.push_back(std::move(point));
  }
  if (excluded) *excluded = dropped;
  return points;
}

std::vector<Point> shard(const std::vector<Point>& points, std::size_t shard_index,
                         std::size_t shard_count) {
  if (shard_count == 0 || shard_index >= shard_count)
    throw std::invalid_argument(fmt::format("invalid shard {} of {}: expected 0 <= index < count",
                                            shard_index, shard_count));
  std::vector<Point> out;
  for (std::size_t i = shard_index; i < points.size(); i += shard_count) out.push_back(points[i]);
  return out;
}

std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  auto fail = [&]() -> std::invalid_argument {
    return std::invalid_argument("invalid shard " + toml_quote(text) +
                                 ": expected I/N with 1 <= I <= N (e.g. 2/4 is the second of "
                                 "four slices)");
  };
  auto number = [&](std::string_view s, std::size_t& out) {
    if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size();
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) throw fail();
  std::size_t index = 0, count = 0;
  const std::string_view all(text);
  if (!number(all.substr(0, slash), index) || !number(all.substr(slash + 1), count)) throw fail();
  if (count == 0 || index == 0 || index > count) throw fail();
  return {index - 1, count};
}

}  // namespace bf::sweep
