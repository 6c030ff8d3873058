// Sweep pictures with gnuplot: for every plot a data file (.dat) and a script
// (.gp) in <out>/plots/, then one gnuplot run per script that draws the PNG
// (pngcairo, else libgd's png) and the SVG. Scripts use file names relative to
// the plots directory (gnuplot runs there), so no path needs quoting.

#include "app/sweep/plots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "util/files.hpp"
#include "util/process.hpp"

namespace bf::sweep {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

constexpr const char* kAreaKey = "area_um2";
constexpr int kMaxSeries = 8;  // more than this: points only, no legend

// Colour-blind-safe qualitative palette (Tableau 10), with distinct point
// shapes so series stay apart in greyscale too.
constexpr const char* kColors[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                                   "#b07aa1", "#76b7b2", "#edc948", "#9c755f"};
constexpr int kPointTypes[] = {7, 5, 9, 11, 13, 15, 7, 5};

// Accuracy metrics a Pareto plot is drawn for: key, axis title (higher is
// better for all of them).
struct AccuracyMetric {
  const char* key;
  const char* title;
  const char* short_title;
};
constexpr AccuracyMetric kAccuracyMetrics[] = {
    {"sqnr_db", "SQNR (dB)", "SQNR"},
};

bool is_ok(const Row& row) {
  auto it = row.find("status");
  return it != row.end() && it->is_string() && it->get<std::string>() == "ok";
}

// A finite number at `key`: "metrics.x" or "x" (looked up in row.metrics,
// then at the top level).
std::optional<double> number_at(const Row& row, const std::string& key) {
  const json* v = nullptr;
  if (auto dot = key.find('.'); dot != std::string::npos) {
    auto outer = row.find(key.substr(0, dot));
    if (outer != row.end() && outer->is_object()) {
      auto inner = outer->find(key.substr(dot + 1));
      if (inner != outer->end()) v = &*inner;
    }
  } else {
    auto m = row.find("metrics");
    if (m != row.end() && m->is_object()) {
      auto inner = m->find(key);
      if (inner != m->end()) v = &*inner;
    }
    if (!v) {
      auto top = row.find(key);
      if (top != row.end()) v = &*top;
    }
  }
  if (!v || !v->is_number()) return std::nullopt;
  double d = v->get<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::string value_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return fmt::format("{}", v.get<double>());
  return v.dump();
}

// The short form of one parameter in a label: strings as they are ("mxint4"),
// numbers with a short prefix ("k16" for block, as in module names), booleans
// as the key or "no_<key>".
std::string short_param(const std::string& key, const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? key : "no_" + key;
  static const std::map<std::string, std::string> prefix = {
      {"block", "k"}, {"pipeline_stages", "p"}, {"outliers", "o"}, {"group", "g"}};
  std::string p;
  if (auto it = prefix.find(key); it != prefix.end()) {
    p = it->second;
  } else {
    // Initials of the words: mantissa_width -> mw.
    bool start = true;
    for (char c : key) {
      if (c == '_') {
        start = true;
      } else if (start) {
        p += c;
        start = false;
      }
    }
    p += '=';
  }
  return p + value_text(v);
}

std::string short_label(const Row& row, const std::vector<std::string>& keys) {
  std::string out;
  auto params = row.find("params");
  for (const auto& k : keys) {
    if (params == row.end() || !params->is_object() || !params->contains(k)) continue;
    if (!out.empty()) out += ' ';
    out += short_param(k, (*params)[k]);
  }
  return out;
}

// A gnuplot single-quoted string ('' is the only escape).
std::string gq(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    if (c == '\n') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "'";
}

// A double-quoted string field of a gnuplot data file.
std::string dq(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += (c == '"' || c == '\n') ? '\'' : c;
  return out + "\"";
}

std::string file_stem(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-';
    out += safe ? c : '_';
  }
  return out.empty() ? "param" : out;
}

