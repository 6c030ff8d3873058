// `blockforge map CONFIG --network NAME|FILE [--batch B] [--schedule S]...
//                  [--layers conv|all] [--json]`:
// FlexBlock's mapping model. The training step of a network (forward, data
// gradient and weight gradient GEMMs of every layer) on the flexblock.array
// that CONFIG describes, under one or more mode schedules: cycles and
// utilization per layer and pass, the slots lost and why, and the totals.
// The model and how it differs from SCALE-Sim: golden/flexblock/mapping.hpp.
//
// CONFIG is read here, not through the unit table: the model needs only the
// array's parameters (rows, cols, max_segment); app/studies/flexblock_inputs
// reads them and finds the networks.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "app/cli/cli.hpp"
#include "app/studies/flexblock_inputs.hpp"
#include "app/studies/map_report.hpp"
#include "golden/flexblock/mapping_network.hpp"

namespace bf::cli {

namespace {

namespace fb = golden::flexblock;

struct MapOptions {
  std::string config;
  std::string network;
  int64_t batch = 128;
  std::vector<std::string> schedules;
  std::string layers = "all";
  bool json = false;
};

int run_map(const MapOptions& o) {
  if (o.layers != "all" && o.layers != "conv")
    throw std::invalid_argument(
        fmt::format("--layers '{}': expected all or conv (conv and dwconv layers)", o.layers));
  MappedNetwork m =
      map_request({o.config, o.network, o.batch, o.schedules, {"all16", "all8", "all4"}});
  MapReportInput in;
  in.config = o.config;
  in.array = m.array;
  in.array_name = m.array_name;
  in.network = m.network;
  in.network_path = m.network_path;
  in.net = &m.net;
  in.conv_only = o.layers == "conv";
  in.schedules = std::move(m.maps);
  if (o.json)
    std::cout << map_report_json(in).dump(2) << "\n";
  else
    std::cout << map_report_text(in);
  return 0;
}

}  // namespace

void add_map_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "map",
      "FlexBlock mapping model: cycles and utilization of a network's training GEMMs (forward, "
      "data gradient, weight gradient) on a flexblock.array under mode schedules, per layer and "
      "pass, with the slots lost and why");
  auto o = std::make_shared<MapOptions>();
  cmd->add_option("config", o->config, "design file of the array (unit = \"flexblock.array\")")
      ->required();
  cmd->add_option("--network", o->network,
                  "resnet18-cifar, mobilenetv2 (shipped, configs/networks/) or the path of a layer "
                  "table (CSV: name,type,cin,cout,k,stride,pad,h,w)")
      ->required();
  cmd->add_option("--batch", o->batch, "images per training step (default 128)");
  cmd->add_option("--schedule", o->schedules,
                  "modes per pass, repeatable: all16, all8, all4, mixed (fwd 8x8, dgrad 8x16, "
                  "wgrad 16x8; an assumption, see golden/flexblock/mapping_schedule.hpp) or "
                  "fwd=AxB,dgrad=AxB,wgrad=AxB (A, B in 4, 8, 16; default: all16, all8, all4)");
  cmd->add_option("--layers", o->layers,
                  "layers listed per layer: all (default) or conv (conv and dwconv); the totals "
                  "always show both");
  cmd->add_flag("--json", o->json, "print JSON");
  cmd->callback([o, &exit_code] {
    try {
      exit_code = run_map(*o);
    } catch (const std::exception& e) {
      exit_code = fail("map", e.what());
    }
  });
}

}  // namespace bf::cli
