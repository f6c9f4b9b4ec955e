// Linear algebra: gemm kernel paths, matmul shapes, addmm/baddbmm, einsum,
// errors and float64 gradchecks. Known values come from torch 1.13.
#include <cmath>
#include <vector>

#include "testing/testing.h"

namespace ember {
namespace {

using testing::rand_input;

Tensor t64(const std::vector<double>& v, IntArrayRef shape) { return tensor(v, kFloat64).reshape(shape); }
Tensor ar(int64_t n, IntArrayRef shape, double shift = 0) {
  return (arange(n, TensorOptions().dtype(kFloat64)) + shift).reshape(shape);
}

// Naive float64 reference: a [B, M, K] @ b [B, K, N].
Tensor naive_bmm(const Tensor& a_in, const Tensor& b_in) {
  Tensor a = a_in.detach().to(kFloat64).contiguous(), b = b_in.detach().to(kFloat64).contiguous();
  int64_t B = a.size(0), M = a.size(1), K = a.size(2), N = b.size(2);
  std::vector<double> out(size_t(B * M * N), 0.0);
  const double* pa = a.data_ptr<double>();
  const double* pb = b.data_ptr<double>();
  for (int64_t bi = 0; bi < B; ++bi)
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double s = 0;
        for (int64_t k = 0; k < K; ++k) s += pa[(bi * M + i) * K + k] * pb[(bi * K + k) * N + j];
        out[size_t((bi * M + i) * N + j)] = s;
      }
  return tensor(out, kFloat64).reshape({B, M, N});
}

// ------------------------------------------------------------ known values

TEST(Linalg, MmKnownValues) {
  Tensor a = ar(12, {3, 4}), b = ar(8, {4, 2}, -3);
  EXPECT_CLOSE(mm(a, b), t64({10, 16, 10, 32, 10, 48}, {3, 2}));
  EXPECT_CLOSE(matmul(a, b), t64({10, 16, 10, 32, 10, 48}, {3, 2}));
  // transposed operand: no copy, same values
  EXPECT_CLOSE(mm(a.t(), a), t64({80, 92, 104, 116, 92, 107, 122, 137, 104, 122, 140, 158, 116, 137, 158, 179},
                                 {4, 4}));
}

TEST(Linalg, MmAllLayoutsMatchNaive) {
  Generator g(7);
  Tensor a = randn({5, 7}, g, kFloat64), b = randn({7, 6}, g, kFloat64);
  Tensor ref = naive_bmm(a.unsqueeze(0), b.unsqueeze(0)).squeeze(0);
  Tensor at = a.t().contiguous().t(), bt = b.t().contiguous().t();  // column-major
  EXPECT_CLOSE(mm(a, b), ref);
  EXPECT_CLOSE(mm(at, b), ref);
  EXPECT_CLOSE(mm(a, bt), ref);
  EXPECT_CLOSE(mm(at, bt), ref);
  // neither stride is 1: copied first
  Tensor big = randn({10, 14}, g, kFloat64);
  Tensor as = big.slice(0, 0, 10, 2).slice(1, 0, 14, 2);  // [5, 7]
  EXPECT_CLOSE(mm(as, b), naive_bmm(as.unsqueeze(0), b.unsqueeze(0)).squeeze(0));
  // float32 too
  EXPECT_CLOSE(mm(at.to(kFloat32), bt.to(kFloat32)), ref.to(kFloat32));
}

TEST(Linalg, MmIntegerAndHalf) {
  Tensor a = tensor({1, 2, 3, 4, 5, 6}).reshape({2, 3});
  Tensor b = tensor({7, 8, 9, 10, 11, 12}).reshape({3, 2});
  Tensor r = mm(a, b);
  EXPECT_EQ(r.dtype(), kInt64);
  EXPECT_TRUE(equal(r, tensor({58, 64, 139, 154}).reshape({2, 2})));
  Tensor rh = mm(a.to(kFloat16), b.to(kFloat16));
  EXPECT_EQ(rh.dtype(), kFloat16);
  EXPECT_CLOSE(rh, tensor({58.0, 64.0, 139.0, 154.0}).reshape({2, 2}).to(kFloat16));
  Tensor rb = mm(a.to(kBFloat16), b.to(kBFloat16));
  EXPECT_CLOSE(rb, tensor({58.0, 64.0, 139.0, 154.0}).reshape({2, 2}).to(kBFloat16));
}

TEST(Linalg, ZeroSizedProducts) {
  EXPECT_CLOSE(mm(zeros({2, 0}, kFloat64), zeros({0, 3}, kFloat64)), zeros({2, 3}, kFloat64));
  EXPECT_EQ(mm(zeros({0, 4}), zeros({4, 3})).sizes().vec(), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(matmul(zeros({2, 0, 4}), zeros({4, 3})).sizes().vec(), (std::vector<int64_t>{2, 0, 3}));
  EXPECT_EQ(bmm(zeros({0, 2, 4}), zeros({0, 4, 3})).sizes().vec(), (std::vector<int64_t>{0, 2, 3}));
  EXPECT_CLOSE(addmm(ones({3}, kFloat64), zeros({2, 0}, kFloat64), zeros({0, 3}, kFloat64), 2, 1),
               full({2, 3}, 2.0, kFloat64));
}

TEST(Linalg, LargeGemmThreadedMatchesNaive) {
  Generator g(3);
  Tensor a = randn({3, 130, 140}, g, kFloat64), b = randn({3, 140, 150}, g, kFloat64);
  EXPECT_CLOSE(bmm(a, b), naive_bmm(a, b));
  Tensor a2 = randn({200, 160}, g, kFloat64), b2 = randn({150, 160}, g, kFloat64);
  EXPECT_CLOSE(mm(a2, b2.t()), naive_bmm(a2.unsqueeze(0), b2.t().unsqueeze(0)).squeeze(0));
  Tensor a3 = randn({300, 100}, g, kFloat32), b3 = randn({100, 90}, g, kFloat32);
  EXPECT_CLOSE_TOL(mm(a3, b3), naive_bmm(a3.unsqueeze(0), b3.unsqueeze(0)).squeeze(0).to(kFloat32), 1e-4, 1e-4);
}

// The float kernel (sgemm_avx512.cpp on AVX-512 CPUs) has a path per shape
// class: panel heights 6, 8 and 12 and their edges, B in place or packed,
// the inner-product form (long K with few outputs, and narrow N), k-blocks
// that accumulate, transposed operands and a column-major output.
TEST(Linalg, FloatGemmPathsMatchFloat64) {
  Generator g(11);
  const int64_t dims[] = {1, 5, 6, 11, 12, 13, 16, 25, 33, 100};
  int checked = 0;
  for (int64_t M : dims)
    for (int64_t N : dims)
      for (int64_t K : {1, 17, 300, 600}) {
        for (int lay = 0; lay < 4; ++lay) {
          Tensor a = (lay & 1) ? randn({K, M}, g).t() : randn({M, K}, g);
          Tensor b = (lay & 2) ? randn({N, K}, g).t() : randn({K, N}, g);
          Tensor ref = mm(a.to(kFloat64), b.to(kFloat64));
          const double tol = 2e-5 * std::sqrt(double(K)) + 1e-6;
          EXPECT_CLOSE_TOL(mm(a, b).to(kFloat64), ref, tol, 1e-5) << "M=" << M << " N=" << N << " K=" << K
                                                                  << " layout=" << lay;
          ++checked;
        }
      }
  EXPECT_EQ(checked, 10 * 10 * 4 * 4);
  // beta and alpha, an output written column-major, and beta = 0 over NaN
  for (int64_t M : {7, 64, 130})
    for (int64_t N : {5, 32, 77}) {
      Tensor bias = randn({M, N}, g), a = randn({M, 40}, g), b = randn({40, N}, g);
      Tensor ref = bias.to(kFloat64) * 0.5 + mm(a.to(kFloat64), b.to(kFloat64)) * 2.0;
      EXPECT_CLOSE_TOL(addmm(bias, a, b, 0.5, 2.0).to(kFloat64), ref, 1e-4, 1e-5);
      EXPECT_CLOSE_TOL(addmm(bias.t(), b.t(), a.t(), 0.5, 2.0).to(kFloat64), ref.t(), 1e-4, 1e-5);
    }
  Tensor r = addmm(full({20, 20}, NAN), randn({20, 8}, g), randn({8, 20}, g), 0.0, 1.0);
  EXPECT_FALSE(isnan(r).any().item<bool>());
}

// Operands that start off a 64-byte boundary and B read in place with 32
// columns (ldb == the packed panel's width): once crashed with an aligned
// load (a Linear(32, 10)'s weight gradient).
TEST(Linalg, FloatGemmUnalignedInPlaceB) {
  Generator g(13);
  for (int64_t off : {1, 3, 4, 7})
    for (int64_t M : {5, 10, 20, 24})
      for (int64_t N : {16, 20, 32, 33})
        for (int64_t ld : {N, int64_t(32), int64_t(48)}) {
          if (ld < N) continue;
          const int64_t K = 32;
          Tensor b = randn({K * ld + off}, g).slice(0, off, K * ld + off).view({K, ld}).slice(1, 0, N);
          Tensor a = randn({M * K + off}, g).slice(0, off, M * K + off).view({M, K});
          Tensor ref = mm(a.to(kFloat64), b.to(kFloat64));
          EXPECT_CLOSE_TOL(mm(a, b).to(kFloat64), ref, 1e-4, 1e-5) << "off=" << off << " M=" << M << " N=" << N
                                                                  << " ld=" << ld;
        }
}

// linear adds its bias in the GEMM's epilogue (packed tiles, the
// inner-product path, Eigen's fallback with C pre-filled, an empty
// contraction, the 16-bit and integer dtypes): every path against float64.
TEST(Linalg, LinearBiasEveryGemmPath) {
  Generator g(12);
  int checked = 0;
  for (int64_t M : {1, 5, 64, 130})
    for (int64_t N : {1, 3, 10, 33, 77})
      for (int64_t K : {0, 1, 17, 300})
        for (bool transposed_x : {false, true}) {
          Tensor x = transposed_x ? randn({K, M}, g).t() : randn({M, K}, g);
          Tensor w = randn({N, K}, g), b = randn({N}, g);
          Tensor ref = mm(x.to(kFloat64), w.to(kFloat64).t()) + b.to(kFloat64);
          const double tol = 2e-5 * std::sqrt(double(K + 1)) + 1e-6;
          EXPECT_CLOSE_TOL(linear(x, w, b).to(kFloat64), ref, tol, 1e-5)
              << "M=" << M << " N=" << N << " K=" << K << " transposed x=" << transposed_x;
          EXPECT_CLOSE_TOL(linear(x.to(kFloat64), w.to(kFloat64), b.to(kFloat64)), ref, 1e-12, 1e-12);
          ++checked;
        }
  EXPECT_EQ(checked, 4 * 5 * 4 * 2);
  // 3-D input, a strided bias, the 16-bit floats and integers
  Tensor x3 = randn({2, 7, 20}, g), w = randn({9, 20}, g), b2 = randn({9, 2}, g).select(1, 0);
  EXPECT_CLOSE_TOL(linear(x3, w, b2), matmul(x3, w.t()) + b2, 1e-5, 1e-5);
  for (Dtype dt : {kFloat16, kBFloat16}) {
    Tensor ref = linear(x3, w, b2);
    EXPECT_CLOSE_TOL(linear(x3.to(dt), w.to(dt), b2.to(dt)).to(kFloat32), ref, 0.1, 0.05) << dt;
  }
  Tensor xi = arange(6, TensorOptions().dtype(kInt64)).reshape({2, 3});
  Tensor wi = arange(12, TensorOptions().dtype(kInt64)).reshape({4, 3});
  Tensor bi = tensor(std::vector<int64_t>{1, -2, 3, 100});
  EXPECT_TRUE(equal(linear(xi, wi, bi), mm(xi, wi.t()) + bi));
  // beta = 0 with a bias overwrites whatever the output held
  Tensor r = linear(randn({20, 8}, g), randn({20, 8}, g), full({20}, 1.5));
  EXPECT_FALSE(isnan(r).any().item<bool>());
}

TEST(Linalg, MatmulShapes) {
  struct Case {
    std::vector<int64_t> a, b, out;
  };
  std::vector<Case> cases = {
      {{3}, {3}, {}},
      {{2, 3}, {3}, {2}},
      {{3}, {3, 4}, {4}},
      {{2, 3}, {3, 4}, {2, 4}},
      {{5, 2, 3}, {3}, {5, 2}},
      {{3}, {5, 3, 4}, {5, 4}},
      {{5, 2, 3}, {3, 4}, {5, 2, 4}},
      {{3, 4}, {5, 4, 2}, {5, 3, 2}},
      {{2, 1, 3, 4}, {5, 4, 2}, {2, 5, 3, 2}},
      {{7, 1, 2, 3}, {1, 6, 3, 4}, {7, 6, 2, 4}},
  };
  Generator g(1);
  for (const auto& c : cases) {
    Tensor a = randn(c.a, g, kFloat64), b = randn(c.b, g, kFloat64);
    Tensor r = matmul(a, b);
    EXPECT_EQ(r.sizes().vec(), c.out) << "matmul " << IntArrayRef(c.a) << " @ " << IntArrayRef(c.b);
  }
  // values of a broadcast batch against the naive loop
  Tensor a = randn({2, 1, 3, 4}, g, kFloat64), b = randn({5, 4, 2}, g, kFloat64);
  Tensor r = matmul(a, b);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 5; ++j)
      EXPECT_CLOSE(r.select(0, i).select(0, j),
                   naive_bmm(a.select(0, i).select(0, 0).unsqueeze(0), b.select(0, j).unsqueeze(0)).squeeze(0));
  EXPECT_CLOSE(matmul(tensor({1.0, 2.0, 3.0}, kFloat64), tensor({4.0, 5.0, 6.0}, kFloat64)),
               tensor(32.0, kFloat64));
}

TEST(Linalg, MatmulErrors) {
  Tensor a = zeros({2, 3}), b = zeros({4, 5});
  EXPECT_THROW_MSG(matmul(a, b), RuntimeError,
                   "matmul: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4: dim -1 of the first must equal "
                   "dim -2 of the second)");
  EXPECT_THROW_MSG(matmul(zeros({2, 3}), zeros({3}, kFloat64)), RuntimeError,
                   "expected both operands to have the same dtype, got float32 and float64");
  EXPECT_THROW_MSG(matmul(zeros({}), zeros({3})), RuntimeError, "at least 1-D");
  EXPECT_THROW_MSG(matmul(zeros({2, 2, 3}), zeros({3, 3, 4})), RuntimeError, "not broadcastable");
  EXPECT_THROW_MSG(mm(zeros({2, 3, 1}), zeros({3, 4})), RuntimeError, "mm: expected 2-D tensors");
  EXPECT_THROW_MSG(bmm(zeros({2, 2, 3}), zeros({3, 3, 4})), RuntimeError, "same batch size");
  EXPECT_THROW_MSG(dot(zeros({3}), zeros({4})), RuntimeError, "cannot be multiplied (3 != 4)");
  EXPECT_THROW_MSG(einsum("ij,jk", {zeros({2, 3}), zeros({4, 5})}), RuntimeError, "subscript 'j' has size 4");
  EXPECT_THROW_MSG(einsum("ij,jk->ik", {zeros({2, 3})}), RuntimeError, "2 operand subscripts but 1 operands");
  EXPECT_THROW_MSG(linear(zeros({8, 30}), zeros({16, 32})), RuntimeError, "input has 30 features");
}

TEST(Linalg, AddmmBaddbmm) {
  Tensor a = ar(12, {3, 4}), b = ar(8, {4, 2}, -3);
  Tensor bias = t64({1, -1}, {2});
  // 0.5 * bias + 2 * (a @ b)
  EXPECT_CLOSE(addmm(bias, a, b, 0.5, 2), t64({20.5, 31.5, 20.5, 63.5, 20.5, 95.5}, {3, 2}));
  // beta = 0 ignores input, even NaN
  Tensor nan_in = full({3, 2}, NAN, kFloat64);
  EXPECT_CLOSE(addmm(nan_in, a, b, 0, 1), t64({10, 16, 10, 32, 10, 48}, {3, 2}));
  Tensor ba = ar(24, {2, 3, 4}), bb = ar(16, {2, 4, 2}, -3);
  Tensor r = baddbmm(ones({1, 1}, kFloat64), ba, bb, 1, 1);
  EXPECT_CLOSE(r, naive_bmm(ba, bb) + 1);
  EXPECT_CLOSE(linear(a, b.t(), bias), t64({11, 15, 11, 31, 11, 47}, {3, 2}));
  EXPECT_CLOSE(linear(ba, bb.select(0, 0).t()), naive_bmm(ba, bb.select(0, 0).unsqueeze(0).expand({2, 4, 2})));
}

TEST(Linalg, DotOuter) {
  EXPECT_CLOSE(dot(tensor({1.0, 2.0, 3.0}, kFloat64), tensor({4.0, 5.0, 6.0}, kFloat64)), tensor(32.0, kFloat64));
  EXPECT_CLOSE(outer(tensor({1.0, 2.0}, kFloat64), tensor({3.0, 4.0, 5.0}, kFloat64)),
               t64({3, 4, 5, 6, 8, 10}, {2, 3}));
}

TEST(Linalg, EinsumKnownValues) {
  Tensor x = ar(24, {2, 3, 4});
  EXPECT_CLOSE(einsum("bij->bji", {x}).select(0, 1), t64({12, 16, 20, 13, 17, 21, 14, 18, 22, 15, 19, 23}, {4, 3}));
  Tensor sq = ar(9, {3, 3});
  EXPECT_CLOSE(einsum("ii->i", {sq}), t64({0, 4, 8}, {3}));
  EXPECT_CLOSE(einsum("ii", {sq}), tensor(12.0, kFloat64));
  Tensor a = ar(12, {3, 4});
  EXPECT_CLOSE(einsum("ij,ij->i", {a, a}), t64({14, 126, 366}, {3}));
  EXPECT_CLOSE(einsum("i,j", {tensor({1.0, 2.0}, kFloat64), tensor({3.0, 4.0, 5.0}, kFloat64)}),
               t64({3, 4, 5, 6, 8, 10}, {2, 3}));
  EXPECT_EQ(einsum("ba", {ar(6, {2, 3})}).sizes().vec(), (std::vector<int64_t>{3, 2}));
  EXPECT_CLOSE(einsum("iij->j", {ar(18, {3, 3, 2})}), t64({24, 27}, {2}));
  Tensor p = ar(6, {2, 3}), q = ar(12, {3, 4}, -5), r = ar(8, {4, 2});
  EXPECT_CLOSE(einsum("ij,jk,kl->il", {p, q, r}), t64({144, 182, 288, 344}, {2, 2}));
  EXPECT_CLOSE(einsum("...ij,jk->...ik", {ar(12, {2, 2, 3}), q}),
               t64({5, 8, 11, 14, -4, 8, 20, 32, -13, 8, 29, 50, -22, 8, 38, 68}, {2, 2, 4}));
  EXPECT_CLOSE(einsum("bn,anm,bm->ba", {ar(6, {2, 3}), ar(36, {4, 3, 3}) / 10, ar(6, {2, 3}, -2)}),
               t64({-4.8, -12.9, -21.0, -29.1, 34.8, 99.6, 164.4, 229.2}, {2, 4}));
  // explicit output without "...": the ellipsis dims are summed
  EXPECT_CLOSE(einsum("...ij->ij", {x}), x.select(0, 0) + x.select(0, 1));
  // ellipsis broadcasting between operands
  Tensor e1 = ar(6, {2, 1, 1, 3}), e2 = ar(12, {4, 3, 1});
  EXPECT_EQ(einsum("...ij,...jk->...ik", {e1, e2}).sizes().vec(), (std::vector<int64_t>{2, 4, 1, 1}));
  EXPECT_CLOSE(einsum("...ij,...jk->...ik", {e1, e2}), matmul(e1, e2));
}

// ------------------------------------------------------------- gradchecks

TEST(Linalg, MmGradcheck) {
  auto f = [](const tensor_list& in) { return mm(in[0], in[1]); };
  EXPECT_TRUE(autograd::gradcheck(f, {rand_input({3, 4}, 1), rand_input({4, 2}, 2)}));
  // transposed (non-contiguous) inputs
  auto ft = [](const tensor_list& in) { return mm(in[0].t(), in[1].t()); };
  EXPECT_TRUE(autograd::gradcheck(ft, {rand_input({4, 3}, 3), rand_input({2, 4}, 4)}));
}

TEST(Linalg, BmmGradcheck) {
  auto f = [](const tensor_list& in) { return bmm(in[0], in[1].transpose(1, 2)); };
  EXPECT_TRUE(autograd::gradcheck(f, {rand_input({2, 3, 4}, 1), rand_input({2, 5, 4}, 2)}));
}

TEST(Linalg, MatmulGradcheck) {
  auto f = [](const tensor_list& in) { return matmul(in[0], in[1]); };
  std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> shapes = {
      {{3}, {3}},       {{2, 3}, {3}},       {{3}, {3, 2}},          {{4, 2, 3}, {3}},
      {{3}, {2, 3, 2}}, {{2, 2, 3}, {3, 2}}, {{2, 1, 2, 3}, {3, 3, 2}}, {{2, 3}, {2, 3, 2}},
  };
  uint64_t seed = 10;
  for (auto& s : shapes)
    EXPECT_TRUE(autograd::gradcheck(f, {rand_input(s.first, seed++), rand_input(s.second, seed++)}))
        << IntArrayRef(s.first) << " @ " << IntArrayRef(s.second);
  // transposed batch operand
  auto ft = [](const tensor_list& in) { return matmul(in[0], in[1].transpose(-1, -2)); };
  EXPECT_TRUE(autograd::gradcheck(ft, {rand_input({2, 3, 4}, 30), rand_input({1, 5, 4}, 31)}));
}

TEST(Linalg, MatmulGradgradcheck) {
  auto f = [](const tensor_list& in) { return matmul(in[0], in[1]); };
  EXPECT_TRUE(autograd::gradgradcheck(f, {rand_input({2, 3}, 1), rand_input({3, 2}, 2)}));
}

TEST(Linalg, AddmmBaddbmmGradcheck) {
  auto f = [](const tensor_list& in) { return addmm(in[0], in[1], in[2], 0.5, 2.0); };
  EXPECT_TRUE(autograd::gradcheck(f, {rand_input({2}, 1), rand_input({3, 4}, 2), rand_input({4, 2}, 3)}));
  auto g = [](const tensor_list& in) { return baddbmm(in[0], in[1], in[2].transpose(1, 2), 1.5, -1.0); };
  EXPECT_TRUE(autograd::gradcheck(g, {rand_input({3, 1}, 4), rand_input({2, 3, 4}, 5), rand_input({2, 2, 4}, 6)}));
}

TEST(Linalg, DotOuterLinearGradcheck) {
  auto fd = [](const tensor_list& in) { return dot(in[0], in[1]); };
  EXPECT_TRUE(autograd::gradcheck(fd, {rand_input({4}, 1), rand_input({4}, 2)}));
  auto fo = [](const tensor_list& in) { return outer(in[0], in[1]); };
  EXPECT_TRUE(autograd::gradcheck(fo, {rand_input({3}, 3), rand_input({2}, 4)}));
  auto fl = [](const tensor_list& in) { return linear(in[0], in[1], in[2]); };
  EXPECT_TRUE(autograd::gradcheck(fl, {rand_input({3, 4}, 5), rand_input({2, 4}, 6), rand_input({2}, 7)}));
  EXPECT_TRUE(autograd::gradcheck(fl, {rand_input({2, 3, 4}, 8), rand_input({2, 4}, 9), rand_input({2}, 10)}));
}

TEST(Linalg, EinsumGradcheck) {
  auto f1 = [](const tensor_list& in) { return einsum("ij,jk->ik", {in[0], in[1]}); };
  EXPECT_TRUE(autograd::gradcheck(f1, {rand_input({2, 3}, 1), rand_input({3, 2}, 2)}));
  auto f2 = [](const tensor_list& in) { return einsum("bii->bi", {in[0]}); };
  EXPECT_TRUE(autograd::gradcheck(f2, {rand_input({2, 3, 3}, 3)}));
  auto f3 = [](const tensor_list& in) { return einsum("...ij,...jk", {in[0], in[1]}); };
  EXPECT_TRUE(autograd::gradcheck(f3, {rand_input({2, 1, 2, 3}, 4), rand_input({3, 3, 2}, 5)}));
  auto f4 = [](const tensor_list& in) { return einsum("ij,jk,kl->il", {in[0], in[1], in[2]}); };
  EXPECT_TRUE(autograd::gradcheck(f4, {rand_input({2, 3}, 6), rand_input({3, 2}, 7), rand_input({2, 2}, 8)}));
}

}  // namespace
}  // namespace ember
