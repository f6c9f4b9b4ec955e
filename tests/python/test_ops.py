"""Generic op tests driven by op_db.py, against torch 1.13 on the same inputs:
forward values and dtypes, strides of views and of elementwise ops on
transposed inputs, gradients (float64, random grad_output), gradcheck,
special values (nan, inf, -0.0), NumPy references, type promotion and
integer edge cases."""
import itertools

import numpy as np
import pytest

import ember
from ember_testing import (ALL_DTYPES, GRAD_TOLERANCES, HALF_DTYPES, TOLERANCES,
                           Arr, assert_close, build_args, dtype_name, flatten_outputs,
                           is_float, is_tensor, to_numpy)
from op_db import Sample, op_db, special

torch = pytest.importorskip("torch")


# --------------------------------------------------------------------------
# running an op on either module

SELF_CHECK = ember is torch  # EMBER_TEST_WITH_TORCH=1: torch stands in for ember


def run(m, op, sample, device="cpu", requires_grad=False, leaves_in=None):
    args, kwargs, leaves = build_args(m, sample, device, requires_grad, leaves_in)
    if SELF_CHECK and m is ember:
        try:
            return op.fn(m, *args, **kwargs), args, kwargs, leaves
        except RuntimeError as e:
            if _low_precision_unsupported(e):
                pytest.skip("self-check: torch lacks this float16 kernel")
            raise
    return op.fn(m, *args, **kwargs), args, kwargs, leaves


def _low_precision_unsupported(exc):
    msg = str(exc)
    return "not implemented for 'Half'" in msg or "not implemented for 'BFloat16'" in msg


def run_torch(op, sample, dtype):
    """torch's result on CPU. torch 1.13 lacks many float16 CPU kernels: then
    the op runs in float32 on the same (rounded) values and float outputs are
    cast back. Returns (out, exception)."""
    try:
        return run(torch, op, sample)[0], None
    except Exception as e:  # noqa: BLE001 - the type is compared below
        if dtype in HALF_DTYPES and _low_precision_unsupported(e):
            s32 = sample.with_dtype(dtype, "float32")
            # round the inputs to the low precision first
            args, kwargs, _ = build_args(torch, sample, "cpu")
            args32 = [a.float() if is_tensor(a) and a.dtype == getattr(torch, dtype) else a
                      for a in args]
            try:
                out = op.fn(torch, *args32, **kwargs)
            except Exception:
                out = run(torch, op, s32)[0]
            return _cast_floats(out, getattr(torch, dtype)), None
        return None, e


def _cast_floats(out, dt):
    if isinstance(out, (tuple, list)):
        return type(out)(_cast_floats(o, dt) for o in out) if not hasattr(out, "_fields") \
            else type(out)(*[_cast_floats(o, dt) for o in out])
    if is_tensor(out) and out.dtype == torch.float32:
        return out.to(dt)
    return out


def tol_for(op, dtype):
    return op.tol.get(dtype, TOLERANCES.get(dtype, (0.0, 0.0)))


def compare_outputs(got, exp, what, op, dtype):
    g_list, e_list = flatten_outputs(got), flatten_outputs(exp)
    assert len(g_list) == len(e_list), \
        f"{what}: {len(g_list)} outputs, expected {len(e_list)}"
    for k, (g, e) in enumerate(zip(g_list, e_list)):
        w = f"{what} output {k}" if len(e_list) > 1 else what
        if is_tensor(e):
            atol, rtol = tol_for(op, dtype_name(e.dtype) if is_float(dtype_name(e.dtype)) else dtype)
            assert_close(g, e, w, dtype, atol=atol, rtol=rtol,
                         check_signed_zero=op.check_signed_zero)
        else:
            assert isinstance(g, type(e)), \
                f"{w}: got {type(g).__name__} {g!r}, expected {type(e).__name__} {e!r}"
            assert_close(g, e, w, dtype)


def torch_lacks_kernel(exc):
    """torch 1.13 has no kernel for this dtype: ember may support it."""
    return "not implemented for" in str(exc)


def expect_same_error(op, sample, device, exc, what):
    if torch_lacks_kernel(exc):
        try:
            run(ember, op, sample, device)
            return
        except Exception:  # noqa: BLE001 - then the type must match below
            pass
    with pytest.raises(Exception) as info:
        run(ember, op, sample, device)
    assert isinstance(info.value, type(exc)), (
        f"{what}: torch raises {type(exc).__name__} ({exc}); ember raises "
        f"{type(info.value).__name__} ({info.value})")


