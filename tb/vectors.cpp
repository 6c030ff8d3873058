#include "tb/vectors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace bf::tb {

namespace {

// Appends the port values to `out` in file layout, checking them against the
// port list.
void append_ports(const Design& design, const PortValues& values,
                  const std::vector<PortSpec>& ports, const char* what, std::size_t vector,
                  std::vector<uint64_t>& out) {
  if (values.size() != ports.size())
    throw std::logic_error(fmt::format(
        "{} ({}): vector {} has {} {} values, the design has {} ports", design.unit_name(),
        design.top_name(), vector, values.size(), what, ports.size()));
  for (std::size_t p = 0; p < ports.size(); ++p) {
    if (values[p].width() != ports[p].width)
      throw std::logic_error(fmt::format("{} ({}): vector {}: {} port {} has width {}, declared {}",
                                         design.unit_name(), design.top_name(), vector, what,
                                         ports[p].name, values[p].width(), ports[p].width));
    const int top_bits = ports[p].width % 64;
    if (top_bits != 0 && (values[p].words().back() >> top_bits) != 0)
      throw std::logic_error(
          fmt::format("{} ({}): vector {}: {} port {} has bits set above its width",
                      design.unit_name(), design.top_name(), vector, what, ports[p].name));
    out.insert(out.end(), values[p].words().begin(), values[p].words().end());
  }
}

std::vector<uint32_t> widths(const std::vector<PortSpec>& ports) {
  std::vector<uint32_t> w;
  for (const auto& p : ports) {
    if (p.width <= 0) throw std::logic_error("port " + p.name + " has width <= 0");
    w.push_back(static_cast<uint32_t>(p.width));
  }
  return w;
}

}  // namespace

std::string VectorSet::describe(std::size_t i) const {
  const std::string& l = i < labels.size() ? labels[i] : std::string();
  if (i < corner) return fmt::format("corner case \"{}\"", l);
  const std::string base = fmt::format("random #{}", i - corner);
  return l.empty() ? base : fmt::format("{} \"{}\"", base, l);
}

VectorSet make_vectors(const Design& design, uint64_t seed, std::size_t random_vectors) {
  const auto in_ports = design.data_inputs();
  const auto out_ports = design.data_outputs();
  VectorSet vs;
  vs.data.set_widths(widths(in_ports), widths(out_ports));
  auto corner = design.corner_cases();
  vs.corner = corner.size();
  const std::size_t total = corner.size() + random_vectors;
  vs.data.words.reserve(total * vs.data.record_words());
  vs.labels.reserve(total);

  // One model for the whole stream: stateful units see the vectors in the
  // order the simulator does.
  auto model = design.stream_model();
  auto add = [&](const TestVector& tv) {
    const std::size_t i = vs.labels.size();
    append_ports(design, tv.inputs, in_ports, "input", i, vs.data.words);
    append_ports(design, model->step(tv.inputs), out_ports, "output (emulate)", i, vs.data.words);
    vs.labels.push_back(tv.label);
  };
  for (const auto& tv : corner) add(tv);
  corner.clear();
  std::mt19937_64 rng(seed);
  for (std::size_t k = 0; k < random_vectors; ++k) add(design.random_case(rng));
  vs.data.count = total;
  return vs;
}

VectorSet vectors_from(const Design& design, std::size_t count,
                       const std::function<TestVector(std::size_t)>& next) {
  const auto in_ports = design.data_inputs();
  const auto out_ports = design.data_outputs();
  VectorSet vs;
  vs.data.set_widths(widths(in_ports), widths(out_ports));
  vs.data.words.reserve(count * vs.data.record_words());
  vs.labels.reserve(count);
  auto model = design.stream_model();
  for (std::size_t i = 0; i < count; ++i) {
    const TestVector tv = next(i);
    append_ports(design, tv.inputs, in_ports, "input", i, vs.data.words);
    append_ports(design, model->step(tv.inputs), out_ports, "output (emulate)", i, vs.data.words);
    vs.labels.push_back(tv.label);
  }
  vs.data.count = count;
  return vs;
}

std::size_t output_bits_per_vector(const vecfile::VectorData& data) {
  std::size_t bits = 0;
  for (uint32_t w : data.output_widths) bits += w;
  return bits;
}

std::size_t flip_expected_bit(vecfile::VectorData& data, uint64_t bit) {
  const std::size_t per = output_bits_per_vector(data);
  if (per == 0 || bit / per >= data.count)
    throw std::out_of_range(fmt::format("corrupt_expected_bit {} is outside the {} expected bits",
                                        bit, per * data.count));
  const std::size_t vector = bit / per;
  std::size_t b = bit % per;
  uint64_t* w = data.expected(vector);
  for (uint32_t width : data.output_widths) {
    if (b < width) {
      w[b / 64] ^= uint64_t{1} << (b % 64);
      break;
    }
    b -= width;
    w += vecfile::words_for(width);
  }
  return vector;
}

BitVec port_value(const uint64_t* record_words, const std::vector<uint32_t>& widths,
                  std::size_t port) {
  for (std::size_t p = 0; p < port; ++p) record_words += vecfile::words_for(widths[p]);
  BitVec v(static_cast<int>(widths[port]));
  std::copy_n(record_words, v.num_words(), v.words().begin());
  return v;
}

vecfile::VectorData prefix(const vecfile::VectorData& data, std::size_t count) {
  vecfile::VectorData p;
  p.set_widths(data.input_widths, data.output_widths);
  p.count = std::min(count, data.count);
  p.words.assign(data.words.begin(),
                 data.words.begin() + static_cast<std::ptrdiff_t>(p.count * p.record_words()));
  return p;
}

}  // namespace bf::tb
