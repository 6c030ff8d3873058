// FlexBlock's mapping model: GEMM cycles and slot losses worked out by hand
// from the array's timing contract, the training GEMMs of each layer type,
// the sub-pixel data gradient, the schedules and the network totals.
#include "golden/flexblock/mapping.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "golden/flexblock/mapping_layer.hpp"
#include "golden/flexblock/mapping_network.hpp"
#include "golden/flexblock/mapping_schedule.hpp"

namespace bf::golden::flexblock {
namespace {

FlexblockArrayParams array8x8() { return {}; }  // 8 x 8, max_segment 216

int64_t capacity_of(const GemmMapping& g, const FlexblockArrayParams& a) {
  return g.cycles * a.rows * a.cols * g.products_per_beat;
}

int64_t macs(const std::vector<GemmJob>& jobs) {
  int64_t s = 0;
  for (const auto& j : jobs) s += j.shape.macs() * j.count;
  return s;
}

Layer conv(int cin, int cout, int k, int stride, int pad, int hw) {
  Layer l;
  l.name = "l";
  l.type = LayerType::Conv;
  l.cin = cin;
  l.cout = cout;
  l.k = k;
  l.stride = stride;
  l.pad = pad;
  l.h = l.w = hw;
  return l;
}

TEST(MappingGemm, DrainIsOneColumnPerBeat) {
  // The last tile's drain chains hand the edge units one column per beat.
  EXPECT_EQ(array_drain_cycles(array8x8()), 8);
  EXPECT_EQ(array_drain_cycles({4, 12, 216}), 12);
}

TEST(MappingGemm, TileEdgeAlongM) {
  // 16x16: P = 1, groups 54/54. M = 10 on 8 rows: 2 tile rows, the second
  // with 6 idle PE rows. K = 54: one segment of 54 beats (>= cols).
  const auto g = map_gemm({10, 8, 54}, GemmPrecision::of(Mode::M16, Mode::M16), array8x8());
  EXPECT_EQ(g.products_per_beat, 1);
  EXPECT_EQ(g.tiles_m, 2);
  EXPECT_EQ(g.tiles_n, 1);
  EXPECT_EQ(g.segments, 1);
  EXPECT_EQ(g.tile_beats, 54);
  EXPECT_EQ(g.cycles, 2 * 54 + 8);
  EXPECT_EQ(g.slots.useful, 10 * 8 * 54);
  EXPECT_EQ(g.slots[Loss::EdgeM], (16 - 10) * 8 * 54);
  EXPECT_EQ(g.slots[Loss::EdgeN], 0);
  EXPECT_EQ(g.slots[Loss::ShortSegment], 0);
  EXPECT_EQ(g.slots[Loss::LanePadding], 0);
  EXPECT_EQ(g.slots[Loss::Drain], 8 * 64);
  EXPECT_EQ(g.slots.capacity(), capacity_of(g, array8x8()));
  EXPECT_EQ(g.slots.biggest_loss(), Loss::EdgeM);
  EXPECT_DOUBLE_EQ(g.utilization(), 4320.0 / (116 * 64));
}

TEST(MappingGemm, TileEdgeAlongNCountsOnlyRealRows) {
  // M = 8, N = 9: two tile columns, the second with 7 idle PE columns.
  const auto g = map_gemm({8, 9, 54}, GemmPrecision::of(Mode::M16, Mode::M16), array8x8());
  EXPECT_EQ(g.cycles, 2 * 54 + 8);
  EXPECT_EQ(g.slots[Loss::EdgeM], 0);
  EXPECT_EQ(g.slots[Loss::EdgeN], 8 * 7 * 54);
  EXPECT_EQ(g.slots.capacity(), capacity_of(g, array8x8()));
}

TEST(MappingGemm, ShortSegmentPaddedToColsBeats) {
  // 4x4: P = 16, groups 216. K = 27: one segment of ceil(27/16) = 2 beats,
  // padded to 8 (the row edge unit takes one PE's sum per cycle); the last
  // beat holds 11 of 16 products.
  const auto g = map_gemm({8, 8, 27}, GemmPrecision::of(Mode::M4, Mode::M4), array8x8());
  EXPECT_EQ(g.products_per_beat, 16);
  EXPECT_EQ(g.data_beats, 2);
  EXPECT_EQ(g.tile_beats, 8);
  EXPECT_EQ(g.cycles, 8 + 8);
  EXPECT_EQ(g.slots.useful, 64 * 27);
  EXPECT_EQ(g.slots[Loss::ShortSegment], 64 * (8 - 2) * 16);
  EXPECT_EQ(g.slots[Loss::LanePadding], 64 * (32 - 27));
  EXPECT_EQ(g.slots[Loss::Drain], 8 * 64 * 16);
  EXPECT_EQ(g.slots.capacity(), 16 * 64 * 16);
  EXPECT_EQ(g.slots.biggest_loss(), Loss::Drain);
}

TEST(MappingGemm, MixedGroupSegmentation) {
  // 16x8: P = 2. Groups 54 (A) and 80 (B) cut K = 200 at 54, 80, 108, 160,
  // 162: segments 54, 26, 28, 52, 2, 38 -> beats 27, 13, 14, 26, 1, 19
  // (100), the 1-beat segment padded to 8 -> 107 beats per tile.
  const GemmPrecision p{Mode::M16, Mode::M8, 54, 80};
  EXPECT_EQ(segment_lengths(200, 54, 80), (std::vector<int>{54, 26, 28, 52, 2, 38}));
  const auto g = map_gemm({8, 16, 200}, p, array8x8());
  EXPECT_EQ(g.products_per_beat, 2);
  EXPECT_EQ(g.segments, 6);
  EXPECT_EQ(g.longest_segment, 54);
  EXPECT_EQ(g.data_beats, 100);
  EXPECT_EQ(g.tile_beats, 107);
  EXPECT_EQ(g.tiles(), 2);
  EXPECT_EQ(g.cycles, 2 * 107 + 8);
  EXPECT_EQ(g.slots[Loss::ShortSegment], 128 * 7 * 2);
  EXPECT_EQ(g.slots[Loss::LanePadding], 0);
  EXPECT_EQ(g.slots.capacity(), capacity_of(g, array8x8()));
}

TEST(MappingGemm, LongKMatchesSegmentBySegment) {
  // The periodic shortcut (whole lcm(ga, gb) periods) against the contract's
  // sum over every segment.
  const FlexblockArrayParams a{4, 12, 216};
  for (const GemmPrecision p :
       {GemmPrecision{Mode::M16, Mode::M8, 54, 80}, GemmPrecision::of(Mode::M4, Mode::M8),
        GemmPrecision{Mode::M8, Mode::M4, 7, 3}}) {
    for (const int k : {1, 53, 216, 4321, 100003}) {
      int64_t beats = 0, data = 0;
      for (const int len : segment_lengths(k, p.group_a, p.group_b)) {
        data += segment_beats(len, p.a, p.b);
        beats += std::max(segment_beats(len, p.a, p.b), a.cols);
      }
      const auto g = map_gemm({5, 30, k}, p, a);
      EXPECT_EQ(g.tile_beats, beats) << p.text() << " k=" << k;
      EXPECT_EQ(g.data_beats, data) << p.text() << " k=" << k;
      EXPECT_EQ(g.cycles, 2 * 3 * beats + array_drain_cycles(a));
      EXPECT_EQ(g.slots.capacity(), capacity_of(g, a));
    }
  }
}

TEST(MappingGemm, SegmentsPastMaxSegmentAreRefused) {
  FlexblockArrayParams a;
  a.max_segment = 100;
  // 8x8 groups of 108 would wrap a 100-product accumulator; 16x16 groups
  // of 54 fit, and so does a K shorter than max_segment in any mode.
  EXPECT_THROW(map_gemm({8, 8, 500}, GemmPrecision::of(Mode::M8, Mode::M8), a),
               std::invalid_argument);
  EXPECT_NO_THROW(map_gemm({8, 8, 500}, GemmPrecision::of(Mode::M16, Mode::M16), a));
  EXPECT_NO_THROW(map_gemm({8, 8, 100}, GemmPrecision::of(Mode::M4, Mode::M4), a));
}

TEST(MappingGemm, BadShapesAndHugeGemmsThrow) {
  const auto p = GemmPrecision::of(Mode::M16, Mode::M16);
  EXPECT_THROW(map_gemm({0, 8, 8}, p, array8x8()), std::invalid_argument);
  EXPECT_THROW(map_gemm({8, 8, 8}, GemmPrecision{Mode::M16, Mode::M16, 0, 54}, array8x8()),
               std::invalid_argument);
  EXPECT_THROW(map_gemm({int64_t{1} << 40, int64_t{1} << 40, 64}, p, array8x8()),
               std::overflow_error);
}

TEST(MappingLayer, ConvPassesHaveEqualMacsAtStrideOne) {
  const Layer l = conv(64, 128, 3, 1, 1, 32);
  const auto fwd = layer_gemms(l, Pass::Forward, 2);
  const auto dgrad = layer_gemms(l, Pass::DataGrad, 2);
  const auto wgrad = layer_gemms(l, Pass::WeightGrad, 2);
  ASSERT_EQ(fwd.size(), 1u);
  ASSERT_EQ(dgrad.size(), 1u);
  ASSERT_EQ(wgrad.size(), 1u);
  EXPECT_EQ(fwd[0].shape, (GemmShape{128, 2 * 32 * 32, 64 * 9}));
  EXPECT_EQ(dgrad[0].shape, (GemmShape{64, 2 * 32 * 32, 128 * 9}));
  EXPECT_EQ(wgrad[0].shape, (GemmShape{128, 64 * 9, 2 * 32 * 32}));
  EXPECT_EQ(macs(fwd), macs(dgrad));
  EXPECT_EQ(macs(fwd), macs(wgrad));
  // Pointwise: the same rules with k = 1.
  const Layer pw = conv(32, 16, 1, 1, 0, 112);
  EXPECT_EQ(layer_gemms(pw, Pass::Forward, 4)[0].shape, (GemmShape{16, 4 * 112 * 112, 32}));
  EXPECT_EQ(macs(layer_gemms(pw, Pass::DataGrad, 4)), macs(layer_gemms(pw, Pass::Forward, 4)));
}

TEST(MappingLayer, PhaseTapsAndPositions) {
  // 3x3 stride 2: phase 0 meets taps 0 and 2, phase 1 tap 1.
  EXPECT_EQ(phase_taps(3, 2, 0), 2);
  EXPECT_EQ(phase_taps(3, 2, 1), 1);
  // 1x1 stride 2: phase 1 meets no tap.
  EXPECT_EQ(phase_taps(1, 2, 0), 1);
  EXPECT_EQ(phase_taps(1, 2, 1), 0);
  EXPECT_EQ(phase_taps(3, 1, 0), 3);
  // pad 1: (y + 1) mod 2 == 0 for odd y (16 of 32), == 1 for even y.
  EXPECT_EQ(phase_positions(32, 2, 1, 0), 16);
  EXPECT_EQ(phase_positions(32, 2, 1, 1), 16);
  // Odd size: y in 0..6, pad 1: odd y (1, 3, 5) are phase 0, even y phase 1.
  EXPECT_EQ(phase_positions(7, 2, 1, 0), 3);
  EXPECT_EQ(phase_positions(7, 2, 1, 1), 4);
  EXPECT_EQ(phase_positions(32, 1, 1, 0), 32);
}

TEST(MappingLayer, StrideTwoDataGradientPhasesSumToTheForwardMacs) {
  // 3x3 s2 p1, 64 -> 128 on 32x32 (Ho = 16): four phases of 16x16
  // positions with 2x2, 2x1, 1x2, 1x1 taps.
  const Layer l = conv(64, 128, 3, 2, 1, 32);
  const auto d = layer_gemms(l, Pass::DataGrad, 8);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0].shape, (GemmShape{64, 8 * 16 * 16, 128 * 4}));
  EXPECT_EQ(d[1].shape, (GemmShape{64, 8 * 16 * 16, 128 * 2}));
  EXPECT_EQ(d[2].shape, (GemmShape{64, 8 * 16 * 16, 128 * 2}));
  EXPECT_EQ(d[3].shape, (GemmShape{64, 8 * 16 * 16, 128 * 1}));
  EXPECT_EQ(d[3].what, "phase (1, 1)");
  EXPECT_EQ(macs(d), macs(layer_gemms(l, Pass::Forward, 8)));
  EXPECT_EQ(macs(layer_gemms(l, Pass::WeightGrad, 8)), macs(layer_gemms(l, Pass::Forward, 8)));
  // 1x1 s2 shortcut: only phase (0, 0) has a tap.
  const Layer sc = conv(64, 128, 1, 2, 0, 32);
  const auto ds = layer_gemms(sc, Pass::DataGrad, 8);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].shape, (GemmShape{64, 8 * 16 * 16, 128}));
  EXPECT_EQ(macs(ds), macs(layer_gemms(sc, Pass::Forward, 8)));
}

