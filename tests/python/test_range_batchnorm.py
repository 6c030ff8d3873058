"""blockforge.torch.batchnorm.RangeBatchNorm2d: LightNorm's range BN as a
torch module, its autograd gradients bit for bit RangeBn's, its running
statistics, eval mode, state_dict and conversion from nn.BatchNorm2d."""

import copy
import io
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import blockforge  # noqa: E402
from blockforge.torch.batchnorm import RangeBatchNorm2d  # noqa: E402


def assert_bits_equal(actual, expected, what):
    a, e = np.asarray(actual, dtype=np.float32), np.asarray(expected, dtype=np.float32)
    assert a.shape == e.shape, f"{what}: shape {a.shape} != {e.shape}"
    differ = a.view(np.uint32) != e.view(np.uint32)
    assert not differ.any(), f"{what}: {int(differ.sum())} of {differ.size} values differ"


def batch(shape=(4, 3, 4, 4), seed=0):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=gen) * 1.5 + 0.5
    g = torch.randn(shape, generator=gen)
    return x, g


def trained_layer(params=None, seed=1):
    layer = RangeBatchNorm2d(3, **(params or {}))
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        layer.weight.copy_(torch.rand(3, generator=gen) + 0.5)
        layer.bias.copy_(torch.rand(3, generator=gen) - 0.5)
    return layer


@pytest.mark.parametrize("params", [{}, {"bfp": "none", "reciprocal": "pow2"}, "fp32"])
def test_autograd_gradients_are_range_bn_backward_bit_for_bit(params):
    kwargs = ({"io": "fp32", "grad": "fp32", "stat": "fp32", "norm": "fp32", "bfp": "none"}
              if params == "fp32" else params)
    layer = trained_layer(kwargs)
    x, g = batch()
    x.requires_grad_(True)
    y = layer(x)
    (y * g).sum().backward()  # dL/dy = g exactly

    rb = blockforge.RangeBn(**kwargs)
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    want_y, saved = rb.forward(x.detach().numpy(), w, b)
    dx, dgamma, dbeta = rb.backward(g.numpy(), saved)
    assert_bits_equal(y.detach(), want_y, "y")
    assert_bits_equal(x.grad, dx, "dx")
    assert_bits_equal(layer.weight.grad, dgamma, "dgamma")
    assert_bits_equal(layer.bias.grad, dbeta, "dbeta")
    assert x.grad.abs().max() > 0


def test_the_comparison_catches_a_gradient_of_other_numerics():
    layer = trained_layer()
    x, g = batch()
    x.requires_grad_(True)
    (layer(x) * g).sum().backward()
    rb = blockforge.RangeBn(bfp="none")  # the same data, without LightNorm's BFP
    _, saved = rb.forward(x.detach().numpy(), layer.weight.detach().numpy(),
                          layer.bias.detach().numpy())
    dx = rb.backward(g.numpy(), saved)[0]
    with pytest.raises(AssertionError, match="values differ"):
        assert_bits_equal(x.grad, dx, "dx")


def test_training_updates_running_stats_and_eval_uses_them():
    layer = trained_layer({"momentum": 0.25})
    x, _ = batch(seed=3)
    layer.train()
    _, saved = blockforge.RangeBn().forward(x.numpy(), layer.weight.detach().numpy(),
                                            layer.bias.detach().numpy())
    layer(x)
    assert int(layer.num_batches_tracked) == 1
    sigma = saved.range.astype(np.float64) * float(saved.range_constant)
    np.testing.assert_allclose(layer.running_mean.numpy(), 0.25 * saved.mean, rtol=1e-6)
    np.testing.assert_allclose(layer.running_var.numpy(), 0.75 + 0.25 * sigma**2, rtol=1e-6)
    # C(n) * range is range BN's standard-deviation estimate: near the data's 1.5.
    assert np.all((sigma > 1.0) & (sigma < 4.0))

    layer.eval()
    with torch.no_grad():
        y = layer(x)
    # Eval is the golden datapath with the running statistics frozen in.
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    want = blockforge.RangeBn().inference(x.numpy(), w, b, layer.running_mean.numpy(),
                                          layer.running_var.sqrt().numpy())
    assert_bits_equal(y, want, "eval y")
    # ... which is the fp32 formula up to the fp10 formats and BFP.
    d = np.sqrt(layer.running_var.numpy().astype(np.float64)) + 1e-5
    formula = ((x.numpy() - layer.running_mean.numpy()[:, None, None]) / d[:, None, None]
               * w[:, None, None] + b[:, None, None])
    np.testing.assert_allclose(y.numpy(), formula, rtol=0.1, atol=0.1)
    assert int(layer.num_batches_tracked) == 1  # eval does not update


