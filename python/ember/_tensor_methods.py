"""Tensor methods that are plain Python glue over _C (no math here)."""

from . import _C


class RemovableHandle:
    """Returned by Tensor.register_hook; ``remove()`` unregisters the hook."""

    def __init__(self, tensor, handle):
        self._tensor = tensor
        self._handle = handle

    def remove(self):
        if self._tensor is not None:
            self._tensor._remove_hook(self._handle)
            self._tensor = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_hook(self, hook):
    """Registers ``hook(grad) -> Tensor or None``, run on this tensor's gradient."""
    if not self.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    return RemovableHandle(self, self._register_hook(hook))


def __reversed__(self):
    if self.dim() == 0:
        return self
    return self.flip(0)


def __contains__(self, element):
    if isinstance(element, (_C.Tensor, int, float, bool)):
        return bool((element == self).any().item())
    raise RuntimeError("Tensor.__contains__ only supports Tensor or scalar, but you passed in a %s." % type(element))


def __deepcopy__(self, memo):
    if id(self) in memo:
        return memo[id(self)]
    with_grad = self.requires_grad
    new = self.detach().clone()
    if with_grad:
        new.requires_grad_(True)
    if self.grad is not None:
        new.grad = self.grad.clone()
    memo[id(self)] = new
    return new


def _rebuild(data, dtype, requires_grad):
    import ember

    t = ember.tensor(data, dtype=getattr(ember, dtype))
    if requires_grad:
        t.requires_grad_(True)
    return t


def __reduce_ex__(self, proto):
    return (_rebuild, (self.detach().cpu().tolist(), str(self.dtype).split(".")[1], self.requires_grad))


def type(self, dtype=None, non_blocking=False, **kwargs):
    """The type name ("ember.FloatTensor") without dtype; else the tensor converted to dtype, which may be a
    dtype, a legacy type (ember.DoubleTensor) or its name ("torch.DoubleTensor")."""
    from . import typename
    from ._settings import legacy_type

    if dtype is None:
        return typename(self)
    cls = legacy_type(dtype, "type")
    return self.to(cls.dtype if cls is not None else dtype)


def __array_wrap__(self, array):
    from . import from_numpy

    return from_numpy(array)


def share_memory_(self):
    return self


def apply_(self, fn):
    raise NotImplementedError("apply_ is not supported")


def multinomial(self, num_samples, replacement=False, *, generator=None):
    from . import _C

    return _C.multinomial(self, num_samples, replacement, generator=generator)


def _install(cls):
    for name, fn in [
        ("multinomial", multinomial),
        ("register_hook", register_hook),
        ("__reversed__", __reversed__),
        ("__contains__", __contains__),
        ("__deepcopy__", __deepcopy__),
        ("__reduce_ex__", __reduce_ex__),
        ("type", type),
        ("__array_wrap__", __array_wrap__),
        ("share_memory_", share_memory_),
    ]:
        setattr(cls, name, fn)
