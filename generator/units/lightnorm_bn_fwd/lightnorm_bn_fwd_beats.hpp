#pragma once
// lightnorm.bn_fwd's beats as port values (BFP groups on x_i and y_o), and
// channel groups as the driver feeds them (golden/units/lightnorm_bn_fwd/
// lightnorm_bn_fwd.hpp: 1 LOAD, n STAT, finish_beats() FINISH, n NORM), for
// the vectors, the workload and the stream model.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/lightnorm_bn_fwd/lightnorm_bn_fwd.hpp"

namespace bf::lightnorm_bn_fwd {

using Lanes = std::vector<uint32_t>;    // one code per lane
using Channel = std::vector<uint32_t>;  // one channel's io codes in (b, h, w) order

// The data port of io values (x_i, y_o): lanes / bfp_group BFP groups, or
// lanes io codes with bfp = none.
int data_width(const golden::LnBnFwdParams& p);
// io codes -> port bits (BFP: lightnorm_bfp_encode per group, which applies
// the rule) and port bits -> io codes (lightnorm_bfp_decode: any bits).
BitVec encode_data(const golden::LnBnFwdParams& p, const Lanes& codes);
Lanes decode_data(const golden::LnBnFwdParams& p, const BitVec& bits);

// Input ports: op_i, len_i, inv_n_i, c_i, x_i, gamma_i, beta_i.
PortValues to_ports(const golden::LnBnFwdParams& p, golden::BnOp op, uint64_t len, uint32_t inv_n,
                    uint32_t c, const BitVec& x, const Lanes& gamma, const Lanes& beta);

// One channel group's beats.
struct Group {
  bool load = true;  // false: no LOAD beat (misuse: the statistics continue)
  uint64_t len = 0;  // L
  uint32_t inv_n = 0, c = 0;
  Lanes gamma, beta;
  std::vector<BitVec> stat;  // the STAT beats' x_i
  std::vector<BitVec>
      norm;          // the NORM beats' x_i: the STAT beats' again unless a test changes them
  int finishes = 0;  // FINISH beats
  // Random bits on the ports a beat does not read (else zeros).
  bool junk = false;
  uint64_t junk_seed = 0;
};
// A correct group over channels[l] (lane l's n io codes, n a multiple of
// chunks): L = n / chunks, the driver's constants (range_bn_constants; C of
// n = 2 * chunks when L < 2), finish_beats() FINISH beats, NORM = STAT.
Group make_group(const golden::LnBnFwdParams& p, const Lanes& gamma, const Lanes& beta,
                 const std::vector<Channel>& channels);
// The driver's constants for n values per channel (L >= 2); for L < 2 (C
// infinite) those of n = 2 * chunks.
golden::lightnorm::RangeBnConstants constants(const golden::LnBnFwdParams& p, int64_t n);

// Appends labelled beats to a vector list.
class Writer {
 public:
  Writer(const golden::LnBnFwdParams& p, std::vector<TestVector>& out) : p_(p), out_(out) {}

  // The whole group: LOAD (when g.load), STAT, FINISH, NORM beats.
  void group(const Group& g, const std::string& label);
  // Pieces of a group, for perturbed sequences.
  void load(const Group& g, const std::string& label);
  void stats(const Group& g, const std::string& label);
  void norms(const Group& g, const std::string& label);
  void stat(const BitVec& x, const std::string& label);
  void finish(int count, const std::string& label);
  void norm(const BitVec& x, const std::string& label);

 private:
  void beat(golden::BnOp op, uint64_t len, uint32_t inv_n, uint32_t c, const BitVec& x,
            const Lanes& gamma, const Lanes& beta, std::string label);
  // What the ports a beat does not read carry: zeros, or junk in a group
  // with Group::junk.
  Lanes filler(int width);
  BitVec filler_data();

  const golden::LnBnFwdParams& p_;
  std::vector<TestVector>& out_;
  std::optional<std::mt19937_64> junk_;
};

}  // namespace bf::lightnorm_bn_fwd
