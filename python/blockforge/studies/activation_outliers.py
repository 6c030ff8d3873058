"""Outlier channels in the inputs of a model's linear layers: measuring
them, and injecting LLM-like ones when a small model has none.

Measure: per input channel, the largest |x| over every token of an
evaluation run; a layer has LLM-like outlier channels when a few channels'
maxima stand far above the median channel's (LLM.int8 / OPAL: factors of
20-100).

Inject: the seeded LLM-like activations of `blockforge opal-accuracy`
(golden/data/synthetic.hpp: a share 0.005 of the channels, each scaled by its
own factor from U(20, 100)) carried into a real model without changing its
function: per linear layer a few input channels c are multiplied by s_c
and the matching weight columns divided by s_c, so W x is unchanged in exact
arithmetic (fp32 perplexity moves only by rounding) while an activation
quantizer sees outlier channels. Weights stay fp32 in that path (the
activation-only quantization of the study): with integer weights the
divided columns would lose log2(s_c) bits, an artifact of the injection, not
of the activation format.
"""

import dataclasses

import numpy as np
import torch
from torch import nn


def linear_layers(model, skip=("head",)):
    """[(qualified name, nn.Linear)] of the model, minus the names in skip."""
    return [(name, m) for name, m in model.named_modules()
            if isinstance(m, nn.Linear) and name not in skip]


@torch.no_grad()
def channel_max_profile(model, run, skip=("head",)):
    """{layer name: float64 tensor (in_features,)}: per input channel the
    largest |x| a linear layer received while run(model) executed."""
    profile, handles = {}, []

    def recorder(name):
        def hook(module, inputs):
            x = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1]).amax(dim=0).double()
            profile[name] = x if name not in profile else torch.maximum(profile[name], x)
        return hook

    for name, layer in linear_layers(model, skip):
        handles.append(layer.register_forward_pre_hook(recorder(name)))
    try:
        run(model)
    finally:
        for h in handles:
            h.remove()
    return profile


def outlier_summary(profile, ratio_threshold=10.0):
    """Rows (name, channels, median channel max, largest channel max,
    largest / median, channels above ratio_threshold x median)."""
    rows = []
    for name, channel_max in profile.items():
        median = float(channel_max.median())
        largest = float(channel_max.max())
        ratio = largest / median if median > 0 else float("inf")
        above = int((channel_max > ratio_threshold * median).sum())
        rows.append((name, channel_max.numel(), median, largest, ratio, above))
    return rows


@dataclasses.dataclass(frozen=True)
class OutlierInjection:
    """The seeded outlier channels (synthetic.hpp's defaults: share 0.005,
    factors U(20, 100), seed 1), at least min_channels per layer."""
    channel_fraction: float = 0.005
    min_channels: int = 1
    factor_min: float = 20.0
    factor_max: float = 100.0
    seed: int = 1

    def __post_init__(self):
        if not 0.0 <= self.channel_fraction <= 1.0:
            raise ValueError(f"channel_fraction={self.channel_fraction}: must be in [0, 1]")
        if not 1.0 <= self.factor_min <= self.factor_max:
            raise ValueError(f"factors [{self.factor_min}, {self.factor_max}]: need "
                             f"1 <= factor_min <= factor_max")

    def plan(self, layers):
        """{name: (channel indices int64, factors float32)} for [(name, linear)]."""
        generator = torch.Generator().manual_seed(self.seed)
        plan = {}
        for name, layer in layers:
            k = layer.in_features
            count = min(k, max(self.min_channels, round(self.channel_fraction * k)))
            channels = torch.randperm(k, generator=generator)[:count]
            factors = self.factor_min + (self.factor_max - self.factor_min) * torch.rand(
                count, generator=generator)
            plan[name] = (channels, factors.float())
        return plan

    def apply(self, model, skip=("head",)):
        """Injects in place (scales input channels with a pre-hook, divides
        the weight columns); returns the plan."""
        layers = linear_layers(model, skip)
        plan = self.plan(layers)
        for name, layer in layers:
            channels, factors = plan[name]
            scale = torch.ones(layer.in_features)
            scale[channels] = factors
            with torch.no_grad():
                layer.weight.div_(scale)
            layer.register_forward_pre_hook(_scale_input(scale))
        return plan


def _scale_input(scale):
    def hook(module, inputs):
        return (inputs[0] * scale,) + tuple(inputs[1:])
    return hook


def activation_quantizer(kind, block=128, outliers=4):
    """x -> x as the named activation format holds it (float32, last axis in
    blocks): "bf16" (round to nearest even), "mxint<b>" or "mx-opal<b>"
    (blockforge.quantize: the golden quantizers the engines use)."""
    import blockforge

    if kind == "bf16":
        return lambda x: x.to(torch.bfloat16).float()
    if kind.startswith("mxint"):
        fmt, kwargs = kind, {"block": block}
    elif kind.startswith("mx-opal"):
        fmt, kwargs = "mx-opal", {"block": block, "bits": int(kind[7:]), "outliers": outliers}
    else:
        raise ValueError(f"activation format {kind!r}: use bf16, mxint<bits> or mx-opal<bits>")

    def quantize(x):
        flat = np.ascontiguousarray(x.detach().reshape(-1, x.shape[-1]).numpy(), np.float32)
        return torch.from_numpy(blockforge.quantize(flat, fmt, **kwargs)).reshape(x.shape)
    return quantize


def quantize_inputs(model, formats, skip=("head",)):
    """Makes each linear layer's input pass through its activation quantizer:
    formats(name) -> format name or None (fp32). Registered after any
    injection hook, so the quantizer sees the injected outliers. Returns the
    hook handles."""
    handles = []
    for name, layer in linear_layers(model, skip):
        kind = formats(name)
        if kind is None:
            continue
        q = activation_quantizer(kind)
        handles.append(layer.register_forward_pre_hook(
            lambda module, inputs, q=q: (q(inputs[0]),) + tuple(inputs[1:])))
    return handles
