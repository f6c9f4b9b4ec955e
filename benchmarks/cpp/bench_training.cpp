// Training steps, ember vs libtorch in C++, side by side (Google Benchmark).
//
// The C++ counterpart of ../python/bench_training.py. Cases pair up as
//   BM_train_<case>/ember  and  BM_train_<case>/torch
// One iteration = zero_grad (set to none) + forward + loss + backward +
// optimizer step. The torch half is compiled only when CMake found libtorch
// (EMBER_BENCH_TORCH).
//
// Thread count: --threads=N or EMBER_BENCH_THREADS=N (default 1); sets
// ember::set_num_threads, torch::set_num_threads and OpenBLAS's own pool.
//
// Peak memory: `ember_bench_training --rss=ember` (or --rss=torch) runs 200
// steps of the big MLP in this process alone and prints VmHWM from
// /proc/self/status, then exits without running the benchmarks. Run each in
// its own process so the two libraries' peaks do not mix. ember_bench_training
// itself links libtorch, whose loading alone costs well over 100 MiB of RSS,
// so the ember figure comes from ember_bench_training_rss (same source, built
// without libtorch): `ember_bench_training_rss --rss=ember`.
//
// Note on the transformer: libtorch's C++ TransformerEncoderLayerOptions has
// no batch_first, so the torch case feeds the same data as [seq, batch, d]
// ([64, 16, 128]); ember uses batch_first with [16, 64, 128]. Same math.

#include <benchmark/benchmark.h>
#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "ember/ember.h"

#ifdef EMBER_BENCH_TORCH
#include <torch/torch.h>
#endif

