#pragma once
// How a GEMM runs on flexblock.array: the beats a sequencer feeds it (the
// schedule whose length the mapping model predicts) and the collection of
// its outputs into the result matrix.
//
// C[M x N] = A[M x K] * B[K x N], both operands in BFP grouped along K. Tiles
// of rows x cols outputs, m0 outer, n0 inner, run back to back; per tile,
// K's segments in order (flexblock::segment_lengths), each fed as
// max(segment_beats, cols) beats: beat b of a segment starting at k0 carries
// elements k0 + b*P .. k0 + b*P + P - 1 of the segment in lanes 0 .. P-1
// (lanes past the segment, rows past M and columns past N are zero);
// seg_last on a segment's last beat, tile_last on the tile's last segment.
// Then array_drain_cycles() zero beats push the last tile's results out.
// Row r's result for column c of tile t leaves in the output of the beat on
// which the drain of t's last segment reaches c.

#include <cstdint>
#include <vector>

#include "golden/flexblock/bfp_gemm.hpp"
#include "golden/units/flexblock_array/flexblock_array.hpp"

namespace bf::golden {

struct ArraySchedule {
  std::vector<FlexblockArrayBeat> beats;
  int tiles = 0;
};

// `a` holds A's M rows, `bt` B's N columns as rows (flexblock::bfp_quantize_a
// and bfp_quantize_b); both have the same k.
// `drain`: append the drain beats (false when another GEMM follows at once).
ArraySchedule schedule_gemm(const FlexblockArrayParams& p, const flexblock::BfpMatrix& a,
                            const flexblock::BfpMatrix& bt, bool drain = true);

// The M x N fp32 results (row-major) from the outputs of the schedule's
// beats, in order. Throws std::runtime_error if an output is missing.
std::vector<uint32_t> collect_gemm(const FlexblockArrayParams& p, int m, int n,
                                   const std::vector<FlexblockArrayOutput>& outputs);

}  // namespace bf::golden
