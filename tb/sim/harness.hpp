#pragma once
// The shared Verilator harness: clock, reset, valid/ready handshake, latency
// check, in-order scoreboard, watchdog, optional FST trace. It is compiled into
// each simulation binary together with a small generated driver that names the
// design's data ports (the only design-specific code):
//
//   struct Ports {
//     static constexpr std::array<uint32_t, NI> kInputWidths{...};   // data_inputs() order
//     static constexpr std::array<uint32_t, NO> kOutputWidths{...};  // data_outputs() order
//     static void set_inputs(Vtop& m, const uint64_t* words);
//     static void get_outputs(const Vtop& m, uint64_t* words);
//   };
//   int main(int argc, char** argv) { return bf::sim::run<Vtop, Ports>(argc, argv); }
//
// Control ports follow the blockforge convention: clk_i, rst_ni (async,
// active low), in_valid_i/in_ready_o, out_valid_o/out_ready_i.
//
// Command line: --vectors F --results F --top NAME --latency L [--seed S]
//   [--bubble P] [--stall P] [--max-errors M] [--watchdog CYCLES] [--trace F]
//
// Runs in three phases: reset; a latency phase (the first vectors back to back
// with out_ready high, each must appear exactly `latency` cycles after it was
// accepted); then the remaining vectors with random input bubbles and output
// stalls (junk on the data inputs during bubbles). Writes a JSON results file
// and ends with exactly one of
//   PASS: <N> vectors bit-exact (<top>)
//   FAIL: <M> mismatches in <N> vectors (<top>)

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "vector_file.hpp"
#include "verilated.h"
#if VM_TRACE_FST
#include "verilated_fst_c.h"
#endif

namespace bf::sim {

// ---- Port access: Verilator maps <=8 bits to CData, <=16 SData, <=32 IData,
// <=64 QData and wider ports to VlWide<N> (N 32-bit words, LSB word first).

template <class T>
requires std::is_integral_v<T>
void put(T& port, const uint64_t* words) { port = static_cast<T>(words[0]); }
template <class T>
requires std::is_integral_v<T>
void get(const T& port, uint64_t* words) { words[0] = static_cast<uint64_t>(port); }
template <std::size_t N>
void put(VlWide<N>& port, const uint64_t* words) {
  for (std::size_t k = 0; k < N; ++k)
    port.at(k) = static_cast<EData>(words[k / 2] >> (32 * (k % 2)));
}
template <std::size_t N>
void get(const VlWide<N>& port, uint64_t* words) {
  for (std::size_t k = 0; k < (N + 1) / 2; ++k) words[k] = 0;
  for (std::size_t k = 0; k < N; ++k)
    words[k / 2] |= static_cast<uint64_t>(port.at(k)) << (32 * (k % 2));
}

struct Args {
  std::string vectors, results, top, trace;
  uint64_t seed = 1;
  double bubble = 0.25, stall = 0.25;
  long max_errors = 10;
  long latency = -1;
  long watchdog = -1;  // -1: 1000 + 4 * latency
};

inline Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string key = argv[i];
    if (i + 1 >= argc) throw std::runtime_error("missing value for " + key);
    const std::string v = argv[++i];
    if (key == "--vectors")
      a.vectors = v;
    else if (key == "--results")
      a.results = v;
    else if (key == "--top")
      a.top = v;
    else if (key == "--trace")
      a.trace = v;
    else if (key == "--seed")
      a.seed = std::stoull(v);
    else if (key == "--bubble")
      a.bubble = std::stod(v);
    else if (key == "--stall")
      a.stall = std::stod(v);
    else if (key == "--max-errors")
      a.max_errors = std::stol(v);
    else if (key == "--latency")
      a.latency = std::stol(v);
    else if (key == "--watchdog")
      a.watchdog = std::stol(v);
    else
      throw std::runtime_error("unknown option " + key);
  }
  if (a.vectors.empty() || a.results.empty() || a.top.empty() || a.latency < 0)
    throw std::runtime_error("--vectors, --results, --top and --latency are required");
  if (a.watchdog < 0) a.watchdog = 1000 + 4 * a.latency;
  return a;
}

struct Mismatch {
  std::size_t vector;
  uint64_t cycle;
  std::vector<uint64_t> actual;  // output words, record layout
};

struct Outcome {
  std::size_t checked = 0;
  std::size_t mismatches = 0;
  long latency_measured = -1;
  uint64_t cycles = 0;
  double seconds = 0;
  std::vector<std::string> errors;  // protocol errors: latency, hang, spurious output
  std::vector<Mismatch> records;
  bool pass() const { return mismatches == 0 && errors.empty(); }
};

inline std::string json_escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '"' || c == '\\') r += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    r += c;
  }
  return r;
}

