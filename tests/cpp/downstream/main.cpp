// A downstream program built against an installed ember with
// find_package(ember): tensors, autograd, a module, an optimizer.
#include <ember/ember.h>

#include <iostream>

struct NetImpl : ember::nn::Module {
  NetImpl() : fc1(register_module("fc1", ember::nn::Linear(4, 8))), fc2(register_module("fc2", ember::nn::Linear(8, 3))) {}
  ember::Tensor forward(const ember::Tensor& x) { return fc2(ember::relu(fc1(x))); }
  ember::nn::Linear fc1, fc2;
};
EMBER_MODULE(Net);

int main() {
  auto x = ember::ones({2, 2}, ember::requires_grad());
  auto y = (x * x).sum();
  y.backward();
  std::cout << x.grad() << std::endl;
  if (x.grad().sum().item<float>() != 8.0f) return 1;

  ember::manual_seed(0);
  Net net;
  ember::optim::SGD opt(net->parameters(), ember::optim::SGDOptions(0.1).momentum(0.9));
  auto inputs = ember::randn({16, 4});
  auto targets = ember::randint(0, 3, {16});
  double first = 0, last = 0;
  for (int step = 0; step < 50; ++step) {
    opt.zero_grad();
    auto loss = ember::cross_entropy(net(inputs), targets);
    loss.backward();
    opt.step();
    (step == 0 ? first : last) = loss.item<double>();
  }
  std::cout << "loss " << first << " -> " << last << std::endl;
  return last < first ? 0 : 1;
}
