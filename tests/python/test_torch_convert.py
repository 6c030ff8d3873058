"""blockforge.torch.convert: an existing model's Linear and Conv2d layers
replaced in place, sharing their parameters."""

import importlib.util

import pytest
import torch
from torch import nn

import blockforge.torch as bft

torch.set_num_threads(1)


class Block(nn.Module):
    """A ResNet basic block with a strided 1x1 shortcut."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                      nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


def small_resnet():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), Block(8, 16, 2),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))


CONVERTIBLE = ["0", "2.conv1", "2.conv2", "2.shortcut.0", "5"]


def test_fp32_conversion_keeps_outputs_gradients_and_parameters():
    ref, model = small_resnet(), small_resnet()
    before = {name: p for name, p in model.named_parameters()}
    assert bft.convert(model, "fp32") is model
    assert [name for name, _ in bft.quantized_layers(model)] == CONVERTIBLE
    # The same Parameter objects: an optimizer made before still applies.
    assert all(p is before[name] for name, p in model.named_parameters())
    x = torch.randn(4, 1, 12, 12)
    assert torch.equal(model(x), ref(x))
    model(x).square().sum().backward()
    ref(x).square().sum().backward()
    for (name, p), (_, q) in zip(model.named_parameters(), ref.named_parameters()):
        assert torch.equal(p.grad, q.grad), name


def test_bfp_conversion_trains_and_state_dict_round_trips():
    ref, model = small_resnet(), small_resnet()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)  # made before the conversion
    bft.convert(model, "mixed")
    x, target = torch.randn(4, 1, 12, 12), torch.tensor([1, 2, 3, 4])
    y = model(x)
    assert not torch.equal(y, ref(x))  # BFP numerics differ from fp32 ...
    assert (y - ref(x)).abs().max() < 0.05 * ref(x).abs().max()  # ... but not by much
    nn.functional.cross_entropy(y, target).backward()
    optimizer.step()
    assert not torch.equal(model[0].weight, ref[0].weight)  # the step reached the layers
    assert model.state_dict().keys() == ref.state_dict().keys()
    fresh = small_resnet()
    bft.convert(fresh, "all8")
    fresh.load_state_dict(model.state_dict())
    assert torch.equal(fresh[2].conv1.weight, model[2].conv1.weight)
    for _, layer in bft.quantized_layers(model):
        assert layer.stats["wgrad"]["macs"], "every layer ran its weight gradient"


def test_skip_filter_and_reconversion():
    model = bft.convert(small_resnet(), "all8", skip=["2.shortcut", "5"])
    assert [name for name, _ in bft.quantized_layers(model)] == CONVERTIBLE[:3]
    assert type(model[2].shortcut[0]) is nn.Conv2d and type(model[5]) is nn.Linear
    model = bft.convert(small_resnet(), "all8", filter=lambda name, m: isinstance(m, nn.Linear))
    assert [name for name, _ in bft.quantized_layers(model)] == ["5"]
    bft.convert(model, "all4")  # converted layers take the new numerics
    assert model[5].numerics == bft.Numerics.parse("all4")


def test_shared_layer_stays_shared():
    shared = nn.Linear(5, 5)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    bft.convert(model, "all16")
    assert model[0] is model[2] and isinstance(model[0], bft.Linear)


def test_convert_bad_input():
    with pytest.raises(ValueError, match=r"skip names \['2.conv3'\] are not modules"):
        bft.convert(small_resnet(), "all8", skip=["2.conv3"])
    grouped = nn.Sequential(nn.Conv2d(4, 4, 3, groups=2))
    with pytest.raises(ValueError, match=r"layer '0' .* groups=2.* pass skip=\['0'\]"):
        bft.convert(grouped, "all8")
    assert type(bft.convert(grouped, "all8", skip=["0"])[0]) is nn.Conv2d
    with pytest.raises(ValueError, match="numerics 'all7': not a preset"):
        bft.convert(small_resnet(), "all7")
    with pytest.raises(TypeError, match="batchnorm=3: expected a dict"):
        bft.convert(small_resnet(), "all8", batchnorm=3)


def test_a_bare_layer_is_returned_converted():
    layer = nn.Linear(3, 2)
    new = bft.convert(layer, "all8")
    assert isinstance(new, bft.Linear) and new.weight is layer.weight


@pytest.mark.skipif(importlib.util.find_spec("blockforge.torch.batchnorm") is None,
                    reason="blockforge.torch.batchnorm not there yet")
def test_batchnorm_replacement():
    from blockforge.torch.batchnorm import RangeBatchNorm2d
    model = bft.convert(small_resnet(), "all8", batchnorm={}, skip=["2.bn2"])
    assert isinstance(model[2].bn1, RangeBatchNorm2d)
    assert isinstance(model[2].shortcut[1], RangeBatchNorm2d)
    assert type(model[2].bn2) is nn.BatchNorm2d
