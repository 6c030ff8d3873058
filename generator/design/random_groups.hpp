#pragma once
// Random test vectors that only make sense as whole groups (a BN unit's
// channel group: LOAD, STAT..., FINISH..., NORM... beats), handed out one
// beat per Design::random_case() call. The rng does not move while a group's
// beats last, so they continue the same stream only while the rng is where
// the group left it; another rng (a new run, a new seed) starts a new group,
// and the vectors stay a function of the seed. Thread-safe.

#include <deque>
#include <functional>
#include <mutex>
#include <random>
#include <vector>

#include "generator/design/design.hpp"

namespace bf {

class RandomGroups {
 public:
  using MakeGroup = std::function<std::vector<TestVector>(std::mt19937_64&)>;

  // The next beat: of the current group, or of a new one from make_group.
  TestVector next(std::mt19937_64& rng, const MakeGroup& make_group) const;

 private:
  mutable std::mutex mutex_;
  mutable std::deque<TestVector> pending_;  // the rest of the current group
  mutable std::mt19937_64 after_;           // the rng as that group left it
};

}  // namespace bf
