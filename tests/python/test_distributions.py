"""ember.distributions against torch.distributions 1.13: Categorical, Normal, Bernoulli and Uniform.

log_prob, entropy, cdf and the moments are compared with torch's values (and their gradients); samples
cannot match torch's random stream, so their shapes, dtypes, support and sample statistics are checked,
and rsample's gradient against the reparameterization it is."""
import math

import numpy as np
import pytest

import ember
import ember.distributions as D

torch = pytest.importorskip("torch")
import torch.distributions as TD  # noqa: E402


def to_np(t):
    return t.detach().cpu().numpy()


def e_from(t, requires_grad=False):
    x = ember.tensor(to_np(t))
    return x.requires_grad_(True) if requires_grad else x


def close(e, t, atol=1e-6, rtol=1e-5, what=""):
    assert tuple(e.shape) == tuple(t.shape), "%s: shape %s != torch %s" % (what, tuple(e.shape), tuple(t.shape))
    assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], "%s: dtype %s vs %s" % (what, e.dtype, t.dtype)
    np.testing.assert_allclose(to_np(e).astype(np.float64), to_np(t).astype(np.float64), atol=atol, rtol=rtol,
                               equal_nan=True, err_msg=what)


def compare(make, params, values, methods=("log_prob", "entropy"), props=("mean", "variance", "stddev")):
    """make(module) -> distribution class; params: torch tensors. Compares methods, properties and the
    gradients of sum(log_prob) + sum(entropy) with respect to the float parameters."""
    tp = [p.detach().clone().requires_grad_(p.is_floating_point()) for p in params]
    ep = [e_from(p, p.is_floating_point()) for p in params]
    td, ed = make(TD)(*tp), make(D)(*ep)
    assert tuple(ed.batch_shape) == tuple(td.batch_shape) and tuple(ed.event_shape) == tuple(td.event_shape)
    tl, el = 0, 0
    for name in methods:
        if name in ("log_prob", "cdf"):
            t, e = getattr(td, name)(values), getattr(ed, name)(e_from(values))
        else:
            t, e = getattr(td, name)(), getattr(ed, name)()
        close(e, t, what=name)
        tl, el = tl + t.sum(), el + e.sum()
    for name in props:
        close(getattr(ed, name), getattr(td, name), what=name)
    if isinstance(tl, int):
        return td, ed
    tl.backward()
    el.backward()
    for i, (t, e) in enumerate(zip(tp, ep)):
        if t.grad is not None:
            close(e.grad, t.grad, what="grad of parameter %d" % i)
    return td, ed


# ------------------------------------------------------------------- Normal

@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_normal_matches_torch(dtype):
    loc = torch.tensor([0.0, 1.5, -2.0], dtype=dtype)
    scale = torch.tensor([1.0, 0.5, 3.0], dtype=dtype)
    values = torch.tensor([[0.3, 1.0, -5.0], [2.0, 1.5, 0.0]], dtype=dtype)
    compare(lambda m: m.Normal, [loc, scale], values, methods=("log_prob", "entropy", "cdf"),
            props=("mean", "variance", "stddev", "mode"))
    q = torch.tensor([0.1, 0.5, 0.9], dtype=dtype)
    close(D.Normal(e_from(loc), e_from(scale)).icdf(e_from(q)), TD.Normal(loc, scale).icdf(q), atol=1e-5)


def test_normal_scalars_and_broadcast():
    close(D.Normal(0.0, 2.0).log_prob(ember.tensor(1.0)), TD.Normal(0.0, 2.0).log_prob(torch.tensor(1.0)))
    assert tuple(D.Normal(0.0, 1.0).batch_shape) == ()
    d = D.Normal(ember.zeros(3), 1.0)
    assert tuple(d.batch_shape) == (3,) and tuple(d.sample((2,)).shape) == (2, 3)


def test_normal_sampling_statistics_and_rsample_grad():
    ember.manual_seed(0)
    loc = ember.tensor([1.0, -2.0], requires_grad=True)
    scale = ember.tensor([0.5, 2.0], requires_grad=True)
    d = D.Normal(loc, scale)
    s = d.sample((20000,))
    assert tuple(s.shape) == (20000, 2) and not s.requires_grad
    np.testing.assert_allclose(to_np(s.mean(0)), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(to_np(s.std(0)), [0.5, 2.0], rtol=0.03)
    r = d.rsample((1000,))
    r.sum().backward()
    # d/dloc sum(loc + eps scale) = n; d/dscale = sum(eps) = sum((r - loc) / scale)
    np.testing.assert_allclose(to_np(loc.grad), [1000.0, 1000.0])
    eps = (r.detach() - loc.detach()) / scale.detach()
    np.testing.assert_allclose(to_np(scale.grad), to_np(eps.sum(0)), rtol=1e-4, atol=1e-3)


def test_normal_validation():
    with pytest.raises(ValueError, match="Expected parameter scale"):
        D.Normal(ember.tensor([0.0]), ember.tensor([-1.0]))
    D.Normal(ember.tensor([0.0]), ember.tensor([-1.0]), validate_args=False)


# -------------------------------------------------------------- Categorical

@pytest.mark.parametrize("use_logits", [False, True])
def test_categorical_matches_torch(use_logits):
    g = torch.Generator().manual_seed(0)
    raw = torch.rand(2, 3, 4, generator=g, dtype=torch.float64) + 0.1
    param = raw.log() * 1.7 if use_logits else raw  # un-normalized either way
    values = torch.tensor([[0, 3, 1], [2, 2, 0]])
    key = "logits" if use_logits else "probs"
    td, ed = compare(lambda m: (lambda p: m.Categorical(**{key: p})), [param], values, props=())
    close(ed.probs, td.probs, what="probs")
    close(ed.logits, td.logits, what="logits")
    assert ed.mode.tolist() == td.mode.tolist()
    assert tuple(ed.param_shape) == tuple(td.param_shape)
    close(ed.enumerate_support(), td.enumerate_support(), what="enumerate_support")


def test_categorical_sampling():
    ember.manual_seed(0)
    d = D.Categorical(probs=ember.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]))
    s = d.sample((5000,))
    assert tuple(s.shape) == (5000, 2) and s.dtype == ember.int64
    freq = np.stack([(to_np(s[:, 0]) == k).mean() for k in range(3)])
    np.testing.assert_allclose(freq, [0.1, 0.2, 0.7], atol=0.03)
    assert (to_np(s[:, 1]) != 2).all()
    assert tuple(D.Categorical(logits=ember.zeros(4)).sample().shape) == ()


