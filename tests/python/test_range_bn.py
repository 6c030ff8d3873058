"""blockforge.RangeBn: LightNorm's range BN on numpy arrays.

Three independent checks:
  - bit for bit against a second C++ path built from the per-channel
    contract (blockforge._core._testing_range_bn_reference: its own
    indexing, scalar conversions, BFP group by group, dx element by element)
    on parameter sets covering BFP on / off / plain, the three reciprocals,
    small norm and stat formats, rounding and exponent policies;
  - in fp32 arithmetic without BFP, the forward against range BN's formula
    in numpy float64, within a bound derived from fp32 rounding;
  - the backward against central differences of that float64 forward.
Each check has a twin showing a wrong answer is caught.
"""

import copy
import ctypes
import math
import pickle
import threading
import time

import numpy as np
import pytest

import blockforge
from blockforge import _core

U32 = 2.0**-24  # unit roundoff of fp32 (round to nearest)


def feature_map(shape, seed, relu=False):
    """Per-channel N(mu, sigma^2) values, mu ~ U(-1, 1), sigma ~ U(0.5, 2)
    (bn-error's gaussian map); relu=True clips at 0 (many ties at the chunk
    minima)."""
    rng = np.random.default_rng(seed)
    n, c, h, w = shape
    mu = rng.uniform(-1, 1, size=(1, c, 1, 1))
    sigma = rng.uniform(0.5, 2, size=(1, c, 1, 1))
    x = mu + sigma * rng.standard_normal(shape)
    if relu:
        x = np.maximum(x, 0.0)
    return x.astype(np.float32)


def inputs(shape, seed, relu=False):
    rng = np.random.default_rng(seed + 1000)
    c = shape[1]
    x = feature_map(shape, seed, relu)
    gamma = rng.uniform(0.5, 1.5, size=c).astype(np.float32)
    beta = rng.uniform(-0.5, 0.5, size=c).astype(np.float32)
    g = rng.standard_normal(shape).astype(np.float32)
    return x, gamma, beta, g


def assert_bits_equal(actual, expected, what):
    """Equal bit patterns (so -0 != +0 and NaN payloads count)."""
    assert actual.dtype == np.float32 and expected.dtype == np.float32, what
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    differ = actual.view(np.uint32) != expected.view(np.uint32)
    if differ.any():
        first = tuple(int(i) for i in np.argwhere(differ)[0])
        raise AssertionError(f"{what}: {int(differ.sum())} of {differ.size} values differ, "
                             f"first at {first}: {actual[first]!r} != {expected[first]!r}")


PARAMETER_SETS = {
    "lightnorm_default": {},
    "no_bfp": {"bfp": "none"},
    "pow2_reciprocal": {"reciprocal": "pow2"},
    "newton_norm_e5m12": {"reciprocal": "newton", "norm": "fp10_e5m4+8", "table_bits": 4,
                          "newton_steps": 1},
    "plain_bfp_group4": {"bfp": "plain", "bfp_group": 4, "chunks": 4, "grad_bfp_bits": 4},
    "fp12_nearest": {"io": "fp12_e5m6", "grad": "fp12_e6m5", "convert_rounding": "nearest_even",
                     "arith_rounding": "nearest_away", "bfp_bits": 7},
    "bf16_stat_ftz": {"stat": "bf16", "exponent": "flush_to_zero", "bfp": "none"},
    "fp32": "fp32",
}


def make(params):
    return blockforge.RangeBn.fp32() if params == "fp32" else blockforge.RangeBn(**params)


def reference_params(params):
    if params != "fp32":
        return params
    return {"io": "fp32", "grad": "fp32", "stat": "fp32", "norm": "fp32", "bfp": "none"}


