#include "python/src/range_bn_arrays.hpp"

#include <stdexcept>
#include <string>

#include "python/src/arrays.hpp"

namespace bf::py {

namespace ln = golden::lightnorm;

std::string shape_text(const ln::Shape& s) {
  return "(" + std::to_string(s.n) + ", " + std::to_string(s.c) + ", " + std::to_string(s.h) +
         ", " + std::to_string(s.w) + ")";
}

std::vector<pyb::ssize_t> dims(const ln::Shape& s) {
  return {static_cast<pyb::ssize_t>(s.n), static_cast<pyb::ssize_t>(s.c),
          static_cast<pyb::ssize_t>(s.h), static_cast<pyb::ssize_t>(s.w)};
}

namespace {

// a: float32 C-contiguous (C,) with one value per channel of x.
pyb::array_t<float> checked_per_channel(const pyb::handle& obj, const char* name,
                                        const ln::Shape& x_shape) {
  auto a = checked_array<float>(obj, name);
  require_ndim(a, 1, name, "(C,)");
  const std::string c = std::to_string(x_shape.c);
  if (static_cast<std::size_t>(a.shape(0)) != x_shape.c)
    throw pyb::value_error(std::string(name) + ": " + std::to_string(a.shape(0)) +
                           " values for the " + c + " channels of x " + shape_text(x_shape) +
                           "; pass one per channel, shape (" + c + ",)");
  return a;
}

// x (N, C, H, W) with at least one value, gamma and beta (C,).
RangeBnInputs checked_operands(const pyb::handle& x, const pyb::handle& gamma,
                               const pyb::handle& beta) {
  RangeBnInputs in;
  in.x = checked_array<float>(x, "x");
  require_ndim(in.x, 4, "x", "(N, C, H, W)");
  in.shape = {static_cast<std::size_t>(in.x.shape(0)), static_cast<std::size_t>(in.x.shape(1)),
              static_cast<std::size_t>(in.x.shape(2)), static_cast<std::size_t>(in.x.shape(3))};
  in.gamma = checked_per_channel(gamma, "gamma", in.shape);
  in.beta = checked_per_channel(beta, "beta", in.shape);
  if (in.shape.count() == 0)
    throw pyb::value_error("x: shape " + shape_text(in.shape) + " has no values");
  return in;
}

}  // namespace

RangeBnInputs checked_forward_inputs(const pyb::handle& x, const pyb::handle& gamma,
                                     const pyb::handle& beta, const ln::RangeBnParams& params) {
  RangeBnInputs in = checked_operands(x, gamma, beta);
  try {
    (void)ln::range_bn_constants(params, static_cast<int64_t>(in.shape.per_channel()));
  } catch (const std::invalid_argument& e) {
    throw pyb::value_error("x: shape " + shape_text(in.shape) + " gives n = N*H*W = " +
                           std::to_string(in.shape.per_channel()) + " values per channel; " +
                           e.what() + "; change the batch or the chunks parameter");
  }
  return in;
}

RangeBnInferenceInputs checked_inference_inputs(const pyb::handle& x, const pyb::handle& gamma,
                                                const pyb::handle& beta, const pyb::handle& mean,
                                                const pyb::handle& sigma) {
  RangeBnInferenceInputs in;
  static_cast<RangeBnInputs&>(in) = checked_operands(x, gamma, beta);
  in.mean = checked_per_channel(mean, "mean", in.shape);
  in.sigma = checked_per_channel(sigma, "sigma", in.shape);
  return in;
}

pyb::array_t<float> checked_gradient(const pyb::handle& g, const ln::Shape& shape) {
  auto a = checked_array<float>(g, "g");
  require_ndim(a, 4, "g", "(N, C, H, W)");
  const ln::Shape s{static_cast<std::size_t>(a.shape(0)), static_cast<std::size_t>(a.shape(1)),
                    static_cast<std::size_t>(a.shape(2)), static_cast<std::size_t>(a.shape(3))};
  if (s.n != shape.n || s.c != shape.c || s.h != shape.h || s.w != shape.w)
    throw pyb::value_error("g: shape " + shape_text(s) + " differs from the forward's x " +
                           shape_text(shape) + "; pass the gradient of y (same shape as x)");
  return a;
}

pyb::array_t<float> adopt(std::vector<float>&& values, const std::vector<pyb::ssize_t>& shape) {
  auto* owned = new std::vector<float>(std::move(values));
  pyb::capsule owner(owned, [](void* p) { delete static_cast<std::vector<float>*>(p); });
  return pyb::array_t<float>(shape, owned->data(), owner);
}

}  // namespace bf::py
