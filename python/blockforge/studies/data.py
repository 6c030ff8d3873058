"""The studies' data, read from Debian packages so a run needs no download.

- Fashion-MNIST from `dataset-fashion-mnist` (IDX files, gzip), as float32
  tensors in [0, 1] shaped (N, 1, 28, 28) and int64 labels.
- A character corpus from `fortunes` (the plain-text fortune files; the
  `.dat` index files and the `.u8` symlinks to the same text are skipped), as
  one string, with a character vocabulary and a train/validation split.
"""

import gzip
import pathlib
import struct

import numpy as np
import torch

FASHION_MNIST_DIR = pathlib.Path("/usr/share/datasets/fashion-mnist")
FORTUNES_DIR = pathlib.Path("/usr/share/games/fortunes")

_FASHION_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

# IDX type byte -> numpy dtype (big-endian where it matters).
_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """One IDX file (optionally gzip-compressed) as a numpy array of its shape."""
    path = pathlib.Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise ValueError(f"{path}: not an IDX file (bad magic {raw[:4].hex()})")
    ndim = raw[3]
    dims = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=_IDX_TYPES[raw[2]], offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: header says {dims} ({int(np.prod(dims))} values), "
                         f"the file holds {data.size}")
    return data.reshape(dims)


def load_fashion_mnist(split, subset=None, root=FASHION_MNIST_DIR):
    """(images float32 (N, 1, 28, 28) in [0, 1], labels int64 (N,)) of split
    "train" or "test"; subset keeps the first N samples (the files are not
    sorted by class, so a prefix has every class)."""
    if split not in _FASHION_FILES:
        raise ValueError(f"split={split!r}: use 'train' or 'test'")
    root = pathlib.Path(root)
    image_file, label_file = (root / name for name in _FASHION_FILES[split])
    for f in (image_file, label_file):
        if not f.exists():
            raise FileNotFoundError(f"{f}: install the Debian package dataset-fashion-mnist "
                                    f"(apt-get install dataset-fashion-mnist)")
    images = read_idx(image_file)
    labels = read_idx(label_file)
    if subset is not None:
        if subset < 1:
            raise ValueError(f"subset={subset}: must be a positive sample count")
        images, labels = images[:subset], labels[:subset]
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def fortune_files(root=FORTUNES_DIR):
    """The text files of the fortunes package: no .dat indexes, no .u8
    symlinks (they point at the same text), no other symlinks."""
    root = pathlib.Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: install the Debian package fortunes "
                                f"(apt-get install fortunes)")
    return sorted(p for p in root.iterdir()
                  if p.is_file() and not p.is_symlink() and p.suffix not in (".dat", ".u8"))


def load_fortunes_text(root=FORTUNES_DIR):
    """The corpus: every fortune file's text joined, the '%' separator lines
    turned into blank lines, non-ASCII characters dropped (a small vocabulary
    keeps the model tiny)."""
    parts = []
    for path in fortune_files(root):
        text = path.read_text(encoding="utf-8", errors="ignore")
        lines = ["" if line.strip() == "%" else line for line in text.splitlines()]
        parts.append("\n".join(lines))
    text = "\n".join(parts)
    return "".join(c for c in text if c == "\n" or 32 <= ord(c) < 127)


class CharCorpus:
    """A character-level corpus: vocabulary, encoded ids and a split that
    keeps the last val_fraction of the text for evaluation."""

    def __init__(self, text, val_fraction=0.1):
        if not 0.0 < val_fraction < 1.0:
            raise ValueError(f"val_fraction={val_fraction}: must be in (0, 1)")
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}
        ids = torch.tensor([self.index[c] for c in text], dtype=torch.int64)
        cut = int(len(ids) * (1.0 - val_fraction))
        self.train_ids, self.val_ids = ids[:cut], ids[cut:]

    @property
    def vocab_size(self):
        return len(self.chars)

    def encode(self, text):
        return torch.tensor([self.index[c] for c in text], dtype=torch.int64)

    def decode(self, ids):
        return "".join(self.chars[i] for i in ids.tolist())


def random_windows(ids, count, context, generator):
    """count random (input, target) windows of length context from ids."""
    if len(ids) <= context + 1:
        raise ValueError(f"the text has {len(ids)} characters; context={context} needs more")
    starts = torch.randint(0, len(ids) - context - 1, (count,), generator=generator)
    offsets = torch.arange(context)
    x = ids[starts[:, None] + offsets]
    y = ids[starts[:, None] + offsets + 1]
    return x, y


def evaluation_windows(ids, count, context):
    """count evenly spaced, non-overlapping (input, target) windows: the same
    windows for every numerics, so perplexities compare."""
    usable = (len(ids) - 1) // context
    if usable < 1:
        raise ValueError(f"the text has {len(ids)} characters; context={context} needs more")
    count = min(count, usable)
    step = usable // count
    starts = torch.arange(count) * step * context
    offsets = torch.arange(context)
    return ids[starts[:, None] + offsets], ids[starts[:, None] + offsets + 1]
