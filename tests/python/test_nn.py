"""ember.nn against torch 1.13: same weights (copied through state_dict), same inputs;
outputs, gradients, state_dict keys, error messages, Module behaviour."""
import copy
import math
from collections import OrderedDict

import numpy as np
import pytest

import ember
nn = ember.nn
F = ember.nn.functional

torch = pytest.importorskip("torch")
tnn = torch.nn


def to_np(t):
    return t.detach().cpu().numpy()


def e_from(t, requires_grad=False):
    """An ember tensor with torch tensor t's values."""
    x = ember.tensor(to_np(t))
    return x.requires_grad_(True) if requires_grad else x


def copy_weights(tmod, emod):
    sd = OrderedDict((k, e_from(v)) for k, v in tmod.state_dict().items())
    emod.load_state_dict(sd)


def close(a, b, atol=1e-5, rtol=1e-4, what=""):
    np.testing.assert_allclose(to_np(a).astype(np.float64), to_np(b).astype(np.float64), atol=atol, rtol=rtol,
                               err_msg=what)


def check_module(tmod, emod, *shapes, int_inputs=None, atol=1e-5, rtol=1e-4, train=False, extra_args=(),
                 check_grads=True):
    """Copies tmod's weights into emod, runs both on the same inputs, compares outputs, input and weight grads."""
    copy_weights(tmod, emod)
    tmod.train(train)
    emod.train(train)
    tins = []
    for s in shapes:
        if isinstance(s, torch.Tensor):
            tins.append(s)
        else:
            tins.append(torch.randn(*s, dtype=torch.float32, requires_grad=True))
    eins = [e_from(t, t.requires_grad) for t in tins]
    tout = tmod(*tins, *extra_args)
    eout = emod(*eins, *extra_args)
    if isinstance(tout, tuple):
        tout, eout = tout[0], eout[0]
    close(eout, tout, atol, rtol, "forward")
    if not check_grads:
        return tout, eout
    g = torch.randn(tout.shape)
    tout.backward(g)
    eout.backward(e_from(g))
    for t, e in zip(tins, eins):
        if t.requires_grad:
            close(e.grad, t.grad, atol, rtol, "input grad")
    tp = dict(tmod.named_parameters())
    for name, p in emod.named_parameters():
        if tp[name].grad is not None:
            close(p.grad, tp[name].grad, atol, rtol, "grad of " + name)
    return tout, eout


# ---------------------------------------------------------------- Parameter / Module basics
def test_parameter_is_tensor_subclass():
    p = nn.Parameter(ember.randn(2, 3))
    assert isinstance(p, nn.Parameter) and isinstance(p, ember.Tensor)
    assert p.requires_grad and p.is_leaf
    q = nn.Parameter(ember.zeros(2), requires_grad=False)
    assert not q.requires_grad
    assert repr(p).startswith("Parameter containing:\ntensor(")
    y = (p * 2).sum()
    y.backward()
    close(p.grad, torch.full((2, 3), 2.0))
    with ember.no_grad():
        assert p.add_(0) is p


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(8 * 2 * 2, 16), nn.ReLU(), nn.Dropout(0.5),
                                nn.Linear(16, 10))
        self.register_buffer("scale", ember.ones(1))
        self.register_buffer("tmp", ember.zeros(1), persistent=False)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = F.relu(self.conv2(x))
        return self.fc(x) * self.scale


class TNet(tnn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = tnn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = tnn.BatchNorm2d(4)
        self.pool = tnn.MaxPool2d(2)
        self.conv2 = tnn.Conv2d(4, 8, 3)
        self.fc = tnn.Sequential(tnn.Flatten(), tnn.Linear(8 * 2 * 2, 16), tnn.ReLU(), tnn.Dropout(0.5),
                                 tnn.Linear(16, 10))
        self.register_buffer("scale", torch.ones(1))
        self.register_buffer("tmp", torch.zeros(1), persistent=False)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn1(self.conv1(x))))
        x = torch.relu(self.conv2(x))
        return self.fc(x) * self.scale


def test_cnn_state_dict_keys_and_forward():
    t, e = TNet(), Net()
    assert list(e.state_dict().keys()) == list(t.state_dict().keys())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]
    for k, v in t.state_dict().items():
        assert tuple(e.state_dict()[k].shape) == tuple(v.shape), k
    check_module(t, e, (2, 1, 8, 8), train=False)
    # train mode: batch statistics and running stats update (dropout off to compare)
    t.fc[3].p = 0.0
    e.fc[3].p = 0.0
    check_module(t, e, (2, 1, 8, 8), train=True)
    close(e.bn1.running_mean, t.bn1.running_mean)
    close(e.bn1.running_var, t.bn1.running_var)
    assert int(e.bn1.num_batches_tracked.item()) == int(t.bn1.num_batches_tracked.item())


def test_repr_matches_torch():
    assert repr(Net()) == repr(TNet()).replace("TNet", "Net")
    assert repr(nn.Conv2d(3, 8, (3, 5), stride=2, padding="same" if False else 1, bias=False)) == \
        repr(tnn.Conv2d(3, 8, (3, 5), stride=2, padding=1, bias=False))
    assert repr(nn.LayerNorm(4)) == repr(tnn.LayerNorm(4))
    assert repr(nn.Embedding(10, 3, padding_idx=0)) == repr(tnn.Embedding(10, 3, padding_idx=0))


