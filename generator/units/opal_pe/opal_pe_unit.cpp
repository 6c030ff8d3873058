// opal.pe: its registration; the Design is opal_pe_design.hpp.
#include "generator/units/opal_pe/opal_pe_design.hpp"
#include "golden/units/opal_pe/opal_pe.hpp"

namespace bf::opal_pe {
namespace {

const UnitRegistration kOpalPe(make_unit<golden::OpalPeParams>(
    "opal.pe",
    "OPAL PE: MX-OPAL block x int weights on INT lanes, bf16 outliers on fp_units FP paths, "
    "fp32 accumulation",
    [](const golden::OpalPeParams& p, std::string top) {
      return std::make_unique<PeDesign<golden::OpalPeParams>>("opal.pe", p, std::move(top));
    },
    [](const golden::OpalPeParams& p) {
      return fmt::format("opal_pe_k{}_n{}_a{}_w{}_l{}", p.block, p.outliers,
                         act_bits_name(p.act_bits), p.weight_bits, p.lanes);
    },
    {"block = 32\nlanes = 4\noutliers = 3\nact_bits = [3, 5]\nweight_bits = 4",
     "block = 32\nlanes = 8\noutliers = 2\nact_bits = [2, 4, 8]\nact_encoding = "
     "\"twos_complement\"\nweight_bits = 3",
     "block = 48\nlanes = 16\noutliers = 1\nact_bits = [5]\nweight_bits = 8",
     "block = 32\nlanes = 16\noutliers = 4\nact_bits = [3, 5]\nweight_bits = 4\nfp_units = 3",
     "block = 32\nlanes = 8\noutliers = 5\nact_bits = [4]\nweight_bits = 4\nfp_units = 2",
     "block = 32\nlanes = 32\noutliers = 2\nact_bits = [3]\nweight_bits = 4\nfp_units = 3"}));

}  // namespace
}  // namespace bf::opal_pe
