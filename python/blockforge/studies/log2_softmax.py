"""OPAL's log2 softmax (opal.softmax) on torch tensors, for attention.

This is an integer transcription of the golden model
golden/units/opal_softmax/opal_softmax.{hpp,cpp} -- the arithmetic the
generated RTL is verified against -- vectorized over rows with int64
tensors: the same steps (max, d = m - x, t = round(d * C / 2^shift)
saturated, Mitchell antilog sum terms floored to P bits, leading-one log2 of
the sum with G fraction bits plus log_bias, subtraction in the log domain,
Mitchell antilog into Q0.out_bits) and the same roundings (round half up
where the golden model rounds, floors elsewhere). Defaults are
OpalSoftmaxParams' (Q6.10 logits, k = 4, F = G = 4, log_bias = 1, P = 12,
16 output bits).

What is emulated rather than computed by the unit:
- The float scores are turned into the unit's Q6.10 codes after subtracting
  the row maximum in fp32 (softmax is shift-invariant; this keeps scores of
  any magnitude inside the [-32, 32) input range, where the unit would need
  its producer to deliver in-range logits). Codes round half away from zero
  and saturate, as blockforge softmax-report's quantize_logits.
- Masked entries (-inf) become the most negative code; their scaled
  difference saturates, so they add 0 to the sum and output 0, exactly what
  the unit computes for a row of n = T codes with the masked positions at the
  minimum.
- The output codes are returned as floats y / 2^out_bits (the unit's
  rows do not sum exactly to 1: that is part of what is measured).
"""

import dataclasses

import torch

LOG2E = 1.4426950408889634


@dataclasses.dataclass(frozen=True)
class Log2SoftmaxParams:
    """opal.softmax's arithmetic parameters (names as in `blockforge list`)."""
    in_int_bits: int = 6
    in_frac_bits: int = 10
    out_bits: int = 16
    log2e_frac_bits: int = 4
    exp_frac_bits: int = 4
    log_frac_bits: int = 4
    log_bias: int = 1
    sum_frac_bits: int = 12

    def __post_init__(self):
        if self.in_int_bits + self.in_frac_bits > 24:
            raise ValueError("in_int_bits + in_frac_bits must be at most 24")
        if self.sum_frac_bits <= self.log_frac_bits:
            raise ValueError("sum_frac_bits must exceed log_frac_bits")
        if not 1 <= self.log2e_frac_bits <= 16:
            raise ValueError(f"log2e_frac_bits={self.log2e_frac_bits}: must be in 1..16")


def _antilog(v, h):
    """Mitchell's antilog of v (h fraction bits): (mant, sh) with
    2^-(v / 2^h) ~ mant / 2^(h + sh)."""
    one = 1 << h
    vf = v & (one - 1)
    return one + ((one - vf) & (one - 1)), (v >> h) + (vf != 0).to(torch.int64)


def quantize_logits(scores, params):
    """Float scores (row max already 0, -inf allowed) -> int64 Q codes."""
    w = params.in_int_bits + params.in_frac_bits
    lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
    scaled = torch.nan_to_num(scores.double() * (1 << params.in_frac_bits), neginf=float(lo))
    rounded = torch.sign(scaled) * torch.floor(scaled.abs() + 0.5)  # half away from zero
    return rounded.clamp(lo, hi).to(torch.int64)


def log2_softmax_codes(codes, params=Log2SoftmaxParams()):
    """The unit on int64 input codes (any shape, rows along the last axis):
    int64 output codes in [0, 2^out_bits - 1]."""
    p = params
    c = round(LOG2E * (1 << p.log2e_frac_bits))
    f, g, h = p.exp_frac_bits, p.log_frac_bits, max(p.exp_frac_bits, p.log_frac_bits)
    shift = p.in_frac_bits + p.log2e_frac_bits - f
    t_cap = (max(p.sum_frac_bits, p.out_bits) + 1) << f
    # 1.-4. maximum, differences, scaled differences saturated
    d = codes.amax(dim=-1, keepdim=True) - codes
    a = d * c
    t = (a + (1 << (shift - 1))) >> shift if shift > 0 else a << -shift
    t = t.clamp(max=t_cap)
    # 5.-6. sum terms floor(mant * 2^P / 2^(F + sh))
    mant, sh = _antilog(t, f)
    r = f + sh
    terms = torch.where(r >= 63, torch.zeros_like(t), (mant << p.sum_frac_bits) >> r.clamp(max=62))
    total = terms.sum(dim=-1, keepdim=True)
    # 7. log2 of the sum by leading-one detection (exact for sums < 2^53)
    top = total >> p.sum_frac_bits
    lead = torch.floor(torch.log2(top.double())).to(torch.int64)
    lead = lead - ((1 << lead) > top).to(torch.int64)  # guard the float log2 at powers of two
    lead = lead + ((1 << (lead + 1)) <= top).to(torch.int64)
    bits_after = (total >> (lead + p.sum_frac_bits - 1 - g)) & ((1 << (g + 1)) - 1)
    lg = (lead << g) + ((bits_after + 1) >> 1) + p.log_bias
    # 8.-9. subtraction in the log domain, antilog into Q0.out_bits
    z = (t << (h - f)) + (lg << (h - g))
    mant, sh = _antilog(z, h)
    shz = h + sh
    y = torch.where(shz > p.out_bits + h, torch.zeros_like(z),
                    (mant << p.out_bits) >> shz.clamp(max=62))
    return y.clamp(max=(1 << p.out_bits) - 1)


def log2_softmax(scores, params=Log2SoftmaxParams()):
    """Attention probabilities as opal.softmax computes them (float32, the
    output codes / 2^out_bits), for masked float scores along the last axis.
    No gradient: an evaluation-time replacement of torch.softmax."""
    with torch.no_grad():
        shifted = scores - scores.amax(dim=-1, keepdim=True)
        codes = quantize_logits(shifted, params)
        y = log2_softmax_codes(codes, params)
        return (y.double() / (1 << params.out_bits)).to(scores.dtype)