def test_setattr_registration_and_delattr():
    m = nn.Module()
    m.w = nn.Parameter(ember.ones(2))
    m.sub = nn.Linear(2, 2)
    m.plain = ember.ones(1)
    assert [n for n, _ in m.named_parameters()] == ["w", "sub.weight", "sub.bias"]
    assert "plain" not in m.state_dict()
    with pytest.raises(TypeError):
        m.w = ember.ones(2)  # a plain tensor cannot replace a parameter
    m.w = None
    assert m.w is None and [n for n, _ in m.named_parameters()] == ["sub.weight", "sub.bias"]
    del m.sub
    assert list(m.named_parameters()) == []
    with pytest.raises(AttributeError):
        m.nothing


def test_shared_parameters_deduplicated():
    lin = nn.Linear(3, 3)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    assert list(seq.state_dict().keys()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_train_eval_apply_zero_grad():
    m = Net()
    m.eval()
    assert all(not x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())
    names = []
    m.apply(lambda mod: names.append(type(mod).__name__))
    assert names[-1] == "Net" and names[0] == "Conv2d"
    out = m(ember.randn(2, 1, 8, 8)).sum()
    out.backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in m.parameters())
    m.zero_grad(set_to_none=True)
    assert all(p.grad is None for p in m.parameters())


def test_to_double_keeps_parameter_identity():
    m = nn.Linear(3, 2)
    w = m.weight
    m.double()
    assert m.weight is w and w.dtype == ember.float64 and isinstance(w, nn.Parameter)
    y = m(ember.randn(4, 3, dtype=ember.float64))
    assert y.dtype == ember.float64
    m.to(ember.float32)
    assert m.weight.dtype == ember.float32
    bn = nn.BatchNorm1d(3).double()
    assert bn.running_mean.dtype == ember.float64 and bn.num_batches_tracked.dtype == ember.int64


def test_hooks():
    m = nn.Linear(2, 2)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, inp: calls.append("pre") or (inp[0] * 0,))
    h2 = m.register_forward_hook(lambda mod, inp, out: calls.append("post") or out + 1)
    y = m(ember.ones(1, 2))
    assert calls == ["pre", "post"]
    close(y, torch.tensor(to_np(m.bias)).reshape(1, 2) + 1)
    h1.remove()
    h2.remove()
    calls.clear()
    m(ember.ones(1, 2))
    assert calls == []


def test_load_state_dict_errors_match_torch():
    t, e = TNet(), Net()
    sd = {k: e_from(v) for k, v in t.state_dict().items()}
    del sd["conv1.bias"]
    sd["extra.weight"] = ember.zeros(1)
    sd["fc.1.weight"] = ember.zeros(3, 3)
    tsd = {k: torch.tensor(to_np(v)) for k, v in sd.items()}
    with pytest.raises(RuntimeError) as te:
        t.load_state_dict(tsd)
    with pytest.raises(RuntimeError) as ee:
        e.load_state_dict(sd)
    if ember is not torch:  # (EMBER_TEST_WITH_TORCH runs torch for both)
        assert str(ee.value) == str(te.value).replace("torch.Size", "ember.Size").replace("TNet", "Net")
    tsd = {k: v for k, v in TNet().state_dict().items() if k != "scale"}
    tsd["junk"] = torch.zeros(1)
    tr = t.load_state_dict(tsd, strict=False)
    r = e.load_state_dict({k: e_from(v) for k, v in tsd.items()}, strict=False)
    assert r.missing_keys == tr.missing_keys == ["scale"] and r.unexpected_keys == tr.unexpected_keys == ["junk"]
    r = e.load_state_dict({k: e_from(v) for k, v in TNet().state_dict().items()})
    assert r.missing_keys == [] and r.unexpected_keys == []


# ---------------------------------------------------------------- layers
@pytest.mark.parametrize("bias", [True, False])
def test_linear(bias):
    check_module(tnn.Linear(5, 3, bias=bias), nn.Linear(5, 3, bias=bias), (4, 5))
    check_module(tnn.Linear(5, 3), nn.Linear(5, 3), (2, 4, 5))


def test_bilinear():
    check_module(tnn.Bilinear(3, 4, 2), nn.Bilinear(3, 4, 2), (5, 3), (5, 4))


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1), dict(padding="same", dilation=2),
                                dict(groups=2, padding=(1, 2), bias=False), dict(padding="valid")])
def test_conv2d(kw):
    check_module(tnn.Conv2d(4, 6, 3, **kw), nn.Conv2d(4, 6, 3, **kw), (2, 4, 9, 8), atol=1e-4)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=2, dilation=2), dict(bias=False)])
def test_conv2d_larger_images(kw):
    check_module(tnn.Conv2d(3, 5, 5, **kw), nn.Conv2d(3, 5, 5, **kw), (7, 3, 70, 66), atol=2e-3, rtol=1e-3)


