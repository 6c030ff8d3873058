// baseline.mx_dot: opal.pe's engine without the outlier path (MXINT
// activations), registered as its own unit; the Design and the generator are
// opal.pe's (generator/units/opal_pe/), so the comparison is fair.
#include "generator/units/opal_pe/opal_pe_design.hpp"
#include "golden/units/baseline_mx_dot/baseline_mx_dot.hpp"

namespace bf::baseline_mx_dot {
namespace {

using opal_pe::act_bits_name;
using opal_pe::PeDesign;

const UnitRegistration kMxDot(make_unit<golden::MxDotParams>(
    "baseline.mx_dot",
    "MXINT (no outliers) block x int weights: opal.pe's engine without the outlier path",
    [](const golden::MxDotParams& p, std::string top) {
      return std::make_unique<PeDesign<golden::MxDotParams>>("baseline.mx_dot", p, std::move(top));
    },
    [](const golden::MxDotParams& p) {
      return fmt::format("baseline_mx_dot_k{}_a{}_w{}_l{}", p.block, act_bits_name(p.act_bits),
                         p.weight_bits, p.lanes);
    },
    {"block = 32\nlanes = 32\nact_bits = [3, 5]\nweight_bits = 4",
     "block = 64\nlanes = 4\nact_bits = [7]\nact_encoding = \"twos_complement\"\nweight_bits = "
     "2"}));

}  // namespace
}  // namespace bf::baseline_mx_dot