def cases(pred=lambda op: True, dtypes=None):
    out = []
    for op in op_db:
        if not pred(op):
            continue
        for dt in (dtypes(op) if dtypes else op.dtypes):
            out.append(pytest.param(op, dt, id=f"{op.name}-{dt}"))
    return out


# --------------------------------------------------------------------------
# forward values and dtypes

@pytest.mark.parametrize("op,dtype", cases())
def test_forward(op, dtype, device):
    for i, sample in enumerate(op.samples(dtype)):
        what = f"{op.name}{sample} on {device}"
        exp, exc = run_torch(op, sample, dtype)
        if exc is not None:
            expect_same_error(op, sample, device, exc, what)
            continue
        got, args, kwargs, _ = run(ember, op, sample, device)
        compare_outputs(got, exp, what, op, dtype)


@pytest.mark.parametrize("op,dtype", cases(lambda op: op.method or op.inplace))
def test_method_and_inplace_variants(op, dtype, device):
    for sample in op.samples(dtype):
        exp, exc = run_torch(op, sample, dtype)
        if exc is not None:
            continue
        args, kwargs, _ = build_args(ember, sample, device)
        if op.method:
            what = f"Tensor.{op.name}{sample}"
            got = getattr(args[0], op.name)(*args[1:], **kwargs)
            compare_outputs(got, exp, what, op, dtype)
        if op.inplace and is_tensor(exp) and is_tensor(args[0]) \
                and tuple(exp.shape) == tuple(args[0].shape) \
                and dtype_name(exp.dtype) == dtype_name(args[0].dtype):
            what = f"Tensor.{op.inplace}{sample}"
            x = args[0].clone()
            ret = getattr(x, op.inplace)(*args[1:], **kwargs)
            compare_outputs(x, exp, what, op, dtype)
            compare_outputs(ret, exp, what + " return value", op, dtype)


@pytest.mark.parametrize("op", [o for o in op_db if o.ref is not None], ids=lambda o: o.name)
def test_matches_numpy(op):
    for sample in op.samples("float64"):
        if sample.kwargs or not all(isinstance(a, Arr) for a in sample.args):
            continue
        got = run(ember, op, sample)[0]
        with np.errstate(all="ignore"):
            exp = op.ref(*[a.values for a in sample.args])
        assert_close(to_numpy(got), np.asarray(exp, dtype=np.float64),
                     f"{op.name}{sample} vs NumPy", "float64", check_dtype=False)


# --------------------------------------------------------------------------
# strides: views share memory with torch's layout; elementwise ops on
# transposed inputs keep the input's memory order like torch

@pytest.mark.parametrize("op,dtype", cases(lambda op: op.check_strides,
                                           lambda op: op.dtypes[:1]))
def test_strides(op, dtype, device):
    for sample in op.samples(dtype):
        exp, exc = run_torch(op, sample, dtype)
        if exc is not None:
            continue
        got = run(ember, op, sample, device)[0]
        for k, (g, e) in enumerate(zip(flatten_outputs(got), flatten_outputs(exp))):
            if not is_tensor(e):
                continue
            what = f"{op.name}{sample} output {k} (shape {list(e.shape)})"
            assert tuple(g.shape) == tuple(e.shape), f"{what}: shape {list(g.shape)}"
            if e.numel() > 1:
                assert tuple(g.stride()) == tuple(e.stride()), \
                    f"{what}: strides {g.stride()}, expected {e.stride()}"
            if op.is_view:
                assert g.storage_offset() == e.storage_offset(), \
                    f"{what}: storage_offset {g.storage_offset()}, expected {e.storage_offset()}"
                assert g.is_contiguous() == e.is_contiguous(), f"{what}: is_contiguous"


@pytest.mark.parametrize("op", [o for o in op_db if o.is_view], ids=lambda o: o.name)
def test_views_share_memory(op):
    """Writing through the base shows in the view (like torch)."""
    dtype = "float64"
    for sample in op.samples(dtype):
        args, kwargs, _ = build_args(ember, sample, "cpu")
        base = args[0]
        out = op.fn(ember, *args, **kwargs)
        targs, tkwargs, _ = build_args(torch, sample, "cpu")
        tout = op.fn(torch, *targs, **tkwargs)
        base.mul_(0).add_(7)
        targs[0].mul_(0).add_(7)
        compare_outputs(out, tout, f"{op.name}{sample} after base.fill_(7)", op, dtype)


