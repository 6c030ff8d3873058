#include "golden/io/npy.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

namespace bf::golden {

static_assert(std::endian::native == std::endian::little,
              "npy.cpp reads and writes '<f4' data with plain copies");

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::size_t kAlign = 64;  // NumPy pads the header so the data is 64-byte aligned

[[noreturn]] void fail(std::string_view name, std::string_view what) {
  throw std::runtime_error(fmt::format("{}: {}", name, what));
}

std::string errno_text() { return std::strerror(errno); }

// A recursive-descent reader for the header dictionary, a Python literal such
// as {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, std::string_view name) : s_(text), name_(name) {}

  NpyHeader parse() {
    NpyHeader h;
    bool have_descr = false;
    bool have_order = false;
    bool have_shape = false;
    expect('{');
    while (true) {
      skip_ws();
      if (peek() == '}') break;
      const std::string key = parse_string();
      expect(':');
      skip_ws();
      if (key == "descr") {
        if (peek() == '[') {
          error("descr is a structured dtype (a list of fields); save a plain float32 array");
        }
        h.descr = parse_string();
        have_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = parse_bool();
        have_order = true;
      } else if (key == "shape") {
        h.shape = parse_shape();
        have_shape = true;
      } else {
        error(fmt::format("unexpected key '{}'", key));
      }
      skip_ws();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      skip_ws();
      if (peek() != '}') error("expected ',' or '}' after a value");
    }
    expect('}');
    if (!have_descr || !have_order || !have_shape) {
      error("the dictionary needs the keys 'descr', 'fortran_order' and 'shape'");
    }
    return h;
  }

 private:
  [[noreturn]] void error(std::string_view what) const {
    fail(name_, fmt::format("malformed .npy header ({}); write the file with np.save", what));
  }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skip_ws() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c) error(fmt::format("expected '{}' at offset {}", c, i_));
    ++i_;
  }
  std::string parse_string() {
    skip_ws();
    const char q = peek();
    if (q != '\'' && q != '"') error(fmt::format("expected a quoted string at offset {}", i_));
    ++i_;
    std::string out;
    while (i_ < s_.size() && s_[i_] != q) {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      out.push_back(s_[i_++]);
    }
    if (i_ >= s_.size()) error("unterminated string");
    ++i_;
    return out;
  }
  bool parse_bool() {
    if (s_.substr(i_).starts_with("True")) {
      i_ += 4;
      return true;
    }
    if (s_.substr(i_).starts_with("False")) {
      i_ += 5;
      return false;
    }
    error("fortran_order must be True or False");
  }
  std::size_t parse_dim() {
    skip_ws();
    if (peek() < '0' || peek() > '9') error(fmt::format("expected a dimension at offset {}", i_));
    std::size_t v = 0;
    while (peek() >= '0' && peek() <= '9') {
      const auto d = static_cast<std::size_t>(peek() - '0');
      if (v > (std::numeric_limits<std::size_t>::max() - d) / 10) error("dimension too large");
      v = v * 10 + d;
      ++i_;
    }
    if (peek() == 'L') ++i_;  // Python 2 long literal
    return v;
  }
  std::vector<std::size_t> parse_shape() {
    expect('(');
    std::vector<std::size_t> shape;
    skip_ws();
    if (peek() == ')') {
      ++i_;
      return shape;
    }
    while (true) {
      shape.push_back(parse_dim());
      skip_ws();
      if (peek() == ',') {
        ++i_;
        skip_ws();
        if (peek() == ')') break;
        continue;
      }
      if (peek() == ')') break;
      error(fmt::format("expected ',' or ')' in the shape at offset {}", i_));
    }
    ++i_;
    return shape;
  }

  std::string_view s_;
  std::string_view name_;
  std::size_t i_ = 0;
};

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Bytes of the fixed prefix (magic, version, header length) for a version.
std::size_t prefix_size(int major) { return major == 1 ? 10 : 12; }

}  // namespace

std::size_t NpyHeader::count() const {
  std::size_t n = 1;
  for (std::size_t d : shape) {
    if (d != 0 && n > std::numeric_limits<std::size_t>::max() / d) {
      return std::numeric_limits<std::size_t>::max();  // saturates; caught as truncated data
    }
    n *= d;
  }
  return n;
}

