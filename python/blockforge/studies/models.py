"""The studies' two small models, plain torch.nn (blockforge.torch.convert
swaps their Linear/Conv2d/BatchNorm2d layers for the numerics under study).

- SmallResNet: a CIFAR-style ResNet shrunk for 28 x 28 grey images: a 3 x 3
  stem, three stages of basic blocks (16/32/64 channels; the first conv of
  each stage strides 2, so the stages run at 14, 7 and 4 pixels), BN after
  every conv, global average pooling, one Linear. ~80k parameters with one
  block per stage: small enough that the bit-exact BFP GEMMs train it on one
  core in minutes.
- CharTransformer: a decoder-only (GPT-style, pre-LayerNorm) character model
  whose attention softmax is a replaceable function (`attention_softmax`),
  so OPAL's log2 softmax can stand in for exp.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


class BasicBlock(nn.Module):
    """Two 3 x 3 conv + BN, a ReLU between and after, and a 1 x 1 conv + BN
    shortcut when the shape changes."""

    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class SmallResNet(nn.Module):
    """ResNet for (N, 1, 28, 28) inputs; widths per stage, blocks per stage."""

    def __init__(self, num_classes=10, widths=(16, 32, 64), blocks_per_stage=1, in_channels=1):
        super().__init__()
        self.stem = nn.Conv2d(in_channels, widths[0], 3, 1, 1, bias=False)
        self.stem_bn = nn.BatchNorm2d(widths[0])
        stages, channels = [], widths[0]
        for width in widths:
            blocks = [BasicBlock(channels, width, 2)]
            blocks += [BasicBlock(width, width, 1) for _ in range(blocks_per_stage - 1)]
            stages.append(nn.Sequential(*blocks))
            channels = width
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem(x)))
        x = self.stages(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def exact_softmax(scores):
    """The reference attention softmax (masked entries are -inf)."""
    return torch.softmax(scores, dim=-1)


class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, heads):
        super().__init__()
        if d_model % heads:
            raise ValueError(f"d_model={d_model} is not a multiple of heads={heads}")
        self.heads = heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x, softmax):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        mask = torch.ones(t, t, dtype=torch.bool).triu(1)
        probs = softmax(scores.masked_fill(mask, float("-inf")))
        out = (probs @ v).transpose(1, 2).reshape(b, t, d)
        return self.proj(out)


class DecoderBlock(nn.Module):
    def __init__(self, d_model, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, heads)
        self.ln2 = nn.LayerNorm(d_model)
        self.fc1 = nn.Linear(d_model, 4 * d_model)
        self.fc2 = nn.Linear(4 * d_model, d_model)

    def forward(self, x, softmax):
        x = x + self.attn(self.ln1(x), softmax)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class CharTransformer(nn.Module):
    """Decoder-only character model. The linear layers of each block are
    attn.qkv, attn.proj, fc1 and fc2 (the ones a study quantizes); the
    embeddings and the output head `head` stay fp32.

    attention_softmax: a function of the masked scores (B, heads, T, T)
    returning probabilities along the last axis; exact_softmax by default."""

    def __init__(self, vocab_size, d_model=128, heads=4, layers=2, context=128):
        super().__init__()
        self.context = context
        self.token_embedding = nn.Embedding(vocab_size, d_model)
        self.position_embedding = nn.Embedding(context, d_model)
        self.blocks = nn.ModuleList(DecoderBlock(d_model, heads) for _ in range(layers))
        self.ln_final = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)
        self.attention_softmax = exact_softmax

    def forward(self, ids):
        t = ids.shape[1]
        if t > self.context:
            raise ValueError(f"sequence of {t} tokens: the model's context is {self.context}")
        x = self.token_embedding(ids) + self.position_embedding(torch.arange(t))
        for block in self.blocks:
            x = block(x, self.attention_softmax)
        return self.head(self.ln_final(x))


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())
