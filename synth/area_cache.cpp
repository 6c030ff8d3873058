#include "synth/area_cache.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "util/files.hpp"
#include "util/hash.hpp"

namespace bf::synth {
namespace {

namespace fs = std::filesystem;

// Bump when the meaning of an entry changes; old entries then miss.
constexpr const char* kFormat = "blockforge area cache 1";

}  // namespace

AreaCache::AreaCache(std::string dir) : dir_(std::move(dir)) {
  if (dir_.empty()) return;
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_, ec)) {
    throw std::runtime_error(
        fmt::format("cannot create the area cache directory {}: {}; pass --cache DIR (or set "
                    "BLOCKFORGE_CACHE) to put it elsewhere, or --no-cache",
                    dir_, ec ? ec.message() : "not a directory"));
  }
}

std::string AreaCache::path(const std::string& kind, const std::string& key,
                            const std::string& ext) const {
  return (fs::path(dir_) / kind / key.substr(0, 2) / (key + "." + ext)).string();
}

std::optional<AreaCache::Entry> AreaCache::load(const std::string& kind, const std::string& key,
                                                std::string* problem) const {
  if (!enabled()) return std::nullopt;
  const std::string json_path = path(kind, key, "json");
  std::error_code ec;
  if (!fs::exists(json_path, ec)) return std::nullopt;
  const auto bad = [&](const std::string& why) -> std::optional<Entry> {
    if (problem) *problem = fmt::format("{}: {}", json_path, why);
    return std::nullopt;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(util::read_text(json_path));
  } catch (const std::exception& e) {
    return bad(fmt::format("unreadable ({})", e.what()));
  }
  Entry entry;
  try {
    if (!j.is_object() || j.value("format", "") != kFormat || j.value("key", "") != key ||
        j.value("kind", "") != kind || !j.contains("data") || !j["data"].is_object()) {
      return bad("not an entry of this key and format");
    }
    entry.data = j["data"];
    if (j.contains("blob")) {
      const auto& blob = j["blob"];
      if (!blob.is_object() || !blob.contains("ext") || !blob.contains("bytes") ||
          !blob.contains("hash")) {
        return bad("malformed blob record");
      }
      const std::string ext = blob["ext"].get<std::string>();
      if (ext.empty() || ext.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos) {
        return bad("bad blob extension");  // never a path outside the entry
      }
      const std::string blob_path = path(kind, key, ext);
      std::string text;
      try {
        text = util::read_text(blob_path);
      } catch (const std::exception&) {
        return bad(fmt::format("its {} is missing", blob_path));
      }
      if (text.size() != blob["bytes"].get<std::size_t>() ||
          util::Hasher().add(text).hex() != blob["hash"].get<std::string>()) {
        return bad(fmt::format("its {} does not match the recorded size and hash", blob_path));
      }
      entry.blob_path = blob_path;
    }
  } catch (const nlohmann::json::exception& e) {
    return bad(fmt::format("malformed ({})", e.what()));
  }
  return entry;
}

std::string AreaCache::store(const std::string& kind, const std::string& key,
                             const nlohmann::json& data, const std::string& blob_source,
                             const std::string& blob_ext) const {
  if (!enabled()) return blob_source;
  nlohmann::json j;
  j["format"] = kFormat;
  j["kind"] = kind;
  j["key"] = key;
  std::string blob_path;
  if (!blob_source.empty()) {
    const std::string text = util::read_text(blob_source);
    blob_path = path(kind, key, blob_ext);
    util::write_text_atomic(blob_path, text);
    j["blob"] = {
        {"ext", blob_ext}, {"bytes", text.size()}, {"hash", util::Hasher().add(text).hex()}};
  }
  j["data"] = data;
  util::write_text_atomic(path(kind, key, "json"), j.dump(1) + "\n");
  return blob_path;
}

std::unique_ptr<util::FileLock> AreaCache::lock(const std::string& kind, const std::string& key,
                                                const util::ToolBudget& budget) const {
  if (!enabled()) return nullptr;
  const std::string lock_path = path(kind, key, "lock");
  fs::create_directories(fs::path(lock_path).parent_path());
  for (;;) {
    if (auto held = util::FileLock::try_acquire(lock_path, util::FileLock::Mode::Exclusive)) {
      return held;
    }
    if (budget.cancelled()) {
      throw util::ToolCancelled(fmt::format("cancelled while waiting for {}", lock_path));
    }
    if (budget.expired()) {
      throw util::ToolTimeout(fmt::format("no time left while waiting for {}", lock_path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace bf::synth
