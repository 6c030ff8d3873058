// quant.block: the Design (ports, vectors, model) and its registration.
#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "generator/design/unit_info.hpp"
#include "generator/units/quant_block/quant_block_rtl.hpp"
#include "golden/data/synthetic.hpp"
#include "golden/formats/block_format.hpp"
#include "golden/formats/tensor_quant.hpp"
#include "golden/units/quant_block/quant_block.hpp"

namespace bf::quant_block {
namespace {

using golden::BlockFormat;
using golden::QuantBlockParams;

std::string describe_input(uint64_t bits, int width) {
  const uint32_t f32 =
      width == 16 ? static_cast<uint32_t>(bits) << 16 : static_cast<uint32_t>(bits);
  float v;
  std::memcpy(&v, &f32, 4);
  return fmt::format("0x{:0{}x} (s={} e={} m=0x{:x} = {:.9g})", bits, width / 4, f32 >> 31,
                     (f32 >> 23) & 0xff, f32 & 0x7fffff, v);
}

class QuantBlockDesign : public Design {
 public:
  QuantBlockDesign(QuantBlockParams p, std::string top)
      : p_(std::move(p)), top_(std::move(top)), f_(p_.block_format()) {}

  std::string unit_name() const override { return "quant.block"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, generated_header(*this, top_));
  }

  std::vector<PortSpec> data_inputs() const override {
    const int w = p_.input_width();
    PortSpec x{"x_i", p_.block * w, "block of " + p_.input + " inputs", {}};
    for (int i = 0; i < p_.block; ++i)
      x.fields.push_back(
          {fmt::format("x[{}]", i), i * w, w, [w](uint64_t v) { return describe_input(v, w); }});
    std::vector<PortSpec> ports{x};
    if (p_.stochastic()) {
      const int r = p_.stochastic_bits;
      PortSpec rnd{"rand_i", p_.block * r, "random bits per element", {}};
      for (int i = 0; i < p_.block; ++i)
        rnd.fields.push_back({fmt::format("rand[{}]", i), i * r, r, {}});
      ports.push_back(rnd);
    }
    return ports;
  }

  std::vector<PortSpec> data_outputs() const override {
    const BlockFormat f = f_;
    PortSpec scale{"scale_o", f.scale_bits(), "shared scale field", {}};
    scale.fields.push_back({"scale", 0, f.scale_bits(), [f](uint64_t v) {
                              return fmt::format(
                                  "2^{} per unit",
                                  f.kind == BlockFormat::Kind::Bfp
                                      ? static_cast<int>(v) - ((1 << (f.exp_bits - 1)) - 1)
                                      : static_cast<int>(v) - 127);
                            }});
    const int eb = f.elem_bits();
    PortSpec elems{"elems_o", p_.block * eb, "element codes", {}};
    for (int i = 0; i < p_.block; ++i)
      elems.fields.push_back(
          {fmt::format("elem[{}]", i), i * eb, eb, [f](uint64_t v) {
             // Value of the code under a unit scale (S = 127 for MX,
             // s = bias for BFP), i.e. the element on its own.
             const uint32_t unit =
                 f.kind == BlockFormat::Kind::Bfp ? (1u << (f.exp_bits - 1)) - 1 : 127u;
             return fmt::format("{:g} x scale",
                                golden::dequantize_element(f, unit, static_cast<uint32_t>(v)));
           }});
    return {scale, elems};
  }

  int latency() const override { return p_.pipeline_stages + 1; }
  Operations operations() const override { return {static_cast<double>(p_.block), "element"}; }

  PortValues emulate(const PortValues& in) const override {
    const int k = p_.block, w = p_.input_width();
    std::vector<uint32_t> x(k), rnd(k), codes(k);
    for (int i = 0; i < k; ++i) {
      const uint64_t v = in[0].get(i * w, w);
      x[i] = w == 16 ? static_cast<uint32_t>(v) << 16 : static_cast<uint32_t>(v);
      if (p_.stochastic())
        rnd[i] = static_cast<uint32_t>(in[1].get(i * p_.stochastic_bits, p_.stochastic_bits));
    }
    const uint32_t scale = golden::quantize_block(f_, x, codes, rnd);
    BitVec s(f_.scale_bits()), e(k * f_.elem_bits());
    s.set(0, f_.scale_bits(), scale);
    for (int i = 0; i < k; ++i) e.set(i * f_.elem_bits(), f_.elem_bits(), codes[i]);
    return {s, e};
  }

  std::vector<TestVector> corner_cases() const override;
  TestVector random_case(std::mt19937_64& rng) const override;

