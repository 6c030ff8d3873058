// libFuzzer target: the design-file reader, bf::load_design_text. A design
// file is what a user writes (configs/*.toml); any text must end in a design
// or in a cfg::ConfigError naming the place. Every other exception escapes and
// libFuzzer reports it as a crash, as it does sanitizer reports and hangs.
//
// Beyond the reader, the accessors every command calls right after loading
// (names, ports, latency, parameter JSON) run on each accepted design, so a
// parameter set the reader lets through but the unit cannot describe shows up
// here too. Generating the RTL is left out: it costs seconds for large
// accepted parameter sets and is checked by the unit tests.

#include <cstddef>
#include <cstdint>
#include <string>

#include "generator/config/config.hpp"
#include "generator/design/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::unique_ptr<bf::Design> design;
  try {
    design = bf::load_design_text(text, "fuzz.toml");
  } catch (const bf::cfg::ConfigError&) {
    return 0;  // the documented outcome for a bad file
  }
  (void)design->unit_name();
  (void)design->top_name();
  (void)design->params_json().dump();
  (void)design->latency();
  (void)design->data_inputs();
  (void)design->data_outputs();
  return 0;
}
