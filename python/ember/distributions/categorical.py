"""Categorical(probs=None, logits=None) over the last dim, as torch.distributions.Categorical."""
import ember

from .distribution import Distribution, logits_to_probs, probs_to_logits


class Categorical(Distribution):
    _param_names = ("probs", "logits")

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            # normalized: log-probabilities
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.size()[-1]
        batch_shape = self._param.size()[:-1] if self._param.dim() > 1 else ember.Size()
        super().__init__(batch_shape, validate_args=validate_args)
        if self._validate_args and probs is not None:
            p = self.probs
            ok = ((p >= 0) & (p <= 1)).all() & ((p.sum(-1) - 1).abs() < 1e-6).all()
            self._check_param("probs", probs, ok, "Simplex()")
        if self._validate_args and logits is not None:
            # IndependentConstraint(Real(), 1) on the normalized logits: all -inf, or any nan or +inf, fails
            self._check_param("logits", self.logits, self.logits == self.logits,
                              "IndependentConstraint(Real(), 1)")

    def __getattr__(self, name):
        # probs and logits are computed from each other on first use, as torch's lazy_property
        if name == "probs":
            self.probs = logits_to_probs(self.__dict__["logits"])
            return self.probs
        if name == "logits":
            self.logits = probs_to_logits(self.__dict__["probs"])
            return self.logits
        raise AttributeError(name)

    @property
    def param_shape(self):
        return self._param.size()

    @property
    def mean(self):
        return ember.full(tuple(self._extended_shape()), float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self):
        return self.probs.argmax(dim=-1)

    @property
    def variance(self):
        return ember.full(tuple(self._extended_shape()), float("nan"), dtype=self.probs.dtype)

    @property
    def _support_name(self):
        return "IntegerInterval(lower_bound=0, upper_bound=%d)" % (self._num_events - 1)

    def _support_check(self, value):
        return (value == value.floor()) & (value >= 0) & (value <= self._num_events - 1)

    def sample(self, sample_shape=ember.Size()):
        if not isinstance(sample_shape, ember.Size):
            sample_shape = ember.Size(sample_shape)
        with ember.no_grad():
            probs_2d = self.probs.reshape(-1, self._num_events)
            samples_2d = ember.multinomial(probs_2d, sample_shape.numel(), True).T
            return samples_2d.reshape(tuple(self._extended_shape(sample_shape)))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        value, log_pmf = ember.broadcast_tensors(value, self.logits)
        value = value[..., :1]
        return log_pmf.gather(-1, value).squeeze(-1)

    def entropy(self):
        min_real = ember.finfo(self.logits.dtype).min
        logits = ember.clamp(self.logits, min=min_real)
        p_log_p = logits * self.probs
        return -p_log_p.sum(-1)

    def enumerate_support(self, expand=True):
        values = ember.arange(self._num_events, dtype=ember.int64)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + tuple(self._batch_shape))
        return values
