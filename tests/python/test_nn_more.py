"""More ember.nn against torch 1.13: RNN and the recurrent cells, 1-D pooling, Upsample, Dropout2d.
Same weights (copied through state_dict), same inputs; outputs, gradients, errors."""
import numpy as np
import pytest

import ember
nn = ember.nn
F = ember.nn.functional

torch = pytest.importorskip("torch")
tnn = torch.nn
tF = torch.nn.functional


from test_nn import copy_weights, e_from, to_np  # noqa: E402


def close(a, b, atol=1e-5, rtol=1e-4, what=""):
    np.testing.assert_allclose(to_np(a).astype(np.float64), to_np(b).astype(np.float64), atol=atol, rtol=rtol,
                               err_msg=what)


def check_grads(tins, eins, tout, eout, tmod=None, emod=None, atol=1e-4):
    """Backpropagates the same random cotangents through both outputs (tuples allowed) and compares grads."""
    touts = tout if isinstance(tout, (tuple, list)) else (tout,)
    eouts = eout if isinstance(eout, (tuple, list)) else (eout,)
    tloss, eloss = 0, 0
    for t, e in zip(touts, eouts):
        g = torch.randn(t.shape)
        tloss = tloss + (t * g).sum()
        eloss = eloss + (e * e_from(g)).sum()
    tloss.backward()
    eloss.backward()
    for t, e in zip(tins, eins):
        close(e.grad, t.grad, atol=atol, what="input grad")
    if tmod is not None:
        eparams = dict(emod.named_parameters())
        for name, p in tmod.named_parameters():
            close(eparams[name].grad, p.grad, atol=atol, what="grad of " + name)


# ---------------------------------------------------------------- RNN
@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("kw", [dict(), dict(num_layers=2, batch_first=True), dict(bidirectional=True),
                                dict(num_layers=2, bidirectional=True, bias=False)])
def test_rnn_matches_torch(nonlinearity, kw):
    torch.manual_seed(0)
    t = tnn.RNN(3, 5, nonlinearity=nonlinearity, **kw)
    e = nn.RNN(3, 5, nonlinearity=nonlinearity, **kw)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [tuple(v.shape) for v in e.state_dict().values()] == [tuple(v.shape) for v in t.state_dict().values()]
    assert repr(e) == repr(t)
    copy_weights(t, e)
    x = torch.randn(4, 2, 3, requires_grad=True)
    ex = e_from(x, True)
    to, th = t(x)
    eo, eh = e(ex)
    close(eo, to)
    close(eh, th)
    check_grads([x], [ex], (to, th), (eo, eh), t, e)


def test_rnn_given_state_unbatched_and_errors():
    torch.manual_seed(1)
    t, e = tnn.RNN(3, 4, 2, nonlinearity="relu"), nn.RNN(3, 4, 2, nonlinearity="relu")
    copy_weights(t, e)
    x, h = torch.randn(5, 2, 3), torch.randn(2, 2, 4)
    to, th = t(x, h)
    eo, eh = e(e_from(x), e_from(h))
    close(eo, to)
    close(eh, th)
    to, th = t(x[:, 0], h[:, 0])
    eo, eh = e(e_from(x[:, 0]), e_from(h[:, 0]))
    assert tuple(eo.shape) == (5, 4) and tuple(eh.shape) == (2, 4)
    close(eo, to)
    close(eh, th)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="proj_size"):
        nn.RNN(3, 4, proj_size=2)
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size"):
        e(ember.randn(5, 2, 7))
    with pytest.raises(RuntimeError, match="hidden state of size \\(2, 2, 4\\), got \\[1, 2, 4\\]"):
        e(e_from(x), ember.zeros(1, 2, 4))


def test_rnn_functional_ops():
    torch.manual_seed(2)
    t = tnn.RNN(3, 4, bidirectional=True)
    params = [e_from(p) for p in t._flat_weights]
    x, h = torch.randn(5, 2, 3), torch.randn(2, 2, 4)
    for name in ("rnn_tanh", "rnn_relu"):
        to, th = getattr(torch, name)(x, h, t._flat_weights, True, 1, 0.0, False, True, False)
        eo, eh = getattr(ember._C._nn, name)(e_from(x), e_from(h), params, True, 1, 0.0, False, True)
        close(eo, to)
        close(eh, th)
    with pytest.raises(RuntimeError, match="rnn_tanh: bias_ih of layer 0 must be \\[4\\], got \\[5\\]"):
        ember._C._nn.rnn_tanh(ember.randn(5, 2, 3), e_from(h), params[:2] + [ember.zeros(5)] + params[3:], True, 1,
                              0.0, False, True)


