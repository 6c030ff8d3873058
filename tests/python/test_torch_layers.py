"""blockforge.torch.Linear / Conv2d: each training pass runs its own
arithmetic, bit for bit the golden GEMM on the operands of the hardware
mapping, and gradients equal torch autograd where the arithmetic is exact."""

import numpy as np
import pytest
import torch
from torch import nn
import torch.nn.functional as F

import blockforge
import blockforge.torch as bft

torch.set_num_threads(1)


def bits(t):
    return t.detach().contiguous().view(torch.int32)


def assert_bit_equal(actual, expected, context=""):
    assert actual.shape == expected.shape, context
    assert torch.equal(bits(actual), bits(expected)), f"not bit-exact {context}"


def small_ints(*shape, high=7, seed=0):
    """Integer-valued float32: every product and sum of the tests' sizes is
    an integer below 2^24, so fp32 arithmetic in any order is exact, and a
    16-bit BFP group holding them quantizes them exactly."""
    g = torch.Generator().manual_seed(seed)
    return torch.randint(-high, high + 1, shape, generator=g).float()


def bfp(a, b, **kw):
    """blockforge.bfp_matmul on torch tensors (any strides)."""
    return torch.from_numpy(blockforge.bfp_matmul(a.detach().numpy(), b.detach().numpy(), **kw))


def heavy_tailed(*shape, seed=0):
    # Gaussian with a few large elements: BFP groups then flush small values,
    # so the numerics differ visibly from fp32 and between modes.
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=g)
    mask = torch.rand(shape, generator=g) < 0.03
    return torch.where(mask, x * 60, x)


# --- forward: bit for bit the golden GEMM in the hardware orientation -------


def test_linear_forward_is_bfp_matmul_of_w_and_x_transposed():
    layer = bft.Linear(150, 24, numerics=bft.Numerics(fwd=bft.Bfp(8, 4)))
    x = heavy_tailed(33, 150)
    y = layer(x)
    # Y^T = W @ X^T with A = W in 8 bits and B = X^T in 4 bits.
    expected = bfp(layer.weight, x.t(), a_bits=8, b_bits=4).t() + layer.bias
    assert_bit_equal(y, expected)
    # The roles matter: swapping the modes gives other numbers.
    swapped = bfp(layer.weight, x.t(), a_bits=4, b_bits=8).t() + layer.bias
    assert not torch.equal(bits(y), bits(swapped))


def test_linear_forward_keeps_leading_dims_and_groups():
    numerics = bft.Numerics(fwd=bft.Bfp(16, 8, a_group=10, b_group=25, rounding="nearest_even"))
    layer = bft.Linear(60, 9, bias=False, numerics=numerics)
    x = heavy_tailed(2, 5, 60, seed=1)
    y = layer(x)
    expected = bfp(layer.weight, x.reshape(10, 60).t(), a_bits=16, b_bits=8, a_group=10,
                   b_group=25, rounding="nearest_even").t().reshape(2, 5, 9)
    assert_bit_equal(y, expected)


@pytest.mark.parametrize("geometry", [
    dict(kernel_size=3, stride=1, padding=1),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(3, 2), stride=(2, 1), padding=(0, 1), dilation=(1, 2)),
])
def test_conv_forward_is_bfp_matmul_of_w_and_im2col(geometry):
    layer = bft.Conv2d(5, 7, numerics=bft.Numerics(fwd=bft.Bfp(4, 8)), **geometry)
    x = heavy_tailed(3, 5, 11, 10, seed=2)
    y = layer(x)
    cols = F.unfold(x, layer.kernel_size, layer.dilation, layer.padding, layer.stride)
    ho, wo = y.shape[2:]
    x_t = cols.permute(1, 0, 2).reshape(cols.shape[1], -1)  # X^T: (Cin*kh*kw, B*Ho*Wo)
    c = bfp(layer.weight.reshape(7, -1), x_t, a_bits=4, b_bits=8)  # (Cout, B*Ho*Wo)
    expected = c.reshape(7, 3, ho, wo).permute(1, 0, 2, 3) + layer.bias.view(1, -1, 1, 1)
    assert_bit_equal(y, expected)


