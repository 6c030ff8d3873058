"""blockforge.torch numerics: parsing (the convention of `blockforge map`),
per-pass statistics (MACs as the mapping model counts them, zero-setting
fractions as bfp_matmul measures them) and bad-input messages."""

import json
import subprocess

import numpy as np
import pytest
import torch

import blockforge
import blockforge.torch as bft
from blockforge.torch.numerics import FP32

torch.set_num_threads(1)


def flushy(*shape, seed=0):
    # Mostly small values with a few huge ones: BFP groups flush many of the
    # small ones to zero, so the zero-setting fractions are far from 0.
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=g) * 1e-3
    mask = torch.rand(shape, generator=g) < 0.02
    return torch.where(mask, x * 1e5, x)


# --- parsing -------------------------------------------------------------------


def test_presets_match_the_mapping_schedules():
    assert bft.Numerics.parse("fp32") == bft.Numerics()
    assert bft.Numerics.parse("all8") == bft.Numerics(bft.Bfp(8, 8), bft.Bfp(8, 8),
                                                      bft.Bfp(8, 8))
    mixed = bft.Numerics.parse("mixed")
    assert (mixed.fwd, mixed.dgrad, mixed.wgrad) == (bft.Bfp(8, 8), bft.Bfp(8, 16),
                                                     bft.Bfp(16, 8))
    assert mixed.spec() == "fwd=8x8,dgrad=8x16,wgrad=16x8"
    assert bft.Numerics.parse(mixed.spec()) == mixed
    explicit = bft.Numerics.parse("wgrad=4x16,fwd=fp32,dgrad=16x4")
    assert explicit.fwd is FP32 and explicit.wgrad == bft.Bfp(4, 16)
    assert [bft.Bfp(16, 16).name, bft.Bfp(8, 16).name, FP32.name] == ["bfp16", "bfp8x16", "fp32"]


@pytest.mark.parametrize("text, message", [
    ("all5", "not a preset"),
    ("fwd=8x8,dgrad=8x16", "pass wgrad not given"),
    ("fwd=8x8,dgrad=8x16,wgrad=16x8,fwd=4x4", "given twice"),
    ("fwd=8x8,back=8x16,wgrad=16x8", "unknown pass 'back'"),
    ("fwd=8x8,dgrad=8x12,wgrad=16x8", "'12' is not a mode"),
    ("fwd=8,dgrad=8x16,wgrad=16x8", "'8' is not AxB"),
])
def test_bad_numerics_text(text, message):
    with pytest.raises(ValueError, match=message):
        bft.Numerics.parse(text)


def test_bad_arithmetic_arguments():
    with pytest.raises(ValueError, match="a_bits=5: FlexBlock's mantissa modes are 4, 8 and 16"):
        bft.Bfp(5, 8)
    with pytest.raises(ValueError, match="b_group=0: a BFP group holds 1..4096"):
        bft.Bfp(8, 8, b_group=0)
    with pytest.raises(ValueError, match="rounding='up'"):
        bft.Bfp(8, 8, rounding="up")
    with pytest.raises(TypeError, match="expected a blockforge engine"):
        bft.EngineGemm(object())
    with pytest.raises(TypeError, match="Numerics dgrad=8"):
        bft.Numerics(dgrad=8)
    with pytest.raises(TypeError, match="numerics=3.0: expected a blockforge.torch.Numerics"):
        bft.Linear(4, 4, numerics=3.0)


