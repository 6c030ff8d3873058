// The FlexBlock BFP GEMM, fast and reference (bfp_gemm.hpp).
//
// How the fast path stays bit-exact:
//
// Integer sums. Every mantissa is cut into "planes" of at most 8 magnitude
// bits with the element's sign: M4 and M8 values are one plane; an M16 value
// v = (-1)^s (256 h + l) is two, (-1)^s h and (-1)^s l. A plane value fits in
// an int16 with |v| <= 255, so int16 x int16 -> int32 multiply-adds (x86
// pmaddwd) are exact and a segment's sum of plane products is bounded by
// 4096 * 255^2 < 2^31 (groups hold at most 4096 elements, BlockFormat's
// limit; see kMaxExactSegment). The planes of an M16 operand are extra
// virtual rows (A) or columns (B) of the same integer kernel (so M16 costs
// two or four times the integer work of M8, as in the hardware's nibble
// lanes), and the segment sum is recombined exactly in double, e.g. for
// M16 x M16 S = 65536 HH + 256 (HL + LH) + LL with |S| < 4096 * 2^32 < 2^53.
//
// One rounding. segment_term is S * 2^(sa + sb - 254 - ma - mb + 2) rounded
// once to fp32, nearest even. Here it is (float)((S * pa) * pb) with
// pa = 2^(sa - 127 - ma + 1), pb likewise: both products are exact in double
// (|S| < 2^53, pa and pb in [2^-142, 2^124], so every value stays within
// [2^-284, 2^293], normal doubles), and the conversion to float is the one
// IEEE round to nearest even, with fp32 subnormals and overflow to Inf;
// S = 0 gives +0 as the contract says. An Inf/NaN group has pa = NaN, so its
// terms are NaN. accumulate is the IEEE fp32 add in nearest-even mode. Host
// float arithmetic gives exactly these results only under the default
// floating-point environment (no flush-to-zero, no denormals-are-zero, round
// to nearest), which a caller (a training framework, say) may have changed:
// bfp_gemm sets it for the duration of the call (HostIeeeScope). The one
// difference left is a NaN's bit pattern: the contract's NaN is always
// 0x7fc00000, so NaN outputs are rewritten to it at the end.
//
// Layout and blocking. The segments (cut at multiples of both group sizes)
// are the same for every output. Both operands are packed once per call
// (into a per-thread workspace), each segment padded to an even length so
// that a multiply-add pair never straddles two segments: A in panels of
// kMr = 4 virtual rows, per K pair the four (k, k+1) int16 pairs; B in panels
// of kNr = 16 virtual columns, per K pair 16 interleaved (k, k+1) pairs (two
// 256-bit vectors). The kernel keeps 4 x 16 int32 sums in registers over one
// segment, then converts, scales and adds them into the fp32 accumulators
// (the output tile): segment_term and accumulate once per segment and output,
// vectorized. (4 rows, not the 6 of an sgemm kernel: pmaddwd needs a
// product register before the add, and 6 x 16 spills with 16 ymm registers.)
// K is blocked at segment boundaries so a B panel's block stays in L1 while
// the A panels stream past it.
#include "golden/flexblock/bfp_gemm.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

#include "golden/arith/fp_core.hpp"
#include "golden/arith/host_ieee.hpp"

#if defined(__x86_64__) || defined(__i386__)
#define BF_BFP_GEMM_X86 1
#include <immintrin.h>
#else
#define BF_BFP_GEMM_X86 0
#endif

namespace bf::golden::flexblock {

namespace {

constexpr int kMr = 4;            // virtual rows per A panel
constexpr int kNr = 16;           // virtual columns per B panel
constexpr int kPlaneMax = 255;    // |plane value|
constexpr int kMaxGroup = 4096;   // BlockFormat's block_size limit
constexpr int kKBlockPairs = 96;  // target K pairs per cache block
constexpr int64_t kMaxExactSegment =
    std::numeric_limits<int32_t>::max() / (int64_t{kPlaneMax} * kPlaneMax);
static_assert(kMaxGroup <= kMaxExactSegment, "int32 plane sums must be exact for every segment");
constexpr uint32_t kCanonicalNan = 0x7fc00000u;

#if BF_BFP_GEMM_X86
bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

void check_operand(const BfpMatrix& x, const char* name) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument(std::string("bfp_gemm: operand ") + name + ": " + what);
  };
  if (x.rows < 0 || x.k < 0) fail("negative shape");
  if (x.group < 1 || x.group > kMaxGroup) fail("group size must be in 1..4096");
  const std::size_t elems = static_cast<std::size_t>(x.rows) * x.k;
  if (x.exps.size() != static_cast<std::size_t>(x.rows) * x.groups_per_row())
    fail("exps must hold rows * groups_per_row() fields");
  const bool wide = x.mode == Mode::M16;
  if ((wide ? x.man32.size() : x.man16.size()) != elems ||
      (wide ? x.man16.size() : x.man32.size()) != 0)
    fail(wide ? "M16 mantissas belong in man32 (rows * k)"
              : "mantissas belong in man16 (rows * k)");
}

// The exactness argument needs |mantissa| < 2^m.
void check_magnitude(const BfpMatrix& x, int32_t largest, const char* name) {
  if (largest > (int32_t{1} << mantissa_bits(x.mode)) - 1)
    throw std::invalid_argument(std::string("bfp_gemm: operand ") + name +
                                ": a mantissa magnitude exceeds " +
                                std::to_string(mantissa_bits(x.mode)) + " bits");
}

int32_t largest_magnitude(const BfpMatrix& x) {
  int32_t largest = 0;
  for (int16_t v : x.man16) largest = std::max(largest, v < 0 ? -int32_t{v} : int32_t{v});
  for (int32_t v : x.man32) largest = std::max(largest, v < 0 ? -v : v);
  return largest;
}

// ---- segments ----------------------------------------------------------------

struct Segment {
  int k0;        // first K index
  int len;       // K elements
  int pair_off;  // first K pair in the packed layout
  int pairs;     // ceil(len / 2)
  int ga, gb;    // the A and B groups it lies in
};

std::vector<Segment> segments_of(int k, int ga, int gb) {
  std::vector<Segment> segs;
  int k0 = 0, pair = 0;
  for (int len : segment_lengths(k, ga, gb)) {
    segs.push_back({k0, len, pair, (len + 1) / 2, k0 / ga, k0 / gb});
    k0 += len;
    pair += (len + 1) / 2;
  }
  return segs;
}

// Consecutive runs of whole segments of about kKBlockPairs pairs.
std::vector<std::pair<int, int>> k_blocks(const std::vector<Segment>& segs) {
  std::vector<std::pair<int, int>> blocks;  // [first, last) segment
  std::size_t first = 0;
  int pairs = 0;
  for (std::size_t s = 0; s < segs.size(); ++s) {
    pairs += segs[s].pairs;
    if (pairs >= kKBlockPairs || s + 1 == segs.size()) {
      blocks.emplace_back(static_cast<int>(first), static_cast<int>(s + 1));
      first = s + 1;
      pairs = 0;
    }
  }
  return blocks;
}

