"""ember.backends.cuda: torch.backends.cuda's matmul switches (kept, no effect on ember's kernels)."""
from .. import _settings


class _MatmulFlags:
    """backends.cuda.matmul: allow_tf32 mirrors set_float32_matmul_precision, as torch's ("highest" = no TF32);
    an unknown attribute is an error, as torch's."""

    __slots__ = ("_allow_fp16_reduced_precision_reduction",)

    def __init__(self):
        self._allow_fp16_reduced_precision_reduction = True

    @property
    def allow_tf32(self):
        return _settings.get_float32_matmul_precision() != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value):
        _settings.set_float32_matmul_precision("high" if value else "highest")

    @property
    def allow_fp16_reduced_precision_reduction(self):
        return self._allow_fp16_reduced_precision_reduction

    @allow_fp16_reduced_precision_reduction.setter
    def allow_fp16_reduced_precision_reduction(self, value):
        self._allow_fp16_reduced_precision_reduction = bool(value)

    def __repr__(self):
        return "ember.backends.cuda.matmul(allow_tf32=%s, allow_fp16_reduced_precision_reduction=%s)" % (
            self.allow_tf32, self.allow_fp16_reduced_precision_reduction)


matmul = _MatmulFlags()


def is_built():
    """Whether ember can use a CUDA device here (ember.cuda.is_available())."""
    from .. import cuda

    return cuda.is_available()
