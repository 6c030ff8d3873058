#pragma once
// The binary test-vector file: written by the verification flow (bf_tb),
// read by the simulation harness compiled into each Verilator binary. Header
// only and standard library only, so both sides share this one definition.
//
// Layout (every integer little-endian):
//
//   offset  size  field
//   0       8     magic "BFVECT\0\1"
//   8       4     version (1)
//   12      4     number of data input ports  (ni)
//   16      4     number of data output ports (no)
//   20      4     reserved, 0
//   24      8     number of vectors (n)
//   32      4*ni  input port widths in bits, data_inputs() order
//   ..      4*no  output port widths in bits, data_outputs() order
//   ..            n records; a record is, for each input port in order,
//                 ceil(width/64) 64-bit words (LSB word first), then the
//                 expected outputs the same way. Bits above a port's width
//                 are zero. Every record has the same size.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace bf::vecfile {

inline constexpr char kMagic[8] = {'B', 'F', 'V', 'E', 'C', 'T', '\0', '\1'};
inline constexpr uint32_t kVersion = 1;

inline std::size_t words_for(uint32_t width) { return (width + 63) / 64; }

// The whole file in memory.
struct VectorData {
  std::vector<uint32_t> input_widths;
  std::vector<uint32_t> output_widths;
  std::size_t count = 0;
  std::size_t input_words = 0;   // per record
  std::size_t output_words = 0;  // per record
  std::vector<uint64_t> words;   // count * (input_words + output_words)

  std::size_t record_words() const { return input_words + output_words; }
  const uint64_t* inputs(std::size_t i) const { return words.data() + i * record_words(); }
  const uint64_t* expected(std::size_t i) const { return inputs(i) + input_words; }
  uint64_t* inputs(std::size_t i) { return words.data() + i * record_words(); }
  uint64_t* expected(std::size_t i) { return inputs(i) + input_words; }

  void set_widths(std::vector<uint32_t> in, std::vector<uint32_t> out) {
    input_widths = std::move(in);
    output_widths = std::move(out);
    input_words = output_words = 0;
    for (uint32_t w : input_widths) input_words += words_for(w);
    for (uint32_t w : output_widths) output_words += words_for(w);
  }
};

namespace detail {

static_assert(std::endian::native == std::endian::little || std::endian::native == std::endian::big,
              "mixed-endian hosts are not supported");

template <class T>
T to_le(T v) {
  if constexpr (std::endian::native == std::endian::big) {
    T r = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) r = (r << 8) | ((v >> (8 * i)) & 0xff);
    return r;
  }
  return v;
}

template <class T>
void put(std::string& out, T v) {
  v = to_le(v);
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out.append(buf, sizeof(T));
}

template <class T>
T get(const std::string& in, std::size_t& pos, const std::string& path) {
  if (pos + sizeof(T) > in.size()) throw std::runtime_error(path + ": truncated vector file");
  T v;
  std::memcpy(&v, in.data() + pos, sizeof(T));
  pos += sizeof(T);
  return to_le(v);
}

inline std::string read_all(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error(path + ": cannot open vector file");
  std::string data;
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  std::fclose(f);
  return data;
}

}  // namespace detail

inline std::string encode(const VectorData& v) {
  std::string out;
  out.reserve(64 + 8 * v.words.size());
  out.append(kMagic, sizeof kMagic);
  detail::put<uint32_t>(out, kVersion);
  detail::put<uint32_t>(out, static_cast<uint32_t>(v.input_widths.size()));
  detail::put<uint32_t>(out, static_cast<uint32_t>(v.output_widths.size()));
  detail::put<uint32_t>(out, 0);
  detail::put<uint64_t>(out, v.count);
  for (uint32_t w : v.input_widths) detail::put<uint32_t>(out, w);
  for (uint32_t w : v.output_widths) detail::put<uint32_t>(out, w);
  if constexpr (std::endian::native == std::endian::little) {
    out.append(reinterpret_cast<const char*>(v.words.data()), 8 * v.words.size());
  } else {
    for (uint64_t w : v.words) detail::put<uint64_t>(out, w);
  }
  return out;
}

inline void write(const std::string& path, const VectorData& v) {
  if (v.words.size() != v.count * v.record_words())
    throw std::logic_error("vector data size does not match its header");
  const std::string data = encode(v);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error(path + ": cannot create vector file");
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  if (std::fclose(f) != 0 || !ok) throw std::runtime_error(path + ": cannot write vector file");
}

inline VectorData decode(const std::string& in, const std::string& path) {
  if (in.size() < sizeof kMagic || std::memcmp(in.data(), kMagic, sizeof kMagic) != 0)
    throw std::runtime_error(path + ": not a blockforge vector file (bad magic)");
  std::size_t pos = sizeof kMagic;
  const auto version = detail::get<uint32_t>(in, pos, path);
  if (version != kVersion)
    throw std::runtime_error(path + ": vector file version " + std::to_string(version) +
                             ", expected " + std::to_string(kVersion));
  const auto ni = detail::get<uint32_t>(in, pos, path);
  const auto no = detail::get<uint32_t>(in, pos, path);
  detail::get<uint32_t>(in, pos, path);
  VectorData v;
  v.count = detail::get<uint64_t>(in, pos, path);
  std::vector<uint32_t> iw(ni), ow(no);
  for (auto& w : iw) w = detail::get<uint32_t>(in, pos, path);
  for (auto& w : ow) w = detail::get<uint32_t>(in, pos, path);
  v.set_widths(std::move(iw), std::move(ow));
  const std::size_t total = v.count * v.record_words();
  if (in.size() - pos != 8 * total)
    throw std::runtime_error(path + ": vector file size does not match its header");
  v.words.resize(total);
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(v.words.data(), in.data() + pos, 8 * total);
  } else {
    for (auto& w : v.words) w = detail::get<uint64_t>(in, pos, path);
  }
  return v;
}

inline VectorData read(const std::string& path) { return decode(detail::read_all(path), path); }

}  // namespace bf::vecfile
