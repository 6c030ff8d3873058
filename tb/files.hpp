#pragma once
// Small file helpers for the verification flow.

#include <string>

namespace bf::tb {

// The whole file; throws std::runtime_error naming the path when unreadable.
std::string read_text(const std::string& path);
// Writes `content`, creating parent directories; throws on failure.
void write_text(const std::string& path, const std::string& content);
// Writes only when the content differs, so build tools keyed on file times
// (ninja, make) do not rebuild for an identical regenerated file.
void write_if_changed(const std::string& path, const std::string& content);

}  // namespace bf::tb