// ---- packing -----------------------------------------------------------------

// The first n elements of v (grown if needed; contents unspecified).
template <class T>
T* grown(std::vector<T>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}
template <class T>
T* filled(std::vector<T>& v, std::size_t n, T fill) {
  std::fill_n(grown(v, n), n, fill);
  return v.data();
}

int planes(Mode m) { return m == Mode::M16 ? 2 : 1; }

// The int16 rows the kernel reads: M4/M8 mantissas as they are; an M16
// operand's high and low byte planes, (-1)^s (|v| >> 8) and (-1)^s (|v| & 255),
// split in one branch-free, vectorizable pass that also finds the largest
// magnitude (signs are random, so a branch would mispredict half the time).
struct Planes {
  int count = 1;
  const int16_t* plane[2] = {nullptr, nullptr};  // rows x k each, row-major
  int32_t largest = 0;
};

// The M16 split of n mantissas into hi and lo planes; returns the largest
// magnitude.
inline int32_t split_planes(const int32_t* v, std::size_t n, int16_t* hi, int16_t* lo) {
  int32_t largest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int32_t s = v[i] >> 31;  // 0 or -1
    const int32_t mag = (v[i] ^ s) - s;
    largest = std::max(largest, mag);
    hi[i] = static_cast<int16_t>(((mag >> 8) ^ s) - s);
    lo[i] = static_cast<int16_t>(((mag & 0xff) ^ s) - s);
  }
  return largest;
}

inline int32_t largest_magnitude16(const int16_t* v, std::size_t n) {
  int32_t largest = 0;
  for (std::size_t i = 0; i < n; ++i) largest = std::max(largest, std::abs(int32_t{v[i]}));
  return largest;
}

// Both passes read every mantissa of an operand, so they are compiled for
// AVX2 too and run so when the CPU has it.
#if BF_BFP_GEMM_X86
__attribute__((target("avx2"))) int32_t split_planes_avx2(const int32_t* v, std::size_t n,
                                                          int16_t* hi, int16_t* lo) {
  return split_planes(v, n, hi, lo);
}
__attribute__((target("avx2"))) int32_t largest_magnitude16_avx2(const int16_t* v, std::size_t n) {
  return largest_magnitude16(v, n);
}
#endif

int32_t split_planes_dispatch(const int32_t* v, std::size_t n, int16_t* hi, int16_t* lo) {
#if BF_BFP_GEMM_X86
  if (cpu_has_avx2()) return split_planes_avx2(v, n, hi, lo);
#endif
  return split_planes(v, n, hi, lo);
}

int32_t largest_magnitude16_dispatch(const int16_t* v, std::size_t n) {
#if BF_BFP_GEMM_X86
  if (cpu_has_avx2()) return largest_magnitude16_avx2(v, n);
#endif
  return largest_magnitude16(v, n);
}

Planes planes_of(const BfpMatrix& x, std::vector<int16_t>& split) {
  Planes p;
  if (x.mode != Mode::M16) {
    p.plane[0] = x.man16.data();
    p.largest = largest_magnitude16_dispatch(x.man16.data(), x.man16.size());
    return p;
  }
  const std::size_t n = x.man32.size();
  int16_t* hi = grown(split, 2 * n);
  int16_t* lo = hi + n;
  p.largest = split_planes_dispatch(x.man32.data(), n, hi, lo);
  p.count = 2;
  p.plane[0] = hi;
  p.plane[1] = lo;
  return p;
}

// The scale 2^(s - 127 - m + 1) of an exponent field as a double; NaN for 255.
double scale_of(uint32_t s, Mode m) {
  if (s == kNanExp) return std::numeric_limits<double>::quiet_NaN();
  const int e = static_cast<int>(s) - 127 - mantissa_bits(m) + 1;
  return std::bit_cast<double>(static_cast<uint64_t>(e + 1023) << 52);
}

// One operand packed for the kernel: `lanes` virtual rows per panel, each
// real row contributing nplanes of them. For A (lanes = kMr) the planes of a
// row are adjacent virtual rows; for B (lanes = kNr) a panel holds
// kNr / nplanes real columns and plane p occupies lanes [p * kNr / nplanes,
// (p + 1) * kNr / nplanes). Storage is borrowed from a per-thread workspace so
// repeated calls (training) neither allocate nor fault in fresh pages.
struct Packed {
  int nplanes = 1;
  int real_per_panel = 0;
  int panels = 0;
  int padded_rows = 0;  // panels * real_per_panel
  std::size_t panel_stride = 0;
  const int16_t* data = nullptr;   // panels x pairs x lanes x 2
  const double* scales = nullptr;  // groups x padded_rows (1.0 for padding rows)
};

struct Workspace {
  std::vector<int16_t> a_split, b_split;  // M16 planes
  std::vector<int16_t> a, b;
  std::vector<double> a_scales, b_scales;
  std::vector<float> acc;
};

// Writes one panel: per K pair, per lane, the pair (k, k + 1) of that lane's
// plane row; a lane without a row (padding) reads `zeros`, and an odd-length
// segment's last pair ends in 0.
void pack_panel(const int16_t* const* rows, int lanes, const std::vector<Segment>& segs,
                int16_t* out) {
  for (const Segment& s : segs) {
    const int full = s.len / 2;
    for (int i = 0; i < full; ++i, out += lanes * 2) {
      const int kk = s.k0 + 2 * i;
      for (int u = 0; u < lanes; ++u) std::memcpy(out + 2 * u, rows[u] + kk, 4);
    }
    if (s.len % 2) {
      const int kk = s.k0 + s.len - 1;
      for (int u = 0; u < lanes; ++u) {
        out[2 * u] = rows[u][kk];
        out[2 * u + 1] = 0;
      }
      out += lanes * 2;
    }
  }
}

Packed pack(const BfpMatrix& x, const Planes& planes, const std::vector<Segment>& segs,
            int total_pairs, int lanes, bool planes_adjacent, std::vector<int16_t>& data,
            std::vector<double>& scales) {
  Packed p;
  p.nplanes = planes.count;
  p.real_per_panel = lanes / p.nplanes;
  p.panels = (x.rows + p.real_per_panel - 1) / p.real_per_panel;
  p.padded_rows = p.panels * p.real_per_panel;
  p.panel_stride = static_cast<std::size_t>(total_pairs) * lanes * 2;
  int16_t* out = grown(data, p.panel_stride * p.panels);  // every slot is written
  const std::vector<int16_t> zeros(x.k, 0);
  std::vector<const int16_t*> rows(lanes);
  for (int panel = 0; panel < p.panels; ++panel) {
    for (int u = 0; u < lanes; ++u) {
      const int within = planes_adjacent ? u / p.nplanes : u % p.real_per_panel;
      const int plane = planes_adjacent ? u % p.nplanes : u / p.real_per_panel;
      const int r = panel * p.real_per_panel + within;
      rows[u] = r < x.rows ? planes.plane[plane] + static_cast<std::size_t>(r) * x.k : zeros.data();
    }
    pack_panel(rows.data(), lanes, segs, out + panel * p.panel_stride);
  }
  const int groups = x.groups_per_row();
  double* sc = filled(scales, static_cast<std::size_t>(groups) * p.padded_rows, 1.0);
  for (int r = 0; r < x.rows; ++r)
    for (int g = 0; g < groups; ++g)
      sc[static_cast<std::size_t>(g) * p.padded_rows + r] = scale_of(x.exponent(r, g), x.mode);
  p.data = out;
  p.scales = sc;
  return p;
}

