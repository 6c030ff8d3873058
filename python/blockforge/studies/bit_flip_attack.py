"""BFA's progressive bit search (Rakin et al., ICCV 2019), the search ZeBRA
runs on its distilled data.

The attacker maximizes the cross-entropy of an attack batch (images,
labels) by flipping stored bits of the int8 weights (int8_weights). Per
iteration:

1. The gradient of the loss w.r.t. each layer's dequantized weights W = q*s.
   By the chain rule, flipping bit b of q changes q by delta (new - old) and
   the loss, to first order, by grad_W * s * delta: the bit's first-order gain.
2. Per layer, the top_k weights by |grad|; for each, the bit with the largest
   first-order gain; only flips whose gain is positive are kept.
3. Each layer's best flip is applied, the real loss measured, the flip
   undone; the layer whose flip raises the loss most is committed.
4. If no single flip raises the real loss, the top 2, 3, ... flips of one
   layer are tried together (up to max_flips_per_step), as BFA does.

The attack stops after a committed step once the accuracy on the
evaluation set is at or below target_accuracy (the authors stop on real
test accuracy), when max_flips flips are committed, or when no step up to
max_flips_per_step flips raises the loss ("stalled").
"""

import dataclasses

import torch
from torch.nn import functional as F

from blockforge.studies import training
from blockforge.studies.int8_weights import attacked_layers, flip_deltas


@dataclasses.dataclass
class FlipCandidate:
    layer: str
    index: int
    bit: int
    gain: float  # first-order loss change: grad_W * s * delta


@dataclasses.dataclass
class AttackStep:
    flips: list  # [(layer, flat index, bit)] committed together
    loss: float  # attack loss after the step
    accuracy: float  # evaluation accuracy after the step


@dataclasses.dataclass
class AttackResult:
    clean_loss: float
    clean_accuracy: float
    steps: list  # [AttackStep]
    stop_reason: str  # "target", "cap" or "stalled"
    hamming_distance: int  # stored bits differing from the clean weights

    @property
    def flips(self):
        return [f for step in self.steps for f in step.flips]

    @property
    def reached_target(self):
        return self.stop_reason == "target"

    @property
    def final_accuracy(self):
        return self.steps[-1].accuracy if self.steps else self.clean_accuracy

    def accuracy_after(self, flip_count):
        """Evaluation accuracy once flip_count flips were made: the last step
        whose cumulative flips do not exceed it. A run that stopped earlier
        keeps its final accuracy (no more flips were made)."""
        accuracy, made = self.clean_accuracy, 0
        for step in self.steps:
            made += len(step.flips)
            if made > flip_count:
                break
            accuracy = step.accuracy
        return accuracy


def attack_loss(model, images, labels):
    return F.cross_entropy(model(images), labels)


def weight_gradients(model, images, labels):
    """{layer name: d loss / d W} of every attacked layer (model in eval
    mode: BatchNorm uses its running statistics, as in deployment)."""
    model.eval()
    layers = attacked_layers(model)
    weights = [layer.weight for _, layer in layers]
    for w in weights:
        w.requires_grad_(True)
    with torch.enable_grad():
        grads = torch.autograd.grad(attack_loss(model, images, labels), weights)
    return {name: g for (name, _), g in zip(layers, grads)}


def first_order_gains(grad, step, codes):
    """(n, 8): the first-order loss change of flipping each bit of each
    weight: grad_W * s * delta."""
    return grad.reshape(-1, 1).to(torch.float64) * step * flip_deltas(codes).to(torch.float64)


def layer_candidates(name, grad, step, codes, top_k):
    """The layer's flips worth trying, best first: among the top_k weights by
    |grad|, each one's best bit, if its first-order gain is positive."""
    k = min(top_k, grad.numel())
    indices = torch.topk(grad.reshape(-1).abs(), k).indices
    gains = first_order_gains(grad.reshape(-1)[indices], step, codes.reshape(-1)[indices])
    best_gain, best_bit = gains.max(dim=1)
    candidates = [FlipCandidate(name, int(i), int(b), float(g))
                  for i, b, g in zip(indices, best_bit, best_gain) if g > 0]
    return sorted(candidates, key=lambda c: -c.gain)


