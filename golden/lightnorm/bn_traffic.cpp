#include "golden/lightnorm/bn_traffic.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "golden/formats/lightnorm_bfp_storage.hpp"
#include "golden/lightnorm/range_bn.hpp"
#include "golden/lightnorm/range_bn_tensor.hpp"

namespace bf::golden::lightnorm {

namespace {

// The argmax / argmin flags LightNorm's forward keeps per element.
constexpr double kFlagBits = 2;

double bytes(double bits_per_element, int64_t count) {
  return bits_per_element * static_cast<double>(count) / 8.0;
}

double width(const FloatFormat& f) { return f.width(); }

}  // namespace

double TensorStorage::bits_per_element() const {
  if (!bfp) return width(format);
  LightnormBfpStorage s{*bfp, format};
  s.validate();
  return s.bits_per_element();
}

std::string TensorStorage::label() const {
  if (!bfp) return format.name();
  return fmt::format("{} BFP g{} {}-bit {}", format.name(), bfp->group, bfp->bits,
                     bfp->variant == LightnormBfp::Variant::KeepMax ? "keep-max" : "plain");
}

std::vector<BnTrafficScheme> bn_traffic_schemes() {
  BnTrafficScheme fp32;
  fp32.id = "fp32";
  fp32.label = "fp32 BN (baseline.bn_fp32)";

  // LightNorm's formats and BFP settings, as the golden model's defaults.
  const RangeBnTensorParams authors;
  const RangeBnParams& core = authors.core;
  BnTrafficScheme small;
  small.lightnorm = true;
  small.x = small.y = small.x_hat = TensorStorage{core.io, std::nullopt};
  small.g = small.dx = TensorStorage{core.grad, std::nullopt};
  small.stat = core.stat;
  small.gamma = core.io;
  small.beta = core.norm;

  BnTrafficScheme fp10 = small;
  fp10.id = "fp10";
  fp10.label = "LightNorm fp10, no BFP";
  BnTrafficScheme bfp_io = small;
  bfp_io.id = "fp10_bfp_io";
  bfp_io.label = "LightNorm fp10, BFP on x, y";
  bfp_io.x.bfp = bfp_io.y.bfp = authors.io_bfp;
  BnTrafficScheme bfp_all = bfp_io;
  bfp_all.id = "fp10_bfp_all";
  bfp_all.label = "LightNorm fp10, BFP on x, y, g, dx";
  bfp_all.g.bfp = bfp_all.dx.bfp = authors.grad_bfp;
  return {fp32, fp10, bfp_io, bfp_all};
}

BnLayerTraffic bn_layer_traffic(const BnTrafficScheme& s, const BnLayerShape& layer, bool fused) {
  if (layer.n < 1 || layer.c < 1 || layer.h < 1 || layer.w < 1)
    throw std::invalid_argument(
        fmt::format("BN layer '{}' has shape {} x {} x {} x {}; every size must be at least 1",
                    layer.name, layer.n, layer.c, layer.h, layer.w));
  const int64_t e = layer.elements(), c = layer.c;
  const double x = s.x.bits_per_element(), y = s.y.bits_per_element();
  const double g = s.g.bits_per_element(), dx = s.dx.bits_per_element();
  BnLayerTraffic t;
  // Forward: pass 1 reads x unless fused; pass 2 reads x and writes y.
  t.forward.read = bytes(x, fused ? e : 2 * e);
  t.forward.write = bytes(y, e);
  // Backward: pass 1 reads g unless fused; pass 2 reads g and writes dx.
  t.backward.read = bytes(g, fused ? e : 2 * e);
  t.backward.write = bytes(dx, e);
  // Per channel: gamma and beta in; the statistics backward loads out, and
  // back in; dgamma and dbeta out.
  const int stats = s.lightnorm ? 1 : 2;  // scale, or mean and inv_std
  t.forward.read += bytes(width(s.gamma) + width(s.beta), c);
  t.forward.write += bytes(stats * width(s.stat), c);
  t.backward.read += bytes(width(s.gamma) + stats * width(s.stat), c);
  t.backward.write += bytes(width(s.g.format) + width(s.stat), c);  // dgamma (grad), dbeta (stat)
  if (s.lightnorm) {
    // x_hat and the flags out of forward; x_hat into backward pass 1, the
    // flags into pass 2.
    const double kept = s.x_hat.bits_per_element();
    t.forward.write += bytes(kept + kFlagBits, e);
    t.backward.read += bytes(kept + kFlagBits, e);
  } else {
    // x again, in both backward passes.
    t.backward.read += bytes(x, 2 * e);
  }
  return t;
}

}  // namespace bf::golden::lightnorm
