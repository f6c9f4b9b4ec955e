// float GEMM for CPUs with AVX-512: C = beta * C + alpha * A @ B.
//
// Eigen's product kernel reaches about half of this core's FMA peak (120 of
// 225 GFLOP/s measured); this one is the usual packed design (Goto/BLIS):
//   - B is packed a [KC, NC] block at a time into panels of NR = 32 columns,
//     A an [MC, KC] block at a time into panels of MR = 12 rows, both padded
//     with zeros, so the micro-kernel never branches on edges;
//   - the micro-kernel keeps a 12 x 32 tile of C in 24 zmm registers: per k it
//     loads two vectors of B and broadcasts twelve values of A (14 loads for
//     24 FMAs, so the two FMA ports, not the loads, set the pace);
//   - a B panel (KC x 32 floats, 32 KB) stays in L1 while the A panels of the
//     block stream past it from L2.
// Edge tiles are computed whole and stored through masks and a row count.
// An operand stored across the panel direction (row-major A, column-major B:
// x @ W^T) is packed 16 x 16 blocks at a time through an in-register
// transpose; gathering it one k at a time cost 10-15% of those products.
// Two departures for the skinny products of convolutions and small layers:
//   - the panel height MR is 6, 8 or 12, whichever pads M least (a conv
//     with 6 or 16 output channels would waste half of 12-row panels);
//   - when A has few rows, B is read in place (row-major B only): each B
//     value then feeds so few FMAs that packing it cost as much as the
//     product (im2col's [25, 36864] for LeNet's first conv).
// Built with AVX-512 flags only in this file; called only where the CPU has
// AVX-512 (gemm.cpp).
#if defined(EMBER_HAVE_AVX512_GEMM)
// GCC 12's AVX-512 headers start some intrinsics from a deliberately
// undefined vector and then warn about it once inlined (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

#include "cpu/gemm_eigen.h"

namespace ember {
namespace cpu {
namespace gemm_avx512 {
namespace {

constexpr int64_t NR = 32;
constexpr int64_t KC = 256;   // k-depth of a packed block
constexpr int64_t MC = 144;   // rows of A per packed block (12 panels of 12, ~147 KB at KC)
constexpr int64_t NC = 1024;  // columns of B per packed block (1 MB at KC: half of L2)

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};

// Per-thread packing buffers, grown on demand and kept: a training step
// calls GEMM dozens of times with the same sizes.
thread_local std::unique_ptr<float[], FreeDeleter> abuf, bbuf;
thread_local int64_t acap = 0, bcap = 0;
float* buffer(std::unique_ptr<float[], FreeDeleter>& buf, int64_t& cap, int64_t n) {
  if (n > cap) {
    void* p = std::aligned_alloc(64, size_t((n * 4 + 63) / 64 * 64));
    if (!p) throw std::bad_alloc();
    buf.reset(static_cast<float*>(p));
    cap = n;
  }
  return buf.get();
}

inline __mmask16 low_mask(int64_t n) {  // the first min(max(n, 0), 16) lanes
  return n >= 16 ? __mmask16(0xFFFF) : n > 0 ? __mmask16((1u << n) - 1) : __mmask16(0);
}


// r[j][i] = r[i][j] for a 16 x 16 block, by the usual four shuffle stages:
// after them each vector holds one column of the rows loaded.
inline void transpose16(__m512 r[16]) {
  auto lo64 = [](__m512 a, __m512 b) { return _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(a), _mm512_castps_pd(b))); };
  auto hi64 = [](__m512 a, __m512 b) { return _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(a), _mm512_castps_pd(b))); };
  __m512 t[16], u[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int g = 0; g < 16; g += 4) {  // u[g + c]: rows g..g+3 of columns c, c+4, c+8, c+12
    u[g] = lo64(t[g], t[g + 2]);
    u[g + 1] = hi64(t[g], t[g + 2]);
    u[g + 2] = lo64(t[g + 1], t[g + 3]);
    u[g + 3] = hi64(t[g + 1], t[g + 3]);
  }
  for (int c = 0; c < 4; ++c) {  // t[j], j < 8: rows 0-7 (j < 8) or 8-15 (t[8 + j]) of columns j, j+8
    t[c] = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x88);
    t[4 + c] = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xdd);
    t[8 + c] = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x88);
    t[12 + c] = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xdd);
  }
  for (int j = 0; j < 8; ++j) {
    r[j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0x88);
    r[j + 8] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0xdd);
  }
}

