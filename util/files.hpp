#pragma once
// Small file helpers shared by the flows (verification, area, sweeps).

#include <string>

namespace bf::util {

// The whole file; throws std::runtime_error naming the path when unreadable.
std::string read_text(const std::string& path);
// Writes `content`, creating parent directories; throws on failure.
void write_text(const std::string& path, const std::string& content);
// Writes only when the content differs, so build tools keyed on file times
// (ninja, make) do not rebuild for an identical regenerated file.
void write_if_changed(const std::string& path, const std::string& content);
// Writes `content` to a temporary sibling and renames it over `path`, so a
// reader (or a run killed mid-write) sees the old file or the new one, never
// a partial one. Creates parent directories; throws on failure.
void write_text_atomic(const std::string& path, const std::string& content);

}  // namespace bf::util