  // The format's cost and accuracy: storage bits per element and the SQNR of
  // quantize-dequantize on the standard LLM-like activation tensor
  // (golden/data/synthetic.hpp, default spec), blocks along the channels.
  nlohmann::ordered_json metrics() const override {
    const golden::LlmActivationSpec spec;
    const auto x = golden::llm_like_activations(spec);
    std::vector<float> q(x.size());
    golden::quantize_dequantize(f_, x.data(), q.data(), spec.rows, spec.cols, 1);
    const auto e = golden::error_stats(x.data(), q.data(), x.size());
    return {{"format", f_.name()},
            {"bits_per_element", f_.bits_per_element()},
            {"block_storage_bits", f_.block_storage_bits()},
            {"sqnr_db", e.sqnr_db}};
  }

 private:
  // Builds a vector from fp32 bit patterns (truncated to bf16 when the input
  // is bf16) and, for stochastic rounding, the given random values.
  TestVector make(const std::vector<uint32_t>& xs, const std::string& label,
                  std::mt19937_64* rng = nullptr) const {
    const int k = p_.block, w = p_.input_width();
    BitVec x(k * w);
    for (int i = 0; i < k; ++i) {
      const uint32_t v = xs[static_cast<std::size_t>(i) % xs.size()];
      x.set(i * w, w, w == 16 ? v >> 16 : v);
    }
    TestVector tv{{x}, label};
    if (p_.stochastic()) {
      const int r = p_.stochastic_bits;
      BitVec rnd(k * r);
      std::mt19937_64 fixed(7);
      std::mt19937_64& g = rng ? *rng : fixed;
      for (int i = 0; i < k; ++i) rnd.set(i * r, r, g() & ((uint64_t{1} << r) - 1));
      tv.inputs.push_back(rnd);
    }
    return tv;
  }

  QuantBlockParams p_;
  std::string top_;
  BlockFormat f_;
};

uint32_t bits_of(float v) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  return b;
}

std::vector<TestVector> QuantBlockDesign::corner_cases() const {
  std::vector<TestVector> v;
  const int k = p_.block;
  v.push_back(make({0u}, "all-zero block"));
  v.push_back(make({0x80000000u}, "all negative zero"));
  v.push_back(make({bits_of(1.0f), 0x7fc00000u}, "quiet NaN in the block"));
  v.push_back(make({bits_of(1.0f), 0x7f800000u}, "+Inf in the block"));
  v.push_back(make({bits_of(-3.0f), 0xff800000u, bits_of(2.0f)}, "-Inf in the block"));
  v.push_back(make({0x7f7fffffu, 0xff7fffffu, bits_of(1.0f)}, "fp32 max magnitudes"));
  v.push_back(make({0x00000001u, 0x80000003u, 0x007fffffu, 0x00400000u}, "fp32 subnormals only"));
  v.push_back(make({0x00800000u, 0x00000001u, 0x807fffffu}, "min normal with subnormals"));
  v.push_back(make({bits_of(1.0f), 0x00000001u, 0x00400000u}, "unit max with subnormals"));
  v.push_back(make({bits_of(1.0f)}, "all equal 1.0"));
  v.push_back(make({bits_of(-1.5f), bits_of(1.5f)}, "alternating signs, equal magnitude"));
  // Rounding ties: with max 1.0 (exponent 0) the element quantum is known;
  // values at j + 1/2 quanta for even and odd j, both signs.
  {
    std::vector<uint32_t> xs{bits_of(1.0f)};
    float quantum;
    switch (f_.kind) {
      case BlockFormat::Kind::MxInt:
        quantum = std::ldexp(1.0f, -(f_.int_bits - 2));
        break;
      case BlockFormat::Kind::Bfp:
        quantum = std::ldexp(1.0f, -(f_.man_bits - 1));
        break;
      default:  // float elements at the top binade: 2^(emax - M) relative to 2^emax
        quantum = std::ldexp(1.0f, -f_.elem_float.man_bits);
        break;
    }
    for (int j = 0; j < 6; ++j) {
      xs.push_back(bits_of((j + 0.5f) * quantum));
      xs.push_back(bits_of(-(j + 0.5f) * quantum));
    }
    v.push_back(make(xs, "rounding ties at half quanta"));
  }
  {
    // Just below and above the largest element magnitude (saturation and the
    // rounding carry into the next binade).
    std::vector<uint32_t> xs{bits_of(1.999999f),  bits_of(-1.999999f), bits_of(1.96875f),
                             bits_of(-1.984375f), bits_of(1.9921875f), bits_of(1.0f)};
    v.push_back(make(xs, "near the top of the range: carry and saturation"));
  }
  {
    // One outlier with tiny elements: most codes underflow to 0 or subnormal
    // element values.
    std::vector<uint32_t> xs{bits_of(1024.0f)};
    for (int e = -1; e > -30; e -= 3) xs.push_back(bits_of(std::ldexp(1.3f, e)));
    v.push_back(make(xs, "one outlier, geometric tail"));
  }
  {
    std::vector<uint32_t> xs;
    for (int i = 0; i < k; ++i) xs.push_back(bits_of(static_cast<float>(i - k / 2) / 4.0f));
    v.push_back(make(xs, "ramp"));
  }
  {
    // Smallest block scales: max around 2^-127 and below, so the scale field
    // clamps at its minimum while elements stay nonzero.
    std::vector<uint32_t> xs{0x00400000u, 0x00200000u, 0x80100000u, 0x00000400u, 0x00600000u};
    v.push_back(make(xs, "clamped minimum scale"));
  }
  return v;
}