@pytest.mark.parametrize("relu", [False, True], ids=["gaussian", "relu"])
@pytest.mark.parametrize("name", list(PARAMETER_SETS))
def test_bit_exact_with_the_per_channel_contract(name, relu):
    params = PARAMETER_SETS[name]
    # C = 6 with groups of 8 or 4: a partial BFP group at every position.
    x, gamma, beta, g = inputs((4, 6, 4, 4), seed=7, relu=relu)
    rb = make(params)
    y, saved = rb.forward(x, gamma, beta)
    dx, dgamma, dbeta = rb.backward(g, saved)
    ref = _core._testing_range_bn_reference(x, gamma, beta, g, **reference_params(params))
    for got, want, what in zip((y, dx, dgamma, dbeta), ref, ("y", "dx", "dgamma", "dbeta")):
        assert_bits_equal(got, want, f"{name}: {what}")
    # Not vacuous: the outputs are normalized data, not zeros.
    assert np.abs(y).max() > 0.5 and np.abs(dx).max() > 0


def test_the_bit_comparison_catches_one_flipped_bit_and_other_parameters():
    x, gamma, beta, g = inputs((4, 6, 4, 4), seed=3)
    y, saved = blockforge.RangeBn().forward(x, gamma, beta)
    ref_y = _core._testing_range_bn_reference(x, gamma, beta, g)[0]
    assert_bits_equal(y, ref_y, "y")
    corrupted = ref_y.copy()
    corrupted.view(np.uint32)[1, 2, 3, 0] ^= 1  # the last mantissa bit of one value
    with pytest.raises(AssertionError, match="1 of 384 values differ"):
        assert_bits_equal(y, corrupted, "y")
    # A reference under other parameters disagrees: the comparison sees them.
    for other in ({"chunks": 4}, {"bfp_bits": 4}, {"reciprocal": "pow2"}):
        other_y = _core._testing_range_bn_reference(x, gamma, beta, g, **other)[0]
        with pytest.raises(AssertionError, match="values differ"):
            assert_bits_equal(y, other_y, f"y vs {other}")


@pytest.mark.parametrize("name", list(PARAMETER_SETS))
def test_inference_with_a_forwards_statistics_is_that_forward(name):
    x, gamma, beta, _ = inputs((4, 6, 4, 4), seed=8)
    rb = make(PARAMETER_SETS[name])
    y, saved = rb.forward(x, gamma, beta)
    if rb.params["stat"] != "fp32":
        pytest.skip("the running statistics are float32 values: exact for an fp32 stat format")
    sigma = saved.range * np.float32(saved.range_constant)  # the stat product, rounded as fp32
    assert_bits_equal(rb.inference(x, gamma, beta, saved.mean, sigma), y, f"{name}: y")
    # Frozen statistics are used, not the batch's: another mean moves y.
    other = rb.inference(x, gamma, beta, saved.mean + np.float32(0.5), sigma)
    with pytest.raises(AssertionError, match="values differ"):
        assert_bits_equal(other, y, "y with another mean")


def test_inference_takes_any_batch_and_checks_the_statistics():
    rb = blockforge.RangeBn()
    x = np.ones((1, 2, 3, 3), np.float32)  # n = 9: no multiple of chunks, none needed
    ones, zeros = np.ones(2, np.float32), np.zeros(2, np.float32)
    assert rb.inference(x, ones, zeros, zeros, ones).shape == (1, 2, 3, 3)
    with pytest.raises(ValueError, match=r"sigma: 3 values for the 2 channels of x \(1, 2, 3, 3\)"):
        rb.inference(x, ones, zeros, zeros, np.ones(3, np.float32))
    with pytest.raises(TypeError, match="mean"):
        rb.inference(x, ones, zeros, zeros.astype(np.float64), ones)


def test_backward_reads_saved_any_number_of_times():
    x, gamma, beta, g = inputs((2, 4, 4, 4), seed=5)
    rb = blockforge.RangeBn()
    _, saved = rb.forward(x, gamma, beta)
    first = rb.backward(g, saved)
    second = rb.backward(g, saved)
    for a, b, what in zip(first, second, ("dx", "dgamma", "dbeta")):
        assert_bits_equal(a, b, what)
    other = rb.backward(-g, saved)
    assert_bits_equal(other[2], -first[2], "dbeta of -g")  # a sum of negated terms
    assert saved.shape == (2, 4, 4, 4) and saved.n == 32


