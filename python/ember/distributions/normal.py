"""Normal(loc, scale), as torch.distributions.Normal."""
import math
import numbers

import ember

from .distribution import Distribution, broadcast_all


class Normal(Distribution):
    has_rsample = True
    _param_names = ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        if isinstance(loc, numbers.Number) and isinstance(scale, numbers.Number):
            batch_shape = ember.Size()
        else:
            batch_shape = self.loc.size()
        super().__init__(batch_shape, validate_args=validate_args)
        if self._validate_args:
            self._check_param("loc", self.loc, self.loc == self.loc, "Real()")
            self._check_param("scale", self.scale, self.scale > 0, "GreaterThan(lower_bound=0.0)")

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.stddev.pow(2)

    def sample(self, sample_shape=ember.Size()):
        # torch's sample goes through torch.normal, which checks std even without validate_args
        if not bool((self.scale >= 0).all()):
            raise RuntimeError("Normal.sample: normal expects all elements of std >= 0.0 (scale of shape %s has a "
                               "negative or nan entry)" % (tuple(self.scale.shape),))
        with ember.no_grad():
            return self.rsample(sample_shape)

    def _support_check(self, value):
        return value == value  # Real(): any number but nan

    def rsample(self, sample_shape=ember.Size()):
        """loc + eps * scale with eps ~ N(0, 1): differentiable in loc and scale."""
        shape = self._extended_shape(sample_shape)
        eps = ember.randn(tuple(shape), dtype=self.loc.dtype)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        var = self.scale ** 2
        log_scale = self.scale.log()
        return -((value - self.loc) ** 2) / (2 * var) - log_scale - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value):
        return 0.5 * (1 + ember.erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    def icdf(self, value):
        return self.loc + self.scale * ember.erfinv(2 * value - 1) * math.sqrt(2)

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + ember.log(self.scale)
