#pragma once
// The results files of a sweep (runner.hpp's write_results writes them):
//
//   results.json  {"sweep": name, "unit": unit, "sweep_file": path,
//                  "swept": [keys], "tools": {blockforge, yosys, verilator},
//                  "points": rows, "ok": n, "failed": n, "rows": [Row...]}
//   results.csv   one line per row: index, the swept parameters, status,
//                 error, the area figures (area_um2, nand2_eq, logic_depth,
//                 flops, cell_count, transistors), the unit's own metrics
//                 (union over the rows, sorted by name; "metrics.<name>"
//                 when another column has the name), verified, vectors,
//                 vectors_per_second, seconds, cached, key, blockforge,
//                 yosys, verilator. RFC 4180 quoting; empty cells for values
//                 a row does not have.
//
// `tools` in results.json holds, per tool, the version behind the rows, or
// the distinct versions joined with "; " when merged shards disagree.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/sweep/runner.hpp"

namespace bf::sweep {

// The area figures every row's metrics start with, in CSV column order.
const std::vector<std::string>& area_metric_keys();

// A CSV cell: the value as text (strings bare, numbers and booleans as JSON
// spells them, null empty, arrays/objects as compact JSON), quoted when it
// holds a comma, a quote, a line break or edge spaces.
std::string csv_cell(const nlohmann::ordered_json& value);

std::string results_csv(const SweepSpec& spec, const std::vector<Row>& rows);
nlohmann::ordered_json results_json(const SweepSpec& spec, const std::vector<Row>& rows);

// A parsed results.json; throws std::runtime_error naming the file when it is
// missing or not a sweep's results.
nlohmann::ordered_json read_results_json(const std::string& dir);

}  // namespace bf::sweep