// ---- kernels -----------------------------------------------------------------

// One call: one A panel x one B panel over the segments [segs, segs + nseg).
struct KernelArgs {
  const int16_t* a;  // A panel, K pair 0
  const int16_t* b;  // B panel, K pair 0
  const Segment* segs;
  int nseg;
  const double* sa;  // row scales: sa[g * sa_stride + real row in panel]
  std::ptrdiff_t sa_stride;
  const double* sb;  // column scales: sb[g * sb_stride + real column in panel]
  std::ptrdiff_t sb_stride;
  float* c;  // the panel pair's output tile (fp32 accumulators)
  std::ptrdiff_t ldc;
};

// Weight of plane p of an operand with n planes: 256 for the high byte of an
// M16 value, 1 otherwise.
constexpr double plane_weight(int n, int p) { return n == 2 && p == 0 ? 256.0 : 1.0; }

// Portable kernel: the same blocking and arithmetic in plain C++. The double
// arithmetic is exact (integers below 2^53 times powers of two), so a fused
// multiply-add the compiler may form changes nothing; the two roundings are
// the conversion to float and the lone fp32 add.
template <int PA, int PB>
void kernel_generic(const KernelArgs& k) {
  constexpr int kRows = kMr / PA, kCols = kNr / PB;
  for (int si = 0; si < k.nseg; ++si) {
    const Segment& s = k.segs[si];
    int32_t acc[kMr][kNr] = {};
    const int16_t* ap = k.a + static_cast<std::ptrdiff_t>(s.pair_off) * kMr * 2;
    const int16_t* bp = k.b + static_cast<std::ptrdiff_t>(s.pair_off) * kNr * 2;
    for (int p = 0; p < s.pairs; ++p, ap += kMr * 2, bp += kNr * 2)
      for (int v = 0; v < kMr; ++v)
        for (int u = 0; u < kNr; ++u)
          acc[v][u] += int32_t{ap[2 * v]} * bp[2 * u] + int32_t{ap[2 * v + 1]} * bp[2 * u + 1];
    const double* sa = k.sa + s.ga * k.sa_stride;
    const double* sb = k.sb + s.gb * k.sb_stride;
    for (int r = 0; r < kRows; ++r)
      for (int c = 0; c < kCols; ++c) {
        double sum = 0;
        for (int pa = 0; pa < PA; ++pa)
          for (int pb = 0; pb < PB; ++pb)
            sum += plane_weight(PA, pa) * plane_weight(PB, pb) *
                   static_cast<double>(acc[r * PA + pa][pb * kCols + c]);
        const auto term = static_cast<float>(sum * sa[r] * sb[c]);
        k.c[r * k.ldc + c] += term;
      }
  }
}

using Kernel = void (*)(const KernelArgs&);

#if BF_BFP_GEMM_X86
// The x86 kernel (bfp_gemm_kernel_x86.inc) for two instruction sets, each
// region compiled for its target (GCC's target pragma; clang, which ignores
// that pragma, an attribute applied to every function in the region). The
// plane values are at most 255 in magnitude, so no pair sum reaches
// pmaddwd's one overflow (-32768 * -32768 twice), and the non-saturating
// vpdpwssd adds exactly what vpmaddwd + vpaddd add.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif
namespace avx2 {
inline __m256i madd_step(__m256i acc, __m256i a, __m256i b) {
  return _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
}
#include "golden/flexblock/bfp_gemm_kernel_x86.inc"
constexpr Kernel kKernels[4] = {kernel<1, 1>, kernel<1, 2>, kernel<2, 1>, kernel<2, 2>};
}  // namespace avx2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,avx512vl,avx512vnni"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,avx512vl,avx512vnni")
#endif
namespace vnni {
inline __m256i madd_step(__m256i acc, __m256i a, __m256i b) {
  return _mm256_dpwssd_epi32(acc, a, b);
}
#include "golden/flexblock/bfp_gemm_kernel_x86.inc"
constexpr Kernel kKernels[4] = {kernel<1, 1>, kernel<1, 2>, kernel<2, 1>, kernel<2, 2>};
}  // namespace vnni
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

bool cpu_has_avx512_vnni() {
  static const bool has =
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
  return has;
}
#endif

Kernel pick_kernel(BfpGemmKernel which, int pa, int pb) {
  const int idx = (pa - 1) * 2 + (pb - 1);
#if BF_BFP_GEMM_X86
  if (which == BfpGemmKernel::Avx2) return avx2::kKernels[idx];
  if (which == BfpGemmKernel::Avx512Vnni) return vnni::kKernels[idx];
#endif
  static constexpr Kernel generic[4] = {kernel_generic<1, 1>, kernel_generic<1, 2>,
                                        kernel_generic<2, 1>, kernel_generic<2, 2>};
  return generic[idx];
}

BfpGemmKernel resolve(BfpGemmKernel k) {
  if (k == BfpGemmKernel::Auto) {
    for (BfpGemmKernel fastest : {BfpGemmKernel::Avx512Vnni, BfpGemmKernel::Avx2})
      if (bfp_gemm_kernel_supported(fastest)) return fastest;
    return BfpGemmKernel::Generic;
  }
  if (!bfp_gemm_kernel_supported(k))
    throw std::invalid_argument("bfp_gemm: the requested kernel is not supported on this CPU");
  return k;
}

}  // namespace

// ---- conversion ----------------------------------------------------------------

