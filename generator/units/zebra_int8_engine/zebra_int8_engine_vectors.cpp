#include "generator/units/zebra_int8_engine/zebra_int8_engine_vectors.hpp"

#include <fmt/format.h>

#include <limits>
#include <string>

namespace bf::zebra_int8_engine {

namespace {

constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
constexpr int32_t kMin = std::numeric_limits<int32_t>::min();

BitVec field(int width, uint64_t value) {
  BitVec v(width);
  v.set(0, width, width >= 64 ? value : value & ((uint64_t{1} << width) - 1));
  return v;
}

BitVec lanes_of(int lanes, const std::vector<int8_t>& v) {
  BitVec b(8 * lanes);
  for (int i = 0; i < lanes && i < static_cast<int>(v.size()); ++i)
    b.set(8 * i, 8, static_cast<uint8_t>(v[static_cast<std::size_t>(i)]));
  return b;
}

std::vector<int8_t> lanes_from(int lanes, const BitVec& b) {
  std::vector<int8_t> v(static_cast<std::size_t>(lanes));
  for (int i = 0; i < lanes; ++i)
    v[static_cast<std::size_t>(i)] = static_cast<int8_t>(static_cast<uint8_t>(b.get(8 * i, 8)));
  return v;
}

int uniform(std::mt19937_64& rng, int lo, int hi) {
  return lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1));
}

int8_t random_int8(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0:
      return -128;
    case 1:
      return 127;
    case 2:
      return static_cast<int8_t>(uniform(rng, -2, 2));
    default:
      return static_cast<int8_t>(static_cast<uint8_t>(rng()));
  }
}

std::vector<int8_t> random_lanes(int lanes, std::mt19937_64& rng) {
  std::vector<int8_t> v(static_cast<std::size_t>(lanes));
  const int mode = static_cast<int>(rng() % 10);
  for (auto& e : v) {
    if (mode == 0)
      e = -128;  // all extremes: the largest products
    else if (mode == 1)
      e = static_cast<int8_t>(rng() & 1 ? 127 : -128);
    else if (mode == 2)
      e = static_cast<int8_t>(rng() % 4 ? 0 : uniform(rng, -3, 3));  // sparse
    else
      e = random_int8(rng);
  }
  return v;
}

std::vector<int8_t> filled(int lanes, int8_t v) {
  return std::vector<int8_t>(static_cast<std::size_t>(lanes), v);
}

// The first lane 1, the rest 0: a beat's dot product is then x[0].
std::vector<int8_t> unit_word(int lanes) {
  std::vector<int8_t> v(static_cast<std::size_t>(lanes), 0);
  v[0] = 1;
  return v;
}

class Stream {
 public:
  Stream(const golden::Int8EngineParams& p, std::vector<TestVector>& out) : p_(p), out_(out) {}

  void write(uint32_t addr, const std::vector<int8_t>& w, const std::string& label) {
    Txn t;
    t.write = true;
    t.addr = addr;
    t.data = w;
    add(t, label);
  }
  void beat(uint32_t addr, const std::vector<int8_t>& x, bool first, bool last,
            const std::string& label, int32_t bias = 0, uint32_t mult = 1, int shift = 0,
            bool relu = false) {
    Txn t;
    t.addr = addr;
    t.data = x;
    t.first = first;
    t.last = last;
    t.bias = bias;
    t.mult = mult;
    t.shift = shift;
    t.relu = relu;
    add(t, label);
  }
  void add(const Txn& t, const std::string& label) { out_.push_back({to_ports(p_, t), label}); }

 private:
  const golden::Int8EngineParams& p_;
  std::vector<TestVector>& out_;
};

uint32_t max_mult(const golden::Int8EngineParams& p) {
  return static_cast<uint32_t>((uint64_t{1} << p.mult_bits) - 1);
}

// Requantizer corners on 1-beat dot products (first and last in one beat):
// the word at `unit_addr` is unit_word, x[0] = 0, so t = bias exactly.
void requant_corners(const golden::Int8EngineParams& p, Stream& s, uint32_t unit_addr) {
  const int L = p.lanes;
  s.write(unit_addr, unit_word(L), "unit word (w[0] = 1) for requantizer corners");
  const std::vector<int8_t> zero_x = filled(L, 0);
  // Small values (ties at shift 1), the int8 clamp edges, large values and
  // the int32 extremes.
  std::vector<int32_t> ts = {0, 1, -1, 2, -2, 3, -3, 5, -5, 127, 128, -128, -129, 255, -256};
  for (int32_t t : {1 << 20, -(1 << 20) - 1, 1 << 30, -(1 << 30), 12345, -54321}) ts.push_back(t);
  for (int32_t t : {kMax, kMin, kMax - 1, kMin + 1}) ts.push_back(t);
  const uint32_t mm = max_mult(p);
  const uint32_t mults[] = {0u, 1u, 3u, mm >> 1, mm};
  const int shifts[] = {0, 1, 2, 7, 8, 15, 30, 31};
  for (int32_t t : ts)
    for (uint32_t m : mults)
      for (int sh : shifts)
        for (bool relu : {false, true})
          s.beat(unit_addr, zero_x, true, true,
                 "requantizer: t = bias (ties, negatives, clamps, shift 0 / 31, mult 0 / max, "
                 "relu)",
                 t, m, sh, relu);
  // Rounding ties exactly: t * mult = (2k + 1) * 2^(shift - 1).
  for (int sh = 1; sh <= 31; ++sh)
    for (int64_t k : {0, 1, -1, -2, 63, -64, 127, -129}) {
      const int64_t t = (2 * k + 1) * (int64_t{1} << (sh - 1));
      if (t >= kMin && t <= kMax)
        s.beat(unit_addr, zero_x, true, true, "requantizer: a tie at every shift (half up)",
               static_cast<int32_t>(t), 1, sh, false);
    }
}

}  // namespace

