// A LeNet-style CNN on the 8x8 digits that Debian's python3-sklearn ships
// (or on MNIST IDX files), with ember::nn, ember::optim, ember::data and
// ember::io (the C++ twin of examples/python/cnn_digits.py): a progress bar,
// a checkpoint (model + optimizer + scheduler + epoch) after every epoch,
// --resume, and the loss curve as a CSV next to the checkpoint. ~98% on digits.
//
//   cnn_digits [--epochs 30] [--resume] [--checkpoint cnn_digits.safetensors] [--quick]
//              [--mnist-images F --mnist-labels F]   (IDX files, e.g. train-images-idx3-ubyte)
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <ember/data.h>
#include <ember/ember.h>

#include "train_classifier.h"

namespace nn = ember::nn;

// conv(1->16, 3x3) -> relu -> pool -> conv(16->32, 3x3) -> relu -> pool -> fc -> dropout -> fc
struct LeNetImpl : nn::Module {
  explicit LeNetImpl(int64_t side)
      : nn::Module("LeNet"),
        conv1(register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 16, 3).padding({1, 1})))),
        conv2(register_module("conv2", nn::Conv2d(nn::Conv2dOptions(16, 32, 3).padding({1, 1})))),
        fc1(register_module("fc1", nn::Linear(32 * (side / 4) * (side / 4), 64))),
        fc2(register_module("fc2", nn::Linear(64, 10))),
        drop(register_module("drop", nn::Dropout(0.3))) {}
  ember::Tensor forward(const ember::Tensor& x) {
    auto h = ember::max_pool2d(ember::relu(conv1(x)), {2, 2});
    h = ember::max_pool2d(ember::relu(conv2(h)), {2, 2});
    return fc2(drop(ember::relu(fc1(h.flatten(1)))));
  }
  nn::Conv2d conv1, conv2;
  nn::Linear fc1, fc2;
  nn::Dropout drop;
};
EMBER_MODULE(LeNet);

int main(int argc, char** argv) {
  std::optional<int> epochs_arg;
  int64_t batch_size = 32;
  double lr = 3e-3;
  int64_t workers = 1;
  std::string mnist_images, mnist_labels;
  examples::CommonArgs common;
  examples::ArgParser parser("cnn_digits", "A LeNet-style CNN on the 8x8 digits or on MNIST IDX files.");
  parser.option("--epochs", &epochs_arg, "epochs (default 30; 2 with --quick)")
      .option("--batch-size", &batch_size, "batch size")
      .option("--lr", &lr, "Adam learning rate (cosine-annealed per epoch)")
      .option("--workers", &workers, "DataLoader background threads")
      .option("--mnist-images", &mnist_images, "IDX images file (e.g. train-images-idx3-ubyte)")
      .option("--mnist-labels", &mnist_labels, "IDX labels file (e.g. train-labels-idx1-ubyte)");
  examples::add_common_args(parser, common, "cnn_digits.safetensors");
  parser.parse(argc, argv);
  const int epochs = epochs_arg.value_or(common.quick ? 2 : 30);
  if (mnist_images.empty() != mnist_labels.empty()) {
    std::cerr << "cnn_digits: --mnist-images and --mnist-labels go together\n";
    return 2;
  }
  if (common.threads > 0) ember::set_num_threads(common.threads);

  try {
    ember::manual_seed(uint64_t(common.seed));
    ember::Tensor images, labels;
    std::string source = "digits";
    if (!mnist_images.empty()) {
      images = ember::data::datasets::read_idx(mnist_images).to(ember::kFloat) / 255.0;  // [N, H, W]
      labels = ember::data::datasets::read_idx(mnist_labels).to(ember::kLong);
      EMBER_CHECK(images.dim() == 3 && labels.dim() == 1 && images.size(0) == labels.size(0),
                  "cnn_digits: expected images [N, H, W] and labels [N], got ", images.sizes(), " and ",
                  labels.sizes());
      source = "MNIST IDX " + mnist_images.substr(mnist_images.find_last_of('/') + 1);
    } else {
      auto digits = ember::data::datasets::read_digits_csv();
      images = (digits.data / 16.0).view({-1, 8, 8});
      labels = digits.target;
    }
    const int64_t side = images.size(1);
    images = images.unsqueeze(1);  // [N, 1, H, W]
    if (common.quick && images.size(0) > 256) {
      auto part = examples::random_split(images, labels, 256, 1);
      images = part.test_x, labels = part.test_y;
    }
    auto split = examples::random_split(images, labels, images.size(0) / 5, uint64_t(common.seed));
    const int64_t n_train = split.train_x.size(0), n_test = split.test_x.size(0);
    auto shuffle_gen = std::make_shared<ember::Generator>();
    auto loader = examples::make_train_loader(split, batch_size, workers, shuffle_gen);

    LeNet model(side);
    ember::optim::Adam opt(model->parameters(), ember::optim::AdamOptions(lr));
    ember::optim::CosineAnnealingLR sched(opt, std::max(epochs, 1));
    int64_t n_params = 0;
    for (auto& p : model->parameters()) n_params += p.numel();
    std::printf("LeNet on %s (%lldx%lld): %lld train / %lld test samples, %lld parameters\n", source.c_str(),
                (long long)side, (long long)side, (long long)n_train, (long long)n_test, (long long)n_params);
    examples::train_classifier(model, opt, sched, *loader, *shuffle_gen, split, common, epochs);
    return 0;
  } catch (const ember::Error& e) {
    std::cerr << "cnn_digits: " << e.what() << "\n";
    return 1;
  }
}
