// bfp_gemm_gathered (golden/flexblock/bfp_gemm.hpp) converts fp32 operands
// straight into the kernel's packed layout; it must give what bfp_gemm gives
// on the operands bfp_quantize_gather makes, bit for bit, with the same
// zero-setting counts, for every kernel, mode pair, rounding and group size,
// on every way of reading an operand it has (adjacent rows copied as runs,
// long K runs walked per row, scattered elements, negative strides), on row
// counts that fill no chunk of 16, K = 0, zero and Inf/NaN groups; its reads
// stay inside the operand (a guard page after the last element); and bad
// operands get one clear exception.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/flexblock/bfp_gemm.hpp"

namespace bf::golden::flexblock {
namespace {

constexpr Mode kModes[] = {Mode::M4, Mode::M8, Mode::M16};
constexpr Rounding kRoundings[] = {Rounding::Truncate, Rounding::NearestEven,
                                   Rounding::NearestAway};

std::vector<BfpGemmKernel> kernels() {
  std::vector<BfpGemmKernel> ks = {BfpGemmKernel::Generic};
  for (BfpGemmKernel k : {BfpGemmKernel::Avx2, BfpGemmKernel::Avx512Vnni})
    if (bfp_gemm_kernel_supported(k)) ks.push_back(k);
  return ks;
}

// How an operand's elements lie in memory.
enum class Layout {
  RowMajor,     // rows of K contiguous: one long K run per row
  ColumnMajor,  // rows adjacent: every chunk of 16 lanes is one run
  Windows,      // runs of a few adjacent rows, K in runs of 3 (a convolution's windows)
  Scattered,    // no two elements adjacent, K walked backwards
  LongKRuns,    // K in runs of 14 with gaps, rows far apart (a weight gradient's (b, y, x))
};
constexpr Layout kLayouts[] = {Layout::RowMajor, Layout::ColumnMajor, Layout::Windows,
                               Layout::Scattered, Layout::LongKRuns};

struct Offsets {
  std::vector<std::ptrdiff_t> rows, k;
  std::size_t extent() const {  // elements from offset 0 to the last one read
    if (rows.empty() || k.empty()) return 0;
    return static_cast<std::size_t>(*std::max_element(rows.begin(), rows.end()) +
                                    *std::max_element(k.begin(), k.end()) + 1);
  }
};

Offsets offsets_of(Layout layout, int rows, int k, std::mt19937_64& rng) {
  Offsets o;
  o.rows.resize(static_cast<std::size_t>(rows));
  o.k.resize(static_cast<std::size_t>(k));
  switch (layout) {
    case Layout::RowMajor:
      for (int r = 0; r < rows; ++r) o.rows[r] = static_cast<std::ptrdiff_t>(r) * k;
      for (int kk = 0; kk < k; ++kk) o.k[kk] = kk;
      break;
    case Layout::ColumnMajor:
      for (int r = 0; r < rows; ++r) o.rows[r] = r;
      for (int kk = 0; kk < k; ++kk) o.k[kk] = static_cast<std::ptrdiff_t>(kk) * rows;
      break;
    case Layout::Windows: {
      const int width = std::uniform_int_distribution<int>(1, 20)(rng);
      const std::ptrdiff_t pitch = width + 2, plane = pitch * ((rows + width - 1) / width + 2);
      for (int r = 0; r < rows; ++r) o.rows[r] = (r / width) * pitch + r % width;
      for (int kk = 0; kk < k; ++kk) o.k[kk] = (kk / 3) * plane + (kk % 3);
      break;
    }
    case Layout::Scattered: {
      std::vector<int> order(static_cast<std::size_t>(rows));
      std::iota(order.begin(), order.end(), 0);
      std::shuffle(order.begin(), order.end(), rng);
      const std::ptrdiff_t k_stride = 2 * static_cast<std::ptrdiff_t>(rows) + 1;
      for (int r = 0; r < rows; ++r) o.rows[r] = 2 * order[r];
      for (int kk = 0; kk < k; ++kk) o.k[kk] = (k - 1 - kk) * k_stride;
      break;
    }
    case Layout::LongKRuns: {
      // A row's K spans less than 20 * (k / 14 + 1) elements; rows follow
      // each other with a gap.
      for (int kk = 0; kk < k; ++kk) o.k[kk] = (kk / 14) * 20 + kk % 14;
      const std::ptrdiff_t span = 20 * (k / 14 + 1);
      for (int r = 0; r < rows; ++r) o.rows[r] = r * (span + 5);
      break;
    }
  }
  return o;
}

// Values whose exponents vary per element, a few zeros, and rows scaled far
// up or down (overflowing and subnormal inputs).
void fill(std::vector<float>& x, std::mt19937_64& rng) {
  std::normal_distribution<float> g(0, 1);
  std::uniform_int_distribution<int> e(-14, 14), pick(0, 99);
  for (float& v : x) {
    const int p = pick(rng);
    v = p < 3 ? 0.0f : std::ldexp(g(rng), e(rng)) * (p < 6 ? 0x1p-130f : p < 8 ? 0x1p110f : 1.0f);
  }
}

struct Operand {
  Offsets offsets;
  Mode mode;
  int group;
  Rounding rounding;
  BfpOperand view(const float* data) const {
    return {data, offsets.rows, offsets.k, mode, group, rounding};
  }
  BfpMatrix quantized(const float* data) const {
    return bfp_quantize_gather(data, offsets.rows, offsets.k, mode, group, rounding);
  }
};

// bfp_gemm_gathered against bfp_gemm of the quantized operands, every kernel.
void expect_same(const float* a_data, const Operand& a, const float* b_data, const Operand& b,
                 const std::string& what) {
  const BfpMatrix qa = a.quantized(a_data), qb = b.quantized(b_data);
  for (BfpGemmKernel kernel : kernels()) {
    const auto want = bfp_gemm(qa, qb, kernel);
    std::vector<uint32_t> got(want.size(), 0xdeadbeefu);
    BfpZeroSetting za, zb;
    bfp_gemm_gathered(a.view(a_data), b.view(b_data), got.data(), &za, &zb, kernel);
    int mismatched = 0;
    std::size_t first = 0;
    for (std::size_t i = 0; i < want.size(); ++i)
      if (got[i] != want[i] && mismatched++ == 0) first = i;
    EXPECT_EQ(mismatched, 0) << what << ", kernel " << static_cast<int>(kernel) << ": output "
                             << first << " is " << got[first] << ", want " << want[first];
    EXPECT_EQ(za.nonzero_inputs, qa.nonzero_inputs) << what;
    EXPECT_EQ(za.flushed_inputs, qa.flushed_inputs) << what;
    EXPECT_EQ(zb.nonzero_inputs, qb.nonzero_inputs) << what;
    EXPECT_EQ(zb.flushed_inputs, qb.flushed_inputs) << what;
  }
}

TEST(BfpGemmGathered, EqualsQuantizeThenMultiplyOnEveryLayoutModeAndRounding) {
  std::mt19937_64 rng(77);
  std::uniform_int_distribution<int> dm(1, 40), dn(1, 41), dk(1, 500), dg(1, 300);
  int trial = 0;
  for (Layout la : kLayouts)
    for (Layout lb : kLayouts)
      for (int rep = 0; rep < 6; ++rep, ++trial) {
        const int m = trial % 7 == 0 ? 16 : dm(rng), n = trial % 5 == 0 ? 33 : dn(rng);
        const int k = trial % 11 == 0 ? 1 : dk(rng);
        const Rounding r = kRoundings[trial % 3];
        const Operand a{offsets_of(la, m, k, rng), kModes[trial % 3], trial % 4 < 2 ? 0 : dg(rng),
                        r};
        const Operand b{offsets_of(lb, n, k, rng), kModes[trial / 3 % 3],
                        trial % 4 == 1 || trial % 4 == 3 ? dg(rng) : 0, r};
        std::vector<float> av(a.offsets.extent()), bv(b.offsets.extent());
        fill(av, rng);
        fill(bv, rng);
        expect_same(av.data(), a, bv.data(), b,
                    "trial " + std::to_string(trial) + " (layouts " +
                        std::to_string(static_cast<int>(la)) + "/" +
                        std::to_string(static_cast<int>(lb)) + ", M=" + std::to_string(m) +
                        " N=" + std::to_string(n) + " K=" + std::to_string(k) + " A" +
                        mode_name(a.mode) + "/" + std::to_string(a.group) + " B" +
                        mode_name(b.mode) + "/" + std::to_string(b.group) + ")");
      }
}

TEST(BfpGemmGathered, ZeroAndNanGroupsEmptyShapesAndCounts) {
  std::mt19937_64 rng(9);
  const int m = 21, n = 18, k = 250;
  const Operand a{offsets_of(Layout::RowMajor, m, k, rng), Mode::M16, 0, Rounding::Truncate};
  const Operand b{offsets_of(Layout::ColumnMajor, n, k, rng), Mode::M8, 0, Rounding::Truncate};
  std::vector<float> av(a.offsets.extent()), bv(b.offsets.extent());
  fill(av, rng);
  fill(bv, rng);
  for (int kk = 54; kk < 108; ++kk) av[2 * k + kk] = 0.0f;  // a zero group of A's row 2
  av[5 * k + 100] = std::numeric_limits<float>::infinity();
  bv[200 * n + 6] = std::numeric_limits<float>::quiet_NaN();
  expect_same(av.data(), a, bv.data(), b, "zero and NaN groups");
  std::vector<uint32_t> c(static_cast<std::size_t>(m) * n);
  BfpZeroSetting za, zb;
  bfp_gemm_gathered(a.view(av.data()), b.view(bv.data()), c.data(), &za, &zb);
  for (int j = 0; j < n; ++j) EXPECT_EQ(c[5 * n + j], 0x7fc00000u) << "row 5 reads an Inf group";
  EXPECT_GT(za.nonzero_inputs, 0u);
  EXPECT_LE(za.flushed_inputs, za.nonzero_inputs);

  // K = 0: every output is +0 and nothing is counted; no rows: nothing written.
  const Operand a0{offsets_of(Layout::RowMajor, m, 0, rng), Mode::M4, 0, Rounding::Truncate};
  const Operand b0{offsets_of(Layout::RowMajor, n, 0, rng), Mode::M16, 0, Rounding::Truncate};
  std::vector<uint32_t> c0(static_cast<std::size_t>(m) * n, 1u);
  bfp_gemm_gathered(a0.view(av.data()), b0.view(bv.data()), c0.data(), &za, &zb);
  EXPECT_EQ(c0, std::vector<uint32_t>(c0.size(), 0u));
  EXPECT_EQ(za.nonzero_inputs + zb.nonzero_inputs, 0u);
  const Operand none{offsets_of(Layout::RowMajor, 0, k, rng), Mode::M8, 0, Rounding::Truncate};
  uint32_t untouched = 7;
  bfp_gemm_gathered(none.view(av.data()), b.view(bv.data()), &untouched);
  EXPECT_EQ(untouched, 7u);
}

// The adjacent-row copies read 16 elements at a time where the operand's
// extent allows; an operand ending exactly at a page with no access after it
// would crash the test if a read went past its last element.
TEST(BfpGemmGathered, ReadsStayInsideTheOperand) {
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  std::mt19937_64 rng(4);
  for (Layout layout : {Layout::ColumnMajor, Layout::Windows, Layout::RowMajor}) {
    const int rows = 37, k = 29;  // 37 rows: the last chunk has 5 lanes
    const Operand a{offsets_of(layout, rows, k, rng), Mode::M8, 0, Rounding::Truncate};
    const std::size_t bytes = a.offsets.extent() * sizeof(float);
    const std::size_t mapped = (bytes + page - 1) / page * page + page;
    void* region =
        mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(region, MAP_FAILED);
    char* guard = static_cast<char*>(region) + mapped - page;
    ASSERT_EQ(mprotect(guard, page, PROT_NONE), 0);
    auto* data = reinterpret_cast<float*>(guard - bytes);  // the last element ends at the guard
    std::vector<float> values(a.offsets.extent());
    fill(values, rng);
    std::memcpy(data, values.data(), bytes);
    const Operand b{offsets_of(Layout::RowMajor, 3, k, rng), Mode::M8, 0, Rounding::Truncate};
    std::vector<float> bv(b.offsets.extent());
    fill(bv, rng);
    expect_same(data, a, bv.data(), b, "operand ending at a guard page");
    munmap(region, mapped);
  }
}

TEST(BfpGemmGathered, RejectsBadOperandsWithOneMessage) {
  std::mt19937_64 rng(1);
  const Operand a{offsets_of(Layout::RowMajor, 4, 10, rng), Mode::M8, 0, Rounding::Truncate};
  const Operand b{offsets_of(Layout::RowMajor, 5, 11, rng), Mode::M8, 0, Rounding::Truncate};
  std::vector<float> x(200, 1.0f);
  std::vector<uint32_t> c(20);
  const auto message = [&](const Operand& oa, const Operand& ob) -> std::string {
    try {
      bfp_gemm_gathered(oa.view(x.data()), ob.view(x.data()), c.data());
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no exception";
  };
  EXPECT_NE(message(a, b).find("A has K = 10 but B has K = 11"), std::string::npos)
      << message(a, b);
  Operand stochastic = a;
  stochastic.rounding = Rounding::Stochastic;
  EXPECT_NE(message(stochastic, a).find("stochastic"), std::string::npos);
  Operand huge_group = a;
  huge_group.group = 5000;
  EXPECT_NE(message(huge_group, a), "no exception");
}

}  // namespace
}  // namespace bf::golden::flexblock
