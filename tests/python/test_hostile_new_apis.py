"""Hostile inputs to the APIs added with ember.linalg, ember.distributions, the
top-level ops and the new nn pieces: each case here was a crash, silent garbage
or an error of the wrong kind before it was fixed. Errors are checked by type
and by the op name in the message; values against torch 1.13 where it is here."""

import math
import warnings

import numpy as np
import pytest

import ember

nan, inf = float("nan"), float("inf")


def _torch():
    return pytest.importorskip("torch")


# ---------------------------------------------------------------- linalg

def test_svd_of_nan_raises_linalg_error():
    a = ember.tensor([[1.0, nan], [2.0, 3.0]], dtype=ember.float64)
    for fn in (ember.linalg.svd, ember.linalg.svdvals, ember.linalg.pinv, ember.linalg.matrix_rank):
        with pytest.raises(ember.linalg.LinAlgError, match=r"linalg\.svd: .*non-finite.*\[2, 2\]"):
            fn(a)
    with pytest.raises(RuntimeError, match="linalg.svd"):  # LinAlgError is a RuntimeError, as torch's
        ember.linalg.norm(a, ord=2)


def test_svd_of_inf_gives_nan_not_unwritten_memory():
    # Eigen reports the input invalid and writes nothing; the outputs were uninitialized (6.9e-310)
    a = ember.tensor([[0.3, 1.0, inf], [0.5, -1.2, 2.0], [1.1, 0.4, 0.7]], dtype=ember.float64)
    U, S, Vh = ember.linalg.svd(a)
    for t in (U, S, Vh, ember.linalg.svdvals(a), ember.linalg.pinv(a)):
        assert bool(ember.isnan(t).all()), t
    assert int(ember.linalg.matrix_rank(a)) == 0  # torch 1.13 gives 0 too
    f32 = a.to(ember.float32)
    assert bool(ember.isnan(ember.linalg.svdvals(f32)).all())


def test_eigh_of_nan_raises_but_ignores_the_unread_triangle():
    a = ember.tensor([[1.0, nan], [2.0, 3.0]], dtype=ember.float64)
    w = ember.linalg.eigvalsh(a)  # UPLO='L' reads only the lower triangle
    np.testing.assert_allclose(w.tolist(), [2.0 - math.sqrt(5.0), 2.0 + math.sqrt(5.0)], rtol=1e-12)
    for fn in (ember.linalg.eigh, ember.linalg.eigvalsh):
        with pytest.raises(ember.linalg.LinAlgError, match=r"linalg\.eigh: .*non-finite"):
            fn(a, UPLO="U")


def test_linalg_string_arguments_name_the_op():
    a = ember.eye(3, dtype=ember.float64)
    with pytest.raises(RuntimeError, match=r"linalg\.eigh: Expected UPLO argument to be 'L' or 'U', but got X"):
        ember.linalg.eigh(a, UPLO="X")
    with pytest.raises(RuntimeError, match=r"linalg\.eigvalsh: Expected UPLO"):
        ember.linalg.eigvalsh(a, UPLO="UL")
    with pytest.raises(RuntimeError, match=r"linalg\.lstsq: parameter `driver` should be one of .*got 'foo'"):
        ember.linalg.lstsq(a, a, driver="foo")


@pytest.mark.parametrize("ord", [-1, -2, -0.5, -1e10, inf, -inf])
def test_vector_norm_of_empty_without_identity_raises(ord):
    with pytest.raises(RuntimeError, match=r"linalg\.vector_norm cannot compute the .* norm on an empty tensor"):
        ember.linalg.vector_norm(ember.zeros(0), ord=ord)
    with pytest.raises(RuntimeError, match=r"linalg\.vector_norm"):
        ember.linalg.vector_norm(ember.zeros(2, 0), ord=ord, dim=1)
    # reducing only over non-empty dims is fine: an empty result
    assert tuple(ember.linalg.vector_norm(ember.zeros(0, 3), ord=ord, dim=1).shape) == (0,)


# --------------------------------------------------------- top-level ops

def test_isin_with_nan_among_the_test_elements():
    # nan sorted last broke the binary search: 2.0 was not found in [nan, 2.0]
    got = ember.isin(ember.tensor([1.0, 2.0, nan]), ember.tensor([nan, 2.0]))
    assert got.tolist() == [False, True, False]
    assert ember.isin(ember.tensor([1.0, 2.0]), ember.tensor([nan, nan])).tolist() == [False, False]
    assert ember.isin(ember.tensor([1.0, 2.0, nan]), ember.tensor([nan, 2.0]), invert=True).tolist() == [
        True, False, True]
    assert ember.isin(ember.tensor([1, 2, 3]), ember.tensor([3, 1])).tolist() == [True, False, True]


# --------------------------------------------------------- distributions

