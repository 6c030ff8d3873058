// opal.core: the Design (ports, stream model, test streams) and its
// registration.
#include <fmt/format.h>

#include "generator/design/fp_operand_io.hpp"
#include "generator/design/unit_info.hpp"
#include "generator/units/opal_core/opal_core_rtl.hpp"
#include "golden/formats/float_format.hpp"

namespace bf::opal_core {
namespace {

using golden::FloatFormat;
using golden::OpalCoreInput;
using golden::OpalCoreModel;
using golden::OpalCoreParams;

class Ports {
 public:
  explicit Ports(const OpalCoreParams& p) : p_(p), c_(p.pe.config()) {}

  std::vector<PortSpec> inputs() const {
    std::vector<PortSpec> v;
    v.push_back({"op_i", 1, "0 load, 1 beat", {}});
    if (c_.mode_bits() > 0) v.push_back({"mode_i", c_.mode_bits(), "load: width index", {}});
    v.push_back({"first_i", 1, "load: starts a vector", {}});
    v.push_back(fp_operand_io::lane_port("x_i", "x", c_.block, FloatFormat::bf16(), "bf16 block"));
    PortSpec w{"w_i", p_.rows * c_.lanes * c_.weight_bits, "weights", {}};
    for (int r = 0; r < p_.rows; ++r)
      for (int l = 0; l < c_.lanes; ++l)
        w.fields.push_back({fmt::format("w[{}][{}]", r, l), (r * c_.lanes + l) * c_.weight_bits,
                            c_.weight_bits, [](uint64_t x) { return fmt::format("0x{:x}", x); }});
    v.push_back(w);
    v.push_back(fp_operand_io::lane_port("wscale_i", "wscale", p_.rows, FloatFormat::bf16(),
                                         "bf16 weight scales"));
    if (p_.route_softmax) v.push_back({"route_i", 1, "beat: route the results", {}});
    return v;
  }
  std::vector<PortSpec> outputs() const {
    const bool bf = p_.output_format == "bf16";
    std::vector<PortSpec> v = {
        {"done_o", 1, "rows ended", {}},
        fp_operand_io::lane_port("y_o", "y", p_.rows,
                                 bf ? FloatFormat::bf16() : FloatFormat::fp32(), "results")};
    if (p_.route_softmax) {
      const int b = p_.softmax.out_bits;
      v.push_back({"probs_valid_o", 1, "a score vector completed", {}});
      PortSpec probs{"probs_o", p_.softmax.n * b, "softmax outputs", {}};
      for (int i = 0; i < p_.softmax.n; ++i)
        probs.fields.push_back({fmt::format("prob[{}]", i), i * b, b, [b](uint64_t x) {
                                  return fmt::format("{} ({:.6f})", x, std::ldexp(double(x), -b));
                                }});
      v.push_back(probs);
    }
    return v;
  }

  PortValues to_ports(const OpalCoreInput& in) const {
    PortValues v;
    BitVec op(1);
    op.set(0, 1, in.load ? 0 : 1);
    v.push_back(op);
    if (c_.mode_bits() > 0) {
      BitVec mode(c_.mode_bits());
      mode.set(0, c_.mode_bits(), static_cast<uint64_t>(in.mode));
      v.push_back(mode);
    }
    BitVec first(1);
    first.set(0, 1, in.first ? 1 : 0);
    v.push_back(first);
    std::vector<uint32_t> x = in.x;
    x.resize(static_cast<std::size_t>(c_.block), 0);
    v.push_back(fp_operand_io::pack(x, 16));
    std::vector<uint32_t> w;
    for (int r = 0; r < p_.rows; ++r)
      for (int l = 0; l < c_.lanes; ++l)
        w.push_back(in.w.empty() ? 0u
                                 : in.w[static_cast<std::size_t>(r)][static_cast<std::size_t>(l)]);
    v.push_back(fp_operand_io::pack(w, c_.weight_bits));
    std::vector<uint32_t> ws = in.wscale;
    ws.resize(static_cast<std::size_t>(p_.rows), 0);
    v.push_back(fp_operand_io::pack(ws, 16));
    if (p_.route_softmax) {
      BitVec route(1);
      route.set(0, 1, in.route ? 1 : 0);
      v.push_back(route);
    }
    return v;
  }

