#pragma once
// Verilog for lightnorm.bfp_codec: the top module (ports, handshake, header
// fields of the packed bus) around the building blocks of
// lightnorm_bfp_blocks.hpp, which the LightNorm BN units share.

#include <string>
#include <vector>

#include "generator/verilog/module.hpp"
#include "golden/units/lightnorm_bfp_codec/lightnorm_bfp_codec.hpp"

namespace bf::lightnorm_bfp_codec {

// The top module, last of the list (the building blocks travel with it as
// submodules). `header` is prepended to its own description.
std::vector<vlog::Module> build_rtl(const golden::LightnormBfpCodecParams& p,
                                    const std::string& top, const std::vector<std::string>& header);

}  // namespace bf::lightnorm_bfp_codec
