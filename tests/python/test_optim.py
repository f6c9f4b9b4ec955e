"""ember.optim against torch 1.13: trajectories over a few steps from the same weights and
gradients, state_dict format and round trip, param groups, schedulers' lr sequences."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
optim = ember.optim
sched = ember.optim.lr_scheduler


def to_np(t):
    return t.detach().cpu().numpy()


def make_pair(dtype=np.float32):
    rng = np.random.default_rng(0)
    w = [rng.standard_normal((4, 3)).astype(dtype), rng.standard_normal(3).astype(dtype)]
    tp = [torch.nn.Parameter(torch.tensor(a)) for a in w]
    ep = [ember.nn.Parameter(ember.tensor(a)) for a in w]
    return tp, ep


def loss_of(params, x, lib):
    w, b = params
    return ((lib.tanh(x @ w + b)) ** 2).sum()


def run(tcls, ecls, kw, steps=5, dtype=np.float32, groups=False):
    tp, ep = make_pair(dtype)
    if groups:
        topt = tcls([{"params": [tp[0]]}, {"params": [tp[1]], "lr": 0.05}], **kw)
        eopt = ecls([{"params": [ep[0]]}, {"params": [ep[1]], "lr": 0.05}], **kw)
    else:
        topt, eopt = tcls(tp, **kw), ecls(ep, **kw)
    rng = np.random.default_rng(1)
    for _ in range(steps):
        x = rng.standard_normal((5, 4)).astype(dtype)
        topt.zero_grad(set_to_none=True)
        eopt.zero_grad(set_to_none=True)
        loss_of(tp, torch.tensor(x), torch).backward()
        loss_of(ep, ember.tensor(x), ember).backward()
        topt.step()
        eopt.step()
    tol = 1e-5 if dtype == np.float32 else 1e-10
    for a, b in zip(tp, ep):
        np.testing.assert_allclose(to_np(b), to_np(a), atol=tol, rtol=tol * 10)
    return topt, eopt, tp, ep


@pytest.mark.parametrize("kw", [dict(lr=0.1), dict(lr=0.1, momentum=0.9), dict(lr=0.1, momentum=0.9, nesterov=True),
                                dict(lr=0.1, momentum=0.5, dampening=0.3, weight_decay=0.01),
                                dict(lr=0.1, momentum=0.9, maximize=True)])
def test_sgd(kw):
    run(torch.optim.SGD, optim.SGD, kw)


@pytest.mark.parametrize("kw", [dict(), dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1),
                                dict(lr=0.01, amsgrad=True), dict(lr=0.01, maximize=True)])
@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_adam(name, kw):
    run(getattr(torch.optim, name), getattr(optim, name), kw)


def test_adam_float64_and_groups():
    run(torch.optim.Adam, optim.Adam, dict(lr=0.01), dtype=np.float64)
    run(torch.optim.SGD, optim.SGD, dict(lr=0.1, momentum=0.9), groups=True)


@pytest.mark.parametrize("kw", [dict(), dict(lr=0.01, momentum=0.9), dict(lr=0.01, centered=True, weight_decay=0.1),
                                dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True)])
def test_rmsprop(kw):
    run(torch.optim.RMSprop, optim.RMSprop, kw)


@pytest.mark.parametrize("kw", [dict(), dict(lr=0.1, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.5)])
def test_adagrad(kw):
    run(torch.optim.Adagrad, optim.Adagrad, kw)


def test_state_dict_format_and_resume():
    topt, eopt, tp, ep = run(torch.optim.Adam, optim.Adam, dict(lr=0.01, amsgrad=True), steps=3)
    tsd, esd = topt.state_dict(), eopt.state_dict()
    assert esd["param_groups"][0].keys() == tsd["param_groups"][0].keys()
    assert esd["param_groups"][0]["params"] == tsd["param_groups"][0]["params"] == [0, 1]
    assert sorted(esd["state"]) == sorted(tsd["state"])
    assert esd["state"][0].keys() == tsd["state"][0].keys()
    assert float(esd["state"][0]["step"]) == float(tsd["state"][0]["step"]) == 3.0
    np.testing.assert_allclose(to_np(esd["state"][0]["exp_avg"]), to_np(tsd["state"][0]["exp_avg"]), atol=1e-6)
    # a fresh optimizer resumed from the state continues the same trajectory
    e2 = optim.Adam(ep, lr=0.5, amsgrad=True)
    e2.load_state_dict(esd)
    assert e2.param_groups[0]["lr"] == 0.01
    assert e2.state[ep[0]]["exp_avg"] is not None
    x = np.ones((5, 4), np.float32)
    topt.zero_grad()
    e2.zero_grad()
    loss_of(tp, torch.tensor(x), torch).backward()
    loss_of(ep, ember.tensor(x), ember).backward()
    topt.step()
    e2.step()
    for a, b in zip(tp, ep):
        np.testing.assert_allclose(to_np(b), to_np(a), atol=1e-5)


def test_sgd_state_and_zero_grad():
    _, eopt, _, ep = run(torch.optim.SGD, optim.SGD, dict(lr=0.1, momentum=0.9), steps=2)
    assert set(eopt.state[ep[0]].keys()) == {"momentum_buffer"}
    assert ep[0].grad is not None
    eopt.zero_grad(set_to_none=False)
    assert float(ep[0].grad.abs().sum()) == 0
    eopt.zero_grad()
    assert ep[0].grad is None
    with pytest.raises(ValueError):
        optim.SGD(ep, lr=0.1, nesterov=True)
    with pytest.raises(ValueError):
        optim.SGD([{"params": ep}, {"params": ep[:1]}], lr=0.1)


def test_add_param_group_defaults():
    tp, ep = make_pair()
    o = optim.Adam([ep[0]], lr=0.1)
    o.add_param_group({"params": ep[1], "weight_decay": 0.5})
    g = o.param_groups[1]
    assert g["lr"] == 0.1 and g["weight_decay"] == 0.5 and g["betas"] == (0.9, 0.999)
    t = torch.optim.Adam([tp[0]], lr=0.1)
    t.add_param_group({"params": tp[1], "weight_decay": 0.5})
    assert set(g.keys()) == set(t.param_groups[1].keys())



@pytest.mark.parametrize("kw", [dict(), dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1), dict(maximize=True)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adadelta(kw, dtype):
    topt, eopt, _, _ = run(torch.optim.Adadelta, optim.Adadelta, kw, dtype=dtype)
    run(torch.optim.Adadelta, optim.Adadelta, kw, groups=True)
    with pytest.raises(ValueError, match="rho"):
        optim.Adadelta([ember.nn.Parameter(ember.zeros(2))], rho=1.5)


# ---------------------------------------------------------------- NAdam / RAdam / Adamax
# NAdam is compared with torch 1.13's default (single-tensor) NAdam, the one its users get, stray factor of
# mu in the exp_avg term's bias correction included (see Note [NAdam's mu_product] in src/optim/fused_steps.cpp).
ADAM_FAMILY = {"NAdam": torch.optim.NAdam, "RAdam": torch.optim.RAdam, "Adamax": torch.optim.Adamax}
ADAM_FAMILY_KW = [
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1, momentum_decay=0.01)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1, eps=1e-6)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1)),
    ("Adamax", dict(lr=0.01, weight_decay=0.1, maximize=True)),
]


# 8 steps: RAdam takes plain momentum steps while rho_t <= 5 (steps 1-5 for both beta2s here), then
# rectified ones, so both branches are compared.
@pytest.mark.parametrize("name,kw", ADAM_FAMILY_KW)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nadam_radam_adamax(name, kw, dtype):
    run(ADAM_FAMILY[name], getattr(optim, name), kw, steps=8, dtype=dtype)


@pytest.mark.parametrize("name,kw", ADAM_FAMILY_KW)
def test_nadam_radam_adamax_param_groups(name, kw):
    run(ADAM_FAMILY[name], getattr(optim, name), kw, steps=8, dtype=np.float64, groups=True)


def test_nadam_radam_adamax_defaults_match_torch():
    import inspect

    for name in ADAM_FAMILY:
        t, e = inspect.signature(getattr(torch.optim, name)), inspect.signature(getattr(optim, name))
        assert [(p.name, p.default, p.kind) for p in e.parameters.values()] == \
            [(p.name, p.default, p.kind) for p in t.parameters.values()], name
        tp, ep = make_pair()
        tg, eg = getattr(torch.optim, name)(tp).param_groups[0], getattr(optim, name)(ep).param_groups[0]
        assert {k: v for k, v in eg.items() if k != "params"} == {k: v for k, v in tg.items() if k != "params"}


@pytest.mark.parametrize("name", ["NAdam", "RAdam", "Adamax"])
def test_nadam_radam_adamax_state_dict(name, tmp_path):
    topt, eopt, tp, ep = run(ADAM_FAMILY[name], getattr(optim, name), dict(lr=0.01, weight_decay=0.1), steps=3)
    tsd, esd = topt.state_dict(), eopt.state_dict()
    assert esd["param_groups"] == tsd["param_groups"]
    assert sorted(esd["state"]) == sorted(tsd["state"]) == [0, 1]
    for k in (0, 1):
        assert esd["state"][k].keys() == tsd["state"][k].keys()
        for sname, tv in tsd["state"][k].items():
            ev = esd["state"][k][sname]
            assert isinstance(ev, ember.Tensor) and str(ev.dtype) == str(tv.dtype).replace("torch", "ember"), sname
            np.testing.assert_allclose(to_np(ev), to_np(tv), rtol=1e-5, atol=1e-7, err_msg=sname)

    def step_both(t_opt, e_opt, x):
        t_opt.zero_grad()
        e_opt.zero_grad()
        loss_of(tp, torch.tensor(x), torch).backward()
        loss_of(ep, ember.tensor(x), ember).backward()
        t_opt.step()
        e_opt.step()
        for a, b in zip(tp, ep):
            np.testing.assert_allclose(to_np(b), to_np(a), atol=1e-5, rtol=1e-4)

    # ember's own state dict round trip: a fresh optimizer continues the trajectory
    e2 = getattr(optim, name)(ep, lr=0.5)
    e2.load_state_dict(esd)
    assert e2.param_groups[0]["lr"] == 0.01 and e2.state[ep[0]]["step"] == 3
    step_both(topt, e2, np.ones((5, 4), np.float32))
    # a state dict torch saved loads too (torch.save -> ember.load), and continues torch's trajectory
    path = str(tmp_path / "optim.pt")
    torch.save(topt.state_dict(), path)
    e3 = getattr(optim, name)(ep)
    e3.load_state_dict(ember.load(path))
    assert e3.state[ep[1]]["step"] == 4
    step_both(topt, e3, np.full((5, 4), 0.5, np.float32))


@pytest.mark.parametrize("name,kw", [
    ("NAdam", dict(lr=-1.0)), ("NAdam", dict(eps=-1e-8)), ("NAdam", dict(betas=(1.0, 0.999))),
    ("NAdam", dict(betas=(0.9, 1.5))), ("NAdam", dict(weight_decay=-0.1)), ("NAdam", dict(momentum_decay=-1)),
    ("RAdam", dict(lr=-0.5)), ("RAdam", dict(betas=(-0.1, 0.999))), ("RAdam", dict(weight_decay=-1)),
    ("Adamax", dict(eps=-1)), ("Adamax", dict(betas=(0.9, 1.0))), ("Adamax", dict(weight_decay=-0.01)),
])
def test_nadam_radam_adamax_bad_arguments(name, kw):
    tp, ep = make_pair()
    with pytest.raises(ValueError) as t_err:
        getattr(torch.optim, name)(tp, **kw)
    with pytest.raises(ValueError, match="^Invalid ") as e_err:
        getattr(optim, name)(ep, **kw)
    assert str(e_err.value) == str(t_err.value)

# ---------------------------------------------------------------- schedulers
def lr_sequence(lib, make_sched, steps=12, base=None, opt="SGD"):
    p = lib.nn.Parameter(lib.zeros(2))
    o = getattr(lib.optim, opt)([p], lr=0.1) if base is None else getattr(lib.optim, opt)(
        [{"params": [p]}], lr=base)
    s = make_sched(lib, o)
    seq = []
    for _ in range(steps):
        seq.append(list(s.get_last_lr()))
        o.step()
        s.step()
    return seq, s.last_epoch


@pytest.mark.parametrize("make", [
    lambda lib, o: lib.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    lambda lib, o: lib.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
    lambda lib, o: lib.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
    lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.01),
    lambda lib, o: lib.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=4),
    lambda lib, o: lib.optim.lr_scheduler.LambdaLR(o, lambda e: 1.0 / (e + 1)),
    lambda lib, o: lib.optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=13),
    lambda lib, o: lib.optim.lr_scheduler.SequentialLR(
        o, [lib.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=3),
            lib.optim.lr_scheduler.CosineAnnealingLR(o, T_max=6)], milestones=[3]),
    lambda lib, o: lib.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=4),
    lambda lib, o: lib.optim.lr_scheduler.MultiplicativeLR(o, lambda e: 0.9),
    lambda lib, o: lib.optim.lr_scheduler.PolynomialLR(o, total_iters=6, power=2.0),
    lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
])
def test_scheduler_sequences(make):
    t, tl = lr_sequence(torch, make)
    e, el = lr_sequence(ember, make)
    np.testing.assert_allclose(np.array(e), np.array(t), rtol=1e-12, atol=1e-15)
    assert el == tl


def test_onecycle_with_adam_betas():
    def make(lib, o):
        return lib.optim.lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=10, pct_start=0.4)
    t, _ = lr_sequence(torch, make, steps=9, opt="Adam")
    e, _ = lr_sequence(ember, make, steps=9, opt="Adam")
    np.testing.assert_allclose(np.array(e), np.array(t), rtol=1e-12)


@pytest.mark.parametrize("kw", [dict(), dict(mode="max", threshold_mode="abs", threshold=0.1),
                                dict(patience=1, cooldown=2, min_lr=0.02, factor=0.5)])
def test_reduce_lr_on_plateau(kw):
    metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.89, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.88, 0.9, 0.9, 0.9] * 2
    if kw.get("mode") == "max":
        metrics = [-m for m in metrics]
    kw = dict(kw, patience=kw.get("patience", 2))

    def run_lib(lib):
        p = lib.nn.Parameter(lib.zeros(2))
        o = lib.optim.SGD([p], lr=0.1)
        s = lib.optim.lr_scheduler.ReduceLROnPlateau(o, **kw)
        lrs = []
        for m in metrics:
            o.step()
            s.step(lib.tensor(m))
            lrs.append(o.param_groups[0]["lr"])
        return lrs, s

    t, ts = run_lib(torch)
    e, es = run_lib(ember)
    np.testing.assert_allclose(e, t, rtol=1e-12)
    assert es.num_bad_epochs == ts.num_bad_epochs and es.best == pytest.approx(ts.best)
    sd = es.state_dict()
    assert "optimizer" not in sd and sd["best"] == es.best
    with pytest.raises(ValueError):
        ember.optim.lr_scheduler.ReduceLROnPlateau(es.optimizer, factor=1.5)
