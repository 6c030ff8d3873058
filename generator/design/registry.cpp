#include "generator/design/registry.hpp"

#include <algorithm>

namespace bf {

namespace {
// Function-local so that registrations from other translation units' static
// initializers find it constructed.
std::vector<UnitInfo>& table() {
  static std::vector<UnitInfo> units;
  return units;
}
}  // namespace

void register_unit(UnitInfo info) {
  auto& units = table();
  units.push_back(std::move(info));
  // Keep the table sorted so every listing is deterministic regardless of
  // static-initialization order.
  std::sort(units.begin(), units.end(),
            [](const UnitInfo& a, const UnitInfo& b) { return a.name < b.name; });
}

const std::vector<UnitInfo>& all_units() { return table(); }

const UnitInfo* find_unit(const std::string& name) {
  for (const auto& u : table())
    if (u.name == name) return &u;
  return nullptr;
}

namespace {
std::unique_ptr<Design> configure(const cfg::DesignFile& file) {
  const UnitInfo* unit = find_unit(file.unit);
  if (!unit) {
    std::vector<std::string> names;
    for (const auto& u : all_units()) names.push_back(u.name);
    std::string hint = cfg::did_you_mean(file.unit, names);
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw cfg::ConfigError((file.unit_where.empty() ? file.path : file.unit_where) +
                           ": unknown unit '" + file.unit + "'" +
                           (hint.empty() ? "" : "; " + hint) + " (known units: " + known + ")");
  }
  return unit->configure(file.params, file.path, file.name);
}
}  // namespace

std::unique_ptr<Design> load_design(const std::string& path) {
  return configure(cfg::load_design_file(path));
}

std::unique_ptr<Design> load_design_text(const std::string& text, const std::string& path) {
  return configure(cfg::parse_design_text(text, path));
}

}  // namespace bf
