#pragma once
// Test streams for opal.pe and baseline.mx_dot: corner-case rows built on
// purpose (real MX-OPAL blocks from the golden quantizer, scale and special-
// value extremes, signed zeros, cancellation, the widest integer sums) and
// independent biased random beats (every input read on every beat is random,
// so the per-beat rules of golden/units/opal_pe/opal_pe.hpp are all exercised).

#include <random>
#include <string>
#include <vector>

#include "generator/design/design.hpp"
#include "golden/units/opal_pe/opal_pe.hpp"

namespace bf::opal_pe {

std::vector<TestVector> corner_cases(const golden::OpalPeConfig& c);
TestVector random_case(const golden::OpalPeConfig& c, std::mt19937_64& rng);

// Power workloads: "llm" (GEMV rows of golden::llm_gemv_row: LLM-like
// activations quantized by the golden MX-OPAL quantizer, weight_bits-bit
// weights with a bf16 row scale; with several activation widths each row
// takes a mode drawn uniformly) and, with several widths, "llm-<b>bit" (every
// row in that width).
std::vector<Design::Workload> workloads(const golden::OpalPeConfig& c);
std::vector<TestVector> workload_chunk(const golden::OpalPeConfig& c, const std::string& name,
                                       std::mt19937_64& rng);

}  // namespace bf::opal_pe
