// grid_sample's CPU kernels (2-D: input [N, C, H, W], grid [N, Ho, Wo, 2]),
// with torch 1.13's semantics (aten/src/ATen/native/GridSampler.h and the
// vectorized cpu/GridSamplerKernel.cpp that torch's CPU path runs for float
// and double):
// - unnormalize: align_corners maps -1 and 1 to the centres of the corner
//   pixels, (g + 1) (size - 1) / 2; otherwise to their outer edges,
//   (g + 1) size / 2 - 1/2;
// - border clips to [0, size - 1] (NaN goes to 0); reflection reflects
//   about 0 and size - 1 (align_corners) or -1/2 and size - 1/2, then clips;
//   for both, the clip's gradient is 0 on and past the border;
// - zeros reads 0 outside the input. The weights multiply those zeros, so a
//   NaN or infinite coordinate gives NaN for bilinear and bicubic, 0 for
//   nearest (as torch's vectorized kernel);
// - nearest rounds half to even (nearbyint), bicubic is the A = -0.75 cubic
//   convolution over 4 x 4 taps, each tap padded on its own.
// The 3-D form (input [N, C, D, H, W], grid [N, Do, Ho, Wo, 3]; bilinear and
// nearest) follows torch's scalar CPU code instead, which differs at the
// edges: a NaN coordinate clips to size - 1, a non-finite or huge one reads
// as outside (0 under zeros padding, never NaN), and nearest rounds half
// away from zero (std::round).
// Forward is parallel over output points; backward over samples, since
// every point of a sample may scatter into any pixel of its grad_input.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "cpu/thread_pool.h"
#include "dispatch/kernel_args.h"
#include "dispatch/registry.h"

namespace ember {
namespace cpu {
namespace {

// One spatial axis: unnormalizes a grid coordinate and applies the padding.
template <typename T>
struct Axis {
  int64_t size;
  GridSamplePadding padding;
  bool align;
  T scale, shift, max_val, low, twice_span;
  bool empty;

