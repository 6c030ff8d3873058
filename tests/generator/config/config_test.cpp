// The configuration language: design files, parameter reading and its error
// messages (each checked with its exact file:line:column), describe/json, the
// did-you-mean helper and the hashes.

#include "generator/config/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using bf::cfg::ConfigError;
using bf::cfg::DesignFile;
using bf::cfg::parse_design_text;

// A small unit parameter struct exercising every field kind. Declaration
// order is deliberately not alphabetical.
struct PeParams {
  std::string format = "mxint8";
  int block = 32;
  int outliers = 2;
  bool signed_out = true;
  std::string tag = "";
  std::vector<int> widths = {3, 5};
  int seed = 7;

  template <class V>
  void visit(V& v) {
    v.field("format", format, "element format", bf::Choices{{"mxint8", "mxint4", "bfp8"}});
    v.field("block", block, "elements per block (k)", bf::IntRange{2, 256});
    v.field("outliers", outliers, "outliers kept per block", bf::IntRange{0, 8});
    v.field("signed_out", signed_out, "signed output");
    v.field("tag", tag, "free text", bf::Choices{});
    v.field("widths", widths, "lane widths", bf::IntRange{1, 16}, bf::IntRange{1, 4});
    v.field("seed", seed, "a wide-range integer", bf::IntRange{0, INT64_MAX});
  }

  void validate() const {
    if (outliers * 4 > block)
      throw bf::ParamError("outliers", "at most block/4 = " + std::to_string(block / 4) +
                                           " outliers per block, found " +
                                           std::to_string(outliers));
  }
};

// Whose defaults never validate: for the "defaulted key" position.
struct AlwaysInvalid {
  int a = 1;
  template <class V>
  void visit(V& v) {
    v.field("a", a, "a number", bf::IntRange{0, 9});
  }
  void validate() const { throw bf::ParamError("a", "is never valid"); }
};

// A unit without parameters.
struct NoParams {
  template <class V>
  void visit(V&) {}
  void validate() const {}
};

constexpr const char* kPath = "configs/x.toml";

PeParams read(const std::string& text) {
  DesignFile file = parse_design_text(text, kPath);
  return bf::cfg::read_params<PeParams>(file.params, file.path, "opal.pe");
}

// The message of the ConfigError `f` throws ("" when it throws none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string read_error(const std::string& text) {
  return error_of([&] { read(text); });
}

std::string design_error(const std::string& text) {
  return error_of([&] { (void)parse_design_text(text, kPath); });
}

// ---------------------------------------------------------------- top level

TEST(DesignFile, ReadsUnitNameAndParams) {
  DesignFile f =
      parse_design_text("unit = \"opal.pe\"\nname = \"pe_k32\"\n[params]\nblock = 32\n", kPath);
  EXPECT_EQ(f.path, kPath);
  EXPECT_EQ(f.unit, "opal.pe");
  EXPECT_EQ(f.name, "pe_k32");
  ASSERT_TRUE(f.params.contains("block"));
  EXPECT_EQ(f.params["block"].value<int64_t>(), 32);
  EXPECT_EQ(f.content_hash.size(), 16u);
}

TEST(DesignFile, NameAndParamsAreOptional) {
  DesignFile f = parse_design_text("unit = \"opal.pe\"\n", kPath);
  EXPECT_EQ(f.unit, "opal.pe");
  EXPECT_EQ(f.name, "");
  EXPECT_TRUE(f.params.empty());
}

TEST(DesignFile, DottedParamsKeysAreAccepted) {
  PeParams p = read("unit = \"opal.pe\"\nparams.block = 64\n");
  EXPECT_EQ(p.block, 64);
}

