from .. import _C
from .optimizer import Optimizer, _check_adam_family, _grads


class NAdam(Optimizer):
    """NAdam: Adam with Nesterov momentum; weight_decay is L2 added to the gradient.

    Matches torch 1.13's default NAdam: the exp_avg term is divided by 1 - mu_1 ... mu_t * mu_t * mu_{t+1}
    (this step's mu counted twice; torch's foreach path and torch 2 count it once). See Note [NAdam's
    mu_product] in src/optim/fused_steps.cpp."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 foreach=None):
        _check_adam_family(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError("Invalid momentum_decay value: {}".format(momentum_decay))
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        foreach=foreach)
        super().__init__(params, defaults)

    def step(self, closure=None):
        loss = self._call_closure(closure)
        for group in self.param_groups:
            params, grads = _grads(group, self.state)
            if not params:
                continue
            m, v, mu_products, steps = [], [], [], []
            for p in params:
                st = self.state[p]
                if len(st) == 0:
                    st["step"] = 0
                    st["mu_product"] = _C.tensor(1.0)  # float32, as torch's
                    st["exp_avg"] = _C.zeros_like(p)
                    st["exp_avg_sq"] = _C.zeros_like(p)
                elif not isinstance(st["mu_product"], _C.Tensor):
                    st["mu_product"] = _C.tensor(float(st["mu_product"]))
                st["step"] += 1
                m.append(st["exp_avg"])
                v.append(st["exp_avg_sq"])
                mu_products.append(st["mu_product"])
                steps.append(st["step"])
            beta1, beta2 = group["betas"]
            _C._nn._nadam_step(params, grads, m, v, mu_products, steps, beta1, beta2, group["lr"],
                               group["weight_decay"], group["momentum_decay"], group["eps"])
        return loss
