"""ember.backends.openmp: ember's CPU kernels run on its own thread pool, not OpenMP."""


def is_available():
    return False
