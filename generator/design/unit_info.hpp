#pragma once
// Glue from a unit's parameter struct to the registry: make_unit<P>() builds
// the UnitInfo whose schema, reader and test sweep all come from P.

#include <memory>
#include <string>
#include <vector>

#include "generator/config/config.hpp"
#include "generator/design/registry.hpp"

namespace bf {

// `Factory` is callable as Factory(const P&, std::string top_name) -> unique_ptr<Design>.
// `default_name` derives a top module name from the parameters.
template <class P, class Factory, class NameFn>
UnitInfo make_unit(std::string name, std::string summary, Factory factory, NameFn default_name,
                   std::vector<std::string> self_test_sweep) {
  UnitInfo info;
  info.name = name;
  info.summary = std::move(summary);
  info.params = [] { return cfg::describe_params<P>(); };
  info.configure = [name, factory, default_name](const toml::table& params, const std::string& path,
                                                 const std::string& design_name) {
    P p = cfg::read_params<P>(params, path, name);
    return std::unique_ptr<Design>(factory(p, design_name.empty() ? default_name(p) : design_name));
  };
  info.self_test_sweep = [sweep = std::move(self_test_sweep)] { return sweep; };
  return info;
}

// The comment block at the top of every generated file: what made it, from
// which parameters, and a hash of those parameters. No timestamps: the same
// config always gives byte-identical files.
std::vector<std::string> generated_header(const Design& d, const std::string& module_role);

}  // namespace bf
