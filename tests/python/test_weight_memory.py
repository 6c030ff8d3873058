"""Tests of the int8 engine's weight-memory layout (issue 13, part 2): where
each attacked weight and each flipped bit sits in the generated engine's
memory. Layouts are checked by hand, and a flip applied to the weights must
equal the same flip applied to the memory image."""

import random

import pytest
import torch

from blockforge.studies.int8_weights import Int8Weights
from blockforge.studies.weight_memory import WeightMemory, flip_bits


def _codes():
    return {"fc": torch.tensor([[1, -2, 3], [4, 5, -6]], dtype=torch.int8),
            "conv": torch.arange(-4, 4, dtype=torch.int8).reshape(1, 2, 2, 2)}


def test_layout_by_hand():
    mem = WeightMemory(_codes(), lanes=4)
    fc, conv = mem.layers
    assert (fc.base, fc.rows, fc.k, fc.words_per_row) == (0, 2, 3, 1)
    assert (conv.base, conv.rows, conv.k, conv.words_per_row) == (2, 1, 8, 2)
    assert mem.words == 4
    assert mem.image(_codes()).tolist() == [[1, -2, 3, 0], [4, 5, -6, 0],
                                            [-4, -3, -2, -1], [0, 1, 2, 3]]
    # Element 5 of conv is row 0, column 5: word 2 + 1, lane 1; bit 7 of it is word bit 15.
    assert mem.location("conv", 5, 7) == (3, 15)
    assert mem.location("fc", 4, 0) == (1, 8)
    bigger = WeightMemory(_codes(), lanes=4, words=6)
    assert bigger.image(_codes())[4:].tolist() == [[0] * 4, [0] * 4]


def test_a_weight_flip_is_the_same_memory_bit_flip():
    gen = torch.Generator().manual_seed(3)
    codes = {"a": torch.randint(-127, 128, (5, 3, 3, 3), generator=gen, dtype=torch.int8),
             "b": torch.randint(-127, 128, (10, 45), generator=gen, dtype=torch.int8)}
    clean = Int8Weights(codes, {"a": 0.1, "b": 0.2})
    rng = random.Random(4)
    for lanes in (1, 3, 8, 64):
        mem = WeightMemory(clean.codes, lanes=lanes)
        image = mem.image(clean.codes)
        assert {n: c.shape for n, c in mem.codes_from(image).items()} == {
            "a": (5, 27), "b": (10, 45)}
        assert all(torch.equal(mem.codes_from(image)[n], clean.codes[n].reshape(c.shape[0], -1))
                   for n, c in clean.codes.items())
        attacked = clean.clone()
        flips = [(name, rng.randrange(clean.codes[name].numel()), rng.randrange(8))
                 for name in ("a", "b", "a", "b", "b")]
        for name, index, bit in flips:
            attacked.flip(name, index, bit)
        flipped = flip_bits(image, mem.locations(flips))
        assert torch.equal(flipped, mem.image(attacked.codes)), lanes
        # Each flip changes exactly one memory bit.
        diff = (flipped.view(torch.uint8) ^ image.view(torch.uint8)).to(torch.int64)
        assert sum(bin(v).count("1") for v in diff.flatten().tolist()) == \
            attacked.hamming_distance(clean)


def test_sign_bit_flip_of_zero_stores_minus_128():
    mem = WeightMemory({"w": torch.zeros(1, 2, dtype=torch.int8)}, lanes=2)
    flipped = flip_bits(mem.image({"w": torch.zeros(1, 2, dtype=torch.int8)}),
                        [mem.location("w", 1, 7)])
    assert flipped.tolist() == [[0, -128]]


@pytest.mark.parametrize("call, message", [
    (lambda: WeightMemory(_codes(), lanes=4, words=3), "words=3: the layers need 4 words"),
    (lambda: WeightMemory(_codes(), lanes=0), "lanes=0"),
    (lambda: WeightMemory({"x": torch.zeros(3, dtype=torch.int8)}), "at least 2 axes"),
    (lambda: WeightMemory({"x": torch.zeros(2, 2)}), "expected an int8 weight"),
    (lambda: WeightMemory(_codes()).location("nope", 0, 0), "'nope' is not in the memory"),
    (lambda: WeightMemory(_codes()).location("fc", 6, 0), "index=6: layer fc has 6 weights"),
    (lambda: WeightMemory(_codes()).location("fc", 0, 8), "bit=8"),
    (lambda: WeightMemory(_codes()).image({"fc": torch.zeros(2, 4, dtype=torch.int8),
                                           "conv": _codes()["conv"]}), "rows of 3"),
])
def test_bad_arguments_name_the_fix(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        call()
