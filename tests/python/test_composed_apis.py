"""APIs ember composes in Python from its existing ops, against torch 1.13 on the same inputs and weights:
F.gumbel_softmax, F.multilabel_soft_margin_loss / nn.MultiLabelSoftMarginLoss, lr_scheduler.CyclicLR,
nn.utils.weight_norm / spectral_norm (and their removal), optim.swa_utils (AveragedModel, SWALR, update_bn),
and autograd.functional (jacobian, hessian, vjp, jvp, vhp, hvp)."""
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import ember

nn = ember.nn
F = ember.nn.functional

torch = pytest.importorskip("torch")
tnn = torch.nn
tF = torch.nn.functional


def to_np(t):
    return t.detach().cpu().numpy()


def e_from(t, requires_grad=False):
    """An ember tensor with torch tensor t's values."""
    x = ember.tensor(to_np(t))
    return x.requires_grad_(True) if requires_grad else x


def copy_weights(tmod, emod):
    emod.load_state_dict(OrderedDict((k, e_from(v)) for k, v in tmod.state_dict().items()))


def close(a, b, atol=1e-6, rtol=1e-5, what=""):
    a = to_np(a) if hasattr(a, "detach") else np.asarray(a)
    b = to_np(b) if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, "%s: shape %s vs %s" % (what, a.shape, b.shape)
    np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), atol=atol, rtol=rtol, err_msg=what)


def randn(*shape, seed=0, dtype=torch.float32):
    return torch.randn(tuple(shape), generator=torch.Generator().manual_seed(seed), dtype=dtype)


# ---------------------------------------------------------------- multilabel_soft_margin_loss

@pytest.mark.parametrize("shape", [(4, 5), (5,), (2, 3, 4)])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("weighted", [False, True])
def test_multilabel_soft_margin_loss_matches_torch(shape, reduction, weighted):
    x = randn(*shape, seed=1, dtype=torch.float64)
    y = (randn(*shape, seed=2) > 0).to(torch.float64)
    w = randn(shape[-1], seed=3, dtype=torch.float64).abs() if weighted else None
    tx = x.clone().requires_grad_()
    ex = e_from(x, True)
    tl = tF.multilabel_soft_margin_loss(tx, y, weight=w, reduction=reduction)
    el = F.multilabel_soft_margin_loss(ex, e_from(y), weight=None if w is None else e_from(w), reduction=reduction)
    close(el, tl, 1e-12, 1e-10, "loss")
    g = randn(*tl.shape, seed=4, dtype=torch.float64)
    tl.backward(g)
    el.backward(e_from(g))
    close(ex.grad, tx.grad, 1e-12, 1e-10, "grad")


@pytest.mark.filterwarnings("ignore:size_average and reduce args will be deprecated")
def test_multilabel_soft_margin_loss_legacy_args_and_module():
    x, y = randn(3, 4, seed=5), (randn(3, 4, seed=6) > 0).float()
    w = randn(4, seed=7).abs()
    for kw in [dict(size_average=False), dict(reduce=False), dict(size_average=True, reduce=True)]:
        close(F.multilabel_soft_margin_loss(e_from(x), e_from(y), **kw),
              tF.multilabel_soft_margin_loss(x, y, **kw), what=str(kw))
    tm = tnn.MultiLabelSoftMarginLoss(weight=w, reduction="sum")
    em = nn.MultiLabelSoftMarginLoss(weight=e_from(w), reduction="sum")
    assert list(em.state_dict()) == list(tm.state_dict()) == ["weight"]
    assert em.reduction == "sum"
    close(em(e_from(x), e_from(y)), tm(x, y), what="module")
    assert nn.MultiLabelSoftMarginLoss(size_average=False, reduce=False).reduction == "none"
    assert list(nn.MultiLabelSoftMarginLoss().state_dict()) == []
    with pytest.raises(ValueError, match="is not valid"):
        F.multilabel_soft_margin_loss(e_from(x), e_from(y), reduction="average")


# ---------------------------------------------------------------- gumbel_softmax

