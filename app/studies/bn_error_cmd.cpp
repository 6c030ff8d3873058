// `blockforge bn-error [--shape N,C,H,W] [--seed S] [--json]`: the numerics
// of LightNorm's range BN. Per feature map kind (gaussian, relu) and per
// configuration of the golden model (fp32, fp10 with and without BFP and
// its variants), the error of the normalized output and of the gradients
// against exact range BN and exact standard BN in double, and exact range
// BN's own difference from standard BN
// (golden/accuracy/range_bn_error.hpp documents the maps and figures).
//
// Every bad option value is one line "blockforge bn-error: ..." and exit
// code 1: options are read as strings and parsed here.
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/cli/cli.hpp"
#include "app/quantize/quantizer_spec.hpp"
#include "golden/accuracy/range_bn_error.hpp"

namespace bf::cli {

namespace {

namespace ln = golden::lightnorm;

// The tensor is capped so memory (about 90 bytes per element: the inputs, two
// double references and the model's own buffers) stays under a gigabyte:
// 2^23 is a ResNet-18 CIFAR first-stage layer at batch 128.
constexpr uint64_t kMaxCount = uint64_t{1} << 23;

struct BnErrorArgs {
  std::string shape = "32,64,16,16", seed = "1";
  bool json = false;
};

using quantize::parse_uint;

ln::Shape parse_shape(const std::string& text) {
  const auto bad = [&](const std::string& why) {
    return std::runtime_error(fmt::format("--shape '{}' {}", text, why));
  };
  std::vector<uint64_t> dims;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const auto v = parse_uint(text.substr(start, comma - start));
    if (!v || *v < 1 || *v > kMaxCount)
      throw bad("is not a shape; pass N,C,H,W: four positive integers, e.g. 32,64,16,16");
    dims.push_back(*v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (dims.size() != 4)
    throw bad("is not a shape; pass N,C,H,W: four positive integers, e.g. 32,64,16,16");
  uint64_t count = 1;
  for (uint64_t d : dims) {
    if (count > kMaxCount / d)
      throw bad(fmt::format("has more than {} values; pass a smaller shape", kMaxCount));
    count *= d;
  }
  const ln::Shape s{dims[0], dims[1], dims[2], dims[3]};
  try {
    ln::check_bn_error_shape(s);
  } catch (const std::invalid_argument& e) {
    throw bad(fmt::format("is refused: {}", e.what()));
  }
  return s;
}

ln::BnErrorOptions resolve(const BnErrorArgs& a) {
  ln::BnErrorOptions o;
  o.shape = parse_shape(a.shape);
  const auto seed = parse_uint(a.seed);
  if (!seed)
    throw std::runtime_error(
        fmt::format("--seed '{}' is not a seed; pass a non-negative integer", a.seed));
  o.seed = *seed;
  return o;
}

// JSON has no infinity: an exact match (infinite SQNR) is null.
nlohmann::ordered_json db_json(double db) {
  return std::isinf(db) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(db);
}

std::string db_text(double db) { return std::isinf(db) ? "exact" : fmt::format("{:.1f}", db); }

std::string bfp_text(const golden::LightnormBfp& b) {
  return fmt::format("g{} {}-bit {}", b.group, b.bits,
                     b.variant == golden::LightnormBfp::Variant::KeepMax ? "keep-max" : "plain");
}

nlohmann::ordered_json config_json(const ln::BnErrorConfig& c) {
  const auto& q = c.params.core;
  nlohmann::ordered_json j{{"id", c.id},
                           {"label", c.label},
                           {"io", q.io.name()},
                           {"grad", q.grad.name()},
                           {"stat", q.stat.name()},
                           {"norm", q.norm.name()},
                           {"reciprocal", ln::to_string(q.reciprocal)},
                           {"bfp", c.params.bfp}};
  if (c.params.bfp) {
    j["io_bfp"] = bfp_text(c.params.io_bfp);
    j["grad_bfp"] = bfp_text(c.params.grad_bfp);
  }
  return j;
}

void print_json(const ln::BnErrorOptions& o, const std::vector<ln::BnErrorRow>& rows) {
  nlohmann::ordered_json j;
  j["shape"] = {o.shape.n, o.shape.c, o.shape.h, o.shape.w};
  j["n_per_channel"] = o.shape.per_channel();
  j["chunks"] = ln::kBnErrorChunks;
  j["seed"] = o.seed;
  j["gamma"] = 1.0;
  j["beta"] = 0.0;
  j["configs"] = nlohmann::ordered_json::array();
  for (const auto& c : ln::bn_error_configs()) j["configs"].push_back(config_json(c));
  j["rows"] = nlohmann::ordered_json::array();
  for (const auto& r : rows)
    j["rows"].push_back({{"kind", ln::to_string(r.kind)},
                         {"config", r.id},
                         {"label", r.label},
                         {"y_vs_range_sqnr_db", db_json(r.m.y_range_sqnr_db)},
                         {"y_vs_bn_sqnr_db", db_json(r.m.y_bn_sqnr_db)},
                         {"std_ratio", r.m.std_ratio},
                         {"y_vs_bn_fit_sqnr_db", db_json(r.m.y_bn_fit_sqnr_db)},
                         {"dx_vs_range_sqnr_db", db_json(r.m.dx_range_sqnr_db)},
                         {"dx_vs_bn_fit_sqnr_db", db_json(r.m.dx_bn_fit_sqnr_db)},
                         {"dgamma_rel_err", r.m.dgamma_rel_err},
                         {"dbeta_rel_err", r.m.dbeta_rel_err}});
  std::cout << j.dump(2) << "\n";
}

void print_text(const ln::BnErrorOptions& o, const std::vector<ln::BnErrorRow>& rows) {
  const auto& s = o.shape;
  const ln::RangeBnTensorParams lightnorm;
  std::cout << fmt::format(
      "LightNorm range BN (golden model) against exact BN in double from the same fp32 inputs\n"
      "x: {} x {} x {} x {} (n = {} per channel, {} chunks of {}), seed {}, gamma 1, beta 0\n"
      "gaussian: N(mu_c, sigma_c^2), mu_c ~ U(-1,1), sigma_c ~ U(0.5,2); relu: max(0, gaussian); "
      "dy ~ N(0,1)\n"
      "BFP unless named: x, gamma, y {}; gradients {}; conversions truncate, arithmetic nearest "
      "even\n"
      "y/range, dx/range: SQNR dB against exact range BN (the format error); y/BN: against "
      "standard BN;\n"
      "std ratio: std(y) / std(standard BN y); fit: SQNR after the least-squares scalar fit "
      "(shape error);\n"
      "dgamma, dbeta: relative L2 error over channels against exact range BN\n\n",
      s.n, s.c, s.h, s.w, s.per_channel(), ln::kBnErrorChunks, s.per_channel() / ln::kBnErrorChunks,
      o.seed, bfp_text(lightnorm.io_bfp), bfp_text(lightnorm.grad_bfp));
  std::cout << fmt::format("{:<8} {:<27} {:>7} {:>6} {:>9} {:>8} {:>8} {:>9} {:>10} {:>10}\n",
                           "kind", "configuration", "y/range", "y/BN", "std ratio", "y/BN fit",
                           "dx/range", "dx/BN fit", "dgamma err", "dbeta err");
  for (const auto& r : rows)
    std::cout << fmt::format(
        "{:<8} {:<27} {:>7} {:>6} {:>9.3f} {:>8} {:>8} {:>9} {:>10.2e} {:>10.2e}\n",
        ln::to_string(r.kind), r.label, db_text(r.m.y_range_sqnr_db), db_text(r.m.y_bn_sqnr_db),
        r.m.std_ratio, db_text(r.m.y_bn_fit_sqnr_db), db_text(r.m.dx_range_sqnr_db),
        db_text(r.m.dx_bn_fit_sqnr_db), r.m.dgamma_rel_err, r.m.dbeta_rel_err);
}

int run_bn_error(const BnErrorArgs& args) {
  const auto o = resolve(args);
  const auto rows = ln::bn_error_table(o);
  if (args.json)
    print_json(o, rows);
  else
    print_text(o, rows);
  return 0;
}

}  // namespace

void add_bn_error_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "bn-error",
      "Error of LightNorm's range BN (fp32, fp10, BFP, ...) against exact range and standard BN");
  auto a = std::make_shared<BnErrorArgs>();
  cmd->add_option("--shape", a->shape,
                  "feature map N,C,H,W; N*H*W a multiple of 8 and >= 16, at most 2^23 values")
      ->type_name("N,C,H,W")
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "seed of the feature and gradient maps")
      ->type_name("SEED")
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "print JSON");
  cmd->callback([a, &exit_code] {
    try {
      exit_code = run_bn_error(*a);
    } catch (const std::exception& e) {
      exit_code = fail("bn-error", e.what());
    }
  });
}

}  // namespace bf::cli
