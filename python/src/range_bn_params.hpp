#pragma once
// The parameters of blockforge.RangeBn: LightNorm's range BN over NCHW
// tensors (golden/lightnorm/range_bn_tensor.hpp) named as the configuration
// language names them. The range-BN keys are lightnorm.bn_fwd's and
// lightnorm.bn_bwd's own (visit_range_bn_fields), and the BFP keys are
// lightnorm.bn_fwd's (bfp, bfp_group, bfp_bits), so a key means the same in
// a design file, in `blockforge list` and in Python, with the same checks
// and messages. One key is added for the tensor level, where the gradients
// get a BFP of their own: grad_bfp_bits (LightNorm's 8).
//
// Where the values come from (read_range_bn_params):
//   1. the defaults below (LightNorm's: fp10 1-5-4 / 1-6-3, BFP g8 with 5
//      bits on x, gamma and y and 8 on the gradients, divider reciprocal);
//   2. a lightnorm.bn_fwd or lightnorm.bn_bwd design file, read and checked
//      as `blockforge gen` reads it; its hardware-only keys (lanes, len_bits,
//      div_stages) do not change the arithmetic and are dropped, and a
//      bn_bwd design has no BFP keys (they keep the defaults);
//   3. the keyword arguments, which override the design's values.

#include <pybind11/pybind11.h>

#include <string>

#include "golden/lightnorm/range_bn_fields.hpp"
#include "golden/lightnorm/range_bn_tensor.hpp"
#include "golden/params/param_spec.hpp"

namespace bf::py {

struct RangeBnPyParams {
  std::string bfp = "keep_max";
  int bfp_group = 8;
  int bfp_bits = 5;
  int grad_bfp_bits = 8;
  golden::lightnorm::RangeBnTextFields rb;

  template <class V>
  void visit(V& v) {
    v.field("bfp", bfp,
            "LightNorm's channel-group BFP on x, gamma and y (bfp_bits) and on the gradients "
            "g, dx and dgamma (grad_bfp_bits): keep_max (elements at a group's largest exponent "
            "kept whole, LightNorm), plain (every element aligned to the largest, BFPsim) or "
            "none (the small floats only)",
            Choices{{"keep_max", "plain", "none"}});
    v.field("bfp_group", bfp_group,
            "channels per BFP group (g), for every tensor: a group is g consecutive channels at "
            "one (b, h, w) position (the last group of a position holds C mod g channels when g "
            "does not divide C)",
            IntRange{1, 64});
    v.field("bfp_bits", bfp_bits,
            "magnitude bits of an aligned BFP element of x, gamma and y, counting the hidden one "
            "(LightNorm: 5)",
            IntRange{1, 16});
    v.field("grad_bfp_bits", grad_bfp_bits,
            "magnitude bits of an aligned BFP element of g, dx and dgamma, counting the hidden "
            "one (LightNorm: 8)",
            IntRange{1, 24});
    golden::lightnorm::visit_range_bn_fields(v, rb);
  }

  // Throws ParamError naming the key at fault.
  void validate() const;
  // The golden model's parameters (validated).
  golden::lightnorm::RangeBnTensorParams tensor() const;
};

// The parameters of `design` (None or a path) overridden by `kwargs`.
// Raises ValueError with the configuration language's message (a design's
// file:line:column; "RangeBn: unknown parameter 'chunk' ...; did you mean
// 'chunks'?" for a keyword) and TypeError for a keyword value that is not a
// str, int or bool.
RangeBnPyParams read_range_bn_params(const pybind11::object& design,
                                     const pybind11::kwargs& kwargs);

// LightNorm's arithmetic replaced by fp32 everywhere and no BFP (the
// exactness baseline, bn-error's "fp32 arithmetic" row), then `kwargs`.
RangeBnPyParams fp32_range_bn_params(const pybind11::kwargs& kwargs);

// Every key and its value as a Python dict (declaration order).
pybind11::dict range_bn_params_dict(const RangeBnPyParams& p);

}  // namespace bf::py
