"""nn ops torch has and ember composes in Python (torch 1.13 semantics), and the top-level names torch gives
its functional ops.

The first part adds to ember.nn.functional (re-exported by nn/_functional_impl.py) with F's signatures. The
second part is ``torch.conv2d``, ``torch.batch_norm``, ``torch.kl_div``...: torch's top-level functions
take aten's signatures, which differ from F's for some (``embedding(weight, indices)``, ``batch_norm`` with
weight first, ``dropout(input, p, train)`` with no defaults, losses with an integer ``reduction``), so each
forwards to the F op with its arguments rearranged. This module does not import ember.nn (that stays lazy).
"""
import math

from . import _C
from ._C import _nn as _F
from ._ops_extra import _op, cosine_similarity, pairwise_distance, pdist  # noqa: F401  (F's names too)

__all__ = []  # F's new ops, re-exported by nn/_functional_impl.py
TOP_LEVEL = {}  # torch's top-level names, installed in ember/__init__.py


def _functional(fn):
    __all__.append(fn.__name__)
    return fn


def _top_level(fn):
    """Registers _aten_<name> as torch's top-level <name>."""
    name = fn.__name__[len("_aten_"):]
    fn.__name__ = fn.__qualname__ = name
    TOP_LEVEL[name] = _op(name, export=False)(fn)
    return fn


for _name in ("cosine_similarity", "pairwise_distance", "pdist"):
    __all__.append(_name)


# ---------------------------------------------------------------- reductions of the losses

def _reduction_of(size_average, reduce, reduction):
    """torch's legacy size_average / reduce arguments as a reduction string."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        return ("mean" if size_average else "sum") if reduce else "none"
    if not isinstance(reduction, str):  # torch's message; pybind would say "incompatible function arguments"
        raise ValueError("%s is not a valid value for reduction" % (reduction,))
    return reduction


def _check_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError("%s is not a valid value for reduction" % reduction)


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


# aten's integer reduction (torch.nn._reduction.get_enum). torch 1.13's Python binding of the top-level
# losses turns the schema's default (Mean) into 0, so torch.kl_div(a, b) does not reduce: the defaults below
# are 0 to match what those calls return.
_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction_name(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError("reduction must be 0 (none), 1 (mean) or 2 (sum), got %r" % (reduction,))
    return _REDUCTIONS[reduction]


# ---------------------------------------------------------------- activations

@_functional
@_op(export=False)
def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0 (gradient 0 on [-lambd, lambd])."""
    if not input.is_floating_point():
        raise RuntimeError("expected a floating-point input, got %s" % str(input.dtype).split(".")[-1])
    return _C.where(input.abs() > lambd, input, 0.0)


@_functional
@_op(export=False)
def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, 0 between."""
    if lambd < 0:
        raise RuntimeError("lambda must be greater or equal to 0, but found to be %s." % lambd)
    if not input.is_floating_point():
        raise RuntimeError("expected a floating-point input, got %s" % str(input.dtype).split(".")[-1])
    return _C.where(input > lambd, input - lambd, _C.where(input < -lambd, input + lambd, 0.0))


@_functional
@_op(export=False)
def tanhshrink(input):
    """x - tanh(x)."""
    return input - input.tanh()


@_functional
@_op(export=False)
def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: in training each x <= 0 is scaled by a slope drawn from U(lower, upper); in
    evaluation leaky_relu with slope (lower + upper) / 2."""
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return _F.leaky_relu(input, (lower + upper) / 2, inplace)
    slope = _C.where(input <= 0, _C.empty_like(input).uniform_(lower, upper), 1.0).detach()
    return input.mul_(slope) if inplace else input * slope


@_functional
def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, inplace=True)


@_functional
def relu_(input):
    return input.relu_()


@_functional
def elu_(input, alpha=1.0):
    return _F.elu(input, alpha, True)


@_functional
def selu_(input):
    return _F.selu(input, True)


@_functional
def celu_(input, alpha=1.0):
    return _F.celu(input, alpha, True)


