#include "golden/flexblock/mapping_network.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace bf::golden::flexblock {

void Aggregate::add(int64_t c, const SlotUse& s) {
  ++layers;
  cycles += c;
  slots += s;
  utilization_sum += s.utilization();
}

std::string_view layer_set_name(LayerSet s) {
  switch (s) {
    case LayerSet::All:
      return "all";
    case LayerSet::Conv:
      return "conv";
    default:
      return "dwconv";
  }
}

bool in_set(const Layer& l, LayerSet s) {
  switch (s) {
    case LayerSet::All:
      return true;
    case LayerSet::Conv:
      return l.is_conv();
    default:
      return l.type == LayerType::Depthwise;
  }
}

NetworkMapping map_network(const Network& net, const Schedule& schedule, int64_t batch,
                           const FlexblockArrayParams& array) {
  NetworkMapping out;
  out.schedule = schedule;
  out.batch = batch;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& layer = net.layers[i];
    LayerMapping lm;
    lm.layer = layer;
    int64_t step_cycles = 0;
    SlotUse step_slots;
    for (const Pass p : kPasses) {
      PassMapping& pm = lm.pass[static_cast<std::size_t>(p)];
      if (i == 0 && p == Pass::DataGrad) {
        pm.skipped = true;
        continue;
      }
      for (const GemmJob& job : layer_gemms(layer, p, batch)) {
        GemmMapping g;
        try {
          g = map_gemm(job.shape, schedule.of(p), array);
        } catch (const std::invalid_argument& e) {
          throw std::invalid_argument(
              fmt::format("layer '{}' {}: {}", layer.name, pass_name(p), e.what()));
        }
        pm.cycles += g.cycles * job.count;
        pm.slots += g.slots.times(job.count);
        pm.jobs.push_back({job, g});
      }
      step_cycles += pm.cycles;
      step_slots += pm.slots;
      for (const LayerSet s : kLayerSets)
        if (in_set(layer, s))
          out.totals[static_cast<std::size_t>(s)].pass[static_cast<std::size_t>(p)].add(pm.cycles,
                                                                                        pm.slots);
    }
    for (const LayerSet s : kLayerSets)
      if (in_set(layer, s))
        out.totals[static_cast<std::size_t>(s)].step.add(step_cycles, step_slots);
    out.layers.push_back(std::move(lm));
  }
  return out;
}

}  // namespace bf::golden::flexblock