TEST(MappingLayer, DepthwiseIsOneGemmPerChannel) {
  Layer l = conv(32, 32, 3, 1, 1, 112);
  l.type = LayerType::Depthwise;
  const auto f = layer_gemms(l, Pass::Forward, 2);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].shape, (GemmShape{1, 2 * 112 * 112, 9}));
  EXPECT_EQ(f[0].count, 32);
  const auto w = layer_gemms(l, Pass::WeightGrad, 2);
  EXPECT_EQ(w[0].shape, (GemmShape{1, 9, 2 * 112 * 112}));
  EXPECT_EQ(w[0].count, 32);
  const auto d = layer_gemms(l, Pass::DataGrad, 2);
  EXPECT_EQ(d[0].shape, (GemmShape{1, 2 * 112 * 112, 9}));
  EXPECT_EQ(macs(d), macs(f));
  EXPECT_EQ(macs(w), macs(f));
  // Stride 2: four phases per channel.
  l.stride = 2;
  const auto d2 = layer_gemms(l, Pass::DataGrad, 2);
  ASSERT_EQ(d2.size(), 4u);
  EXPECT_EQ(d2[0].shape, (GemmShape{1, 2 * 56 * 56, 4}));
  EXPECT_EQ(d2[0].count, 32);
  EXPECT_EQ(macs(d2), macs(layer_gemms(l, Pass::Forward, 2)));
  // M = 1 leaves 7 of 8 PE rows idle: at most 1/8 of the slots are useful.
  const auto g = map_gemm(f[0].shape, GemmPrecision::of(Mode::M16, Mode::M16), array8x8());
  EXPECT_LT(g.utilization(), 1.0 / 8);
  EXPECT_EQ(g.slots.biggest_loss(), Loss::EdgeM);
}