TEST(DesignFile, SyntaxErrorIsPositionedAndOneLine) {
  std::string e = design_error("unit = \"opal.pe\"\n[params]\nblock = \n");
  EXPECT_EQ(e.rfind("configs/x.toml:3:9: ", 0), 0u) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

TEST(DesignFile, IntegerBeyond64BitsIsASyntaxError) {
  std::string e = design_error("unit = \"opal.pe\"\n[params]\nblock = 99999999999999999999\n");
  EXPECT_EQ(e.rfind("configs/x.toml:3:", 0), 0u) << e;
}

TEST(DesignFile, MissingUnit) {
  EXPECT_EQ(design_error("name = \"pe\"\n[params]\nblock = 4\n"),
            "configs/x.toml:1:1: missing required key 'unit' (the unit to generate, e.g. unit = "
            "\"quant.block\")");
}

TEST(DesignFile, UnitMustBeANonEmptyString) {
  EXPECT_EQ(design_error("\nunit = 3\n"),
            "configs/x.toml:2:1: key 'unit': expected a string (the unit to generate, e.g. unit "
            "= \"quant.block\"), found an integer (3)");
  EXPECT_EQ(design_error("unit = \"\"\n"),
            "configs/x.toml:1:1: key 'unit' is empty: expected the unit to generate, e.g. unit "
            "= \"quant.block\"");
}

TEST(DesignFile, UnknownTopLevelKeyWithSuggestion) {
  EXPECT_EQ(design_error("unit = \"opal.pe\"\n  nmae = \"x\"\n"),
            "configs/x.toml:2:3: unknown top-level key 'nmae'; did you mean 'name'?");
  // A table header: the position of the key inside the brackets.
  EXPECT_EQ(design_error("unit = \"opal.pe\"\n[parms]\nblock = 4\n"),
            "configs/x.toml:2:2: unknown top-level key 'parms'; did you mean 'params'?");
}

TEST(DesignFile, UnknownTopLevelKeyWithoutSuggestion) {
  EXPECT_EQ(design_error("unit = \"opal.pe\"\nblock = 32\n"),
            "configs/x.toml:2:1: unknown top-level key 'block' (allowed: unit, name, params; "
            "unit parameters go under [params])");
}

TEST(DesignFile, PositionedErrorsComeBeforeMissingUnit) {
  // The misspelt key explains the missing 'unit' better than "missing".
  EXPECT_EQ(design_error("# a design\nunti = \"opal.pe\"\n"),
            "configs/x.toml:2:1: unknown top-level key 'unti'; did you mean 'unit'?");
}

TEST(DesignFile, FirstErrorInFileOrderWins) {
  EXPECT_EQ(design_error("unit = \"opal.pe\"\nzzz = 1\naaa = 2\n"),
            "configs/x.toml:2:1: unknown top-level key 'zzz' (allowed: unit, name, params; "
            "unit parameters go under [params])");
}

TEST(DesignFile, NameMustBeALowerSnakeCaseIdentifier) {
  EXPECT_EQ(design_error("unit = \"opal.pe\"\nname = \"PeTop\"\n"),
            "configs/x.toml:2:1: key 'name' = \"PeTop\" is not a valid module name: expected a "
            "lower_snake_case Verilog identifier ([a-z][a-z0-9_]*)");
  EXPECT_EQ(design_error("unit = \"opal.pe\"\nname = \"9lives\"\n"),
            "configs/x.toml:2:1: key 'name' = \"9lives\" is not a valid module name: expected a "
            "lower_snake_case Verilog identifier ([a-z][a-z0-9_]*)");
  EXPECT_EQ(design_error("unit = \"opal.pe\"\nname = \"a-b\"\n"),
            "configs/x.toml:2:1: key 'name' = \"a-b\" is not a valid module name: expected a "
            "lower_snake_case Verilog identifier ([a-z][a-z0-9_]*)");
  EXPECT_EQ(design_error("unit = \"opal.pe\"\nname = \"\"\n"),
            "configs/x.toml:2:1: key 'name' = \"\" is not a valid module name: expected a "
            "lower_snake_case Verilog identifier ([a-z][a-z0-9_]*)");
  EXPECT_EQ(design_error("unit = \"opal.pe\"\nname = \"module\"\n"),
            "configs/x.toml:2:1: key 'name' = \"module\" is not a valid module name: 'module' is "
            "a Verilog keyword");
  EXPECT_EQ(design_error("unit = \"opal.pe\"\nname = 5\n"),
            "configs/x.toml:2:1: key 'name': expected a string (the top module name, e.g. name = "
            "\"quant_block_mxint8_k32\"), found an integer (5)");
  EXPECT_EQ(parse_design_text("unit = \"opal.pe\"\nname = \"a_b9_\"\n", kPath).name, "a_b9_");
}

TEST(DesignFile, ParamsMustBeATable) {
  EXPECT_EQ(design_error("unit = \"opal.pe\"\nparams = \"block=4\"\n"),
            "configs/x.toml:2:1: key 'params': expected a table of unit parameters ([params]), "
            "found a string (\"block=4\")");
}

TEST(DesignFile, LoadFromDisk) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("bf_config_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path file = dir / "pe.toml";
  {
    std::ofstream out(file);
    out << "unit = \"opal.pe\"\n\n[params]\nblock = 16\noutlier = 1\n";
  }
  DesignFile f = bf::cfg::load_design_file(file.string());
  EXPECT_EQ(f.path, file.string());
  EXPECT_EQ(f.params["block"].value<int64_t>(), 16);
  EXPECT_EQ(error_of([&] { bf::cfg::read_params<PeParams>(f.params, f.path, f.unit); }),
            file.string() +
                ":5:1: unknown parameter 'outlier' for unit opal.pe; did you mean 'outliers'?");
  fs::remove_all(dir);

  std::string missing = (dir / "missing.toml").string();
  EXPECT_EQ(error_of([&] { (void)bf::cfg::load_design_file(missing); }),
            missing + ": cannot open design file: No such file or directory");
}

// ---------------------------------------------------------------- parameters

TEST(ReadParams, DefaultsWhenParamsAbsent) {
  PeParams p = read("unit = \"opal.pe\"\n");
  PeParams d;
  EXPECT_EQ(p.format, d.format);
  EXPECT_EQ(p.block, d.block);
  EXPECT_EQ(p.outliers, d.outliers);
  EXPECT_EQ(p.signed_out, d.signed_out);
  EXPECT_EQ(p.tag, d.tag);
  EXPECT_EQ(p.widths, d.widths);
  EXPECT_EQ(p.seed, d.seed);
}

TEST(ReadParams, ReadsEveryKind) {
  PeParams p = read(
      "unit = \"opal.pe\"\n"
      "[params]\n"
      "format = \"bfp8\"\n"
      "block = 0x40\n"
      "outliers = 8\n"
      "signed_out = false\n"
      "tag = \"any text\"\n"
      "widths = [1, 16, 2, 4]\n"
      "seed = 2147483647\n");
  EXPECT_EQ(p.format, "bfp8");
  EXPECT_EQ(p.block, 64);
  EXPECT_EQ(p.outliers, 8);
  EXPECT_FALSE(p.signed_out);
  EXPECT_EQ(p.tag, "any text");
  EXPECT_EQ(p.widths, (std::vector<int>{1, 16, 2, 4}));
  EXPECT_EQ(p.seed, 2147483647);
}

TEST(ReadParams, UnknownParameterWithSuggestion) {
  EXPECT_EQ(read_error("# PE with outliers\n"
                       "unit = \"opal.pe\"\n"
                       "name = \"pe\"\n"
                       "\n"
                       "[params]\n"
                       "block = 32\n"
                       "outlier = 2\n"),
            "configs/x.toml:7:1: unknown parameter 'outlier' for unit opal.pe; did you mean "
            "'outliers'?");
}

TEST(ReadParams, UnknownParameterListsValidNames) {
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\n  frobnicate = 1\n"),
            "configs/x.toml:3:3: unknown parameter 'frobnicate' for unit opal.pe (parameters: "
            "format, block, outliers, signed_out, tag, widths, seed)");
}

