#pragma once

// Shared bits of the C++ example training programs, as
// examples/python/example_utils.py is for the Python ones: a small
// command-line parser with the flags every example takes, one-file
// checkpoints (model + optimizer + scheduler + the loop's counters) and the
// loss curve written next to the checkpoint.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <ember/ember.h>
#include <ember/io.h>

namespace examples {

// ---------------------------------------------------------------- arguments

/// `--name VALUE` options and `--name` flags, each written straight into a
/// variable; `--help` prints the usage. Unset std::optional options stay
/// empty, so a program can pick a default that depends on other flags.
class ArgParser {
 public:
  ArgParser(std::string program, std::string description)
      : program_(std::move(program)), description_(std::move(description)) {}

  template <typename T>
  ArgParser& option(const std::string& name, T* value, const std::string& help) {
    options_.push_back({name, help, true, default_text(*value), [value, name](const std::string& s) {
                          parse_value(name, s, *value);
                        }});
    return *this;
  }
  ArgParser& flag(const std::string& name, bool* value, const std::string& help) {
    options_.push_back({name, help, false, "", [value](const std::string&) { *value = true; }});
    return *this;
  }

  /// Parses argv; exits 0 after --help, and 2 (with the usage) on a bad argument.
  void parse(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--help" || a == "-h") {
        usage(std::cout);
        std::exit(0);
      }
      const Option* opt = nullptr;
      for (auto& o : options_)
        if (o.name == a) opt = &o;
      if (!opt) fail("unknown argument " + a);
      std::string v;
      if (opt->takes_value) {
        if (i + 1 >= argc) fail("missing value after " + a);
        v = argv[++i];
      }
      try {
        opt->set(v);
      } catch (const std::exception& e) {
        fail(e.what());
      }
    }
  }

  void usage(std::ostream& os) const {
    os << "usage: " << program_;
    for (auto& o : options_) os << " [" << o.name << (o.takes_value ? " V" : "") << "]";
    os << "\n" << description_ << "\n";
    for (auto& o : options_) {
      std::string left = "  " + o.name + (o.takes_value ? " V" : "");
      left.resize(std::max<size_t>(left.size() + 2, 22), ' ');
      os << left << o.help << (o.default_text.empty() ? "" : " (" + o.default_text + ")") << "\n";
    }
  }

 private:
  struct Option {
    std::string name, help;
    bool takes_value;
    std::string default_text;
    std::function<void(const std::string&)> set;
  };

  [[noreturn]] void fail(const std::string& message) const {
    std::cerr << program_ << ": " << message << "\n";
    usage(std::cerr);
    std::exit(2);
  }

  template <typename T>
  static std::string default_text(const T& v) {
    std::ostringstream os;
    os << v;
    return os.str();
  }
  template <typename T>
  static std::string default_text(const std::optional<T>& v) {
    return v ? default_text(*v) : "";
  }
  static std::string default_text(const std::string& v) { return v; }

  template <typename T>
  static void parse_value(const std::string& name, const std::string& s, T& out) {
    std::istringstream is(s);
    T v;
    if (!(is >> v) || !is.eof()) throw std::invalid_argument("invalid value '" + s + "' for " + name);
    out = v;
  }
  template <typename T>
  static void parse_value(const std::string& name, const std::string& s, std::optional<T>& out) {
    T v;
    parse_value(name, s, v);
    out = v;
  }
  static void parse_value(const std::string&, const std::string& s, std::string& out) { out = s; }

  std::string program_, description_;
  std::vector<Option> options_;
};

/// The flags every example takes (as add_common_args in example_utils.py).
struct CommonArgs {
  std::string checkpoint;
  bool resume = false;
  int64_t seed = 0;
  int threads = 0;
  bool quick = false;
};

inline void add_common_args(ArgParser& p, CommonArgs& c, const std::string& default_checkpoint) {
  c.checkpoint = default_checkpoint;
  p.option("--checkpoint", &c.checkpoint, "checkpoint path (safetensors; .pt/.pth for PyTorch's format)")
      .flag("--resume", &c.resume, "continue from --checkpoint if it exists")
      .option("--seed", &c.seed, "random seed")
      .option("--threads", &c.threads, "ember::set_num_threads (0: leave the default)")
      .flag("--quick", &c.quick, "a few steps on tiny data (for the tests)");
}

// ---------------------------------------------------------------- checkpoints

/// A 0-dim int64 tensor, for the counters a checkpoint keeps ("epoch", "step").
inline ember::Tensor scalar(int64_t v) { return ember::full({}, v, ember::kLong); }

