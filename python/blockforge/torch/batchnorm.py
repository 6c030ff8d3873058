"""blockforge.torch.batchnorm.RangeBatchNorm2d: nn.BatchNorm2d whose training
forward and backward are LightNorm's range BN, bit-exact with the golden
model the lightnorm.bn_fwd / lightnorm.bn_bwd RTL is verified against
(blockforge.RangeBn).

Range BN normalizes by the range of the batch instead of its standard
deviation: per channel, over its n = N*H*W values cut into `chunks` chunks,
    y = gamma * (x - mean) * scale + beta,
    scale = 1 / (C(n) * range + eps),  C(n) = 1 / sqrt(2 ln(n / chunks)),
    range = mean of the chunk maxima - mean of the chunk minima,
with every step in LightNorm's formats (golden/lightnorm/range_bn.hpp).

Inference: the running statistics are range BN's, kept under
nn.BatchNorm2d's buffer names so state_dicts and model conversion carry
over:
    running_mean  moving average of the batch means;
    running_var   moving average of (C(n) * range)^2, range BN's stand-in for
                  the variance (C(n) * range is what it divides by; it is
                  about 1.7 standard deviations at n / chunks ~ 1000, not
                  one: `blockforge bn-error` shows it).
In eval mode the layer runs the same golden datapath and formats with the
batch's statistics replaced by the running ones (blockforge.RangeBn.inference:
mean = running_mean, C(n) * range = sqrt(running_var)), as inference hardware
with frozen statistics would; a network trained in fp10 with BFP is evaluated
in the numerics it was trained in (fp32 torch arithmetic in eval mode loses
several points of accuracy on such a network: the study's eval column showed
it). Gradients through eval mode are the fp32 formula's, straight through
the formats. eps is the golden model's fixed fp32 1e-5.
"""

import torch
from torch import nn

from blockforge._core import RangeBn
from blockforge.torch.numerics import check_tensor


def _check_input(x, arg):
    check_tensor(x, arg, model="range BN's golden model")


def _numpy(t):
    """The float32 values of t as a C-contiguous numpy view (a copy only when
    t is not contiguous)."""
    return t.detach().contiguous().numpy()


class _RangeBnFunction(torch.autograd.Function):
    """y = range BN of x with gamma, beta; backward through RangeBn.backward.
    `holder` receives the forward's RangeBnSaved (its statistics feed the
    running averages)."""

    @staticmethod
    def forward(ctx, x, weight, bias, range_bn, holder):
        y, saved = range_bn.forward(_numpy(x), _numpy(weight), _numpy(bias))
        ctx.range_bn, ctx.saved = range_bn, saved
        holder.append(saved)
        return torch.from_numpy(y)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dy):
        dx, dgamma, dbeta = ctx.range_bn.backward(_numpy(dy), ctx.saved)
        return torch.from_numpy(dx), torch.from_numpy(dgamma), torch.from_numpy(dbeta), None, None


class _RangeBnInferenceFunction(torch.autograd.Function):
    """y = range BN of x with frozen statistics through RangeBn.inference;
    backward is the fp32 formula's y = weight * (x - mean) / (sigma + eps)
    + bias (straight through the formats)."""

    @staticmethod
    def forward(ctx, x, weight, bias, mean, sigma, range_bn, eps):
        y = range_bn.inference(_numpy(x), _numpy(weight), _numpy(bias), _numpy(mean),
                               _numpy(sigma))
        ctx.save_for_backward(x, weight, mean, sigma)
        ctx.eps = eps
        return torch.from_numpy(y)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, dy):
        x, weight, mean, sigma = ctx.saved_tensors
        inv_d = 1.0 / (sigma + ctx.eps)
        x_hat = (x - mean[:, None, None]) * inv_d[:, None, None]
        dx = dy * (weight * inv_d)[:, None, None]
        return dx, (dy * x_hat).sum((0, 2, 3)), dy.sum((0, 2, 3)), None, None, None, None


