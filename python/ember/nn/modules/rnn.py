"""LSTM and GRU with torch's parameter names (weight_ih_l0, ...) and gate order; the time loop is Python."""
import math

from ... import _C
from .. import init
from .. import _functional_impl as F
from ..parameter import Parameter
from .module import Module


class RNNBase(Module):
    _gates = 1

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = 0
        num_directions = 2 if bidirectional else 1
        gate_size = self._gates * hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else hidden_size * num_directions
                suffix = "_reverse" if direction == 1 else ""
                names = ["weight_ih_l{}{}", "weight_hh_l{}{}"]
                shapes = [(gate_size, layer_input_size), (gate_size, hidden_size)]
                if bias:
                    names += ["bias_ih_l{}{}", "bias_hh_l{}{}"]
                    shapes += [(gate_size,), (gate_size,)]
                for name, shape in zip(names, shapes):
                    name = name.format(layer, suffix)
                    setattr(self, name, Parameter(_C.empty(shape, dtype=dtype, device=device)))
                    self._flat_weights_names.append(name)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _weights(self, layer, direction):
        suffix = "_reverse" if direction == 1 else ""
        w_ih = getattr(self, "weight_ih_l{}{}".format(layer, suffix))
        w_hh = getattr(self, "weight_hh_l{}{}".format(layer, suffix))
        b_ih = getattr(self, "bias_ih_l{}{}".format(layer, suffix)) if self.bias else None
        b_hh = getattr(self, "bias_hh_l{}{}".format(layer, suffix)) if self.bias else None
        return w_ih, w_hh, b_ih, b_hh

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    def _run(self, input, hx, cell, has_c):
        """input [L, N, H_in]; hx: list of per-(layer, direction) states; returns output, new states."""
        num_directions = 2 if self.bidirectional else 1
        seq_len = input.shape[0]
        layer_input = input
        new_states = []
        for layer in range(self.num_layers):
            outs = []
            for direction in range(num_directions):
                idx = layer * num_directions + direction
                w_ih, w_hh, b_ih, b_hh = self._weights(layer, direction)
                state = hx[idx]
                # input projection for all time steps at once
                xw = F.linear(layer_input, w_ih, b_ih)
                steps = range(seq_len - 1, -1, -1) if direction == 1 else range(seq_len)
                out_t = [None] * seq_len
                for t in steps:
                    state = cell(xw[t], state, w_hh, b_hh)
                    out_t[t] = state[0] if has_c else state
                outs.append(_C.stack(out_t, 0))
                new_states.append(state)
            layer_input = outs[0] if num_directions == 1 else _C.cat(outs, -1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, new_states

    def _prepare(self, input):
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        return input, batched

    def _finish(self, output, batched):
        if not batched:
            return output.squeeze(1)
        if self.batch_first:
            return output.transpose(0, 1)
        return output


class LSTM(RNNBase):
    """Gates i, f, g, o (torch's order)."""

    _gates = 4

    def forward(self, input, hx=None):
        input, batched = self._prepare(input)
        num_directions = 2 if self.bidirectional else 1
        n = input.shape[1]
        nl = self.num_layers * num_directions
        if hx is None:
            z = _C.zeros((nl, n, self.hidden_size), dtype=input.dtype)
            h0, c0 = z, z
        else:
            h0, c0 = hx
            if not batched:
                h0, c0 = h0.unsqueeze(1), c0.unsqueeze(1)
        states = [(h0[i], c0[i]) for i in range(nl)]

        def cell(xw, state, w_hh, b_hh):
            h, c = state
            gates = xw + F.linear(h, w_hh, b_hh)
            i, f, g, o = gates.chunk(4, -1)
            i, f, g, o = _C.sigmoid(i), _C.sigmoid(f), _C.tanh(g), _C.sigmoid(o)
            c = f * c + i * g
            h = o * _C.tanh(c)
            return h, c

        output, new = self._run(input, states, cell, True)
        h_n = _C.stack([s[0] for s in new], 0)
        c_n = _C.stack([s[1] for s in new], 0)
        if not batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._finish(output, batched), (h_n, c_n)


class GRU(RNNBase):
    """Gates r, z, n (torch's order); n uses r * (W_hn h + b_hn)."""

    _gates = 3

    def forward(self, input, hx=None):
        input, batched = self._prepare(input)
        num_directions = 2 if self.bidirectional else 1
        n = input.shape[1]
        nl = self.num_layers * num_directions
        if hx is None:
            hx = _C.zeros((nl, n, self.hidden_size), dtype=input.dtype)
        elif not batched:
            hx = hx.unsqueeze(1)
        states = [hx[i] for i in range(nl)]

        def cell(xw, h, w_hh, b_hh):
            hw = F.linear(h, w_hh, b_hh)
            x_r, x_z, x_n = xw.chunk(3, -1)
            h_r, h_z, h_n = hw.chunk(3, -1)
            r = _C.sigmoid(x_r + h_r)
            z = _C.sigmoid(x_z + h_z)
            nn_ = _C.tanh(x_n + r * h_n)
            return (1 - z) * nn_ + z * h

        output, new = self._run(input, states, cell, False)
        h_n = _C.stack(new, 0)
        if not batched:
            h_n = h_n.squeeze(1)
        return self._finish(output, batched), h_n
