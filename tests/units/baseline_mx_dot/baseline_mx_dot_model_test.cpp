// baseline.mx_dot's parameters: opal.pe's engine with no outliers, so one
// FP term per block and every lane count that divides the block is legal;
// the engine's shared rules still apply.
#include <gtest/gtest.h>

#include "golden/units/baseline_mx_dot/baseline_mx_dot.hpp"

namespace bf::golden {
namespace {

TEST(MxDotParams, NoOutliersLetsEveryBeatCountThrough) {
  MxDotParams mx;
  mx.lanes = 64;
  mx.block = 64;
  EXPECT_NO_THROW(mx.validate());  // one beat per block: the one FP term fits
  EXPECT_EQ(mx.config().outliers, 0);
  EXPECT_EQ(mx.config().beats_per_block(), 1);
}

TEST(MxDotParams, SharedEngineRulesApply) {
  MxDotParams mx;
  mx.lanes = 12;
  try {
    mx.validate();
    FAIL() << "lanes = 12 accepted";
  } catch (const ParamError& e) {
    EXPECT_EQ(e.key(), "lanes");
  }
  mx = {};
  mx.act_encoding = "ones_complement";
  EXPECT_THROW(mx.validate(), ParamError);
}

}  // namespace
}  // namespace bf::golden
