#pragma once
// Mode schedules: the modes of A and B in each training pass.
//
//   forward: A = weights, B = activations
//   data gradient: A = weights (transposed), B = output gradients dY
//   weight gradient: A = output gradients dY, B = activations (transposed)
//
// Presets: all16, all8, all4 (both operands of every pass in that mode) and
// mixed = fwd 8x8, dgrad 8x16, wgrad 16x8, i.e. weights and activations in
// 8 bits and gradients in 16. `mixed` is an ASSUMPTION: FlexBlock's dynamic
// precision control steps each layer's and pass's precision between 16, 8
// and 4 bits from the measured zero-setting error, and the schedules it
// settles on are not published; gradients needing the widest mantissa is
// the usual finding of BFP training studies, so mixed is a plausible steady
// state, not the authors' figure.
//
// Explicit form: fwd=AxB,dgrad=AxB,wgrad=AxB (all three passes, any order;
// A and B in 4, 8, 16 bits). Group sizes are each mode's default
// (default_group_size: 54, 108, 216 for 16, 8, 4 bits).

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "golden/flexblock/mapping.hpp"

namespace bf::golden::flexblock {

struct Schedule {
  std::string name;  // the preset's name or the explicit text as given
  std::array<GemmPrecision, kPasses.size()> pass;

  const GemmPrecision& of(Pass p) const { return pass[static_cast<std::size_t>(p)]; }
  // "fwd=8x8,dgrad=8x16,wgrad=16x8": the explicit form of any schedule.
  std::string spec() const;
};

std::vector<std::string> schedule_presets();  // all16, all8, all4, mixed

// A preset or the explicit form. Throws std::invalid_argument with a message
// that says what is wrong and shows the accepted forms.
Schedule parse_schedule(std::string_view text);

}  // namespace bf::golden::flexblock