namespace {

// One group of BFP with an 8-bit shared exponent (bfp_format(mode, ...), the
// BFP rules of golden/formats/block_format.hpp specialized to w = 8): the
// exponent field, and the signed mantissas into `man`. Equal to
// quantize_block + decoding the codes (tests compare them on every mode and
// rounding), without its per-call checks and buffers: this runs on every
// element of every training GEMM.
// FlexBlock's rounding, on every element of a training step: branch-free,
// so that it vectorizes (the variable shifts need AVX2). A shift past 24
// leaves nothing of a 24-bit significand, so clamping it to 31 changes no
// result and keeps the shift defined; a truncation never carries.
template <class Man>
inline void truncate_group(const uint32_t* bits, int len, int e, int m, Man* man) {
  for (int i = 0; i < len; ++i) {
    const uint32_t field = (bits[i] >> 23) & 0xffu;
    const uint32_t sig = (bits[i] & 0x7fffffu) | (field != 0 ? 0x800000u : 0u);
    const int ee = std::max(static_cast<int>(field), 1);
    const int shift = std::min(e - ee + 24 - m, 31);  // >= 8: m <= 16
    const auto v = static_cast<int32_t>(sig >> shift);
    man[i] = static_cast<Man>((bits[i] >> 31) ? -v : v);
  }
}

// Adds the group's finite non-zero inputs and those of them whose mantissa
// is zero (a second pass over the group, still in L1; branch-free).
template <class Man>
inline void count_zero_setting(const uint32_t* bits, int len, const Man* man, std::size_t& nonzero,
                               std::size_t& flushed) {
  uint32_t nz = 0, fl = 0;
  for (int i = 0; i < len; ++i) {
    const uint32_t mag = bits[i] & 0x7fffffffu;
    const uint32_t counted = (mag != 0) & (mag < 0x7f800000u);
    nz += counted;
    fl += counted & (man[i] == 0);
  }
  nonzero += nz;
  flushed += fl;
}

template <class Man>
inline uint8_t quantize_group(const uint32_t* bits, int len, int m, Rounding rounding, Man* man) {
  uint32_t max_field = 0;
  for (int i = 0; i < len; ++i) max_field = std::max(max_field, (bits[i] >> 23) & 0xffu);
  if (max_field == 255) {
    for (int i = 0; i < len; ++i) man[i] = 0;
    return static_cast<uint8_t>(kNanExp);
  }
  // E = max(maxfield, 1) is also the stored field (bias 127, 1 <= E <= 254);
  // element i keeps sig >> (E - ee + 24 - m), ee = max(field, 1).
  const int e = static_cast<int>(std::max(max_field, 1u));
  const uint32_t max_mag = (1u << m) - 1;
  if (rounding == Rounding::Truncate) {
    truncate_group(bits, len, e, m, man);
    return static_cast<uint8_t>(e);
  }
  for (int i = 0; i < len; ++i) {
    const uint32_t field = (bits[i] >> 23) & 0xffu;
    const uint32_t sig = (bits[i] & 0x7fffffu) | (field != 0 ? 0x800000u : 0u);
    const int ee = std::max(static_cast<int>(field), 1);
    const int shift = e - ee + 24 - m;
    const uint32_t n =
        std::min(static_cast<uint32_t>(round_shift_right(sig, shift, rounding)), max_mag);
    const auto v = static_cast<int32_t>(n);
    man[i] = static_cast<Man>((bits[i] >> 31) ? -v : v);
  }
  return static_cast<uint8_t>(e);
}

// One row of k fp32 bit patterns: its groups' exponent fields, mantissas and
// zero-setting counts. The whole row is one call so that the element loops
// (largest field, rounding, counting) are compiled for AVX2 once, below,
// when the CPU has it (the variable shifts and wide compares need it).
template <class Man>
inline void quantize_row(const uint32_t* row, int k, int group, int m, Rounding rounding, Man* man,
                         uint8_t* exps, std::size_t& nonzero, std::size_t& flushed) {
  for (int g = 0, k0 = 0; k0 < k; ++g, k0 += group) {
    const int len = std::min(group, k - k0);
    exps[g] = quantize_group(row + k0, len, m, rounding, man + k0);
    count_zero_setting(row + k0, len, man + k0, nonzero, flushed);
  }
}

#if BF_BFP_GEMM_X86
template <class Man>
__attribute__((target("avx2"))) void quantize_row_avx2(const uint32_t* row, int k, int group, int m,
                                                       Rounding rounding, Man* man, uint8_t* exps,
                                                       std::size_t& nonzero, std::size_t& flushed) {
  quantize_row(row, k, group, m, rounding, man, exps, nonzero, flushed);
}
#endif

template <class Man>
void quantize_row_dispatch(const uint32_t* row, int k, int group, int m, Rounding rounding,
                           Man* man, uint8_t* exps, std::size_t& nonzero, std::size_t& flushed) {
#if BF_BFP_GEMM_X86
  static const bool avx2 = cpu_has_avx2();
  if (avx2) {
    quantize_row_avx2(row, k, group, m, rounding, man, exps, nonzero, flushed);
    return;
  }
#endif
  quantize_row(row, k, group, m, rounding, man, exps, nonzero, flushed);
}

// ---- conversion straight into the packed layout (bfp_gemm_gathered) ----------

// Real rows converted together: one lane each. A multiple of every panel's
// real rows (4 or 2 for A, 16 or 8 for B).
constexpr int kLanes = 16;
static_assert(kLanes % kMr == 0 && kLanes % kNr == 0);

// Lanes whose rows are adjacent in memory (offsets +1 apart), read as one
// copy per K element: a convolution's neighbouring windows.
struct LaneRun {
  int lane, len;
  std::ptrdiff_t offset;
};

// K elements adjacent in memory: group-relative first index, length, offset.
struct KRun {
  int i0, len;
  std::ptrdiff_t offset;
};

// One group of K of up to kLanes rows, gathered in one of two ways: with K
// runs (long runs of adjacent K elements: a weight gradient's (b, y, x)),
// each lane copies its runs; otherwise per K element, each run of lanes.
struct GroupChunk {
  const float* x;
  const std::ptrdiff_t* rows;  // the lanes' row offsets, [0, live)
  const LaneRun* runs;         // covering lanes [0, live) in order; lanes past them read +0
  int nruns;
  int live;
  const KRun* kruns;  // the group's K runs, or null: gather per K element
  int nkruns;
  const std::ptrdiff_t* k_offsets;  // the group's K offsets
  int len;
  // x[o .. o + kLanes) may be read whenever o + kLanes <= readable (a run
  // then copies kLanes elements, a fixed-size copy, and later lanes
  // overwrite the excess).
  std::ptrdiff_t readable;
  int m;
  Rounding rounding;
};

// Where a group's segments go: the operand's panels for the chunk's lanes.
struct PanelTarget {
  int16_t* out;
  std::size_t panel_stride;
  int first_panel, last_panel;  // [first, last): the chunk's panels that exist
  const Segment* segs;          // the segments inside this group
  int nseg;
  int k0;  // the group's first K index
};

// Scratch of one chunk's group: bits K-major with one spare row for the
// fixed-size copies, the planes K-major.
struct ChunkScratch {
  uint32_t* bits;  // (len + 1) x kLanes
  int16_t* hi;     // len x kLanes
  int16_t* lo;     // len x kLanes (M16 only)
  uint32_t exps[kLanes];
  std::size_t nonzero = 0, flushed = 0;
};

// The gather and the conversion of one group, as quantize_group converts
// each row's group and planes_of splits M16: the elements are read K-major
// (bits[i * kLanes + lane]), so every step is a loop over the lanes, which
// vectorizes. Writes the planes, each lane's exponent field, and adds the
// zero-setting counts.
template <bool kWide>
[[gnu::always_inline]] inline void convert_group_chunk(const GroupChunk& g, ChunkScratch& c) {
  if (g.kruns != nullptr) {
    // Every lane walks its row (read through a local copy of the lanes'
    // row pointers: the stores below may alias the chunk's fields).
    const int live = g.live;
    const float* row[kLanes];
    for (int t = 0; t < kLanes; ++t) row[t] = g.x + (t < live ? g.rows[t] : 0);
    for (int r = 0; r < g.nkruns; ++r) {
      const KRun run = g.kruns[r];
      for (int j = 0; j < run.len; ++j) {
        uint32_t* b = c.bits + (run.i0 + j) * kLanes;
        const std::ptrdiff_t at = run.offset + j;
        if (live == kLanes) {
          for (int t = 0; t < kLanes; ++t) b[t] = std::bit_cast<uint32_t>(row[t][at]);
        } else {
          for (int t = 0; t < live; ++t) b[t] = std::bit_cast<uint32_t>(row[t][at]);
          for (int t = live; t < kLanes; ++t) b[t] = 0;
        }
      }
    }
  } else if (g.nruns == g.live) {  // no two lanes adjacent
    for (int i = 0; i < g.len; ++i) {
      uint32_t* b = c.bits + i * kLanes;
      const float* column = g.x + g.k_offsets[i];
      for (int t = 0; t < g.live; ++t) b[t] = std::bit_cast<uint32_t>(column[g.rows[t]]);
      for (int t = g.live; t < kLanes; ++t) b[t] = 0;
    }
  } else {
    for (int i = 0; i < g.len; ++i) {
      uint32_t* b = c.bits + i * kLanes;
      const std::ptrdiff_t column = g.k_offsets[i];
      for (int r = 0; r < g.nruns; ++r) {
        const LaneRun& run = g.runs[r];
        const float* src = g.x + column + run.offset;
        if (column + run.offset + kLanes <= g.readable)
          std::memcpy(b + run.lane, src, sizeof(float) * kLanes);
        else
          std::memcpy(b + run.lane, src, sizeof(float) * run.len);
      }
      for (int t = g.live; t < kLanes; ++t) b[t] = 0;
    }
  }
  uint32_t max_field[kLanes] = {};
  for (int i = 0; i < g.len; ++i)
    for (int t = 0; t < kLanes; ++t)
      max_field[t] = std::max(max_field[t], (c.bits[i * kLanes + t] >> 23) & 0xffu);
  // As quantize_group: E = max(maxfield, 1); an Inf/NaN group (255) keeps
  // only zero mantissas.
  int32_t e[kLanes];
  uint32_t keep[kLanes];  // all ones, or 0 in an Inf/NaN group
  for (int t = 0; t < kLanes; ++t) {
    e[t] = static_cast<int32_t>(std::max(max_field[t], 1u));
    keep[t] = max_field[t] == 255 ? 0u : ~0u;
    c.exps[t] = max_field[t] == 255 ? kNanExp : static_cast<uint32_t>(e[t]);
  }
  const uint32_t max_mag = (1u << g.m) - 1;
  uint32_t nz[kLanes] = {}, fl[kLanes] = {};
  for (int i = 0; i < g.len; ++i) {
    const uint32_t* b = c.bits + i * kLanes;
    uint32_t mag_out[kLanes];
    if (g.rounding == Rounding::Truncate) {
      for (int t = 0; t < kLanes; ++t) {
        const uint32_t field = (b[t] >> 23) & 0xffu;
        const uint32_t sig = (b[t] & 0x7fffffu) | (field != 0 ? 0x800000u : 0u);
        const int ee = std::max(static_cast<int>(field), 1);
        const int shift = std::min(e[t] - ee + 24 - g.m, 31);
        mag_out[t] = (sig >> shift) & keep[t];
      }
    } else {
      for (int t = 0; t < kLanes; ++t) {
        const uint32_t field = (b[t] >> 23) & 0xffu;
        const uint32_t sig = (b[t] & 0x7fffffu) | (field != 0 ? 0x800000u : 0u);
        const int ee = std::max(static_cast<int>(field), 1);
        const auto n =
            static_cast<uint32_t>(round_shift_right(sig, e[t] - ee + 24 - g.m, g.rounding));
        mag_out[t] = std::min(n, max_mag) & keep[t];
      }
    }
    for (int t = 0; t < kLanes; ++t) {
      const uint32_t mag = b[t] & 0x7fffffffu;
      const uint32_t counted = (mag != 0) & (mag < 0x7f800000u);
      nz[t] += counted;
      fl[t] += counted & (mag_out[t] == 0);
      const int32_t s = -static_cast<int32_t>(b[t] >> 31);  // 0 or -1
      const auto v = static_cast<int32_t>(mag_out[t]);
      if constexpr (kWide) {
        c.hi[i * kLanes + t] = static_cast<int16_t>(((v >> 8) ^ s) - s);
        c.lo[i * kLanes + t] = static_cast<int16_t>(((v & 0xff) ^ s) - s);
      } else {
        c.hi[i * kLanes + t] = static_cast<int16_t>((v ^ s) - s);
      }
    }
  }
  for (int t = 0; t < kLanes; ++t) {
    c.nonzero += nz[t];
    c.flushed += fl[t];
  }
}

// The kernel's (k, k + 1) int16 pair of lane t, from K-major planes.
inline uint32_t pair_at(const int16_t* first, const int16_t* second, int t) {
  return static_cast<uint32_t>(static_cast<uint16_t>(first[t])) |
         static_cast<uint32_t>(static_cast<uint16_t>(second[t])) << 16;
}

// A group's segments written into the chunk's panels, in pack()'s layout:
// kPanelLanes virtual rows per panel; with two planes, A's lanes alternate
// (row hi, row lo) and B's hold all hi lanes, then all lo lanes.
template <int kPanelLanes, int kPlanes>
[[gnu::always_inline]] inline void pack_group(const ChunkScratch& c, const PanelTarget& p) {
  constexpr int kReal = kPanelLanes / kPlanes;
  constexpr bool kAdjacent = kPanelLanes == kMr;
  static const int16_t no_second[kLanes] = {};  // an odd segment's last pair ends in 0
  for (int si = 0; si < p.nseg; ++si) {
    const Segment& s = p.segs[si];
    for (int j = 0; j < s.pairs; ++j) {
      const int i0 = s.k0 - p.k0 + 2 * j;
      const bool has_second = 2 * j + 1 < s.len;
      // The pairs of all lanes in the order of the chunk's virtual rows
      // (panel after panel), then copied panel by panel.
      uint32_t virt[kLanes * kPlanes];
      const int16_t* h0 = c.hi + i0 * kLanes;
      const int16_t* h1 = has_second ? h0 + kLanes : no_second;
      if constexpr (kPlanes == 1) {
        for (int t = 0; t < kLanes; ++t) virt[t] = pair_at(h0, h1, t);
      } else {
        const int16_t* l0 = c.lo + i0 * kLanes;
        const int16_t* l1 = has_second ? l0 + kLanes : no_second;
        uint32_t hp[kLanes], lp[kLanes];
        for (int t = 0; t < kLanes; ++t) {
          hp[t] = pair_at(h0, h1, t);
          lp[t] = pair_at(l0, l1, t);
        }
        if constexpr (kAdjacent) {  // (row hi, row lo) for every row
          for (int t = 0; t < kLanes; ++t) {
            virt[2 * t] = hp[t];
            virt[2 * t + 1] = lp[t];
          }
        } else {  // per panel: its rows' hi, then their lo
          for (int q = 0; q < kLanes / kReal; ++q)
            for (int t = 0; t < kReal; ++t) {
              virt[q * kPanelLanes + t] = hp[q * kReal + t];
              virt[q * kPanelLanes + kReal + t] = lp[q * kReal + t];
            }
        }
      }
      for (int panel = p.first_panel; panel < p.last_panel; ++panel)
        std::memcpy(p.out + panel * p.panel_stride +
                        static_cast<std::size_t>(s.pair_off + j) * kPanelLanes * 2,
                    virt + (panel - p.first_panel) * kPanelLanes, sizeof(uint32_t) * kPanelLanes);
    }
  }
}

template <int kPanelLanes, int kPlanes>
void chunk_group(const GroupChunk& g, ChunkScratch& c, const PanelTarget& p) {
  convert_group_chunk<kPlanes == 2>(g, c);
  pack_group<kPanelLanes, kPlanes>(c, p);
}

#if BF_BFP_GEMM_X86
template <int kPanelLanes, int kPlanes>
__attribute__((target("avx2"))) void chunk_group_avx2(const GroupChunk& g, ChunkScratch& c,
                                                      const PanelTarget& p) {
  convert_group_chunk<kPlanes == 2>(g, c);
  pack_group<kPanelLanes, kPlanes>(c, p);
}
#endif

using ChunkGroupFn = void (*)(const GroupChunk&, ChunkScratch&, const PanelTarget&);

ChunkGroupFn pick_chunk_group(int panel_lanes, int nplanes) {
  const int idx = (panel_lanes == kMr ? 0 : 2) + (nplanes - 1);
#if BF_BFP_GEMM_X86
  static constexpr ChunkGroupFn avx2[4] = {chunk_group_avx2<kMr, 1>, chunk_group_avx2<kMr, 2>,
                                           chunk_group_avx2<kNr, 1>, chunk_group_avx2<kNr, 2>};
  if (cpu_has_avx2()) return avx2[idx];
#endif
  static constexpr ChunkGroupFn generic[4] = {chunk_group<kMr, 1>, chunk_group<kMr, 2>,
                                              chunk_group<kNr, 1>, chunk_group<kNr, 2>};
  return generic[idx];
}

// The storage pack_gathered converts through, per thread.
struct GatherScratch {
  std::vector<uint32_t> bits;
  std::vector<int16_t> hi, lo;
};

// An operand converted straight into the layout pack() gives its quantized
// matrix (same panels, lanes and padding; the tests compare the products):
// per chunk of kLanes real rows and per group of K, its conversion, then
// that group's segments (each lies in one group of this operand) written
// into the chunk's panels.
Packed pack_gathered(const BfpOperand& x, int group, const std::vector<Segment>& segs,
                     int total_pairs, int lanes, std::vector<int16_t>& data,
                     std::vector<double>& scales, GatherScratch& scratch, BfpZeroSetting& zs) {
  const int rows = static_cast<int>(x.row_offsets.size());
  const int k = static_cast<int>(x.k_offsets.size());
  Packed p;
  p.nplanes = planes(x.mode);
  p.real_per_panel = lanes / p.nplanes;
  p.panels = (rows + p.real_per_panel - 1) / p.real_per_panel;
  p.padded_rows = p.panels * p.real_per_panel;
  p.panel_stride = static_cast<std::size_t>(total_pairs) * lanes * 2;
  int16_t* out = grown(data, p.panel_stride * p.panels);  // every slot is written
  const int groups = (k + group - 1) / group;
  double* sc = filled(scales, static_cast<std::size_t>(groups) * p.padded_rows, 1.0);
  p.data = out;
  p.scales = sc;
  if (rows == 0 || k == 0) return p;
  const ChunkGroupFn run = pick_chunk_group(lanes, p.nplanes);
  // Every element read lies in [min offset, max offset]: past a run's end,
  // reads up to the last element are still inside the caller's array.
  const std::ptrdiff_t readable = *std::max_element(x.row_offsets.begin(), x.row_offsets.end()) +
                                  *std::max_element(x.k_offsets.begin(), x.k_offsets.end()) + 1;
  ChunkScratch c;
  c.bits = grown(scratch.bits, static_cast<std::size_t>(group + 1) * kLanes);
  c.hi = grown(scratch.hi, static_cast<std::size_t>(group) * kLanes);
  c.lo = grown(scratch.lo, static_cast<std::size_t>(group) * kLanes);
  const int chunk_panels = kLanes / p.real_per_panel;
  // K runs of each group, used when they are long (8 or more elements on
  // average, as in bfp_quantize_gather).
  std::vector<std::vector<KRun>> group_runs(static_cast<std::size_t>(groups));
  std::size_t total_runs = 0;
  for (int kk = 0; kk < k; ++kk) {
    auto& runs_of = group_runs[static_cast<std::size_t>(kk / group)];
    const int i = kk % group;
    if (i > 0 && runs_of.back().offset + runs_of.back().len == x.k_offsets[kk]) {
      ++runs_of.back().len;
    } else {
      runs_of.push_back({i, 1, x.k_offsets[kk]});
      ++total_runs;
    }
  }
  const bool by_k_runs = static_cast<std::size_t>(k) >= 8 * total_runs;
  LaneRun runs[kLanes];
  for (int r0 = 0; r0 < rows; r0 += kLanes) {
    const int live = std::min(kLanes, rows - r0);
    int nruns = 0;
    for (int t = 0; t < live; ++t) {
      const std::ptrdiff_t offset = x.row_offsets[r0 + t];
      if (nruns > 0 && runs[nruns - 1].offset + runs[nruns - 1].len == offset)
        ++runs[nruns - 1].len;
      else
        runs[nruns++] = {t, 1, offset};
    }
    PanelTarget target{out, p.panel_stride, r0 / p.real_per_panel, 0, nullptr, 0, 0};
    target.last_panel = std::min(p.panels, target.first_panel + chunk_panels);
    std::size_t si = 0;
    for (int g = 0, k0 = 0; k0 < k; ++g, k0 += group) {
      const int len = std::min(group, k - k0);
      const auto& kruns = group_runs[static_cast<std::size_t>(g)];
      const GroupChunk chunk{x.data,
                             x.row_offsets.data() + r0,
                             runs,
                             nruns,
                             live,
                             by_k_runs ? kruns.data() : nullptr,
                             static_cast<int>(kruns.size()),
                             x.k_offsets.data() + k0,
                             len,
                             readable,
                             mantissa_bits(x.mode),
                             x.rounding};
      const std::size_t first_seg = si;
      while (si < segs.size() && segs[si].k0 < k0 + len) ++si;
      target.segs = segs.data() + first_seg;
      target.nseg = static_cast<int>(si - first_seg);
      target.k0 = k0;
      run(chunk, c, target);
      for (int t = 0; t < live; ++t)
        sc[static_cast<std::size_t>(g) * p.padded_rows + r0 + t] = scale_of(c.exps[t], x.mode);
    }
  }
  zs.nonzero_inputs = c.nonzero;
  zs.flushed_inputs = c.flushed;
  return p;
}

}  // namespace