std::string num(double v) { return fmt::format("{}", v); }

bool is_power_of_two(double v) {
  if (v < 1 || v != std::floor(v) || v > 9.0e15) return false;
  auto u = static_cast<unsigned long long>(v);
  return (u & (u - 1)) == 0;
}

// Every picture is 900x600 with fixed margins (screen fractions), so label
// placement can reason in pixels.
constexpr double kWidth = 900, kHeight = 600;
struct Margins {
  double left = 0.095, right = 0.965, bottom = 0.13, top = 0.89;
};

// The parts every plot shares: fonts, grid, border, margins.
std::string script_head(const std::string& title, const Margins& m) {
  std::string s;
  s += "# Generated by blockforge (app/sweep/plots.cpp); run in this directory:\n";
  s += "#   gnuplot <this file>\n";
  s += "set encoding utf8\n";
  s += "set termoption noenhanced\n";
  s += "set title " + gq(title) + " font ',15' offset 0,0.3\n";
  s += "set border 3 lw 1.2 lc rgb '#505050'\n";
  s += "set tics nomirror out scale 0.6 textcolor rgb '#303030'\n";
  s += "set style line 100 lc rgb '#e3e3e3' lw 1 dt solid\n";
  s += "set grid xtics ytics back ls 100\n";
  s += "set style textbox opaque noborder margins 1,1\n";
  s += "set key noautotitle\n";
  s += fmt::format("set lmargin at screen {}\nset rmargin at screen {}\n", m.left, m.right);
  s += fmt::format("set bmargin at screen {}\nset tmargin at screen {}\n", m.bottom, m.top);
  return s;
}

// Draws `plot_cmd` into <stem>.png and <stem>.svg.
std::string script_outputs(const std::string& stem, const std::string& plot_cmd) {
  std::string s;
  s += "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n";
  s += "  set terminal pngcairo size 900,600 noenhanced font 'DejaVu Sans,11' linewidth 1.3 "
       "background rgb 'white'\n";
  s += "} else {\n";
  s += "  set terminal png size 900,600 noenhanced font 'DejaVuSans,11' background rgb 'white'\n";
  s += "}\n";
  s += "set output " + gq(stem + ".png") + "\n";
  s += plot_cmd + "\n";
  s += "set terminal svg size 900,600 noenhanced font 'DejaVu Sans,11' linewidth 1.3 "
       "background rgb 'white'\n";
  s += "set output " + gq(stem + ".svg") + "\n";
  s += plot_cmd + "\n";
  s += "unset output\n";
  return s;
}

struct PlotFiles {
  std::string stem;
  std::string script;
  std::vector<std::pair<std::string, std::string>> data;  // file name, content
};

// The distinct values of `key` over `rows` in the order the sweep file lists
// them (so categories appear as the user wrote them), then any others in
// first-seen order.
std::vector<json> ordered_values(const SweepSpec& spec, const std::vector<const Row*>& rows,
                                 const std::string& key) {
  std::vector<json> out;
  std::set<std::string> seen;
  auto add = [&](const json& v) {
    if (seen.insert(v.dump()).second) out.push_back(v);
  };
  for (const auto& axis : spec.axes)
    for (const auto& step : axis.values)
      if (step.is_object() && step.contains(key)) add(step[key]);
  std::set<std::string> in_rows;
  for (const Row* r : rows) {
    const json& v = (*r)["params"][key];
    in_rows.insert(v.dump());
    add(v);
  }
  std::erase_if(out, [&](const json& v) { return !in_rows.count(v.dump()); });
  return out;
}

std::size_t distinct_values(const std::vector<const Row*>& rows, const std::string& key) {
  std::set<std::string> values;
  for (const Row* r : rows)
    if ((*r)["params"].contains(key)) values.insert((*r)["params"][key].dump());
  return values.size();
}

