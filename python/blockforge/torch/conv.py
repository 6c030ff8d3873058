"""blockforge.torch.Conv2d: nn.Conv2d whose three training GEMMs run in a
chosen arithmetic per pass (numerics.py), as im2col GEMMs laid out as in
FlexBlock's mapping model (golden/flexblock/mapping_layer.hpp):

    fwd    Y^T  = W @ X^T     M = Cout  N = B*Ho*Wo  K = Cin*kh*kw   (c, ky, kx)
    dgrad  dX^T = W^T @ dY^T  M = Cin   N = B*H*W    K = Cout*taps   (o, ky', kx')
    wgrad  dW   = dY^T @ X    M = Cout  N = Cin*kh*kw K = B*Ho*Wo

The data gradient is the transposed convolution as a dense GEMM, not
im2col's col2im (which would sum kh*kw partial GEMMs of K = Cout in fp32,
with BFP groups of only Cout elements: not what the hardware runs). For
stride s > 1 it is split into s*s sub-pixel phases by output position mod
s: every position of a phase is reached by the same kernel taps, so each
phase is a dense GEMM over only those taps (no inserted zeros are
multiplied); a phase without taps (a 1x1 stride-2 conv reaches one phase in
four) gets a zero gradient and no GEMM. Taps are in flipped order (ky' =
kh-1-ky), the transposed convolution's. As in im2col, a tap that falls on
the padding counts as a product. MACs are counted the same way for every
arithmetic, so the counts match `blockforge map`.

Straight-through, as Linear: backward reads the fp32 dY, X and W. Passes in
FP32 use torch's own convolution kernels (F.conv2d, convolution_backward).
groups != 1 and padding_mode != "zeros" are not supported (ValueError).
"""

import math

import torch
from torch import nn
import torch.nn.functional as F

from blockforge.torch.numerics import FP32, Bfp, NumericsLayer, check_tensor, run_gemm