def test_conv2d_double_backward_matches_torch():
    t, e = tnn.Conv2d(2, 3, 3, padding=1), nn.Conv2d(2, 3, 3, padding=1)
    copy_weights(t, e)
    x = torch.randn(2, 2, 5, 5, requires_grad=True)
    ex = e_from(x, True)
    (tg,) = torch.autograd.grad(t(x).pow(2).sum(), x, create_graph=True)
    (eg,) = ember.autograd.grad(e(ex).pow(2).sum(), ex, create_graph=True)
    close(eg, tg, atol=1e-4)
    tg.pow(2).sum().backward()
    eg.pow(2).sum().backward()
    close(ex.grad, x.grad, atol=1e-3)
    close(e.weight.grad, t.weight.grad, atol=1e-3)


def test_conv2d_padding_mode_reflect():
    check_module(tnn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"),
                 nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"), (1, 2, 6, 6), atol=1e-4)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1), dict(padding="same"), dict(groups=2)])
def test_conv1d(kw):
    check_module(tnn.Conv1d(4, 6, 3, **kw), nn.Conv1d(4, 6, 3, **kw), (2, 4, 11), atol=1e-4)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1, output_padding=1), dict(groups=2, dilation=2)])
def test_conv_transpose2d(kw):
    check_module(tnn.ConvTranspose2d(4, 6, 3, **kw), nn.ConvTranspose2d(4, 6, 3, **kw), (2, 4, 5, 6), atol=1e-4)


def test_pools():
    check_module(tnn.MaxPool2d(2), nn.MaxPool2d(2), (2, 3, 8, 8))
    check_module(tnn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
                 nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), (2, 3, 9, 9))
    check_module(tnn.AvgPool2d(3, stride=2, padding=1), nn.AvgPool2d(3, stride=2, padding=1), (2, 3, 9, 9))
    check_module(tnn.AvgPool2d(2, count_include_pad=False, padding=1),
                 nn.AvgPool2d(2, count_include_pad=False, padding=1), (2, 3, 7, 7))
    check_module(tnn.AdaptiveAvgPool2d((3, 2)), nn.AdaptiveAvgPool2d((3, 2)), (2, 3, 7, 5))
    check_module(tnn.AdaptiveAvgPool2d(1), nn.AdaptiveAvgPool2d(1), (2, 3, 7, 5))
    x = torch.randn(1, 2, 6, 6)
    to_, ti = torch.nn.functional.max_pool2d(x, 2, return_indices=True)
    eo, ei = F.max_pool2d(e_from(x), 2, return_indices=True)
    close(eo, to_)
    assert (to_np(ei) == to_np(ti)).all()


@pytest.mark.parametrize("k,s", [(2, 2), (3, 2), (2, 1), ((3, 2), (1, 2))])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_max_pool2d_ties_nan_inf_match_torch(k, s, dtype):
    # small integers give ties; NaN and -inf test the tap order torch uses
    g = torch.Generator().manual_seed(0)
    x = torch.randint(-3, 3, (2, 3, 9, 10), generator=g).to(getattr(torch, dtype))
    x[0, 0, 1, 1] = float("nan")
    x[0, 1, 2:5, 2:5] = float("-inf")
    x[1, 2, 0, 0:4] = float("nan")
    to_, ti = torch.nn.functional.max_pool2d(x, k, s, return_indices=True)
    eo, ei = F.max_pool2d(e_from(x), k, s, return_indices=True)
    np.testing.assert_array_equal(to_np(eo), to_.numpy())
    assert (to_np(ei) == ti.numpy()).all()


@pytest.mark.parametrize("cls,shape", [("BatchNorm1d", (6, 4)), ("BatchNorm1d", (6, 4, 5)),
                                       ("BatchNorm2d", (3, 4, 5, 5))])
@pytest.mark.parametrize("train", [True, False])
def test_batchnorm(cls, shape, train):
    t, e = getattr(tnn, cls)(4), getattr(nn, cls)(4)
    with torch.no_grad():
        t.weight.uniform_()
        t.bias.uniform_()
        t.running_mean.uniform_()
        t.running_var.uniform_(0.5, 1.5)
    check_module(t, e, shape, train=train, atol=1e-4)
    close(e.running_mean, t.running_mean)
    close(e.running_var, t.running_var)


def test_batchnorm_momentum_none_and_no_affine():
    t, e = tnn.BatchNorm1d(3, momentum=None, affine=False), nn.BatchNorm1d(3, momentum=None, affine=False)
    for _ in range(2):
        check_module(t, e, (5, 3), train=True, atol=1e-4)
    close(e.running_var, t.running_var)
    t, e = tnn.BatchNorm1d(3, track_running_stats=False), nn.BatchNorm1d(3, track_running_stats=False)
    assert list(e.state_dict()) == list(t.state_dict())
    check_module(t, e, (5, 3), train=False, atol=1e-4)


def test_norms():
    t = tnn.LayerNorm((3, 4))
    with torch.no_grad():
        t.weight.uniform_()
        t.bias.uniform_()
    check_module(t, nn.LayerNorm((3, 4)), (2, 3, 4), atol=1e-4)
    check_module(tnn.LayerNorm(4, elementwise_affine=False), nn.LayerNorm(4, elementwise_affine=False), (2, 4))
    t = tnn.GroupNorm(2, 4)
    with torch.no_grad():
        t.weight.uniform_()
    check_module(t, nn.GroupNorm(2, 4), (3, 4, 5), atol=1e-4)


