#include "app/studies/map_report.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace bf::cli {

namespace fb = golden::flexblock;

namespace {

constexpr std::array<fb::LayerSet, 2> kSummarySets{fb::LayerSet::Conv, fb::LayerSet::Depthwise};

std::string percent(double u) { return fmt::format("{:.1f}", 100.0 * u); }

// "64" or "64..512" when the GEMMs of a pass differ.
template <class F>
std::string range_text(const fb::PassMapping& pm, F get) {
  int64_t lo = get(pm.jobs.front().job.shape);
  int64_t hi = lo;
  for (const auto& j : pm.jobs) {
    lo = std::min(lo, get(j.job.shape));
    hi = std::max(hi, get(j.job.shape));
  }
  return lo == hi ? std::to_string(lo) : fmt::format("{}..{}", lo, hi);
}

int64_t gemm_count(const fb::PassMapping& pm) {
  int64_t n = 0;
  for (const auto& j : pm.jobs) n += j.job.count;
  return n;
}

std::string biggest_loss_text(const fb::SlotUse& s) {
  const fb::Loss l = s.biggest_loss();
  return fmt::format("{} {}%", fb::loss_name(l),
                     percent(static_cast<double>(s[l]) / static_cast<double>(s.capacity())));
}

int count_in(const fb::Network& net, fb::LayerSet set) {
  return static_cast<int>(std::count_if(net.layers.begin(), net.layers.end(),
                                        [&](const fb::Layer& l) { return fb::in_set(l, set); }));
}

bool shown(const MapReportInput& in, const fb::Layer& l) { return !in.conv_only || l.is_conv(); }

std::string schedule_line(const fb::Schedule& s) {
  std::string out = "schedule " + s.name + ":";
  for (const fb::Pass p : fb::kPasses)
    out += fmt::format("{} {} {} (P = {})", p == fb::Pass::Forward ? "" : ",", fb::pass_name(p),
                       s.of(p).text(), s.of(p).products_per_beat());
  return out;
}

std::string layer_table(const MapReportInput& in, const fb::NetworkMapping& nm, std::size_t width) {
  std::string s = fmt::format("{:<{}} {:<5} {:>6} {:>6} {:>10} {:>10} {:>6} {:>13} {:>6}  {}\n",
                              "layer", width, "pass", "gemms", "M", "N", "K", "modes", "cycles",
                              "util%", "biggest loss (share of slots), under 80%");
  for (const auto& lm : nm.layers) {
    if (!shown(in, lm.layer)) continue;
    for (const fb::Pass p : fb::kPasses) {
      const fb::PassMapping& pm = lm.of(p);
      if (pm.skipped) {
        s += fmt::format("{:<{}} {:<5} skipped: the first layer's dX has no consumer\n",
                         lm.layer.name, width, fb::pass_name(p));
        continue;
      }
      const double u = pm.utilization();
      s += fmt::format("{:<{}} {:<5} {:>6} {:>6} {:>10} {:>10} {:>6} {:>13} {:>6}", lm.layer.name,
                       width, fb::pass_name(p), gemm_count(pm),
                       range_text(pm, [](const fb::GemmShape& g) { return g.m; }),
                       range_text(pm, [](const fb::GemmShape& g) { return g.n; }),
                       range_text(pm, [](const fb::GemmShape& g) { return g.k; }),
                       nm.schedule.of(p).text(), pm.cycles, percent(u));
      s += (u < kExplainBelow ? "  " + biggest_loss_text(pm.slots) : "") + "\n";
    }
  }
  return s;
}

std::string totals_table(const MapReportInput& in, const fb::NetworkMapping& nm) {
  std::string s =
      fmt::format("{:<14} {:<5} {:>14} {:>14} {:>8} {:>6}\n", "totals (" + nm.schedule.name + ")",
                  "pass", "cycles", "MAC-weighted%", "mean%", "layers");
  for (const fb::LayerSet set : fb::kLayerSets) {
    if (count_in(*in.net, set) == 0) continue;
    const fb::Totals& t = nm.of(set);
    const std::string label = std::string(fb::layer_set_name(set)) + " layers";
    const auto row = [&](std::string_view pass, const fb::Aggregate& a, bool first) {
      return fmt::format("{:<14} {:<5} {:>14} {:>14} {:>8} {:>6}\n", first ? label : "", pass,
                         a.cycles, percent(a.weighted_utilization()), percent(a.mean_utilization()),
                         a.layers);
    };
    for (const fb::Pass p : fb::kPasses)
      s += row(fb::pass_name(p), t.of(p), p == fb::Pass::Forward);
    s += row("step", t.step, false);
  }
  return s;
}

std::string summary(const MapReportInput& in) {
  std::string s;
  for (const fb::LayerSet set : kSummarySets) {
    if (count_in(*in.net, set) == 0) continue;
    s += fmt::format("\n{} layers of {}: utilization % MAC-weighted (per-layer mean)\n",
                     fb::layer_set_name(set), in.network);
    s += fmt::format("{:<28} {:>14} {:>14} {:>14} {:>14} {:>14}\n", "schedule", "fwd", "dgrad",
                     "wgrad", "step", "step cycles");
    for (const auto& nm : in.schedules) {
      const fb::Totals& t = nm.of(set);
      const auto cell = [](const fb::Aggregate& a) {
        return fmt::format("{} ({})", percent(a.weighted_utilization()),
                           percent(a.mean_utilization()));
      };
      s += fmt::format("{:<28} {:>14} {:>14} {:>14} {:>14} {:>14}\n", nm.schedule.name,
                       cell(t.of(fb::Pass::Forward)), cell(t.of(fb::Pass::DataGrad)),
                       cell(t.of(fb::Pass::WeightGrad)), cell(t.step), t.step.cycles);
    }
  }
  return s;
}

nlohmann::ordered_json slots_json(const fb::SlotUse& s) {
  nlohmann::ordered_json j;
  j["macs"] = s.useful;
  j["slots"] = s.capacity();
  j["utilization"] = s.utilization();
  nlohmann::ordered_json lost, share;
  for (const fb::Loss l : fb::kLosses) {
    lost[std::string(fb::loss_key(l))] = s[l];
    share[std::string(fb::loss_key(l))] =
        s.capacity() == 0 ? 0.0 : static_cast<double>(s[l]) / static_cast<double>(s.capacity());
  }
  j["lost_slots"] = lost;
  j["loss_share"] = share;
  j["biggest_loss"] = fb::loss_key(s.biggest_loss());
  return j;
}

nlohmann::ordered_json aggregate_json(const fb::Aggregate& a) {
  nlohmann::ordered_json j;
  j["layers"] = a.layers;
  j["cycles"] = a.cycles;
  j["macs"] = a.slots.useful;
  j["slots"] = a.slots.capacity();
  j["weighted_utilization"] = a.weighted_utilization();
  j["mean_utilization"] = a.mean_utilization();
  return j;
}

nlohmann::ordered_json pass_json(const fb::PassMapping& pm) {
  nlohmann::ordered_json j;
  j["skipped"] = pm.skipped;
  if (pm.skipped) return j;
  j["cycles"] = pm.cycles;
  j.update(slots_json(pm.slots));
  nlohmann::ordered_json gemms = nlohmann::ordered_json::array();
  for (const auto& mj : pm.jobs) {
    const auto& g = mj.mapping;
    nlohmann::ordered_json x;
    x["m"] = mj.job.shape.m;
    x["n"] = mj.job.shape.n;
    x["k"] = mj.job.shape.k;
    x["count"] = mj.job.count;
    if (!mj.job.what.empty()) x["what"] = mj.job.what;
    x["products_per_beat"] = g.products_per_beat;
    x["tiles_m"] = g.tiles_m;
    x["tiles_n"] = g.tiles_n;
    x["segments"] = g.segments;
    x["data_beats_per_tile"] = g.data_beats;
    x["beats_per_tile"] = g.tile_beats;
    x["cycles"] = g.cycles;
    x["utilization"] = g.utilization();
    gemms.push_back(std::move(x));
  }
  j["gemms"] = std::move(gemms);
  return j;
}

nlohmann::ordered_json schedule_json(const MapReportInput& in, const fb::NetworkMapping& nm) {
  nlohmann::ordered_json j;
  j["name"] = nm.schedule.name;
  j["spec"] = nm.schedule.spec();
  nlohmann::ordered_json passes;
  for (const fb::Pass p : fb::kPasses) {
    const auto& g = nm.schedule.of(p);
    passes[std::string(fb::pass_name(p))] = {{"modes", g.text()},
                                             {"a_bits", fb::mantissa_bits(g.a)},
                                             {"b_bits", fb::mantissa_bits(g.b)},
                                             {"group_a", g.group_a},
                                             {"group_b", g.group_b},
                                             {"products_per_beat", g.products_per_beat()}};
  }
  j["passes"] = std::move(passes);
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const auto& lm : nm.layers) {
    if (!shown(in, lm.layer)) continue;
    const fb::Layer& l = lm.layer;
    nlohmann::ordered_json x;
    x["name"] = l.name;
    x["type"] = fb::layer_type_name(l.type);
    x["cin"] = l.cin;
    x["cout"] = l.cout;
    x["k"] = l.k;
    x["stride"] = l.stride;
    x["pad"] = l.pad;
    x["h"] = l.h;
    x["w"] = l.w;
    x["ho"] = l.ho();
    x["wo"] = l.wo();
    for (const fb::Pass p : fb::kPasses) x[std::string(fb::pass_name(p))] = pass_json(lm.of(p));
    layers.push_back(std::move(x));
  }
  j["layers"] = std::move(layers);
  nlohmann::ordered_json totals;
  for (const fb::LayerSet set : fb::kLayerSets) {
    nlohmann::ordered_json t;
    for (const fb::Pass p : fb::kPasses)
      t[std::string(fb::pass_name(p))] = aggregate_json(nm.of(set).of(p));
    t["step"] = aggregate_json(nm.of(set).step);
    totals[std::string(fb::layer_set_name(set))] = std::move(t);
  }
  j["totals"] = std::move(totals);
  return j;
}

}  // namespace

