// Sweep files: loading (every error with its file:line:column), the order of
// the points, zip groups, constraints, the mapping of a bad value back to the
// sweep file, shards, and the design text of a point.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "app/sweep/sweep_spec.hpp"
#include "generator/config/config.hpp"
#include "generator/design/registry.hpp"
#include "generator/design/unit_info.hpp"

namespace {

namespace fs = std::filesystem;
using bf::cfg::ConfigError;
using bf::sweep::enumerate_points;
using bf::sweep::load_sweep;
using bf::sweep::Point;
using bf::sweep::SweepSpec;
using json = nlohmann::ordered_json;

// ---- a toy unit with a cross-parameter rule and an int-list parameter ----
// (quant.block's parameters never conflict once each is in range.)

struct ToyParams {
  std::string format = "mxint8";
  int block = 32;
  int outliers = 2;
  std::vector<int> widths = {3, 5};
  bool packed = true;

  template <class V>
  void visit(V& v) {
    v.field("format", format, "element format", bf::Choices{{"mxint8", "mxint4", "bfp8"}});
    v.field("block", block, "elements per block", bf::IntRange{2, 256});
    v.field("outliers", outliers, "outliers per block", bf::IntRange{0, 8});
    v.field("widths", widths, "lane widths", bf::IntRange{1, 16}, bf::IntRange{1, 4});
    v.field("packed", packed, "packed output");
  }
  void validate() const {
    if (outliers * 4 > block)
      throw bf::ParamError("outliers", "at most block/4 = " + std::to_string(block / 4) +
                                           " outliers per block, found " +
                                           std::to_string(outliers));
  }
};

class ToyDesign : public bf::Design {
 public:
  explicit ToyDesign(ToyParams p) : p_(std::move(p)) {}
  std::string unit_name() const override { return "test.sweep_toy"; }
  std::string top_name() const override { return "toy"; }
  nlohmann::ordered_json params_json() const override { return bf::cfg::params_to_json(p_); }
  std::vector<bf::vlog::Module> modules() const override { return {}; }
  std::vector<bf::PortSpec> data_inputs() const override { return {}; }
  std::vector<bf::PortSpec> data_outputs() const override { return {}; }
  int latency() const override { return 1; }
  std::vector<bf::TestVector> corner_cases() const override { return {}; }
  bf::TestVector random_case(std::mt19937_64&) const override { return {}; }
  bf::PortValues emulate(const bf::PortValues&) const override { return {}; }

 private:
  ToyParams p_;
};

const bf::UnitRegistration kToy(bf::make_unit<ToyParams>(
    "test.sweep_toy", "a unit for the sweep tests only",
    [](const ToyParams& p, const std::string&) { return std::make_unique<ToyDesign>(p); },
    [](const ToyParams&) { return std::string("toy"); }, {}));

// ---- files ----

const std::string kSource = BLOCKFORGE_SOURCE_DIR;

constexpr const char* kBase = R"(unit = "quant.block"
name = "mxq_int8_k32"

[params]
format = "mxint8"
block = 32
input = "fp32"
)";

constexpr const char* kToyBase = R"(unit = "test.sweep_toy"

[params]
outliers = 2
)";

// A scratch tree per test: DIR/configs/{base,toy}.toml and DIR/sweeps/.
class SweepSpecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / (std::string("bf_sweep_spec_") + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "configs");
    fs::create_directories(dir_ / "sweeps");
    write("configs/base.toml", kBase);
    write("configs/toy.toml", kToyBase);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }

  // Messages with the scratch directory removed: "sweeps/x.toml:6:1: ...".
  std::string relative(std::string message) const {
    const std::string prefix = dir_.string() + "/";
    for (std::size_t at; (at = message.find(prefix)) != std::string::npos;)
      message.erase(at, prefix.size());
    return message;
  }

  SweepSpec load(const std::string& text, const std::string& name = "sweeps/x.toml") {
    return load_sweep(write(name, text));
  }

  template <class F>
  std::string error_of(F&& f) const {
    try {
      f();
    } catch (const ConfigError& e) {
      return relative(e.what());
    }
    return "";
  }

  std::string load_error(const std::string& text) {
    return error_of([&] { load(text); });
  }

  std::string points_error(const std::string& text) {
    const SweepSpec spec = load(text);
    return error_of([&] { enumerate_points(spec); });
  }

  fs::path dir_;
};

std::vector<std::string> swept_texts(const std::vector<Point>& points) {
  std::vector<std::string> out;
  for (const auto& p : points) out.push_back(p.swept.dump());
  return out;
}

// ---- loading ----

