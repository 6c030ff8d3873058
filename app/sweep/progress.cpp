#include "app/sweep/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

namespace bf::sweep {

namespace {

constexpr int kBarWidth = 20;

std::string params_text(const Row& row) {
  std::string s;
  const auto it = row.find("params");
  if (it == row.end() || !it->is_object()) return s;
  for (const auto& [k, v] : it->items())
    s += fmt::format("{}{}={}", s.empty() ? "" : " ", k,
                     v.is_string() ? v.get<std::string>() : v.dump());
  return s;
}

}  // namespace

ProgressReporter::ProgressReporter(RunOptions::Progress mode, std::size_t total, std::ostream& out)
    : mode_(mode), total_(total), out_(out) {
  if (mode_ == RunOptions::Progress::Auto)
    mode_ = ::isatty(STDERR_FILENO) ? RunOptions::Progress::Bar : RunOptions::Progress::Lines;
  if (mode_ == RunOptions::Progress::Bar) {
    std::lock_guard<std::mutex> lock(mu_);
    draw_locked();
    ticker_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!finished_) {
        cv_.wait_for(lock, std::chrono::seconds(1));
        if (!finished_) draw_locked();
      }
    });
  }
}

ProgressReporter::~ProgressReporter() { finish(); }

void ProgressReporter::finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_) return;
    finished_ = true;
    if (mode_ == RunOptions::Progress::Bar) {
      draw_locked();
      out_ << "\n" << std::flush;
    }
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

std::string ProgressReporter::format_eta(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "--:--";
  const long s = std::lround(seconds);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string ProgressReporter::bar_line(std::size_t done, std::size_t total, std::size_t failed,
                                       double eta_seconds) {
  const int filled =
      total == 0 ? kBarWidth : static_cast<int>(kBarWidth * std::min(done, total) / total);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar += std::string(static_cast<std::size_t>(kBarWidth - filled), '.');
  return fmt::format("[{}] {}/{} done, {} failed, ETA {}", bar, done, total, failed,
                     done >= total ? "0:00" : format_eta(eta_seconds));
}

double ProgressReporter::eta_locked() const {
  if (computed_ == 0) return -1;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return elapsed / static_cast<double>(computed_) * static_cast<double>(total_ - done_);
}

void ProgressReporter::draw_locked() {
  out_ << "\r" << bar_line(done_, total_, failed_, eta_locked()) << "\x1b[K" << std::flush;
}

void ProgressReporter::point_done(const Row& row) {
  std::lock_guard<std::mutex> lock(mu_);
  ++done_;
  const bool ok = row.value("status", std::string()) == "ok";
  const bool cached = row.value("cached", false);
  if (!ok) ++failed_;
  if (!cached) ++computed_;
  switch (mode_) {
    case RunOptions::Progress::Bar:
      draw_locked();
      break;
    case RunOptions::Progress::Lines: {
      std::string line = fmt::format("point {}/{} ", done_, total_);
      if (ok) {
        const auto m = row.find("metrics");
        double area = 0;
        if (m != row.end() && m->is_object() && m->contains("area_um2") &&
            (*m)["area_um2"].is_number())
          area = (*m)["area_um2"].get<double>();
        line += fmt::format("ok area={:.1f} um2", area);
      } else {
        line += "failed: " + row.value("error", std::string("unknown error"));
      }
      if (cached) line += " (cached)";
      const std::string params = params_text(row);
      if (!params.empty()) line += " [" + params + "]";
      out_ << line << "\n" << std::flush;
      break;
    }
    default:
      break;
  }
}

}  // namespace bf::sweep
