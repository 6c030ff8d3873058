// blockforge.load_design / units: a design file read exactly as
// `blockforge gen` reads it (the unit registry, with every check and
// file:line:column message), handed to Python as plain data, so that a study
// can take its numerics from the same file the RTL is generated from.

#include <pybind11/pybind11.h>

#include <string>

#include "generator/config/config.hpp"
#include "generator/design/registry.hpp"
#include "python/src/bindings.hpp"

namespace bf::py {

namespace {

namespace pyb = pybind11;

pyb::object from_json(const nlohmann::ordered_json& j) {
  return pyb::module_::import("json").attr("loads")(j.dump());
}

pyb::list ports(const std::vector<PortSpec>& specs) {
  pyb::list out;
  for (const auto& p : specs) {
    pyb::dict d;
    d["name"] = p.name;
    d["width"] = p.width;
    d["doc"] = p.doc;
    out.append(d);
  }
  return out;
}

pyb::dict load_design_py(const std::string& path) {
  std::unique_ptr<Design> design;
  try {
    design = load_design(path);
  } catch (const cfg::ConfigError& e) {
    throw pyb::value_error(e.what());
  }
  pyb::dict d;
  d["path"] = path;
  d["unit"] = design->unit_name();
  d["top"] = design->top_name();
  d["params"] = from_json(design->params_json());
  d["latency"] = design->latency();
  d["inputs"] = ports(design->data_inputs());
  d["outputs"] = ports(design->data_outputs());
  d["metrics"] = from_json(design->metrics());
  return d;
}

pyb::list units_py() {
  pyb::list out;
  for (const auto& u : all_units()) out.append(pyb::make_tuple(u.name, u.summary));
  return out;
}

}  // namespace

void bind_design(pyb::module_& m) {
  using namespace pybind11::literals;
  m.def("load_design", &load_design_py,
        "Read a design file (TOML) as `blockforge gen` does: returns a dict with the unit name, "
        "the top module name, every parameter (defaults filled in, derived values computed), the "
        "latency, the data ports and the unit's metrics. A bad file raises ValueError with the "
        "file:line:column message of the command line.",
        "path"_a);
  m.def("units", &units_py, "Every registered unit as (name, one-line summary).");
}

}  // namespace bf::py
