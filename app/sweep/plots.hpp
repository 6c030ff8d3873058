#pragma once
// Sweep pictures, drawn by gnuplot (Debian package gnuplot-nox) next to the
// results: for each swept parameter, area (um^2) against it (one series per
// combination of the other swept parameters when that stays readable); and,
// when rows carry an accuracy metric (metrics.sqnr_db), the Pareto front of
// area (lower is better) against accuracy (higher is better) with the front's
// points labelled by their parameters. Each plot as PNG and SVG in
// <out_dir>/plots/. Failed rows are skipped.
//
// Files (900x600, white background):
//   area_vs_<param>.{png,svg}          for each swept parameter: numbers on a
//       numeric axis (log2 when the values are powers of two spanning 4x or
//       more), strings as categories in the sweep file's order; one line per
//       combination of the parameters swept on other axes when there are at
//       most 8, else points only, coloured by one of them
//   pareto_area_vs_sqnr_db.{png,svg}  when rows carry metrics.sqnr_db: all ok
//       points in grey, the front in colour, connected and labelled in short
//       form ("mxint4 k16": strings as they are, block as k<n>, ...)
//   <plot>.gp, <plot>*.dat             the gnuplot script and its data (rerun
//       with `gnuplot <plot>.gp` in plots/ to restyle); <plot>.log on failure

#include <string>
#include <vector>

#include "app/sweep/runner.hpp"

namespace bf::sweep {

// Returns the files written. Throws std::runtime_error when gnuplot is missing
// or fails (the message names the script and log under <out_dir>/plots/).
std::vector<std::string> write_plots(const std::string& out_dir, const SweepSpec& spec,
                                     const std::vector<Row>& rows);

// Indices (into rows) of the Pareto-optimal ok rows: no other row has both
// area <= and accuracy >= with one strictly better. Sorted by area.
std::vector<std::size_t> pareto_front(const std::vector<Row>& rows, const std::string& area_key,
                                      const std::string& accuracy_key);

}  // namespace bf::sweep
