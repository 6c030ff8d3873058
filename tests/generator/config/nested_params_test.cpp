// Nested parameter sections (v.section("pe", pe, ...)): a composed unit read
// from one design file whose [params] nests the sub-units' tables. Reading
// (defaults, values, every error with its dotted key and file:line:column),
// the sections' validate(), describe/json, the header lines, the content hash
// and sweeps over dotted parameter names.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "generator/config/config.hpp"
#include "app/sweep/sweep_spec.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/unit_info.hpp"

namespace {

using bf::cfg::ConfigError;
using bf::cfg::DesignFile;
using bf::cfg::parse_design_text;
using json = nlohmann::ordered_json;

// The sub-unit: its own rule (an even block) in its own validate().
struct Inner {
  int block = 32;
  std::string mode = "rank";

  template <class V>
  void visit(V& v) {
    v.field("block", block, "elements per block", bf::IntRange{2, 256});
    v.field("mode", mode, "outlier selection", bf::Choices{{"rank", "threshold"}});
  }
  void validate() const {
    if (block % 2 != 0)
      throw bf::ParamError("block", "must be even, found " + std::to_string(block));
  }
};

// The composed unit: a field, a section, and a cross-check on both.
struct Outer {
  int rows = 4;
  Inner pe;

  template <class V>
  void visit(V& v) {
    v.field("rows", rows, "PE rows", bf::IntRange{1, 8});
    v.section("pe", pe, "the PE instances' parameters");
  }
  void validate() const {
    if (rows * pe.block > 512)
      throw bf::ParamError("pe.block", "rows * pe.block must be at most 512, found " +
                                           std::to_string(rows * pe.block));
  }
};

// A section whose default never validates: the "defaulted key" positions.
struct BadDefault {
  int rows = 1;
  Inner pe{.block = 3};

  template <class V>
  void visit(V& v) {
    v.field("rows", rows, "PE rows", bf::IntRange{1, 8});
    v.section("pe", pe, "the PE");
  }
};

// Two levels: core.pe.block.
struct Deep {
  bool fast = false;
  Outer core;

  template <class V>
  void visit(V& v) {
    v.field("fast", fast, "fast mode");
    v.section("core", core, "the core");
  }
};

constexpr const char* kPath = "configs/x.toml";

template <class P>
P read_as(const std::string& text, const char* unit) {
  DesignFile file = parse_design_text(text, kPath);
  return bf::cfg::read_params<P>(file.params, file.path, unit);
}

Outer read(const std::string& text) { return read_as<Outer>(text, "opal.core"); }

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

template <class P>
std::string read_error_as(const std::string& text, const char* unit) {
  return error_of([&] { read_as<P>(text, unit); });
}

// ---------------------------------------------------------------- reading

TEST(NestedParams, DefaultsWhenSectionAbsent) {
  Outer p = read("unit = \"opal.core\"\n[params]\nrows = 2\n");
  EXPECT_EQ(p.rows, 2);
  EXPECT_EQ(p.pe.block, 32);
  EXPECT_EQ(p.pe.mode, "rank");
  Outer q = read("unit = \"opal.core\"\n");
  EXPECT_EQ(q.rows, 4);
  EXPECT_EQ(q.pe.block, 32);
}

TEST(NestedParams, ReadsSectionValues) {
  Outer p = read(
      "unit = \"opal.core\"\n[params]\nrows = 2\n[params.pe]\nblock = 128\nmode = "
      "\"threshold\"\n");
  EXPECT_EQ(p.rows, 2);
  EXPECT_EQ(p.pe.block, 128);
  EXPECT_EQ(p.pe.mode, "threshold");
  // A partial section: the other fields keep their defaults.
  Outer q = read("unit = \"opal.core\"\n[params.pe]\nmode = \"threshold\"\n");
  EXPECT_EQ(q.rows, 4);
  EXPECT_EQ(q.pe.block, 32);
  EXPECT_EQ(q.pe.mode, "threshold");
}

TEST(NestedParams, InlineAndDottedSpellings) {
  EXPECT_EQ(read("unit = \"opal.core\"\n[params]\npe = { block = 64 }\n").pe.block, 64);
  EXPECT_EQ(read("unit = \"opal.core\"\n[params]\npe.block = 96\n").pe.block, 96);
  EXPECT_EQ(read("unit = \"opal.core\"\nparams.pe.block = 16\n").pe.block, 16);
}

TEST(NestedParams, UnknownNestedKeyWithSuggestion) {
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params]\nrows = 4\n[params.pe]\nblock = 128\n"
                       "  blok = 128\n"),
            "configs/x.toml:6:3: unknown parameter 'pe.blok' for unit opal.core; did you mean "
            "'pe.block'?");
}

