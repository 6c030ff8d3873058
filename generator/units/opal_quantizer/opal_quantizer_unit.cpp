// opal.quantizer: the Design (ports, vectors, model) and its registration.
#include <fmt/format.h>

#include <bit>
#include <cmath>

#include "generator/design/unit_info.hpp"
#include "generator/units/opal_quantizer/opal_quantizer_rtl.hpp"
#include "golden/data/synthetic.hpp"
#include "golden/formats/float_format.hpp"
#include "golden/formats/mx_opal.hpp"
#include "golden/units/opal_quantizer/opal_quantizer.hpp"

namespace bf::opal_quantizer {
namespace {

using golden::MxOpalFormat;
using golden::OpalQuantizerParams;

std::string bf16_text(uint64_t v) {
  return fmt::format("{:g}", golden::decode(golden::FloatFormat::bf16(), static_cast<uint32_t>(v)));
}

class OpalQuantizerDesign : public Design {
 public:
  OpalQuantizerDesign(OpalQuantizerParams p, std::string top)
      : p_(std::move(p)), top_(std::move(top)), f_(p_.format()) {}

  std::string unit_name() const override { return "opal.quantizer"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }
  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, generated_header(*this, top_));
  }
  int latency() const override { return p_.latency(); }
  Operations operations() const override { return {static_cast<double>(f_.block_size), "element"}; }

  std::vector<PortSpec> data_inputs() const override {
    PortSpec x{"x_i", f_.block_size * 16, "bf16 activations", {}};
    for (int i = 0; i < f_.block_size; ++i)
      x.fields.push_back({fmt::format("x[{}]", i), i * 16, 16, bf16_text});
    if (p_.mode_bits() == 0) return {x};
    return {x, {"mode_i", p_.mode_bits(), "inlier width: 0 = bits, j = alt_bits[j-1]", {}}};
  }

  std::vector<PortSpec> data_outputs() const override {
    const int k = f_.block_size, n = f_.outliers, ib = f_.index_bits(), b = p_.max_bits();
    std::vector<PortSpec> out;
    out.push_back({"scale_o", 8, "E8M0 scale of the inliers", {{"scale", 0, 8, {}}}});
    if (n) {
      PortSpec idx{"idx_o", n * ib, "outlier indices, ascending", {}};
      PortSpec val{"outl_o", n * 16, "outlier bf16 values", {}};
      for (int j = 0; j < n; ++j) {
        idx.fields.push_back({fmt::format("idx[{}]", j), j * ib, ib, {}});
        val.fields.push_back({fmt::format("outlier[{}]", j), j * 16, 16, bf16_text});
      }
      out.push_back(idx);
      out.push_back(val);
    }
    const int slots = by_position() ? k : k - n;
    PortSpec codes{"codes_o",
                   slots * b,
                   by_position() ? "element codes by position, 0 at outliers" : "inlier codes",
                   {}};
    for (int j = 0; j < slots; ++j)
      codes.fields.push_back({fmt::format("code[{}]", j), j * b, b, {}});
    out.push_back(codes);
    return out;
  }

  PortValues emulate(const PortValues& in) const override {
    const int k = f_.block_size, n = f_.outliers, ib = f_.index_bits(), b = p_.max_bits();
    std::vector<uint32_t> x(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) x[i] = static_cast<uint32_t>(in[0].get(i * 16, 16)) << 16;
    const int mode = p_.mode_bits() ? static_cast<int>(in[1].get(0, p_.mode_bits())) : 0;
    const MxOpalFormat f = p_.format(mode);
    const auto blk = golden::mx_opal_quantize(f, x);
    PortValues out;
    BitVec scale(8);
    scale.set(0, 8, blk.scale);
    out.push_back(scale);
    if (n) {
      BitVec idx(n * ib), val(n * 16);
      for (int j = 0; j < n; ++j) {
        idx.set(j * ib, ib, blk.indices[j]);
        val.set(j * 16, 16, blk.outliers[j]);
      }
      out.push_back(idx);
      out.push_back(val);
    }
    const auto list = by_position() ? golden::mx_opal_codes_by_position(f, blk) : blk.codes;
    BitVec codes(static_cast<int>(list.size()) * b);
    for (std::size_t j = 0; j < list.size(); ++j) codes.set(static_cast<int>(j) * b, b, list[j]);
    out.push_back(codes);
    return out;
  }

  std::vector<TestVector> corner_cases() const override;
  TestVector random_case(std::mt19937_64& rng) const override;

  nlohmann::ordered_json metrics() const override {
    const golden::LlmActivationSpec spec;
    const auto x = golden::llm_like_activations(spec);
    std::vector<float> q(x.size());
    golden::mx_opal_quantize_dequantize(f_, x.data(), q.data(), spec.rows, spec.cols);
    double num = 0, den = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      num += double{x[i]} * x[i];
      den += (double{x[i]} - q[i]) * (double{x[i]} - q[i]);
    }
    return {{"format", f_.name()},
            {"bits_per_element", f_.bits_per_element()},
            {"block_storage_bits", f_.block_storage_bits()},
            {"sqnr_db", den > 0 ? 10 * std::log10(num / den) : 999.0}};
  }

 private:
  bool by_position() const { return p_.layout == "positions"; }
  // bf16 patterns (upper halves of fp32 encodings), repeated to fill k.
  TestVector make(const std::vector<uint32_t>& bf16, const std::string& label, int mode = 0) const {
    BitVec x(f_.block_size * 16);
    for (int i = 0; i < f_.block_size; ++i) x.set(i * 16, 16, bf16[i % bf16.size()] & 0xffffu);
    if (p_.mode_bits() == 0) return {{x}, label};
    BitVec m(p_.mode_bits());
    m.set(0, p_.mode_bits(), static_cast<uint64_t>(mode));
    return {{x, m}, label};
  }

  OpalQuantizerParams p_;
  std::string top_;
  MxOpalFormat f_;
};

