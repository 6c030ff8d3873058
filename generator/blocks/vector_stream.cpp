#include "generator/blocks/vector_stream.hpp"

#include <fmt/format.h>

#include "generator/blocks/blocks.hpp"
#include "generator/verilog/expr.hpp"

namespace bf::blocks {

namespace {

StreamShell::Options shell_options(bool embedded) {
  StreamShell::Options o;
  o.embedded = embedded;
  return o;
}

}  // namespace

VectorStream::VectorStream(vlog::Module& m, int n, int in_w, int in_frac, int out_w, bool embedded)
    // The shell's items follow the ports whatever the order of the calls:
    // ports and body items are separate lists.
    : m_(m), n_(n), in_w_(in_w), out_w_(out_w), shell_(m, shell_options(embedded)) {
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
}

void VectorStream::cut(const std::string& what,
                       const std::vector<std::tuple<std::string, std::string, int>>& regs) {
  std::vector<StreamShell::Reg> rs;
  for (const auto& [q, d, w] : regs) rs.push_back({q, d, w, ""});
  shell_.stage(fmt::format("Pipeline register {} ({}).", shell_.stages() + 1, what), rs);
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
    const int k = stage() + 1;
    cut("after the max tree", {{fmt::format("x_off_q{}", k), r.x_off, n_ * in_w_},
                               {fmt::format("max_q{}", k), r.max, in_w_}});
    r.x_off = fmt::format("x_off_q{}", k);
    r.max = fmt::format("max_q{}", k);
  }
  return r;
}

void VectorStream::output(const std::string& y_d) {
  shell_.output({{"y_q", y_d, n_ * out_w_, ""}});
  m_.assign("y_o", "y_q");
}

}  // namespace bf::blocks
