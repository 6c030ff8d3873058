"""FlexBlock's dynamic precision control (DPC), as the authors' simulator
describes it (reference/accelerators.md): per layer and per training pass,
the zero-setting error -- the fraction of an operand's non-zero elements
that BFP conversion flushes to zero -- is averaged every N iterations; below
a low threshold the precision steps down (16 -> 8 -> 4 bits), above a high
threshold it steps up.

The paper leaves N, the thresholds and the starting precision open; they are
the named parameters below. The threshold defaults come from the
zero-setting errors of this study's ResNet's forward operands after one
Fashion-MNIST epoch (group sizes 54/108/216): ~0 at 16 bits, 0.2-1.2 % at
8 bits and 3-18 % at 4 bits. N = 10 iterations gives a short study (64
iterations by default) several decisions per operand. One 4-bit step
multiplies the error by roughly 10-20, so a low threshold of 0.5 % steps an
operand down to 4 bits only where its 4-bit error should stay near the high
threshold of 10 %, instead of oscillating between 8 and 4 every interval.

Granularity: each operand of each pass (A and B of fwd, dgrad, wgrad, in
`blockforge map`'s roles) is controlled on its own, since FlexBlock's PE takes
a mode per operand (mixed pairs such as 8x16); the control unit is
(layer, pass, operand).

`PrecisionController` is the rule on plain numbers (unit-tested on synthetic
statistics); `DynamicPrecisionControl` connects it to blockforge.torch layers.
"""

import collections

PASSES = ("fwd", "dgrad", "wgrad")
OPERANDS = ("a", "b")
LADDER = (16, 8, 4)

DEFAULT_INTERVAL = 10
DEFAULT_LOW = 0.005
DEFAULT_HIGH = 0.10
DEFAULT_START_BITS = 16


class PrecisionController:
    """The zero-setting-error rule for any set of keys.

    interval: iterations N over which each key's error is averaged before a
        decision (only iterations in which the key was observed count).
    low, high: thresholds on that average; below low one step down the
        ladder, above high one step up, else no change (0 <= low < high <= 1).
    start_bits: every key's precision before its first decision.
    ladder: the precisions from highest to lowest.
    """

    def __init__(self, interval=DEFAULT_INTERVAL, low=DEFAULT_LOW, high=DEFAULT_HIGH,
                 start_bits=DEFAULT_START_BITS, ladder=LADDER):
        if int(interval) != interval or interval < 1:
            raise ValueError(f"interval={interval}: must be a positive number of iterations")
        if not 0.0 <= low < high <= 1.0:
            raise ValueError(f"low={low}, high={high}: need 0 <= low < high <= 1 "
                             f"(zero-setting errors are fractions)")
        ladder = tuple(ladder)
        if len(ladder) < 2 or list(ladder) != sorted(set(ladder), reverse=True):
            raise ValueError(f"ladder={ladder}: give distinct precisions, highest first")
        if start_bits not in ladder:
            raise ValueError(f"start_bits={start_bits}: must be one of the ladder {ladder}")
        self.interval, self.low, self.high = int(interval), low, high
        self.start_bits, self.ladder = start_bits, ladder
        self._bits = {}
        self._sums = collections.defaultdict(float)
        self._counts = collections.defaultdict(int)
        self.iteration = 0
        self.history = []  # (iteration, key, old_bits, new_bits, average error)

    def bits(self, key):
        return self._bits.get(key, self.start_bits)

    def observe(self, key, zero_setting_error):
        """One iteration's zero-setting error of key (a fraction)."""
        if not 0.0 <= zero_setting_error <= 1.0:
            raise ValueError(f"zero_setting_error={zero_setting_error} for {key}: "
                             f"must be a fraction in [0, 1]")
        self._sums[key] += zero_setting_error
        self._counts[key] += 1

    def end_iteration(self):
        """Close one iteration; every `interval` iterations decide for each
        observed key. Returns {key: new_bits} of the keys that changed."""
        self.iteration += 1
        if self.iteration % self.interval:
            return {}
        changes = {}
        for key, count in self._counts.items():
            average = self._sums[key] / count
            old = self.bits(key)
            position = self.ladder.index(old)
            if average < self.low and position + 1 < len(self.ladder):
                new = self.ladder[position + 1]
            elif average > self.high and position > 0:
                new = self.ladder[position - 1]
            else:
                continue
            self._bits[key] = new
            changes[key] = new
            self.history.append((self.iteration, key, old, new, average))
        self._sums.clear()
        self._counts.clear()
        return changes


class DynamicPrecisionControl:
    """Drives blockforge.torch layers with a PrecisionController: sets every
    layer to the starting precision, and after each training step reads each
    layer's last zero-setting fractions (layer.stats[pass]["a_zero_fraction"],
    ["b_zero_fraction"]) and rewrites layer.numerics when a decision changes
    an operand's precision. Use `on_step` as the training loop's callback."""

    def __init__(self, layers, controller=None):
        import blockforge.torch as bft  # torch is needed only here

        self._bft = bft
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("layers: no blockforge.torch layers to control; convert the "
                             "model with blockforge.torch.convert first")
        self.controller = controller or PrecisionController()
        for name, layer in self.layers:
            self._apply(name, layer)

    def _numerics(self, name):
        c, bft = self.controller, self._bft
        passes = {p: bft.Bfp(c.bits((name, p, "a")), c.bits((name, p, "b"))) for p in PASSES}
        return bft.Numerics(**passes)

    def _apply(self, name, layer):
        layer.numerics = self._numerics(name)

    def on_step(self, step=None):
        del step  # the controller counts iterations itself
        for name, layer in self.layers:
            for pass_name in PASSES:
                pass_stats = layer.stats.get(pass_name, {})
                for operand in OPERANDS:
                    value = pass_stats.get(f"{operand}_zero_fraction")
                    if value is not None:
                        self.controller.observe((name, pass_name, operand), float(value))
        changed = {key[0] for key in self.controller.end_iteration()}
        for name, layer in self.layers:
            if name in changed:
                self._apply(name, layer)

    def current_bits(self):
        """{layer: {pass: "AxB"}} of the precisions in force."""
        c = self.controller
        return {name: {p: f"{c.bits((name, p, 'a'))}x{c.bits((name, p, 'b'))}" for p in PASSES}
                for name, _ in self.layers}
