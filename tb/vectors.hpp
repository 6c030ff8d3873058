#pragma once
// Test vectors of one verification run: corner cases, then seeded random
// cases, each with the expected outputs from the golden model.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/bits/bitvec.hpp"
#include "tb/sim/vector_file.hpp"

namespace bf::tb {

struct VectorSet {
  vecfile::VectorData data;         // inputs and expected outputs, file layout
  std::vector<std::string> labels;  // one per vector ("" for unlabeled random ones)
  std::size_t corner = 0;           // vectors [0, corner) are corner cases

  std::size_t size() const { return data.count; }
  // A description for reports: corner case "label", random #k "label".
  std::string describe(std::size_t i) const;
};

// corner_cases(), then random_case() from std::mt19937_64(seed) until
// corner + random_vectors; expected = stream_model()->step(inputs), in order. Throws
// std::logic_error when a vector or emulate() disagrees with the declared
// port list (count or widths), naming the port and the vector.
VectorSet make_vectors(const Design& design, uint64_t seed, std::size_t random_vectors);

// `count` vectors from next(0), next(1), ... in order (a caller's own stream,
// e.g. a workload read from files), expected outputs from one stream_model()
// as in make_vectors; no corner cases. Same checks as make_vectors.
VectorSet vectors_from(const Design& design, std::size_t count,
                       const std::function<TestVector(std::size_t)>& next);

// Total bits of the data outputs of one vector.
std::size_t output_bits_per_vector(const vecfile::VectorData& data);
// Flips bit `bit` of the expected output stream (vector by vector, ports in
// order, LSB first). Returns the vector index. Throws std::out_of_range.
std::size_t flip_expected_bit(vecfile::VectorData& data, uint64_t bit);

// Port `port` of a record as a BitVec, from words laid out as in the file.
BitVec port_value(const uint64_t* record_words, const std::vector<uint32_t>& widths,
                  std::size_t port);
// The first `count` vectors only.
vecfile::VectorData prefix(const vecfile::VectorData& data, std::size_t count);

}  // namespace bf::tb
