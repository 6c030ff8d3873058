#include "generator/units/lightnorm_bn_bwd/lightnorm_bn_bwd_beats.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "generator/design/fp_operand_io.hpp"

namespace bf::lightnorm_bn_bwd {

using golden::BnBwdOp;
using golden::BnBwdParams;

namespace {

struct Widths {
  int io, grad, stat;
};
Widths widths(const BnBwdParams& p) {
  const auto rb = p.range_bn();
  return {rb.io.width(), rb.grad.width(), rb.stat.width()};
}

Lanes unpack(const BitVec& v, int lanes, int width) {
  Lanes r;
  for (int l = 0; l < lanes; ++l) r.push_back(static_cast<uint32_t>(v.get(l * width, width)));
  return r;
}

}  // namespace

PortValues to_ports(const BnBwdParams& p, const BeatIn& b) {
  const auto L = static_cast<std::size_t>(p.lanes);
  for (const Lanes* v : {&b.gamma, &b.scale, &b.g, &b.x_hat, &b.amax, &b.amin})
    if (v->size() != L) throw std::logic_error("lightnorm.bn_bwd: a beat needs one value per lane");
  const Widths w = widths(p);
  BitVec o(2), n(32), c(32);
  o.set(0, 2, static_cast<uint64_t>(b.op));
  n.set(0, 32, b.inv_n);
  c.set(0, 32, b.c);
  return {o,
          n,
          c,
          fp_operand_io::pack(b.gamma, w.io),
          fp_operand_io::pack(b.scale, w.stat),
          fp_operand_io::pack(b.g, w.grad),
          fp_operand_io::pack(b.x_hat, w.io),
          fp_operand_io::pack(b.amax, 1),
          fp_operand_io::pack(b.amin, 1)};
}

golden::BnBwdModel::Beat to_model(const BeatIn& b, std::vector<uint8_t>& amax,
                                  std::vector<uint8_t>& amin) {
  amax.assign(b.amax.begin(), b.amax.end());
  amin.assign(b.amin.begin(), b.amin.end());
  golden::BnBwdModel::Beat m;
  m.op = b.op;
  m.inv_n = b.inv_n;
  m.c = b.c;
  m.gamma = b.gamma;
  m.scale = b.scale;
  m.g = b.g;
  m.x_hat = b.x_hat;
  m.amax = amax;
  m.amin = amin;
  return m;
}

BeatIn from_ports(const BnBwdParams& p, const PortValues& in) {
  const Widths w = widths(p);
  BeatIn b;
  b.op = static_cast<BnBwdOp>(in[0].get(0, 2));
  b.inv_n = static_cast<uint32_t>(in[1].get(0, 32));
  b.c = static_cast<uint32_t>(in[2].get(0, 32));
  b.gamma = unpack(in[3], p.lanes, w.io);
  b.scale = unpack(in[4], p.lanes, w.stat);
  b.g = unpack(in[5], p.lanes, w.grad);
  b.x_hat = unpack(in[6], p.lanes, w.io);
  b.amax = unpack(in[7], p.lanes, 1);
  b.amin = unpack(in[8], p.lanes, 1);
  return b;
}

Group make_group(const BnBwdParams& p, uint32_t inv_n, uint32_t c, const Lanes& gamma,
                 const Lanes& scale, const std::vector<ChannelIn>& channels) {
  const auto L = static_cast<std::size_t>(p.lanes);
  if (channels.size() != L) throw std::logic_error("lightnorm.bn_bwd: one channel per lane");
  Group g;
  g.inv_n = inv_n;
  g.c = c;
  g.gamma = gamma;
  g.scale = scale;
  g.finishes = p.finish_beats();
  const std::size_t n = channels[0].g.size();
  for (std::size_t i = 0; i < n; ++i) {
    Lanes gi(L), xi(L), mx(L), mn(L);
    for (std::size_t l = 0; l < L; ++l) {
      gi[l] = channels[l].g.at(i);
      xi[l] = channels[l].x_hat.at(i);
      mx[l] = channels[l].amax.at(i);
      mn[l] = channels[l].amin.at(i);
    }
    g.g.push_back(gi);
    g.x_hat.push_back(xi);
    g.amax.push_back(mx);
    g.amin.push_back(mn);
  }
  g.dx_g = g.g;
  return g;
}

void Writer::group(const Group& g, const std::string& label) {
  if (g.junk) junk_.emplace(g.junk_seed);
  if (g.load) load(g, label);
  stats(g, label);
  finish(g.finishes, label);
  dxs(g, label);
  junk_.reset();
}

void Writer::load(const Group& g, const std::string& label) {
  const Widths w = widths(p_);
  BeatIn b{BnBwdOp::Load,  g.inv_n,      g.c,       g.gamma,  g.scale,
           filler(w.grad), filler(w.io), filler(1), filler(1)};
  beat(std::move(b), label + ": LOAD");
}

void Writer::stats(const Group& g, const std::string& label) {
  for (std::size_t i = 0; i < g.g.size(); ++i)
    stat(g.g[i], g.x_hat[i], fmt::format("{}: STAT {}/{}", label, i + 1, g.g.size()));
}

void Writer::dxs(const Group& g, const std::string& label) {
  for (std::size_t i = 0; i < g.dx_g.size(); ++i) {
    // Flags of DX beats beyond the STAT beats' positions: none.
    const Lanes none(static_cast<std::size_t>(p_.lanes), 0u);
    dx(g.dx_g[i], i < g.amax.size() ? g.amax[i] : none, i < g.amin.size() ? g.amin[i] : none,
       fmt::format("{}: DX {}/{}", label, i + 1, g.dx_g.size()));
  }
}

void Writer::stat(const Lanes& g, const Lanes& x_hat, const std::string& label) {
  const Widths w = widths(p_);
  BeatIn b{BnBwdOp::Stat, 0, 0, filler(w.io), filler(w.stat), g, x_hat, filler(1), filler(1)};
  beat(std::move(b), label);
}

void Writer::finish(int count, const std::string& label) {
  const Widths w = widths(p_);
  for (int k = 0; k < count; ++k) {
    BeatIn b{BnBwdOp::Finish, 0,         0,        filler(w.io), filler(w.stat), filler(w.grad),
             filler(w.io),    filler(1), filler(1)};
    beat(std::move(b), fmt::format("{}: FINISH {}/{}", label, k + 1, count));
  }
}

void Writer::dx(const Lanes& g, const Lanes& amax, const Lanes& amin, const std::string& label) {
  const Widths w = widths(p_);
  BeatIn b{BnBwdOp::Dx, 0, 0, filler(w.io), filler(w.stat), g, filler(w.io), amax, amin};
  beat(std::move(b), label);
}

void Writer::beat(BeatIn b, std::string label) {
  if (b.op != BnBwdOp::Load && junk_) {
    b.inv_n = static_cast<uint32_t>((*junk_)());
    b.c = static_cast<uint32_t>((*junk_)());
  }
  out_.push_back({to_ports(p_, b), std::move(label)});
}

Lanes Writer::filler(int width) {
  Lanes r(static_cast<std::size_t>(p_.lanes), 0u);
  if (junk_) {
    const uint32_t mask = width >= 32 ? 0xffffffffu : (uint32_t{1} << width) - 1;
    for (auto& c : r) c = static_cast<uint32_t>((*junk_)()) & mask;
  }
  return r;
}

}  // namespace bf::lightnorm_bn_bwd
