#include "synth/liberty.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "synth/liberty_syntax.hpp"
#include "util/files.hpp"

namespace bf::synth {

namespace {

// Linear interpolation in a sorted index, extrapolating beyond its ends.
// Returns the lower position and the weight of the upper one.
std::pair<std::size_t, double> locate(const std::vector<double>& index, double x) {
  if (index.size() < 2) return {0, 0.0};
  std::size_t i = 0;
  while (i + 2 < index.size() && x > index[i + 1]) ++i;
  const double span = index[i + 1] - index[i];
  return {i, span == 0 ? 0.0 : (x - index[i]) / span};
}

std::vector<double> numbers(const std::vector<std::string>& args, const std::string& where) {
  std::vector<double> out;
  for (const auto& a : args) {
    std::string item;
    std::istringstream in(a);
    while (std::getline(in, item, ',')) {
      const auto b = item.find_first_not_of(" \t");
      if (b == std::string::npos) continue;
      try {
        std::size_t used = 0;
        out.push_back(std::stod(item.substr(b), &used));
      } catch (const std::exception&) {
        throw std::runtime_error(fmt::format("{}: '{}' is not a number", where, item));
      }
    }
  }
  return out;
}

double number(const std::string& text, const std::string& where) {
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    throw std::runtime_error(fmt::format("{}: '{}' is not a number", where, text));
  }
}

// "1ns" -> 1, "1ps" -> 1e-3 (scale to ns); unit names are case-insensitive.
double unit_scale(const std::string& text, const std::map<std::string, double>& units,
                  const std::string& where) {
  static const std::regex re(R"(^\s*([0-9.eE+-]*)\s*([A-Za-z]+)\s*$)");
  std::smatch m;
  if (std::regex_match(text, m, re)) {
    std::string u = m[2].str();
    std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto it = units.find(u);
    if (it != units.end()) return (m[1].str().empty() ? 1.0 : std::stod(m[1].str())) * it->second;
  }
  throw std::runtime_error(fmt::format("{}: unit '{}' is not understood", where, text));
}

struct Units {
  double time_ns = 1;     // one time unit in ns
  double cap_ff = 1;      // one capacitance unit in fF
  double leakage_nw = 1;  // one leakage unit in nW
  double voltage_v = 1;   // one voltage unit in V
  double energy_fj() const { return cap_ff * voltage_v * voltage_v; }
};

Units read_units(const LibertyGroup& lib, const std::string& origin) {
  Units u;
  if (const auto* t = lib.attribute("time_unit"))
    u.time_ns = unit_scale(*t, {{"ns", 1}, {"ps", 1e-3}, {"us", 1e3}}, origin + ": time_unit");
  if (const auto* v = lib.attribute("voltage_unit"))
    u.voltage_v = unit_scale(*v, {{"v", 1}, {"mv", 1e-3}}, origin + ": voltage_unit");
  if (const auto* l = lib.attribute("leakage_power_unit"))
    u.leakage_nw = unit_scale(*l, {{"nw", 1}, {"pw", 1e-3}, {"uw", 1e3}, {"mw", 1e6}, {"w", 1e9}},
                              origin + ": leakage_power_unit");
  if (const auto* c = lib.complex_attribute("capacitive_load_unit")) {
    if (c->size() != 2)
      throw std::runtime_error(origin + ": capacitive_load_unit needs (value, ff|pf)");
    const double v = number((*c)[0], origin + ": capacitive_load_unit");
    u.cap_ff =
        unit_scale("1" + (*c)[1], {{"ff", 1}, {"pf", 1e3}}, origin + ": capacitive_load_unit") * v;
  }
  return u;
}

struct Template {
  std::string variable_1, variable_2;
  std::vector<double> index_1, index_2;
};

std::map<std::string, Template> read_templates(const LibertyGroup& lib, const std::string& origin) {
  std::map<std::string, Template> out;
  for (const auto& g : lib.groups) {
    if (g.type != "lu_table_template" && g.type != "power_lut_template") continue;
    if (g.args.empty()) continue;
    Template t;
    if (const auto* v = g.attribute("variable_1")) t.variable_1 = *v;
    if (const auto* v = g.attribute("variable_2")) t.variable_2 = *v;
    const std::string where = fmt::format("{}:{}", origin, g.line);
    if (const auto* i = g.complex_attribute("index_1")) t.index_1 = numbers(*i, where);
    if (const auto* i = g.complex_attribute("index_2")) t.index_2 = numbers(*i, where);
    out[g.args[0]] = t;
  }
  return out;
}

// Index values are converted to ns / fF; table values by `value_scale`.
LibertyTable read_table(const LibertyGroup& g, const std::map<std::string, Template>& templates,
                        const Units& u, double value_scale, const std::string& origin) {
  const std::string where = fmt::format("{}:{}", origin, g.line);
  LibertyTable t;
  const std::string name = g.args.empty() ? "scalar" : g.args[0];
  if (name != "scalar") {
    const auto it = templates.find(name);
    if (it == templates.end())
      throw std::runtime_error(fmt::format("{}: table template '{}' is not defined", where, name));
    t.variable_1 = it->second.variable_1;
    t.variable_2 = it->second.variable_2;
    t.index_1 = it->second.index_1;
    t.index_2 = it->second.index_2;
  }
  if (const auto* i = g.complex_attribute("index_1")) t.index_1 = numbers(*i, where);
  if (const auto* i = g.complex_attribute("index_2")) t.index_2 = numbers(*i, where);
  const auto* v = g.complex_attribute("values");
  if (!v) throw std::runtime_error(fmt::format("{}: table {} has no values", where, g.type));
  t.values = numbers(*v, where);
  const auto scale_index = [&](const std::string& var, std::vector<double>& idx) {
    const bool time = var.find("transition") != std::string::npos;
    const bool cap = var.find("capacitance") != std::string::npos;
    for (double& x : idx) x *= time ? u.time_ns : cap ? u.cap_ff : 1.0;
  };
  scale_index(t.variable_1, t.index_1);
  scale_index(t.variable_2, t.index_2);
  const std::size_t n1 = std::max<std::size_t>(1, t.index_1.size());
  const std::size_t n2 = std::max<std::size_t>(1, t.index_2.size());
  if (t.values.size() != n1 * n2)
    throw std::runtime_error(fmt::format("{}: table {} has {} values for a {}x{} index", where,
                                         g.type, t.values.size(), n1, n2));
  for (double& x : t.values) x *= value_scale;
  return t;
}

std::optional<LibertyTable> table_of(const LibertyGroup& g, const char* type,
                                     const std::map<std::string, Template>& templates,
                                     const Units& u, double scale, const std::string& origin) {
  const auto kids = g.children(type);
  if (kids.empty()) return std::nullopt;
  return read_table(*kids.front(), templates, u, scale, origin);
}

std::string unquote_expr(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '"'), s.end());
  return s;
}

