#include "ember/generator.h"

#include "ember/error.h"

namespace ember {

void Generator::manual_seed(uint64_t seed) {
  seed_ = seed;
  offset_ = 0;
}

uint64_t Generator::reserve(uint64_t n) {
  uint64_t start = offset_;
  offset_ += (n + 3) / 4 * 4;  // Philox makes 4 values per counter
  return start;
}

std::vector<uint8_t> Generator::get_state() const {
  std::vector<uint8_t> state(16);
  for (int i = 0; i < 8; ++i) {
    state[i] = uint8_t(seed_ >> (8 * i));
    state[8 + i] = uint8_t(offset_ >> (8 * i));
  }
  return state;
}

void Generator::set_state(const std::vector<uint8_t>& state) {
  EMBER_CHECK_VALUE(state.size() == 16,
                    "set_state: expected a generator state of 16 bytes (what get_state returns), got ", state.size());
  uint64_t seed = 0, offset = 0;
  for (int i = 0; i < 8; ++i) {
    seed |= uint64_t(state[i]) << (8 * i);
    offset |= uint64_t(state[8 + i]) << (8 * i);
  }
  // reserve() hands out whole Philox counters of 4 values
  EMBER_CHECK_VALUE(offset % 4 == 0, "set_state: the offset in the state (", offset,
                    ") is not a multiple of 4, so get_state did not make it");
  seed_ = seed;
  offset_ = offset;
}

Generator& default_generator() {
  static Generator* g = new Generator();
  return *g;
}

void manual_seed(uint64_t seed) {
  std::lock_guard<std::mutex> lock(default_generator().mutex());
  default_generator().manual_seed(seed);
}

}  // namespace ember
