// `blockforge bfp-error [--m M --n N --k K] [--seed S]
//                       [--round truncate|nearest_even] [--json]`:
// the numerics of FlexBlock's BFP GEMM. For every mode pair (A bits x B
// bits, 4/8/16 each) and two matrix kinds (gaussian, heavy-tailed), the error
// of bfp_gemm against the exact product of the fp32 inputs: relative
// Frobenius error, SQNR and max |error| / max |exact|
// (golden/accuracy/bfp_gemm_error.hpp documents the matrices and figures).
//
// Every bad option value is one line "blockforge bfp-error: ..." and exit
// code 1: options are read as strings and parsed here.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "app/cli/cli.hpp"
#include "app/quantize/quantizer_spec.hpp"
#include "golden/accuracy/bfp_gemm_error.hpp"

namespace bf::cli {

namespace {

namespace fb = golden::flexblock;

// Sizes are capped so the double reference (M * N * K multiply-adds per kind)
// stays within seconds.
constexpr uint64_t kMaxDim = 4096;

struct BfpErrorArgs {
  std::string m = "256", n = "256", k = "1152", seed = "1", round = "truncate";
  bool json = false;
};

using quantize::parse_uint;

int parse_dim(const std::string& flag, const std::string& value) {
  const auto v = parse_uint(value);
  if (!v || *v < 1 || *v > kMaxDim)
    throw std::runtime_error(fmt::format("{} '{}' is not a matrix size; pass an integer in 1..{}",
                                         flag, value, kMaxDim));
  return static_cast<int>(*v);
}

fb::BfpErrorOptions resolve(const BfpErrorArgs& a) {
  fb::BfpErrorOptions o;
  o.m = parse_dim("--m", a.m);
  o.n = parse_dim("--n", a.n);
  o.k = parse_dim("--k", a.k);
  const auto seed = parse_uint(a.seed);
  if (!seed)
    throw std::runtime_error(
        fmt::format("--seed '{}' is not a seed; pass a non-negative integer", a.seed));
  o.seed = *seed;
  if (a.round == "truncate")
    o.rounding = golden::Rounding::Truncate;
  else if (a.round == "nearest_even")
    o.rounding = golden::Rounding::NearestEven;
  else
    throw std::runtime_error(fmt::format(
        "unknown rounding '{}' for --round; accepted: truncate, nearest_even", a.round));
  return o;
}

int run_bfp_error(const BfpErrorArgs& args) {
  const auto o = resolve(args);
  const auto rows = fb::bfp_error_table(o);
  const std::string rounding(golden::to_string(o.rounding));
  const std::string groups =
      fmt::format("4-bit {}, 8-bit {}, 16-bit {}", fb::default_group_size(fb::Mode::M4),
                  fb::default_group_size(fb::Mode::M8), fb::default_group_size(fb::Mode::M16));
  if (args.json) {
    nlohmann::ordered_json j;
    j["m"] = o.m;
    j["n"] = o.n;
    j["k"] = o.k;
    j["seed"] = o.seed;
    j["rounding"] = rounding;
    for (auto mode : {fb::Mode::M4, fb::Mode::M8, fb::Mode::M16})
      j["group_size"][fb::mode_name(mode)] = fb::default_group_size(mode);
    j["rows"] = nlohmann::ordered_json::array();
    for (const auto& r : rows)
      j["rows"].push_back({{"kind", fb::to_string(r.kind)},
                           {"a_bits", fb::mantissa_bits(r.a_mode)},
                           {"b_bits", fb::mantissa_bits(r.b_mode)},
                           {"rel_frobenius", r.error.rel_frobenius},
                           {"sqnr_db", r.error.sqnr_db},
                           {"max_err_ratio", r.error.max_err_ratio}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format(
      "FlexBlock BFP GEMM against the exact product (double) of its fp32 inputs\n"
      "C = A[{}x{}] * B[{}x{}], seed {}, rounding {}; groups along K: {}\n"
      "gaussian: N(0,1); heavy-tailed: N(0,1) with 2% of elements scaled by U(20,100)\n\n",
      o.m, o.k, o.k, o.n, o.seed, rounding, groups);
  std::cout << fmt::format("{:<13} {:>6} {:>6} {:>14} {:>9} {:>20}\n", "kind", "A bits", "B bits",
                           "rel. Frobenius", "SQNR dB", "max|err|/max|exact|");
  for (const auto& r : rows)
    std::cout << fmt::format("{:<13} {:>6} {:>6} {:>14.3e} {:>9.2f} {:>20.3e}\n",
                             fb::to_string(r.kind), fb::mantissa_bits(r.a_mode),
                             fb::mantissa_bits(r.b_mode), r.error.rel_frobenius, r.error.sqnr_db,
                             r.error.max_err_ratio);
  return 0;
}

}  // namespace

void add_bfp_error_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "bfp-error",
      "Error of FlexBlock's BFP GEMM (4/8/16-bit modes, every pair) against the exact product");
  auto a = std::make_shared<BfpErrorArgs>();
  cmd->add_option("--m", a->m, "rows of A and C (1..4096)")->type_name("M")->capture_default_str();
  cmd->add_option("--n", a->n, "columns of B and C (1..4096)")
      ->type_name("N")
      ->capture_default_str();
  cmd->add_option("--k", a->k, "reduction length (1..4096)")->type_name("K")->capture_default_str();
  cmd->add_option("--seed", a->seed, "seed of the matrix generator")
      ->type_name("SEED")
      ->capture_default_str();
  cmd->add_option("--round", a->round, "BFP conversion rounding: truncate or nearest_even")
      ->type_name("ROUNDING")
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "print JSON");
  cmd->callback([a, &exit_code] {
    try {
      exit_code = run_bfp_error(*a);
    } catch (const std::exception& e) {
      exit_code = fail("bfp-error", e.what());
    }
  });
}

}  // namespace bf::cli
