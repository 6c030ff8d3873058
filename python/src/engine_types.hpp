#pragma once
// The C++ objects behind blockforge.OpalPe, MxDot and Bf16Dot: a unit's
// checked parameters and the engine configuration the golden model takes.
// Shared by the public bindings (engines_py.cpp) and the test-only cycle
// model paths (engine_testing_py.cpp).

#include <nlohmann/json.hpp>
#include <string>

#include "golden/units/baseline_bf16_dot/baseline_bf16_dot.hpp"
#include "golden/units/opal_pe/opal_pe.hpp"

namespace bf::py {

// opal.pe and baseline.mx_dot share one engine (golden/units/opal_pe/); the
// two Python classes are two C++ types so that pybind11 can tell them apart.
struct OpalEngine {
  std::string unit;
  nlohmann::ordered_json params;  // every field, defaults filled in
  golden::OpalPeConfig config;
};
struct OpalPeEngine : OpalEngine {};
struct MxDotEngine : OpalEngine {};

struct Bf16DotEngine {
  std::string unit = "baseline.bf16_dot";
  nlohmann::ordered_json params;
  golden::Bf16DotParams p;
};

}  // namespace bf::py
