"""The base class: shapes, argument validation and the sample / rsample split, as torch.distributions."""
import ember


class Distribution:
    """A batch of distributions of shape ``batch_shape``, each over events of shape ``event_shape``.

    ``validate_args`` (default True, as torch under ``__debug__``) checks parameters at construction and
    values given to ``log_prob`` against the support, raising ValueError."""

    has_rsample = False
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value):
        if value not in (True, False):
            raise ValueError("validate_args must be a bool")
        Distribution._validate_args = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = ember.Size(batch_shape)
        self._event_shape = ember.Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    @property
    def mean(self):
        raise NotImplementedError

    @property
    def mode(self):
        raise NotImplementedError("%s does not implement mode" % type(self).__name__)

    @property
    def variance(self):
        raise NotImplementedError

    @property
    def stddev(self):
        return self.variance.sqrt()

    def sample(self, sample_shape=ember.Size()):
        """Samples without gradient (rsample under no_grad where there is one)."""
        with ember.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=ember.Size()):
        raise NotImplementedError("%s has no rsample (no reparameterized sampling)" % type(self).__name__)

    def sample_n(self, n):
        return self.sample(ember.Size((n,)))

    def log_prob(self, value):
        raise NotImplementedError

    def entropy(self):
        raise NotImplementedError

    def perplexity(self):
        return ember.exp(self.entropy())

    def cdf(self, value):
        raise NotImplementedError

    def icdf(self, value):
        raise NotImplementedError

    def _extended_shape(self, sample_shape=ember.Size()):
        if not isinstance(sample_shape, ember.Size):
            sample_shape = ember.Size(sample_shape)
        return ember.Size(sample_shape + self._batch_shape + self._event_shape)

    # ---- validation (torch's messages) ----
    def _check_param(self, name, value, ok, constraint):
        if self._validate_args and not bool(ok.all()):
            raise ValueError(
                "Expected parameter %s (%s of shape %s) of distribution %s to satisfy the constraint %s, "
                "but found invalid values:\n%s" % (name, type(value).__name__, tuple(value.shape), repr(self),
                                                    constraint, value))

    def _validate_sample(self, value):
        if not isinstance(value, ember.Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim_start = len(value.shape) - len(self._event_shape)
        if tuple(value.shape[event_dim_start:]) != tuple(self._event_shape):
            raise ValueError("The right-most size of value must match event_shape: {} vs {}."
                             .format(tuple(value.shape), tuple(self._event_shape)))
        actual_shape = value.shape
        expected_shape = self._batch_shape + self._event_shape
        for i, j in zip(reversed(actual_shape), reversed(expected_shape)):
            if i != 1 and j != 1 and i != j:
                raise ValueError("Value is not broadcastable with batch_shape+event_shape: {} vs {}."
                                 .format(tuple(actual_shape), tuple(expected_shape)))
        ok = self._support_check(value)
        if ok is not None and not bool(ok.all()):
            raise ValueError("Expected value argument ({} of shape {}) to be within the support ({}) of the "
                             "distribution {}, but found invalid values:\n{}"
                             .format(type(value).__name__, tuple(value.shape), self._support_name, repr(self),
                                     value))

    _support_name = "Real()"

    def _support_check(self, value):
        return None

    def __repr__(self):
        names = [k for k in self._param_names if k in self.__dict__]
        args = ", ".join("{}: {}".format(p, self.__dict__[p] if self.__dict__[p].numel() == 1
                                          else self.__dict__[p].size()) for p in names)
        return type(self).__name__ + "(" + args + ")"

    _param_names = ()


def broadcast_all(*values):
    """Tensors and numbers broadcast to tensors of one shape (numbers take the tensors' dtype, or the
    default float dtype when there is no tensor)."""
    tensors = [v for v in values if isinstance(v, ember.Tensor)]
    if not tensors:
        return tuple(ember.tensor(float(v)) for v in values)
    like = tensors[0]
    vals = [v if isinstance(v, ember.Tensor) else ember.tensor(float(v), dtype=like.dtype) for v in values]
    return tuple(ember.broadcast_tensors(*vals))


def clamp_probs(probs):
    eps = ember.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    ps = clamp_probs(probs)
    return ember.log(ps) - ember.log1p(-ps) if is_binary else ember.log(ps)


def logits_to_probs(logits, is_binary=False):
    return ember.sigmoid(logits) if is_binary else ember.softmax(logits, dim=-1)
