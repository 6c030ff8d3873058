"""Study: ZeBRA against BFA, bit flips that take an int8 SmallResNet
(Fashion-MNIST) down to random guessing (issue 13).

Per seed: train the SmallResNet in fp32 (the seed fixes the initial weights
and the batch order), quantize its conv and Linear weights to int8
(int8_weights: one symmetric step per layer), then run the progressive bit
search (bit_flip_attack) from the clean int8 weights twice over:

- BFA: the attack batch is real training images (a seeded random draw)
  labelled by the clean int8 model's own predictions;
- ZeBRA: the attack batch is distilled target data (zebra_distill) made
  from the clean int8 model with random labels; "repeated": --repeats
  batches, each attacked from the clean weights, keeping the run that
  reaches the target with the fewest flips.

Both stop, as the authors' code does, on real test accuracy: after each
committed step, accuracy on the test subset at or below --target-accuracy
(the authors used 11% for BFA and 10% for ZeBRA; one target here keeps the
comparison fair), or --max-flips flips. Flips are counted as the Hamming
distance to the clean weights. A run that does not reach the target (cap
hit, or no flip raises its loss any more: "stalled") counts as --max-flips
flips and the cell is shown as ">mean". The published ratio BFA flips /
ZeBRA flips is 2.0x on CIFAR-10 (ResNet-20) and 1.6x on ImageNet.

Defaults run in a few minutes on one core:

    python3 -m blockforge.studies.zebra_attack [--seeds 0,1,2,3,4] [--train-subset N]
        [--epochs E] [--test-subset N] [--attack-batch 64] [--repeats R] [--top-k 10]
        [--max-flips 50] [--target-accuracy 0.11] [--distill-steps 200]
        [--distill-stop-loss 0] [--json OUT]

The full study (the authors' 2000 distillation steps, all the data):

    nice python3 -m blockforge.studies.zebra_attack --train-subset 60000 --epochs 10 \\
        --test-subset 10000 --repeats 5 --distill-steps 2000 --json zebra.json

Why the distillation runs every step by default (--distill-stop-loss 0): the
authors stop once the loss is at most 10, a bound set for ResNet-20 and
ImageNet networks. On the SmallResNet (10 BN layers) the loss of the starting
noise is already 5-7 (measured, 5 seeds), so with --distill-stop-loss 10
every distilled batch is the initial noise and the "ZeBRA" row attacks with
noise (defaults otherwise: 29.8 flips against BFA's 10.2). Run to the end,
the loss falls to ~0.3 in 200 steps and ZeBRA needs 8.4 flips (BFA / ZeBRA
1.21x).
"""

import argparse
import statistics
import sys
import time
from dataclasses import dataclass

import torch
from torch import nn

from blockforge.studies import classifier_study, data, tables, training
from blockforge.studies.bit_flip_attack import progressive_bit_search
from blockforge.studies.int8_weights import Int8Weights
from blockforge.studies.zebra_distill import distill_target_data

METHODS = ("BFA", "ZeBRA")
ACCURACY_AFTER = (5, 10, 20)


def make_parser():
    parser = argparse.ArgumentParser(
        description="ZeBRA against BFA: bit flips that break an int8 SmallResNet on "
                    "Fashion-MNIST (see blockforge/studies/zebra_attack.py)")
    parser.add_argument("--seeds", default="0,1,2,3,4", help="comma-separated seeds")
    parser.add_argument("--train-subset", type=int, default=8192,
                        help="first N training images (default %(default)s; 60000 = all)")
    parser.add_argument("--epochs", type=int, default=2, help="default %(default)s")
    parser.add_argument("--test-subset", type=int, default=2000,
                        help="first N test images: the stop rule's and the table's accuracy "
                             "(default %(default)s; 10000 = all)")
    parser.add_argument("--attack-batch", type=int, default=64,
                        help="images per attack batch, real or distilled (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=2,
                        help="ZeBRA's distilled batches per seed (default %(default)s)")
    parser.add_argument("--top-k", type=int, default=10,
                        help="weights per layer searched by |grad| (default %(default)s)")
    parser.add_argument("--max-flips", type=int, default=50, help="default %(default)s")
    parser.add_argument("--target-accuracy", type=float, default=0.11,
                        help="stop at or below this test accuracy (default %(default)s)")
    parser.add_argument("--distill-steps", type=int, default=200,
                        help="at most this many Adam steps (default %(default)s; authors 2000)")
    parser.add_argument("--distill-stop-loss", type=float, default=0.0,
                        help="stop distilling once the loss is at or below this (default "
                             "%(default)s: every step; the authors' bound 10 stops this "
                             "network's distillation before its first step)")
    parser.add_argument("--json", default=None, help="also write every run's numbers here")
    return parser


