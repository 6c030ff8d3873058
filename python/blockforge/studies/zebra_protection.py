"""Study: how well the weight-memory protections of zebra.int8_engine catch
bit-flip attacks, and what accuracy they leave.

The golden models of the three protections
(golden/units/zebra_int8_engine/weight_protection.hpp, through
blockforge.protect_and_read) read an attacked weight memory:

- parity: one even-parity bit per word; detects an odd number of flips in a
  word, never corrects; a detected word reads as zeros (RADAR's recovery);
- SECDED: an extended Hamming code per word ((72,64) for 8 lanes); corrects
  one flip per word, detects two (Uncorrectable); the engine computes with
  the decoded data (flag_image): a corrected word is the clean word again,
  an uncorrectable one is used as read, and three or more flips in a word
  may be miscorrected (counted as "miscorrected" in the JSON);
- checksum: RADAR's 2-bit signature per group of --group-words words, the
  weights signed by a secret 64-bit key (the golden model's default key); a
  detected group reads as zeros.

Per seed:
1. the victim (zebra_attack.train_victim: the SmallResNet trained on
   Fashion-MNIST, int8 weights) and the attacks on it (zebra_attack.run_seed:
   BFA and ZeBRA with --repeats distilled batches, best kept);
2. the flips of each source, as the Hamming difference to the clean int8
   weights: ZeBRA's, BFA's, and --random-trials random sets of 10 flips,
   "single" (10 uniformly random (weight, bit), at most one per memory word:
   a word with two would be a multi-bit error) and "multi" (10 words, each
   the word of a uniformly random weight, with 2 distinct random bits of its
   weights flipped);
3. the clean weights laid out by WeightMemory (--lanes weights per word),
   the flips placed in that image (weight_memory.flip_bits), and each
   protection's read of the flipped image through check bits encoded from
   the clean one;
4. detection rate: the fraction of flipped bits whose word (parity, SECDED)
   or group (checksum) reads as anything but Ok; SECDED's Corrected counts as
   detected and is also reported on its own;
5. accuracy under attack with the protection active: the int8 deployment
   (Int8Network, activation steps from 500 clean training images, as
   zebra_rtl) computing with the weights read back: the zeroed image for
   parity and checksum, the corrected image for SECDED, the flipped image
   without protection. Random flips: accuracy of the first trial of each
   kind (JSON only).

    python3 -m blockforge.studies.zebra_protection [--seeds 0,1,2] [--lanes 8]
        [--group-words 8] [--random-trials 20] [zebra_attack's options] [--json OUT]

Published anchor: RADAR detects about 9.6 of 10 of the progressive bit
search's flips with its 2-bit checksum.
"""

import sys
import time

import numpy as np
import torch

from blockforge import protect_and_read
from blockforge.studies import tables, zebra_attack
from blockforge.studies.int8_inference import Int8Network
from blockforge.studies.int8_weights import BITS, Int8Weights
from blockforge.studies.weight_memory import WeightMemory, flip_bits

PROTECTIONS = ("parity", "secded", "checksum")
PROTECTION_NAMES = {"parity": "parity", "secded": "SECDED", "checksum": "checksum (RADAR)"}
ATTACKS = ("ZeBRA", "BFA")
RANDOM_KINDS = ("random single", "random multi")
SOURCES = ATTACKS + RANDOM_KINDS
UNPROTECTED = "none"
RANDOM_FLIPS = 10  # flips (single) or flipped words (multi) per random set
MULTI_BITS = 2  # bits flipped per word by a multi-bit event
CALIBRATION_IMAGES = 500
STATUS_OK, STATUS_CORRECTED = 0, 2  # CheckStatus values (protect_and_read's status_names)
ANCHOR = "RADAR detects about 9.6 of 10 flips"


def secded_check_bits(k):
    """r + 1 check bits of the extended Hamming code of k data bits: r the
    smallest with 2^r >= k + r + 1 (5 for 8, 8 for 64, 11 for 512)."""
    r = 0
    while (1 << r) < k + r + 1:
        r += 1
    return r + 1


def check_bits(protection, lanes, group_words):
    """(check bits, per how many data bits, text) of a protection."""
    word = BITS * lanes
    if protection == "parity":
        return 1, word, f"1 per {word}-bit word"
    if protection == "secded":
        bits = secded_check_bits(word)
        return bits, word, f"{bits} per {word}-bit word"
    if protection == "checksum":
        return 2, word * group_words, f"2 per group of {group_words} words"
    raise ValueError(f"protection {protection!r}: one of {', '.join(PROTECTIONS)}")


