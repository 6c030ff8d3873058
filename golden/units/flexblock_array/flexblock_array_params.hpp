#pragma once
// flexblock.array's parameters and its timing contract, shared by the RTL
// generator (generator/units/flexblock_array/), the mapping model
// (golden/flexblock/mapping.hpp) and `blockforge map`.
//
// Dataflow: output-stationary, one beat per cycle. rows x cols PEs
// (flexblock.pe's multiply part and its integer segment accumulator, without
// an fp32 path); PE (r, c) computes output (m0 + r, n0 + c) of the current
// tile. Each input beat carries one beat of A for every row (the rows' A
// buses, signs and group exponents) and one beat of B for every column,
// broadcast along the row and down the column, so every PE ends a segment
// on the same beat.
// Group exponents are handled at the array edge: when a segment ends, every
// PE copies its exact integer segment sum S into its slot of its row's drain
// chain, and the chain shifts one slot per beat towards the row's edge unit
// (one per row, at the right), which takes column cols-1 first and column 0
// last. The edge unit adds the row's and the column's exponents (captured
// when the segment ended), converts (segment_term) and accumulates into that
// output's fp32 accumulator (a cols-entry memory per row), emitting the
// result when the tile ends. A chain drains in `cols` beats, so a segment
// must last at least `cols` beats: a sequencer pads shorter segments with
// zero beats (the model counts them).
//
// Cycles of a GEMM whose tiles run back to back:
//   tiles = ceil(M / rows) * ceil(N / cols)
//   beats per tile = sum over K's segments of max(segment_beats, cols)
//   cycles = tiles * beats per tile + array_drain_cycles()
// where array_drain_cycles() is the time from the last beat entering to the
// last result leaving: the last tile's drain (zero beats that push it out).

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

// Beats from the last input beat to the last result: the drain chain hands
// the edge unit one column per beat, column 0 on the cols-th beat after the
// segment ended (conversion and accumulation in that beat, the result in
// that beat's output). The RTL array is checked against it.
inline int array_drain_cycles(const FlexblockArrayParams& p) { return p.cols; }

}  // namespace bf::golden
