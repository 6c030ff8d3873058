#include "golden/formats/mx_opal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "golden/bits/bitstream.hpp"
#include "golden/formats/float_format.hpp"
#include "golden/formats/tensor_quant.hpp"

namespace bf::golden {

namespace {
void check_range(const char* field, int value, int lo, int hi) {
  if (value < lo || value > hi)
    throw std::invalid_argument(fmt::format(
        "invalid mx-opal format: {} = {} is out of range {}..{}", field, value, lo, hi));
}

}  // namespace

int MxOpalFormat::index_bits() const {
  int w = 0;
  while ((1 << w) < block_size) ++w;
  return std::max(w, 1);
}

int MxOpalFormat::block_storage_bits() const {
  return 8 + outliers * (index_bits() + 16) + (block_size - outliers) * bits;
}

BlockFormat MxOpalFormat::inlier_format() const {
  BlockFormat f;
  f.kind = BlockFormat::Kind::MxInt;
  f.block_size = block_size - outliers;
  f.int_bits = bits;
  f.int_encoding = int_encoding;
  f.rounding = rounding;
  f.stochastic_bits = stochastic_bits;
  return f;
}

std::string MxOpalFormat::name() const {
  return fmt::format("mx-opal b{} n{} k{}", bits, outliers, block_size);
}

void MxOpalFormat::validate() const {
  check_range("block", block_size, 2, 4096);
  check_range("outliers", outliers, 0, std::min(16, block_size - 1));
  check_range("bits", bits, 2, 8);
  check_range("stochastic_bits", stochastic_bits, 1, 16);
}

std::vector<uint32_t> select_outliers(std::span<const uint32_t> fp32, int n) {
  std::vector<uint32_t> order(fp32.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto larger = [&](uint32_t a, uint32_t b) {
    const uint32_t ma = fp32[a] & 0x7fffffffu, mb = fp32[b] & 0x7fffffffu;
    return ma != mb ? ma > mb : a < b;  // ties: the lower index wins
  };
  const auto count = std::min<std::size_t>(static_cast<std::size_t>(n), order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                    larger);
  order.resize(count);
  std::sort(order.begin(), order.end());
  return order;
}

MxOpalBlock mx_opal_quantize(const MxOpalFormat& f, std::span<const uint32_t> fp32,
                             std::span<const uint32_t> rand) {
  f.validate();
  if (fp32.size() != static_cast<std::size_t>(f.block_size))
    throw std::invalid_argument(
        fmt::format("mx_opal_quantize: {} inputs, block size is {}", fp32.size(), f.block_size));
  MxOpalBlock b;
  b.indices = select_outliers(fp32, f.outliers);
  std::vector<uint32_t> inliers;
  inliers.reserve(fp32.size() - b.indices.size());
  std::size_t next = 0;
  for (uint32_t i = 0; i < fp32.size(); ++i) {
    if (next < b.indices.size() && b.indices[next] == i) {
      b.outliers.push_back(fp32_to_bf16(fp32[i]));
      ++next;
    } else {
      inliers.push_back(fp32[i]);
    }
  }
  b.codes.resize(inliers.size());
  b.scale = quantize_block(f.inlier_format(), inliers, b.codes, rand);
  return b;
}

std::vector<uint32_t> mx_opal_codes_by_position(const MxOpalFormat& f, const MxOpalBlock& b) {
  std::vector<uint32_t> out(static_cast<std::size_t>(f.block_size), 0);
  std::vector<bool> outlier(out.size(), false);
  for (uint32_t i : b.indices) outlier.at(i) = true;
  std::size_t next = 0;
  for (std::size_t e = 0; e < out.size(); ++e)
    if (!outlier[e]) out[e] = b.codes.at(next++);
  return out;
}

std::vector<double> mx_opal_dequantize(const MxOpalFormat& f, const MxOpalBlock& b) {
  const BlockFormat in = f.inlier_format();
  std::vector<double> out(static_cast<std::size_t>(f.block_size));
  std::size_t next = 0, code = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (next < b.indices.size() && b.indices[next] == i) {
      out[i] = decode(FloatFormat::bf16(), b.outliers[next++]);
    } else {
      out[i] = dequantize_element(in, b.scale, b.codes.at(code++));
    }
  }
  return out;
}

std::vector<uint8_t> mx_opal_pack(const MxOpalFormat& f, const MxOpalBlock& b) {
  if (b.indices.size() != static_cast<std::size_t>(f.outliers) ||
      b.outliers.size() != b.indices.size() ||
      b.codes.size() != static_cast<std::size_t>(f.block_size - f.outliers))
    throw std::invalid_argument("mx_opal_pack: block does not match the format");
  BitWriter w(static_cast<std::size_t>(f.block_storage_bits()));
  w.put(b.scale, 8);
  for (uint32_t i : b.indices) w.put(i, f.index_bits());
  for (uint32_t o : b.outliers) w.put(o, 16);
  for (uint32_t c : b.codes) w.put(c, f.bits);
  return w.finish();
}

MxOpalBlock mx_opal_unpack(const MxOpalFormat& f, std::span<const uint8_t> bytes) {
  if (bytes.size() != (static_cast<std::size_t>(f.block_storage_bits()) + 7) / 8)
    throw std::invalid_argument("mx_opal_unpack: bytes.size() must be ceil(block_storage_bits/8)");
  BitReader r(bytes);
  MxOpalBlock b;
  b.scale = r.get(8);
  b.indices.resize(static_cast<std::size_t>(f.outliers));
  for (auto& i : b.indices) i = r.get(f.index_bits());
  b.outliers.resize(b.indices.size());
  for (auto& o : b.outliers) o = r.get(16);
  b.codes.resize(static_cast<std::size_t>(f.block_size - f.outliers));
  for (auto& c : b.codes) c = r.get(f.bits);
  return b;
}

namespace {
// Runs `fn(block, block_fp32, first_flat_index)` for every (zero-padded) block.
template <class Fn>
void for_each_block(const MxOpalFormat& f, const float* in, std::size_t rows, std::size_t cols,
                    uint64_t seed, Fn fn) {
  f.validate();
  const auto k = static_cast<std::size_t>(f.block_size);
  std::vector<uint32_t> x(k), rnd;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c0 = 0; c0 < cols; c0 += k) {
      const std::size_t len = std::min(k, cols - c0);
      std::fill(x.begin(), x.end(), 0u);
      std::memcpy(x.data(), in + r * cols + c0, len * sizeof(float));
      rnd.clear();
      if (f.rounding == Rounding::Stochastic) {
        // One draw per inlier, indexed by its element's flat position.
        const auto idx = select_outliers(x, f.outliers);
        std::size_t next = 0;
        for (std::size_t i = 0; i < k; ++i) {
          if (next < idx.size() && idx[next] == i) {
            ++next;
            continue;
          }
          rnd.push_back(stochastic_rand(seed, r * cols + c0 + i, f.stochastic_bits));
        }
      }
      fn(mx_opal_quantize(f, x, rnd), r * cols + c0, len);
    }
  }
}
}  // namespace