LibertyPin read_pin(const std::string& name, const LibertyGroup& g,
                    const std::map<std::string, Template>& templates, const Units& u,
                    const std::string& origin) {
  LibertyPin p;
  p.name = name;
  if (const auto* d = g.attribute("direction")) p.direction = *d;
  if (const auto* c = g.attribute("capacitance"))
    p.capacitance_ff = number(*c, fmt::format("{}:{}: capacitance", origin, g.line)) * u.cap_ff;
  if (const auto* f = g.attribute("function")) p.function = unquote_expr(*f);
  if (const auto* c = g.attribute("clock")) p.clock = *c == "true";
  for (const auto* t : g.children("timing")) {
    LibertyTimingArc arc;
    if (const auto* r = t->attribute("related_pin")) arc.related_pin = *r;
    if (const auto* r = t->attribute("timing_type")) arc.timing_type = *r;
    if (const auto* r = t->attribute("timing_sense")) arc.timing_sense = *r;
    arc.cell_rise = table_of(*t, "cell_rise", templates, u, u.time_ns, origin);
    arc.cell_fall = table_of(*t, "cell_fall", templates, u, u.time_ns, origin);
    p.timing.push_back(std::move(arc));
  }
  for (const auto* w : g.children("internal_power")) {
    LibertyPowerArc arc;
    if (const auto* r = w->attribute("related_pin")) arc.related_pin = *r;
    arc.rise = table_of(*w, "rise_power", templates, u, u.energy_fj(), origin);
    arc.fall = table_of(*w, "fall_power", templates, u, u.energy_fj(), origin);
    if (!arc.rise && !arc.fall)
      arc.rise = arc.fall = table_of(*w, "power", templates, u, u.energy_fj(), origin);
    p.power.push_back(std::move(arc));
  }
  return p;
}

