// The BN traffic model (golden/lightnorm/bn_traffic.hpp): each scheme's bytes
// per pass follow from its storage widths and the dataflow the header
// states, computed here by hand for one layer.
#include "golden/lightnorm/bn_traffic.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bf::golden::lightnorm {
namespace {

const BnTrafficScheme& scheme(const std::vector<BnTrafficScheme>& all, const std::string& id) {
  for (const auto& s : all)
    if (s.id == id) return s;
  throw std::logic_error("no scheme " + id);
}

TEST(BnTraffic, StorageWidthsIncludeTheBfpHeader) {
  const auto all = bn_traffic_schemes();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].id, "fp32");
  EXPECT_DOUBLE_EQ(scheme(all, "fp32").x.bits_per_element(), 32.0);
  EXPECT_DOUBLE_EQ(scheme(all, "fp10").x.bits_per_element(), 10.0);
  // e5m4, g = 8, 5 bits, keep-max: sign, flag, max(5, 4) payload = 7 bits,
  // plus a 2 x 5-bit header per 8 elements.
  EXPECT_DOUBLE_EQ(scheme(all, "fp10_bfp_io").x.bits_per_element(), 7.0 + 10.0 / 8);
  EXPECT_EQ(scheme(all, "fp10_bfp_io").x.label(), "fp10_e5m4 BFP g8 5-bit keep-max");
  // e6m3 at 8 bits: 10 bits per element + 12 / 8: more than the plain fp10.
  EXPECT_DOUBLE_EQ(scheme(all, "fp10_bfp_all").g.bits_per_element(), 10.0 + 12.0 / 8);
  EXPECT_FALSE(scheme(all, "fp10_bfp_io").g.bfp.has_value());
}

TEST(BnTraffic, Fp32ReadsXTwiceForwardAndAgainTwiceBackward) {
  const BnLayerShape l{"bn", 2, 3, 4, 5};  // 120 elements, 3 channels
  const auto t = bn_layer_traffic(scheme(bn_traffic_schemes(), "fp32"), l, false);
  EXPECT_DOUBLE_EQ(t.forward.read, 2 * 120 * 4 + 3 * 8);    // x twice; gamma, beta
  EXPECT_DOUBLE_EQ(t.forward.write, 120 * 4 + 3 * 8);       // y; mean, inv_std
  EXPECT_DOUBLE_EQ(t.backward.read, 4 * 120 * 4 + 3 * 12);  // g, x twice; gamma, stats
  EXPECT_DOUBLE_EQ(t.backward.write, 120 * 4 + 3 * 8);      // dx; dgamma, dbeta
  const auto f = bn_layer_traffic(scheme(bn_traffic_schemes(), "fp32"), l, true);
  EXPECT_DOUBLE_EQ(t.forward.read - f.forward.read, 120 * 4);  // pass 1 reads nothing
  EXPECT_DOUBLE_EQ(t.backward.read - f.backward.read, 120 * 4);
  EXPECT_DOUBLE_EQ(t.forward.write, f.forward.write);
}

TEST(BnTraffic, LightnormKeepsXHatAndTheFlags) {
  const BnLayerShape l{"bn", 2, 8, 2, 2};  // 64 elements, 8 channels
  const auto t = bn_layer_traffic(scheme(bn_traffic_schemes(), "fp10_bfp_io"), l, false);
  const double x = 8.25, kept = 10 + 2;  // x_hat e5m4 + argmax/argmin flags
  EXPECT_DOUBLE_EQ(t.forward.read, 2 * 64 * x / 8 + 8 * (10 + 32) / 8.0);
  EXPECT_DOUBLE_EQ(t.forward.write, 64 * (x + kept) / 8 + 8 * 32 / 8.0);  // y, x_hat+flags; scale
  EXPECT_DOUBLE_EQ(t.backward.read, 64 * (2 * 10 + kept) / 8 + 8 * (10 + 32) / 8.0);
  EXPECT_DOUBLE_EQ(t.backward.write, 64 * 10 / 8.0 + 8 * (10 + 32) / 8.0);
}

TEST(BnTraffic, RefusesAnEmptyShape) {
  const auto s = bn_traffic_schemes()[0];
  EXPECT_THROW(bn_layer_traffic(s, {"bn", 0, 3, 4, 4}, false), std::invalid_argument);
  EXPECT_THROW(bn_layer_traffic(s, {"bn", 1, 3, -1, 4}, false), std::invalid_argument);
}

}  // namespace
}  // namespace bf::golden::lightnorm