def make_parser():
    """zebra_attack's options (seeds 0,1,2 and one distilled batch by
    default) and the memory's and the random flips'."""
    parser = zebra_attack.make_parser()
    parser.description = ("Parity, SECDED and RADAR's checksum on the weight memory of an "
                          "int8 SmallResNet under ZeBRA, BFA and random bit flips: detection "
                          "rates and accuracy (see blockforge/studies/zebra_protection.py)")
    parser.set_defaults(seeds="0,1,2", repeats=1)
    parser.add_argument("--lanes", type=int, default=8,
                        help="int8 weights per memory word (default %(default)s)")
    parser.add_argument("--group-words", type=int, default=8,
                        help="words per checksum group (default %(default)s)")
    parser.add_argument("--random-trials", type=int, default=20,
                        help=f"random sets of {RANDOM_FLIPS} single-bit and of {RANDOM_FLIPS} "
                             f"{MULTI_BITS}-bit flips per seed (default %(default)s)")
    return parser


def check_arguments(args):
    """A message naming the first bad option and its fix, or None."""
    problem = zebra_attack.check_arguments(args)
    if problem:
        return problem
    if not 1 <= args.lanes <= 64:
        return f"--lanes {args.lanes}: a memory word holds 1..64 int8 weights"
    if args.group_words < 1:
        return f"--group-words {args.group_words}: a checksum group holds at least 1 word"
    if args.random_trials < 1:
        return f"--random-trials {args.random_trials}: must be at least 1"
    return None


# ------------------------------------------------------------------ flips

def attack_flips(clean, run):
    """The (layer, index, bit) flips that turn the clean weights into a
    zebra_attack run's final ones (its committed flips, applied in order;
    a bit flipped twice is no flip)."""
    attacked = clean.clone()
    for name, index, bit in run["flip_list"]:
        attacked.flip(name, int(index), int(bit))
    flips = attacked.flips_from(clean)
    if len(flips) != run["flips"]:
        raise RuntimeError(f"{len(flips)} flips rebuilt from the run's flip list, the run "
                           f"counted {run['flips']}: the victim is not the attacked network")
    return flips


class WeightSampler:
    """Uniformly random weights of a WeightMemory's layers, as
    (layer, flat index), and the weights sharing a memory word."""

    def __init__(self, memory):
        self.memory = memory
        self.names = [p.name for p in memory.layers]
        self.ends = np.cumsum([p.rows * p.k for p in memory.layers])

    @property
    def weights(self):
        return int(self.ends[-1])

    def weight(self, rng):
        flat = int(rng.integers(self.weights))
        layer = int(np.searchsorted(self.ends, flat, side="right"))
        start = int(self.ends[layer - 1]) if layer else 0
        return self.names[layer], flat - start

    def word_weights(self, name, index):
        """Flat indices of the layer's weights in the word holding `index`."""
        p = self.memory.placement(name)
        row, column = divmod(index, p.k)
        first = column - column % self.memory.lanes
        return [row * p.k + c for c in range(first, min(first + self.memory.lanes, p.k))]


def random_single_flips(sampler, rng, count=RANDOM_FLIPS):
    """`count` flips of uniformly random (weight, bit), redrawn when the
    word is already hit: every flipped word holds one flipped bit."""
    flips, words = [], set()
    if count > sampler.memory.words:
        raise ValueError(f"{count} flips in distinct words: the memory has "
                         f"{sampler.memory.words} words")
    while len(flips) < count:
        name, index = sampler.weight(rng)
        bit = int(rng.integers(BITS))
        address, _ = sampler.memory.location(name, index, bit)
        if address not in words:
            words.add(address)
            flips.append((name, index, bit))
    return flips


def random_multi_flips(sampler, rng, count=RANDOM_FLIPS, bits=MULTI_BITS):
    """`count` distinct words (each the word of a uniformly random weight),
    each with `bits` distinct random bits of its weights flipped."""
    flips, words = [], set()
    if count > sampler.memory.words:
        raise ValueError(f"{count} flipped words: the memory has {sampler.memory.words} words")
    while len(words) < count:
        name, index = sampler.weight(rng)
        address, _ = sampler.memory.location(name, index, 0)
        if address in words:
            continue
        words.add(address)
        pool = [(i, b) for i in sampler.word_weights(name, index) for b in range(BITS)]
        for pick in rng.choice(len(pool), size=bits, replace=False):
            i, b = pool[int(pick)]
            flips.append((name, i, b))
    return flips


# ------------------------------------------------------------ protections

def read_through(protection, memory, clean_image, flips, group_words):
    """protect_and_read of the clean image flipped at `flips`; returns the
    outcome, the flipped image and the flips' (address, bit) locations."""
    locations = memory.locations(flips)
    flipped = flip_bits(clean_image, locations)
    outcome = protect_and_read(protection, clean_image.numpy(), flipped.numpy(),
                               group_words=group_words)
    return outcome, flipped, locations