# --------------------------------------------------------------------------
# gradients

def _grad_outputs(m, out, requires=True):
    return [o for o in flatten_outputs(out)
            if is_tensor(o) and o.dtype in (m.float32, m.float64)
            and (o.requires_grad or not requires)]


def _backward(m, outs, grads):
    if len(outs) == 1:
        outs[0].backward(grads[0])
    else:
        total = None
        for o, g in zip(outs, grads):
            s = (o * g).sum()
            total = s if total is None else total + s
        total.backward()


@pytest.mark.parametrize("op", [o for o in op_db if o.supports_grad], ids=lambda o: o.name)
def test_grad_matches_torch(op, device):
    dtype = "float64"
    ran = 0
    for sample in op.samples(dtype):
        if not any(a.grad for a in sample.arrs()):
            continue
        if op.grad_vs_torch_contiguous_only and any(a.noncontig for a in sample.arrs()):
            continue
        what = f"grad of {op.name}{sample}"
        tout, _, _, tleaves = run(torch, op, sample, requires_grad=True)
        touts = _grad_outputs(torch, tout)
        if not touts:
            continue
        out, _, _, leaves = run(ember, op, sample, device, requires_grad=True)
        flat_t = flatten_outputs(tout)
        flat_e = flatten_outputs(out)
        for k, (e, g) in enumerate(zip(flat_t, flat_e)):
            if is_tensor(e):
                assert bool(g.requires_grad) == bool(e.requires_grad), \
                    f"{what}: output {k} requires_grad={g.requires_grad}, torch {e.requires_grad}"
        eouts = _grad_outputs(ember, out)
        rng = np.random.RandomState(ran)
        grads = [rng.randn(*tuple(o.shape)) for o in touts]
        _backward(torch, touts, [torch.tensor(g) for g in grads])
        _backward(ember, eouts, [ember.tensor(g).to(device) if device != "cpu"
                                 else ember.tensor(g) for g in grads])
        for j, (tl, el) in enumerate(zip(tleaves, leaves)):
            w = f"{what} input {j}"
            if tl.grad is None:
                assert el.grad is None or not to_numpy(el.grad).any(), \
                    f"{w}: torch gives no gradient, ember gives {el.grad}"
                continue
            assert el.grad is not None, f"{w}: ember gives no gradient"
            atol, rtol = GRAD_TOLERANCES[dtype]
            assert_close(el.grad, tl.grad, w, dtype, atol=atol, rtol=rtol)
        ran += 1


def _gradcheck_samples(op):
    out = []
    for s in op.samples("float64"):
        arrs = [a for a in s.arrs() if a.grad]
        if arrs and sum(a.values.size for a in arrs) <= 160 and \
                all(a.values.size > 0 for a in arrs):
            out.append(s)
    return out[:4]


@pytest.mark.parametrize("op", [o for o in op_db if o.gradcheck], ids=lambda o: o.name)
def test_gradcheck(op):
    samples = _gradcheck_samples(op)
    if not samples:
        pytest.skip(f"{op.name}: every sample is empty")
    for sample in samples:
        if SELF_CHECK and op.grad_vs_torch_contiguous_only and \
                any(a.noncontig for a in sample.arrs()):
            continue  # torch's own backward is wrong here
        _, _, _, leaves = run(ember, op, sample, requires_grad=True)
        inputs = tuple(leaves)

        def f(*ls, _s=sample):
            out = run(ember, op, _s, leaves_in=iter(ls))[0]
            # by dtype, not requires_grad: gradcheck may evaluate under no_grad
            outs = _grad_outputs(ember, out, requires=False)
            return outs[0] if len(outs) == 1 else tuple(outs)

        probe = _grad_outputs(ember, run(ember, op, sample, requires_grad=True)[0])
        if not probe:
            continue
        try:
            ok = ember.autograd.gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3)
        except Exception as e:  # noqa: BLE001
            raise AssertionError(f"gradcheck {op.name}{sample}: {type(e).__name__}: {e}") from None
        assert ok, f"gradcheck {op.name}{sample} returned False"