/// Writes one file (atomically, as every ember::io::save) holding the model's
/// state_dict under "model.", the optimizer's under "optim.", the
/// scheduler's position as "sched.last_epoch" (when one is given) and the
/// caller's `extra` tensors under their own names ("epoch", "losses", ...).
inline void save_checkpoint(const std::string& path, const ember::nn::Module& model,
                            const ember::optim::Optimizer& optimizer, const ember::optim::LRScheduler* scheduler,
                            const ember::nn::NamedTensors& extra) {
  ember::nn::NamedTensors state;
  for (auto& kv : model.state_dict()) state.insert("model." + kv.first, kv.second);
  for (auto& kv : optimizer.state_dict()) state.insert("optim." + kv.first, kv.second);
  if (scheduler) state.insert("sched.last_epoch", scalar(scheduler->last_epoch()));
  for (auto& kv : extra) state.insert(kv.first, kv.second);
  ember::io::save(state, path);
}

/// Restores what save_checkpoint wrote, when `path` exists: the model's
/// weights, the optimizer's state and the scheduler's position (it must be
/// freshly constructed; ember's schedulers are closed forms of their step
/// count, so stepping it there reproduces its rates exactly). Returns the
/// extra tensors, or nothing when there is no file.
inline std::optional<ember::nn::NamedTensors> load_checkpoint(const std::string& path, ember::nn::Module& model,
                                                              ember::optim::Optimizer& optimizer,
                                                              ember::optim::LRScheduler* scheduler) {
  if (!std::ifstream(path)) return std::nullopt;
  ember::nn::NamedTensors weights, optim_state, extra;
  std::optional<int64_t> sched_epoch;
  for (auto& kv : ember::io::load(path)) {
    const std::string& k = kv.first;
    if (k.rfind("model.", 0) == 0) weights.insert(k.substr(6), kv.second);
    else if (k.rfind("optim.", 0) == 0) optim_state.insert(k.substr(6), kv.second);
    else if (k == "sched.last_epoch") sched_epoch = kv.second.item<int64_t>();
    else extra.insert(k, kv.second);
  }
  model.load_state_dict(weights);
  optimizer.load_state_dict(optim_state);
  if (scheduler) {
    EMBER_CHECK(sched_epoch.has_value(), "load_checkpoint: ", path, " has no scheduler state (sched.last_epoch)");
    EMBER_CHECK(scheduler->last_epoch() <= *sched_epoch, "load_checkpoint: the scheduler was already stepped");
    while (scheduler->last_epoch() < *sched_epoch) scheduler->step();
  }
  return extra;
}

/// A float tensor's values, e.g. the "losses" a checkpoint keeps.
inline std::vector<float> to_vector(const ember::Tensor& t) {
  ember::Tensor c = t.to(ember::kFloat).contiguous();
  const float* p = c.data_ptr<float>();
  return std::vector<float>(p, p + c.numel());
}

// ---------------------------------------------------------------- data and evaluation

/// A fixed random split of (x, y) rows into train and test parts (as
/// random_split with a seeded generator).
struct Split {
  ember::Tensor train_x, train_y, test_x, test_y;
};
inline Split random_split(const ember::Tensor& x, const ember::Tensor& y, int64_t n_test, uint64_t seed) {
  ember::Generator gen(seed);
  auto perm = ember::randperm(x.size(0), gen);
  auto xs = x.index_select(0, perm), ys = y.index_select(0, perm);
  int64_t n_train = x.size(0) - n_test;
  return {xs.narrow(0, 0, n_train), ys.narrow(0, 0, n_train), xs.narrow(0, n_train, n_test),
          ys.narrow(0, n_train, n_test)};
}

/// Classification accuracy of `model` on (x, y): eval mode, no grad, `batch` rows at a time.
template <typename Model>
double evaluate(Model& model, const ember::Tensor& x, const ember::Tensor& y, int64_t batch = 512) {
  ember::NoGradGuard no_grad;
  model->eval();
  int64_t correct = 0, n = x.size(0);
  for (int64_t s = 0; s < n; s += batch) {
    int64_t b = std::min(batch, n - s);
    auto pred = model(x.narrow(0, s, b)).argmax(1);
    correct += (pred == y.narrow(0, s, b)).sum().template item<int64_t>();
  }
  model->train();
  return n > 0 ? double(correct) / double(n) : 0.0;
}

// ---------------------------------------------------------------- loss curve

/// The CSV written next to the checkpoint: "ckpt.safetensors" -> "ckpt_loss.csv"
/// (the Python examples plot the same curve to "ckpt_loss.png").
inline std::string loss_curve_path(const std::string& checkpoint) {
  size_t slash = checkpoint.find_last_of('/');
  size_t dot = checkpoint.find_last_of('.');
  std::string stem = dot != std::string::npos && (slash == std::string::npos || dot > slash) ? checkpoint.substr(0, dot)
                                                                                             : checkpoint;
  return stem + "_loss.csv";
}

/// "step,loss" rows, one per training step.
inline void save_loss_curve(const std::vector<float>& losses, const std::string& path) {
  std::ofstream f(path);
  EMBER_CHECK(bool(f), "cannot write ", path);
  f << "step,loss\n";
  for (size_t i = 0; i < losses.size(); ++i) f << i + 1 << "," << losses[i] << "\n";
}

}  // namespace examples
