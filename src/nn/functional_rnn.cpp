// Recurrent layers as functional ops (torch.lstm / gru / rnn_tanh /
// rnn_relu and the single-step *_cell ops): the C++ modules and the Python
// ones both call these. The cell math exists once, in the *_step functions
// below, which take the input already projected (x W_ih^T + b_ih): the
// multi-layer ops project a whole sequence with one GEMM and then call the
// step per time step; the *_cell ops project one step and call the same
// function. Autograd differentiates the unrolled steps.
#include <functional>
#include <tuple>
#include <vector>

#include "nn/nn_internal.h"
#include "ops/ops_common.h"

namespace ember {
namespace {

// ---- the cell math, on the projected input xw [N, G H]; h, c [N, H]
// i, f, g, o gates; c' = f c + i g, h' = o tanh(c')
tensor_list lstm_step(const Tensor& xw, const Tensor& h, const Tensor& c, const Tensor& w_hh, const Tensor& b_hh) {
  auto g = (xw + ember::linear(h, w_hh, b_hh)).chunk(4, -1);
  Tensor i = sigmoid(g[0]), f = sigmoid(g[1]), gg = tanh(g[2]), o = sigmoid(g[3]);
  Tensor c_new = f * c + i * gg;
  return tensor_list{o * tanh(c_new), c_new};
}

// r, z, n gates; n = tanh(x_n + r (W_hn h + b_hn)), h' = (1 - z) n + z h
Tensor gru_step(const Tensor& xw, const Tensor& h, const Tensor& w_hh, const Tensor& b_hh) {
  auto x = xw.chunk(3, -1);
  auto hw = ember::linear(h, w_hh, b_hh).chunk(3, -1);
  Tensor r = sigmoid(x[0] + hw[0]), z = sigmoid(x[1] + hw[1]);
  Tensor n = tanh(x[2] + r * hw[2]);
  return (1 - z) * n + z * h;
}

// h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act tanh or relu
Tensor rnn_step(const Tensor& xw, const Tensor& h, const Tensor& w_hh, const Tensor& b_hh, bool relu) {
  Tensor v = xw + ember::linear(h, w_hh, b_hh);
  return relu ? ember::relu(v) : tanh(v);
}

// One recurrent step: (x projection at t, state) -> new state. An LSTM's
// state is {h, c}, a GRU's {h}.
using Cell = std::function<tensor_list(const Tensor& xw, const tensor_list& state, const Tensor& w_hh,
                                       const Tensor& b_hh)>;

// packed_batch >= 0: input is packed data [sum(batch_sizes), H_in] of that
// many sequences; otherwise time-major [T, N, H_in].
void check_rnn(const char* op, const Tensor& input, const std::vector<Tensor>& params, const tensor_list& states,
               bool has_biases, int64_t num_layers, double dropout, bool bidirectional, int64_t gates,
               int64_t packed_batch = -1) {
  detail::check_defined(input, op);
  if (packed_batch >= 0)
    EMBER_CHECK(input.dim() == 2, op, ": expected packed data [sum(batch_sizes), H_in], got shape ", input.sizes());
  else
    EMBER_CHECK(input.dim() == 3, op, ": expected time-major input [T, N, H_in], got shape ", input.sizes());
  EMBER_CHECK_VALUE(num_layers > 0, op, ": num_layers must be greater than zero, got ", num_layers);
  EMBER_CHECK_VALUE(dropout >= 0 && dropout <= 1, op, ": dropout should be a number in range [0, 1], got ", dropout);
  const int64_t D = bidirectional ? 2 : 1, per = has_biases ? 4 : 2;
  EMBER_CHECK(int64_t(params.size()) == num_layers * D * per, op, ": expected ", num_layers * D * per,
              " parameter tensors (", num_layers, " layers x ", D, " directions x ", per, "), got ", params.size());
  const int64_t N = packed_batch >= 0 ? packed_batch : input.size(1), in_size = input.size(-1);
  const int64_t H = params[1].defined() && params[1].dim() == 2 ? params[1].size(1) : -1;
  EMBER_CHECK(H > 0, op, ": weight_hh must be a 2-D [", gates, " * hidden_size, hidden_size] tensor");
  if (params[0].defined() && params[0].dim() == 2)
    EMBER_CHECK(in_size == params[0].size(1), op, ": input.size(-1) must be equal to input_size. Expected ",
                params[0].size(1), ", got ", in_size);
  for (int64_t l = 0; l < num_layers; ++l) {
    const int64_t in = l == 0 ? in_size : D * H;
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

// batch_sizes as host integers, checked against data: 1-D int64 on the CPU,
// positive, non-increasing, summing to data's rows.
std::vector<int64_t> packed_batch_sizes(const char* op, const Tensor& data, const Tensor& batch_sizes) {
  detail::check_defined(batch_sizes, op);
  EMBER_CHECK(batch_sizes.dim() == 1 && batch_sizes.dtype() == kInt64 && batch_sizes.device().is_cpu(), op,
              ": batch_sizes should be a 1-D int64 CPU tensor, got shape ", batch_sizes.sizes(), ", ",
              batch_sizes.dtype(), " on ", batch_sizes.device());
  Tensor b = batch_sizes.contiguous();
  const int64_t* p = b.data_ptr<int64_t>();
  std::vector<int64_t> bs(p, p + b.numel());
  EMBER_CHECK(!bs.empty(), op, ": batch_sizes is empty (a packed batch holds at least one time step)");
  int64_t total = 0;
  for (size_t t = 0; t < bs.size(); ++t) {
    EMBER_CHECK(bs[t] > 0 && (t == 0 || bs[t] <= bs[t - 1]), op, ": batch_sizes must be positive and "
                "non-increasing, got ", bs[t], " at step ", t, t > 0 ? detail::str(" after ", bs[t - 1]) : "");
    total += bs[t];
  }
  detail::check_defined(data, op);
  EMBER_CHECK(data.dim() == 2 && data.size(0) == total, op, ": packed data must be [sum(batch_sizes) = ", total,
              ", H_in], got shape ", data.sizes());
  return bs;
}

// run_rnn over packed data. Going forward, step t advances the first bs[t]
// sequences and the rest keep the state their last step left; going
// backward (t from T - 1 down), a sequence joins from its initial state at
// its own last step. Output rows come out in data's packed order.
Tensor run_rnn_packed(const Tensor& data, const std::vector<int64_t>& bs, tensor_list& states,
                      const std::vector<Tensor>& params, bool has_biases, int64_t num_layers, double dropout,
                      bool train, bool bidirectional, const Cell& cell) {
  const int64_t T = int64_t(bs.size()), D = bidirectional ? 2 : 1, per = has_biases ? 4 : 2;
  std::vector<int64_t> offset(size_t(T), 0);
  for (int64_t t = 1; t < T; ++t) offset[size_t(t)] = offset[size_t(t - 1)] + bs[size_t(t - 1)];
  std::vector<tensor_list> finals(states.size());
  Tensor layer_input = data;
  for (int64_t l = 0; l < num_layers; ++l) {
    tensor_list outs;
    for (int64_t d = 0; d < D; ++d) {
      const Tensor* p = &params[size_t((l * D + d) * per)];
      const Tensor b_ih = has_biases ? p[2] : Tensor(), b_hh = has_biases ? p[3] : Tensor();
      Tensor xw = ember::linear(layer_input, p[0], b_ih);  // [sum(bs), G H]: every step's projection at once
      tensor_list init, state;
      for (const Tensor& s : states) init.push_back(s.select(0, l * D + d));  // [N, H] each
      tensor_list out_t(static_cast<size_t>(T));
      if (d == 0) {
        state = init;
        for (int64_t t = 0; t < T; ++t) {
          const int64_t n = bs[size_t(t)], N = state[0].size(0);
          tensor_list active;
          for (const Tensor& s : state) active.push_back(n == N ? s : s.narrow(0, 0, n));
          active = cell(xw.narrow(0, offset[size_t(t)], n), active, p[1], b_hh);
          out_t[size_t(t)] = active[0];
          for (size_t i = 0; i < state.size(); ++i)
            state[i] = n == N ? active[i] : cat({active[i], state[i].narrow(0, n, N - n)}, 0);
        }
      } else {
        for (int64_t t = T - 1; t >= 0; --t) {
          const int64_t n = bs[size_t(t)], have = state.empty() ? 0 : state[0].size(0);
          if (n > have) {
            for (size_t i = 0; i < init.size(); ++i) {
              Tensor joining = init[i].narrow(0, have, n - have);
              if (have == 0) state.push_back(joining);
              else state[i] = cat({state[i], joining}, 0);
            }
          }
          state = cell(xw.narrow(0, offset[size_t(t)], n), state, p[1], b_hh);
          out_t[size_t(t)] = state[0];
        }
      }
      outs.push_back(cat(out_t, 0));
      for (size_t i = 0; i < state.size(); ++i) finals[i].push_back(state[i]);
    }
    layer_input = D == 1 ? outs[0] : cat(outs, -1);
    if (dropout > 0 && train && l < num_layers - 1) layer_input = ember::dropout(layer_input, dropout, true);
  }
  for (size_t i = 0; i < states.size(); ++i) states[i] = stack(finals[i], 0);
  return layer_input;
}

tensor_list lstm_cell_fn(const Tensor& xw, const tensor_list& s, const Tensor& w_hh, const Tensor& b_hh) {
  return lstm_step(xw, s[0], s[1], w_hh, b_hh);
}

tensor_list gru_cell_fn(const Tensor& xw, const tensor_list& s, const Tensor& w_hh, const Tensor& b_hh) {
  return tensor_list{gru_step(xw, s[0], w_hh, b_hh)};
}

Cell elman_cell_fn(bool relu) {
  return [relu](const Tensor& xw, const tensor_list& s, const Tensor& w_hh, const Tensor& b_hh) {
    return tensor_list{rnn_step(xw, s[0], w_hh, b_hh, relu)};
  };
}

}  // namespace

std::tuple<Tensor, Tensor, Tensor> lstm(const Tensor& input, const Tensor& h0, const Tensor& c0,
                                        const std::vector<Tensor>& params, bool has_biases, int64_t num_layers,
                                        double dropout, bool train, bool bidirectional) {
  tensor_list states{h0, c0};
  check_rnn("lstm", input, params, states, has_biases, num_layers, dropout, bidirectional, 4);
  Tensor out = run_rnn(input, states, params, has_biases, num_layers, dropout, train, bidirectional,
                       [](const Tensor& xw, const tensor_list& s, const Tensor& w_hh, const Tensor& b_hh) {
                         return lstm_step(xw, s[0], s[1], w_hh, b_hh);
                       });
  return {out, states[0], states[1]};
}

std::tuple<Tensor, Tensor> gru(const Tensor& input, const Tensor& h0, const std::vector<Tensor>& params,
                               bool has_biases, int64_t num_layers, double dropout, bool train, bool bidirectional) {
  tensor_list states{h0};
  check_rnn("gru", input, params, states, has_biases, num_layers, dropout, bidirectional, 3);
  Tensor out = run_rnn(input, states, params, has_biases, num_layers, dropout, train, bidirectional,
                       [](const Tensor& xw, const tensor_list& s, const Tensor& w_hh, const Tensor& b_hh) {
                         return tensor_list{gru_step(xw, s[0], w_hh, b_hh)};
                       });
  return {out, states[0]};
}

std::tuple<Tensor, Tensor, Tensor> lstm_packed(const Tensor& data, const Tensor& batch_sizes, const std::vector<Tensor>& hx,
                                        const std::vector<Tensor>& params, bool has_biases, int64_t num_layers,
                                        double dropout, bool train, bool bidirectional) {
  const std::vector<int64_t> bs = packed_batch_sizes("lstm", data, batch_sizes);
  EMBER_CHECK(hx.size() == 2, "lstm: expected hx = (h0, c0), got ", hx.size(), " tensors");
  tensor_list states{hx[0], hx[1]};
  check_rnn("lstm", data, params, states, has_biases, num_layers, dropout, bidirectional, 4, bs[0]);
  Tensor out = run_rnn_packed(data, bs, states, params, has_biases, num_layers, dropout, train, bidirectional,
                              lstm_cell_fn);
  return {out, states[0], states[1]};
}

std::tuple<Tensor, Tensor> gru_packed(const Tensor& data, const Tensor& batch_sizes, const Tensor& hx,
                               const std::vector<Tensor>& params, bool has_biases, int64_t num_layers, double dropout,
                               bool train, bool bidirectional) {
  const std::vector<int64_t> bs = packed_batch_sizes("gru", data, batch_sizes);
  tensor_list states{hx};
  check_rnn("gru", data, params, states, has_biases, num_layers, dropout, bidirectional, 3, bs[0]);
  Tensor out = run_rnn_packed(data, bs, states, params, has_biases, num_layers, dropout, train, bidirectional,
                              gru_cell_fn);
  return {out, states[0]};
}

namespace {

std::tuple<Tensor, Tensor> elman_rnn_packed(const char* op, bool relu, const Tensor& data, const Tensor& batch_sizes,
                                            const Tensor& hx, const std::vector<Tensor>& params, bool has_biases,
                                            int64_t num_layers, double dropout, bool train, bool bidirectional) {
  const std::vector<int64_t> bs = packed_batch_sizes(op, data, batch_sizes);
  tensor_list states{hx};
  check_rnn(op, data, params, states, has_biases, num_layers, dropout, bidirectional, 1, bs[0]);
  Tensor out = run_rnn_packed(data, bs, states, params, has_biases, num_layers, dropout, train, bidirectional,
                              elman_cell_fn(relu));
  return {out, states[0]};
}

std::tuple<Tensor, Tensor> elman_rnn(const char* op, bool relu, const Tensor& input, const Tensor& h0,
                                     const std::vector<Tensor>& params, bool has_biases, int64_t num_layers,
                                     double dropout, bool train, bool bidirectional) {
  tensor_list states{h0};
  check_rnn(op, input, params, states, has_biases, num_layers, dropout, bidirectional, 1);
  Tensor out = run_rnn(input, states, params, has_biases, num_layers, dropout, train, bidirectional,
                       [relu](const Tensor& xw, const tensor_list& s, const Tensor& w_hh, const Tensor& b_hh) {
                         return tensor_list{rnn_step(xw, s[0], w_hh, b_hh, relu)};
                       });
  return {out, states[0]};
}

// Checks one cell's arguments and brings unbatched ones ([in], [H]) to a
// batch of one; an undefined state becomes zeros. Returns whether batched.
bool prepare_cell(const char* op, int64_t gates, Tensor& input, tensor_list& states, const Tensor& w_ih,
                  const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  detail::check_defined(input, op);
  detail::check_defined(w_ih, op);
  detail::check_defined(w_hh, op);
  EMBER_CHECK(input.dim() == 1 || input.dim() == 2, op, ": expected input to be 1-D [input_size] or 2-D [N, "
              "input_size], got shape ", input.sizes());
  EMBER_CHECK(w_hh.dim() == 2 && w_hh.size(0) == gates * w_hh.size(1), op, ": weight_hh must be [", gates,
              " * hidden_size, hidden_size], got ", w_hh.sizes());
  const int64_t H = w_hh.size(1);
  EMBER_CHECK(w_ih.dim() == 2 && w_ih.size(0) == gates * H, op, ": weight_ih must be [", gates * H,
              ", input_size], got ", w_ih.sizes());
  EMBER_CHECK(input.size(-1) == w_ih.size(1), op, ": input has inconsistent input_size: got ", input.size(-1),
              " (shape ", input.sizes(), "), expected ", w_ih.size(1), " (weight_ih ", w_ih.sizes(), ")");
  for (const Tensor* b : {&b_ih, &b_hh})
    if (b->defined())
      EMBER_CHECK(b->dim() == 1 && b->size(0) == gates * H, op, ": ", b == &b_ih ? "bias_ih" : "bias_hh",
                  " must be [", gates * H, "], got ", b->sizes());
  const bool batched = input.dim() == 2;
  if (!batched) input = input.unsqueeze(0);
  const int64_t N = input.size(0);
  for (size_t i = 0; i < states.size(); ++i) {
    Tensor& s = states[i];
    const char* name = states.size() == 2 ? (i == 0 ? "hx" : "cx") : "hx";
    if (!s.defined()) {
      s = zeros({N, H}, input.options());
      continue;
    }
    EMBER_CHECK(s.dim() == (batched ? 2 : 1), op, ": expected ", name, " to be ", batched ? "2-D [N, hidden_size]" : "1-D [hidden_size]",
                " for ", batched ? "batched" : "unbatched", " input of shape ", (batched ? input : input.squeeze(0)).sizes(),
                ", got shape ", s.sizes());
    if (!batched) s = s.unsqueeze(0);
    EMBER_CHECK(s.size(0) == N, op, ": input batch size ", N, " doesn't match ", name, " batch size ", s.size(0),
                " (input ", input.sizes(), ", ", name, " ", s.sizes(), ")");
    EMBER_CHECK(s.size(1) == H, op, ": ", name, " has inconsistent hidden_size: got ", s.size(1), ", expected ", H,
                " (", name, " shape ", s.sizes(), ")");
  }
  return batched;
}

Tensor elman_cell(const char* op, bool relu, const Tensor& input_in, const Tensor& hx, const Tensor& w_ih,
                  const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  Tensor input = input_in;
  tensor_list s{hx};
  const bool batched = prepare_cell(op, 1, input, s, w_ih, w_hh, b_ih, b_hh);
  Tensor h = rnn_step(ember::linear(input, w_ih, b_ih), s[0], w_hh, b_hh, relu);
  return batched ? h : h.squeeze(0);
}

}  // namespace

std::tuple<Tensor, Tensor> rnn_tanh(const Tensor& input, const Tensor& h0, const std::vector<Tensor>& params,
                                    bool has_biases, int64_t num_layers, double dropout, bool train,
                                    bool bidirectional) {
  return elman_rnn("rnn_tanh", false, input, h0, params, has_biases, num_layers, dropout, train, bidirectional);
}

std::tuple<Tensor, Tensor> rnn_relu(const Tensor& input, const Tensor& h0, const std::vector<Tensor>& params,
                                    bool has_biases, int64_t num_layers, double dropout, bool train,
                                    bool bidirectional) {
  return elman_rnn("rnn_relu", true, input, h0, params, has_biases, num_layers, dropout, train, bidirectional);
}

std::tuple<Tensor, Tensor> rnn_tanh_packed(const Tensor& data, const Tensor& batch_sizes, const Tensor& hx,
                                    const std::vector<Tensor>& params, bool has_biases, int64_t num_layers,
                                    double dropout, bool train, bool bidirectional) {
  return elman_rnn_packed("rnn_tanh", false, data, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
                          bidirectional);
}

std::tuple<Tensor, Tensor> rnn_relu_packed(const Tensor& data, const Tensor& batch_sizes, const Tensor& hx,
                                    const std::vector<Tensor>& params, bool has_biases, int64_t num_layers,
                                    double dropout, bool train, bool bidirectional) {
  return elman_rnn_packed("rnn_relu", true, data, batch_sizes, hx, params, has_biases, num_layers, dropout, train,
                          bidirectional);
}

std::tuple<Tensor, Tensor> lstm_cell(const Tensor& input_in, const Tensor& hx, const Tensor& cx, const Tensor& w_ih,
                                     const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  Tensor input = input_in;
  tensor_list s{hx, cx};
  const bool batched = prepare_cell("lstm_cell", 4, input, s, w_ih, w_hh, b_ih, b_hh);
  tensor_list r = lstm_step(ember::linear(input, w_ih, b_ih), s[0], s[1], w_hh, b_hh);
  if (!batched) return {r[0].squeeze(0), r[1].squeeze(0)};
  return {r[0], r[1]};
}

Tensor gru_cell(const Tensor& input_in, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                const Tensor& b_hh) {
  Tensor input = input_in;
  tensor_list s{hx};
  const bool batched = prepare_cell("gru_cell", 3, input, s, w_ih, w_hh, b_ih, b_hh);
  Tensor h = gru_step(ember::linear(input, w_ih, b_ih), s[0], w_hh, b_hh);
  return batched ? h : h.squeeze(0);
}

Tensor rnn_tanh_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                     const Tensor& b_hh) {
  return elman_cell("rnn_tanh_cell", false, input, hx, w_ih, w_hh, b_ih, b_hh);
}

Tensor rnn_relu_cell(const Tensor& input, const Tensor& hx, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                     const Tensor& b_hh) {
  return elman_cell("rnn_relu_cell", true, input, hx, w_ih, w_hh, b_ih, b_hh);
}

}  // namespace ember