void bfp_quantize_gather(const float* x, std::span<const std::ptrdiff_t> row_offsets,
                         std::span<const std::ptrdiff_t> k_offsets, Mode mode, int group,
                         Rounding rounding, BfpMatrix& out) {
  if (row_offsets.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      k_offsets.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::invalid_argument("bfp_quantize: more than 2^31 rows or K");
  if (rounding == Rounding::Stochastic)
    throw std::invalid_argument("bfp_quantize: stochastic rounding is not supported");
  const int rows = static_cast<int>(row_offsets.size());
  const int k = static_cast<int>(k_offsets.size());
  const BlockFormat f = bfp_format(mode, group <= 0 ? default_group_size(mode) : group, rounding);
  out.rows = rows;
  out.k = k;
  out.mode = mode;
  out.group = f.block_size;
  out.rounding = rounding;
  out.nonzero_inputs = out.flushed_inputs = 0;
  const int groups = out.groups_per_row();
  const int m = mantissa_bits(mode);
  const std::size_t elems = static_cast<std::size_t>(rows) * k;
  // Every element is written below: keep the storage of an earlier call
  // (no reallocation, no page faults) when it is large enough.
  out.exps.resize(static_cast<std::size_t>(rows) * groups);
  if (mode == Mode::M16) {
    out.man16.clear();
    out.man32.resize(elems);
  } else {
    out.man32.clear();
    out.man16.resize(elems);
  }
  // Runs of K whose elements are adjacent in memory (offsets +1 apart): a
  // convolution's kernel rows, whole image rows of a weight gradient's K =
  // (b, y, x), all of K for a contiguous row.
  struct Run {
    int k0, len;
    std::ptrdiff_t offset;
  };
  std::vector<Run> runs;
  for (int kk = 0; kk < k; ++kk) {
    if (!runs.empty() && runs.back().offset + runs.back().len == k_offsets[kk])
      ++runs.back().len;
    else
      runs.push_back({kk, 1, k_offsets[kk]});
  }
  const auto quantize_gathered = [&](const uint32_t* row, int r) {
    const std::size_t first = static_cast<std::size_t>(r) * k;
    uint8_t* exps = out.exps.data() + static_cast<std::size_t>(r) * groups;
    if (mode == Mode::M16)
      quantize_row_dispatch(row, k, f.block_size, m, rounding, out.man32.data() + first, exps,
                            out.nonzero_inputs, out.flushed_inputs);
    else
      quantize_row_dispatch(row, k, f.block_size, m, rounding, out.man16.data() + first, exps,
                            out.nonzero_inputs, out.flushed_inputs);
  };
  // Long runs (8 or more elements on average): each row is copied run by
  // run, contiguous reads and writes.
  if (static_cast<std::size_t>(k) >= 8 * runs.size()) {
    std::vector<uint32_t> bits(static_cast<std::size_t>(k));
    for (int r = 0; r < rows; ++r) {
      const float* base = x + row_offsets[r];
      for (const Run& run : runs)
        std::memcpy(bits.data() + run.k0, base + run.offset, sizeof(float) * run.len);
      quantize_gathered(bits.data(), r);
    }
    return;
  }
  // Short runs: rows are gathered kRowChunk at a time, walking K in the
  // outer loop: for B (k_stride = N) or a convolution's windows each step
  // then reads kRowChunk nearby floats instead of one float per cache line.
  constexpr int kRowChunk = 16;
  std::vector<uint32_t> bits(static_cast<std::size_t>(kRowChunk) * k);
  for (int r0 = 0; r0 < rows; r0 += kRowChunk) {
    const int chunk = std::min(kRowChunk, rows - r0);
    for (int kk = 0; kk < k; ++kk) {
      const float* column = x + k_offsets[kk];
      for (int t = 0; t < chunk; ++t)
        bits[static_cast<std::size_t>(t) * k + kk] =
            std::bit_cast<uint32_t>(column[row_offsets[r0 + t]]);
    }
    for (int t = 0; t < chunk; ++t)
      quantize_gathered(bits.data() + static_cast<std::size_t>(t) * k, r0 + t);
  }
}

BfpMatrix bfp_quantize_gather(const float* x, std::span<const std::ptrdiff_t> row_offsets,
                              std::span<const std::ptrdiff_t> k_offsets, Mode mode, int group,
                              Rounding rounding) {
  BfpMatrix out;
  bfp_quantize_gather(x, row_offsets, k_offsets, mode, group, rounding, out);
  return out;
}

BfpMatrix bfp_quantize(const float* x, int rows, int k, std::ptrdiff_t row_stride,
                       std::ptrdiff_t k_stride, Mode mode, int group, Rounding rounding) {
  if (rows < 0 || k < 0) throw std::invalid_argument("bfp_quantize: negative shape");
  std::vector<std::ptrdiff_t> row_offsets(static_cast<std::size_t>(rows)),
      k_offsets(static_cast<std::size_t>(k));
  for (int r = 0; r < rows; ++r) row_offsets[r] = r * row_stride;
  for (int kk = 0; kk < k; ++kk) k_offsets[kk] = kk * k_stride;
  return bfp_quantize_gather(x, row_offsets, k_offsets, mode, group, rounding);
}

BfpMatrix bfp_quantize_a(const float* a, int m, int k, Mode mode, int group, Rounding rounding) {
  return bfp_quantize(a, m, k, k, 1, mode, group, rounding);
}

BfpMatrix bfp_quantize_b(const float* b, int k, int n, Mode mode, int group, Rounding rounding) {
  return bfp_quantize(b, n, k, 1, n, mode, group, rounding);
}

// ---- GEMM --------------------------------------------------------------------

bool bfp_gemm_kernel_supported(BfpGemmKernel kernel) {
  switch (kernel) {
    case BfpGemmKernel::Auto:
    case BfpGemmKernel::Generic:
      return true;
    case BfpGemmKernel::Avx2:
#if BF_BFP_GEMM_X86
      return cpu_has_avx2();
#else
      return false;
#endif
    case BfpGemmKernel::Avx512Vnni:
#if BF_BFP_GEMM_X86
      return cpu_has_avx2() && cpu_has_avx512_vnni();
#else
      return false;
#endif
  }
  return false;
}

namespace {

// The blocked product of two packed operands into c (M x N row-major).
void multiply_packed(const Packed& pa, const Packed& pb, const std::vector<Segment>& segs,
                     Kernel run, int M, int N, uint32_t* c, Workspace& ws) {
  const std::ptrdiff_t ldc = pb.padded_rows;
  float* acc = filled(ws.acc, static_cast<std::size_t>(pa.padded_rows) * ldc, 0.0f);  // +0
  {
    const HostIeeeScope env;
    for (const auto& [first, last] : k_blocks(segs))
      for (int q = 0; q < pb.panels; ++q)
        for (int p = 0; p < pa.panels; ++p) {
          KernelArgs args;
          args.a = pa.data + p * pa.panel_stride;
          args.b = pb.data + q * pb.panel_stride;
          args.segs = segs.data() + first;
          args.nseg = last - first;
          args.sa = pa.scales + p * pa.real_per_panel;
          args.sa_stride = pa.padded_rows;
          args.sb = pb.scales + q * pb.real_per_panel;
          args.sb_stride = pb.padded_rows;
          args.c = acc + static_cast<std::ptrdiff_t>(p) * pa.real_per_panel * ldc +
                   q * pb.real_per_panel;
          args.ldc = ldc;
          run(args);
        }
  }
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      const uint32_t bits = std::bit_cast<uint32_t>(acc[static_cast<std::size_t>(i) * ldc + j]);
      c[static_cast<std::size_t>(i) * N + j] =
          (bits & 0x7fffffffu) > 0x7f800000u ? kCanonicalNan : bits;
    }
}

int total_pairs_of(const std::vector<Segment>& segs) {
  return segs.empty() ? 0 : segs.back().pair_off + segs.back().pairs;
}

// An operand's group size as bfp_quantize_gather sets it (bfp_format checks
// it), after its shape checks.
int checked_group(const BfpOperand& x, const char* name) {
  if (x.row_offsets.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      x.k_offsets.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::invalid_argument(std::string("bfp_gemm_gathered: operand ") + name +
                                ": more than 2^31 rows or K");
  if (x.rounding == Rounding::Stochastic)
    throw std::invalid_argument("bfp_quantize: stochastic rounding is not supported");
  return bfp_format(x.mode, x.group <= 0 ? default_group_size(x.mode) : x.group, x.rounding)
      .block_size;
}

}  // namespace

void bfp_gemm(const BfpMatrix& a, const BfpMatrix& b, uint32_t* c, BfpGemmKernel kernel) {
  check_operand(a, "A");
  check_operand(b, "B");
  if (a.k != b.k)
    throw std::invalid_argument("bfp_gemm: A has K = " + std::to_string(a.k) +
                                " but B has K = " + std::to_string(b.k));
  const int M = a.rows, N = b.rows;
  if (M == 0 || N == 0) return;
  const Kernel run = pick_kernel(resolve(kernel), planes(a.mode), planes(b.mode));

  const auto segs = segments_of(a.k, a.group, b.group);
  const int total_pairs = total_pairs_of(segs);
  thread_local Workspace ws;
  const Planes a_planes = planes_of(a, ws.a_split);
  const Planes b_planes = planes_of(b, ws.b_split);
  check_magnitude(a, a_planes.largest, "A");
  check_magnitude(b, b_planes.largest, "B");
  const Packed pa = pack(a, a_planes, segs, total_pairs, kMr, true, ws.a, ws.a_scales);
  const Packed pb = pack(b, b_planes, segs, total_pairs, kNr, false, ws.b, ws.b_scales);
  multiply_packed(pa, pb, segs, run, M, N, c, ws);
}

void bfp_gemm_gathered(const BfpOperand& a, const BfpOperand& b, uint32_t* c,
                       BfpZeroSetting* a_stats, BfpZeroSetting* b_stats, BfpGemmKernel kernel) {
  const int ga = checked_group(a, "A"), gb = checked_group(b, "B");
  if (a.k_offsets.size() != b.k_offsets.size())
    throw std::invalid_argument(
        "bfp_gemm_gathered: A has K = " + std::to_string(a.k_offsets.size()) +
        " but B has K = " + std::to_string(b.k_offsets.size()));
  const Kernel run = pick_kernel(resolve(kernel), planes(a.mode), planes(b.mode));
  const int M = static_cast<int>(a.row_offsets.size()), N = static_cast<int>(b.row_offsets.size());
  const auto segs = segments_of(static_cast<int>(a.k_offsets.size()), ga, gb);
  const int total_pairs = total_pairs_of(segs);
  thread_local Workspace ws;
  thread_local GatherScratch scratch;
  BfpZeroSetting za, zb;
  const Packed pa = pack_gathered(a, ga, segs, total_pairs, kMr, ws.a, ws.a_scales, scratch, za);
  const Packed pb = pack_gathered(b, gb, segs, total_pairs, kNr, ws.b, ws.b_scales, scratch, zb);
  if (a_stats) *a_stats = za;
  if (b_stats) *b_stats = zb;
  if (M != 0 && N != 0) multiply_packed(pa, pb, segs, run, M, N, c, ws);
}

std::vector<uint32_t> bfp_gemm(const BfpMatrix& a, const BfpMatrix& b, BfpGemmKernel kernel) {
  std::vector<uint32_t> c(static_cast<std::size_t>(std::max(a.rows, 0)) * std::max(b.rows, 0));
  bfp_gemm(a, b, c.data(), kernel);
  return c;
}

std::vector<uint32_t> bfp_gemm_reference(const BfpMatrix& a, const BfpMatrix& b) {
  check_operand(a, "A");
  check_operand(b, "B");
  check_magnitude(a, largest_magnitude(a), "A");
  check_magnitude(b, largest_magnitude(b), "B");
  if (a.k != b.k) throw std::invalid_argument("bfp_gemm_reference: A and B differ in K");
  const auto lengths = segment_lengths(a.k, a.group, b.group);
  std::vector<uint32_t> c(static_cast<std::size_t>(a.rows) * b.rows);
  for (int i = 0; i < a.rows; ++i)
    for (int j = 0; j < b.rows; ++j) {
      uint32_t acc = fp_zero(FloatFormat::fp32(), false);
      int k0 = 0;
      for (int len : lengths) {
        int64_t s = 0;
        for (int kk = k0; kk < k0 + len; ++kk)
          s += int64_t{a.mantissa(i, kk)} * int64_t{b.mantissa(j, kk)};
        acc = accumulate(acc, segment_term(s, a.exponent(i, k0 / a.group),
                                           b.exponent(j, k0 / b.group), a.mode, b.mode));
        k0 += len;
      }
      c[static_cast<std::size_t>(i) * b.rows + j] = acc;
    }
  return c;
}

}  // namespace bf::golden::flexblock