uint32_t bf(float v) { return std::bit_cast<uint32_t>(v) >> 16; }

std::vector<TestVector> OpalQuantizerDesign::corner_cases() const {
  const int k = f_.block_size;
  std::vector<TestVector> v;
  v.push_back(make({0}, "all zero: outliers are the first n indices"));
  v.push_back(make({0x8000}, "all negative zero"));
  v.push_back(make({bf(1.5f), bf(-1.5f)}, "all equal magnitudes: ties go to lower indices"));
  {
    std::vector<uint32_t> x(k, bf(0.25f));
    x[0] = bf(-100);
    x[k - 1] = bf(100);
    v.push_back(make(x, "outliers at both ends, equal magnitude"));
  }
  {
    std::vector<uint32_t> x(k, bf(1));
    x[3] = 0x7fc1;  // NaN with a payload: stored canonical
    x[5] = 0xff80;  // -Inf
    x[7] = 0x7f80;  // +Inf
    v.push_back(make(x, "NaN and infinities among the largest"));
  }
  {
    std::vector<uint32_t> x(k, bf(1));
    for (int i = 0; i < k; i += 7) x[i] = 0x7f80;  // more infinities than outlier slots
    v.push_back(make(x, "more infinities than outlier slots: NaN inliers"));
  }
  {
    std::vector<uint32_t> x(k);
    for (int i = 0; i < k; ++i) x[i] = bf(std::ldexp(1.0f, (i % 40) - 20) * ((i % 3) ? 1 : -1));
    v.push_back(make(x, "geometric magnitudes"));
  }
  {
    std::vector<uint32_t> x(k, 0x0001);  // bf16 subnormals
    x[2] = 0x0040;
    v.push_back(make(x, "bf16 subnormals"));
  }
  {
    std::vector<uint32_t> x(k);
    for (int i = 0; i < k; ++i) x[i] = bf((i % 8) * 0.25f - 1.0f);  // inlier ties at half steps
    x[1] = bf(50);
    v.push_back(make(x, "rounding ties among inliers"));
  }
  if (p_.mode_bits() > 0) {
    // Every case at every mode value (past the list included).
    const std::size_t cases = v.size();
    const int values = 1 << p_.mode_bits();
    for (int mode = 1; mode < values; ++mode)
      for (std::size_t i = 0; i < cases; ++i) {
        TestVector t = v[i];
        t.inputs[1].set(0, p_.mode_bits(), static_cast<uint64_t>(mode));
        v.push_back(t);
      }
  }
  return v;
}

TestVector OpalQuantizerDesign::random_case(std::mt19937_64& rng) const {
  const int k = f_.block_size;
  std::uniform_int_distribution<int> pct(0, 99);
  // LLM-like blocks: a Gaussian-ish body at a random scale, a few channels
  // 20-100x larger, and mantissas often cut short so equal magnitudes (ties
  // in the selection and in rounding) are common.
  const int base = std::uniform_int_distribution<int>(100, 150)(rng);
  const int mode = pct(rng);
  std::vector<uint32_t> x(static_cast<std::size_t>(k));
  for (int i = 0; i < k; ++i) {
    int e = base - std::geometric_distribution<int>(0.5)(rng);
    if (pct(rng) < 5) e += std::uniform_int_distribution<int>(4, 7)(rng);  // outlier
    uint32_t mant = static_cast<uint32_t>(rng()) & 0x7f;
    if (mode < 40) mant &= 0x70;  // few distinct magnitudes: ties
    uint32_t v = ((rng() & 1) << 15) | (static_cast<uint32_t>(std::clamp(e, 1, 254)) << 7) | mant;
    if (pct(rng) < 3) v &= 0x8000;  // zeros
    x[i] = v;
  }
  if (mode > 97) x[rng() % k] = (rng() & 1) ? 0x7fc0 : 0xff80;
  if (mode == 97) x[rng() % k] = 0x0003;  // subnormal
  return make(x, "random", p_.mode_bits() ? static_cast<int>(rng() % (1u << p_.mode_bits())) : 0);
}

std::string default_name(const OpalQuantizerParams& p) {
  return fmt::format("opal_quantizer_b{}_n{}_k{}_{}_p{}{}", p.bits, p.outliers, p.block,
                     p.selection, p.pipeline_stages,
                     p.passes_per_stage ? fmt::format("_s{}", p.passes_per_stage) : "");
}

const UnitRegistration registration(make_unit<OpalQuantizerParams>(
    "opal.quantizer",
    "OPAL activation quantizer: k bf16 values -> top-n bf16 outliers + indices + MXINT inliers",
    [](const OpalQuantizerParams& p, std::string top) {
      return std::make_unique<OpalQuantizerDesign>(p, std::move(top));
    },
    default_name,
    {
        "block = 32\noutliers = 4\nbits = 3\nlayout = \"positions\"\nalt_bits = [5, 8]\n"
        "passes_per_stage = 1\npipeline_stages = 1",
        "block = 32\noutliers = 2\nbits = 5\nalt_bits = [7]\nselection = \"rank\"\npipeline_stages "
        "= 1\n"
        "int_encoding = \"twos_complement\"",
    }));

}  // namespace
}  // namespace bf::opal_quantizer
