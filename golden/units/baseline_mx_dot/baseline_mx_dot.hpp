#pragma once
// baseline.mx_dot: the opal.pe engine for plain MXINT activations (no
// outliers), the "MX without outlier preservation" point of the OPAL
// comparison. Its arithmetic is golden/units/opal_pe/opal_pe.hpp with n = 0,
// computed by the same OpalPeModel.

#include "golden/units/opal_pe/opal_pe.hpp"

namespace bf::golden {

struct MxDotParams : DotEngineParams {
  void validate() const;
  OpalPeConfig config() const;
};

}  // namespace bf::golden
