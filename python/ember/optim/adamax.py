from .. import _C
from .optimizer import Optimizer, _check_adam_family, _grads, _moments


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm; weight_decay is L2 added to the gradient."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False):
        _check_adam_family(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._call_closure(closure)
        for group in self.param_groups:
            params, grads = _grads(group, self.state)
            if not params:
                continue
            m, u, steps = _moments(self.state, params, "exp_avg", "exp_inf")
            beta1, beta2 = group["betas"]
            _C._nn._adamax_step(params, grads, m, u, steps, group["eps"], beta1, beta2, group["lr"],
                                group["weight_decay"], group["maximize"])
        return loss
