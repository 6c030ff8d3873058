#include "golden/units/baseline_mx_dot/baseline_mx_dot.hpp"

namespace bf::golden {

void MxDotParams::validate() const { validate_dot_engine(*this, 0); }

OpalPeConfig MxDotParams::config() const {
  validate();
  return {block, lanes, 0, act_bits, act_encoding_param(act_encoding), weight_bits};
}

}  // namespace bf::golden
