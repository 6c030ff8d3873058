#include "golden/flexblock/mapping.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace bf::golden::flexblock {

namespace {

int64_t mul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r))
    throw std::overflow_error("GEMM too large: its slot count does not fit in 64 bits");
  return r;
}

int64_t add(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r))
    throw std::overflow_error("GEMM too large: its slot count does not fit in 64 bits");
  return r;
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Larger groups could not run anyway (max_segment <= 4096); the bound keeps
// lcm(ga, gb) within an int for segment_lengths.
constexpr int kMaxGroup = 4096;

// Per-tile figures of K's segments.
struct SegmentStats {
  int64_t segments = 0;
  int64_t longest = 0;
  int64_t data_beats = 0;
  int64_t tile_beats = 0;
};

SegmentStats stats_of(int k, const GemmPrecision& p, int cols) {
  SegmentStats s;
  for (const int len : segment_lengths(k, p.group_a, p.group_b)) {
    const int beats = segment_beats(len, p.a, p.b);
    ++s.segments;
    s.longest = std::max<int64_t>(s.longest, len);
    s.data_beats += beats;
    s.tile_beats += std::max(beats, cols);
  }
  return s;
}

// The cut points repeat every lcm(ga, gb) elements, so a long K is whole
// periods plus a remainder that segments like the start of a period; this
// keeps the cost independent of K (a weight gradient's K is B*Ho*Wo).
SegmentStats segment_stats(int64_t k, const GemmPrecision& p, int cols) {
  const int64_t period = std::lcm<int64_t>(p.group_a, p.group_b);
  if (k <= period) return stats_of(static_cast<int>(k), p, cols);
  const int64_t periods = k / period;
  const SegmentStats one = stats_of(static_cast<int>(period), p, cols);
  const SegmentStats rest = stats_of(static_cast<int>(k % period), p, cols);
  return {add(mul(one.segments, periods), rest.segments), std::max(one.longest, rest.longest),
          add(mul(one.data_beats, periods), rest.data_beats),
          add(mul(one.tile_beats, periods), rest.tile_beats)};
}

}  // namespace

int64_t GemmShape::macs() const { return mul(mul(m, n), k); }

GemmPrecision GemmPrecision::of(Mode a, Mode b) {
  return {a, b, default_group_size(a), default_group_size(b)};
}

std::string GemmPrecision::text() const { return mode_name(a) + "x" + mode_name(b); }

std::string_view pass_name(Pass p) {
  switch (p) {
    case Pass::Forward:
      return "fwd";
    case Pass::DataGrad:
      return "dgrad";
    default:
      return "wgrad";
  }
}

std::string_view loss_name(Loss l) {
  switch (l) {
    case Loss::EdgeM:
      return "tile edge M";
    case Loss::EdgeN:
      return "tile edge N";
    case Loss::ShortSegment:
      return "short segment";
    case Loss::LanePadding:
      return "lane padding";
    default:
      return "drain";
  }
}

std::string_view loss_key(Loss l) {
  switch (l) {
    case Loss::EdgeM:
      return "edge_m";
    case Loss::EdgeN:
      return "edge_n";
    case Loss::ShortSegment:
      return "short_segment";
    case Loss::LanePadding:
      return "lane_padding";
    default:
      return "drain";
  }
}

int64_t SlotUse::capacity() const {
  int64_t c = useful;
  for (const int64_t l : lost) c = add(c, l);
  return c;
}

double SlotUse::utilization() const {
  const int64_t c = capacity();
  return c == 0 ? 0.0 : static_cast<double>(useful) / static_cast<double>(c);
}

Loss SlotUse::biggest_loss() const {
  Loss best = kLosses.front();
  for (const Loss l : kLosses)
    if ((*this)[l] > (*this)[best]) best = l;
  return best;
}

SlotUse& SlotUse::operator+=(const SlotUse& o) {
  useful = add(useful, o.useful);
  for (std::size_t i = 0; i < lost.size(); ++i) lost[i] = add(lost[i], o.lost[i]);
  return *this;
}

SlotUse SlotUse::times(int64_t count) const {
  SlotUse s;
  s.useful = mul(useful, count);
  for (std::size_t i = 0; i < lost.size(); ++i) s.lost[i] = mul(lost[i], count);
  return s;
}

GemmMapping map_gemm(const GemmShape& shape, const GemmPrecision& precision,
                     const FlexblockArrayParams& array) {
  if (shape.m < 1 || shape.n < 1 || shape.k < 1)
    throw std::invalid_argument("map_gemm: M, N and K must be at least 1");
  if (precision.group_a < 1 || precision.group_b < 1 || precision.group_a > kMaxGroup ||
      precision.group_b > kMaxGroup)
    throw std::invalid_argument("map_gemm: group sizes must be 1.." + std::to_string(kMaxGroup));
  const int64_t rows = array.rows;
  const int64_t cols = array.cols;
  const SegmentStats seg = segment_stats(shape.k, precision, array.cols);
  if (seg.longest > array.max_segment)
    throw std::invalid_argument(
        "segments of " + std::to_string(seg.longest) + " products (groups " +
        std::to_string(precision.group_a) + "/" + std::to_string(precision.group_b) + " in " +
        precision.text() +
        ") exceed the array's max_segment = " + std::to_string(array.max_segment) +
        ", so its segment sums would wrap; raise max_segment to " + std::to_string(seg.longest) +
        " or use smaller groups");

  GemmMapping g;
  g.products_per_beat = precision.products_per_beat();
  const int64_t p = g.products_per_beat;
  g.tiles_m = ceil_div(shape.m, rows);
  g.tiles_n = ceil_div(shape.n, cols);
  g.segments = seg.segments;
  g.longest_segment = seg.longest;
  g.data_beats = seg.data_beats;
  g.tile_beats = seg.tile_beats;
  const int drain = array_drain_cycles(array);
  g.cycles = add(mul(g.tiles(), g.tile_beats), drain);

  const int64_t padded_m = mul(g.tiles_m, rows);
  const int64_t padded_n = mul(g.tiles_n, cols);
  // One PE's slots over one tile, and those its segments' data fill.
  const int64_t tile_slots = mul(g.tile_beats, p);
  const int64_t data_slots = mul(g.data_beats, p);
  const int64_t real_outputs = mul(shape.m, shape.n);
  SlotUse& s = g.slots;
  s.useful = shape.macs();
  s[Loss::EdgeM] = mul(mul(padded_m - shape.m, padded_n), tile_slots);
  s[Loss::EdgeN] = mul(mul(shape.m, padded_n - shape.n), tile_slots);
  s[Loss::ShortSegment] = mul(real_outputs, tile_slots - data_slots);
  s[Loss::LanePadding] = mul(real_outputs, data_slots - shape.k);
  s[Loss::Drain] = mul(mul(drain, rows * cols), p);
  return g;
}

}  // namespace bf::golden::flexblock