void mx_opal_quantize_dequantize(const MxOpalFormat& f, const float* in, float* out,
                                 std::size_t rows, std::size_t cols, uint64_t seed) {
  for_each_block(f, in, rows, cols, seed,
                 [&](const MxOpalBlock& b, std::size_t first, std::size_t len) {
                   const auto v = mx_opal_dequantize(f, b);
                   for (std::size_t i = 0; i < len; ++i) out[first + i] = static_cast<float>(v[i]);
                 });
}

std::vector<uint8_t> mx_opal_quantize_packed(const MxOpalFormat& f, const float* in,
                                             std::size_t rows, std::size_t cols, uint64_t seed) {
  std::vector<uint8_t> out;
  for_each_block(f, in, rows, cols, seed, [&](const MxOpalBlock& b, std::size_t, std::size_t) {
    const auto bytes = mx_opal_pack(f, b);
    out.insert(out.end(), bytes.begin(), bytes.end());
  });
  return out;
}

void mx_opal_dequantize_packed(const MxOpalFormat& f, const uint8_t* bytes, std::size_t size,
                               std::size_t rows, std::size_t cols, float* out) {
  f.validate();
  const auto k = static_cast<std::size_t>(f.block_size);
  const std::size_t blocks_per_row = (cols + k - 1) / k;
  const std::size_t block_bytes = (static_cast<std::size_t>(f.block_storage_bits()) + 7) / 8;
  check_packed_size(f.name(), size, rows, cols, k, block_bytes);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t b = 0; b < blocks_per_row; ++b) {
      const MxOpalBlock block =
          mx_opal_unpack(f, {bytes + (r * blocks_per_row + b) * block_bytes, block_bytes});
      const auto v = mx_opal_dequantize(f, block);
      const std::size_t first = b * k, len = std::min(k, cols - first);
      for (std::size_t i = 0; i < len; ++i) out[r * cols + first + i] = static_cast<float>(v[i]);
    }
  }
}

}  // namespace bf::golden