# ---------------------------------------------------------------- cells
CELLS = [("RNNCell", dict()), ("RNNCell", dict(nonlinearity="relu")), ("RNNCell", dict(bias=False)),
         ("LSTMCell", dict()), ("LSTMCell", dict(bias=False)), ("GRUCell", dict()), ("GRUCell", dict(bias=False))]


@pytest.mark.parametrize("cls,kw", CELLS)
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("given", [True, False])
def test_cells_match_torch(cls, kw, batched, given):
    torch.manual_seed(3)
    t, e = getattr(tnn, cls)(3, 5, **kw), getattr(nn, cls)(3, 5, **kw)
    assert list(e.state_dict()) == list(t.state_dict())
    assert repr(e) == repr(t)
    copy_weights(t, e)
    shape = (4,) if batched else ()
    x = torch.randn(*shape, 3, requires_grad=True)
    ex = e_from(x, True)
    tins, eins = [x], [ex]
    if given:
        hs = [torch.randn(*shape, 5, requires_grad=True) for _ in range(2 if cls == "LSTMCell" else 1)]
        ehs = [e_from(v, True) for v in hs]
        tins, eins = tins + hs, eins + ehs
        thx, ehx = (tuple(hs), tuple(ehs)) if cls == "LSTMCell" else (hs[0], ehs[0])
        tout, eout = t(x, thx), e(ex, ehx)
    else:
        tout, eout = t(x), e(ex)
    if cls == "LSTMCell":
        assert tuple(eout[0].shape) == tuple(tout[0].shape) and tuple(eout[1].shape) == tuple(tout[1].shape)
        close(eout[0], tout[0])
        close(eout[1], tout[1])
    else:
        assert tuple(eout.shape) == tuple(tout.shape)
        close(eout, tout)
    check_grads(tins, eins, tout, eout, t, e)


def test_cell_sequence_equals_layer():
    # stepping LSTMCell with an LSTM's weights gives the LSTM's output
    torch.manual_seed(4)
    lstm, cell = nn.LSTM(3, 4), nn.LSTMCell(3, 4)
    cell.load_state_dict({k[:-3]: v for k, v in lstm.state_dict().items()})
    x = ember.randn(6, 2, 3)
    out, (h_n, c_n) = lstm(x)
    h, c = None, None
    for step in range(6):
        h, c = cell(x[step], None if h is None else (h, c))
        close(h, out[step], atol=1e-6)
    close(c, c_n[0], atol=1e-6)


def test_cell_errors():
    e = nn.GRUCell(3, 4)
    with pytest.raises(RuntimeError, match="gru_cell: expected input to be 1-D .* got shape \\[1, 2, 3\\]"):
        e(ember.randn(1, 2, 3))
    with pytest.raises(RuntimeError, match="gru_cell: input has inconsistent input_size: got 5 \\(shape \\[2, 5\\]\\)"):
        e(ember.randn(2, 5))
    with pytest.raises(RuntimeError, match="gru_cell: input batch size 2 doesn't match hx batch size 3"):
        e(ember.randn(2, 3), ember.randn(3, 4))
    with pytest.raises(RuntimeError, match="gru_cell: hx has inconsistent hidden_size: got 6, expected 4"):
        e(ember.randn(2, 3), ember.randn(2, 6))
    with pytest.raises(RuntimeError, match="lstm_cell: expected cx to be 1-D"):
        nn.LSTMCell(3, 4)(ember.randn(3), (ember.randn(4), ember.randn(1, 4)))
    with pytest.raises(RuntimeError, match="Unknown nonlinearity"):
        nn.RNNCell(3, 4, nonlinearity="gelu")(ember.randn(3))


