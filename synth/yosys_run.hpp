#pragma once
// Running one Yosys script of the area flows in its work directory, and the
// pieces every flow shares: the script templates, the version string, the
// JSON reports and the one-line error messages.

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "util/process.hpp"

namespace bf::synth {

// The log every run writes into its work directory (-d: it ends with the
// time spent in each pass), and where stdout/stderr of yosys go.
inline constexpr const char* kYosysLog = "yosys.log";
inline constexpr const char* kYosysConsoleLog = "yosys.console.log";

// `yosys -V` of the yosys on PATH ("Yosys 0.23 (git sha1 7ce5011c24b)"),
// asked once per executable and process. Throws when yosys is missing, with
// how to install it.
std::string yosys_version();

// Runs `yosys -q -d -l yosys.log -s <script>` inside `work`. Returns its wall
// time in seconds. Throws util::ToolTimeout / util::ToolCancelled when the
// budget stopped it, else std::runtime_error "<what> failed: <first ERROR
// line> (see <work>/yosys.log)" on a non-zero exit.
double run_yosys(const std::filesystem::path& work, const std::string& script,
                 const std::string& what, const util::ToolBudget& budget);

// The text of a script template in synth_dir().
std::string read_script_template(const std::string& name);

// `tmpl` with every @KEY@ of `values` replaced, outside comment lines.
std::string fill_template(const std::string& tmpl,
                          const std::map<std::string, std::string>& values);

// A JSON report Yosys wrote into `work`. Tolerates the trailing comma Yosys
// 0.23's `stat -json` leaves before the closing brace of a design without a
// top module. Throws naming the file and the log when missing or unparsable.
nlohmann::json read_json_report(const std::filesystem::path& work, const char* file);

// "see <work>/yosys.log", the pointer every error message carries.
std::string log_hint(const std::filesystem::path& work);

// The first line of `text` containing "ERROR:", trimmed and shortened; empty
// when none.
std::string first_yosys_error(const std::string& text);

}  // namespace bf::synth