  Axis(int64_t n, const GridSampleArgs& a)
      : size(n), padding(a.padding), align(a.align_corners), max_val(T(n - 1)) {
    scale = align ? T(n - 1) / 2 : T(n) / 2;
    shift = align ? T(0) : T(0.5);
    low = align ? T(0) : T(-0.5);
    twice_span = align ? T(n - 1) * 2 : T(n) * 2;
    empty = align ? n <= 1 : n <= 0;
  }
  T unnormalize(T g) const { return (g + 1) * scale - shift; }
  // to [0, size - 1]; NaN to 0; grad 0 on and past the border
  T clip(T x, T* grad) const {
    if (x > 0) {
      if (x < max_val) {
        *grad = 1;
        return x;
      }
      *grad = 0;
      return max_val;
    }
    *grad = 0;
    return 0;
  }
  T reflect(T x, T* grad) const {
    if (empty) {
      *grad = 0;
      return 0;
    }
    const bool neg = x < low;
    const T a = std::fabs(x - low);
    const T extra = a - std::trunc(a / twice_span) * twice_span;
    const T reflected = twice_span - extra;
    const bool flip = extra > reflected;
    *grad = (flip != neg) ? T(-1) : T(1);
    return (flip ? reflected : extra) + low;
  }
  // padding applied to an unnormalized coordinate; grad: its derivative
  T pad(T x, T* grad) const {
    T g1 = 1, g2 = 1;
    if (padding == GridSamplePadding::Border) {
      x = clip(x, &g1);
    } else if (padding == GridSamplePadding::Reflection) {
      x = reflect(x, &g1);
      x = clip(x, &g2);
    }
    *grad = g1 * g2;
    return x;
  }
  // the source coordinate of grid value g, and d(source) / d(g)
  T source(T g, T* grad) const {
    T gp;
    const T x = pad(unnormalize(g), &gp);
    *grad = gp * scale;
    return x;
  }
};

// A floating coordinate as an index; out of int32's range and NaN give a
// value that is out of bounds for every size (as the conversion torch's
// vectorized kernel uses).
template <typename T>
inline int64_t to_index(T x) {
  return (x > T(-2147483648.0) && x < T(2147483647.0)) ? int64_t(x) : int64_t(-2147483648LL);
}
inline bool in_bounds(int64_t i, int64_t n) { return i >= 0 && i < n; }

// cubic convolution coefficients (A = -0.75) at fraction t, and d/dt
template <typename T>
inline void cubic_coeffs(T t, T c[4]) {
  const T A = T(-0.75);
  auto cc1 = [&](T x) { return ((A + 2) * x - (A + 3)) * x * x + 1; };
  auto cc2 = [&](T x) { return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; };
  c[0] = cc2(t + 1);
  c[1] = cc1(t);
  c[2] = cc1(1 - t);
  c[3] = cc2(2 - t);
}
template <typename T>
inline void cubic_coeffs_grad(T t, T c[4]) {
  const T A = T(-0.75);
  auto d1 = [&](T x) { return (3 * (A + 2) * x - 2 * (A + 3)) * x; };   // cc1'(x)
  auto d2 = [&](T x) { return (3 * A * x - 10 * A) * x + 8 * A; };      // cc2'(x)
  c[0] = d2(t + 1);
  c[1] = d1(t);
  c[2] = -d1(1 - t);
  c[3] = -d2(2 - t);
}

template <typename T>
struct Plane {
  const T* data;
  int64_t H, W;
  // the value at tap (x, y) after padding each coordinate; 0 outside
  T tap(const Axis<T>& ax, const Axis<T>& ay, T x, T y) const {
    T g;
    const int64_t ix = to_index(ax.pad(x, &g)), iy = to_index(ay.pad(y, &g));
    return in_bounds(ix, W) && in_bounds(iy, H) ? data[iy * W + ix] : T(0);
  }
};

template <typename T>
void grid_sample_2d_impl(const Tensor& out, const Tensor& in, const Tensor& grid, const GridSampleArgs& a) {
  const int64_t N = in.size(0), C = in.size(1), H = in.size(2), W = in.size(3);
  const int64_t Ho = grid.size(1), Wo = grid.size(2), L = Ho * Wo;
  const Axis<T> ax(W, a), ay(H, a);
  const T* x = in.data_ptr<T>();
  const T* gp = grid.data_ptr<T>();
  T* y = out.data_ptr<T>();
  const int64_t cost = C * (a.mode == GridSampleMode::Bicubic ? 16 : a.mode == GridSampleMode::Bilinear ? 4 : 1);
  parallel_for(0, N * L, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(cost, 1)), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) {
      const int64_t n = p / L, l = p % L;
      const T* xn = x + n * C * H * W;
      T* yp = y + n * C * L + l;
      const T gx = gp[2 * p], gy = gp[2 * p + 1];
      T d;
      if (a.mode == GridSampleMode::Bicubic) {
        const T sx = ax.unnormalize(gx), sy = ay.unnormalize(gy);
        const T fx = std::floor(sx), fy = std::floor(sy);
        T cx[4], cy[4];
        cubic_coeffs(sx - fx, cx);
        cubic_coeffs(sy - fy, cy);
        for (int64_t c = 0; c < C; ++c) {
          const Plane<T> pl{xn + c * H * W, H, W};
          T acc = 0;
          for (int j = 0; j < 4; ++j) {
            T row = 0;
            for (int i = 0; i < 4; ++i) row += cx[i] * pl.tap(ax, ay, fx - 1 + T(i), fy - 1 + T(j));
            acc += cy[j] * row;
          }
          yp[c * L] = acc;
        }
        continue;
      }
      const T sx = ax.source(gx, &d), sy = ay.source(gy, &d);
      if (a.mode == GridSampleMode::Nearest) {
        const int64_t ix = to_index(std::nearbyint(sx)), iy = to_index(std::nearbyint(sy));
        const bool ok = in_bounds(ix, W) && in_bounds(iy, H);
        for (int64_t c = 0; c < C; ++c) yp[c * L] = ok ? xn[c * H * W + iy * W + ix] : T(0);
        continue;
      }
      // bilinear: the four neighbours, weighted by the opposite areas
      const T fx = std::floor(sx), fy = std::floor(sy);
      const int64_t ix = to_index(fx), iy = to_index(fy);
      const T w = sx - fx, e_ = 1 - w, nn = sy - fy, s = 1 - nn;
      const T nw = s * e_, ne = s * w, sw = nn * e_, se = nn * w;
      const bool bw = in_bounds(ix, W), be = in_bounds(ix + 1, W), bn = in_bounds(iy, H), bs = in_bounds(iy + 1, H);
      for (int64_t c = 0; c < C; ++c) {
        const T* pl = xn + c * H * W;
        const T vnw = bn && bw ? pl[iy * W + ix] : T(0);
        const T vne = bn && be ? pl[iy * W + ix + 1] : T(0);
        const T vsw = bs && bw ? pl[(iy + 1) * W + ix] : T(0);
        const T vse = bs && be ? pl[(iy + 1) * W + ix + 1] : T(0);
        yp[c * L] = vnw * nw + vne * ne + vsw * sw + vse * se;
      }
    }
  });
}

