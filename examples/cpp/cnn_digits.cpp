// A LeNet-style CNN on the 8x8 digits that Debian's python3-sklearn ships
// (or on MNIST IDX files), with ember::nn, ember::optim, ember::data and
// ember::io: a progress bar, a checkpoint after every epoch, and --resume.
//
//   cnn_digits [--epochs N] [--resume] [--checkpoint PATH]
//              [--mnist-images F --mnist-labels F]   (IDX files, e.g. train-images-idx3-ubyte)
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <ember/data.h>
#include <ember/ember.h>
#include <ember/io.h>

#include "progress.h"

namespace nn = ember::nn;

// conv(1->16, 3x3) -> relu -> pool -> conv(16->32, 3x3) -> relu -> pool -> fc -> fc
struct LeNetImpl : nn::Module {
  explicit LeNetImpl(int64_t side)
      : nn::Module("LeNet"),
        conv1(register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 16, 3).padding({1, 1})))),
        conv2(register_module("conv2", nn::Conv2d(nn::Conv2dOptions(16, 32, 3).padding({1, 1})))),
        fc1(register_module("fc1", nn::Linear(32 * (side / 4) * (side / 4), 64))),
        fc2(register_module("fc2", nn::Linear(64, 10))) {}
  ember::Tensor forward(const ember::Tensor& x) {
    auto h = ember::max_pool2d(ember::relu(conv1(x)), {2, 2});
    h = ember::max_pool2d(ember::relu(conv2(h)), {2, 2});
    return fc2(ember::relu(fc1(h.flatten(1))));
  }
  nn::Conv2d conv1, conv2;
  nn::Linear fc1, fc2;
};
EMBER_MODULE(LeNet);

int main(int argc, char** argv) {
  int epochs = 15;
  bool resume = false;
  std::string checkpoint = "cnn_digits.safetensors", mnist_images, mnist_labels;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw ember::ValueError("missing value after " + a);
      return argv[++i];
    };
    if (a == "--epochs") epochs = std::stoi(next());
    else if (a == "--resume") resume = true;
    else if (a == "--checkpoint") checkpoint = next();
    else if (a == "--mnist-images") mnist_images = next();
    else if (a == "--mnist-labels") mnist_labels = next();
    else {
      std::cerr << "usage: cnn_digits [--epochs N] [--resume] [--checkpoint PATH] "
                   "[--mnist-images F --mnist-labels F]\n";
      return 2;
    }
  }
  try {
    ember::manual_seed(0);
    ember::Tensor images, labels;
    if (!mnist_images.empty()) {
      images = ember::data::datasets::read_idx(mnist_images).to(ember::kFloat) / 255.0;  // [N, H, W]
      labels = ember::data::datasets::read_idx(mnist_labels).to(ember::kLong);
      EMBER_CHECK(images.dim() == 3 && labels.dim() == 1 && images.size(0) == labels.size(0),
                  "cnn_digits: expected images [N, H, W] and labels [N], got ", images.sizes(), " and ",
                  labels.sizes());
    } else {
      auto digits = ember::data::datasets::read_digits_csv();
      images = (digits.data / 16.0).view({-1, 8, 8});
      labels = digits.target;
    }
    const int64_t n = images.size(0), side = images.size(1);
    images = images.unsqueeze(1);  // [N, 1, H, W]
    auto perm = ember::randperm(n);
    images = images.index_select(0, perm);
    labels = labels.index_select(0, perm);
    const int64_t n_train = n * 4 / 5;
    ember::data::datasets::TensorDataset train({images.narrow(0, 0, n_train), labels.narrow(0, 0, n_train)});
    auto test_x = images.narrow(0, n_train, n - n_train), test_y = labels.narrow(0, n_train, n - n_train);
    auto loader = ember::data::make_data_loader(
        train, ember::data::DataLoaderOptions().batch_size(64).shuffle(true).seed(1).workers(1));

    LeNet model(side);
    ember::optim::Adam opt(model->parameters(), ember::optim::AdamOptions(2e-3));
    int start = 0;
    if (resume) {
      std::ifstream probe(checkpoint);
      if (probe) {
        auto state = ember::io::load(checkpoint);
        nn::NamedTensors weights, optim_state;
        for (auto& kv : state) {
          if (kv.first.rfind("optim.", 0) == 0) optim_state.insert(kv.first.substr(6), kv.second);
          else if (kv.first != "epoch") weights.insert(kv.first, kv.second);
        }
        model->load_state_dict(weights);
        opt.load_state_dict(optim_state);
        start = int(state["epoch"].item<int64_t>());
        std::printf("resumed from %s at epoch %d\n", checkpoint.c_str(), start);
      }
    }
    const int64_t batches = (n_train + 63) / 64;
    for (int epoch = start; epoch < epochs; ++epoch) {
      model->train();
      Progress bar("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs), batches);
      int64_t b = 0;
      double running = 0;
      for (auto& batch : *loader) {
        opt.zero_grad();
        auto loss = ember::cross_entropy(model(batch[0]), batch[1]);
        loss.backward();
        opt.step();
        running = b == 0 ? loss.item<double>() : 0.9 * running + 0.1 * loss.item<double>();
        bar.update(++b, running, batch[0].size(0));
      }
      bar.finish();
      // checkpoint: weights, optimizer state and the epoch, in one safetensors file
      nn::NamedTensors state = model->state_dict();
      for (auto& kv : opt.state_dict()) state.insert("optim." + kv.first, kv.second);
      state.insert("epoch", ember::full({}, epoch + 1, ember::kLong));
      ember::io::save(state, checkpoint);
    }
    ember::NoGradGuard no_grad;
    model->eval();
    auto pred = model(test_x).argmax(1);
    double acc = (pred == test_y).to(ember::kFloat).mean().item<double>();
    std::printf("test accuracy: %.2f%% (%lld samples); checkpoint: %s\n", acc * 100, (long long)(n - n_train),
                checkpoint.c_str());
    return 0;
  } catch (const ember::Error& e) {
    std::cerr << "cnn_digits: " << e.what() << "\n";
    return 1;
  }
}
