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
//   template <class S> void section(std::string_view name, S& sub, std::string_view help);
// Cross-parameter rules live in the struct's validate() which throws
// ParamError naming the offending key.
//
// A composed unit nests the parameter structs of its sub-units as sections:
//
//   struct OpalCoreParams {
//     int rows = 4;
//     OpalPeParams pe;  // any struct with its own visit() (and maybe validate())
//     template <class V> void visit(V& v) {
//       v.field("rows", rows, "PE rows", IntRange{1, 8});
//       v.section("pe", pe, "the PE instances' parameters (opal.pe)");
//     }
//   };
//
// configured by the sub-table [params.pe] of the design file (block = 128
// there sets pe.block). Every visitor walks a section recursively. The
// fields of a section are named with dotted keys ("pe.block") in `blockforge
// list`, in messages and in sweeps; the canonical JSON nests them ("pe":
// {"block": 128}). The config reader runs each section's own validate() (a
// section's sections first) before the parent's, and reports a ParamError
// "block" of section pe as "pe.block". The parent's validate() owns the rules
// that tie a section to the rest ("rows * pe.lanes <= 64"); such a rule
// throws ParamError with the dotted key ("pe.lanes") so the reader points at
// that key. A parent that calls sub.validate() itself (outside the reader)
// gets the sub's undotted key.

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
