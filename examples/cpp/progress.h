#pragma once

// A one-line progress bar for the example training loops: epoch, bar,
// running loss and throughput, redrawn in place.
#include <chrono>
#include <cstdio>
#include <string>

class Progress {
 public:
  Progress(std::string label, int64_t total) : label_(std::move(label)), total_(total), t0_(clock::now()) {}
  void update(int64_t done, double loss, int64_t samples) {
    samples_ += samples;
    double secs = std::chrono::duration<double>(clock::now() - t0_).count();
    int filled = total_ > 0 ? int(30 * done / total_) : 30;
    std::string bar(size_t(filled), '#');
    bar.resize(30, '.');
    std::printf("\r%s [%s] %lld/%lld  loss %.4f  %.0f samples/s", label_.c_str(), bar.c_str(), (long long)done,
                (long long)total_, loss, secs > 0 ? double(samples_) / secs : 0.0);
    std::fflush(stdout);
  }
  void finish() { std::printf("\n"); }

 private:
  using clock = std::chrono::steady_clock;
  std::string label_;
  int64_t total_;
  int64_t samples_ = 0;
  clock::time_point t0_;
};
