#pragma once
// What `blockforge map` prints: the per-layer table and the totals of each
// schedule as text, or the same data as JSON (app/studies/map_cmd.cpp reads
// the inputs; golden/flexblock/mapping_network.hpp computes).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "golden/flexblock/mapping_network.hpp"

namespace bf::cli {

struct MapReportInput {
  std::string config;      // the design file, as given
  std::string array_name;  // its name (or the unit's stem)
  golden::FlexblockArrayParams array;
  std::string network;       // as resolved: a shipped name or the table's stem
  std::string network_path;  // the table read
  const golden::flexblock::Network* net = nullptr;
  bool conv_only = false;  // --layers conv: the table lists conv and dwconv layers only
  std::vector<golden::flexblock::NetworkMapping> schedules;
};

// A layer-pass below this utilization has its biggest loss named.
inline constexpr double kExplainBelow = 0.80;

std::string map_report_text(const MapReportInput& in);
nlohmann::ordered_json map_report_json(const MapReportInput& in);

}  // namespace bf::cli