class RangeBatchNorm2d(nn.Module):
    """LightNorm's range BN as a drop-in for nn.BatchNorm2d.

    RangeBatchNorm2d(num_features, *, momentum=0.1, affine=True, design=None,
                     **range_bn_params)
    range_bn_params and design are blockforge.RangeBn's (chunks, io, grad,
    stat, norm, reciprocal, bfp, bfp_group, bfp_bits, grad_bfp_bits, ...;
    LightNorm's fp10 formats with BFP by default). momentum: the running
    averages' update factor, or None for a cumulative average (as
    nn.BatchNorm2d). Parameters and buffers carry nn.BatchNorm2d's names:
    weight (gamma), bias (beta), running_mean, running_var,
    num_batches_tracked (the module docstring says what the running values
    mean and what eval mode computes).

    Training mode: forward and backward run the golden model on float32 CPU
    tensors (N, C, H, W) with n = N*H*W a multiple of chunks (>= 2 per
    chunk); the gradients are range BN's own (golden/lightnorm/range_bn.hpp),
    not straight-through ones.
    """

    def __init__(self, num_features, *, momentum=0.1, affine=True, design=None,
                 **range_bn_params):
        super().__init__()
        if not isinstance(num_features, int) or isinstance(num_features, bool) \
                or num_features < 1:
            raise ValueError(f"num_features={num_features!r}: expected a positive int, the "
                             "channels C of the (N, C, H, W) input")
        if momentum is not None and not (isinstance(momentum, (int, float))
                                         and 0.0 <= momentum <= 1.0):
            raise ValueError(f"momentum={momentum!r}: expected a float in [0, 1] or None (a "
                             "cumulative average)")
        self.num_features = num_features
        self.momentum = momentum
        self.affine = affine
        self.range_bn = RangeBn(design, **range_bn_params)
        if affine:
            self.weight = nn.Parameter(torch.ones(num_features))
            self.bias = nn.Parameter(torch.zeros(num_features))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    @property
    def eps(self):
        """The golden model's eps (fp32 1e-5, not a parameter of range BN)."""
        return 1e-5

    @classmethod
    def from_batchnorm(cls, bn, **range_bn_params):
        """A RangeBatchNorm2d in place of nn.BatchNorm2d `bn`: the same
        weight and bias Parameter objects (not copies: an optimizer built
        before the conversion keeps updating them), copies of its running
        statistics and its training mode. bn's running_var is a variance;
        range BN's is (C(n) * range)^2, about 3x larger for gaussian data, so
        eval outputs right after a conversion are larger than after range-BN
        training (training mode recomputes everything from the batch)."""
        if not isinstance(bn, nn.BatchNorm2d):
            raise TypeError(f"from_batchnorm: expected an nn.BatchNorm2d, got "
                            f"{type(bn).__name__}")
        momentum = range_bn_params.pop("momentum", bn.momentum)
        new = cls(bn.num_features, momentum=momentum, affine=bn.affine, **range_bn_params)
        if bn.affine:
            new.weight = bn.weight
            new.bias = bn.bias
        if bn.running_mean is not None:
            with torch.no_grad():
                new.running_mean.copy_(bn.running_mean)
                new.running_var.copy_(bn.running_var)
                new.num_batches_tracked.copy_(bn.num_batches_tracked)
        new.train(bn.training)
        return new

    def _affine(self):
        if self.affine:
            return self.weight, self.bias
        ones = torch.ones(self.num_features)
        return ones, torch.zeros(self.num_features)

    def _check(self, x):
        _check_input(x, "x")
        if x.dim() != 4 or x.shape[1] != self.num_features:
            raise ValueError(f"x: expected (N, {self.num_features}, H, W) for "
                             f"RangeBatchNorm2d({self.num_features}), got shape {tuple(x.shape)}")

    def forward(self, x):
        self._check(x)
        weight, bias = self._affine()
        if self.affine:
            _check_input(weight, "weight")
            _check_input(bias, "bias")
        if not self.training:
            return _RangeBnInferenceFunction.apply(x, weight, bias, self.running_mean,
                                                   self.running_var.sqrt(), self.range_bn,
                                                   self.eps)
        holder = []
        y = _RangeBnFunction.apply(x, weight, bias, self.range_bn, holder)
        self._update_running(holder[0])
        return y

    @torch.no_grad()
    def _update_running(self, saved):
        self.num_batches_tracked += 1
        factor = (1.0 / float(self.num_batches_tracked) if self.momentum is None
                  else self.momentum)
        mean = torch.from_numpy(saved.mean)
        sigma = torch.from_numpy(saved.range).double() * float(saved.range_constant)
        self.running_mean.mul_(1.0 - factor).add_(mean, alpha=factor)
        self.running_var.mul_(1.0 - factor).add_(sigma.square().float(), alpha=factor)

    def extra_repr(self):
        defaults = RangeBn().params
        changed = ", ".join(f"{k}={v!r}" for k, v in self.range_bn.params.items()
                            if defaults.get(k) != v)
        text = f"{self.num_features}, momentum={self.momentum}, affine={self.affine}"
        return text + (", " + changed if changed else "")

