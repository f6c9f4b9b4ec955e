// Trains a 64-128-10 MLP on the 8x8 digits that Debian's python3-sklearn
// ships, with raw ember ops, autograd and a hand-written SGD loop.
//
//   mlp_digits [--epochs N] [--data PATH/digits.csv.gz]
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <ember/ember.h>

namespace {

const char* kDefaultData = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

// Reads "p0,...,p63,label" rows from a gzip'd CSV.
bool load_digits(const std::string& path, std::vector<float>& pixels, std::vector<int64_t>& labels) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return false;
  std::string text;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) text.append(buf, size_t(n));
  gzclose(f);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::istringstream cells(line);
    std::string cell;
    std::vector<float> row;
    while (std::getline(cells, cell, ',')) row.push_back(std::stof(cell));
    if (row.size() != 65) return false;
    pixels.insert(pixels.end(), row.begin(), row.begin() + 64);
    labels.push_back(int64_t(row[64]));
  }
  return !labels.empty();
}

}  // namespace

int main(int argc, char** argv) {
  int epochs = 60;
  std::string data = kDefaultData;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--epochs" && i + 1 < argc) epochs = std::stoi(argv[++i]);
    else if (a == "--data" && i + 1 < argc) data = argv[++i];
    else {
      std::cerr << "usage: mlp_digits [--epochs N] [--data digits.csv.gz]\n";
      return 2;
    }
  }
  std::vector<float> pixels;
  std::vector<int64_t> labels;
  if (!load_digits(data, pixels, labels)) {
    std::cerr << "mlp_digits: cannot read " << data << " (install python3-sklearn)\n";
    return 1;
  }
  const int64_t n = int64_t(labels.size());
  ember::manual_seed(0);
  auto X = ember::from_blob_copy(pixels.data(), {n, 64}, ember::kFloat) / 16.0;
  auto Y = ember::from_blob_copy(labels.data(), {n}, ember::kLong);
  auto perm = ember::randperm(n);
  X = ember::index_select(X, 0, perm);
  Y = ember::index_select(Y, 0, perm);
  const int64_t n_train = n * 4 / 5;
  auto Xtr = X.narrow(0, 0, n_train), Ytr = Y.narrow(0, 0, n_train);
  auto Xte = X.narrow(0, n_train, n - n_train), Yte = Y.narrow(0, n_train, n - n_train);

  // He-style init, as torch.nn.Linear's bound 1/sqrt(fan_in)
  auto W1 = (ember::rand({64, 128}) * 2 - 1) / std::sqrt(64.0);
  auto b1 = ember::zeros({128});
  auto W2 = (ember::rand({128, 10}) * 2 - 1) / std::sqrt(128.0);
  auto b2 = ember::zeros({10});
  std::vector<ember::Tensor> params = {W1, b1, W2, b2};
  for (auto& p : params) p.requires_grad_();

  auto forward = [&](const ember::Tensor& x) { return ember::matmul(ember::relu(ember::matmul(x, W1) + b1), W2) + b2; };
  const int64_t batch = 64;
  const double lr = 0.1;
  auto t0 = std::chrono::steady_clock::now();
  for (int epoch = 0; epoch < epochs; ++epoch) {
    auto order = ember::randperm(n_train);
    double total = 0;
    int64_t steps = 0;
    for (int64_t s = 0; s < n_train; s += batch) {
      auto idx = order.narrow(0, s, std::min(batch, n_train - s));
      auto xb = ember::index_select(Xtr, 0, idx), yb = ember::index_select(Ytr, 0, idx);
      auto logp = ember::log_softmax(forward(xb), 1);
      // negative log-likelihood of the true class
      auto loss = -ember::gather(logp, 1, yb.unsqueeze(1)).mean();
      for (auto& p : params) p.mutable_grad() = ember::Tensor();
      loss.backward();
      {
        ember::NoGradGuard no_grad;
        for (auto& p : params) p.sub_(p.grad() * lr);
      }
      total += loss.item<double>();
      ++steps;
    }
    if (epoch % 10 == 0 || epoch == epochs - 1) {
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("epoch %3d  loss %.4f  (%.1f samples/s)\n", epoch, total / double(steps),
                  double(n_train) * (epoch + 1) / secs);
    }
  }
  ember::NoGradGuard no_grad;
  auto pred = ember::argmax(forward(Xte), 1);
  double acc = (pred == Yte).to(ember::kFloat).mean().item<double>();
  std::printf("test accuracy: %.2f%% (%lld samples)\n", acc * 100, (long long)(n - n_train));
  return 0;
}
