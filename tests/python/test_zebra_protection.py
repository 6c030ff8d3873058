"""Tests of the weight-memory protections of zebra.int8_engine: the binding
blockforge.protect_and_read of the golden parity, SECDED and checksum
models against hand cases and bad arguments, the study's flip sampling and
bookkeeping, and the study command on tiny sizes. Every test asserts a
number or a decision that a wrong implementation changes."""

import json

import numpy as np
import pytest
import torch

from blockforge import protect_and_read
from blockforge._core import DEFAULT_CHECKSUM_KEY
from blockforge.studies import zebra_protection
from blockforge.studies.int8_weights import Int8Weights
from blockforge.studies.weight_memory import WeightMemory

torch.set_num_threads(1)

OK, DETECTED, CORRECTED, UNCORRECTABLE = 0, 1, 2, 3
COUNTS = ("units", "flipped", "detected", "corrected", "uncorrectable", "undetected",
          "miscorrected")

CLEAN = np.array([[1, 2, 3, 4, 5, 6, 7, 8], [-1, -2, -3, -4, 60, 70, -80, 127]], np.int8)


def _flipped(lane_bits, word=1, clean=CLEAN):
    """CLEAN with bit b of lane i of `word` flipped for each (i, b)."""
    out = clean.copy()
    as_bytes = out.view(np.uint8)
    for lane, bit in lane_bits:
        as_bytes[word, lane] ^= 1 << bit
    return out


def _counts(outcome):
    return {k: outcome[k] for k in COUNTS}


# ---------------------------------------------------------- binding, hands

def test_one_flip_parity_detects_the_word_and_zeroes_it():
    flipped = _flipped([(2, 3)])  # -3 -> -11
    assert flipped[1, 2] == -11
    r = protect_and_read("parity", CLEAN, flipped)
    assert r["protection"] == "parity"
    assert _counts(r) == dict(units=2, flipped=1, detected=1, corrected=0, uncorrectable=0,
                              undetected=0, miscorrected=0)
    assert r["status"].dtype == np.uint8 and r["status"].tolist() == [OK, DETECTED]
    assert r["status_names"] == {0: "ok", 1: "detected", 2: "corrected", 3: "uncorrectable"}
    assert r["flag_image"].dtype == np.int8 and r["flag_image"].shape == (2, 8)
    assert (r["flag_image"] == flipped).all()
    assert (r["zero_image"][0] == CLEAN[0]).all() and (r["zero_image"][1] == 0).all()


def test_one_flip_secded_corrects_the_word_back_to_clean():
    flipped = _flipped([(7, 6)])  # 127 -> 63
    r = protect_and_read("secded", CLEAN, flipped)
    assert _counts(r) == dict(units=2, flipped=1, detected=1, corrected=1, uncorrectable=0,
                              undetected=0, miscorrected=0)
    assert r["status"].tolist() == [OK, CORRECTED]
    assert (r["flag_image"] == CLEAN).all()
    assert (r["zero_image"] == CLEAN).all()  # a corrected word is not zeroed


def test_one_sign_flip_checksum_detects_the_group():
    flipped = _flipped([(4, 7)])  # 60 -> -68: S changes by 128, always seen
    r = protect_and_read("checksum", CLEAN, flipped)  # one group of 8 words
    assert _counts(r) == dict(units=1, flipped=1, detected=1, corrected=0, uncorrectable=0,
                              undetected=0, miscorrected=0)
    assert r["status"].tolist() == [DETECTED]
    assert (r["flag_image"] == flipped).all() and (r["zero_image"] == 0).all()
    one_word_groups = protect_and_read("checksum", CLEAN, flipped, group_words=1)
    assert one_word_groups["units"] == 2 and one_word_groups["status"].tolist() == [OK, DETECTED]
    assert (one_word_groups["zero_image"][0] == CLEAN[0]).all()
    assert (one_word_groups["zero_image"][1] == 0).all()


