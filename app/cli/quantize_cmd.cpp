// `blockforge quantize`: fake-quantizes a float32 .npy tensor to a block format
// (blocks along the last axis), writes the dequantized tensor (same shape,
// float32) and optionally the packed storage bits, and prints the error.
//
//   blockforge quantize --format mxint8 --in x.npy --out y.npy [--packed y.bin]
//
// Every error is one line "blockforge quantize: <what>; <how to fix>" on
// stderr with exit code 1, and no output file is written: outputs go to
// temporaries in their directories and are renamed only when all succeeded.

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/cli/cli.hpp"
#include "app/quantize/quantizer_spec.hpp"
#include "golden/formats/block_format.hpp"
#include "golden/formats/tensor_quant.hpp"
#include "golden/io/npy.hpp"

namespace bf::cli {

namespace {

namespace fs = std::filesystem;
using golden::BlockFormat;

// The format options (shared with the Python module, app/quantize/) and the
// files of this command.
struct QuantizeCmdOptions {
  quantize::QuantizeOptions format;
  std::string in;
  std::string out;
  std::string packed;
};

using quantize::QuantizeError;

// A temporary next to `final_path` that is removed unless committed.
class TempFile {
 public:
  explicit TempFile(const std::string& final_path) : final_(final_path) {
    static int counter = 0;
    const fs::path p(final_path);
    temp_ = (p.parent_path() / fmt::format(".{}.tmp-{}-{}", p.filename().string(),
                                           static_cast<long>(::getpid()), counter++))
                .string();
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!committed_) {
      std::error_code ec;
      fs::remove(temp_, ec);
    }
  }
  const std::string& path() const { return temp_; }
  void commit() {
    std::error_code ec;
    fs::rename(temp_, final_, ec);
    if (ec) {
      throw QuantizeError(
          fmt::format("{}: cannot write ({}); check that it is not a directory "
                      "and that its directory is writable",
                      final_, ec.message()));
    }
    committed_ = true;
  }

 private:
  std::string final_;
  std::string temp_;
  bool committed_ = false;
};

void write_bytes(const std::string& path, const std::string& display,
                 const std::vector<uint8_t>& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    throw QuantizeError(
        fmt::format("{}: cannot write ({}); check that the directory exists and is writable",
                    display, std::strerror(errno)));
  }
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) {
    throw QuantizeError(fmt::format("{}: cannot write ({})", display, std::strerror(errno)));
  }
}