// area_vs_<key>: area against one swept parameter, one series per
// combination of the parameters swept on other axes; with more than
// kMaxSeries combinations, points only, coloured by the first other parameter
// that has few enough values.
PlotFiles area_plot(const SweepSpec& spec, const std::vector<const Row*>& rows,
                    const std::string& key, const std::vector<std::string>& others) {
  PlotFiles pf;
  pf.stem = "area_vs_" + file_stem(key);
  const std::string dat = pf.stem + ".dat";

  std::vector<json> xs = ordered_values(spec, rows, key);
  const bool numeric =
      std::all_of(xs.begin(), xs.end(), [](const json& v) { return v.is_number(); });
  auto x_of = [&](const json& v) -> double {
    if (numeric) return v.get<double>();
    for (std::size_t i = 0; i < xs.size(); ++i)
      if (xs[i] == v) return static_cast<double>(i);
    return 0;
  };

  // Series named by the short form of their values, in the order the sweep
  // file lists those values (not the order the rows happen to come in).
  auto group = [&](const std::vector<std::string>& by, std::vector<std::string>& names) {
    std::vector<std::vector<json>> orders;
    for (const auto& k : by) orders.push_back(ordered_values(spec, rows, k));
    std::map<std::string, std::vector<const Row*>> groups;
    std::map<std::string, std::vector<std::size_t>> rank;
    for (const Row* r : rows) {
      std::string name = short_label(*r, by);
      if (!groups.count(name)) {
        names.push_back(name);
        auto& pos = rank[name];
        for (std::size_t i = 0; i < by.size(); ++i) {
          const json& v = (*r)["params"].contains(by[i]) ? (*r)["params"][by[i]] : json();
          auto it = std::find(orders[i].begin(), orders[i].end(), v);
          pos.push_back(static_cast<std::size_t>(it - orders[i].begin()));
        }
      }
      groups[name].push_back(r);
    }
    std::stable_sort(names.begin(), names.end(),
                     [&](const std::string& a, const std::string& b) { return rank[a] < rank[b]; });
    return groups;
  };
  std::vector<std::string> names;
  auto series = group(others, names);
  const bool points_only = names.size() > static_cast<std::size_t>(kMaxSeries);
  std::vector<std::string> legend_keys = others;
  if (points_only) {
    legend_keys.clear();
    for (const auto& o : others) {
      if (distinct_values(rows, o) <= static_cast<std::size_t>(kMaxSeries)) {
        legend_keys = {o};
        break;
      }
    }
    names.clear();
    series = group(legend_keys, names);
  }
  const bool legend = names.size() > 1;

  const auto all_keys = spec.swept_keys();
  std::string data = fmt::format("# area (um^2) against {}: x  area_um2  label\n", key);
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::vector<std::pair<double, const Row*>> pts;
    for (const Row* r : series[names[i]]) pts.emplace_back(x_of((*r)["params"][key]), r);
    std::stable_sort(pts.begin(), pts.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    if (i) data += "\n\n";
    data += "# " + (names[i].empty() ? std::string("all points") : names[i]) + "\n";
    // Points only on a categorical axis: series side by side in each category.
    double dodge = 0;
    if (points_only && !numeric && names.size() > 1)
      dodge = (static_cast<double>(i) - (static_cast<double>(names.size()) - 1) / 2) *
              (0.5 / static_cast<double>(names.size()));
    for (std::size_t j = 0; j < pts.size(); ++j) {
      const auto& [x, r] = pts[j];
      // A category this series lacks (excluded or failed) breaks its line
      // instead of being bridged (a blank line ends a gnuplot line segment).
      if (!numeric && j && x - pts[j - 1].first > 1.5) data += "\n";
      data += fmt::format("{} {} {}\n", num(x + dodge), num(*number_at(*r, kAreaKey)),
                          dq(short_label(*r, all_keys)));
    }
  }
  pf.data.emplace_back(dat, data);

  std::string key_title;
  for (const auto& o : legend_keys) key_title += (key_title.empty() ? "" : ", ") + o;
  if (points_only && legend) key_title += " (others vary)";
  Margins m;
  if (legend) {
    // The legend's width: the sample line, its gaps and the longest entry.
    std::size_t longest = key_title.size() + 2;
    for (const auto& n : names) longest = std::max(longest, n.size() + 9);
    m.right = std::clamp(1.0 - (static_cast<double>(longest) * 7.5 + 40) / kWidth, 0.6, 0.84);
  }
  if (!numeric && xs.size() > 6) m.bottom = 0.2;

  std::string title = fmt::format("{}: area vs {}  ({}, {} design{})", spec.name, key,
                                  spec.unit.empty() ? "sweep" : spec.unit, rows.size(),
                                  rows.size() == 1 ? "" : "s");
  std::string s = script_head(title, m);
  s += "set ylabel 'Area (µm²)'\n";
  s += "set xlabel " + gq(key) + "\n";
  s += "set yrange [0:*]\n";
  s += "set offsets 0, 0, graph 0.06, 0\n";
  s += "set format y '%.0f'\n";
  if (numeric) {
    double lo = xs.empty() ? 0 : xs.front().get<double>(), hi = lo;
    bool pow2 = true;
    for (const auto& v : xs) {
      double d = v.get<double>();
      lo = std::min(lo, d);
      hi = std::max(hi, d);
      pow2 = pow2 && is_power_of_two(d);
    }
    if (pow2 && lo > 0 && hi / lo >= 4) {
      s += "set logscale x 2\n";
      s += fmt::format("set xrange [{}:{}]\n", num(lo / 1.3), num(hi * 1.3));
    } else if (hi > lo) {
      double pad = (hi - lo) * 0.1;
      s += fmt::format("set xrange [{}:{}]\n", num(lo - pad), num(hi + pad));
    } else {
      s += fmt::format("set xrange [{}:{}]\n", num(lo - 1), num(hi + 1));
    }
    if (xs.size() <= 16) {
      std::string tics;
      for (const auto& v : xs) tics += (tics.empty() ? "" : ", ") + num(v.get<double>());
      s += "set xtics (" + tics + ")\n";
    }
  } else {
    std::string tics;
    for (std::size_t i = 0; i < xs.size(); ++i)
      tics += fmt::format("{}{} {}", i ? ", " : "", gq(value_text(xs[i])), i);
    s += "set xtics (" + tics + ")\n";
    s += fmt::format("set xrange [-0.5:{}]\n", num(static_cast<double>(xs.size()) - 0.5));
    if (xs.size() > 6) s += "set xtics rotate by -30 left\n";
  }
  if (legend) {
    s += fmt::format(
        "set key at screen {}, screen {} left top vertical Left reverse box lc rgb '#c8c8c8' "
        "samplen 2.5 spacing 1.3 width 1 title {}\n",
        m.right + 0.02, m.top, gq(key_title));
  } else {
    s += "unset key\n";
  }

  std::string plot = "plot ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) plot += ", \\\n     ";
    const std::string style =
        points_only ? fmt::format("points pt {} ps 1.2", kPointTypes[i % 8])
                    : fmt::format("linespoints lw 2 pt {} ps 1.4", kPointTypes[i % 8]);
    plot +=
        fmt::format("{} index {} using 1:2 with {} lc rgb '{}'", gq(dat), i, style, kColors[i % 8]);
    plot += legend ? " title " + gq(names[i]) : " notitle";
  }
  s += script_outputs(pf.stem, plot);
  pf.script = s;
  return pf;
}