TEST_F(SweepSpecTest, LoadsEveryKey) {
  const SweepSpec spec = load(R"(# a sweep
base = "../configs/base.toml"
name = "quant_formats"

[sweep]
format = ["mxint4", "mxint8"]
block = [16, 32, 64]

[[zip]]
input = ["fp32", "bf16"]
pipeline_stages = [0, 1]

[options]
verify = true
vectors = 500
timeout = 2.5
constraints = ["block >= 16", "format != 'mxint4' || block <= 32"]
)");
  EXPECT_EQ(relative(spec.path), "sweeps/x.toml");
  EXPECT_EQ(spec.name, "quant_formats");
  EXPECT_EQ(relative(spec.base_path), "configs/base.toml");
  EXPECT_EQ(spec.unit, "quant.block");
  EXPECT_EQ(spec.base_params.dump(), R"({"format":"mxint8","block":32,"input":"fp32"})");
  ASSERT_EQ(spec.axes.size(), 3u);
  EXPECT_EQ(spec.axes[0].keys, std::vector<std::string>{"format"});
  EXPECT_EQ(spec.axes[1].keys, std::vector<std::string>{"block"});
  EXPECT_EQ(spec.axes[2].keys, (std::vector<std::string>{"input", "pipeline_stages"}));
  ASSERT_EQ(spec.axes[2].values.size(), 2u);
  EXPECT_EQ(spec.axes[2].values[1].dump(), R"({"input":"bf16","pipeline_stages":1})");
  EXPECT_EQ(relative(spec.axes[1].where[2][0]), "sweeps/x.toml:7:18");
  EXPECT_EQ(relative(spec.axes[2].where[1][1]), "sweeps/x.toml:11:23");
  EXPECT_EQ(spec.swept_keys(),
            (std::vector<std::string>{"format", "block", "input", "pipeline_stages"}));
  EXPECT_TRUE(spec.verify);
  EXPECT_EQ(spec.vectors, 500u);
  EXPECT_DOUBLE_EQ(spec.timeout_seconds, 2.5);
  EXPECT_EQ(spec.constraints,
            (std::vector<std::string>{"block >= 16", "format != 'mxint4' || block <= 32"}));
  ASSERT_EQ(spec.constraint_where.size(), 2u);
  EXPECT_EQ(relative(spec.constraint_where[1]), "sweeps/x.toml:17:31");
}

TEST_F(SweepSpecTest, DefaultsAndTheNameFromTheFileStem) {
  const std::string text = "base = \"../configs/base.toml\"\n[sweep]\nblock = [16]\n";
  const SweepSpec spec = load(text, "sweeps/quant_formats.toml");
  EXPECT_EQ(spec.name, "quant_formats");
  EXPECT_FALSE(spec.verify);
  EXPECT_EQ(spec.vectors, 20000u);
  EXPECT_DOUBLE_EQ(spec.timeout_seconds, 600);
  EXPECT_TRUE(spec.constraints.empty());
  EXPECT_EQ(load(text, "sweeps/My-Sweep.v2.toml").name, "my_sweep_v2");
  EXPECT_EQ(load(text, "sweeps/2024.toml").name, "sweep_2024");
}

TEST_F(SweepSpecTest, TheExampleSweepLoads) {
  const SweepSpec spec = load_sweep(kSource + "/sweeps/quant_block.toml");
  EXPECT_EQ(spec.name, "quant_block");
  EXPECT_EQ(spec.unit, "quant.block");
  EXPECT_FALSE(spec.verify);
  EXPECT_EQ(spec.swept_keys(), (std::vector<std::string>{"format", "block"}));
  std::size_t excluded = 0;
  const auto points = enumerate_points(spec, &excluded);
  EXPECT_EQ(points.size() + excluded, 12u);
  EXPECT_EQ(points.size(), 10u);
  EXPECT_EQ(excluded, 2u);
  std::set<std::string> top_names;
  for (const auto& p : points) {
    const auto design = bf::load_design_text(p.design_text, "point.toml");
    EXPECT_EQ(design->params_json(), p.params) << p.design_text;
    top_names.insert(design->top_name());
  }
  EXPECT_EQ(top_names.size(), points.size()) << "every point names its own module";
}

// ---- errors, each with its place ----

TEST_F(SweepSpecTest, TomlSyntaxAndFileErrors) {
  EXPECT_EQ(load_error("base = \"../configs/base.toml\"\n[sweep\n"),
            "sweeps/x.toml:2:7: Error while parsing table header: expected ']', saw '\\n'");
  EXPECT_EQ(error_of([&] { load_sweep((dir_ / "sweeps/none.toml").string()); }),
            "sweeps/none.toml: cannot open sweep file: No such file or directory");
}

