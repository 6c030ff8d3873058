// blockforge._core: the golden models of blockforge for Python. The public
// package (python/blockforge/__init__.py) re-exports what is here; errors are
// Python exceptions with the messages the command line prints.

#include <pybind11/pybind11.h>

#include "python/src/bindings.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "blockforge golden models (bit-exact with the generated RTL)";
  m.attr("__version__") = BLOCKFORGE_VERSION;
  bf::py::bind_formats(m);
  bf::py::bind_design(m);
  bf::py::bind_bfp(m);
  bf::py::bind_range_bn(m);
  bf::py::bind_engines(m);
  bf::py::bind_weight_protection(m);
}
