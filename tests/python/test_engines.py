"""blockforge.OpalPe / MxDot / Bf16Dot: the dot-product engines' GEMMs.

Every result is checked bit for bit against a second path, the units' cycle
models fed beat by beat (blockforge._core._testing, the models the RTL is
verified against), and where the arithmetic is exact, against numpy in
float64. Bounds against fp32 catch gross errors the exact checks' data might
not reach; the bad-input tests pin each error message.
"""

import pathlib

import numpy as np
import pytest

import blockforge
from blockforge import _core

# One configuration per row: the engine, its parameters, and the modes to run.
MODEL_CASES = [
    (blockforge.OpalPe, {}, [0, 1]),
    (blockforge.OpalPe, {"lanes": 32, "fp_units": 2}, [0, 1]),
    (blockforge.OpalPe, {"block": 64, "lanes": 8, "outliers": 8, "fp_units": 3,
                         "weight_bits": 8}, [0, 1]),
    (blockforge.OpalPe, {"block": 64, "lanes": 16, "outliers": 7, "fp_units": 4}, [1]),
    (blockforge.OpalPe, {"block": 32, "lanes": 4, "outliers": 2, "act_bits": [2, 4, 8],
                         "act_encoding": "twos_complement", "weight_bits": 3}, [0, 1, 2]),
    (blockforge.MxDot, {}, [0, 1]),
    (blockforge.MxDot, {"block": 32, "lanes": 32, "act_bits": [7], "weight_bits": 2}, [0]),
    (blockforge.Bf16Dot, {}, [None]),
    (blockforge.Bf16Dot, {"lanes": 5, "subnormals": "flush"}, [None]),
    (blockforge.Bf16Dot, {"accumulation": "fused"}, [None]),
    (blockforge.Bf16Dot, {"accumulation": "fused", "lanes": 7, "subnormals": "flush",
                          "fused_fraction_bits": 8}, [None]),
]


def case_id(case):
    engine, params, _ = case
    return engine.__name__ + "".join(f"-{k}={v}" for k, v in params.items())


def assert_same_bits(actual, expected):
    """Every element's fp32 bit pattern equal (NaN payloads and -0 included)."""
    a, e = actual.view(np.uint32), expected.view(np.uint32)
    assert a.shape == e.shape, f"shape {a.shape} != {e.shape}"
    differ = np.argwhere(a != e)
    if differ.size:
        first = tuple(differ[0])
        raise AssertionError(f"{len(differ)} of {a.size} outputs differ; first at "
                             f"{list(first)}: {a[first]:#010x} != {e[first]:#010x}")


def run_gemm(engine, x, w, mode):
    return engine.gemm(x, w) if mode is None else engine.gemm(x, w, mode=mode)


def run_model(engine, x, w, mode):
    if mode is None:
        return _core._testing.bf16_model_gemm(engine, x, w)
    return _core._testing.opal_model_gemm(engine, x, w, mode)


def llm_like(rng, m, n, k):
    """Activations with outlier channels 10 to 10^6 times the rest (so that
    the fp32 additions of a block's terms round, and their order shows),
    zeros, an all-zero row and -0; weights with an all-zero row and scattered
    zeros."""
    x = rng.standard_normal((m, k)).astype(np.float32)
    x[:, rng.choice(k, 3, replace=False)] *= 10 ** rng.uniform(1, 6, (m, 3)).astype(np.float32)
    x[rng.random(x.shape) < 0.1] = 0
    x[0] = 0
    x[1, :5] = -0.0
    w = rng.standard_normal((n, k)).astype(np.float32)
    w[0] = 0
    w[1, ::3] = 0
    return x, w


@pytest.fixture(params=["host", "golden"])
def arithmetic(request):
    """Both ways gemm computes its fp32 operations: host floats (where they
    are the golden operators, the default) and the golden operators."""
    testing = _core._testing
    testing.use_host_float_arithmetic(request.param == "host")
    if request.param == "host" and not testing.host_float_arithmetic():
        pytest.skip("no host float path on this machine")
    yield request.param
    testing.use_host_float_arithmetic(True)


