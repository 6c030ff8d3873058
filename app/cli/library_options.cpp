#include "app/cli/library_options.hpp"

namespace bf::cli {

void LibraryOptions::apply(synth::AreaOptions& options) const {
  options.liberty = *liberty;
  options.dont_use = *dont_use;
  options.clock_ns = *clock_ns;
  options.async_reset_to_sync = *async_reset == "sync";
  options.use_cache = !*no_cache;
  options.cache_dir = *cache_dir;
}

LibraryOptions add_library_options(CLI::App* cmd, const std::string& clock_help) {
  LibraryOptions o;
  cmd->add_option("--liberty", *o.liberty,
                  "map onto this Liberty cell library (e.g. your PDK's typical corner) instead of "
                  "the shipped synth/cells.lib")
      ->check(CLI::ExistingFile);
  cmd->add_option("--dont-use", *o.dont_use,
                  "library cells synthesis must not use (comma-separated or repeated); cells the "
                  "library marks dont_use are always avoided")
      ->delimiter(',');
  cmd->add_option("--clock-ns", *o.clock_ns, clock_help)->check(CLI::PositiveNumber);
  cmd->add_option("--async-reset", *o.async_reset,
                  "async: reset flops map onto the library's flops with asynchronous clear/preset "
                  "(default); sync: for libraries without them, map the reset through logic "
                  "onto plain flops (the netlist then resets on a clock edge)")
      ->check(CLI::IsMember({"async", "sync"}));
  auto* cache_opt = cmd->add_option(
      "--cache", *o.cache_dir,
      "module result cache (default $BLOCKFORGE_CACHE, else $XDG_CACHE_HOME/blockforge/synth "
      "or ~/.cache/blockforge/synth)");
  cmd->add_flag("--no-cache", *o.no_cache, "neither read nor write the module result cache")
      ->excludes(cache_opt);
  return o;
}

}  // namespace bf::cli
