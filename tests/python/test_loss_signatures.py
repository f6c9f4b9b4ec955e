"""The functional losses take torch 1.13's full signatures: positional order,
and the legacy size_average / reduce arguments old scripts still pass."""
import warnings

import numpy as np
import pytest
import torch

import ember

CASES = [
    ("nll_loss", lambda F, x, y, p: F.nll_loss(F.log_softmax(x, 1), y, size_average=False)),
    ("nll_loss_pos", lambda F, x, y, p: F.nll_loss(F.log_softmax(x, 1), y, None, None, 1, None, "sum")),
    ("cross_entropy_pos", lambda F, x, y, p: F.cross_entropy(x, y, None, None, -100, None, "sum")),
    ("cross_entropy_reduce", lambda F, x, y, p: F.cross_entropy(x, y, reduce=False)),
    ("cross_entropy_smooth", lambda F, x, y, p: F.cross_entropy(x, y, label_smoothing=0.1)),
    ("mse_loss", lambda F, x, y, p: F.mse_loss(x, x * 2, size_average=False)),
    ("mse_loss_pos", lambda F, x, y, p: F.mse_loss(x, x * 2, None, None, "none")),
    ("l1_loss", lambda F, x, y, p: F.l1_loss(x, x * 2, None, False)),
    ("smooth_l1_loss", lambda F, x, y, p: F.smooth_l1_loss(x, x * 2, None, None, "sum", 0.5)),
    ("bce", lambda F, x, y, p: F.binary_cross_entropy(x.sigmoid(), p, size_average=False)),
    ("bce_logits", lambda F, x, y, p: F.binary_cross_entropy_with_logits(x, p, None, True, False)),
    ("bce_logits_pos_weight", lambda F, x, y, p: F.binary_cross_entropy_with_logits(x, p, pos_weight=p[0] + 1)),
    ("kl_div", lambda F, x, y, p: F.kl_div(F.log_softmax(x, 1), F.softmax(x * 2, 1), reduction="batchmean")),
    ("kl_div_legacy", lambda F, x, y, p: F.kl_div(F.log_softmax(x, 1), F.softmax(x * 2, 1), False)),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_loss_signature_matches_torch(name, fn):
    rng = np.random.default_rng(0)
    xn, pn = rng.standard_normal((4, 3)).astype(np.float32), rng.random((4, 3)).astype(np.float32)
    yn = np.array([0, 1, 2, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = fn(ember.nn.functional, ember.tensor(xn), ember.tensor(yn), ember.tensor(pn))
        want = fn(torch.nn.functional, torch.tensor(xn), torch.tensor(yn), torch.tensor(pn))
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
