#include "golden/flexblock/network.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace bf::golden::flexblock {

namespace {

constexpr std::string_view kHeader = "name,type,cin,cout,k,stride,pad,h,w";
constexpr std::size_t kColumns = 9;
// A layer table is a few hundred lines; the bound keeps a mistyped path (a
// device, a large data file) from being read whole.
constexpr std::uintmax_t kMaxTableBytes = std::uintmax_t{4} << 20;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

struct RowReader {
  const std::string& path;
  int line;

  [[noreturn]] void fail(const std::string& message) const {
    throw NetworkError(fmt::format("{}:{}: {}", path, line, message));
  }

  int size(std::string_view field, std::string_view column, int min) const {
    int v = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (field.empty() || ec != std::errc() || end != field.data() + field.size())
      fail(fmt::format("column '{}' is '{}', expected a whole number", column, field));
    if (v < min || v > kMaxLayerSize)
      fail(fmt::format("column '{}' is {}, expected {}..{}{}", column, v, min, kMaxLayerSize,
                       min > 0 ? " (sizes are positive)" : ""));
    return v;
  }

  LayerType type(std::string_view field) const {
    if (field == "conv") return LayerType::Conv;
    if (field == "dwconv") return LayerType::Depthwise;
    if (field == "fc") return LayerType::FullyConnected;
    fail(fmt::format(
        "unknown layer type '{}': use conv (k x k, a 1x1 for pointwise), dwconv (depthwise) or fc",
        field));
  }

  void check(const Layer& l) const {
    if (l.type == LayerType::Depthwise && l.cin != l.cout)
      fail(
          fmt::format("dwconv '{}' has cin = {} and cout = {}: a depthwise layer keeps its "
                      "channels (cin = cout); write a channel change as a conv",
                      l.name, l.cin, l.cout));
    if (l.type == LayerType::FullyConnected &&
        (l.k != 1 || l.stride != 1 || l.pad != 0 || l.h != 1 || l.w != 1))
      fail(
          fmt::format("fc '{}' must have k = 1, stride = 1, pad = 0, h = w = 1 (found k = {}, "
                      "stride = {}, pad = {}, h = {}, w = {}); a spatial layer is a conv",
                      l.name, l.k, l.stride, l.pad, l.h, l.w));
    if (l.h + 2 * l.pad < l.k || l.w + 2 * l.pad < l.k)
      fail(
          fmt::format("'{}': a {}x{} kernel does not fit the {}x{} input with pad {}; check k, "
                      "pad, h and w (h, w are the INPUT size)",
                      l.name, l.k, l.k, l.h, l.w, l.pad));
  }
};

}  // namespace

std::string_view layer_type_name(LayerType t) {
  switch (t) {
    case LayerType::Conv:
      return "conv";
    case LayerType::Depthwise:
      return "dwconv";
    default:
      return "fc";
  }
}

Network parse_network(std::string_view text, const std::string& path) {
  Network net;
  net.path = path;
  std::set<std::string, std::less<>> names;
  bool header_seen = false;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto eol = text.find('\n', pos);
    const std::string_view raw =
        text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() + 1 : eol + 1;
    ++line_no;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const RowReader row{path, line_no};
    const auto fields = split(line);
    if (!header_seen) {
      std::string joined;
      for (const auto f : fields) joined += (joined.empty() ? "" : ",") + std::string(f);
      if (joined != kHeader)
        row.fail(fmt::format("the first row must be the header '{}', found '{}'", kHeader, line));
      header_seen = true;
      continue;
    }
    if (fields.size() != kColumns)
      row.fail(fmt::format("{} columns, expected {} ({})", fields.size(), kColumns, kHeader));
    Layer l;
    l.line = line_no;
    l.name = std::string(fields[0]);
    if (l.name.empty()) row.fail("empty layer name: give each layer a name (column 'name')");
    if (!names.insert(l.name).second)
      row.fail(fmt::format("layer name '{}' is used twice: layer names must be unique", l.name));
    l.type = row.type(fields[1]);
    l.cin = row.size(fields[2], "cin", 1);
    l.cout = row.size(fields[3], "cout", 1);
    l.k = row.size(fields[4], "k", 1);
    l.stride = row.size(fields[5], "stride", 1);
    l.pad = row.size(fields[6], "pad", 0);
    l.h = row.size(fields[7], "h", 1);
    l.w = row.size(fields[8], "w", 1);
    row.check(l);
    net.layers.push_back(std::move(l));
  }
  if (!header_seen)
    throw NetworkError(
        fmt::format("{}: empty layer table: expected the header '{}' and one row "
                    "per layer",
                    path, kHeader));
  if (net.layers.empty())
    throw NetworkError(
        fmt::format("{}: no layers after the header: add one row per layer ({})", path, kHeader));
  return net;
}

Network load_network(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw NetworkError(fmt::format("{}: no such layer table", path));
  if (!fs::is_regular_file(status))
    throw NetworkError(fmt::format("{}: not a regular file: expected a layer table (CSV)", path));
  if (fs::file_size(path, ec) > kMaxTableBytes || ec)
    throw NetworkError(
        fmt::format("{}: larger than {} MiB: not a layer table", path, kMaxTableBytes >> 20));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NetworkError(fmt::format("{}: cannot open the layer table", path));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_network(text.str(), path);
}

}  // namespace bf::golden::flexblock
