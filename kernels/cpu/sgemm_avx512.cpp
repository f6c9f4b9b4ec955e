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
// Built with AVX-512 flags only in this file; called only where the CPU has
// AVX-512 (gemm.cpp).
#if defined(EMBER_HAVE_AVX512_GEMM)
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

constexpr int64_t MR = 12, NR = 32;
constexpr int64_t KC = 256;   // k-depth of a packed block
constexpr int64_t MC = 144;   // rows of A per packed block (12 panels, ~147 KB at KC)
constexpr int64_t NC = 1024;  // columns of B per packed block (1 MB at KC: half of L2)

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};

// Per-thread packing buffers, grown on demand and kept: a training step
// calls GEMM dozens of times with the same sizes.
float* buffer(std::unique_ptr<float[], FreeDeleter>& buf, int64_t& cap, int64_t n) {
  if (n > cap) {
    void* p = std::aligned_alloc(64, size_t((n * 4 + 63) / 64 * 64));
    if (!p) throw std::bad_alloc();
    buf.reset(static_cast<float*>(p));
    cap = n;
  }
  return buf.get();
}

// Packs rows [0, mc) x cols [0, kc) of A (strides rs, cs) into panels of MR
// rows: panel p holds, for each k, the MR values A[p*MR + i, k].
void pack_a(float* dst, const float* a, int64_t rs, int64_t cs, int64_t mc, int64_t kc) {
  for (int64_t i0 = 0; i0 < mc; i0 += MR) {
    const int64_t mr = std::min(MR, mc - i0);
    const float* src = a + i0 * rs;
    if (mr < MR) std::fill(dst, dst + MR * kc, 0.f);
    if (rs == 1) {  // column-major: the MR values of one k are adjacent
      for (int64_t k = 0; k < kc; ++k)
        for (int64_t i = 0; i < mr; ++i) dst[k * MR + i] = src[k * cs + i];
    } else if (rs * (MR - 1) < (int64_t(1) << 31)) {  // row-major or strided: gather one k's column of MR
      const __m512i idx = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                             _mm512_set1_epi32(int(rs)));
      const __mmask16 m = __mmask16((1u << mr) - 1);
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
      const __mmask16 m0 = nr >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << nr) - 1);
      const __mmask16 m1 = nr >= 32 ? __mmask16(0xFFFF) : nr > 16 ? __mmask16((1u << (nr - 16)) - 1) : __mmask16(0);
      for (int64_t k = 0; k < kc; ++k) {
        const float* row = src + k * rs;
        _mm512_store_ps(dst + k * NR, _mm512_maskz_loadu_ps(m0, row));
        _mm512_store_ps(dst + k * NR + 16, _mm512_maskz_loadu_ps(m1, row + 16));
      }
    } else if (cs * (NR - 1) < (int64_t(1) << 31)) {  // column-major or strided: gather one k's row of NR
      const __m512i lanes = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
      const __m512i idx0 = _mm512_mullo_epi32(lanes, _mm512_set1_epi32(int(cs)));
      const __m512i idx1 = _mm512_add_epi32(idx0, _mm512_set1_epi32(int(16 * cs)));
      const __mmask16 m0 = nr >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << nr) - 1);
      const __mmask16 m1 = nr >= 32 ? __mmask16(0xFFFF) : nr > 16 ? __mmask16((1u << (nr - 16)) - 1) : __mmask16(0);
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

// C[0:mr, 0:nr] = beta * C + alpha * (A panel @ B panel) over kc; C rows
// are ldc apart. beta == 0 never reads C (it may hold NaN).
void micro_kernel(int64_t kc, const float* pa, const float* pb, float* c, int64_t ldc, float alpha, float beta,
                  int64_t mr, int64_t nr) {
  __m512 acc[MR][2];
#pragma GCC unroll 12
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    const __m512 b0 = _mm512_load_ps(pb), b1 = _mm512_load_ps(pb + 16);
#pragma GCC unroll 12
    for (int i = 0; i < MR; ++i) {
      const __m512 av = _mm512_set1_ps(pa[i]);
      acc[i][0] = _mm512_fmadd_ps(av, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(av, b1, acc[i][1]);
    }
    pa += MR;
    pb += NR;
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  const __mmask16 m0 = nr >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << nr) - 1);
  const __mmask16 m1 = nr >= 32 ? __mmask16(0xFFFF) : nr > 16 ? __mmask16((1u << (nr - 16)) - 1) : __mmask16(0);
#pragma GCC unroll 12
  for (int i = 0; i < MR; ++i) {
    if (i >= mr) break;
    float* row = c + i * ldc;
    __m512 r0 = _mm512_mul_ps(va, acc[i][0]), r1 = _mm512_mul_ps(va, acc[i][1]);
    if (beta != 0.f) {
      r0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, row), r0);
      r1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, row + 16), r1);
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

}  // namespace

// c must be row-major (cs == 1); a and b any strides.
void sgemm(Mat<float> c, Mat<float> a, Mat<float> b, float beta, float alpha) {
  const int64_t M = c.rows, N = c.cols, K = a.cols;
  if (M == 0 || N == 0) return;
  if (K == 0 || alpha == 0.f) {
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        float& v = c.data[i * c.rs + j];
        v = beta == 0.f ? 0.f : beta * v;
      }
    return;
  }
  thread_local std::unique_ptr<float[], FreeDeleter> abuf, bbuf;
  thread_local int64_t acap = 0, bcap = 0;
  const int64_t kc_max = block_size(K, KC, 1);
  const int64_t nc_max = block_size(N, NC, NR), mc_max = block_size(M, MC, MR);
  float* pb = buffer(bbuf, bcap, kc_max * ((nc_max + NR - 1) / NR * NR));
  float* pa = buffer(abuf, acap, kc_max * ((mc_max + MR - 1) / MR * MR));
  for (int64_t jc = 0; jc < N; jc += nc_max) {
    const int64_t nc = std::min(nc_max, N - jc);
    for (int64_t pc = 0; pc < K; pc += kc_max) {
      const int64_t kc = std::min(kc_max, K - pc);
      const float beta_k = pc == 0 ? beta : 1.f;  // later k-blocks accumulate
      pack_b(pb, b.data + pc * b.rs + jc * b.cs, b.rs, b.cs, kc, nc);
      for (int64_t ic = 0; ic < M; ic += mc_max) {
        const int64_t mc = std::min(mc_max, M - ic);
        pack_a(pa, a.data + ic * a.rs + pc * a.cs, a.rs, a.cs, mc, kc);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          for (int64_t ir = 0; ir < mc; ir += MR) {
            micro_kernel(kc, pa + ir * kc, pb + jr * kc, c.data + (ic + ir) * c.rs + jc + jr, c.rs, alpha, beta_k,
                         std::min(MR, mc - ir), std::min(NR, nc - jr));
          }
        }
      }
    }
  }
}

}  // namespace gemm_avx512
}  // namespace cpu
}  // namespace ember
#endif  // EMBER_HAVE_AVX512_GEMM
