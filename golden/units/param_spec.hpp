#pragma once
// The vocabulary a unit's parameter struct uses to describe itself. The struct
// is the single source of truth: it declares each field once, with its name,
// help text and range, in a template member
//
//   template <class V> void visit(V& v) {
//     v.field("block", block, "elements per block (k)", IntRange{2, 256});
//     v.field("format", format, "block format", Choices{{"mxint8", "bfp8"}});
//   }
//
// and every consumer (the TOML reader, `blockforge list`, the manifest, the
// config hash, the Verilog header) is a visitor. Defaults are the member
// initializers. A visitor provides:
//   void field(std::string_view name, int& value, std::string_view help, IntRange range);
//   void field(std::string_view name, bool& value, std::string_view help);
//   void field(std::string_view name, std::string& value, std::string_view help, Choices choices);
//   void field(std::string_view name, std::vector<int>& value, std::string_view help,
//              IntRange each, IntRange length);
// Cross-parameter rules live in the struct's validate() which throws
// ParamError naming the offending key.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace bf {

struct IntRange {
  int64_t min;
  int64_t max;
};

// Allowed values of a string parameter; empty = any string.
struct Choices {
  std::vector<std::string> values;
};

// Thrown by a parameter struct's validate(): `key` is the parameter at fault,
// so the config reader can point at its line and column.
class ParamError : public std::runtime_error {
 public:
  ParamError(std::string key, const std::string& message)
      : std::runtime_error(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

}  // namespace bf
