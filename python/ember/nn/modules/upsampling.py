"""nn.Upsample: F.interpolate (the C++ ember::interpolate) as a module."""
import math

from .. import _functional_impl as F
from .module import Module


class Upsample(Module):
    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        size, scale_factor = self.size, self.scale_factor
        if self.recompute_scale_factor and scale_factor is not None:
            # torch: the output size from floor(in * scale), then the scale recomputed from it
            n = input.dim() - 2
            factors = scale_factor if isinstance(scale_factor, tuple) else (scale_factor,) * n
            size = [int(math.floor(input.shape[2 + i] * factors[i])) for i in range(n)]
            scale_factor = None
        return F.interpolate(input, size, scale_factor, self.mode, self.align_corners)

    def extra_repr(self):
        if self.scale_factor is not None:
            info = "scale_factor=" + str(self.scale_factor)
        else:
            info = "size=" + str(self.size)
        info += ", mode=" + self.mode
        return info
