from .. import _C
from .optimizer import Optimizer, _check_adam_family, _grads, _moments


class RAdam(Optimizer):
    """Rectified Adam: momentum steps until the variance estimate is tractable, then rectified Adam
    steps; weight_decay is L2 added to the gradient."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None):
        _check_adam_family(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._call_closure(closure)
        for group in self.param_groups:
            params, grads = _grads(group, self.state)
            if not params:
                continue
            m, v, steps = _moments(self.state, params, "exp_avg", "exp_avg_sq")
            beta1, beta2 = group["betas"]
            _C._nn._radam_step(params, grads, m, v, steps, beta1, beta2, group["lr"], group["weight_decay"],
                               group["eps"])
        return loss
