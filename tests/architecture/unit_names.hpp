#pragma once
// One unit, one name: a unit registered as "a.b" has the stem a_b, and that
// stem names its folder in every layer (golden/units/, generator/units/,
// tests/units/), starts the file name of each of its shipped configs (whose
// `name` is the file stem, so rtl_out/<file stem>/ holds its Verilog), and no
// unit folder exists without a unit.

#include <string>
#include <vector>

namespace bf::arch {

// "quant.block" -> "quant_block".
std::string unit_stem(const std::string& unit_name);

// Every break of the rule under `root` for the registered `unit_names`, one
// message each, naming the path and what to rename or add.
std::vector<std::string> check_unit_names(const std::string& root,
                                          const std::vector<std::string>& unit_names);

}  // namespace bf::arch
