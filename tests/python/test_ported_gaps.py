"""Gaps that ported PyTorch programs hit (tests/python/test_ported_programs.py runs the programs), each checked
against torch 1.13: index_fill / index_fill_, torch.where(cond) as a tuple, `p.data = t`,
is_inference_mode_enabled, parameters_to_vector / vector_to_parameters, and ember.save's message for a whole
module."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

from test_nn import close, e_from  # noqa: E402


@pytest.mark.parametrize("dim,index", [(1, [0, 2, 2]), (0, [1]), (-1, [-1]), (1, 2), (2, [])])
def test_index_fill_matches_torch(dim, index):
    x = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
    ex = e_from(x, True)
    ti, ei = torch.tensor(index, dtype=torch.long), ember.tensor(index, dtype=ember.int64)
    t = x.index_fill(dim, ti, -1.5)
    e = ex.index_fill(dim, ei, -1.5)
    close(e, t)
    w = torch.randn(t.shape, dtype=torch.float64)
    (t * w).sum().backward()
    (e * e_from(w)).sum().backward()
    close(ex.grad, x.grad)
    if not index or index == [-1]:
        return  # torch 1.13's backward of index_fill with a tensor value raises here (empty or negative index)
    # a 0-d tensor value gets the gradient of every filled element
    v, ev = torch.tensor(2.0, dtype=torch.float64, requires_grad=True), ember.tensor(2.0, dtype=ember.float64)
    ev.requires_grad_(True)
    tv = x.detach().index_fill(dim, ti, v)
    evv = ember.index_fill(ex.detach(), dim, ei, ev)
    close(evv, tv)
    tv.sum().backward()
    evv.sum().backward()
    close(ev.grad, v.grad)


def test_index_fill_in_place_and_integer():
    x = torch.arange(12).view(3, 4)
    ex = e_from(x)
    assert ex.index_fill_(0, ember.tensor([0, 2]), 7) is ex
    x.index_fill_(0, torch.tensor([0, 2]), 7)
    assert ex.tolist() == x.tolist() and ex.dtype == ember.int64
    assert ember.tensor(3.0).index_fill(0, ember.tensor([0]), 1.0).item() == 1.0


def test_index_fill_errors():
    x = ember.zeros(2, 3)
    ours = ember.__name__ == "ember"  # under EMBER_TEST_WITH_TORCH, torch's messages

    def msg(e, t):
        return e if ours else t

    with pytest.raises(IndexError, match=msg("index_fill: index 3 is out of bounds for dim 1 of size 3",
                                             "index 3 is out of bounds")):
        x.index_fill(1, ember.tensor([3]), 0.0)
    with pytest.raises(IndexError, match=msg("index_fill: expected an int64 index, got float32", "int64")):
        x.index_fill(1, ember.tensor([0.0]), 0.0)
    with pytest.raises(IndexError, match=msg("index_fill: dim 2 is out of range", "out of range")):
        x.index_fill(2, ember.tensor([0]), 0.0)
    with pytest.raises(RuntimeError, match=msg("index_fill: index must be 1-D or 0-D, got shape \\[1, 1\\]",
                                               "vector/scalar")):
        x.index_fill(1, ember.tensor([[0]]), 0.0)
    with pytest.raises(RuntimeError, match="only supports a 0-dimensional value tensor"):
        x.index_fill(1, ember.tensor([0]), ember.tensor([1.0, 2.0]))
    leaf = ember.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        leaf.index_fill_(0, ember.tensor([0]), 1.0)


def test_where_with_only_a_condition_returns_a_tuple():
    x = torch.tensor([[0.0, 1.0], [2.0, 0.0]])
    t, e = torch.where(x > 0), ember.where(e_from(x) > 0)
    assert type(e) is tuple and len(e) == 2
    for a, b in zip(e, t):
        assert a.tolist() == b.tolist() and a.dtype == ember.int64
    e0 = ember.where(ember.tensor(True))
    assert type(e0) is tuple and [a.tolist() for a in e0] == [a.tolist() for a in torch.where(torch.tensor(True))]


def test_assigning_data_keeps_the_parameter():
    lin = ember.nn.Linear(3, 2)
    w = lin.weight
    new = ember.tensor(np.arange(12, dtype=np.float64).reshape(4, 3))
    lin.weight.data = new
    assert lin.weight is w and isinstance(w, ember.nn.Parameter) and w.requires_grad
    assert w.shape == (4, 3) and w.dtype == ember.float64 and w.tolist() == new.tolist()
    new[0, 0] = 100.0  # shares new's memory, as torch's set_data
    assert w[0, 0].item() == 100.0
    (w * 2).sum().backward()
    assert w.grad.shape == (4, 3)
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got int"):
        lin.weight.data = 3


def test_inference_mode_is_reported():
    assert not ember.is_inference_mode_enabled()
    with ember.inference_mode():
        assert ember.is_inference_mode_enabled() and not ember.is_grad_enabled()
        with ember.inference_mode(False):
            assert not ember.is_inference_mode_enabled()
        assert ember.is_inference_mode_enabled()
    assert not ember.is_inference_mode_enabled() and ember.is_grad_enabled()

    @ember.inference_mode()
    def f():
        return ember.is_inference_mode_enabled()

    assert f() and not ember.is_inference_mode_enabled()


def test_parameters_to_vector_and_back():
    tm = torch.nn.Linear(3, 2)
    em = ember.nn.Linear(3, 2)
    em.load_state_dict({k: e_from(v) for k, v in tm.state_dict().items()})
    tv = torch.nn.utils.parameters_to_vector(tm.parameters())
    ev = ember.nn.utils.parameters_to_vector(em.parameters())
    close(ev, tv)
    ev.sum().backward()  # the vector is differentiable, as torch's cat of views
    assert em.weight.grad.tolist() == [[1.0] * 3] * 2
    ember.nn.utils.vector_to_parameters(ember.arange(8.0), em.parameters())
    torch.nn.utils.vector_to_parameters(torch.arange(8.0), tm.parameters())
    close(em.weight, tm.weight.detach())
    close(em.bias, tm.bias.detach())
    assert isinstance(em.bias, ember.nn.Parameter)
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        ember.nn.utils.vector_to_parameters([1.0], em.parameters())


def test_saving_a_whole_module_says_to_save_its_state_dict(tmp_path):
    if ember.__name__ != "ember":
        pytest.skip("torch pickles whole modules")
    with pytest.raises(TypeError, match="save its state_dict\\(\\) and load it into a new Linear"):
        ember.save(ember.nn.Linear(2, 2), str(tmp_path / "m.pt"))


def test_autocast_is_recorded_and_disables_itself_without_cuda():
    assert not ember.is_autocast_cpu_enabled()
    with ember.autocast(device_type="cpu", dtype=ember.bfloat16):
        assert ember.is_autocast_cpu_enabled() and ember.get_autocast_cpu_dtype() == ember.bfloat16
        with ember.autocast(device_type="cpu", enabled=False):
            assert not ember.is_autocast_cpu_enabled()
        assert ember.is_autocast_cpu_enabled()
    assert not ember.is_autocast_cpu_enabled()

    @ember.autocast(device_type="cpu")
    def f():
        return ember.is_autocast_cpu_enabled()

    assert f()
    if not ember.cuda.is_available():
        with pytest.warns(UserWarning, match="CUDA is not available. Disabling"):
            ctx = ember.cuda.amp.autocast()
        with ctx:
            assert not ember.is_autocast_enabled()
    with pytest.raises(RuntimeError, match="device_type must be 'cuda' or 'cpu'"):
        ember.autocast(device_type="tpu")
    from ember.cuda.amp import GradScaler, autocast  # noqa: F401  (the import scripts write)


def test_grad_scaler_passes_through_without_cuda():
    if ember.cuda.is_available():
        pytest.skip("a CUDA device enables the scaler")
    with pytest.warns(UserWarning, match="GradScaler is enabled, but CUDA is not available.  Disabling."):
        scaler = ember.cuda.amp.GradScaler()
    p = ember.nn.Parameter(ember.ones(2))
    opt = ember.optim.SGD([p], lr=0.5)
    loss = (p * 3).sum()
    assert scaler.scale(loss) is loss and scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    loss.backward()
    scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()
    assert p.tolist() == [-0.5, -0.5]


def test_grad_scaler_algorithm(monkeypatch):
    """Scaling, unscaling, skipping a step with inf gradients, backing off and growing, as torch's scaler."""
    if ember.__name__ != "ember":
        pytest.skip("torch's scaler needs a CUDA device")
    monkeypatch.setattr(ember._C._cuda, "is_available", lambda: True)
    scaler = ember.amp.GradScaler(init_scale=8.0, growth_interval=2)
    p = ember.nn.Parameter(ember.ones(2))
    opt = ember.optim.SGD([p], lr=1.0)
    scaled = scaler.scale((p * 2).sum())
    assert scaled.item() == 32.0
    scaled.backward()
    scaler.step(opt)  # unscales first: grads 2, 2
    scaler.update()
    assert p.tolist() == [-1.0, -1.0] and scaler.get_scale() == 8.0
    with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
        opt.zero_grad()
        scaler.scale((p * 2).sum()).backward()
        scaler.unscale_(opt)
        scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()  # the second clean step: the scale grows
    assert scaler.get_scale() == 16.0
    opt.zero_grad()
    scaler.scale((p * float("inf")).sum()).backward()
    before = p.tolist()
    scaler.step(opt)  # skipped
    scaler.update()
    assert p.tolist() == before and scaler.get_scale() == 8.0
    state = scaler.state_dict()
    assert state["scale"] == 8.0 and state["_growth_tracker"] == 0


