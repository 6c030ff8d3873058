// blockforge._core.protect_and_read: the golden models of the three
// protections of zebra.int8_engine's weight memory against bit flips
// (golden/units/zebra_int8_engine/weight_protection.hpp: per-word parity,
// per-word SECDED, a RADAR-style 2-bit checksum per group of words) on int8
// numpy memory images of shape (words, lanes), word-major as the engine
// stores them. The check bits are encoded from the clean image and the
// flipped image is read through them; the result is the ProtectionOutcome as
// a dict of counts, per-unit statuses and the two images the engine would
// compute with.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "golden/units/zebra_int8_engine/weight_protection.hpp"
#include "python/src/arrays.hpp"
#include "python/src/bindings.hpp"

namespace bf::py {

namespace {

namespace g = golden;

constexpr g::CheckStatus kStatuses[] = {g::CheckStatus::Ok, g::CheckStatus::Detected,
                                        g::CheckStatus::Corrected, g::CheckStatus::Uncorrectable};

g::Protection protection_of(const std::string& name) {
  if (name == "parity") return g::Protection::Parity;
  if (name == "secded") return g::Protection::Secded;
  if (name == "checksum") return g::Protection::Checksum;
  throw pyb::value_error("protection='" + name +
                         "': unknown protection; pass one of 'parity', 'secded', 'checksum'");
}

// A checked (words, lanes) int8 memory image, lanes 1..64.
pyb::array_t<int8_t> memory_image(const pyb::handle& obj, const std::string& arg) {
  auto a = checked_array<int8_t>(obj, arg);
  require_ndim(a, 2, arg, "(words, lanes) of int8 weights");
  if (a.shape(1) < 1 || a.shape(1) > 64)
    throw pyb::value_error(arg + ": shape " + shape_text(a) + " has " + std::to_string(a.shape(1)) +
                           " lanes; a memory word holds 1..64 int8 weights, so pass (words, "
                           "lanes) with lanes 1..64");
  return a;
}

std::vector<int8_t> to_vector(const pyb::array_t<int8_t>& a) {
  const auto* p = a.data();
  return std::vector<int8_t>(p, p + a.size());
}

pyb::array_t<int8_t> to_image(const std::vector<int8_t>& v,
                              const std::vector<pyb::ssize_t>& shape) {
  auto out = new_array<int8_t>(shape);
  if (!v.empty()) std::memcpy(out.mutable_data(), v.data(), v.size());
  return out;
}

pyb::dict protect_and_read_py(const std::string& protection, const pyb::object& clean_obj,
                              const pyb::object& flipped_obj, long long group_words, uint64_t key) {
  const g::Protection p = protection_of(protection);
  if (group_words < 1)
    throw pyb::value_error("group_words=" + std::to_string(group_words) +
                           ": a checksum group holds at least 1 word; pass group_words >= 1 "
                           "(default " +
                           std::to_string(g::kDefaultGroupWords) + ")");
  if (group_words > std::numeric_limits<int>::max())
    throw pyb::value_error("group_words=" + std::to_string(group_words) +
                           ": too large; pass at most the memory's number of words");
  const auto clean = memory_image(clean_obj, "clean");
  const auto flipped = memory_image(flipped_obj, "flipped");
  if (clean.shape(0) != flipped.shape(0) || clean.shape(1) != flipped.shape(1))
    throw pyb::value_error("flipped: shape " + shape_text(flipped) + " differs from clean's " +
                           shape_text(clean) +
                           "; pass the same memory image before (clean) and after (flipped) "
                           "the attack");
  const int lanes = static_cast<int>(clean.shape(1));
  const std::vector<int8_t> c = to_vector(clean), f = to_vector(flipped);
  g::ProtectionOutcome o;
  {
    pyb::gil_scoped_release release;
    o = g::protect_and_read(p, c, f, lanes, static_cast<int>(group_words), key);
  }
  const std::vector<pyb::ssize_t> shape = shape_of(clean);
  pyb::dict r;
  r["protection"] = std::string(g::to_string(o.protection));
  r["units"] = o.units;
  r["flipped"] = o.flipped;
  r["detected"] = o.detected;
  r["corrected"] = o.corrected;
  r["uncorrectable"] = o.uncorrectable;
  r["undetected"] = o.undetected;
  r["miscorrected"] = o.miscorrected;
  auto status = new_array<uint8_t>({static_cast<pyb::ssize_t>(o.status.size())});
  auto* s = status.mutable_data();
  for (std::size_t i = 0; i < o.status.size(); ++i) s[i] = static_cast<uint8_t>(o.status[i]);
  r["status"] = status;
  pyb::dict names;
  for (const g::CheckStatus st : kStatuses)
    names[pyb::int_(static_cast<int>(st))] = std::string(g::to_string(st));
  r["status_names"] = names;
  r["flag_image"] = to_image(o.flag_image, shape);
  r["zero_image"] = to_image(o.zero_image, shape);
  return r;
}

}  // namespace

// Declared in module.cpp.
void bind_weight_protection(pyb::module_& m) {
  using namespace pybind11::literals;
  m.def("protect_and_read", &protect_and_read_py,
        "The golden model of a protection of zebra.int8_engine's weight memory "
        "(golden/units/zebra_int8_engine/weight_protection.hpp): protection 'parity' (one even "
        "parity bit per word), 'secded' (extended Hamming per word: r + 1 check bits) or "
        "'checksum' (RADAR-style 2-bit signature per group of group_words words, weights signed "
        "by the 64-bit key). clean and flipped: int8 numpy arrays of shape (words, lanes), "
        "lanes 1..64, the memory before and after an attack; the check bits are encoded from "
        "clean and never flipped, flipped is read through them. Returns a dict: 'protection', "
        "the counts 'units' (words, or groups for the checksum), 'flipped', 'detected' (status "
        "not Ok; SECDED's Corrected included), 'corrected', 'uncorrectable', 'undetected' "
        "(flipped units read Ok), 'miscorrected'; 'status' (uint8 per unit: 0 ok, 1 detected, 2 "
        "corrected, 3 uncorrectable, named in 'status_names'); 'flag_image' (the data the "
        "engine computes with when it only flags: SECDED's corrected data, else as read) and "
        "'zero_image' (detected parity words, uncorrectable SECDED words and detected checksum "
        "groups zeroed: RADAR's recovery), int8 (words, lanes).",
        "protection"_a, "clean"_a, "flipped"_a, pyb::kw_only(),
        "group_words"_a = g::kDefaultGroupWords, "key"_a = g::kDefaultChecksumKey);
  m.attr("DEFAULT_CHECKSUM_KEY") = pyb::int_(g::kDefaultChecksumKey);
}

}  // namespace bf::py
