#pragma once
// baseline.bn_fp32's beats as port values, and channel groups as the driver
// feeds them (golden/units/baseline_bn_fp32/baseline_bn_fp32.hpp: 1 LOAD, n
// STAT, finish_beats() FINISH, n NORM), for the vectors and the workload.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/baseline_bn_fp32/baseline_bn_fp32.hpp"

namespace bf::baseline_bn_fp32 {

using Lanes = std::vector<uint32_t>;    // one fp32 code per lane
using Channel = std::vector<uint32_t>;  // one channel's values in (b, h, w) order

// Input ports: op_i, inv_n_i, x_i, gamma_i, beta_i.
PortValues to_ports(const golden::BnFp32Params& p, golden::BnOp op, uint32_t inv_n, const Lanes& x,
                    const Lanes& gamma, const Lanes& beta);

// One channel group's beats.
struct Group {
  bool load = true;  // false: no LOAD beat (misuse: the sums continue)
  uint32_t inv_n = 0;
  Lanes gamma, beta;
  std::vector<Lanes> stat;  // the STAT beats' x
  std::vector<Lanes> norm;  // the NORM beats' x: the STAT values again unless a test changes them
  int finishes = 0;         // FINISH beats
  // Random codes on the ports a beat does not read (else zeros).
  bool junk = false;
  uint64_t junk_seed = 0;
};
// A correct group over channels[l] (lane l's n values; all equally long):
// finish_beats() FINISH beats, NORM = STAT values.
Group make_group(const golden::BnFp32Params& p, uint32_t inv_n, const Lanes& gamma,
                 const Lanes& beta, const std::vector<Channel>& channels);

// Appends labelled beats to a vector list.
class Writer {
 public:
  Writer(const golden::BnFp32Params& p, std::vector<TestVector>& out) : p_(p), out_(out) {}

  // The whole group: LOAD (when g.load), STAT, FINISH, NORM beats.
  void group(const Group& g, const std::string& label);
  // Pieces of a group, for perturbed sequences.
  void load(const Group& g, const std::string& label);
  void stats(const Group& g, const std::string& label);
  void norms(const Group& g, const std::string& label);
  void stat(const Lanes& x, const std::string& label);
  void finish(int count, const std::string& label);
  void norm(const Lanes& x, const std::string& label);

 private:
  void beat(golden::BnOp op, uint32_t inv_n, const Lanes& x, const Lanes& gamma, const Lanes& beta,
            std::string label);
  // What the ports a beat does not read carry: zeros, or junk in a group
  // with Group::junk.
  Lanes filler();

  const golden::BnFp32Params& p_;
  std::vector<TestVector>& out_;
  std::optional<std::mt19937_64> junk_;
};

}  // namespace bf::baseline_bn_fp32