inline void write_results(const Args& a, std::size_t total, const Outcome& o) {
  std::FILE* f = std::fopen(a.results.c_str(), "w");
  if (!f) throw std::runtime_error(a.results + ": cannot write results");
  std::fprintf(f, "{\n  \"top\": \"%s\",\n  \"pass\": %s,\n", json_escape(a.top).c_str(),
               o.pass() ? "true" : "false");
  std::fprintf(f, "  \"vectors\": %zu,\n  \"total_vectors\": %zu,\n  \"mismatches\": %zu,\n",
               o.checked, total, o.mismatches);
  std::fprintf(f, "  \"latency_declared\": %ld,\n  \"latency_measured\": %ld,\n", a.latency,
               o.latency_measured);
  std::fprintf(f, "  \"cycles\": %llu,\n  \"sim_seconds\": %.9f,\n",
               static_cast<unsigned long long>(o.cycles), o.seconds);
  std::fprintf(f, "  \"errors\": [");
  for (std::size_t i = 0; i < o.errors.size(); ++i)
    std::fprintf(f, "%s\"%s\"", i ? ", " : "", json_escape(o.errors[i]).c_str());
  std::fprintf(f, "],\n  \"records\": [");
  for (std::size_t i = 0; i < o.records.size(); ++i) {
    const Mismatch& m = o.records[i];
    std::fprintf(f, "%s\n    {\"vector\": %zu, \"cycle\": %llu, \"actual\": [", i ? "," : "",
                 m.vector, static_cast<unsigned long long>(m.cycle));
    for (std::size_t w = 0; w < m.actual.size(); ++w)
      std::fprintf(f, "%s%llu", w ? ", " : "", static_cast<unsigned long long>(m.actual[w]));
    std::fprintf(f, "]}");
  }
  std::fprintf(f, "%s]\n}\n", o.records.empty() ? "" : "\n  ");
  if (std::fclose(f) != 0) throw std::runtime_error(a.results + ": cannot write results");
}

template <class Model, class Ports>
class Harness {
 public:
  Harness(const Args& args, const vecfile::VectorData& vectors)
      : a_(args), v_(vectors), rng_(args.seed) {
    ctx_ = std::make_unique<VerilatedContext>();
    ctx_->traceEverOn(!a_.trace.empty());
    m_ = std::make_unique<Model>(ctx_.get(), "top");
#if VM_TRACE_FST
    if (!a_.trace.empty()) {
      fst_ = std::make_unique<VerilatedFstC>();
      m_->trace(fst_.get(), 99);
      fst_->open(a_.trace.c_str());
    }
#else
    if (!a_.trace.empty())
      throw std::runtime_error("this simulation was built without FST tracing");
#endif
    in_buf_.assign(v_.input_words, 0);
    out_buf_.assign(v_.output_words, 0);
    for (uint32_t w : v_.input_widths) {
      for (std::size_t k = 0; k < vecfile::words_for(w); ++k) {
        const uint32_t bits = (k + 1) * 64 <= w ? 64 : w - 64 * k;
        in_mask_.push_back(bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1);
      }
    }
    for (uint32_t w : v_.output_widths) {
      for (std::size_t k = 0; k < vecfile::words_for(w); ++k) {
        const uint32_t bits = (k + 1) * 64 <= w ? 64 : w - 64 * k;
        out_mask_.push_back(bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1);
      }
    }
  }
  ~Harness() {
#if VM_TRACE_FST
    if (fst_) fst_->close();
#endif
    m_->final();
  }

  Outcome run() {
    reset();
    const auto t0 = std::chrono::steady_clock::now();
    const std::size_t n = v_.count;
    const std::size_t k = std::min<std::size_t>(n, 16);
    accept_cycle_.assign(k, 0);
    // Phase 1: latency. The first k vectors back to back, never stalled.
    while (!stop_ && next_out_ < k) cycle(next_in_ < k, true, false);
    // Phase 2: the rest with random bubbles and stalls.
    std::bernoulli_distribution bubble(a_.bubble), stall(a_.stall);
    while (!stop_ && next_out_ < n) {
      const bool offer = next_in_ < n && !bubble(rng_);
      cycle(offer, !stall(rng_), true);
    }
    // Drain: nothing may come out once every vector has been returned.
    for (long i = 0; !stop_ && i < 2 * a_.latency + 8; ++i) cycle(false, true, false);
    out_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out_.checked = next_out_;
    out_.cycles = cycles_;
    return out_;
  }

 private:
  void dump() {
#if VM_TRACE_FST
    if (fst_) fst_->dump(ctx_->time());
#endif
  }
  void half(bool clk) {
    m_->clk_i = clk;
    m_->eval();
    dump();
    ctx_->timeInc(1);
  }
  void reset() {
    m_->rst_ni = 0;
    m_->in_valid_i = 0;
    m_->out_ready_i = 0;
    Ports::set_inputs(*m_, in_buf_.data());
    for (int i = 0; i < 4; ++i) {
      half(false);
      half(true);
    }
    m_->clk_i = 0;
    m_->rst_ni = 1;
  }
  // Protocol errors fail the run; a fatal one (hang, spurious output) also
  // ends it, since the scoreboard no longer knows which vector is which.
  void error(std::string msg, bool fatal) {
    std::printf("ERROR: %s\n", msg.c_str());
    out_.errors.push_back(std::move(msg));
    stop_ = stop_ || fatal;
  }

