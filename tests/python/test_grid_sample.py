"""F.affine_grid and F.grid_sample against torch 1.13: values and both gradients (input and grid) for every
mode x padding_mode x align_corners on random inputs with grids reaching outside [-1, 1], odd and unit sizes,
float32 and float64, 2-D and volumetric; nearest's rounding (half to even in 2-D, half away from zero in 3-D, as
torch); NaN / inf coordinates; float64 gradchecks; affine_grid 2-D
and 3-D values and theta's gradient; a spatial-transformer chain; errors that name the op and the shapes."""
import itertools

import numpy as np
import pytest

import ember

F = ember.nn.functional

torch = pytest.importorskip("torch")
tF = torch.nn.functional

from test_nn import e_from, to_np  # noqa: E402

SELF_CHECK = ember is torch  # EMBER_TEST_WITH_TORCH=1

MODES = ["bilinear", "nearest", "bicubic"]
PADDINGS = ["zeros", "border", "reflection"]


def rand(shape, seed, dtype, lo=-1.0, hi=1.0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(*shape, generator=g, dtype=dtype) * (hi - lo) + lo


def compare(x, grid, mode, padding_mode, align_corners, atol, rtol, grads=True):
    """Output and the gradients w.r.t. input and grid (for a random incoming gradient), ember vs torch."""
    tx, tg = x.clone().requires_grad_(), grid.clone().requires_grad_()
    ex, eg = e_from(x, True), e_from(grid, True)
    kw = dict(mode=mode, padding_mode=padding_mode, align_corners=align_corners)
    tout = tF.grid_sample(tx, tg, **kw)
    eout = F.grid_sample(ex, eg, **kw)
    assert tuple(eout.shape) == tuple(tout.shape)
    np.testing.assert_allclose(to_np(eout), to_np(tout), atol=atol, rtol=rtol, err_msg="output")
    if not grads:
        return
    gout = rand(tout.shape, 99, x.dtype)
    tout.backward(gout)
    eout.backward(e_from(gout))
    np.testing.assert_allclose(to_np(ex.grad), to_np(tx.grad), atol=atol, rtol=rtol, err_msg="grad_input")
    np.testing.assert_allclose(to_np(eg.grad), to_np(tg.grad), atol=atol, rtol=rtol, err_msg="grad_grid")


@pytest.mark.parametrize("mode,padding_mode,align_corners", list(itertools.product(MODES, PADDINGS, [False, True])))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_grid_sample_matches_torch(mode, padding_mode, align_corners, dtype):
    tol = dict(atol=1e-5, rtol=1e-4) if dtype == torch.float32 else dict(atol=1e-10, rtol=1e-9)
    # odd sizes; the grid reaches 1.7 past the edges, so reflection folds more than once
    x = rand((2, 3, 5, 7), 1, dtype, -2, 2)
    grid = rand((2, 4, 6, 2), 2, dtype, -2.7, 2.7)
    compare(x, grid, mode, padding_mode, align_corners, **tol)
    # a unit-size dim (align_corners then maps every coordinate to pixel 0), and more channels than points
    x1 = rand((1, 4, 1, 5), 3, dtype, -2, 2)
    g1 = rand((1, 3, 2, 2), 4, dtype, -1.5, 1.5)
    compare(x1, g1, mode, padding_mode, align_corners, **tol)


@pytest.mark.parametrize("mode", MODES)
def test_grid_sample_strided_inputs(mode):
    """Transposed (non-contiguous) input and grid."""
    x = rand((2, 3, 6, 5), 5, torch.float64).transpose(2, 3)
    grid = rand((2, 2, 4, 3), 6, torch.float64, -1.3, 1.3).transpose(1, 3)
    assert not x.is_contiguous() and not grid.is_contiguous()
    compare(x, grid, mode, "reflection", False, atol=1e-10, rtol=1e-9)


def test_grid_sample_nearest_rounds_half_to_even():
    # align_corners, W = 5: x = 2 (g + 1); g = -0.75, -0.25, 0.25, 0.75 land on 0.5, 1.5, 2.5, 3.5
    x = torch.arange(5.0).reshape(1, 1, 1, 5)
    gx = torch.tensor([-0.75, -0.25, 0.25, 0.75])
    grid = torch.stack([gx, torch.zeros(4)], -1).reshape(1, 1, 4, 2)
    out = F.grid_sample(e_from(x), e_from(grid), mode="nearest", align_corners=True)
    np.testing.assert_array_equal(to_np(out).ravel(), [0.0, 2.0, 2.0, 4.0])
    compare(x, grid, "nearest", "zeros", True, atol=0, rtol=0)


def test_grid_sample_nan_and_inf_coordinates():
    """torch's CPU kernel: NaN / inf make bilinear and bicubic NaN under zeros padding, nearest reads 0;
    border and reflection clip NaN to pixel 0."""
    x = torch.arange(1.0, 13).reshape(1, 1, 3, 4)
    nan, inf = float("nan"), float("inf")
    grid = torch.tensor([[[[nan, 0.0], [inf, 0.0], [-inf, 0.3], [1e20, 0.0], [0.2, 0.1]]]])
    for mode, padding_mode in itertools.product(MODES, PADDINGS):
        tout = tF.grid_sample(x, grid, mode=mode, padding_mode=padding_mode, align_corners=False)
        eout = F.grid_sample(e_from(x), e_from(grid), mode=mode, padding_mode=padding_mode, align_corners=False)
        np.testing.assert_allclose(to_np(eout), to_np(tout), atol=1e-5, rtol=1e-5,
                                   err_msg=f"{mode} {padding_mode}")


def test_grid_sample_identity_grid_reproduces_input():
    x = rand((2, 3, 4, 6), 7, torch.float64)
    theta = torch.tensor([[1.0, 0, 0], [0, 1, 0]], dtype=torch.float64).expand(2, 2, 3)
    for align in (False, True):
        grid = F.affine_grid(e_from(theta), [2, 3, 4, 6], align_corners=align)
        out = F.grid_sample(e_from(x), grid, align_corners=align)
        np.testing.assert_allclose(to_np(out), to_np(x), atol=1e-12)


@pytest.mark.parametrize("padding_mode", PADDINGS)
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_gradcheck(padding_mode, align_corners):
    x = rand((1, 2, 3, 4), 8, torch.float64)
    grid = rand((1, 3, 2, 2), 9, torch.float64, -1.2, 1.2)
    ex, eg = e_from(x, True), e_from(grid, True)
    fn = lambda a, b: F.grid_sample(a, b, padding_mode=padding_mode, align_corners=align_corners)  # noqa: E731
    assert ember.autograd.gradcheck(fn, (ex, eg), eps=1e-6, atol=1e-5)


def test_grid_sample_input_only_and_grid_only_gradients():
    x = rand((1, 2, 4, 4), 10, torch.float64)
    grid = rand((1, 3, 3, 2), 11, torch.float64, -1.1, 1.1)
    ex = e_from(x, True)
    F.grid_sample(ex, e_from(grid)).sum().backward()
    tx = x.clone().requires_grad_()
    tF.grid_sample(tx, grid, align_corners=False).sum().backward()
    np.testing.assert_allclose(to_np(ex.grad), to_np(tx.grad), atol=1e-12)
    eg = e_from(grid, True)
    F.grid_sample(e_from(x), eg, mode="bicubic").sum().backward()
    tg = grid.clone().requires_grad_()
    tF.grid_sample(x, tg, mode="bicubic", align_corners=False).sum().backward()
    np.testing.assert_allclose(to_np(eg.grad), to_np(tg.grad), atol=1e-12)


def test_grid_sample_not_differentiable_twice():
    x = e_from(rand((1, 1, 3, 3), 12, torch.float64), True)
    g = e_from(rand((1, 2, 2, 2), 13, torch.float64), True)
    (gx,) = ember.autograd.grad(F.grid_sample(x, g).sum(), [g], create_graph=True)
    with pytest.raises(RuntimeError):  # ember: NotImplementedError, a RuntimeError; torch: RuntimeError
        gx.sum().backward()


# ----------------------------------------------------------------- volumetric


@pytest.mark.parametrize("mode,padding_mode,align_corners",
                         list(itertools.product(["bilinear", "nearest"], PADDINGS, [False, True])))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_grid_sample_3d_matches_torch(mode, padding_mode, align_corners, dtype):
    tol = dict(atol=1e-5, rtol=1e-4) if dtype == torch.float32 else dict(atol=1e-10, rtol=1e-9)
    x = rand((2, 3, 3, 5, 4), 40, dtype, -2, 2)
    grid = rand((2, 2, 3, 4, 3), 41, dtype, -2.7, 2.7)
    compare(x, grid, mode, padding_mode, align_corners, **tol)
    x1 = rand((1, 2, 1, 4, 3), 42, dtype, -2, 2)  # a unit depth
    g1 = rand((1, 1, 2, 3, 3), 43, dtype, -1.5, 1.5)
    compare(x1, g1, mode, padding_mode, align_corners, **tol)


def test_grid_sample_3d_nearest_rounds_half_away_from_zero():
    # torch's 3-D CPU kernel uses std::round (the 2-D one rounds half to even)
    x = torch.arange(5.0).reshape(1, 1, 1, 1, 5)
    gx = torch.tensor([-0.75, -0.25, 0.25, 0.75])
    grid = torch.stack([gx, torch.zeros(4), torch.zeros(4)], -1).reshape(1, 1, 1, 4, 3)
    out = F.grid_sample(e_from(x), e_from(grid), mode="nearest", align_corners=True)
    np.testing.assert_array_equal(to_np(out).ravel(), [1.0, 2.0, 3.0, 4.0])


def test_grid_sample_3d_nan_and_inf_coordinates():
    """torch's scalar 3-D kernel: non-finite coordinates read as outside (0, not NaN, under zeros padding);
    border and reflection send NaN to the last pixel."""
    x = torch.arange(1.0, 25).reshape(1, 1, 2, 3, 4)
    nan, inf = float("nan"), float("inf")
    grid = torch.tensor([[nan, 0.0, 0.0], [inf, 0.0, 0.0], [-inf, 0.3, 0.0], [1e20, 0.0, 0.0], [0.2, 0.1, -0.3]])
    grid = grid.reshape(1, 1, 1, 5, 3)
    for mode, padding_mode in itertools.product(["bilinear", "nearest"], PADDINGS):
        tout = tF.grid_sample(x, grid, mode=mode, padding_mode=padding_mode, align_corners=False)
        eout = F.grid_sample(e_from(x), e_from(grid), mode=mode, padding_mode=padding_mode, align_corners=False)
        np.testing.assert_allclose(to_np(eout), to_np(tout), atol=1e-5, rtol=1e-5,
                                   err_msg=f"{mode} {padding_mode}")


@pytest.mark.parametrize("padding_mode", PADDINGS)
def test_grid_sample_3d_gradcheck(padding_mode):
    x = rand((1, 2, 2, 3, 2), 44, torch.float64)
    grid = rand((1, 2, 1, 2, 3), 45, torch.float64, -1.2, 1.2)
    fn = lambda a, b: F.grid_sample(a, b, padding_mode=padding_mode, align_corners=True)  # noqa: E731
    assert ember.autograd.gradcheck(fn, (e_from(x, True), e_from(grid, True)), eps=1e-6, atol=1e-5)


def test_volumetric_spatial_transformer_matches_torch():
    x = rand((2, 1, 4, 5, 6), 46, torch.float64)
    theta = rand((2, 3, 4), 47, torch.float64, -0.6, 0.6) + torch.cat([torch.eye(3), torch.zeros(3, 1)], 1)
    et, tt = e_from(theta, True), theta.clone().requires_grad_()
    eo = F.grid_sample(e_from(x), F.affine_grid(et, [2, 1, 3, 4, 5], align_corners=False), align_corners=False)
    to = tF.grid_sample(x, tF.affine_grid(tt, [2, 1, 3, 4, 5], align_corners=False), align_corners=False)
    np.testing.assert_allclose(to_np(eo), to_np(to), atol=1e-10)
    (to ** 2).sum().backward()
    (eo ** 2).sum().backward()
    np.testing.assert_allclose(to_np(et.grad), to_np(tt.grad), atol=1e-9)


# ------------------------------------------------------------------ affine_grid


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 5, 7), (3, 1, 1, 4), (1, 2, 6, 1)])
def test_affine_grid_2d_matches_torch(size, align_corners):
    theta = rand((size[0], 2, 3), 20, torch.float32, -1.5, 1.5)
    et, tt = e_from(theta, True), theta.clone().requires_grad_()
    eg = F.affine_grid(et, list(size), align_corners=align_corners)
    tg = tF.affine_grid(tt, list(size), align_corners=align_corners)
    assert tuple(eg.shape) == tuple(tg.shape) == (size[0], size[2], size[3], 2)
    np.testing.assert_allclose(to_np(eg), to_np(tg), atol=1e-6, rtol=1e-5)
    w = rand(tg.shape, 21, torch.float32)
    (tg * w).sum().backward()
    (eg * e_from(w)).sum().backward()
    np.testing.assert_allclose(to_np(et.grad), to_np(tt.grad), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_3d_matches_torch(align_corners):
    size = (2, 3, 4, 3, 5)
    theta = rand((2, 3, 4), 22, torch.float64, -1.5, 1.5)
    et, tt = e_from(theta, True), theta.clone().requires_grad_()
    eg = F.affine_grid(et, torch.Size(size), align_corners=align_corners)
    tg = tF.affine_grid(tt, torch.Size(size), align_corners=align_corners)
    assert tuple(eg.shape) == (2, 4, 3, 5, 3)
    np.testing.assert_allclose(to_np(eg), to_np(tg), atol=1e-12)
    w = rand(tg.shape, 23, torch.float64)
    (tg * w).sum().backward()
    (eg * e_from(w)).sum().backward()
    np.testing.assert_allclose(to_np(et.grad), to_np(tt.grad), atol=1e-12)


def test_affine_grid_known_values():
    theta = ember.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    g = F.affine_grid(theta, [1, 1, 2, 3], align_corners=False)
    # x at the pixel centres of a width-3 row: -2/3, 0, 2/3; y of a height-2 column: -1/2, 1/2
    want = [[[-2 / 3, -0.5], [0, -0.5], [2 / 3, -0.5]], [[-2 / 3, 0.5], [0, 0.5], [2 / 3, 0.5]]]
    np.testing.assert_allclose(to_np(g)[0], want, atol=1e-6)
    g = F.affine_grid(theta, [1, 1, 2, 3], align_corners=True)
    want = [[[-1, -1], [0, -1], [1, -1]], [[-1, 1], [0, 1], [1, 1]]]
    np.testing.assert_allclose(to_np(g)[0], want, atol=1e-6)


def test_spatial_transformer_chain_matches_torch():
    """The STN tutorial's path: theta -> affine_grid -> grid_sample, gradients for theta and the image."""
    x = rand((2, 1, 9, 9), 30, torch.float32)
    theta = torch.tensor([[[0.8, 0.3, 0.1], [-0.2, 0.9, -0.15]], [[1.2, -0.1, 0.3], [0.25, 1.1, 0.05]]])
    et, tt = e_from(theta, True), theta.clone().requires_grad_()
    ex, tx = e_from(x, True), x.clone().requires_grad_()
    eo = F.grid_sample(ex, F.affine_grid(et, [2, 1, 7, 8], align_corners=False), align_corners=False)
    to = tF.grid_sample(tx, tF.affine_grid(tt, [2, 1, 7, 8], align_corners=False), align_corners=False)
    np.testing.assert_allclose(to_np(eo), to_np(to), atol=1e-5, rtol=1e-4)
    (to ** 2).sum().backward()
    (eo ** 2).sum().backward()
    np.testing.assert_allclose(to_np(et.grad), to_np(tt.grad), atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(to_np(ex.grad), to_np(tx.grad), atol=1e-5, rtol=1e-4)


# ----------------------------------------------------------------------- errors


def test_grid_sample_errors():
    x = ember.zeros(2, 3, 4, 5)
    g = ember.zeros(2, 6, 7, 2)
    with pytest.raises(RuntimeError, match="grid_sample"):  # 3-D input
        F.grid_sample(ember.zeros(2, 4, 5), g, align_corners=False)
    with pytest.raises(RuntimeError, match="grid_sample"):  # 3-D grid
        F.grid_sample(x, ember.zeros(2, 6, 2), align_corners=False)
    with pytest.raises(RuntimeError, match=r"grid_sample.*batch"):
        F.grid_sample(x, ember.zeros(3, 6, 7, 2), align_corners=False)
    with pytest.raises(RuntimeError, match=r"grid_sample.*last dim"):
        F.grid_sample(x, ember.zeros(2, 6, 7, 3), align_corners=False)
    with pytest.raises(RuntimeError, match=None if SELF_CHECK else "grid_sample"):  # dtypes differ
        F.grid_sample(x, ember.zeros(2, 6, 7, 2, dtype=ember.float64), align_corners=False)
    with pytest.raises(RuntimeError, match="grid_sample"):  # empty spatial dim
        F.grid_sample(ember.zeros(2, 3, 0, 5), g, align_corners=False)
    with pytest.raises(RuntimeError, match=r"grid_sample.*last dim"):  # 5-D input needs (x, y, z)
        F.grid_sample(ember.zeros(2, 3, 4, 5, 6), ember.zeros(2, 1, 6, 7, 2), align_corners=False)
    with pytest.raises(RuntimeError, match=r"grid_sample.*bicubic"):
        F.grid_sample(ember.zeros(2, 3, 4, 5, 6), ember.zeros(2, 1, 6, 7, 3), mode="bicubic", align_corners=False)
    with pytest.raises(ValueError, match=r"grid_sample.*'bilinear', 'nearest' or 'bicubic'.*'linear'"):
        F.grid_sample(x, g, mode="linear", align_corners=False)
    with pytest.raises(ValueError, match=r"grid_sample.*'zeros', 'border', or 'reflection'.*'reflect'"):
        F.grid_sample(x, g, padding_mode="reflect", align_corners=False)
    if not SELF_CHECK:  # ember names the shapes
        with pytest.raises(RuntimeError, match=r"\[2, 3, 4, 5\].*\[3, 6, 7, 2\]"):
            F.grid_sample(x, ember.zeros(3, 6, 7, 2))


def test_affine_grid_errors():
    theta = ember.zeros(2, 2, 3)
    with pytest.raises(ValueError):  # 2-D size needs [N, 2, 3]
        F.affine_grid(ember.zeros(2, 3, 4), [2, 3, 4, 5], align_corners=False)
    with pytest.raises(ValueError):  # 3-D size needs [N, 3, 4]
        F.affine_grid(theta, [2, 3, 4, 5, 6], align_corners=False)
    with pytest.raises(ValueError):  # theta must be floating point
        F.affine_grid(ember.zeros(2, 2, 3, dtype=ember.int64), [2, 3, 4, 5], align_corners=False)
    with pytest.raises(ValueError):
        F.affine_grid(theta, [2, 3, 0, 5], align_corners=False)
    with pytest.raises(NotImplementedError):
        F.affine_grid(theta, [2, 3, 4], align_corners=False)
    with pytest.raises(RuntimeError):  # batch of theta != size[0]
        F.affine_grid(theta, [3, 3, 4, 5], align_corners=False)
    if not SELF_CHECK:  # ember names the op and the shapes
        with pytest.raises(ValueError, match=r"affine_grid.*\[2, 3, 4, 5\].*\[2, 3, 4\]"):
            F.affine_grid(ember.zeros(2, 3, 4), [2, 3, 4, 5])
        with pytest.raises(RuntimeError, match=r"affine_grid.*\[2, 2, 3\].*\[3, 3, 4, 5\]"):
            F.affine_grid(theta, [3, 3, 4, 5])