PortValues to_ports(const golden::Int8EngineParams& p, const Txn& t) {
  const int L = p.lanes;
  PortValues v;
  v.push_back(field(1, t.write ? 0 : 1));
  v.push_back(field(p.addr_bits(), t.addr));
  v.push_back(lanes_of(L, t.write ? t.data : t.other));
  v.push_back(lanes_of(L, t.write ? t.other : t.data));
  v.push_back(field(1, t.first ? 1 : 0));
  v.push_back(field(1, t.last ? 1 : 0));
  v.push_back(field(32, static_cast<uint32_t>(t.bias)));
  v.push_back(field(p.mult_bits, t.mult));
  v.push_back(field(5, static_cast<uint64_t>(t.shift)));
  v.push_back(field(1, t.relu ? 1 : 0));
  return v;
}

Txn from_ports(const golden::Int8EngineParams& p, const PortValues& v) {
  Txn t;
  t.write = v[0].get(0, 1) == 0;
  t.addr = static_cast<uint32_t>(v[1].get(0, p.addr_bits()));
  t.data = lanes_from(p.lanes, t.write ? v[2] : v[3]);
  t.other = lanes_from(p.lanes, t.write ? v[3] : v[2]);
  t.first = v[4].get(0, 1) != 0;
  t.last = v[5].get(0, 1) != 0;
  t.bias = static_cast<int32_t>(static_cast<uint32_t>(v[6].get(0, 32)));
  t.mult = static_cast<uint32_t>(v[7].get(0, p.mult_bits));
  t.shift = static_cast<int>(v[8].get(0, 5));
  t.relu = v[9].get(0, 1) != 0;
  return t;
}