class _Geometry:
    """The layer's kernel, stride, padding and dilation as (h, w) pairs and
    the GEMM views (im2col, phases) they imply."""

    def __init__(self, kernel, stride, padding, dilation):
        self.kernel, self.stride, self.padding, self.dilation = kernel, stride, padding, dilation

    def out_size(self, h, w):
        return tuple((n + 2 * p - d * (k - 1) - 1) // s + 1 for n, p, d, k, s in zip(
            (h, w), self.padding, self.dilation, self.kernel, self.stride))

    def im2col(self, x):
        """x (B, C, H, W) -> (B*Ho*Wo, C*kh*kw) contiguous, K in weight order
        (c, ky, kx)."""
        b, c, h, w = x.shape
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (self.kernel, self.stride, self.padding,
                                                  self.dilation)
        ho, wo = self.out_size(h, w)
        xp = _padded_nhwc(x, ph, ph, pw, pw)
        hp, wp = xp.shape[1], xp.shape[2]
        view = xp.as_strided((b, ho, wo, kh, kw, c),
                             (hp * wp * c, sh * wp * c, sw * c, dh * wp * c, dw * c, 1))
        return _taps_to_k_order(view, b * ho * wo, kh * kw, c)

    def windows(self, x):
        """x (B, C, H, W) as the strided view (B, Ho, Wo, C, kh, kw) of its
        zero-padded copy: the im2col matrix (rows (b, y, x), K (c, ky, kx))
        without writing it. bfp_matmul reads it in place (k_ndim = 3); only
        the padding is copied, not the kh*kw-fold expansion."""
        b, c, h, w = x.shape
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (self.kernel, self.stride, self.padding,
                                                  self.dilation)
        ho, wo = self.out_size(h, w)
        if ph or pw:
            xp = x.new_zeros(b, c, h + 2 * ph, w + 2 * pw)
            xp[:, :, ph:ph + h, pw:pw + w] = x
        else:
            xp = x.contiguous()
        hp, wp = xp.shape[2], xp.shape[3]
        return xp.as_strided((b, ho, wo, c, kh, kw),
                             (c * hp * wp, sh * wp, sw, hp * wp, dh * wp, dw))

    def axis_phases(self, axis, size, out_size):
        """The sub-pixel phases along one axis of the data gradient.

        dX[i] = sum over flipped taps t of dY[(i - lead + t*d) / s] *
        W[k-1-t], over the t where the division is exact (lead = d(k-1) - p,
        the left padding of the transposed convolution). Positions
        i = r + s*u of phase r are reached by the taps t = t0 + step*v
        (step = s / gcd(s, d)), which read dY at base + u + jump*v
        (jump = step*d / s). Returns [(r, positions, t0, step, taps, base,
        jump)] for r < min(s, size); taps = 0 for a phase no tap reaches.
        """
        k, s, p, d = self.kernel[axis], self.stride[axis], self.padding[axis], self.dilation[axis]
        lead = d * (k - 1) - p
        step = s // math.gcd(s, d)
        out = []
        for r in range(min(s, size)):
            first = [t for t in range(min(k, step)) if (r - lead + t * d) % s == 0]
            t0 = first[0] if first else 0
            taps = len(range(t0, k, step)) if first else 0
            base = (r - lead + t0 * d) // s
            out.append((r, len(range(r, size, s)), t0, step, taps, base, step * d // s))
        return out

    def phases(self, h, w, ho, wo):
        """[(phase along y, phase along x)] of the phases with taps."""
        return [(py, px) for py in self.axis_phases(0, h, ho) for px in self.axis_phases(1, w, wo)
                if py[4] and px[4]]

    def dgrad_macs(self, b, cin, cout, h, w, ho, wo):
        return sum(b * py[1] * px[1] * cin * cout * py[4] * px[4]
                   for py, px in self.phases(h, w, ho, wo))


def _padded_nhwc(x, top, bottom, left, right):
    """x (B, C, H, W) zero-padded, as a contiguous (B, H', W', C) tensor."""
    b, c, h, w = x.shape
    if not (top or bottom or left or right):
        return x.permute(0, 2, 3, 1).contiguous()
    xp = x.new_zeros(b, h + top + bottom, w + left + right, c)
    xp[:, top:top + h, left:left + w] = x.permute(0, 2, 3, 1)
    return xp


def _taps_to_k_order(view, rows, taps, channels):
    """A (..., taps, channels) strided window view as GEMM rows whose K runs
    channel-major, (channel, tap): two copies with a contiguous inner
    dimension each, several times faster in torch than one copy from a
    strided NCHW window whose inner runs are a few taps long."""
    gathered = view.reshape(rows, taps, channels)
    return gathered.transpose(1, 2).reshape(rows, channels * taps)


def _dy_padding(axis_phases, out_size):
    """(low, high) zero padding of dY so that every phase's reads are inside."""
    low = high = 0
    for _, positions, _, _, taps, base, jump in axis_phases:
        if taps:
            low = max(low, -base)
            high = max(high, base + positions - 1 + jump * (taps - 1) - (out_size - 1))
    return low, high


def _dgrad_gemm(arith, dy, weight, geom, input_size, zero_stats):
    """dX of the transposed convolution, phase by phase in `arith`. Returns
    (dx, zero fractions of A = W^T and B = dY^T over all phases or None).

    Each phase's B operand is read from dY through one strided window view
    (no zeros inserted); the result is written into a channels-last buffer,
    returned as an NCHW view of it."""
    b, cout, ho, wo = dy.shape
    cin = weight.shape[1]
    h, w = input_size
    phases_y, phases_x = geom.axis_phases(0, h, ho), geom.axis_phases(1, w, wo)
    (top, bottom), (left, right) = _dy_padding(phases_y, ho), _dy_padding(phases_x, wo)
    dyp = _padded_nhwc(dy, top, bottom, left, right)
    hq, wq = dyp.shape[1], dyp.shape[2]
    w_flip = weight.flip(2, 3)
    phases = geom.phases(h, w, ho, wo)
    single = len(phases) == 1 and len(phases_y) == 1 and len(phases_x) == 1
    complete = len(phases) == len(phases_y) * len(phases_x)
    dx = None if single else (dy.new_empty if complete else dy.new_zeros)(b, h, w, cin)
    weigh_zeros = zero_stats and isinstance(arith, Bfp) and len(phases) > 1
    if weigh_zeros:
        # Non-zero elements of dY per position: a phase's B operand holds
        # the sum of it over the phase's windows (padding is zero).
        nonzero_at = (dyp != 0).sum(dim=3, dtype=torch.int64)
        counts = [0, 0.0, 0, 0.0]  # nonzero A, flushed A, nonzero B, flushed B
    zeros = None
    for (ry, hp, ty0, sty, ty, by, jy), (rx, wp, tx0, stx, tx, bx, jx) in phases:
        offset = (by + top) * wq + (bx + left)
        window = ((b, hp, wp, ty, tx), (hq * wq, wq, 1, jy * wq, jx))
        sub = dyp.as_strided(window[0] + (cout,), tuple(st * cout for st in window[1]) + (1,),
                             dyp.storage_offset() + offset * cout)
        w_phase = w_flip[:, :, ty0::sty, tx0::stx]
        if isinstance(arith, Bfp):
            # Both operands read in place, K = (cout, ty, tx) as three axes.
            right_op = w_phase.permute(0, 2, 3, 1)
            out, zeros = run_gemm(arith, sub.permute(0, 1, 2, 5, 3, 4), right_op,
                                  hw_transposed=True, want_zero_fractions=zero_stats, k_ndim=3)
        else:
            left_op = _taps_to_k_order(sub, b * hp * wp, ty * tx, cout)
            right_op = w_phase.permute(0, 2, 3, 1).reshape(cout * ty * tx, cin)
            out, zeros = run_gemm(arith, left_op, right_op, hw_transposed=True,
                                  want_zero_fractions=zero_stats)
        if single:
            dx = out.view(b, h, w, cin)
        else:
            dx[:, ry::geom.stride[0], rx::geom.stride[1], :] = out.view(b, hp, wp, cin)
        if weigh_zeros:
            nz_a = int(torch.count_nonzero(right_op))
            nz_b = int(nonzero_at.as_strided(*window, nonzero_at.storage_offset() + offset).sum())
            counts[0] += nz_a
            counts[1] += zeros[0] * nz_a
            counts[2] += nz_b
            counts[3] += zeros[1] * nz_b
    if weigh_zeros:
        zeros = (counts[1] / counts[0] if counts[0] else 0.0,
                 counts[3] / counts[2] if counts[2] else 0.0)
    return dx.permute(0, 3, 1, 2), zeros


class _ConvGemm(torch.autograd.Function):
    """Y = conv2d(X, W), no bias, groups 1."""

    @staticmethod
    def forward(ctx, x, weight, geom, numerics, stats, zero_stats):
        b, cin, h, w = x.shape
        cout = weight.shape[0]
        ho, wo = geom.out_size(h, w)
        arith = numerics.fwd
        macs = b * ho * wo * cout * weight[0].numel()
        cols = windows = None
        if arith is FP32:
            y = F.conv2d(x, weight, None, geom.stride, geom.padding, geom.dilation)
            zeros = None
        elif isinstance(arith, Bfp):
            # Y^T = W @ X^T: A = W (K = c, ky, kx), B = X's windows read in place.
            windows = geom.windows(x)
            out, zeros = run_gemm(arith, windows, weight.permute(1, 2, 3, 0),
                                  hw_transposed=True, want_zero_fractions=zero_stats, k_ndim=3)
            # Channels-last, as the GEMM writes it (no copy): see Conv2d.
            y = out.permute(0, 3, 1, 2)
        else:
            cols = geom.im2col(x)
            # Y^T = W @ X^T: A = W, B = X (im2col).
            out, zeros = run_gemm(arith, cols, weight.reshape(cout, -1).t(), hw_transposed=True,
                                  want_zero_fractions=zero_stats)
            y = out.view(b, ho, wo, cout).permute(0, 3, 1, 2).contiguous()
        stats.record("fwd", arith.name, macs, zeros)
        keep_cols = cols is not None and not (numerics.wgrad is FP32 or
                                              isinstance(numerics.wgrad, Bfp))
        ctx.save_for_backward(x, weight, cols if keep_cols else None)
        ctx.geom, ctx.numerics, ctx.stats, ctx.zero_stats = geom, numerics, stats, zero_stats
        # A BFP weight gradient reads the same windows: keep them rather than
        # pad x again (an in-place change of x is still reported, through the
        # saved x that backward unpacks).
        ctx.windows = windows if isinstance(numerics.wgrad, Bfp) else None
        return y

    @staticmethod
    def backward(ctx, dy):
        x, weight, cols = ctx.saved_tensors
        geom, numerics, stats = ctx.geom, ctx.numerics, ctx.stats
        b, cin, h, w = x.shape
        cout = weight.shape[0]
        ho, wo = dy.shape[2], dy.shape[3]
        want_dx, want_dw = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
        fp32_dx = want_dx and numerics.dgrad is FP32
        fp32_dw = want_dw and numerics.wgrad is FP32
        dx = dw = None
        if fp32_dx or fp32_dw:
            dx, dw, _ = torch.ops.aten.convolution_backward(
                dy, x, weight, None, list(geom.stride), list(geom.padding), list(geom.dilation),
                False, [0, 0], 1, [fp32_dx, fp32_dw, False])
        if want_dx:
            macs = geom.dgrad_macs(b, cin, cout, h, w, ho, wo)
            zeros = None
            if not fp32_dx:
                dx, zeros = _dgrad_gemm(numerics.dgrad, dy, weight, geom, (h, w), ctx.zero_stats)
            stats.record("dgrad", numerics.dgrad.name, macs, zeros)
        if want_dw:
            macs = b * ho * wo * cout * weight[0].numel()
            zeros = None
            if isinstance(numerics.wgrad, Bfp):
                # dW = dY^T @ X: A = dY^T (K = b, y, x) and B = X's windows, both
                # read in place; the result has the weight's shape.
                windows = ctx.windows if ctx.windows is not None else geom.windows(x)
                dw, zeros = run_gemm(numerics.wgrad, dy.permute(1, 0, 2, 3), windows,
                                     hw_transposed=False, want_zero_fractions=ctx.zero_stats,
                                     k_ndim=3)
            elif not fp32_dw:
                if cols is None:
                    cols = geom.im2col(x)
                # dW = dY^T @ X: A = dY^T, B = X (im2col); dY^T is copied with K
                # (= b, y, x) contiguous, which its quantization reads faster.
                dy_t = dy.transpose(0, 1).reshape(cout, b * ho * wo)
                dw, zeros = run_gemm(numerics.wgrad, dy_t, cols, hw_transposed=False,
                                     want_zero_fractions=ctx.zero_stats)
                dw = dw.view(weight.shape)
            stats.record("wgrad", numerics.wgrad.name, macs, zeros)
        return dx, dw, None, None, None, None


def _pair(v, arg):
    if isinstance(v, int):
        return (v, v)
    if isinstance(v, (tuple, list)) and len(v) == 2 and all(isinstance(i, int) for i in v):
        return tuple(v)
    raise ValueError(f"{arg}={v!r}: expected an int or a pair of ints")


def _numeric_padding(padding, kernel, dilation):
    """nn.Conv2d's padding, with "valid" and a symmetric "same" as ints."""
    if padding == "valid":
        return (0, 0)
    if padding == "same":
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        if any(t % 2 for t in totals):
            raise ValueError(f"padding='same' with kernel {kernel} and dilation {dilation} pads "
                             "one side more than the other, which blockforge.torch.Conv2d does "
                             "not support; pad the input explicitly (F.pad) and use padding=0")
        return tuple(t // 2 for t in totals)
    return _pair(padding, "padding")


class Conv2d(NumericsLayer, nn.Conv2d):
    """nn.Conv2d (same parameters, state_dict and init) whose forward,
    data-gradient and weight-gradient GEMMs run in `numerics` (module
    docstring for the GEMMs). numerics, stats, reset_stats() and
    zero_fraction_stats as blockforge.torch.Linear. groups must be 1 (grouped
    and depthwise convolutions are not mapped yet: ValueError). With every
    pass FP32 the layer is exactly nn.Conv2d (F.conv2d).
    Inputs: float32 CPU tensors (B, C, H, W).
    Memory format: a BFP forward returns Y in torch.channels_last (the
    layout its GEMM writes, a view without a copy), and a BFP data gradient
    likewise; batch norm, ReLU and adds behind it keep that format, which
    makes a BFP training step about 10% faster than copying to contiguous
    NCHW. Values and shape are those of nn.Conv2d; code that calls .view()
    on the output needs .reshape() or .contiguous(), as with any
    channels-last tensor.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, numerics=None, padding_mode="zeros"):
        if groups != 1:
            raise ValueError(f"groups={groups}: blockforge.torch.Conv2d supports groups=1 only "
                             "(grouped and depthwise convolutions are not mapped yet); keep "
                             "this layer an nn.Conv2d (convert(..., skip=[name]))")
        if padding_mode != "zeros":
            raise ValueError(f"padding_mode={padding_mode!r}: blockforge.torch.Conv2d supports "
                             "'zeros' only; keep this layer an nn.Conv2d")
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                         dilation=dilation, groups=groups, bias=bias)
        self._geom = _Geometry(self.kernel_size, _pair(self.stride, "stride"),
                               _numeric_padding(self.padding, self.kernel_size, self.dilation),
                               self.dilation)
        self._init_numerics(numerics)

    def forward(self, x):
        check_tensor(x, "x")
        check_tensor(self.weight, "weight")
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f"x: expected shape (B, {self.in_channels}, H, W), got "
                             f"{tuple(x.shape)}")
        geom = self._geom
        ho, wo = geom.out_size(x.shape[2], x.shape[3])
        if ho < 1 or wo < 1:
            raise ValueError(f"x: input {tuple(x.shape[2:])} is smaller than the kernel "
                             f"{self.kernel_size} (dilation {self.dilation}, padding "
                             f"{geom.padding}) covers")
        numerics = self._numerics
        if numerics.is_fp32:
            y = F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation)
            self._count_fp32(x, y)
            return y
        y = _ConvGemm.apply(x, self.weight, geom, numerics, self._stats,
                            self.zero_fraction_stats)
        if self.bias is not None:
            y = y + self.bias.view(1, -1, 1, 1)
        return y

    def _count_fp32(self, x, y):
        b, cin, h, w = x.shape
        ho, wo = y.shape[2], y.shape[3]
        cout = self.out_channels
        fwd_macs = b * ho * wo * cout * self.weight[0].numel()
        stats = self._stats
        stats.record("fwd", FP32.name, fwd_macs)
        if not (torch.is_grad_enabled() and y.requires_grad):
            return
        dgrad, wgrad = x.requires_grad, self.weight.requires_grad
        dgrad_macs = self._geom.dgrad_macs(b, cin, cout, h, w, ho, wo)

        def count(grad):  # torch's own backward runs the GEMMs; count them
            if dgrad:
                stats.record("dgrad", FP32.name, dgrad_macs)
            if wgrad:
                stats.record("wgrad", FP32.name, fwd_macs)

        y.register_hook(count)
