// `blockforge zebra-inject CONFIG --memory M.npy [--flips F.npy] --layer
// BASE,ROWS,WORDS --acts X.npy --out ACC.npy`: ZeBRA's bit flips injected
// into the weight memory of a generated zebra.int8_engine, one layer run on
// real activations, in Verilator, every output checked against the golden
// model of the flipped memory.
//
// The transaction stream (the unit's own ports, tb::verify_vectors):
//   1. the clean memory image M (int8, words x lanes) written word by word;
//   2. the fault injection: for each (address, bit) of F (int32, n x 2), in
//      order, that word written again with the bit flipped (so the memory
//      holds exactly the flipped image, as a fault would leave it);
//      with a protected memory the flips are stored behind the clean check
//      bits: parity / SECDED rewrite the word's clean check bits after it
//      (check write), the checksum's signatures are written from the clean
//      image after the load (the last group filled with zeros) and every
//      group is checked (check beats) after the injection, as RADAR checks
//      weights when they are loaded. on_detect = stop is refused (the layer
//      would not run);
//   3. the layer: for every activation row n of X (int8, rows x WORDS *
//      lanes) and every weight row r, WORDS MAC beats over words
//      BASE + r * WORDS + j (first on j = 0, last on j = WORDS - 1), with
//      bias 0, mult 1, shift 0, relu 0, so acc_o is the exact int32 sum.
// On a bit-exact run ACC (int32, X rows x ROWS) holds those sums: the RTL's
// outputs, equal bit for bit to the golden model's. On a mismatch the
// report names the vector, the command exits 1 and writes no ACC.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "app/cli/cli.hpp"
#include "app/cli/work_dir.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/rtl_writer.hpp"
#include "golden/io/npy.hpp"
#include "golden/units/zebra_int8_engine/weight_protection.hpp"
#include "golden/units/zebra_int8_engine/zebra_int8_engine.hpp"
#include "tb/verify.hpp"

namespace bf::cli {

namespace {

namespace fs = std::filesystem;

struct InjectOptions {
  std::string config, memory, flips, layer, acts, out, work;
  int max_errors = 10;
  bool fast_compile = false;
};

struct Layer {
  int64_t base = 0, rows = 0, words = 0;
};

Layer parse_layer(const std::string& text) {
  Layer l;
  long long base = 0, rows = 0, words = 0;
  char tail = 0;
  const bool parsed =
      std::sscanf(text.c_str(), "%lld,%lld,%lld%c", &base, &rows, &words, &tail) == 3;
  l = {base, rows, words};
  if (!parsed || l.base < 0 || l.rows < 1 || l.words < 1)
    throw std::invalid_argument(fmt::format(
        "--layer {}: give BASE,ROWS,WORDS (first word >= 0, weight rows >= 1, words per row "
        ">= 1), e.g. --layer 0,16,2",
        text));
  return l;
}

// The engine's input ports by name, so a transaction sets them by name.
class Ports {
 public:
  explicit Ports(const Design& d) : specs_(d.data_inputs()) {
    for (const char* name : {"op_i", "addr_i", "wdata_i", "x_i", "first_i", "last_i", "bias_i",
                             "mult_i", "shift_i", "relu_i"})
      index(name);
  }
  PortValues blank() const {
    PortValues v;
    for (const auto& p : specs_) v.emplace_back(p.width);
    return v;
  }
  std::size_t index(const std::string& name) const {
    for (std::size_t i = 0; i < specs_.size(); ++i)
      if (specs_[i].name == name) return i;
    throw std::invalid_argument("the design has no input port " + name +
                                "; zebra-inject drives a zebra.int8_engine design");
  }