def test_bad_layer_input():
    layer = bft.Linear(8, 3, numerics="all8")
    with pytest.raises(TypeError, match=r"x: expected dtype torch.float32, got torch.float64; "
                                        r"convert with x.float\(\)"):
        layer(torch.zeros(2, 8, dtype=torch.float64))
    with pytest.raises(TypeError, match="x: expected a torch.Tensor"):
        layer(np.zeros((2, 8), np.float32))
    with pytest.raises(ValueError, match=r"x: expected shape \(\*, 8\)"):
        layer(torch.zeros(2, 7))
    conv = bft.Conv2d(3, 4, 3, numerics="all8")
    with pytest.raises(ValueError, match=r"x: expected shape \(B, 3, H, W\), got \(1, 2, 5, 5\)"):
        conv(torch.zeros(1, 2, 5, 5))
    with pytest.raises(ValueError, match="smaller than the kernel"):
        conv(torch.zeros(1, 3, 2, 2))
    with pytest.raises(TypeError, match="weight: expected dtype torch.float32"):
        bft.Conv2d(3, 4, 3).double()(torch.zeros(1, 3, 5, 5))
    with pytest.raises(ValueError, match="groups=2: .* supports groups=1 only"):
        bft.Conv2d(4, 4, 3, groups=2)
    with pytest.raises(ValueError, match="padding='same' .* pads one side more"):
        bft.Conv2d(4, 4, 2, padding="same")


# --- statistics ------------------------------------------------------------------


def test_linear_macs_accumulate_per_mode_and_reset():
    layer = bft.Linear(40, 10, numerics="mixed")
    for _ in range(2):
        x = torch.randn(6, 40, requires_grad=True)
        layer(x).sum().backward()
    macs = 2 * 6 * 40 * 10
    assert {p: layer.stats[p]["macs"] for p in ("fwd", "dgrad", "wgrad")} == {
        "fwd": {"bfp8": macs}, "dgrad": {"bfp8x16": macs}, "wgrad": {"bfp16x8": macs}}
    layer.numerics = None  # fp32 passes run torch's kernels and are counted too
    layer(torch.randn(3, 40, requires_grad=True)).sum().backward()
    assert layer.stats["dgrad"]["macs"] == {"bfp8x16": macs, "fp32": 3 * 40 * 10}
    assert layer.stats["fwd"]["a_zero_fraction"] is None
    layer.reset_stats()
    assert layer.stats["wgrad"] == {"macs": {}, "a_zero_fraction": None, "b_zero_fraction": None}


def test_first_layer_data_gradient_is_not_run():
    layer = bft.Conv2d(1, 4, 3, numerics="all8")
    layer(torch.randn(2, 1, 6, 6)).sum().backward()  # the input needs no gradient
    assert layer.stats["dgrad"]["macs"] == {}
    assert layer.stats["wgrad"]["macs"] == {"bfp8": 2 * 16 * 4 * 9}


def test_zero_fractions_are_bfp_matmuls_with_the_hardware_roles():
    numerics = bft.Numerics(fwd=bft.Bfp(4, 8), dgrad=bft.Bfp(8, 4), wgrad=bft.Bfp(4, 16))
    layer = bft.Linear(200, 30, bias=False, numerics=numerics)
    with torch.no_grad():
        layer.weight.copy_(flushy(30, 200, seed=1))
    x = flushy(25, 200, seed=2).requires_grad_()
    g = flushy(25, 30, seed=3)
    layer(x).backward(g)
    w, xs = layer.weight.detach().numpy(), x.detach().numpy()

    def fractions(a, b, a_bits, b_bits):
        _, s = blockforge.bfp_matmul(a, b, a_bits=a_bits, b_bits=b_bits, stats=True)
        return s["a_zero_fraction"], s["b_zero_fraction"]

    expected = {"fwd": fractions(w, xs.T, 4, 8), "dgrad": fractions(w.T, g.numpy().T, 8, 4),
                "wgrad": fractions(g.numpy().T, xs, 4, 16)}
    for p, (a, b) in expected.items():
        assert a != b  # the roles are distinguishable on this data
        assert (layer.stats[p]["a_zero_fraction"], layer.stats[p]["b_zero_fraction"]) == (a, b)