@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("dim,tau", [(-1, 1.0), (0, 0.5), (1, 2.0)])
def test_gumbel_softmax_gradient_matches_torch_formula(hard, dim, tau):
    """The sample is softmax((logits + g) / tau) for some noise g: recover g from the soft sample (drawn with the
    same seed), then rebuild the sample and its (straight-through) gradient with torch."""
    logits = randn(3, 4, 5, seed=8, dtype=torch.float64)
    ember.manual_seed(3)
    soft = F.gumbel_softmax(e_from(logits), tau=tau, hard=False, dim=dim)
    ember.manual_seed(3)
    ex = e_from(logits, True)
    y = F.gumbel_softmax(ex, tau=tau, hard=hard, dim=dim)
    assert tuple(y.shape) == tuple(logits.shape)
    close(y.sum(dim), torch.ones(()).expand(y.sum(dim).shape), 1e-12, 1e-12, "sums to 1")
    g = torch.tensor(to_np(soft)).log() * tau - logits  # softmax((logits + g) / tau) == soft
    tx = logits.clone().requires_grad_()
    y_soft = ((tx + g) / tau).softmax(dim)
    if hard:
        index = y_soft.max(dim, keepdim=True)[1]
        t_y = torch.zeros_like(tx).scatter_(dim, index, 1.0) - y_soft.detach() + y_soft
        assert set(np.unique(to_np(y))) <= {0.0, 1.0}
    else:
        t_y = y_soft
    close(y, t_y, 1e-12, 1e-9, "sample")
    w = randn(3, 4, 5, seed=9, dtype=torch.float64)
    (t_y * w).sum().backward()
    (y * e_from(w)).sum().backward()
    close(ex.grad, tx.grad, 1e-12, 1e-9, "grad")


def test_gumbel_softmax_argmax_frequencies_follow_softmax():
    """Gumbel-max: the hard sample's argmax is distributed as softmax(logits) (tau does not change it)."""
    logits = torch.tensor([1.0, 0.0, -1.0, 2.0])
    n = 20000
    y = F.gumbel_softmax(e_from(logits).expand(n, 4), tau=0.7, hard=True)
    freq = to_np(y).mean(0)
    close(freq, to_np(logits.softmax(0)), atol=0.015, rtol=0, what="frequencies")