TEST_F(SweepSpecTest, BaseErrors) {
  EXPECT_EQ(load_error("[sweep]\nblock = [16]\n"),
            "sweeps/x.toml:1:1: missing required key 'base' (the design file to sweep, relative "
            "to this file, e.g. base = \"../configs/quant_block_mxint8_k32.toml\")");
  // A misspelt base is reported as such, not as a missing one.
  EXPECT_EQ(load_error("bsae = \"../configs/base.toml\"\n[sweep]\nblock = [16]\n"),
            "sweeps/x.toml:1:1: unknown top-level key 'bsae'; did you mean 'base'?");
  EXPECT_EQ(
      load_error("\nbase = 3\n"),
      "sweeps/x.toml:2:1: key 'base': expected a string (the design file to sweep, "
      "relative to this file, e.g. base = \"../configs/quant_block_mxint8_k32.toml\"), found an "
      "integer (3)");
  EXPECT_EQ(load_error("base = \"\"\n"),
            "sweeps/x.toml:1:1: key 'base' is empty: expected the design file to sweep, relative "
            "to this file");
  EXPECT_EQ(load_error("# the base\nbase = \"../configs/nope.toml\"\n[sweep]\nblock = [16]\n"),
            "sweeps/x.toml:2:1: key 'base': design file \"../configs/nope.toml\" not found "
            "(looked for configs/nope.toml)");
  EXPECT_EQ(load_error("base = \"../configs\"\n"),
            "sweeps/x.toml:1:1: key 'base': \"../configs\" is a directory, expected a design "
            "file");
  // The base design's own errors name its own lines.
  write("configs/bad.toml", "unit = \"quant.block\"\n[params]\nblock = 1\n");
  EXPECT_EQ(load_error("base = \"../configs/bad.toml\"\n[sweep]\nblock = [16]\n"),
            "configs/bad.toml:3:1: parameter 'block' = 1 is out of range: expected 2..256");
  write("configs/unit.toml", "unit = \"quant.blok\"\n");
  EXPECT_EQ(load_error("base = \"../configs/unit.toml\"\n[sweep]\nblock = [16]\n")
                .rfind("configs/unit.toml:1:1: unknown unit 'quant.blok'; did you mean "
                       "'quant.block'? (known units: ",
                       0),
            0u);
}

TEST_F(SweepSpecTest, BasesAndSweepFilesThatAreNotTextFiles) {
  // Found while fuzzing the sweep reader: base = "/dev/zero" was read until
  // memory ran out, a FIFO blocked forever (tests/generator/config/config_file_test.cpp).
  EXPECT_EQ(load_error("base = \"/dev/zero\"\n[sweep]\nblock = [16]\n"),
            "sweeps/x.toml:1:1: key 'base': \"/dev/zero\" is not a regular file, expected a design "
            "file");
  EXPECT_EQ(error_of([&] { load_sweep("/dev/zero"); }),
            "/dev/zero: cannot read sweep file: it is a device, expected a TOML text file");
}

TEST_F(SweepSpecTest, TopLevelErrors) {
  const std::string base = "base = \"../configs/base.toml\"\n";
  EXPECT_EQ(load_error(base + "sweeep = 1\n"),
            "sweeps/x.toml:2:1: unknown top-level key 'sweeep'; did you mean 'sweep'?");
  EXPECT_EQ(load_error(base + "block = [16, 32]\n"),
            "sweeps/x.toml:2:1: unknown top-level key 'block'; swept parameters go under [sweep] "
            "(e.g. block = [...]) or [[zip]]");
  EXPECT_EQ(load_error(base + "verify = true\n"),
            "sweeps/x.toml:2:1: unknown top-level key 'verify'; it goes under [options]");
  EXPECT_EQ(load_error(base + "qqqqqqqq = 1\n"),
            "sweeps/x.toml:2:1: unknown top-level key 'qqqqqqqq' (allowed: base, name, sweep, "
            "zip, options)");
  EXPECT_EQ(load_error(base + "name = 3\n"),
            "sweeps/x.toml:2:1: key 'name': expected a string (the sweep name, e.g. name = "
            "\"quant_formats\"), found an integer (3)");
  EXPECT_EQ(load_error(base + "name = \"Quant Sweep\"\n"),
            "sweeps/x.toml:2:1: key 'name' = \"Quant Sweep\" is not a valid sweep name: expected "
            "a lower_snake_case identifier ([a-z][a-z0-9_]*)");
  EXPECT_EQ(load_error(base),
            "sweeps/x.toml:1:1: nothing to sweep: expected parameter value lists in [sweep] (e.g. "
            "block = [16, 32]) or in [[zip]] groups");
  EXPECT_EQ(load_error(base + "\n[sweep]\n"),
            "sweeps/x.toml:3:2: nothing to sweep: expected parameter value lists in [sweep] (e.g. "
            "block = [16, 32]) or in [[zip]] groups");
}

