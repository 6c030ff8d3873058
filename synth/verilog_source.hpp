#pragma once
// Splitting Verilog source files into one text per module, for the
// hierarchical area flow: each module is synthesized on its own from exactly
// the text its cache key is computed from.
//
// A module's text is its `module ... endmodule` span with comments removed
// (so the header comment a generator writes, which differs between designs,
// does not change the key), preceded by the compiler directives of its file
// that come before it (`default_nettype none, `timescale, `define: they
// change how the module reads) and by any attribute written just before it.
// Comments that are tool pragmas (synopsys/synthesis/pragma) are kept: Yosys
// honors some of them.

#include <string>
#include <vector>

namespace bf::synth {

struct ModuleSource {
  std::string name;  // module name (an escaped identifier without its backslash)
  std::string text;  // directives + module text, comments removed
  std::string file;  // the file it came from
  int line = 0;      // 1-based line of `module` in that file
};

// Comments removed (block comments keep their newlines, so line numbers stay
// put); string literals are left intact; pragma comments are kept.
std::string strip_verilog_comments(const std::string& text);

// The modules of one file's text, in order. Throws std::runtime_error naming
// file:line and the fix for what the split cannot handle: an unterminated
// module or comment, `include, or `ifdef/`ifndef/`elsif/`else/`endif outside
// a module (the split would not know which modules exist).
std::vector<ModuleSource> split_modules(const std::string& text, const std::string& file);

// Every module of every file; throws on a module defined twice, naming both
// places.
std::vector<ModuleSource> read_modules(const std::vector<std::string>& files);

}  // namespace bf::synth
