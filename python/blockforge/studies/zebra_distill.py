"""ZeBRA's distilled target data (Park et al., BMVC 2021): attack inputs made
from the victim alone, with no real image.

Starting from tiny uniform noise (the authors' (randint(255) - 127.5) /
5418.75: about +-0.024), Adam (lr 0.1) optimizes the inputs themselves to
minimize

    bn_weight * (sum over BatchNorm2d layers of
                     ||mean(x_bn) - running_mean|| + ||std(x_bn) - sqrt(running_var + eps)||
                 + ||mean(x) - input_mean|| + ||std(x) - input_std||)
    + ce_weight * cross_entropy(model(x), random labels)

where x_bn is the input of each BN (read with forward hooks), its mean and
std are per channel over the batch (N, H, W), and ||.|| is the L2 norm over
channels. The BN terms make the activations look like the training data's,
the input term keeps the pixels near a normalized range, and the
cross-entropy toward one random label per sample spreads the batch over the
classes. Weights 0.1 and 0.2 are the authors' script's. The model is in
eval mode and its parameters are never changed (gradients are taken with
respect to the inputs only).

Generation stops early once the total loss is at or below stop_loss (0 by
default: every step runs; 10 in the authors' code). That bound was set for ResNet-20/CIFAR-10 and ImageNet
networks; on a small network with few BN layers the loss can start near it,
so the stop may fire within a few steps: `steps` in the result says how many
Adam steps were taken (0 if the noise already met the bound). On the
study's SmallResNet it fires at step 0 (the noise's loss is 5-7; see
zebra_attack). The authors' script differs in two ways that change the
loss's scale: it matches per-sample statistics (mean and std over H, W of
each image) and sums squared L2 norms divided by N; here the statistics are
over the batch (N, H, W) and the norms are not squared. It also lowers the
learning rate on plateaus (ReduceLROnPlateau, patience 100), not done here.
"""

import dataclasses

import torch
from torch import nn
from torch.nn import functional as F

EPS = 1e-6
# The authors' noise: (randint(0, 255) - 127.5) / 5418.75 (5418.75 = var of U(-128, 127)).
NOISE_HALF_WIDTH = 127.5 / 5418.75


@dataclasses.dataclass
class DistilledBatch:
    images: torch.Tensor  # (N, 1, 28, 28)
    labels: torch.Tensor  # (N,) the random target labels
    steps: int  # Adam steps taken
    total_losses: list  # total loss of the images before each step, then of the result
    bn_losses: list  # the BN-statistics term (unweighted) at the same points


def _channel_stats(x):
    """Per-channel mean and std over (N, H, W) of an (N, C, H, W) tensor."""
    mean = x.mean(dim=(0, 2, 3))
    std = torch.sqrt(x.var(dim=(0, 2, 3), unbiased=False) + EPS)
    return mean, std


class _BatchNormInputs:
    """Forward hooks recording the input of every BatchNorm2d of a model."""

    def __init__(self, model):
        self.layers = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
        if not self.layers:
            raise ValueError("the model has no nn.BatchNorm2d: ZeBRA's distillation matches "
                             "BN running statistics, so it needs a model with BN")
        self.inputs = {}
        self.handles = [m.register_forward_hook(self._record) for m in self.layers]

    def _record(self, module, inputs, output):
        self.inputs[module] = inputs[0]

    def statistics_loss(self):
        loss = 0.0
        for bn in self.layers:
            mean, std = _channel_stats(self.inputs[bn])
            loss = loss + torch.linalg.vector_norm(mean - bn.running_mean) \
                + torch.linalg.vector_norm(std - torch.sqrt(bn.running_var + EPS))
        return loss

    def remove(self):
        for handle in self.handles:
            handle.remove()


def distill_target_data(model, count, *, seed, num_classes=10, image_shape=(1, 28, 28),
                        lr=0.1, max_steps=2000, stop_loss=0.0, bn_weight=0.1,
                        ce_weight=0.2, input_mean=0.0, input_std=1.0):
    """count distilled images for model and their random target labels (both
    drawn from seed); a DistilledBatch."""
    if count < 2:
        raise ValueError(f"count={count}: the batch statistics need at least 2 images")
    if max_steps < 0:
        raise ValueError(f"max_steps={max_steps}: give 0 or more Adam steps")
    if lr <= 0:
        raise ValueError(f"lr={lr}: give a positive Adam learning rate")
    generator = torch.Generator().manual_seed(seed)
    noise = (torch.rand((count, *image_shape), generator=generator) * 2 - 1) * NOISE_HALF_WIDTH
    labels = torch.randint(0, num_classes, (count,), generator=generator)
    images = noise.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([images], lr=lr)
    was_training = model.training
    model.eval()
    hooks = _BatchNormInputs(model)
    total_losses, bn_losses = [], []
    try:
        for step in range(max_steps + 1):
            with torch.enable_grad():
                logits = model(images)
                bn_loss = hooks.statistics_loss()
                mean, std = _channel_stats(images)
                input_loss = (torch.linalg.vector_norm(mean - input_mean)
                              + torch.linalg.vector_norm(std - input_std))
                total = bn_weight * (bn_loss + input_loss) + ce_weight * F.cross_entropy(
                    logits, labels)
            total_losses.append(float(total))
            bn_losses.append(float(bn_loss))
            if total <= stop_loss or step == max_steps:
                break
            optimizer.zero_grad(set_to_none=True)
            images.grad, = torch.autograd.grad(total, [images])
            optimizer.step()
    finally:
        hooks.remove()
        model.train(was_training)
    return DistilledBatch(images.detach(), labels, step, total_losses, bn_losses)