TEST_F(SweepSpecTest, SweepTableErrors) {
  // The message of the issue, at its place.
  EXPECT_EQ(load_error(R"(# a sweep
base = "../configs/base.toml"

[sweep]
format = ["mxint8"]
blok = [16, 32]
)"),
            "sweeps/x.toml:6:1: unknown parameter 'blok' for unit quant.block; did you mean "
            "'block'?");
  const std::string head = "base = \"../configs/base.toml\"\n[sweep]\n";
  EXPECT_EQ(load_error("base = \"../configs/base.toml\"\nsweep = 3\n"),
            "sweeps/x.toml:2:1: key 'sweep': expected a table of parameter value lists ([sweep] "
            "with e.g. block = [16, 32]), found an integer (3)");
  EXPECT_EQ(load_error(head + "block = 16\n"),
            "sweeps/x.toml:3:1: key 'block' in [sweep]: expected a non-empty array of values "
            "(e.g. block = [32, ...]), found an integer (16)");
  EXPECT_EQ(load_error(head + "format = \"mxint4\"\n"),
            "sweeps/x.toml:3:1: key 'format' in [sweep]: expected a non-empty array of values "
            "(e.g. format = [\"mxint8\", ...]), found a string (\"mxint4\")");
  EXPECT_EQ(load_error(head + "block = []\n"),
            "sweeps/x.toml:3:1: key 'block' in [sweep]: expected a non-empty array of values, "
            "found an empty array");
  EXPECT_EQ(load_error(head + "block = [16, {a = 1}]\n"),
            "sweeps/x.toml:3:14: key 'block' in [sweep]: value 2: expected a number, string, "
            "boolean or list, found a table");
  EXPECT_EQ(load_error(head + "block = [16, 1979-05-27]\n"),
            "sweeps/x.toml:3:14: key 'block' in [sweep]: value 2: expected a number, string, "
            "boolean or list, found a date (1979-05-27)");
  EXPECT_EQ(load_error(head + "block = [16, 32, 16]\n"),
            "sweeps/x.toml:3:18: key 'block' in [sweep]: value 16 is listed twice (also at line "
            "3, column 10); every point must be distinct");
  // Both problems are reported in file order: the first one wins.
  EXPECT_EQ(load_error(head + "format = []\nblok = [1]\n"),
            "sweeps/x.toml:3:1: key 'format' in [sweep]: expected a non-empty array of values, "
            "found an empty array");
}

TEST_F(SweepSpecTest, ZipErrors) {
  const std::string base = "base = \"../configs/base.toml\"\n";
  // The key with the wrong length is named, at its place.
  EXPECT_EQ(load_error(base + R"(
[[zip]]
input = ["fp32", "bf16"]
pipeline_stages = [0, 1, 0]
)"),
            "sweeps/x.toml:5:1: key 'pipeline_stages' in [[zip]] group 1 has 3 values but "
            "'input' has 2: the lists of a [[zip]] group move together and need equal lengths");
  EXPECT_EQ(load_error(base + R"(
[[zip]]
input = ["fp32"]

[[zip]]
block = [16, 32]
format = ["mxint8"]
)"),
            "sweeps/x.toml:8:1: key 'format' in [[zip]] group 2 has 1 value but 'block' has 2: "
            "the lists of a [[zip]] group move together and need equal lengths");
  EXPECT_EQ(load_error(base + "[zip]\nblock = [16]\n"),
            "sweeps/x.toml:2:2: key 'zip': expected [[zip]] groups (an array of tables), found a "
            "table; write [[zip]] instead of [zip]");
  EXPECT_EQ(load_error(base + "zip = [1]\n"),
            "sweeps/x.toml:2:8: [[zip]] group 1: expected a table of parameter value lists, "
            "found an integer (1)");
  EXPECT_EQ(load_error(base + "[sweep]\nblock = [16]\n[[zip]]\n"),
            "sweeps/x.toml:4:1: [[zip]] group 1 is empty: expected parameter value lists of "
            "equal length that move together");
  EXPECT_EQ(load_error(base + "[[zip]]\ninput = [\"fp32\"]\npipline_stages = [0]\n"),
            "sweeps/x.toml:4:1: unknown parameter 'pipline_stages' for unit quant.block; did you "
            "mean 'pipeline_stages'?");
  EXPECT_EQ(load_error(base + "[[zip]]\ninput = [\"fp32\", \"bf16\", \"fp32\"]\n"
                              "pipeline_stages = [0, 1, 0]\n"),
            "sweeps/x.toml:3:26: [[zip]] group 1: step 3 (input = \"fp32\", pipeline_stages = 0) "
            "repeats step 1; every point must be distinct");
  // Steps that differ in any key are distinct.
  EXPECT_NO_THROW(load(base + "[[zip]]\ninput = [\"fp32\", \"fp32\"]\npipeline_stages = [0, 1]\n"));
}

TEST_F(SweepSpecTest, AParameterIsSweptInOnePlaceOnly) {
  EXPECT_EQ(load_error(R"(base = "../configs/base.toml"
[sweep]
block = [16, 32]

[[zip]]
input = ["fp32", "bf16"]
block = [8, 64]
)"),
            "sweeps/x.toml:7:1: parameter 'block' is swept twice (also at line 3); sweep each "
            "parameter in [sweep] or in one [[zip]] group");
  // Reported at the later place whatever the table order.
  EXPECT_EQ(load_error(R"(base = "../configs/base.toml"
[[zip]]
block = [8, 64]

[[zip]]
block = [16, 32]
)"),
            "sweeps/x.toml:6:1: parameter 'block' is swept twice (also at line 3); sweep each "
            "parameter in [sweep] or in one [[zip]] group");
}

