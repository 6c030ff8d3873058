#include "generator/blocks/vector_stream.hpp"

#include <fmt/format.h>

#include "generator/blocks/blocks.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::blocks {

VectorStream::VectorStream(vlog::Module& m, int n, int in_w, int in_frac, int out_w, bool embedded)
    : m_(m),
      n_(n),
      in_w_(in_w),
      out_w_(out_w),
      embedded_(embedded),
      valid_(embedded ? "valid_i" : "in_valid_i") {
  m.input("clk_i", 1);
  m.input("rst_ni", 1, "asynchronous, active low");
  if (embedded) {
    m.input("en_i", 1, "the parent's global advance: every stage moves when high");
    m.input("valid_i", 1, "a vector is presented (taken when en_i is high)");
  } else {
    m.input("in_valid_i", 1);
    m.output("in_ready_o", 1);
  }
  m.input("x_i", n * in_w,
          fmt::format("logit i at x_i[{}*i +: {}], signed Q{}.{}", in_w, in_w, in_w - in_frac,
                      in_frac));
  if (embedded) {
    m.output("valid_o", 1, "y_o holds a vector's result");
  } else {
    m.output("out_valid_o", 1);
    m.input("out_ready_i", 1);
  }
  m.output("y_o", n * out_w,
           fmt::format("output i at y_o[{}*i +: {}], unsigned Q0.{}", out_w, out_w, out_w));

  m.blank();
  m.comment("Pipeline control: one global enable.");
  m.reg("out_valid_q", 1);
  if (embedded) {
    m.wire("advance", 1, "the parent's enable");
    m.assign("advance", "en_i");
  } else {
    m.wire("advance", 1, "the output register is free or being read");
    m.assign("advance", "out_ready_i | ~out_valid_q");
    m.assign("in_ready_o", "advance");
  }
}

void VectorStream::cut(const std::string& what,
                       const std::vector<std::tuple<std::string, std::string, int>>& regs) {
  ++stage_;
  m_.blank();
  m_.comment(fmt::format("Pipeline register {} ({}).", stage_, what));
  const std::string vq = m_.reg(fmt::format("valid_q{}", stage_), 1);
  vlog::Registers r{"clk_i", "rst_ni", "advance", {{vq, valid_, "1'b0"}}, ""};
  for (const auto& [q, d, w] : regs) {
    m_.reg(q, w);
    r.regs.push_back({q, d, ""});
  }
  m_.add(r);
  valid_ = vq;
}

VectorStream::Maximum VectorStream::maximum(bool register_after) {
  m_.blank();
  m_.comment("Step 1: maximum by a comparator tree on offset-binary logits.");
  const std::string xo = m_.wire("x_off", n_ * in_w_, "sign bits inverted: offset binary");
  m_.assign(xo, fmt::format("x_i ^ {}",
                            vlog::repeat(n_, vlog::hex_lit(in_w_, uint64_t{1} << (in_w_ - 1)))));
  std::vector<std::string> xs;
  for (int i = 0; i < n_; ++i) {
    const std::string xi = m_.wire(fmt::format("x_off_{}", i), in_w_);
    m_.assign(xi, vlog::part(xo, i * in_w_, in_w_));
    xs.push_back(xi);
  }
  Maximum r{xo, max_tree(m_, "maxt", xs, in_w_)};
  if (register_after) {
    cut("after the max tree", {{fmt::format("x_off_q{}", stage_ + 1), r.x_off, n_ * in_w_},
                               {fmt::format("max_q{}", stage_ + 1), r.max, in_w_}});
    r.x_off = fmt::format("x_off_q{}", stage_);
    r.max = fmt::format("max_q{}", stage_);
  }
  return r;
}

void VectorStream::output(const std::string& y_d) {
  m_.blank();
  m_.comment("Output register.");
  m_.reg("y_q", n_ * out_w_);
  m_.add(vlog::Registers{
      "clk_i", "rst_ni", "advance", {{"out_valid_q", valid_, "1'b0"}, {"y_q", y_d, ""}}, ""});
  m_.assign(embedded_ ? "valid_o" : "out_valid_o", "out_valid_q");
  m_.assign("y_o", "y_q");
}

}  // namespace bf::blocks
