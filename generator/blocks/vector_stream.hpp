#pragma once
// The skeleton of a streaming unit over one vector per transaction, shared by
// the softmax units (opal.softmax, softmax.exp_baseline): n signed
// fixed-point inputs x_i -> n unsigned outputs y_o, one global stall
// (advance = out_ready_i | ~out_valid_q, by StreamShell), optional pipeline
// cuts that carry a valid bit, the vector maximum, and the output register.

#include <string>
#include <tuple>
#include <vector>

#include "generator/blocks/stream_shell.hpp"
#include "generator/verilog/module.hpp"

namespace bf::blocks {

class VectorStream {
 public:
  // Writes the ports and the stall logic into m. Inputs are signed
  // Q(in_w - in_frac).in_frac, outputs unsigned Q0.out_w. `embedded`: for a
  // parent that stalls the unit with its own global advance: en_i / valid_i
  // in, valid_o out, no handshake of its own.
  VectorStream(vlog::Module& m, int n, int in_w, int in_frac, int out_w, bool embedded = false);

  // A pipeline register over (q, d, width) triples: declares the q regs, and a
  // valid bit following the previous stage. Stages are numbered from 1.
  void cut(const std::string& what,
           const std::vector<std::tuple<std::string, std::string, int>>& regs);
  int stage() const { return shell_.stages(); }
  // The global enable and the token at the current point of the pipeline.
  const StreamShell& shell() const { return shell_; }

  // Step 1: the inputs as offset binary (sign bit inverted, so unsigned
  // compares order them) and their maximum by a comparator tree; with
  // `register_after`, a cut after the tree. Returns the names in use after it.
  struct Maximum {
    std::string x_off;  // n * in_w bits
    std::string max;    // in_w bits, offset binary
  };
  Maximum maximum(bool register_after);

  // The output register, loaded from `y_d` (n * out_w bits), and the outputs.
  void output(const std::string& y_d);

 private:
  vlog::Module& m_;
  int n_, in_w_, out_w_;
  StreamShell shell_;
};

}  // namespace bf::blocks