def test_corrupted_expectation_is_caught():
    layer = bft.Linear(40, 6, numerics="all8")
    x = heavy_tailed(8, 40, seed=3)
    y = layer(x)
    expected = bfp(layer.weight, x.t()).t() + layer.bias
    assert_bit_equal(y, expected)
    corrupted = bits(expected).clone()
    corrupted[3, 2] ^= 1  # one ulp
    assert not torch.equal(bits(y), corrupted)


# --- fp32: exactly torch's layers --------------------------------------------


def test_fp32_numerics_are_torch_layers_exactly():
    torch.manual_seed(0)
    ref_lin, ref_conv = nn.Linear(30, 8), nn.Conv2d(3, 6, 3, stride=2, padding=1)
    lin, conv = bft.Linear(30, 8), bft.Conv2d(3, 6, 3, stride=2, padding=1)
    lin.load_state_dict(ref_lin.state_dict())
    conv.load_state_dict(ref_conv.state_dict())
    x = torch.randn(4, 30)
    img = torch.randn(2, 3, 9, 9)
    assert_bit_equal(lin(x), ref_lin(x))
    assert_bit_equal(conv(img), ref_conv(img))


def test_fp32_forward_next_to_bfp_backward_agrees_with_torch():
    # fwd FP32 runs torch's matmul / conv without bias, then adds the bias:
    # torch's fused addmm and its conv kernel may add the bias before the
    # last partial sums, i.e. a different summation order of the same fp32
    # values. The tolerance (a few ulps of the output scale) allows that
    # reassociation, not a numerics difference: an 8-bit BFP forward on the
    # same data is off by orders of magnitude more (checked below).
    torch.manual_seed(1)
    numerics = bft.Numerics(dgrad=bft.Bfp(16, 16), wgrad=bft.Bfp(16, 16))
    for ref, layer, x in [(nn.Linear(70, 9), bft.Linear(70, 9, numerics=numerics),
                           torch.randn(6, 70)),
                          (nn.Conv2d(4, 5, 3, padding=1),
                           bft.Conv2d(4, 5, 3, padding=1, numerics=numerics),
                           torch.randn(2, 4, 8, 8))]:
        layer.load_state_dict(ref.state_dict())
        y, y_ref = layer(x), ref(x)
        tolerance = 4 * torch.finfo(torch.float32).eps * y_ref.abs().max()
        assert (y - y_ref).abs().max() <= tolerance
        layer.numerics = bft.Numerics(fwd=bft.Bfp(8, 8))
        assert (layer(x) - y_ref).abs().max() > 100 * tolerance


# --- gradients: exact where the arithmetic is exact ---------------------------


def exact_numerics():
    return bft.Numerics.parse("all16")


def assert_same_as_torch(layer, ref, x, g_seed, context=""):
    """layer, given ref's parameters, computes y, dX, dW (and dbias) bit for
    bit as the torch module ref on input x and a small-integer dY."""
    layer.load_state_dict(ref.state_dict())
    x = x.requires_grad_()
    x_ref = x.detach().clone().requires_grad_()
    y, y_ref = layer(x), ref(x_ref)
    g = small_ints(*y_ref.shape, seed=g_seed)
    y.backward(g)
    y_ref.backward(g)
    assert_bit_equal(y, y_ref, context)
    assert_bit_equal(x.grad, x_ref.grad, context)
    assert_bit_equal(layer.weight.grad, ref.weight.grad, context)
    if ref.bias is not None:
        assert_bit_equal(layer.bias.grad, ref.bias.grad, context)


def test_linear_gradients_equal_autograd_when_exact():
    ref = nn.Linear(50, 12)
    layer = bft.Linear(50, 12, numerics=exact_numerics())
    with torch.no_grad():
        ref.weight.copy_(small_ints(12, 50, seed=1))
        ref.bias.copy_(small_ints(12, seed=2))
    assert_same_as_torch(layer, ref, small_ints(9, 50, seed=3), g_seed=4)


