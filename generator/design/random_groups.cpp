#include "generator/design/random_groups.hpp"

#include <iterator>
#include <utility>

namespace bf {

TestVector RandomGroups::next(std::mt19937_64& rng, const MakeGroup& make_group) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (pending_.empty() || rng != after_) {
    auto group = make_group(rng);
    pending_.assign(std::make_move_iterator(group.begin()), std::make_move_iterator(group.end()));
    after_ = rng;
  }
  TestVector tv = std::move(pending_.front());
  pending_.pop_front();
  return tv;
}

}  // namespace bf