def test_checksum_low_bit_flips_depend_on_the_key_sign():
    # Key bits 0..3 of 0x...15 are 1, 0, 1, 0: weight 0 counts -w, weight 1 +w.
    assert DEFAULT_CHECKSUM_KEY == 0x9E3779B97F4A7C15
    zeros = np.zeros((2, 8), np.int8)
    plus_one = _flipped([(1, 0)], word=0, clean=zeros)  # S = +1: (1 >> 7) & 3 = 0, missed
    r = protect_and_read("checksum", zeros, plus_one)
    assert _counts(r)["undetected"] == 1 and r["detected"] == 0
    assert (r["zero_image"] == plus_one).all()
    minus_one = _flipped([(0, 0)], word=0, clean=zeros)  # S = -1: (-1 >> 7) & 3 = 3, seen
    assert protect_and_read("checksum", zeros, minus_one)["detected"] == 1
    # With key 0 every weight counts +w: the same flip is missed.
    assert protect_and_read("checksum", zeros, minus_one, key=0)["detected"] == 0


def test_two_flips_in_one_word_parity_misses_secded_flags_uncorrectable():
    flipped = _flipped([(0, 1), (5, 7)])
    parity = protect_and_read("parity", CLEAN, flipped)
    assert parity["status"].tolist() == [OK, OK]
    assert parity["undetected"] == 1 and parity["detected"] == 0
    secded = protect_and_read("secded", CLEAN, flipped)
    assert _counts(secded) == dict(units=2, flipped=1, detected=1, corrected=0, uncorrectable=1,
                                   undetected=0, miscorrected=0)
    assert secded["status"].tolist() == [OK, UNCORRECTABLE]
    assert (secded["flag_image"] == flipped).all()  # data as read
    assert (secded["zero_image"][1] == 0).all() and (secded["zero_image"][0] == CLEAN[0]).all()


def test_three_flips_secded_can_miscorrect():
    # Data bits 0, 1, 2 sit at Hamming positions 3, 5, 6: syndrome 3 ^ 5 ^ 6 = 0
    # with odd overall parity reads as "the overall parity bit flipped".
    flipped = _flipped([(0, 0), (0, 1), (0, 2)])
    r = protect_and_read("secded", CLEAN, flipped)
    assert r["status"].tolist() == [OK, CORRECTED]
    assert r["corrected"] == 1 and r["miscorrected"] == 1 and r["undetected"] == 0
    assert (r["flag_image"] == flipped).all() and (r["zero_image"] == flipped).all()
    memory = WeightMemory({"w": torch.from_numpy(CLEAN.copy())}, lanes=8)
    locations = [(1, 0), (1, 1), (1, 2)]
    counts = zebra_protection.detection(r, locations, "secded", 8, CLEAN)
    assert counts == dict(bits=3, detected=3, corrected=3, miscorrected=3)
    assert memory.locations([("w", 8, 0), ("w", 8, 1), ("w", 8, 2)]) == locations


def test_no_flip_reads_ok_everywhere():
    for protection in zebra_protection.PROTECTIONS:
        r = protect_and_read(protection, CLEAN, CLEAN.copy())
        assert r["detected"] == r["flipped"] == 0 and (r["status"] == OK).all()
        assert (r["flag_image"] == CLEAN).all() and (r["zero_image"] == CLEAN).all()


# ---------------------------------------------------------- binding, errors

@pytest.mark.parametrize("call, error, message", [
    (lambda: protect_and_read("hamming", CLEAN, CLEAN), ValueError,
     "protection='hamming': unknown protection; pass one of 'parity', 'secded', 'checksum'"),
    (lambda: protect_and_read("parity", CLEAN.astype(np.int16), CLEAN), TypeError,
     "clean: expected dtype int8, got int16; convert with clean.astype(np.int8)"),
    (lambda: protect_and_read("parity", CLEAN, CLEAN.tolist()), TypeError,
     "flipped: expected a numpy array of int8, got list"),
    (lambda: protect_and_read("parity", CLEAN.ravel(), CLEAN.ravel()), ValueError,
     "clean: expected a 2-d array (words, lanes) of int8 weights, got shape (16,)"),
    (lambda: protect_and_read("parity", np.zeros((2, 65), np.int8), np.zeros((2, 65), np.int8)),
     ValueError, "clean: shape (2, 65) has 65 lanes; a memory word holds 1..64"),
    (lambda: protect_and_read("parity", np.zeros((2, 0), np.int8), np.zeros((2, 0), np.int8)),
     ValueError, "clean: shape (2, 0) has 0 lanes"),
    (lambda: protect_and_read("secded", CLEAN, CLEAN[:1]), ValueError,
     "flipped: shape (1, 8) differs from clean's (2, 8); pass the same memory image"),
    (lambda: protect_and_read("secded", CLEAN, CLEAN[:, :4].copy()), ValueError,
     "flipped: shape (2, 4) differs from clean's (2, 8)"),
    (lambda: protect_and_read("checksum", CLEAN, CLEAN, group_words=0), ValueError,
     "group_words=0: a checksum group holds at least 1 word; pass group_words >= 1"),
    (lambda: protect_and_read("parity", CLEAN, np.asfortranarray(CLEAN)), ValueError,
     "flipped: the array is not C-contiguous"),
])
def test_bad_arguments_get_one_message_naming_the_argument_and_the_fix(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)


