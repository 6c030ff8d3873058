#pragma once
// The one table of units. A unit registers itself from its own folder (a
// static UnitRegistration in its .cpp); the CLI, `blockforge list`, the docs
// and the tests iterate over this table, so adding a unit touches no other file
// than generator/units/CMakeLists.txt.

#include <toml++/toml.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "generator/config/config.hpp"
#include "generator/design/design.hpp"

namespace bf {

struct UnitInfo {
  std::string name;     // "quant.block"
  std::string summary;  // one line for `blockforge list`
  // Bumped whenever the unit's model or generator changes its results in a
  // way the RTL bytes alone do not show (sweep caches key on it).
  std::string version = "1";
  std::function<std::vector<cfg::ParamInfo>()> params;
  // Reads the [params] table (errors carry file:line:column) and builds the
  // design. `design_name` is the file's optional name (empty: derive one).
  std::function<std::unique_ptr<Design>(const toml::table& params, const std::string& path,
                                        const std::string& design_name)>
      configure;
  // Parameter sets (as [params] TOML text) that the unit's own tests cover.
  std::function<std::vector<std::string>()> self_test_sweep;
};

void register_unit(UnitInfo info);
const std::vector<UnitInfo>& all_units();
// nullptr when unknown.
const UnitInfo* find_unit(const std::string& name);

struct UnitRegistration {
  explicit UnitRegistration(UnitInfo info) { register_unit(std::move(info)); }
};

// Loads a design file and configures its unit; throws cfg::ConfigError with a
// positioned message (unknown unit: did-you-mean over the table).
std::unique_ptr<Design> load_design(const std::string& path);
std::unique_ptr<Design> load_design_text(const std::string& text, const std::string& path);

}  // namespace bf
