#pragma once
// A network's training step on a flexblock.array under one mode schedule:
// every layer's three GEMMs mapped (mapping_layer.hpp, mapping.hpp), and the
// totals a user compares schedules and arrays by.
//
// Per pass and over a set of layers (all, conv = conv + dwconv, dwconv):
//   cycles               the sum over the layers (layers run one after another)
//   weighted utilization total useful products / total slot capacity, i.e.
//                        the MAC-weighted mean: what the array achieves
//   mean utilization     the plain mean of the layers' utilizations: every
//                        layer counts once, so small poorly mapped layers show
// "step" is the three passes together. The first layer's data gradient is
// not computed (nothing consumes dX of the input image): it is marked
// skipped and counts nowhere.
//
// A pass of several GEMMs (a depthwise layer's channels, a strided data
// gradient's phases) runs them one after another, each paying its own drain:
// the contract charges the drain once per GEMM and says nothing of one
// GEMM's tiles following another's without it. At cols = 8 that is 8 cycles
// per GEMM: at most 1% of a shipped layer's pass (block14.dw's weight
// gradient in 4x4, 836 cycles per channel).

#include <array>
#include <cstdint>
#include <vector>

#include "golden/flexblock/mapping.hpp"
#include "golden/flexblock/mapping_layer.hpp"
#include "golden/flexblock/mapping_schedule.hpp"
#include "golden/flexblock/network.hpp"

namespace bf::golden::flexblock {

struct MappedJob {
  GemmJob job;
  GemmMapping mapping;  // one of job.count identical GEMMs
};

struct PassMapping {
  bool skipped = false;
  std::vector<MappedJob> jobs;
  int64_t cycles = 0;  // every job, count times
  SlotUse slots;       // likewise
  double utilization() const { return slots.utilization(); }
};

struct LayerMapping {
  Layer layer;
  std::array<PassMapping, kPasses.size()> pass;
  const PassMapping& of(Pass p) const { return pass[static_cast<std::size_t>(p)]; }
};

struct Aggregate {
  int layers = 0;  // layers counted (a skipped pass is not)
  int64_t cycles = 0;
  SlotUse slots;
  double utilization_sum = 0;  // of the layers' utilizations, for the mean

  double weighted_utilization() const { return slots.utilization(); }
  double mean_utilization() const { return layers == 0 ? 0.0 : utilization_sum / layers; }
  void add(int64_t cycles, const SlotUse& slots);
};

// The per-pass aggregates of a set of layers, and the whole step.
struct Totals {
  std::array<Aggregate, kPasses.size()> pass;
  Aggregate step;
  const Aggregate& of(Pass p) const { return pass[static_cast<std::size_t>(p)]; }
};

enum class LayerSet : uint8_t { All, Conv, Depthwise };
inline constexpr std::array<LayerSet, 3> kLayerSets{LayerSet::All, LayerSet::Conv,
                                                    LayerSet::Depthwise};
std::string_view layer_set_name(LayerSet s);  // "all", "conv", "dwconv"
bool in_set(const Layer& l, LayerSet s);

struct NetworkMapping {
  Schedule schedule;
  int64_t batch = 0;
  std::vector<LayerMapping> layers;
  std::array<Totals, kLayerSets.size()> totals;
  const Totals& of(LayerSet s) const { return totals[static_cast<std::size_t>(s)]; }
};

// Throws what map_gemm throws (a segment past max_segment, a GEMM too large).
NetworkMapping map_network(const Network& net, const Schedule& schedule, int64_t batch,
                           const FlexblockArrayParams& array);

}  // namespace bf::golden::flexblock