template <typename T>
void grid_sample_2d_backward_impl(const Tensor& grad_input, const Tensor& grad_grid, const Tensor& grad,
                                  const Tensor& in, const Tensor& grid, const GridSampleArgs& a) {
  const int64_t N = in.size(0), C = in.size(1), H = in.size(2), W = in.size(3);
  const int64_t Ho = grid.size(1), Wo = grid.size(2), L = Ho * Wo;
  const Axis<T> ax(W, a), ay(H, a);
  const T* x = in.data_ptr<T>();
  const T* gp = grid.data_ptr<T>();
  const T* go = grad.data_ptr<T>();
  T* gi = grad_input.defined() ? grad_input.data_ptr<T>() : nullptr;
  T* gg = grad_grid.defined() ? grad_grid.data_ptr<T>() : nullptr;
  if (gi)
    for (int64_t i = 0, n = grad_input.numel(); i < n; ++i) gi[i] = 0;
  const int64_t cost = L * C * (a.mode == GridSampleMode::Bicubic ? 32 : 8);
  parallel_for(0, N, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(cost, 1)), [&](int64_t b, int64_t e) {
    for (int64_t n = b; n < e; ++n) {
      const T* xn = x + n * C * H * W;
      T* gin = gi ? gi + n * C * H * W : nullptr;
      for (int64_t l = 0; l < L; ++l) {
        const int64_t p = n * L + l;
        const T* gop = go + n * C * L + l;
        const T gx = gp[2 * p], gy = gp[2 * p + 1];
        T gix = 0, giy = 0;
        if (a.mode == GridSampleMode::Bicubic) {
          const T sx = ax.unnormalize(gx), sy = ay.unnormalize(gy);
          const T fx = std::floor(sx), fy = std::floor(sy);
          T cx[4], cy[4], dx[4], dy[4];
          cubic_coeffs(sx - fx, cx);
          cubic_coeffs(sy - fy, cy);
          cubic_coeffs_grad(sx - fx, dx);
          cubic_coeffs_grad(sy - fy, dy);
          for (int64_t c = 0; c < C; ++c) {
            const T g = gop[c * L];
            const Plane<T> pl{xn + c * H * W, H, W};
            for (int j = 0; j < 4; ++j)
              for (int i = 0; i < 4; ++i) {
                const T tx = fx - 1 + T(i), ty = fy - 1 + T(j);
                if (gin) {
                  T dummy;
                  const int64_t ix = to_index(ax.pad(tx, &dummy)), iy = to_index(ay.pad(ty, &dummy));
                  if (in_bounds(ix, W) && in_bounds(iy, H)) gin[c * H * W + iy * W + ix] += g * cx[i] * cy[j];
                }
                if (gg) {
                  const T v = pl.tap(ax, ay, tx, ty);
                  gix += v * dx[i] * cy[j] * g;
                  giy += v * dy[j] * cx[i] * g;
                }
              }
          }
          if (gg) {
            gg[2 * p] = gix * ax.scale;
            gg[2 * p + 1] = giy * ay.scale;
          }
          continue;
        }
        T mx, my;
        const T sx = ax.source(gx, &mx), sy = ay.source(gy, &my);
        if (a.mode == GridSampleMode::Nearest) {
          if (gin) {
            const int64_t ix = to_index(std::nearbyint(sx)), iy = to_index(std::nearbyint(sy));
            if (in_bounds(ix, W) && in_bounds(iy, H))
              for (int64_t c = 0; c < C; ++c) gin[c * H * W + iy * W + ix] += gop[c * L];
          }
          if (gg) gg[2 * p] = gg[2 * p + 1] = 0;
          continue;
        }
        const T fx = std::floor(sx), fy = std::floor(sy);
        const int64_t ix = to_index(fx), iy = to_index(fy);
        const T w = sx - fx, e_ = 1 - w, nn = sy - fy, s = 1 - nn;
        const T nw = s * e_, ne = s * w, sw = nn * e_, se = nn * w;
        const bool bw = in_bounds(ix, W), be = in_bounds(ix + 1, W), bn = in_bounds(iy, H), bs = in_bounds(iy + 1, H);
        for (int64_t c = 0; c < C; ++c) {
          const T g = gop[c * L];
          const int64_t off = c * H * W;
          if (gin) {
            if (bn && bw) gin[off + iy * W + ix] += g * nw;
            if (bn && be) gin[off + iy * W + ix + 1] += g * ne;
            if (bs && bw) gin[off + (iy + 1) * W + ix] += g * sw;
            if (bs && be) gin[off + (iy + 1) * W + ix + 1] += g * se;
          }
          if (gg) {
            const T* pl = xn + off;
            const T vnw = bn && bw ? pl[iy * W + ix] : T(0);
            const T vne = bn && be ? pl[iy * W + ix + 1] : T(0);
            const T vsw = bs && bw ? pl[(iy + 1) * W + ix] : T(0);
            const T vse = bs && be ? pl[(iy + 1) * W + ix + 1] : T(0);
            gix += ((vne - vnw) * s + (vse - vsw) * nn) * g;
            giy += ((vsw - vnw) * e_ + (vse - vne) * w) * g;
          }
        }
        if (gg) {
          gg[2 * p] = gix * mx;
          gg[2 * p + 1] = giy * my;
        }
      }
    }
  });
}

