"""Parameter: a Tensor subclass that a Module registers when assigned as an attribute."""
from .. import _C
from .._C import Tensor


class Parameter(Tensor):
    """A tensor that is a module parameter (shares ``data``'s memory; requires grad by default)."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _C.empty(0)
        return _C._nn._make_subclass(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):  # state set in __new__
        pass

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        r = type(self)(self.detach().clone(), self.requires_grad)
        memo[id(self)] = r
        return r

    def __reduce_ex__(self, proto):
        return (Parameter, (self.detach().clone(), self.requires_grad))


class Buffer:  # marker only; torch 1.13 has no nn.Buffer
    pass


def is_parameter(x):
    return isinstance(x, Parameter)