@pytest.mark.parametrize("case", MODEL_CASES, ids=case_id)
@pytest.mark.parametrize("k", [300, 100])  # 300: blocks and a partial one; 100: less than a block
def test_gemm_equals_cycle_model(case, k, arithmetic):
    engine_class, params, modes = case
    engine = engine_class(**params)
    x, w = llm_like(np.random.default_rng(k), 12, 10, k)
    for mode in modes:
        assert_same_bits(run_gemm(engine, x, w, mode), run_model(engine, x, w, mode))


@pytest.mark.parametrize("case", MODEL_CASES, ids=case_id)
def test_special_values_equal_cycle_model(case, arithmetic):
    """Inf, NaN, values that overflow bf16 or the fp32 sums, and subnormals;
    rows 8.. of x and 5.. of w stay ordinary, so each kind also meets
    ordinary operands."""
    engine_class, params, modes = case
    engine = engine_class(**params)
    rng = np.random.default_rng(5)
    x, w = llm_like(rng, 12, 8, 160)
    x[2, 3] = np.inf
    x[3, 9] = np.nan
    x[4, ::2] = 3e38                   # products and sums overflow fp32
    x[4, 1::4] = 3.4e38                # rounds to Inf in bf16
    x[5] *= np.float32(1e-41)          # subnormal activations
    x[6, 100:] = -np.float32(3.3e38)
    x[7] = np.float32(2.0 ** -130)     # inlier sums below the fp32 normal range
    w[2] *= np.float32(1e-39)
    w[3, 7] = -np.inf
    w[4] = 2e38
    for mode in modes:
        assert_same_bits(run_gemm(engine, x, w, mode), run_model(engine, x, w, mode))


@pytest.mark.parametrize("params", [{"accumulation": "fused", "subnormals": "flush"},
                                    {"subnormals": "flush"}, {"accumulation": "fused"}, {}])
def test_bf16_signed_zero_rows_equal_cycle_model(params, arithmetic):
    """Rows whose sums flush to -0 (subnormals = "flush"), then meet a -0
    product in a last beat padded with +0 x +0 lanes: the padding decides
    the sign of the result."""
    engine = blockforge.Bf16Dot(**params)
    x = np.zeros((3, 17), np.float32)
    w = np.zeros((2, 17), np.float32)
    x[0, :16] = 2.0 ** -70
    x[0, 16] = -0.0
    x[1, :] = -0.0
    x[2, :16] = -(2.0 ** -70)
    w[0, :16] = -(2.0 ** -70)
    w[:, 16] = 1.0
    w[1, :16] = 2.0 ** -70
    expected = _core._testing.bf16_model_gemm(engine, x, w)
    assert_same_bits(engine.gemm(x, w), expected)


def test_host_floats_keep_ieee_state_whatever_the_caller_set():
    """gemm sets the FPU's IEEE default state for its own operations: with
    flush-to-zero on in the calling thread (as torch.set_flush_denormal(True)
    sets it) subnormal results are still the golden ones."""
    torch = pytest.importorskip("torch")
    engine = blockforge.Bf16Dot()
    x = np.full((1, 16), 2.0 ** -70, np.float32)
    w = np.full((1, 16), 2.0 ** -70, np.float32)  # one output: computed in this thread
    expected = _core._testing.bf16_model_gemm(engine, x, w)
    assert expected[0, 0] != 0  # 16 * 2^-140: a subnormal
    if not torch.set_flush_denormal(True):
        pytest.skip("this CPU cannot flush denormals")
    try:
        assert_same_bits(engine.gemm(x, w), expected)
    finally:
        torch.set_flush_denormal(False)


