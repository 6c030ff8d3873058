#pragma once
// When the host's own float arithmetic IS the golden fp32 arithmetic, so fast
// paths may use it (the engine GEMM kernels of the Python module, range BN's
// fp32 steps, the BFP GEMM's segment scaling).
//
// golden::fp_add and golden::fp_mul into fp32 as the dot-product engines use
// them (IEEE formats with subnormals, round to nearest even, overflow to
// Inf; golden/arith/fp_add.hpp, fp_mul.hpp) are IEEE 754 binary32 addition
// and multiplication, with one difference: every NaN result is the canonical
// 0x7fc00000, where the host propagates a payload (and x86 makes 0xffc00000
// of Inf - Inf). A NaN operand gives a NaN result in both, so a chain of host
// operations whose final result is passed through golden_bits() has the
// golden bits, provided that
// - the FPU is in the IEEE default state: nearest even, no flush-to-zero, no
//   denormals-are-zero (torch.set_flush_denormal(True), or a library built
//   with -ffast-math, sets FTZ/DAZ on a thread). HostIeeeScope sets that
//   state for its lifetime and restores the caller's;
// - the compiler neither reorders nor contracts the operations: the project
//   builds without -ffast-math, and the only products the kernels add are
//   exact, so an FMA contraction (-ffp-contract=fast on an FMA target) would
//   round the same.
// Where the control register is unknown (not x86-64), kHostFloatSupported is
// false and fast paths use the golden operators throughout; HostIeeeScope
// then only sets the rounding direction.

#include <bit>
#include <cstdint>

#if defined(__x86_64__)
#include <xmmintrin.h>
#else
#include <cfenv>
#endif

namespace bf::golden {

#if defined(__x86_64__)
inline constexpr bool kHostFloatSupported = true;

class HostIeeeScope {
 public:
  // MXCSR 0x1f80: every exception masked, nearest even, FTZ and DAZ off.
  HostIeeeScope() : saved_(_mm_getcsr()) { _mm_setcsr(0x1f80u); }
  ~HostIeeeScope() { _mm_setcsr(saved_); }
  HostIeeeScope(const HostIeeeScope&) = delete;
  HostIeeeScope& operator=(const HostIeeeScope&) = delete;

 private:
  unsigned saved_;
};
#else
inline constexpr bool kHostFloatSupported = false;

class HostIeeeScope {
 public:
  HostIeeeScope() : saved_(std::fegetround()) { std::fesetround(FE_TONEAREST); }
  ~HostIeeeScope() { std::fesetround(saved_); }
  HostIeeeScope(const HostIeeeScope&) = delete;
  HostIeeeScope& operator=(const HostIeeeScope&) = delete;

 private:
  int saved_;
};
#endif

inline float float_of(uint32_t bits) { return std::bit_cast<float>(bits); }

// The golden encoding of a host result: NaN made canonical.
inline uint32_t golden_bits(float v) { return v != v ? 0x7fc00000u : std::bit_cast<uint32_t>(v); }

}  // namespace bf::golden