def test_lanes_1_and_64_words_work():
    for lanes in (1, 64):
        clean = np.arange(3 * lanes, dtype=np.int64).astype(np.int8).reshape(3, lanes)
        flipped = clean.copy()
        flipped.view(np.uint8)[2, lanes - 1] ^= 0x10
        r = protect_and_read("secded", clean, flipped)
        assert r["status"].tolist() == [OK, OK, CORRECTED] and (r["flag_image"] == clean).all()


# ---------------------------------------------------------- study helpers

def test_check_bits_and_overheads():
    assert [zebra_protection.secded_check_bits(k) for k in (8, 32, 64, 512)] == [5, 7, 8, 11]
    assert zebra_protection.check_bits("parity", 8, 8)[:2] == (1, 64)  # 1.6%
    assert zebra_protection.check_bits("secded", 8, 8)[:2] == (8, 64)  # 12.5%
    assert zebra_protection.check_bits("checksum", 8, 8)[:2] == (2, 512)
    assert zebra_protection.check_bits("checksum", 8, 4)[2] == "2 per group of 4 words"


def _memory(lanes=8):
    generator = torch.Generator().manual_seed(3)
    codes = {"a": torch.randint(-127, 128, (4, 3, 3, 3), generator=generator,
                                dtype=torch.int8),  # K = 27: 4 words per row, the last 3 lanes
             "b": torch.randint(-127, 128, (10, 16), generator=generator, dtype=torch.int8)}
    return WeightMemory(codes, lanes=lanes), codes


def test_random_single_flips_hit_distinct_words_and_real_weights():
    memory, _ = _memory()
    sampler = zebra_protection.WeightSampler(memory)
    assert sampler.weights == 4 * 27 + 10 * 16
    rng = np.random.default_rng(0)
    for _ in range(20):
        flips = zebra_protection.random_single_flips(sampler, rng)
        words = [address for address, _ in memory.locations(flips)]
        assert len(flips) == 10 and len(set(words)) == 10
    with pytest.raises(ValueError, match="the memory has 36 words"):
        zebra_protection.random_single_flips(sampler, rng, count=37)


def test_random_multi_flips_are_two_distinct_bits_of_each_word():
    memory, _ = _memory()
    sampler = zebra_protection.WeightSampler(memory)
    rng = np.random.default_rng(1)
    assert sampler.word_weights("a", 26) == [24, 25, 26]  # the row's last, 3-lane word
    for _ in range(20):
        flips = zebra_protection.random_multi_flips(sampler, rng)
        locations = memory.locations(flips)
        assert len(flips) == 20 and len(set(locations)) == 20
        words = [address for address, _ in locations]
        assert sorted(set(words)) == sorted(words[::2]) and words[::2] == words[1::2]