# --------------------------------------------------------------------------
# special values

@pytest.mark.parametrize("op,dtype", cases(lambda op: op.special_values,
                                           lambda op: [d for d in op.dtypes if is_float(d)]))
def test_special_values(op, dtype, device):
    first = next(iter(op.samples(dtype)))
    n_arr = sum(isinstance(a, Arr) for a in first.args)
    extra = [a for a in first.args if not isinstance(a, Arr)]
    for sample in special(n_arr)(dtype):
        sample = Sample(*(list(sample.args) + extra), **first.kwargs)
        what = f"{op.name} on special values {sample}"
        if op.special_ref is not None:
            if SELF_CHECK:
                pytest.skip("self-check: torch 1.13 returns nan where NumPy is exact")
            # the inputs rounded to dtype, computed in float32 (float64 for float64)
            a, b = [to_numpy(torch.tensor(x.values).to(getattr(torch, dtype)))
                    for x in sample.args[:2]]
            with np.errstate(all="ignore"):
                ref = op.special_ref(a, b)
            exp = torch.from_numpy(np.ascontiguousarray(ref)).to(getattr(torch, dtype))
            compare_outputs(run(ember, op, sample, device)[0], exp, what + " vs NumPy", op, dtype)
            continue
        exp, exc = run_torch(op, sample, dtype)
        if exc is not None:
            expect_same_error(op, sample, device, exc, what)
            continue
        got = run(ember, op, sample, device)[0]
        compare_outputs(got, exp, what, op, dtype)


# --------------------------------------------------------------------------
# type promotion and integer edge cases, each compared to torch

def _t(m, values, dtype):
    return m.tensor(values, dtype=getattr(m, dtype))