std::string npy_shape_string(std::span<const std::size_t> shape) {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

std::string npy_dtype_name(std::string_view descr) {
  if (descr.size() < 3) return {};
  const char kind = descr[1];
  const std::string_view size = descr.substr(2);
  // The descr comes from the file: a size of more than four digits is no
  // NumPy type (and would overflow the arithmetic below).
  if (size.size() > 4) return {};
  int bytes = 0;
  for (char c : size) {
    if (c < '0' || c > '9') return {};
    bytes = bytes * 10 + (c - '0');
  }
  switch (kind) {
    case 'f':
      return fmt::format("float{}", bytes * 8);
    case 'i':
      return fmt::format("int{}", bytes * 8);
    case 'u':
      return fmt::format("uint{}", bytes * 8);
    case 'c':
      return fmt::format("complex{}", bytes * 8);
    case 'b':
      return "bool";
    case 'U':
      return "str";
    case 'S':
      return "bytes";
    case 'O':
      return "object";
    case 'V':
      return "void";
    case 'M':
      return "datetime64";
    case 'm':
      return "timedelta64";
    default:
      return {};
  }
}

NpyHeader parse_npy_header(std::string_view bytes, std::string_view name) {
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic) {
    fail(name, "not a .npy file (bad magic); write the tensor with np.save(path, x)");
  }
  if (bytes.size() < 8) fail(name, "truncated .npy header; the file is incomplete, save it again");
  NpyHeader h;
  h.major = static_cast<unsigned char>(bytes[6]);
  h.minor = static_cast<unsigned char>(bytes[7]);
  if (h.major < 1 || h.major > 3 || h.minor != 0) {
    fail(name, fmt::format("unsupported .npy format version {}.{} (blockforge reads 1.0, 2.0 and "
                           "3.0); save it again with np.save",
                           h.major, h.minor));
  }
  const std::size_t prefix = prefix_size(h.major);
  if (bytes.size() < prefix) {
    fail(name, "truncated .npy header; the file is incomplete, save it again");
  }
  std::size_t header_len = 0;
  for (std::size_t i = prefix; i-- > 8;) {
    header_len = (header_len << 8) | static_cast<unsigned char>(bytes[i]);
  }
  if (bytes.size() - prefix < header_len) {
    fail(name, "truncated .npy header; the file is incomplete, save it again");
  }
  NpyHeader parsed = HeaderParser(bytes.substr(prefix, header_len), name).parse();
  parsed.major = h.major;
  parsed.minor = h.minor;
  parsed.data_offset = prefix + header_len;
  return parsed;
}

namespace {

// What a typed reader or writer needs of its element type.
struct NpyType {
  const char* descr;    // "<f4", "|i1", "<i4", "<i8"
  const char* swapped;  // the big-endian spelling, or null (one byte)
  const char* name;     // "float32"
  const char* numpy;    // "np.float32"
  std::size_t size;     // bytes per element
};
constexpr NpyType kF32{"<f4", ">f4", "float32", "np.float32", 4};
constexpr NpyType kI8{"|i1", nullptr, "int8", "np.int8", 1};
constexpr NpyType kI32{"<i4", ">i4", "int32", "np.int32", 4};

// The shape and raw little-endian elements of a C-order `type` tensor.
std::vector<std::size_t> read_npy_raw(const std::string& path, const NpyType& type,
                                      std::vector<char>& bytes) {
  File file(std::fopen(path.c_str(), "rb"));
  if (!file) fail(path, fmt::format("cannot open ({}); check the path", errno_text()));
  std::FILE* f = file.get();
  if (std::fseek(f, 0, SEEK_END) != 0) fail(path, fmt::format("cannot read ({})", errno_text()));
  const long end = std::ftell(f);
  if (end < 0 || std::fseek(f, 0, SEEK_SET) != 0) {
    fail(path, fmt::format("cannot read ({}); is it a regular file?", errno_text()));
  }
  const auto file_size = static_cast<std::size_t>(end);

  // The prefix first (magic, version, header length), then the whole header.
  std::string head(std::min<std::size_t>(file_size, 12), '\0');
  if (std::fread(head.data(), 1, head.size(), f) != head.size()) {
    fail(path, fmt::format("cannot read ({})", errno_text()));
  }
  std::size_t header_end = head.size();
  const int major = head.size() >= 12 ? static_cast<unsigned char>(head[6]) : 0;
  if (head.substr(0, kMagic.size()) == kMagic && major >= 1 && major <= 3) {
    const std::size_t prefix = prefix_size(major);
    std::size_t header_len = 0;
    for (std::size_t i = prefix; i-- > 8;) {
      header_len = (header_len << 8) | static_cast<unsigned char>(head[i]);
    }
    header_end = std::min(file_size, prefix + header_len);
  }
  if (header_end > head.size()) {
    const std::size_t have = head.size();
    head.resize(header_end);
    if (std::fread(head.data() + have, 1, header_end - have, f) != header_end - have) {
      fail(path, fmt::format("cannot read ({})", errno_text()));
    }
  }
  const NpyHeader h = parse_npy_header(head, path);

  // NumPy writes a one-byte dtype as "|i1"; "<i1" and ">i1" mean the same.
  const bool same =
      h.descr == type.descr || (type.size == 1 && h.descr.size() == 3 && h.descr.substr(1) == "i1");
  if (!same) {
    if (type.swapped != nullptr && h.descr == type.swapped) {
      fail(path, fmt::format("dtype is {0} (big-endian {1}); little-endian {1} is required: "
                             "np.save(path, x.astype('{2}'))",
                             type.swapped, type.name, type.descr));
    }
    const std::string dtype = npy_dtype_name(h.descr);
    fail(path, fmt::format("dtype is {}{}; {} is required: np.save(path, x.astype({}))", h.descr,
                           dtype.empty() ? "" : " (" + dtype + ")", type.name, type.numpy));
  }
  if (h.fortran_order) {
    fail(path,
         "fortran_order is True (column-major data); save a C-order array: "
         "np.save(path, np.ascontiguousarray(x))");
  }
  const std::size_t count = h.count();
  if (count == 0) {
    fail(path, fmt::format("empty tensor (shape {}); it needs at least one element",
                           npy_shape_string(h.shape)));
  }
  const std::size_t available = file_size - h.data_offset;
  if (count > available / type.size) {
    fail(path, fmt::format("truncated data: shape {} needs {} bytes of {} but only {} follow "
                           "the header; the file is incomplete, save it again",
                           npy_shape_string(h.shape),
                           count > std::numeric_limits<std::size_t>::max() / type.size
                               ? std::string("more than 2^64")
                               : std::to_string(count * type.size),
                           type.name, available));
  }
  bytes.resize(count * type.size);
  if (std::fseek(f, static_cast<long>(h.data_offset), SEEK_SET) != 0 ||
      std::fread(bytes.data(), type.size, count, f) != count) {
    fail(path, fmt::format("cannot read the data ({})", errno_text()));
  }
  return h.shape;
}

template <class T>
NpyArray<T> read_typed(const std::string& path, const NpyType& type) {
  static_assert(std::endian::native == std::endian::little, "npy data is read as little-endian");
  std::vector<char> bytes;
  NpyArray<T> a;
  a.shape = read_npy_raw(path, type, bytes);
  a.data.resize(bytes.size() / sizeof(T));
  std::memcpy(a.data.data(), bytes.data(), bytes.size());
  return a;
}

}  // namespace

