#include <ember/ember.h>

#include <iostream>

int main() {
  auto x = ember::ones({2, 2}, ember::requires_grad());
  auto y = (x * x).sum();
  y.backward();
  std::cout << x.grad() << std::endl;
  return x.grad().sum().item<float>() == 8.0f ? 0 : 1;
}
