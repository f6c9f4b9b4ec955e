"""ember.nn.utils.rnn against torch's."""
import pytest

import ember
import ember.nn as nn
from test_nn import close, e_from

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_sequence_matches_torch(batch_first):
    seqs = [torch.randn(n, 3, requires_grad=True) for n in (4, 1, 6)]
    eseqs = [e_from(s, True) for s in seqs]
    t = torch.nn.utils.rnn.pad_sequence(seqs, batch_first=batch_first, padding_value=-1.0)
    e = nn.utils.rnn.pad_sequence(eseqs, batch_first=batch_first, padding_value=-1.0)
    close(e, t)
    g = torch.randn(t.shape)
    t.backward(g)
    e.backward(e_from(g))
    for es, ts in zip(eseqs, seqs):
        close(es.grad, ts.grad)
    back = nn.utils.rnn.unpad_sequence(e, [4, 1, 6], batch_first=batch_first)
    assert [b.shape[0] for b in back] == [4, 1, 6]
    with pytest.raises(RuntimeError, match="every sequence must be"):
        nn.utils.rnn.pad_sequence([ember.zeros(2, 3), ember.zeros(2, 4)])


# ------------------------------------------------------------------ packed sequences

from test_nn import copy_weights  # noqa: E402


def _padded(lengths, features=3, batch_first=True, seed=0):
    g = torch.Generator().manual_seed(seed)
    T, B = max(lengths), len(lengths)
    x = torch.randn((B, T, features) if batch_first else (T, B, features), generator=g)
    return x


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_and_pad_roundtrip_match_torch(batch_first, enforce_sorted):
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    x = _padded(lengths, batch_first=batch_first).requires_grad_(True)
    ex = e_from(x, True)
    tp = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
    ep = nn.utils.rnn.pack_padded_sequence(ex, ember.tensor(lengths), batch_first=batch_first,
                                           enforce_sorted=enforce_sorted)
    assert isinstance(ep, nn.utils.rnn.PackedSequence) and isinstance(ep, tuple)
    close(ep.data, tp.data)
    assert ep.batch_sizes.tolist() == tp.batch_sizes.tolist() and ep.batch_sizes.dtype == ember.int64
    for e, t in ((ep.sorted_indices, tp.sorted_indices), (ep.unsorted_indices, tp.unsorted_indices)):
        assert (e is None and t is None) or e.tolist() == t.tolist()
    tpad, tlen = torch.nn.utils.rnn.pad_packed_sequence(tp, batch_first=batch_first, padding_value=-2.0,
                                                        total_length=7)
    epad, elen = nn.utils.rnn.pad_packed_sequence(ep, batch_first=batch_first, padding_value=-2.0, total_length=7)
    close(epad, tpad)
    assert elen.tolist() == tlen.tolist() and elen.dtype == ember.int64
    g = torch.randn(tpad.shape)
    tpad.backward(g)
    epad.backward(e_from(g))
    close(ex.grad, x.grad)


def test_pack_sequence_and_unpack_sequence():
    seqs = [torch.randn(n, 2) for n in (2, 4, 1)]
    tp = torch.nn.utils.rnn.pack_sequence(seqs, enforce_sorted=False)
    ep = nn.utils.rnn.pack_sequence([e_from(s) for s in seqs], enforce_sorted=False)
    close(ep.data, tp.data)
    assert ep.batch_sizes.tolist() == tp.batch_sizes.tolist()
    back = nn.utils.rnn.unpack_sequence(ep)
    assert [b.shape[0] for b in back] == [2, 4, 1]
    for b, s in zip(back, seqs):
        close(b, s)
    assert ep.to(ember.float64).data.dtype == ember.float64 and not ep.is_cuda


