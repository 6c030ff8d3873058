#pragma once
// opal.pe / baseline.mx_dot ports as data: the port list with decoded fields,
// and the conversion between a beat (golden::OpalPeBeat) and port values.

#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/opal_pe/opal_pe.hpp"

namespace bf::opal_pe {

// In port order: [mode_i], last_i, codes_i, w_i, scale_i, [oidx_i, oval_i], wscale_i.
std::vector<PortSpec> input_ports(const golden::OpalPeConfig& c);
// done_o, y_o.
std::vector<PortSpec> output_ports();

PortValues to_ports(const golden::OpalPeConfig& c, const golden::OpalPeBeat& beat);
golden::OpalPeBeat from_ports(const golden::OpalPeConfig& c, const PortValues& in);
PortValues to_ports(const golden::OpalPeOutput& out);

}  // namespace bf::opal_pe