EDGE_CASES = {
    # promotion
    "int_tensor_times_float": lambda m: _t(m, [1, 2, 3], "int64") * 2.5,
    "int_tensor_plus_int": lambda m: _t(m, [1, 2, 3], "int32") + 2,
    "int_tensor_plus_bool": lambda m: _t(m, [1, 2, 3], "int16") + True,
    "uint8_plus_int8": lambda m: _t(m, [200, 3], "uint8") + _t(m, [-1, 5], "int8"),
    "bool_plus_int": lambda m: _t(m, [True, False], "bool") + _t(m, [3, 4], "int32"),
    "bool_plus_bool": lambda m: _t(m, [True, False], "bool") + _t(m, [True, False], "bool"),
    "bool_times_float": lambda m: _t(m, [True, False], "bool") * 1.5,
    "half_times_float_scalar": lambda m: _t(m, [1.5, 2.0], "float16") * 3.3,
    "bf16_plus_half": lambda m: _t(m, [1.5, 2.0], "bfloat16") + _t(m, [1.0, 2.0], "float16"),
    "float32_plus_0d_float64": lambda m: _t(m, [1.5, 2.0], "float32") + _t(m, 2.0, "float64"),
    "int32_plus_0d_int64": lambda m: _t(m, [1, 2], "int32") + _t(m, 7, "int64"),
    "int_plus_0d_float": lambda m: _t(m, [1, 2], "int64") + _t(m, 0.5, "float64"),
    "uint8_plus_0d_int64": lambda m: _t(m, [250, 2], "uint8") + _t(m, 10, "int64"),
    "0d_plus_0d": lambda m: _t(m, 1, "int32") + _t(m, 2.5, "float64"),
    "float16_0d_plus_int": lambda m: _t(m, 1.5, "float16") + _t(m, [1, 2], "int32"),
    "int_div_int": lambda m: _t(m, [7, -7], "int64") / _t(m, [2, 2], "int64"),
    "int_floordiv": lambda m: _t(m, [7, -7, 7, -7], "int64") // _t(m, [2, 2, -2, -2], "int64"),
    "int_remainder": lambda m: _t(m, [7, -7, 7, -7], "int32") % _t(m, [3, 3, -3, -3], "int32"),
    "int_fmod": lambda m: m.fmod(_t(m, [7, -7, 7, -7], "int32"), _t(m, [3, 3, -3, -3], "int32")),
    "int_div_trunc": lambda m: m.div(_t(m, [7, -7], "int64"), 2, rounding_mode="trunc"),
    "int_div_floor": lambda m: m.div(_t(m, [7, -7], "int64"), 2, rounding_mode="floor"),
    "float_floordiv_negzero": lambda m: _t(m, [-0.0, 1.0, -1.0], "float64") // _t(m, [1.0, -INF, INF], "float64"),
    "int_pow_int": lambda m: _t(m, [2, 3, -2], "int64") ** 3,
    "int_pow_float": lambda m: _t(m, [2, 3], "int64") ** 0.5,
    "float_scalar_pow_int_tensor": lambda m: 2.0 ** _t(m, [1, 2], "int64"),
    "int_pow_negative": lambda m: _t(m, [2, 3], "int64") ** -1,
    "int_pow_negative_tensor": lambda m: m.pow(_t(m, [2, 1, -1], "int64"), _t(m, [-1, -2, -3], "int64")),
    "comparison_mixed": lambda m: _t(m, [1, 2, 3], "int64") < _t(m, [1.5, 1.5, 1.5], "float32"),
    "eq_bool_int": lambda m: _t(m, [True, False], "bool") == 1,
    "where_promote": lambda m: m.where(_t(m, [True, False], "bool"), _t(m, [1, 2], "int32"),
                                       _t(m, [0.5, 0.5], "float32")),
    "maximum_promote": lambda m: m.maximum(_t(m, [1, 5], "int8"), _t(m, [2.5, 0], "float64")),
    "clamp_int_float_bound": lambda m: m.clamp(_t(m, [1, 5, -3], "int64"), min=0.5),
    "clamp_min_gt_max": lambda m: m.clamp(_t(m, [1.0, 5.0, -3.0], "float32"), min=2.0, max=1.0),
    "sum_bool": lambda m: _t(m, [True, True, False], "bool").sum(),
    "sum_uint8": lambda m: _t(m, [200, 100], "uint8").sum(),
    "sum_int8_dtype": lambda m: _t(m, [100, 100], "int8").sum(dtype=m.int8),
    "mean_int_error": lambda m: _t(m, [1, 2], "int64").mean(),
    "prod_int32": lambda m: _t(m, [3, 4], "int32").prod(),
    "cumsum_int32": lambda m: _t(m, [3, 4], "int32").cumsum(0),
    "cumsum_bool": lambda m: _t(m, [True, True], "bool").cumsum(0),
    "argmax_bool": lambda m: _t(m, [False, True, True], "bool").argmax(),
    "max_bool": lambda m: _t(m, [False, True, True], "bool").max(),
    "sin_int": lambda m: m.sin(_t(m, [1, 2], "int32")),
    "sqrt_bool": lambda m: m.sqrt(_t(m, [True, False], "bool")),
    "exp_uint8": lambda m: m.exp(_t(m, [1, 2], "uint8")),
    "default_dtype_float_list": lambda m: m.tensor([1.0, 2]),
    "default_dtype_int_list": lambda m: m.tensor([1, 2]),
    "default_dtype_bool_list": lambda m: m.tensor([True, False]),
    "mixed_list": lambda m: m.tensor([True, 2, 3.5]),
    "result_type": lambda m: (m.result_type(_t(m, [1], "int32"), 1.0),
                              m.result_type(_t(m, [1], "uint8"), _t(m, [1], "int8")),
                              m.result_type(_t(m, 1, "float64"), _t(m, [1], "int64"))),
    "can_cast": lambda m: (m.can_cast(m.float64, m.int32), m.can_cast(m.int32, m.float32)),
    "promote_types": lambda m: (m.promote_types(m.uint8, m.int8), m.promote_types(m.bfloat16, m.float16)),
    # integer edge cases
    "int8_abs_min": lambda m: _t(m, [-128, 5], "int8").abs(),
    "int8_neg_min": lambda m: -_t(m, [-128, 5], "int8"),
    "uint8_wraps": lambda m: _t(m, [250, 3], "uint8") + _t(m, [10, 5], "uint8"),
    "uint8_sub_wraps": lambda m: _t(m, [3], "uint8") - _t(m, [5], "uint8"),
    "uint8_neg": lambda m: -_t(m, [3, 0], "uint8"),
    "int32_overflow_mul": lambda m: _t(m, [2 ** 30], "int32") * 4,
    "int_div_zero_floor": lambda m: _t(m, [1, 2], "int64") // _t(m, [0, 1], "int64"),
    "int_remainder_zero": lambda m: _t(m, [1, 2], "int64") % _t(m, [0, 1], "int64"),
    "int_true_div_zero": lambda m: _t(m, [1, 0, -1], "int64") / _t(m, [0, 0, 0], "int64"),
    "float_div_zero": lambda m: _t(m, [1.0, 0.0, -1.0], "float32") / 0.0,
    "float_remainder_zero": lambda m: _t(m, [1.0, -1.0], "float64") % 0.0,
    "float_remainder_sign": lambda m: _t(m, [5.5, -5.5, 5.5, -5.5], "float64") % _t(m, [2.0, 2.0, -2.0, -2.0], "float64"),
    "shift_negative": lambda m: _t(m, [-8, 8], "int32") >> 1,
    "shift_int8_overflow": lambda m: _t(m, [64, 1], "int8") << 1,
    "bitwise_bool": lambda m: (_t(m, [True, False], "bool") & _t(m, [True, True], "bool"),
                               ~_t(m, [True, False], "bool")),
    "sign_uint8": lambda m: m.sign(_t(m, [0, 7], "uint8")),
    "round_int": lambda m: m.round(_t(m, [3, -3], "int64")),
    "bool_sub_error": lambda m: _t(m, [True], "bool") - _t(m, [True], "bool"),
    "bool_neg_error": lambda m: -_t(m, [True], "bool"),
    "float_bitwise_error": lambda m: _t(m, [1.0], "float32") & _t(m, [1.0], "float32"),
    "int_sqrt_negative": lambda m: m.sqrt(_t(m, [-4, 4], "int64")),
    "int_log_zero": lambda m: m.log(_t(m, [0, 1], "int64")),
    "max_nan": lambda m: (_t(m, [1.0, NAN, 3.0], "float32").max(), _t(m, [1.0, NAN, 3.0], "float32").argmax()),
    "maximum_nan": lambda m: m.maximum(_t(m, [1.0, NAN], "float32"), _t(m, [NAN, 2.0], "float32")),
    "min_dim_nan": lambda m: _t(m, [[1.0, NAN], [0.5, 2.0]], "float64").min(1),
    "sort_nan": lambda m: m.sort(_t(m, [3.0, NAN, 1.0, -INF], "float64")),
    "clamp_nan": lambda m: m.clamp(_t(m, [NAN, 5.0], "float32"), -1, 1),
    "sum_empty": lambda m: (m.zeros(0).sum(), m.zeros(0).prod(), m.zeros(0, 3).sum(0), m.zeros(0).mean()),
    "max_empty_error": lambda m: m.zeros(0).max(),
    "amax_empty_dim_error": lambda m: m.zeros(0, 3).amax(0),
    "softmax_all_neg_inf": lambda m: m.softmax(_t(m, [-INF, -INF], "float32"), 0),
    "atan2_zeros": lambda m: m.atan2(_t(m, [0.0, -0.0, 0.0, -0.0], "float64"), _t(m, [0.0, 0.0, -0.0, -0.0], "float64")),
    "pow_zero_zero": lambda m: (_t(m, [0.0, 0.0, NAN], "float64") ** _t(m, [0.0, -1.0, 0.0], "float64"),
                                _t(m, [0, 2], "int64") ** 0),
    "arange_float": lambda m: m.arange(0, 1, 0.1),
    "arange_int": lambda m: (m.arange(5), m.arange(1, 10, 3), m.arange(5, 0, -2)),
    "linspace": lambda m: (m.linspace(0, 1, 5), m.linspace(-1, 1, 1), m.linspace(0, 1, 0)),
    "eye": lambda m: (m.eye(3), m.eye(2, 4, dtype=m.int64)),
    "full_infers": lambda m: (m.full((2,), 1), m.full((2,), 1.5), m.full((2,), True)),
    "zeros_ones_dtype": lambda m: (m.zeros(2, 3, dtype=m.int32), m.ones((2,), dtype=m.bool),
                                   m.zeros(()), m.ones([0, 2])),
    "like_creation": lambda m: (m.zeros_like(_t(m, [1, 2], "int32")), m.ones_like(_t(m, [1.0], "float64")),
                                m.full_like(_t(m, [1, 2], "int64"), 2.7),
                                m.empty_like(_t(m, [1.0], "float16")).shape),
    "as_tensor_dtype": lambda m: m.as_tensor([1, 2], dtype=m.float64),
    "tensor_from_tensor_list": lambda m: m.tensor([[1, 2], [3, 4]], dtype=m.int16),
    "nested_bad_list": lambda m: m.tensor([[1, 2], [3]]),
}
INF, NAN = float("inf"), float("nan")