  OpalCoreInput from_ports(const PortValues& v) const {
    OpalCoreInput in;
    std::size_t i = 0;
    in.load = v[i++].get(0, 1) == 0;
    if (c_.mode_bits() > 0) in.mode = static_cast<int>(v[i++].get(0, c_.mode_bits()));
    in.first = v[i++].get(0, 1) != 0;
    for (int e = 0; e < c_.block; ++e) in.x.push_back(static_cast<uint32_t>(v[i].get(e * 16, 16)));
    ++i;
    for (int r = 0; r < p_.rows; ++r) {
      std::vector<uint32_t> row;
      for (int l = 0; l < c_.lanes; ++l)
        row.push_back(
            static_cast<uint32_t>(v[i].get((r * c_.lanes + l) * c_.weight_bits, c_.weight_bits)));
      in.w.push_back(row);
    }
    ++i;
    for (int r = 0; r < p_.rows; ++r)
      in.wscale.push_back(static_cast<uint32_t>(v[i].get(r * 16, 16)));
    ++i;
    if (p_.route_softmax) in.route = v[i].get(0, 1) != 0;
    return in;
  }

  PortValues outputs_of(const golden::OpalCoreOutput& o) const {
    const int w = p_.output_format == "bf16" ? 16 : 32;
    BitVec done(1);
    done.set(0, 1, o.done ? 1 : 0);
    PortValues v = {done, fp_operand_io::pack(o.y, w)};
    if (p_.route_softmax) {
      BitVec pv(1);
      pv.set(0, 1, o.probs_valid ? 1 : 0);
      v.push_back(pv);
      std::vector<uint32_t> probs = o.probs;
      probs.resize(static_cast<std::size_t>(p_.softmax.n), 0);
      v.push_back(fp_operand_io::pack(probs, p_.softmax.out_bits));
    }
    return v;
  }

 private:
  OpalCoreParams p_;
  golden::OpalPeConfig c_;
};

class Stream : public StreamModel {
 public:
  explicit Stream(const OpalCoreParams& p) : ports_(p), model_(p) {}
  PortValues step(const PortValues& in) override {
    return ports_.outputs_of(model_.step(ports_.from_ports(in)));
  }

 private:
  Ports ports_;
  OpalCoreModel model_;
};

class CoreDesign : public Design {
 public:
  CoreDesign(OpalCoreParams p, std::string top)
      : p_(std::move(p)), top_(std::move(top)), c_(p_.pe.config()), ports_(p_) {}

  std::string unit_name() const override { return "opal.core"; }
  std::string top_name() const override { return top_; }
  nlohmann::ordered_json params_json() const override { return cfg::params_to_json(p_); }
  std::vector<vlog::Module> modules() const override {
    return build_rtl(p_, top_, [this](const std::string& module) {
      auto h = generated_header(*this, module);
      if (module != top_) return h;
      h.push_back("");
      h.push_back(fmt::format(
          "GEMV engine: {} opal.pe rows of {} lanes over an activation buffer of {} blocks of "
          "{} ({});",
          p_.rows, c_.lanes, p_.max_blocks, c_.block,
          p_.buffer == "sram" ? "SRAM macro " + p_.sram_macro : "flip-flops"));
      h.push_back(
          "one opal.quantizer (every activation width) fills the buffer. The arithmetic is");
      h.push_back(
          fmt::format("golden/units/opal_core/opal_core.hpp. Every transaction leaves {} cycles "
                      "later, in order.",
                      latency()));
      return h;
    });
  }
  std::vector<PortSpec> data_inputs() const override { return ports_.inputs(); }
  std::vector<PortSpec> data_outputs() const override { return ports_.outputs(); }
  int latency() const override { return opal_core::latency(p_); }

  PortValues emulate(const PortValues& in) const override { return Stream(p_).step(in); }
  std::unique_ptr<StreamModel> stream_model() const override {
    return std::make_unique<Stream>(p_);
  }

  std::vector<TestVector> corner_cases() const override;
  TestVector random_case(std::mt19937_64& rng) const override {
    const auto r = rng() % 100;
    if (r < 6) return {ports_.to_ports(load(rng, rng() % 3 == 0)), "load"};
    return {ports_.to_ports(beat(rng)), ""};
  }

  nlohmann::ordered_json metrics() const override {
    return {{"rows", p_.rows},
            {"max_vector", p_.max_blocks * c_.block},
            {"buffer_bits", p_.max_blocks * buffer_word_bits(p_)},
            {"elements_per_cycle", p_.rows * c_.lanes}};
  }

