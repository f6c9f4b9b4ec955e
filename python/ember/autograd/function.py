"""ember.autograd.Function: user-defined differentiable ops in Python, recorded
in the C++ graph through ``_C._record_function`` (the node's backward calls
back into Python with the GIL held)."""

from .. import _C


class FunctionCtx(_C._FunctionCtx):
    """The ``ctx`` of forward/backward: save_for_backward, saved_tensors,
    needs_input_grad, mark_non_differentiable; any other attribute may be set."""


class _FunctionMeta(type):
    pass


class Function(metaclass=_FunctionMeta):
    """Subclass with ``@staticmethod forward(ctx, *args)`` and
    ``@staticmethod backward(ctx, *grad_outputs)``; call ``MyFn.apply(*args)``."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement the backward function for custom autograd.Function.")

    @classmethod
    def apply(cls, *args):
        Tensor = _C.Tensor
        ctx = FunctionCtx()
        is_tensor = [isinstance(a, Tensor) for a in args]
        ctx.needs_input_grad = tuple(t and a.requires_grad for t, a in zip(is_tensor, args))
        prev = _C.is_grad_enabled()
        _C._set_grad_enabled(False)
        try:
            out = cls.forward(ctx, *args)
        finally:
            _C._set_grad_enabled(prev)
        single = isinstance(out, Tensor)
        outs = (out,) if single else tuple(out)
        if not (prev and any(ctx.needs_input_grad)):
            return out
        inputs = [a for a, t in zip(args, is_tensor) if t]
        backward = cls.backward

        def call_backward(c, *grads):
            r = backward(c, *grads)
            if not isinstance(r, tuple):
                r = (r,)
            if len(r) != len(args):
                raise RuntimeError(
                    "function %sBackward returned an incorrect number of gradients (expected %d, got %d)"
                    % (cls.__name__, len(args), len(r)))
            # one gradient per tensor argument
            return tuple(g for g, t in zip(r, is_tensor) if t)

        tensor_outs = [o for o in outs if isinstance(o, Tensor)]
        recorded = _C._record_function(cls.__name__, ctx, inputs, tensor_outs, call_backward)
        it = iter(recorded)
        result = tuple(next(it) if isinstance(o, Tensor) else o for o in outs)
        return result[0] if single else result
