"""Tests of ZeBRA's fault injection into the RTL (issue 13, part 2): the
`blockforge zebra-inject` command on a small zebra.int8_engine (one
Verilator build, shared), its checks on bad inputs, and the whole study on
tiny sizes: the flips land in the RTL's weight memory, the RTL's
accumulators equal the golden ones, and accuracy through the RTL is the
golden flipped network's."""

import subprocess

import numpy as np
import pytest
import torch

from blockforge import protect_and_read
from blockforge.studies import zebra_rtl
from blockforge.studies.int8_weights import Int8Weights
from blockforge.studies.weight_memory import WeightMemory

DESIGN = 'unit = "zebra.int8_engine"\nname = "zi_test"\n\n[params]\nlanes = 8\nwords = 8\n'


def _inject(binary, tmp_path, memory, acts, layer, flips=None, work=None, design=DESIGN):
    np.save(tmp_path / "mem.npy", memory)
    np.save(tmp_path / "acts.npy", acts)
    (tmp_path / "d.toml").write_text(design)
    cmd = [str(binary), "zebra-inject", str(tmp_path / "d.toml"), "--memory",
           str(tmp_path / "mem.npy"), "--layer", layer, "--acts", str(tmp_path / "acts.npy"),
           "--out", str(tmp_path / "acc.npy"), "--work", str(work or tmp_path / "work"),
           "--fast-compile"]
    if flips is not None:
        np.save(tmp_path / "flips.npy", np.asarray(flips, dtype=np.int32))
        cmd += ["--flips", str(tmp_path / "flips.npy")]
    return subprocess.run(cmd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def shared_work(tmp_path_factory):
    """One Verilator build for every run of the module's design."""
    return tmp_path_factory.mktemp("zebra_inject_build")


def test_rtl_accumulators_equal_the_flipped_memory_and_each_flip_lands(
        blockforge_binary, tmp_path, shared_work):
    rng = np.random.default_rng(5)
    memory = rng.integers(-128, 128, (6, 8)).astype(np.int8)
    acts = rng.integers(-128, 128, (4, 16)).astype(np.int8)
    clean = _inject(blockforge_binary, tmp_path, memory, acts, "2,2,2", work=shared_work)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "PASS:" in clean.stdout
    weights = memory[2:6].reshape(2, 16).astype(np.int64)
    acc = np.load(tmp_path / "acc.npy")
    assert acc.dtype == np.int32 and acc.shape == (4, 2)
    assert (acc == acts.astype(np.int64) @ weights.T).all()
    # Bit 7 of lane 3 of word 5 (row 1, K = 11) and bit 0 of lane 0 of word 2 (row 0, K = 0).
    flipped = _inject(blockforge_binary, tmp_path, memory, acts, "2,2,2",
                      flips=[[5, 31], [2, 0]], work=shared_work)
    assert flipped.returncode == 0, flipped.stdout + flipped.stderr
    assert "2 bits flipped" in flipped.stdout
    new = np.load(tmp_path / "acc.npy").astype(np.int64)
    w5 = int(memory[5, 3])
    delta5 = ((w5 & 0xFF) ^ 0x80) - (256 if (w5 & 0xFF) ^ 0x80 >= 128 else 0) - w5
    w2 = int(memory[2, 0])
    delta2 = ((w2 & 0xFF) ^ 1) - (256 if (w2 & 0xFF) ^ 1 >= 128 else 0) - w2
    assert (new[:, 1] - acc[:, 1] == delta5 * acts[:, 11].astype(np.int64)).all()
    assert (new[:, 0] - acc[:, 0] == delta2 * acts[:, 0].astype(np.int64)).all()


@pytest.mark.parametrize("change, message", [
    (dict(layer="0,1,x"), "--layer 0,1,x: give BASE,ROWS,WORDS"),
    (dict(layer="4,2,2"), "--layer 4,2,2: words 4..7 are past the 6 words"),
    (dict(acts=np.zeros((2, 15), np.int8)), "expected (n, 16): WORDS * lanes int8"),
    (dict(acts=np.zeros((2, 16), np.float32)), "int8 is required"),
    (dict(memory=np.zeros((6, 4), np.int8)), "at most (8, 8) int8 weights"),
    (dict(flips=[[1, 64]]), "flips bit 64 of word 1; words are 0..5, bits 0..63"),
])
def test_bad_inputs_get_one_message_and_no_output(blockforge_binary, tmp_path, change, message):
    args = dict(memory=np.zeros((6, 8), np.int8), acts=np.zeros((2, 16), np.int8),
                layer="2,2,2", flips=None)
    args.update(change)
    run = _inject(blockforge_binary, tmp_path, **args)
    assert run.returncode != 0
    assert message in run.stdout + run.stderr, run.stdout + run.stderr
    assert not (tmp_path / "acc.npy").exists()


def _protected(protection, on_detect):
    return (f'unit = "zebra.int8_engine"\nname = "zi_{protection}_{on_detect}"\n\n[params]\n'
            f'lanes = 8\nwords = 16\nprotection = "{protection}"\non_detect = "{on_detect}"\n')


# Flips: word 3's sign bit of lane 0, two bits of word 5, bit 63 of word 10.
FLIPS = [[3, 7], [5, 0], [5, 9], [10, 63]]


@pytest.mark.parametrize("protection", ["secded", "checksum"])
def test_protected_engine_reads_the_flips_through_its_clean_check_bits(
        blockforge_binary, tmp_path, protection):
    """The flips are stored behind the clean check bits: the RTL computes
    with protect_and_read's zeroed image (SECDED: words 3 and 10 corrected,
    word 5 uncorrectable and zeroed; checksum: both groups of 8 words
    zeroed), not with the flipped memory."""
    rng = np.random.default_rng(7)
    memory = rng.integers(-128, 128, (12, 8)).astype(np.int8)
    acts = rng.integers(-128, 128, (3, 16)).astype(np.int8)
    run = _inject(blockforge_binary, tmp_path, memory, acts, "0,6,2", flips=FLIPS,
                  design=_protected(protection, "zero"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"protection {protection} (on_detect zero)" in run.stdout
    clean = np.zeros((16, 8), np.int8)  # the checksum's load fills the last group
    clean[:12] = memory
    flipped = clean.copy()
    for word, bit in FLIPS:
        flipped[word, bit // 8] = np.int8(np.uint8(flipped[word, bit // 8]) ^ (1 << (bit % 8)))
    read = protect_and_read(protection, clean, flipped)["zero_image"][:12]
    if protection == "secded":
        assert (read[[3, 10]] == memory[[3, 10]]).all() and (read[5] == 0).all()
        # Word 5 is read once per activation row, words 3 and 10 twice.
        assert "3 of 36 MAC beats read a detected word, 6 a corrected one" in run.stdout
    else:
        assert (read == 0).all()
    expect = acts.astype(np.int64) @ read.reshape(6, 16).astype(np.int64).T
    assert (np.load(tmp_path / "acc.npy") == expect).all()


def test_protected_weights_are_what_the_protected_engine_reads():
    """zebra_rtl's golden side with a protection: parity zeroes a word with
    one flip and misses a word with two; SECDED corrects the single flip and
    leaves the double as read (on_detect flag); the checksum zeroes the
    group of 8 words around a sign flip; nothing else changes."""
    codes = {"a": torch.arange(-64, 64, dtype=torch.int8).reshape(8, 16),
             "b": torch.arange(0, 128, dtype=torch.int8).reshape(4, 32)}
    clean = Int8Weights(codes, {"a": 0.5, "b": 0.25})
    memory = WeightMemory(codes, lanes=8)
    image = memory.image(codes)
    single, double = memory.locations([("a", 3, 7)]), memory.locations([("b", 5, 1), ("b", 6, 1)])
    locations = single + double
    parity = zebra_rtl.protected_weights("parity", memory, clean, image, locations)
    assert parity.codes["a"].flatten()[3] == 0
    assert (parity.codes["a"].flatten()[:8] == 0).all()  # the whole word
    assert int(parity.codes["b"].flatten()[5]) == int(codes["b"].flatten()[5]) ^ 2
    secded = zebra_rtl.protected_weights("secded", memory, clean, image, locations)
    assert torch.equal(secded.codes["a"], codes["a"])
    assert int(secded.codes["b"].flatten()[6]) == int(codes["b"].flatten()[6]) ^ 2
    checksum = zebra_rtl.protected_weights("checksum", memory, clean, image, single)
    # Layer a's rows are 2 words each: the group of words 0..7 is rows 0..3.
    assert (checksum.codes["a"][:4] == 0).all()
    assert torch.equal(checksum.codes["a"][4:], codes["a"][4:])
    assert torch.equal(checksum.codes["b"], codes["b"])


def test_a_stopping_engine_is_refused(blockforge_binary, tmp_path):
    run = _inject(blockforge_binary, tmp_path, np.zeros((6, 8), np.int8),
                  np.zeros((2, 16), np.int8), "2,2,2", design=_protected("parity", "stop"))
    assert run.returncode != 0
    assert 'on_detect = "stop" halts the engine' in run.stdout + run.stderr
    assert not (tmp_path / "acc.npy").exists()


def test_a_different_accumulator_is_caught():
    golden = torch.arange(6, dtype=torch.float64).reshape(1, 2, 3)
    zebra_rtl.check_same("fc", golden.clone(), golden)
    wrong = golden.clone()
    wrong[0, 1, 2] += 1
    with pytest.raises(RuntimeError, match="layer fc: 1 RTL accumulators differ"):
        zebra_rtl.check_same("fc", wrong, golden)
    with pytest.raises(RuntimeError, match="all RTL accumulators differ"):
        zebra_rtl.check_same("fc", golden.reshape(2, 3), golden)


def test_study_smoke_flips_break_the_network_through_the_rtl(blockforge_binary, tmp_path,
                                                            monkeypatch):
    monkeypatch.setenv("BLOCKFORGE_BINARY", str(blockforge_binary))
    args = zebra_rtl.make_parser().parse_args(
        ["--train-subset", "2048", "--epochs", "2", "--test-subset", "300", "--rtl-images", "4",
         "--distill-steps", "20", "--max-flips", "8", "--lanes", "16", "--fast-compile"])
    assert zebra_rtl.check_arguments(args) is None
    r = zebra_rtl.run(args, tmp_path)
    assert r["flips"] >= 1 and r["attacked_layers"]
    assert r["rtl_dot_products"] > 0
    assert r["rtl_flipped_accuracy"] == r["golden_flipped_accuracy_rtl_images"]
    assert r["golden_flipped_accuracy"] < r["golden_clean_accuracy"]
    assert len(r["memory_locations"]) == r["flips"]
