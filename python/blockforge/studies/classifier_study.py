"""What the two Fashion-MNIST studies (FlexBlock, LightNorm) share: the
command-line options, the data, one run per (row, seed), and the table.

A study is a list of `Row`s: a name and a function building the model for a
seed (returning the model and an optional controller whose on_step(step)
runs after every optimizer step: dynamic precision control). Every row
trains the same SmallResNet from the same seed (same initial weights, same
batch order) on the same subset, so the rows differ only in their numerics.
"""

import argparse
import dataclasses
import statistics
import sys
import time
from typing import Callable

import torch

from blockforge.studies import data, tables, training
from blockforge.studies.models import SmallResNet


@dataclasses.dataclass
class Row:
    name: str
    build: Callable  # build(seed) -> (model, controller with on_step(step), or None)
    description: str = ""
    batch_statistics: bool = False  # also evaluate with test-batch BN statistics


def base_model(seed):
    """The study's network with the seed's initial weights."""
    training.seed_everything(seed)
    return SmallResNet()


def add_common_options(parser, epochs, train_subset):
    parser.add_argument("--epochs", type=int, default=epochs, help=f"default {epochs}")
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds (default 0,1,2)")
    parser.add_argument("--train-subset", type=int, default=train_subset,
                        help=f"first N training images (default {train_subset}; 60000 = all)")
    parser.add_argument("--test-subset", type=int, default=2000,
                        help="first N test images (default 2000; 10000 = all)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate")
    parser.add_argument("--rows", default=None,
                        help="comma-separated subset of the table's rows (default: all)")
    parser.add_argument("--json", default=None, help="also write every run's numbers here")
    return parser


def select_rows(rows, selection):
    if not selection:
        return rows
    by_name = {r.name: r for r in rows}
    wanted = [s.strip() for s in selection.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in by_name]
    if unknown:
        raise SystemExit(f"--rows: unknown row(s) {', '.join(unknown)}; "
                         f"the rows are {', '.join(by_name)}")
    return [by_name[s] for s in wanted]


def quantized_mac_counts(model):
    """{mode pair name: MACs} summed over every blockforge layer and pass of
    the model since its statistics were last reset; {} for a plain model."""
    import blockforge.torch as bft

    totals = {}
    for _, layer in bft.quantized_layers(model):
        for pass_stats in layer.stats.values():
            for mode, macs in pass_stats.get("macs", {}).items():
                totals[mode] = totals.get(mode, 0) + int(macs)
    return totals


def run_row(row, seed, train_set, test_set, args):
    """Train and evaluate one row with one seed; a dict of its numbers."""
    model, control = row.build(seed)
    seconds = training.train_classifier(model, *train_set, epochs=args.epochs, seed=seed,
                                        batch_size=args.batch_size, lr=args.lr,
                                        on_step=control.on_step if control else None)
    macs = quantized_mac_counts(model)  # training MACs only: read before evaluating
    accuracy = training.evaluate_classifier(model, *test_set)
    result = {"row": row.name, "seed": seed, "accuracy": accuracy, "epoch_seconds": seconds,
              "macs": macs}
    if row.batch_statistics:
        result["batch_statistics_accuracy"] = training.evaluate_with_batch_statistics(
            model, *test_set)
    if control is not None:
        result["final_bits"] = control.current_bits()
        result["precision_changes"] = len(control.controller.history)
    return result


def mac_fractions(macs):
    """{mode: fraction} of a MAC count dict (fractions sum to 1)."""
    total = sum(macs.values())
    if total == 0:
        return {}
    return {mode: count / total for mode, count in macs.items()}


def format_mac_fractions(macs):
    fractions = mac_fractions(macs)
    if not fractions:
        return "fp32 (torch)"
    ordered = sorted(fractions.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{mode} {100 * f:.0f}%" for mode, f in ordered)


def summarize(results, rows):
    """The study table (markdown) from the per-run results; the first row is
    the epoch-time reference."""
    reference_row = rows[0].name
    by_row = {r.name: [x for x in results if x["row"] == r.name] for r in rows}
    # The median epoch: robust to one run slowed by other work on the machine.
    # (The first run of a process was 2-3x slower than later ones while glibc
    # returned freed buffers to the kernel; training.steady_timing stops that.)
    epoch_medians = {name: statistics.median(s for run in runs for s in run["epoch_seconds"])
                     for name, runs in by_row.items()}
    reference = epoch_medians.get(reference_row)
    header = ["numerics", "test accuracy % (mean +- half-range)", "MACs by mode (A x B)",
              "s / epoch (median)", f"epoch / {reference_row} epoch"]
    batch_stats = any(r.batch_statistics for r in rows)
    if batch_stats:
        header.insert(2, "accuracy %, test-batch BN statistics")
    lines = []
    for row in rows:
        runs = by_row[row.name]
        macs = {}
        for run in runs:
            for mode, count in run["macs"].items():
                macs[mode] = macs.get(mode, 0) + count
        ratio = f"{epoch_medians[row.name] / reference:.2f}" if reference else "-"
        cells = [row.name, tables.format_mean_spread([r["accuracy"] for r in runs], 100),
                 format_mac_fractions(macs), f"{epoch_medians[row.name]:.1f}", ratio]
        if batch_stats:
            cells.insert(2, tables.format_mean_spread(
                [r["batch_statistics_accuracy"] for r in runs], 100)
                if row.batch_statistics else "-")
        lines.append(cells)
    return tables.markdown_table(header, lines)


def run_study(title, rows, args, describe=None):
    """Runs every row x seed, prints the table, writes --json; returns
    (table text, results)."""
    training.steady_timing()
    try:
        seeds = tables.parse_seeds(args.seeds)
    except ValueError as e:
        raise SystemExit(str(e)) from None
    rows = select_rows(rows, args.rows)
    if args.epochs < 1:
        raise SystemExit(f"--epochs {args.epochs}: train at least one epoch")
    train_set = data.load_fashion_mnist("train", args.train_subset)
    test_set = data.load_fashion_mnist("test", args.test_subset)
    results, started = [], time.perf_counter()
    for row in rows:
        for seed in seeds:
            result = run_row(row, seed, train_set, test_set, args)
            results.append(result)
            print(f"  {row.name} seed {seed}: accuracy {100 * result['accuracy']:.2f}%, "
                  f"{sum(result['epoch_seconds']):.1f} s", file=sys.stderr, flush=True)
    table = summarize(results, rows)
    total = time.perf_counter() - started
    print(f"## {title}\n")
    print(f"SmallResNet, {len(train_set[0])} training / {len(test_set[0])} test images, "
          f"{args.epochs} epoch(s), batch {args.batch_size}, Adam lr {args.lr}, seeds {seeds}, "
          f"torch threads {torch.get_num_threads()}; {total:.0f} s in all.\n")
    print(table)
    if describe:
        print()
        for row in rows:
            if row.description:
                print(f"- {row.name}: {row.description}")
    if args.json:
        tables.write_json(args.json, {"title": title, "options": vars(args), "results": results,
                                      "table": table, "seconds": total})
    return table, results


def make_parser(description, epochs, train_subset):
    parser = argparse.ArgumentParser(description=description)
    return add_common_options(parser, epochs, train_subset)