CONV_GEOMETRIES = [
    dict(kernel_size=3, stride=1, padding=1),
    dict(kernel_size=3, stride=1, padding=0),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=1, stride=2, padding=0),
    dict(kernel_size=(3, 2), stride=(2, 1), padding=(2, 0), dilation=(2, 1)),
    dict(kernel_size=4, stride=3, padding=1),
    dict(kernel_size=3, stride=1, padding="same", dilation=2),
]


@pytest.mark.parametrize("geometry", CONV_GEOMETRIES)
def test_conv_gradients_equal_autograd_when_exact(geometry):
    ref = nn.Conv2d(4, 6, **geometry)
    layer = bft.Conv2d(4, 6, numerics=exact_numerics(), **geometry)
    with torch.no_grad():
        ref.weight.copy_(small_ints(*ref.weight.shape, seed=5))
        ref.bias.copy_(small_ints(6, seed=6))
    assert_same_as_torch(layer, ref, small_ints(3, 4, 10, 9, seed=7), g_seed=8)


def test_inexact_numerics_change_the_gradient():
    # The exact tests above can fail: 4-bit numerics on the same integer
    # data give another dX.
    layer = bft.Conv2d(4, 6, 3, stride=2, padding=1, numerics="all4")
    ref = nn.Conv2d(4, 6, 3, stride=2, padding=1)
    with torch.no_grad():
        ref.weight.copy_(small_ints(6, 4, 3, 3, high=100, seed=9))
    layer.load_state_dict(ref.state_dict())
    x = small_ints(2, 4, 8, 8, high=100, seed=10).requires_grad_()
    x_ref = x.detach().clone().requires_grad_()
    layer(x).sum().backward()
    ref(x_ref).sum().backward()
    assert not torch.equal(x.grad, x_ref.grad)


# --- each pass in its own arithmetic ------------------------------------------


def run_linear(numerics, seed=11):
    torch.manual_seed(0)
    layer = bft.Linear(120, 16, numerics=numerics)
    x = heavy_tailed(20, 120, seed=seed).requires_grad_()
    g = heavy_tailed(20, 16, seed=seed + 1)
    y = layer(x)
    y.backward(g)
    return layer, x, g, y


def test_each_pass_uses_its_own_numerics():
    base = bft.Numerics.parse("fwd=16x16,dgrad=16x16,wgrad=16x16")
    low_dgrad = bft.Numerics.parse("fwd=16x16,dgrad=4x4,wgrad=16x16")
    low_wgrad = bft.Numerics.parse("fwd=16x16,dgrad=16x16,wgrad=4x4")
    _, x0, _, y0 = run_linear(base)
    l1, x1, _, y1 = run_linear(low_dgrad)
    l2, x2, _, y2 = run_linear(low_wgrad)
    l0, *_ = run_linear(base)
    assert_bit_equal(y1, y0)
    assert_bit_equal(l1.weight.grad, l0.weight.grad)
    assert not torch.equal(x1.grad, x0.grad)
    assert_bit_equal(y2, y0)
    assert_bit_equal(x2.grad, x0.grad)
    assert not torch.equal(l2.weight.grad, l0.weight.grad)


def test_linear_backward_passes_are_bfp_matmul_with_the_hardware_roles():
    numerics = bft.Numerics(fwd=bft.Bfp(8, 8), dgrad=bft.Bfp(8, 4), wgrad=bft.Bfp(4, 16))
    layer, x, g, _ = run_linear(numerics)
    # dX^T = W^T @ dY^T (A = W^T 8 bits, B = dY^T 4 bits)
    dx_t = bfp(layer.weight.t(), g.t(), a_bits=8, b_bits=4)
    assert_bit_equal(x.grad, dx_t.t())
    # dW = dY^T @ X (A = dY^T 4 bits, B = X 16 bits)
    dw = bfp(g.t(), x.detach(), a_bits=4, b_bits=16)
    assert_bit_equal(layer.weight.grad, dw)