  // One clock cycle: inputs change while the clock is low, the combinational
  // outputs settle, the handshakes are sampled, then the rising edge.
  void cycle(bool offer, bool ready, bool junk) {
    m_->in_valid_i = offer;
    m_->out_ready_i = ready;
    if (offer) {
      Ports::set_inputs(*m_, v_.inputs(next_in_));
    } else if (junk) {  // data inputs must be ignored without in_valid_i
      for (std::size_t w = 0; w < in_buf_.size(); ++w) in_buf_[w] = rng_() & in_mask_[w];
      Ports::set_inputs(*m_, in_buf_.data());
    }
    half(false);
    const bool fire_in = offer && m_->in_ready_o;
    const bool fire_out = ready && m_->out_valid_o;
    if (fire_in) {
      if (next_in_ < accept_cycle_.size()) accept_cycle_[next_in_] = cycles_;
      ++next_in_;
    }
    if (fire_out) check_output();
    if (fire_in || fire_out || !(offer || (ready && next_out_ < next_in_))) {
      idle_ = 0;
    } else if (++idle_ > a_.watchdog && !stop_) {
      error("design hung: no handshake for " + std::to_string(a_.watchdog) + " cycles at cycle " +
                std::to_string(cycles_) + " (" + std::to_string(next_in_) + " accepted, " +
                std::to_string(next_out_) + " returned)",
            true);
    }
    half(true);
    ++cycles_;
  }

  void check_output() {
    if (next_out_ >= next_in_) {
      error("out_valid_o with no transaction outstanding at cycle " + std::to_string(cycles_) +
                " (" + std::to_string(next_out_) + " returned)",
            true);
      return;
    }
    const std::size_t i = next_out_++;
    if (i < accept_cycle_.size()) {
      const long lat = static_cast<long>(cycles_ - accept_cycle_[i]);
      if (i == 0) out_.latency_measured = lat;
      if (lat != a_.latency && !latency_reported_) {
        latency_reported_ = true;
        error("latency: vector " + std::to_string(i) + " took " + std::to_string(lat) +
                  " cycles, the design declares " + std::to_string(a_.latency),
              false);
      }
    }
    Ports::get_outputs(*m_, out_buf_.data());
    const uint64_t* exp = v_.expected(i);
    bool ok = true;
    for (std::size_t w = 0; w < out_buf_.size(); ++w) {
      out_buf_[w] &= out_mask_[w];
      ok = ok && out_buf_[w] == exp[w];
    }
    if (ok) return;
    ++out_.mismatches;
    std::printf("mismatch at vector %zu (cycle %llu)\n", i,
                static_cast<unsigned long long>(cycles_));
    out_.records.push_back({i, cycles_, out_buf_});
    if (static_cast<long>(out_.mismatches) >= a_.max_errors) stop_ = true;
  }

  const Args& a_;
  const vecfile::VectorData& v_;
  std::mt19937_64 rng_;
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> m_;
#if VM_TRACE_FST
  std::unique_ptr<VerilatedFstC> fst_;
#endif
  std::vector<uint64_t> in_buf_, out_buf_, in_mask_, out_mask_;
  std::vector<uint64_t> accept_cycle_;
  std::size_t next_in_ = 0, next_out_ = 0;
  uint64_t cycles_ = 0;
  long idle_ = 0;
  bool stop_ = false;
  bool latency_reported_ = false;
  Outcome out_;
};

template <class Model, class Ports>
int run(int argc, char** argv) {
  try {
    const Args a = parse_args(argc, argv);
    const vecfile::VectorData v = vecfile::read(a.vectors);
    const std::vector<uint32_t> iw(Ports::kInputWidths.begin(), Ports::kInputWidths.end());
    const std::vector<uint32_t> ow(Ports::kOutputWidths.begin(), Ports::kOutputWidths.end());
    if (v.input_widths != iw || v.output_widths != ow)
      throw std::runtime_error(a.vectors + ": port widths differ from the design's ports");
    Outcome o;
    {
      Harness<Model, Ports> h(a, v);
      o = h.run();
    }
    write_results(a, v.count, o);
    if (o.pass()) {
      std::printf("PASS: %zu vectors bit-exact (%s)\n", o.checked, a.top.c_str());
    } else {
      std::printf("FAIL: %zu mismatches in %zu vectors (%s)\n", o.mismatches, o.checked,
                  a.top.c_str());
    }
    std::fflush(stdout);
    return o.pass() ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}

}  // namespace bf::sim
