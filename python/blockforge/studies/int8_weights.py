"""The bit-flip attacks' victim: 8-bit weights as they sit in memory.

ZeBRA and BFA attack a network whose every conv and Linear weight is stored
as an 8-bit two's-complement integer with one symmetric step per layer:

    s = max|W| / 127,    q = clamp(round(W / s), -127, 127),    W' = q * s

round is torch.round: round half to even. Biases and BatchNorm stay float
and are not attacked. A flip changes the stored 8-bit pattern of one
element, so it can produce -128 (e.g. flipping bit 7 of 0 gives 0x80):
that value is outside what the quantizer writes, but it is what a memory
flip does, so it is kept. Bit 7 is the sign bit: flipping it changes the
value by -128 (q >= 0) or +128 (q < 0); bit b < 7 changes it by +-2^b.

Int8Weights holds, per layer name, the int8 codes and the step; it writes
the dequantized weights into the model, flips bits, and measures the
Hamming distance (the number of differing stored bits) to another copy, the
attacks' cost metric.
"""

import torch
from torch import nn

ROUND_MODE = "round half to even (torch.round)"
QMAX = 127
BITS = 8

# Set bits of every byte value: the Hamming distance of XORed patterns.
_POPCOUNT = torch.tensor([bin(v).count("1") for v in range(256)], dtype=torch.int64)


def attacked_layers(model):
    """(name, module) of every conv and Linear layer, in model order."""
    return [(name, m) for name, m in model.named_modules()
            if isinstance(m, (nn.Conv2d, nn.Linear))]


def flipped_values(codes):
    """(n, 8) int64: the value each element of codes (int8, any shape) takes
    when bit b (column b) of its two's-complement pattern flips."""
    patterns = codes.reshape(-1).to(torch.int64) & 0xFF
    masks = torch.tensor([1 << b for b in range(BITS)], dtype=torch.int64)
    flipped = patterns[:, None] ^ masks[None, :]
    return flipped - 256 * (flipped >= 128).to(torch.int64)


def flip_deltas(codes):
    """(n, 8) int64: new value - old value for a flip of each bit."""
    return flipped_values(codes) - codes.reshape(-1, 1).to(torch.int64)


class Int8Weights:
    """Per attacked layer: `codes[name]` (int8 tensor of the weight's shape)
    and `steps[name]` (the float step s). Build with `quantize(model)`."""

    def __init__(self, codes, steps):
        if codes.keys() != steps.keys():
            raise ValueError("codes and steps must name the same layers")
        self.codes = codes
        self.steps = steps

    @classmethod
    def quantize(cls, model):
        """The int8 image of every conv and Linear weight of model."""
        codes, steps = {}, {}
        for name, layer in attacked_layers(model):
            weight = layer.weight.detach()
            largest = float(weight.abs().max())
            if largest == 0.0:
                raise ValueError(f"layer {name}: every weight is 0, so the step max|W|/127 "
                                 f"is 0; train the model before quantizing it")
            step = largest / QMAX
            q = torch.clamp(torch.round(weight / step), -QMAX, QMAX)
            codes[name] = q.to(torch.int8)
            steps[name] = step
        if not codes:
            raise ValueError("the model has no nn.Conv2d or nn.Linear layer to quantize")
        return cls(codes, steps)

    def clone(self):
        return Int8Weights({n: c.clone() for n, c in self.codes.items()}, dict(self.steps))

    @property
    def layer_names(self):
        return list(self.codes)

    def dequantized(self, name):
        """q * s as float32, the weight the int8 layer computes with."""
        return self.codes[name].to(torch.float32) * self.steps[name]

    def write_into(self, model, names=None):
        """Copies the dequantized weights of `names` (default: every layer)
        into model's layers of the same names."""
        modules = dict(model.named_modules())
        for name in self.layer_names if names is None else names:
            if name not in modules:
                raise ValueError(f"layer {name!r} is not in the model; quantize this model")
            with torch.no_grad():
                modules[name].weight.copy_(self.dequantized(name))

    def flip(self, name, index, bit):
        """Flips bit `bit` (0..7, 7 = sign) of flat element `index` of layer
        `name`; returns (old value, new value)."""
        if name not in self.codes:
            raise ValueError(f"layer {name!r}: not one of {', '.join(self.codes)}")
        if not 0 <= bit < BITS:
            raise ValueError(f"bit={bit}: give a bit position 0..7 (7 is the sign bit)")
        flat = self.codes[name].view(-1)
        if not 0 <= index < flat.numel():
            raise ValueError(f"index={index}: layer {name} has {flat.numel()} weights")
        old = int(flat[index])
        pattern = (old & 0xFF) ^ (1 << bit)
        new = pattern - 256 if pattern >= 128 else pattern
        flat[index] = new
        return old, new

    def _check_same_layout(self, other):
        if self.codes.keys() != other.codes.keys() or any(
                self.codes[n].shape != other.codes[n].shape for n in self.codes):
            raise ValueError("the two Int8Weights quantize different models")

    def hamming_distance(self, other):
        """Stored bits that differ from other (the clean weights)."""
        self._check_same_layout(other)
        return sum(int(_POPCOUNT[(self.codes[n].view(torch.uint8)
                                  ^ other.codes[n].view(torch.uint8)).to(torch.int64)].sum())
                   for n in self.codes)

    def flips_from(self, other):
        """[(layer name, flat index, bit)] that turn other into self, in
        layer order then index then bit."""
        self._check_same_layout(other)
        flips = []
        for name in self.codes:
            diff = (self.codes[name].view(torch.uint8)
                    ^ other.codes[name].view(torch.uint8)).view(-1).to(torch.int64)
            for index in torch.nonzero(diff).flatten().tolist():
                flips += [(name, index, b) for b in range(BITS) if int(diff[index]) >> b & 1]
        return flips
