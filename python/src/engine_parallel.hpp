#pragma once
// How the engine GEMMs use threads: every output of a GEMM is one call of
// the same function, so splitting the outputs across threads never changes
// a result, only the time.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "golden/arith/host_ieee.hpp"

namespace bf::py {

using golden::HostIeeeScope;

// Threads a GEMM uses: min(hardware_concurrency, 4), at least 1.
int engine_threads();

// Calls body(begin, end) on contiguous, disjoint ranges covering [0, n), one
// per thread (fewer when n is small; on the calling thread when one is
// enough); rethrows the first exception a thread raised after all have
// joined.
void parallel_ranges(std::size_t n, const std::function<void(std::size_t, std::size_t)>& body);

// Output columns handled together, so that their weight rows stay in cache
// while every activation row of a thread's range passes over them.
inline constexpr std::size_t kColumnTile = 32;

// y[r * n + col] = dot(r, col) for every output of an m x n GEMM, with one
// dot = make_dot() per thread (its scratch space), under a HostIeeeScope; split across threads by
// rows (or by columns when there are fewer rows than threads, e.g. a GEMV),
// columns in tiles so that a tile's weight rows are reused from cache.
template <class MakeDot>
void for_each_output(std::size_t m, std::size_t n, uint32_t* y, const MakeDot& make_dot) {
  if (m == 0 || n == 0) return;
  const bool by_rows = m >= static_cast<std::size_t>(engine_threads());
  parallel_ranges(by_rows ? m : n, [&](std::size_t begin, std::size_t end) {
    const HostIeeeScope ieee;  // this thread's FPU in the IEEE default state
    auto dot = make_dot();
    const std::size_t r0 = by_rows ? begin : 0, r1 = by_rows ? end : m;
    const std::size_t c0 = by_rows ? 0 : begin, c1 = by_rows ? n : end;
    for (std::size_t ct = c0; ct < c1; ct += kColumnTile) {
      const std::size_t ct1 = std::min(c1, ct + kColumnTile);
      for (std::size_t r = r0; r < r1; ++r)
        for (std::size_t col = ct; col < ct1; ++col) y[r * n + col] = dot(r, col);
    }
  });
}

}  // namespace bf::py