TEST(NestedParams, UnknownNestedKeyListsDottedNames) {
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params.pe]\nfrobnicate = 1\n"),
            "configs/x.toml:3:1: unknown parameter 'pe.frobnicate' for unit opal.core "
            "(parameters: pe.block, pe.mode)");
}

TEST(NestedParams, UnknownNestedKeyInDottedAndInlineSpelling) {
  // The position of the inner key: the part after the dot, the key in the braces.
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params]\npe.blok = 1\n"),
            "configs/x.toml:3:4: unknown parameter 'pe.blok' for unit opal.core; did you mean "
            "'pe.block'?");
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params]\npe = { mode = \"rank\", blok = 1 }\n"),
            "configs/x.toml:3:23: unknown parameter 'pe.blok' for unit opal.core; did you mean "
            "'pe.block'?");
}

TEST(NestedParams, UnknownTopLevelKeyNamesTheSection) {
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params]\npee = 1\n"),
            "configs/x.toml:3:1: unknown parameter 'pee' for unit opal.core; did you mean 'pe'?");
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params]\nfrobnicate = 1\n"),
            "configs/x.toml:3:1: unknown parameter 'frobnicate' for unit opal.core (parameters: "
            "rows, pe)");
  // A section's field is not a top-level parameter.
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params]\nblock = 64\n"),
            "configs/x.toml:3:1: unknown parameter 'block' for unit opal.core (parameters: rows, "
            "pe)");
}

TEST(NestedParams, WrongTypeInside) {
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params.pe]\nmode = \"rank\"\nblock = \"128\"\n"),
            "configs/x.toml:4:1: parameter 'pe.block': expected an integer, found a string "
            "(\"128\")");
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params.pe]\nmode = \"rnk\"\n"),
            "configs/x.toml:3:1: parameter 'pe.mode' = \"rnk\" is not allowed: expected one of: "
            "rank, threshold; did you mean 'rank'?");
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params.pe]\nmode = 3\n"),
            "configs/x.toml:3:1: parameter 'pe.mode': expected a string, found an integer (3)");
}

TEST(NestedParams, OutOfRangeInside) {
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params.pe]\n  block = 1000\n"),
            "configs/x.toml:3:3: parameter 'pe.block' = 1000 is out of range: expected 2..256");
}

TEST(NestedParams, SectionMustBeATable) {
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params]\nrows = 2\npe = 3\n"),
            "configs/x.toml:4:1: parameter 'pe': expected a table ([params.pe]), found an "
            "integer (3)");
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params]\npe = [1, 2]\n"),
            "configs/x.toml:3:1: parameter 'pe': expected a table ([params.pe]), found an array");
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params]\npe = \"block=4\"\n"),
            "configs/x.toml:3:1: parameter 'pe': expected a table ([params.pe]), found a string "
            "(\"block=4\")");
}

TEST(NestedParams, FirstErrorInFileOrderAcrossSections) {
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params]\nrows = 100\n[params.pe]\nblok = 1\n"),
            "configs/x.toml:3:1: parameter 'rows' = 100 is out of range: expected 1..8");
  EXPECT_EQ(read_error("unit = \"opal.core\"\nparams.pe.block = 1\nparams.rows = 100\n"),
            "configs/x.toml:2:11: parameter 'pe.block' = 1 is out of range: expected 2..256");
}