TEST(ReadParams, UnknownParameterOfAUnitWithoutParameters) {
  DesignFile f = parse_design_text("unit = \"misc.none\"\n[params]\nx = 1\n", kPath);
  EXPECT_EQ(error_of([&] { bf::cfg::read_params<NoParams>(f.params, f.path, f.unit); }),
            "configs/x.toml:3:1: unknown parameter 'x' for unit misc.none (the unit has no "
            "parameters)");
}

TEST(ReadParams, WrongTypes) {
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nblock = \"32\"\n"),
            "configs/x.toml:3:1: parameter 'block': expected an integer, found a string "
            "(\"32\")");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nblock = 32.0\n"),
            "configs/x.toml:3:1: parameter 'block': expected an integer, found a float (32.0)");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nblock = true\n"),
            "configs/x.toml:3:1: parameter 'block': expected an integer, found a boolean (true)");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nsigned_out = \"yes\"\n"),
            "configs/x.toml:3:1: parameter 'signed_out': expected a boolean (true or false), "
            "found a string (\"yes\")");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nsigned_out = 1\n"),
            "configs/x.toml:3:1: parameter 'signed_out': expected a boolean (true or false), "
            "found an integer (1)");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nformat = 8\n"),
            "configs/x.toml:3:1: parameter 'format': expected a string, found an integer (8)");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nwidths = 3\n"),
            "configs/x.toml:3:1: parameter 'widths': expected a list of integers, found an "
            "integer (3)");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nblock = [32]\n"),
            "configs/x.toml:3:1: parameter 'block': expected an integer, found an array");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params.block]\nx = 1\n"),
            "configs/x.toml:2:9: parameter 'block': expected an integer, found a table");
}