def test_eval_in_the_training_formats_differs_from_fp32_eval():
    # The comparison above can fail: fp32 arithmetic is not the fp10 + BFP path.
    layer = trained_layer()
    x, _ = batch(seed=4)
    layer(x)
    layer.eval()
    fp32 = blockforge.RangeBn.fp32()
    with torch.no_grad():
        y = layer(x)
    want = fp32.inference(x.numpy(), layer.weight.detach().numpy(), layer.bias.detach().numpy(),
                          layer.running_mean.numpy(), layer.running_var.sqrt().numpy())
    with pytest.raises(AssertionError, match="values differ"):
        assert_bits_equal(y, want, "eval y")


def test_eval_gradients_are_the_fp32_formula_straight_through():
    layer = trained_layer({"io": "fp32", "bfp": "none"})
    x, g = batch(seed=6)
    layer(x)
    layer.eval()
    x.requires_grad_(True)
    (layer(x) * g).sum().backward()
    mean, var = layer.running_mean.double(), layer.running_var.double()
    inv_d = 1.0 / (var.sqrt() + 1e-5)
    w = layer.weight.detach().double()
    x_hat = (x.detach().double() - mean[:, None, None]) * inv_d[:, None, None]
    np.testing.assert_allclose(x.grad.numpy(), (g.double() * (w * inv_d)[:, None, None]).numpy(),
                               rtol=1e-6)
    np.testing.assert_allclose(layer.weight.grad.numpy(), (g.double() * x_hat).sum((0, 2, 3)),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.bias.grad.numpy(), g.double().sum((0, 2, 3)), rtol=1e-5,
                               atol=1e-6)


def test_cumulative_average_with_momentum_none():
    layer = RangeBatchNorm2d(3, momentum=None)
    means = []
    for seed in range(3):
        x, _ = batch(seed=seed)
        means.append(blockforge.RangeBn().forward(x.numpy(), np.ones(3, np.float32),
                                                  np.zeros(3, np.float32))[1].mean)
        layer(x)
    np.testing.assert_allclose(layer.running_mean.numpy(), np.mean(means, axis=0), rtol=1e-5)


def test_state_dict_round_trip_and_batchnorm_names():
    layer = trained_layer({"chunks": 4})
    layer(batch()[0])
    names = set(layer.state_dict())
    assert names == set(nn.BatchNorm2d(3).state_dict())
    buffer = io.BytesIO()
    torch.save(layer.state_dict(), buffer)
    buffer.seek(0)
    other = RangeBatchNorm2d(3, chunks=4)
    other.load_state_dict(torch.load(buffer))
    for k, v in layer.state_dict().items():
        assert torch.equal(other.state_dict()[k], v), k
    x, g = batch(seed=5)
    assert_bits_equal(other(x).detach(), layer(x).detach(), "y after load_state_dict")
    # A whole-module copy keeps the range-BN parameters.
    clone = copy.deepcopy(layer)
    assert clone.range_bn.params == layer.range_bn.params
    # Broken expectation: a state_dict with other values gives other outputs.
    with torch.no_grad():
        other.weight[0] += 0.5
    with pytest.raises(AssertionError, match="values differ"):
        assert_bits_equal(other(x).detach(), layer(x).detach(), "y")