TEST_F(SweepSpecTest, OptionErrors) {
  const std::string head = "base = \"../configs/base.toml\"\n[sweep]\nblock = [16]\n[options]\n";
  EXPECT_EQ(load_error("base = \"../configs/base.toml\"\noptions = 1\n"),
            "sweeps/x.toml:2:1: key 'options': expected a table ([options] with verify, vectors, "
            "timeout, constraints), found an integer (1)");
  EXPECT_EQ(load_error(head + "verfy = true\n"),
            "sweeps/x.toml:5:1: unknown key 'verfy' in [options]; did you mean 'verify'?");
  EXPECT_EQ(load_error(head + "qqqqqqqq = true\n"),
            "sweeps/x.toml:5:1: unknown key 'qqqqqqqq' in [options] (allowed: verify, vectors, "
            "timeout, constraints)");
  EXPECT_EQ(load_error(head + "format = [\"mxint4\"]\n"),
            "sweeps/x.toml:5:1: unknown key 'format' in [options]; swept parameters go under "
            "[sweep]");
  EXPECT_EQ(load_error(head + "verify = \"yes\"\n"),
            "sweeps/x.toml:5:1: key 'verify' in [options]: expected true or false, found a "
            "string (\"yes\")");
  EXPECT_EQ(load_error(head + "vectors = 0\n"),
            "sweeps/x.toml:5:1: key 'vectors' in [options]: expected an integer >= 1 (random "
            "vectors per verified point), found an integer (0)");
  EXPECT_EQ(load_error(head + "vectors = 1.5\n"),
            "sweeps/x.toml:5:1: key 'vectors' in [options]: expected an integer >= 1 (random "
            "vectors per verified point), found a float (1.5)");
  EXPECT_EQ(load_error(head + "timeout = -1\n"),
            "sweeps/x.toml:5:1: key 'timeout' in [options]: expected a number of seconds > 0 per "
            "point, found an integer (-1)");
  EXPECT_EQ(load_error(head + "timeout = inf\n"),
            "sweeps/x.toml:5:1: key 'timeout' in [options]: expected a number of seconds > 0 per "
            "point, found a float (inf)");
  EXPECT_EQ(load_error(head + "constraints = \"block > 2\"\n"),
            "sweeps/x.toml:5:1: key 'constraints' in [options]: expected an array of strings "
            "(e.g. constraints = [\"block >= 16\"]), found a string (\"block > 2\")");
  EXPECT_EQ(load_error(head + "constraints = [\"block > 2\", 3]\n"),
            "sweeps/x.toml:5:29: constraint 2: expected a string (e.g. \"block >= 16\"), found an "
            "integer (3)");
}

TEST_F(SweepSpecTest, ConstraintErrorsPointAtTheStringAndTheColumnInside) {
  const std::string head = "base = \"../configs/base.toml\"\n[sweep]\nblock = [16]\n[options]\n";
  EXPECT_EQ(load_error(head + "constraints = [\"block >= 16\", \"block >=\"]\n"),
            "sweeps/x.toml:5:31: constraint \"block >=\" (column 9): expected a value (a number, "
            "a string, true, false, a parameter or '('), found the end of the constraint");
  EXPECT_EQ(load_error(head + "constraints = [\n  \"format = 'mxint4'\",\n]\n"),
            "sweeps/x.toml:6:3: constraint \"format = 'mxint4'\" (column 8): '=' is not an "
            "operator; did you mean '=='?");
  EXPECT_EQ(load_error(head + "constraints = ['blok < 64']\n"),
            "sweeps/x.toml:5:16: constraint \"blok < 64\" (column 1): unknown parameter 'blok' "
            "for unit quant.block; did you mean 'block'?");
  EXPECT_EQ(load_error(head + "constraints = ['\"mxint8\" < 3']\n"),
            "sweeps/x.toml:5:16: constraint \"\\\"mxint8\\\" < 3\" (column 10): '<' compares "
            "numbers, found a string (\"mxint8\") and an integer (3)");
  EXPECT_EQ(load_error(head + "constraints = ['format < 3']\n"),
            "sweeps/x.toml:5:16: constraint \"format < 3\" (column 8): '<' compares numbers, "
            "found a string (format) and an integer (3)");
  EXPECT_EQ(load_error(head + "constraints = ['block + 1']\n"),
            "sweeps/x.toml:5:16: constraint \"block + 1\" (column 1): expected a condition (true "
            "or false), found an integer (block + 1)");
}

