// The printer: reads like PyTorch's repr (`tensor([[1., 2.], ...])`),
// summarized with "..." for large tensors.
#include <cmath>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "ops/ops_common.h"

namespace ember {

namespace {
PrintOptions& opts() {
  static PrintOptions o;
  return o;
}

struct Formatter {
  bool floating = false, int_mode = true, sci = false, is_bool = false;
  int width = 1;
  int precision = 4;

  std::string fmt(double v) const {
    char buf[64];
    if (is_bool) return v != 0 ? "True" : "False";
    if (!floating) {
      std::snprintf(buf, sizeof buf, "%lld", (long long)v);
      return buf;
    }
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (sci) std::snprintf(buf, sizeof buf, "%.*e", precision, v);
    else if (int_mode) std::snprintf(buf, sizeof buf, "%.0f.", v);
    else std::snprintf(buf, sizeof buf, "%.*f", precision, v);
    return buf;
  }
};

// Values that will be shown (edge items only when summarizing).
void collect(const Tensor& t, bool summarize, int64_t edge, std::vector<double>& out) {
  if (t.dim() == 0) {
    out.push_back(t.item().to_double());
    return;
  }
  int64_t n = t.size(0);
  for (int64_t i = 0; i < n; ++i) {
    if (summarize && n > 2 * edge && i == edge) i = n - edge;
    collect(t.select(0, i), summarize, edge, out);
  }
}

void render(const Tensor& t, const Formatter& f, bool summarize, int64_t edge, int indent, std::string& s) {
  if (t.dim() == 0) {
    std::string v = f.fmt(t.item().to_double());
    s += std::string(size_t(std::max<int>(0, f.width - int(v.size()))), ' ') + v;
    return;
  }
  int64_t n = t.size(0);
  s += '[';
  if (t.dim() == 1) {
    // torch's _vector_str: a fixed number of elements per line, with the
    // ' ...' of a summarized row counted as one element
    const int64_t per_line = std::max<int64_t>(1, (opts().linewidth - indent) / (f.width + 2));
    std::vector<std::string> data;
    for (int64_t i = 0; i < n; ++i) {
      if (summarize && n > 2 * edge && i == edge) {
        data.push_back(" ...");
        i = n - edge;
      }
      std::string v = f.fmt(t.select(0, i).item().to_double());
      data.push_back(std::string(size_t(std::max<int>(0, f.width - int(v.size()))), ' ') + v);
    }
    for (size_t i = 0; i < data.size(); ++i) {
      if (i > 0) s += (int64_t(i) % per_line == 0) ? ",\n" + std::string(size_t(indent + 1), ' ') : ", ";
      s += data[i];
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      if (summarize && n > 2 * edge && i == edge) {
        // torch joins "..." like a slice: the same separator on both sides
        s += "...," + std::string(size_t(t.dim() - 1), '\n') + std::string(size_t(indent + 1), ' ');
        i = n - edge;
      }
      render(t.select(0, i), f, summarize, edge, indent + 1, s);
      if (i + 1 < n) s += "," + std::string(size_t(t.dim() - 1), '\n') + std::string(size_t(indent + 1), ' ');
    }
  }
  s += ']';
}
}  // namespace

void set_printoptions(const PrintOptions& o) { opts() = o; }
PrintOptions get_printoptions() { return opts(); }

std::ostream& operator<<(std::ostream& os, const Tensor& t0) {
  if (!t0.defined()) return os << "[ Tensor (undefined) ]";
  NoGradGuard ng;
  Tensor t = t0.is_cpu() ? t0.detach() : t0.detach().cpu();
  const PrintOptions& o = opts();
  bool summarize = t.numel() > o.threshold;
  Formatter f;
  f.precision = o.precision;
  f.floating = t.is_floating_point();
  f.is_bool = t.dtype() == kBool;
  std::string body;
  if (t.numel() == 0) {
    body = "[]";
  } else {
    std::vector<double> vals;
    collect(t, summarize, o.edgeitems, vals);
    if (f.floating) {
      double mx = 0, mn = INFINITY;
      bool any = false;
      for (double v : vals) {
        if (!std::isfinite(v)) continue;
        if (v != std::ceil(v)) f.int_mode = false;
        if (v == 0) continue;
        double a = std::fabs(v);
        mx = std::max(mx, a);
        mn = std::min(mn, a);
        any = true;
      }
      // torch sizes the columns with the automatic choice of notation and
      // only then applies a forced sci_mode
      if (any) f.sci = f.int_mode ? (mx / mn > 1000.0 || mx > 1e8) : (mx / mn > 1000.0 || mx > 1e8 || mn < 1e-4);
      if (f.sci) f.int_mode = false;
      for (double v : vals)
        if (std::isfinite(v) && v != 0) f.width = std::max<int>(f.width, int(f.fmt(v).size()));
      if (o.sci_mode) f.sci = *o.sci_mode;
    } else {
      for (double v : vals) f.width = std::max<int>(f.width, int(f.fmt(v).size()));
    }
    render(t, f, summarize, o.edgeitems, 7, body);
  }
  os << "tensor(" << body;
  if (t.numel() == 0 && t.dim() != 1) {
    os << ", size=(";
    for (int64_t i = 0; i < t.dim(); ++i) os << (i ? ", " : "") << t.size(i);
    os << (t.dim() == 1 ? ",)" : ")");
  }
  if (!t0.is_cpu()) os << ", device='" << t0.device() << "'";
  ScalarType dt = t.dtype();
  // an empty tensor shows any non-default dtype: there is nothing to infer it from
  bool show_dtype = t.numel() == 0 ? dt != get_default_dtype() : (dt != get_default_dtype() && dt != kInt64 && dt != kBool);
  if (show_dtype) os << ", dtype=ember." << dtype_name(dt);
  if (t0.grad_fn()) os << ", grad_fn=<" << t0.grad_fn()->name() << ">";
  else if (t0.requires_grad()) os << ", requires_grad=True";
  return os << ")";
}

}  // namespace ember
