// embedding_bag and the EmbeddingBag module: values computed by hand for each
// mode, float64 gradchecks, and the errors for bad offsets and indices.
// (tests/python/test_embedding_bag.py compares the same op against torch.)
#include "ember/nn/modules.h"
#include "testing/testing.h"

using namespace ember;
using ember::testing::rand_input;

namespace {
Tensor d(std::vector<double> v, IntArrayRef shape) { return tensor(v, TensorOptions().dtype(kFloat64)).reshape(shape); }
Tensor i64(std::vector<int64_t> v) { return tensor(v); }
}  // namespace

TEST(EmbeddingBag, KnownValues) {
  // rows r_k = (k, -k); bags [1, 2], [], [3, 0, 3]
  Tensor w = d({0, 0, 1, -1, 2, -2, 3, -3}, {4, 2});
  Tensor idx = i64({1, 2, 3, 0, 3}), off = i64({0, 2, 2});
  EXPECT_CLOSE(embedding_bag(idx, w, off, "sum"), d({3, -3, 0, 0, 6, -6}, {3, 2}));
  EXPECT_CLOSE(embedding_bag(idx, w, off, "mean"), d({1.5, -1.5, 0, 0, 2, -2}, {3, 2}));
  EXPECT_CLOSE(embedding_bag(idx, w, off, "max"), d({2, -1, 0, 0, 3, 0}, {3, 2}));
  // padding_idx 3 leaves the 3s out of the last bag (and of its mean's count)
  EXPECT_CLOSE(embedding_bag(idx, w, off, "mean", Tensor(), false, 3), d({1.5, -1.5, 0, 0, 0, 0}, {3, 2}));
  // per_sample_weights scale the rows; include_last_offset: the last offset ends the last bag
  EXPECT_CLOSE(embedding_bag(idx, w, i64({0, 2, 5}), "sum", d({1, 2, 0.5, 1, 1}, {5}), true),
               d({5, -5, 4.5, -4.5}, {2, 2}));
  // 2-D input: each row a bag
  EXPECT_CLOSE(embedding_bag(i64({1, 2, 3, 3}).reshape({2, 2}), w, Tensor(), "sum"), d({3, -3, 6, -6}, {2, 2}));
}

TEST(EmbeddingBag, Gradchecks) {
  Tensor w = rand_input({5, 3}, 1), psw = rand_input({6}, 2);
  Tensor idx = i64({0, 4, 2, 2, 1, 3}), off = i64({0, 1, 1, 4});
  for (const char* mode : {"sum", "mean", "max"}) {
    auto f = [&](const tensor_list& a) { return embedding_bag(idx, a[0], off, mode, Tensor(), false, 2); };
    EXPECT_TRUE(autograd::gradcheck(f, {w})) << mode;
  }
  auto g = [&](const tensor_list& a) { return embedding_bag(idx, a[0], off, "sum", a[1]); };
  EXPECT_TRUE(autograd::gradcheck(g, {w, psw}));
}

TEST(EmbeddingBag, Module) {
  nn::EmbeddingBag bag(nn::EmbeddingBagOptions(6, 3).mode("sum").padding_idx(-1));
  EXPECT_EQ(*bag->options.padding_idx(), 5);
  EXPECT_CLOSE(bag->weight[5], zeros({3}));
  Tensor out = bag(i64({1, 5, 2}), i64({0, 1}));
  EXPECT_EQ(out.size(0), 2);
  EXPECT_EQ(out.size(1), 3);
  EXPECT_CLOSE(out[1], bag->weight[2].detach());
  EXPECT_EQ(bag->extra_repr(), "6, 3, mode='sum', padding_idx=5");
}

TEST(EmbeddingBag, Errors) {
  Tensor w = rand_input({4, 2}, 3), idx = i64({0, 1, 2});
  EXPECT_THROW_MSG(embedding_bag(idx, w, i64({1})), RuntimeError, "embedding_bag: offsets[0] has to be 0");
  EXPECT_THROW_MSG(embedding_bag(idx, w, i64({0, 2, 1})), RuntimeError, "offsets have to be non-decreasing");
  EXPECT_THROW_MSG(embedding_bag(idx, w, i64({0, 4})), RuntimeError, "offsets[-1] can not be greater");
  EXPECT_THROW_MSG(embedding_bag(i64({0, 4}), w, i64({0})), IndexError, "embedding_bag: index 4");
  EXPECT_THROW_MSG(embedding_bag(idx, w), ValueError, "offsets has to be a 1-D tensor");
  EXPECT_THROW_MSG(embedding_bag(idx, w, i64({0}), "min"), ValueError, "mode has to be one of sum, mean or max");
  EXPECT_THROW_MSG(embedding_bag(idx, w, i64({0}), "max", ones({3}, kFloat64)), NotImplementedError,
                   "per_sample_weights is only supported for mode='sum'");
}