// ---- points ----

TEST_F(SweepSpecTest, ProductOrderLastAxisFastestThenZips) {
  const SweepSpec spec = load(R"(base = "../configs/base.toml"
[[zip]]
input = ["fp32", "bf16"]
pipeline_stages = [0, 1]

[sweep]
format = ["mxint4", "mxint8"]
block = [16, 32, 64]
)");
  // [sweep] keys first (file order), then the zip group, though it comes first in the file.
  EXPECT_EQ(spec.swept_keys(),
            (std::vector<std::string>{"format", "block", "input", "pipeline_stages"}));
  const auto points = enumerate_points(spec);
  ASSERT_EQ(points.size(), 12u);
  for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(points[i].index, i);
  auto p = [](const char* format, int block, const char* input, int stages) {
    return json{{"format", format}, {"block", block}, {"input", input}, {"pipeline_stages", stages}}
        .dump();
  };
  EXPECT_EQ(
      swept_texts(points),
      (std::vector<std::string>{
          p("mxint4", 16, "fp32", 0), p("mxint4", 16, "bf16", 1), p("mxint4", 32, "fp32", 0),
          p("mxint4", 32, "bf16", 1), p("mxint4", 64, "fp32", 0), p("mxint4", 64, "bf16", 1),
          p("mxint8", 16, "fp32", 0), p("mxint8", 16, "bf16", 1), p("mxint8", 32, "fp32", 0),
          p("mxint8", 32, "bf16", 1), p("mxint8", 64, "fp32", 0), p("mxint8", 64, "bf16", 1)}));
}

TEST_F(SweepSpecTest, ZipGroupsMoveTogether) {
  const auto points = enumerate_points(load(R"(base = "../configs/base.toml"
[[zip]]
format = ["mxint4", "mxint6", "mxint8"]
block = [16, 32, 64]

[[zip]]
input = ["fp32", "bf16"]
rounding = ["truncate", "nearest_away"]
)"));
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[0].swept.dump(),
            R"({"format":"mxint4","block":16,"input":"fp32","rounding":"truncate"})");
  EXPECT_EQ(points[1].swept.dump(),
            R"({"format":"mxint4","block":16,"input":"bf16","rounding":"nearest_away"})");
  EXPECT_EQ(points[5].swept.dump(),
            R"({"format":"mxint8","block":64,"input":"bf16","rounding":"nearest_away"})");
}