def check_arguments(args):
    """A message naming the first bad option and its fix, or None."""
    positive = ("train_subset", "epochs", "test_subset", "repeats", "top_k", "max_flips")
    for name in positive:
        if getattr(args, name) < 1:
            return f"--{name.replace('_', '-')} {getattr(args, name)}: must be at least 1"
    if args.attack_batch < 2:
        return f"--attack-batch {args.attack_batch}: give at least 2 images"
    if args.distill_steps < 0:
        return f"--distill-steps {args.distill_steps}: give 0 or more steps"
    if not 0.0 <= args.target_accuracy <= 1.0:
        return f"--target-accuracy {args.target_accuracy}: give a fraction in [0, 1]"
    return None


def run_summary(result):
    """The JSON record of one attack run."""
    flips = result.hamming_distance
    return {"reached_target": result.reached_target, "stop_reason": result.stop_reason,
            "flips": flips, "committed_flips": len(result.flips),
            "flip_list": [list(f) for f in result.flips],
            "clean_accuracy": result.clean_accuracy,
            "accuracy_per_step": [s.accuracy for s in result.steps],
            "loss_per_step": [s.loss for s in result.steps],
            "flips_per_step": [len(s.flips) for s in result.steps],
            "accuracy_after": {str(k): result.accuracy_after(k) for k in ACCURACY_AFTER}}


def attack(model, clean, images, labels, test_set, args):
    """One progressive bit search from the clean weights; the model is left
    holding the clean weights again."""
    result = progressive_bit_search(model, clean.clone(), images, labels, *test_set,
                                    top_k=args.top_k, max_flips=args.max_flips,
                                    target_accuracy=args.target_accuracy)
    clean.write_into(model)
    return run_summary(result)


def fewest_flips(runs):
    """ZeBRA's repeated attack keeps the run that reaches the target with the
    fewest flips (if none does: the lowest final accuracy)."""
    return min(runs, key=lambda r: (not r["reached_target"], r["flips"],
                                    r["accuracy_per_step"][-1] if r["accuracy_per_step"]
                                    else r["clean_accuracy"]))


@dataclass
class Victim:
    """The trained SmallResNet holding its clean int8 weights, those weights,
    and its test accuracy in fp32 and with the int8 weights."""
    model: nn.Module
    clean: Int8Weights
    fp32_accuracy: float
    int8_accuracy: float


def train_victim(seed, train_set, test_set, args):
    model = classifier_study.base_model(seed)
    training.train_classifier(model, *train_set, epochs=args.epochs, seed=seed)
    fp32_accuracy = training.evaluate_classifier(model, *test_set)
    clean = Int8Weights.quantize(model)
    clean.write_into(model)
    return Victim(model, clean, fp32_accuracy, training.evaluate_classifier(model, *test_set))


def run_seed(seed, train_set, test_set, args, victim=None):
    """BFA and ZeBRA on the victim of `seed` (trained here unless given, as
    train_victim makes it); the model is left holding its clean weights."""
    if victim is None:
        victim = train_victim(seed, train_set, test_set, args)
    model, clean = victim.model, victim.clean
    fp32_accuracy, int8_accuracy = victim.fp32_accuracy, victim.int8_accuracy

    generator = torch.Generator().manual_seed(seed)
    pick = torch.randperm(len(train_set[0]), generator=generator)[:args.attack_batch]
    real_images = train_set[0][pick]
    with torch.no_grad():
        own_labels = model(real_images).argmax(1)
    bfa = attack(model, clean, real_images, own_labels, test_set, args)

    # The input term's target: the authors' N(0, 1) is their models' input
    # normalization; this model reads raw [0, 1] pixels, whose mean and std
    # are what its input pipeline feeds it (a property of the deployment, not
    # training data an attacker would need).
    pixels = train_set[0]
    input_mean, input_std = float(pixels.mean()), float(pixels.std())
    zebra_runs = []
    for repeat in range(args.repeats):
        batch = distill_target_data(model, args.attack_batch, seed=seed * 1000 + repeat,
                                    max_steps=args.distill_steps,
                                    stop_loss=args.distill_stop_loss, input_mean=input_mean,
                                    input_std=input_std)
        run = attack(model, clean, batch.images, batch.labels, test_set, args)
        run.update(repeat=repeat, distill_steps=batch.steps,
                   distill_loss_start=batch.total_losses[0],
                   distill_loss_end=batch.total_losses[-1])
        zebra_runs.append(run)
    return {"seed": seed, "fp32_accuracy": fp32_accuracy, "int8_accuracy": int8_accuracy,
            "BFA": bfa, "ZeBRA": fewest_flips(zebra_runs), "ZeBRA_repeats": zebra_runs}