TEST(ReadParams, OutOfRange) {
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nblock = 1000\n"),
            "configs/x.toml:3:1: parameter 'block' = 1000 is out of range: expected 2..256");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nblock = -3\n"),
            "configs/x.toml:3:1: parameter 'block' = -3 is out of range: expected 2..256");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nblock = 1\n"),
            "configs/x.toml:3:1: parameter 'block' = 1 is out of range: expected 2..256");
}

TEST(ReadParams, BeyondIntRange) {
  // The declared range is 0..INT64_MAX, the field an int: the int limit applies.
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nseed = 5000000000\n"),
            "configs/x.toml:3:1: parameter 'seed' = 5000000000 is out of range: expected "
            "0..2147483647");
}

TEST(ReadParams, BadChoice) {
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nformat = \"mxint9\"\n"),
            "configs/x.toml:3:1: parameter 'format' = \"mxint9\" is not allowed: expected one "
            "of: mxint8, mxint4, bfp8; did you mean 'mxint8'?");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nformat = \"fp32\"\n"),
            "configs/x.toml:3:1: parameter 'format' = \"fp32\" is not allowed: expected one "
            "of: mxint8, mxint4, bfp8");
}

TEST(ReadParams, FreeStringTakesAnything) {
  EXPECT_EQ(read("unit = \"opal.pe\"\n[params]\ntag = \"\"\n").tag, "");
  EXPECT_EQ(read("unit = \"opal.pe\"\n[params]\ntag = 'a \\ b'\n").tag, "a \\ b");
}

TEST(ReadParams, ListElementErrorsPointAtTheElement) {
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nwidths = [3, 40]\n"),
            "configs/x.toml:3:14: parameter 'widths[1]' = 40 is out of range: expected 1..16");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nwidths = [\n  3,\n  0,\n]\n"),
            "configs/x.toml:5:3: parameter 'widths[1]' = 0 is out of range: expected 1..16");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nwidths = [3, \"4\"]\n"),
            "configs/x.toml:3:14: parameter 'widths[1]': expected an integer, found a string "
            "(\"4\")");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nwidths = [3, 4.5]\n"),
            "configs/x.toml:3:14: parameter 'widths[1]': expected an integer, found a float "
            "(4.5)");
}

TEST(ReadParams, ListLength) {
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nwidths = []\n"),
            "configs/x.toml:3:1: parameter 'widths' has 0 elements: expected 1..4 elements");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nwidths = [1, 2, 3, 4, 5]\n"),
            "configs/x.toml:3:1: parameter 'widths' has 5 elements: expected 1..4 elements");
}

TEST(ReadParams, FirstErrorInFileOrderWins) {
  // 'widths' is declared after 'block', but comes first in the file.
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nwidths = []\nblock = 1\nzzz = 1\n"),
            "configs/x.toml:3:1: parameter 'widths' has 0 elements: expected 1..4 elements");
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nzzz = 1\nblock = 1\n"),
            "configs/x.toml:3:1: unknown parameter 'zzz' for unit opal.pe (parameters: format, "
            "block, outliers, signed_out, tag, widths, seed)");
}

TEST(ReadParams, ValidateErrorAtTheKey) {
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n[params]\nblock = 8\n  outliers = 3\n"),
            "configs/x.toml:4:3: parameter 'outliers': at most block/4 = 2 outliers per block, "
            "found 3");
}

TEST(ReadParams, ValidateErrorOfADefaultedKeyAtTheParamsTable) {
  // outliers keeps its default (2), which is too many for block = 4.
  EXPECT_EQ(read_error("unit = \"opal.pe\"\n\n[params]\nblock = 4\n"),
            "configs/x.toml:3:1: parameter 'outliers' (default 2): at most block/4 = 1 outliers "
            "per block, found 2");
}