def test_distributions_is_reachable_as_an_attribute():
    import importlib
    import sys

    saved = sys.modules.pop("ember.distributions", None)
    try:
        ember.__dict__.pop("distributions", None)
        assert ember.distributions.Normal is importlib.import_module("ember.distributions").Normal
    finally:
        if saved is not None and "ember.distributions" not in sys.modules:
            sys.modules["ember.distributions"] = saved


def test_distribution_validation_rejects_nan_and_unnormalizable_logits():
    D = ember.distributions
    with pytest.raises(ValueError, match=r"within the support \(Real\(\)\) of the distribution Normal"):
        D.Normal(ember.tensor([0.0]), ember.tensor([1.0])).log_prob(ember.tensor([nan]))
    with pytest.raises(ValueError, match=r"parameter logits .* Bernoulli"):
        D.Bernoulli(logits=ember.tensor([nan]))
    for logits in ([-inf, -inf, -inf], [nan, 0.0, 0.0], [inf, 0.0, 0.0]):
        with pytest.raises(ValueError, match=r"parameter logits .* Categorical"):
            D.Categorical(logits=ember.tensor(logits))
    # without validation they construct, as torch's
    D.Categorical(logits=ember.tensor([-inf, -inf, -inf]), validate_args=False)
    D.Bernoulli(logits=ember.tensor([nan]), validate_args=False)
    # +inf logits are Real() for Bernoulli, as torch's
    assert D.Bernoulli(logits=ember.tensor([inf])).probs.tolist() == [1.0]


def test_normal_sample_checks_scale_even_without_validation():
    d = ember.distributions.Normal(ember.tensor([0.0]), ember.tensor([-1.0]), validate_args=False)
    with pytest.raises(RuntimeError, match=r"Normal\.sample: normal expects all elements of std >= 0\.0"):
        d.sample((2,))
    d = ember.distributions.Normal(ember.tensor([0.0]), ember.tensor([nan]), validate_args=False)
    with pytest.raises(RuntimeError, match=r"Normal\.sample"):
        d.sample()


# -------------------------------------------------------------------- nn

def test_norms_of_an_empty_batch():
    F = ember.nn.functional
    assert tuple(F.instance_norm(ember.zeros(0, 3, 4)).shape) == (0, 3, 4)
    rm, rv = ember.zeros(3), ember.ones(3)
    out = F.batch_norm(ember.zeros(0, 3), rm, rv, training=True)
    assert tuple(out.shape) == (0, 3)
    assert rm.tolist() == [0.0] * 3 and rv.tolist() == [1.0] * 3  # left as they were, as torch's
    with pytest.raises(ValueError, match="batch_norm: expected more than 1 value per channel"):
        F.batch_norm(ember.zeros(1, 3), None, None, training=True)


def test_cross_entropy_target_errors_match_torch_types():
    F = ember.nn.functional
    x = ember.zeros(4, 5)
    with pytest.raises(RuntimeError, match=r"cross_entropy: expected target of dtype int64 .*int32"):
        F.cross_entropy(x, ember.tensor([0, 1, 2, 3], dtype=ember.int32))
    with pytest.raises(ValueError, match=r"cross_entropy: expected input batch_size \(4\) to match target "
                                         r"batch_size \(3\)"):
        F.cross_entropy(x, ember.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match=r"nll_loss: expected input batch_size"):
        F.nll_loss(x, ember.tensor([0, 1, 2]))
    with pytest.raises(RuntimeError, match=r"(cross_entropy|nll_loss): expected target of shape \[2, 3\]"):
        F.cross_entropy(ember.zeros(2, 4, 3), ember.tensor([[0, 1], [2, 2]]))


def test_linear_with_no_input_features_has_zero_bias():
    ember.manual_seed(0)
    m = ember.nn.Linear(0, 2)
    assert m.bias.tolist() == [0.0, 0.0]
    assert m(ember.zeros(3, 0)).tolist() == [[0.0, 0.0]] * 3


def _decoder(batch_first=False):
    ember.manual_seed(0)
    layer = ember.nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=batch_first)
    return ember.nn.TransformerDecoder(layer, 2)


def test_transformer_masks_of_the_wrong_shape_or_dtype():
    dec, tgt, mem = _decoder(), ember.ones(5, 2, 8), ember.ones(6, 2, 8)
    with pytest.raises(RuntimeError, match=r"MultiheadAttention: the shape of the 2D attn_mask is \[4, 4\], "
                                           r"but should be \(5, 5\)"):
        dec(tgt, mem, tgt_mask=ember.zeros(4, 4))
    with pytest.raises(RuntimeError, match=r"the shape of the 3D attn_mask is \[3, 5, 5\], but should be \(4, 5, 5\)"):
        dec(tgt, mem, tgt_mask=ember.zeros(3, 5, 5))
    with pytest.raises(RuntimeError, match=r"2D attn_mask is \[5, 5\], but should be \(5, 6\)"):
        dec(tgt, mem, memory_mask=ember.zeros(5, 5))
    with pytest.raises(AssertionError, match=r"MultiheadAttention: expecting key_padding_mask shape of \(2, 5\)"):
        dec(tgt, mem, tgt_key_padding_mask=ember.zeros(2, 4, dtype=ember.bool))
    with pytest.raises(AssertionError, match=r"MultiheadAttention: only float, byte, and bool types"):
        dec(tgt, mem, tgt_mask=ember.zeros(5, 5, dtype=ember.int64))
    assert tuple(dec(tgt, mem, tgt_mask=ember.zeros(4, 5, 5), memory_mask=ember.zeros(5, 6)).shape) == (5, 2, 8)