// ---------------------------------------------------------------- validate

TEST(NestedParams, InnerValidateErrorAtItsLine) {
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params]\nrows = 1\n[params.pe]\nmode = "
                       "\"rank\"\n  block = 33\n"),
            "configs/x.toml:6:3: parameter 'pe.block': must be even, found 33");
}

TEST(NestedParams, InnerValidateRunsBeforeOuter) {
  // 4 * 255 > 512 breaks the outer rule too; the section's own rule comes first.
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params.pe]\nblock = 255\n"),
            "configs/x.toml:3:1: parameter 'pe.block': must be even, found 255");
}

TEST(NestedParams, OuterCrossCheckWithDottedKey) {
  EXPECT_EQ(read_error("unit = \"opal.core\"\n[params]\nrows = 8\n[params.pe]\nmode = "
                       "\"rank\"\nblock = 128\n"),
            "configs/x.toml:6:1: parameter 'pe.block': rows * pe.block must be at most 512, "
            "found 1024");
  // 8 rows of the default block (32) keep the rule.
  EXPECT_EQ(read("unit = \"opal.core\"\n[params]\nrows = 8\n").rows, 8);
}

TEST(NestedParams, DefaultedInnerValueIsReportedAtTheSectionOrParams) {
  // The section is present: at its name in the header.
  EXPECT_EQ(read_error_as<BadDefault>("unit = \"x.bad\"\n[params.pe]\nmode = \"rank\"\n", "x.bad"),
            "configs/x.toml:2:9: parameter 'pe.block' (default 3): must be even, found 3");
  // Only [params]: at the [params] table.
  EXPECT_EQ(read_error_as<BadDefault>("unit = \"x.bad\"\n\n[params]\nrows = 2\n", "x.bad"),
            "configs/x.toml:3:1: parameter 'pe.block' (default 3): must be even, found 3");
  // Nothing: at the start of the file.
  EXPECT_EQ(read_error_as<BadDefault>("# nothing\nunit = \"x.bad\"\n", "x.bad"),
            "configs/x.toml:1:1: parameter 'pe.block' (default 3): must be even, found 3");
  // Set in the file: at the key, without "(default ...)".
  EXPECT_EQ(read_error_as<BadDefault>("unit = \"x.bad\"\n[params.pe]\nblock = 5\n", "x.bad"),
            "configs/x.toml:3:1: parameter 'pe.block': must be even, found 5");
}

// ---------------------------------------------------------------- two levels

TEST(NestedParams, TwoLevels) {
  Deep d = read_as<Deep>("unit = \"t.deep\"\n[params.core.pe]\nblock = 64\n", "t.deep");
  EXPECT_EQ(d.core.pe.block, 64);
  EXPECT_EQ(d.core.rows, 4);
  EXPECT_EQ(read_error_as<Deep>("unit = \"t.deep\"\n[params.core.pe]\nblok = 64\n", "t.deep"),
            "configs/x.toml:3:1: unknown parameter 'core.pe.blok' for unit t.deep; did you mean "
            "'core.pe.block'?");
  EXPECT_EQ(read_error_as<Deep>("unit = \"t.deep\"\n[params.core]\npe = 3\n", "t.deep"),
            "configs/x.toml:3:1: parameter 'core.pe': expected a table ([params.core.pe]), found "
            "an integer (3)");
  EXPECT_EQ(read_error_as<Deep>("unit = \"t.deep\"\n[params.core.pe]\nblock = 7\n", "t.deep"),
            "configs/x.toml:3:1: parameter 'core.pe.block': must be even, found 7");
  // The middle section's own validate() with its key made dotted.
  EXPECT_EQ(read_error_as<Deep>("unit = \"t.deep\"\n[params.core]\nrows = 8\n[params.core.pe]\n"
                                "block = 100\n",
                                "t.deep"),
            "configs/x.toml:5:1: parameter 'core.pe.block': rows * pe.block must be at most 512, "
            "found 800");
}

