"""ember.nn.functional.embedding_bag and nn.EmbeddingBag against torch 1.13: forward and
gradients (weight and per_sample_weights) for sum/mean/max, 1-D input with offsets and
2-D input, padding_idx, include_last_offset, empty bags; bad inputs raise errors naming the op."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def to_np(t):
    return t.detach().cpu().numpy()


IDX = [1, 2, 4, 5, 4, 3, 2, 0, 6, 6]
CASES = [
    # offsets, include_last_offset
    ([0, 2, 2, 5], False),          # an empty bag in the middle
    ([0, 3, 7, 10], True),          # last offset ends the last bag
    ([0, 0, 4, 10], False),         # an empty first bag and an empty last bag
    ([0], False),                   # one bag
]


def pair(dtype=np.float64, seed=0, num=7, dim=4):
    w = np.random.default_rng(seed).standard_normal((num, dim)).astype(dtype)
    return torch.tensor(w, requires_grad=True), ember.tensor(w, requires_grad=True)


def check(tout, eout, tw, ew, tol, extra=()):
    np.testing.assert_allclose(to_np(eout), to_np(tout), rtol=tol, atol=tol)
    g = np.random.default_rng(5).standard_normal(tuple(tout.shape)).astype(to_np(tout).dtype)
    tout.backward(torch.tensor(g))
    eout.backward(ember.tensor(g))
    np.testing.assert_allclose(to_np(ew.grad), to_np(tw.grad), rtol=tol, atol=tol)
    for t, e in extra:
        np.testing.assert_allclose(to_np(e.grad), to_np(t.grad), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("offsets,last", CASES)
@pytest.mark.parametrize("padding_idx", [None, 4, -1])
def test_embedding_bag_1d(mode, offsets, last, padding_idx, dtype, tol):
    tw, ew = pair(dtype)
    ti, ei = torch.tensor(IDX), ember.tensor(IDX)
    to, eo = torch.tensor(offsets), ember.tensor(offsets)
    tout = torch.nn.functional.embedding_bag(ti, tw, to, mode=mode, include_last_offset=last,
                                             padding_idx=padding_idx)
    eout = ember.nn.functional.embedding_bag(ei, ew, eo, mode=mode, include_last_offset=last,
                                             padding_idx=padding_idx)
    assert eout.dtype == ew.dtype and tuple(eout.shape) == tuple(tout.shape)
    check(tout, eout, tw, ew, tol)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_entries_after_last_offset_are_ignored(mode):
    # torch 1.13 corrupts its heap in the backward of this case, so the reference is
    # torch on the input cut at the last offset
    tw, ew = pair()
    tout = torch.nn.functional.embedding_bag(torch.tensor(IDX[:8]), tw, torch.tensor([0, 3, 7, 8]), mode=mode,
                                             include_last_offset=True)
    eout = ember.nn.functional.embedding_bag(ember.tensor(IDX), ew, ember.tensor([0, 3, 7, 8]), mode=mode,
                                             include_last_offset=True)
    check(tout, eout, tw, ew, 1e-12)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 2])
def test_embedding_bag_2d(mode, padding_idx):
    tw, ew = pair()
    idx = [[1, 2, 3], [2, 2, 6], [0, 5, 2]]
    tout = torch.nn.functional.embedding_bag(torch.tensor(idx), tw, mode=mode, padding_idx=padding_idx)
    eout = ember.nn.functional.embedding_bag(ember.tensor(idx), ew, mode=mode, padding_idx=padding_idx)
    check(tout, eout, tw, ew, 1e-12)


@pytest.mark.parametrize("two_d", [False, True])
def test_embedding_bag_per_sample_weights(two_d):
    tw, ew = pair()
    psw = np.random.default_rng(3).standard_normal(9)
    idx = [1, 2, 4, 5, 4, 3, 2, 0, 6]
    if two_d:
        idx, psw = np.array(idx).reshape(3, 3).tolist(), psw.reshape(3, 3)
        to = eo = None
    else:
        to, eo = torch.tensor([0, 4, 4]), ember.tensor([0, 4, 4])
    tp, ep = torch.tensor(psw, requires_grad=True), ember.tensor(psw, requires_grad=True)
    tout = torch.nn.functional.embedding_bag(torch.tensor(idx), tw, to, mode="sum", per_sample_weights=tp,
                                             padding_idx=4)
    eout = ember.nn.functional.embedding_bag(ember.tensor(idx), ew, eo, mode="sum", per_sample_weights=ep,
                                             padding_idx=4)
    check(tout, eout, tw, ew, 1e-12, extra=[(tp, ep)])


def test_embedding_bag_int32_indices_and_double_backward():
    tw, ew = pair()
    ei, eo = ember.tensor(IDX, dtype=ember.int32), ember.tensor([0, 4], dtype=ember.int32)
    ti, to = torch.tensor(IDX, dtype=torch.int32), torch.tensor([0, 4], dtype=torch.int32)
    tout = torch.nn.functional.embedding_bag(ti, tw, to, mode="mean")
    eout = ember.nn.functional.embedding_bag(ei, ew, eo, mode="mean")
    check(tout, eout, tw, ew, 1e-12)
    # composed of differentiable ops: the gradient can be differentiated again
    x = ember.tensor(np.ones((7, 4)), requires_grad=True)
    y = (ember.nn.functional.embedding_bag(ember.tensor(IDX), x * x, ember.tensor([0, 4]), mode="sum") ** 2).sum()
    (g,) = ember.autograd.grad(y, x, create_graph=True)
    g.sum().backward()
    assert x.grad is not None


def test_embedding_bag_module_and_from_pretrained():
    w = np.random.default_rng(1).standard_normal((6, 3))
    for mode in ["sum", "mean", "max"]:
        tm = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(w), freeze=False, mode=mode, padding_idx=0,
                                                   include_last_offset=True)
        em = ember.nn.EmbeddingBag.from_pretrained(ember.tensor(w), freeze=False, mode=mode, padding_idx=0,
                                                   include_last_offset=True)
        assert repr(em) == repr(tm)
        idx, off = [0, 1, 2, 3, 0, 5, 4], [0, 3, 3, 7]
        tout = tm(torch.tensor(idx), torch.tensor(off))
        eout = em(ember.tensor(idx), ember.tensor(off))
        check(tout, eout, tm.weight, em.weight, 1e-12)
    frozen = ember.nn.EmbeddingBag.from_pretrained(ember.tensor(w))
    assert not frozen.weight.requires_grad and frozen.mode == "mean"
    m = ember.nn.EmbeddingBag(10, 3, mode="sum", padding_idx=-2)
    assert m.padding_idx == 8 and tuple(m.weight.shape) == (10, 3)
    np.testing.assert_array_equal(to_np(m.weight[8]), np.zeros(3))
    assert tuple(m(ember.tensor([[1, 2], [3, 8]])).shape) == (2, 3)
    names = [n for n, _ in m.named_parameters()]
    assert names == ["weight"]


def test_embedding_bag_errors():
    F = ember.nn.functional
    w = ember.randn(5, 3)
    idx = ember.tensor([0, 1, 2, 3])
    with pytest.raises(RuntimeError, match=r"embedding_bag: offsets\[0\] has to be 0"):
        F.embedding_bag(idx, w, ember.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="embedding_bag: offsets have to be non-decreasing"):
        F.embedding_bag(idx, w, ember.tensor([0, 3, 2]))
    with pytest.raises(RuntimeError, match=r"embedding_bag: offsets\[-1\] can not be greater"):
        F.embedding_bag(idx, w, ember.tensor([0, 5]))
    with pytest.raises(IndexError, match="embedding_bag: index 7"):
        F.embedding_bag(ember.tensor([0, 7]), w, ember.tensor([0]))
    with pytest.raises(IndexError, match="embedding_bag: index -1"):
        F.embedding_bag(ember.tensor([0, -1]), w, ember.tensor([0]))
    with pytest.raises(ValueError, match="embedding_bag: offsets has to be a 1-D tensor"):
        F.embedding_bag(idx, w)
    with pytest.raises(ValueError, match="embedding_bag: if input is 2-D, offsets has to be None"):
        F.embedding_bag(idx.reshape(2, 2), w, ember.tensor([0]))
    with pytest.raises(ValueError, match="embedding_bag: mode has to be one of sum, mean or max"):
        F.embedding_bag(idx, w, ember.tensor([0]), mode="min")
    with pytest.raises(NotImplementedError, match="per_sample_weights is only supported for mode='sum'"):
        F.embedding_bag(idx, w, ember.tensor([0]), mode="mean", per_sample_weights=ember.ones(4))
    with pytest.raises(ValueError, match="embedding_bag: per_sample_weights"):
        F.embedding_bag(idx, w, ember.tensor([0]), mode="sum", per_sample_weights=ember.ones(3))
    with pytest.raises(TypeError, match="embedding_bag: expected indices of dtype int64 or int32"):
        F.embedding_bag(ember.tensor([0.0, 1.0]), w, ember.tensor([0]))
    with pytest.raises(ValueError, match="embedding_bag: input has to be a 1-D or 2-D"):
        F.embedding_bag(ember.zeros(1, 2, 2, dtype=ember.int64), w)
    with pytest.raises(NotImplementedError):
        F.embedding_bag(idx, w, ember.tensor([0]), max_norm=1.0)