def test_from_batchnorm_takes_weights_statistics_and_mode():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([0.5, 1.0, 2.0]))
        bn.bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
    bn(batch()[0])
    bn.eval()
    layer = RangeBatchNorm2d.from_batchnorm(bn, chunks=4, io="fp32", bfp="none")
    assert layer.weight is bn.weight and layer.bias is bn.bias
    assert torch.equal(layer.running_mean, bn.running_mean)
    assert torch.equal(layer.running_var, bn.running_var)
    assert layer.running_mean is not bn.running_mean  # copied, not shared
    assert int(layer.num_batches_tracked) == 1 and not layer.training
    assert layer.momentum == 0.3 and layer.range_bn.params["chunks"] == 4
    # Eval of the converted layer (fp32 formats) is nn.BatchNorm2d's up to
    # eps placement.
    x, _ = batch(seed=9)
    with torch.no_grad():
        np.testing.assert_allclose(layer(x).numpy(), bn(x).numpy(), rtol=1e-4, atol=1e-4)
    with pytest.raises(TypeError, match="expected an nn.BatchNorm2d, got Linear"):
        RangeBatchNorm2d.from_batchnorm(nn.Linear(2, 2))


def test_affine_false_normalizes_without_parameters():
    layer = RangeBatchNorm2d(3, affine=False, bfp="none")
    x, _ = batch()
    y = layer(x)
    want, _ = blockforge.RangeBn(bfp="none").forward(x.numpy(), np.ones(3, np.float32),
                                                     np.zeros(3, np.float32))
    assert_bits_equal(y, want, "y")
    assert layer.weight is None and "weight" not in layer.state_dict()


def test_bad_input_raises_one_clear_exception():
    layer = RangeBatchNorm2d(3)
    x, _ = batch()
    with pytest.raises(TypeError, match=r"x: expected dtype torch.float32, got torch.float64; "
                                        r"convert with x.float\(\)"):
        layer(x.double())
    with pytest.raises(TypeError, match=r"expected a torch.Tensor of float32, got ndarray"):
        layer(x.numpy())
    with pytest.raises(ValueError, match=r"x: expected \(N, 3, H, W\) for RangeBatchNorm2d\(3\), "
                                         r"got shape \(4, 2, 4, 4\)"):
        layer(x[:, :2])
    with pytest.raises(ValueError, match=r"x: expected \(N, 3, H, W\)"):
        layer(x[0])
    with pytest.raises(ValueError, match=r"n = N\*H\*W = 12 values per channel"):
        layer(torch.zeros(3, 3, 2, 2))
    with pytest.raises(ValueError, match=r"unknown parameter 'chunk'.*did you mean 'chunks'"):
        RangeBatchNorm2d(3, chunk=4)
    with pytest.raises(ValueError, match=r"momentum=2: expected a float in \[0, 1\] or None"):
        RangeBatchNorm2d(3, momentum=2)
    with pytest.raises(ValueError, match=r"num_features=0"):
        RangeBatchNorm2d(0)


def test_non_contiguous_input_and_gradient():
    layer = trained_layer()
    x, g = batch(shape=(4, 4, 4, 3))
    xt = x.permute(0, 3, 1, 2)  # (4, 3, 4, 4), not contiguous
    xt.requires_grad_(True)
    y = layer(xt)
    (y * g.permute(0, 3, 1, 2)).sum().backward()
    rb = blockforge.RangeBn()
    want_y, saved = rb.forward(xt.detach().contiguous().numpy(), layer.weight.detach().numpy(),
                               layer.bias.detach().numpy())
    assert_bits_equal(y.detach(), want_y, "y")
    dx = rb.backward(g.permute(0, 3, 1, 2).contiguous().numpy(), saved)[0]
    assert_bits_equal(xt.grad, dx, "dx")
    assert math.isfinite(float(y.sum()))