def test_detection_counts_bits_by_word_or_group():
    memory, codes = _memory()
    image = memory.image(codes)
    # Two bits of one word (layer a, row 0, K 20 and 21: word 2) and the sign
    # bit of layer b's first weight (b starts at word 4 * 4 = 16; group 2).
    flips = [("a", 20, 0), ("a", 21, 3), ("b", 0, 7)]
    locations = memory.locations(flips)
    assert [a for a, _ in locations] == [2, 2, 16]
    for protection, expected in [("parity", (3, 1, 0)), ("secded", (3, 3, 1)),
                                 ("checksum", (3, 1, 0))]:
        outcome, flipped, _ = zebra_protection.read_through(protection, memory, image, flips, 8)
        counts = zebra_protection.detection(outcome, locations, protection, 8, image)
        assert counts["miscorrected"] == 0
        if protection == "checksum":  # group 0 (two flips) may cancel; group 2 has a sign flip
            assert counts["bits"] == 3 and counts["detected"] in (1, 3)
            assert outcome["status"][2] == DETECTED
        else:
            assert (counts["bits"], counts["detected"], counts["corrected"]) == expected
    weights = zebra_protection.weights_from_image(memory, Int8Weights(codes, {"a": 1.0, "b": 1.0}),
                                                  flipped)
    assert weights.codes["a"].shape == (4, 3, 3, 3)
    assert int(weights.codes["b"][0, 0]) == int(codes["b"][0, 0]) ^ -128


def test_arguments_are_checked_and_defaults_follow_the_brief():
    parser = zebra_protection.make_parser()
    args = parser.parse_args([])
    assert (args.seeds, args.repeats, args.train_subset, args.epochs, args.test_subset,
            args.attack_batch, args.distill_steps, args.max_flips, args.lanes,
            args.group_words, args.random_trials) == ("0,1,2", 1, 8192, 2, 2000, 64, 200, 50,
                                                      8, 8, 20)
    assert zebra_protection.check_arguments(args) is None
    for option, message in [("--lanes 65", "--lanes 65: a memory word holds 1..64"),
                            ("--group-words 0", "--group-words 0: a checksum group holds"),
                            ("--random-trials 0", "--random-trials 0: must be at least 1"),
                            ("--max-flips 0", "--max-flips 0: must be at least 1")]:
        assert message in zebra_protection.check_arguments(parser.parse_args(option.split()))


# ------------------------------------------------------------------ smoke

def test_study_smoke_detection_and_accuracy(tmp_path, capsys):
    out = tmp_path / "protection.json"
    assert zebra_protection.main(
        ["--seeds", "0", "--train-subset", "2048", "--epochs", "2", "--test-subset", "300",
         "--distill-steps", "20", "--max-flips", "8", "--random-trials", "3",
         "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| SECDED | 8 per 64-bit word | 12.50% |" in printed
    assert "| parity | 1 per 64-bit word | 1.56% |" in printed
    assert "RADAR detects about 9.6 of 10 flips" in printed
    saved = json.loads(out.read_text())
    assert saved["options"]["random_trials"] == 3 and saved["table"] in printed
    (r,) = saved["results"]
    det, acc, outcomes = r["detection"], r["accuracy"], r["outcomes"]

    # Random single flips (one per word): parity and SECDED see every one,
    # SECDED corrects every one, so the network is the clean one.
    single = "random single"
    assert det["secded"][single]["bits"] == 30
    assert det["secded"][single]["rate"] == 1.0 and det["secded"][single]["corrected_rate"] == 1.0
    assert outcomes["secded"][single]["corrected"] == 30
    assert outcomes["secded"][single]["miscorrected"] == 0
    assert det["secded"][single]["miscorrected"] == 0
    assert det["parity"][single]["rate"] == 1.0
    assert acc["secded"][single] == r["clean_accuracy"]

    # Two bits in one word: parity misses all, SECDED flags all uncorrectable.
    multi = "random multi"
    assert det["parity"][multi]["bits"] == 60
    assert det["parity"][multi]["rate"] == 0.0
    assert det["secded"][multi]["rate"] == 1.0 and det["secded"][multi]["corrected"] == 0
    assert outcomes["secded"][multi]["uncorrectable"] == 30
    assert outcomes["parity"][multi]["undetected"] == 30

    # The attacks: every flipped bit counted, and they hurt without protection.
    for attack in ("ZeBRA", "BFA"):
        assert det["parity"][attack]["bits"] == r["attacks"][attack]["flips"] >= 1
    assert acc["none"]["ZeBRA"] < r["clean_accuracy"]
    assert acc["none"]["BFA"] < r["clean_accuracy"]
    # Checksum: a group with a sign-bit flip and no other flip is always seen,
    # so its single-flip detection is at least the sign-bit share, below 1.
    assert 0.0 < det["checksum"][single]["rate"] < 1.0
