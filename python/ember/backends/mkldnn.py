"""ember.backends.mkldnn: ember does not use MKL-DNN (oneDNN); the flag is kept, no effect."""
enabled = True


def is_available():
    return False
