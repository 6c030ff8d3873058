"""Markdown tables and seed statistics for the studies' reports."""

import json
import statistics


def mean_and_spread(values):
    """(mean, spread) where spread = (max - min) / 2: with three seeds a
    half-range says more than a standard deviation of three numbers."""
    values = list(values)
    if not values:
        raise ValueError("no values: a study row needs at least one seed")
    return statistics.fmean(values), (max(values) - min(values)) / 2


def format_mean_spread(values, scale=1.0, digits=2):
    mean, spread = mean_and_spread(v * scale for v in values)
    if len(values) == 1:
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} +- {spread:.{digits}f}"


def markdown_table(header, rows):
    """header: column names; rows: lists of cells (str() applied)."""
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"row {row} has {len(row)} cells, the header {len(header)}")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_json(path, payload):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(payload, f, indent=2, sort_keys=True)
        f.write("\n")


def parse_seeds(text):
    """'0,1,2' -> [0, 1, 2] (the --seeds option)."""
    try:
        seeds = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise ValueError(f"--seeds {text!r}: give comma-separated integers, e.g. 0,1,2") from None
    if not seeds:
        raise ValueError(f"--seeds {text!r}: give at least one seed")
    return seeds
