"""The victim network as the generated int8 engine (zebra.int8_engine) runs
its attacked layers: int8 weights from its weight memory, int8 activations,
exact int32 accumulation.

At every conv and Linear layer the input is quantized to int8 with one step
per layer, s_x = max|x| / 127 over calibration images of the clean network
(round half to even, clamp to +-127); the layer's int8 weight codes q_w
(Int8Weights, possibly flipped) and q_x are multiplied and summed exactly,
as the engine's MACs and int32 accumulator do; the accumulator is scaled
back to the layer's float output, y = acc * (s_w * s_x) + bias. Everything
between the layers (batch norm, ReLU, pooling, residual adds) stays fp32.

The accumulators are computed in float64 on integer values, which is exact:
|q_w * q_x| <= 128 * 127 and a layer's K is far below 2^53 / 2^14. The
engine's int32 accumulator wraps around at 2^31; Int8Network refuses a
layer whose |acc| could reach it (K * 128 * 127 >= 2^31), so the two agree.
"""

import torch
import torch.nn.functional as F
from torch import nn

from blockforge.studies.int8_weights import QMAX, attacked_layers

_INT32_LIMIT = 2 ** 31


def quantize_activations(x, step):
    """int8 codes (as float64) of x with step s: clamp(round(x / s), -127, 127)."""
    return torch.clamp(torch.round(x.double() / step), -QMAX, QMAX)


class Int8Network:
    """`model` (its attacked layers already hold the dequantized weights of
    `weights`, e.g. Int8Weights.write_into) run with int8 activations.
    `calibration` images fix each layer's activation step."""

    def __init__(self, model, weights, calibration):
        self.model = model
        self.weights = weights
        self.layers = dict(attacked_layers(model))
        if set(self.layers) != set(weights.codes):
            raise ValueError("weights do not quantize this model's conv and Linear layers")
        for name, layer in self.layers.items():
            k = layer.weight[0].numel()
            if k * 128 * QMAX >= _INT32_LIMIT:
                raise ValueError(f"layer {name}: K = {k} products of int8 values could overflow "
                                 f"the engine's int32 accumulator")
        largest = {}

        def record(name):
            def hook(_module, inputs, _output):
                largest[name] = max(largest.get(name, 0.0), float(inputs[0].abs().max()))
            return hook

        handles = [layer.register_forward_hook(record(name))
                   for name, layer in self.layers.items()]
        try:
            with torch.no_grad():
                model.eval()
                model(calibration)
        finally:
            for h in handles:
                h.remove()
        self.steps = {name: (largest[name] / QMAX if largest[name] > 0 else 1.0)
                      for name in self.layers}

    def with_weights(self, weights):
        """The same deployment (activation steps) with other int8 weights of
        the same layers, e.g. the attacked ones: a deployed engine keeps its
        scales whatever happens to its weight memory."""
        if weights.codes.keys() != self.weights.codes.keys():
            raise ValueError("weights do not quantize this model's conv and Linear layers")
        other = object.__new__(Int8Network)
        other.model, other.layers, other.steps = self.model, self.layers, self.steps
        other.weights = weights
        return other

    def accumulators(self, name, x, codes=None):
        """The int32 accumulators (as float64) of layer `name` on its float
        input x: the engine's sums of q_w * q_x, (B, Cout, H, W) or (B, N)."""
        layer = self.layers[name]
        q_w = (self.weights.codes[name] if codes is None else codes).double()
        q_x = quantize_activations(x, self.steps[name])
        if isinstance(layer, nn.Conv2d):
            return F.conv2d(q_x, q_w, None, layer.stride, layer.padding, layer.dilation,
                            layer.groups)
        return q_x @ q_w.t()

    def _output(self, name, x, given):
        layer = self.layers[name]
        acc = self.accumulators(name, x)
        if name in given:
            if given[name].shape != acc.shape:
                raise ValueError(f"layer {name}: accumulators of shape "
                                 f"{tuple(given[name].shape)} given, the layer makes "
                                 f"{tuple(acc.shape)}")
            acc = given[name].double()
        y = (acc * (self.weights.steps[name] * self.steps[name])).float()
        if layer.bias is not None:
            shape = (1, -1, 1, 1) if isinstance(layer, nn.Conv2d) else (1, -1)
            y = y + layer.bias.detach().view(shape)
        return y

    def __call__(self, images, accumulators=None):
        """Logits of images with every attacked layer run in int8.
        accumulators: {layer name: tensor} used instead of the layer's own
        (e.g. the ones the RTL computed), of the shape the layer makes."""
        given = accumulators or {}
        handles = [layer.register_forward_hook(
            lambda _m, inputs, _out, name=name: self._output(name, inputs[0], given))
            for name, layer in self.layers.items()]
        try:
            with torch.no_grad():
                self.model.eval()
                return self.model(images)
        finally:
            for h in handles:
                h.remove()

    def accuracy(self, images, labels, batch=500, accumulators=None):
        """Fraction of images classified right (as training.evaluate_classifier);
        with accumulators (see __call__) in one batch of all images."""
        if accumulators is not None:
            return int((self(images, accumulators).argmax(1) == labels).sum()) / len(images)
        correct = 0
        for i in range(0, len(images), batch):
            correct += int((self(images[i:i + batch]).argmax(1) == labels[i:i + batch]).sum())
        return correct / len(images)

    def layer_inputs(self, images, names):
        """Each named layer's float input on images (one forward pass)."""
        seen = {}
        handles = [self.layers[name].register_forward_hook(
            lambda _m, inputs, _out, name=name: seen.__setitem__(name, inputs[0].detach()))
            for name in names]
        try:
            self(images)
        finally:
            for h in handles:
                h.remove()
        return seen