// ---- 3-D: torch's scalar GridSampler.h functions, as its grid_sampler_3d_cpu

template <typename T>
struct Axis3 {
  int64_t size;
  GridSamplePadding padding;
  bool align;

  T unnormalize(T c, T* grad) const {
    if (align) {
      *grad = T(size - 1) / 2;
      return ((c + 1) / 2) * T(size - 1);
    }
    *grad = T(size) / 2;
    return ((c + 1) * T(size) - 1) / 2;
  }
  // forward clip: std::min(size - 1, std::max(x, 0)), which sends NaN to size - 1
  T clip(T x) const {
    const T m = (x < T(0)) ? T(0) : x;
    const T hi = T(size - 1);
    return (m < hi) ? m : hi;
  }
  // backward clip: the border counts as outside (gradient 0)
  T clip_grad(T x, T* grad) const {
    if (x <= 0) {
      *grad = 0;
      return 0;
    }
    const T hi = T(size - 1);
    if (x >= hi) {
      *grad = 0;
      return hi;
    }
    *grad = 1;
    return x;
  }
  // reflect about twice_low / 2 and twice_high / 2; the flip count's parity
  // as torch's int conversion gives it (out of int range: INT_MIN, even)
  T reflect(T x, T* grad) const {
    const T twice_low = align ? T(0) : T(-1), twice_high = align ? T(2 * (size - 1)) : T(2 * size - 1);
    if (twice_low == twice_high) {
      *grad = 0;
      return 0;
    }
    const T mn = twice_low / 2, span = (twice_high - twice_low) / 2;
    x = x - mn;
    T mult = 1;
    if (x < 0) {
      mult = -1;
      x = -x;
    }
    const T extra = std::fmod(x, span);
    const double f = std::floor(double(x / span));
    const int64_t flips = (f > -2147483648.0 && f < 2147483647.0) ? int64_t(f) : int64_t(-2147483648LL);
    if (flips % 2 == 0) {
      *grad = mult;
      return extra + mn;
    }
    *grad = -mult;
    return span - extra + mn;
  }
  static T safe_downgrade(T x) {
    if (x > T(2147483646.0) || x < T(-2147483648.0) || !std::isfinite(double(x))) return T(-100);
    return x;
  }
  T source(T c) const {
    T g;
    T x = unnormalize(c, &g);
    if (padding == GridSamplePadding::Border) {
      x = clip(x);
    } else if (padding == GridSamplePadding::Reflection) {
      x = clip(reflect(x, &g));
    }
    return safe_downgrade(x);
  }
  T source_grad(T c, T* grad) const {
    T x = unnormalize(c, grad), g1 = 1, g2 = 1;
    if (padding == GridSamplePadding::Border) {
      x = clip_grad(x, &g1);
    } else if (padding == GridSamplePadding::Reflection) {
      x = reflect(x, &g1);
      x = clip_grad(x, &g2);
    }
    *grad = *grad * g1 * g2;
    return safe_downgrade(x);
  }
};

