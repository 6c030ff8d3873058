#include "generator/units/lightnorm_bn_fwd/lightnorm_bn_fwd_beats.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "generator/design/fp_operand_io.hpp"
#include "golden/formats/lightnorm_bfp_storage.hpp"

namespace bf::lightnorm_bn_fwd {

using golden::BnOp;
using golden::LnBnFwdParams;

namespace {

int io_width(const LnBnFwdParams& p) { return p.range_bn().io.width(); }

uint64_t low_mask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

}  // namespace

int data_width(const LnBnFwdParams& p) {
  if (!p.has_bfp()) return p.lanes * io_width(p);
  return p.lanes / p.bfp_group * p.storage().group_bits();
}

BitVec encode_data(const LnBnFwdParams& p, const Lanes& codes) {
  if (static_cast<int>(codes.size()) != p.lanes)
    throw std::logic_error("lightnorm.bn_fwd: one code per lane");
  if (!p.has_bfp()) return fp_operand_io::pack(codes, io_width(p));
  const auto s = p.storage();
  const int G = s.group_bits(), g = p.bfp_group;
  BitVec out(data_width(p));
  for (int j = 0; j < p.lanes / g; ++j) {
    const auto bytes = golden::lightnorm_bfp_encode(
        s, std::span<const uint32_t>(codes).subspan(static_cast<std::size_t>(j * g),
                                                    static_cast<std::size_t>(g)));
    for (int b = 0; b * 8 < G; ++b)
      out.set(G * j + 8 * b, std::min(8, G - 8 * b), bytes[static_cast<std::size_t>(b)]);
  }
  return out;
}

Lanes decode_data(const LnBnFwdParams& p, const BitVec& bits) {
  const int W = io_width(p);
  Lanes codes(static_cast<std::size_t>(p.lanes));
  if (!p.has_bfp()) {
    for (int l = 0; l < p.lanes; ++l)
      codes[static_cast<std::size_t>(l)] = static_cast<uint32_t>(bits.get(W * l, W));
    return codes;
  }
  const auto s = p.storage();
  const int G = s.group_bits(), g = p.bfp_group;
  std::vector<uint8_t> bytes(static_cast<std::size_t>((G + 7) / 8));
  for (int j = 0; j < p.lanes / g; ++j) {
    for (int b = 0; b * 8 < G; ++b)
      bytes[static_cast<std::size_t>(b)] =
          static_cast<uint8_t>(bits.get(G * j + 8 * b, std::min(8, G - 8 * b)));
    golden::lightnorm_bfp_decode(s, bytes,
                                 std::span<uint32_t>(codes).subspan(static_cast<std::size_t>(j * g),
                                                                    static_cast<std::size_t>(g)));
  }
  return codes;
}

PortValues to_ports(const LnBnFwdParams& p, BnOp op, uint64_t len, uint32_t inv_n, uint32_t c,
                    const BitVec& x, const Lanes& gamma, const Lanes& beta) {
  const auto L = static_cast<std::size_t>(p.lanes);
  if (gamma.size() != L || beta.size() != L || x.width() != data_width(p))
    throw std::logic_error("lightnorm.bn_fwd: a beat needs x, gamma and beta for every lane");
  const auto rp = p.range_bn();
  BitVec o(2), n(p.len_bits), inv(32), cc(32);
  o.set(0, 2, static_cast<uint64_t>(op));
  n.set(0, p.len_bits, len & low_mask(p.len_bits));
  inv.set(0, 32, inv_n);
  cc.set(0, 32, c);
  return {o,
          n,
          inv,
          cc,
          x,
          fp_operand_io::pack(gamma, rp.io.width()),
          fp_operand_io::pack(beta, rp.norm.width())};
}

golden::lightnorm::RangeBnConstants constants(const LnBnFwdParams& p, int64_t n) {
  const auto rp = p.range_bn();
  return golden::lightnorm::range_bn_constants(rp, n >= 2 * rp.chunks ? n : 2 * rp.chunks);
}

Group make_group(const LnBnFwdParams& p, const Lanes& gamma, const Lanes& beta,
                 const std::vector<Channel>& channels) {
  const auto L = static_cast<std::size_t>(p.lanes);
  if (channels.size() != L) throw std::logic_error("lightnorm.bn_fwd: one channel per lane");
  const int chunks = p.range_bn().chunks;
  const std::size_t n = channels[0].size();
  if (n % static_cast<std::size_t>(chunks) != 0)
    throw std::logic_error("lightnorm.bn_fwd: a group's n must be a multiple of chunks");
  Group g;
  g.len = n / static_cast<std::size_t>(chunks);
  const auto k = constants(p, static_cast<int64_t>(n));
  g.inv_n = k.inv_n;
  g.c = k.c;
  g.gamma = gamma;
  g.beta = beta;
  g.finishes = p.finish_beats();
  for (std::size_t i = 0; i < n; ++i) {
    Lanes x(L);
    for (std::size_t l = 0; l < L; ++l) x[l] = channels[l].at(i);
    g.stat.push_back(encode_data(p, x));
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
  beat(BnOp::Load, g.len, g.inv_n, g.c, filler_data(), g.gamma, g.beta, label + ": LOAD");
}

void Writer::stats(const Group& g, const std::string& label) {
  for (std::size_t i = 0; i < g.stat.size(); ++i)
    stat(g.stat[i], fmt::format("{}: STAT {}/{}", label, i + 1, g.stat.size()));
}

void Writer::norms(const Group& g, const std::string& label) {
  for (std::size_t i = 0; i < g.norm.size(); ++i)
    norm(g.norm[i], fmt::format("{}: NORM {}/{}", label, i + 1, g.norm.size()));
}

void Writer::stat(const BitVec& x, const std::string& label) {
  const auto rp = p_.range_bn();
  beat(BnOp::Stat, 0, 0, 0, x, filler(rp.io.width()), filler(rp.norm.width()), label);
}

void Writer::finish(int count, const std::string& label) {
  const auto rp = p_.range_bn();
  for (int k = 0; k < count; ++k)
    beat(BnOp::Finish, 0, 0, 0, filler_data(), filler(rp.io.width()), filler(rp.norm.width()),
         fmt::format("{}: FINISH {}/{}", label, k + 1, count));
}

void Writer::norm(const BitVec& x, const std::string& label) {
  const auto rp = p_.range_bn();
  beat(BnOp::Norm, 0, 0, 0, x, filler(rp.io.width()), filler(rp.norm.width()), label);
}

void Writer::beat(BnOp op, uint64_t len, uint32_t inv_n, uint32_t c, const BitVec& x,
                  const Lanes& gamma, const Lanes& beta, std::string label) {
  if (op != BnOp::Load && junk_) {
    len = (*junk_)();
    inv_n = static_cast<uint32_t>((*junk_)());
    c = static_cast<uint32_t>((*junk_)());
  }
  out_.push_back({to_ports(p_, op, len, inv_n, c, x, gamma, beta), std::move(label)});
}

Lanes Writer::filler(int width) {
  Lanes r(static_cast<std::size_t>(p_.lanes), 0u);
  if (junk_)
    for (auto& c : r) c = static_cast<uint32_t>((*junk_)() & low_mask(width));
  return r;
}

BitVec Writer::filler_data() {
  BitVec r(data_width(p_));
  if (junk_)
    for (int i = 0; i < r.width(); ++i) r.set_bit(i, ((*junk_)() & 1) != 0);
  return r;
}

}  // namespace bf::lightnorm_bn_fwd
