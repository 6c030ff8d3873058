#pragma once
// flexblock.array's ports as the verification flow sees them, and the
// conversion between port values and the golden beats and outputs.

#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/flexblock_array/flexblock_array.hpp"

namespace bf::flexblock_array {

std::vector<PortSpec> input_ports(const golden::FlexblockArrayParams& p);
std::vector<PortSpec> output_ports(const golden::FlexblockArrayParams& p);
PortValues to_ports(const golden::FlexblockArrayParams& p, const golden::FlexblockArrayBeat& b);
golden::FlexblockArrayBeat from_ports(const golden::FlexblockArrayParams& p, const PortValues& in);
PortValues to_ports(const golden::FlexblockArrayParams& p, const golden::FlexblockArrayOutput& out);
golden::FlexblockArrayOutput outputs_from_ports(const golden::FlexblockArrayParams& p,
                                                const PortValues& out);

}  // namespace bf::flexblock_array
