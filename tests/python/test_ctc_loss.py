"""ctc_loss (F.ctc_loss, nn.CTCLoss, torch's top-level ctc_loss) against torch 1.13: losses and gradients over
random cases (T, N, C, S, blank, padded and concatenated targets, every reduction, zero_infinity, float32 and
float64, lengths as tensors, lists and tuples), impossible alignments, unbatched input, a float64 gradcheck, and
errors that name ctc_loss and the offending shapes or lengths."""
import math

import numpy as np
import pytest

import ember

nn = ember.nn
F = ember.nn.functional

torch = pytest.importorskip("torch")
tnn = torch.nn
tF = torch.nn.functional

from test_nn import e_from, to_np  # noqa: E402


def make_case(T, N, C, S, blank, seed, dtype=torch.float32, min_il=None):
    """Random logits [T, N, C], targets [N, S] (labels != blank), input and target lengths."""
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(T, N, C, dtype=dtype, generator=g)
    labels = [c for c in range(C) if c != blank]
    targets = torch.tensor(labels)[torch.randint(0, len(labels), (N, S), generator=g)]
    target_lengths = torch.randint(0, S + 1, (N,), generator=g)
    lo = max(1, T // 2) if min_il is None else min_il
    input_lengths = torch.randint(lo, T + 1, (N,), generator=g)
    input_lengths[0] = T
    target_lengths[0] = S
    return logits, targets, input_lengths, target_lengths


def concat(targets, target_lengths):
    return torch.cat([targets[i, :int(n)] for i, n in enumerate(target_lengths)])


def compare(logits, targets, il, tl, atol, rtol, through_log_softmax=True, **kw):
    """Loss and the gradient w.r.t. logits (through log_softmax) or w.r.t. free log_probs, ember vs torch."""
    tx = logits.detach().clone().requires_grad_()
    ex = e_from(logits, True)
    if through_log_softmax:
        tlp, elp = tx.log_softmax(-1), ex.log_softmax(-1)
    else:
        tlp, elp = tx, ex
    conv = (lambda v: e_from(v)) if isinstance(il, torch.Tensor) else (lambda v: v)
    tloss = tF.ctc_loss(tlp, targets, il, tl, **kw)
    eloss = F.ctc_loss(elp, e_from(targets), conv(il), conv(tl), **kw)
    assert tuple(eloss.shape) == tuple(tloss.shape)
    assert eloss.dtype == (ember.float64 if logits.dtype == torch.float64 else ember.float32)
    np.testing.assert_allclose(to_np(eloss), to_np(tloss), atol=atol, rtol=rtol, err_msg="loss")
    gout = torch.rand(tloss.shape, dtype=tloss.dtype, generator=torch.Generator().manual_seed(7)) + 0.5
    tloss.backward(gout)
    eloss.backward(e_from(gout))
    np.testing.assert_allclose(to_np(ex.grad), to_np(tx.grad), atol=atol, rtol=rtol, err_msg="grad")
    return eloss, tloss, ex.grad, tx.grad


CASES = [
    # T, N, C, S, blank, layout, reduction, zero_infinity, dtype
    (10, 3, 5, 4, 0, "padded", "none", False, torch.float32),
    (12, 4, 6, 5, 0, "concat", "mean", False, torch.float32),
    (8, 2, 4, 3, 3, "padded", "sum", False, torch.float64),
    (15, 5, 7, 6, 2, "concat", "none", True, torch.float64),
    (20, 3, 10, 8, 9, "padded", "mean", True, torch.float32),
    (6, 4, 3, 2, 1, "concat", "sum", True, torch.float32),
    (30, 2, 20, 12, 0, "padded", "mean", False, torch.float64),
    (1, 2, 3, 1, 0, "padded", "none", False, torch.float64),
]


@pytest.mark.parametrize("T,N,C,S,blank,layout,reduction,zero_infinity,dtype", CASES)
def test_ctc_loss_matches_torch(T, N, C, S, blank, layout, reduction, zero_infinity, dtype):
    logits, targets, il, tl = make_case(T, N, C, S, blank, seed=T * 100 + C)
    logits = logits.to(dtype)
    if layout == "concat":
        targets = concat(targets, tl)
    tol = dict(atol=1e-10, rtol=1e-9) if dtype == torch.float64 else dict(atol=2e-5, rtol=2e-5)
    kw = dict(blank=blank, reduction=reduction, zero_infinity=zero_infinity)
    compare(logits, targets, il, tl, **tol, **kw)
    # lengths as lists and tuples
    compare(logits, targets, il.tolist(), tuple(tl.tolist()), **tol, **kw)
    # the gradient w.r.t. free log_probs: torch's formula, exp(lp) term included
    compare(logits.log_softmax(-1), targets, il, tl, through_log_softmax=False, **tol, **kw)


def test_ctc_loss_impossible_alignment_is_inf_with_nan_grad_as_torch():
    # [1, 1, 2] needs 4 frames (a blank between the repeated 1s); 3 frames cannot align it
    g = torch.Generator().manual_seed(3)
    logits = torch.randn(3, 2, 5, dtype=torch.float64, generator=g)
    targets = torch.tensor([[1, 1, 2], [3, 4, 0]])
    il, tl = [3, 3], [3, 2]
    eloss, tloss, eg, tg = compare(logits, targets, il, tl, atol=1e-12, rtol=1e-10, reduction="none")
    assert math.isinf(float(eloss[0])) and math.isfinite(float(eloss[1]))
    assert np.isnan(to_np(eg)[:, 0]).all() and np.isfinite(to_np(eg)[:, 1]).all()
    for red in ("none", "mean", "sum"):
        eloss, tloss, eg, tg = compare(logits, targets, il, tl, atol=1e-12, rtol=1e-10, reduction=red,
                                       zero_infinity=True)
        assert np.all(to_np(eg)[:, 0] == 0)
    assert float(F.ctc_loss(e_from(logits).log_softmax(2), e_from(targets), il, tl, reduction="none",
                            zero_infinity=True)[0]) == 0.0
    # target longer than the input: inf, not an error (as torch)
    lp = e_from(torch.randn(2, 1, 4).log_softmax(2))
    assert math.isinf(float(F.ctc_loss(lp, ember.tensor([[1, 2, 3]]), [2], [3], reduction="sum")))


def test_ctc_loss_unbatched_and_dtypes_of_targets_and_lengths():
    g = torch.Generator().manual_seed(5)
    x = torch.randn(9, 6, generator=g)
    t = torch.tensor([1, 2, 2, 5])
    for red in ("none", "mean", "sum"):
        compare(x, t, torch.tensor(9), torch.tensor(4), atol=1e-5, rtol=1e-5, reduction=red)
        compare(x, t, [7], [4], atol=1e-5, rtol=1e-5, reduction=red)
    logits, targets, il, tl = make_case(10, 3, 5, 4, 0, seed=11)
    ref = tF.ctc_loss(logits.log_softmax(2), targets, il, tl)
    lp = e_from(logits.log_softmax(2))
    for tg, i, n in [(targets.int(), il.int(), tl.int()), (targets, il.tolist(), tl), (targets.short(), il, tl)]:
        out = F.ctc_loss(lp, e_from(tg), e_from(i) if isinstance(i, torch.Tensor) else i, e_from(n))
        np.testing.assert_allclose(float(out), float(ref), rtol=1e-5)


def test_ctc_loss_empty_targets_and_short_inputs():
    logits, targets, il, tl = make_case(8, 4, 5, 3, 0, seed=2, min_il=1)
    tl = torch.tensor([0, 3, 0, 1])
    compare(logits, targets, il, tl, atol=1e-5, rtol=1e-5, reduction="none")
    compare(logits, concat(targets, tl), il, tl, atol=1e-5, rtol=1e-5, reduction="mean")
    # an input of length 0 (torch reads out of bounds there): 0 for an empty target, else inf; zero gradient
    lp = e_from(torch.randn(4, 2, 3).log_softmax(2), True)
    loss = F.ctc_loss(lp, ember.tensor([[1, 2], [1, 1]]), [0, 0], [0, 2], reduction="none")
    assert float(loss[0]) == 0.0 and math.isinf(float(loss[1]))
    F.ctc_loss(lp, ember.tensor([[1, 2], [1, 1]]), [0, 0], [0, 2], reduction="none", zero_infinity=True).sum() \
        .backward()
    assert np.all(to_np(lp.grad) == 0)


def test_ctc_loss_gradcheck_float64():
    logits, targets, il, tl = make_case(7, 3, 4, 3, 0, seed=9, dtype=torch.float64, min_il=6)  # all alignable
    x = e_from(logits, True)
    et, eil, etl = e_from(targets), e_from(il), e_from(tl)
    for red in ("none", "mean", "sum"):
        assert ember.autograd.gradcheck(lambda a: F.ctc_loss(a.log_softmax(2), et, eil, etl, reduction=red), (x,))
    ec = e_from(concat(targets, tl))
    assert ember.autograd.gradcheck(lambda a: F.ctc_loss(a.log_softmax(2), ec, eil, etl, blank=0), (x,))
    # blank last, a non-contiguous input
    logits2, targets2, il2, tl2 = make_case(6, 2, 4, 2, 3, seed=4, dtype=torch.float64, min_il=4)
    x2 = e_from(logits2.transpose(0, 1).contiguous(), True)
    assert ember.autograd.gradcheck(
        lambda a: F.ctc_loss(a.transpose(0, 1).log_softmax(2), e_from(targets2), il2.tolist(), tl2.tolist(),
                             blank=3, reduction="sum"), (x2,))


def test_ctc_loss_module_and_top_level():
    logits, targets, il, tl = make_case(10, 3, 6, 4, 2, seed=13)
    lp = logits.log_softmax(2)
    for kw in (dict(), dict(blank=2, reduction="sum"), dict(blank=2, reduction="none", zero_infinity=True)):
        ref = tnn.CTCLoss(**kw)(lp, targets, il, tl)
        out = nn.CTCLoss(**kw)(e_from(lp), e_from(targets), e_from(il), e_from(tl))
        np.testing.assert_allclose(to_np(out), to_np(ref), rtol=1e-5, atol=1e-6)
    m = nn.CTCLoss(blank=1, zero_infinity=True)
    assert (m.blank, m.reduction, m.zero_infinity) == (1, "mean", True)
    ref = torch.ctc_loss(lp, targets, il, tl, 2, 2, False)
    out = ember.ctc_loss(e_from(lp), e_from(targets), e_from(il), e_from(tl), 2, 2, False)
    np.testing.assert_allclose(float(out), float(ref), rtol=1e-5)


def test_ctc_loss_errors_name_the_op_and_shapes():
    lp = ember.randn(6, 2, 4).log_softmax(2)
    tg = ember.tensor([[1, 2, 2], [1, 3, 0]])
    with pytest.raises(RuntimeError, match=r"ctc_loss: expected log_probs \[T, N, C\] or unbatched \[T, C\], got "
                                           r"shape \[6, 2, 4, 1\]"):
        F.ctc_loss(lp.unsqueeze(-1), tg, [6, 6], [3, 2])
    with pytest.raises(RuntimeError, match=r"ctc_loss: blank must be in label range \[0, 4\), got 4"):
        F.ctc_loss(lp, tg, [6, 6], [3, 2], blank=4)
    with pytest.raises(RuntimeError, match=r"ctc_loss: blank must be in label range \[0, 4\), got -1"):
        F.ctc_loss(lp, tg, [6, 6], [3, 2], blank=-1)
    with pytest.raises(RuntimeError, match=r"ctc_loss: input_lengths\[0\] = 7 must be in \[0, T = 6\] "
                                           r"\(log_probs shape \[6, 2, 4\]\)"):
        F.ctc_loss(lp, tg, [7, 6], [3, 2])
    with pytest.raises(RuntimeError, match=r"ctc_loss: input_lengths\[1\] = -1 must be in \[0, T = 6\]"):
        F.ctc_loss(lp, tg, [6, -1], [3, 2])
    with pytest.raises(RuntimeError, match=r"ctc_loss: target_lengths\[1\] = -2 must be non-negative"):
        F.ctc_loss(lp, tg, [6, 6], [3, -2])
    with pytest.raises(RuntimeError, match=r"ctc_loss: input_lengths must have one entry per batch element "
                                           r"\(N = 2, log_probs shape \[6, 2, 4\]\), got 3"):
        F.ctc_loss(lp, tg, [6, 6, 6], [3, 2])
    with pytest.raises(RuntimeError, match=r"ctc_loss: target_lengths must have one entry per batch element"):
        F.ctc_loss(lp, tg, ember.tensor([6, 6]), ember.tensor([3]))
    with pytest.raises(RuntimeError, match=r"ctc_loss: target_lengths\[0\] = 4 exceeds the padded targets' length "
                                           r"S = 3 \(targets shape \[2, 3\]\)"):
        F.ctc_loss(lp, tg, [6, 6], [4, 2])
    with pytest.raises(RuntimeError, match=r"ctc_loss: padded targets must have N = 2 rows, got shape \[3, 3\]"):
        F.ctc_loss(lp, ember.ones(3, 3, dtype=ember.int64), [6, 6], [3, 2])
    with pytest.raises(RuntimeError, match=r"ctc_loss: concatenated targets must hold sum\(target_lengths\) = 5 "
                                           r"labels, got shape \[4\]"):
        F.ctc_loss(lp, ember.tensor([1, 2, 2, 1]), [6, 6], [3, 2])
    with pytest.raises(RuntimeError, match=r"ctc_loss: expected targets \[N, S\] \(padded\) or 1-D "
                                           r"\(concatenated\), got shape \[2, 3, 1\]"):
        F.ctc_loss(lp, tg.unsqueeze(-1), [6, 6], [3, 2])
    with pytest.raises(RuntimeError, match=r"ctc_loss: target 4 of sample 1 is out of range for C = 4 classes"):
        F.ctc_loss(lp, ember.tensor([[1, 2, 2], [4, 3, 0]]), [6, 6], [3, 2])
    with pytest.raises(RuntimeError, match=r"ctc_loss: input_lengths must be integral, got dtype float32"):
        F.ctc_loss(lp, tg, ember.tensor([6.0, 6.0]), [3, 2])
    with pytest.raises(RuntimeError, match=r"ctc_loss: expected log_probs of dtype float32 or float64, got "):
        F.ctc_loss(lp.half(), tg, [6, 6], [3, 2])
    with pytest.raises(ValueError, match=r"'foo' is not a valid value for reduction"):
        F.ctc_loss(lp, tg, [6, 6], [3, 2], reduction="foo")
    with pytest.raises(TypeError, match=r"input_lengths must be an int or a tuple of ints"):
        F.ctc_loss(lp, tg, "6", [3, 2])


def test_ctc_loss_double_backward_is_not_implemented_as_torch():
    logits, targets, il, tl = make_case(5, 2, 4, 2, 0, seed=1, dtype=torch.float64)
    x = e_from(logits, True)
    loss = F.ctc_loss(x.log_softmax(2), e_from(targets), il.tolist(), tl.tolist())
    (g,) = ember.autograd.grad(loss, x, create_graph=True)
    with pytest.raises(NotImplementedError, match="ctc_loss_backward"):
        g.pow(2).sum().backward()
