// The CUDA elementwise kernel's index math (kernels/common/index_math.h),
// checked on the host: runs in every build, with or without a GPU.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

// The test target's include path holds only the public API and tests/cpp.
#include "common/index_math.h"

namespace {

using ember::index::kMaxIndexDims;
using ember::index::StridedIndexer;

constexpr int kOps = 3;

// The shape of ElementwiseArgs that make_indexer reads.
struct FakeArgs {
  int ndim = 0;
  int64_t shape[64];
  int64_t strides[4][64];
};

// Every element's offsets, by walking the multi-index in row-major order
// (last dim fastest) and summing index * stride: the obvious way.
std::vector<std::array<int64_t, kOps>> reference_offsets(const FakeArgs& a) {
  std::vector<std::array<int64_t, kOps>> out;
  std::vector<int64_t> idx(size_t(a.ndim), 0);
  int64_t numel = 1;
  for (int d = 0; d < a.ndim; ++d) numel *= a.shape[d];
  for (int64_t n = 0; n < numel; ++n) {
    std::array<int64_t, kOps> o{};
    for (int k = 0; k < kOps; ++k)
      for (int d = 0; d < a.ndim; ++d) o[size_t(k)] += idx[size_t(d)] * a.strides[k][d];
    out.push_back(o);
    for (int d = a.ndim - 1; d >= 0; --d) {
      if (++idx[size_t(d)] < a.shape[d]) break;
      idx[size_t(d)] = 0;
    }
  }
  return out;
}

void expect_matches_reference(const FakeArgs& a) {
  StridedIndexer<kOps> ix;
  ASSERT_TRUE(ember::index::make_indexer<kOps>(a, ix));
  auto ref = reference_offsets(a);
  for (int64_t i = 0; i < int64_t(ref.size()); ++i) {
    int64_t off[kOps];
    ix.offsets(i, off);
    for (int k = 0; k < kOps; ++k)
      ASSERT_EQ(off[k], ref[size_t(i)][size_t(k)]) << "ndim " << a.ndim << ", linear index " << i << ", operand " << k;
  }
}

TEST(CudaIndexMath, RandomShapesAndStridesMatchLoop) {
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 200; ++trial) {
    FakeArgs a;
    a.ndim = 1 + int(rng() % kMaxIndexDims);
    int64_t numel = 1;
    for (int d = 0; d < a.ndim; ++d) {
      a.shape[d] = 1 + int64_t(rng() % (numel > 512 ? 2 : 5));
      numel *= a.shape[d];
      for (int k = 0; k < kOps; ++k) {
        // broadcast (0), positive, negative (flip) and large byte strides
        int64_t choices[] = {0, 4, 8, -4, 24, 4096, int64_t(1) << 33};
        a.strides[k][d] = choices[rng() % 7];
      }
    }
    expect_matches_reference(a);
  }
}

TEST(CudaIndexMath, ContiguousOneDimIsLinear) {
  FakeArgs a;
  a.ndim = 1;
  a.shape[0] = 1000;
  a.strides[0][0] = 4;
  a.strides[1][0] = 0;
  a.strides[2][0] = -8;
  expect_matches_reference(a);
  StridedIndexer<kOps> ix;
  ASSERT_TRUE(ember::index::make_indexer<kOps>(a, ix));
  int64_t off[kOps];
  ix.offsets(999, off);
  EXPECT_EQ(off[0], 999 * 4);
  EXPECT_EQ(off[1], 0);
  EXPECT_EQ(off[2], -999 * 8);
}

TEST(CudaIndexMath, TransposedMatrix) {
  // out [3, 5] contiguous floats; input its transpose's storage
  FakeArgs a;
  a.ndim = 2;
  a.shape[0] = 3;
  a.shape[1] = 5;
  for (int k = 0; k < kOps; ++k) {
    a.strides[k][0] = k == 1 ? 4 : 20;
    a.strides[k][1] = k == 1 ? 12 : 4;
  }
  expect_matches_reference(a);
  StridedIndexer<kOps> ix;
  ASSERT_TRUE(ember::index::make_indexer<kOps>(a, ix));
  int64_t off[kOps];
  ix.offsets(7, off);  // row 1, col 2
  EXPECT_EQ(off[0], 1 * 20 + 2 * 4);
  EXPECT_EQ(off[1], 1 * 4 + 2 * 12);
}

TEST(CudaIndexMath, MakeIndexerLimitsDims) {
  FakeArgs a;
  a.ndim = kMaxIndexDims + 1;
  for (int d = 0; d < a.ndim; ++d) {
    a.shape[d] = 2;
    for (int k = 0; k < 4; ++k) a.strides[k][d] = 4;
  }
  StridedIndexer<kOps> ix;
  EXPECT_FALSE(ember::index::make_indexer<kOps>(a, ix));
  a.ndim = 0;
  EXPECT_FALSE(ember::index::make_indexer<kOps>(a, ix));
  a.ndim = kMaxIndexDims;
  EXPECT_TRUE(ember::index::make_indexer<kOps>(a, ix));
  // unused dims are neutral: size 1, stride 0
  a.ndim = 2;
  ASSERT_TRUE(ember::index::make_indexer<kOps>(a, ix));
  for (int d = 2; d < kMaxIndexDims; ++d) {
    EXPECT_EQ(ix.sizes[d], 1);
    for (int k = 0; k < kOps; ++k) EXPECT_EQ(ix.strides[k][d], 0);
  }
}

}  // namespace
