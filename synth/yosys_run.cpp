#include "synth/yosys_run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "synth/area.hpp"
#include "util/files.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMissingYosys =
    "yosys not found on PATH; install it with apt-get install yosys";

std::string find_yosys() {
  const std::string yosys = util::find_on_path("yosys");
  if (yosys.empty()) throw std::runtime_error(kMissingYosys);
  return yosys;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::string yosys_version() {
  const std::string yosys = find_yosys();
  // Keyed by the executable, so a test or a user switching PATH between runs
  // of one process gets the version of the yosys that actually runs.
  static std::mutex mu;
  static std::map<std::string, std::string> known;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (const auto it = known.find(yosys); it != known.end()) return it->second;
  }
  static std::atomic<unsigned> counter{0};
  const fs::path log = fs::temp_directory_path() /
                       fmt::format("blockforge-yosys-version-{}-{}.log", ::getpid(), counter++);
  util::ProcessOptions opt;
  opt.log_path = log.string();
  opt.timeout_seconds = 60;
  const util::ProcessResult res = util::run_process({yosys, "-V"}, opt);
  std::string text;
  try {
    text = trim(util::read_text(log.string()));
  } catch (const std::exception&) {
  }
  std::error_code ec;
  fs::remove(log, ec);
  if (!res.ok() || text.rfind("Yosys", 0) != 0) {
    throw std::runtime_error(fmt::format("`{} -V` failed (exit {}): {}; reinstall yosys", yosys,
                                         res.code, text.substr(0, 200)));
  }
  text = text.substr(0, text.find('\n'));
  std::lock_guard<std::mutex> lock(mu);
  known[yosys] = text;
  return text;
}

std::string log_hint(const fs::path& work) {
  return fmt::format("see {}", (work / kYosysLog).string());
}

std::string first_yosys_error(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("ERROR:") == std::string::npos) continue;
    line = trim(line);
    if (line.size() > 300) line = line.substr(0, 297) + "...";
    return line;
  }
  return "";
}

namespace {

// What to do when a mapping failed because the cell library lacks a cell
// kind (a user's --liberty, or too many --dont-use cells); empty otherwise.
std::string library_hint(const std::string& log) {
  if (log.find("dffs with async set or reset are not supported") != std::string::npos)
    return "; the cell library has no rising-edge flip-flop with an asynchronous active-low "
           "reset/set (an ff group with clear/preset), which blockforge's RTL uses: use a "
           "library that has one, or --async-reset sync to map the reset through logic onto "
           "plain flops";
  if (log.find("Cannot find buffer gate") != std::string::npos)
    return "; the cell library has no usable buffer (a cell whose function is its input), "
           "which ABC needs: use a library that has one, or take it off --dont-use";
  if (log.find("Cannot find inverter gate") != std::string::npos)
    return "; the cell library has no usable inverter, which ABC needs: use a library that has "
           "one, or take it off --dont-use";
  return "";
}

}  // namespace

double run_yosys(const fs::path& work, const std::string& script, const std::string& what,
                 const util::ToolBudget& budget) {
  const std::string yosys = find_yosys();
  util::ProcessOptions opt;
  opt.log_path = (work / kYosysConsoleLog).string();
  opt.cwd = work.string();
  const util::ProcessResult res =
      util::run_process({yosys, "-q", "-d", "-l", kYosysLog, "-s", script}, budget.apply(opt));
  util::throw_if_stopped(res, what + ": yosys", (work / kYosysLog).string());
  if (res.ok()) return res.seconds;

  std::string error, hint;
  for (const char* file : {kYosysLog, kYosysConsoleLog}) {
    std::error_code ec;
    if (!fs::exists(work / file, ec)) continue;
    try {
      const std::string text = util::read_text((work / file).string());
      error = first_yosys_error(text);
      hint = library_hint(text);
    } catch (const std::exception&) {
    }
    if (!error.empty()) break;
  }
  if (error.empty()) {
    error = res.code > 128 ? fmt::format("yosys killed by signal {}", res.code - 128)
                           : fmt::format("yosys exited with status {}", res.code);
  }
  throw std::runtime_error(fmt::format("{} failed: {}{} ({})", what, error, hint, log_hint(work)));
}

std::string read_script_template(const std::string& name) {
  return util::read_text((fs::path(synth_dir()) / name).string());
}

std::string fill_template(const std::string& tmpl,
                          const std::map<std::string, std::string>& values) {
  std::istringstream in(tmpl);
  std::string out, line;
  while (std::getline(in, line)) {
    if (line.rfind('#', 0) != 0) {  // placeholders only outside comments
      for (const auto& [key, value] : values) {
        const std::string token = "@" + key + "@";
        for (std::size_t pos = 0; (pos = line.find(token, pos)) != std::string::npos;) {
          line.replace(pos, token.size(), value);
          pos += value.size();
        }
      }
    }
    out += line;
    out += '\n';
  }
  return out;
}

nlohmann::json read_json_report(const fs::path& work, const char* file) {
  const fs::path path = work / file;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw std::runtime_error(fmt::format("yosys wrote no {} ({})", path.string(), log_hint(work)));
  }
  std::string text = util::read_text(path.string());
  // "...},\n\n}": drop the comma before the last closing brace.
  if (const auto close = text.find_last_of('}'); close != std::string::npos) {
    const auto before = text.find_last_not_of(" \t\r\n", close == 0 ? 0 : close - 1);
    if (before != std::string::npos && text[before] == ',') text[before] = ' ';
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(
        fmt::format("cannot parse {}: {} ({})", path.string(), e.what(), log_hint(work)));
  }
}

}  // namespace bf::synth