def _loss_with_flips(model, weights, flips, images, labels):
    """The real attack loss with flips applied; the flips are undone (a second
    flip of the same bit restores the stored pattern exactly)."""
    name = flips[0].layer
    for f in flips:
        weights.flip(f.layer, f.index, f.bit)
    weights.write_into(model, [name])
    with torch.no_grad():
        loss = float(attack_loss(model, images, labels))
    for f in flips:
        weights.flip(f.layer, f.index, f.bit)
    weights.write_into(model, [name])
    return loss


def search_step(model, weights, images, labels, *, top_k, max_flips_per_step, current_loss):
    """One progressive-bit-search iteration: the flips to commit (all in one
    layer) and the loss after them, or (None, current_loss) when no
    combination of up to max_flips_per_step flips raises the loss."""
    grads = weight_gradients(model, images, labels)
    candidates = {name: layer_candidates(name, grads[name], weights.steps[name],
                                         weights.codes[name], top_k)
                  for name in weights.layer_names}
    for count in range(1, max_flips_per_step + 1):
        best_flips, best_loss = None, current_loss
        for name, layer_flips in candidates.items():
            if len(layer_flips) < count:
                continue
            loss = _loss_with_flips(model, weights, layer_flips[:count], images, labels)
            if loss > best_loss:
                best_flips, best_loss = layer_flips[:count], loss
        if best_flips is not None:
            return best_flips, best_loss
    return None, current_loss


def progressive_bit_search(model, weights, images, labels, eval_images, eval_labels, *,
                           top_k=10, max_flips=50, target_accuracy=0.11,
                           max_flips_per_step=4):
    """Attacks model in place: weights (Int8Weights of model, written into
    it first) are flipped and written into the model. The caller keeps a
    clean copy to restore or compare. Returns an AttackResult."""
    for name, value in (("top_k", top_k), ("max_flips", max_flips),
                        ("max_flips_per_step", max_flips_per_step)):
        if value < 1:
            raise ValueError(f"{name}={value}: must be at least 1")
    if not 0.0 <= target_accuracy <= 1.0:
        raise ValueError(f"target_accuracy={target_accuracy}: give a fraction in [0, 1]")
    if len(images) != len(labels) or len(images) == 0:
        raise ValueError(f"attack batch: {len(images)} images and {len(labels)} labels; "
                         f"give the same positive number of each")
    clean = weights.clone()
    weights.write_into(model)
    model.eval()
    with torch.no_grad():
        loss = float(attack_loss(model, images, labels))
    clean_loss = loss
    clean_accuracy = training.evaluate_classifier(model, eval_images, eval_labels)
    steps, made = [], 0
    stop_reason = "target" if clean_accuracy <= target_accuracy else "cap"
    while stop_reason == "cap" and made < max_flips:
        flips, loss = search_step(model, weights, images, labels, top_k=top_k,
                                  max_flips_per_step=min(max_flips_per_step, max_flips - made),
                                  current_loss=loss)
        if flips is None:
            stop_reason = "stalled"
            break
        for f in flips:
            weights.flip(f.layer, f.index, f.bit)
        weights.write_into(model, [flips[0].layer])
        made += len(flips)
        accuracy = training.evaluate_classifier(model, eval_images, eval_labels)
        steps.append(AttackStep([(f.layer, f.index, f.bit) for f in flips], loss, accuracy))
        if accuracy <= target_accuracy:
            stop_reason = "target"
    return AttackResult(clean_loss, clean_accuracy, steps, stop_reason,
                        weights.hamming_distance(clean))
