#pragma once
// Human report of one mismatch: which vector, its inputs, and the output
// fields that differ, decoded with the ports' FieldSpecs.

#include <string>

#include "generator/design/design.hpp"
#include "tb/sim_run.hpp"
#include "tb/vectors.hpp"

namespace bf::tb {

// Several lines, each ending in '\n':
//   mismatch 1 at vector 17 (corner case "max exponent"), cycle 52
//     inputs:  a_i=0x.. b_i=0x..
//     prod_o.hi: expected 0x1f (decoded) actual 0x1e (decoded)
// Output ports without fields are reported whole; differing bits outside
// every field of a port are reported as the whole port too.
std::string describe_mismatch(const Design& design, const VectorSet& vectors,
                              const MismatchRecord& record, std::size_t ordinal);

}  // namespace bf::tb