def test_comparison_catches_one_ulp():
    """The bit comparison above fails on a one-ulp difference in one output."""
    engine = blockforge.OpalPe()
    x, w = llm_like(np.random.default_rng(1), 4, 5, 256)
    y = engine.gemm(x, w)
    expected = _core._testing.opal_model_gemm(engine, x, w, 0)
    assert_same_bits(y, expected)
    expected.view(np.uint32)[2, 3] ^= 1
    with pytest.raises(AssertionError, match=r"1 of 20 outputs differ; first at \[2, 3\]"):
        assert_same_bits(y, expected)


def test_rows_are_zero_padded_to_whole_blocks():
    """K = 200 with block 128 gives what the unit computes on rows padded with
    zeros to 256, which are the rows the unit must be fed."""
    engine = blockforge.OpalPe()
    x, w = llm_like(np.random.default_rng(2), 5, 6, 200)
    padded = engine.gemm(np.pad(x, ((0, 0), (0, 56))), np.pad(w, ((0, 0), (0, 56))))
    assert_same_bits(engine.gemm(x, w), padded)
    # ... and not what it computes with the partial block dropped.
    first_block = engine.gemm(np.ascontiguousarray(x[:, :128]), np.ascontiguousarray(w[:, :128]))
    assert not np.array_equal(first_block, padded)


def test_split_across_threads_changes_nothing():
    """A GEMV (split by columns) gives the rows of the GEMM (split by rows)."""
    engine = blockforge.OpalPe()
    x, w = llm_like(np.random.default_rng(3), 9, 70, 256)
    y = engine.gemm(x, w)
    for m in (0, 4, 8):
        assert_same_bits(engine.gemm(x[m:m + 1], w), y[m:m + 1])
    assert_same_bits(engine.gemm(x, w), y)


# ---- exact arithmetic against numpy ----------------------------------------

def exact_opal_operands(rng, m, n, k, inlier_max, outliers):
    """Integers the engine represents exactly: per block, `outliers` large
    bf16-exact values and inliers in [-inlier_max, inlier_max] with the
    maximum reached (so the block's scale step is 1); weights in -7..7 with 7
    reached in every row (scale 7 / 7 = 1)."""
    x = rng.integers(-inlier_max, inlier_max + 1, (m, k)).astype(np.float32)
    for start in range(0, k, 128):
        x[:, start] = inlier_max
        for j in range(outliers):
            x[:, start + 1 + 3 * j] = rng.choice([-96.0, 72.0, 200.0, -250.0], m)
    w = rng.integers(-7, 8, (n, k)).astype(np.float32)
    w[:, -1] = -7
    return x, w


@pytest.mark.parametrize("engine_class,params,outliers", [
    (blockforge.OpalPe, {}, 4),
    (blockforge.MxDot, {}, 0),
])
@pytest.mark.parametrize("mode,inlier_max", [(0, 3), (1, 15)])  # 3-bit and 5-bit activations
def test_opal_exact_on_integers(engine_class, params, outliers, mode, inlier_max):
    """On exactly representable integers the result is x @ w.T exactly (every
    partial sum is an integer below 2^24, so no fp32 step rounds)."""
    engine = engine_class(**params)
    x, w = exact_opal_operands(np.random.default_rng(mode), 6, 9, 200, inlier_max, outliers)
    expected = (x.astype(np.float64) @ w.T.astype(np.float64)).astype(np.float32)
    y = engine.gemm(x, w, mode=mode)
    assert_same_bits(y, expected)
    expected.view(np.uint32)[0, 0] += 1
    with pytest.raises(AssertionError, match="differ"):
        assert_same_bits(y, expected)


@pytest.mark.parametrize("params", [{}, {"accumulation": "fused"}, {"lanes": 3}])
def test_bf16_exact_on_integers(params):
    x = np.random.default_rng(4).integers(-256, 257, (5, 333)).astype(np.float32)
    w = np.random.default_rng(5).integers(-64, 65, (4, 333)).astype(np.float32)
    expected = (x.astype(np.float64) @ w.T.astype(np.float64)).astype(np.float32)
    assert_same_bits(blockforge.Bf16Dot(**params).gemm(x, w), expected)