// Places the front's labels where they overlap nothing else when possible:
// for each point (in front order) the first of a few candidate positions
// around it with the fewest collisions with labels already placed, front
// points, other points and the plot border. Works in pixels of the 900x600
// picture (approximate character size of the label font).
struct Placed {
  double dx_px, dy_px;  // offset of the label anchor from the point
  const char* align;    // left | right | center
};
std::vector<Placed> place_labels(const std::vector<std::pair<double, double>>& front_px,
                                 const std::vector<std::pair<double, double>>& other_px,
                                 const std::vector<std::string>& labels, double w, double h) {
  struct Box {
    double x0, x1, y0, y1;
  };
  auto overlaps = [](const Box& a, const Box& b) {
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
  };
  const Placed candidates[] = {{10, -13, "left"},   {-10, 13, "right"}, {10, 13, "left"},
                               {-10, -13, "right"}, {13, 0, "left"},    {-13, 0, "right"},
                               {0, -20, "center"},  {0, 20, "center"},  {10, -30, "left"},
                               {-10, 30, "right"}};
  const double char_w = 7.0, text_h = 15;
  std::vector<Box> placed;
  std::vector<Placed> out;
  for (std::size_t i = 0; i < front_px.size(); ++i) {
    const auto [px, py] = front_px[i];
    const double tw = static_cast<double>(labels[i].size()) * char_w + 4;
    double best_cost = 1e300;
    Placed best = candidates[0];
    Box best_box{};
    for (const auto& c : candidates) {
      const double ax = px + c.dx_px, ay = py + c.dy_px;
      const double x0 = std::string_view(c.align) == "left"    ? ax
                        : std::string_view(c.align) == "right" ? ax - tw
                                                               : ax - tw / 2;
      const Box b{x0, x0 + tw, ay - text_h / 2, ay + text_h / 2};
      double cost = 0;
      if (b.x0 < 0 || b.x1 > w || b.y0 < 0 || b.y1 > h) cost += 1000;
      for (const auto& q : placed)
        if (overlaps(b, q)) cost += 100;
      for (const auto& [qx, qy] : front_px)
        if (overlaps(b, {qx - 7, qx + 7, qy - 7, qy + 7})) cost += 50;
      for (const auto& [qx, qy] : other_px)
        if (overlaps(b, {qx - 5, qx + 5, qy - 5, qy + 5})) cost += 5;
      if (cost < best_cost) {
        best_cost = cost;
        best = c;
        best_box = b;
      }
    }
    placed.push_back(best_box);
    out.push_back(best);
  }
  return out;
}