@_functional
def leaky_relu_(input, negative_slope=0.01):
    return _F.leaky_relu(input, negative_slope, True)


@_functional
def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return _F.hardtanh(input, min_val, max_val, True)


@_functional
def threshold_(input, threshold, value):
    return _F.threshold(input, threshold, value, True)


# ---------------------------------------------------------------- dropout

_SELU_ALPHA = 1.7580993408473766  # -selu's lower limit: alpha * scale


@_functional
@_op(export=False)
def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps SELU's zero mean and unit variance: dropped elements are set to -alpha * scale, then
    everything is scaled and shifted (torch's a and b). Identity when not training."""
    if p < 0 or p > 1:
        raise ValueError("dropout probability has to be between 0 and 1, but got %s" % p)
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        return input.mul_(0.0) if inplace else input * 0.0
    keep = _C.empty_like(input).bernoulli_(1 - p)
    a = 1.0 / math.sqrt((_SELU_ALPHA * _SELU_ALPHA * p + 1) * (1 - p))
    b = (keep - 1) * (_SELU_ALPHA * a) + _SELU_ALPHA * a * p
    scale = keep * a
    return input.mul_(scale).add_(b) if inplace else input * scale + b


# ---------------------------------------------------------------- pixel shuffle

@_functional
@_op(export=False)
def pixel_shuffle(input, upscale_factor):
    """[*, C r^2, H, W] -> [*, C, H r, W r]."""
    r = upscale_factor
    if input.dim() < 3:
        raise RuntimeError("pixel_shuffle expects input to have at least 3 dimensions, but got input with %d "
                           "dimension(s)" % input.dim())
    if r <= 0:
        raise RuntimeError("pixel_shuffle expects a positive upscale_factor, but got %d" % r)
    c, h, w = input.shape[-3:]
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                           "of upscale_factor, but input.size(-3)=%d is not divisible by %d" % (c, r * r))
    batch = tuple(input.shape[:-3])
    nb = len(batch)
    x = input.reshape(batch + (c // (r * r), r, r, h, w))
    x = x.permute(*range(nb), nb, nb + 3, nb + 1, nb + 4, nb + 2)  # [*, C, H, r, W, r]
    return x.reshape(batch + (c // (r * r), h * r, w * r))


@_functional
@_op(export=False)
def pixel_unshuffle(input, downscale_factor):
    """[*, C, H r, W r] -> [*, C r^2, H, W] (pixel_shuffle's inverse)."""
    r = downscale_factor
    if input.dim() < 3:
        raise RuntimeError("pixel_unshuffle expects input to have at least 3 dimensions, but got input with %d "
                           "dimension(s)" % input.dim())
    if r <= 0:
        raise RuntimeError("pixel_unshuffle expects a positive downscale_factor, but got %d" % r)
    c, h, w = input.shape[-3:]
    if h % r:
        raise RuntimeError("pixel_unshuffle expects height to be divisible by downscale_factor, but "
                           "input.size(-2)=%d is not divisible by %d" % (h, r))
    if w % r:
        raise RuntimeError("pixel_unshuffle expects width to be divisible by downscale_factor, but "
                           "input.size(-1)=%d is not divisible by %d" % (w, r))
    batch = tuple(input.shape[:-3])
    nb = len(batch)
    x = input.reshape(batch + (c, h // r, r, w // r, r))
    x = x.permute(*range(nb), nb, nb + 2, nb + 4, nb + 1, nb + 3)  # [*, C, r, r, H, W]
    return x.reshape(batch + (c * r * r, h // r, w // r))


# ---------------------------------------------------------------- losses

@_functional
@_op(export=False)
def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1 (torch's eps 1e-12 in
    the squared norms)."""
    reduction = _reduction_of(size_average, reduce, reduction)
    _check_reduction(reduction)
    td = target.dim()
    if td not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if td == 1 and (input1.dim() != 2 or input2.dim() != 2):
        raise RuntimeError("1D target tensor expects 2D input tensors, but found inputs with sizes %s and %s."
                           % (list(input1.shape), list(input2.shape)))
    if td == 0 and (input1.dim() != 1 or input2.dim() != 1):
        raise RuntimeError("0D target tensor expects 1D input tensors, but found inputs with sizes %s and %s."
                           % (list(input1.shape), list(input2.shape)))
    prod = (input1 * input2).sum(td)
    mag1 = (input1 * input1).sum(td) + 1e-12
    mag2 = (input2 * input2).sum(td) + 1e-12
    cos = prod / (mag1 * mag2).sqrt()
    loss = _C.where(target == 1, 1 - cos, 0.0) + _C.where(target == -1, (cos - margin).clamp_min(0), 0.0)
    return _reduce(loss, reduction)


@_functional
@_op(export=False)
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """x where target is 1, max(0, margin - x) where it is -1."""
    reduction = _reduction_of(size_average, reduce, reduction)
    _check_reduction(reduction)
    loss = _C.where(target != 1, (margin - input).clamp_min(0), 0.0) + _C.where(target != -1, input, 0.0)
    return _reduce(loss, reduction)


@_functional
@_op(export=False)
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin)."""
    reduction = _reduction_of(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not input1.dim() == input2.dim() == target.dim():
        raise RuntimeError("All input tensors should have same dimension but got sizes: input1: %s, input2: %s, "
                           "target: %s" % (list(input1.shape), list(input2.shape), list(target.shape)))
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


@_functional
@_op(export=False)
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) with d = pairwise_distance; swap takes the
    smaller of d(anchor, negative) and d(positive, negative)."""
    reduction = _reduction_of(size_average, reduce, reduction)
    _check_reduction(reduction)
    if not anchor.dim() == positive.dim() == negative.dim():
        raise RuntimeError("All inputs should have same dimension but got %dD, %dD and %dD inputs."
                           % (anchor.dim(), positive.dim(), negative.dim()))
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = _C.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)


@_functional
@_op(export=False)
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """Poisson negative log likelihood: exp(input) - target * input (log_input), else input - target *
    log(input + eps); full adds Stirling's term for target > 1."""
    reduction = _reduction_of(size_average, reduce, reduction)
    _check_reduction(reduction)
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


@_functional
@_op(export=False)
def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """-(y log sigmoid(x) + (1 - y) log sigmoid(-x)), times weight, averaged over the class dim (the last), then
    reduced over the samples."""
    if size_average is not None or reduce is not None:
        reduction = _reduction_of(size_average, reduce, reduction)
    loss = -(target * _F.logsigmoid(input) + (1 - target) * _F.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(class_dim) / input.size(class_dim)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _reduce(loss, reduction)


# ---------------------------------------------------------------- sampling

@_functional
@_op(export=False)
def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """softmax((logits + g) / tau) with g ~ Gumbel(0, 1); hard: the one-hot argmax in the forward pass with the
    soft sample's gradient (straight-through)."""
    if eps != 1e-10:
        import warnings
        warnings.warn("`eps` parameter is deprecated and has no effect.")
    if not logits.is_floating_point():
        raise RuntimeError("expected floating-point logits, got %s" % str(logits.dtype).split(".")[-1])
    # Exp(1) = -log(1 - U) for U ~ U[0, 1) (torch's exponential_); Gumbel(0, 1) = -log(Exp(1))
    gumbels = -(-(-_C.rand_like(logits)).log1p()).log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = _C.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


# ---------------------------------------------------------------- torch's top-level names (aten signatures)

for _name in ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "prelu", "pixel_shuffle",
              "pixel_unshuffle", "hardshrink", "cosine_similarity", "pairwise_distance", "pdist"):
    TOP_LEVEL[_name] = globals()[_name] if _name in globals() else getattr(_F, _name)


@_top_level
def _aten_dropout(input, p, train):
    return _F.dropout(input, p, train)


@_top_level
def _aten_dropout_(input, p, train):
    return _F.dropout(input, p, train, True)


@_top_level
def _aten_alpha_dropout(input, p, train):
    return alpha_dropout(input, p, train)


@_top_level
def _aten_alpha_dropout_(input, p, train):
    return alpha_dropout(input, p, train, True)


@_top_level
def _aten_layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return _F.layer_norm(input, normalized_shape, weight, bias, eps)


@_top_level
def _aten_group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    return _F.group_norm(input, num_groups, weight, bias, eps)


@_top_level
def _aten_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    return _F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


@_top_level
def _aten_instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps,
                        cudnn_enabled):
    return _F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


@_top_level
def _aten_embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """aten's embedding: weight first; a negative padding_idx means none."""
    return _F.embedding(indices, weight, padding_idx if padding_idx >= 0 else None)


def _pool_stride(stride):
    return None if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) else stride


@_top_level
def _aten_max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _F.max_pool1d(input, kernel_size, _pool_stride(stride), padding, dilation, ceil_mode, False)


@_top_level
def _aten_max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _F.max_pool1d(input, kernel_size, _pool_stride(stride), padding, dilation, ceil_mode, True)


@_top_level
def _aten_max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _F.max_pool2d(input, kernel_size, _pool_stride(stride), padding, dilation, ceil_mode, False)


@_top_level
def _aten_max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _F.max_pool3d(input, kernel_size, _pool_stride(stride), padding, dilation, ceil_mode, False)


@_top_level
def _aten_avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
    return _F.avg_pool1d(input, kernel_size, _pool_stride(stride), padding, ceil_mode, count_include_pad)


@_top_level
def _aten_adaptive_avg_pool1d(input, output_size):
    return _F.adaptive_avg_pool1d(input, output_size)


@_top_level
def _aten_adaptive_max_pool1d(input, output_size):
    """aten's adaptive_max_pool1d: always (output, indices)."""
    return _F.adaptive_max_pool1d(input, output_size, True)


@_top_level
def _aten_ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False):
    """aten's ctc_loss: reduction as torch's enum (0 none, 1 mean, 2 sum)."""
    red = ("none", "mean", "sum")[reduction] if isinstance(reduction, int) else reduction
    return _F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, red, zero_infinity)


@_top_level
def _aten_selu(input):
    return _F.selu(input)


@_top_level
def _aten_selu_(input):
    return _F.selu(input, True)


@_top_level
def _aten_celu(input, alpha=1.0):
    return _F.celu(input, alpha)


@_top_level
def _aten_celu_(input, alpha=1.0):
    return _F.celu(input, alpha, True)


@_top_level
def _aten_rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return rrelu(input, lower, upper, training)


@_top_level
def _aten_rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return rrelu(input, lower, upper, training, True)


@_top_level
def _aten_threshold(input, threshold, value):
    return _F.threshold(input, threshold, value)


@_top_level
def _aten_threshold_(input, threshold, value):
    return _F.threshold(input, threshold, value, True)


@_top_level
def _aten_bilinear(input1, input2, weight, bias=None):
    y = _C.einsum("...i,oij,...j->...o", input1, weight, input2)
    return y + bias if bias is not None else y


@_top_level
def _aten_kl_div(input, target, reduction=0, *, log_target=False):
    return _F.kl_div(input, target, _reduction_name(reduction), log_target)


@_top_level
def _aten_binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    return _F.binary_cross_entropy_with_logits(input, target, weight, _reduction_name(reduction), pos_weight)


@_top_level
def _aten_cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    return cosine_embedding_loss(input1, input2, target, margin, reduction=_reduction_name(reduction))


@_top_level
def _aten_hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    return hinge_embedding_loss(input, target, margin, reduction=_reduction_name(reduction))


@_top_level
def _aten_margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    return margin_ranking_loss(input1, input2, target, margin, reduction=_reduction_name(reduction))


@_top_level
def _aten_triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-06, swap=False, reduction=0):
    return triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction=_reduction_name(reduction))


@_top_level
def _aten_poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=_reduction_name(reduction))