TEST(ReadParams, ValidateErrorOfADefaultedKeyWithoutParamsAtFileStart) {
  DesignFile f = parse_design_text("# nothing set\nunit = \"misc.bad\"\n", kPath);
  EXPECT_EQ(error_of([&] { bf::cfg::read_params<AlwaysInvalid>(f.params, f.path, f.unit); }),
            "configs/x.toml:1:1: parameter 'a' (default 1): is never valid");
}

TEST(ReadParams, KeyPositionsSurviveACopyOfTheTable) {
  // toml++ drops value positions when a table is copied, but keeps the keys'.
  DesignFile f = parse_design_text("unit = \"opal.pe\"\n[params]\nblock = 1000\n", kPath);
  toml::table copy = f.params;
  EXPECT_EQ(error_of([&] { bf::cfg::read_params<PeParams>(copy, f.path, f.unit); }),
            "configs/x.toml:3:1: parameter 'block' = 1000 is out of range: expected 2..256");
}

TEST(ReadParams, InlineParamsTable) {
  EXPECT_EQ(read_error("unit = \"opal.pe\"\nparams = { block = 4, outlier = 1 }\n"),
            "configs/x.toml:2:23: unknown parameter 'outlier' for unit opal.pe; did you mean "
            "'outliers'?");
}

// ---------------------------------------------------------------- describe / json

TEST(DescribeParams, TypesDefaultsAndRanges) {
  std::vector<bf::cfg::ParamInfo> infos = bf::cfg::describe_params<PeParams>();
  ASSERT_EQ(infos.size(), 7u);
  auto check = [&](size_t i, const char* name, const char* type, const char* def,
                   const char* allowed, const char* help) {
    SCOPED_TRACE(name);
    EXPECT_EQ(infos[i].name, name);
    EXPECT_EQ(infos[i].type, type);
    EXPECT_EQ(infos[i].default_text, def);
    EXPECT_EQ(infos[i].allowed_text, allowed);
    EXPECT_EQ(infos[i].help, help);
  };
  check(0, "format", "string", "\"mxint8\"", "one of: mxint8, mxint4, bfp8", "element format");
  check(1, "block", "int", "32", "2..256", "elements per block (k)");
  check(2, "outliers", "int", "2", "0..8", "outliers kept per block");
  check(3, "signed_out", "bool", "true", "", "signed output");
  check(4, "tag", "string", "\"\"", "", "free text");
  check(5, "widths", "int list", "[3, 5]", "each 1..16, length 1..4", "lane widths");
  check(6, "seed", "int", "7", "0..9223372036854775807", "a wide-range integer");
}

TEST(ParamsToJson, EveryFieldInDeclarationOrder) {
  PeParams p = read("unit = \"opal.pe\"\n[params]\nwidths = [2]\nblock = 64\n");
  nlohmann::ordered_json j = bf::cfg::params_to_json(p);
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"format", "block", "outliers", "signed_out", "tag",
                                            "widths", "seed"}));
  EXPECT_EQ(j.dump(), R"({"format":"mxint8","block":64,"outliers":2,"signed_out":true,"tag":"",)"
                      R"("widths":[2],"seed":7})");
}

TEST(ParamsToJson, RoundTripsThroughToml) {
  PeParams p;
  p.format = "bfp8";
  p.block = 128;
  p.signed_out = false;
  p.tag = "say \"hi\"";
  p.widths = {16, 1, 2};
  // Write the params back as TOML, read them again.
  std::string text = "unit = \"opal.pe\"\n[params]\n";
  nlohmann::ordered_json j = bf::cfg::params_to_json(p);
  for (auto it = j.begin(); it != j.end(); ++it) {
    text += it.key() + " = ";
    if (it->is_string())
      text += bf::cfg::detail::toml_quote(it->get<std::string>());
    else
      text += it->dump();
    text += "\n";
  }
  PeParams q = read(text);
  EXPECT_EQ(bf::cfg::params_to_json(q), j);
}

// ---------------------------------------------------------------- helpers