@pytest.mark.skipif(not hasattr(torch.nn, "RMSNorm") and ember is torch, reason="torch 1.13 has no RMSNorm")
def test_rms_norm():
    e = nn.RMSNorm(4, eps=1e-6)
    with ember.no_grad():
        e.weight.uniform_()
    x = torch.randn(3, 4, requires_grad=True)
    w = torch.tensor(to_np(e.weight), requires_grad=True)
    ref = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w
    ex = e_from(x, True)
    y = e(ex)
    close(y, ref)
    ref.sum().backward()
    y.sum().backward()
    close(ex.grad, x.grad)
    close(e.weight.grad, w.grad)


def test_embedding():
    t, e = tnn.Embedding(10, 3, padding_idx=1), nn.Embedding(10, 3, padding_idx=1)
    assert float(e.weight[1].abs().sum()) == 0
    idx = torch.tensor([[1, 2, 3], [2, 9, 1]])
    copy_weights(t, e)
    to = t(idx)
    eo = e(ember.tensor(to_np(idx)))
    close(eo, to)
    g = torch.randn(2, 3, 3)
    to.backward(g)
    eo.backward(e_from(g))
    close(e.weight.grad, t.weight.grad)


@pytest.mark.parametrize("pair", [("ReLU", ()), ("LeakyReLU", (0.2,)), ("ELU", (0.7,)), ("GELU", ()),
                                  ("SiLU", ()), ("Tanh", ()), ("Sigmoid", ()), ("Softmax", (1,)),
                                  ("LogSoftmax", (-1,)), ("Identity", ()), ("Flatten", ())])
def test_activations(pair):
    name, args = pair
    check_module(getattr(tnn, name)(*args), getattr(nn, name)(*args), (3, 4, 2))


# values at the kinks of the activations below (bounds, -3/3, 0, thresholds)
_KINKS = [-20.0, -6.0, -3.0, -2.5, -1.0, -0.5, 0.0, 0.1, 0.5, 1.0, 2.5, 3.0, 6.0, 7.0, 25.0, 0.0]


def kink_input(*shape):
    """A float32 leaf of the given shape: the kink values first, then randn * 3."""
    n = int(np.prod(shape))
    vals = torch.cat([torch.tensor(_KINKS), torch.randn(max(n - len(_KINKS), 0)) * 3])[:n]
    return vals.reshape(shape).clone().requires_grad_(True)


@pytest.mark.parametrize("pair", [("Hardtanh", ()), ("Hardtanh", (-0.5, 2.5)), ("ReLU6", ()), ("Softplus", ()),
                                  ("Softplus", (2, 5)), ("LogSigmoid", ()), ("SELU", ()), ("CELU", ()),
                                  ("CELU", (0.5,)), ("Mish", ()), ("Hardswish", ()), ("Hardsigmoid", ()),
                                  ("GLU", ()), ("GLU", (1,)), ("PReLU", ()), ("PReLU", (4, 0.1)), ("Softsign", ()),
                                  ("Softmin", (1,)), ("Threshold", (0.1, 20.0)), ("Threshold", (-1.0, 0.5))])
def test_more_activations_match_torch(pair):
    """Forward, input gradient (and PReLU's weight gradient) against torch, on inputs holding every kink."""
    name, args = pair
    torch.manual_seed(0)
    tmod, emod = getattr(tnn, name)(*args), getattr(nn, name)(*args)
    assert repr(emod) == repr(tmod)
    check_module(tmod, emod, kink_input(3, 4, 4))
    if not args or name not in ("GLU", "PReLU", "Softmin"):  # those take dim 1
        check_module(tmod, emod, kink_input(16))


def test_prelu_random_weight_and_functional():
    torch.manual_seed(1)
    t, e = tnn.PReLU(4), nn.PReLU(4)
    assert [n for n, _ in e.named_parameters()] == ["weight"] and tuple(e.weight.shape) == (4,)
    close(e.weight, t.weight)
    with torch.no_grad():
        t.weight.uniform_(-1, 1)
    check_module(t, e, kink_input(2, 4, 3, 2))
    x, w = kink_input(5, 3), torch.tensor([-0.3], requires_grad=True)
    ex, ew = e_from(x, True), e_from(w, True)
    close(F.prelu(ex, ew), torch.nn.functional.prelu(x, w))
    F.prelu(ex, ew).sum().backward()
    torch.nn.functional.prelu(x, w).sum().backward()
    close(ex.grad, x.grad)
    close(ew.grad, w.grad)
    with pytest.raises(RuntimeError, match="Found parameter numbers = 3 and channel size = 4"):
        F.prelu(ember.randn(2, 4), ember.ones(3))


