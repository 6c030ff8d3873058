#pragma once
// LightNorm's BFP storage in hardware: the building blocks of
// lightnorm.bfp_codec, and of the LightNorm BN units that decode BFP groups
// on input and encode them on output. Each implements one function of
// golden/formats/lightnorm_bfp_storage.hpp (encoding, layout, proofs) or
// lightnorm_bfp.hpp (the rule):
//
//   group_exponents  lightnorm_bfp_exponents: Emax and E2 of a group, by a
//                    balanced tree of top-2 nodes (Plain: Emax, a max tree)
//   pack module      lightnorm_bfp_pack_element: one code quantized by the
//                    rule and packed into its element field
//   unpack module    lightnorm_bfp_unpack_element: one element field back to
//                    a code (leading-one detection, shift, truncation)
//   pack_lanes /     n instances of those in a generate loop
//   unpack_lanes
//
// The modules are named after every parameter that shapes them
// (lightnorm_bfp_pack_fp10_e5m4_b5, lightnorm_bfp_top2_n8_e5) and carry no
// design in their header, like the primitives of generator/blocks: every
// design that needs one shares it, and synthesis caches it once. A parent
// gets them through vlog::Module::use(), as the functions below do.

#include <string>

#include "generator/verilog/module.hpp"
#include "golden/formats/lightnorm_bfp_storage.hpp"

namespace bf::lightnorm_bfp {

// Wires holding a group's header fields (E bits each). e2 is empty for the
// Plain variant, whose header is Emax alone.
struct GroupExponents {
  std::string emax;
  std::string e2;
};

// Emax and E2 of the n codes of s.format on bus `codes` (code i at
// [W*i +: W], W = s.format.width()), as lightnorm_bfp_exponents computes
// them. Writes into m: <prefix>_fields (the exponent fields), an instance
// u_<prefix> of lightnorm_bfp_top2_n<n>_e<E> (Plain: blocks::max_tree) and
// the result wires <prefix>_emax, <prefix>_e2.
GroupExponents group_exponents(vlog::Module& m, const std::string& prefix,
                               const golden::LightnormBfpStorage& s, const std::string& codes,
                               int n);

// Ports code_i (W), emax_i, e2_i (KeepMax only; E bits each) -> elem_o
// (s.element_bits()). Combinational. The header must be the group's own
// (e <= E2 for every element not at Emax).
vlog::Module pack_module(const golden::LightnormBfpStorage& s);
// Ports elem_i (s.element_bits()), emax_i, e2_i (KeepMax only) -> code_o
// (W). Combinational; any elem_i and header decode (storage.hpp, Decoding).
vlog::Module unpack_module(const golden::LightnormBfpStorage& s);

// n lanes of the pack module in a generate loop g_pack (instances u_pack):
// code i of bus `codes` -> element i of bus `elems` (declared by the caller,
// n * s.element_bits() bits, element i at [EW*i +: EW]).
void pack_lanes(vlog::Module& m, const golden::LightnormBfpStorage& s, int n,
                const std::string& codes, const GroupExponents& ex, const std::string& elems);
// n lanes of the unpack module in a generate loop g_unpack: element i of bus
// `elems` -> code i of bus `codes` (declared by the caller).
void unpack_lanes(vlog::Module& m, const golden::LightnormBfpStorage& s, int n,
                  const std::string& elems, const GroupExponents& ex, const std::string& codes);

}  // namespace bf::lightnorm_bfp
