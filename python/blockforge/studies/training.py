"""The training and evaluation loops the Fashion-MNIST studies share.

Timing (steady_timing): one thread (torch.set_num_threads(1)), because the
machine is shared and the seconds-per-epoch columns compare numerics, so
they must not depend on how many cores happen to be free; and glibc's
allocator told to keep freed memory. By default it returns the few-MB
activation buffers of every step to the kernel and faults them in again on
the next one: measured on a 2-core VM, that made torch's fp32 training step
of the SmallResNet 3.9x slower (144 ms against 37 ms), and the first run of
a process slower than later ones as glibc's thresholds adapted. Everything a
run draws (initial weights, batch order) comes from its seed.
"""

import ctypes
import ctypes.util
import time

import torch
from torch.nn import functional as F

# glibc mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3


def keep_freed_memory():
    """Tells glibc malloc to serve buffers up to 64 MB from the heap and
    keep up to 1 GB of freed heap memory instead of returning it to the
    kernel. Returns False (and changes nothing) where the C library has no
    mallopt (not glibc)."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt if name else None
    except (OSError, AttributeError):
        mallopt = None
    if mallopt is None:
        return False
    return all(mallopt(param, value) == 1 for param, value in (
        (_M_MMAP_THRESHOLD, 64 << 20), (_M_TRIM_THRESHOLD, 1 << 30), (_M_TOP_PAD, 64 << 20)))


def steady_timing():
    """One torch thread and an allocator that keeps freed memory (module
    docstring: why)."""
    torch.set_num_threads(1)
    keep_freed_memory()


def seed_everything(seed):
    torch.manual_seed(seed)


def train_classifier(model, images, labels, *, epochs, seed, batch_size=128, lr=2e-3,
                     on_step=None, on_epoch=None):
    """Adam on cross-entropy; returns the seconds of each epoch (training
    only). A last batch smaller than batch_size is dropped: range BN needs a
    channel's B*H*W values to split into whole chunks, and every row of a
    study must see the same batches. on_step(step) runs after every optimizer step (dynamic precision
    control reads the layers' statistics there); on_epoch(epoch) after each
    epoch."""
    steady_timing()
    if len(images) < batch_size:
        raise ValueError(f"{len(images)} training images: fewer than one batch of "
                         f"{batch_size}; lower --batch-size or raise --train-subset")
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    seconds, step = [], 0
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(images), generator=generator)
        start = time.perf_counter()
        for first in range(0, len(images) - batch_size + 1, batch_size):
            index = order[first:first + batch_size]
            loss = F.cross_entropy(model(images[index]), labels[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            if on_step is not None:
                on_step(step)
        seconds.append(time.perf_counter() - start)
        if on_epoch is not None:
            on_epoch(epoch)
    return seconds


@torch.no_grad()
def evaluate_classifier(model, images, labels, batch_size=500):
    """Top-1 accuracy in eval mode."""
    steady_timing()
    model.eval()
    correct = 0
    for first in range(0, len(images), batch_size):
        logits = model(images[first:first + batch_size])
        correct += int((logits.argmax(1) == labels[first:first + batch_size]).sum())
    return correct / len(images)


@torch.no_grad()
def evaluate_with_batch_statistics(model, images, labels, batch_size=400):
    """Top-1 accuracy with every BN normalizing by the test batch's own
    statistics (train-mode forward, no gradient), over the whole batches
    only (range BN needs B*H*W in whole chunks). Against evaluate_classifier
    it separates what training learned from how well the running statistics
    used at inference estimate the batch statistics. Running statistics are
    saved and restored, so the model is unchanged."""
    steady_timing()
    whole = len(images) - len(images) % batch_size
    if whole == 0:
        raise ValueError(f"{len(images)} test images: fewer than one batch of {batch_size}")
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    correct = 0
    for first in range(0, whole, batch_size):
        logits = model(images[first:first + batch_size])
        correct += int((logits.argmax(1) == labels[first:first + batch_size]).sum())
    model.load_state_dict(saved)
    model.eval()
    return correct / whole