def counted_flips(run, cap):
    return run["flips"] if run["reached_target"] else cap


def format_flips(runs, cap):
    """mean +- half-range of the flips to the target; a run that did not
    reach it counts as cap, and then the cell reads '>mean'."""
    cell = tables.format_mean_spread([counted_flips(r, cap) for r in runs], digits=1)
    missed = sum(not r["reached_target"] for r in runs)
    return f">{cell} ({missed} of {len(runs)} at >{cap})" if missed else cell


def summarize(results, cap, target):
    header = ["method", f"flips to <= {100 * target:g}% accuracy (mean +- half-range)"]
    header += [f"accuracy % after {k} flips" for k in ACCURACY_AFTER]
    header += ["BFA flips / method flips"]
    bfa_mean = statistics.fmean(counted_flips(r["BFA"], cap) for r in results)
    rows = []
    for method in METHODS:
        runs = [r[method] for r in results]
        mean = statistics.fmean(counted_flips(r, cap) for r in runs)
        censored = any(not r["reached_target"] for r in runs) or any(
            not r["BFA"]["reached_target"] for r in results)
        if mean == 0:  # the clean model was already at the target
            ratio = "-"
        else:
            ratio = f"{bfa_mean / mean:.2f}" + (" (capped runs)" if censored else "")
        cells = [method, format_flips(runs, cap)]
        cells += [tables.format_mean_spread([r["accuracy_after"][str(k)] for r in runs], 100)
                  for k in ACCURACY_AFTER]
        rows.append(cells + [ratio])
    return tables.markdown_table(header, rows)


def start_study(parser, argv, check):
    """What an attack study's main does first: the options (parser.error on
    the first bad one, check(args) naming it), the seeds, steady timing, and
    the training and test images. Returns (args, seeds, train_set, test_set)."""
    args = parser.parse_args(argv)
    problem = check(args)
    if problem:
        parser.error(problem)
    try:
        seeds = tables.parse_seeds(args.seeds)
    except ValueError as e:
        parser.error(str(e))
    training.steady_timing()
    train_set = data.load_fashion_mnist("train", args.train_subset)
    test_set = data.load_fashion_mnist("test", args.test_subset)
    return args, seeds, train_set, test_set


def main(argv=None):
    args, seeds, train_set, test_set = start_study(make_parser(), argv, check_arguments)
    results, started = [], time.perf_counter()
    for seed in seeds:
        result = run_seed(seed, train_set, test_set, args)
        results.append(result)
        print(f"  seed {seed}: int8 accuracy {100 * result['int8_accuracy']:.2f}%, "
              f"BFA {result['BFA']['flips']} flips ({result['BFA']['stop_reason']}), "
              f"ZeBRA {result['ZeBRA']['flips']} flips ({result['ZeBRA']['stop_reason']})",
              file=sys.stderr, flush=True)
    table = summarize(results, args.max_flips, args.target_accuracy)
    total = time.perf_counter() - started
    distill_steps = [run["distill_steps"] for r in results for run in r["ZeBRA_repeats"]]
    print("## ZeBRA against BFA: bit flips that break an int8 SmallResNet on Fashion-MNIST\n")
    print(f"SmallResNet, {len(train_set[0])} training / {len(test_set[0])} test images, "
          f"{args.epochs} epoch(s) fp32, then int8 weights (one step per layer); seeds {seeds}; "
          f"clean accuracy fp32 "
          f"{tables.format_mean_spread([r['fp32_accuracy'] for r in results], 100)}%, int8 "
          f"{tables.format_mean_spread([r['int8_accuracy'] for r in results], 100)}%. "
          f"Attack batch {args.attack_batch}, top-k {args.top_k}, at most {args.max_flips} "
          f"flips, target test accuracy <= {args.target_accuracy:g}. ZeBRA: {args.repeats} "
          f"distilled batch(es) per seed, at most {args.distill_steps} Adam steps, early stop "
          f"at loss <= {args.distill_stop_loss:g}: steps taken {min(distill_steps)}.."
          f"{max(distill_steps)}. Torch threads {torch.get_num_threads()}; "
          f"{total:.0f} s in all.\n")
    print(table)
    print("\nFlips are the Hamming distance to the clean int8 weights; a run that did not "
          "reach the target counts as the cap. Accuracy after k flips: a run that stopped "
          "earlier keeps its final accuracy. Published BFA / ZeBRA: 2.0x (CIFAR-10).")
    if args.json:
        tables.write_json(args.json, {"options": vars(args), "results": results,
                                      "table": table, "seconds": total})
    return 0


if __name__ == "__main__":
    sys.exit(main())
