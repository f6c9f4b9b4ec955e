"""torch.nn.utils.weight_norm: w = g * v / ||v||, with g (name_g) and v (name_v) the module's parameters in place
of w, recomputed by a forward pre-hook before every forward."""
from ..parameter import Parameter

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


def _norm_except_dim(v, dim):
    """The 2-norm of v over every dim but ``dim``, kept as size-1 dims; dim=-1 (or None): over the whole
    tensor, a 0-d result (torch's norm_except_dim)."""
    if dim == -1:
        return v.norm(2)
    if not -v.dim() <= dim < v.dim():
        raise IndexError("Dimension out of range (expected to be in range of [{}, {}], but got {})".format(
            -v.dim(), v.dim() - 1, dim))
    d = dim % v.dim()
    return v.norm(2, tuple(i for i in range(v.dim()) if i != d), keepdim=True)


class WeightNorm:
    def __init__(self, name, dim):
        if dim is None:
            dim = -1
        self.name = name
        self.dim = dim

    def compute_weight(self, module):
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return v * (g / _norm_except_dim(v, self.dim))

    @staticmethod
    def apply(module, name, dim):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError("Cannot register two weight_norm hooks on the same parameter {}".format(name))
        if dim is None:
            dim = -1
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(_norm_except_dim(weight, dim).detach()))
        module.register_parameter(name + "_v", Parameter(weight.detach()))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Reparametrizes ``module.<name>`` as name_g * name_v / ||name_v|| (norm over every dim but ``dim``;
    dim=None: over the whole tensor). Returns the module."""
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    """Folds name_g and name_v back into one parameter ``name``."""
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError("weight_norm of '{}' not found in {}".format(name, module))
