#pragma once
// The handshake shell of a streaming unit: one global stall that moves every
// register stage together, a valid token that travels with the data, and the
// output register.
//
//   advance    = out_ready_i | ~out_valid_q   (own handshake)
//              = en_i                         (embedded: the parent's enable)
//   in_ready_o = advance [& ~busy]
//   take       = in_valid_i & in_ready_o      (optional: a token enters)
//
// The shell writes the control logic and the registers that carry the token;
// the unit declares its ports (clk_i, rst_ni, in_valid_i/in_ready_o,
// out_valid_o/out_ready_i; embedded: en_i, valid_i, valid_o) and its data
// path. Typical use:
//
//   blocks::StreamShell shell(m);
//   ... combinational stage A ...
//   shell.stage("Stage register after A.", {{"x_q1", "x_d", 16}});
//   ... stage B, reading shell.valid() where it needs the token ...
//   shell.output({{"y_q", "y_d", 16}});
//   m.assign("y_o", "y_q");

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "generator/verilog/module.hpp"

namespace bf::blocks {

class StreamShell {
 public:
  struct Options {
    // Stalled by a parent's global advance: advance = en_i, the token enters
    // on valid_i and leaves on valid_o; no in_ready_o / out_ready_i.
    bool embedded = false;
    // The comment line above the control logic ("" = none).
    std::string heading = "Pipeline control: one global enable.";
    // Comments on the out_valid_q and advance declarations. advance_comment
    // unset: "the output register is free or being read" (embedded: "the
    // parent's enable"); "" for none.
    std::string out_valid_comment;
    std::optional<std::string> advance_comment;
    // A 1-bit expression, declared before the shell, that refuses new input
    // while the pipeline moves (in_ready_o = advance & ~busy). Own handshake
    // only.
    std::string busy;
    // Also declares `take`, high in a cycle that accepts a token.
    bool take = false;
    std::string take_comment = "a token is accepted this cycle";
  };

  // A register of a stage: q <= d when advance is high. width > 0: the shell
  // declares q; 0: the unit has declared it. An empty reset_value leaves the
  // register without reset (data qualified by the token).
  struct Reg {
    // A constructor, not an aggregate: {q, d, width} without a reset value
    // would warn -Wmissing-field-initializers.
    Reg(std::string q_, std::string d_, int width_ = 0, std::string reset_value_ = {})
        : q(std::move(q_)), d(std::move(d_)), width(width_), reset_value(std::move(reset_value_)) {}
    std::string q;
    std::string d;
    int width = 0;
    std::string reset_value;
  };

  // Writes the control logic into m (after a blank line): out_valid_q,
  // advance, in_ready_o (own handshake), take (when asked for). Fill an
  // Options field by field: with designated initializers GCC 12 warns
  // -Wmissing-field-initializers for the fields left out.
  StreamShell(vlog::Module& m, Options o);
  explicit StreamShell(vlog::Module& m);  // own handshake, default comments

  bool embedded() const { return o_.embedded; }
  // The global enable every register of the unit uses.
  static const std::string& advance();
  // The token at the current point of the pipeline: in_valid_i / valid_i
  // before the first stage, then valid_q<k> (or a token shift register bit).
  const std::string& valid() const { return valid_; }
  // Pipeline registers added so far by stage() / delay(): valid_q<stages()>
  // is the latest.
  int stages() const { return stages_; }

  // One pipeline register: a blank line, `comment` (when not empty), the
  // declarations of valid_q<k> (k = stages() + 1) and of the regs, and one
  // register bank (comment `bank_comment`) loading valid_q<k> (reset 0) from
  // the token and the regs. Returns valid_q<k>, the token from now on.
  const std::string& stage(const std::string& comment, const std::vector<Reg>& regs,
                           const std::string& bank_comment = "");

  // A side signal that travels with the token through delay(): registers
  // <prefix>_q<k> of `width` bits, the first loaded from `d`.
  struct Carry {
    Carry(std::string prefix_, std::string d_, int width_ = 1, std::string reset_value_ = {})
        : prefix(std::move(prefix_)),
          d(std::move(d_)),
          width(width_),
          reset_value(std::move(reset_value_)) {}
    std::string prefix;
    std::string d;
    int width = 1;
    std::string reset_value;
  };
  // `count` stages whose data registers live inside instances enabled by
  // advance (operators with internal register stages): a blank line,
  // `comment`, valid_q<k> and <prefix>_q<k> for each carried signal and each
  // stage (declared stage by stage), and one register bank. Returns the
  // carried signals' names after the last stage, in the order given.
  std::vector<std::string> delay(int count, const std::string& comment,
                                 const std::vector<Carry>& carried,
                                 const std::string& bank_comment = "");

  // A token shift register `name` of `count` bits (bit i: the token taken
  // i + 1 cycles ago), fed by `take` when the shell declares it, else by the
  // token. Declares `name` and returns its update (reset 0) for a register
  // bank the unit adds, e.g. as OutputOptions::before of output(). The token
  // is name[count - 1] from now on.
  vlog::RegUpdate token_shift(const std::string& name, int count, const std::string& comment = "");

  struct OutputOptions {
    // The comment line above the output register, after a blank line ("" =
    // neither the blank line nor the comment).
    std::string comment = "Output register.";
    std::string bank_comment;
    // Updates placed in the output register's bank before out_valid_q.
    std::vector<vlog::RegUpdate> before;
  };
  // The output register: declares the regs, adds one bank loading
  // out_valid_q (reset 0) from the token, then the regs, and assigns
  // out_valid_o (embedded: valid_o) = out_valid_q.
  void output(const std::vector<Reg>& regs, const OutputOptions& o);
  void output(const std::vector<Reg>& regs) { output(regs, OutputOptions{}); }

 private:
  vlog::Module& m_;
  Options o_;
  int stages_ = 0;
  std::string valid_;
};

}  // namespace bf::blocks