TEST(MappingLayer, FullyConnected) {
  Layer l = conv(512, 10, 1, 1, 0, 1);
  l.type = LayerType::FullyConnected;
  EXPECT_EQ(layer_gemms(l, Pass::Forward, 128)[0].shape, (GemmShape{10, 128, 512}));
  EXPECT_EQ(layer_gemms(l, Pass::DataGrad, 128)[0].shape, (GemmShape{512, 128, 10}));
  EXPECT_EQ(layer_gemms(l, Pass::WeightGrad, 128)[0].shape, (GemmShape{10, 512, 128}));
}

TEST(MappingSchedule, PresetsAndExplicitForm) {
  const auto m = parse_schedule("mixed");
  EXPECT_EQ(m.spec(), "fwd=8x8,dgrad=8x16,wgrad=16x8");
  EXPECT_EQ(m.of(Pass::DataGrad).products_per_beat(), 2);
  EXPECT_EQ(m.of(Pass::DataGrad).group_a, 108);
  EXPECT_EQ(m.of(Pass::DataGrad).group_b, 54);
  EXPECT_EQ(parse_schedule("all4").spec(), "fwd=4x4,dgrad=4x4,wgrad=4x4");
  EXPECT_EQ(parse_schedule("all4").of(Pass::Forward).group_a, 216);
  EXPECT_EQ(parse_schedule("all16").of(Pass::WeightGrad).products_per_beat(), 1);
  const auto e = parse_schedule("wgrad=16x4,fwd=4x4,dgrad=4x16");
  EXPECT_EQ(e.name, "wgrad=16x4,fwd=4x4,dgrad=4x16");
  EXPECT_EQ(e.spec(), "fwd=4x4,dgrad=4x16,wgrad=16x4");
  EXPECT_EQ(e.of(Pass::WeightGrad).products_per_beat(), 4);
  EXPECT_EQ(schedule_presets().size(), 4u);
}