std::string map_report_text(const MapReportInput& in) {
  const fb::Network& net = *in.net;
  std::size_t width = 5;
  for (const auto& l : net.layers) width = std::max(width, l.name.size());
  const int pes = in.array.rows * in.array.cols;
  std::string s = fmt::format(
      "flexblock.array {} ({}): {} x {} PEs, max_segment {}, drain {} cycles per GEMM\n",
      in.array_name, in.config, in.array.rows, in.array.cols, in.array.max_segment,
      golden::array_drain_cycles(in.array));
  s += fmt::format("network {} ({}): {} layers ({} conv incl. {} dwconv, {} fc), batch {}\n",
                   in.network, in.network_path, net.layers.size(),
                   count_in(net, fb::LayerSet::Conv), count_in(net, fb::LayerSet::Depthwise),
                   net.layers.size() - static_cast<std::size_t>(count_in(net, fb::LayerSet::Conv)),
                   in.schedules.empty() ? 0 : in.schedules.front().batch);
  s += fmt::format(
      "compute-bound cycles of the array's timing contract; utilization = useful MACs / (cycles x "
      "{} PEs x P products per beat); BFP groups along K: 54, 108, 216 for 16, 8, 4 bits\n",
      pes);
  for (const auto& nm : in.schedules) {
    s += "\n" + schedule_line(nm.schedule) + "\n";
    s += layer_table(in, nm, width);
    s += "\n" + totals_table(in, nm);
  }
  s += summary(in);
  return s;
}

nlohmann::ordered_json map_report_json(const MapReportInput& in) {
  nlohmann::ordered_json j;
  j["array"] = {{"config", in.config},
                {"name", in.array_name},
                {"rows", in.array.rows},
                {"cols", in.array.cols},
                {"max_segment", in.array.max_segment},
                {"drain_cycles", golden::array_drain_cycles(in.array)}};
  j["network"] = {{"name", in.network},
                  {"path", in.network_path},
                  {"layers", in.net->layers.size()},
                  {"conv_layers", count_in(*in.net, fb::LayerSet::Conv)},
                  {"dwconv_layers", count_in(*in.net, fb::LayerSet::Depthwise)}};
  j["batch"] = in.schedules.empty() ? 0 : in.schedules.front().batch;
  j["layers_shown"] = in.conv_only ? "conv" : "all";
  nlohmann::ordered_json schedules = nlohmann::ordered_json::array();
  for (const auto& nm : in.schedules) schedules.push_back(schedule_json(in, nm));
  j["schedules"] = std::move(schedules);
  return j;
}

}  // namespace bf::cli