def test_categorical_entropy_with_zero_probability_and_errors():
    p = torch.tensor([0.5, 0.5, 0.0])
    close(D.Categorical(probs=e_from(p)).entropy(), TD.Categorical(probs=p).entropy())
    with pytest.raises(ValueError, match="Either `probs` or `logits` must be specified"):
        D.Categorical()
    with pytest.raises(ValueError, match="within the support"):
        D.Categorical(probs=ember.tensor([0.5, 0.5])).log_prob(ember.tensor(2))


# ---------------------------------------------------------------- Bernoulli

@pytest.mark.parametrize("use_logits", [False, True])
def test_bernoulli_matches_torch(use_logits):
    probs = torch.tensor([[0.1, 0.5, 0.9], [0.3, 0.99, 0.01]], dtype=torch.float64)
    param = torch.log(probs / (1 - probs)) if use_logits else probs
    values = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    key = "logits" if use_logits else "probs"
    td, ed = compare(lambda m: (lambda p: m.Bernoulli(**{key: p})), [param], values,
                     props=("mean", "variance", "mode"))
    close(ed.probs, td.probs, what="probs")
    close(ed.logits, td.logits, what="logits")
    close(ed.enumerate_support(), td.enumerate_support(), what="enumerate_support")


def test_bernoulli_sampling():
    ember.manual_seed(0)
    d = D.Bernoulli(probs=ember.tensor([0.2, 0.8]))
    s = d.sample((10000,))
    assert tuple(s.shape) == (10000, 2) and s.dtype == ember.float32
    np.testing.assert_allclose(to_np(s.mean(0)), [0.2, 0.8], atol=0.02)
    assert set(np.unique(to_np(s))) <= {0.0, 1.0}
    with pytest.raises(ValueError, match="Expected parameter probs"):
        D.Bernoulli(probs=ember.tensor([1.5]))


# ------------------------------------------------------------------ Uniform

def test_uniform_matches_torch():
    low = torch.tensor([0.0, -1.0, 2.0], dtype=torch.float64)
    high = torch.tensor([1.0, 3.0, 2.5], dtype=torch.float64)
    values = torch.tensor([0.5, 0.0, 2.25], dtype=torch.float64)
    compare(lambda m: m.Uniform, [low, high], values, methods=("log_prob", "entropy", "cdf"))
    close(D.Uniform(e_from(low), e_from(high)).icdf(ember.tensor([0.5, 0.25, 1.0], dtype=ember.float64)),
          TD.Uniform(low, high).icdf(torch.tensor([0.5, 0.25, 1.0], dtype=torch.float64)))


def test_uniform_sampling_and_rsample_grad():
    ember.manual_seed(0)
    low = ember.tensor([0.0, 10.0], requires_grad=True)
    high = ember.tensor([1.0, 14.0], requires_grad=True)
    d = D.Uniform(low, high)
    s = d.sample((10000,))
    v = to_np(s)
    assert (v[:, 0] >= 0).all() and (v[:, 0] < 1).all() and (v[:, 1] >= 10).all() and (v[:, 1] < 14).all()
    np.testing.assert_allclose(v.mean(0), [0.5, 12.0], atol=0.05)
    r = d.rsample((100,))
    r.sum().backward()
    u = (r.detach() - low.detach()) / (high.detach() - low.detach())
    np.testing.assert_allclose(to_np(high.grad), to_np(u.sum(0)), rtol=1e-4)
    np.testing.assert_allclose(to_np(low.grad), to_np((1 - u).sum(0)), rtol=1e-4)
    with pytest.raises(ValueError, match="Uniform is not defined when low>= high"):
        D.Uniform(ember.tensor([1.0]), ember.tensor([0.0]))
    assert math.isinf(D.Uniform(0.0, 1.0, validate_args=False).log_prob(ember.tensor(2.0)).item())
