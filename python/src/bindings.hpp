#pragma once
// The parts of the Python module blockforge._core; each binds one area of
// the golden models (module.cpp calls them in order).

#include <pybind11/pybind11.h>

namespace bf::py {

void bind_formats(pybind11::module_& m);  // formats_py.cpp: block-format quantizers
void bind_design(pybind11::module_& m);   // design_py.cpp: design files and units
void bind_bfp(pybind11::module_& m);      // bfp_py.cpp: FlexBlock BFP GEMM
// weight_protection_py.cpp: protect_and_read, the golden models of the
// zebra.int8_engine weight-memory protections (parity, SECDED, checksum).
void bind_weight_protection(pybind11::module_& m);

// range_bn_py.cpp: LightNorm's range BN (RangeBn, RangeBnSaved)
void bind_range_bn(pybind11::module_& m);

// engines_py.cpp: the dot-product engines (OpalPe, MxDot, Bf16Dot); it calls
// bind_engine_testing (engine_testing_py.cpp: the _testing submodule)
void bind_engines(pybind11::module_& m);
void bind_engine_testing(pybind11::module_& m);

}  // namespace bf::py
