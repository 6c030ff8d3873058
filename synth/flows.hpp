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
// The hierarchical flow's whole-design gate-level netlist.
inline constexpr const char* kDesignNetlist = "netlist.v";

struct MappingLibrary;

// The report's library fields (liberty, liberty_name, nand2 area, clock,
// dont_use) from the library a flow mapped onto.
void set_library_fields(AreaReport& report, const MappingLibrary& lib, const AreaOptions& options);

// synth/area.ys: the whole design flattened in one Yosys run.
AreaReport run_flat_area(const std::vector<std::string>& files, const std::string& top,
                         const std::filesystem::path& work, const AreaOptions& options);

// Per unique module (synth/area_module.ys), cached, summed over the instance
// tree; depth from the stitched generic netlists.
AreaReport run_hierarchical_area(const std::vector<std::string>& files, const std::string& top,
                                 const std::filesystem::path& work, const AreaOptions& options);

}  // namespace bf::synth