@pytest.mark.filterwarnings("ignore:Implicit dimension choice")
def test_more_activation_functionals():
    tF = torch.nn.functional
    x = kink_input(3, 4, 4)
    ex = e_from(x)
    for ef, tf in [(lambda v: F.hardtanh(v, -0.5, 2.5), lambda v: tF.hardtanh(v, -0.5, 2.5)),
                   (F.relu6, tF.relu6), (F.logsigmoid, tF.logsigmoid), (F.selu, tF.selu),
                   (lambda v: F.celu(v, 0.5), lambda v: tF.celu(v, 0.5)), (F.mish, tF.mish),
                   (F.hardswish, tF.hardswish), (F.hardsigmoid, tF.hardsigmoid), (F.softsign, tF.softsign),
                   (lambda v: F.glu(v, 1), lambda v: tF.glu(v, 1)),
                   (lambda v: F.softmin(v, 2), lambda v: tF.softmin(v, 2)),
                   (F.softmin, tF.softmin), (lambda v: F.threshold(v, 0.5, -2.0), lambda v: tF.threshold(v, 0.5, -2.0)),
                   (lambda v: F.softplus(v, beta=2, threshold=5), lambda v: tF.softplus(v, beta=2, threshold=5))]:
        close(ef(ex), tf(x))
    # inplace=True writes into the input and returns it
    for name, args in [("hardtanh", (-0.5, 2.5)), ("relu6", ()), ("selu", ()), ("celu", (0.5,)), ("mish", ()),
                       ("hardswish", ()), ("hardsigmoid", ()), ("threshold", (0.5, -2.0))]:
        e = ex.clone()
        t = x.detach().clone()
        r = getattr(F, name)(e, *args, inplace=True)
        getattr(tF, name)(t, *args, inplace=True)
        assert r is e or r.data_ptr() == e.data_ptr()
        close(e, t, what=name)
    with pytest.raises(RuntimeError, match="dimension 1 is size 3"):
        F.glu(ember.randn(2, 3), 1)
    with pytest.raises(RuntimeError, match="glu does not support scalars"):
        F.glu(ember.tensor(1.0))


def test_gelu_tanh_and_unflatten():
    check_module(tnn.GELU("tanh"), nn.GELU("tanh"), (3, 4))
    check_module(tnn.Unflatten(1, (2, 3)), nn.Unflatten(1, (2, 3)), (4, 6, 2))


def test_dropout():
    d = nn.Dropout(0.5)
    x = ember.ones(1000)
    y = d(x)
    z = to_np(y)
    assert set(np.unique(z)).issubset({0.0, 2.0}) and 350 < (z == 0).sum() < 650
    d.eval()
    assert (to_np(d(x)) == 1).all()


def test_containers():
    layers = [nn.Linear(2, 2) for _ in range(3)]
    ml = nn.ModuleList(layers)
    assert len(ml) == 3 and ml[-1] is layers[2]
    ml.append(nn.ReLU())
    assert [n for n, _ in ml.named_children()] == ["0", "1", "2", "3"]
    md = nn.ModuleDict({"a": nn.Linear(1, 1), "b": nn.ReLU()})
    assert list(md.keys()) == ["a", "b"] and "a" in md
    assert list(md.state_dict().keys()) == ["a.weight", "a.bias"]
    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("act", nn.ReLU())]))
    assert list(seq.state_dict().keys()) == ["fc.weight", "fc.bias"]
    assert isinstance(seq[0:1], nn.Sequential) and len(seq[0:1]) == 1
    tseq = tnn.Sequential(tnn.Linear(2, 3), tnn.Tanh(), tnn.Linear(3, 1))
    eseq = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    check_module(tseq, eseq, (4, 2))


def _param_container_model(lib):
    """The same model in torch or ember: weights in a ParameterList, biases in a ParameterDict."""
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.ws = lib.nn.ParameterList([lib.nn.Parameter(lib.randn(3, 3)), lib.nn.Parameter(lib.randn(4, 3))])
            self.ws.append(lib.nn.Parameter(lib.randn(2, 4)))
            # a plain dict: torch registers its keys sorted ("a0" before "b1")
            self.bs = lib.nn.ParameterDict({"b1": lib.nn.Parameter(lib.zeros(4)), "a0": lib.zeros(3)})
            self.bs["out"] = lib.nn.Parameter(lib.zeros(2))

        def forward(self, x):
            h = lib.tanh(x @ self.ws[0].t() + self.bs["a0"])
            h = lib.tanh(h @ self.ws[1].t() + self.bs["b1"])
            return h @ self.ws[-1].t() + self.bs["out"]
    return Net()