def bf16_round(v):
    """float32 -> bf16 value (as float32), nearest even, for finite v."""
    bits = v.view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
    return bits.astype(np.uint32).view(np.float32)


def test_bf16_within_fp32_bound():
    """|y - bf16(x) @ bf16(w).T| <= K * 2^-24 * sum |products|: only the fp32
    additions round."""
    rng = np.random.default_rng(6)
    x = rng.standard_normal((16, 512)).astype(np.float32)
    w = rng.standard_normal((24, 512)).astype(np.float32)
    xb, wb = bf16_round(x).astype(np.float64), bf16_round(w).astype(np.float64)
    ref = xb @ wb.T
    bound = 512 * 2.0 ** -24 * (np.abs(xb) @ np.abs(wb).T)
    for params in ({}, {"accumulation": "fused"}):
        err = np.abs(blockforge.Bf16Dot(**params).gemm(x, w) - ref)
        assert np.all(err <= bound), params
    # The bound is tight enough to see a wrong rounding of the operands.
    assert not np.all(np.abs(x.astype(np.float64) @ w.T.astype(np.float64) - ref) <= bound)


def test_opal_within_bound_of_dequantized_operands():
    """Against the same quantization done by blockforge.quantize (MX-OPAL) and
    quantize_weights, in float64: only the block's fp32 terms, their additions
    and the channel scale round."""
    rng = np.random.default_rng(7)
    x, w = llm_like(rng, 12, 20, 512)
    engine = blockforge.OpalPe(block=128, act_bits=[5], outliers=4, weight_bits=4)
    xq = blockforge.quantize(x, "mx-opal", block=128, bits=5, outliers=4).astype(np.float64)
    codes, scales = engine.quantize_weights(w)
    wq = codes.astype(np.float64) * scales[:, None]
    ref = xq @ wq.T
    roundings = 4 * (4 + 2) + 1  # blocks x (n + 2) + the scale
    bound = roundings * 2.0 ** -24 * (np.abs(xq) @ np.abs(wq).T)
    y = engine.gemm(x, w)
    assert np.all(np.abs(y - ref) <= bound)
    # Against fp32 the 5-bit activations and 4-bit weights cost a few percent.
    exact = x.astype(np.float64) @ w.T
    assert np.linalg.norm(y - exact) / np.linalg.norm(exact) < 0.2
    # The bound sees a one-step error of one weight code.
    codes[3, 10] += 1 if codes[3, 10] < 7 else -1
    wrong = engine.gemm_codes(x, codes, (scales.view(np.uint32) >> 16).astype(np.uint16))
    assert not np.all(np.abs(wrong - ref) <= bound)


def test_quantize_weights_is_symmetric_per_row():
    """scale = bf16(max|w| / 7), codes = rint(w / scale) clipped: numpy's own
    float32 arithmetic gives the same codes and scales; gemm_codes with them is
    gemm."""
    rng = np.random.default_rng(8)
    w = rng.standard_normal((10, 130)).astype(np.float32)
    w[4] = 0
    engine = blockforge.OpalPe()
    codes, scales = engine.quantize_weights(w)
    assert codes.dtype == np.int8 and scales.dtype == np.float32
    amax = np.abs(w).max(axis=1)
    expected_scales = np.where(amax > 0, bf16_round(amax / np.float32(7)), np.float32(1))
    assert_same_bits(scales, expected_scales.astype(np.float32))
    expected_codes = np.clip(np.rint(w / scales[:, None]), -8, 7).astype(np.int8)
    np.testing.assert_array_equal(codes, expected_codes)
    x, _ = llm_like(rng, 3, 2, 130)
    scales_bf16 = (scales.view(np.uint32) >> 16).astype(np.uint16)
    assert_same_bits(engine.gemm_codes(x, codes, scales_bf16, mode=1), engine.gemm(x, w, mode=1))


# ---- parameters and design files -------------------------------------------

