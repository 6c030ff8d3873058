"""Tests of the bit-flip attack studies (issue 13, part 1): the int8 victim
weights, BFA's progressive bit search, ZeBRA's distilled target data and the
study command on tiny sizes. Every test asserts a number or a decision that
a wrong implementation changes."""

import copy
import json

import pytest
import torch
from torch import nn

from blockforge.studies import (bit_flip_attack, data, int8_inference, int8_weights, training,
                                zebra_attack, zebra_distill)
from blockforge.studies.int8_weights import Int8Weights

torch.set_num_threads(1)


def _linear(weights):
    layer = nn.Linear(len(weights[0]), len(weights), bias=False)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weights))
    return nn.Sequential(layer)


class TinyCnn(nn.Module):
    """A conv with BN and a Linear: two attacked layers, one BN."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, stride=2, bias=False)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 13 * 13, 10)

    def forward(self, x):
        return self.fc(torch.flatten(torch.relu(self.bn(self.conv(x))), 1))


@pytest.fixture(scope="module")
def tiny_trained():
    """TinyCnn trained for a few epochs on 512 Fashion-MNIST images; the
    first 1000 test images to evaluate it."""
    train_x, train_y = data.load_fashion_mnist("train", 512)
    test_set = data.load_fashion_mnist("test", 1000)
    training.seed_everything(0)
    model = TinyCnn()
    training.train_classifier(model, train_x, train_y, epochs=6, seed=0, lr=5e-3)
    return model, (train_x, train_y), test_set


# ------------------------------------------------------------ int8 weights

def test_quantization_step_rounding_and_range_by_hand():
    model = _linear([[127.0, 2.5, -3.5], [0.4, -127.0, 1.5]])
    weights = Int8Weights.quantize(model)
    assert weights.layer_names == ["0"]
    assert weights.steps["0"] == 1.0  # max|W| / 127
    # Round half to even: 2.5 -> 2, -3.5 -> -4, 1.5 -> 2; -127 stays -127, never -128.
    assert weights.codes["0"].tolist() == [[127, 2, -4], [0, -127, 2]]
    assert weights.codes["0"].dtype == torch.int8

    halved = _linear([[0.5, -0.25], [0.03, 0.0]])
    w = Int8Weights.quantize(halved)
    assert w.steps["0"] == pytest.approx(0.5 / 127)
    assert w.codes["0"].tolist() == [[127, -64], [8, 0]]  # -63.5 -> -64, 7.62 -> 8


def test_quantization_rejects_an_all_zero_layer():
    with pytest.raises(ValueError, match="layer 0: every weight is 0"):
        Int8Weights.quantize(_linear([[0.0, 0.0]]))


def test_sign_bit_flip_of_5_gives_minus_123_and_flipping_back_restores():
    model = _linear([[127.0, 5.0, -1.0, 0.0]])
    weights = Int8Weights.quantize(model)
    clean = weights.clone()
    assert weights.flip("0", 1, 7) == (5, -123)
    assert weights.flip("0", 3, 7) == (0, -128)  # a memory flip can store -128
    assert weights.flip("0", 2, 0) == (-1, -2)  # 0xFF -> 0xFE
    assert weights.codes["0"].tolist() == [[127, -123, -2, -128]]
    weights.write_into(model)
    assert model[0].weight.tolist() == [[127.0, -123.0, -2.0, -128.0]]
    for index, bit in ((1, 7), (3, 7), (2, 0)):
        weights.flip("0", index, bit)
    assert torch.equal(weights.codes["0"], clean.codes["0"])
    weights.write_into(model)
    assert model[0].weight.tolist() == [[127.0, 5.0, -1.0, 0.0]]


def test_dequantized_weights_are_written_into_the_model():
    torch.manual_seed(0)
    model = TinyCnn()
    before = model.conv.weight.detach().clone()
    weights = Int8Weights.quantize(model)
    weights.write_into(model)
    step = weights.steps["conv"]
    assert torch.equal(model.conv.weight, weights.codes["conv"].float() * step)
    assert not torch.equal(model.conv.weight, before)
    assert (model.conv.weight - before).abs().max() <= step / 2 + 1e-7
    with pytest.raises(ValueError, match="bit=8"):
        weights.flip("conv", 0, 8)


def test_hamming_distance_counts_bits_and_lists_the_flips():
    model = _linear([[127.0, 5.0, -1.0, 0.0]])
    clean = Int8Weights.quantize(model)
    attacked = clean.clone()
    attacked.flip("0", 1, 7)
    attacked.flip("0", 1, 0)
    attacked.flip("0", 3, 2)
    attacked.flip("0", 0, 4)
    attacked.flip("0", 0, 4)  # flipped back: no difference
    assert attacked.hamming_distance(clean) == 3
    assert clean.hamming_distance(attacked) == 3
    assert attacked.flips_from(clean) == [("0", 1, 0), ("0", 1, 7), ("0", 3, 2)]
    assert clean.hamming_distance(clean.clone()) == 0


def test_flip_deltas_of_every_bit():
    deltas = int8_weights.flip_deltas(torch.tensor([5, -1], dtype=torch.int8))
    assert deltas[0].tolist() == [-1, 2, -4, 8, 16, 32, 64, -128]
    assert deltas[1].tolist() == [-1, -2, -4, -8, -16, -32, -64, 128]


# ------------------------------------------------------------ the bit search

def test_candidates_take_the_best_bit_in_the_gradient_direction():
    codes = torch.tensor([5, 5, 3], dtype=torch.int8)
    grad = torch.tensor([0.5, -2.0, 0.0])
    found = bit_flip_attack.layer_candidates("fc", grad, 0.25, codes, top_k=3)
    # grad < 0: lowering q helps most: bit 7 (5 -> -123), gain 2 * 0.25 * 128 = 64.
    # grad > 0: raising q helps most: bit 6 (5 -> 69), gain 0.5 * 0.25 * 64 = 8.
    # grad = 0: no positive gain, dropped.
    assert [(c.index, c.bit) for c in found] == [(1, 7), (0, 6)]
    assert [c.gain for c in found] == pytest.approx([64.0, 8.0])
    top1 = bit_flip_attack.layer_candidates("fc", grad, 0.25, codes, top_k=1)
    assert [(c.index, c.bit) for c in top1] == [(1, 7)]


def test_first_order_gain_matches_the_finite_difference_loss_change():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(20, 5))
    images, labels = torch.randn(64, 20), torch.randint(0, 5, (64,))
    weights = Int8Weights.quantize(model)
    weights.write_into(model)
    step = weights.steps["0"]
    grad = bit_flip_attack.weight_gradients(model, images, labels)["0"]
    gains = bit_flip_attack.first_order_gains(grad, step, weights.codes["0"])
    base = float(bit_flip_attack.attack_loss(model, images, labels))
    compared = []
    for index in torch.topk(grad.abs().flatten(), 5).indices.tolist():
        for bit in (0, 1):
            weights.flip("0", index, bit)
            weights.write_into(model)
            with torch.no_grad():
                real = float(bit_flip_attack.attack_loss(model, images, labels)) - base
            weights.flip("0", index, bit)
            weights.write_into(model)
            predicted = float(gains[index, bit])
            # A wrong sign or a missing step (s ~ 0.003 here) is far outside this band.
            assert predicted == pytest.approx(real, rel=0.1, abs=2e-6), (index, bit)
            compared.append(abs(real))
    assert min(compared) > 1e-4  # the loss changes compared are far above the tolerance


def test_accuracy_after_k_flips_counts_flips_committed_together():
    step = bit_flip_attack.AttackStep
    result = bit_flip_attack.AttackResult(
        clean_loss=0.1, clean_accuracy=0.9, stop_reason="target", hamming_distance=4,
        steps=[step([("a", 0, 7)], 1.0, 0.6),
               step([("a", 1, 7), ("a", 2, 7)], 2.0, 0.3),
               step([("b", 0, 7)], 3.0, 0.1)])
    assert [result.accuracy_after(k) for k in (0, 1, 2, 3, 4, 20)] == [0.9, 0.6, 0.6, 0.3,
                                                                        0.1, 0.1]
    assert len(result.flips) == 4 and result.reached_target and result.final_accuracy == 0.1


def test_bfa_breaks_a_tiny_trained_model_and_every_step_raises_the_loss(tiny_trained):
    model, (train_x, _), test_set = tiny_trained
    clean = Int8Weights.quantize(model)
    clean.write_into(model)
    clean_accuracy = training.evaluate_classifier(model, *test_set)
    assert clean_accuracy > 0.6
    images = train_x[:64]
    with torch.no_grad():
        labels = model(images).argmax(1)
    attacked = clean.clone()
    result = bit_flip_attack.progressive_bit_search(model, attacked, images, labels, *test_set,
                                                    max_flips=30, target_accuracy=0.2)
    assert result.clean_accuracy == clean_accuracy
    assert result.reached_target and result.final_accuracy <= 0.2
    assert 1 <= len(result.flips) <= 30
    losses = [result.clean_loss] + [s.loss for s in result.steps]
    assert all(after > before for before, after in zip(losses, losses[1:]))
    assert result.hamming_distance == attacked.hamming_distance(clean)
    assert sorted(attacked.flips_from(clean)) == sorted(result.flips)
    # The model holds the attacked weights: its accuracy is the last one recorded.
    assert training.evaluate_classifier(model, *test_set) == result.final_accuracy
    clean.write_into(model)


def test_bfa_stalls_when_no_flip_can_raise_the_loss():
    # Zero inputs: every weight gradient is 0, so no flip has a positive
    # first-order gain and the search stops without flipping anything.
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3))
    weights = Int8Weights.quantize(model)
    images, labels = torch.zeros(8, 4), torch.zeros(8, dtype=torch.int64)
    result = bit_flip_attack.progressive_bit_search(model, weights, images, labels,
                                                    torch.randn(30, 4),
                                                    torch.randint(0, 3, (30,)),
                                                    target_accuracy=0.0)
    assert result.stop_reason == "stalled" and result.steps == []
    assert result.hamming_distance == 0 and not result.reached_target


def test_bfa_rejects_bad_parameters(tiny_trained):
    model, (train_x, train_y), test_set = tiny_trained
    weights = Int8Weights.quantize(model)
    with pytest.raises(ValueError, match="top_k=0"):
        bit_flip_attack.progressive_bit_search(model, weights, train_x[:8], train_y[:8],
                                               *test_set, top_k=0)
    with pytest.raises(ValueError, match="target_accuracy=11"):
        bit_flip_attack.progressive_bit_search(model, weights, train_x[:8], train_y[:8],
                                               *test_set, target_accuracy=11)


# ------------------------------------------------------------ distillation

def test_distillation_lowers_its_loss_and_the_bn_statistics_term(tiny_trained):
    model = tiny_trained[0]
    parameters = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    batch = zebra_distill.distill_target_data(model, 32, seed=3, max_steps=40, stop_loss=0.0)
    assert batch.steps == 40 and len(batch.total_losses) == 41
    assert batch.total_losses[-1] < 0.8 * batch.total_losses[0]
    assert batch.bn_losses[-1] < batch.bn_losses[0]
    assert batch.images.shape == (32, 1, 28, 28)
    assert batch.labels.shape == (32,) and 0 <= int(batch.labels.min()) <= int(
        batch.labels.max()) < 10
    assert model.training  # its mode is restored
    assert all(torch.equal(v, parameters[k]) for k, v in model.state_dict().items())
    again = zebra_distill.distill_target_data(model, 32, seed=3, max_steps=40, stop_loss=0.0)
    assert torch.equal(again.labels, batch.labels) and torch.equal(again.images, batch.images)
    model.eval()


def test_distillation_early_stop_fires_at_once_with_a_huge_bound(tiny_trained):
    model = tiny_trained[0]
    batch = zebra_distill.distill_target_data(model, 16, seed=0, max_steps=50, stop_loss=1e9)
    assert batch.steps == 0 and len(batch.total_losses) == 1
    assert float(batch.images.abs().max()) <= zebra_distill.NOISE_HALF_WIDTH
    with pytest.raises(ValueError, match="no nn.BatchNorm2d"):
        zebra_distill.distill_target_data(nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), 4,
                                          seed=0)


# ------------------------------------------------------------ the command

def test_zebra_study_runs_end_to_end(tmp_path, capsys):
    out = tmp_path / "zebra.json"
    assert zebra_attack.main(["--seeds", "0,1", "--train-subset", "256", "--epochs", "1",
                              "--test-subset", "200", "--attack-batch", "8", "--repeats", "2",
                              "--max-flips", "3", "--target-accuracy", "0",
                              "--distill-steps", "2", "--distill-stop-loss", "0",
                              "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "| BFA |" in text and "| ZeBRA |" in text
    assert "(2 of 2 at >3)" in text  # accuracy 0 is out of reach: every run hits the cap
    report = json.loads(out.read_text())
    assert [r["seed"] for r in report["results"]] == [0, 1]
    for result in report["results"]:
        for method in ("BFA", "ZeBRA"):
            run = result[method]
            assert run["stop_reason"] in ("cap", "stalled") and not run["reached_target"]
            assert run["flips"] <= run["committed_flips"] <= 3
        assert len(result["ZeBRA_repeats"]) == 2
        assert all(r["distill_steps"] == 2 for r in result["ZeBRA_repeats"])


def test_zebra_study_rejects_bad_options():
    with pytest.raises(SystemExit):
        zebra_attack.main(["--repeats", "0"])
    with pytest.raises(SystemExit):
        zebra_attack.main(["--seeds", "0,one"])


# ------------------------------------------------------------ int8 inference (part 2)

def test_int8_network_by_hand_on_a_linear_layer():
    model = _linear([[127.0, -63.5, 0.0], [1.0, 2.0, 3.0]])
    weights = Int8Weights.quantize(model)  # step 1: codes [[127, -64, 0], [1, 2, 3]]
    x = torch.tensor([[2.54, -1.0, 0.5]])
    net = int8_inference.Int8Network(model, weights, calibration=x)
    assert net.steps["0"] == pytest.approx(2.54 / 127)
    # q_x = round([127, -50, 25]) ; acc = [127*127 + 64*50, 127 - 100 + 75]
    acc = net.accumulators("0", x)
    assert acc.tolist() == [[127 * 127 + 64 * 50, 127 - 100 + 75]]
    want = torch.tensor([[127 * 127 + 64 * 50, 102.0]]) * (1.0 * 2.54 / 127)
    assert torch.allclose(net(x), want.float())


def test_int8_network_accumulators_are_exact_integer_sums(tiny_trained):
    model, _, (test_x, _) = tiny_trained
    weights = Int8Weights.quantize(model)
    net = int8_inference.Int8Network(model, weights, calibration=test_x[:200])
    x = net.layer_inputs(test_x[:8], ["conv"])["conv"]
    acc = net.accumulators("conv", x)
    q_x = int8_inference.quantize_activations(x, net.steps["conv"]).to(torch.int64)
    cols = torch.nn.functional.unfold(q_x.double(), 3, stride=2).to(torch.int64)  # (B, K, L)
    want = torch.einsum("ok,bkl->bol", weights.codes["conv"].reshape(4, -1).to(torch.int64), cols)
    assert torch.equal(acc.to(torch.int64).reshape(8, 4, -1), want)
    assert acc.abs().max() < 2 ** 31


def test_int8_network_tracks_the_int8_weight_model_and_a_flip_moves_it(tiny_trained):
    model = copy.deepcopy(tiny_trained[0])
    test_x, test_y = tiny_trained[2]
    weights = Int8Weights.quantize(model)
    weights.write_into(model)
    float_acc = training.evaluate_classifier(model, test_x, test_y)
    net = int8_inference.Int8Network(model, weights, calibration=test_x[:500])
    int8_acc = net.accuracy(test_x, test_y)
    assert abs(int8_acc - float_acc) < 0.03, (int8_acc, float_acc)
    attacked = weights.clone()
    index = int(attacked.codes["fc"].abs().view(-1).to(torch.int64).argmax())
    attacked.flip("fc", index, 7)
    flipped = net.with_weights(attacked)
    assert flipped.steps is net.steps
    assert not torch.equal(flipped(test_x[:50]), net(test_x[:50]))
    with pytest.raises(ValueError, match="do not quantize"):
        net.with_weights(Int8Weights({"x": torch.zeros(1, 1, dtype=torch.int8)}, {"x": 1.0}))


def test_int8_network_refuses_an_accumulator_that_could_wrap():
    model = _linear([[1.0] * 132200])
    with pytest.raises(ValueError, match="could overflow the engine's int32 accumulator"):
        int8_inference.Int8Network(model, Int8Weights.quantize(model),
                                   calibration=torch.ones(1, 132200))