def test_weighted_random_sampler():
    g = ember.Generator().manual_seed(0)
    s = ember.utils.data.WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], num_samples=50, generator=g)
    idx = list(s)
    assert len(s) == 50 and len(idx) == 50 and set(idx) <= {1, 3} and idx.count(3) > idx.count(1)
    s = ember.utils.data.WeightedRandomSampler([1.0, 1.0, 1.0], num_samples=3, replacement=False)
    assert sorted(s) == [0, 1, 2]
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but got num_samples=0"):
        ember.utils.data.WeightedRandomSampler([1.0], 0)
    with pytest.raises(ValueError, match="weights should be a 1d sequence but given weights have shape \\(1, 2\\)"):
        ember.utils.data.WeightedRandomSampler([[1.0, 2.0]], 2)


def test_checkpoint_gives_torchs_values_and_gradients():
    import warnings

    from ember.utils.checkpoint import checkpoint, checkpoint_sequential
    from torch.utils.checkpoint import checkpoint as tcheckpoint

    tm = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    em = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.Tanh(), ember.nn.Linear(4, 2))
    em.load_state_dict({k: e_from(v) for k, v in tm.state_dict().items()})
    x = torch.randn(5, 3, requires_grad=True)
    ex = e_from(x, True)
    t = tcheckpoint(tm, x)
    e = checkpoint(em, ex)
    close(e, t)
    t.sum().backward()
    e.sum().backward()
    close(ex.grad, x.grad)
    close(em[0].weight.grad, tm[0].weight.grad)
    close(checkpoint_sequential(em, 2, ex), tm(x))
    with pytest.raises(ValueError, match="Unexpected keyword arguments: foo"):
        checkpoint(em, ex, foo=1)
    assert checkpoint(lambda a, foo: a * foo, ex, foo=2, use_reentrant=False).requires_grad
    # torch's reentrant checkpoint records nothing when no input requires grad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert tcheckpoint(tm, x.detach()).requires_grad is False
        assert checkpoint(em, ex.detach()).requires_grad is False


