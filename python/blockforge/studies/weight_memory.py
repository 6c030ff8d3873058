"""The attacked int8 weights as they sit in the weight memory of the
generated int8 engine (unit zebra.int8_engine), and where a bit flip lands.

The engine reads one memory word per cycle: `lanes` int8 weights, lane i in
bits [8i, 8i + 8) of the word (two's complement). A layer's weight is a
matrix of rows (output channels) by K (in_features, or cin * kh * kw for a
convolution, flattened in the weight's own order): each row starts a new
word and fills ceil(K / lanes) words, its last word padded with zero lanes.
Layers follow each other in model order from address 0. So flat element
`index` of a layer's weight (row-major, as Int8Weights.flip counts it) is
row index // K, column index % K, at

    address = base(layer) + row * words_per_row + column // lanes
    bit     = (column % lanes) * 8 + b        (b = 0..7, 7 the sign bit)

and a flip of bit b of that element is a flip of that one memory bit.
"""

from dataclasses import dataclass

import torch

BITS = 8


@dataclass(frozen=True)
class LayerPlacement:
    name: str
    base: int  # first word
    rows: int
    k: int
    words_per_row: int

    @property
    def words(self):
        return self.rows * self.words_per_row


class WeightMemory:
    """Placement of Int8Weights.codes (dict name -> int8 tensor, first axis
    the output channels) in a memory of `words` words of `lanes` int8 lanes
    (words=None: exactly as many as the layers need)."""

    def __init__(self, codes, lanes=8, words=None):
        if not isinstance(lanes, int) or not 1 <= lanes <= 64:
            raise ValueError(f"lanes={lanes!r}: the engine's word holds 1..64 int8 weights")
        self.lanes = lanes
        self.layers = []
        base = 0
        for name, code in codes.items():
            if code.dtype != torch.int8 or code.dim() < 2:
                raise ValueError(f"layer {name!r}: expected an int8 weight of at least 2 axes "
                                 f"(output channels first), got {code.dtype} {tuple(code.shape)}")
            rows = code.shape[0]
            k = code[0].numel()
            placement = LayerPlacement(name, base, rows, k, -(-k // lanes))
            self.layers.append(placement)
            base += placement.words
        needed = base
        if words is None:
            words = needed
        if words < needed:
            raise ValueError(f"words={words}: the layers need {needed} words of {lanes} lanes; "
                             f"give words >= {needed} (or more lanes)")
        self.words = words
        self._by_name = {p.name: p for p in self.layers}

    def placement(self, name):
        if name not in self._by_name:
            raise ValueError(f"layer {name!r} is not in the memory: "
                             f"{', '.join(self._by_name)}")
        return self._by_name[name]

    def image(self, codes):
        """The memory contents, a (words, lanes) int8 tensor: every layer's
        rows at their words, padding lanes and unused words 0."""
        mem = torch.zeros(self.words, self.lanes, dtype=torch.int8)
        for p in self.layers:
            code = codes[p.name]
            if code.dtype != torch.int8 or code.shape[0] != p.rows or code[0].numel() != p.k:
                raise ValueError(f"layer {p.name!r}: expected int8 with {p.rows} rows of "
                                 f"{p.k}, got {code.dtype} {tuple(code.shape)}")
            padded = torch.zeros(p.rows, p.words_per_row * self.lanes, dtype=torch.int8)
            padded[:, :p.k] = code.reshape(p.rows, p.k)
            mem[p.base:p.base + p.words] = padded.reshape(p.words, self.lanes)
        return mem

    def codes_from(self, mem):
        """The inverse of image(): each layer's int8 weight, flat (rows, K)."""
        if mem.shape != (self.words, self.lanes) or mem.dtype != torch.int8:
            raise ValueError(f"expected an int8 memory of shape ({self.words}, {self.lanes}), "
                             f"got {mem.dtype} {tuple(mem.shape)}")
        out = {}
        for p in self.layers:
            rows = mem[p.base:p.base + p.words].reshape(p.rows, p.words_per_row * self.lanes)
            out[p.name] = rows[:, :p.k].clone()
        return out

    def location(self, name, index, bit):
        """(address, bit within the word) of bit `bit` of flat element
        `index` of layer `name`."""
        p = self.placement(name)
        if not 0 <= bit < BITS:
            raise ValueError(f"bit={bit}: give a bit position 0..7 (7 is the sign bit)")
        if not 0 <= index < p.rows * p.k:
            raise ValueError(f"index={index}: layer {name} has {p.rows * p.k} weights")
        row, column = divmod(index, p.k)
        return (p.base + row * p.words_per_row + column // self.lanes,
                (column % self.lanes) * BITS + bit)

    def locations(self, flips):
        """[(address, bit)] of [(layer, flat index, bit)] flips."""
        return [self.location(name, index, bit) for name, index, bit in flips]


def flip_bits(mem, locations):
    """A copy of memory image `mem` with each (address, bit) flipped."""
    out = mem.clone()
    as_bytes = out.view(torch.uint8)
    for address, bit in locations:
        lane, b = divmod(bit, BITS)
        as_bytes[address, lane] ^= 1 << b
    return out
