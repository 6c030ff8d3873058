#pragma once
// The two area flows behind run_area() (area.hpp). Both get absolute,
// checked paths and an existing, cleaned work directory.

#include <filesystem>
#include <string>
#include <vector>

#include "synth/area.hpp"

namespace bf::synth {

// synth/area.ys: the whole design flattened in one Yosys run.
AreaReport run_flat_area(const std::vector<std::string>& files, const std::string& top,
                         const std::filesystem::path& work, const AreaOptions& options);

// Per unique module (synth/area_module.ys), cached, summed over the instance
// tree; depth from the stitched generic netlists.
AreaReport run_hierarchical_area(const std::vector<std::string>& files, const std::string& top,
                                 const std::filesystem::path& work, const AreaOptions& options);

}  // namespace bf::synth
