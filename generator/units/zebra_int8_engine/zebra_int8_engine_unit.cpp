// zebra.int8_engine: the Design (ports, stream model, metrics) and its
// registration. The RTL is in zebra_int8_engine_rtl.cpp, the vectors in
// zebra_int8_engine_vectors.cpp, the model in
// golden/units/zebra_int8_engine/zebra_int8_engine.hpp.
#include <fmt/format.h>

#include <utility>

#include "generator/design/unit_info.hpp"
#include "generator/units/zebra_int8_engine/zebra_int8_engine_rtl.hpp"
#include "generator/units/zebra_int8_engine/zebra_int8_engine_vectors.hpp"
#include "golden/units/zebra_int8_engine/zebra_int8_engine.hpp"

namespace bf::zebra_int8_engine {
namespace {

using golden::Int8EngineModel;
using golden::Int8EngineParams;

std::string int8_text(uint64_t v) {
  return fmt::format("0x{:02x} ({})", v, static_cast<int>(static_cast<int8_t>(v & 0xff)));
}

PortSpec int8_lanes_port(const std::string& name, const std::string& field, int lanes,
                         const std::string& doc) {
  PortSpec s{name, 8 * lanes, doc, {}};
  for (int i = 0; i < lanes; ++i)
    s.fields.push_back({fmt::format("{}[{}]", field, i), 8 * i, 8, int8_text});
  return s;
}

class Int8EngineDesign : public Design {
 public:
  Int8EngineDesign(Int8EngineParams p, std::string top) : p_(p), top_(std::move(top)) {}

  std::string unit_name() const override { return "zebra.int8_engine"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }

  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, [this](const std::string& m) { return generated_header(*this, m); });
  }

  std::vector<PortSpec> data_inputs() const override {
    const int L = p_.lanes;
    return {PortSpec{"op_i",
                     p_.op_bits(),
                     p_.is_protected() ? "0 write, 1 MAC beat, 2 check write, 3 check beat"
                                       : "0 write, 1 MAC beat",
                     {}},
            PortSpec{"addr_i", p_.addr_bits(), "weight word", {}},
            int8_lanes_port("wdata_i", "w", L, "write: int8 weights"),
            int8_lanes_port("x_i", "x", L, "MAC: int8 activations"),
            PortSpec{"first_i", 1, "MAC: the accumulator restarts from 0", {}},
            PortSpec{"last_i", 1, "MAC: ends the dot product", {}},
            PortSpec{"bias_i",
                     32,
                     "MAC, last: int32 bias",
                     {{"bias", 0, 32,
                       [](uint64_t v) {
                         return fmt::format("{}", static_cast<int32_t>(static_cast<uint32_t>(v)));
                       }}}},
            PortSpec{"mult_i", p_.mult_bits, "MAC, last: unsigned requantization multiplier", {}},
            PortSpec{"shift_i", 5, "MAC, last: right shift 0..31", {}},
            PortSpec{"relu_i", 1, "MAC, last: clamp at 0 below", {}}};
  }
  std::vector<PortSpec> data_outputs() const override {
    std::vector<PortSpec> out = {
        PortSpec{"done_o", 1, "the beat was a MAC beat with last_i", {}},
        PortSpec{"acc_o",
                 32,
                 "t = acc + bias when done_o, else 0",
                 {{"acc", 0, 32,
                   [](uint64_t v) {
                     return fmt::format("{}", static_cast<int32_t>(static_cast<uint32_t>(v)));
                   }}}},
        PortSpec{"y_o", 8, "int8 requantized t when done_o, else 0", {{"y", 0, 8, int8_text}}}};
    if (p_.is_protected())
      out.push_back({"det_o", 1, "the read found an error it did not correct", {}});
    if (p_.is_secded()) out.push_back({"cor_o", 1, "SECDED corrected a single flip", {}});
    if (p_.on_detect == "stop") out.push_back({"halt_o", 1, "halted on a detection", {}});
    return out;
  }
  int latency() const override { return p_.latency(); }
  Operations operations() const override { return {static_cast<double>(p_.lanes), "MAC"}; }

  // The first transaction after reset.
  PortValues emulate(const PortValues& in) const override {
    Int8EngineModel model(p_);
    return step(model, in);
  }

  std::unique_ptr<StreamModel> stream_model() const override {
    struct Stream : StreamModel {
      explicit Stream(const Int8EngineDesign& d) : design(d), model(d.p_) {}
      PortValues step(const PortValues& in) override { return design.step(model, in); }
      const Int8EngineDesign& design;
      Int8EngineModel model;
    };
    return std::make_unique<Stream>(*this);
  }

