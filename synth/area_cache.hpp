#pragma once
// The content-addressed cache of the hierarchical area flow. An entry is a
// JSON file (the numbers) and optionally a blob next to it (a module's
// generic netlist), both under a key that hashes every input of the
// computation. Entries are never trusted blindly: the JSON names its key and
// format, and carries the size and hash of its blob; anything that does not
// match is a miss, recomputed and replaced.
//
// Layout: DIR/<kind>/<key[0..2)>/<key>.json, <key>.<blob ext>, <key>.lock
// Writes go to a temporary and are renamed into place (blob first, JSON
// last: a JSON entry is only ever seen complete). A computation holds the
// key's lock file, so concurrent runs (threads, processes, sweeps sharing the
// cache) compute a key once; the others wait and read the entry.
// Deleting the directory at any time is safe (it only costs time).

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "util/file_lock.hpp"
#include "util/process.hpp"

namespace bf::synth {

class AreaCache {
 public:
  // An empty dir makes a disabled cache: loads miss, stores do nothing.
  explicit AreaCache(std::string dir);

  bool enabled() const { return !dir_.empty(); }
  const std::string& dir() const { return dir_; }

  struct Entry {
    nlohmann::json data;
    std::string blob_path;  // empty when the entry has no blob
  };
  // The entry of (kind, key) if it is present and intact. An entry that is
  // present but not intact sets *problem to why (then it is a miss).
  std::optional<Entry> load(const std::string& kind, const std::string& key,
                            std::string* problem) const;
  // Stores data (and the blob read from blob_source when not empty, kept
  // with extension blob_ext). Returns the stored blob's path (empty when no
  // blob, or when the cache is disabled: then blob_source is the blob).
  std::string store(const std::string& kind, const std::string& key, const nlohmann::json& data,
                    const std::string& blob_source = "", const std::string& blob_ext = "") const;

  // Holds the key's lock for its lifetime; waits for another holder, in
  // steps, giving up with util::ToolCancelled / util::ToolTimeout when the
  // budget says so. nullptr when the cache is disabled.
  std::unique_ptr<util::FileLock> lock(const std::string& kind, const std::string& key,
                                       const util::ToolBudget& budget) const;

 private:
  std::string path(const std::string& kind, const std::string& key, const std::string& ext) const;
  std::string dir_;
};

}  // namespace bf::synth