template <typename T>
struct Trilinear {
  int64_t x0, y0, z0;
  T wx[2], wy[2], wz[2];  // [0]: weight of the lower neighbour, [1]: the upper
  Trilinear(T ix, T iy, T iz) {
    x0 = int64_t(std::floor(ix));
    y0 = int64_t(std::floor(iy));
    z0 = int64_t(std::floor(iz));
    wx[0] = T(x0 + 1) - ix, wx[1] = ix - T(x0);
    wy[0] = T(y0 + 1) - iy, wy[1] = iy - T(y0);
    wz[0] = T(z0 + 1) - iz, wz[1] = iz - T(z0);
  }
};

template <typename T>
void grid_sample_3d_impl(const Tensor& out, const Tensor& in, const Tensor& grid, const GridSampleArgs& a) {
  const int64_t N = in.size(0), C = in.size(1), D = in.size(2), H = in.size(3), W = in.size(4);
  const int64_t L = grid.size(1) * grid.size(2) * grid.size(3), V = D * H * W;
  const Axis3<T> ax{W, a.padding, a.align_corners}, ay{H, a.padding, a.align_corners}, az{D, a.padding, a.align_corners};
  const T* x = in.data_ptr<T>();
  const T* gp = grid.data_ptr<T>();
  T* y = out.data_ptr<T>();
  const int64_t cost = C * (a.mode == GridSampleMode::Nearest ? 1 : 8);
  parallel_for(0, N * L, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(cost, 1)), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) {
      const int64_t n = p / L, l = p % L;
      const T* xn = x + n * C * V;
      T* yp = y + n * C * L + l;
      const T ix = ax.source(gp[3 * p]), iy = ay.source(gp[3 * p + 1]), iz = az.source(gp[3 * p + 2]);
      if (a.mode == GridSampleMode::Nearest) {
        const int64_t jx = int64_t(std::round(ix)), jy = int64_t(std::round(iy)), jz = int64_t(std::round(iz));
        const bool ok = in_bounds(jx, W) && in_bounds(jy, H) && in_bounds(jz, D);
        for (int64_t c = 0; c < C; ++c) yp[c * L] = ok ? xn[c * V + (jz * H + jy) * W + jx] : T(0);
        continue;
      }
      const Trilinear<T> t(ix, iy, iz);
      for (int64_t c = 0; c < C; ++c) {
        const T* vol = xn + c * V;
        T acc = 0;
        for (int k = 0; k < 2; ++k)
          for (int j = 0; j < 2; ++j)
            for (int i = 0; i < 2; ++i) {
              const int64_t xi = t.x0 + i, yj = t.y0 + j, zk = t.z0 + k;
              if (in_bounds(xi, W) && in_bounds(yj, H) && in_bounds(zk, D))
                acc += vol[(zk * H + yj) * W + xi] * (t.wx[i] * t.wy[j] * t.wz[k]);
            }
        yp[c * L] = acc;
      }
    }
  });
}

