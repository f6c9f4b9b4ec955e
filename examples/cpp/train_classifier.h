#pragma once

// The epoch loop the two digit classifiers (mlp_digits, cnn_digits) share:
// cross-entropy steps under a progress bar, then per epoch a scheduler step,
// a test evaluation and a checkpoint holding the losses and accuracies so
// far; at the end, the accuracy line.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <ember/data.h>
#include <ember/ember.h>

#include "example_utils.h"
#include "progress.h"

namespace examples {

/// The training rows of `split` in shuffled batches, drawn from `shuffle_gen`
/// (which train_classifier reseeds every epoch).
inline auto make_train_loader(const Split& split, int64_t batch_size, int64_t workers,
                              std::shared_ptr<ember::Generator> shuffle_gen) {
  return ember::data::make_data_loader(
      ember::data::datasets::TensorDataset({split.train_x, split.train_y}),
      ember::data::DataLoaderOptions(size_t(batch_size)).shuffle(true).generator(std::move(shuffle_gen)).workers(
          size_t(workers)));
}

/// With --resume, first restores the model, optimizer, scheduler and history
/// from the checkpoint when there is one.
template <typename Model, typename Loader>
void train_classifier(Model& model, ember::optim::Optimizer& opt, ember::optim::LRScheduler& sched, Loader& loader,
                      ember::Generator& shuffle_gen, const Split& split, const CommonArgs& common, int epochs) {
  int start = 0;
  std::vector<float> losses, accs;
  if (common.resume) {
    if (auto extra = load_checkpoint(common.checkpoint, *model, opt, &sched)) {
      start = int((*extra)["epoch"].template item<int64_t>());
      losses = to_vector((*extra)["losses"]);
      accs = to_vector((*extra)["test_acc"]);
      std::printf("resumed from %s at epoch %d\n", common.checkpoint.c_str(), start);
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  for (int epoch = start; epoch < epochs; ++epoch) {
    shuffle_gen.manual_seed(uint64_t(common.seed) * 1000 + uint64_t(epoch));  // the same order, resumed or not
    Progress bar("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs), int64_t(loader.size()));
    int64_t b = 0;
    double running = 0;
    for (auto& batch : loader) {
      opt.zero_grad();
      ember::Tensor loss = ember::cross_entropy(model(batch[0]), batch[1]);
      loss.backward();
      opt.step();
      double v = loss.item<double>();
      losses.push_back(float(v));
      running = b == 0 ? v : 0.9 * running + 0.1 * v;
      bar.update(++b, running, batch[0].size(0));
    }
    sched.step();
    double acc = evaluate(model, split.test_x, split.test_y);
    accs.push_back(float(acc));
    char line[64];
    std::snprintf(line, sizeof line, "test acc %.2f%%", 100 * acc);
    bar.finish(line);
    ember::nn::NamedTensors extra;
    extra.insert("epoch", scalar(epoch + 1));
    extra.insert("losses", ember::tensor(losses));
    extra.insert("test_acc", ember::tensor(accs));
    save_checkpoint(common.checkpoint, *model, opt, &sched, extra);
    save_loss_curve(losses, loss_curve_path(common.checkpoint));
  }
  double acc = evaluate(model, split.test_x, split.test_y);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("test accuracy: %.2f%% (%lld samples); %.1f s; checkpoint: %s; loss curve: %s\n", acc * 100,
              (long long)split.test_x.size(0), secs, common.checkpoint.c_str(), loss_curve_path(common.checkpoint).c_str());
}

}  // namespace examples
