"""blockforge.torch.Linear: nn.Linear whose three training GEMMs run in a
chosen arithmetic per pass (numerics.py).

Straight-through: the quantizers do not appear in the gradient. Backward
takes the incoming fp32 dY and the saved fp32 X and W (never their quantized
forms) and computes dX = dY @ W with the dgrad arithmetic and dW = dY^T @ X
with the wgrad arithmetic, each quantizing its own operands as the hardware
would. The bias is added in fp32 outside the GEMM (autograd does its
gradient).
"""

import torch
from torch import nn
import torch.nn.functional as F

from blockforge.torch.numerics import FP32, NumericsLayer, check_tensor, run_gemm


class _LinearGemm(torch.autograd.Function):
    """Y = X @ W^T for X (M, in) and W (out, in), no bias."""

    @staticmethod
    def forward(ctx, x, weight, numerics, stats, zero_stats):
        m, k = x.shape
        n = weight.shape[0]
        arith = numerics.fwd
        y, zeros = run_gemm(arith, x, weight.t(), hw_transposed=True,
                            want_zero_fractions=zero_stats)
        stats.record("fwd", arith.name, m * n * k, zeros)
        ctx.save_for_backward(x, weight)
        ctx.numerics, ctx.stats, ctx.zero_stats = numerics, stats, zero_stats
        return y

    @staticmethod
    def backward(ctx, dy):
        x, weight = ctx.saved_tensors
        numerics, stats = ctx.numerics, ctx.stats
        m, k = x.shape
        n = weight.shape[0]
        dx = dw = None
        if ctx.needs_input_grad[0]:
            # dX^T = W^T @ dY^T: A = W^T, B = dY^T.
            arith = numerics.dgrad
            dx, zeros = run_gemm(arith, dy, weight, hw_transposed=True,
                                 want_zero_fractions=ctx.zero_stats)
            stats.record("dgrad", arith.name, m * n * k, zeros)
        if ctx.needs_input_grad[1]:
            # dW = dY^T @ X: A = dY^T, B = X.
            arith = numerics.wgrad
            dw, zeros = run_gemm(arith, dy.t(), x, hw_transposed=False,
                                 want_zero_fractions=ctx.zero_stats)
            stats.record("wgrad", arith.name, m * n * k, zeros)
        return dx, dw, None, None, None


class Linear(NumericsLayer, nn.Linear):
    """nn.Linear (same parameters, state_dict and init) whose forward,
    data-gradient and weight-gradient GEMMs run in `numerics`.

    numerics: a Numerics, a text for Numerics.parse ("mixed",
    "fwd=8x8,dgrad=8x16,wgrad=16x8") or None (all fp32). Settable at any
    time; a step's backward uses the numerics its forward ran with.
    stats: per pass the cumulative MACs per arithmetic and the last BFP
    call's zero-setting fractions (LayerStats); reset_stats() clears them.
    zero_fraction_stats: set False to skip measuring the zero-setting
    fractions when nobody reads them (a static schedule): bfp_matmul then
    skips a pass over each quantized operand, some 40% of a BFP training
    step of a small CNN.
    With every pass FP32 the layer is exactly nn.Linear (F.linear).
    Inputs: float32 CPU tensors (*, in_features).
    """

    def __init__(self, in_features, out_features, bias=True, numerics=None):
        super().__init__(in_features, out_features, bias=bias)
        self._init_numerics(numerics)

    def forward(self, x):
        check_tensor(x, "x")
        check_tensor(self.weight, "weight")
        if x.dim() == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"x: expected shape (*, {self.in_features}) (in_features last), got "
                             f"{tuple(x.shape)}")
        numerics = self._numerics
        x2d = x.reshape(-1, self.in_features)
        macs = x2d.shape[0] * self.in_features * self.out_features
        if numerics.is_fp32:
            y = F.linear(x, self.weight, self.bias)
            self._stats.record("fwd", FP32.name, macs)
            self._count_fp32_backward(y, x.requires_grad, self.weight.requires_grad, macs)
            return y
        y = _LinearGemm.apply(x2d, self.weight, numerics, self._stats, self.zero_fraction_stats)
        y = y.reshape(*x.shape[:-1], self.out_features)
        if self.bias is not None:
            y = y + self.bias
        return y

    def _count_fp32_backward(self, y, dgrad, wgrad, macs):
        # torch's own backward runs the two GEMMs; count them when it does.
        if not (torch.is_grad_enabled() and y.requires_grad):
            return
        stats = self._stats

        def count(grad):
            if dgrad:
                stats.record("dgrad", FP32.name, macs)
            if wgrad:
                stats.record("wgrad", FP32.name, macs)

        y.register_hook(count)