# ---------------------------------------------------------------- 1-D pooling
POOL_CASES = [
    ("max_pool1d", dict(kernel_size=3)),
    ("max_pool1d", dict(kernel_size=3, stride=2, padding=1)),
    ("max_pool1d", dict(kernel_size=2, stride=1, dilation=2, ceil_mode=True)),
    ("max_pool1d", dict(kernel_size=3, stride=2, ceil_mode=True)),
    ("avg_pool1d", dict(kernel_size=3)),
    ("avg_pool1d", dict(kernel_size=3, stride=2, padding=1)),
    ("avg_pool1d", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ("avg_pool1d", dict(kernel_size=2, stride=3, ceil_mode=True)),
    ("adaptive_avg_pool1d", dict(output_size=3)),
    ("adaptive_avg_pool1d", dict(output_size=4)),
    ("adaptive_avg_pool1d", dict(output_size=1)),
]


@pytest.mark.parametrize("name,kw", POOL_CASES)
@pytest.mark.parametrize("shape", [(2, 3, 9), (3, 10)])
def test_pool1d_functional_matches_torch(name, kw, shape):
    torch.manual_seed(5)
    x = torch.randn(*shape, requires_grad=True)
    ex = e_from(x, True)
    tout = getattr(tF, name)(x, **kw)
    eout = getattr(F, name)(ex, **kw)
    assert tuple(eout.shape) == tuple(tout.shape)
    close(eout, tout, atol=1e-6)
    check_grads([x], [ex], tout, eout, atol=1e-6)


def test_max_pool1d_indices():
    x = torch.randn(2, 3, 11)
    tout, tidx = tF.max_pool1d(x, 3, 2, 1, return_indices=True)
    eout, eidx = F.max_pool1d(e_from(x), 3, 2, 1, return_indices=True)
    close(eout, tout)
    np.testing.assert_array_equal(to_np(eidx), to_np(tidx))
    _, eidx2 = F.max_pool1d_with_indices(e_from(x), 3, 2, 1)
    np.testing.assert_array_equal(to_np(eidx2), to_np(tidx))


@pytest.mark.parametrize("cls,args,kw", [("MaxPool1d", (3,), dict(stride=2, padding=1)),
                                         ("MaxPool1d", (2,), dict(ceil_mode=True)),
                                         ("AvgPool1d", (3,), dict(stride=1, padding=1, count_include_pad=False)),
                                         ("AvgPool1d", (4,), dict()),
                                         ("AdaptiveAvgPool1d", (5,), dict())])
def test_pool1d_modules_match_torch(cls, args, kw):
    t, e = getattr(tnn, cls)(*args, **kw), getattr(nn, cls)(*args, **kw)
    assert repr(e) == repr(t)
    x = torch.randn(2, 3, 13, requires_grad=True)
    ex = e_from(x, True)
    tout, eout = t(x), e(ex)
    close(eout, tout, atol=1e-6)
    check_grads([x], [ex], tout, eout, atol=1e-6)


def test_pool1d_errors():
    with pytest.raises(RuntimeError, match="max_pool1d: expected 2-D .* got shape \\[1, 2, 3, 4\\]"):
        F.max_pool1d(ember.randn(1, 2, 3, 4), 2)
    with pytest.raises(RuntimeError, match="avg_pool1d: pad should be at most half of the kernel size, got padding 2 "
                                           "and kernel_size 3"):
        F.avg_pool1d(ember.randn(1, 2, 8), 3, padding=2)
    with pytest.raises(RuntimeError, match="max_pool1d: output size 0 is too small \\(input shape \\[1, 2, 2\\]"):
        F.max_pool1d(ember.randn(1, 2, 2), 3)
    with pytest.raises(RuntimeError, match="max_pool1d: kernel_size must be a single int, got \\[2, 2\\]"):
        F.max_pool1d(ember.randn(1, 2, 8), (2, 2))
    with pytest.raises(RuntimeError, match="adaptive_avg_pool1d: expected 2-D .* got shape \\[4\\]"):
        F.adaptive_avg_pool1d(ember.randn(4), 2)


# ---------------------------------------------------------------- Upsample
@pytest.mark.parametrize("shape,kw", [((1, 2, 3, 4), dict(scale_factor=2)),
                                      ((1, 2, 3, 4), dict(size=(5, 7))),
                                      ((1, 2, 3, 4), dict(scale_factor=1.5, mode="bilinear")),
                                      ((1, 2, 3, 4), dict(size=(5, 6), mode="bilinear", align_corners=True)),
                                      ((1, 2, 3, 4), dict(scale_factor=(2, 3), mode="bilinear", align_corners=False)),
                                      ((2, 3, 5), dict(scale_factor=2, mode="linear")),
                                      ((2, 3, 5), dict(size=8)),
                                      ((1, 2, 3, 4), dict(scale_factor=1.7, mode="bilinear",
                                                          recompute_scale_factor=True))])
def test_upsample_matches_torch(shape, kw):
    t, e = tnn.Upsample(**kw), nn.Upsample(**kw)
    assert repr(e) == repr(t)
    x = torch.randn(*shape, requires_grad=True)
    ex = e_from(x, True)
    tout, eout = t(x), e(ex)
    assert tuple(eout.shape) == tuple(tout.shape)
    close(eout, tout, atol=1e-5)
    check_grads([x], [ex], tout, eout, atol=1e-5)


def test_upsample_errors():
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        nn.Upsample(size=4, scale_factor=2)(ember.randn(1, 1, 3, 3))
    with pytest.raises(ValueError, match="either size or scale_factor"):
        nn.Upsample()(ember.randn(1, 1, 3, 3))


# ---------------------------------------------------------------- Dropout2d
@pytest.mark.parametrize("shape", [(8, 16, 5, 5), (8, 16, 7)])
def test_dropout2d_zeroes_whole_channels(shape):
    ember.manual_seed(0)
    p = 0.4
    m = nn.Dropout2d(p)
    assert repr(m) == repr(tnn.Dropout2d(p))
    x = ember.randn(*shape).abs() + 0.1
    x.requires_grad_(True)
    y = m(x)
    yn, xn = to_np(y), to_np(x)
    kept = (yn != 0).reshape(shape[0], shape[1], -1)
    # each (n, c) channel is all kept or all dropped; kept ones scaled by 1/(1-p)
    assert np.all(kept.all(-1) | (~kept).all(-1))
    keep = kept.all(-1)
    assert 0.3 < keep.mean() < 0.9
    scaled = (xn / (1 - p)).reshape(shape[0], shape[1], -1)
    np.testing.assert_allclose(yn.reshape(shape[0], shape[1], -1)[keep], scaled[keep], rtol=1e-6)
    g = ember.randn(*shape)
    (y * g).sum().backward()
    mask = keep.reshape(shape[:2] + (1,) * (len(shape) - 2)) / (1 - p)
    np.testing.assert_allclose(to_np(x.grad), to_np(g) * mask, rtol=1e-6)
    # eval: identity; p = 0 and p = 1
    m.eval()
    assert m(x) is x or np.array_equal(to_np(m(x)), xn)
    assert np.array_equal(to_np(F.dropout2d(x, 0.0)), xn)
    assert not to_np(F.dropout2d(x, 1.0)).any()


def test_dropout2d_functional_and_errors():
    x = ember.ones(2, 3, 4, 4)
    y = F.dropout2d(x, 0.5, training=False)
    assert np.array_equal(to_np(y), to_np(x))
    z = ember.ones(2, 3, 4, 4)
    r = F.dropout2d(z, 0.5, True, inplace=True)
    assert r is z and set(np.unique(to_np(z))) <= {0.0, 2.0}
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        nn.Dropout2d(1.5)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        F.dropout2d(x, -0.1)
    with pytest.raises(RuntimeError, match="dropout2d: feature dropout requires at least 2 dimensions .* "
                                           "got shape \\[5\\]"):
        F.dropout2d(ember.ones(5), 0.5)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cross_entropy_one_node_matches_torch(reduction, dtype):
    """cross_entropy of [N, C] logits with class targets is one autograd node: loss and grads vs torch,
    ignored rows, a [C] input, and a second derivative (create_graph takes the composed formula)."""
    rng = np.random.default_rng(5)
    for shape, ignore in [((64, 10), -100), ((7, 3), 1), ((5, 1), -100)]:
        x = (rng.standard_normal(shape) * 3).astype(dtype)
        t = rng.integers(0, shape[1], shape[0])
        t[0] = ignore if ignore >= 0 else -100
        ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        el = F.cross_entropy(ex, ember.tensor(t), reduction=reduction, ignore_index=ignore)
        tl = tF.cross_entropy(tx, torch.tensor(t), reduction=reduction, ignore_index=ignore)
        close(el, tl, atol=1e-6, rtol=1e-6, what=str(shape))
        g = rng.standard_normal(tuple(tl.shape)).astype(dtype)
        el.backward(ember.tensor(g))
        tl.backward(torch.tensor(g))
        close(ex.grad, tx.grad, atol=1e-6, rtol=1e-6, what=str(shape))
    x1 = ember.randn(5, dtype=ember.float64, requires_grad=True)
    t1 = ember.tensor(2)
    assert ember.autograd.gradcheck(lambda a: F.cross_entropy(a, t1, reduction=reduction), (x1,))
    x2 = ember.randn(6, 4, dtype=ember.float64, requires_grad=True)
    t2 = ember.tensor([0, 3, -100, 1, 2, 2])
    assert ember.autograd.gradgradcheck(lambda a: F.cross_entropy(a, t2, reduction=reduction), (x2,))
    with pytest.raises(IndexError, match="cross_entropy: target 4 is out of bounds"):
        F.cross_entropy(ember.randn(3, 4), ember.tensor([0, 4, 1]))
