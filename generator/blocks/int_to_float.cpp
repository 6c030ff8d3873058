#include "generator/blocks/int_to_float.hpp"

#include <fmt/format.h>

#include "generator/blocks/blocks.hpp"
#include "generator/blocks/fp_blocks.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::blocks {

using vlog::bit;
using vlog::concat;
using vlog::lit;
using vlog::zext;

std::string scaled_int_to_fp32(vlog::Module& m, const std::string& prefix,
                               const ScaledIntToFp32& x) {
  const int bw = x.width;
  const std::string neg = prefix + "_neg", mag = prefix + "_mag", norm = prefix + "_norm",
                    exp = prefix + "_exp";
  m.wire(neg, 1);
  m.assign(neg, bit(x.value, bw - 1));
  m.wire(mag, bw);
  m.assign(mag, fmt::format("{0} ? -{1} : {1}", neg, x.value));
  const std::string lz = leading_zeros(m, prefix + "_lz", mag, bw);
  const int lzw = vlog::bits_for(static_cast<uint64_t>(bw));
  m.wire(norm, bw, "leading one at the top");
  m.assign(norm, mag + " << " + lz);
  const int ew = vlog::bits_for(static_cast<uint64_t>(x.exp_base_max + bw - 1));
  m.wire(exp, ew, fmt::format("{} + {} - lzc, bias {}", x.exp_base_doc, bw - 1, x.base_bias));
  m.assign(exp, fmt::format("{} + {} - {}", zext(x.exp_base, x.exp_base_width, ew),
                            lit(ew, static_cast<uint64_t>(bw - 1)), zext(lz, lzw, ew)));
  FpRoundPack rp;
  rp.f = golden::FloatFormat::fp32();
  rp.mode = golden::Rounding::NearestEven;
  rp.sign = neg;
  rp.sig = concat({"1'b0", norm});
  rp.sig_width = bw + 1;
  rp.exp = exp;
  rp.exp_width = ew;
  rp.exp_bias = x.base_bias;
  rp.exp_lo = 0;
  rp.exp_hi = x.exp_base_max + bw - 1;
  return fp_round_pack(m, prefix + "_rnd", rp);
}

}  // namespace bf::blocks
