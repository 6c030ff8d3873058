"""blockforge: the bit-exact arithmetic of generated DNN-accelerator hardware.

The functions here are the golden models the generated RTL is verified
against (C++, through pybind11), on float32 numpy arrays:

  quantize, quantize_packed, dequantize_packed, format_info
      every block format of `blockforge quantize` (MX, BFP, MX-OPAL)
  bfp_matmul
      FlexBlock's BFP GEMM in any mode pair, on strided operands
  load_design, units
      design files read as `blockforge gen` reads them

PyTorch layers are in blockforge.torch (needs python3-torch).
"""

from blockforge._core import (  # noqa: F401  (the public API)
    __version__,
    bfp_matmul,
    dequantize_packed,
    format_info,
    load_design,
    quantize,
    quantize_packed,
    units,
)
