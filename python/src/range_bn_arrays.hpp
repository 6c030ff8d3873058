#pragma once
// The array side of the range-BN bindings (range_bn_py.cpp and its test-only
// reference, range_bn_testing_py.cpp): the checks of x, gamma, beta and g
// with messages naming the argument, the sizes and the fix, and the hand-over
// of a result vector to numpy without a copy.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <span>
#include <vector>

#include "golden/lightnorm/range_bn.hpp"
#include "golden/lightnorm/range_bn_tensor.hpp"

namespace bf::py {

// Checked forward inputs: x (N, C, H, W), gamma and beta (C,), all float32
// C-contiguous, n = N*H*W allowed by the parameters' chunks. The arrays are
// kept so the spans stay valid while the GIL is released.
struct RangeBnInputs {
  golden::lightnorm::Shape shape;
  pybind11::array_t<float> x, gamma, beta;
  std::span<const float> x_values() const { return {x.data(), shape.count()}; }
  std::span<const float> gamma_values() const { return {gamma.data(), shape.c}; }
  std::span<const float> beta_values() const { return {beta.data(), shape.c}; }
};

// Raises TypeError (dtype, not an array) or ValueError (ndim, layout, C,
// n = N*H*W against chunks).
RangeBnInputs checked_forward_inputs(const pybind11::handle& x, const pybind11::handle& gamma,
                                     const pybind11::handle& beta,
                                     const golden::lightnorm::RangeBnParams& params);

// The inference inputs: x, gamma and beta as the forward's (any n >= 1),
// plus the frozen per-channel mean and sigma, float32 (C,) each.
struct RangeBnInferenceInputs : RangeBnInputs {
  pybind11::array_t<float> mean, sigma;
  std::span<const float> mean_values() const { return {mean.data(), shape.c}; }
  std::span<const float> sigma_values() const { return {sigma.data(), shape.c}; }
};

RangeBnInferenceInputs checked_inference_inputs(const pybind11::handle& x,
                                                const pybind11::handle& gamma,
                                                const pybind11::handle& beta,
                                                const pybind11::handle& mean,
                                                const pybind11::handle& sigma);

// g: float32 C-contiguous of exactly `shape` (the forward's x). ValueError
// naming both shapes otherwise.
pybind11::array_t<float> checked_gradient(const pybind11::handle& g,
                                          const golden::lightnorm::Shape& shape);

// "(2, 3, 4, 4)"
std::string shape_text(const golden::lightnorm::Shape& s);

// The vector's buffer as a numpy array of the given shape, owned by the
// array (no copy).
pybind11::array_t<float> adopt(std::vector<float>&& values,
                               const std::vector<pybind11::ssize_t>& shape);
std::vector<pybind11::ssize_t> dims(const golden::lightnorm::Shape& s);

// blockforge._core._testing_range_bn_reference (range_bn_testing_py.cpp).
void bind_range_bn_testing(pybind11::module_& m);

}  // namespace bf::py
