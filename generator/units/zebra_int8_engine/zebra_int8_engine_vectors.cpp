#include "generator/units/zebra_int8_engine/zebra_int8_engine_vectors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
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

// Builds a transaction stream and keeps the golden model in step with it,
// so that the fault streams can read the stored words and check bits.
class Stream {
 public:
  Stream(const golden::Int8EngineParams& p, std::vector<TestVector>& out)
      : p_(p), out_(out), model_(p) {}

  void write(uint32_t addr, const std::vector<int8_t>& w, const std::string& label) {
    Txn t;
    t.op = Op::Write;
    t.addr = addr;
    t.data = w;
    add(t, label);
  }
  void write_check(uint32_t addr, uint64_t bits, const std::string& label) {
    Txn t;
    t.op = Op::CheckWrite;
    t.addr = addr;
    t.check = bits;
    add(t, label);
  }
  void check(uint32_t addr, const std::string& label) {
    Txn t;
    t.op = Op::Check;
    t.addr = addr;
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
  void add(const Txn& t, const std::string& label) {
    out_.push_back({to_ports(p_, t), label});
    apply(model_, t);
  }
  // Flips data bits of word addr behind its check bits: the word is
  // rewritten with the bits flipped, then (parity, SECDED) its old check bits
  // are written back, flipped where `check_flips` says. A checksum's
  // signature is not touched by a write, so the flip is stored as it is.
  void fault(uint32_t addr, const std::vector<int>& data_bits, uint64_t check_flips,
             const std::string& label) {
    const uint64_t old_check = model_.memory().check_bits(addr);
    std::vector<int8_t> w = model_.word(addr);
    for (const int b : data_bits)
      w[static_cast<std::size_t>(b / 8)] = static_cast<int8_t>(
          static_cast<uint8_t>(w[static_cast<std::size_t>(b / 8)]) ^ (1u << (b % 8)));
    write(addr, w, label + ": the flipped word");
    if (!p_.is_checksum())
      write_check(addr, old_check ^ check_flips, label + ": the old check bits");
  }
  const golden::Int8EngineModel& model() const { return model_; }

 private:
  const golden::Int8EngineParams& p_;
  std::vector<TestVector>& out_;
  golden::Int8EngineModel model_;
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

// The checksum's signatures come from the host, computed from the image.
void write_signatures(const golden::Int8EngineParams& p, Stream& s, const std::string& label) {
  std::vector<int8_t> image;
  for (uint32_t a = 0; a < static_cast<uint32_t>(p.words); ++a) {
    const std::vector<int8_t> w = s.model().word(a);
    image.insert(image.end(), w.begin(), w.end());
  }
  const std::vector<uint8_t> sigs =
      golden::group_signatures(image, p.lanes, p.group_words, p.key());
  for (std::size_t g = 0; g < sigs.size(); ++g)
    s.write_check(static_cast<uint32_t>(g) * static_cast<uint32_t>(p.group_words), sigs[g], label);
}

// A dot product of one beat over word addr with x = 1 in every lane: its
// result is the sum of the weights the engine used (zeros, the corrected
// word or the word as read).
void probe(const golden::Int8EngineParams& p, Stream& s, uint32_t addr, const std::string& label) {
  s.beat(addr, filled(p.lanes, 1), true, true, label + ": MAC beat", 0, 1, 0);
  s.check(addr, label + ": check beat");
}

// Undoes a fault: a check write first (it resumes an engine that stopped),
// then the original word, which re-encodes its check bits.
void repair(Stream& s, uint32_t addr, const std::vector<int8_t>& original,
            const std::string& label) {
  s.write_check(addr, s.model().memory().check_bits(addr), label + ": repair, check write");
  s.write(addr, original, label + ": repair, the original word");
}

// Parity and SECDED: single, double, triple and quadruple flips of data and
// check bits, each read by a MAC beat and a check beat, then repaired.
void word_code_faults(const golden::Int8EngineParams& p, Stream& s, std::mt19937_64& rng) {
  const int W = p.word_bits(), C = p.word_check_bits();
  const uint32_t a = static_cast<uint32_t>(p.words / 2);
  const std::vector<int8_t> original = s.model().word(a);
  auto fault = [&](const std::vector<int>& data_bits, uint64_t check_flips,
                   const std::string& label) {
    s.fault(a, data_bits, check_flips, label);
    probe(p, s, a, label);
    s.beat(a, filled(p.lanes, 1), true, true, label + ": a second MAC beat (halted: dropped)");
    repair(s, a, original, label);
  };
  // Every data bit of narrow words; of wide ones every 5th and the ends.
  for (int b = 0; b < W; ++b)
    if (W <= 64 || b % 5 == 0 || b == W - 1) fault({b}, 0, "single data-bit flip");
  for (int j = 0; j < C; ++j) fault({}, uint64_t{1} << j, "single check-bit flip");
  for (int k = 0; k < 24; ++k) {
    const int b1 = static_cast<int>(rng() % W),
              b2 = (b1 + 1 + static_cast<int>(rng() % (W - 1))) % W;
    fault({b1, b2}, 0, "two data-bit flips");
    fault({b1}, uint64_t{1} << (rng() % C), "a data-bit and a check-bit flip");
    if (C > 1) {
      const int j = static_cast<int>(rng() % C),
                j2 = (j + 1 + static_cast<int>(rng() % (C - 1))) % C;
      fault({}, (uint64_t{1} << j) | (uint64_t{1} << j2), "two check-bit flips");
    }
    if (W >= 3) {
      int b3 = static_cast<int>(rng() % W);
      while (b3 == b1 || b3 == b2) b3 = (b3 + 1) % W;
      fault({b1, b2, b3}, 0, "three data-bit flips (SECDED: miscorrected or uncorrectable)");
      fault({b1, b2, b3}, uint64_t{1} << (rng() % C), "four flips (may read as Ok)");
    }
  }
  // A check write past the memory is dropped; a check beat there reads Ok.
  const uint32_t span = 1u << p.addr_bits();
  if (span > static_cast<uint32_t>(p.words)) {
    s.write_check(span - 1, (uint64_t{1} << C) - 1, "check write past the memory: dropped");
    s.check(span - 1, "check beat past the memory: a zero word, Ok");
  }
}

// Checksum: signatures written, whole groups checked in order, flipped
// weights found by the sweep of their group (and the group then read as
// bad), a wrong signature, partial sweeps, and the repairs that clear a bad
// group.
void checksum_faults(const golden::Int8EngineParams& p, Stream& s, std::mt19937_64& rng) {
  const int G = p.group_words, groups = p.groups(), W = p.word_bits();
  const uint32_t D = static_cast<uint32_t>(p.words);
  auto sweep = [&](int g, const std::string& label) {
    for (uint32_t a = static_cast<uint32_t>(g * G); a < std::min<uint32_t>(D, (g + 1) * G); ++a)
      s.check(a, label + ": check beats over the group in order");
  };
  auto mac_in = [&](int g, const std::string& label) {
    const uint32_t a = static_cast<uint32_t>(g * G) + static_cast<uint32_t>(rng() % G);
    s.beat(std::min(a, D - 1), filled(p.lanes, 1), true, true, label + ": MAC beat in the group");
  };
  for (const int g : {0, groups / 2, groups - 1}) sweep(g, "a clean group");
  for (int k = 0; k < 24; ++k) {
    const int g = k % 3 == 0 ? groups - 1 : static_cast<int>(rng() % groups);
    const uint32_t first = static_cast<uint32_t>(g * G);
    const uint32_t n = std::min<uint32_t>(D, first + G) - first;
    const uint32_t a = first + static_cast<uint32_t>(rng() % n);
    const std::vector<int8_t> original = s.model().word(a);
    // Sign-bit flips always change the signature; low bits only by a carry;
    // two sign flips may cancel under the key.
    std::vector<int> bits;
    const int lane = static_cast<int>(rng() % p.lanes);
    switch (k % 4) {
      case 0:
        bits = {8 * lane + 7};
        break;
      case 1:
        bits = {8 * lane + static_cast<int>(rng() % 7)};
        break;
      case 2:
        bits = {8 * lane + 7, 8 * ((lane + 1) % p.lanes) + 7};
        break;
      default:
        bits = {static_cast<int>(rng() % W), static_cast<int>(rng() % W)};
        break;
    }
    if (bits.size() == 2 && bits[0] == bits[1]) bits.pop_back();
    const std::string label = k % 4 == 0   ? "sign-bit flip"
                              : k % 4 == 1 ? "low-bit flip"
                              : k % 4 == 2 ? "two sign-bit flips"
                                           : "two random flips";
    s.fault(a, bits, 0, label);
    mac_in(g, label + ", before the group's check");
    sweep(g, label);
    mac_in(g, label + ", after the group's check");
    mac_in((g + 1) % groups, label + ", another group");
    repair(s, a, original, label);
    sweep(g, label + ", repaired: the check clears the group");
    mac_in(g, label + ", repaired");
  }
  // A wrong signature, then the right one.
  const uint64_t sig = s.model().memory().check_bits(0);
  s.write_check(0, sig ^ 1, "a wrong signature for group 0");
  sweep(0, "wrong signature");
  mac_in(0, "wrong signature");
  s.write_check(0, sig, "the right signature again");
  sweep(0, "right signature");
  // Partial sweeps: from the middle of a group (the sum continues from the
  // previous group's) and a group's last word alone.
  if (G > 1) {
    for (uint32_t a = static_cast<uint32_t>(G / 2); a < static_cast<uint32_t>(G); ++a)
      s.check(a, "a sweep from the middle of group 0");
    s.check(static_cast<uint32_t>(2 * G - 1), "the last word of group 1 alone");
  }
  sweep(0, "group 0 again");
  if (groups > 1) sweep(1, "group 1 again");
  const uint32_t span = 1u << p.addr_bits();
  if (span > D) {
    s.write_check(span - 1, 3, "check write past the memory: dropped");
    s.check(span - 1, "check beat past the memory: no effect");
    s.check(D, "check beat at the first address past the memory");
  }
}

void protection_corners(const golden::Int8EngineParams& p, Stream& s, std::mt19937_64& rng) {
  if (p.is_checksum()) {
    write_signatures(p, s, "the signatures of the memory as the corners left it");
    checksum_faults(p, s, rng);
  } else {
    word_code_faults(p, s, rng);
  }
  // Leaves a stopped engine running (a check write of the bits it holds).
  s.write_check(0, s.model().memory().check_bits(0), "check write: resume");
}

}  // namespace

golden::Int8EngineModel::Output apply(golden::Int8EngineModel& model, const Txn& t) {
  switch (t.op) {
    case Op::Write:
      return model.write(t.addr, t.data.data());
    case Op::CheckWrite:
      return model.write_check(t.addr, t.check);
    case Op::Check:
      return model.check(t.addr);
    case Op::Mac:
      break;
  }
  golden::Int8EngineModel::Beat b;
  b.addr = t.addr;
  b.x = t.data.data();
  b.first = t.first;
  b.last = t.last;
  b.bias = t.bias;
  b.mult = t.mult;
  b.shift = t.shift;
  b.relu = t.relu;
  return model.mac(b);
}

int check_write_bits(const golden::Int8EngineParams& p) {
  return p.is_checksum() ? 2 : p.word_check_bits();
}

PortValues to_ports(const golden::Int8EngineParams& p, const Txn& t) {
  const int L = p.lanes;
  PortValues v;
  v.push_back(field(p.op_bits(), static_cast<uint64_t>(t.op)));
  v.push_back(field(p.addr_bits(), t.addr));
  BitVec wdata = lanes_of(L, t.write() ? t.data : t.other);
  if (t.op == Op::CheckWrite) wdata.set(0, check_write_bits(p), t.check);
  v.push_back(wdata);
  v.push_back(lanes_of(L, t.write() ? t.other : t.data));
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
  t.op = static_cast<Op>(v[0].get(0, p.op_bits()));
  t.addr = static_cast<uint32_t>(v[1].get(0, p.addr_bits()));
  t.data = lanes_from(p.lanes, t.write() ? v[2] : v[3]);
  t.other = lanes_from(p.lanes, t.write() ? v[3] : v[2]);
  if (t.op == Op::CheckWrite) t.check = v[2].get(0, check_write_bits(p));
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

  if (p.is_checksum()) write_signatures(p, s, "the signature of every group");

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

  if (p.is_protected()) protection_corners(p, s, rng);

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
  const int kind = static_cast<int>(rng() % 16);
  t.op = kind < 4 ? Op::Write : Op::Mac;
  if (p.is_protected() && kind >= 13) t.op = kind == 13 ? Op::CheckWrite : Op::Check;
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
  // A check write stores random check bits; the next write of the word
  // (one in four transactions, hot words often) stores consistent ones.
  t.check = rng() & ((uint64_t{1} << std::max(1, check_write_bits(p))) - 1);
  static const char* const labels[] = {"random write", "random MAC beat", "random check write",
                                       "random check beat"};
  return {to_ports(p, t), labels[static_cast<int>(t.op)]};
}

std::vector<TestVector> inference_chunk(const golden::Int8EngineParams& p, std::mt19937_64& rng) {
  const int L = p.lanes;
  std::normal_distribution<double> normal(0.0, 24.0);
  const auto int8_of = [](double v) {
    return static_cast<int8_t>(std::clamp(std::lround(v), -128L, 127L));
  };
  std::vector<TestVector> v;
  Txn w;
  w.op = Op::Write;
  w.addr = static_cast<uint32_t>(rng() % static_cast<uint64_t>(p.words));
  for (int i = 0; i < L; ++i) w.data.push_back(int8_of(normal(rng)));
  v.push_back({to_ports(p, w), "inference: weight load"});
  const uint32_t base = static_cast<uint32_t>(rng() % static_cast<uint64_t>(p.words));
  for (int b = 0; b < kInferenceRow; ++b) {
    Txn t;
    t.addr = (base + static_cast<uint32_t>(b)) % static_cast<uint32_t>(p.words);
    for (int i = 0; i < L; ++i)
      t.data.push_back(rng() % 2 ? int8_t{0} : int8_of(std::abs(normal(rng))));
    t.first = b == 0;
    t.last = b == kInferenceRow - 1;
    t.bias = static_cast<int32_t>(normal(rng) * 256);
    t.mult = static_cast<uint32_t>(1u << (p.mult_bits - 1)) & max_mult(p);
    t.shift = std::min(31, p.mult_bits + 4);
    t.relu = true;
    v.push_back({to_ports(p, t), "inference: MAC beat"});
  }
  return v;
}

}  // namespace bf::zebra_int8_engine
