"""Study (c), OPAL: a tiny decoder-only character transformer trained here in
fp32 on the fortunes corpus, then evaluated (perplexity on held-out text)
with the inputs of its block linear layers (attn.qkv, attn.proj, fc1, fc2;
the embeddings, attention products and output head stay fp32) in each
activation format, with torch's exact softmax and with OPAL's log2 softmax
(log2_softmax.py: integer transcription of opal.softmax) in attention.

Tables:
1. Hardware arithmetic (blockforge.torch.EngineGemm on the golden engines):
   fp32 | bf16 (Bf16Dot: bf16 activations and weights, fp32 tree) | MXINT3/5
   (MxDot) | MX-OPAL3/5 with n = 4 bf16 outliers per 128-block (OpalPe) |
   OPAL's mixed 3/5 assignment (OpalPe, 5-bit mode for the sensitive
   layers). The MX engines take weight_bits-bit integer weights per output
   row (default 8, so the activation format dominates; OPAL pairs its
   activations with 3-4-bit OWQ weights, not modelled here).
2. Per-channel max/median of every linear input (outlier channels or not).
3. Activation-only quantization (blockforge.quantize on the inputs, fp32
   weights and GEMMs), without and with the seeded LLM-like outlier
   injection (activation_outliers.py), so the outlier effect is visible.

"Sensitive" layers for the mixed assignment: the reference leaves them open
(reference/accelerators.md: "inputs to the sensitive layers of a decoder
block use 5-bit"). Chosen here by measurement: each layer role alone at
MX-OPAL3 (others fp32); the half of the roles whose 3-bit inputs raise
perplexity most get 5 bits (--sensitive overrides, e.g. fc2,proj).

    python3 -m blockforge.studies.opal_lm [--epochs E] [--seeds 0]
        [--train-subset N] [--json out.json] [--eval-windows W]
        [--weight-bits B] [--checkpoint model.pt] [--sensitive roles]
"""

import argparse
import copy
import math
import sys
import time

import torch
from torch.nn import functional as F

from blockforge.studies import activation_outliers as outliers_mod
from blockforge.studies import data, tables, training
from blockforge.studies.log2_softmax import log2_softmax
from blockforge.studies.models import CharTransformer, exact_softmax

ROLES = ("qkv", "proj", "fc1", "fc2")
FORMATS = ("fp32", "bf16", "mxint3", "mxint5", "mx-opal3", "mx-opal5", "opal-mixed")
SOFTMAXES = {"exact": exact_softmax, "log2": log2_softmax}
BLOCK, OUTLIERS = 128, 4
MODEL_SHAPE = dict(d_model=128, heads=4, layers=2, context=64)


def role_of(layer_name):
    return layer_name.rsplit(".", 1)[-1]


# ---------------------------------------------------------------- training

def train_char_model(corpus, *, epochs, seed, batch_size=32, lr=2e-3, train_subset=None,
                     log=None):
    """The fp32 model: Adam with cosine decay over `epochs` passes' worth of
    random windows of the training text. Returns (model, seconds)."""
    training.steady_timing()
    torch.manual_seed(seed)
    model = CharTransformer(corpus.vocab_size, **MODEL_SHAPE)
    ids = corpus.train_ids[:train_subset] if train_subset else corpus.train_ids
    steps = max(1, round(epochs * len(ids) / (batch_size * model.context)))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    generator = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    model.train()
    for step in range(steps):
        x, y = data.random_windows(ids, batch_size, model.context, generator)
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        if log and (step % 100 == 0 or step == steps - 1):
            log(f"  step {step + 1}/{steps}: loss {loss.item():.3f}")
    return model.eval(), time.perf_counter() - start


@torch.no_grad()
def perplexity(model, windows, softmax=exact_softmax):
    """exp(mean cross-entropy) over every target of the evaluation windows."""
    model.eval()
    model.attention_softmax = softmax
    x, y = windows
    logits = model(x)
    model.attention_softmax = exact_softmax
    return math.exp(F.cross_entropy(logits.flatten(0, 1), y.flatten()).item())