// ---------------------------------------------------------------- describe / json

TEST(NestedParams, DescribeListsDottedFields) {
  std::vector<bf::cfg::ParamInfo> infos = bf::cfg::describe_params<Outer>();
  ASSERT_EQ(infos.size(), 3u);
  auto check = [&](size_t i, const char* name, const char* type, const char* def,
                   const char* allowed, const char* help) {
    SCOPED_TRACE(name);
    EXPECT_EQ(infos[i].name, name);
    EXPECT_EQ(infos[i].type, type);
    EXPECT_EQ(infos[i].default_text, def);
    EXPECT_EQ(infos[i].allowed_text, allowed);
    EXPECT_EQ(infos[i].help, help);
  };
  check(0, "rows", "int", "4", "1..8", "PE rows");
  check(1, "pe.block", "int", "32", "2..256", "elements per block");
  check(2, "pe.mode", "string", "\"rank\"", "one of: rank, threshold", "outlier selection");

  // The parent's own default of the section is what is described.
  EXPECT_EQ(bf::cfg::describe_params<BadDefault>()[1].default_text, "3");
  std::vector<std::string> deep;
  for (const auto& info : bf::cfg::describe_params<Deep>()) deep.push_back(info.name);
  EXPECT_EQ(deep, (std::vector<std::string>{"fast", "core.rows", "core.pe.block", "core.pe.mode"}));
}

TEST(NestedParams, JsonNestsInDeclarationOrder) {
  Outer p = read("unit = \"opal.core\"\n[params.pe]\nmode = \"threshold\"\nblock = 128\n");
  EXPECT_EQ(bf::cfg::params_to_json(p).dump(),
            R"({"rows":4,"pe":{"block":128,"mode":"threshold"}})");
  Deep d;
  d.core.pe.block = 8;
  EXPECT_EQ(bf::cfg::params_to_json(d).dump(),
            R"({"fast":false,"core":{"rows":4,"pe":{"block":8,"mode":"rank"}}})");
}

TEST(NestedParams, FlattenParamsForTheHeader) {
  Deep d;
  std::vector<std::pair<std::string, json>> flat =
      bf::cfg::flatten_params(bf::cfg::params_to_json(d));
  std::vector<std::string> lines;
  for (const auto& [key, value] : flat) lines.push_back(key + " = " + value.dump());
  EXPECT_EQ(lines, (std::vector<std::string>{"fast = false", "core.rows = 4", "core.pe.block = 32",
                                             "core.pe.mode = \"rank\""}));
  // Lists are leaves; an empty section stays one line.
  flat = bf::cfg::flatten_params(json::parse(R"({"w":[1,2],"s":{}})"));
  ASSERT_EQ(flat.size(), 2u);
  EXPECT_EQ(flat[0].first, "w");
  EXPECT_EQ(flat[0].second.dump(), "[1,2]");
  EXPECT_EQ(flat[1].first, "s");
  EXPECT_EQ(flat[1].second.dump(), "{}");
}

TEST(NestedParams, ContentHashIgnoresTheSpellingOfSections) {
  const std::string header =
      parse_design_text("unit = \"opal.core\"\n[params]\nrows = 2\n[params.pe]\nblock = 64\n",
                        kPath)
          .content_hash;
  EXPECT_EQ(
      parse_design_text("unit = \"opal.core\"\n[params]\nrows = 2\npe = { block = 64 }\n", kPath)
          .content_hash,
      header);
  EXPECT_EQ(
      parse_design_text("unit = \"opal.core\"\nparams.pe.block = 64\nparams.rows = 2\n", kPath)
          .content_hash,
      header);
  EXPECT_NE(parse_design_text("unit = \"opal.core\"\n[params]\nrows = 2\n[params.pe]\nblock = 66\n",
                              kPath)
                .content_hash,
            header);
}

// ---------------------------------------------------------------- a nested unit

