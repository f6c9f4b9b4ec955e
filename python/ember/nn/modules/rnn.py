"""RNN, LSTM, GRU and their single-step cells with torch's parameter names (weight_ih_l0, ...; weight_ih,
...) and gate order; the math is the C++ functionals ember._C._nn.lstm / gru / rnn_tanh / rnn_relu and
lstm_cell / gru_cell / rnn_tanh_cell / rnn_relu_cell, shared with the C++ modules."""
import math

from ... import _C
from .. import init
from ..utils.rnn import PackedSequence
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

    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    def _initial_state(self, given, batched, batch, dtype):
        num_directions = 2 if self.bidirectional else 1
        if given is None:
            return _C.zeros((self.num_layers * num_directions, batch, self.hidden_size), dtype=dtype)
        return given if batched else given.unsqueeze(1)

    def _prepare(self, input):
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        return input, batched

    def _packed_state(self, given, packed, dtype):
        """The initial state for a PackedSequence: zeros, or the caller's (batch in the caller's order) moved to
        the packed (sorted) order."""
        if given is None:
            return self._initial_state(None, True, int(packed.batch_sizes[0]), dtype)
        if packed.sorted_indices is not None:
            given = given.index_select(1, packed.sorted_indices)
        return given

    @staticmethod
    def _unsort(h, packed):
        return h if packed.unsorted_indices is None else h.index_select(1, packed.unsorted_indices)

    def _finish(self, output, batched):
        if not batched:
            return output.squeeze(1)
        if self.batch_first:
            return output.transpose(0, 1)
        return output


class RNN(RNNBase):
    """Elman RNN: h' = tanh or relu of (W_ih x + b_ih + W_hh h + b_hh). nonlinearity is keyword-only, as torch's."""

    _gates = 1

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity not in ("tanh", "relu"):
            raise ValueError("Unknown nonlinearity '{}'".format(self.nonlinearity))
        super().__init__(*args, **kwargs)

    def forward(self, input, hx=None):
        if isinstance(input, PackedSequence):
            fn = _C._nn.rnn_tanh_packed if self.nonlinearity == "tanh" else _C._nn.rnn_relu_packed
            h0 = self._packed_state(hx, input, input.data.dtype)
            output, h_n = fn(input.data, input.batch_sizes, h0, self._flat_weights(), self.bias, self.num_layers,
                             self.dropout, self.training, self.bidirectional)
            return input._replace(data=output), self._unsort(h_n, input)
        input, batched = self._prepare(input)
        h0 = self._initial_state(hx, batched, input.shape[1], input.dtype)
        fn = _C._nn.rnn_tanh if self.nonlinearity == "tanh" else _C._nn.rnn_relu
        output, h_n = fn(input, h0, self._flat_weights(), self.bias, self.num_layers, self.dropout, self.training,
                         self.bidirectional)
        if not batched:
            h_n = h_n.squeeze(1)
        return self._finish(output, batched), h_n


class LSTM(RNNBase):
    """Gates i, f, g, o (torch's order)."""

    _gates = 4

    def forward(self, input, hx=None):
        if isinstance(input, PackedSequence):
            h0, c0 = (None, None) if hx is None else hx
            h0 = self._packed_state(h0, input, input.data.dtype)
            c0 = self._packed_state(c0, input, input.data.dtype)
            output, h_n, c_n = _C._nn.lstm_packed(input.data, input.batch_sizes, [h0, c0], self._flat_weights(),
                                                  self.bias, self.num_layers, self.dropout, self.training,
                                                  self.bidirectional)
            return input._replace(data=output), (self._unsort(h_n, input), self._unsort(c_n, input))
        input, batched = self._prepare(input)
        n = input.shape[1]
        h0, c0 = (None, None) if hx is None else hx
        h0 = self._initial_state(h0, batched, n, input.dtype)
        c0 = self._initial_state(c0, batched, n, input.dtype)
        output, h_n, c_n = _C._nn.lstm(input, h0, c0, self._flat_weights(), self.bias, self.num_layers,
                                       self.dropout, self.training, self.bidirectional)
        if not batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._finish(output, batched), (h_n, c_n)


class GRU(RNNBase):
    """Gates r, z, n (torch's order); n uses r * (W_hn h + b_hn)."""

    _gates = 3

    def forward(self, input, hx=None):
        if isinstance(input, PackedSequence):
            h0 = self._packed_state(hx, input, input.data.dtype)
            output, h_n = _C._nn.gru_packed(input.data, input.batch_sizes, h0, self._flat_weights(), self.bias,
                                            self.num_layers, self.dropout, self.training, self.bidirectional)
            return input._replace(data=output), self._unsort(h_n, input)
        input, batched = self._prepare(input)
        h0 = self._initial_state(hx, batched, input.shape[1], input.dtype)
        output, h_n = _C._nn.gru(input, h0, self._flat_weights(), self.bias, self.num_layers, self.dropout,
                                 self.training, self.bidirectional)
        if not batched:
            h_n = h_n.squeeze(1)
        return self._finish(output, batched), h_n


class RNNCellBase(Module):
    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(_C.empty((num_chunks * hidden_size, input_size), dtype=dtype, device=device))
        self.weight_hh = Parameter(_C.empty((num_chunks * hidden_size, hidden_size), dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(_C.empty((num_chunks * hidden_size,), dtype=dtype, device=device))
            self.bias_hh = Parameter(_C.empty((num_chunks * hidden_size,), dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)


class RNNCell(RNNCellBase):
    """One step of RNN; input [N, input_size] or unbatched [input_size], hx the same shape with hidden_size."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity == "tanh":
            fn = _C._nn.rnn_tanh_cell
        elif self.nonlinearity == "relu":
            fn = _C._nn.rnn_relu_cell
        else:
            raise RuntimeError("Unknown nonlinearity: {}".format(self.nonlinearity))
        return fn(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class LSTMCell(RNNCellBase):
    """One step of LSTM: forward(input, (h, c) or None) -> (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return _C._nn.lstm_cell(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class GRUCell(RNNCellBase):
    """One step of GRU: forward(input, h or None) -> h'."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return _C._nn.gru_cell(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