# ------------------------------------------------- hardware arithmetic path

class EngineFormats:
    """The blockforge.torch forward numerics of each format, one engine
    object per family (they hold their parameters, not state)."""

    def __init__(self, weight_bits):
        import blockforge
        import blockforge.torch as bft

        self.bft = bft
        self.bf16 = blockforge.Bf16Dot()
        self.mx = blockforge.MxDot(block=BLOCK, act_bits=[3, 5], weight_bits=weight_bits)
        self.opal = blockforge.OpalPe(block=BLOCK, act_bits=[3, 5], outliers=OUTLIERS,
                                      weight_bits=weight_bits)

    def forward_arithmetic(self, kind):
        """The EngineGemm of a format name (an engine and its act_bits mode)."""
        engine, mode = {"bf16": (self.bf16, None), "mxint3": (self.mx, 0),
                        "mxint5": (self.mx, 1), "mx-opal3": (self.opal, 0),
                        "mx-opal5": (self.opal, 1)}[kind]
        if mode is None:  # Bf16Dot has no modes
            return self.bft.EngineGemm(engine)
        return self.bft.EngineGemm(engine, mode=mode)

    def model_in(self, model, formats):
        """A copy of model whose block linears run formats(name) -> kind."""
        bft = self.bft
        quantized = copy.deepcopy(model)
        bft.convert(quantized, bft.Numerics(), skip=("head",))
        for name, layer in bft.quantized_layers(quantized):
            kind = formats(name)
            if kind != "fp32":
                layer.numerics = bft.Numerics(fwd=self.forward_arithmetic(kind))
        return quantized


def format_chooser(kind, sensitive):
    """formats(name) for a table row; opal-mixed -> 5 bits on sensitive roles."""
    if kind == "opal-mixed":
        return lambda name: "mx-opal5" if role_of(name) in sensitive else "mx-opal3"
    return lambda name: kind


# ---------------------------------------------- activation-only quant path

def act_quant_perplexity(model, windows, formats, inject=None):
    """Perplexity with each linear input through formats(name) (None: fp32),
    fp32 weights and GEMMs; inject: an OutlierInjection applied first."""
    probe = copy.deepcopy(model)
    if inject is not None:
        inject.apply(probe)
    outliers_mod.quantize_inputs(probe, lambda n: None if formats(n) == "fp32" else formats(n))
    return perplexity(probe, windows)


def measure_sensitivity(model, windows):
    """{role: perplexity with only that role's inputs at MX-OPAL3}. The
    study measures it on its evaluation windows (the choice of two roles out
    of four is the only thing fitted to them)."""
    return {role: act_quant_perplexity(model, windows,
                                       lambda n, r=role: "mx-opal3" if role_of(n) == r
                                       else "fp32")
            for role in ROLES}


# ------------------------------------------------------------------ study