PlotFiles pareto_plot(const SweepSpec& spec, const std::vector<Row>& all_rows,
                      const AccuracyMetric& metric) {
  PlotFiles pf;
  pf.stem = std::string("pareto_area_vs_") + metric.key;
  const std::string all_dat = pf.stem + "_all.dat", front_dat = pf.stem + "_front.dat";
  const auto keys = spec.swept_keys();

  const auto front = pareto_front(all_rows, kAreaKey, metric.key);
  std::set<std::size_t> on_front(front.begin(), front.end());
  std::vector<std::pair<double, double>> others, front_xy;  // (accuracy, area)
  std::string all = fmt::format("# every ok design: {}  area_um2  label\n", metric.key);
  for (std::size_t i = 0; i < all_rows.size(); ++i) {
    const auto& r = all_rows[i];
    auto a = number_at(r, kAreaKey);
    auto q = number_at(r, metric.key);
    if (!is_ok(r) || !a || !q) continue;
    all += fmt::format("{} {} {}\n", num(*q), num(*a), dq(short_label(r, keys)));
    if (!on_front.count(i)) others.emplace_back(*q, *a);
  }
  std::vector<std::string> labels;
  std::string fr = fmt::format("# Pareto front (by area): {}  area_um2  label\n", metric.key);
  for (auto i : front) {
    front_xy.emplace_back(*number_at(all_rows[i], metric.key), *number_at(all_rows[i], kAreaKey));
    labels.push_back(short_label(all_rows[i], keys));
    fr += fmt::format("{} {} {}\n", num(front_xy.back().first), num(front_xy.back().second),
                      dq(labels.back()));
  }
  pf.data.emplace_back(all_dat, all);
  pf.data.emplace_back(front_dat, fr);
  const std::size_t n = others.size() + front.size();

  // Explicit ranges: accuracy padded on both sides, area from 0.
  double x0 = 1e300, x1 = -1e300, y1 = 0, y0 = 0;
  for (const auto* v : {&others, &front_xy})
    for (const auto& [x, y] : *v) {
      x0 = std::min(x0, x);
      x1 = std::max(x1, x);
      y1 = std::max(y1, y);
      y0 = std::min(y0, y);
    }
  double span = x1 - x0;
  if (span <= 0) span = std::max(1.0, std::fabs(x0) * 0.2);
  x0 -= span * 0.08;
  x1 += span * 0.08;
  y1 = y1 > y0 ? y1 + (y1 - y0) * 0.1 : y0 + 1;
  if (y0 < 0) y0 -= (y1 - y0) * 0.05;

  Margins m;
  m.bottom = 0.16;
  const double pw = (m.right - m.left) * kWidth, ph = (m.top - m.bottom) * kHeight;
  auto to_px = [&](const std::pair<double, double>& p) {
    return std::pair<double, double>{(p.first - x0) / (x1 - x0) * pw,
                                     (p.second - y0) / (y1 - y0) * ph};
  };
  std::vector<std::pair<double, double>> front_px, other_px;
  for (const auto& p : front_xy) front_px.push_back(to_px(p));
  for (const auto& p : others) other_px.push_back(to_px(p));
  const auto placed = place_labels(front_px, other_px, labels, pw, ph);

  std::string title = fmt::format("{}: area vs {}, Pareto front ({} of {} design{})", spec.name,
                                  metric.short_title, front.size(), n, n == 1 ? "" : "s");
  std::string s = script_head(title, m);
  s += fmt::format("set xlabel {}\n", gq(std::string(metric.title) + "   (higher is better)"));
  s += "set ylabel 'Area (µm²)   (lower is better)'\n";
  s += "set format y '%.0f'\n";
  s += fmt::format("set xrange [{}:{}]\nset yrange [{}:{}]\n", num(x0), num(x1), num(y0), num(y1));
  s += "set key at screen 0.5, screen 0.015 center bottom horizontal Left reverse "
       "box lc rgb '#c8c8c8' samplen 2 width 1\n";
  for (std::size_t i = 0; i < front.size(); ++i)
    s += fmt::format(
        "set label {} {} at first {}, first {} {} offset screen {}, screen {} front boxed "
        "font ',10' textcolor rgb '#202020'\n",
        i + 1, gq(labels[i]), num(front_xy[i].first), num(front_xy[i].second), placed[i].align,
        num(placed[i].dx_px / kWidth), num(placed[i].dy_px / kHeight));
  std::string plot = "plot ";
  plot += gq(all_dat) +
          " using 1:2 with points pt 7 ps 1.2 lc rgb '#b8b8b8' title 'other designs', \\\n     ";
  plot += gq(front_dat) + " using 1:2 with lines lw 2.2 lc rgb '#d1495b' notitle, \\\n     ";
  plot +=
      gq(front_dat) + " using 1:2 with points pt 7 ps 1.7 lc rgb '#d1495b' title 'Pareto front'";
  s += script_outputs(pf.stem, plot);
  pf.script = s;
  return pf;
}

}  // namespace

