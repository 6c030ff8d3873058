"""The arithmetic of a layer's three training GEMMs.

A training step of a Linear or Conv2d layer runs three GEMMs (im2col view,
the operand roles of `blockforge map` / `train-step`,
golden/flexblock/mapping_schedule.hpp):

    pass    hardware GEMM (A @ B)   A            B
    fwd     Y^T  = W @ X^T          weights      activations
    dgrad   dX^T = W^T @ dY^T       W^T          output gradients dY
    wgrad   dW   = dY^T @ X         dY^T         activations X

Each pass has its own arithmetic, one of
    FP32                 torch's fp32 matmul (the reference)
    Bfp(a_bits, b_bits)  FlexBlock's bit-exact BFP GEMM (blockforge.bfp_matmul)
                         with A in a_bits and B in b_bits mantissa bits
    EngineGemm(engine)   a dot-product engine's .gemm (blockforge.OpalPe,
                         MxDot, Bf16Dot): engine.gemm(x, w) = x @ w^T with x
                         quantized as activations and w as weights, where
                             fwd   x = X,     w = W
                             dgrad x = dY,    w = W^T
                             wgrad x = dY^T,  w = X^T
                         (the gradient plays the activation in both backward
                         passes: the engines' activation formats are the
                         ones built for a varying dynamic range).

`run_gemm` computes one pass's product L @ R in the layout the layer wants
(rows of the output = the batch, for a cheap reshape) and returns the BFP
zero-setting fractions under the hardware roles above. A BFP product is bit
for bit bfp_matmul in the hardware orientation: the contract
(golden/flexblock/bfp_dot.hpp) is symmetric in its operands, so the
transposed product has the same bits (the tests compare with bfp_matmul on
the hardware operands).
"""

from dataclasses import dataclass
import re

import numpy as np
import torch

import blockforge

PASSES = ("fwd", "dgrad", "wgrad")
BFP_MODES = (4, 8, 16)


class _Fp32:
    """torch's own fp32 matmul: the reference arithmetic."""

    name = "fp32"

    def __repr__(self):
        return "FP32"

    def __reduce__(self):  # a singleton survives pickling and deepcopy
        return "FP32"


FP32 = _Fp32()


@dataclass(frozen=True)
class Bfp:
    """FlexBlock's BFP GEMM with A in a_bits and B in b_bits mantissa bits.

    A and B are the hardware operands of the pass (module docstring). Groups
    run along K; None means FlexBlock's default size for the mode (54, 108,
    216 elements for 16, 8, 4 bits). rounding: "truncate" (FlexBlock's),
    "nearest_even" or "nearest_away".
    """

    a_bits: int
    b_bits: int
    a_group: int = None
    b_group: int = None
    rounding: str = "truncate"

    def __post_init__(self):
        for arg in ("a_bits", "b_bits"):
            bits = getattr(self, arg)
            if bits not in BFP_MODES:
                raise ValueError(f"Bfp {arg}={bits!r}: FlexBlock's mantissa modes are 4, 8 and 16 "
                                 "bits; pass one of them")
        for arg in ("a_group", "b_group"):
            group = getattr(self, arg)
            if group is not None and (not isinstance(group, int) or not 1 <= group <= 4096):
                raise ValueError(f"Bfp {arg}={group!r}: a BFP group holds 1..4096 elements "
                                 "along K; pass an int in that range or None for the default")
        if self.rounding not in ("truncate", "nearest_even", "nearest_away"):
            raise ValueError(f"Bfp rounding={self.rounding!r}: accepted truncate (FlexBlock's), "
                             "nearest_even, nearest_away")

    @property
    def name(self):
        """The mode pair's name as the C++ gives it (mode_pair_name): "bfp8",
        "bfp8x16" (A x B)."""
        if self.a_bits == self.b_bits:
            return f"bfp{self.a_bits}"
        return f"bfp{self.a_bits}x{self.b_bits}"

    @property
    def text(self):
        """"8x16": the AxB form of Numerics.parse."""
        return f"{self.a_bits}x{self.b_bits}"


class EngineGemm:
    """A dot-product engine's GEMM (OpalPe, MxDot, Bf16Dot) in one mode.

    engine.gemm(x, w, mode=mode) computes x @ w^T with x quantized as the
    engine's activations and w as its weights; the roles per pass are in the
    module docstring. The MAC counter's name is the engine's unit
    ("opal.pe"), with "/mode<i>" appended for a mode other than 0.
    """

    def __init__(self, engine, mode=0):
        if not callable(getattr(engine, "gemm", None)) or not hasattr(engine, "unit"):
            raise TypeError(f"EngineGemm engine={type(engine).__name__}: expected a blockforge "
                            "engine (blockforge.OpalPe, MxDot or Bf16Dot) with .gemm and .unit")
        if not isinstance(mode, int) or mode < 0:
            raise ValueError(f"EngineGemm mode={mode!r}: expected an index >= 0 into the "
                             "engine's modes (act_bits)")
        # OpalPe / MxDot have a mode per act_bits entry; Bf16Dot has one.
        modes = len(getattr(engine, "params", {}).get("act_bits", [None]))
        if mode >= modes:
            raise ValueError(f"EngineGemm mode={mode}: {engine.unit} has {modes} mode(s) "
                             f"(act_bits); pass mode < {modes}")
        self.engine = engine
        self.mode = mode

    @property
    def name(self):
        return self.engine.unit if self.mode == 0 else f"{self.engine.unit}/mode{self.mode}"

    def gemm(self, x, w):
        if self.mode == 0:  # Bf16Dot has one mode and takes no mode argument
            return self.engine.gemm(x, w)
        return self.engine.gemm(x, w, mode=self.mode)

    def __repr__(self):
        return f"EngineGemm({self.engine.unit}, mode={self.mode})"

    def __eq__(self, other):
        return (isinstance(other, EngineGemm) and other.engine is self.engine
                and other.mode == self.mode)

    def __hash__(self):
        return hash((id(self.engine), self.mode))