def test_parameter_list_and_dict_state_dict_and_training_match_torch():
    torch.manual_seed(0)
    t, e = _param_container_model(torch), _param_container_model(ember)
    keys = ["ws.0", "ws.1", "ws.2", "bs.a0", "bs.b1", "bs.out"]
    assert list(t.state_dict().keys()) == keys
    assert list(e.state_dict().keys()) == keys
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert isinstance(e.bs["a0"], nn.Parameter)  # a plain tensor is stored as a Parameter
    copy_weights(t, e)
    x, y = torch.randn(5, 3), torch.randn(5, 2)
    topt = torch.optim.SGD(t.parameters(), lr=0.1, momentum=0.9)
    eopt = ember.optim.SGD(e.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        topt.zero_grad()
        eopt.zero_grad()
        tl = torch.nn.functional.mse_loss(t(x), y)
        el = F.mse_loss(e(e_from(x)), e_from(y))
        close(el, tl, what="loss")
        tl.backward()
        el.backward()
        for (n, tp), (_, ep) in zip(t.named_parameters(), e.named_parameters()):
            close(ep.grad, tp.grad, what="grad of " + n)
        topt.step()
        eopt.step()
    for (n, tp), ep in zip(t.state_dict().items(), e.state_dict().values()):
        close(ep, tp, what=n)


def test_parameter_list_semantics():
    ps = [nn.Parameter(ember.randn(2)) for _ in range(3)]
    pl = nn.ParameterList(ps[:2])
    tpl = tnn.ParameterList([tnn.Parameter(torch.randn(2)) for _ in range(2)])
    assert len(pl) == 2 and pl[0] is ps[0] and pl[-1] is ps[1]
    pl.extend([ps[2]])
    pl += [ember.zeros(1)]
    assert len(pl) == 4 and isinstance(pl[3], nn.Parameter) and pl[3].requires_grad
    assert all(a is b for a, b in zip(list(pl)[:3], ps))
    assert [n for n, _ in pl.named_parameters()] == ["0", "1", "2", "3"]
    sub = pl[1:3]
    assert isinstance(sub, nn.ParameterList) and len(sub) == 2 and sub[0] is ps[1]
    pl[0] = ember.ones(2)
    assert isinstance(pl[0], nn.Parameter) and float(pl[0].sum()) == 2
    with pytest.raises(IndexError):
        pl[4]
    with pytest.raises(IndexError):
        tpl[4]
    with pytest.raises(TypeError):
        pl.extend(5)
    with pytest.raises(RuntimeError, match="should not be called"):
        pl(ember.ones(1))
    assert "ParameterList" in repr(pl) and "(3): Parameter containing" in repr(pl)


def test_parameter_dict_semantics():
    pd = nn.ParameterDict([("b", nn.Parameter(ember.ones(1))), ("a", ember.zeros(2))])
    assert list(pd.keys()) == ["b", "a"] and len(pd) == 2 and "a" in pd and "c" not in pd
    assert [n for n, _ in pd.named_parameters()] == ["b", "a"]
    assert list(pd) == ["b", "a"] and [k for k, _ in pd.items()] == ["b", "a"]
    assert all(isinstance(v, nn.Parameter) for v in pd.values())
    pd.update(OrderedDict([("z", ember.ones(3)), ("c", ember.ones(1))]))
    assert list(pd.keys()) == ["b", "a", "z", "c"]
    assert pd.get("q") is None and pd.get("a") is pd["a"]
    d = pd.setdefault("d", ember.ones(4))
    assert pd["d"] is d
    p = pd.pop("z")
    assert tuple(p.shape) == (3,) and "z" not in pd and "z" not in dict(pd.named_parameters())
    k, v = pd.popitem()
    assert k == "d" and list(pd.keys()) == ["b", "a", "c"]
    del pd["b"]
    assert list(pd.state_dict().keys()) == ["a", "c"]
    assert list(pd.copy().keys()) == ["a", "c"]
    with pytest.raises(TypeError, match="not a string"):
        pd[1] = ember.ones(1)
    with pytest.raises(ValueError, match="has length 3"):
        pd.update([("a", ember.ones(1), 3)])
    with pytest.raises(AttributeError):  # torch 1.13 too: the lookup is getattr
        pd["missing"]
    pd.clear()
    assert len(pd) == 0 and list(pd.parameters()) == []


def test_default_init_distributions():
    ember.manual_seed(0)
    lin = nn.Linear(100, 50)
    bound = 1 / math.sqrt(100)
    w = to_np(lin.weight)
    assert w.max() <= bound and w.min() >= -bound and w.std() > bound / 2
    b = to_np(lin.bias)
    assert b.max() <= bound and b.min() >= -bound
    conv = nn.Conv2d(3, 8, 3)
    cb = 1 / math.sqrt(27)
    assert np.abs(to_np(conv.weight)).max() <= cb
    emb = to_np(nn.Embedding(1000, 10).weight)
    assert abs(emb.mean()) < 0.05 and abs(emb.std() - 1) < 0.05
    bn = nn.BatchNorm2d(3)
    assert (to_np(bn.weight) == 1).all() and (to_np(bn.bias) == 0).all()


def test_init_functions():
    t = ember.empty(200, 300)
    nn.init.xavier_uniform_(t)
    a = math.sqrt(6 / 500)
    assert np.abs(to_np(t)).max() <= a
    nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu")
    assert abs(to_np(t).std() - math.sqrt(2 / 200)) < 0.01
    nn.init.trunc_normal_(t, std=1.0, a=-0.5, b=0.5)
    assert np.abs(to_np(t)).max() <= 0.5
    nn.init.constant_(t, 3.0)
    assert (to_np(t) == 3).all()
    nn.init.eye_(t)
    assert to_np(t).trace() == 200
    assert nn.init.calculate_gain("leaky_relu", 0.2) == tnn.init.calculate_gain("leaky_relu", 0.2)
    assert nn.init.calculate_gain("tanh") == tnn.init.calculate_gain("tanh")


# ---------------------------------------------------------------- losses
def _loss_inputs(kind, n=6, c=4):
    if kind == "class":
        return torch.randn(n, c, requires_grad=True), torch.randint(0, c, (n,))
    if kind == "prob":
        return torch.rand(n, c).clamp(0.05, 0.95).requires_grad_(True), torch.rand(n, c)
    if kind == "logprob":
        return torch.randn(n, c).log_softmax(-1).detach().requires_grad_(True), torch.rand(n, c).softmax(-1)
    return torch.randn(n, c, requires_grad=True), torch.randn(n, c)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("case", [
    ("CrossEntropyLoss", "class", {}), ("CrossEntropyLoss", "class", {"label_smoothing": 0.1}),
    ("CrossEntropyLoss", "class", {"ignore_index": 1}), ("NLLLoss", "class", {}),
    ("MSELoss", "real", {}), ("L1Loss", "real", {}), ("SmoothL1Loss", "real", {"beta": 0.5}),
    ("HuberLoss", "real", {"delta": 0.5}), ("BCELoss", "prob", {}), ("BCEWithLogitsLoss", "real_prob", {}),
    ("KLDivLoss", "logprob", {})])
def test_losses(case, reduction):
    name, kind, kw = case
    if kind == "real_prob":
        x, y = torch.randn(6, 4, requires_grad=True), torch.rand(6, 4)
    else:
        x, y = _loss_inputs(kind)
    if name == "NLLLoss":
        x = torch.randn(6, 4).log_softmax(-1).detach().requires_grad_(True)
    t = getattr(tnn, name)(reduction=reduction, **kw)
    e = getattr(nn, name)(reduction=reduction, **kw)
    check_module(t, e, x, y if kind == "class" else y)


def test_loss_weights_and_probability_targets():
    w = torch.rand(4)
    x, y = _loss_inputs("class")
    check_module(tnn.CrossEntropyLoss(weight=w), nn.CrossEntropyLoss(weight=e_from(w)), x, y)
    x = torch.randn(6, 4, requires_grad=True)
    p = torch.rand(6, 4).softmax(-1)
    check_module(tnn.CrossEntropyLoss(label_smoothing=0.2), nn.CrossEntropyLoss(label_smoothing=0.2), x, p)
    x, y = torch.randn(6, 4, requires_grad=True), torch.rand(6, 4)
    pw = torch.rand(4) + 0.5
    check_module(tnn.BCEWithLogitsLoss(pos_weight=pw), nn.BCEWithLogitsLoss(pos_weight=e_from(pw)), x, y)
    x, y = _loss_inputs("logprob")
    check_module(tnn.KLDivLoss(reduction="batchmean"), nn.KLDivLoss(reduction="batchmean"), x, y)
    x = torch.randn(2, 4, 3, requires_grad=True)
    y = torch.randint(0, 4, (2, 3))
    check_module(tnn.CrossEntropyLoss(), nn.CrossEntropyLoss(), x, y)


def test_functional_signatures():
    x = torch.randn(1, 2, 5, 5)
    close(F.interpolate(e_from(x), scale_factor=2, mode="bilinear", align_corners=False),
          torch.nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False))
    close(F.interpolate(e_from(x), size=(7, 3), mode="nearest"),
          torch.nn.functional.interpolate(x, size=(7, 3), mode="nearest"))
    close(F.pad(e_from(x), (1, 2, 0, 1), mode="reflect"), torch.nn.functional.pad(x, (1, 2, 0, 1), mode="reflect"))
    close(F.pad(e_from(x), (1, 1), value=3.0), torch.nn.functional.pad(x, (1, 1), value=3.0))
    if not hasattr(F, "scaled_dot_product_attention"):
        return
    q, k, v = torch.randn(2, 3, 5, 4), torch.randn(2, 3, 6, 4), torch.randn(2, 3, 6, 4)
    m = torch.rand(5, 6) > 0.3
    m[:, 0] = True
    ref = torch.softmax((q @ k.transpose(-1, -2) / 2.0).masked_fill(~m, float("-inf")), -1) @ v
    close(F.scaled_dot_product_attention(e_from(q), e_from(k), e_from(v), attn_mask=ember.tensor(to_np(m))), ref)
    with pytest.raises(ValueError):
        F.mse_loss(ember.ones(2), ember.ones(2), reduction="avg")