def test_conv_backward_passes_are_bfp_matmul_with_the_hardware_roles():
    # Stride 1: the data gradient is the correlation of the padded dY with
    # the flipped kernel, K in (o, ky', kx') order; built here with F.unfold.
    numerics = bft.Numerics(fwd=bft.Bfp(8, 8), dgrad=bft.Bfp(4, 8), wgrad=bft.Bfp(8, 16))
    layer = bft.Conv2d(5, 8, 3, padding=1, numerics=numerics)
    x = heavy_tailed(2, 5, 7, 6, seed=12).requires_grad_()
    y = layer(x)
    g = heavy_tailed(*y.shape, seed=13)
    y.backward(g)
    w_t = layer.weight.flip(2, 3).permute(1, 0, 2, 3).reshape(5, -1)  # W^T: (Cin, Cout*9)
    dy_cols = F.unfold(g, 3, padding=1)  # (B, Cout*9, H*W)
    dy_t = dy_cols.permute(1, 0, 2).reshape(8 * 9, -1)
    dx_t = bfp(w_t, dy_t, a_bits=4, b_bits=8)  # (Cin, B*H*W)
    assert_bit_equal(x.grad, dx_t.reshape(5, 2, 7, 6).permute(1, 0, 2, 3))
    cols = F.unfold(x.detach(), 3, padding=1)  # X: (B*H*W, Cin*9) after the permute
    x_rows = cols.permute(0, 2, 1).reshape(-1, 5 * 9)
    dy_rows_t = g.permute(1, 0, 2, 3).reshape(8, -1)
    dw = bfp(dy_rows_t, x_rows, a_bits=8, b_bits=16)
    assert_bit_equal(layer.weight.grad, dw.reshape(layer.weight.shape))


def test_numerics_captured_at_forward_and_settable():
    layer = bft.Linear(30, 4, numerics="all16")
    x = heavy_tailed(5, 30, seed=14).requires_grad_()
    y = layer(x)
    layer.numerics = "all4"  # the running step keeps all16
    y.sum().backward()
    assert set(layer.stats["dgrad"]["macs"]) == {"bfp16"}
    y = layer(x)
    assert "bfp4" in layer.stats["fwd"]["macs"]
    assert layer.numerics == bft.Numerics.parse("all4")


# --- engines: forward is engine.gemm, each pass with its roles ----------------


class RecordingEngine:
    """An engine stand-in: x @ w^T in float64 rounded to float32, recording
    the operands, so the tests see which tensors each pass hands over."""

    unit = "test.engine"
    params = {"act_bits": [4, 8]}  # two modes, as an OpalPe's

    def __init__(self):
        self.calls = []

    def gemm(self, x, w, *, mode=0):
        assert x.dtype == np.float32 and w.dtype == np.float32
        assert x.flags.c_contiguous and w.flags.c_contiguous
        self.calls.append((x.copy(), w.copy(), mode))
        return (x.astype(np.float64) @ w.astype(np.float64).T).astype(np.float32)


def test_engine_roles_per_pass():
    engine = RecordingEngine()
    arith = bft.EngineGemm(engine, mode=1)
    layer = bft.Linear(12, 5, bias=False, numerics=bft.Numerics(arith, arith, arith))
    x = torch.randn(7, 12, requires_grad=True)
    y = layer(x)
    g = torch.randn(7, 5)
    y.backward(g)
    (fx, fw, fm), (dx_x, dx_w, _), (wx, ww, _) = engine.calls
    w = layer.weight.detach().numpy()
    assert fm == 1
    np.testing.assert_array_equal(fx, x.detach().numpy())
    np.testing.assert_array_equal(fw, w)
    np.testing.assert_array_equal(dx_x, g.numpy())  # dgrad: x = dY, w = W^T
    np.testing.assert_array_equal(dx_w, w.T)
    np.testing.assert_array_equal(wx, g.numpy().T)  # wgrad: x = dY^T, w = X^T
    np.testing.assert_array_equal(ww, x.detach().numpy().T)
    assert layer.stats["fwd"]["macs"] == {"test.engine/mode1": 7 * 12 * 5}