TEST(DidYouMean, Cases) {
  using bf::cfg::did_you_mean;
  const std::vector<std::string> keys = {"block", "format", "outliers", "signed_out"};
  EXPECT_EQ(did_you_mean("outlier", keys), "did you mean 'outliers'?");
  EXPECT_EQ(did_you_mean("blokc", keys), "did you mean 'block'?");  // transposition: 2 edits
  EXPECT_EQ(did_you_mean("Format", keys), "did you mean 'format'?");
  EXPECT_EQ(did_you_mean("signed", keys), "");  // 4 edits > max(2, 6/3)
  EXPECT_EQ(did_you_mean("signedout", keys), "did you mean 'signed_out'?");
  EXPECT_EQ(did_you_mean("frobnicate", keys), "");
  EXPECT_EQ(did_you_mean("xy", {"ab"}), "");  // rewriting the whole word is no typo
  EXPECT_EQ(did_you_mean("anything", {}), "");
  // Longer words allow more edits: len/3.
  EXPECT_EQ(did_you_mean("accumulatorwdth_bits", {"accumulator_width_bit"}),
            "did you mean 'accumulator_width_bit'?");
  // The closest candidate wins; ties go to the first listed.
  EXPECT_EQ(did_you_mean("mxint9", {"mxint8", "mxint4"}), "did you mean 'mxint8'?");
  EXPECT_EQ(did_you_mean("mxint44", {"mxint8", "mxint4"}), "did you mean 'mxint4'?");
  EXPECT_EQ(did_you_mean("quant.blok", {"opal.pe", "quant.block"}), "did you mean 'quant.block'?");
}

TEST(StableHash, KnownFnv1a64Values) {
  using bf::cfg::stable_hash;
  EXPECT_EQ(stable_hash(""), "cbf29ce484222325");
  EXPECT_EQ(stable_hash("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(stable_hash("foobar"), "85944171f73967e8");
  EXPECT_EQ(stable_hash(std::string_view("\0", 1)), "af63bd4c8601b7df");
}

TEST(ContentHash, IgnoresLayoutCommentsKeyOrderAndSpelling) {
  const std::string base =
      "unit = \"opal.pe\"\nname = \"pe\"\n[params]\nblock = 32\nformat = \"bfp8\"\nwidths = "
      "[3, 5]\n";
  const std::string reformatted =
      "# a PE\nname='pe'   # top\n\nunit = \"opal.pe\"\n\n[params]\n  widths = [\n    3,\n    "
      "5,\n  ]\n  format = \"bfp8\" # the format\n  block = 0x20\n";
  const std::string inline_table =
      "unit = \"opal.pe\"\nname = \"pe\"\nparams = { format = \"bfp8\", block = 32, widths = [3, "
      "5] }\n";
  const std::string dotted =
      "params.widths = [3, 5]\nparams.block = 32\nparams.format = \"bfp8\"\nname = \"pe\"\nunit "
      "= \"opal.pe\"\n";
  const std::string h = parse_design_text(base, "a.toml").content_hash;
  EXPECT_EQ(parse_design_text(reformatted, "b.toml").content_hash, h);
  EXPECT_EQ(parse_design_text(inline_table, "c.toml").content_hash, h);
  EXPECT_EQ(parse_design_text(dotted, "d.toml").content_hash, h);
  // The path is not part of the content.
  EXPECT_EQ(parse_design_text(base, "elsewhere/e.toml").content_hash, h);
}

TEST(ContentHash, ChangesWithAnyValue) {
  const std::string base =
      "unit = \"opal.pe\"\nname = \"pe\"\n[params]\nblock = 32\nformat = \"bfp8\"\nwidths = "
      "[3, 5]\n";
  const std::string h = parse_design_text(base, kPath).content_hash;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = base;
    text.replace(text.find(from), from.size(), to);
    return parse_design_text(text, kPath).content_hash;
  };
  EXPECT_NE(with("block = 32", "block = 33"), h);
  EXPECT_NE(with("block = 32", "block = \"32\""), h);
  EXPECT_NE(with("block = 32", "block = 32.0"), h);
  EXPECT_NE(with("[3, 5]", "[5, 3]"), h);
  EXPECT_NE(with("\"bfp8\"", "\"mxint8\""), h);
  EXPECT_NE(with("name = \"pe\"", "name = \"pe2\""), h);
  EXPECT_NE(with("name = \"pe\"\n", ""), h);
  EXPECT_NE(with("\"opal.pe\"", "\"opal.pe2\""), h);
  EXPECT_NE(with("block = 32\n", ""), h);  // an explicit default is still content
}

}  // namespace
