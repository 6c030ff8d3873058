"""Converting an existing model's layers to blockforge numerics, in place."""

from torch import nn

from blockforge.torch.conv import Conv2d
from blockforge.torch.linear import Linear
from blockforge.torch.numerics import as_numerics


def _linear_from(m, numerics):
    layer = Linear(m.in_features, m.out_features, bias=m.bias is not None, numerics=numerics)
    return layer


def _conv_from(m, numerics, name):
    if m.groups != 1 or m.padding_mode != "zeros":
        raise ValueError(f"convert: layer '{name}' is an nn.Conv2d with groups={m.groups}, "
                         f"padding_mode={m.padding_mode!r}; blockforge.torch.Conv2d supports "
                         f"groups=1 and padding_mode='zeros' only: pass skip=['{name}'] to keep "
                         "it an nn.Conv2d")
    return Conv2d(m.in_channels, m.out_channels, m.kernel_size, stride=m.stride,
                  padding=m.padding, dilation=m.dilation, bias=m.bias is not None,
                  numerics=numerics)


def _share_parameters(new, old):
    # The very Parameter objects (not copies): an optimizer built before the
    # conversion keeps updating the converted model, and tied weights stay
    # tied. Buffers and hooks of the old module are not carried over.
    new.weight = old.weight
    if old.bias is not None:
        new.bias = old.bias
    new.train(old.training)
    return new


def _skipped(name, skip):
    return any(name == s or name.startswith(s + ".") for s in skip)


def convert(model, numerics, *, skip=(), filter=None, batchnorm=None):
    """Replaces, in place, every nn.Linear and nn.Conv2d of `model` by
    blockforge.torch.Linear / Conv2d with `numerics` (a Numerics, a text for
    Numerics.parse, or None for fp32), and returns the model.

    Only modules of exactly those types are replaced (not subclasses, whose
    forward may differ), and only their calls change: a module that reads a
    layer's weight without calling it (nn.MultiheadAttention's out_proj)
    still computes in fp32.

    The new layers hold the SAME Parameter objects as the old ones (no
    copies: an optimizer made before the conversion still updates them;
    state_dict keys and values are unchanged). A layer already converted
    gets the new numerics. skip: qualified names (model.named_modules()
    names) to leave alone; a name also skips everything under it; a name
    that is not in the model is a ValueError (a typo would otherwise convert
    silently). filter(name, module) -> bool: convert only where True.
    batchnorm: a dict of RangeBatchNorm2d parameters; when given, every
    nn.BatchNorm2d is replaced by RangeBatchNorm2d.from_batchnorm(bn,
    **batchnorm) under the same skip and filter. A model that is itself a
    layer cannot be replaced in place: the new layer is returned.
    """
    numerics = as_numerics(numerics)
    if isinstance(skip, str):
        skip = (skip,)
    names = {name for name, _ in model.named_modules()}
    unknown = [s for s in skip if s not in names]
    if unknown:
        raise ValueError(f"convert: skip names {unknown} are not modules of the model; the "
                         "names are those of model.named_modules(), e.g. 'layer1.0.conv1'")
    range_bn = None
    if batchnorm is not None:
        if not isinstance(batchnorm, dict):
            raise TypeError(f"convert: batchnorm={batchnorm!r}: expected a dict of "
                            "RangeBatchNorm2d parameters (or None to keep nn.BatchNorm2d)")
        from blockforge.torch.batchnorm import RangeBatchNorm2d
        range_bn = RangeBatchNorm2d

    def replacement(name, m):
        if _skipped(name, skip) or (filter is not None and not filter(name, m)):
            return None
        if isinstance(m, (Linear, Conv2d)):
            m.numerics = numerics
            return None
        # Exact types only: a subclass may have its own forward, which the
        # replacement would silently drop.
        if type(m) is nn.Linear:
            return _share_parameters(_linear_from(m, numerics), m)
        if type(m) is nn.Conv2d:
            return _share_parameters(_conv_from(m, numerics, name), m)
        if range_bn is not None and type(m) is nn.BatchNorm2d:
            return range_bn.from_batchnorm(m, **batchnorm)
        return None

    if not any(True for _ in model.children()):
        new = replacement("", model)
        return model if new is None else new
    done = {}  # id(old module) -> its replacement, so a shared layer stays shared
    for parent_name, parent in list(model.named_modules()):
        # _modules, not named_children(): the latter yields a shared child once.
        for child_name, child in list(parent._modules.items()):
            if child is None:
                continue
            name = f"{parent_name}.{child_name}" if parent_name else child_name
            if id(child) not in done:
                done[id(child)] = replacement(name, child)
            if done[id(child)] is not None:
                setattr(parent, child_name, done[id(child)])
    return model


def quantized_layers(model):
    """[(qualified name, layer)] of every blockforge.torch Linear and Conv2d
    in `model`, in model.named_modules() order."""
    return [(name, m) for name, m in model.named_modules() if isinstance(m, (Linear, Conv2d))]