 private:
  OpalCoreInput load(std::mt19937_64& rng, bool first, int mode = -1) const {
    OpalCoreInput in;
    in.load = true;
    in.first = first;
    in.mode = mode >= 0 ? mode : static_cast<int>(rng() % (uint64_t{1} << c_.mode_bits()));
    std::normal_distribution<float> g(0.0f, 1.0f);
    const float spread = std::ldexp(1.0f, static_cast<int>(rng() % 11) - 5);
    for (int e = 0; e < c_.block; ++e) {
      float v = g(rng) * spread;
      if (rng() % 30 == 0) v *= 20.0f + static_cast<float>(rng() % 80);
      in.x.push_back(golden::fp32_to_bf16(golden::fp32_bits(v)));
    }
    if (rng() % 50 == 0) in.x[rng() % in.x.size()] = rng() & 1 ? 0x7f80u : 0x7fc1u;
    return in;
  }
  OpalCoreInput beat(std::mt19937_64& rng) const {
    OpalCoreInput in;
    in.route = p_.route_softmax && rng() % 4 != 0;
    for (int r = 0; r < p_.rows; ++r) {
      std::vector<uint32_t> row;
      for (int l = 0; l < c_.lanes; ++l)
        row.push_back(static_cast<uint32_t>(rng()) & ((1u << c_.weight_bits) - 1));
      in.w.push_back(row);
      in.wscale.push_back(
          fp_operand_io::make_code(FloatFormat::bf16(), rng() & 1, static_cast<int>(rng() % 9) - 4,
                                   fp_operand_io::random_frac(FloatFormat::bf16(), rng)));
    }
    return in;
  }
  // `rows` full rows of beats over a vector of `blocks` blocks.
  void rows(std::vector<TestVector>& v, std::mt19937_64& rng, int count, int blocks,
            const std::string& label) const {
    for (int i = 0; i < count * blocks * c_.beats_per_block(); ++i)
      v.push_back({ports_.to_ports(beat(rng)), label});
  }

  OpalCoreParams p_;
  std::string top_;
  golden::OpalPeConfig c_;
  Ports ports_;
};

std::vector<TestVector> CoreDesign::corner_cases() const {
  std::vector<TestVector> v;
  std::mt19937_64 rng(77);
  const int modes = static_cast<int>(c_.act_bits.size());
  rows(v, rng, 2, 1, "rows before any load: zero activations");
  for (int mode = 0; mode < modes; ++mode) {
    for (int b = 0; b < p_.max_blocks; ++b)
      v.push_back({ports_.to_ports(load(rng, b == 0, mode)), "load a full-length vector"});
    rows(v, rng, 2, p_.max_blocks, fmt::format("GEMV rows, act_bits {}", c_.act_bits[mode]));
  }
  v.push_back({ports_.to_ports(load(rng, true, 0)), "load a one-block vector"});
  rows(v, rng, 3, 1, "one-block rows");
  for (int b = 0; b <= p_.max_blocks; ++b)
    v.push_back({ports_.to_ports(load(rng, b == 0, modes - 1)),
                 "one block more than the buffer holds: the last slot is overwritten"});
  rows(v, rng, 1, p_.max_blocks, "rows over the full buffer");
  {
    v.push_back({ports_.to_ports(load(rng, true, 0)), "load"});
    v.push_back({ports_.to_ports(load(rng, false, 0)), "load"});
    rows(v, rng, 1, 1, "half a row");
    auto in = load(rng, true, modes - 1);
    in.x[3] = 0x7fc0;  // NaN: the block's inliers are NaN
    v.push_back({ports_.to_ports(in), "a new vector mid-row, with a NaN"});
    rows(v, rng, 2, 1, "the rows finish on the new vector");
  }
  return v;
}

const UnitRegistration kOpalCore(make_unit<OpalCoreParams>(
    "opal.core",
    "OPAL GEMV engine: activation quantizer + buffer, rows x opal.pe, fp32 or bf16 outputs",
    [](const OpalCoreParams& p, std::string top) {
      return std::make_unique<CoreDesign>(p, std::move(top));
    },
    [](const OpalCoreParams& p) {
      return fmt::format("opal_core_r{}_k{}_n{}_l{}", p.rows, p.pe.block, p.pe.outliers,
                         p.pe.lanes);
    },
    {"rows = 2\nmax_blocks = 2\n[params.pe]\nblock = 32\nlanes = 8\noutliers = 2\nact_bits = [3, "
     "5]\n[params.quantizer]\npasses_per_stage = 1",
     "rows = 1\nmax_blocks = 3\nbuffer = \"sram\"\noutput_format = \"bf16\"\n[params.pe]\n"
     "block = 32\nlanes = 4\noutliers = 1\nact_bits = [4]\n[params.quantizer]\n"
     "pipeline_stages = 1",
     "rows = 2\nmax_blocks = 1\nroute_softmax = true\n[params.pe]\nblock = 32\nlanes = 16\n"
     "outliers = 1\nact_bits = [5]\n[params.softmax]\nn = 6\nout_bits = 8\npipeline_stages = 1"}));

}  // namespace
}  // namespace bf::opal_core
