"""PyTorch layers whose GEMMs run through blockforge's bit-exact arithmetic.

    import blockforge.torch as bft
    layer = bft.Conv2d(16, 32, 3, padding=1, numerics="mixed")
    model = bft.convert(model, bft.Numerics.parse("all8"))

A layer's numerics give each training pass (fwd, dgrad, wgrad) its own
arithmetic: FP32 (torch), Bfp(a_bits, b_bits) (FlexBlock's BFP GEMM, the
operand roles of `blockforge map`), or EngineGemm(engine) (opal.pe,
baseline.mx_dot, baseline.bf16_dot). RangeBatchNorm2d is LightNorm's range
batch normalization (batchnorm.py). Backward is straight-through: it reads
the fp32 dY, X and W. Inputs are float32 CPU tensors. See numerics.py for
the operand roles, conv.py for how convolutions are mapped.
"""

from blockforge.torch.batchnorm import RangeBatchNorm2d
from blockforge.torch.conv import Conv2d
from blockforge.torch.convert import convert, quantized_layers
from blockforge.torch.linear import Linear
from blockforge.torch.numerics import FP32, Bfp, EngineGemm, Numerics

__all__ = ["FP32", "Bfp", "EngineGemm", "Numerics", "Linear", "Conv2d", "RangeBatchNorm2d",
           "convert", "quantized_layers"]
