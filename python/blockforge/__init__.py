"""blockforge: the bit-exact arithmetic of generated DNN-accelerator hardware.

The functions here are the golden models the generated RTL is verified
against (C++, through pybind11), on float32 numpy arrays:

  quantize, quantize_packed, dequantize_packed, format_info
      every block format of `blockforge quantize` (MX, BFP, MX-OPAL)
  bfp_matmul
      FlexBlock's BFP GEMM in any mode pair, on strided operands
  OpalPe, MxDot, Bf16Dot
      the dot-product engines (opal.pe, baseline.mx_dot, baseline.bf16_dot) as GEMMs
  RangeBn
      LightNorm's range BN forward and backward (lightnorm.bn_fwd / bn_bwd)
  load_design, units
      design files read as `blockforge gen` reads them
  protect_and_read
      zebra.int8_engine's weight-memory protections (parity, SECDED, checksum)
      reading a bit-flipped memory image

PyTorch layers are in blockforge.torch (needs python3-torch); the accuracy
studies in blockforge.studies (python3 -m blockforge.studies.<name>).
"""

from blockforge._core import (
    Bf16Dot,
    MxDot,
    OpalPe,
    RangeBn,
    RangeBnSaved,
    __version__,
    bfp_matmul,
    dequantize_packed,
    format_info,
    load_design,
    protect_and_read,
    quantize,
    quantize_packed,
    units,
)

# The public API.
__all__ = [
    "Bf16Dot",
    "MxDot",
    "OpalPe",
    "RangeBn",
    "RangeBnSaved",
    "__version__",
    "bfp_matmul",
    "dequantize_packed",
    "format_info",
    "load_design",
    "protect_and_read",
    "quantize",
    "quantize_packed",
    "units",
]