# ---------------------------------------------------------------- attention / transformer / rnn
@pytest.mark.parametrize("batch_first", [False, True])
def test_multihead_attention(batch_first):
    t = tnn.MultiheadAttention(8, 2, batch_first=batch_first)
    e = nn.MultiheadAttention(8, 2, batch_first=batch_first)
    assert list(e.state_dict()) == list(t.state_dict())
    copy_weights(t, e)
    x = torch.randn(3, 5, 8, requires_grad=True)
    kpm = torch.zeros(3 if batch_first else 5, 5 if batch_first else 3, dtype=torch.bool)
    kpm = torch.zeros(x.shape[0] if batch_first else x.shape[1], x.shape[1] if batch_first else x.shape[0],
                      dtype=torch.bool)
    kpm[0, -1] = True
    ex = e_from(x, True)
    to, tw = t(x, x, x, key_padding_mask=kpm)
    eo, ew = e(ex, ex, ex, key_padding_mask=ember.tensor(to_np(kpm)))
    close(eo, to, atol=1e-5)
    close(ew, tw, atol=1e-5)
    to.sum().backward()
    eo.sum().backward()
    close(ex.grad, x.grad, atol=1e-5)
    close(e.in_proj_weight.grad, t.in_proj_weight.grad, atol=1e-4)
    L = 5 if batch_first else 3
    am = torch.triu(torch.ones(L, L, dtype=torch.bool), 1)
    to, _ = t(x, x, x, attn_mask=am, need_weights=False)
    eo, _ = e(ex, ex, ex, attn_mask=ember.tensor(to_np(am)), need_weights=False)
    close(eo, to, atol=1e-5)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_transformer_encoder_layer(norm_first, activation):
    kw = dict(dim_feedforward=16, dropout=0.0, activation=activation, batch_first=True, norm_first=norm_first)
    t, e = tnn.TransformerEncoderLayer(8, 2, **kw), nn.TransformerEncoderLayer(8, 2, **kw)
    assert list(e.state_dict()) == list(t.state_dict())
    check_module(t, e, (2, 5, 8), atol=1e-4, train=True)