def longest_stall(call):
    """Runs call() in a thread while this one spins: (the longest this thread
    went without running, the call's duration). A call that holds the GIL
    stalls the spinning thread for about its whole duration."""
    worker = threading.Thread(target=call)
    start = last = time.perf_counter()
    stall = 0.0
    worker.start()  # may itself wait for the GIL the worker took
    while worker.is_alive():
        now = time.perf_counter()
        stall, last = max(stall, now - last), now
    worker.join()
    return stall, time.perf_counter() - start


def test_forward_and_backward_release_the_gil():
    x, gamma, beta, g = inputs((128, 16, 16, 16), seed=4)
    rb = blockforge.RangeBn()
    _, saved = rb.forward(x, gamma, beta)
    for call in (lambda: rb.forward(x, gamma, beta), lambda: rb.backward(g, saved)):
        stall, duration = longest_stall(call)
        assert stall < 0.5 * duration, f"stalled {stall:.3f} s of a {duration:.3f} s call"
    # The measure sees a held GIL: a C call through ctypes.PyDLL keeps it.
    stall, duration = longest_stall(lambda: ctypes.PyDLL(None).usleep(200000))
    assert stall > 0.5 * duration


# ---- fp32 arithmetic against range BN's formula in float64 ------------------

def to_nchw(per_channel, shape):
    """(C, N*H*W) in (b, h, w) order back to (N, C, H, W)."""
    n, c, h, w = shape
    return per_channel.reshape(c, n, h, w).transpose(1, 0, 2, 3)


