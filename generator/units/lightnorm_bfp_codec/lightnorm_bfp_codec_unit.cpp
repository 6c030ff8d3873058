// lightnorm.bfp_codec: the Design (ports, model, vectors) and its
// registration.
#include <fmt/format.h>

#include "generator/design/fp_operand_io.hpp"
#include "generator/design/unit_info.hpp"
#include "generator/units/lightnorm_bfp_codec/lightnorm_bfp_codec_rtl.hpp"
#include "generator/units/lightnorm_bfp_codec/lightnorm_bfp_codec_vectors.hpp"
#include "golden/formats/lightnorm_bfp_storage.hpp"
#include "golden/units/lightnorm_bfp_codec/lightnorm_bfp_codec.hpp"

namespace bf::lightnorm_bfp_codec {
namespace {

using golden::LightnormBfpCodecParams;
using golden::LightnormBfpStorage;

// The packed bus with one field per header field and element, decoded as
// far as a field alone allows (an element's value needs the header).
PortSpec packed_port(const std::string& name, const LightnormBfpStorage& s, int g) {
  const int E = s.format.exp_bits, EW = s.element_bits(), H = s.header_bits();
  const int P = s.payload_bits(), bias = s.format.bias();
  PortSpec port{name, s.group_bits(), "packed group (lightnorm_bfp_storage.hpp)", {}};
  const auto exponent = [bias](uint64_t v) {
    return fmt::format("field {} (2^{})", v, static_cast<int>(v) - bias);
  };
  port.fields.push_back({"emax", 0, E, exponent});
  if (s.keep_max()) port.fields.push_back({"e2", E, E, exponent});
  const bool keep = s.keep_max();
  for (int i = 0; i < g; ++i)
    port.fields.push_back({fmt::format("elem[{}]", i), H + i * EW, EW, [keep, P, EW](uint64_t v) {
                             const char* sign = (v >> (EW - 1)) & 1u ? "-" : "+";
                             const uint64_t payload = v & ((uint64_t{1} << P) - 1);
                             if (keep && ((v >> P) & 1u))
                               return fmt::format("{} at Emax, mantissa 0x{:x}", sign, payload);
                             return fmt::format("{} m = {} (x 2^(ref - bias - bits + 1))", sign,
                                                payload);
                           }});
  return port;
}

class CodecDesign : public Design {
 public:
  CodecDesign(LightnormBfpCodecParams p, std::string top)
      : p_(std::move(p)), top_(std::move(top)), s_(p_.storage()) {}

  std::string unit_name() const override { return "lightnorm.bfp_codec"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, generated_header(*this, top_));
  }

  std::vector<PortSpec> data_inputs() const override {
    if (p_.encode()) return {codes_port("x_i", "x")};
    return {packed_port("packed_i", s_, p_.group)};
  }
  std::vector<PortSpec> data_outputs() const override {
    if (p_.encode()) return {packed_port("packed_o", s_, p_.group)};
    return {codes_port("y_o", "y")};
  }

  int latency() const override { return p_.pipeline_stages + 1; }
  Operations operations() const override { return {static_cast<double>(p_.group), "element"}; }

  PortValues emulate(const PortValues& in) const override {
    const int g = p_.group, W = s_.format.width();
    std::vector<uint32_t> codes(static_cast<std::size_t>(g));
    if (p_.encode()) {
      for (int i = 0; i < g; ++i)
        codes[static_cast<std::size_t>(i)] = static_cast<uint32_t>(in[0].get(i * W, W));
      return {bus_of(golden::lightnorm_bfp_encode(s_, codes), s_.group_bits())};
    }
    golden::lightnorm_bfp_decode(s_, bytes_of(in[0]), codes);
    BitVec y(g * W);
    for (int i = 0; i < g; ++i) y.set(i * W, W, codes[static_cast<std::size_t>(i)]);
    return {y};
  }

  std::vector<TestVector> corner_cases() const override {
    return lightnorm_bfp_codec::corner_cases(p_);
  }
  TestVector random_case(std::mt19937_64& rng) const override {
    return lightnorm_bfp_codec::random_case(p_, rng);
  }
  std::vector<Workload> workloads() const override { return lightnorm_bfp_codec::workloads(p_); }
  std::vector<TestVector> workload_chunk(const std::string& name,
                                         std::mt19937_64& rng) const override {
    return lightnorm_bfp_codec::workload_chunk(p_, name, rng);
  }

  // The storage's cost: bits of a stored group against the plain codes.
  nlohmann::ordered_json metrics() const override {
    return {{"group_bits", s_.group_bits()},
            {"bits_per_element", s_.bits_per_element()},
            {"code_bits", s_.format.width()}};
  }

 private:
  PortSpec codes_port(const std::string& name, const std::string& field) const {
    return fp_operand_io::lane_port(name, field, p_.group, s_.format,
                                    "codes of " + s_.format.name());
  }

  LightnormBfpCodecParams p_;
  std::string top_;
  LightnormBfpStorage s_;
};

std::string default_name(const LightnormBfpCodecParams& p) {
  return fmt::format("lightnorm_bfp_{}_{}_g{}_b{}{}_p{}", p.encode() ? "enc" : "dec", p.format,
                     p.group, p.bits, p.variant == "plain" ? "_plain" : "", p.pipeline_stages);
}

const UnitRegistration registration(make_unit<LightnormBfpCodecParams>(
    "lightnorm.bfp_codec",
    "LightNorm's channel-group BFP as storage: g small-float codes <-> one packed group "
    "(Emax, E2, per element sign, at-Emax flag and payload)",
    [](const LightnormBfpCodecParams& p, std::string top) {
      return std::make_unique<CodecDesign>(p, std::move(top));
    },
    default_name,
    {
        "mode = \"encode\"",
        "mode = \"decode\"",
        "mode = \"encode\"\nformat = \"fp10_e6m3\"\ngroup = 5\nbits = 8\npipeline_stages = 1",
        "mode = \"decode\"\nformat = \"fp10_e6m3\"\ngroup = 5\nbits = 8",
        "mode = \"encode\"\nformat = \"fp15_e6m8\"\ngroup = 3\nbits = 4\nvariant = \"plain\"",
        "mode = \"decode\"\nformat = \"fp12_e5m6\"\ngroup = 1\nbits = 2\nvariant = \"plain\"",
        "mode = \"decode\"\ngroup = 13\nbits = 1",
    }));

}  // namespace
}  // namespace bf::lightnorm_bfp_codec