def test_byte_attn_mask_masks_as_bool_like_torch():
    torch = _torch()
    outs = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(4, 2)
        with lib.no_grad():
            m.in_proj_weight.copy_(lib.arange(48.0).reshape(12, 4) / 50)
            m.out_proj.weight.copy_(lib.eye(4))
        x = lib.arange(24.0).reshape(3, 2, 4) / 10
        mask = lib.tensor([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=lib.uint8)
        with warnings.catch_warnings():  # torch warns that byte masks are deprecated
            warnings.simplefilter("ignore")
            outs.append(np.array(m(x, x, x, attn_mask=mask)[0].detach().tolist()))
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-5, atol=1e-6)



def test_norm_with_a_huge_p_in_float32():
    # 1/p rounded to 0 in float32 and 0^0 = 1: the distance between equal rows was 1
    assert ember.pdist(ember.ones(3, 2), 1e300).tolist() == [0.0, 0.0, 0.0]
    assert ember.linalg.vector_norm(ember.zeros(3), ord=1e300).item() == 0.0
    assert ember.norm(ember.zeros(2, 3), 1e300, dim=1).tolist() == [0.0, 0.0]
    assert ember.linalg.vector_norm(ember.ones(3), ord=1e300).item() == 1.0


def test_pinv_rcond_and_matrix_rank_tol_as_torch():
    torch = _torch()
    a = [[1.0, 2.0, 3.0], [2.0, 4.1, 6.0], [0.5, 0.1, 0.2]]
    for lib_args in ((0.01,), (0.5,)):
        want = torch.linalg.pinv(torch.tensor(a, dtype=torch.float64), *lib_args)
        got = ember.linalg.pinv(ember.tensor(a, dtype=ember.float64), *lib_args)
        np.testing.assert_allclose(got.tolist(), want.tolist(), rtol=1e-10, atol=1e-12)
        want = torch.linalg.pinv(torch.tensor(a, dtype=torch.float64), rcond=lib_args[0])
        got = ember.linalg.pinv(ember.tensor(a, dtype=ember.float64), rcond=lib_args[0])
        np.testing.assert_allclose(got.tolist(), want.tolist(), rtol=1e-10, atol=1e-12)
    for tol in (0.01, 0.5, 5.0):
        want = int(torch.linalg.matrix_rank(torch.tensor(a, dtype=torch.float64), tol))
        assert int(ember.linalg.matrix_rank(ember.tensor(a, dtype=ember.float64), tol)) == want
        want = int(torch.linalg.matrix_rank(torch.tensor(a, dtype=torch.float64), tol=tol))
        assert int(ember.linalg.matrix_rank(ember.tensor(a, dtype=ember.float64), tol=tol)) == want


def test_combinations_with_a_huge_r():
    x = ember.tensor([1.0, 2.0, 3.0])
    assert tuple(ember.combinations(x, r=2**40).shape) == (0, 2**40)  # was a MemoryError from itertools
    with pytest.raises(RuntimeError, match=r"combinations: the result would be .* too large"):
        ember.combinations(x, r=2**40, with_replacement=True)
    assert ember.combinations(x, r=4).tolist() == []
    assert tuple(ember.combinations(x, r=4, with_replacement=True).shape) == (15, 4)


def test_linear_1d_weight_with_bias_raises_and_cross_entropy_takes_uint8_targets():
    """torch: F.linear(x, w_1d, b) raises ("mat2 must be a matrix"), F.linear(x, w_1d) is x @ w;
    cross_entropy accepts uint8 class indices."""
    import torch
    x, w = ember.randn(4, 3), ember.randn(3)
    with pytest.raises(RuntimeError, match="linear"):
        ember.nn.functional.linear(x, w, ember.randn(1))
    assert tuple(ember.nn.functional.linear(x, w).shape) == (4,)
    with pytest.raises(RuntimeError, match="linear: bias of shape"):
        ember.nn.functional.linear(x, ember.randn(5, 3), ember.randn(4))
    logits = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    t = np.array([0, 1, 3], dtype="uint8")
    e = ember.nn.functional.cross_entropy(ember.tensor(logits), ember.tensor(t))
    r = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(t))
    np.testing.assert_allclose(float(e), float(r), rtol=1e-6)
