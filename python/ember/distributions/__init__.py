"""ember.distributions: torch.distributions' Categorical, Normal, Bernoulli and Uniform (torch 1.13
semantics), written in Python over ember ops, so log_prob, entropy and rsample are differentiable."""
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .normal import Normal
from .uniform import Uniform

__all__ = ["Distribution", "Bernoulli", "Categorical", "Normal", "Uniform"]