def test_strided_conv_zero_fractions_weigh_the_phases_by_their_nonzeros():
    # A 2x2 stride-2 kernel: four sub-pixel phases of one tap each. Phase
    # (ty, tx) multiplies W[:, :, ty, tx]^T (A, K = Cout) with all of dY^T
    # (B), so the layer's fractions are: A's flushed over non-zero elements
    # summed over the four taps, and B's that of dY^T alone.
    layer = bft.Conv2d(6, 8, 2, stride=2, numerics=bft.Numerics(dgrad=bft.Bfp(4, 4)))
    with torch.no_grad():
        layer.weight.copy_(flushy(8, 6, 2, 2, seed=4))
        layer.weight[:, :3, 0, 1] = 0  # the taps differ in non-zero count
    x = torch.randn(2, 6, 8, 8, requires_grad=True)
    y = layer(x)
    g = flushy(*y.shape, seed=5)
    y.backward(g)
    w = layer.weight.detach().numpy()
    flushed = nonzero = 0
    for ty in range(2):
        for tx in range(2):
            w_t = np.ascontiguousarray(w[:, :, ty, tx].T)
            _, s = blockforge.bfp_matmul(w_t, np.ones((8, 1), np.float32), a_bits=4, b_bits=4,
                                         stats=True)
            flushed += s["a_zero_fraction"] * np.count_nonzero(w_t)
            nonzero += np.count_nonzero(w_t)
    dy_t = g.permute(1, 0, 2, 3).reshape(8, -1).numpy()
    _, s = blockforge.bfp_matmul(np.ones((1, 8), np.float32), dy_t, a_bits=4, b_bits=4,
                                 stats=True)
    assert 0 < flushed / nonzero < 1
    assert layer.stats["dgrad"]["a_zero_fraction"] == pytest.approx(flushed / nonzero, rel=1e-12)
    assert layer.stats["dgrad"]["b_zero_fraction"] == pytest.approx(s["b_zero_fraction"],
                                                                    rel=1e-12)


def test_macs_match_blockforge_map(tmp_path, blockforge_binary, source_dir):
    # The layers' MAC counts per pass equal the mapping model's, including a
    # strided data gradient split into sub-pixel phases.
    table = tmp_path / "net.csv"
    table.write_text("name,type,cin,cout,k,stride,pad,h,w\n"
                     "first,conv,3,4,3,1,1,9,9\n"
                     "c1,conv,4,8,3,2,1,9,9\n"
                     "c2,conv,8,8,1,2,0,5,5\n"
                     "c3,conv,8,6,3,1,0,3,3\n"
                     "fc,fc,6,5,1,1,0,1,1\n")
    batch = 2
    out = subprocess.run([str(blockforge_binary), "map",
                          str(source_dir / "configs" / "flexblock_array.toml"), "--network",
                          str(table), "--batch", str(batch), "--schedule", "mixed", "--json"],
                         check=True, capture_output=True, text=True).stdout
    mapped = {layer["name"]: layer for layer in json.loads(out)["schedules"][0]["layers"]}
    model = torch.nn.Sequential(
        bft.Conv2d(3, 4, 3, padding=1, numerics="mixed"),
        bft.Conv2d(4, 8, 3, stride=2, padding=1, numerics="mixed"),
        bft.Conv2d(8, 8, 1, stride=2, numerics="mixed"),
        bft.Conv2d(8, 6, 3, numerics="mixed"), torch.nn.Flatten(),
        bft.Linear(6, 5, numerics="mixed"))
    model(torch.randn(batch, 3, 9, 9)).sum().backward()
    names = ["first", "c1", "c2", "c3", None, "fc"]
    for name, layer in zip(names, model):
        if name is None:
            continue
        for p, mode in (("fwd", "bfp8"), ("dgrad", "bfp8x16"), ("wgrad", "bfp16x8")):
            expected = {} if mapped[name][p].get("skipped") else {mode: mapped[name][p]["macs"]}
            assert layer.stats[p]["macs"] == expected, (name, p)
