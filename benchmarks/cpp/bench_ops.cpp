// ember vs libtorch, side by side in one process (Google Benchmark).
//
// Every case runs once per backend and the names pair up:
//   BM_<case>/ember  and  BM_<case>/torch
// The torch half is compiled only when CMake found libtorch
// (EMBER_BENCH_TORCH); otherwise the binary runs ember alone.
//
// Thread count: --threads=N on the command line or EMBER_BENCH_THREADS=N
// (default 1). It sets ember::set_num_threads, torch::set_num_threads and
// OpenBLAS's own pool (Debian's pthread OpenBLAS ignores torch's setting),
// so both libraries run with the same number of threads. Set
// OMP_WAIT_POLICY=passive in the environment at 2 threads (see
// ../run_cpp.sh and shared/PERF-ANCHORS.md).
//
// All cases use real (wall) time. Large cases report bytes/s
// (bytes read + written once each), GEMM reports a GFLOPS counter.

#include <benchmark/benchmark.h>
#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "ember/ember.h"

#ifdef EMBER_BENCH_TORCH
#include <torch/torch.h>
#endif

namespace {

using Shape = std::vector<int64_t>;

int64_t numel_of(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

// ---------------------------------------------------------------------------
// Backends: the same few calls, spelled for each library. Operators (+, *),
// .t(), .sum() and .backward() are spelled the same in both and used as is.

struct Ember {
  using T = ember::Tensor;
  static constexpr const char* name = "ember";
  static T randn(const Shape& s, bool rg = false) {
    return ember::randn(s, ember::TensorOptions().requires_grad(rg));
  }
  static T mm(const T& a, const T& b) { return ember::mm(a, b); }
  static T add(const T& a, const T& b) { return ember::add(a, b); }
  static T mul(const T& a, const T& b) { return ember::mul(a, b); }
  static T exp(const T& a) { return ember::exp(a); }
  static T relu(const T& a) { return ember::relu(a); }
  static T sum(const T& a) { return ember::sum(a); }
  static T softmax(const T& a, int64_t dim) { return ember::softmax(a, dim); }
  static void clear_grad(const T& t) { t.mutable_grad() = T(); }
  static void* data(const T& t) { return t.data_ptr(); }
  static void set_threads(int n) { ember::set_num_threads(n); }
};

#ifdef EMBER_BENCH_TORCH
struct Torch {
  using T = torch::Tensor;
  static constexpr const char* name = "torch";
  static T randn(const Shape& s, bool rg = false) {
    return torch::randn(s, torch::TensorOptions().dtype(torch::kFloat32).requires_grad(rg));
  }
  static T mm(const T& a, const T& b) { return torch::mm(a, b); }
  static T add(const T& a, const T& b) { return torch::add(a, b); }
  static T mul(const T& a, const T& b) { return torch::mul(a, b); }
  static T exp(const T& a) { return torch::exp(a); }
  static T relu(const T& a) { return torch::relu(a); }
  static T sum(const T& a) { return torch::sum(a); }
  static T softmax(const T& a, int64_t dim) { return torch::softmax(a, dim); }
  static void clear_grad(const T& t) { t.mutable_grad() = T(); }
  static void* data(const T& t) { return t.data_ptr(); }
  static void set_threads(int n) { torch::set_num_threads(n); }
};
#endif

// ---------------------------------------------------------------------------
// Cases.

// Per-op overhead: c = a + b on tiny tensors; with rg, both inputs require
// grad and each add records a graph node (freed when c dies).
template <class B>
void BM_add_small(benchmark::State& st, Shape shape, bool rg) {
  auto a = B::randn(shape, rg), b = B::randn(shape, rg);
  for (auto _ : st) {
    auto c = a + b;
    benchmark::DoNotOptimize(B::data(c));
  }
}

// Tiny forward + backward: y = (w*x + b).sum(); y.backward(). Grads are reset
// to undefined (set_to_none) before each step, the same way in both.
template <class B>
void BM_fwd_bwd_tiny(benchmark::State& st, Shape shape) {
  auto w = B::randn(shape, true), b = B::randn(shape, true), x = B::randn(shape, false);
  for (auto _ : st) {
    B::clear_grad(w);
    B::clear_grad(b);
    auto y = (w * x + b).sum();
    y.backward();
    benchmark::DoNotOptimize(B::data(w.grad()));
  }
}

// float32 GEMM, square N x N.
template <class B>
void BM_mm(benchmark::State& st, int64_t n) {
  auto a = B::randn({n, n}), b = B::randn({n, n});
  for (auto _ : st) {
    auto c = B::mm(a, b);
    benchmark::DoNotOptimize(B::data(c));
  }
  st.counters["GFLOPS"] = benchmark::Counter(2.0 * n * n * n * 1e-9,
                                             benchmark::Counter::kIsIterationInvariantRate);
}

// Eager allocating elementwise: a fresh output every iteration.
enum class Ew { add, mul, exp, relu };

template <class B>
void BM_eltwise(benchmark::State& st, Ew op, int64_t n) {
  auto a = B::randn({n}), b = B::randn({n});
  int64_t arrays = 2;  // read + write
  for (auto _ : st) {
    typename B::T c;
    switch (op) {
      case Ew::add: c = B::add(a, b); break;
      case Ew::mul: c = B::mul(a, b); break;
      case Ew::exp: c = B::exp(a); break;
      case Ew::relu: c = B::relu(a); break;
    }
    benchmark::DoNotOptimize(B::data(c));
  }
  if (op == Ew::add || op == Ew::mul) arrays = 3;
  st.SetBytesProcessed(st.iterations() * arrays * n * int64_t(sizeof(float)));
}

// a.t() + b on n x n: one operand read transposed.
template <class B>
void BM_add_transposed(benchmark::State& st, int64_t n) {
  auto a = B::randn({n, n}), b = B::randn({n, n});
  for (auto _ : st) {
    auto c = a.t() + b;
    benchmark::DoNotOptimize(B::data(c));
  }
  st.SetBytesProcessed(st.iterations() * 3 * n * n * int64_t(sizeof(float)));
}

// Full reduction.
template <class B>
void BM_sum(benchmark::State& st, int64_t n) {
  auto a = B::randn({n});
  for (auto _ : st) {
    auto s = B::sum(a);
    benchmark::DoNotOptimize(B::data(s));
  }
  st.SetBytesProcessed(st.iterations() * n * int64_t(sizeof(float)));
}

// softmax along the last dim.
template <class B>
void BM_softmax(benchmark::State& st, int64_t rows, int64_t cols) {
  auto a = B::randn({rows, cols});
  for (auto _ : st) {
    auto s = B::softmax(a, -1);
    benchmark::DoNotOptimize(B::data(s));
  }
  st.SetBytesProcessed(st.iterations() * 2 * rows * cols * int64_t(sizeof(float)));
}

// ---------------------------------------------------------------------------
// Registration. Each case is registered for ember and right after for torch,
// so the pair runs back to back and drift of the host clock (2.7-4.0 GHz)
// hits both halves alike. Names: BM_<case>/ember, BM_<case>/torch.

using S = benchmark::State;

benchmark::internal::Benchmark* reg_one(const std::string& name, std::function<void(S&)> fn) {
  return benchmark::RegisterBenchmark(name.c_str(), [fn](S& s) { fn(s); })->UseRealTime();
}

#ifdef EMBER_BENCH_TORCH
#define EMBER_BENCH_TORCH_ONLY(x) x
#else
#define EMBER_BENCH_TORCH_ONLY(x)
#endif

// CALL is a statement that uses B (the backend) and s (the State).
#define REG(kase, unit, CALL)                                                          \
  do {                                                                                 \
    reg_one(std::string("BM_") + (kase) + "/ember", [=](S& s) { using B = Ember; CALL; }) \
        ->Unit(unit);                                                                  \
    EMBER_BENCH_TORCH_ONLY(                                                            \
        reg_one(std::string("BM_") + (kase) + "/torch", [=](S& s) { using B = Torch; CALL; }) \
            ->Unit(unit));                                                             \
  } while (0)

void register_all() {
  const auto ns = benchmark::kNanosecond, us = benchmark::kMicrosecond;
  REG("add_1elem", ns, (BM_add_small<B>(s, {1}, false)));
  REG("add_8x8", ns, (BM_add_small<B>(s, {8, 8}, false)));
  REG("add_1elem_grad", ns, (BM_add_small<B>(s, {1}, true)));
  REG("add_8x8_grad", ns, (BM_add_small<B>(s, {8, 8}, true)));
  REG("fwd_bwd_tiny_8", ns, (BM_fwd_bwd_tiny<B>(s, {8})));

  for (int64_t n : {64, 128, 256, 512, 1024, 2048}) {
    REG("mm_N" + std::to_string(n), us, (BM_mm<B>(s, n)));
  }

  const std::pair<const char*, Ew> ops[] = {
      {"add", Ew::add}, {"mul", Ew::mul}, {"exp", Ew::exp}, {"relu", Ew::relu}};
  const std::pair<const char*, int64_t> sizes[] = {{"1e6", 1000000}, {"1.6e7", 16000000}};
  for (const auto& sz : sizes) {
    for (const auto& op : ops) {
      const Ew o = op.second;
      const int64_t n = sz.second;
      REG(std::string(op.first) + "_" + sz.first, us, (BM_eltwise<B>(s, o, n)));
    }
  }

  REG("add_transposed_1024", us, (BM_add_transposed<B>(s, 1024)));
  REG("sum_1.6e7", us, (BM_sum<B>(s, 16000000)));
  REG("softmax_4096x1024", us, (BM_softmax<B>(s, 4096, 1024)));
}

// Debian's OpenBLAS (pthread build) keeps its own pool, sized to the core
// count, whatever torch::set_num_threads says: size it explicitly.
int set_openblas_threads(int n) {
  using SetFn = void (*)(int);
  using GetFn = int (*)();
  auto set = reinterpret_cast<SetFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  auto get = reinterpret_cast<GetFn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  if (set) set(n);
  return get ? get() : -1;
}

const char* blas_config() {
  using CfgFn = char* (*)();
  auto cfg = reinterpret_cast<CfgFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
  return cfg ? cfg() : "none found";
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1;
  if (const char* e = std::getenv("EMBER_BENCH_THREADS")) threads = std::atoi(e);
  // Take --threads=N out of argv before Google Benchmark parses it.
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--threads=", 10) == 0) {
      threads = std::atoi(argv[i] + 10);
    } else {
      args.push_back(argv[i]);
    }
  }
  if (threads < 1) threads = 1;
  int bargc = static_cast<int>(args.size());

  Ember::set_threads(threads);
  benchmark::AddCustomContext("threads", std::to_string(threads));
  benchmark::AddCustomContext("ember_num_threads", std::to_string(ember::get_num_threads()));
  const char* wp = std::getenv("OMP_WAIT_POLICY");
  benchmark::AddCustomContext("OMP_WAIT_POLICY", wp ? wp : "(unset)");
#ifdef EMBER_BENCH_TORCH
  Torch::set_threads(threads);
  int ob = set_openblas_threads(threads);
  benchmark::AddCustomContext("torch_num_threads", std::to_string(torch::get_num_threads()));
  benchmark::AddCustomContext("openblas_num_threads", std::to_string(ob));
  benchmark::AddCustomContext("openblas_config", blas_config());
  benchmark::AddCustomContext("torch", "on");
#else
  benchmark::AddCustomContext("torch", "off (libtorch not found at configure time)");
#endif

  register_all();

  benchmark::Initialize(&bargc, args.data());
  if (benchmark::ReportUnrecognizedArguments(bargc, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