def detection(outcome, locations, protection, group_words, clean_image):
    """Flipped bits; those whose unit (word; checksum: group) read as not
    Ok; those whose unit read Corrected; and of these, those whose word is
    still not the clean one (SECDED's miscorrection of 3 or more flips)."""
    units = [address // group_words if protection == "checksum" else address
             for address, _ in locations]
    status = outcome["status"][units] if units else np.zeros(0, np.uint8)
    wrong = (outcome["flag_image"] != np.asarray(clean_image)).any(axis=1)
    corrected = status == STATUS_CORRECTED
    return {"bits": len(units), "detected": int((status != STATUS_OK).sum()),
            "corrected": int(corrected.sum()),
            "miscorrected": sum(int(c and wrong[address])
                                for c, (address, _) in zip(corrected, locations))}


def read_image(protection, outcome):
    """The image the engine computes with: SECDED's corrected data, the
    zeroed image of parity and checksum (RADAR's recovery)."""
    return outcome["flag_image"] if protection == "secded" else outcome["zero_image"]


def weights_from_image(memory, clean, image):
    """Int8Weights of a memory image (numpy or torch int8 (words, lanes)),
    with the clean weights' steps."""
    if isinstance(image, np.ndarray):
        image = torch.from_numpy(image)
    flat = memory.codes_from(image)
    return Int8Weights({n: flat[n].reshape(clean.codes[n].shape) for n in clean.codes},
                       dict(clean.steps))


def rate(counts, key="detected"):
    return counts[key] / counts["bits"] if counts["bits"] else float("nan")


def add_counts(total, counts):
    for key, value in counts.items():
        total[key] = total.get(key, 0) + value
    return total


# ------------------------------------------------------------------ study

def run_seed(seed, train_set, test_set, args):
    victim = zebra_attack.train_victim(seed, train_set, test_set, args)
    record = zebra_attack.run_seed(seed, train_set, test_set, args, victim=victim)
    model, clean = victim.model, victim.clean
    memory = WeightMemory(clean.codes, lanes=args.lanes)
    clean_image = memory.image(clean.codes)
    net = Int8Network(model, clean, calibration=train_set[0][:CALIBRATION_IMAGES])

    def accuracy(weights):
        return net.with_weights(weights).accuracy(*test_set)

    sources = {name: [attack_flips(clean, record[name])] for name in ATTACKS}
    rng = np.random.default_rng(seed)
    sampler = WeightSampler(memory)
    sources["random single"] = [random_single_flips(sampler, rng)
                                for _ in range(args.random_trials)]
    sources["random multi"] = [random_multi_flips(sampler, rng)
                               for _ in range(args.random_trials)]

    detected = {p: {} for p in PROTECTIONS}
    accuracies = {p: {} for p in PROTECTIONS + (UNPROTECTED,)}
    outcomes = {p: {} for p in PROTECTIONS}
    for source, trials in sources.items():
        for trial, flips in enumerate(trials):
            for protection in PROTECTIONS:
                outcome, flipped, locations = read_through(protection, memory, clean_image, flips,
                                                           args.group_words)
                counts = detection(outcome, locations, protection, args.group_words,
                                   clean_image)
                add_counts(detected[protection].setdefault(source, {}), counts)
                summary = {k: outcome[k] for k in ("units", "flipped", "detected", "corrected",
                                                   "uncorrectable", "undetected",
                                                   "miscorrected")}
                add_counts(outcomes[protection].setdefault(source, {}), summary)
                if trial == 0:  # the attacks' only trial, the random sources' first
                    accuracies[protection][source] = accuracy(
                        weights_from_image(memory, clean, read_image(protection, outcome)))
            if trial == 0:
                accuracies[UNPROTECTED][source] = accuracy(
                    weights_from_image(memory, clean, flipped))
    for protection in PROTECTIONS:
        for counts in detected[protection].values():
            counts["rate"] = rate(counts)
            counts["corrected_rate"] = rate(counts, "corrected")
    return {"seed": seed, "fp32_accuracy": record["fp32_accuracy"],
            "int8_accuracy": record["int8_accuracy"], "clean_accuracy": accuracy(clean),
            "memory_words": memory.words,
            "attacks": {name: {k: record[name][k] for k in ("flips", "reached_target",
                                                              "stop_reason", "flip_list")}
                        for name in ATTACKS},
            "random_flips": {kind: [[list(f) for f in flips] for flips in sources[kind]]
                             for kind in RANDOM_KINDS},
            "detection": detected, "accuracy": accuracies, "outcomes": outcomes}


