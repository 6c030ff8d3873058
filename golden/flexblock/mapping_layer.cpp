#include "golden/flexblock/mapping_layer.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace bf::golden::flexblock {

int phase_taps(int k, int stride, int phase) {
  return phase < k ? (k - 1 - phase) / stride + 1 : 0;
}

int phase_positions(int size, int stride, int pad, int phase) {
  // The first y in [0, size) with (y + pad) mod stride == phase.
  const int first = ((phase - pad) % stride + stride) % stride;
  return first < size ? (size - 1 - first) / stride + 1 : 0;
}

std::vector<GemmJob> layer_gemms(const Layer& l, Pass pass, int64_t batch) {
  if (batch < 1) throw std::invalid_argument("layer_gemms: batch must be at least 1");
  const bool dw = l.type == LayerType::Depthwise;
  // A depthwise layer is `channels` single-channel convs.
  const int64_t cin = dw ? 1 : l.cin;
  const int64_t cout = dw ? 1 : l.cout;
  const int64_t count = dw ? l.cout : 1;
  const int64_t taps = int64_t{l.k} * l.k;
  const int64_t outputs = batch * l.ho() * l.wo();
  switch (pass) {
    case Pass::Forward:
      return {{{cout, outputs, cin * taps}, count, ""}};
    case Pass::WeightGrad:
      return {{{cout, cin * taps, outputs}, count, ""}};
    case Pass::DataGrad:
      break;
  }
  std::vector<GemmJob> jobs;
  const int s = l.stride;
  for (int fy = 0; fy < s; ++fy) {
    for (int fx = 0; fx < s; ++fx) {
      const int64_t k = cout * phase_taps(l.k, s, fy) * phase_taps(l.k, s, fx);
      const int64_t n =
          batch * phase_positions(l.h, s, l.pad, fy) * phase_positions(l.w, s, l.pad, fx);
      if (k == 0 || n == 0) continue;  // no tap reaches this phase: dX is zero there
      jobs.push_back({{cin, n, k}, count, s == 1 ? "" : fmt::format("phase ({}, {})", fy, fx)});
    }
  }
  return jobs;
}

}  // namespace bf::golden::flexblock
