#pragma once
// The parts of the Python module blockforge._core; each binds one area of
// the golden models (module.cpp calls them in order).

#include <pybind11/pybind11.h>

namespace bf::py {

void bind_formats(pybind11::module_& m);  // formats_py.cpp: block-format quantizers
void bind_design(pybind11::module_& m);   // design_py.cpp: design files and units
void bind_bfp(pybind11::module_& m);      // bfp_py.cpp: FlexBlock BFP GEMM

}  // namespace bf::py
