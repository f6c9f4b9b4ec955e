#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "ember/export.h"

namespace ember {

/// A seedable source of random numbers (Philox-4x32 counter-based, so a
/// seed gives the same stream on every machine and thread count).
class EMBER_API Generator {
 public:
  explicit Generator(uint64_t seed = 67280421310721ull) { manual_seed(seed); }
  void manual_seed(uint64_t seed);
  uint64_t initial_seed() const { return seed_; }
  /// Reserves `n` 32-bit draws and returns the counter of the first one.
  uint64_t reserve(uint64_t n);
  uint64_t seed() const { return seed_; }
  /// The whole state, seed then offset (8 bytes each, little-endian): what
  /// torch.get_rng_state returns as a uint8 tensor (ember's is 16 bytes, not
  /// the 5056 of torch's mt19937). Callers lock mutex() as for reserve().
  std::vector<uint8_t> get_state() const;
  /// Restores a state get_state() returned; throws ValueError for one that
  /// is not 16 bytes or whose offset is not a multiple of 4.
  void set_state(const std::vector<uint8_t>& state);
  std::mutex& mutex() { return mutex_; }

 private:
  uint64_t seed_ = 0;
  uint64_t offset_ = 0;
  std::mutex mutex_;
};

/// The generator used when none is passed.
EMBER_API Generator& default_generator();
/// Seeds the default generator.
EMBER_API void manual_seed(uint64_t seed);

}  // namespace ember