class OuterDesign : public bf::Design {
 public:
  explicit OuterDesign(Outer p) : p_(std::move(p)) {}
  std::string unit_name() const override { return "test.nested_core"; }
  std::string top_name() const override { return "nested_core"; }
  nlohmann::ordered_json params_json() const override { return bf::cfg::params_to_json(p_); }
  std::vector<bf::vlog::Module> modules() const override { return {}; }
  std::vector<bf::PortSpec> data_inputs() const override { return {}; }
  std::vector<bf::PortSpec> data_outputs() const override { return {}; }
  int latency() const override { return 1; }
  std::vector<bf::TestVector> corner_cases() const override { return {}; }
  bf::TestVector random_case(std::mt19937_64&) const override { return {}; }
  bf::PortValues emulate(const bf::PortValues&) const override { return {}; }

 private:
  Outer p_;
};

const bf::UnitRegistration kNestedCore(bf::make_unit<Outer>(
    "test.nested_core", "a composed unit for the nested-parameter tests only",
    [](const Outer& p, const std::string&) { return std::make_unique<OuterDesign>(p); },
    [](const Outer&) { return std::string("nested_core"); }, {}));

TEST(NestedParams, GeneratedHeaderPrintsOneLinePerLeaf) {
  Outer p;
  p.rows = 2;
  p.pe.block = 128;
  p.pe.mode = "threshold";
  const OuterDesign design(p);
  const std::vector<std::string> lines = bf::generated_header(design, "top");
  const auto params = std::find(lines.begin(), lines.end(), "parameters:");
  ASSERT_NE(params, lines.end());
  EXPECT_EQ(
      std::vector<std::string>(params + 1, lines.end()),
      (std::vector<std::string>{"  rows = 2", "  pe.block = 128", "  pe.mode = \"threshold\""}));
  // The hash is still over the nested canonical JSON.
  EXPECT_NE(
      std::find(lines.begin(), lines.end(),
                "config hash: " +
                    bf::cfg::stable_hash(
                        R"(test.nested_core{"rows":2,"pe":{"block":128,"mode":"threshold"}})")),
      lines.end());
}

TEST(NestedParams, UnitReadsNestedDesignFile) {
  auto design = bf::load_design_text(
      "unit = \"test.nested_core\"\n[params]\nrows = 2\n[params.pe]\nblock = 64\n", kPath);
  EXPECT_EQ(design->params_json().dump(), R"({"rows":2,"pe":{"block":64,"mode":"rank"}})");
  EXPECT_EQ(error_of([] {
              bf::load_design_text("unit = \"test.nested_core\"\n[params.pe]\nlanes = 16\n", kPath);
            }),
            "configs/x.toml:3:1: unknown parameter 'pe.lanes' for unit test.nested_core "
            "(parameters: pe.block, pe.mode)");
}

// ---------------------------------------------------------------- sweeps

namespace fs = std::filesystem;

// A scratch tree: DIR/configs/core.toml (the base) and DIR/sweeps/s.toml.
class NestedSweep : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("bf_nested_sweep_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "configs");
    fs::create_directories(dir_ / "sweeps");
    write("configs/core.toml",
          "unit = \"test.nested_core\"\n[params]\nrows = 2\n[params.pe]\nmode = \"threshold\"\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  bf::sweep::SweepSpec load(const std::string& text) {
    return bf::sweep::load_sweep(write("sweeps/s.toml", text));
  }
  // The message with the scratch directory removed.
  template <class F>
  std::string error(F&& f) const {
    std::string message = error_of(std::forward<F>(f));
    const std::string prefix = dir_.string() + "/";
    for (std::size_t at; (at = message.find(prefix)) != std::string::npos;)
      message.erase(at, prefix.size());
    return message;
  }

  fs::path dir_;
};