@pytest.mark.parametrize("name", list(EDGE_CASES))
def test_edge_case(name):
    fn = EDGE_CASES[name]
    try:
        exp = fn(torch)
    except Exception as e:  # noqa: BLE001
        if "not implemented for" in str(e):  # torch lacks the kernel
            try:
                fn(ember)
                return
            except Exception:  # noqa: BLE001
                pass
        with pytest.raises(Exception) as info:
            fn(ember)
        assert isinstance(info.value, type(e)), (
            f"{name}: torch raises {type(e).__name__} ({e}); ember raises "
            f"{type(info.value).__name__} ({info.value})")
        return
    got = fn(ember)
    ge, ee = flatten_outputs(got), flatten_outputs(exp)
    assert len(ge) == len(ee), f"{name}: {len(ge)} outputs, expected {len(ee)}"
    for k, (g, e) in enumerate(zip(ge, ee)):
        what = f"{name} output {k}"
        if isinstance(e, torch.dtype):
            assert dtype_name(g) == dtype_name(e), f"{what}: {g}, expected {e}"
        elif isinstance(e, torch.Size):
            assert tuple(g) == tuple(e), f"{what}: {g}, expected {e}"
        elif is_tensor(e):
            assert_close(g, e, what, dtype_name(e.dtype), atol=0, rtol=0,
                         check_signed_zero=True)
        else:
            assert type(g) is type(e) and g == e, f"{what}: {g!r}, expected {e!r}"


