#pragma once
// The configuration language: TOML design files read into a unit's parameter
// struct (see golden/params/param_spec.hpp). Every error is one line:
//   "configs/x.toml:7:1: unknown parameter 'outlier' for unit opal.pe; did you mean 'outliers'?"
// i.e. file:line:column, the key, what was expected and what was found.
//
// A design file:
//   unit = "quant.block"        # required: a registered unit name
//   name = "quant_block_mxint8_k32"       # optional: the top module / output folder name
//   [params]                    # optional: parameters of the unit (defaults otherwise)
//   format = "mxint8"
//   block = 32
//   [params.pe]                 # a composed unit's nested section (param_spec.hpp):
//   lanes = 16                  #   its parameter "pe.lanes"

#include <toml++/toml.h>

#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "golden/params/param_spec.hpp"

namespace bf::cfg {

// A fully formatted one-line message (already carries file:line:column).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One parameter as `blockforge list` and the docs show it.
struct ParamInfo {
  std::string name;
  std::string type;          // "int", "bool", "string", "int list"
  std::string default_text;  // TOML spelling of the default: 32, true, "mxint8", [3, 5]
  std::string allowed_text;  // "2..256", "one of: a, b", "" for free strings/bools
  std::string help;
};

struct DesignFile {
  std::string path;
  std::string unit;
  std::string unit_where;  // "path:line:column" of the unit key, for messages
  std::string name;        // empty when the file gives none
  toml::table params;      // the [params] table (empty when absent)
  std::string
      content_hash;  // hex digest of the canonical unit+params, of the file's unit, name and params
};

// The most bytes a design or sweep file may have. Both are short TOML texts;
// the limit keeps a mistyped path (a device, /proc/kcore, a data file) from
// being read into memory.
inline constexpr std::size_t kMaxConfigFileBytes = std::size_t{16} << 20;

// Reads a design or sweep file whole. Throws ConfigError naming the path when
// it cannot be opened or read, is not a regular file (a directory, FIFO or
// device), or is larger than kMaxConfigFileBytes. `what` names the kind of
// file in messages ("design file", "sweep file").
std::string read_config_file(const std::string& path, std::string_view what);

// Reads and checks the top level of a design file (syntax, required 'unit',
// known top-level keys). Does not check the params against a unit: the caller
// looks the unit up and calls read_params<P>().
DesignFile load_design_file(const std::string& path);
// Same, from text (path is used in messages only).
DesignFile parse_design_text(std::string_view text, const std::string& path);

// "did you mean 'x'?" for the closest candidate within a small edit distance,
// or "" when nothing is close. Used for unknown keys, units and choices.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);
// The candidate did_you_mean() would suggest, or "" when nothing is close.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// A stable 16-hex-digit FNV-1a 64 hash of a string (config hashes, cache keys).
std::string stable_hash(std::string_view text);

// The leaves of a params_to_json() object in order, nested sections spelt with
// dotted keys: {"rows":4,"pe":{"block":128}} -> ("rows", 4), ("pe.block", 128).
// Lists and empty sections ({}) are leaves. The Verilog header prints one
// `key = value` line per leaf.
std::vector<std::pair<std::string, nlohmann::ordered_json>> flatten_params(
    const nlohmann::ordered_json& params);

// ---- templates over a parameter struct P (defined in config_visitors.hpp) ----
// template <class P> std::vector<ParamInfo> describe_params();
//   One entry per field; the fields of a nested section are listed with dotted
//   names ("pe.block"), the section itself has no entry.
// template <class P> P read_params(const toml::table& params, const std::string& path,
//                                  std::string_view unit_name);
//   Unknown keys, wrong types, out-of-range values and a throwing P::validate()
//   all become ConfigError with the key's position. A nested section
//   (v.section("pe", pe, ...)) is read from the sub-table [params.pe] with the
//   same rules, its keys named "pe.block" in messages; absent, it keeps its
//   defaults. After reading, every section's own validate() runs (innermost
//   first), then P::validate(); a ParamError key of a section is reported
//   dotted ("pe.lanes") at the inner key, else at the section, else [params].
// template <class P> nlohmann::ordered_json params_to_json(const P& p);
//   Every field in declaration order, a section as a nested object: the
//   canonical form used for the config hash, the manifest and the Verilog
//   header.

}  // namespace bf::cfg

#include "generator/config/config_visitors.hpp"
