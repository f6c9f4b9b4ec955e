// Recurrent layers as functional ops (torch.lstm / torch.gru): the C++
// modules and the Python ones both call these, so the cell math exists once.
// Each (layer, direction) projects its whole input sequence with one GEMM,
// then steps through time with the small recurrent product; autograd
// differentiates the unrolled steps.
#include <functional>
#include <tuple>
#include <vector>

#include "nn/nn_internal.h"
#include "ops/ops_common.h"

namespace ember {
namespace {

// One recurrent step: (x projection at t, state) -> new state. An LSTM's
// state is {h, c}, a GRU's {h}.
using Cell = std::function<tensor_list(const Tensor& xw, const tensor_list& state, const Tensor& w_hh,
                                       const Tensor& b_hh)>;

void check_rnn(const char* op, const Tensor& input, const std::vector<Tensor>& params, const tensor_list& states,
               bool has_biases, int64_t num_layers, double dropout, bool bidirectional, int64_t gates) {
  detail::check_defined(input, op);
  EMBER_CHECK(input.dim() == 3, op, ": expected time-major input [T, N, H_in], got shape ", input.sizes());
  EMBER_CHECK_VALUE(num_layers > 0, op, ": num_layers must be greater than zero, got ", num_layers);
  EMBER_CHECK_VALUE(dropout >= 0 && dropout <= 1, op, ": dropout should be a number in range [0, 1], got ", dropout);
  const int64_t D = bidirectional ? 2 : 1, per = has_biases ? 4 : 2;
  EMBER_CHECK(int64_t(params.size()) == num_layers * D * per, op, ": expected ", num_layers * D * per,
              " parameter tensors (", num_layers, " layers x ", D, " directions x ", per, "), got ", params.size());
  const int64_t N = input.size(1);
  const int64_t H = params[1].defined() && params[1].dim() == 2 ? params[1].size(1) : -1;
  EMBER_CHECK(H > 0, op, ": weight_hh must be a 2-D [", gates, " * hidden_size, hidden_size] tensor");
  if (params[0].defined() && params[0].dim() == 2)
    EMBER_CHECK(input.size(2) == params[0].size(1), op, ": input.size(-1) must be equal to input_size. Expected ",
                params[0].size(1), ", got ", input.size(2));
  for (int64_t l = 0; l < num_layers; ++l) {
    const int64_t in = l == 0 ? input.size(2) : D * H;
    for (int64_t d = 0; d < D; ++d) {
      const Tensor* p = &params[size_t((l * D + d) * per)];
      const std::string where = detail::str(" of layer ", l, d ? " (reverse)" : "");
      EMBER_CHECK(p[0].defined() && p[0].dim() == 2 && p[0].size(0) == gates * H && p[0].size(1) == in, op,
                  ": weight_ih", where, " must be [", gates * H, ", ", in, "], got ",
                  p[0].defined() ? p[0].sizes() : IntArrayRef());
      EMBER_CHECK(p[1].defined() && p[1].dim() == 2 && p[1].size(0) == gates * H && p[1].size(1) == H, op,
                  ": weight_hh", where, " must be [", gates * H, ", ", H, "], got ",
                  p[1].defined() ? p[1].sizes() : IntArrayRef());
      for (int b = 2; b < per; ++b)
        EMBER_CHECK(p[b].defined() && p[b].dim() == 1 && p[b].size(0) == gates * H, op, ": ",
                    b == 2 ? "bias_ih" : "bias_hh", where, " must be [", gates * H, "], got ",
                    p[b].defined() ? p[b].sizes() : IntArrayRef());
    }
  }
  for (const Tensor& s : states)
    EMBER_CHECK(s.defined() && s.dim() == 3 && s.size(0) == num_layers * D && s.size(1) == N && s.size(2) == H, op,
                ": expected hidden state of size (", num_layers * D, ", ", N, ", ", H, "), got ",
                s.defined() ? s.sizes() : IntArrayRef());
}

// Runs every layer and direction; `states` holds the initial states
// ([L * D, N, H] each) and returns the final ones stacked the same way.
Tensor run_rnn(const Tensor& input, tensor_list& states, const std::vector<Tensor>& params, bool has_biases,
               int64_t num_layers, double dropout, bool train, bool bidirectional, const Cell& cell) {
  const int64_t T = input.size(0), N = input.size(1), D = bidirectional ? 2 : 1, per = has_biases ? 4 : 2;
  const int64_t H = params[1].size(1);
  std::vector<tensor_list> finals(states.size());
  Tensor layer_input = input;
  for (int64_t l = 0; l < num_layers; ++l) {
    tensor_list outs;
    for (int64_t d = 0; d < D; ++d) {
      const Tensor* p = &params[size_t((l * D + d) * per)];
      const Tensor b_ih = has_biases ? p[2] : Tensor(), b_hh = has_biases ? p[3] : Tensor();
      Tensor xw = ember::linear(layer_input, p[0], b_ih);  // [T, N, G H]: every step's input projection at once
      tensor_list state;
      for (const Tensor& s : states) state.push_back(s.select(0, l * D + d));
      tensor_list out_t(static_cast<size_t>(T));
      for (int64_t k = 0; k < T; ++k) {
        const int64_t t = d == 1 ? T - 1 - k : k;
        state = cell(xw.select(0, t), state, p[1], b_hh);
        out_t[size_t(t)] = state[0];
      }
      outs.push_back(T > 0 ? stack(out_t, 0) : zeros({0, N, H}, input.options()));
      for (size_t i = 0; i < state.size(); ++i) finals[i].push_back(state[i]);
    }
    layer_input = D == 1 ? outs[0] : cat(outs, -1);
    if (dropout > 0 && train && l < num_layers - 1) layer_input = ember::dropout(layer_input, dropout, true);
  }
  for (size_t i = 0; i < states.size(); ++i) states[i] = stack(finals[i], 0);
  return layer_input;
}

}  // namespace

std::tuple<Tensor, Tensor, Tensor> lstm(const Tensor& input, const Tensor& h0, const Tensor& c0,
                                        const std::vector<Tensor>& params, bool has_biases, int64_t num_layers,
                                        double dropout, bool train, bool bidirectional) {
  tensor_list states{h0, c0};
  check_rnn("lstm", input, params, states, has_biases, num_layers, dropout, bidirectional, 4);
  Tensor out = run_rnn(input, states, params, has_biases, num_layers, dropout, train, bidirectional,
                       [](const Tensor& xw, const tensor_list& s, const Tensor& w_hh, const Tensor& b_hh) {
                         auto g = (xw + ember::linear(s[0], w_hh, b_hh)).chunk(4, -1);
                         Tensor i = sigmoid(g[0]), f = sigmoid(g[1]), gg = tanh(g[2]), o = sigmoid(g[3]);
                         Tensor c = f * s[1] + i * gg;
                         return tensor_list{o * tanh(c), c};
                       });
  return {out, states[0], states[1]};
}

std::tuple<Tensor, Tensor> gru(const Tensor& input, const Tensor& h0, const std::vector<Tensor>& params,
                               bool has_biases, int64_t num_layers, double dropout, bool train, bool bidirectional) {
  tensor_list states{h0};
  check_rnn("gru", input, params, states, has_biases, num_layers, dropout, bidirectional, 3);
  Tensor out = run_rnn(input, states, params, has_biases, num_layers, dropout, train, bidirectional,
                       [](const Tensor& xw, const tensor_list& s, const Tensor& w_hh, const Tensor& b_hh) {
                         auto x = xw.chunk(3, -1);
                         auto hw = ember::linear(s[0], w_hh, b_hh).chunk(3, -1);
                         Tensor r = sigmoid(x[0] + hw[0]), z = sigmoid(x[1] + hw[1]);
                         Tensor n = tanh(x[2] + r * hw[2]);
                         return tensor_list{(1 - z) * n + z * s[0]};
                       });
  return {out, states[0]};
}

}  // namespace ember