  std::vector<TestVector> corner_cases() const override {
    return zebra_int8_engine::corner_cases(p_);
  }
  TestVector random_case(std::mt19937_64& rng) const override {
    return zebra_int8_engine::random_case(p_, rng);
  }

  std::vector<Workload> workloads() const override {
    return {{"inference",
             "one word of normal int8 weights loaded, then a 16-beat dot product over "
             "consecutive words with post-ReLU int8 activations (half zeros), relu "
             "requantization; the same stream for every protection",
             static_cast<double>(p_.lanes) * kInferenceRow / (kInferenceRow + 1)}};
  }
  std::vector<TestVector> workload_chunk(const std::string& name,
                                         std::mt19937_64& rng) const override {
    if (name != "inference") return Design::workload_chunk(name, rng);
    return inference_chunk(p_, rng);
  }

  nlohmann::ordered_json metrics() const override {
    return {{"operation",
             "lanes int8 x int8 MACs per cycle on one word of the on-chip weight memory, int32 "
             "accumulator, int8 requantization"},
            {"lanes", p_.lanes},
            {"word_bits", p_.word_bits()},
            {"words", p_.words},
            {"address_bits", p_.addr_bits()},
            {"memory_bits", p_.memory_bits()},
            {"dot_bits", p_.dot_bits()},
            {"mult_bits", p_.mult_bits},
            {"latency", p_.latency()},
            {"protection", p_.protection},
            {"on_detect", p_.on_detect},
            {"check_memory_bits", p_.check_memory_bits()},
            {"check_overhead",
             static_cast<double>(p_.check_memory_bits()) / static_cast<double>(p_.memory_bits())}};
  }

 private:
  PortValues step(Int8EngineModel& model, const PortValues& in) const {
    const Txn t = from_ports(p_, in);
    const Int8EngineModel::Output out = apply(model, t);
    const auto flag = [](bool v) {
      BitVec b(1);
      b.set(0, 1, v ? 1u : 0u);
      return b;
    };
    BitVec acc(32), y(8);
    acc.set(0, 32, static_cast<uint32_t>(out.acc));
    y.set(0, 8, static_cast<uint8_t>(out.y));
    PortValues o = {flag(out.done), acc, y};
    if (p_.is_protected()) o.push_back(flag(out.det));
    if (p_.is_secded()) o.push_back(flag(out.cor));
    if (p_.on_detect == "stop") o.push_back(flag(out.halt));
    return o;
  }

  Int8EngineParams p_;
  std::string top_;
};

std::string default_name(const Int8EngineParams& p) {
  std::string name = fmt::format("zebra_int8_engine_l{}_w{}_m{}", p.lanes, p.words, p.mult_bits);
  if (p.is_protected()) name += fmt::format("_{}_{}", p.protection, p.on_detect);
  if (p.is_checksum()) name += fmt::format("_g{}", p.group_words);
  return name;
}

const UnitRegistration registration(make_unit<Int8EngineParams>(
    "zebra.int8_engine",
    "ZeBRA int8 inference engine: on-chip int8 weight memory (the bit-flip attack's target), "
    "lanes x int8*int8 MACs per cycle, int32 accumulator, int8 requantization",
    [](const Int8EngineParams& p, std::string top) {
      return std::make_unique<Int8EngineDesign>(p, std::move(top));
    },
    default_name,
    {
        // (The shipped engine runs in tests/flows: configs/ on 1024 words,
        // tests/flows/data/ on 16 with each protection.)
        // The smallest engine: one lane, two words, a 2-bit multiplier.
        "lanes = 1\nwords = 2\nmult_bits = 2",
        // Odd lanes (an odd tree element), a depth that is not a power of
        // two (addresses past the memory), the widest multiplier; parity
        // zeroing what it detects.
        "lanes = 5\nwords = 37\nmult_bits = 31\nprotection = \"parity\"\non_detect = \"zero\"",
        // One lane: the smallest SECDED code (13, 8) with stop on a memory
        // that is not a power of two deep, and the checksum with stop and
        // eight one-lane sign patterns.
        "lanes = 1\nwords = 19\nmult_bits = 8\nprotection = \"secded\"\non_detect = \"stop\"",
        "lanes = 1\nwords = 64\nmult_bits = 8\nprotection = \"checksum\"\non_detect = "
        "\"stop\"",
        // The widest word with the widest SECDED code (523, 512).
        "lanes = 64\nwords = 4\nmult_bits = 8\nprotection = \"secded\"",
    }));

}  // namespace
}  // namespace bf::zebra_int8_engine