// Loads n rows of 16 (the first `cols` of each, zeros past them and past n)
// from p, rows ld apart, and transposes them.
inline void load_transposed(__m512 r[16], const float* p, int64_t ld, int64_t n, int64_t cols) {
  const __mmask16 m = low_mask(cols);
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) r[i] = i < n ? _mm512_maskz_loadu_ps(m, p + i * ld) : _mm512_setzero_ps();
  transpose16(r);
}

// Packs rows [0, mc) x cols [0, kc) of A (strides rs, cs) into panels of MR
// rows: panel p holds, for each k, the MR values A[p*MR + i, k].
template <int64_t MR>
void pack_a(float* dst, const float* a, int64_t rs, int64_t cs, int64_t mc, int64_t kc) {
  for (int64_t i0 = 0; i0 < mc; i0 += MR) {
    const int64_t mr = std::min(MR, mc - i0);
    const float* src = a + i0 * rs;
    if (mr < MR) std::fill(dst, dst + MR * kc, 0.f);
    if (rs == 1) {  // column-major: the MR values of one k are adjacent
      for (int64_t k = 0; k < kc; ++k)
        for (int64_t i = 0; i < mr; ++i) dst[k * MR + i] = src[k * cs + i];
    } else if (cs == 1) {  // row-major: transpose 16 k of the MR rows at a time
      __m512 r[16];
      for (int64_t k0 = 0; k0 < kc; k0 += 16) {
        const int64_t kk = std::min<int64_t>(16, kc - k0);
        load_transposed(r, src + k0, rs, mr, kk);
        for (int64_t k = 0; k < kk; ++k) _mm512_mask_storeu_ps(dst + (k0 + k) * MR, low_mask(MR), r[k]);
      }
    } else if (rs * (MR - 1) < (int64_t(1) << 31)) {  // row-major or strided: gather one k's column of MR
      const __m512i idx = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                             _mm512_set1_epi32(int(rs)));
      const __mmask16 m = low_mask(mr);
      for (int64_t k = 0; k < kc; ++k)
        _mm512_mask_storeu_ps(dst + k * MR, m, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idx, src + k * cs, 4));
    } else {
      for (int64_t i = 0; i < mr; ++i) {
        const float* row = src + i * rs;
        for (int64_t k = 0; k < kc; ++k) dst[k * MR + i] = row[k * cs];
      }
    }
    dst += MR * kc;
  }
}

// Packs rows [0, kc) x cols [0, nc) of B (strides rs, cs) into panels of NR
// columns: panel p holds, for each k, the NR values B[k, p*NR + j].
void pack_b(float* dst, const float* b, int64_t rs, int64_t cs, int64_t kc, int64_t nc) {
  for (int64_t j0 = 0; j0 < nc; j0 += NR) {
    const int64_t nr = std::min(NR, nc - j0);
    const float* src = b + j0 * cs;
    if (cs == 1) {  // row-major: the NR values of one k are adjacent
      const __mmask16 m0 = low_mask(nr), m1 = low_mask(nr - 16);
      for (int64_t k = 0; k < kc; ++k) {
        const float* row = src + k * rs;
        _mm512_store_ps(dst + k * NR, _mm512_maskz_loadu_ps(m0, row));
        _mm512_store_ps(dst + k * NR + 16, _mm512_maskz_loadu_ps(m1, row + 16));
      }
    } else if (rs == 1) {  // column-major: transpose 16 k of 16 columns at a time
      __m512 r[16];
      for (int64_t k0 = 0; k0 < kc; k0 += 16) {
        const int64_t kk = std::min<int64_t>(16, kc - k0);
        for (int64_t h = 0; h < NR; h += 16) {
          load_transposed(r, src + k0 + h * cs, cs, nr - h, kk);
          for (int64_t k = 0; k < kk; ++k) _mm512_store_ps(dst + (k0 + k) * NR + h, r[k]);
        }
      }
    } else if (cs * (NR - 1) < (int64_t(1) << 31)) {  // column-major or strided: gather one k's row of NR
      const __m512i lanes = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
      const __m512i idx0 = _mm512_mullo_epi32(lanes, _mm512_set1_epi32(int(cs)));
      const __m512i idx1 = _mm512_add_epi32(idx0, _mm512_set1_epi32(int(16 * cs)));
      const __mmask16 m0 = low_mask(nr), m1 = low_mask(nr - 16);
      for (int64_t k = 0; k < kc; ++k) {
        const float* row = src + k * rs;
        _mm512_store_ps(dst + k * NR, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m0, idx0, row, 4));
        _mm512_store_ps(dst + k * NR + 16, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m1, idx1, row, 4));
      }
    } else {
      if (nr < NR) std::fill(dst, dst + NR * kc, 0.f);
      for (int64_t j = 0; j < nr; ++j) {
        const float* col = src + j * cs;
        for (int64_t k = 0; k < kc; ++k) dst[k * NR + j] = col[k * rs];
      }
    }
    dst += NR * kc;
  }
}

