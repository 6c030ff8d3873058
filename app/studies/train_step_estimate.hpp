#pragma once
// The arithmetic of `blockforge train-step`: one training step of a network
// on a flexblock.array, per mode schedule, against an fp32 MAC array of the
// same area. The command measures the inputs (train_step_cmd.cpp); this
// file only combines them, so that the combination is tested on its own.
//
// FlexBlock, per schedule and pass (the pass's mode pair is the schedule's):
//   cycles  = the mapping model's cycles of every layer's GEMMs in that pass
//             (mapping_network.hpp; equal to the RTL's cycle count)
//   energy  = cycles * the array's energy per cycle in that mode pair, as
//             measured by gate-level simulation of the array streaming a
//             GEMM in that pair (the flexblock.array workload of that name)
// Every cycle is charged a full busy cycle, idle slots included (tile edges,
// short segments, drains): an upper bound on the array's energy, never a
// flattering one.
//
// The fp32 baseline: as many fp32 MAC PEs (baseline.fp32_mac) as fit in the
// array's area, floor(array area / PE area), each doing its measured MACs
// per cycle on every cycle:
//   cycles  = ceil(MACs / (PEs * MACs per PE-cycle))   (100% utilization)
//   energy  = MACs * the PE's energy per MAC on Gaussian operands
// An ideal baseline: no tile edges, no drains, no idle PEs, so it is faster
// and cheaper than any real mapping of it; the ratios below are therefore
// the least FlexBlock can claim against it on this core-only comparison
// (neither side counts buffers, DRAM or the BFP converter).
//
// Both are at one clock: the speedup is a cycle ratio. Each design's own
// fmax is reported by `blockforge timing`, not folded in here.

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "golden/flexblock/mapping_network.hpp"

namespace bf::cli {

// The array's measured energy per cycle in one mode pair.
struct ModePairEnergy {
  double pj_per_cycle = 0;
};

struct Fp32Baseline {
  std::string top;  // the PE design's name
  double pe_area_um2 = 0;
  double pj_per_mac = 0;
  double macs_per_cycle = 1;  // per PE
};

struct PassEstimate {
  golden::flexblock::Pass pass{};
  std::string modes;  // "8x16"
  int64_t cycles = 0;
  int64_t macs = 0;
  double utilization = 0;
  double pj_per_cycle = 0;
  double energy_pj = 0;
};

struct ScheduleEstimate {
  std::string name;  // the schedule as given
  std::string spec;  // its explicit form
  std::vector<PassEstimate> passes;
  int64_t cycles = 0;
  double energy_pj = 0;
};

struct BaselineEstimate {
  int64_t pes = 0;
  int64_t cycles = 0;
  double energy_pj = 0;
};

struct TrainStepEstimate {
  double array_area_um2 = 0;
  int64_t macs = 0;  // the step's useful MACs (every schedule computes the same)
  std::vector<ScheduleEstimate> schedules;
  Fp32Baseline baseline_pe;
  BaselineEstimate baseline;
};

// `energy` maps mode pairs' names (golden::flexblock::mode_pair_name, the
// names of the array's workloads) to measurements; a schedule's
// pair missing from it, a baseline PE larger than the array or empty figures
// throw std::invalid_argument (a caller's bug: the command measures what
// the schedules need).
TrainStepEstimate estimate_train_step(const std::vector<golden::flexblock::NetworkMapping>& maps,
                                      double array_area_um2,
                                      const std::map<std::string, ModePairEnergy>& energy,
                                      const Fp32Baseline& baseline);

// The published claim the report quotes (FlexBlock against other training
// accelerators, whole chips): 1.5-5.3x faster, 2.4-7.0x less energy.
inline constexpr double kClaimSpeedupLow = 1.5, kClaimSpeedupHigh = 5.3;
inline constexpr double kClaimEnergyLow = 2.4, kClaimEnergyHigh = 7.0;

struct TrainStepContext {
  std::string network;
  int64_t batch = 0;
  std::string array_name;
  int rows = 0, cols = 0;
  std::string library;
  std::size_t vectors = 0;   // per measurement
  std::string energy_array;  // "name (r x c)": the array simulated for energy
  double energy_scale = 1;   // its energy per cycle x this = the mapped array's
};

std::string train_step_text(const TrainStepEstimate& e, const TrainStepContext& c);
nlohmann::ordered_json train_step_json(const TrainStepEstimate& e, const TrainStepContext& c);

}  // namespace bf::cli
