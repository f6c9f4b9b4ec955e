#pragma once

// A one-line progress bar for the example training loops (as Progress in
// examples/python/example_utils.py):
//   label [#####.....] done/total  loss 0.1234  5678 samples/s  extra
// redrawn in place with \r, at most 10 times a second.
#include <chrono>
#include <cstdio>
#include <string>

class Progress {
 public:
  Progress(std::string label, int64_t total) : label_(std::move(label)), total_(total), t0_(clock::now()) {}
  void update(int64_t done, double loss, int64_t samples, const std::string& extra = "") {
    samples_ += samples;
    auto now = clock::now();
    if (done < total_ && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    drawn_ = true;
    last_draw_ = now;
    double secs = std::chrono::duration<double>(now - t0_).count();
    int filled = total_ > 0 ? int(30 * done / total_) : 30;
    std::string bar(size_t(filled), '#');
    bar.resize(30, '.');
    std::printf("\r%s [%s] %lld/%lld  loss %.4f  %.0f samples/s%s%s", label_.c_str(), bar.c_str(), (long long)done,
                (long long)total_, loss, secs > 0 ? double(samples_) / secs : 0.0, extra.empty() ? "" : "  ",
                extra.c_str());
    std::fflush(stdout);
  }
  /// Ends the line (after `extra`, if any); returns the seconds since the bar started.
  double finish(const std::string& extra = "") {
    if (!extra.empty()) std::printf("  %s", extra.c_str());
    std::printf("\n");
    std::fflush(stdout);
    return std::chrono::duration<double>(clock::now() - t0_).count();
  }

 private:
  using clock = std::chrono::steady_clock;
  std::string label_;
  int64_t total_;
  int64_t samples_ = 0;
  clock::time_point t0_, last_draw_;
  bool drawn_ = false;
};