def test_transformer_encoder():
    layer = tnn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
    t = tnn.TransformerEncoder(layer, 2, norm=tnn.LayerNorm(8), enable_nested_tensor=False)
    e = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0), 2,
                              norm=nn.LayerNorm(8))
    assert list(e.state_dict()) == list(t.state_dict())
    mask = torch.triu(torch.full((4, 4), float("-inf")), 1)
    check_module(t, e, (4, 3, 8), atol=1e-4, train=True, extra_args=(e_from(mask) if False else None,))
    copy_weights(t, e)
    x = torch.randn(4, 3, 8)
    close(e(e_from(x), mask=e_from(mask)), t(x, mask=mask), atol=1e-4)


@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
@pytest.mark.parametrize("kw", [dict(), dict(num_layers=2, batch_first=True), dict(bidirectional=True),
                                dict(num_layers=2, bidirectional=True, bias=False)])
def test_rnn(cls, kw):
    t, e = getattr(tnn, cls)(3, 5, **kw), getattr(nn, cls)(3, 5, **kw)
    assert list(e.state_dict()) == list(t.state_dict())
    copy_weights(t, e)
    x = torch.randn(4, 2, 3, requires_grad=True)
    ex = e_from(x, True)
    to, th = t(x)
    eo, eh = e(ex)
    close(eo, to, atol=1e-5)
    if cls == "LSTM":
        close(eh[0], th[0], atol=1e-5)
        close(eh[1], th[1], atol=1e-5)
    else:
        close(eh, th, atol=1e-5)
    to.sum().backward()
    eo.sum().backward()
    close(ex.grad, x.grad, atol=1e-4)
    for name, p in t.named_parameters():
        close(getattr(e, name).grad, p.grad, atol=1e-4, what=name)


@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
def test_rnn_given_state_and_unbatched(cls):
    t, e = getattr(tnn, cls)(3, 4, num_layers=2, bidirectional=True), getattr(nn, cls)(3, 4, num_layers=2,
                                                                                       bidirectional=True)
    copy_weights(t, e)
    h = torch.randn(4, 2, 4)
    hx_t = (h, torch.randn(4, 2, 4)) if cls == "LSTM" else h
    hx_e = tuple(e_from(v) for v in hx_t) if cls == "LSTM" else e_from(hx_t)
    x = torch.randn(5, 2, 3)
    to, th = t(x, hx_t)
    eo, eh = e(e_from(x), hx_e)
    close(eo, to, atol=1e-5)
    close(eh[0] if cls == "LSTM" else eh, th[0] if cls == "LSTM" else th, atol=1e-5)
    # unbatched: [L, H_in] input, [layers * D, H] state
    to, th = t(x[:, 0], tuple(v[:, 0] for v in hx_t) if cls == "LSTM" else hx_t[:, 0])
    eo, eh = e(e_from(x[:, 0]), tuple(e_from(v[:, 0]) for v in hx_t) if cls == "LSTM" else e_from(hx_t[:, 0]))
    close(eo, to, atol=1e-5)
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size"):
        e(ember.randn(5, 2, 7))
    wrong = (ember.zeros(1, 2, 4), ember.zeros(1, 2, 4)) if cls == "LSTM" else ember.zeros(1, 2, 4)
    with pytest.raises(RuntimeError, match="hidden state of size"):
        e(e_from(x), wrong)


def test_clip_grad():
    t, e = tnn.Linear(4, 3), nn.Linear(4, 3)
    copy_weights(t, e)
    x = torch.randn(5, 4)
    t(x).pow(2).sum().backward()
    e(e_from(x)).pow(2).sum().backward()
    tn = torch.nn.utils.clip_grad_norm_(t.parameters(), 0.5)
    en = nn.utils.clip_grad_norm_(e.parameters(), 0.5)
    assert abs(float(tn) - float(en)) < 1e-4
    close(e.weight.grad, t.weight.grad)
    torch.nn.utils.clip_grad_value_(t.parameters(), 0.01)
    nn.utils.clip_grad_value_(e.parameters(), 0.01)
    close(e.bias.grad, t.bias.grad)


def test_deepcopy_module():
    m = Net()
    m2 = copy.deepcopy(m)
    assert m2.conv1.weight is not m.conv1.weight
    close(m2.conv1.weight, torch.tensor(to_np(m.conv1.weight)))
    assert isinstance(m2.conv1.weight, nn.Parameter)