TestVector QuantBlockDesign::random_case(std::mt19937_64& rng) const {
  const int k = p_.block;
  std::uniform_int_distribution<int> pick(0, 99);
  // Per block: a base exponent anywhere in fp32's range (biased toward the
  // middle), element exponents close below it (geometric), random mantissas
  // that often end in zeros (rounding ties), and rare zeros/subnormals/
  // outliers/NaN/Inf.
  const int mode = pick(rng);
  int base;
  if (mode < 70)
    base = std::uniform_int_distribution<int>(100, 154)(rng);
  else if (mode < 85)
    base = std::uniform_int_distribution<int>(1, 254)(rng);
  else if (mode < 93)
    base = std::uniform_int_distribution<int>(0, 12)(rng);  // around the subnormal range
  else
    base = std::uniform_int_distribution<int>(240, 254)(rng);  // near the top
  const int spread = std::uniform_int_distribution<int>(0, 4)(rng) * 3;
  std::vector<uint32_t> xs(static_cast<std::size_t>(k));
  for (int i = 0; i < k; ++i) {
    const int r = pick(rng);
    uint32_t sign = (rng() & 1) << 31;
    if (r < 4) {
      xs[i] = sign;  // zero
      continue;
    }
    std::geometric_distribution<int> geo(spread ? 1.0 / (1 + spread) : 0.9);
    int e = base - geo(rng);
    if (r < 8) e = base + std::uniform_int_distribution<int>(1, 20)(rng);  // outlier
    e = std::clamp(e, 0, 254);
    uint32_t mant = static_cast<uint32_t>(rng()) & 0x7fffff;
    const int keep = std::uniform_int_distribution<int>(0, 23)(rng);
    if (pick(rng) < 40) mant &= ~((1u << (23 - keep)) - 1);  // few significant bits: ties
    xs[i] = sign | (static_cast<uint32_t>(e) << 23) | mant;
  }
  if (pick(rng) < 2) xs[rng() % k] = (rng() & 1) ? 0x7fc00000u : 0x7f800000u | ((rng() & 1) << 31);
  return make(xs, "random", &rng);
}

std::string default_name(const QuantBlockParams& p) {
  return fmt::format("quant_block_{}_k{}_{}_p{}", p.format, p.block, p.input, p.pipeline_stages);
}

const UnitRegistration registration(make_unit<QuantBlockParams>(
    "quant.block",
    "streaming block quantizer: k fp32/bf16 values -> shared scale + k MX/BFP element codes",
    [](const QuantBlockParams& p, std::string top) {
      return std::make_unique<QuantBlockDesign>(p, std::move(top));
    },
    default_name,
    {
        "format = \"mxint8\"\nblock = 32",
        "format = \"mxint4\"\nblock = 8\nint_encoding = \"twos_complement\"\nrounding = "
        "\"nearest_away\"",
        "format = \"mxfp4_e2m1\"\nblock = 32",
        "format = \"mxfp8_e4m3\"\nblock = 16\ninput = \"bf16\"\npipeline_stages = 1",
        "format = \"mxfp8_e5m2\"\nblock = 8\nrounding = \"truncate\"",
        "format = \"mxfp6_e3m2\"\nblock = 8\nrounding = \"stochastic\"\nstochastic_bits = 4",
        "format = \"mxfp6_e2m3\"\nblock = 8",
        "format = \"bfp8\"\nblock = 16\nrounding = \"truncate\"",
        "format = \"bfp4\"\nblock = 8\nbfp_exp_bits = 5\nrounding = \"nearest_even\"",
    }));

}  // namespace
}  // namespace bf::quant_block