def _check_arith(arith, what):
    if arith is FP32 or isinstance(arith, (Bfp, EngineGemm)):
        return arith
    raise TypeError(f"Numerics {what}={arith!r}: expected blockforge.torch.FP32, Bfp(a_bits, "
                    "b_bits) or EngineGemm(engine)")


_FORMS = ("give a preset (fp32, all16, all8, all4, mixed) or fwd=AxB,dgrad=AxB,wgrad=AxB with "
          "A and B in 4, 8, 16 or a pass =fp32 (e.g. fwd=8x8,dgrad=8x16,wgrad=16x8)")


@dataclass(frozen=True)
class Numerics:
    """The arithmetic of each training pass (fwd, dgrad, wgrad)."""

    fwd: object = FP32
    dgrad: object = FP32
    wgrad: object = FP32

    def __post_init__(self):
        for p in PASSES:
            _check_arith(getattr(self, p), p)

    def of(self, pass_name):
        return getattr(self, pass_name)

    @property
    def is_fp32(self):
        return all(self.of(p) is FP32 for p in PASSES)

    @classmethod
    def parse(cls, text):
        """A preset or the explicit form, as `blockforge map --schedule`:
        fp32, all16, all8, all4, mixed (= fwd=8x8,dgrad=8x16,wgrad=16x8:
        weights and activations in 8 bits, gradients in 16), or
        "fwd=AxB,dgrad=AxB,wgrad=AxB" (all three passes; a pass may also be
        "fp32"). Bfp groups are each mode's default."""
        if not isinstance(text, str):
            raise TypeError(f"Numerics.parse: expected a str, got {type(text).__name__}")
        presets = {
            "fp32": cls(),
            "all16": cls(*(Bfp(16, 16),) * 3),
            "all8": cls(*(Bfp(8, 8),) * 3),
            "all4": cls(*(Bfp(4, 4),) * 3),
            "mixed": cls(Bfp(8, 8), Bfp(8, 16), Bfp(16, 8)),
        }
        if text in presets:
            return presets[text]
        if "=" not in text:
            raise ValueError(f"numerics '{text}': not a preset; {_FORMS}")
        given = {}
        for item in text.split(","):
            name, eq, pair = item.partition("=")
            if not eq:
                raise ValueError(f"numerics '{text}': '{item}' is not PASS=AxB; {_FORMS}")
            if name not in PASSES:
                raise ValueError(f"numerics '{text}': unknown pass '{name}' (fwd, dgrad, wgrad); "
                                 f"{_FORMS}")
            if name in given:
                raise ValueError(f"numerics '{text}': pass '{name}' is given twice; {_FORMS}")
            if pair == "fp32":
                given[name] = FP32
                continue
            match = re.fullmatch(r"(\d+)x(\d+)", pair)
            if not match:
                raise ValueError(f"numerics '{text}': '{pair}' is not AxB; {_FORMS}")
            for bits in match.groups():
                if int(bits) not in BFP_MODES:
                    raise ValueError(f"numerics '{text}': '{bits}' is not a mode (4, 8 or 16 "
                                     f"bits); {_FORMS}")
            given[name] = Bfp(int(match.group(1)), int(match.group(2)))
        missing = [p for p in PASSES if p not in given]
        if missing:
            raise ValueError(f"numerics '{text}': pass {', '.join(missing)} not given; {_FORMS}")
        return cls(**given)

    def spec(self):
        """The explicit text of Numerics.parse when every pass is FP32 or a
        Bfp of default groups and truncation; else the repr."""

        def text(a):
            if a is FP32:
                return "fp32"
            if isinstance(a, Bfp) and a == Bfp(a.a_bits, a.b_bits):
                return a.text
            return None

        parts = [text(self.of(p)) for p in PASSES]
        if None in parts:
            return repr(self)
        return ",".join(f"{p}={t}" for p, t in zip(PASSES, parts))