def range_bn_float64(x, gamma, beta, chunks=8, eps=1e-5, log_of_n_over_chunks=True):
    """Range BN's forward (range_bn.hpp's header formula) in float64, and the
    per-element bound on |y_fp32 - y| of the golden model's fp32 arithmetic.
    log_of_n_over_chunks=False is a deliberately wrong C(n) for the tests
    that show a mismatch is caught."""
    x = x.astype(np.float64)
    c = x.shape[1]
    ch = x.transpose(1, 0, 2, 3).reshape(c, -1)  # per channel, (b, h, w) order
    n = ch.shape[1]
    parts = ch.reshape(c, chunks, n // chunks)
    mean = ch.mean(axis=1)
    value_range = (parts.max(axis=2).sum(axis=1) - parts.min(axis=2).sum(axis=1)) / chunks
    cn = 1 / math.sqrt(2 * math.log(n / chunks if log_of_n_over_chunks else n))
    scale = 1 / (cn * value_range + eps)
    g64, b64 = gamma.astype(np.float64), beta.astype(np.float64)
    y = (g64[:, None] * (ch - mean[:, None]) * scale[:, None] + b64[:, None])
    # fp32 error: the serial sum S of n values (|error| <= (n - 1) u sum|x|),
    # then about 12 roundings of u each on the way to y (1/n, C, range, d,
    # 1/d, x - mean, * scale, * gamma, + beta), each relative to the largest
    # magnitude it acts on. Twice that, to stay a bound and not an estimate.
    mean_err = (n + 1) * U32 * np.abs(ch).mean(axis=1)
    bound = 2 * (np.abs(g64 * scale)[:, None] * mean_err[:, None]
                 + 12 * U32 * (np.abs(g64 * scale)[:, None] * (np.abs(ch) + np.abs(mean)[:, None])
                               + np.abs(b64)[:, None]))
    return to_nchw(y, x.shape), to_nchw(bound, x.shape)


def test_fp32_forward_equals_the_float64_formula_within_fp32_rounding():
    x, gamma, beta, _ = inputs((8, 5, 6, 6), seed=11)
    y, saved = blockforge.RangeBn.fp32().forward(x, gamma, beta)
    want, bound = range_bn_float64(x, gamma, beta)
    err = np.abs(y.astype(np.float64) - want)
    assert (err <= bound).all(), f"max err/bound {np.max(err / bound):.3g}"
    # The bound means something: ~4e-5 of |y| (its worst-case serial-sum
    # term dominates; the observed error is ~2% of it), so an eps of 1e-4
    # instead of 1e-5 already breaks it (next test).
    assert np.median(bound / np.maximum(np.abs(want), 1e-3)) < 1e-4
    # The saved statistics are the formula's, and C(n) is fp32's.
    n = 8 * 6 * 6
    assert saved.range_constant == np.float32(1 / math.sqrt(2 * math.log(n / 8)))
    np.testing.assert_allclose(saved.mean, x.astype(np.float64).mean(axis=(0, 2, 3)),
                               rtol=0, atol=1e-5)


@pytest.mark.parametrize("wrong", [{"eps": 1e-4}, {"log_of_n_over_chunks": False},
                                   {"chunks": 4}])
def test_fp32_forward_bound_catches_a_wrong_formula(wrong):
    x, gamma, beta, _ = inputs((8, 5, 6, 6), seed=11)
    y, _ = blockforge.RangeBn.fp32().forward(x, gamma, beta)
    want, bound = range_bn_float64(x, gamma, beta, **wrong)
    assert (np.abs(y.astype(np.float64) - want) > bound).any()


def loss64(x, gamma, beta, g, **formula):
    return float(np.sum(g.astype(np.float64) * range_bn_float64(x, gamma, beta, **formula)[0]))


def central_differences(x, gamma, beta, g, h=1e-6, **formula):
    """dL/dx, dL/dgamma, dL/dbeta of L = sum(g * y) by central differences
    of the float64 formula. The inputs stay float64 so the step is exact."""
    x, gamma, beta = (a.astype(np.float64) for a in (x, gamma, beta))
    grads = []
    for a in (x, gamma, beta):
        d = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            keep = a[i]
            a[i] = keep + h
            plus = loss64(x, gamma, beta, g, **formula)
            a[i] = keep - h
            minus = loss64(x, gamma, beta, g, **formula)
            a[i] = keep
            d[i] = (plus - minus) / (2 * h)
        grads.append(d)
    return grads


def smallest_gap_per_chunk(x, chunks=8):
    c = x.shape[1]
    parts = np.sort(x.transpose(1, 0, 2, 3).reshape(c, chunks, -1), axis=2)
    return float(np.diff(parts, axis=2).min())


def test_fp32_backward_equals_finite_differences_of_the_forward():
    x, gamma, beta, g = inputs((2, 3, 4, 4), seed=13)
    # The argmax / argmin of a chunk must not move under the step h = 1e-6.
    assert smallest_gap_per_chunk(x) > 1e-4
    rb = blockforge.RangeBn.fp32()
    _, saved = rb.forward(x, gamma, beta)
    got = rb.backward(g, saved)
    want = central_differences(x, gamma, beta, g)
    # Differences in float64 are good to ~1e-8 here (h^2 terms ~1e-12,
    # cancellation ~1e-16 * |L| / h); the fp32 arithmetic over n = 32 values
    # is off by ~1e-7 of max |grad| (observed), so 1e-6 has a 7x margin. The
    # range term alone moves dx by ~1e-2 at the extremes, so a gradient
    # without it, or with it at the wrong element, fails (next test).
    for a, b, what in zip(got, want, ("dx", "dgamma", "dbeta")):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6 * np.abs(b).max(), err_msg=what)


def test_finite_differences_catch_a_wrong_backward():
    x, gamma, beta, g = inputs((2, 3, 4, 4), seed=13)
    rb = blockforge.RangeBn.fp32()
    _, saved = rb.forward(x, gamma, beta)
    dx = rb.backward(g, saved)[0]
    want = central_differences(x, gamma, beta, g)[0]
    tol = 1e-6 * np.abs(want).max()
    assert np.abs(dx - want).max() <= tol
    # dx without the range term (as if the scale were a constant) is caught.
    scale = saved.scale.astype(np.float64)[None, :, None, None]
    no_range = gamma[None, :, None, None] * scale * (g - g.mean(axis=(0, 2, 3), keepdims=True))
    assert np.abs(no_range - want).max() > tol
    # So is the golden dx against the differences of a wrong forward (C(n) of n).
    wrong = central_differences(x, gamma, beta, g, log_of_n_over_chunks=False)[0]
    assert np.abs(dx - wrong).max() > tol


