#pragma once
// flexblock.pe's ports as the verification flow sees them, and the
// conversion between port values and golden::FlexblockPeBeat.

#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/flexblock_pe/flexblock_pe.hpp"

namespace bf::flexblock_pe {

std::vector<PortSpec> input_ports(const golden::FlexblockPeConfig& c);
std::vector<PortSpec> output_ports();
PortValues to_ports(const golden::FlexblockPeConfig& c, const golden::FlexblockPeBeat& b);
golden::FlexblockPeBeat from_ports(const golden::FlexblockPeConfig& c, const PortValues& in);
PortValues to_ports(const golden::FlexblockPeOutput& out);

}  // namespace bf::flexblock_pe
