"""Bad input raises the exception type torch raises for the same mistake,
with a message that says what went wrong; nothing crashes the interpreter."""
import builtins
import re
import subprocess
import sys
import os

import pytest

import ember

torch = pytest.importorskip("torch")


def _f(m, *shape, dt="float32"):
    return m.ones(shape, dtype=getattr(m, dt))


# name: (fn(m), regex the ember message must match, case-insensitive)
ERROR_CASES = {
    "matmul_shapes": (lambda m: _f(m, 2, 3) @ _f(m, 4, 5), r"cannot be multiplied|shape"),
    "matmul_batched_shapes": (lambda m: m.matmul(_f(m, 2, 2, 3), _f(m, 3, 4, 5)), r"broadcast|must match|shape"),
    "matmul_dtype_mismatch": (lambda m: _f(m, 2, 3) @ _f(m, 3, 4, dt="float64"), r"dtype|type|float"),
    "matmul_0d": (lambda m: m.matmul(_f(m), _f(m, 3)), r"1-?D|dim"),
    "mm_1d": (lambda m: m.mm(_f(m, 3), _f(m, 3, 2)), r"2-?D|matri|dim"),
    "bmm_2d": (lambda m: m.bmm(_f(m, 3, 3), _f(m, 3, 3)), r"3-?D|batch|dim"),
    "dot_shapes": (lambda m: m.dot(_f(m, 3), _f(m, 4)), r"size|shape|same"),
    "linear_features": (lambda m: m.nn.functional.linear(_f(m, 8, 30), _f(m, 5, 32)), r"multiplied|shape|features|size"),
    "add_broadcast": (lambda m: _f(m, 2, 3) + _f(m, 4), r"broadcast|must match|size"),
    "mul_broadcast_inplace": (lambda m: _f(m, 3).mul_(_f(m, 2, 3)), r"broadcast|doesn't match|must match|shape"),
    "cat_shapes": (lambda m: m.cat([_f(m, 2, 3), _f(m, 2, 4)]), r"size|shape|match"),
    "cat_empty_list": (lambda m: m.cat([]), r"empty|non-empty|at least"),
    "stack_shapes": (lambda m: m.stack([_f(m, 2), _f(m, 3)]), r"size|shape|same"),
    "sum_dim_out_of_range": (lambda m: _f(m, 2, 3).sum(2), r"out of range"),
    "sum_dim_neg_out_of_range": (lambda m: _f(m, 2, 3).sum(-3), r"out of range"),
    "transpose_dim": (lambda m: _f(m, 2, 3).transpose(0, 5), r"out of range"),
    "softmax_dim": (lambda m: m.softmax(_f(m, 2, 3), 3), r"out of range"),
    "squeeze_dim": (lambda m: _f(m, 2, 3).squeeze(4), r"out of range"),
    "unsqueeze_dim": (lambda m: _f(m, 2, 3).unsqueeze(4), r"out of range"),
    "cumsum_dim": (lambda m: _f(m, 3).cumsum(1), r"out of range"),
    "dim_on_0d": (lambda m: _f(m).sum(1), r"out of range"),
    "int_index_out_of_range": (lambda m: _f(m, 3)[5], r"out of (range|bounds)|index 5"),
    "neg_index_out_of_range": (lambda m: _f(m, 3, 2)[-4], r"out of (range|bounds)|index -4"),
    "too_many_indices": (lambda m: _f(m, 2, 2)[0, 0, 0], r"too many indices"),
    "index_0d": (lambda m: _f(m)[0], r"0-d|0-dim|invalid index"),
    "tensor_index_out_of_range": (lambda m: _f(m, 3)[m.tensor([0, 5])], r"out of (range|bounds)"),
    "list_index_out_of_range": (lambda m: _f(m, 3)[[0, -4]], r"out of (range|bounds)"),
    "mask_shape": (lambda m: _f(m, 3)[m.tensor([True, False])], r"shape|mask|match"),
    "float_index": (lambda m: _f(m, 3)[m.tensor([0.0])], r"long|byte|bool|index|integer"),
    "string_index": (lambda m: _f(m, 3)["a"], r"index|str|only integers"),
    "select_out_of_range": (lambda m: _f(m, 3, 4).select(1, 4), r"out of (range|bounds)"),
    "index_select_out_of_range": (lambda m: m.index_select(_f(m, 3), 0, m.tensor([3])), r"out of (range|bounds)"),
    "gather_out_of_range": (lambda m: m.gather(_f(m, 2, 3), 1, m.tensor([[0, 3]])), r"out of (range|bounds)"),
    "scatter_out_of_range": (lambda m: m.scatter(_f(m, 2, 3), 1, m.tensor([[-5]]), _f(m, 1, 1)), r"out of (range|bounds)"),
    "index_add_out_of_range": (lambda m: m.index_add(_f(m, 3), 0, m.tensor([7]), _f(m, 1)), r"out of (range|bounds)"),
    "index_put_out_of_range": (lambda m: m.index_put(_f(m, 3), (m.tensor([3]),), _f(m, 1)), r"out of (range|bounds)"),
    "gather_index_dtype": (lambda m: m.gather(_f(m, 2, 3), 1, m.tensor([[0.0]])), r"int64|long|index"),
    "one_hot_negative": (lambda m: m.nn.functional.one_hot(m.tensor([-1, 0])), r"negative|non-negative|class|index"),
    "one_hot_too_small": (lambda m: m.nn.functional.one_hot(m.tensor([5]), 3), r"class|out of|range|index"),
    "setitem_shape": (lambda m: _f(m, 3, 4).__setitem__((slice(None),), _f(m, 2, 4)), r"shape|size|broadcast|match"),
    "view_size": (lambda m: _f(m, 2, 3).view(5), r"invalid|size|shape"),
    "view_noncontiguous": (lambda m: _f(m, 2, 3).t().view(6), r"view|stride|contiguous|compatible"),
    "reshape_two_minus_one": (lambda m: _f(m, 2, 3).reshape(-1, -1), r"infer|-1|one dimension"),
    "permute_ndims": (lambda m: _f(m, 2, 3).permute(0), r"dims|number|match|permute"),
    "permute_repeated": (lambda m: _f(m, 2, 3).permute(0, 0), r"repeat|unique|twice|dims"),
    "expand_bad": (lambda m: _f(m, 2, 3).expand(4, 3), r"expand|size|match"),
    "expand_fewer_dims": (lambda m: _f(m, 2, 3).expand(3), r"expand|number|dimensions|size"),
    "narrow_out_of_range": (lambda m: _f(m, 4).narrow(0, 3, 3), r"exceed|range|size|bound"),
    "split_sizes": (lambda m: _f(m, 4).split([1, 2]), r"sum|split|size"),
    "chunk_zero": (lambda m: _f(m, 4).chunk(0), r"chunk|greater than 0|positive"),
    "repeat_fewer_dims": (lambda m: _f(m, 2, 3).repeat(2), r"repeat|dimensions|number"),
    "topk_too_large": (lambda m: m.topk(_f(m, 3), 4), r"range|k|selected"),
    "diagonal_1d": (lambda m: _f(m, 3).diagonal(), r"dim|out of range|2"),
    "as_strided_out_of_bounds": (lambda m: _f(m, 4).as_strided((3,), (2,)), r"bounds|storage|size|out of"),
    "div_rounding_mode": (lambda m: m.div(_f(m, 2), 2, rounding_mode="bad"), r"rounding_mode|trunc|floor"),
    "int_div_by_zero": (lambda m: m.tensor([1]) // m.tensor([0]), r"ZeroDivision|zero"),
    "int_pow_negative": (lambda m: m.tensor([2]) ** -1, r"negative|integer"),
    "bitwise_float": (lambda m: _f(m, 2) & _f(m, 2), r"bitwise|float|not implemented|support"),
    "neg_bool": (lambda m: -m.tensor([True]), r"bool|~|logical_not"),
    "sub_bool": (lambda m: m.tensor([True]) - m.tensor([False]), r"bool|subtract|logical_xor|\^"),
    "masked_fill_mask_dtype": (lambda m: _f(m, 3).masked_fill(m.tensor([True, False]), 0.0), r"shape|size|broadcast|match|mask"),
    "where_cond_dtype": (lambda m: m.where(m.tensor([1.0, 0.0]), _f(m, 2), _f(m, 2)), r"bool|condition"),
    "mean_int": (lambda m: m.tensor([1, 2]).mean(), r"dtype|float|integer|Long"),
    "max_empty": (lambda m: _f(m, 0).max(), r"empty|zero|numel|identity"),
    "argmax_empty": (lambda m: _f(m, 0).argmax(), r"empty|zero|numel"),
    "negative_size": (lambda m: m.zeros(-1), r"negative"),
    "negative_size_2d": (lambda m: m.ones(2, -3), r"negative"),
    "negative_randn": (lambda m: m.randn(-2), r"negative"),
    "huge_size": (lambda m: m.empty(2 ** 62), r"alloc|memory|large|overflow|size"),
    "huge_size_overflow": (lambda m: m.zeros(2 ** 40, 2 ** 40), r"alloc|memory|large|overflow|size"),
    "huge_size_int64_overflow": (lambda m: m.zeros(2 ** 63), r"overflow|large|int|range"),
    "huge_expand_then_contiguous": (lambda m: _f(m, 1).expand(2 ** 62).contiguous(), r"alloc|memory|large|overflow|size"),
    "size_float": (lambda m: m.zeros(2.5), r"float|int|argument"),
    "size_nan": (lambda m: m.zeros(float("nan")), r"float|int|argument"),
    "size_string": (lambda m: m.zeros("a"), r"str|argument|int"),
    "dtype_string": (lambda m: m.zeros(2, dtype="float32"), r"dtype|str|argument"),
    "bad_device": (lambda m: m.zeros(2, device="gpu"), r"device|gpu"),
    "tensor_ragged": (lambda m: m.tensor([[1, 2], [3]]), r"sequence|length|ragged|shape"),
    "tensor_string": (lambda m: m.tensor("abc"), r"str|type|data"),
    "tensor_object": (lambda m: m.tensor([object()]), r"object|type|convert|data"),
    "add_string": (lambda m: _f(m, 2) + "a", r"str|unsupported|operand|type"),
    "arange_step_zero": (lambda m: m.arange(0, 5, 0), r"step|zero|nonzero"),
    "arange_wrong_sign": (lambda m: m.arange(0, 5, -1), r"bound|sign|step|inconsistent"),
    "arange_nan": (lambda m: m.arange(0, float("nan")), r"nan|finite|inf|bound|overflow|size"),
    "arange_inf": (lambda m: m.arange(0, float("inf")), r"nan|finite|inf|bound|overflow|size"),
    "linspace_negative": (lambda m: m.linspace(0, 1, -1), r"negative|steps|non-negative"),
    "randint_empty_range": (lambda m: m.randint(5, 5, (2,)), r"from|to|range|low|high"),
    "eye_negative": (lambda m: m.eye(-1), r"negative|n"),
    "randperm_negative": (lambda m: m.randperm(-1), r"negative|n"),
    "requires_grad_int": (lambda m: m.tensor([1]).requires_grad_(), r"floating point|complex|dtype"),
    "backward_non_scalar": (lambda m: (_f(m, 2).requires_grad_() * 2).backward(), r"scalar"),
    "backward_gradient_shape": (lambda m: (_f(m, 2).requires_grad_() * 2).backward(_f(m, 3)), r"shape|size|mismatch"),
    "grad_assign_shape": (lambda m: setattr(_f(m, 2).requires_grad_(), "grad", _f(m, 3)), r"shape|size"),
    "item_many": (lambda m: _f(m, 2).item(), r"element|scalar"),
    "bool_many": (lambda m: bool(_f(m, 2)), r"ambiguous|element"),
    "float_many": (lambda m: float(_f(m, 2)), r"element|scalar"),
    "int_many": (lambda m: int(_f(m, 2)), r"element|scalar"),
    "len_0d": (lambda m: len(_f(m)), r"0-d|0-dim|len"),
    "iter_0d": (lambda m: iter(_f(m)), r"0-d|0-dim|iterat"),
    "numpy_requires_grad": (lambda m: _f(m, 2).requires_grad_().numpy(), r"grad|detach"),
    "inplace_leaf": (lambda m: _f(m, 2).requires_grad_().mul_(2), r"leaf"),
    "einsum_bad_equation": (lambda m: m.einsum("ij,jk->ik", _f(m, 2, 3), _f(m, 4, 5)), r"dimension|size|subscript|match|operand"),
    "einsum_operand_count": (lambda m: m.einsum("ij,jk->ik", _f(m, 2, 3)), r"operand|number|subscript"),
    "clamp_no_bounds": (lambda m: m.clamp(_f(m, 2)), r"min|max|at least"),
    "unflatten_bad_sizes": (lambda m: _f(m, 2, 6).unflatten(1, (4, 2)), r"size|product|match|unflatten"),
    "tril_1d": (lambda m: m.tril(_f(m, 3)), r"dim|2|matri"),
    "roll_shifts_dims": (lambda m: m.roll(_f(m, 2, 3), (1, 1), (0,)), r"shifts|dims|same|size"),
    "take_along_dim_shape": (lambda m: m.take_along_dim(_f(m, 2, 3), m.tensor([[[0]]]), 1), r"dim|shape|number|same"),
    "unique_dim": (lambda m: m.unique(_f(m, 2, 3), dim=5), r"out of range|dim"),
}


def _builtin_base(exc_type):
    for cls in exc_type.__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls
    return Exception


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_error_type_matches_torch(name):
    fn, fragment = ERROR_CASES[name]
    with pytest.raises(Exception) as tinfo:
        fn(torch)
    expected = _builtin_base(type(tinfo.value))
    with pytest.raises(Exception) as einfo:
        fn(ember)
    got = einfo.value
    assert isinstance(got, expected), (
        f"{name}: torch raises {type(tinfo.value).__name__}: {str(tinfo.value)[:200]}\n"
        f"  ember raises {type(got).__name__}: {str(got)[:200]}")
    if ember is not torch:
        assert re.search(fragment, str(got), re.I), (
            f"{name}: ember's message {str(got)[:300]!r} does not match {fragment!r}")


def test_error_messages_name_the_op_and_shapes():
    """STYLE.md section 4: name the op, and every shape involved."""
    if ember is torch:
        pytest.skip("ember's own message style")
    with pytest.raises(RuntimeError) as info:
        ember.matmul(ember.ones(2, 4), ember.ones(3, 2))
    msg = str(info.value)
    assert "matmul" in msg or "mm" in msg, msg
    assert re.search(r"2.*4", msg) and re.search(r"3.*2", msg), msg
    with pytest.raises(RuntimeError) as info:
        ember.ones(2, 3) + ember.ones(4)
    assert "add" in str(info.value), str(info.value)
    with pytest.raises(IndexError) as info:
        ember.ones(2, 3).sum(2)
    assert "sum" in str(info.value) and "2" in str(info.value), str(info.value)


def test_exceptions_are_standard_types():
    """ember's own error classes subclass the builtin ones."""
    for bad, exc in [(lambda: ember.ones(2).sum(5), IndexError),
                     (lambda: ember.zeros("a"), TypeError)]:
        with pytest.raises(exc):
            bad()


NO_CRASH = [
    "import ember; ember.empty(2**62)",
    "import ember; ember.zeros(2**40, 2**40)",
    "import ember; ember.ones(1).expand(2**62).contiguous()",
    "import ember; ember.ones(3).as_strided((2**40,), (2**40,))",
    "import ember; ember.arange(0, 1e30, 1)",
    "import ember; ember.randn(-1)",
    "import ember; x = ember.ones(3); x[10**20]",
    "import ember; x = ember.ones(3); x[ember.tensor([2**62])]",
    "import ember; ember.ones(2, 3).view(-1, 0)",
    "import ember; ember.ones(3).reshape(2**32, 2**32)",
    "import ember; ember.ones(2, 2).repeat(2**40, 2**40)",
    "import ember; ember.tensor([1]).narrow(0, 2**62, 2**62)",
]


@pytest.mark.parametrize("code", NO_CRASH)
def test_bad_input_does_not_crash_interpreter(code):
    """Run in a child interpreter: it must raise a Python exception, not die."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    prog = ("import sys\ntry:\n    " + code.replace("; ", "\n    ") +
            "\nexcept Exception as e:\n    print('RAISED', type(e).__name__, e)\n    sys.exit(0)\n"
            "print('NO ERROR')\n")
    if ember is torch:
        prog = "import sys, torch; sys.modules['ember'] = torch\n" + prog
    r = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 0, f"{code!r}: interpreter died with {r.returncode}: {r.stderr[-500:]}"
    assert "RAISED" in r.stdout, f"{code!r}: no exception raised ({r.stdout.strip()[:200]})"
