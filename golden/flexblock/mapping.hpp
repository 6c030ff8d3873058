#pragma once
// FlexBlock's mapping and utilization model: the cycles one GEMM takes on a
// flexblock.array, and where the array's product slots go when it is not
// busy. The training GEMMs of a layer are in mapping_layer.hpp, the mode
// schedules in mapping_schedule.hpp, whole networks in mapping_network.hpp.
//
// The model is the array's timing contract (flexblock_array_params.hpp),
// evaluated, not simulated:
//   tiles          = ceil(M / rows) * ceil(N / cols)
//   beats per tile = sum over K's segments of max(ceil(len / P), cols)
//   cycles         = tiles * beats per tile + array_drain_cycles()
// with P = products_per_beat(mode of A, mode of B) and K cut into segments at
// every multiple of A's and B's group sizes (bfp_dot.hpp: segment_lengths).
// A slot is one product lane of one PE for one cycle, so the capacity of a
// GEMM is cycles * rows * cols * P and utilization = M*N*K / capacity.
//
// Lost slots, attributed in this order so that they add up exactly:
//   tile edge M     PE rows with no output in the last tile row
//                   ((ceil(M/rows)*rows - M) rows, over the padded N and all beats)
//   tile edge N     PE columns with no output in the last tile column
//                   (the real M rows only)
//   short segment   zero beats that pad a segment to `cols` beats (the edge
//                   unit takes one PE's segment sum per cycle)
//   lane padding    the unused lanes of a segment's last beat (len not a
//                   multiple of P)
//   drain           the last tile's segment sums leaving, once per GEMM
// A PE row without an output is charged to the edge whole, padding included.
//
// How this differs from a SCALE-Sim-style analytical model. SCALE-Sim
// (output-stationary) counts ceil(M/R) * ceil(N/C) folds of K + R + C - 2
// cycles each: one product per PE per cycle, a fill and drain per fold, and
// no number format. Here
//   - a beat carries P = 1..16 products per PE, by the mode pair (16x16: 1,
//     8x8: 4, 4x4: 16), so the same GEMM takes up to 16x fewer cycles;
//   - K is fed in BFP segments: each segment rounds up to whole beats (lane
//     padding) and lasts at least `cols` beats (short segment), losses that
//     grow with P and that SCALE-Sim has no notion of;
//   - operands are broadcast (no skew to fill) and tiles run back to back:
//     a tile's segment sums drain while the next tile computes, so the
//     array drains once per GEMM (cols beats), not once per fold;
//   - compute-bound: the buffers and DRAM are assumed to deliver one beat
//     per cycle (SCALE-Sim models SRAM reads and DRAM bandwidth; this model
//     does not), and the BFP converter is assumed to keep up.
//
// Segments longer than the array's max_segment would wrap its integer
// segment accumulators (bfp_dot.hpp), so map_gemm() refuses them rather than
// count cycles of a mapping that computes the wrong result.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "golden/flexblock/bfp_dot.hpp"
#include "golden/units/flexblock_array/flexblock_array_params.hpp"

namespace bf::golden::flexblock {

// C += A * B with A of M x K and B of K x N; K is the reduction.
struct GemmShape {
  int64_t m = 1;
  int64_t n = 1;
  int64_t k = 1;
  int64_t macs() const;  // m * n * k (throws std::overflow_error past int64)
  bool operator==(const GemmShape&) const = default;
};

// The modes of A and B and their BFP group sizes along K.
struct GemmPrecision {
  Mode a = Mode::M16;
  Mode b = Mode::M16;
  int group_a = 54;
  int group_b = 54;

  // Each operand with its mode's default group size (default_group_size).
  static GemmPrecision of(Mode a, Mode b);
  int products_per_beat() const { return flexblock::products_per_beat(a, b); }
  std::string text() const;  // "8x16": A's mantissa bits x B's
  bool operator==(const GemmPrecision&) const = default;
};

// The three GEMMs of a training step.
enum class Pass : uint8_t { Forward, DataGrad, WeightGrad };
inline constexpr std::array<Pass, 3> kPasses{Pass::Forward, Pass::DataGrad, Pass::WeightGrad};
std::string_view pass_name(Pass p);  // "fwd", "dgrad", "wgrad"

// Why slots are lost; kLosses in the attribution order above.
enum class Loss : uint8_t { EdgeM, EdgeN, ShortSegment, LanePadding, Drain };
inline constexpr std::array<Loss, 5> kLosses{Loss::EdgeM, Loss::EdgeN, Loss::ShortSegment,
                                             Loss::LanePadding, Loss::Drain};
std::string_view loss_name(Loss l);  // "tile edge M", ..., for people
std::string_view loss_key(Loss l);   // "edge_m", ..., for JSON

// Where the product slots of one or more GEMMs went.
struct SlotUse {
  int64_t useful = 0;  // M*N*K: the products the GEMM needs
  std::array<int64_t, kLosses.size()> lost{};

  int64_t& operator[](Loss l) { return lost[static_cast<std::size_t>(l)]; }
  int64_t operator[](Loss l) const { return lost[static_cast<std::size_t>(l)]; }
  int64_t capacity() const;    // useful + every loss
  double utilization() const;  // useful / capacity (0 when empty)
  Loss biggest_loss() const;   // the largest loss (the first in kLosses on a tie)
  SlotUse& operator+=(const SlotUse& o);
  SlotUse times(int64_t count) const;  // every entry * count
};

struct GemmMapping {
  int products_per_beat = 1;  // P
  int64_t tiles_m = 0;        // ceil(M / rows)
  int64_t tiles_n = 0;        // ceil(N / cols)
  int64_t segments = 0;       // K's segments
  int64_t longest_segment = 0;
  int64_t data_beats = 0;  // per tile: sum of ceil(len / P)
  int64_t tile_beats = 0;  // per tile: sum of max(ceil(len / P), cols)
  int64_t cycles = 0;      // tiles * tile_beats + array_drain_cycles()
  SlotUse slots;           // slots.capacity() == cycles * rows * cols * P

  int64_t tiles() const { return tiles_m * tiles_n; }
  double utilization() const { return slots.utilization(); }
};

// The cycles and slot use of one GEMM (m, n, k >= 1; group sizes >= 1).
// Throws std::invalid_argument for a segment longer than array.max_segment
// (the message names both and the fix), std::overflow_error for a GEMM whose
// slot count does not fit in 64 bits.
GemmMapping map_gemm(const GemmShape& shape, const GemmPrecision& precision,
                     const FlexblockArrayParams& array);

}  // namespace bf::golden::flexblock
