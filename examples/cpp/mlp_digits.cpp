// A 64-128-128-10 MLP on the 8x8 digits that Debian's python3-sklearn ships,
// with ember::nn, ember::optim, ember::data and ember::io (the C++ twin of
// examples/python/mlp_digits.py): a progress bar, a checkpoint (model +
// optimizer + scheduler + epoch) after every epoch, --resume, and the loss
// curve as a CSV next to the checkpoint. Reaches ~97% test accuracy.
//
//   mlp_digits [--epochs 30] [--resume] [--checkpoint mlp_digits.safetensors] [--quick]
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <ember/data.h>
#include <ember/ember.h>

#include "train_classifier.h"

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
    auto loader = examples::make_train_loader(split, batch_size, workers, shuffle_gen);

    MLP model;
    ember::optim::Adam opt(model->parameters(), ember::optim::AdamOptions(lr));
    ember::optim::CosineAnnealingLR sched(opt, std::max(epochs, 1));
    int64_t n_params = 0;
    for (auto& p : model->parameters()) n_params += p.numel();
    std::printf("MLP on digits: %lld train / %lld test samples, %lld parameters\n", (long long)n_train,
                (long long)n_test, (long long)n_params);
    examples::train_classifier(model, opt, sched, *loader, *shuffle_gen, split, common, epochs);
    return 0;
  } catch (const ember::Error& e) {
    std::cerr << "mlp_digits: " << e.what() << "\n";
    return 1;
  }
}
