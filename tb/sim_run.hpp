#pragma once
// What one simulator run reports back to verify(), whichever simulator ran.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bf::tb {

struct MismatchRecord {
  std::size_t vector = 0;
  uint64_t cycle = 0;
  std::vector<uint64_t> actual;  // output words, vector-file record layout
  // Per output port: the simulator's raw hex when it had X/Z bits (those
  // read as 0 in `actual`), else empty. Only Icarus reports X/Z.
  std::vector<std::string> unknown;
};

struct SimRun {
  bool pass = false;
  std::size_t vectors = 0;  // vectors checked
  std::size_t mismatches = 0;
  long latency_measured = -1;
  uint64_t cycles = 0;
  double build_seconds = 0;
  double sim_seconds = 0;
  bool build_cached = false;
  std::vector<std::string> errors;  // protocol errors
  std::vector<MismatchRecord> records;
  std::string line;      // the fixed PASS/FAIL line the simulation printed
  std::string log_path;  // the simulation's output
};

}  // namespace bf::tb