def as_numerics(numerics):
    """None (all FP32), a Numerics, or a text for Numerics.parse."""
    if numerics is None:
        return Numerics()
    if isinstance(numerics, Numerics):
        return numerics
    if isinstance(numerics, str):
        return Numerics.parse(numerics)
    raise TypeError(f"numerics={numerics!r}: expected a blockforge.torch.Numerics, a text such "
                    "as 'mixed' or 'fwd=8x8,dgrad=8x16,wgrad=16x8', or None for fp32")


class LayerStats:
    """Per pass: cumulative MACs per arithmetic name, and the last BFP call's
    zero-setting fractions of the hardware operands A and B (None until a
    BFP pass ran, and after a pass in another arithmetic)."""

    def __init__(self):
        self.passes = {p: {"macs": {}, "a_zero_fraction": None, "b_zero_fraction": None}
                       for p in PASSES}

    def record(self, pass_name, arith_name, macs, zero_fractions=None):
        entry = self.passes[pass_name]
        entry["macs"][arith_name] = entry["macs"].get(arith_name, 0) + int(macs)
        a, b = zero_fractions if zero_fractions is not None else (None, None)
        entry["a_zero_fraction"] = a
        entry["b_zero_fraction"] = b


class NumericsLayer:
    """What Linear and Conv2d share as blockforge layers: a settable
    `numerics` (dynamic precision control changes it between steps), the
    per-pass statistics `stats` and `reset_stats()`, and
    `zero_fraction_stats` (whether BFP passes record their zero-setting
    error). Mixed in before the nn module class; call _init_numerics from
    __init__ after the module is set up."""

    def _init_numerics(self, numerics):
        self.numerics = numerics
        self.zero_fraction_stats = True
        self.reset_stats()

    @property
    def numerics(self):
        return self._numerics

    @numerics.setter
    def numerics(self, value):
        self._numerics = as_numerics(value)

    @property
    def stats(self):
        return self._stats.passes

    def reset_stats(self):
        self._stats = LayerStats()

    def extra_repr(self):
        return f"{super().extra_repr()}, numerics={self._numerics.spec()}"


def _numpy(t):
    # A view of the tensor's memory (any strides): no copy.
    return t.detach().numpy()


def run_gemm(arith, left, right, *, hw_transposed, want_zero_fractions=True, k_ndim=1):
    """left @ right (float32 (M, K) @ (K, N), any strides) in `arith`.

    k_ndim > 1 (Bfp only): K is left's last k_ndim axes and right's first,
    as in np.tensordot; the result has left's other axes then right's.

    hw_transposed tells which hardware operand each side is: True when the
    hardware computes the transposed product (A = right^T, B = left^T: the
    forward and data-gradient passes, whose hardware output is the
    transposed layer output), False when A = left and B = right (the weight
    gradient). For BFP the product is the same bit for bit either way (the
    contract is symmetric in its operands); the roles decide which operand
    gets a_bits and which b_bits. For an engine, x = left and w = right^T.

    Returns (out (M, N) float32 tensor, (a_zero_fraction, b_zero_fraction) or
    None), the fractions for the hardware A and B.
    """
    if k_ndim != 1 and not isinstance(arith, Bfp):
        raise ValueError(f"run_gemm: k_ndim={k_ndim} needs Bfp arithmetic, not {arith.name}")
    if arith is FP32:
        return torch.mm(left, right), None
    if isinstance(arith, Bfp):
        if hw_transposed:
            left_bits, right_bits = arith.b_bits, arith.a_bits
            left_group, right_group = arith.b_group, arith.a_group
        else:
            left_bits, right_bits = arith.a_bits, arith.b_bits
            left_group, right_group = arith.a_group, arith.b_group
        result = blockforge.bfp_matmul(_numpy(left), _numpy(right), a_bits=left_bits,
                                       b_bits=right_bits, a_group=left_group,
                                       b_group=right_group, rounding=arith.rounding,
                                       stats=want_zero_fractions, k_ndim=k_ndim)
        if not want_zero_fractions:
            return torch.from_numpy(result), None
        out, fractions = result
        left_zero, right_zero = fractions["a_zero_fraction"], fractions["b_zero_fraction"]
        if hw_transposed:
            return torch.from_numpy(out), (right_zero, left_zero)
        return torch.from_numpy(out), (left_zero, right_zero)
    x = np.ascontiguousarray(_numpy(left))
    w = np.ascontiguousarray(_numpy(right).T)
    return torch.from_numpy(arith.gemm(x, w)), None


def check_tensor(t, arg, model="the blockforge GEMMs"):
    """TypeError unless t is a float32 CPU tensor: the golden models read
    float32 host memory, and a silent cast would change the numbers. `model`
    names what reads it in the message."""
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{arg}: expected a torch.Tensor of float32, got {type(t).__name__}; "
                        f"pass torch.as_tensor({arg}, dtype=torch.float32)")
    if t.dtype != torch.float32:
        raise TypeError(f"{arg}: expected dtype torch.float32, got {t.dtype}; convert with "
                        f"{arg}.float() (float32 only, for {model})")
    if t.device.type != "cpu":
        raise TypeError(f"{arg}: expected a CPU tensor, got device {t.device}; host memory "
                        f"only, for {model}: move it with {arg}.cpu()")
