#pragma once
// flexblock.array's parameters and its timing contract, shared by the RTL
// generator (generator/units/flexblock_array/), the mapping model
// (golden/flexblock/mapping.hpp) and `blockforge map`.
//
// Dataflow: output-stationary. rows x cols PEs (flexblock.pe's datapath
// without its fp32 path); PE (r, c) computes output (m0 + r, n0 + c) of the
// current tile. Each input beat carries one beat of A for every row (the
// rows' A buses, signs and group exponents) and one beat of B for every
// column; inside, A moves right and B moves down one PE per cycle (the edge
// skews them), so PE (r, c) sees beat j at cycle j + r + c.
// Group exponents are handled at the array edge: each PE keeps only its
// exact integer segment sum S; when a segment ends, the wavefront passes
// along row r one PE per cycle, and the row's edge unit (one per row, at the
// right) takes PE (r, c)'s S and column exponent in cycle c of the wave,
// adds the row's exponent, converts (segment_term) and accumulates into that
// output's fp32 accumulator (a cols-entry memory per row), emitting the
// result when the tile ends. The edge unit serves one PE per cycle, so a
// segment must last at least `cols` beats: a sequencer pads shorter
// segments with zero beats (the model counts them).
//
// Cycles of a GEMM whose tiles run back to back:
//   tiles = ceil(M / rows) * ceil(N / cols)
//   beats per tile = sum over K's segments of max(segment_beats, cols)
//   cycles = tiles * beats per tile + array_drain_cycles()
// where array_drain_cycles() is the time from the last beat entering to the
// last result leaving (the skew across the array plus the edge pipeline).

#include "golden/params/param_spec.hpp"

namespace bf::golden {

struct FlexblockArrayParams {
  int rows = 8;
  int cols = 8;
  int max_segment = 216;

  template <class V>
  void visit(V& v) {
    v.field("rows", rows, "PE rows: outputs of a tile along M (A's rows)", IntRange{1, 32});
    v.field("cols", cols,
            "PE columns: outputs of a tile along N (B's columns); also the minimum beats per "
            "segment, since each row's edge unit takes one PE's segment sum per cycle",
            IntRange{1, 32});
    v.field("max_segment", max_segment,
            "longest run of K sharing both group exponents that the integer segment "
            "accumulators hold without wrapping (216: the largest default group)",
            IntRange{1, 4096});
  }
};

// Pipeline stages of a row's edge unit between the PE wavefront and the
// result leaving the array (segment sum capture, conversion and
// accumulation, output register). The RTL array is checked against it.
constexpr int kFlexblockEdgeStages = 3;

// Cycles from the last input beat to the last result: the skew across the
// array (rows - 1 + cols - 1), one PE stage, and the edge pipeline.
inline int array_drain_cycles(const FlexblockArrayParams& p) {
  return p.rows - 1 + p.cols - 1 + 1 + kFlexblockEdgeStages;
}

}  // namespace bf::golden