# ---- parameters -------------------------------------------------------------

def test_params_are_the_configuration_keys_with_lightnorm_defaults():
    p = blockforge.RangeBn().params
    assert p == {"bfp": "keep_max", "bfp_group": 8, "bfp_bits": 5, "grad_bfp_bits": 8,
                 "chunks": 8, "io": "fp10_e5m4", "grad": "fp10_e6m3", "stat": "fp32",
                 "norm": "fp32", "exponent": "saturate", "convert_rounding": "truncate",
                 "arith_rounding": "nearest_even", "reciprocal": "divider", "table_bits": 6,
                 "newton_steps": 2}
    f = blockforge.RangeBn.fp32(chunks=4).params
    assert (f["io"], f["grad"], f["stat"], f["norm"], f["bfp"], f["chunks"]) == (
        "fp32", "fp32", "fp32", "fp32", "none", 4)
    assert "chunks=4" in repr(blockforge.RangeBn.fp32(chunks=4))


def test_pickle_and_deepcopy_keep_the_parameters():
    rb = blockforge.RangeBn(chunks=4, reciprocal="pow2")
    for clone in (pickle.loads(pickle.dumps(rb)), copy.deepcopy(rb)):
        assert clone.params == rb.params


def write_design(tmp_path, text):
    path = tmp_path / "design.toml"
    path.write_text(text)
    return path


def test_design_file_gives_the_arithmetic_and_keywords_override(tmp_path, source_dir):
    shipped = blockforge.RangeBn(design=source_dir / "configs" / "lightnorm_bn_fwd_pow2.toml")
    assert shipped.params["reciprocal"] == "pow2"
    path = write_design(tmp_path, 'unit = "lightnorm.bn_fwd"\n[params]\nlanes = 4\n'
                        'bfp_group = 4\nchunks = 4\nbfp = "plain"\n')
    from_file = blockforge.RangeBn(design=str(path))
    assert (from_file.params["chunks"], from_file.params["bfp"],
            from_file.params["bfp_group"]) == (4, "plain", 4)
    x, gamma, beta, _ = inputs((2, 4, 4, 4), seed=2)
    same = blockforge.RangeBn(chunks=4, bfp="plain", bfp_group=4)
    assert_bits_equal(from_file.forward(x, gamma, beta)[0], same.forward(x, gamma, beta)[0], "y")
    assert blockforge.RangeBn(design=path, chunks=2).params["chunks"] == 2
    bwd = write_design(tmp_path, 'unit = "lightnorm.bn_bwd"\n[params]\ngrad = "fp12_e6m5"\n')
    assert blockforge.RangeBn(design=bwd).params["grad"] == "fp12_e6m5"


# ---- bad input ----------------------------------------------------------------