DESIGNS = {
    blockforge.OpalPe: ["opal_pe.toml", "opal_pe_a3.toml", "opal_pe_a5.toml", "opal_pe_l32.toml",
                        "opal_pe_l64.toml"],
    blockforge.MxDot: ["baseline_mx_dot.toml"],
    blockforge.Bf16Dot: ["baseline_bf16_dot.toml", "baseline_bf16_dot_fused.toml"],
}


@pytest.mark.parametrize("engine_class,name",
                         [(e, n) for e, names in DESIGNS.items() for n in names])
def test_design_file_gives_load_design_params(engine_class, name, source_dir):
    path = source_dir / "configs" / name
    design = blockforge.load_design(str(path))
    engine = engine_class(design=path)
    assert engine.params == design["params"]
    assert engine.unit == design["unit"]
    # Keyword arguments with those values make the same engine.
    assert engine_class(**design["params"]).params == engine.params


def test_params_fill_defaults():
    engine = blockforge.OpalPe(block=64, act_bits=(3, 5), outliers=2, weight_bits=np.int64(4))
    assert engine.params == {"block": 64, "lanes": 16, "act_bits": [3, 5],
                             "act_encoding": "sign_magnitude", "weight_bits": 4, "outliers": 2,
                             "fp_units": 1}
    assert engine.unit == "opal.pe"
    assert blockforge.MxDot().unit == "baseline.mx_dot"
    assert blockforge.Bf16Dot().params["accumulation"] == "tree"
    assert repr(blockforge.Bf16Dot(lanes=8)).startswith("Bf16Dot(lanes=8, accumulation='tree'")


# ---- bad input ---------------------------------------------------------------

def test_bad_parameters(source_dir):
    with pytest.raises(ValueError, match=r"^OpalPe: unknown parameter 'outlier' for unit opal\.pe; "
                                         r"did you mean 'outliers'\?$"):
        blockforge.OpalPe(outlier=4)
    with pytest.raises(ValueError, match=r"^OpalPe: parameter 'block' = 1000 is out of range: "
                                         r"expected 32\.\.256$"):
        blockforge.OpalPe(block=1000)
    with pytest.raises(ValueError, match=r"parameter 'lanes': lanes = 64 gives 2 beats per block.*"
                                         r"set fp_units = 3"):
        blockforge.OpalPe(lanes=64)
    with pytest.raises(ValueError, match=r"parameter 'block': expected an integer, found a string"):
        blockforge.OpalPe(block="128")
    with pytest.raises(ValueError, match=r"'act_encoding' = \"twos\" is not allowed"):
        blockforge.MxDot(act_encoding="twos")
    with pytest.raises(ValueError, match=r"unknown parameter 'outliers' for unit baseline\.mx_dot"):
        blockforge.MxDot(outliers=4)
    with pytest.raises(ValueError, match=r"'accumulation' = \"serial\" is not allowed"):
        blockforge.Bf16Dot(accumulation="serial")
    with pytest.raises(TypeError, match=r"parameter 'block' is of type object"):
        blockforge.OpalPe(block=object())
    configs = source_dir / "configs"
    with pytest.raises(ValueError, match=r"baseline_mx_dot\.toml:\d+:\d+: the design is of unit "
                                         r"baseline\.mx_dot, but OpalPe computes opal\.pe; .*"
                                         r"blockforge\.MxDot"):
        blockforge.OpalPe(design=configs / "baseline_mx_dot.toml")
    with pytest.raises(ValueError, match=r"the design is of unit opal\.pe, but Bf16Dot computes "
                                         r"baseline\.bf16_dot"):
        blockforge.Bf16Dot(design=str(configs / "opal_pe.toml"))
    with pytest.raises(ValueError, match=r"pass either design= or parameters, not both"):
        blockforge.OpalPe(design=configs / "opal_pe.toml", block=64)
    with pytest.raises(TypeError, match=r"design must be the path of a design file"):
        blockforge.OpalPe(design=3)


