"""Bernoulli(probs=None, logits=None), as torch.distributions.Bernoulli."""
import numbers

import ember
import ember.nn.functional as F

from .distribution import Distribution, broadcast_all, logits_to_probs, probs_to_logits


class Bernoulli(Distribution):
    _param_names = ("probs", "logits")

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        param = probs if probs is not None else logits
        is_scalar = isinstance(param, numbers.Number)
        (value,) = broadcast_all(param)
        if probs is not None:
            self.probs = value
        else:
            self.logits = value
        self._param = value
        super().__init__(ember.Size() if is_scalar else value.size(), validate_args=validate_args)
        if self._validate_args and probs is not None:
            self._check_param("probs", value, (value >= 0) & (value <= 1), "Interval(lower_bound=0.0, upper_bound=1.0)")
        if self._validate_args and logits is not None:
            self._check_param("logits", value, value == value, "Real()")

    def __getattr__(self, name):
        # probs and logits are computed from each other on first use, as torch's lazy_property
        if name == "probs":
            self.probs = logits_to_probs(self.__dict__["logits"], is_binary=True)
            return self.probs
        if name == "logits":
            self.logits = probs_to_logits(self.__dict__["probs"], is_binary=True)
            return self.logits
        raise AttributeError(name)

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        mode[self.probs == 0.5] = float("nan")
        return mode

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    @property
    def param_shape(self):
        return self._param.size()

    _support_name = "Boolean()"

    def _support_check(self, value):
        return (value == 0) | (value == 1)

    def sample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        with ember.no_grad():
            return ember.bernoulli(self.probs.expand(tuple(shape)))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = ember.broadcast_tensors(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self):
        return F.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")

    def enumerate_support(self, expand=True):
        values = ember.arange(2, dtype=self._param.dtype)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + tuple(self._batch_shape))
        return values