NpyTensor read_npy_f32(const std::string& path) {
  NpyArray<float> a = read_typed<float>(path, kF32);
  return {std::move(a.shape), std::move(a.data)};
}
NpyArray<int8_t> read_npy_i8(const std::string& path) { return read_typed<int8_t>(path, kI8); }
NpyArray<int32_t> read_npy_i32(const std::string& path) { return read_typed<int32_t>(path, kI32); }

namespace {

void write_npy_raw(const std::string& path, std::span<const std::size_t> shape, const void* data,
                   const NpyType& type, std::string_view display_name) {
  const std::string_view name = display_name.empty() ? std::string_view(path) : display_name;
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
                                 type.descr, npy_shape_string(shape));
  // Version 1.0 unless the header length does not fit in 16 bits.
  int major = 1;
  std::size_t total = prefix_size(1) + dict.size() + 1;
  if ((total + kAlign - 1) / kAlign * kAlign - prefix_size(1) > 0xFFFF) {
    major = 2;
    total = prefix_size(2) + dict.size() + 1;
  }
  const std::size_t padded = (total + kAlign - 1) / kAlign * kAlign;
  const std::size_t prefix = prefix_size(major);
  const std::size_t header_len = padded - prefix;
  dict.append(padded - total, ' ');
  dict.push_back('\n');

  std::string head(kMagic);
  head.push_back(static_cast<char>(major));
  head.push_back('\0');
  for (std::size_t i = 0; i < prefix - 8; ++i) {
    head.push_back(static_cast<char>((header_len >> (8 * i)) & 0xFF));
  }
  head += dict;

  std::size_t count = 1;
  for (std::size_t d : shape) count *= d;

  File file(std::fopen(path.c_str(), "wb"));
  if (!file) {
    fail(name, fmt::format("cannot write ({}); check that the directory exists and is writable",
                           errno_text()));
  }
  const bool ok = std::fwrite(head.data(), 1, head.size(), file.get()) == head.size() &&
                  (count == 0 || std::fwrite(data, type.size, count, file.get()) == count);
  std::FILE* raw = file.release();
  const bool closed = std::fclose(raw) == 0;
  if (!ok || !closed) fail(name, fmt::format("cannot write ({})", errno_text()));
}

}  // namespace

void write_npy_f32(const std::string& path, std::span<const std::size_t> shape, const float* data,
                   std::string_view display_name) {
  write_npy_raw(path, shape, data, kF32, display_name);
}
void write_npy_i32(const std::string& path, std::span<const std::size_t> shape, const int32_t* data,
                   std::string_view display_name) {
  write_npy_raw(path, shape, data, kI32, display_name);
}

}  // namespace bf::golden
