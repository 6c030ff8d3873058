#pragma once
// An independent check of generated Verilog text (it shares no code with
// the writer's own check): every name is declared before its first use, as
// IEEE 1364 requires. A small lexer, enough for the Verilog-2005 subset the
// generator writes: ports, wire/reg/genvar/localparam declarations (with
// ranges, unpacked dimensions and initializers), instances, generate loops.

#include <string>
#include <vector>

namespace bf::testing {

// One "line N: 'name' used before its declaration" per violation.
std::vector<std::string> use_before_declaration(const std::string& verilog);

}  // namespace bf::testing