TEST_F(SweepSpecTest, DesignTextIsCanonicalAndRoundTrips) {
  const auto points = enumerate_points(load(R"(base = "../configs/base.toml"
[sweep]
pipeline_stages = [1]
format = ["mxfp4_e2m1"]
)"));
  ASSERT_EQ(points.size(), 1u);
  // The unit's declaration order, the base keys and the swept ones; no name.
  EXPECT_EQ(points[0].design_text, R"(unit = "quant.block"

[params]
format = "mxfp4_e2m1"
block = 32
input = "fp32"
pipeline_stages = 1
)");
  EXPECT_EQ(points[0].params.dump(),
            R"({"format":"mxfp4_e2m1","block":32,"input":"fp32","rounding":"nearest_even",)"
            R"("int_encoding":"sign_magnitude","bfp_exp_bits":8,"stochastic_bits":8,)"
            R"("pipeline_stages":1})");
  const auto design = bf::load_design_text(points[0].design_text, "point.toml");
  EXPECT_EQ(design->params_json(), points[0].params);
  EXPECT_EQ(design->unit_name(), "quant.block");
  EXPECT_NE(design->top_name(), "mxq_int8_k32") << "the base's name is not inherited";
  // Deterministic: the same file gives the same texts.
  const auto again = enumerate_points(load_sweep((dir_ / "sweeps/x.toml").string()));
  EXPECT_EQ(again[0].design_text, points[0].design_text);
}

TEST_F(SweepSpecTest, IntListParametersAreSwept) {
  const auto points = enumerate_points(load(R"(base = "../configs/toy.toml"
[sweep]
widths = [[3, 5], [16]]
packed = [true, false]
)"));
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[2].swept.dump(), R"({"widths":[16],"packed":true})");
  EXPECT_EQ(points[2].design_text, R"(unit = "test.sweep_toy"

[params]
outliers = 2
widths = [16]
packed = true
)");
  const auto design = bf::load_design_text(points[2].design_text, "point.toml");
  EXPECT_EQ(design->params_json(), points[2].params);
}

TEST_F(SweepSpecTest, ConstraintsExcludePoints) {
  const SweepSpec spec = load(R"(base = "../configs/base.toml"
[sweep]
format = ["mxint4", "mxint8"]
block = [16, 32, 64]

[options]
constraints = ["format != 'mxint4' || block <= 32", "block * 2 != 32 || format == 'mxint8'"]
)");
  std::size_t excluded = 99;
  const auto points = enumerate_points(spec, &excluded);
  EXPECT_EQ(excluded, 2u);
  ASSERT_EQ(points.size(), 4u);
  // Indices keep the position in the full product.
  std::vector<std::size_t> indices;
  for (const auto& p : points) indices.push_back(p.index);
  EXPECT_EQ(indices, (std::vector<std::size_t>{1, 3, 4, 5}));
  EXPECT_EQ(points[0].swept.dump(), R"({"format":"mxint4","block":32})");
}

TEST_F(SweepSpecTest, ConstraintsSeeUnsweptAndDefaultedParameters) {
  const std::string head =
      "base = \"../configs/base.toml\"\n[sweep]\nblock = [16, 32]\n[options]\n";
  std::size_t excluded = 0;
  // input comes from the base, rounding and pipeline_stages from the defaults.
  EXPECT_EQ(enumerate_points(load(head + "constraints = [\"input == 'fp32' && rounding == "
                                         "'nearest_even' && pipeline_stages == 0\"]\n"),
                             &excluded)
                .size(),
            2u);
  EXPECT_EQ(excluded, 0u);
  EXPECT_EQ(
      enumerate_points(load(head + "constraints = [\"input == 'bf16'\"]\n"), &excluded).size(), 0u);
  EXPECT_EQ(excluded, 2u);
}

TEST_F(SweepSpecTest, ConstraintsCutInvalidCombinationsOutOfTheProduct) {
  // The issue's example: outliers < block (here the toy unit's outliers * 4 <= block).
  const std::string sweep = R"(base = "../configs/toy.toml"
[sweep]
outliers = [1, 4]
block = [4, 16]
)";
  std::size_t excluded = 0;
  const auto points = enumerate_points(
      load(sweep + "[options]\nconstraints = [\"outliers * 4 <= block\"]\n"), &excluded);
  EXPECT_EQ(swept_texts(points),
            (std::vector<std::string>{R"({"outliers":1,"block":4})", R"({"outliers":1,"block":16})",
                                      R"({"outliers":4,"block":16})"}));
  EXPECT_EQ(excluded, 1u);
  // Without the constraint the invalid point is an error at the value of the
  // key the unit names, with the point.
  EXPECT_EQ(points_error(sweep),
            "sweeps/x.toml:3:16: parameter 'outliers': at most block/4 = 1 outliers per block, "
            "found 4 (in the point outliers = 4, block = 4)");
  // Out-of-range values excluded by a constraint are not errors either.
  EXPECT_EQ(enumerate_points(load("base = \"../configs/base.toml\"\n[sweep]\nblock = [16, 1000]\n"
                                  "[options]\nconstraints = [\"block <= 256\"]\n"))
                .size(),
            1u);
}

TEST_F(SweepSpecTest, BadValuesAreReportedInTheSweepFile) {
  // At the value, not in the synthesized design text.
  EXPECT_EQ(points_error(R"(base = "../configs/base.toml"

[sweep]
block = [16, 1000]
)"),
            "sweeps/x.toml:4:14: parameter 'block' = 1000 is out of range: expected 2..256");
  // With more than one swept key the message shows the point.
  EXPECT_EQ(points_error(R"(base = "../configs/base.toml"
[sweep]
block = [16]
format = ["mxint8", "mxint9"]
)"),
            "sweeps/x.toml:4:21: parameter 'format' = \"mxint9\" is not allowed: expected one of: "
            "mxint2, mxint3, mxint4, mxint5, mxint6, mxint7, mxint8, mxfp8_e4m3, mxfp8_e5m2, "
            "mxfp6_e3m2, mxfp6_e2m3, mxfp4_e2m1, bfp2, bfp3, bfp4, bfp5, bfp6, bfp7, bfp8, "
            "bfp9, bfp10, bfp11, bfp12, bfp13, bfp14, bfp15, bfp16, bfp17, bfp18, bfp19, bfp20, "
            "bfp21, bfp22, bfp23, bfp24; did you mean 'mxint2'? (in the point block = 16, format "
            "= \"mxint9\")");
  EXPECT_EQ(points_error(R"(base = "../configs/base.toml"
[[zip]]
input = ["fp32", "bf16"]
pipeline_stages = ["0", 1]
)"),
            "sweeps/x.toml:4:20: parameter 'pipeline_stages': expected an integer, found a "
            "string (\"0\") (in the point input = \"fp32\", pipeline_stages = \"0\")");
  EXPECT_EQ(points_error("base = \"../configs/base.toml\"\n[sweep]\nblock = [16.5]\n"),
            "sweeps/x.toml:3:10: parameter 'block': expected an integer, found a float (16.5)");
  EXPECT_EQ(points_error("base = \"../configs/toy.toml\"\n[sweep]\nwidths = [[3, 99]]\n"),
            "sweeps/x.toml:3:11: parameter 'widths[1]' = 99 is out of range: expected 1..16");
  // A rule broken by a defaulted parameter: at the point's first swept value.
  write("configs/toy_default.toml", "unit = \"test.sweep_toy\"\n");
  EXPECT_EQ(points_error("base = \"../configs/toy_default.toml\"\n[sweep]\nformat = "
                         "[\"mxint4\"]\nblock = [4]\n"),
            "sweeps/x.toml:3:11: parameter 'outliers' (default 2): at most block/4 = 1 outliers "
            "per block, found 2 (in the point format = \"mxint4\", block = 4)");
}