template <typename T>
void grid_sample_3d_backward_impl(const Tensor& grad_input, const Tensor& grad_grid, const Tensor& grad,
                                  const Tensor& in, const Tensor& grid, const GridSampleArgs& a) {
  const int64_t N = in.size(0), C = in.size(1), D = in.size(2), H = in.size(3), W = in.size(4);
  const int64_t L = grid.size(1) * grid.size(2) * grid.size(3), V = D * H * W;
  const Axis3<T> ax{W, a.padding, a.align_corners}, ay{H, a.padding, a.align_corners}, az{D, a.padding, a.align_corners};
  const T* x = in.data_ptr<T>();
  const T* gp = grid.data_ptr<T>();
  const T* go = grad.data_ptr<T>();
  T* gi = grad_input.defined() ? grad_input.data_ptr<T>() : nullptr;
  T* gg = grad_grid.defined() ? grad_grid.data_ptr<T>() : nullptr;
  if (gi)
    for (int64_t i = 0, n = grad_input.numel(); i < n; ++i) gi[i] = 0;
  const int64_t cost = L * C * 16;
  parallel_for(0, N, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(cost, 1)), [&](int64_t b, int64_t e) {
    for (int64_t n = b; n < e; ++n) {
      const T* xn = x + n * C * V;
      T* gin = gi ? gi + n * C * V : nullptr;
      for (int64_t l = 0; l < L; ++l) {
        const int64_t p = n * L + l;
        const T* gop = go + n * C * L + l;
        if (a.mode == GridSampleMode::Nearest) {
          if (gin) {  // torch's backward takes the clip-with-gradient path here too
            T m;
            const T ix = ax.source_grad(gp[3 * p], &m), iy = ay.source_grad(gp[3 * p + 1], &m),
                    iz = az.source_grad(gp[3 * p + 2], &m);
            const int64_t jx = int64_t(std::round(ix)), jy = int64_t(std::round(iy)), jz = int64_t(std::round(iz));
            if (in_bounds(jx, W) && in_bounds(jy, H) && in_bounds(jz, D))
              for (int64_t c = 0; c < C; ++c) gin[c * V + (jz * H + jy) * W + jx] += gop[c * L];
          }
          if (gg) gg[3 * p] = gg[3 * p + 1] = gg[3 * p + 2] = 0;
          continue;
        }
        T mx, my, mz;
        const T ix = ax.source_grad(gp[3 * p], &mx), iy = ay.source_grad(gp[3 * p + 1], &my),
                iz = az.source_grad(gp[3 * p + 2], &mz);
        const Trilinear<T> t(ix, iy, iz);
        T gix = 0, giy = 0, giz = 0;
        for (int64_t c = 0; c < C; ++c) {
          const T g = gop[c * L];
          const T* vol = xn + c * V;
          for (int k = 0; k < 2; ++k)
            for (int j = 0; j < 2; ++j)
              for (int i = 0; i < 2; ++i) {
                const int64_t xi = t.x0 + i, yj = t.y0 + j, zk = t.z0 + k;
                if (!(in_bounds(xi, W) && in_bounds(yj, H) && in_bounds(zk, D))) continue;
                const int64_t off = (zk * H + yj) * W + xi;
                if (gin) gin[c * V + off] += t.wx[i] * t.wy[j] * t.wz[k] * g;
                if (gg) {
                  const T v = vol[off];
                  const T sx = i ? T(1) : T(-1), sy = j ? T(1) : T(-1), sz = k ? T(1) : T(-1);
                  gix += sx * (v * t.wy[j] * t.wz[k] * g);
                  giy += sy * (v * t.wx[i] * t.wz[k] * g);
                  giz += sz * (v * t.wx[i] * t.wy[j] * g);
                }
              }
        }
        if (gg) {
          gg[3 * p] = mx * gix;
          gg[3 * p + 1] = my * giy;
          gg[3 * p + 2] = mz * giz;
        }
      }
    }
  });
}

void grid_sample_kernel(const Tensor& out, const Tensor& in, const Tensor& grid, const GridSampleArgs& a) {
  const bool d3 = in.dim() == 5;
  if (in.dtype() == kFloat64) d3 ? grid_sample_3d_impl<double>(out, in, grid, a) : grid_sample_2d_impl<double>(out, in, grid, a);
  else d3 ? grid_sample_3d_impl<float>(out, in, grid, a) : grid_sample_2d_impl<float>(out, in, grid, a);
}

void grid_sample_backward_kernel(const Tensor& grad_input, const Tensor& grad_grid, const Tensor& grad,
                                 const Tensor& in, const Tensor& grid, const GridSampleArgs& a) {
  const bool d3 = in.dim() == 5;
  if (in.dtype() == kFloat64) {
    if (d3) grid_sample_3d_backward_impl<double>(grad_input, grad_grid, grad, in, grid, a);
    else grid_sample_2d_backward_impl<double>(grad_input, grad_grid, grad, in, grid, a);
  } else {
    if (d3) grid_sample_3d_backward_impl<float>(grad_input, grad_grid, grad, in, grid, a);
    else grid_sample_2d_backward_impl<float>(grad_input, grad_grid, grad, in, grid, a);
  }
}

}  // namespace

EMBER_REGISTER_KERNEL(grid_sample, CPU, grid_sample_kernel);
EMBER_REGISTER_KERNEL(grid_sample_backward, CPU, grid_sample_backward_kernel);

}  // namespace cpu
}  // namespace ember
