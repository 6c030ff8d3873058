#pragma once
// The first step of a hierarchical area run: one quick Yosys read of the
// whole design (synth/area_scan.ys) for what the per-module runs and their
// cache keys need to know, cached by the design's text.

#include <map>
#include <string>
#include <vector>

#include "synth/area_cache.hpp"
#include "synth/job_slots.hpp"
#include "synth/verilog_source.hpp"
#include "util/process.hpp"

namespace bf::synth {

struct DesignScan {
  // module -> child module -> instances inside one instance of the module
  // (generate loops elaborated). Every module of the inputs has an entry.
  std::map<std::string, std::map<std::string, long>> children;
  // module -> its port list as a black-box module text
  std::map<std::string, std::string> interfaces;
  bool cached = false;  // served from the cache
  double seconds = 0;   // Yosys time spent in this run
};

struct ScanContext {
  const AreaCache& cache;
  const util::ToolBudget& budget;
  JobSlots* slots = nullptr;  // optional cap on Yosys processes
};

// Scans `files` (whose modules are `sources`) in work_dir (created). Throws
// std::runtime_error with one line naming the place and the fix: a syntax
// error, an instance of a module no file defines, a module instanced with
// parameters (the hierarchical flow needs parameter-free modules).
DesignScan scan_design(const std::vector<std::string>& files,
                       const std::vector<ModuleSource>& sources, const std::string& work_dir,
                       const ScanContext& ctx);

// The modules under `top` (top included) in depth-first order, children by
// name, each once.
std::vector<std::string> modules_under(const DesignScan& scan, const std::string& top);

}  // namespace bf::synth
