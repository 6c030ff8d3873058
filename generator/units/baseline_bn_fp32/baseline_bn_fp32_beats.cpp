#include "generator/units/baseline_bn_fp32/baseline_bn_fp32_beats.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "generator/design/fp_operand_io.hpp"

namespace bf::baseline_bn_fp32 {

using golden::BnFp32Params;
using golden::BnOp;

PortValues to_ports(const BnFp32Params& p, BnOp op, uint32_t inv_n, const Lanes& x,
                    const Lanes& gamma, const Lanes& beta) {
  const auto L = static_cast<std::size_t>(p.lanes);
  if (x.size() != L || gamma.size() != L || beta.size() != L)
    throw std::logic_error("baseline.bn_fp32: a beat needs one x, gamma and beta per lane");
  BitVec o(2), n(32);
  o.set(0, 2, static_cast<uint64_t>(op));
  n.set(0, 32, inv_n);
  return {o, n, fp_operand_io::pack(x, 32), fp_operand_io::pack(gamma, 32),
          fp_operand_io::pack(beta, 32)};
}

Group make_group(const BnFp32Params& p, uint32_t inv_n, const Lanes& gamma, const Lanes& beta,
                 const std::vector<Channel>& channels) {
  const auto L = static_cast<std::size_t>(p.lanes);
  if (channels.size() != L) throw std::logic_error("baseline.bn_fp32: one channel per lane");
  Group g;
  g.inv_n = inv_n;
  g.gamma = gamma;
  g.beta = beta;
  g.finishes = p.finish_beats();
  const std::size_t n = channels[0].size();
  for (std::size_t i = 0; i < n; ++i) {
    Lanes x(L);
    for (std::size_t l = 0; l < L; ++l) x[l] = channels[l].at(i);
    g.stat.push_back(x);
  }
  g.norm = g.stat;
  return g;
}

void Writer::group(const Group& g, const std::string& label) {
  if (g.junk) junk_.emplace(g.junk_seed);
  if (g.load) load(g, label);
  stats(g, label);
  finish(g.finishes, label);
  norms(g, label);
  junk_.reset();
}

void Writer::load(const Group& g, const std::string& label) {
  beat(BnOp::Load, g.inv_n, filler(), g.gamma, g.beta, label + ": LOAD");
}

void Writer::stats(const Group& g, const std::string& label) {
  for (std::size_t i = 0; i < g.stat.size(); ++i)
    stat(g.stat[i], fmt::format("{}: STAT {}/{}", label, i + 1, g.stat.size()));
}

void Writer::norms(const Group& g, const std::string& label) {
  for (std::size_t i = 0; i < g.norm.size(); ++i)
    norm(g.norm[i], fmt::format("{}: NORM {}/{}", label, i + 1, g.norm.size()));
}

void Writer::stat(const Lanes& x, const std::string& label) {
  beat(BnOp::Stat, 0, x, filler(), filler(), label);
}

void Writer::finish(int count, const std::string& label) {
  for (int k = 0; k < count; ++k)
    beat(BnOp::Finish, 0, filler(), filler(), filler(),
         fmt::format("{}: FINISH {}/{}", label, k + 1, count));
}

void Writer::norm(const Lanes& x, const std::string& label) {
  beat(BnOp::Norm, 0, x, filler(), filler(), label);
}

void Writer::beat(BnOp op, uint32_t inv_n, const Lanes& x, const Lanes& gamma, const Lanes& beta,
                  std::string label) {
  if (op != BnOp::Load && junk_) inv_n = static_cast<uint32_t>((*junk_)());
  out_.push_back({to_ports(p_, op, inv_n, x, gamma, beta), std::move(label)});
}

Lanes Writer::filler() {
  Lanes r(static_cast<std::size_t>(p_.lanes), 0u);
  if (junk_)
    for (auto& c : r) c = static_cast<uint32_t>((*junk_)());
  return r;
}

}  // namespace bf::baseline_bn_fp32