int run_quantize(const QuantizeCmdOptions& o) {
  const quantize::Quantizer f = quantize::make_quantizer(o.format, quantize::Spelling::CommandLine);
  const uint64_t seed = quantize::parse_seed(o.format, quantize::Spelling::CommandLine);
  if (o.in.empty()) throw QuantizeError("--in is required (a float32 .npy file)");
  if (o.out.empty()) throw QuantizeError("--out is required (the dequantized .npy to write)");
  if (!o.packed.empty() && o.packed == o.out) {
    throw QuantizeError("--packed and --out name the same file; give two different paths");
  }

  golden::NpyTensor x;
  try {
    x = golden::read_npy_f32(o.in);
  } catch (const std::runtime_error& e) {
    throw QuantizeError(e.what());
  }
  // Blocks along the last axis; a 0-d array is one element.
  const std::size_t cols = x.shape.empty() ? 1 : x.shape.back();
  const std::size_t rows = x.data.size() / cols;

  std::vector<float> q(x.data.size());
  f.fake_quantize(x.data.data(), q.data(), rows, cols, seed);
  const golden::ErrorStats stats = golden::error_stats(x.data.data(), q.data(), q.size());
  std::vector<uint8_t> packed;
  if (!o.packed.empty()) packed = f.pack(x.data.data(), rows, cols, seed);

  // Write everything to temporaries, then rename: no partial output on error.
  TempFile out_tmp(o.out);
  try {
    golden::write_npy_f32(out_tmp.path(), x.shape, q.data(), o.out);
  } catch (const std::runtime_error& e) {
    throw QuantizeError(e.what());
  }
  std::optional<TempFile> packed_tmp;
  if (!o.packed.empty()) {
    packed_tmp.emplace(o.packed);
    write_bytes(packed_tmp->path(), o.packed, packed);
  }
  out_tmp.commit();
  if (packed_tmp) packed_tmp->commit();

  const std::size_t k = static_cast<std::size_t>(f.block_size);
  const std::size_t blocks_per_row = (cols + k - 1) / k;
  std::string rounding = f.rounding;
  if (f.stochastic) {
    rounding += fmt::format(" ({} random bits, seed {})", f.stochastic_bits, seed);
  }
  std::string out =
      fmt::format("quantize {} {} -> {}\n", o.in, golden::npy_shape_string(x.shape), o.out);
  out += fmt::format("  {:<15} {}\n", "format", f.description);
  out += fmt::format("  {:<15} {} along the last axis ({} columns: {} block{} per row{})\n",
                     "block", k, cols, blocks_per_row, blocks_per_row == 1 ? "" : "s",
                     cols % k != 0 ? ", the last one zero-padded" : "");
  out += fmt::format("  {:<15} {}\n", "rounding", rounding);
  out += fmt::format("  {:<15} {:g} ({})\n", "bits/element", f.bits_per_element, f.bit_breakdown);
  out += fmt::format("  {:<15} {:.6e}\n", "MSE", stats.mse);
  out += fmt::format("  {:<15} {}\n", "SQNR",
                     std::isinf(stats.sqnr_db) && stats.sqnr_db > 0
                         ? std::string("inf dB (exact)")
                         : fmt::format("{:.2f} dB", stats.sqnr_db));
  out += fmt::format("  {:<15} {:.6e}\n", "max abs error", stats.max_abs);
  if (stats.count != x.data.size()) {
    out += fmt::format("  {:<15} {} NaN/Inf input{} (excluded from the error statistics)\n",
                       "non-finite", x.data.size() - stats.count,
                       x.data.size() - stats.count == 1 ? "" : "s");
  }
  if (!o.packed.empty()) {
    out += fmt::format("  {:<15} {} ({} bytes: {} blocks of {} bytes)\n", "packed", o.packed,
                       packed.size(), rows * blocks_per_row, f.block_bytes());
  }
  std::cout << out << std::flush;
  return 0;
}

}  // namespace

void add_quantize_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<QuantizeCmdOptions>();
  auto* cmd = app.add_subcommand(
      "quantize",
      "Quantize a float32 .npy tensor to a block format (blocks along the last axis); write the "
      "dequantized tensor and print the error");
  cmd->add_option(
      "--format", opts->format.format,
      fmt::format("Block format (required): {}, mx-opal", BlockFormat::accepted_names()));
  cmd->add_option("--block", opts->format.block, "Block size k, 1..4096 (default 32)")
      ->type_name("INT");
  cmd->add_option("--round", opts->format.round,
                  fmt::format("Rounding: {} (default nearest_even for MX, truncate for BFP)",
                              golden::rounding_names()));
  cmd->add_option("--int-encoding", opts->format.int_encoding,
                  "mxint element encoding: sign_magnitude (default) or twos_complement");
  cmd->add_option("--seed", opts->format.seed, "Seed of stochastic rounding (default 0)")
      ->type_name("UINT");
  cmd->add_option("--in", opts->in, "Input tensor, a float32 .npy file (required)");
  cmd->add_option("--out", opts->out, "Output: the dequantized float32 .npy (required)");
  cmd->add_option("--bits", opts->format.bits, "mx-opal: inlier integer bits, 2..8 (default 3)")
      ->type_name("INT");
  cmd->add_option("--outliers", opts->format.outliers,
                  "mx-opal: outliers kept in bf16 per block, 0..16 (default 4)")
      ->type_name("INT");
  cmd->add_option("--packed", opts->packed,
                  "Also write the packed storage bits here (blocks in row-major order, each "
                  "padded to whole bytes)");
  cmd->callback([opts, &exit_code] {
    try {
      exit_code = run_quantize(*opts);
    } catch (const QuantizeError& e) {
      std::cerr << "blockforge quantize: " << e.what() << "\n";
      exit_code = 1;
    } catch (const std::exception& e) {
      std::cerr << "blockforge quantize: " << e.what() << "\n";
      exit_code = 1;
    }
  });
}

}  // namespace bf::cli