def test_gumbel_softmax_eps_warns():
    x = e_from(randn(2, 3, seed=10))
    with pytest.warns(UserWarning, match="deprecated"):
        F.gumbel_softmax(x, eps=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.gumbel_softmax(x)
    with pytest.raises(RuntimeError):
        F.gumbel_softmax(ember.ones(3, dtype=ember.int64))


# ---------------------------------------------------------------- CyclicLR

def _sgd_pair(lr=0.1, momentum=0.9, groups=1):
    tparams = [torch.zeros(2, requires_grad=True) for _ in range(groups)]
    eparams = [ember.zeros(2, requires_grad=True) for _ in range(groups)]
    topt = torch.optim.SGD([{"params": [p]} for p in tparams], lr=lr, momentum=momentum)
    eopt = ember.optim.SGD([{"params": [p]} for p in eparams], lr=lr, momentum=momentum)
    return topt, eopt


def _trajectory(opt, sched, steps, key="lr"):
    out = [[g[key] for g in opt.param_groups]]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append([g[key] for g in opt.param_groups])
    return out


CYCLIC_CASES = [
    dict(base_lr=0.01, max_lr=0.1, step_size_up=4),
    dict(base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=5, mode="triangular2"),
    dict(base_lr=0.001, max_lr=0.05, step_size_up=5, mode="exp_range", gamma=0.97),
    dict(base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=4, base_momentum=[0.8, 0.7],
         max_momentum=[0.95, 0.9]),
    dict(base_lr=0.01, max_lr=0.1, step_size_up=2, scale_fn=lambda x: 0.5 ** x, scale_mode="cycle"),
    dict(base_lr=0.01, max_lr=0.1, step_size_up=3, scale_fn=lambda x: 1 / (1 + 0.1 * x), scale_mode="iterations"),
    dict(base_lr=0.01, max_lr=0.1, step_size_up=4, cycle_momentum=False),
    dict(base_lr=0.01, max_lr=0.1, step_size_up=1, step_size_down=1, mode="triangular2"),
]


@pytest.mark.parametrize("kw", CYCLIC_CASES)
def test_cyclic_lr_trajectory_matches_torch(kw):
    groups = 2 if isinstance(kw["base_lr"], list) else 1
    topt, eopt = _sgd_pair(groups=groups)
    tsched = torch.optim.lr_scheduler.CyclicLR(topt, **kw)
    esched = ember.optim.lr_scheduler.CyclicLR(eopt, **kw)
    tl, tm = [], []
    el, em = [], []
    for _ in range(60):
        tl.append([g["lr"] for g in topt.param_groups])
        tm.append([g["momentum"] for g in topt.param_groups])
        el.append([g["lr"] for g in eopt.param_groups])
        em.append([g["momentum"] for g in eopt.param_groups])
        topt.step()
        eopt.step()
        tsched.step()
        esched.step()
    np.testing.assert_allclose(el, tl, rtol=1e-12, atol=0, err_msg="lr")
    np.testing.assert_allclose(em, tm, rtol=1e-12, atol=0, err_msg="momentum")
    assert esched.get_last_lr() == tsched.get_last_lr()


def test_cyclic_lr_state_dict_and_resume():
    kw = dict(base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=4, mode="exp_range", gamma=0.9)
    topt, eopt = _sgd_pair()
    tsched = torch.optim.lr_scheduler.CyclicLR(topt, **kw)
    esched = ember.optim.lr_scheduler.CyclicLR(eopt, **kw)
    for _ in range(7):
        eopt.step()
        esched.step()
        topt.step()
        tsched.step()
    esd, tsd = esched.state_dict(), tsched.state_dict()
    # torch 1.13 also stores _scale_fn_ref, a WeakMethod that makes its state_dict unpicklable; ember leaves it out
    assert set(esd) - {"_scale_fn_ref"} == set(tsd) - {"_scale_fn_ref"}
    for k in esd:
        if k != "_scale_fn_ref":
            assert esd[k] == tsd[k], k
    if "_scale_fn_ref" not in esd:
        import pickle
        pickle.loads(pickle.dumps(esd))
    _, eopt2 = _sgd_pair()
    esched2 = ember.optim.lr_scheduler.CyclicLR(eopt2, **kw)
    esched2.load_state_dict(esd)
    for _ in range(20):
        eopt.step()
        esched.step()
        eopt2.step()
        esched2.step()
        assert esched2.get_last_lr() == esched.get_last_lr()
        assert eopt2.param_groups[0]["momentum"] == eopt.param_groups[0]["momentum"]


def test_cyclic_lr_errors():
    _, eopt = _sgd_pair()
    with pytest.raises(ValueError, match="mode is invalid"):
        ember.optim.lr_scheduler.CyclicLR(eopt, 0.01, 0.1, mode="triangle")
    with pytest.raises(ValueError, match="expected 1 values for max_lr"):
        ember.optim.lr_scheduler.CyclicLR(eopt, 0.01, [0.1, 0.2])
    adam = ember.optim.Adam([ember.zeros(2, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="must support momentum"):
        ember.optim.lr_scheduler.CyclicLR(adam, 0.01, 0.1)
    ember.optim.lr_scheduler.CyclicLR(adam, 0.01, 0.1, cycle_momentum=False)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        ember.optim.lr_scheduler.CyclicLR(object(), 0.01, 0.1)


# ---------------------------------------------------------------- weight_norm

WN_CASES = [
    ("linear", 0), ("linear", 1), ("linear", None), ("linear", -2), ("conv", 0), ("conv", 1), ("conv", None),
    ("conv", -2), ("conv", 3),
]


def _make(lib, kind, seed=0):
    lib.manual_seed(seed)
    if kind == "linear":
        return lib.nn.Linear(5, 4)
    if kind == "conv":
        return lib.nn.Conv2d(3, 4, 3)
    return lib.nn.ConvTranspose2d(3, 4, 3)


def _input(kind, seed=11):
    return randn(2, 5, seed=seed) if kind == "linear" else randn(2, 3, 6, 6, seed=seed)


@pytest.mark.parametrize("kind,dim", WN_CASES)
def test_weight_norm_matches_torch(kind, dim):
    tm, em = _make(torch, kind), _make(ember, kind)
    copy_weights(tm, em)
    tnn.utils.weight_norm(tm, dim=dim)
    assert nn.utils.weight_norm(em, dim=dim) is em
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert tuple(em.weight_g.shape) == tuple(tm.weight_g.shape)
    for k, v in tm.state_dict().items():
        close(em.state_dict()[k], v, what=k)
    close(em.weight, tm.weight, what="weight")
    # train a step: the pre-hook recomputes weight from the new g and v
    x = _input(kind)
    for _ in range(2):
        tout, eout = tm(x), em(e_from(x))
        close(eout, tout, 1e-5, 1e-4, "forward")
        tout.pow(2).sum().backward()
        eout.pow(2).sum().backward()
        close(em.weight_g.grad, tm.weight_g.grad, 1e-4, 1e-4, "grad g")
        close(em.weight_v.grad, tm.weight_v.grad, 1e-4, 1e-4, "grad v")
        with torch.no_grad():
            for p in tm.parameters():
                p -= 0.01 * p.grad
                p.grad = None
        with ember.no_grad():
            for p in em.parameters():
                p -= 0.01 * p.grad
                p.grad = None
    nn.utils.remove_weight_norm(em)
    tnn.utils.remove_weight_norm(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert isinstance(em.weight, nn.Parameter)
    close(em.weight, tm.weight, 1e-5, 1e-4, "weight after remove")


def test_weight_norm_other_name_and_errors():
    tm, em = _make(torch, "linear"), _make(ember, "linear")
    copy_weights(tm, em)
    tnn.utils.weight_norm(tm, name="bias")
    nn.utils.weight_norm(em, name="bias")
    assert list(em.state_dict()) == list(tm.state_dict()) == ["weight", "bias_g", "bias_v"]
    close(em(e_from(_input("linear"))), tm(_input("linear")), what="forward")
    with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"):
        nn.utils.weight_norm(em, name="bias")
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found"):
        nn.utils.remove_weight_norm(em)
    for dim in (2, -3):
        with pytest.raises(IndexError, match="Dimension out of range"):
            nn.utils.weight_norm(_make(ember, "linear"), dim=dim)
    nn.utils.remove_weight_norm(em, "bias")
    assert list(em.state_dict()) == ["weight", "bias"]


# ---------------------------------------------------------------- spectral_norm

SN_CASES = [("linear", {}), ("conv", {}), ("convT", {}), ("linear", dict(n_power_iterations=3)),
            ("conv", dict(dim=1, eps=1e-4)), ("convT", dict(dim=0, n_power_iterations=2))]


@pytest.mark.parametrize("kind,kw", SN_CASES)
def test_spectral_norm_matches_torch(kind, kw):
    tm, em = _make(torch, kind), _make(ember, kind)
    copy_weights(tm, em)
    tnn.utils.spectral_norm(tm, **kw)
    assert nn.utils.spectral_norm(em, **kw) is em
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]
    u0 = to_np(em.weight_u)
    close(np.linalg.norm(u0), 1.0, 1e-6, 0, "u is a unit vector")
    copy_weights(tm, em)  # the same random u, v
    x = _input("linear" if kind == "linear" else "conv")
    if kind == "convT":
        x = randn(2, 3, 5, 5, seed=12)
    # training: each forward runs the power iteration and updates u, v in place
    for _ in range(3):
        tout, eout = tm(x), em(e_from(x))
        close(eout, tout, 1e-5, 1e-4, "train forward")
        close(em.weight_u, tm.weight_u, 1e-5, 1e-4, "u")
        close(em.weight_v, tm.weight_v, 1e-5, 1e-4, "v")
        tout.pow(2).sum().backward()
        eout.pow(2).sum().backward()
        close(em.weight_orig.grad, tm.weight_orig.grad, 1e-4, 1e-3, "grad weight_orig")
    # evaluation: u, v stay as they are
    tm.eval()
    em.eval()
    u = to_np(em.weight_u).copy()
    tout, eout = tm(x), em(e_from(x))
    close(eout, tout, 1e-5, 1e-4, "eval forward")
    np.testing.assert_array_equal(to_np(em.weight_u), u)
    nn.utils.remove_spectral_norm(em)
    tnn.utils.remove_spectral_norm(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert isinstance(em.weight, nn.Parameter)
    close(em.weight, tm.weight, 1e-5, 1e-4, "weight after remove")


def test_spectral_norm_normalizes_to_unit_spectral_norm():
    em = _make(ember, "linear")
    nn.utils.spectral_norm(em, n_power_iterations=30)
    em(ember.zeros(1, 5))
    s = np.linalg.svd(to_np(em.weight), compute_uv=False)
    close(s[0], 1.0, 1e-4, 0, "largest singular value")


def test_spectral_norm_state_dict_round_trip_and_errors():
    tm = _make(torch, "conv")
    tnn.utils.spectral_norm(tm)
    tm(_input("conv"))
    em = _make(ember, "conv")
    nn.utils.spectral_norm(em)
    copy_weights(tm, em)  # a torch checkpoint loads into ember by the same keys
    tm.eval()
    em.eval()
    close(em(e_from(_input("conv"))), tm(_input("conv")), 1e-5, 1e-4, "forward after load")
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
        nn.utils.spectral_norm(em)
    with pytest.raises(ValueError, match="n_power_iterations to be positive"):
        nn.utils.spectral_norm(_make(ember, "linear"), n_power_iterations=0)
    with pytest.raises(ValueError, match="spectral_norm of 'bias' not found"):
        nn.utils.remove_spectral_norm(em, "bias")


# ---------------------------------------------------------------- swa_utils

def _bn_net(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(4, 6), lib.nn.BatchNorm1d(6), lib.nn.ReLU(), lib.nn.Linear(6, 2))


@pytest.mark.parametrize("use_buffers", [False, True])
@pytest.mark.parametrize("ema", [False, True])
def test_averaged_model_matches_torch(use_buffers, ema):
    tnet, enet = _bn_net(torch), _bn_net(ember)
    copy_weights(tnet, enet)
    kw = dict(use_buffers=use_buffers)
    if ema:
        kw["avg_fn"] = lambda avg, cur, n: 0.25 * avg + 0.75 * cur
    tswa = torch.optim.swa_utils.AveragedModel(tnet, **kw)
    eswa = ember.optim.swa_utils.AveragedModel(enet, **kw)
    assert list(eswa.state_dict()) == list(tswa.state_dict())
    assert eswa.module is not enet and eswa.module[0].weight is not enet[0].weight
    for step in range(5):
        # move the live model: random new weights, and a training batch for the BatchNorm buffers
        for k, v in tnet.state_dict().items():
            if v.is_floating_point():
                v.copy_(randn(*v.shape, seed=100 + step))
        tnet(randn(8, 4, seed=200 + step))
        copy_weights(tnet, enet)
        tswa.update_parameters(tnet)
        eswa.update_parameters(enet)
        assert int(eswa.n_averaged) == int(tswa.n_averaged) == step + 1
        for k, v in tswa.state_dict().items():
            close(eswa.state_dict()[k], v, 1e-6, 1e-5, k)
    tswa.eval()
    eswa.eval()
    x = randn(3, 4, seed=13)
    close(eswa(e_from(x)), tswa(x), 1e-5, 1e-5, "forward")


@pytest.mark.parametrize("batch_kind", ["tensor", "tuple"])
def test_update_bn_matches_torch(batch_kind):
    tnet, enet = _bn_net(torch), _bn_net(ember)
    copy_weights(tnet, enet)
    xs = [randn(5, 4, seed=300 + i) * (i + 1) for i in range(4)]
    tloader = [(x, torch.zeros(5)) if batch_kind == "tuple" else x for x in xs]
    eloader = [(e_from(x), ember.zeros(5)) if batch_kind == "tuple" else e_from(x) for x in xs]
    tnet.eval()
    enet.eval()
    torch.optim.swa_utils.update_bn(tloader, tnet)
    ember.optim.swa_utils.update_bn(eloader, enet)
    assert not enet.training and not enet[1].training
    assert enet[1].momentum == tnet[1].momentum == 0.1
    for k, v in tnet.state_dict().items():
        close(enet.state_dict()[k], v, 1e-5, 1e-5, k)
    assert int(enet[1].num_batches_tracked) == 4
    # a model without BatchNorm is left alone
    lin = ember.nn.Linear(2, 2)
    lin.eval()
    ember.optim.swa_utils.update_bn([ember.zeros(1, 2)], lin)
    assert not lin.training


@pytest.mark.parametrize("kw", [dict(swa_lr=0.05), dict(swa_lr=0.05, anneal_strategy="linear", anneal_epochs=4),
                                dict(swa_lr=[0.05, 0.2], anneal_epochs=0), dict(swa_lr=0.3, anneal_epochs=1),
                                dict(swa_lr=0.01, anneal_strategy="linear", anneal_epochs=25)])
def test_swalr_trajectory_matches_torch(kw):
    groups = 2 if isinstance(kw["swa_lr"], list) else 1
    topt, eopt = _sgd_pair(lr=0.5, groups=groups)
    tsched = torch.optim.swa_utils.SWALR(topt, **kw)
    esched = ember.optim.swa_utils.SWALR(eopt, **kw)
    np.testing.assert_allclose(_trajectory(eopt, esched, 40), _trajectory(topt, tsched, 40), rtol=1e-12, atol=1e-15)
    assert set(esched.state_dict()) >= {"anneal_epochs", "base_lrs", "last_epoch", "_step_count"}


def test_swalr_after_another_scheduler_and_errors():
    topt, eopt = _sgd_pair(lr=0.5)
    ts = torch.optim.lr_scheduler.StepLR(topt, 3, 0.5)
    es = ember.optim.lr_scheduler.StepLR(eopt, 3, 0.5)
    a = _trajectory(eopt, es, 7)
    b = _trajectory(topt, ts, 7)
    tswa = torch.optim.swa_utils.SWALR(topt, swa_lr=0.02, anneal_epochs=5)
    eswa = ember.optim.swa_utils.SWALR(eopt, swa_lr=0.02, anneal_epochs=5)
    np.testing.assert_allclose(a + _trajectory(eopt, eswa, 10), b + _trajectory(topt, tswa, 10), rtol=1e-12)
    with pytest.raises(ValueError, match="anneal_strategy must by one of"):
        ember.optim.swa_utils.SWALR(eopt, 0.1, anneal_strategy="exp")
    with pytest.raises(ValueError, match="anneal_epochs must be equal or greater than 0"):
        ember.optim.swa_utils.SWALR(eopt, 0.1, anneal_epochs=-1)
    with pytest.raises(ValueError, match="anneal_epochs must be equal or greater than 0"):
        ember.optim.swa_utils.SWALR(eopt, 0.1, anneal_epochs=2.5)
    with pytest.raises(ValueError, match="swa_lr must have the same length"):
        ember.optim.swa_utils.SWALR(eopt, [0.1, 0.2])


# ---------------------------------------------------------------- autograd.functional

def _f_multi(lib):
    def f(x, w):
        y = (x @ w).sin()
        return y * x.sum(), (w * w).exp().sum(0)
    return f


def _scalar(lib):
    def f(x, w):
        return ((x @ w).tanh() * x.sum()).sum() + (w ** 3).sum()
    return f


def _inputs(seed=0):
    return randn(3, 4, seed=seed, dtype=torch.float64), randn(4, 2, seed=seed + 1, dtype=torch.float64)


def _close_nested(a, b, what, atol=1e-10, rtol=1e-8):
    if isinstance(b, tuple):
        assert isinstance(a, tuple) and len(a) == len(b), what
        for i, (x, y) in enumerate(zip(a, b)):
            _close_nested(x, y, "%s[%d]" % (what, i), atol, rtol)
    else:
        close(a, b, atol, rtol, what)


@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_matches_torch(vectorize):
    x, w = _inputs()
    AF = ember.autograd.functional
    tj = torch.autograd.functional.jacobian(_f_multi(torch), (x, w), vectorize=vectorize)
    ej = AF.jacobian(_f_multi(ember), (e_from(x), e_from(w)), vectorize=vectorize)
    _close_nested(ej, tj, "jacobian")
    # one tensor in, one out: no tuples
    tj1 = torch.autograd.functional.jacobian(lambda a: a.sin() * a.sum(), x)
    ej1 = AF.jacobian(lambda a: a.sin() * a.sum(), e_from(x))
    assert tuple(ej1.shape) == (3, 4, 3, 4)
    close(ej1, tj1, 1e-12, 1e-10, "single")
    # a tuple of one input keeps its tuple
    ej2 = AF.jacobian(lambda a: a.exp(), (e_from(x),))
    assert isinstance(ej2, tuple) and len(ej2) == 1


def test_jacobian_create_graph_and_strict():
    x, w = _inputs(3)
    AF = ember.autograd.functional
    tx, tw = x.clone().requires_grad_(), w.clone().requires_grad_()
    ex, ew = e_from(x, True), e_from(w, True)
    tj = torch.autograd.functional.jacobian(_f_multi(torch), (tx, tw), create_graph=True)
    ej = AF.jacobian(_f_multi(ember), (ex, ew), create_graph=True)
    assert ej[0][0].requires_grad
    (tj[0][0].sum() + tj[1][1].pow(2).sum()).backward()
    (ej[0][0].sum() + ej[1][1].pow(2).sum()).backward()
    close(ex.grad, tx.grad, 1e-10, 1e-8, "d/dx of the jacobian")
    close(ew.grad, tw.grad, 1e-10, 1e-8, "d/dw of the jacobian")
    # without create_graph the result is detached
    assert not AF.jacobian(_f_multi(ember), (ex, ew))[0][0].requires_grad

    def indep(a, b):
        return a * 2

    res = AF.jacobian(indep, (ex, ew))
    close(res[1], torch.zeros(3, 4, 4, 2, dtype=torch.float64), what="zeros for an unused input")
    with pytest.raises(RuntimeError, match="Output 0 of the user-provided function is independent of input 1"):
        AF.jacobian(indep, (ex, ew), strict=True)
    with pytest.raises(RuntimeError, match="does not require gradients"):
        AF.jacobian(lambda a: ember.ones(2), ex, strict=True)
    with pytest.raises(RuntimeError, match="`strict=True` and `vectorized=True` are not supported"):
        AF.jacobian(indep, (ex, ew), strict=True, vectorize=True)
    with pytest.raises(NotImplementedError):
        AF.jacobian(indep, (ex, ew), strategy="forward-mode")
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        AF.jacobian(indep, (ex, 3.0))
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        AF.jacobian(lambda a: 1.0, ex)
    with pytest.raises(RuntimeError, match="stack expects a non-empty TensorList"):
        AF.jacobian(lambda a: a[:0], ex)


def test_forward_mode_strategies_give_the_same_values():
    x = randn(3, seed=40, dtype=torch.float64)
    AF = ember.autograd.functional
    TF = torch.autograd.functional
    close(AF.jacobian(lambda a: a.sin() * a.sum(), e_from(x), vectorize=True, strategy="forward-mode"),
          TF.jacobian(lambda a: a.sin() * a.sum(), x, vectorize=True, strategy="forward-mode"), 1e-12, 1e-10, "jac")
    close(AF.hessian(lambda a: (a.sin() * a).sum(), e_from(x), vectorize=True, outer_jacobian_strategy="forward-mode"),
          TF.hessian(lambda a: (a.sin() * a).sum(), x, vectorize=True, outer_jacobian_strategy="forward-mode"),
          1e-12, 1e-10, "hessian")
    with pytest.raises(NotImplementedError):
        AF.jacobian(lambda a: a.sin(), e_from(x), vectorize=True, strategy="forward-mode", create_graph=True)
    with pytest.raises(RuntimeError, match="`strict=True` and `strategy=\"forward-mode\"`"):
        AF.jacobian(lambda a: a.sin(), e_from(x), vectorize=True, strategy="forward-mode", strict=True)


@pytest.mark.parametrize("vectorize", [False, True])
def test_hessian_matches_torch(vectorize):
    x, w = _inputs(5)
    AF = ember.autograd.functional
    th = torch.autograd.functional.hessian(_scalar(torch), (x, w), vectorize=vectorize)
    eh = AF.hessian(_scalar(ember), (e_from(x), e_from(w)), vectorize=vectorize)
    _close_nested(eh, th, "hessian")
    assert tuple(eh[0][1].shape) == (3, 4, 4, 2)
    th1 = torch.autograd.functional.hessian(lambda a: (a.sin() * a).sum(), x)
    eh1 = AF.hessian(lambda a: (a.sin() * a).sum(), e_from(x))
    close(eh1, th1, 1e-12, 1e-10, "single")
    with pytest.raises(RuntimeError, match="should contain a single element"):
        AF.hessian(lambda a: a.sin(), e_from(x))
    with pytest.raises(RuntimeError, match="should return a single Tensor"):
        AF.hessian(lambda a: (a.sum(), a.sum()), e_from(x))
    # linear in w: strict mode refuses a Hessian that does not depend on the input
    with pytest.raises(RuntimeError, match="jacobian of the user-provided function with respect to input 1 is "
                                           "independent"):
        AF.hessian(lambda a, b: (a * a).sum() + b.sum(), (e_from(x), e_from(w)), strict=True)


@pytest.mark.parametrize("create_graph", [False, True])
def test_vjp_jvp_vhp_hvp_match_torch(create_graph):
    x, w = _inputs(7)
    AF = ember.autograd.functional
    TF = torch.autograd.functional
    tx, tw = x.clone().requires_grad_(), w.clone().requires_grad_()
    ex, ew = e_from(x, True), e_from(w, True)
    vo = (randn(3, 2, seed=20, dtype=torch.float64), randn(2, seed=21, dtype=torch.float64))
    vi = (randn(3, 4, seed=22, dtype=torch.float64), randn(4, 2, seed=23, dtype=torch.float64))
    evo, evi = tuple(e_from(v) for v in vo), tuple(e_from(v) for v in vi)
    tres = [TF.vjp(_f_multi(torch), (tx, tw), vo, create_graph=create_graph),
            TF.jvp(_f_multi(torch), (tx, tw), vi, create_graph=create_graph),
            TF.vhp(_scalar(torch), (tx, tw), vi, create_graph=create_graph),
            TF.hvp(_scalar(torch), (tx, tw), vi, create_graph=create_graph)]
    eres = [AF.vjp(_f_multi(ember), (ex, ew), evo, create_graph=create_graph),
            AF.jvp(_f_multi(ember), (ex, ew), evi, create_graph=create_graph),
            AF.vhp(_scalar(ember), (ex, ew), evi, create_graph=create_graph),
            AF.hvp(_scalar(ember), (ex, ew), evi, create_graph=create_graph)]
    for name, e, t in zip(["vjp", "jvp", "vhp", "hvp"], eres, tres):
        _close_nested(e, t, name)
        assert e[1][0].requires_grad == t[1][0].requires_grad == create_graph, name
    if create_graph:
        sum(r[1][0].sum() + r[1][1].sum() for r in tres).backward()
        sum(r[1][0].sum() + r[1][1].sum() for r in eres).backward()
        close(ex.grad, tx.grad, 1e-10, 1e-8, "grad x")
        close(ew.grad, tw.grad, 1e-10, 1e-8, "grad w")


def test_vjp_jvp_single_tensors_and_errors():
    AF = ember.autograd.functional
    TF = torch.autograd.functional
    x = randn(4, seed=30, dtype=torch.float64)
    v = randn(4, seed=31, dtype=torch.float64)
    for name in ("vjp", "jvp"):
        t = getattr(TF, name)(lambda a: a.exp() * a, x, v)
        e = getattr(AF, name)(lambda a: a.exp() * a, e_from(x), e_from(v))
        assert not isinstance(e[1], tuple)
        _close_nested(e, t, name)
    for name in ("vhp", "hvp"):
        t = getattr(TF, name)(lambda a: (a.exp() * a).sum(), x, v)
        e = getattr(AF, name)(lambda a: (a.exp() * a).sum(), e_from(x), e_from(v))
        _close_nested(e, t, name)
    # v may be left out for one-element functions
    s = randn(1, seed=32, dtype=torch.float64)
    _close_nested(AF.vjp(lambda a: (a * a).sum(), e_from(x)), TF.vjp(lambda a: (a * a).sum(), x), "vjp v=None")
    _close_nested(AF.jvp(lambda a: a.sin(), e_from(s)), TF.jvp(lambda a: a.sin(), s), "jvp v=None")
    _close_nested(AF.hvp(lambda a: a.sin().sum(), e_from(s)), TF.hvp(lambda a: a.sin().sum(), s), "hvp v=None")
    ex = e_from(x)
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.vjp(lambda a: a * 2, ex)
    with pytest.raises(RuntimeError, match="v can only be None"):
        AF.jvp(lambda a: a * 2, ex)
    with pytest.raises(RuntimeError, match="v has invalid size"):
        AF.jvp(lambda a: a * 2, ex, ember.ones(3, dtype=ember.float64))
    with pytest.raises(RuntimeError, match="v is a tuple of invalid length"):
        AF.vjp(lambda a, b: (a, b), (ex, ex), (ex,))
    with pytest.raises(RuntimeError, match="should return a single Tensor"):
        AF.hvp(lambda a: (a.sum(), a.sum()), ex, ex)
    with pytest.raises(RuntimeError, match="should contain a single element"):
        AF.vhp(lambda a: a * 2, ex, ex)
    # unused inputs: zeros, or an error in strict mode
    res = AF.vjp(lambda a, b: a * 2, (ex, ex), ex)
    close(res[1][1], torch.zeros(4, dtype=torch.float64), what="zero vjp")
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.vjp(lambda a, b: a * 2, (ex, ex), ex, strict=True)
    # linear function: its Hessian is independent of the input (strict), zeros otherwise
    close(AF.hvp(lambda a: (a * 3).sum(), ex, ex)[1], torch.zeros(4, dtype=torch.float64), what="zero hvp")
    with pytest.raises(RuntimeError, match="jacobian of the user-provided function"):
        AF.hvp(lambda a: (a * 3).sum(), ex, ex, strict=True)
