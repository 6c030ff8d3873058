#pragma once
// Where `verify` and `area` keep their generated RTL, builds and logs when the
// user gives no --work: ./.blockforge/<top>. Stable, so the Verilator build
// cache survives between runs.

#include <string>

namespace bf::cli {

inline std::string default_work_dir(const std::string& top) { return ".blockforge/" + top; }

}  // namespace bf::cli
