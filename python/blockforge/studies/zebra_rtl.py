"""ZeBRA's bit flips injected into the RTL (issue 13, part 2): the attack's
flips placed in the weight memory of a generated zebra.int8_engine, the
attacked layers run on real test images in Verilator, the RTL's outputs
compared with the golden model of the flipped network, and the accuracy
collapse measured through the RTL.

    python3 -m blockforge.studies.zebra_rtl [--seed S] [--rtl-images N] ...

Steps:
1. the victim: the SmallResNet trained on Fashion-MNIST, its conv and Linear
   weights in int8 (Int8Weights, one step per layer);
2. ZeBRA: one distilled batch and the progressive bit search, to the target
   accuracy (zebra_attack's defaults);
3. the deployment the engine runs (Int8Network): int8 activations with one
   step per layer from 500 clean training images, exact int32 accumulators;
4. the RTL: the weight memory laid out as WeightMemory places it (every
   attacked layer, `lanes` weights per word), and for every layer the attack
   flipped, `blockforge zebra-inject`: the clean image written, each flip
   injected as a rewrite of its word with the bit flipped, then the layer's
   dot products for the first N test images (their int8 activation windows,
   from the flipped network) in Verilator, every output checked against the
   golden C++ model; a mismatch stops the study;
5. the accumulators the RTL returned must equal Int8Network's own (an
   independent golden: float64 convolution of integers), and the network is
   finished from them: accuracy through the RTL.

With --protection parity|secded|checksum the engine is generated with that
weight-memory protection (issue 13, part 3) and zebra-inject stores the
flips behind the clean check bits (checksum: every group checked after the
injection). Parity and the checksum zero what they detect (on_detect =
zero, RADAR's recovery), SECDED corrects single flips and computes with an
uncorrectable word as read (on_detect = flag), as zebra_protection's
accuracy table assumes. The golden side is then Int8Network on the image
blockforge.protect_and_read gives (an independent model of the
protections), and every layer whose weights the protected read changes
(a zeroed checksum group can reach into a layer the attack did not flip)
runs through the RTL.
"""

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from blockforge import protect_and_read
from blockforge.studies import classifier_study, data, tables, training, zebra_protection
from blockforge.studies.bit_flip_attack import progressive_bit_search
from blockforge.studies.int8_inference import Int8Network, quantize_activations
from blockforge.studies.int8_weights import Int8Weights
from blockforge.studies.weight_memory import WeightMemory, flip_bits
from blockforge.studies.zebra_distill import distill_target_data


def blockforge_binary():
    """$BLOCKFORGE_BINARY, else the build tree this package was built in
    (build/python/blockforge -> build/blockforge), else `blockforge` on PATH."""
    if os.environ.get("BLOCKFORGE_BINARY"):
        return os.environ["BLOCKFORGE_BINARY"]
    beside = pathlib.Path(__file__).resolve().parents[3] / "blockforge"
    return str(beside) if beside.is_file() else "blockforge"


PROTECTIONS = ("none", "parity", "secded", "checksum")
ON_DETECT = {"parity": "zero", "secded": "flag", "checksum": "zero"}
GROUP_WORDS = 8  # the checksum's group (the golden default)


def design_text(lanes, words, protection="none"):
    text = (f'unit = "zebra.int8_engine"\nname = "zebra_int8_engine_l{lanes}_w{words}"\n\n'
            f"[params]\nlanes = {lanes}\nwords = {words}\nmult_bits = 16\n")
    if protection != "none":
        text += f'protection = "{protection}"\non_detect = "{ON_DETECT[protection]}"\n'
    if protection == "checksum":
        text += f"group_words = {GROUP_WORDS}\n"
    return text


def protected_weights(protection, memory, clean, image, locations):
    """The weights the protected engine computes with after the flips at
    `locations`: protect_and_read's image as zebra_protection reads it
    (SECDED: corrected, uncorrectable as read; parity, checksum: detected
    words / groups zeroed), which ON_DETECT configures the engine to do."""
    outcome = protect_and_read(protection, image.numpy(), flip_bits(image, locations).numpy(),
                               group_words=GROUP_WORDS)
    return zebra_protection.weights_from_image(
        memory, clean, zebra_protection.read_image(protection, outcome))


