"""blockforge.quantize / quantize_packed / dequantize_packed / format_info:
bit for bit what `blockforge quantize` writes, with its messages."""

import json
import subprocess

import numpy as np
import pytest

import blockforge as bf

# (format, options) pairs covering every family, both integer encodings,
# every rounding kind and partial last blocks.
CASES = [
    ("mxint8", {}),
    ("mxint4", {"block": 16}),
    ("mxint3", {"int_encoding": "twos_complement"}),
    ("mxint2", {"round": "truncate"}),
    ("mxfp8_e4m3", {}),
    ("mxfp8_e5m2", {"round": "nearest_away"}),
    ("mxfp6_e3m2", {}),
    ("mxfp6_e2m3", {"block": 24}),
    ("mxfp4_e2m1", {"round": "stochastic", "seed": 7}),
    ("bfp8", {}),
    ("bfp4", {"block": 16, "round": "nearest_even"}),
    ("bfp16", {"block": 54}),
    ("mx-opal", {}),
    ("mx-opal", {"bits": 5, "outliers": 2, "block": 32}),
    ("mx-opal", {"bits": 4, "outliers": 8, "block": 64, "int_encoding": "twos_complement"}),
]


def sample_tensor(seed=1, shape=(6, 200)):
    """Gaussian values with outliers, exact zeros, a tiny (subnormal-scale)
    row and a huge one: the inputs where block formats differ most."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(np.float32)
    x = x.reshape(-1, shape[-1])
    x[0, ::7] *= 40.0
    x[1, :50] = 0.0
    if x.shape[0] > 3:
        x[2] *= np.float32(1e-39)
        x[3] *= np.float32(1e30)
    x[min(4, x.shape[0] - 1), 3] = -0.0
    return x.reshape(shape)


def cli_args(fmt, opts):
    args = ["--format", fmt]
    for key, value in opts.items():
        args += ["--" + key.replace("_", "-"), str(value)]
    return args


def run_cli(binary, tmp_path, x, fmt, opts):
    np.save(tmp_path / "x.npy", x)
    subprocess.run([str(binary), "quantize", *cli_args(fmt, opts), "--in", str(tmp_path / "x.npy"),
                    "--out", str(tmp_path / "y.npy"), "--packed", str(tmp_path / "y.bin")],
                   check=True, capture_output=True, text=True)
    return np.load(tmp_path / "y.npy"), np.fromfile(tmp_path / "y.bin", dtype=np.uint8)


def assert_bits_equal(actual, expected):
    """Equal bit patterns (so -0 != +0 and NaN payloads count)."""
    assert actual.shape == expected.shape
    diff = np.flatnonzero(actual.view(np.uint32) != expected.view(np.uint32))
    assert diff.size == 0, f"{diff.size} values differ, first at flat index {diff[0]}"


@pytest.mark.parametrize("fmt,opts", CASES, ids=[f"{f}-{i}" for i, (f, _) in enumerate(CASES)])
def test_quantize_matches_the_command_line(blockforge_binary, tmp_path, fmt, opts):
    x = sample_tensor()
    y_cli, packed_cli = run_cli(blockforge_binary, tmp_path, x, fmt, opts)
    assert_bits_equal(bf.quantize(x, fmt, **opts), y_cli)
    packed = bf.quantize_packed(x, fmt, **opts)
    assert packed.dtype == np.uint8 and np.array_equal(packed, packed_cli)
    seedless = {k: v for k, v in opts.items() if k != "seed"}
    assert_bits_equal(bf.dequantize_packed(packed, x.shape, fmt, **seedless), y_cli)


def test_bit_comparison_catches_a_one_bit_difference():
    y = bf.quantize(sample_tensor(), "mxint8")
    z = y.copy()
    z.view(np.uint32)[0, 5] ^= 1
    with pytest.raises(AssertionError, match="1 values differ"):
        assert_bits_equal(z, y)
    w = y.copy()
    w[1, 0] = -0.0  # +0 and -0 compare equal as floats, not as bits
    with pytest.raises(AssertionError):
        assert_bits_equal(w, y)


def test_out_may_be_the_input_and_shapes_are_kept():
    x = sample_tensor(shape=(2, 3, 40))
    expected = bf.quantize(x, "mxfp4_e2m1")
    assert expected.shape == (2, 3, 40) and expected.dtype == np.float32
    bf.quantize(x, "mxfp4_e2m1", out=x)
    assert_bits_equal(x, expected)
    assert bf.quantize(np.zeros((0, 8), np.float32), "bfp8").shape == (0, 8)


def test_known_values_of_mxint8():
    # A block of k = 32 with amax 1.0: the scale is 2^0 and mxint8 elements
    # are multiples of 2^-6, so 0.5 is exact and 1/3 rounds to 21/64.
    x = np.zeros((1, 32), np.float32)
    x[0, :3] = [1.0, 0.5, 1.0 / 3.0]
    y = bf.quantize(x, "mxint8")
    assert y[0, :3].tolist() == [1.0, 0.5, 21.0 / 64.0]


def test_format_info():
    info = bf.format_info("mxint4")
    assert info["block_size"] == 32 and info["block_storage_bits"] == 8 + 32 * 4
    assert info["block_bytes"] == 17 and info["bits_per_element"] == pytest.approx(4.25)
    opal = bf.format_info("mx-opal", bits=3, outliers=4, block=128)
    assert opal["block_size"] == 128 and "outliers" in opal["description"]


def cli_error(binary, tmp_path, args):
    np.save(tmp_path / "x.npy", np.zeros((2, 32), np.float32))
    r = subprocess.run([str(binary), "quantize", *args, "--in", str(tmp_path / "x.npy"),
                        "--out", str(tmp_path / "y.npy")], capture_output=True, text=True)
    assert r.returncode != 0
    assert not (tmp_path / "y.npy").exists()
    return r.stderr.strip().removeprefix("blockforge quantize: ")


@pytest.mark.parametrize("fmt,opts", [
    ("mxint9", {}),
    ("mxint4", {"block": 0}),
    ("mxint4", {"round": "sideways"}),
    ("bfp8", {"int_encoding": "twos_complement"}),
    ("mxint4", {"bits": 3}),
    ("mx-opal", {"outliers": 17}),
    ("mx-opal", {"block": 8, "outliers": 8}),
    ("mxint4", {"seed": "x"}),
])
def test_errors_are_the_command_lines(blockforge_binary, tmp_path, fmt, opts):
    """The same check, the same message; only the option's spelling differs."""
    expected = cli_error(blockforge_binary, tmp_path, cli_args(fmt, opts))
    for key in opts:
        expected = expected.replace("--" + key.replace("_", "-"), key + "=")
    expected = expected.replace("--format", "format=").replace("--bits", "bits=")
    expected = expected.replace("--outliers", "outliers=")
    x = np.zeros((2, 32), np.float32)
    with pytest.raises(ValueError) as err:
        bf.quantize(x, fmt, **opts)
    assert str(err.value) == expected


