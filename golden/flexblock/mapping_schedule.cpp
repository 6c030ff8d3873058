#include "golden/flexblock/mapping_schedule.hpp"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>

namespace bf::golden::flexblock {

namespace {

constexpr std::string_view kForms =
    "give a preset (all16, all8, all4, mixed) or fwd=AxB,dgrad=AxB,wgrad=AxB with A and B in 4, "
    "8, 16 (e.g. fwd=8x8,dgrad=8x16,wgrad=16x8)";

Schedule uniform(std::string name, Mode m) {
  const GemmPrecision p = GemmPrecision::of(m, m);
  return {std::move(name), {p, p, p}};
}

[[noreturn]] void bad(std::string_view text, const std::string& why) {
  throw std::invalid_argument(fmt::format("schedule '{}': {}; {}", text, why, kForms));
}

Mode mode_of(std::string_view text, std::string_view bits) {
  if (bits == "4") return Mode::M4;
  if (bits == "8") return Mode::M8;
  if (bits == "16") return Mode::M16;
  bad(text, fmt::format("'{}' is not a mode (4, 8 or 16 bits)", bits));
}

std::optional<Pass> pass_of(std::string_view name) {
  for (const Pass p : kPasses)
    if (pass_name(p) == name) return p;
  return std::nullopt;
}

}  // namespace

std::string Schedule::spec() const {
  std::string s;
  for (const Pass p : kPasses)
    s += fmt::format("{}{}={}", s.empty() ? "" : ",", pass_name(p), of(p).text());
  return s;
}

std::vector<std::string> schedule_presets() { return {"all16", "all8", "all4", "mixed"}; }

Schedule parse_schedule(std::string_view text) {
  if (text == "all16") return uniform("all16", Mode::M16);
  if (text == "all8") return uniform("all8", Mode::M8);
  if (text == "all4") return uniform("all4", Mode::M4);
  if (text == "mixed")
    return {"mixed",
            {GemmPrecision::of(Mode::M8, Mode::M8), GemmPrecision::of(Mode::M8, Mode::M16),
             GemmPrecision::of(Mode::M16, Mode::M8)}};
  if (text.find('=') == std::string_view::npos) bad(text, "not a preset");

  Schedule s;
  s.name = std::string(text);
  std::array<bool, kPasses.size()> given{};
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string_view item = text.substr(start, comma - start);
    start = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) bad(text, fmt::format("'{}' is not PASS=AxB", item));
    const std::string_view name = item.substr(0, eq);
    const std::string_view pair = item.substr(eq + 1);
    const auto pass = pass_of(name);
    if (!pass) bad(text, fmt::format("unknown pass '{}' (fwd, dgrad, wgrad)", name));
    const auto i = static_cast<std::size_t>(*pass);
    if (given[i]) bad(text, fmt::format("pass '{}' is given twice", name));
    const auto x = pair.find('x');
    if (x == std::string_view::npos) bad(text, fmt::format("'{}' is not AxB", pair));
    s.pass[i] =
        GemmPrecision::of(mode_of(text, pair.substr(0, x)), mode_of(text, pair.substr(x + 1)));
    given[i] = true;
  }
  std::string missing;
  for (const Pass p : kPasses)
    if (!given[static_cast<std::size_t>(p)])
      missing += (missing.empty() ? "" : ", ") + std::string(pass_name(p));
  if (!missing.empty()) bad(text, "no mode pair for " + missing);
  return s;
}

}  // namespace bf::golden::flexblock