std::vector<TestVector> corner_cases(const golden::Int8EngineParams& p) {
  const int L = p.lanes;
  const uint32_t D = static_cast<uint32_t>(p.words);
  const uint32_t last_addr = D - 1, mid = D / 2;
  std::mt19937_64 rng(5);
  std::vector<TestVector> v;
  Stream s(p, v);

  // The memory has no reset: every word written first (random weights with
  // extremes).
  for (uint32_t a = 0; a < D; ++a) s.write(a, random_lanes(L, rng), "initial write of every word");

  // Reset state: the first beat, without first_i, still adds to 0.
  s.beat(mid, random_lanes(L, rng), false, true,
         "first beat after reset without first_i: acc = 0 + dot");

  // Write then read of one word, back to back; overwrite; read, write, read.
  s.write(0, filled(L, -128), "write all -128");
  s.beat(0, filled(L, -128), true, true,
         "back-to-back write and MAC of one word: reads the new word (-128 * -128 per lane)", 0, 1,
         0);
  s.write(last_addr, filled(L, 127), "write the last word");
  s.write(last_addr, filled(L, -1), "overwrite it at once");
  s.beat(last_addr, filled(L, 3), true, true, "MAC reads the second write", 0, 1, 0);
  s.beat(mid, filled(L, 1), true, false, "read a word ...");
  s.write(mid, filled(L, 2), "... write it inside the dot product ...");
  s.beat(mid, filled(L, 1), false, true, "... read it again: old + new word", 0, 1, 0);
  s.beat(0, filled(L, 1), true, false, "dot product with a write to another word in the middle");
  s.write(last_addr, random_lanes(L, rng), "write between beats");
  s.beat(0, filled(L, -1), false, false, "... continues");
  s.beat(0, filled(L, 2), false, true, "... ends", -7, 3, 1);
  s.beat(0, filled(L, 1), false, true, "a beat without first_i after a last: the sum continues", 0,
         1, 0);
  s.beat(0, filled(L, 1), true, true, "first and last in one beat", 100, 1, 0, true);

  // acc + bias wrap-around (int32) and the extremes through the bias.
  s.beat(0, filled(L, -128), true, true, "acc + bias wraps past INT32_MAX", kMax, 1, 0);
  s.beat(0, filled(L, 127), true, true, "acc + bias wraps past INT32_MIN", kMin, 1, 0);
  s.beat(0, filled(L, -128), true, true, "acc + INT32_MIN", kMin, 1, 31);
  s.beat(0, filled(L, 127), true, true, "acc + INT32_MAX", kMax, max_mult(p), 31);

  requant_corners(p, s, mid);

  // Addresses past the memory (words not a power of two): writes dropped,
  // reads zeros.
  const uint32_t span = 1u << p.addr_bits();
  if (span > D) {
    s.write(D, filled(L, 5), "write past the memory: dropped");
    s.beat(D, filled(L, 7), true, true, "MAC past the memory: the word reads zeros", 9, 1, 0);
    s.write(span - 1, filled(L, -5), "write to the last address: dropped");
    s.beat(span - 1, filled(L, 7), true, false, "MAC at the last address: zeros");
    s.beat(0, filled(L, 1), false, true, "then a real word", 0, 1, 0);
  }

  // Short dot products over random words with random requantization.
  for (int r = 0; r < 24; ++r) {
    const int n = 1 + static_cast<int>(rng() % 6);
    for (int b = 0; b < n; ++b)
      s.beat(static_cast<uint32_t>(rng() % D), random_lanes(L, rng), b == 0, b == n - 1,
             "short dot product over random words",
             static_cast<int32_t>(static_cast<uint32_t>(rng())) >> uniform(rng, 0, 31),
             static_cast<uint32_t>(rng()) & max_mult(p), uniform(rng, 0, 31), rng() & 1);
  }

  // The accumulator itself wraps: all -128 x -128 products (L * 2^14 per
  // beat) past INT32_MAX (to exactly INT32_MIN when lanes is a power of
  // two), then -128 x 127 products past INT32_MIN. Only
  // with lanes >= 4 (at most 2^15 beats per row); narrower engines reach
  // the int32 extremes through the bias above.
  if (L >= 4) {
    s.write(0, filled(L, -128), "all -128 word for the long rows");
    const int64_t per_beat = int64_t{L} << 14;
    const int n_up = static_cast<int>(int64_t{kMax} / per_beat) + 1;
    for (int b = 0; b < n_up; ++b)
      s.beat(0, filled(L, -128), b == 0, b == n_up - 1,
             "long row of -128 * -128: the int32 accumulator wraps past INT32_MAX", 0, 1, 0);
    const int64_t down = int64_t{L} * 16256;
    const int n_down = static_cast<int>(-int64_t{kMin} / down) + 1;
    for (int b = 0; b < n_down; ++b)
      s.beat(0, filled(L, 127), b == 0, b == n_down - 1,
             "long row of -128 * 127: the int32 accumulator wraps past INT32_MIN", 0, 1, 0);
  }
  return v;
}

TestVector random_case(const golden::Int8EngineParams& p, std::mt19937_64& rng) {
  const int L = p.lanes;
  const uint32_t D = static_cast<uint32_t>(p.words);
  const uint32_t span = 1u << p.addr_bits();
  Txn t;
  t.write = rng() % 4 == 0;
  // Hot words (first, middle, last) meet writes and reads often; the rest
  // anywhere in the address space (past the memory too when it is not a
  // power of two).
  const uint32_t hot[] = {0u, 1u % D, D / 2, D - 1};
  t.addr = rng() % 5 < 2 ? hot[rng() % 4] : static_cast<uint32_t>(rng() % span);
  t.data = random_lanes(L, rng);
  if (rng() % 2) t.other = random_lanes(L, rng);  // garbage on the unused data port
  t.first = rng() % 4 == 0;
  t.last = rng() % 4 == 0;
  const int bmode = static_cast<int>(rng() % 6);
  if (bmode == 0)
    t.bias = 0;
  else if (bmode == 1)
    t.bias = static_cast<int32_t>(rng() & 1 ? kMax - uniform(rng, 0, 1 << 20)
                                            : kMin + uniform(rng, 0, 1 << 20));  // wraps
  else
    t.bias = static_cast<int32_t>(static_cast<uint32_t>(rng())) >> uniform(rng, 0, 31);
  const uint32_t mm = max_mult(p);
  const int mmode = static_cast<int>(rng() % 8);
  t.mult = mmode == 0   ? 0u
           : mmode == 1 ? mm
           : mmode == 2 ? 1u << uniform(rng, 0, p.mult_bits - 1)
                        : static_cast<uint32_t>(rng()) & (mm >> uniform(rng, 0, p.mult_bits - 1));
  t.shift = rng() % 8 == 0 ? (rng() & 1 ? 0 : 31) : uniform(rng, 0, 31);
  t.relu = rng() & 1;
  return {to_ports(p, t), t.write ? "random write" : "random MAC beat"};
}

}  // namespace bf::zebra_int8_engine