def run_seed(corpus, seed, args, log):
    model, train_seconds = train_char_model(corpus, epochs=args.epochs, seed=seed,
                                            train_subset=args.train_subset, log=log)
    windows = data.evaluation_windows(corpus.val_ids, args.eval_windows, model.context)
    result = {"seed": seed, "train_seconds": train_seconds}

    sensitivity = measure_sensitivity(model, windows)
    if args.sensitive:
        sensitive = tuple(args.sensitive)
    else:
        ranked = sorted(ROLES, key=lambda r: -sensitivity[r])
        sensitive = tuple(sorted(ranked[:len(ROLES) // 2]))
    result.update(sensitivity=sensitivity, sensitive=list(sensitive))
    log(f"  sensitivity (ppl, one role at MX-OPAL3): {sensitivity}; 5-bit roles {sensitive}")

    engines = EngineFormats(args.weight_bits)
    hardware = {}
    for kind in FORMATS:
        started = time.perf_counter()
        probe = model if kind == "fp32" else engines.model_in(model,
                                                              format_chooser(kind, sensitive))
        hardware[kind] = {s: perplexity(probe, windows, fn) for s, fn in SOFTMAXES.items()}
        log(f"  {kind}: {hardware[kind]} ({time.perf_counter() - started:.1f} s)")
    result["hardware"] = hardware

    profile = outliers_mod.channel_max_profile(model, lambda m: perplexity(m, windows))
    result["outliers"] = outliers_mod.outlier_summary(profile, args.outlier_ratio)
    injection = outliers_mod.OutlierInjection(seed=args.injection_seed)
    injected_model = copy.deepcopy(model)
    injection.apply(injected_model)
    injected_profile = outliers_mod.channel_max_profile(
        injected_model, lambda m: perplexity(m, windows))
    result["injected_outliers"] = outliers_mod.outlier_summary(injected_profile,
                                                               args.outlier_ratio)
    act_only = {}
    for kind in FORMATS:
        chooser = format_chooser(kind, sensitive)
        act_only[kind] = {"plain": act_quant_perplexity(model, windows, chooser),
                          "injected": act_quant_perplexity(model, windows, chooser, injection)}
    result["activation_only"] = act_only
    return result


def bits_per_element(kind):
    """Storage bits per activation element of a format (128-blocks; MX-OPAL
    with 4 bf16 outliers + 7-bit indices + 8-bit scale: reference formula)."""
    if kind == "fp32":
        return "32"
    if kind == "bf16":
        return "16"
    if kind.startswith("mxint"):
        return f"{int(kind[5:]) + 8 / BLOCK:.2f}"
    if kind.startswith("mx-opal"):
        b = int(kind[7:])
        return f"{((BLOCK - OUTLIERS) * b + 8 + OUTLIERS * 23) / BLOCK:.2f}"
    return "3.69 / 5.62"


def report(results, args):
    lines = []

    def ppl(values):
        return tables.format_mean_spread(values, digits=3)

    fp32 = [r["hardware"]["fp32"]["exact"] for r in results]
    rows = []
    for kind in FORMATS:
        exact = [r["hardware"][kind]["exact"] for r in results]
        log2 = [r["hardware"][kind]["log2"] for r in results]
        delta = [e - f for e, f in zip(exact, fp32)]
        delta_log2 = [e - f for e, f in zip(log2, fp32)]
        rows.append([kind, bits_per_element(kind), ppl(exact), ppl(delta),
                     ppl(log2), ppl(delta_log2)])
    lines.append("### Perplexity, hardware arithmetic (golden engines, "
                 f"{args.weight_bits}-bit weights for MX engines)\n")
    lines.append(tables.markdown_table(
        ["activations", "bits/elem", "ppl (exact softmax)", "delta vs fp32",
         "ppl (log2 softmax)", "delta vs fp32 exact"], rows))

    lines.append("\n### Per-channel max|x| of the linear inputs (seed "
                 f"{results[0]['seed']}; outlier = channel max > {args.outlier_ratio:g} x "
                 "median)\n")
    out_rows = []
    for (name, k, med, big, ratio, above), (_, _, _, _, iratio, iabove) in zip(
            results[0]["outliers"], results[0]["injected_outliers"]):
        out_rows.append([name, k, f"{med:.2f}", f"{big:.2f}", f"{ratio:.1f}", above,
                         f"{iratio:.1f}", iabove])
    lines.append(tables.markdown_table(
        ["layer input", "channels", "median ch. max", "largest ch. max", "max/median",
         "outlier ch.", "injected: max/median", "injected: outlier ch."], out_rows))

    act_rows = []
    for kind in FORMATS:
        plain = [r["activation_only"][kind]["plain"] for r in results]
        injected = [r["activation_only"][kind]["injected"] for r in results]
        act_rows.append([kind, ppl(plain), ppl(injected)])
    lines.append("\n### Perplexity, activation-only quantization (fp32 weights and GEMMs), "
                 "without / with the seeded outlier injection (exact softmax)\n")
    lines.append(tables.markdown_table(["activations", "ppl", "ppl, injected outliers"],
                                       act_rows))
    lines.append("\nSensitivity (ppl with one role's inputs at MX-OPAL3, others fp32) and the "
                 "mixed assignment it gives (5-bit for the two most sensitive roles):")
    for r in results:
        sens = r["sensitivity"]
        lines.append(f"- seed {r['seed']}: " + ", ".join(f"{k} {sens[k]:.3f}" for k in ROLES) +
                     f"; 5-bit: {', '.join(r['sensitive'])}")
    return "\n".join(lines)


def make_parser():
    parser = argparse.ArgumentParser(
        description="Study (c), OPAL: perplexity of a character transformer with bf16, MXINT, "
                    "MX-OPAL activations and the log2 softmax (see "
                    "blockforge/studies/opal_lm.py)")
    parser.add_argument("--epochs", type=float, default=1.0,
                        help="passes' worth of random 64-character windows over the training "
                             "text (default 1)")
    parser.add_argument("--seeds", default="0", help="training seeds (default 0)")
    parser.add_argument("--train-subset", type=int, default=600000,
                        help="first N characters of the training text (default 600000, about "
                             "300 steps of 32 x 64 characters per epoch: minutes on one core; "
                             "0 = all 2.3M)")
    parser.add_argument("--eval-windows", type=int, default=32,
                        help="held-out 64-character windows evaluated (default 32)")
    parser.add_argument("--weight-bits", type=int, default=8,
                        help="integer weight width of the MX engines (default 8)")
    parser.add_argument("--sensitive", type=lambda s: [r for r in s.split(",") if r],
                        default=None,
                        help=f"roles at 5 bits in the mixed row, from {','.join(ROLES)} "
                             "(default: measured)")
    parser.add_argument("--outlier-ratio", type=float, default=10.0,
                        help="a channel whose max exceeds this x the median is an outlier")
    parser.add_argument("--injection-seed", type=int, default=1)
    parser.add_argument("--json", default=None)
    return parser


def main(argv=None):
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.sensitive and not set(args.sensitive) <= set(ROLES):
        parser.error(f"--sensitive {','.join(args.sensitive)}: roles are {','.join(ROLES)}")
    if args.epochs <= 0 or args.eval_windows < 1:
        parser.error("--epochs must be positive and --eval-windows at least 1")
    try:
        seeds = tables.parse_seeds(args.seeds)
    except ValueError as e:
        parser.error(str(e))
    training.steady_timing()

    def log(text):
        print(text, file=sys.stderr, flush=True)

    corpus = data.CharCorpus(data.load_fortunes_text())
    started = time.perf_counter()
    results = [run_seed(corpus, seed, args, log) for seed in seeds]
    text = report(results, args)
    total = time.perf_counter() - started
    train_seconds = ", ".join(f"{r['train_seconds']:.0f}" for r in results)
    print("## OPAL: activation formats and log2 softmax in a character transformer\n")
    print(f"CharTransformer {MODEL_SHAPE}, vocabulary {corpus.vocab_size}, fortunes corpus "
          f"{len(corpus.train_ids)} / {len(corpus.val_ids)} characters (train / held out), "
          f"{args.epochs:g} epoch(s) over {args.train_subset or len(corpus.train_ids)} training "
          f"characters, seeds {seeds}, {args.eval_windows} x {MODEL_SHAPE['context']} evaluation "
          f"characters; training {train_seconds} s, {total:.0f} s in all.\n")
    print(text)
    if args.json:
        tables.write_json(args.json, {"options": vars(args), "results": results,
                                      "report": text, "seconds": total})
    return 0


if __name__ == "__main__":
    sys.exit(main())