def activation_rows(layer, q_x, lanes):
    """The engine's activation rows of one layer: per output position (conv:
    image, y, x; Linear: image) its int8 window in the weight's K order,
    padded with zeros to whole words. (rows, words_per_row * lanes) int8."""
    if isinstance(layer, nn.Conv2d):
        cols = F.unfold(q_x, layer.kernel_size, dilation=layer.dilation, padding=layer.padding,
                        stride=layer.stride)  # (B, K, L)
        rows = cols.transpose(1, 2).reshape(-1, cols.shape[1])
    else:
        rows = q_x.reshape(q_x.shape[0], -1)
    k = rows.shape[1]
    padded = torch.zeros(rows.shape[0], -(-k // lanes) * lanes, dtype=torch.float64)
    padded[:, :k] = rows
    return padded.to(torch.int8)


def rtl_accumulators(binary, config, work, memory, image, locations, name, rows, chunk,
                     fast_compile=False):
    """zebra-inject on `rows` (int8 activation rows), `chunk` rows a call;
    the (rows, Cout) int32 accumulators the RTL computed."""
    p = memory.placement(name)
    np.save(work / "memory.npy", image.numpy())
    flips_path = None
    if locations:
        flips_path = work / "flips.npy"
        np.save(flips_path, np.array(locations, dtype=np.int32))
    out = []
    for start in range(0, rows.shape[0], chunk):
        np.save(work / "acts.npy", rows[start:start + chunk].numpy())
        cmd = [binary, "zebra-inject", str(config), "--memory", str(work / "memory.npy"),
               "--layer", f"{p.base},{p.rows},{p.words_per_row}",
               "--acts", str(work / "acts.npy"), "--out", str(work / "acc.npy"),
               "--work", str(work / "inject")]
        if flips_path is not None:
            cmd += ["--flips", str(flips_path)]
        if fast_compile:
            cmd.append("--fast-compile")
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"zebra-inject failed on layer {name} rows {start}..: "
                               f"{run.stdout[-3000:]}{run.stderr[-2000:]}")
        out.append(torch.from_numpy(np.load(work / "acc.npy")))
    return torch.cat(out)


def to_layer_shape(layer, acc_rows, batch, golden):
    """(rows, Cout) accumulators back to the golden tensor's shape."""
    if isinstance(layer, nn.Conv2d):
        b, c, h, w = golden.shape
        return acc_rows.reshape(b, h, w, c).permute(0, 3, 1, 2).double()
    return acc_rows.reshape(batch, -1).double()


def check_same(name, rtl_acc, golden_acc):
    """The RTL's accumulators must be Int8Network's, bit for bit."""
    if rtl_acc.shape != golden_acc.shape or not torch.equal(rtl_acc, golden_acc):
        bad = (int((rtl_acc != golden_acc).sum()) if rtl_acc.shape == golden_acc.shape
               else "all")
        raise RuntimeError(f"layer {name}: {bad} RTL accumulators differ from Int8Network's "
                           f"golden ones")


def make_parser():
    parser = argparse.ArgumentParser(
        description="ZeBRA's flips injected into a generated int8 engine's weight memory; the "
                    "attacked layers run in Verilator on real test images "
                    "(see blockforge/studies/zebra_rtl.py)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train-subset", type=int, default=8192, help="default %(default)s")
    parser.add_argument("--epochs", type=int, default=2, help="default %(default)s")
    parser.add_argument("--test-subset", type=int, default=2000,
                        help="test images of the attack's stop rule and the golden accuracies "
                             "(default %(default)s)")
    parser.add_argument("--rtl-images", type=int, default=32,
                        help="first N test images run through the RTL (default %(default)s)")
    parser.add_argument("--attack-batch", type=int, default=64, help="default %(default)s")
    parser.add_argument("--distill-steps", type=int, default=200, help="default %(default)s")
    parser.add_argument("--max-flips", type=int, default=50, help="default %(default)s")
    parser.add_argument("--lanes", type=int, default=8,
                        help="int8 weights per memory word of the engine (default %(default)s)")
    parser.add_argument("--chunk", type=int, default=4096,
                        help="activation rows per zebra-inject call (default %(default)s)")
    parser.add_argument("--fast-compile", action="store_true",
                        help="build the Verilator model without C++ optimization (shorter "
                             "build, slower run: for a few images)")
    parser.add_argument("--protection", choices=PROTECTIONS, default="none",
                        help="the engine's weight-memory protection (default %(default)s)")
    parser.add_argument("--work", default=None, help="keep the RTL runs here (default: a "
                        "temporary directory)")
    return parser


def check_arguments(args):
    for name in ("train_subset", "epochs", "test_subset", "rtl_images", "max_flips", "chunk"):
        if getattr(args, name) < 1:
            return f"--{name.replace('_', '-')} {getattr(args, name)}: must be at least 1"
    if args.attack_batch < 2:
        return f"--attack-batch {args.attack_batch}: give at least 2 images"
    if args.rtl_images > args.test_subset:
        return f"--rtl-images {args.rtl_images}: at most --test-subset ({args.test_subset})"
    if not 1 <= args.lanes <= 64:
        return f"--lanes {args.lanes}: the engine's word holds 1..64 weights"
    if args.protection not in PROTECTIONS:
        return f"--protection {args.protection}: one of {', '.join(PROTECTIONS)}"
    return None


def run(args, work):
    started = time.perf_counter()
    train_x, train_y = data.load_fashion_mnist("train", args.train_subset)
    test_x, test_y = data.load_fashion_mnist("test", args.test_subset)
    model = classifier_study.base_model(args.seed)
    training.train_classifier(model, train_x, train_y, epochs=args.epochs, seed=args.seed)
    clean = Int8Weights.quantize(model)
    clean.write_into(model)

    pixels_mean, pixels_std = float(train_x.mean()), float(train_x.std())
    batch = distill_target_data(model, args.attack_batch, seed=args.seed * 1000,
                                max_steps=args.distill_steps, stop_loss=0.0,
                                input_mean=pixels_mean, input_std=pixels_std)
    result = progressive_bit_search(model, clean.clone(), batch.images, batch.labels, test_x,
                                    test_y, top_k=10, max_flips=args.max_flips,
                                    target_accuracy=0.11)
    clean.write_into(model)
    attacked = clean.clone()
    for name, index, bit in result.flips:
        attacked.flip(name, index, bit)
    flips = attacked.flips_from(clean)

    net = Int8Network(model, clean, calibration=train_x[:500])
    flipped_net = net.with_weights(attacked)
    golden_clean = net.accuracy(test_x, test_y)
    golden_flipped = flipped_net.accuracy(test_x, test_y)

    memory = WeightMemory(clean.codes, lanes=args.lanes)
    if memory.words > 65536:
        raise ValueError(f"the network needs {memory.words} words of {args.lanes} lanes; the "
                         f"engine holds at most 65536: give more --lanes")
    image = memory.image(clean.codes)
    locations = memory.locations(flips)
    config = work / "zebra_int8_engine.toml"
    config.write_text(design_text(args.lanes, memory.words, args.protection))
    binary = blockforge_binary()

    # The network the engine runs: the flipped one, or what the protection
    # makes of it; the layers whose weights differ from the clean ones run
    # through the RTL.
    attacked_layers = sorted({name for name, _, _ in flips}, key=list(net.layers).index)
    read_net, rtl_layers = flipped_net, attacked_layers
    if args.protection != "none":
        read = protected_weights(args.protection, memory, clean, image, locations)
        read_net = net.with_weights(read)
        rtl_layers = [n for n in net.layers if not torch.equal(read.codes[n], clean.codes[n])]
    images, labels = test_x[:args.rtl_images], test_y[:args.rtl_images]
    inputs = read_net.layer_inputs(images, rtl_layers)
    from_rtl, dots = {}, 0
    for name in rtl_layers:
        layer = net.layers[name]
        golden_acc = read_net.accumulators(name, inputs[name])
        q_x = quantize_activations(inputs[name], net.steps[name])
        rows = activation_rows(layer, q_x, args.lanes)
        acc_rows = rtl_accumulators(binary, config, work, memory, image, locations, name, rows,
                                    args.chunk, args.fast_compile)
        dots += acc_rows.numel()
        rtl_acc = to_layer_shape(layer, acc_rows, len(images), golden_acc)
        check_same(name, rtl_acc, golden_acc)
        from_rtl[name] = rtl_acc
    rtl_accuracy = read_net.accuracy(images, labels, accumulators=from_rtl)
    return {
        "protection": args.protection, "rtl_layers": rtl_layers,
        "golden_protected_accuracy": read_net.accuracy(test_x, test_y),
        "golden_protected_accuracy_rtl_images": read_net.accuracy(images, labels),
        "seed": args.seed, "flips": len(flips), "flip_list": [list(f) for f in flips],
        "memory_locations": [list(loc) for loc in locations],
        "attack_reached_target": result.reached_target,
        "attacked_layers": attacked_layers, "memory_words": memory.words, "lanes": args.lanes,
        "golden_clean_accuracy": golden_clean, "golden_flipped_accuracy": golden_flipped,
        "rtl_images": len(images), "rtl_dot_products": dots,
        "golden_clean_accuracy_rtl_images": net.accuracy(images, labels),
        "golden_flipped_accuracy_rtl_images": flipped_net.accuracy(images, labels),
        "rtl_flipped_accuracy": rtl_accuracy, "seconds": time.perf_counter() - started}


def report(r):
    rows = [["clean int8 network (golden)", f"{100 * r['golden_clean_accuracy']:.2f}",
             f"{100 * r['golden_clean_accuracy_rtl_images']:.2f}"],
            ["ZeBRA-flipped (golden)", f"{100 * r['golden_flipped_accuracy']:.2f}",
             f"{100 * r['golden_flipped_accuracy_rtl_images']:.2f}"],
            ]
    if r["protection"] == "none":
        rows.append(["ZeBRA-flipped, attacked layers on the RTL", "-",
                     f"{100 * r['rtl_flipped_accuracy']:.2f}"])
    else:
        p = r["protection"]
        rows.append([f"ZeBRA-flipped, {p} (golden)",
                     f"{100 * r['golden_protected_accuracy']:.2f}",
                     f"{100 * r['golden_protected_accuracy_rtl_images']:.2f}"])
        rows.append([f"ZeBRA-flipped, {p}, changed layers on the RTL", "-",
                     f"{100 * r['rtl_flipped_accuracy']:.2f}"])
    header = ["network", "accuracy % (test subset)", f"accuracy % (first {r['rtl_images']} "
              f"test images)"]
    return tables.markdown_table(header, rows)


def main(argv=None):
    parser = make_parser()
    args = parser.parse_args(argv)
    problem = check_arguments(args)
    if problem:
        parser.error(problem)
    training.steady_timing()
    if args.work:
        work = pathlib.Path(args.work)
        work.mkdir(parents=True, exist_ok=True)
        r = run(args, work)
    else:
        with tempfile.TemporaryDirectory(prefix="zebra_rtl_") as tmp:
            r = run(args, pathlib.Path(tmp))
    print("## ZeBRA's flips in the RTL weight memory of zebra.int8_engine\n")
    print(f"SmallResNet, seed {r['seed']}, {args.train_subset} training images, {args.epochs} "
          f"epoch(s); ZeBRA flipped {r['flips']} bits (target reached: "
          f"{r['attack_reached_target']}) in layers {', '.join(r['attacked_layers'])}; weight "
          f"memory {r['memory_words']} words x {r['lanes']} int8, protection "
          f"{r['protection']}; layers on the RTL: {', '.join(r['rtl_layers']) or 'none'}; "
          f"{r['rtl_dot_products']} dot products on the RTL, every output bit-exact with the "
          f"golden model of the {'protected engine over the ' if r['protection'] != 'none' else ''}"
          f"flipped memory and equal to Int8Network's accumulators; "
          f"{r['seconds']:.0f} s.\n")
    print(report(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