namespace {

// ---------------------------------------------------------------------------
// ember models

namespace en = ember::nn;

struct EmberMlp {
  en::Sequential net;
  std::unique_ptr<ember::optim::SGD> opt;
  ember::Tensor x, y;
  EmberMlp(const std::vector<int64_t>& dims, int64_t batch) {
    for (size_t i = 0; i + 1 < dims.size(); ++i) {
      net->push_back(en::Linear(dims[i], dims[i + 1]));
      if (i + 2 < dims.size()) net->push_back(en::ReLU());
    }
    opt = std::make_unique<ember::optim::SGD>(net->parameters(), ember::optim::SGDOptions(0.01));
    x = ember::randn({batch, dims.front()});
    y = ember::randint(0, dims.back(), {batch}, ember::TensorOptions().dtype(ember::kLong));
  }
  void step() {
    opt->zero_grad(true);
    auto loss = ember::cross_entropy(net->forward(x), y);
    loss.backward();
    opt->step();
  }
};

struct EmberLenet {
  en::Sequential net;
  std::unique_ptr<ember::optim::SGD> opt;
  ember::Tensor x, y;
  explicit EmberLenet(int64_t batch) {
    net = en::Sequential(en::Conv2d(en::Conv2dOptions(1, 6, 5)), en::ReLU(), en::MaxPool2d(2),
                         en::Conv2d(en::Conv2dOptions(6, 16, 5)), en::ReLU(), en::MaxPool2d(2), en::Flatten(),
                         en::Linear(256, 120), en::ReLU(), en::Linear(120, 84), en::ReLU(), en::Linear(84, 10));
    opt = std::make_unique<ember::optim::SGD>(net->parameters(), ember::optim::SGDOptions(0.01));
    x = ember::randn({batch, 1, 28, 28});
    y = ember::randint(0, 10, {batch}, ember::TensorOptions().dtype(ember::kLong));
  }
  void step() {
    opt->zero_grad(true);
    auto loss = ember::cross_entropy(net->forward(x), y);
    loss.backward();
    opt->step();
  }
};

struct EmberTransformer {
  en::TransformerEncoderLayer layer{nullptr};
  std::unique_ptr<ember::optim::Adam> opt;
  ember::Tensor x, target;
  EmberTransformer() {
    layer = en::TransformerEncoderLayer(
        en::TransformerEncoderLayerOptions(128, 4).dim_feedforward(512).dropout(0.0).batch_first(true));
    opt = std::make_unique<ember::optim::Adam>(layer->parameters(), ember::optim::AdamOptions(1e-3));
    x = ember::randn({16, 64, 128});
    target = ember::randn({16, 64, 128});
  }
  void step() {
    opt->zero_grad(true);
    auto loss = ember::mse_loss(layer->forward(x), target);
    loss.backward();
    opt->step();
  }
};

// ---------------------------------------------------------------------------
// libtorch models

#ifdef EMBER_BENCH_TORCH
namespace tn = torch::nn;

// This libtorch's Optimizer::zero_grad() takes no set_to_none argument (it
// zeroes the gradients in place); set them to none by hand, as ember does.
void torch_zero_grad_to_none(torch::optim::Optimizer& opt) {
  for (auto& g : opt.param_groups())
    for (auto& p : g.params()) p.mutable_grad() = torch::Tensor();
}

struct TorchMlp {
  tn::Sequential net;
  std::unique_ptr<torch::optim::SGD> opt;
  torch::Tensor x, y;
  TorchMlp(const std::vector<int64_t>& dims, int64_t batch) {
    for (size_t i = 0; i + 1 < dims.size(); ++i) {
      net->push_back(tn::Linear(dims[i], dims[i + 1]));
      if (i + 2 < dims.size()) net->push_back(tn::ReLU());
    }
    opt = std::make_unique<torch::optim::SGD>(net->parameters(), torch::optim::SGDOptions(0.01));
    x = torch::randn({batch, dims.front()});
    y = torch::randint(0, dims.back(), {batch}, torch::TensorOptions().dtype(torch::kLong));
  }
  void step() {
    torch_zero_grad_to_none(*opt);
    auto loss = torch::nn::functional::cross_entropy(net->forward(x), y);
    loss.backward();
    opt->step();
  }
};

struct TorchLenet {
  tn::Sequential net;
  std::unique_ptr<torch::optim::SGD> opt;
  torch::Tensor x, y;
  explicit TorchLenet(int64_t batch) {
    net = tn::Sequential(tn::Conv2d(tn::Conv2dOptions(1, 6, 5)), tn::ReLU(), tn::MaxPool2d(tn::MaxPool2dOptions(2)),
                         tn::Conv2d(tn::Conv2dOptions(6, 16, 5)), tn::ReLU(), tn::MaxPool2d(tn::MaxPool2dOptions(2)),
                         tn::Flatten(), tn::Linear(256, 120), tn::ReLU(), tn::Linear(120, 84), tn::ReLU(),
                         tn::Linear(84, 10));
    opt = std::make_unique<torch::optim::SGD>(net->parameters(), torch::optim::SGDOptions(0.01));
    x = torch::randn({batch, 1, 28, 28});
    y = torch::randint(0, 10, {batch}, torch::TensorOptions().dtype(torch::kLong));
  }
  void step() {
    torch_zero_grad_to_none(*opt);
    auto loss = torch::nn::functional::cross_entropy(net->forward(x), y);
    loss.backward();
    opt->step();
  }
};

struct TorchTransformer {
  tn::TransformerEncoderLayer layer{nullptr};
  std::unique_ptr<torch::optim::Adam> opt;
  torch::Tensor x, target;
  TorchTransformer() {
    // No batch_first in libtorch's C++ options: [seq, batch, d].
    layer = tn::TransformerEncoderLayer(tn::TransformerEncoderLayerOptions(128, 4).dim_feedforward(512).dropout(0.0));
    opt = std::make_unique<torch::optim::Adam>(layer->parameters(), torch::optim::AdamOptions(1e-3));
    x = torch::randn({64, 16, 128});
    target = torch::randn({64, 16, 128});
  }
  void step() {
    torch_zero_grad_to_none(*opt);
    auto loss = torch::mse_loss(layer->forward(x), target);
    loss.backward();
    opt->step();
  }
};
#endif

// ---------------------------------------------------------------------------
// Benchmarks

template <typename Model, typename... Args>
void run_steps(benchmark::State& state, Args... args) {
  Model m(args...);
  m.step();  // warm-up (allocations, optimizer state)
  for (auto _ : state) m.step();
}

void register_all() {
  using ms = benchmark::TimeUnit;
  auto reg = [](const std::string& name, void (*fn)(benchmark::State&)) {
    benchmark::RegisterBenchmark(name.c_str(), fn)->Unit(ms::kMillisecond)->UseRealTime();
  };
  reg("BM_train_mlp_small/ember", [](benchmark::State& s) { run_steps<EmberMlp>(s, std::vector<int64_t>{64, 128, 10}, int64_t{64}); });
#ifdef EMBER_BENCH_TORCH
  reg("BM_train_mlp_small/torch", [](benchmark::State& s) { run_steps<TorchMlp>(s, std::vector<int64_t>{64, 128, 10}, int64_t{64}); });
#endif
  reg("BM_train_mlp_big/ember",
      [](benchmark::State& s) { run_steps<EmberMlp>(s, std::vector<int64_t>{784, 512, 512, 10}, int64_t{128}); });
#ifdef EMBER_BENCH_TORCH
  reg("BM_train_mlp_big/torch",
      [](benchmark::State& s) { run_steps<TorchMlp>(s, std::vector<int64_t>{784, 512, 512, 10}, int64_t{128}); });
#endif
  reg("BM_train_lenet/ember", [](benchmark::State& s) { run_steps<EmberLenet>(s, int64_t{64}); });
#ifdef EMBER_BENCH_TORCH
  reg("BM_train_lenet/torch", [](benchmark::State& s) { run_steps<TorchLenet>(s, int64_t{64}); });
#endif
  reg("BM_train_transformer/ember", [](benchmark::State& s) { run_steps<EmberTransformer>(s); });
#ifdef EMBER_BENCH_TORCH
  reg("BM_train_transformer/torch", [](benchmark::State& s) { run_steps<TorchTransformer>(s); });
#endif
}

// ---------------------------------------------------------------------------
// Peak RSS mode

std::string proc_status_field(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(key);
  while (std::getline(f, line)) {
    if (line.compare(0, n, key) == 0) return line;
  }
  return std::string(key) + " (not found)";
}

int rss_mode(const std::string& which) {
  const int steps = 200;
  const std::string at_start = proc_status_field("VmHWM:");
  if (which == "ember") {
    EmberMlp m({784, 512, 512, 10}, 128);
    for (int i = 0; i < steps; ++i) m.step();
#ifdef EMBER_BENCH_TORCH
  } else if (which == "torch") {
    TorchMlp m({784, 512, 512, 10}, 128);
    for (int i = 0; i < steps; ++i) m.step();
#endif
  } else {
    std::fprintf(stderr, "--rss=%s: expected ember%s\n", which.c_str(),
#ifdef EMBER_BENCH_TORCH
                 " or torch"
#else
                 " (built without libtorch)"
#endif
    );
    return 1;
  }
  std::printf("rss %s: %d steps of MLP 784-512-512-10 batch 128 SGD: %s (at start: %s)%s\n", which.c_str(), steps,
              proc_status_field("VmHWM:").c_str(), at_start.c_str(),
#ifdef EMBER_BENCH_TORCH
              " [libtorch linked in]"
#else
              " [ember only]"
#endif
  );
  return 0;
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

}  // namespace

int main(int argc, char** argv) {
  int threads = 1;
  if (const char* e = std::getenv("EMBER_BENCH_THREADS")) threads = std::atoi(e);
  std::string rss;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--threads=", 10) == 0) {
      threads = std::atoi(argv[i] + 10);
    } else if (std::strncmp(argv[i], "--rss=", 6) == 0) {
      rss = argv[i] + 6;
    } else {
      args.push_back(argv[i]);
    }
  }
  if (threads < 1) threads = 1;

  ember::set_num_threads(threads);
  ember::manual_seed(0);
#ifdef EMBER_BENCH_TORCH
  torch::set_num_threads(threads);
  torch::manual_seed(0);
#endif
  int ob = set_openblas_threads(threads);

  if (!rss.empty()) return rss_mode(rss);

  benchmark::AddCustomContext("threads", std::to_string(threads));
  benchmark::AddCustomContext("ember_num_threads", std::to_string(ember::get_num_threads()));
  benchmark::AddCustomContext("openblas_num_threads", std::to_string(ob));
#ifdef EMBER_BENCH_TORCH
  benchmark::AddCustomContext("torch_num_threads", std::to_string(torch::get_num_threads()));
  benchmark::AddCustomContext("torch", "on");
#else
  benchmark::AddCustomContext("torch", "off (libtorch not found at configure time)");
#endif

  register_all();

  int bargc = static_cast<int>(args.size());
  benchmark::Initialize(&bargc, args.data());
  if (benchmark::ReportUnrecognizedArguments(bargc, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
