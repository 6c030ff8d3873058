#include "generator/blocks/stream_shell.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>

#include "generator/verilog/expr.hpp"

namespace bf::blocks {

namespace {

const std::string kAdvance = "advance";

}  // namespace

StreamShell::StreamShell(vlog::Module& m, Options o)
    : m_(m), o_(std::move(o)), valid_(o_.embedded ? "valid_i" : "in_valid_i") {
  if (o_.embedded && !o_.busy.empty())
    throw std::logic_error("StreamShell: an embedded shell has no in_ready_o to hold low");
  m_.blank();
  if (!o_.heading.empty()) m_.comment(o_.heading);
  m_.reg("out_valid_q", 1, o_.out_valid_comment);
  const std::string advance_comment = o_.advance_comment.value_or(
      o_.embedded ? "the parent's enable" : "the output register is free or being read");
  m_.wire(kAdvance, 1, advance_comment);
  if (o_.take) m_.wire("take", 1, o_.take_comment);
  if (o_.embedded) {
    m_.assign(kAdvance, "en_i");
    if (o_.take) m_.assign("take", "valid_i & en_i");
    return;
  }
  m_.assign(kAdvance, "out_ready_i | ~out_valid_q");
  const std::string ready = o_.busy.empty() ? kAdvance : fmt::format("advance & ~{}", o_.busy);
  m_.assign("in_ready_o", ready);
  if (o_.take) m_.assign("take", "in_valid_i & " + ready);
}

StreamShell::StreamShell(vlog::Module& m) : StreamShell(m, Options()) {}

const std::string& StreamShell::advance() { return kAdvance; }

const std::string& StreamShell::stage(const std::string& comment, const std::vector<Reg>& regs,
                                      const std::string& bank_comment) {
  ++stages_;
  m_.blank();
  if (!comment.empty()) m_.comment(comment);
  const std::string vq = m_.reg(fmt::format("valid_q{}", stages_), 1);
  vlog::Registers bank = vlog::register_bank(kAdvance, bank_comment);
  bank.regs.push_back({vq, valid_, "1'b0"});
  for (const Reg& r : regs) {
    if (r.width > 0) m_.reg(r.q, r.width);
    bank.regs.push_back({r.q, r.d, r.reset_value});
  }
  m_.add(bank);
  valid_ = vq;
  return valid_;
}

std::vector<std::string> StreamShell::delay(int count, const std::string& comment,
                                            const std::vector<Carry>& carried,
                                            const std::string& bank_comment) {
  if (count < 1) throw std::logic_error("StreamShell::delay: count must be at least 1");
  m_.blank();
  if (!comment.empty()) m_.comment(comment);
  vlog::Registers bank = vlog::register_bank(kAdvance, bank_comment);
  std::vector<std::string> names;
  for (const Carry& c : carried) names.push_back(c.d);
  for (int s = 0; s < count; ++s) {
    ++stages_;
    const std::string vq = m_.reg(fmt::format("valid_q{}", stages_), 1);
    bank.regs.push_back({vq, valid_, "1'b0"});
    valid_ = vq;
    for (std::size_t i = 0; i < carried.size(); ++i) {
      const Carry& c = carried[i];
      const std::string q = m_.reg(fmt::format("{}_q{}", c.prefix, stages_), c.width);
      bank.regs.push_back({q, names[i], c.reset_value});
      names[i] = q;
    }
  }
  m_.add(bank);
  return names;
}

vlog::RegUpdate StreamShell::token_shift(const std::string& name, int count,
                                         const std::string& comment) {
  if (count < 1) throw std::logic_error("StreamShell::token_shift: count must be at least 1");
  m_.reg(name, count, comment);
  const std::string in = o_.take ? "take" : valid_;
  const std::string d = count == 1 ? in : vlog::concat({vlog::bits(name, count - 2, 0), in});
  valid_ = vlog::bit(name, count - 1);
  return {name, d, vlog::lit(count, 0)};
}

void StreamShell::output(const std::vector<Reg>& regs, const OutputOptions& o) {
  if (!o.comment.empty()) {
    m_.blank();
    m_.comment(o.comment);
  }
  vlog::Registers bank = vlog::register_bank(kAdvance, o.bank_comment);
  bank.regs = o.before;
  bank.regs.push_back({"out_valid_q", valid_, "1'b0"});
  for (const Reg& r : regs) {
    if (r.width > 0) m_.reg(r.q, r.width);
    bank.regs.push_back({r.q, r.d, r.reset_value});
  }
  m_.add(bank);
  m_.assign(o_.embedded ? "valid_o" : "out_valid_o", "out_valid_q");
}

}  // namespace bf::blocks
