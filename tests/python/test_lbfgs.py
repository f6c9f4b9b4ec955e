"""ember.optim.LBFGS against torch.optim.LBFGS 1.13: the same problems from the same
weights, step by step, with and without the strong Wolfe line search, in float64
and float32; state_dict format and round trip; step() needs a closure."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def to_np(t):
    return t.detach().cpu().numpy()


def quadratic(lib, params, data):
    (x,) = params
    a, b = data
    r = lib.matmul(a, x) - b
    return (r * r).sum()


def rosenbrock(lib, params, data):
    (x,) = params
    return ((1 - x[:-1]) ** 2).sum() + 100 * ((x[1:] - x[:-1] ** 2) ** 2).sum()


def mlp(lib, params, data):
    w1, b1, w2, b2 = params
    x, y = data
    h = lib.tanh(x @ w1 + b1)
    out = h @ w2 + b2
    return ((out - y) ** 2).mean()


def make_problem(name, dtype, seed=0):
    rng = np.random.default_rng(seed)
    if name == "quadratic":
        a = rng.standard_normal((6, 5))
        a = a.T @ a + np.eye(5)
        return [rng.standard_normal(5)], [a[:5], rng.standard_normal(5)], quadratic
    if name == "rosenbrock":
        return [np.array([-1.5, 2.0, 0.5, -0.3])], [], rosenbrock
    if name == "mlp":
        w = [rng.standard_normal((3, 8)) * 0.5, np.zeros(8), rng.standard_normal((8, 1)) * 0.5, np.zeros(1)]
        x = rng.standard_normal((16, 3))
        y = np.sin(x.sum(1, keepdims=True))
        return w, [x, y], mlp
    raise ValueError(name)


def build(name, dtype, kw):
    w, data, fn = make_problem(name, dtype)
    w = [a.astype(dtype) for a in w]
    data = [a.astype(dtype) for a in data]
    tp = [torch.nn.Parameter(torch.tensor(a)) for a in w]
    ep = [ember.nn.Parameter(ember.tensor(a)) for a in w]
    td = [torch.tensor(a) for a in data]
    ed = [ember.tensor(a) for a in data]
    topt = torch.optim.LBFGS(tp, **kw)
    eopt = ember.optim.LBFGS(ep, **kw)

    def tclosure():
        topt.zero_grad()
        loss = fn(torch, tp, td)
        loss.backward()
        return loss

    def eclosure():
        eopt.zero_grad()
        loss = fn(ember, ep, ed)
        loss.backward()
        return loss

    return tp, ep, topt, eopt, tclosure, eclosure


CASES = [
    ("quadratic", {}),
    ("quadratic", {"line_search_fn": "strong_wolfe"}),
    ("rosenbrock", {"lr": 0.1}),
    ("rosenbrock", {"line_search_fn": "strong_wolfe"}),
    ("rosenbrock", {"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 7}),
    ("mlp", {"lr": 0.5, "max_iter": 5}),
    ("mlp", {"line_search_fn": "strong_wolfe", "max_iter": 10}),
]


# In float32 a rounding apart (ember's dot products sum in another order than
# OpenBLAS's) can end an inner loop one iteration sooner: the iterates must
# still agree to tol, the counters within one.
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-9), (np.float32, 2e-4)])
@pytest.mark.parametrize("name,kw", CASES)
def test_lbfgs_matches_torch(name, kw, dtype, tol):
    tp, ep, topt, eopt, tclosure, eclosure = build(name, dtype, kw)
    for _ in range(4):
        tl = topt.step(tclosure)
        el = eopt.step(eclosure)
        np.testing.assert_allclose(float(el), float(tl), rtol=tol, atol=tol)
        for a, b in zip(ep, tp):
            assert a.dtype == getattr(ember, str(b.dtype).split(".")[1])
            np.testing.assert_allclose(to_np(a), to_np(b), rtol=tol, atol=tol)
        ts, es = topt.state[tp[0]], eopt.state[ep[0]]
        if dtype == np.float64:
            assert es["n_iter"] == ts["n_iter"]
            assert es["func_evals"] == ts["func_evals"]
            assert len(es["old_dirs"]) == len(ts["old_dirs"])
        else:
            assert abs(es["n_iter"] - ts["n_iter"]) <= 1


def test_lbfgs_converges_on_rosenbrock():
    # 100 iterations a step: ember ends where torch does, at the minimum (1, 1) to 1e-4
    def run(lib):
        x = lib.nn.Parameter(lib.tensor([-1.2, 1.0], dtype=lib.float64))
        opt = lib.optim.LBFGS([x], line_search_fn="strong_wolfe", max_iter=100)

        def closure():
            opt.zero_grad()
            loss = rosenbrock(lib, [x], [])
            loss.backward()
            return loss

        for _ in range(3):
            opt.step(closure)
        return to_np(x), opt.state[x]["n_iter"], opt.state[x]["func_evals"]

    ex, en, ef = run(ember)
    tx, tn, tf = run(torch)
    np.testing.assert_allclose(ex, [1.0, 1.0], atol=1e-4)
    np.testing.assert_allclose(ex, tx, rtol=1e-10, atol=1e-12)
    assert (en, ef) == (tn, tf)


def test_lbfgs_state_dict_round_trip():
    kw = {"line_search_fn": "strong_wolfe", "max_iter": 3}
    tp, ep, topt, eopt, tclosure, eclosure = build("mlp", np.float64, kw)
    topt.step(tclosure)
    eopt.step(eclosure)
    tsd, esd = topt.state_dict(), eopt.state_dict()
    assert set(esd["state"][0]) == set(tsd["state"][0])
    assert set(esd["state"][0]) == {"func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag",
                                    "prev_flat_grad", "prev_loss", "al"}
    assert esd["param_groups"][0] == tsd["param_groups"][0]

    # a fresh optimizer loaded from the state dict continues exactly as the original
    w2 = [ember.nn.Parameter(p.detach().clone()) for p in ep]
    opt2 = ember.optim.LBFGS(w2, **kw)
    opt2.load_state_dict(esd)

    def closure2():
        opt2.zero_grad()
        loss = mlp(ember, w2, [ember.tensor(a) for a in make_problem("mlp", np.float64)[1]])
        loss.backward()
        return loss

    topt.step(tclosure)
    eopt.step(eclosure)
    opt2.step(closure2)
    for a, b, c in zip(ep, w2, tp):
        np.testing.assert_allclose(to_np(b), to_np(a), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(to_np(b), to_np(c), rtol=1e-9, atol=1e-9)


def test_lbfgs_defaults_and_errors():
    p = ember.nn.Parameter(ember.zeros(3))
    opt = ember.optim.LBFGS([p])
    g = opt.param_groups[0]
    assert (g["lr"], g["max_iter"], g["max_eval"], g["tolerance_grad"], g["tolerance_change"],
            g["history_size"], g["line_search_fn"]) == (1, 20, 25, 1e-7, 1e-9, 100, None)
    with pytest.raises(TypeError):
        opt.step()
    with pytest.raises(TypeError, match=None if ember.__name__ == "torch" else "closure"):  # torch just calls None
        opt.step(None)
    with pytest.raises(ValueError, match="parameter groups"):
        ember.optim.LBFGS([{"params": [p]}, {"params": [ember.nn.Parameter(ember.zeros(2))]}])
    bad = ember.optim.LBFGS([p], line_search_fn="backtracking")

    def closure():
        bad.zero_grad()
        loss = ((p - 1) ** 2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="strong_wolfe"):
        bad.step(closure)


def test_lbfgs_zero_gradient_returns_early_and_missing_grads():
    # a parameter that gets no gradient counts as zeros in the flat gradient, as torch's
    p = ember.nn.Parameter(ember.tensor([1.0, 2.0]))
    q = ember.nn.Parameter(ember.tensor([3.0]))
    opt = ember.optim.LBFGS([p, q], max_iter=5)

    def closure():
        opt.zero_grad()
        loss = ((p - 0.5) ** 2).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert float(loss) == pytest.approx(0.25 + 2.25)
    np.testing.assert_allclose(to_np(q), [3.0])
    assert float(((p - 0.5) ** 2).sum()) < 1e-8