TEST_F(NestedSweep, DottedNamesInSweepConstraintsAndPoints) {
  const bf::sweep::SweepSpec spec = load(
      "base = \"../configs/core.toml\"\n[sweep]\npe.block = [64, 128, 256]\n[options]\n"
      "constraints = [\"rows * pe.block <= 256\"]\n");
  EXPECT_EQ(spec.base_params.dump(), R"({"rows":2,"pe.mode":"threshold"})");
  EXPECT_EQ(spec.swept_keys(), std::vector<std::string>{"pe.block"});
  ASSERT_EQ(spec.axes.size(), 1u);
  EXPECT_EQ(spec.axes[0].where[1][0].substr(dir_.string().size() + 1), "sweeps/s.toml:3:17");

  std::size_t excluded = 0;
  const std::vector<bf::sweep::Point> points = bf::sweep::enumerate_points(spec, &excluded);
  EXPECT_EQ(excluded, 1u);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[1].swept.dump(), R"({"pe.block":128})");
  EXPECT_EQ(points[1].params.dump(), R"({"rows":2,"pe.block":128,"pe.mode":"threshold"})");
  EXPECT_EQ(points[1].design_text,
            "unit = \"test.nested_core\"\n\n[params]\nrows = 2\npe.block = 128\npe.mode = "
            "\"threshold\"\n");
  // The point's text configures the unit as the sweep says.
  EXPECT_EQ(bf::load_design_text(points[1].design_text, "p.toml")->params_json().dump(),
            R"({"rows":2,"pe":{"block":128,"mode":"threshold"}})");
}

TEST_F(NestedSweep, ZipGroupAndTableSpelling) {
  const bf::sweep::SweepSpec spec =
      load("base = \"../configs/core.toml\"\n[[zip]]\nrows = [1, 2]\npe = { block = [16, 32] }\n");
  ASSERT_EQ(spec.axes.size(), 1u);
  EXPECT_EQ(spec.axes[0].keys, (std::vector<std::string>{"rows", "pe.block"}));
  EXPECT_EQ(spec.axes[0].values[1].dump(), R"({"rows":2,"pe.block":32})");
}

TEST_F(NestedSweep, UnknownDottedNameWithSuggestion) {
  EXPECT_EQ(error([&] { load("base = \"../configs/core.toml\"\n[sweep]\npe.blok = [64]\n"); }),
            "sweeps/s.toml:3:4: unknown parameter 'pe.blok' for unit test.nested_core; did you "
            "mean 'pe.block'?");
}

TEST_F(NestedSweep, SectionItselfCannotBeSwept) {
  EXPECT_EQ(error([&] { load("base = \"../configs/core.toml\"\n[sweep]\npe = [1, 2]\n"); }),
            "sweeps/s.toml:3:1: key 'pe' in [sweep]: 'pe' is a section of parameters, not one "
            "parameter: sweep its parameters with dotted keys (e.g. pe.block = [...]), found an "
            "array");
  EXPECT_EQ(error([&] { load("base = \"../configs/core.toml\"\npe.block = [1]\n"); }),
            "sweeps/s.toml:2:1: unknown top-level key 'pe'; swept parameters go under [sweep] "
            "(e.g. pe.block = [...]) or [[zip]]");
}

TEST_F(NestedSweep, UnknownDottedNameInAConstraint) {
  EXPECT_EQ(error([&] {
              load(
                  "base = \"../configs/core.toml\"\n[sweep]\nrows = [1, 2]\n[options]\n"
                  "constraints = [\"pe.blok > 2\"]\n");
            }),
            "sweeps/s.toml:5:16: constraint \"pe.blok > 2\" (column 1): unknown parameter "
            "'pe.blok' for unit test.nested_core; did you mean 'pe.block'?");
}

TEST_F(NestedSweep, BadNestedValueIsReportedInTheSweepFile) {
  const bf::sweep::SweepSpec spec =
      load("base = \"../configs/core.toml\"\n[sweep]\npe.block = [64, 33]\n");
  EXPECT_EQ(error([&] { bf::sweep::enumerate_points(spec); }),
            "sweeps/s.toml:3:17: parameter 'pe.block': must be even, found 33");
}

}  // namespace