// C[0:mr, 0:nr] = beta * C + alpha * (A panel @ B panel) (+ bias[0:nr] on
// every row) over kc; C rows are ldc apart, B rows ldb apart. A packed B
// panel (PackedB) is padded and aligned, so it is loaded without masks; B
// read in place is loaded through masks, whatever its ldb.
template <int64_t MR, bool PackedB>
void micro_kernel(int64_t kc, const float* pa, const float* pb, int64_t ldb, float* c, int64_t ldc, float alpha,
                  float beta, const float* bias, int64_t mr, int64_t nr) {
  const __mmask16 m0 = low_mask(nr), m1 = low_mask(nr - 16);
  __m512 acc[MR][2];
#pragma GCC unroll 12
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    const __m512 b0 = PackedB ? _mm512_load_ps(pb) : _mm512_maskz_loadu_ps(m0, pb);
    const __m512 b1 = PackedB ? _mm512_load_ps(pb + 16) : _mm512_maskz_loadu_ps(m1, pb + 16);
#pragma GCC unroll 12
    for (int i = 0; i < MR; ++i) {
      const __m512 av = _mm512_set1_ps(pa[i]);
      acc[i][0] = _mm512_fmadd_ps(av, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(av, b1, acc[i][1]);
    }
    pa += MR;
    pb += ldb;
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  const __m512 bias0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : _mm512_setzero_ps();
  const __m512 bias1 = bias ? _mm512_maskz_loadu_ps(m1, bias + 16) : _mm512_setzero_ps();
#pragma GCC unroll 12
  for (int i = 0; i < MR; ++i) {
    if (i >= mr) break;
    float* row = c + i * ldc;
    __m512 r0 = _mm512_mul_ps(va, acc[i][0]), r1 = _mm512_mul_ps(va, acc[i][1]);
    if (beta != 0.f) {
      r0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, row), r0);
      r1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, row + 16), r1);
    }
    if (bias) {
      r0 = _mm512_add_ps(r0, bias0);
      r1 = _mm512_add_ps(r1, bias1);
    }
    _mm512_mask_storeu_ps(row, m0, r0);
    _mm512_mask_storeu_ps(row + 16, m1, r1);
  }
}

// Splits n into about-equal blocks of at most `cap`, multiples of `unit`
// where possible (so the last block is not a sliver).
int64_t block_size(int64_t n, int64_t cap, int64_t unit) {
  const int64_t blocks = (n + cap - 1) / cap;
  const int64_t per = (n + blocks - 1) / blocks;
  return std::min(cap, (per + unit - 1) / unit * unit);
}