LibertyCell read_cell(const LibertyGroup& g, const std::map<std::string, Template>& templates,
                      const Units& u, const std::string& origin) {
  LibertyCell c;
  c.name = g.args.at(0);
  const std::string where = fmt::format("{}:{}: cell {}", origin, g.line, c.name);
  if (const auto* a = g.attribute("area")) c.area_um2 = number(*a, where + " area");
  if (const auto* l = g.attribute("cell_leakage_power"))
    c.leakage_nw = number(*l, where + " cell_leakage_power") * u.leakage_nw;
  if (const auto* d = g.attribute("dont_use")) c.dont_use = *d == "true";
  for (const auto* ff : g.children("ff")) {
    LibertyFlop f;
    if (ff->args.size() > 0) f.iq = ff->args[0];
    if (ff->args.size() > 1) f.iqn = ff->args[1];
    if (const auto* a = ff->attribute("next_state")) f.next_state = unquote_expr(*a);
    if (const auto* a = ff->attribute("clocked_on")) f.clocked_on = unquote_expr(*a);
    if (const auto* a = ff->attribute("clear")) f.clear = unquote_expr(*a);
    if (const auto* a = ff->attribute("preset")) f.preset = unquote_expr(*a);
    c.ff = f;
    c.sequential = true;
  }
  if (!g.children("latch").empty() || !g.children("ff_bank").empty() ||
      !g.children("statetable").empty()) {
    c.sequential = true;
    c.latch = g.children("ff").empty();
  }
  for (const auto& sub : g.groups) {
    if (sub.type == "pin") {
      // pin (A, B) { ... } declares several pins alike.
      for (const auto& name : sub.args) c.pins.push_back(read_pin(name, sub, templates, u, origin));
    } else if (sub.type == "bus" || sub.type == "bundle") {
      for (const auto* pin : sub.children("pin"))
        for (const auto& name : pin->args)
          c.pins.push_back(read_pin(name, *pin, templates, u, origin));
    }
  }
  return c;
}

}  // namespace

double LibertyTable::lookup(double x1, double x2) const {
  if (values.size() == 1) return values[0];
  const auto [i, w1] = locate(index_1, x1);
  if (index_2.size() < 2) {
    if (index_1.size() < 2) return values[0];
    return values[i] + w1 * (values[i + 1] - values[i]);
  }
  const std::size_t n2 = index_2.size();
  const auto [j, w2] = locate(index_2, x2);
  const auto v = [&](std::size_t a, std::size_t b) { return values[a * n2 + b]; };
  if (index_1.size() < 2) return v(0, j) + w2 * (v(0, j + 1) - v(0, j));
  const double lo = v(i, j) + w2 * (v(i, j + 1) - v(i, j));
  const double hi = v(i + 1, j) + w2 * (v(i + 1, j + 1) - v(i + 1, j));
  return lo + w1 * (hi - lo);
}

double LibertyTable::at(double transition_ns, double load_ff) const {
  const auto pick = [&](const std::string& var) {
    return var.find("capacitance") != std::string::npos ? load_ff : transition_ns;
  };
  return lookup(pick(variable_1), pick(variable_2));
}

const LibertyPin* LibertyCell::pin(const std::string& name) const {
  for (const auto& p : pins)
    if (p.name == name) return &p;
  return nullptr;
}

std::vector<const LibertyPin*> LibertyCell::inputs() const {
  std::vector<const LibertyPin*> out;
  for (const auto& p : pins)
    if (p.direction == "input") out.push_back(&p);
  return out;
}

std::vector<const LibertyPin*> LibertyCell::outputs() const {
  std::vector<const LibertyPin*> out;
  for (const auto& p : pins)
    if (p.direction == "output" || p.direction == "inout") out.push_back(&p);
  return out;
}

LibertyLibrary parse_liberty_library(const std::string& text, const std::string& origin) {
  const LibertyGroup top = parse_liberty(text, origin);
  if (top.type != "library")
    throw std::runtime_error(fmt::format(
        "{}: not a Liberty library (first group is '{}', expected 'library')", origin, top.type));
  LibertyLibrary lib;
  lib.name = top.args.empty() ? "" : top.args[0];
  lib.path = origin;
  const Units units = read_units(top, origin);
  if (const auto* v = top.attribute("nom_voltage"))
    lib.nominal_voltage = number(*v, origin + ": nom_voltage");
  const auto templates = read_templates(top, origin);
  for (const auto* g : top.children("cell")) {
    if (g->args.empty())
      throw std::runtime_error(fmt::format("{}:{}: cell without a name", origin, g->line));
    LibertyCell c = read_cell(*g, templates, units, origin);
    lib.cells[c.name] = std::move(c);
  }
  if (lib.cells.empty())
    throw std::runtime_error(fmt::format("no cells in liberty file {}", origin));
  return lib;
}

LibertyLibrary read_liberty(const std::string& path) {
  return parse_liberty_library(util::read_text(path), path);
}

std::map<std::string, LibertyCell> read_liberty_cells(const std::string& path) {
  return read_liberty(path).cells;
}

}  // namespace bf::synth