def test_pack_padded_sequence_errors():
    x = ember.zeros(3, 5, 2)
    pack = nn.utils.rnn.pack_padded_sequence
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order when `enforce_sorted` is True"):
        pack(x, [2, 5, 1], batch_first=True)
    with pytest.raises(RuntimeError, match="Length of all samples has to be greater than 0"):
        pack(x, [5, 0, 2], batch_first=True, enforce_sorted=False)
    with pytest.raises(RuntimeError, match="Expected `len\\(lengths\\)` to be equal to batch_size, but got 2"):
        pack(x, [5, 3], batch_first=True)
    with pytest.raises(RuntimeError, match="1D CPU int64 tensor"):
        pack(x, ember.tensor([[5, 3, 1]]), batch_first=True)
    if ember.__name__ == "ember":  # torch 1.13 reads past the input instead
        with pytest.raises(RuntimeError, match="the longest length is 6 but the input has only 5 time steps"):
            pack(x, [6, 3, 1], batch_first=True)
    p = pack(x, [5, 3, 1], batch_first=True)
    with pytest.raises(ValueError, match="total_length=3 and max sequence length being 5"):
        nn.utils.rnn.pad_packed_sequence(p, total_length=3)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN", "RNN_relu"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_rnn_on_packed_sequence_matches_torch(kind, bidirectional):
    """The modules on a PackedSequence: packed output, final states per sequence (at its own last step), given
    initial states in the caller's order, gradients of inputs and weights."""
    cls = kind.split("_")[0]
    kw = {"nonlinearity": "relu"} if kind == "RNN_relu" else {}
    tmod = getattr(torch.nn, cls)(3, 4, num_layers=2, batch_first=True, bidirectional=bidirectional, **kw)
    emod = getattr(nn, cls)(3, 4, num_layers=2, batch_first=True, bidirectional=bidirectional, **kw)
    copy_weights(tmod, emod)
    lengths = [3, 5, 1, 3]
    x = _padded(lengths).requires_grad_(True)
    ex = e_from(x, True)
    D = 2 if bidirectional else 1
    h0 = torch.randn(2 * D, 4, 4, requires_grad=True)
    eh0 = e_from(h0, True)
    thx, ehx = (h0, eh0) if cls != "LSTM" else ((h0, h0 * 0.5), (eh0, eh0 * 0.5))
    tp = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    ep = nn.utils.rnn.pack_padded_sequence(ex, lengths, batch_first=True, enforce_sorted=False)
    tout, th = tmod(tp, thx)
    eout, eh = emod(ep, ehx)
    assert isinstance(eout, nn.utils.rnn.PackedSequence)
    close(eout.data, tout.data, what="packed output")
    assert eout.batch_sizes.tolist() == tout.batch_sizes.tolist()
    assert eout.unsorted_indices.tolist() == tout.unsorted_indices.tolist()
    ths, ehs = (th, eh) if cls == "LSTM" else ((th,), (eh,))
    for e, t in zip(ehs, ths):
        close(e, t, what="final state")
    tpad, _ = torch.nn.utils.rnn.pad_packed_sequence(tout, batch_first=True)
    epad, _ = nn.utils.rnn.pad_packed_sequence(eout, batch_first=True)
    w = torch.randn(tpad.shape)
    (tpad * w).sum().add(sum((t * t).sum() for t in ths)).backward()
    (epad * e_from(w)).sum().add(sum((e * e).sum() for e in ehs)).backward()
    close(ex.grad, x.grad, what="input grad")
    close(eh0.grad, h0.grad, what="h0 grad")
    for (n, tp_), (_, ep_) in zip(tmod.named_parameters(), emod.named_parameters()):
        close(ep_.grad, tp_.grad, what=n)


def test_packed_rnn_functional_errors():
    if not hasattr(ember._C._nn, "rnn_tanh_packed"):
        pytest.skip("ember's functional packed RNN")
    w = [ember.zeros(4, 3), ember.zeros(4, 4)]
    data = ember.zeros(4, 3)
    with pytest.raises(RuntimeError, match="rnn_tanh: batch_sizes must be positive and non-increasing, got 3 at "
                                           "step 1 after 1"):
        ember._C._nn.rnn_tanh_packed(data, ember.tensor([1, 3]), ember.zeros(1, 1, 4), w, False, 1, 0.0, False, False)
    with pytest.raises(RuntimeError, match="rnn_tanh: packed data must be \\[sum\\(batch_sizes\\) = 3, H_in\\], got "
                                           "shape \\[4, 3\\]"):
        ember._C._nn.rnn_tanh_packed(data, ember.tensor([2, 1]), ember.zeros(1, 2, 4), w, False, 1, 0.0, False, False)
    with pytest.raises(RuntimeError, match="expected hidden state of size \\(1, 2, 4\\), got \\[1, 3, 4\\]"):
        ember._C._nn.rnn_tanh_packed(data, ember.tensor([2, 2]), ember.zeros(1, 3, 4), w, False, 1, 0.0, False, False)