def test_bad_design_file_keeps_its_location(tmp_path):
    path = tmp_path / "pe.toml"
    path.write_text('unit = "opal.pe"\n[params]\nblock = 128\noutlier = 4\n')
    with pytest.raises(ValueError, match=r"pe\.toml:4:1: unknown parameter 'outlier' for unit "
                                         r"opal\.pe; did you mean 'outliers'\?"):
        blockforge.OpalPe(design=path)


@pytest.fixture
def operands():
    rng = np.random.default_rng(9)
    return (rng.standard_normal((4, 40)).astype(np.float32),
            rng.standard_normal((3, 40)).astype(np.float32))


@pytest.mark.parametrize("engine_class", [blockforge.OpalPe, blockforge.Bf16Dot])
def test_bad_operands(engine_class, operands):
    x, w = operands
    engine = engine_class()
    with pytest.raises(TypeError, match=r"^x: expected dtype float32, got float64"):
        engine.gemm(x.astype(np.float64), w)
    with pytest.raises(TypeError, match=r"^w: expected a numpy array of float32, got list"):
        engine.gemm(x, w.tolist())
    with pytest.raises(ValueError, match=r"^x: expected a 2-d array \(M, K\).*got shape \(40,\)"):
        engine.gemm(x[0], w)
    with pytest.raises(ValueError, match=r"^w: expected shape \(N, K\) with K = 40 like x "
                                         r"\(4, 40\), got \(3, 39\)"):
        engine.gemm(x, w[:, :39].copy())
    with pytest.raises(ValueError, match=r"^x: the array is not C-contiguous"):
        engine.gemm(x[:, ::2], w[:, ::2].copy())
    with pytest.raises(ValueError, match=r"^w: the array is not C-contiguous"):
        engine.gemm(x, np.asfortranarray(w))
    with pytest.raises(ValueError, match=r"^x: K = 0"):
        engine.gemm(x[:, :0].copy(), w[:, :0].copy())
    assert engine.gemm(x[:0], w).shape == (0, 3)


def test_bad_mode(operands):
    x, w = operands
    with pytest.raises(ValueError, match=r"^mode=2: this opal\.pe has act_bits = \[3, 5\], so "
                                         r"mode is an index 0\.\.1"):
        blockforge.OpalPe().gemm(x, w, mode=2)
    with pytest.raises(ValueError, match=r"^mode=-1: this baseline\.mx_dot has act_bits = \[7\]"):
        blockforge.MxDot(act_bits=[7]).gemm(x, w, mode=-1)
    with pytest.raises(TypeError, match=r"^Bf16Dot\.gemm\(\) takes no keyword arguments "
                                        r"\(got \['mode'\]\)"):
        blockforge.Bf16Dot().gemm(x, w, mode=0)


def test_bad_codes(operands):
    x, w = operands
    engine = blockforge.OpalPe()
    codes, scales = engine.quantize_weights(w)
    scales_bf16 = (scales.view(np.uint32) >> 16).astype(np.uint16)
    bad = codes.copy()
    bad[2, 5] = 8
    with pytest.raises(ValueError, match=r"^codes: codes\[2, 5\] = 8 does not fit weight_bits = 4 "
                                         r"\(-8\.\.7\)"):
        engine.gemm_codes(x, bad, scales_bf16)
    with pytest.raises(TypeError, match=r"^scales_bf16: expected the bf16 codes as uint16, got "
                                        r"float32"):
        engine.gemm_codes(x, codes, scales)
    with pytest.raises(ValueError, match=r"^scales_bf16: expected one scale per row of codes "
                                         r"\(N = 3\), got shape \(2,\)"):
        engine.gemm_codes(x, codes, scales_bf16[:2].copy())
    with pytest.raises(TypeError, match=r"^codes: expected dtype int8, got int16"):
        engine.gemm_codes(x, codes.astype(np.int16), scales_bf16)


def test_engines_exported():
    assert {"OpalPe", "MxDot", "Bf16Dot"} <= set(dir(blockforge))
    assert pathlib.Path(blockforge.__file__).name == "__init__.py"