PROMO_SHAPES = {"dim": (2,), "0d": ()}


@pytest.mark.parametrize("opname", ["add", "mul", "div", "eq", "maximum", "where"])
def test_promotion_all_dtype_pairs(opname):
    """Result dtype for every dtype pair, dimensioned and 0-d, and Python
    scalars (bool, int, float), against torch."""
    fns = {
        "add": lambda m, a, b: a + b, "mul": lambda m, a, b: m.mul(a, b),
        "div": lambda m, a, b: a / b, "eq": lambda m, a, b: a == b,
        "maximum": lambda m, a, b: m.maximum(a, b) if is_tensor(b) else m.clamp(a, min=b),
        "where": lambda m, a, b: m.where(m.ones((), dtype=m.bool), a, b),
    }
    fn = fns[opname]
    failures = []
    for da, db in itertools.product(ALL_DTYPES, repeat=2):
        for sa, sb in itertools.product(PROMO_SHAPES, repeat=2):
            def mk(m, d, s):
                return m.ones(PROMO_SHAPES[s], dtype=getattr(m, d))
            try:
                exp = fn(torch, mk(torch, da, sa), mk(torch, db, sb))
            except Exception:  # noqa: BLE001
                continue
            try:
                got = fn(ember, mk(ember, da, sa), mk(ember, db, sb))
                gd = dtype_name(got.dtype)
            except Exception as e:  # noqa: BLE001
                gd = f"{type(e).__name__}: {str(e)[:80]}"
            if gd != dtype_name(exp.dtype):
                failures.append(f"{da}[{sa}] {opname} {db}[{sb}]: {gd}, torch {dtype_name(exp.dtype)}")
    for da in ALL_DTYPES:
        for sc in (True, 3, 2.5):
            try:
                exp = fn(torch, torch.ones(2, dtype=getattr(torch, da)), sc)
            except Exception:  # noqa: BLE001
                continue
            try:
                gd = dtype_name(fn(ember, ember.ones(2, dtype=getattr(ember, da)), sc).dtype)
            except Exception as e:  # noqa: BLE001
                gd = f"{type(e).__name__}: {str(e)[:80]}"
            if gd != dtype_name(exp.dtype):
                failures.append(f"{da} {opname} {sc!r}: {gd}, torch {dtype_name(exp.dtype)}")
    assert not failures, f"{len(failures)} promotion mismatches:\n  " + "\n  ".join(failures[:40])