std::vector<std::size_t> pareto_front(const std::vector<Row>& rows, const std::string& area_key,
                                      const std::string& accuracy_key) {
  struct Cand {
    double area, acc;
    std::size_t index;
  };
  std::vector<Cand> cands;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!is_ok(rows[i])) continue;
    auto a = number_at(rows[i], area_key);
    auto q = number_at(rows[i], accuracy_key);
    if (a && q) cands.push_back({*a, *q, i});
  }
  // By area, then the most accurate first: a row is on the front when it is
  // more accurate than every smaller one, or an exact duplicate of the last
  // front point (equal rows do not dominate each other).
  std::sort(cands.begin(), cands.end(), [](const Cand& x, const Cand& y) {
    if (x.area != y.area) return x.area < y.area;
    if (x.acc != y.acc) return x.acc > y.acc;
    return x.index < y.index;
  });
  std::vector<std::size_t> out;
  std::optional<Cand> last;
  for (const auto& c : cands) {
    if (!last || c.acc > last->acc) {
      out.push_back(c.index);
      last = c;
    } else if (c.acc == last->acc && c.area == last->area) {
      out.push_back(c.index);
    }
  }
  return out;
}

std::vector<std::string> write_plots(const std::string& out_dir, const SweepSpec& spec,
                                     const std::vector<Row>& rows) {
  const fs::path dir = fs::path(out_dir) / "plots";

  std::vector<const Row*> ok;
  for (const auto& r : rows)
    if (is_ok(r) && number_at(r, kAreaKey) && r.contains("params") && r["params"].is_object())
      ok.push_back(&r);

  std::vector<PlotFiles> plots;
  const auto keys = spec.swept_keys();
  for (const auto& key : keys) {
    std::vector<const Row*> with_key;
    for (const Row* r : ok)
      if ((*r)["params"].contains(key)) with_key.push_back(r);
    if (with_key.empty()) continue;
    // Series: the keys swept on other axes (a zip group moves together, so
    // its other keys would only split every series into single points).
    std::vector<std::string> others;
    for (const auto& axis : spec.axes) {
      if (std::find(axis.keys.begin(), axis.keys.end(), key) != axis.keys.end()) continue;
      for (const auto& k : axis.keys) {
        // A key with one value does not split anything.
        std::set<std::string> values;
        for (const Row* r : with_key)
          if ((*r)["params"].contains(k)) values.insert((*r)["params"][k].dump());
        if (values.size() > 1) others.push_back(k);
      }
    }
    plots.push_back(area_plot(spec, with_key, key, others));
  }
  for (const auto& metric : kAccuracyMetrics) {
    bool any = std::any_of(ok.begin(), ok.end(),
                           [&](const Row* r) { return number_at(*r, metric.key).has_value(); });
    if (any) plots.push_back(pareto_plot(spec, rows, metric));
  }
  if (plots.empty()) return {};

  if (!util::on_path("gnuplot"))
    throw std::runtime_error(
        "gnuplot not found: install the Debian package gnuplot-nox to draw the sweep plots");
  fs::create_directories(dir);
  std::vector<std::string> written;
  for (const auto& p : plots) {
    for (const auto& [name, content] : p.data) util::write_text((dir / name).string(), content);
    const std::string script = (dir / (p.stem + ".gp")).string();
    const std::string log = (dir / (p.stem + ".log")).string();
    util::write_text(script, p.script);
    std::error_code ec;
    for (const char* ext : {".png", ".svg"}) fs::remove(dir / (p.stem + ext), ec);
    util::ProcessOptions po;
    po.log_path = log;
    po.cwd = dir.string();
    po.timeout_seconds = 120;
    auto r = util::run_process({"gnuplot", p.stem + ".gp"}, po);
    const bool drawn =
        fs::exists(dir / (p.stem + ".png"), ec) && fs::exists(dir / (p.stem + ".svg"), ec);
    if (!r.ok() || !drawn) {
      std::string first = util::first_error_line(log);
      throw std::runtime_error(fmt::format("gnuplot failed on {} (exit {}{}); see {}", script,
                                           r.code, first.empty() ? "" : ": " + first, log));
    }
    // gnuplot writes nothing to the log on success; keep the directory tidy.
    if (fs::file_size(log, ec) == 0) fs::remove(log, ec);
    written.push_back((dir / (p.stem + ".png")).string());
    written.push_back((dir / (p.stem + ".svg")).string());
  }
  return written;
}

}  // namespace bf::sweep