def test_engine_mode_is_checked():
    with pytest.raises(ValueError, match=r"mode=2: test.engine has 2 mode\(s\) \(act_bits\)"):
        bft.EngineGemm(RecordingEngine(), mode=2)


def test_conv_engine_forward_is_engine_gemm_of_im2col():
    engine = RecordingEngine()
    layer = bft.Conv2d(3, 4, 3, stride=2, numerics=bft.Numerics(fwd=bft.EngineGemm(engine)))
    x = torch.randn(2, 3, 9, 9)
    y = layer(x)
    cols = F.unfold(x, 3, stride=2).permute(0, 2, 1).reshape(-1, 27).numpy()
    fx, fw, _ = engine.calls[0]
    np.testing.assert_array_equal(fx, cols)
    np.testing.assert_array_equal(fw, layer.weight.detach().reshape(4, -1).numpy())
    out = torch.from_numpy(engine.gemm(cols, fw)).reshape(2, 4, 4, 4).permute(0, 3, 1, 2)
    assert_bit_equal(y, out + layer.bias.view(1, -1, 1, 1))


@pytest.mark.skipif(not hasattr(blockforge, "OpalPe"), reason="blockforge.OpalPe not built")
def test_opal_pe_forward_is_engine_gemm_bit_for_bit():
    engine = blockforge.OpalPe()
    block = engine.params["block"]
    layer = bft.Linear(2 * block, 6, numerics=bft.Numerics(fwd=bft.EngineGemm(engine)))
    x = heavy_tailed(4, 2 * block, seed=15)
    y = layer(x)
    expected = torch.from_numpy(engine.gemm(x.numpy(), layer.weight.detach().numpy()))
    assert_bit_equal(y, expected + layer.bias)
    assert set(layer.stats["fwd"]["macs"]) == {"opal.pe"}
    # Backward in mode 1 (act_bits[1]): dX = gemm(dY, W^T), dW = gemm(dY^T, X^T).
    arith = bft.EngineGemm(engine, mode=1)
    layer.numerics = bft.Numerics(arith, arith, arith)
    x.requires_grad_()
    g = heavy_tailed(4, 6, seed=16)
    layer(x).backward(g)
    w = layer.weight.detach().numpy()
    assert_bit_equal(x.grad, torch.from_numpy(engine.gemm(g.numpy(), w.T.copy(), mode=1)))
    dw = engine.gemm(g.numpy().T.copy(), x.detach().numpy().T.copy(), mode=1)
    assert_bit_equal(layer.weight.grad, torch.from_numpy(dw))


@pytest.mark.skipif(not hasattr(blockforge, "Bf16Dot"), reason="blockforge.Bf16Dot not built")
def test_bf16_dot_conv_forward_is_engine_gemm_bit_for_bit():
    engine = blockforge.Bf16Dot()
    layer = bft.Conv2d(4, 3, 2, bias=False, numerics=bft.Numerics(fwd=bft.EngineGemm(engine)))
    x = heavy_tailed(2, 4, 5, 5, seed=16)
    y = layer(x)
    cols = np.ascontiguousarray(F.unfold(x, 2).permute(0, 2, 1).reshape(-1, 16).numpy())
    out = engine.gemm(cols, layer.weight.detach().reshape(3, -1).numpy())
    assert_bit_equal(y, torch.from_numpy(out).reshape(2, 4, 4, 3).permute(0, 3, 1, 2))