def summarize(results, args):
    """The markdown table: one row per protection and the unprotected row."""
    header = ["protection", "check bits", "overhead"]
    header += [f"detection rate {s}" for s in SOURCES]
    header += [f"corrected ({' / '.join(SOURCES)})"]
    header += [f"accuracy % under {a}" for a in ATTACKS]
    rows = []
    for protection in PROTECTIONS:
        bits, per, text = check_bits(protection, args.lanes, args.group_words)
        cells = [PROTECTION_NAMES[protection], text, f"{100 * bits / per:.2f}%"]
        cells += [tables.format_mean_spread([r["detection"][protection][s]["rate"]
                                             for r in results]) for s in SOURCES]
        if protection == "secded":
            cells.append(" / ".join(tables.format_mean_spread(
                [r["detection"][protection][s]["corrected_rate"] for r in results])
                for s in SOURCES))
        else:
            cells.append("-")
        cells += [tables.format_mean_spread([r["accuracy"][protection][a] for r in results],
                                            100) for a in ATTACKS]
        rows.append(cells)
    none = ["none (flipped image)", "0", "0%"] + ["-"] * len(SOURCES) + ["-"]
    none += [tables.format_mean_spread([r["accuracy"][UNPROTECTED][a] for r in results], 100)
             for a in ATTACKS]
    rows.append(none)
    return tables.markdown_table(header, rows)


def main(argv=None):
    args, seeds, train_set, test_set = zebra_attack.start_study(make_parser(), argv,
                                                                check_arguments)
    results, started = [], time.perf_counter()
    for seed in seeds:
        r = run_seed(seed, train_set, test_set, args)
        results.append(r)
        print(f"  seed {seed}: clean {100 * r['clean_accuracy']:.2f}%, ZeBRA "
              f"{r['attacks']['ZeBRA']['flips']} flips, BFA {r['attacks']['BFA']['flips']} "
              f"flips; checksum detects ZeBRA "
              f"{r['detection']['checksum']['ZeBRA']['rate']:.2f}, BFA "
              f"{r['detection']['checksum']['BFA']['rate']:.2f}", file=sys.stderr, flush=True)
    table = summarize(results, args)
    total = time.perf_counter() - started
    print("## Weight-memory protections against ZeBRA, BFA and random bit flips\n")
    print(f"SmallResNet, {len(train_set[0])} training / {len(test_set[0])} test images, "
          f"{args.epochs} epoch(s), int8 weights in a memory of {results[0]['memory_words']} "
          f"words x {args.lanes} lanes; seeds {seeds}; int8 deployment (int8 activations, "
          f"{CALIBRATION_IMAGES} calibration images) clean accuracy "
          f"{tables.format_mean_spread([r['clean_accuracy'] for r in results], 100)}%. "
          f"ZeBRA flips "
          f"{tables.format_mean_spread([r['attacks']['ZeBRA']['flips'] for r in results], 1, 1)}"
          f", BFA flips "
          f"{tables.format_mean_spread([r['attacks']['BFA']['flips'] for r in results], 1, 1)}"
          f" (at most {args.max_flips}, target {args.target_accuracy:g}, {args.repeats} "
          f"distilled batch(es)); random: {args.random_trials} sets of {RANDOM_FLIPS} single "
          f"flips (one per word) and of {RANDOM_FLIPS} words with {MULTI_BITS} flipped bits; "
          f"checksum groups of {args.group_words} words; {total:.0f} s in all.\n")
    print(table)
    checksum_bfa = [r["detection"]["checksum"]["BFA"]["rate"] for r in results]
    print(f"\nDetection rate: flipped bits whose word (parity, SECDED) or group (checksum) "
          f"read as not Ok (SECDED: Corrected included; 'corrected' the fraction corrected), "
          f"mean +- half-range over seeds. Accuracy: parity and checksum compute with detected "
          f"words / groups zeroed, SECDED with its decoded data (an uncorrectable word as read; "
          f"3 or more flips in a word may be miscorrected: "
          f"{sum(r['detection']['secded'][a]['miscorrected'] for r in results for a in ATTACKS)}"
          f" ZeBRA / BFA bits in all). Published anchor: {ANCHOR} "
          f"(its checksum against the progressive bit search); here the checksum detects "
          f"{10 * sum(checksum_bfa) / len(checksum_bfa):.1f} of 10 BFA flips.")
    if args.json:
        tables.write_json(args.json, {"options": vars(args), "results": results,
                                      "table": table, "seconds": total})
    return 0


if __name__ == "__main__":
    sys.exit(main())