def test_bad_arrays():
    x = sample_tensor()
    with pytest.raises(TypeError, match=r"x: expected dtype float32, got float64; convert with"):
        bf.quantize(x.astype(np.float64), "mxint8")
    with pytest.raises(TypeError, match=r"x: expected a numpy array of float32, got list"):
        bf.quantize([1.0, 2.0], "mxint8")
    with pytest.raises(ValueError, match=r"x: the array is not C-contiguous"):
        bf.quantize(x.T, "mxint8")
    with pytest.raises(ValueError, match=r"out: shape \(2, 2\) differs from x's \(6, 200\)"):
        bf.quantize(x, "mxint8", out=np.zeros((2, 2), np.float32))
    packed = bf.quantize_packed(x, "mxint8")
    with pytest.raises(ValueError, match=r"packed mxint8: 1385 bytes, but 6 x 200 values in blocks of 32 take 1386"):
        bf.dequantize_packed(packed[:-1], x.shape, "mxint8")
    with pytest.raises(TypeError, match=r"packed: expected dtype uint8"):
        bf.dequantize_packed(packed.astype(np.int16), x.shape, "mxint8")


def test_load_design_matches_gen(blockforge_binary, source_dir, tmp_path):
    for name in ("opal_pe.toml", "baseline_bf16_dot_fused.toml", "lightnorm_bn_fwd.toml"):
        path = source_dir / "configs" / name
        subprocess.run([str(blockforge_binary), "gen", str(path), "-o", str(tmp_path)],
                       check=True, capture_output=True)
        design = bf.load_design(str(path))
        manifest = json.loads((tmp_path / design["top"] / "manifest.json").read_text())
        assert design["unit"] == manifest["unit"]
        assert design["params"] == manifest["params"]
        assert design["latency"] == manifest["latency_cycles"]
    assert ("opal.pe", ) == tuple(u for u, _ in bf.units() if u == "opal.pe")


def test_load_design_errors_are_gens(blockforge_binary, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('unit = "opal.pe"\n[params]\noutlier = 4\n')
    r = subprocess.run([str(blockforge_binary), "gen", str(bad), "-o", str(tmp_path / "out")],
                       capture_output=True, text=True)
    assert r.returncode != 0
    with pytest.raises(ValueError) as err:
        bf.load_design(str(bad))
    assert "bad.toml:3:1" in str(err.value) and "did you mean 'outliers'" in str(err.value)
    assert str(err.value) in r.stderr
    with pytest.raises(ValueError, match="cannot open design file"):
        bf.load_design(str(tmp_path / "missing.toml"))
