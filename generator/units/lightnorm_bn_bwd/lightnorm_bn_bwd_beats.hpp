#pragma once
// lightnorm.bn_bwd's beats as port values, and channel groups as the driver
// feeds them (golden/units/lightnorm_bn_bwd/lightnorm_bn_bwd.hpp: 1 LOAD, n
// STAT, finish_beats() FINISH, n DX), for the vectors and the workload.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/lightnorm_bn_bwd/lightnorm_bn_bwd.hpp"

namespace bf::lightnorm_bn_bwd {

using Lanes = std::vector<uint32_t>;    // one code (or flag) per lane
using Channel = std::vector<uint32_t>;  // one channel's values in (b, h, w) order

// One beat's inputs, lane ports one value per lane (flags 0 or 1).
struct BeatIn {
  golden::BnBwdOp op = golden::BnBwdOp::Finish;
  uint32_t inv_n = 0, c = 0;
  Lanes gamma, scale, g, x_hat, amax, amin;
};

// Input ports: op_i, inv_n_i, c_i, gamma_i, scale_i, g_i, x_hat_i, amax_i,
// amin_i.
PortValues to_ports(const golden::BnBwdParams& p, const BeatIn& b);
// The same beat for the golden model (spans into b).
golden::BnBwdModel::Beat to_model(const BeatIn& b, std::vector<uint8_t>& amax,
                                  std::vector<uint8_t>& amin);
// Port values back into a beat.
BeatIn from_ports(const golden::BnBwdParams& p, const PortValues& in);

// One channel of backward input: g (grad), x_hat (io) and the forward's
// chunk extremes as per-element flags.
struct ChannelIn {
  Channel g, x_hat, amax, amin;
};

// One channel group's beats.
struct Group {
  bool load = true;  // false: no LOAD beat (misuse: the sums continue)
  uint32_t inv_n = 0, c = 0;
  Lanes gamma, scale;
  std::vector<Lanes> g, x_hat;          // the STAT beats
  std::vector<Lanes> dx_g, amax, amin;  // the DX beats: the STAT g again unless a test changes them
  int finishes = 0;                     // FINISH beats
  // Random codes on the ports a beat does not read (else zeros).
  bool junk = false;
  uint64_t junk_seed = 0;
};
// A correct group over channels[l] (lane l's n values; all equally long):
// finish_beats() FINISH beats, DX g = STAT g.
Group make_group(const golden::BnBwdParams& p, uint32_t inv_n, uint32_t c, const Lanes& gamma,
                 const Lanes& scale, const std::vector<ChannelIn>& channels);

// Appends labelled beats to a vector list.
class Writer {
 public:
  Writer(const golden::BnBwdParams& p, std::vector<TestVector>& out) : p_(p), out_(out) {}

  // The whole group: LOAD (when g.load), STAT, FINISH, DX beats.
  void group(const Group& g, const std::string& label);
  // Pieces of a group, for perturbed sequences.
  void load(const Group& g, const std::string& label);
  void stats(const Group& g, const std::string& label);
  void dxs(const Group& g, const std::string& label);
  void stat(const Lanes& g, const Lanes& x_hat, const std::string& label);
  void finish(int count, const std::string& label);
  void dx(const Lanes& g, const Lanes& amax, const Lanes& amin, const std::string& label);

 private:
  void beat(BeatIn b, std::string label);
  // What the ports a beat does not read carry: zeros, or junk in a group
  // with Group::junk (flags: 0 or 1).
  Lanes filler(int width);

  const golden::BnBwdParams& p_;
  std::vector<TestVector>& out_;
  std::optional<std::mt19937_64> junk_;
};

}  // namespace bf::lightnorm_bn_bwd
