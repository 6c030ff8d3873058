#include "generator/design/fp_operand_io.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "generator/blocks/stream_shell.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::fp_operand_io {

using golden::FloatFormat;
using golden::SpecialValues;

namespace {

// m.blank() spelled as an empty comment (also a blank line): GCC 12 reports
// a false -Wmaybe-uninitialized inside std::variant when blank() is inlined
// into top_module().
void separator(vlog::Module& m) { m.comment(""); }

}  // namespace

std::string describe_code(const FloatFormat& f, uint64_t code) {
  const int E = f.exp_bits, M = f.man_bits;
  const uint32_t c = static_cast<uint32_t>(code);
  const double v = golden::decode(f, c);
  std::string val;
  if (std::isnan(v)) {
    val = "NaN";
  } else if (std::isinf(v)) {
    val = v < 0 ? "-inf" : "inf";
  } else {
    val = fmt::format("{:.9g}", v);
  }
  return fmt::format("0x{:0{}x} (s={} e={} m=0x{:x} = {})", c, (f.width() + 3) / 4,
                     (c >> (E + M)) & 1u, (c >> M) & ((1u << E) - 1), c & ((1u << M) - 1), val);
}

PortSpec lane_port(const std::string& name, const std::string& field, int lanes,
                   const FloatFormat& f, const std::string& doc) {
  const int w = f.width();
  PortSpec p{name, lanes * w, doc, {}};
  for (int i = 0; i < lanes; ++i)
    p.fields.push_back({fmt::format("{}[{}]", field, i), i * w, w,
                        [f](uint64_t v) { return describe_code(f, v); }});
  return p;
}

vlog::Module top_module(const TopSpec& t) {
  using vlog::part;
  vlog::Module m;
  m.name = t.name;
  m.header = t.header;
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  m.input("in_valid_i", 1);
  m.output("in_ready_o", 1);
  m.input("a_i", t.lanes * t.a_width,
          fmt::format("{}; lane i at a_i[{}*i +: {}]", t.a_doc, t.a_width, t.a_width));
  if (t.b_width > 0)
    m.input("b_i", t.lanes * t.b_width,
            fmt::format("{}; lane i at b_i[{}*i +: {}]", t.b_doc, t.b_width, t.b_width));
  m.output("out_valid_o", 1);
  m.input("out_ready_i", 1);
  m.output("y_o", t.lanes * t.y_width,
           fmt::format("{}; lane i at y_o[{}*i +: {}]", t.y_doc, t.y_width, t.y_width));

  blocks::StreamShell shell(m);

  separator(m);
  m.comment(fmt::format("{} lane(s) of {}", t.lanes, t.core));
  m.wire("y_d", t.lanes * t.y_width);
  for (int i = 0; i < t.lanes; ++i) {
    vlog::Instance inst{t.core, fmt::format("u_lane_{}", i), {}, ""};
    if (t.core_pipelined) {
      inst.connections.push_back({"clk_i", "clk_i"});
      inst.connections.push_back({"en_i", "advance"});
    }
    inst.connections.push_back({"a_i", part("a_i", i * t.a_width, t.a_width)});
    if (t.b_width > 0) inst.connections.push_back({"b_i", part("b_i", i * t.b_width, t.b_width)});
    inst.connections.push_back({"y_o", part("y_d", i * t.y_width, t.y_width)});
    m.add(inst);
  }

  if (t.core_pipelined && t.core_stages == 1)
    shell.stage("", {}, "valid bit of the operators' internal register stage");
  else if (t.core_pipelined)
    shell.delay(t.core_stages, "", {}, "valid bits of the operators' internal register stages");

  shell.output({{"y_q", "y_d", t.lanes * t.y_width}});
  m.assign("y_o", "y_q");
  return m;
}

int l_lo(const FloatFormat& f) { return f.subnormals ? f.emin() - f.man_bits : f.emin(); }
int l_hi(const FloatFormat& f) { return f.emax(); }

uint32_t make_code(const FloatFormat& f, bool s, int L, uint32_t frac) {
  const int M = f.man_bits;
  const uint32_t sign = s ? 1u << (f.exp_bits + M) : 0u;
  frac &= (1u << M) - 1;
  if (L > f.emax()) return sign | f.max_normal_code();
  if (L >= f.emin()) {
    const uint32_t code = (static_cast<uint32_t>(L + f.bias()) << M) | frac;
    return sign | std::min(code, f.max_normal_code());
  }
  if (!f.subnormals) return sign;
  const int sh = f.emin() - L;
  if (sh > M) return sign;
  return sign | (((1u << M) | frac) >> sh);
}

uint32_t random_frac(const FloatFormat& f, std::mt19937_64& rng) {
  const int M = f.man_bits;
  const uint32_t full = (1u << M) - 1;
  const int r = static_cast<int>(rng() % 100);
  uint32_t frac = static_cast<uint32_t>(rng()) & full;
  if (r < 35) {
    const int keep = static_cast<int>(rng() % (M + 1));
    frac &= ~((1u << (M - keep)) - 1) & full;  // few significant bits: ties, exact results
  } else if (r < 43) {
    frac = full;
  } else if (r < 48) {
    frac = 0;
  }
  return frac;
}

std::vector<uint32_t> special_codes(const FloatFormat& f) {
  const int E = f.exp_bits, M = f.man_bits;
  const uint32_t sgn = 1u << (E + M);
  const uint32_t one = static_cast<uint32_t>(f.bias()) << M;
  std::vector<uint32_t> mags = {0,
                                1,
                                (1u << M) - 1,
                                1u << (M - 1),
                                1u << M,
                                (1u << M) | 1,
                                f.max_normal_code(),
                                f.max_normal_code() - 1,
                                one,
                                one | (1u << (M - 1)),
                                one | 1,
                                one - 1};
  std::vector<uint32_t> codes;
  for (uint32_t mg : mags) {
    codes.push_back(mg);
    codes.push_back(sgn | mg);
  }
  const uint32_t ones = (1u << E) - 1;
  if (f.specials == SpecialValues::Ieee) {
    codes.push_back(ones << M);                      // +Inf
    codes.push_back(sgn | (ones << M));              // -Inf
    codes.push_back((ones << M) | (1u << (M - 1)));  // quiet NaN
    codes.push_back(sgn | (ones << M) | 1u);         // signalling NaN, negative
  } else if (f.specials == SpecialValues::NanOnlyAllOnes) {
    codes.push_back((1u << (E + M)) - 1);
    codes.push_back(sgn | ((1u << (E + M)) - 1));
  }
  return codes;
}

uint32_t random_code(const FloatFormat& f, std::mt19937_64& rng) {
  const int r = static_cast<int>(rng() % 100);
  const bool s = rng() & 1;
  if (r < 5) {
    const auto sp = special_codes(f);
    return sp[rng() % sp.size()];
  }
  int L;
  if (r < 65) {
    L = std::clamp(static_cast<int>(rng() % 21) - 10, l_lo(f), l_hi(f));
  } else if (r < 90) {
    L = l_lo(f) + static_cast<int>(rng() % static_cast<uint64_t>(l_hi(f) - l_lo(f) + 1));
  } else {
    L = f.emin() - f.man_bits - 1 + static_cast<int>(rng() % (f.man_bits + 4));
  }
  return make_code(f, s, L, random_frac(f, rng));
}

BitVec pack(const std::vector<uint32_t>& codes, int width) {
  BitVec v(static_cast<int>(codes.size()) * width);
  for (std::size_t i = 0; i < codes.size(); ++i)
    v.set(static_cast<int>(i) * width, width, codes[i]);
  return v;
}

}  // namespace bf::fp_operand_io
