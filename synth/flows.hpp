#pragma once
// The two area flows behind run_area() (area.hpp). Both get absolute,
// checked paths and an existing, cleaned work directory.

#include <filesystem>
#include <string>
#include <vector>

#include "synth/area.hpp"

namespace bf::synth {

// Files the flows write into a work directory; the names are fixed by the
// scripts (area.ys, area_module.ys), which write the reports under them.
inline constexpr const char* kLibertyFile = "cells.lib";
inline constexpr const char* kGenericStat = "generic_stat.json";
inline constexpr const char* kLtp = "ltp.txt";
inline constexpr const char* kAreaStatJson = "area_stat.json";
inline constexpr const char* kAreaStatText = "area_stat.txt";

// synth/area.ys: the whole design flattened in one Yosys run.
AreaReport run_flat_area(const std::vector<std::string>& files, const std::string& top,
                         const std::filesystem::path& work, const AreaOptions& options);

// Per unique module (synth/area_module.ys), cached, summed over the instance
// tree; depth from the stitched generic netlists.
AreaReport run_hierarchical_area(const std::vector<std::string>& files, const std::string& top,
                                 const std::filesystem::path& work, const AreaOptions& options);

}  // namespace bf::synth
