// flexblock.pe: its registration; the Design is flexblock_pe_design.hpp.
#include "generator/units/flexblock_pe/flexblock_pe_design.hpp"

namespace bf::flexblock_pe {
namespace {

const UnitRegistration kFlexblockPe(make_unit<golden::FlexblockPeParams>(
    "flexblock.pe",
    "FlexBlock PE: multi-mode BFP multiply-accumulate (16/8/4-bit mantissas per operand, "
    "1:4:16 MACs per beat), exact segment sums, fp32 accumulation",
    [](const golden::FlexblockPeParams& p, std::string top) {
      return std::make_unique<PeDesign<golden::FlexblockPeParams>>("flexblock.pe", p,
                                                                   std::move(top));
    },
    [](const golden::FlexblockPeParams& p) {
      return fmt::format("flexblock_pe_s{}", p.max_segment);
    },
    {"max_segment = 1"}));

}  // namespace
}  // namespace bf::flexblock_pe
