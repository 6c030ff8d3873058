#include "python/src/engine_params.hpp"

#include <cstdint>
#include <string>
#include <utility>

namespace bf::py {

namespace {

namespace pyb = pybind11;

std::string type_name(const pyb::handle& value) {
  return pyb::str(pyb::type::of(value).attr("__name__")).cast<std::string>();
}

bool append_toml_value(toml::array& array, const pyb::handle& item);

// Hands one keyword value to sink() as its TOML value (bool, int64_t, double,
// std::string or toml::array); false when it has no TOML spelling.
template <class Sink>
bool with_toml_value(const pyb::handle& value, Sink&& sink) {
  // bool first: a Python bool is also an int.
  if (pyb::isinstance<pyb::bool_>(value)) {
    sink(value.cast<bool>());
    return true;
  }
  if (PyIndex_Check(value.ptr())) {  // int, numpy integers
    const auto i = pyb::reinterpret_steal<pyb::object>(PyNumber_Index(value.ptr()));
    if (!i) throw pyb::error_already_set();
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
    // Beyond 64 bits: the nearest 64-bit value is just as far out of every range.
    sink(overflow > 0 ? INT64_MAX : overflow < 0 ? INT64_MIN : static_cast<int64_t>(v));
    return true;
  }
  if (pyb::isinstance<pyb::float_>(value)) {
    sink(value.cast<double>());
    return true;
  }
  if (pyb::isinstance<pyb::str>(value)) {
    sink(value.cast<std::string>());
    return true;
  }
  if (pyb::isinstance<pyb::list>(value) || pyb::isinstance<pyb::tuple>(value)) {
    toml::array array;
    for (const pyb::handle& item : value)
      if (!append_toml_value(array, item)) return false;
    sink(std::move(array));
    return true;
  }
  return false;
}

// A list item appended to `array` (a function, not a lambda in the template
// above, so that its recursion instantiates the template once).
bool append_toml_value(toml::array& array, const pyb::handle& item) {
  return with_toml_value(item, [&](auto&& v) { array.push_back(std::forward<decltype(v)>(v)); });
}

}  // namespace

toml::table params_table(const pyb::kwargs& kwargs, const std::string& cls) {
  toml::table table;
  for (const auto& [key, value] : kwargs) {
    const std::string name = pyb::str(key).cast<std::string>();
    if (!with_toml_value(value,
                         [&](auto&& v) { table.insert(name, std::forward<decltype(v)>(v)); }))
      throw pyb::type_error(cls + ": parameter '" + name + "' is of type " + type_name(value) +
                            "; a parameter is an int, bool, str or a list of ints "
                            "(`blockforge list` shows each parameter's type)");
  }
  return table;
}

std::string engine_class_of(const std::string& unit) {
  if (unit == "opal.pe") return "OpalPe";
  if (unit == "baseline.mx_dot") return "MxDot";
  if (unit == "baseline.bf16_dot") return "Bf16Dot";
  return "";
}

std::string design_path(const pyb::object& design, const std::string& cls) {
  if (pyb::isinstance<pyb::str>(design)) return design.cast<std::string>();
  const pyb::object os = pyb::module_::import("os");
  if (pyb::isinstance(design, os.attr("PathLike")))
    return pyb::str(os.attr("fspath")(design)).cast<std::string>();
  throw pyb::type_error(cls +
                        ": design must be the path of a design file (str or os.PathLike), got " +
                        type_name(design));
}

void throw_params_error(const cfg::ConfigError& e, const std::string& where,
                        const std::string& cls) {
  std::string message = e.what();
  const std::string located = where + ":1:1: ";
  if (message.rfind(located, 0) == 0) message = cls + ": " + message.substr(located.size());
  throw pyb::value_error(message);
}

pyb::dict params_dict(const nlohmann::ordered_json& params) {
  return pyb::module_::import("json").attr("loads")(params.dump());
}

}  // namespace bf::py
