#include "generator/design/design.hpp"

#include <stdexcept>

namespace bf {

std::vector<TestVector> Design::workload_chunk(const std::string& name,
                                               std::mt19937_64& /*rng*/) const {
  throw std::logic_error(unit_name() + " lists no workload '" + name + "'");
}

}  // namespace bf
