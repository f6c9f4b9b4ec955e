"""ember.backends.mkl: ember does not use MKL (its GEMM is Eigen's and its own)."""


def is_available():
    return False
