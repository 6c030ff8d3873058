#include "tb/mismatch_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

namespace bf::tb {

namespace {

// Bits [lsb, lsb + width) of a BitVec as a new BitVec.
BitVec slice(const BitVec& v, int lsb, int width) {
  BitVec r(width);
  for (int b = 0; b < width; b += 64) {
    const int n = std::min(64, width - b);
    r.set(b, n, v.get(lsb + b, n));
  }
  return r;
}

int count_diff(const BitVec& a, const BitVec& b) {
  int n = 0;
  for (int w = 0; w < a.num_words(); ++w) n += std::popcount(a.words()[w] ^ b.words()[w]);
  return n;
}

std::string show(const BitVec& v, const FieldSpec* field) {
  std::string s = "0x" + v.to_hex();
  if (field && field->decode && v.width() <= 64)
    s += " (" + field->decode(v.get(0, v.width())) + ")";
  return s;
}

std::string diff_line(const std::string& name, const BitVec& expected, const BitVec& actual,
                      const FieldSpec* field) {
  const int bits = count_diff(expected, actual);
  return fmt::format("    {}: expected {} actual {}  [{} bit{} differ{}]\n", name,
                     show(expected, field), show(actual, field), bits, bits == 1 ? "" : "s",
                     bits == 1 ? "s" : "");
}

}  // namespace

std::string describe_mismatch(const Design& design, const VectorSet& vectors,
                              const MismatchRecord& record, std::size_t ordinal) {
  const auto& d = vectors.data;
  const auto ins = design.data_inputs();
  const auto outs = design.data_outputs();
  std::string s = fmt::format("mismatch {} at vector {} ({}), cycle {}\n", ordinal, record.vector,
                              vectors.describe(record.vector), record.cycle);
  if (record.vector >= d.count) return s + "    (vector index out of range)\n";

  s += "    inputs:";
  for (std::size_t p = 0; p < ins.size(); ++p)
    s += fmt::format(" {}=0x{}", ins[p].name,
                     port_value(d.inputs(record.vector), d.input_widths, p).to_hex());
  s += "\n";

  for (std::size_t p = 0; p < outs.size(); ++p) {
    const BitVec exp = port_value(d.expected(record.vector), d.output_widths, p);
    const BitVec act = port_value(record.actual.data(), d.output_widths, p);
    const std::string unknown = p < record.unknown.size() ? record.unknown[p] : std::string();
    if (exp == act && unknown.empty()) continue;
    if (!unknown.empty())
      s +=
          fmt::format("    {}: actual has X/Z bits: {} (read as 0 below)\n", outs[p].name, unknown);
    // Bits that differ but belong to no field: report the whole port.
    BitVec uncovered(outs[p].width);
    for (int w = 0; w < exp.num_words(); ++w)
      uncovered.words()[w] = exp.words()[w] ^ act.words()[w];
    for (const FieldSpec& f : outs[p].fields) {
      if (f.lsb < 0 || f.width <= 0 || f.lsb + f.width > outs[p].width) continue;
      const BitVec fe = slice(exp, f.lsb, f.width);
      const BitVec fa = slice(act, f.lsb, f.width);
      for (int b = 0; b < f.width; ++b) uncovered.set_bit(f.lsb + b, false);
      if (!(fe == fa)) s += diff_line(outs[p].name + "." + f.name, fe, fa, &f);
    }
    const bool any_uncovered = std::any_of(uncovered.words().begin(), uncovered.words().end(),
                                           [](uint64_t w) { return w != 0; });
    if (outs[p].fields.empty() || any_uncovered) s += diff_line(outs[p].name, exp, act, nullptr);
  }
  return s;
}

}  // namespace bf::tb