TEST(MappingSchedule, ErrorsSayWhatIsWrong) {
  const auto message = [](std::string_view s) {
    try {
      parse_schedule(s);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("all2").find("not a preset"), std::string::npos);
  EXPECT_NE(message("fwd=8x8").find("no mode pair for dgrad, wgrad"), std::string::npos);
  EXPECT_NE(message("fwd=8x8,dgrad=8x8,wgrad=8x2").find("'2' is not a mode"), std::string::npos);
  EXPECT_NE(message("fwd=8x8,fwd=8x8").find("given twice"), std::string::npos);
  EXPECT_NE(message("bwd=8x8").find("unknown pass 'bwd'"), std::string::npos);
  EXPECT_NE(message("fwd=8,dgrad=8x8,wgrad=8x8").find("'8' is not AxB"), std::string::npos);
  EXPECT_NE(message("fwd=8x8,").find("'' is not PASS=AxB"), std::string::npos);
  EXPECT_NE(message("x").find("fwd=AxB,dgrad=AxB,wgrad=AxB"), std::string::npos);
}

TEST(MappingNetwork, TotalsAndTheSkippedFirstDataGradient) {
  Network net;
  net.layers.push_back(conv(3, 64, 3, 1, 1, 32));
  net.layers[0].name = "conv1";
  Layer dw = conv(64, 64, 3, 1, 1, 32);
  dw.name = "dw";
  dw.type = LayerType::Depthwise;
  net.layers.push_back(dw);
  Layer fc = conv(64, 10, 1, 1, 0, 1);
  fc.name = "fc";
  fc.type = LayerType::FullyConnected;
  net.layers.push_back(fc);
  const auto nm = map_network(net, parse_schedule("all4"), 128, array8x8());
  ASSERT_EQ(nm.layers.size(), 3u);
  EXPECT_TRUE(nm.layers[0].of(Pass::DataGrad).skipped);
  EXPECT_FALSE(nm.layers[1].of(Pass::DataGrad).skipped);
  // conv1 forward by hand: M = 64, N = 131072, K = 27 in 4x4: 8 x 16384
  // tiles of 8 beats (2 of data, padded), plus the drain.
  const auto& c1 = nm.layers[0].of(Pass::Forward);
  EXPECT_EQ(c1.cycles, 8 * 16384 * 8 + 8);
  EXPECT_NEAR(c1.utilization(), 27.0 / 128, 1e-4);

  const Totals& all = nm.of(LayerSet::All);
  EXPECT_EQ(all.of(Pass::Forward).layers, 3);
  EXPECT_EQ(all.of(Pass::DataGrad).layers, 2);
  EXPECT_EQ(nm.of(LayerSet::Conv).of(Pass::Forward).layers, 2);
  EXPECT_EQ(nm.of(LayerSet::Depthwise).of(Pass::Forward).layers, 1);
  int64_t cycles = 0;
  SlotUse slots;
  double sum = 0;
  for (const auto& l : nm.layers) {
    cycles += l.of(Pass::WeightGrad).cycles;
    slots += l.of(Pass::WeightGrad).slots;
    sum += l.of(Pass::WeightGrad).utilization();
  }
  EXPECT_EQ(all.of(Pass::WeightGrad).cycles, cycles);
  EXPECT_DOUBLE_EQ(all.of(Pass::WeightGrad).weighted_utilization(), slots.utilization());
  EXPECT_DOUBLE_EQ(all.of(Pass::WeightGrad).mean_utilization(), sum / 3);
  EXPECT_EQ(all.step.cycles, all.of(Pass::Forward).cycles + all.of(Pass::DataGrad).cycles +
                                 all.of(Pass::WeightGrad).cycles);
  EXPECT_EQ(all.step.layers, 3);
}

TEST(MappingNetwork, MaxSegmentErrorNamesTheLayer) {
  Network net;
  net.layers.push_back(conv(64, 64, 3, 1, 1, 8));
  net.layers[0].name = "c";
  FlexblockArrayParams a;
  a.max_segment = 100;
  try {
    map_network(net, parse_schedule("all8"), 1, a);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("layer 'c' fwd"), std::string::npos) << m;
    EXPECT_NE(m.find("max_segment = 100"), std::string::npos) << m;
    EXPECT_NE(m.find("raise max_segment to 108"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace bf::golden::flexblock
