#pragma once
// Sweep files: a base design file and parameter value lists whose product
// (with zip groups moving together) defines the design points; constraints
// exclude points. Same error quality as design files (file:line:column, the
// key, expected vs found, did-you-mean).
//
//   base = "../configs/mxint8_k32.toml"   # required, relative to this file
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
// Points are enumerated in a fixed order: the [sweep] keys in file order
// (the last one varying fastest), then each [[zip]] group in file order. A
// point is kept when every constraint is true. Each point's parameters are
// the base [params] with the swept keys replaced, checked by the unit's own
// parameter reader (so a bad value names the sweep file's line).

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bf::sweep {

struct Axis {
  std::vector<std::string> keys;               // one key, or a zip group's keys
  std::vector<nlohmann::ordered_json> values;  // per step: object key -> value
};

struct SweepSpec {
  std::string path;       // the sweep file
  std::string name;       // sweep name
  std::string base_path;  // the base design file (resolved)
  std::string unit;       // the base design's unit
  std::vector<Axis> axes;
  std::vector<std::string> constraints;
  bool verify = false;
  std::size_t vectors = 20000;
  double timeout_seconds = 600;

  // Every swept key in axis order (CSV columns, plot axes).
  std::vector<std::string> swept_keys() const;
};

struct Point {
  std::size_t index = 0;           // position in the full enumeration (before constraints)
  nlohmann::ordered_json swept;    // swept key -> value for this point
  std::string design_text;         // the complete design file text for this point
};

// Throws cfg::ConfigError with a positioned one-line message.
SweepSpec load_sweep(const std::string& path);

// All points that satisfy the constraints, in enumeration order; `excluded`
// receives how many were dropped. Each point's parameters are validated
// (cfg::ConfigError pointing at the sweep file on a bad value).
std::vector<Point> enumerate_points(const SweepSpec& spec, std::size_t* excluded = nullptr);

// The shard_index-th (0-based) of shard_count deterministic slices: points
// whose position in the enumerated list is congruent to shard_index.
std::vector<Point> shard(const std::vector<Point>& points, std::size_t shard_index,
                         std::size_t shard_count);

// Parses "I/N" (1-based I as users write it, 1 <= I <= N) into (I-1, N);
// throws std::invalid_argument with the accepted form.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text);

}  // namespace bf::sweep
