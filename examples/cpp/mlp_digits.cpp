// A 64-128-128-10 MLP on the 8x8 digits that Debian's python3-sklearn ships,
// with ember::nn, ember::optim, ember::data and ember::io (the C++ twin of
// examples/python/mlp_digits.py): a progress bar, a checkpoint (model +
// optimizer + scheduler + epoch) after every epoch, --resume, and the loss
// curve as a CSV next to the checkpoint. Reaches ~97% test accuracy.
//
//   mlp_digits [--epochs 30] [--resume] [--checkpoint mlp_digits.safetensors] [--quick]
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <ember/data.h>
#include <ember/ember.h>

#include "example_utils.h"
#include "progress.h"

namespace nn = ember::nn;

struct MLPImpl : nn::Module {
  explicit MLPImpl(int64_t hidden = 128)
      : nn::Module("MLP"),
        net(register_module("net", nn::Sequential(nn::Linear(64, hidden), nn::ReLU(), nn::Linear(hidden, hidden),
                                                  nn::ReLU(), nn::Linear(hidden, 10)))) {}
  ember::Tensor forward(const ember::Tensor& x) { return net(x); }
  nn::Sequential net;
};
EMBER_MODULE(MLP);

int main(int argc, char** argv) {
  std::optional<int> epochs_arg;
  int64_t batch_size = 32;
  double lr = 2e-3;
  int64_t workers = 0;
  examples::CommonArgs common;
  examples::ArgParser parser("mlp_digits", "A 64-128-128-10 MLP on the 8x8 digits (ember::nn, optim, data, io).");
  parser.option("--epochs", &epochs_arg, "epochs (default 30; 2 with --quick)")
      .option("--batch-size", &batch_size, "batch size")
      .option("--lr", &lr, "Adam learning rate (cosine-annealed per epoch)")
      .option("--workers", &workers, "DataLoader background threads");
  examples::add_common_args(parser, common, "mlp_digits.safetensors");
  parser.parse(argc, argv);
  const int epochs = epochs_arg.value_or(common.quick ? 2 : 30);
  if (common.threads > 0) ember::set_num_threads(common.threads);

  try {
    ember::manual_seed(uint64_t(common.seed));
    auto digits = ember::data::datasets::read_digits_csv();
    ember::Tensor x = digits.data / 16.0, y = digits.target;  // [N, 64] in 0..1, [N]
    if (common.quick) {  // 256 samples
      auto part = examples::random_split(x, y, 256, 1);
      x = part.test_x, y = part.test_y;
    }
    auto split = examples::random_split(x, y, x.size(0) / 5, uint64_t(common.seed));
    const int64_t n_train = split.train_x.size(0), n_test = split.test_x.size(0);
    auto shuffle_gen = std::make_shared<ember::Generator>();
    auto loader = ember::data::make_data_loader(
        ember::data::datasets::TensorDataset({split.train_x, split.train_y}),
        ember::data::DataLoaderOptions(size_t(batch_size)).shuffle(true).generator(shuffle_gen).workers(size_t(workers)));

    MLP model;
    ember::optim::Adam opt(model->parameters(), ember::optim::AdamOptions(lr));
    ember::optim::CosineAnnealingLR sched(opt, std::max(epochs, 1));
    int start = 0;
    std::vector<float> losses, accs;
    if (common.resume) {
      if (auto extra = examples::load_checkpoint(common.checkpoint, *model, opt, &sched)) {
        start = int((*extra)["epoch"].item<int64_t>());
        losses = examples::to_vector((*extra)["losses"]);
        accs = examples::to_vector((*extra)["test_acc"]);
        std::printf("resumed from %s at epoch %d\n", common.checkpoint.c_str(), start);
      }
    }

    int64_t n_params = 0;
    for (auto& p : model->parameters()) n_params += p.numel();
    std::printf("MLP on digits: %lld train / %lld test samples, %lld parameters\n", (long long)n_train,
                (long long)n_test, (long long)n_params);
    auto t0 = std::chrono::steady_clock::now();
    for (int epoch = start; epoch < epochs; ++epoch) {
      shuffle_gen->manual_seed(uint64_t(common.seed) * 1000 + uint64_t(epoch));  // the same order, resumed or not
      Progress bar("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs), int64_t(loader->size()));
      int64_t b = 0;
      double running = 0;
      for (auto& batch : *loader) {
        opt.zero_grad();
        auto loss = ember::cross_entropy(model(batch[0]), batch[1]);
        loss.backward();
        opt.step();
        double v = loss.item<double>();
        losses.push_back(float(v));
        running = b == 0 ? v : 0.9 * running + 0.1 * v;
        bar.update(++b, running, batch[0].size(0));
      }
      sched.step();
      double acc = examples::evaluate(model, split.test_x, split.test_y);
      accs.push_back(float(acc));
      char line[64];
      std::snprintf(line, sizeof line, "test acc %.2f%%", 100 * acc);
      bar.finish(line);
      nn::NamedTensors extra;
      extra.insert("epoch", examples::scalar(epoch + 1));
      extra.insert("losses", ember::tensor(losses));
      extra.insert("test_acc", ember::tensor(accs));
      examples::save_checkpoint(common.checkpoint, *model, opt, &sched, extra);
      examples::save_loss_curve(losses, examples::loss_curve_path(common.checkpoint));
    }

    double acc = examples::evaluate(model, split.test_x, split.test_y);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("test accuracy: %.2f%% (%lld samples); %.1f s; checkpoint: %s; loss curve: %s\n", acc * 100,
                (long long)n_test, secs, common.checkpoint.c_str(),
                examples::loss_curve_path(common.checkpoint).c_str());
    return 0;
  } catch (const ember::Error& e) {
    std::cerr << "mlp_digits: " << e.what() << "\n";
    return 1;
  }
}
