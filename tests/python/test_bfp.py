"""blockforge.bfp_matmul: FlexBlock's BFP GEMM on numpy arrays, bit for bit
the contract written out (golden/flexblock/bfp_gemm.hpp, the reference
kernel), through any strides, with the zero-setting error of each operand."""

import itertools

import numpy as np
import pytest

import blockforge as bf

MODES = (4, 8, 16)


def operands(m, k, n, seed):
    """Gaussian operands with a heavy tail (2% of elements x 20..100) and zeros."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    for x in (a, b):
        tail = rng.random(x.shape) < 0.02
        x[tail] *= rng.uniform(20, 100, tail.sum()).astype(np.float32)
        x[rng.random(x.shape) < 0.05] = 0.0
    return a, b


def bits(x):
    return x.view(np.uint32)


@pytest.mark.parametrize("a_bits,b_bits", list(itertools.product(MODES, MODES)))
def test_fast_kernel_equals_the_contract(a_bits, b_bits):
    a, b = operands(13, 300, 11, seed=a_bits * 100 + b_bits)
    fast = bf.bfp_matmul(a, b, a_bits=a_bits, b_bits=b_bits)
    ref = bf.bfp_matmul(a, b, a_bits=a_bits, b_bits=b_bits, kernel="reference")
    assert fast.shape == (13, 11) and fast.dtype == np.float32
    assert np.array_equal(bits(fast), bits(ref))


def test_groups_rounding_and_short_last_groups():
    a, b = operands(7, 250, 5, seed=3)
    for ga, gb, rounding in [(16, 32, "truncate"), (250, 7, "nearest_even"), (1, 100, "nearest_away")]:
        kw = dict(a_bits=8, b_bits=4, a_group=ga, b_group=gb, rounding=rounding)
        assert np.array_equal(bits(bf.bfp_matmul(a, b, **kw)),
                              bits(bf.bfp_matmul(a, b, kernel="reference", **kw)))


def test_strided_operands_need_no_copy():
    """Transposed and sliced views give what their contiguous copies give."""
    a, b = operands(20, 120, 30, seed=4)
    expected = bf.bfp_matmul(a, b)
    at = np.ascontiguousarray(a.T)
    bt = np.ascontiguousarray(b.T)
    assert np.array_equal(bits(bf.bfp_matmul(at.T, bt.T)), bits(expected))
    wide = np.zeros((20, 240), np.float32)
    wide[:, ::2] = a
    assert np.array_equal(bits(bf.bfp_matmul(wide[:, ::2], b)), bits(expected))


def test_multi_axis_operands_read_a_convolution_in_place():
    """k_ndim = 3: W (Cout, Cin, kh, kw) times the strided window view of a
    padded input (Cin, kh, kw, B, Ho, Wo) equals the GEMM of the im2col
    copies bit for bit, and the result keeps the axes (Cout, B, Ho, Wo)."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 4, 6, 5)).astype(np.float32)
    w = rng.standard_normal((7, 4, 3, 3)).astype(np.float32)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, shape=(4, 3, 3, 3, 6, 5),
                                          strides=(s[1], s[2], s[3], s[0], s[2], s[3]))
    cols = np.ascontiguousarray(win.reshape(36, 90))
    c = bf.bfp_matmul(w, win, k_ndim=3, a_bits=8, b_bits=4)
    assert c.shape == (7, 3, 6, 5)
    expected = bf.bfp_matmul(w.reshape(7, 36), cols, a_bits=8, b_bits=4)
    assert np.array_equal(bits(c.reshape(7, 90)), bits(expected))
    with pytest.raises(ValueError, match=r"a's last k_ndim axes are 4 x 3 x 3 but b's first"):
        bf.bfp_matmul(w, win[:, :, :2], k_ndim=3)
    with pytest.raises(ValueError, match=r"k_ndim=0: the number of K axes must be 1..8"):
        bf.bfp_matmul(w, win, k_ndim=0)


def test_exact_where_bfp_is_exact():
    """Small integers quantize exactly in 16-bit mode and their products and
    sums are exact in fp32: the result is the integer product."""
    rng = np.random.default_rng(5)
    a = rng.integers(-50, 50, (9, 64)).astype(np.float32)
    b = rng.integers(-50, 50, (64, 6)).astype(np.float32)
    c = bf.bfp_matmul(a, b, a_bits=16, b_bits=16)
    assert np.array_equal(c, (a.astype(np.int64) @ b.astype(np.int64)).astype(np.float32))
    # 4-bit mantissas cannot hold +-49 next to +-1 in one group: not exact.
    assert not np.array_equal(bf.bfp_matmul(a, b, a_bits=4, b_bits=4), c)


def test_a_one_ulp_difference_is_caught():
    a, b = operands(4, 64, 4, seed=6)
    c = bf.bfp_matmul(a, b)
    d = c.copy()
    bits(d)[2, 1] += 1
    assert not np.array_equal(bits(d), bits(bf.bfp_matmul(a, b, kernel="reference")))


def test_zero_setting_error():
    # One group of 4 (4-bit mode: values down to 2^-3 of the group's leading
    # binade survive): 1.0 keeps, 2^-3 keeps, 2^-5 and 2^-8 are flushed; the
    # zero does not count.
    a = np.array([[1.0, 0.125, 2.0 ** -5, 2.0 ** -8, 0.0]], np.float32)
    b = np.ones((5, 1), np.float32)
    c, stats = bf.bfp_matmul(a, b, a_bits=4, b_bits=16, a_group=5, stats=True)
    assert stats["a_zero_fraction"] == pytest.approx(2 / 4)
    assert stats["b_zero_fraction"] == 0.0
    assert c[0, 0] == pytest.approx(1.125)


def test_bad_arguments():
    a, b = operands(3, 8, 2, seed=7)
    with pytest.raises(ValueError, match=r"a_bits=6: FlexBlock's mantissa modes are 4, 8 and 16"):
        bf.bfp_matmul(a, b, a_bits=6)
    with pytest.raises(ValueError, match=r"b_group=0: a BFP group holds 1..4096 elements"):
        bf.bfp_matmul(a, b, b_group=0)
    with pytest.raises(ValueError, match=r"a has K = 8 columns but b has 2 rows"):
        bf.bfp_matmul(a, b.T)
    with pytest.raises(ValueError, match=r"a: expected a 2-d array \(M, K\), got shape \(8,\)"):
        bf.bfp_matmul(a[0], b)
    with pytest.raises(TypeError, match=r"b: expected dtype float32, got float64"):
        bf.bfp_matmul(a, b.astype(np.float64))
    with pytest.raises(ValueError, match=r"rounding='stochastic': accepted truncate"):
        bf.bfp_matmul(a, b, rounding="stochastic")