TEST_F(SweepSpecTest, ABadValueWinsOverAConstraintThatStumblesOnIt) {
  // block = "16" makes the constraint a type error, but the value is the problem.
  EXPECT_EQ(points_error("base = \"../configs/base.toml\"\n[sweep]\nblock = [\"16\"]\n"
                         "[options]\nconstraints = [\"block >= 16\"]\n"),
            "sweeps/x.toml:3:10: parameter 'block': expected an integer, found a string (\"16\")");
}

TEST_F(SweepSpecTest, ConstraintEvaluationErrorsNameTheConstraintAndThePoint) {
  EXPECT_EQ(points_error("base = \"../configs/base.toml\"\n[sweep]\nblock = [32, 16]\n"
                         "[options]\nconstraints = [\"64 / (block - 16) > 1\"]\n"),
            "sweeps/x.toml:5:16: constraint \"64 / (block - 16) > 1\" (column 4): division by "
            "zero in '64 / (block - 16)' (in the point block = 16)");
}

TEST_F(SweepSpecTest, HandMadeSpecsWithoutPositions) {
  SweepSpec spec;
  spec.path = "made.toml";
  spec.unit = "quant.block";
  spec.axes.push_back({{"block"}, {json{{"block", 16}}, json{{"block", 1}}}, {}});
  EXPECT_EQ(error_of([&] { enumerate_points(spec); }),
            "made.toml: parameter 'block' = 1 is out of range: expected 2..256 (in the point block "
            "= 1)");
  spec.axes[0].values.pop_back();
  spec.constraints = {"block >"};
  EXPECT_EQ(error_of([&] { enumerate_points(spec); }),
            "made.toml: constraint \"block >\" (column 8): expected a value (a number, a string, "
            "true, false, a parameter or '('), found the end of the constraint");
  spec.constraints.clear();
  ASSERT_EQ(enumerate_points(spec).size(), 1u);
  spec.unit = "no.such";
  EXPECT_EQ(error_of([&] { enumerate_points(spec); }), "made.toml: unknown unit 'no.such'");
}

// ---- shards ----

TEST_F(SweepSpecTest, ShardsCoverThePointsExactlyOnce) {
  const auto points = enumerate_points(load(R"(base = "../configs/base.toml"
[sweep]
format = ["mxint4", "mxint6", "mxint8"]
block = [8, 16, 32, 64]
)"));
  ASSERT_EQ(points.size(), 12u);
  for (std::size_t n : {1u, 2u, 3u, 5u, 12u, 13u}) {
    std::vector<std::size_t> seen;
    for (std::size_t i = 0; i < n; ++i) {
      const auto slice = bf::sweep::shard(points, i, n);
      // Each shard is deterministic, in point order and round-robin.
      EXPECT_EQ(slice.size(), (points.size() + n - 1 - i) / n);
      for (std::size_t k = 0; k < slice.size(); ++k) {
        EXPECT_EQ(slice[k].index, points[i + k * n].index);
        seen.push_back(slice[k].index);
      }
    }
    std::sort(seen.begin(), seen.end());
    std::vector<std::size_t> all;
    for (const auto& p : points) all.push_back(p.index);
    EXPECT_EQ(seen, all) << n << " shards: the union is every point, none twice";
  }
  EXPECT_THROW(bf::sweep::shard(points, 2, 2), std::invalid_argument);
  EXPECT_THROW(bf::sweep::shard(points, 0, 0), std::invalid_argument);
}

TEST(ParseShard, AcceptsOneBasedIOverN) {
  using bf::sweep::parse_shard;
  EXPECT_EQ(parse_shard("2/4"), (std::pair<std::size_t, std::size_t>{1, 4}));
  EXPECT_EQ(parse_shard("1/1"), (std::pair<std::size_t, std::size_t>{0, 1}));
  EXPECT_EQ(parse_shard("4/4"), (std::pair<std::size_t, std::size_t>{3, 4}));
  for (const char* bad : {"0/4", "5/4", "x", "", "1/0", "/4", "1/", "2/4/1", " 2/4", "2 /4", "-1/4",
                          "+1/4", "1/99999999999999999999999"}) {
    try {
      parse_shard(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()),
                "invalid shard \"" + std::string(bad) +
                    "\": expected I/N with 1 <= I <= N (e.g. 2/4 is the second of four slices)");
    }
  }
}

}  // namespace
