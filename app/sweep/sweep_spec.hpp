#pragma once
// Sweep files: a base design file and parameter value lists whose product
// (with zip groups moving together) defines the design points; constraints
// exclude points. Same error quality as design files (file:line:column, the
// key, expected vs found, did-you-mean).
//
//   base = "../configs/quant_block_mxint8_k32.toml"   # required, relative to this file
//   name = "quant_formats"                # optional; default: the file's stem
//
//   [sweep]                               # the product of these lists
//   format = ["mxint4", "mxint8", "mxfp4_e2m1"]
//   block = [16, 32, 64]
//
//   [[zip]]                               # lists that move together: one axis
//   input = ["fp32", "bf16"]
//   pipeline_stages = [0, 1]
//
//   [options]                             # defaults for `blockforge sweep`
//   verify = true                         # also prove each point in Verilator
//   vectors = 20000                       # random vectors per verified point
//   timeout = 600                         # seconds per point
//   constraints = ["block >= 16", "format != 'mxint4' || block <= 32"]
//
// Rules checked by load_sweep:
// - top level: base (a string naming an existing design file, resolved
//   relative to the sweep file), name, sweep, zip, options; nothing else.
// - name: a lower_snake_case identifier [a-z][a-z0-9_]*. Without it the file's
//   stem is used, made one (lowercase, other characters -> '_', "sweep_"
//   prefixed when it does not start with a letter): my-Sweep.toml -> my_sweep.
// - [sweep] and each [[zip]] group: keys are parameters of the base design's
//   unit (did-you-mean otherwise), each a non-empty array of values (numbers,
//   strings, booleans or lists); a parameter is swept in one place only; the
//   arrays of one zip group have equal lengths; no axis repeats a step (every
//   point is distinct, so points and their cache entries never collide).
// - constraints: the language of constraint.hpp; each is parsed and checked
//   against the unit's parameter names and types here, and a problem is
//   reported at the string's position with the column inside the expression.
// - at least one parameter is swept.
// - a parameter of a nested section (v.section("pe", ...) in the unit's
//   struct) is named with its dotted name everywhere: pe.block = [64, 128] in
//   [sweep] or [[zip]] (a TOML dotted key), "pe.block" in constraints, in
//   Point::swept and Point::params and in the CSV columns. A section itself
//   cannot be swept (pe = [...] is an error naming its dotted parameters).
// The base design itself is loaded and validated by its unit (its own errors
// name the base file's line).
//
// Points are enumerated in a fixed order: the axes are the [sweep] keys in
// file order, then the [[zip]] groups in file order, and the points are their
// product with the last axis varying fastest (nested loops in that order). A
// point is kept when every constraint is true; constraints see every
// parameter of the unit (defaults, then the base [params], then the swept
// values), so they may name parameters that are not swept. Each kept point's
// parameters are checked by the unit's own parameter reader; a bad value is
// reported at that value's line and column in the sweep file (a rule broken by
// a combination of values, at the point's first swept value), with the point.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace bf::sweep {

struct Axis {
  std::vector<std::string> keys;               // one key, or a zip group's keys
  std::vector<nlohmann::ordered_json> values;  // per step: object key -> value
  // Per step, per key (keys order): "path:line:column" of the value in the
  // sweep file, for messages. Filled by load_sweep; may be left empty.
  std::vector<std::vector<std::string>> where;
};

struct SweepSpec {
  std::string path;       // the sweep file
  std::string name;       // sweep name
  std::string base_path;  // the base design file (resolved)
  std::string unit;       // the base design's unit
  // The base design's [params] in file order (JSON spelling of the values),
  // nested sections flattened to dotted keys ("pe.block").
  nlohmann::ordered_json base_params = nlohmann::ordered_json::object();
  std::vector<Axis> axes;
  std::vector<std::string> constraints;
  std::vector<std::string> constraint_where;  // "path:line:column" of each (may be empty)
  bool verify = false;
  std::size_t vectors = 20000;
  double timeout_seconds = 600;

  // Every swept key in axis order (CSV columns, plot axes).
  std::vector<std::string> swept_keys() const;
};

struct Point {
  std::size_t index = 0;         // position in the full enumeration (before constraints)
  nlohmann::ordered_json swept;  // swept key -> value for this point (swept_keys() order)
  // Every parameter of the unit (declaration order, dotted names for nested
  // sections): defaults, then the base [params], then the swept values. What
  // the constraints saw.
  nlohmann::ordered_json params;
  // The complete design file text for this point, canonical and deterministic:
  //   unit = "<unit>"
  //   <blank line>
  //   [params]
  //   <the base [params] keys and the swept keys, one `key = value` line each
  //    (pe.block = 128 for a nested section's parameter),
  //    in the unit's declaration order>
  // No name: the unit derives the module name from the parameters.
  std::string design_text;
};

// The most points a sweep may enumerate (before constraints).
inline constexpr std::size_t kMaxPoints = 1000000;

// Throws cfg::ConfigError with a positioned one-line message.
SweepSpec load_sweep(const std::string& path);

// All points that satisfy the constraints, in enumeration order; `excluded`
// receives how many were dropped. Each kept point's parameters are validated
// (cfg::ConfigError pointing at the sweep file on a bad value); a point that
// does not validate but is excluded by a constraint is simply dropped, so
// constraints can cut invalid combinations out of a product. More than
// kMaxPoints points (before constraints) is an error.
std::vector<Point> enumerate_points(const SweepSpec& spec, std::size_t* excluded = nullptr);

// The shard_index-th (0-based) of shard_count deterministic slices: points
// whose position in the enumerated list is congruent to shard_index modulo
// shard_count (round robin, so shards get similar mixes of cheap and costly
// points). Throws std::invalid_argument unless shard_index < shard_count.
std::vector<Point> shard(const std::vector<Point>& points, std::size_t shard_index,
                         std::size_t shard_count);

// Parses "I/N" (1-based I as users write it, 1 <= I <= N) into (I-1, N);
// throws std::invalid_argument with the accepted form.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text);

}  // namespace bf::sweep
