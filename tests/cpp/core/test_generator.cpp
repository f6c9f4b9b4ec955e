// Generator state: get_state / set_state round trips and replays the stream
// (the C++ side of torch.get_rng_state / set_rng_state).
#include "ember/ember.h"
#include "testing/testing.h"

using namespace ember;

TEST(Generator, StateRoundTripReplaysTheStream) {
  Generator g(123);
  (void)g.reserve(10);  // offset 12: whole Philox counters of 4 values
  auto state = g.get_state();
  ASSERT_EQ(state.size(), 16u);
  EXPECT_EQ(state[0], 123);  // the seed, little-endian
  EXPECT_EQ(state[8], 12);   // then the offset
  const uint64_t next = g.reserve(4);
  Generator h;
  h.set_state(state);
  EXPECT_EQ(h.seed(), 123u);
  EXPECT_EQ(h.reserve(4), next);
}

TEST(Generator, DefaultGeneratorStateReplaysRandomTensors) {
  manual_seed(7);
  (void)rand({3});
  auto state = default_generator().get_state();
  auto a = randn({5}, kFloat64);
  default_generator().set_state(state);
  auto b = randn({5}, kFloat64);
  EXPECT_CLOSE_TOL(a, b, 0, 0);
}

TEST(Generator, SetStateRejectsABadState) {
  Generator g;
  EXPECT_THROW_MSG(g.set_state(std::vector<uint8_t>(5)), ValueError, "expected a generator state of 16 bytes");
  auto bad = g.get_state();
  bad[8] = 3;
  EXPECT_THROW_MSG(g.set_state(bad), ValueError, "not a multiple of 4");
}