def test_full_backward_hook_matches_torch():
    tm, em = torch.nn.Linear(3, 2), ember.nn.Linear(3, 2)
    em.load_state_dict({k: e_from(v) for k, v in tm.state_dict().items()})
    seen = {}
    for name, m in (("t", tm), ("e", em)):
        def hook(mod, gin, gout, name=name):
            seen[name] = (mod, [None if g is None else to_list(g) for g in gin], [to_list(g) for g in gout])
            return (gin[0] * 3,)
        h = m.register_full_backward_hook(hook)
    x = torch.randn(4, 3, requires_grad=True)
    ex = e_from(x, True)
    (tm(x) ** 2).sum().backward()
    (em(ex) ** 2).sum().backward()
    assert seen["e"][0] is em
    np.testing.assert_allclose(seen["e"][1], seen["t"][1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(seen["e"][2], seen["t"][2], rtol=1e-5, atol=1e-6)
    close(ex.grad, x.grad)
    close(em.weight.grad, tm.weight.grad)
    h.remove()
    ex.grad = None
    em(ex).sum().backward()
    assert ex.grad.sum().item() == pytest.approx(em.weight.sum(0).sum().item() * 4, rel=1e-5)
    with pytest.raises(RuntimeError, match="returned an invalid number of grad_input, got 2, but expected 1"):
        em.register_full_backward_hook(lambda m, gin, gout: (gin[0], gin[0]))
        em(ex).sum().backward()


def to_list(t):
    return t.detach().numpy().tolist()


def test_like_factories_take_requires_grad():
    # zeros_like / ones_like / full_like filled a leaf that already required grad
    x = ember.randn(3)
    for t in (ember.zeros_like(x, requires_grad=True), ember.ones_like(x, requires_grad=True),
              ember.full_like(x, 2.5, requires_grad=True)):
        assert t.requires_grad and t.is_leaf
        (t * 2).sum().backward()
        np.testing.assert_allclose(t.grad.numpy(), [2.0, 2.0, 2.0])
    assert ember.full_like(x, 2.5)[0].item() == 2.5