template <int64_t MR>
void sgemm_mr(Mat<float> c, Mat<float> a, Mat<float> b, float beta, float alpha, const float* bias) {
  const int64_t M = c.rows, N = c.cols, K = a.cols;
  // B in place: row-major and read by at most two row panels of A.
  const bool pack_b_too = !(b.cs == 1 && M <= 2 * MR);
  const int64_t kc_max = block_size(K, KC, 1);
  const int64_t nc_max = block_size(N, NC, NR), mc_max = block_size(M, MC / MR * MR, MR);
  float* pb = pack_b_too ? buffer(bbuf, bcap, kc_max * ((nc_max + NR - 1) / NR * NR)) : nullptr;
  float* pa = buffer(abuf, acap, kc_max * ((mc_max + MR - 1) / MR * MR));
  for (int64_t jc = 0; jc < N; jc += nc_max) {
    const int64_t nc = std::min(nc_max, N - jc);
    for (int64_t pc = 0; pc < K; pc += kc_max) {
      const int64_t kc = std::min(kc_max, K - pc);
      const float beta_k = pc == 0 ? beta : 1.f;  // later k-blocks accumulate
      const float* bias_k = pc == 0 ? bias : nullptr;  // and the bias is in
      const float* bsrc = b.data + pc * b.rs + jc * b.cs;
      if (pack_b_too) pack_b(pb, bsrc, b.rs, b.cs, kc, nc);
      for (int64_t ic = 0; ic < M; ic += mc_max) {
        const int64_t mc = std::min(mc_max, M - ic);
        pack_a<MR>(pa, a.data + ic * a.rs + pc * a.cs, a.rs, a.cs, mc, kc);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          const float* panel = pack_b_too ? pb + jr * kc : bsrc + jr;
          const int64_t ldb = pack_b_too ? NR : b.rs;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            float* ct = c.data + (ic + ir) * c.rs + jc + jr;
            const float* bt = bias_k ? bias_k + jc + jr : nullptr;
            const int64_t mr = std::min(MR, mc - ir), nr = std::min(NR, nc - jr);
            if (pack_b_too) micro_kernel<MR, true>(kc, pa + ir * kc, panel, ldb, ct, c.rs, alpha, beta_k, bt, mr, nr);
            else micro_kernel<MR, false>(kc, pa + ir * kc, panel, ldb, ct, c.rs, alpha, beta_k, bt, mr, nr);
          }
        }
      }
    }
  }
}

// Sums each of 16 vectors: lane n of the result is the sum of v[n]. A tree
// of shuffles and adds that shares its work across the 16, about a third
// of the instructions of 16 separate reductions.
__attribute__((always_inline)) inline __m512 reduce16(const __m512 v[16]) {
  __m512 t[8], u[4], w[2];
#pragma GCC unroll 8
  for (int n = 0; n < 8; ++n)  // per 128-bit lane: two partial sums of v[2n], two of v[2n+1]
    t[n] = _mm512_add_ps(_mm512_shuffle_ps(v[2 * n], v[2 * n + 1], 0x88), _mm512_shuffle_ps(v[2 * n], v[2 * n + 1], 0xdd));
#pragma GCC unroll 4
  for (int n = 0; n < 4; ++n)  // per 128-bit lane: one partial sum of each of v[4n..4n+3]
    u[n] = _mm512_add_ps(_mm512_shuffle_ps(t[2 * n], t[2 * n + 1], 0x88), _mm512_shuffle_ps(t[2 * n], t[2 * n + 1], 0xdd));
#pragma GCC unroll 2
  for (int n = 0; n < 2; ++n)  // fold 128-bit lanes 2, 3 onto 0, 1
    w[n] = _mm512_add_ps(_mm512_shuffle_f32x4(u[2 * n], u[2 * n + 1], 0x44), _mm512_shuffle_f32x4(u[2 * n], u[2 * n + 1], 0xee));
  return _mm512_add_ps(_mm512_shuffle_f32x4(w[0], w[1], 0x88), _mm512_shuffle_f32x4(w[0], w[1], 0xdd));
}

// Inner-product form for a long contraction with few outputs, as a conv
// weight's gradient ([6, 36864] @ [36864, 25]): A's rows and B's columns
// are both contiguous along k, so C[i, j] is a dot product of two runs and
// nothing is packed. RA x RB dot products at a time share their loads; k
// goes in chunks so that A's rows stay in L1 while B's stream past.
template <int RA, int RB>
void dot_block(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t kc, float* c, int64_t ldc,
               float alpha, float beta, const float* bias) {
  static_assert(RA <= 4 && RB <= 4, "dot_block: the reduction packs 4 x 4 sums");
  __m512 acc[16];
#pragma GCC unroll 16
  for (int n = 0; n < 16; ++n) acc[n] = _mm512_setzero_ps();
  auto step = [&](int64_t k, __mmask16 m) __attribute__((always_inline)) {
    __m512 bv[RB];
#pragma GCC unroll 4
    for (int j = 0; j < RB; ++j) bv[j] = _mm512_maskz_loadu_ps(m, b + j * ldb + k);
#pragma GCC unroll 4
    for (int i = 0; i < RA; ++i) {
      const __m512 av = _mm512_maskz_loadu_ps(m, a + i * lda + k);
#pragma GCC unroll 4
      for (int j = 0; j < RB; ++j) acc[4 * i + j] = _mm512_fmadd_ps(av, bv[j], acc[4 * i + j]);
    }
  };
  int64_t k = 0;
  for (; k + 16 <= kc; k += 16) step(k, 0xFFFF);  // a constant full mask: plain loads
  if (k < kc) step(k, low_mask(kc - k));
  alignas(64) float sums[16];
  _mm512_store_ps(sums, _mm512_mul_ps(_mm512_set1_ps(alpha), reduce16(acc)));
  for (int i = 0; i < RA; ++i)
    for (int j = 0; j < RB; ++j) {
      float& out = c[i * ldc + j];
      const float v = beta == 0.f ? sums[4 * i + j] : beta * out + sums[4 * i + j];
      out = bias ? v + bias[j] : v;
    }
}

