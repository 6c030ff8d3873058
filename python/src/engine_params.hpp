#pragma once
// The parameters of a Python dot-product engine (blockforge.OpalPe(...)),
// read with exactly the checks and messages of the configuration language:
// keyword arguments become a [params] TOML table and go through the
// generator's read_params<P>(), a design file goes through load_design_file()
// and read_params<P>() as `blockforge gen` reads it. So `OpalPe(outlier=4)`
// fails with the same "unknown parameter 'outlier' for unit opal.pe; did you
// mean 'outliers'?" as a design file would.

#include <pybind11/pybind11.h>
#include <toml++/toml.h>

#include <nlohmann/json.hpp>
#include <string>

#include "generator/config/config.hpp"

namespace bf::py {

// The keyword arguments as a [params] table: int, bool, str and lists of them
// map to their TOML types, a float to a TOML float (which an integer
// parameter then rejects with the language's message). Anything else is a
// TypeError naming the parameter.
toml::table params_table(const pybind11::kwargs& kwargs, const std::string& cls);

// The Python class of each engine unit ("OpalPe" for "opal.pe"), or "" when
// the unit has none.
std::string engine_class_of(const std::string& unit);

// A design path given as str or os.PathLike; TypeError otherwise.
std::string design_path(const pybind11::object& design, const std::string& cls);

// Rethrows a ConfigError as ValueError. Messages about keyword arguments lose
// the "<where>:1:1: " location (a built table has no positions) and name the
// class instead.
[[noreturn]] void throw_params_error(const cfg::ConfigError& e, const std::string& where,
                                     const std::string& cls);

// A parameter struct of `unit` from either a design file or keyword
// arguments (not both: ValueError).
template <class P>
P read_engine_params(const pybind11::object& design, const pybind11::kwargs& kwargs,
                     const std::string& cls, const std::string& unit) {
  namespace pyb = pybind11;
  if (!design.is_none()) {
    if (kwargs.size() != 0)
      throw pyb::value_error(cls +
                             ": pass either design= or parameters, not both (got design= and " +
                             pyb::str(pyb::list(kwargs.attr("keys")())).cast<std::string>() +
                             "); put the parameters in the design file, or drop design=");
    const std::string path = design_path(design, cls);
    try {
      const cfg::DesignFile file = cfg::load_design_file(path);
      if (file.unit != unit) {
        const std::string other = engine_class_of(file.unit);
        throw pyb::value_error(file.unit_where + ": the design is of unit " + file.unit + ", but " +
                               cls + " computes " + unit + "; pass a design of unit " + unit +
                               (other.empty() ? "" : " or use blockforge." + other));
      }
      return cfg::read_params<P>(file.params, path, unit);
    } catch (const cfg::ConfigError& e) {
      throw pyb::value_error(e.what());
    }
  }
  const std::string where = cls + "(...)";
  try {
    return cfg::read_params<P>(params_table(kwargs, cls), where, unit);
  } catch (const cfg::ConfigError& e) {
    throw_params_error(e, where, cls);
  }
}

// The parameters as a Python dict (every field, defaults filled in).
pybind11::dict params_dict(const nlohmann::ordered_json& params);

}  // namespace bf::py
