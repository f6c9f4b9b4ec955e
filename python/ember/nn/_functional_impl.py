"""torch.nn.functional's ops: bound from C++ (ember._C._nn) plus the thin
Python compositions of core ops (activations, linear, attention forward)."""
import math

from .. import _C
from .._C import _nn as _F
from .._nn_ops import _reduction_of

conv1d = _F.conv1d
conv2d = _F.conv2d
conv3d = _F.conv3d
conv_transpose2d = _F.conv_transpose2d
conv_transpose1d = _F.conv_transpose1d
unfold = _F.unfold
fold = _F.fold
max_pool2d_with_indices = _F.max_pool2d_with_indices
avg_pool2d = _F.avg_pool2d
adaptive_avg_pool2d = _F.adaptive_avg_pool2d
avg_pool1d = _F.avg_pool1d
adaptive_avg_pool1d = _F.adaptive_avg_pool1d
avg_pool3d = _F.avg_pool3d
adaptive_avg_pool3d = _F.adaptive_avg_pool3d
batch_norm = _F.batch_norm
instance_norm = _F.instance_norm
layer_norm = _F.layer_norm
group_norm = _F.group_norm
rms_norm = _F.rms_norm
dropout = _F.dropout
dropout2d = _F.dropout2d
embedding = _F.embedding
pad = _F.pad
interpolate = _F.interpolate
affine_grid = _F.affine_grid
grid_sample = _F.grid_sample
scaled_dot_product_attention = _F.scaled_dot_product_attention
leaky_relu = _F.leaky_relu
elu = _F.elu
hardtanh = _F.hardtanh
logsigmoid = _F.logsigmoid
selu = _F.selu
celu = _F.celu
mish = _F.mish
hardswish = _F.hardswish
hardsigmoid = _F.hardsigmoid
glu = _F.glu
prelu = _F.prelu
softsign = _F.softsign
threshold = _F.threshold
huber_loss = _F.huber_loss
linear = _C.linear


# The losses with torch's full signatures, positional order included, and its
# legacy size_average / reduce arguments (old scripts still pass
# size_average=False); the math is the C++ op's.
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    return _F.cross_entropy(input, target, weight, ignore_index, _reduction_of(size_average, reduce, reduction),
                            label_smoothing)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    return _F.nll_loss(input, target, weight, ignore_index, _reduction_of(size_average, reduce, reduction))


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    return _F.mse_loss(input, target, _reduction_of(size_average, reduce, reduction))


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    return _F.l1_loss(input, target, _reduction_of(size_average, reduce, reduction))


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    return _F.smooth_l1_loss(input, target, _reduction_of(size_average, reduce, reduction), beta)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    return _F.binary_cross_entropy(input, target, weight, _reduction_of(size_average, reduce, reduction))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    return _F.binary_cross_entropy_with_logits(input, target, weight, _reduction_of(size_average, reduce, reduction),
                                               pos_weight)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    return _F.kl_div(input, target, _reduction_of(size_average, reduce, reduction), log_target)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling (return_indices: also the flat argmax positions)."""
    return _F.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling over [N, C, L] (return_indices: also the argmax positions along L)."""
    return _F.max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return _F.max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling over [N, C, D, H, W] (return_indices: also the flat argmax positions in each volume)."""
    return _F.max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return _F.max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """3-D adaptive max pooling over [N, C, D, H, W] (return_indices: also the flat argmax positions)."""
    return _F.adaptive_max_pool3d(input, output_size, return_indices)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return _F.adaptive_max_pool3d(input, output_size, True)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """2-D adaptive max pooling over [N, C, H, W] (return_indices: also the flat argmax positions in each plane)."""
    return _F.adaptive_max_pool2d(input, output_size, return_indices)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return _F.adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-D adaptive max pooling over [N, C, L] (return_indices: also the argmax positions along L)."""
    return _F.adaptive_max_pool1d(input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return _F.adaptive_max_pool1d(input, output_size, True)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """Connectionist Temporal Classification loss of log_probs [T, N, C] (or [T, C]) against targets padded
    [N, S] or concatenated 1-D; lengths as tensors or sequences of ints."""
    return _F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity)


def relu(input, inplace=False):
    """max(0, x)."""
    return input.relu_() if inplace else _C.relu(input)


def relu6(input, inplace=False):
    """hardtanh(x, 0, 6): gradient 0 at 0 and 6, as torch."""
    return _F.hardtanh(input, 0.0, 6.0, inplace)


def gelu(input, approximate="none"):
    """x * Phi(x) (approximate='tanh': the tanh approximation)."""
    return _C.gelu(input, approximate=approximate)


def silu(input, inplace=False):
    return _C.silu(input)


def sigmoid(input):
    return _C.sigmoid(input)


def tanh(input):
    return _C.tanh(input)


def softmax(input, dim=None, dtype=None):
    if dim is None:
        dim = 0 if input.dim() in (0, 1, 3) else 1
    if dtype is not None:
        input = input.to(dtype)
    return _C.softmax(input, dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x, dim)."""
    if dim is None:
        dim = 0 if input.dim() in (0, 1, 3) else 1
    if dtype is not None:
        input = input.to(dtype)
    return _F.softmin(input, dim)


def log_softmax(input, dim=None, dtype=None):
    if dim is None:
        dim = 0 if input.dim() in (0, 1, 3) else 1
    if dtype is not None:
        input = input.to(dtype)
    return _C.log_softmax(input, dim)


def bilinear(input1, input2, weight, bias=None):
    """y = x1^T A x2 + b; weight [out, in1, in2]."""
    y = _C.einsum("...i,oij,...j->...o", input1, weight, input2)
    return y + bias if bias is not None else y


def normalize(input, p=2.0, dim=1, eps=1e-12):
    n = input.norm(p, dim, keepdim=True).clamp_min(eps)
    return input / n


def flatten(input, start_dim=0, end_dim=-1):
    return input.flatten(start_dim, end_dim)

one_hot = _C.one_hot
softplus = _C.softplus

# composed in Python: shrinkage, rrelu, alpha_dropout, pixel shuffles, distances, margin losses, in-place forms
from .._nn_ops import (hardshrink, softshrink, tanhshrink, rrelu, rrelu_, relu_, elu_, selu_, celu_,  # noqa: E402
                       leaky_relu_, hardtanh_, threshold_, alpha_dropout, pixel_shuffle, pixel_unshuffle,
                       cosine_similarity, pairwise_distance, pdist, cosine_embedding_loss, hinge_embedding_loss,
                       margin_ranking_loss, triplet_margin_loss, poisson_nll_loss,
                       multilabel_soft_margin_loss, gumbel_softmax)



def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """torch's F.embedding_bag over the C++ op ember::embedding_bag (its checks and math live there)."""
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding_bag: max_norm, scale_grad_by_freq and sparse are not supported")
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < weight.size(0), "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -weight.size(0), "Padding_idx must be within num_embeddings"
            padding_idx = weight.size(0) + padding_idx
    return _F.embedding_bag(input, weight, offsets, mode, per_sample_weights, include_last_offset, padding_idx)


__all__ = [n for n in list(globals()) if not n.startswith("_") and n not in ("math",)]