template <int RA>
void dot_row_block(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t kc, float* c, int64_t ldc,
                   float alpha, float beta, const float* bias, int64_t n) {
  int64_t j = 0;
  auto at = [&](int64_t j) { return bias ? bias + j : nullptr; };
  for (; j + 4 <= n; j += 4) dot_block<RA, 4>(a, lda, b + j * ldb, ldb, kc, c + j, ldc, alpha, beta, at(j));
  if (n - j == 3) dot_block<RA, 3>(a, lda, b + j * ldb, ldb, kc, c + j, ldc, alpha, beta, at(j));
  if (n - j == 2) dot_block<RA, 2>(a, lda, b + j * ldb, ldb, kc, c + j, ldc, alpha, beta, at(j));
  if (n - j == 1) dot_block<RA, 1>(a, lda, b + j * ldb, ldb, kc, c + j, ldc, alpha, beta, at(j));
}

// a row-major (a.cs == 1), b column-major (b.rs == 1).
void sgemm_dot(Mat<float> c, Mat<float> a, Mat<float> b, float beta, float alpha, const float* bias) {
  const int64_t M = c.rows, N = c.cols, K = a.cols;
  const int64_t kchunk = block_size(K, 1024, 16);  // 4 rows of A (16 KB) stay in L1
  for (int64_t k0 = 0; k0 < K; k0 += kchunk) {
    const int64_t kc = std::min(kchunk, K - k0);
    const float beta_k = k0 == 0 ? beta : 1.f;
    const float* bias_k = k0 == 0 ? bias : nullptr;
    const float* ak = a.data + k0;
    const float* bk = b.data + k0;
    int64_t i = 0;
    for (; i + 4 <= M; i += 4)
      dot_row_block<4>(ak + i * a.rs, a.rs, bk, b.cs, kc, c.data + i * c.rs, c.rs, alpha, beta_k, bias_k, N);
    for (; i < M; ++i)
      dot_row_block<1>(ak + i * a.rs, a.rs, bk, b.cs, kc, c.data + i * c.rs, c.rs, alpha, beta_k, bias_k, N);
  }
}

}  // namespace

// c must be row-major (cs == 1); a and b any strides.
bool sgemm(Mat<float> c, Mat<float> a, Mat<float> b, float beta, float alpha, const float* bias) {
  const int64_t M = c.rows, N = c.cols, K = a.cols;
  if (M == 0 || N == 0) return true;
  if (K == 0 || alpha == 0.f) {
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        float& v = c.data[i * c.rs + j];
        v = (beta == 0.f ? 0.f : beta * v) + (bias ? bias[j] : 0.f);
      }
    return true;
  }
  // Tiles are 32 columns wide: a narrow product (a classifier's 10 outputs)
  // would waste most of each. It goes to the inner-product form when its
  // operands allow, else to Eigen, whose tiles are 4 wide.
  const bool narrow = 4 * N < 3 * ((N + NR - 1) / NR * NR);
  const bool dot_layout = (a.cs == 1 || K == 1) && (b.rs == 1 || K == 1);
  if (dot_layout && (narrow || (K >= 256 && K >= 8 * std::max(M, N)))) {
    sgemm_dot(c, a, b, beta, alpha, bias);
    return true;
  }
  if (narrow) return false;
  // The panel height that pads M least; ties go to the taller panel.
  auto padded = [M](int64_t mr) { return (M + mr - 1) / mr * mr; };
  if (padded(12) <= padded(8) && padded(12) <= padded(6)) sgemm_mr<12>(c, a, b, beta, alpha, bias);
  else if (padded(8) <= padded(6)) sgemm_mr<8>(c, a, b, beta, alpha, bias);
  else sgemm_mr<6>(c, a, b, beta, alpha, bias);
  return true;
}

}  // namespace gemm_avx512
}  // namespace cpu
}  // namespace ember
#endif  // EMBER_HAVE_AVX512_GEMM