@pytest.mark.parametrize("geometry", CONV_GEOMETRIES[2:5])
def test_conv_engine_backward_equals_autograd_when_exact(geometry):
    # The stand-in engine is exact on small integers, so every pass through
    # it (im2col forward, phase-split data gradient, weight gradient) must
    # equal torch's convolution gradients exactly.
    arith = bft.EngineGemm(RecordingEngine())
    ref = nn.Conv2d(3, 5, **geometry)
    layer = bft.Conv2d(3, 5, numerics=bft.Numerics(arith, arith, arith), **geometry)
    with torch.no_grad():
        ref.weight.copy_(small_ints(*ref.weight.shape, seed=17))
    assert_same_as_torch(layer, ref, small_ints(2, 3, 9, 8, seed=18), g_seed=19)


def test_channels_last_and_batched_inputs():
    conv = bft.Conv2d(4, 6, 3, stride=2, padding=1, numerics="mixed")
    x = heavy_tailed(2, 4, 9, 9, seed=20)
    assert_bit_equal(conv(x.to(memory_format=torch.channels_last)), conv(x))
    lin = bft.Linear(10, 3, numerics="mixed")
    x3 = heavy_tailed(2, 4, 10, seed=21).requires_grad_()
    y = lin(x3)
    y.backward(torch.ones_like(y))
    x2 = x3.detach().reshape(8, 10).requires_grad_()
    y2 = lin(x2)
    y2.backward(torch.ones_like(y2))
    assert_bit_equal(y, y2.reshape(2, 4, 3))
    assert_bit_equal(x3.grad, x2.grad.reshape(2, 4, 10))


def test_bfp_conv_output_and_data_gradient_are_channels_last_views():
    # A BFP forward and data gradient return the GEMM's channels-last result
    # without a copy (documented on Conv2d); the values are the same as a
    # contiguous copy's, and an FP32 layer keeps torch's own layout.
    conv = bft.Conv2d(4, 6, 3, padding=1, numerics="mixed")
    x = heavy_tailed(2, 4, 7, 7, seed=22).requires_grad_()
    seen = []
    x_in = x * 1  # a non-leaf: its hook sees the gradient as the layer returns it
    x_in.register_hook(seen.append)
    y = conv(x_in)
    assert y.is_contiguous(memory_format=torch.channels_last) and not y.is_contiguous()
    y.backward(torch.ones_like(y))
    assert seen[0].is_contiguous(memory_format=torch.channels_last)
    x2 = x.detach().clone().requires_grad_()
    y2 = conv(x2).contiguous()
    y2.backward(torch.ones_like(y2))
    assert_bit_equal(y2, y)
    assert_bit_equal(x2.grad.contiguous(), x.grad)
    fp32 = bft.Conv2d(4, 6, 3, padding=1, numerics="fp32")
    assert fp32(x.detach()).is_contiguous()


def test_random_conv_geometries_exact():
    # Kernel, stride, dilation and padding drawn at random (padding past the
    # kernel's reach, strides above the kernel, common factors of stride and
    # dilation): the phase split of the data gradient must equal torch's.
    rng = np.random.default_rng(22)
    checked = 0
    while checked < 40:
        k, s, d = rng.integers(1, 6, 2), rng.integers(1, 5, 2), rng.integers(1, 4, 2)
        p, size = rng.integers(0, 5, 2), rng.integers(1, 14, 2)
        out = (size + 2 * p - d * (k - 1) - 1) // s + 1
        if (out < 1).any():
            continue
        geometry = dict(kernel_size=tuple(map(int, k)), stride=tuple(map(int, s)),
                        dilation=tuple(map(int, d)), padding=tuple(map(int, p)))
        ref = nn.Conv2d(2, 3, **geometry)
        layer = bft.Conv2d(2, 3, numerics=exact_numerics(), **geometry)
        with torch.no_grad():
            ref.weight.copy_(small_ints(*ref.weight.shape, seed=checked))
        assert_same_as_torch(layer, ref, small_ints(2, 2, *map(int, size), seed=100 + checked),
                             g_seed=200 + checked, context=str(geometry))
        checked += 1
