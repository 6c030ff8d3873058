#pragma once
// A configured unit: everything the flows need from one design. The
// generator, the golden model, the test vectors and the port description all
// come from one parameter struct, so they cannot disagree.
//
// Port convention for every streaming unit (the harness relies on it):
//   clk_i, rst_ni (async active-low reset),
//   in_valid_i / in_ready_o  + the data inputs of one transaction,
//   out_valid_o / out_ready_i + the data outputs of one transaction.
// One input transaction produces exactly one output transaction, in order.
// With out_ready_i held high and no input bubbles, the output for the input
// accepted at cycle t is valid at cycle t + latency() (the manifest records it).
// Units with state across transactions (a dot product fed one beat per
// transaction) still follow this: their outputs depend on the whole input
// stream since reset, which their stream_model() reproduces.

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/bits/bitvec.hpp"

namespace bf {

// A named bit field inside a data port, for mismatch reports.
struct FieldSpec {
  std::string name;  // e.g. "elem[5]" or "scale"
  int lsb = 0;
  int width = 1;
  // Human decoding of the field value, e.g. "0x3a (s=0 e=7 m=2 = 1.25)".
  std::function<std::string(uint64_t)> decode;
};

struct PortSpec {
  std::string name;  // Verilog port name (with _i / _o suffix)
  int width = 1;
  std::string doc;
  std::vector<FieldSpec> fields;  // may be empty: the whole port is one field
};

// One transaction: the values of the data input ports, in data_inputs() order.
using PortValues = std::vector<BitVec>;

struct TestVector {
  PortValues inputs;
  std::string label;  // corner cases say what they exercise ("all-zero block")
};

// The golden model of a stream: fed the input transactions in order from
// reset, it returns each one's outputs.
class StreamModel {
 public:
  virtual ~StreamModel() = default;
  virtual PortValues step(const PortValues& inputs) = 0;
};

class Design {
 public:
  virtual ~Design() = default;

  // Unit name ("quant.block") and top module name ("quant_block_mxint8_k32").
  virtual std::string unit_name() const = 0;
  virtual std::string top_name() const = 0;
  // Canonical parameters (every field, declaration order) for headers,
  // manifests, hashes.
  virtual nlohmann::ordered_json params_json() const = 0;

  // The Verilog: one module per element; the top module is the last.
  virtual std::vector<vlog::Module> modules() const = 0;

  virtual std::vector<PortSpec> data_inputs() const = 0;
  virtual std::vector<PortSpec> data_outputs() const = 0;
  virtual int latency() const = 0;

  // Test vectors: hand-picked corner cases and biased random ones.
  virtual std::vector<TestVector> corner_cases() const = 0;
  virtual TestVector random_case(std::mt19937_64& rng) const = 0;
  // The bit-exact model the RTL must equal, for one transaction. A stateful
  // unit defines it as the first transaction after reset.
  virtual PortValues emulate(const PortValues& inputs) const = 0;
  // The model of a whole stream. Stateless units keep this default (emulate()
  // per transaction); stateful ones return their own model. The verification
  // flow feeds corner cases, then random cases, through one model in order,
  // exactly as the simulator sees them.
  virtual std::unique_ptr<StreamModel> stream_model() const {
    struct PerTransaction : StreamModel {
      explicit PerTransaction(const Design& d) : design(d) {}
      PortValues step(const PortValues& inputs) override { return design.emulate(inputs); }
      const Design& design;
    };
    return std::make_unique<PerTransaction>(*this);
  }

  // Unit-specific figures for reports and sweeps (bits per element, ...).
  virtual nlohmann::ordered_json metrics() const { return nlohmann::ordered_json::object(); }

  // What one transaction is worth in the unit's own terms, for energy per
  // operation: e.g. {16, "MAC"} for a 16-lane dot-product beat, {1, "softmax
  // row"} for a softmax unit.
  struct Operations {
    double count = 1;
    std::string name = "transaction";
  };
  virtual Operations operations() const { return {}; }

  // Realistic input streams for energy measurements (`blockforge power
  // --workload NAME`), beyond the generic random and all-zero ones every unit
  // has: the data a deployed unit would see (LLM-like activations, attention
  // scores), encoded into the unit's own transactions.
  struct Workload {
    std::string name;
    std::string doc;  // one line: what the data is and where it comes from
    // What one transaction is worth on this workload, when it differs from
    // operations().count (a multi-mode PE does 1, 4 or 16 MACs per beat);
    // 0 = operations().count.
    double ops = 0;
  };
  virtual std::vector<Workload> workloads() const { return {}; }
  // The next transactions of workload `name` (one of workloads()): one whole
  // piece of the stream (a dot-product row, a softmax row), drawn from `rng`;
  // the workload is the concatenation of successive calls. A unit that lists
  // workloads overrides this; the default throws std::logic_error.
  virtual std::vector<TestVector> workload_chunk(const std::string& name,
                                                 std::mt19937_64& rng) const;
};

}  // namespace bf