def test_bad_arrays_raise_one_clear_exception():
    rb = blockforge.RangeBn()
    x, gamma, beta, g = inputs((2, 4, 4, 4), seed=1)
    with pytest.raises(TypeError, match=r"x: expected dtype float32, got float64.*astype"):
        rb.forward(x.astype(np.float64), gamma, beta)
    with pytest.raises(TypeError, match=r"gamma: expected a numpy array of float32, got list"):
        rb.forward(x, list(gamma), beta)
    with pytest.raises(ValueError, match=r"x: expected a 4-d array \(N, C, H, W\), got shape "
                                         r"\(2, 4, 16\)"):
        rb.forward(x.reshape(2, 4, 16), gamma, beta)
    with pytest.raises(ValueError, match=r"x: the array is not C-contiguous"):
        rb.forward(x.transpose(0, 1, 3, 2), gamma, beta)
    with pytest.raises(ValueError, match=r"gamma: 3 values for the 4 channels of x "
                                         r"\(2, 4, 4, 4\); pass one per channel, shape \(4,\)"):
        rb.forward(x, gamma[:3], beta)
    with pytest.raises(ValueError, match=r"beta: 5 values for the 4 channels"):
        rb.forward(x, gamma, np.zeros(5, np.float32))
    with pytest.raises(ValueError, match=r"x: shape \(1, 4, 2, 6\) gives n = N\*H\*W = 12 values "
                                         r"per channel; n = 12: range BN needs a multiple of "
                                         r"chunks = 8"):
        rb.forward(np.zeros((1, 4, 2, 6), np.float32), gamma, beta)
    with pytest.raises(ValueError, match=r"at least 2 values per chunk"):
        rb.forward(np.zeros((1, 4, 2, 4), np.float32), gamma, beta)
    _, saved = rb.forward(x, gamma, beta)
    with pytest.raises(ValueError, match=r"g: shape \(2, 4, 4, 2\) differs from the forward's x "
                                         r"\(2, 4, 4, 4\)"):
        rb.backward(g[..., :2].copy(), saved)
    with pytest.raises(TypeError, match=r"g: expected dtype float32"):
        rb.backward(g.astype(np.float16), saved)
    with pytest.raises(TypeError, match=r"saved: expected the RangeBnSaved that RangeBn.forward "
                                        r"returned, got tuple"):
        rb.backward(g, (saved,))
    with pytest.raises(ValueError, match=r"saved: made by a RangeBn with other parameters"):
        blockforge.RangeBn(chunks=4).backward(g, saved)


@pytest.mark.parametrize("kwargs, message", [
    ({"chunk": 4}, r"RangeBn: unknown parameter 'chunk' for unit RangeBn; did you mean "
                   r"'chunks'\?"),
    ({"chunks": 3}, r"RangeBn: parameter 'chunks': chunks = 3: expected a power of two in 1..64"),
    ({"chunks": 2.5}, r"RangeBn: parameter 'chunks': expected an integer, found a float \(2.5\)"),
    ({"chunks": 2**70}, r"RangeBn: parameter 'chunks' = 1180591620717411303424 is out of range"),
    ({"chunks": 128}, r"RangeBn: parameter 'chunks' = 128 is out of range: expected 1..64"),
    ({"io": "fp7"}, r"parameter 'io': io = 'fp7': unknown float format"),
    ({"bfp": "maybe"}, r"'bfp'.*keep_max, plain, none"),
    ({"bfp_bits": 0}, r"'bfp_bits'.*1..16"),
    ({"reciprocal": "sqrt"}, r"'reciprocal'.*divider, newton, pow2"),
])
def test_bad_parameters_raise_the_configuration_language_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        blockforge.RangeBn(**kwargs)


def test_bad_parameter_types_and_designs(tmp_path):
    with pytest.raises(TypeError, match=r"RangeBn: parameter 'chunks': expected a str or an int, "
                                        r"got list"):
        blockforge.RangeBn(chunks=[8])
    wrong_unit = write_design(tmp_path, 'unit = "baseline.bn_fp32"\n')
    with pytest.raises(ValueError, match=r"design.toml:1:1: design of unit baseline.bn_fp32; "
                                         r"RangeBn takes the arithmetic of a lightnorm.bn_fwd or "
                                         r"lightnorm.bn_bwd design"):
        blockforge.RangeBn(design=wrong_unit)
    bad_key = write_design(tmp_path, 'unit = "lightnorm.bn_fwd"\n[params]\nchunk = 4\n')
    with pytest.raises(ValueError, match=r"design.toml:3:1: unknown parameter 'chunk' for unit "
                                         r"lightnorm.bn_fwd; did you mean 'chunks'\?"):
        blockforge.RangeBn(design=bad_key)
    with pytest.raises(ValueError, match=r"missing.toml"):
        blockforge.RangeBn(design=tmp_path / "missing.toml")
    with pytest.raises(TypeError, match=r"design: expected a path"):
        blockforge.RangeBn(design=3)