 private:
  std::vector<PortSpec> specs_;
};

void set_lanes(BitVec& port, const int8_t* values, int lanes) {
  for (int i = 0; i < lanes; ++i) port.set(8 * i, 8, static_cast<uint8_t>(values[i]));
}

}  // namespace

void add_zebra_inject_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "zebra-inject",
      "Inject bit flips into a generated zebra.int8_engine's weight memory and run one layer on "
      "int8 activations in Verilator, checked against the golden model of the flipped memory");
  auto o = std::make_shared<InjectOptions>();
  cmd->add_option("config", o->config, "design file of unit zebra.int8_engine")->required();
  cmd->add_option("--memory", o->memory, "clean memory image: int8 .npy (words, lanes)")
      ->required();
  cmd->add_option("--flips", o->flips,
                  "bits to flip: int32 .npy (n, 2) of (address, bit within the word); none if "
                  "omitted");
  cmd->add_option("--layer", o->layer,
                  "BASE,ROWS,WORDS: the layer's first word, weight rows, words per row")
      ->required();
  cmd->add_option("--acts", o->acts, "int8 activations .npy (n, WORDS * lanes), one row per dot")
      ->required();
  cmd->add_option("--out", o->out, "int32 .npy (n, ROWS) of the accumulators")->required();
  cmd->add_option("--work", o->work, "work directory (default .blockforge/<top>-inject)");
  cmd->add_option("--max-errors", o->max_errors, "stop after this many mismatches")
      ->check(CLI::Range(1, 1000000));
  cmd->add_flag("--fast-compile", o->fast_compile,
                "build the Verilator model without C++ optimization (a shorter build, a slower "
                "run: for small layers)");
  cmd->callback([o, &exit_code] {
    try {
      const auto design = load_design(o->config);
      if (design->unit_name() != "zebra.int8_engine")
        throw std::invalid_argument(o->config + ": unit " + design->unit_name() +
                                    "; zebra-inject needs a zebra.int8_engine design");
      const auto params = design->params_json();
      const int lanes = params.at("lanes").get<int>();
      const int64_t words = params.at("words").get<int64_t>();
      const Layer layer = parse_layer(o->layer);

      const auto mem = golden::read_npy_i8(o->memory);
      if (mem.shape.size() != 2 || mem.shape[1] != static_cast<std::size_t>(lanes) ||
          mem.shape[0] > static_cast<std::size_t>(words))
        throw std::invalid_argument(
            fmt::format("{}: shape {}; the design's memory holds at most ({}, {}) int8 weights",
                        o->memory, golden::npy_shape_string(mem.shape), words, lanes));
      const auto used = static_cast<int64_t>(mem.shape[0]);
      if (layer.base + layer.rows * layer.words > used)
        throw std::invalid_argument(
            fmt::format("--layer {}: words {}..{} are past the {} words of {}", o->layer,
                        layer.base, layer.base + layer.rows * layer.words - 1, used, o->memory));
      std::vector<int8_t> image = mem.data;  // flipped as the injection proceeds
      std::vector<std::pair<int64_t, int>> flips;
      if (!o->flips.empty()) {
        const auto f = golden::read_npy_i32(o->flips);
        if (f.shape.size() != 2 || f.shape[1] != 2)
          throw std::invalid_argument(
              fmt::format("{}: shape {}; expected (n, 2) rows of (address, bit)", o->flips,
                          golden::npy_shape_string(f.shape)));
        for (std::size_t i = 0; i < f.shape[0]; ++i) {
          const int64_t addr = f.data[2 * i];
          const int bit = f.data[2 * i + 1];
          if (addr < 0 || addr >= used || bit < 0 || bit >= 8 * lanes)
            throw std::invalid_argument(
                fmt::format("{}: row {} flips bit {} of word {}; words are 0..{}, bits 0..{}",
                            o->flips, i, bit, addr, used - 1, 8 * lanes - 1));
          flips.emplace_back(addr, bit);
        }
      }
      const auto acts = golden::read_npy_i8(o->acts);
      const auto k = static_cast<std::size_t>(layer.words * lanes);
      if (acts.shape.size() != 2 || acts.shape[1] != k)
        throw std::invalid_argument(
            fmt::format("{}: shape {}; expected (n, {}): WORDS * lanes int8 activations per row",
                        o->acts, golden::npy_shape_string(acts.shape), k));
      const std::size_t n = acts.shape[0];

      // The weight-memory protection, if any: flips are stored behind the
      // check bits, as a fault leaves them.
      const std::string protection = params.value("protection", std::string("none"));
      if (params.value("on_detect", std::string("flag")) == "stop")
        throw std::invalid_argument(
            o->config +
            ": on_detect = \"stop\" halts the engine at the first detection, so the layer would "
            "not run to the end; use on_detect = \"flag\" or \"zero\" with zebra-inject");
      golden::Int8EngineParams prot;
      prot.lanes = lanes;
      prot.words = static_cast<int>(words);
      prot.protection = protection;
      if (protection == "checksum") {
        prot.group_words = params.at("group_words").get<int>();
        prot.checksum_key = params.at("checksum_key").get<std::string>();
      }
      // A checksum group is checked whole: the load fills the last group
      // (zeros past the image), so that no check reads an unwritten word.
      const int64_t loaded = protection == "checksum"
                                 ? std::min<int64_t>(words, (used + prot.group_words - 1) /
                                                                prot.group_words * prot.group_words)
                                 : used;
      image.resize(static_cast<std::size_t>(loaded * lanes), 0);
      const std::vector<int8_t> clean = image;

      // The transactions before the layer, in order: load, signatures
      // (checksum), injection (each flipped word rewritten, then its clean
      // check bits for parity / SECDED), and a check of every group
      // (checksum: RADAR's check when the weights are loaded).
      const Ports ports(*design);
      const std::size_t op = ports.index("op_i"), addr_p = ports.index("addr_i"),
                        wdata = ports.index("wdata_i"), x_p = ports.index("x_i"),
                        first = ports.index("first_i"), last = ports.index("last_i"),
                        mult = ports.index("mult_i");
      std::vector<TestVector> pre;
      const auto txn = [&](int op_code, int64_t a, std::string label) {
        TestVector tv{ports.blank(), std::move(label)};
        tv.inputs[op].set(0, tv.inputs[op].width(), static_cast<uint64_t>(op_code));
        tv.inputs[addr_p].set(0, tv.inputs[addr_p].width(), static_cast<uint64_t>(a));
        return tv;
      };
      for (int64_t a = 0; a < loaded; ++a) {
        pre.push_back(txn(0, a, fmt::format("load word {}", a)));
        set_lanes(pre.back().inputs[wdata], clean.data() + a * lanes, lanes);
      }
      if (protection == "checksum") {
        const auto sigs = golden::group_signatures(clean, lanes, prot.group_words, prot.key());
        for (std::size_t g = 0; g < sigs.size(); ++g) {
          pre.push_back(txn(2, static_cast<int64_t>(g) * prot.group_words,
                            fmt::format("signature of group {}", g)));
          pre.back().inputs[wdata].set(0, 2, sigs[g]);
        }
      }
      const auto clean_check = [&](int64_t a) {
        const BitVec w = golden::weight_word(clean.data() + a * lanes, lanes);
        return protection == "parity" ? static_cast<uint64_t>(golden::parity_bit(w))
                                      : golden::secded_encode(w).get(0, prot.word_check_bits());
      };
      for (const auto& [a, bit] : flips) {
        image[static_cast<std::size_t>(a) * lanes + bit / 8] ^=
            static_cast<int8_t>(1u << (bit % 8));
        pre.push_back(txn(0, a, fmt::format("inject: flip bit {} of word {}", bit, a)));
        set_lanes(pre.back().inputs[wdata], image.data() + a * lanes, lanes);
        if (protection == "parity" || protection == "secded") {
          pre.push_back(txn(2, a, fmt::format("inject: the clean check bits of word {}", a)));
          pre.back().inputs[wdata].set(0, prot.word_check_bits(), clean_check(a));
        }
      }
      if (protection == "checksum")
        for (int64_t a = 0; a < loaded; ++a)
          pre.push_back(txn(3, a, fmt::format("check word {}", a)));

      // The layer, generated on demand (a layer can be millions of beats).
      const std::size_t writes = pre.size();
      const std::size_t beats = n * static_cast<std::size_t>(layer.rows * layer.words);
      const auto next = [&](std::size_t i) {
        if (i < writes) return pre[i];
        TestVector tv{ports.blank(), {}};
        PortValues& v = tv.inputs;
        const std::size_t b = i - writes;
        const std::size_t j = b % static_cast<std::size_t>(layer.words);
        const std::size_t r =
            b / static_cast<std::size_t>(layer.words) % static_cast<std::size_t>(layer.rows);
        const std::size_t row = b / static_cast<std::size_t>(layer.words * layer.rows);
        v[op].set(0, 1, 1);
        v[addr_p].set(0, v[addr_p].width(),
                      static_cast<uint64_t>(layer.base) + r * layer.words + j);
        set_lanes(v[x_p], acts.data.data() + row * k + j * lanes, lanes);
        v[first].set(0, 1, j == 0);
        v[last].set(0, 1, j + 1 == static_cast<std::size_t>(layer.words));
        v[mult].set(0, 1, 1);
        return tv;
      };
      tb::VectorSet vectors = tb::vectors_from(*design, writes + beats, next);

      // The accumulators the golden model expects (the done beats' acc_o).
      const auto outs = design->data_outputs();
      std::size_t acc_port = outs.size();
      for (std::size_t p = 0; p < outs.size(); ++p)
        if (outs[p].name == "acc_o") acc_port = p;
      if (acc_port == outs.size()) throw std::invalid_argument("the design has no acc_o output");
      std::vector<int32_t> acc;
      acc.reserve(n * static_cast<std::size_t>(layer.rows));
      for (std::size_t b = layer.words - 1; b < beats; b += layer.words)
        acc.push_back(static_cast<int32_t>(static_cast<uint32_t>(
            tb::port_value(vectors.data.expected(writes + b), vectors.data.output_widths, acc_port)
                .get(0, 32))));

      // What the protection reported on the layer's beats (det_o, cor_o).
      std::size_t detected = 0, corrected = 0;
      for (std::size_t p = 0; p < outs.size(); ++p) {
        if (outs[p].name != "det_o" && outs[p].name != "cor_o") continue;
        std::size_t& count = outs[p].name == "det_o" ? detected : corrected;
        for (std::size_t b = 0; b < beats; ++b)
          count += tb::port_value(vectors.data.expected(writes + b), vectors.data.output_widths, p)
                       .get(0, 1);
      }

      const std::string work =
          o->work.empty() ? default_work_dir(design->top_name()) + "-inject" : o->work;
      const auto rtl = write_rtl(*design, work + "/rtl");
      tb::VerifyOptions opt;
      opt.work_dir = work + "/verilator";
      opt.max_errors = o->max_errors;
      opt.fast_compile = o->fast_compile;
      const auto r = tb::verify_vectors(*design, rtl.files, std::move(vectors), opt);
      if (!r.pass) {
        exit_code = 1;
        return;
      }
      const std::string tmp = o->out + ".partial";
      const std::vector<std::size_t> shape = {n, static_cast<std::size_t>(layer.rows)};
      golden::write_npy_i32(tmp, shape, acc.data(), o->out);
      fs::rename(tmp, o->out);
      std::cout << fmt::format(
          "zebra-inject: {} words loaded, {} bits flipped, {} dot products of {} words on the "
          "RTL equal the golden model of the flipped memory; wrote {}\n",
          used, flips.size(), n * layer.rows, layer.words, o->out);
      if (protection != "none")
        std::cout << fmt::format(
            "protection {} (on_detect {}): {} of {} MAC beats read a detected word{}{}\n",
            protection, params.value("on_detect", std::string("flag")), detected, beats,
            protection == "checksum" ? " (a group that failed its check)" : "",
            protection == "secded" ? fmt::format(", {} a corrected one", corrected) : "");
      exit_code = 0;
    } catch (const std::exception& e) {
      exit_code = fail("zebra-inject", e.what());
    }
  });
}

}  // namespace bf::cli
