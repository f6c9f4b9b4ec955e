"""InstanceNorm1d/2d/3d (and F.instance_norm), ConvTranspose1d (and F.conv_transpose1d),
TransformerDecoderLayer, TransformerDecoder and Transformer against torch 1.13.
Same weights (copied through state_dict), same inputs; outputs, gradients, running stats, state_dict keys, errors."""
import copy

import numpy as np
import pytest

import ember
nn = ember.nn
F = ember.nn.functional

torch = pytest.importorskip("torch")
tnn = torch.nn
tF = torch.nn.functional

from test_nn import copy_weights, e_from, to_np  # noqa: E402
from test_nn_more import check_grads, close  # noqa: E402


def run_both(t, e, tins, train, atol=1e-5, **kw):
    """Copies t's weights into e, sets both to train/eval, runs them on tins (torch tensors; their ember copies
    require grad where the torch ones do) and keyword arguments kw (torch tensors become ember tensors), compares
    outputs and, when anything requires grad, input and parameter gradients."""
    copy_weights(t, e)
    t.train(train)
    e.train(train)
    eins = [e_from(x, x.requires_grad) for x in tins]
    ekw = {k: e_from(v) if isinstance(v, torch.Tensor) else v for k, v in kw.items()}
    tout, eout = t(*tins, **kw), e(*eins, **ekw)
    assert tuple(eout.shape) == tuple(tout.shape)
    close(eout, tout, atol=atol)
    if tout.requires_grad:
        grads = [(a, b) for a, b in zip(tins, eins) if a.requires_grad]
        check_grads([a for a, _ in grads], [b for _, b in grads], tout, eout, t, e, atol=atol)
    return tout, eout


# ---------------------------------------------------------------- InstanceNorm
NORMS = [("InstanceNorm1d", (3, 4, 6)), ("InstanceNorm1d", (4, 6)), ("InstanceNorm2d", (2, 4, 3, 5)),
         ("InstanceNorm2d", (4, 3, 5)), ("InstanceNorm3d", (2, 4, 2, 3, 2)), ("InstanceNorm3d", (4, 2, 3, 2))]


@pytest.mark.parametrize("cls,shape", NORMS)
@pytest.mark.parametrize("affine", [False, True])
@pytest.mark.parametrize("track", [False, True])
def test_instance_norm_matches_torch(cls, shape, affine, track):
    torch.manual_seed(0)
    kw = dict(affine=affine, track_running_stats=track, momentum=0.3)
    t, e = getattr(tnn, cls)(4, **kw), getattr(nn, cls)(4, **kw)
    assert list(e.state_dict()) == list(t.state_dict())
    assert repr(e) == repr(t)
    if affine:  # away from the default ones / zeros, so their gradients mean something
        with torch.no_grad():
            t.weight.uniform_(0.5, 1.5)
            t.bias.uniform_(-0.5, 0.5)
    copy_weights(t, e)
    for step in range(2):  # training: batch statistics; tracked running stats move twice
        x = (torch.randn(*shape) * 2 + 1).requires_grad_()
        run_both(t, e, [x], train=True)
        if track:
            close(e.running_mean, t.running_mean, what="running_mean")
            close(e.running_var, t.running_var, what="running_var")
            assert int(e.num_batches_tracked.item()) == int(t.num_batches_tracked.item()) == 0
    # eval: the running stats when tracked, the instance statistics otherwise
    x = torch.randn(*shape, requires_grad=True)
    t.eval()
    e.eval()
    tout = t(x)
    ex = e_from(x, True)
    eout = e(ex)
    close(eout, tout)
    check_grads([x], [ex], tout, eout, t, e)


def test_instance_norm_functional_and_errors():
    torch.manual_seed(1)
    x = torch.randn(2, 3, 5, 4, dtype=torch.float64, requires_grad=True)
    w, b = torch.rand(3, dtype=torch.float64) + 0.5, torch.randn(3, dtype=torch.float64)
    rm, rv = torch.randn(3, dtype=torch.float64), torch.rand(3, dtype=torch.float64) + 0.5
    erm, erv = e_from(rm), e_from(rv)
    ex = e_from(x, True)
    tout = tF.instance_norm(x, rm, rv, w, b, use_input_stats=True, momentum=0.2, eps=1e-3)
    eout = F.instance_norm(ex, erm, erv, e_from(w), e_from(b), use_input_stats=True, momentum=0.2, eps=1e-3)
    close(eout, tout, atol=1e-10, rtol=1e-10)
    close(erm, rm, atol=1e-12)
    close(erv, rv, atol=1e-12)
    check_grads([x], [ex], tout, eout, atol=1e-10)
    # use_input_stats=False normalizes with the running stats and leaves them alone
    tout = tF.instance_norm(x, rm, rv, w, b, use_input_stats=False)
    eout = F.instance_norm(e_from(x), erm, erv, e_from(w), e_from(b), use_input_stats=False)
    close(eout, tout, atol=1e-10)
    close(erm, rm, atol=1e-12)
    # default: no running stats, no affine
    close(F.instance_norm(e_from(x)), tF.instance_norm(x), atol=1e-10)
    assert ember.autograd.gradcheck(lambda a: F.instance_norm(a, weight=e_from(w), bias=e_from(b)),
                                    (e_from(x[:1, :, :3, :2], True),))
    with pytest.raises(ValueError, match="expected 2D or 3D input \\(got 4D input\\)"):
        nn.InstanceNorm1d(3)(ember.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match="expected 4D or 5D input \\(got 3D input\\)"):
        nn.InstanceNorm3d(3)(ember.randn(2, 3, 4))
    with pytest.raises(ValueError, match="more than 1 spatial element when training"):
        nn.InstanceNorm1d(3)(ember.randn(2, 3, 1))
    with pytest.raises(RuntimeError, match="running_mean and running_var to be defined"):
        F.instance_norm(ember.randn(2, 3, 4), use_input_stats=False)
    with pytest.raises(RuntimeError, match="expected weight of shape \\[3\\]"):
        F.instance_norm(ember.randn(2, 3, 4), weight=ember.ones(4))


# ---------------------------------------------------------------- ConvTranspose1d
CONVT = [dict(), dict(stride=2, padding=1, output_padding=1), dict(stride=3, dilation=2, padding=2),
         dict(groups=2, bias=False), dict(stride=2, groups=2, output_padding=1, dilation=2)]


@pytest.mark.parametrize("kw", CONVT)
@pytest.mark.parametrize("batched", [True, False])
def test_conv_transpose1d_matches_torch(kw, batched):
    torch.manual_seed(2)
    t, e = tnn.ConvTranspose1d(4, 6, 3, **kw), nn.ConvTranspose1d(4, 6, 3, **kw)
    assert list(e.state_dict()) == list(t.state_dict())
    assert tuple(e.weight.shape) == tuple(t.weight.shape) == (4, 6 // kw.get("groups", 1), 3)
    assert repr(e) == repr(t)
    x = torch.randn(*((2,) if batched else ()), 4, 5, requires_grad=True)
    run_both(t, e, [x], train=True)


def test_conv_transpose1d_output_size_and_errors():
    torch.manual_seed(3)
    t, e = tnn.ConvTranspose1d(2, 3, 3, stride=3), nn.ConvTranspose1d(2, 3, 3, stride=3)
    copy_weights(t, e)
    x = torch.randn(1, 2, 4)
    for size in ([12], [14], [1, 3, 13]):
        close(e(e_from(x), output_size=size), t(x, output_size=size))
    with pytest.raises(ValueError, match="requested an output size of \\[15\\], but valid sizes range from "
                                         "\\[12\\] to \\[14\\]"):
        e(e_from(x), output_size=[15])
    with pytest.raises(ValueError, match="output_size must have 1 or 3 elements"):
        e(e_from(x), output_size=[3, 13])
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for ConvTranspose1d'):
        nn.ConvTranspose1d(2, 3, 3, padding_mode="reflect")
    with pytest.raises(RuntimeError, match="conv_transpose1d: expected 2-D \\(unbatched\\) or 3-D \\(batched\\) "
                                           "input"):
        F.conv_transpose1d(ember.randn(1, 2, 4, 4), e.weight)
    with pytest.raises(RuntimeError, match="conv_transpose1d: output padding must be smaller than either stride or "
                                           "dilation, got output_padding \\[1\\], stride \\[1\\], dilation \\[1\\]"):
        F.conv_transpose1d(ember.randn(1, 2, 4), e.weight, output_padding=1)
    w = torch.randn(2, 3, 3, dtype=torch.float64)
    assert ember.autograd.gradcheck(lambda a, b: F.conv_transpose1d(a, b, stride=2, padding=1),
                                    (e_from(torch.randn(1, 2, 3, dtype=torch.float64), True), e_from(w, True)))


# ---------------------------------------------------------------- transformer decoder
def _masks(T, S, N, batch_first):
    """tgt_mask (causal, float), memory_mask (bool), key padding masks (bool; no row fully masked)."""
    tgt_mask = torch.triu(torch.full((T, T), float("-inf")), 1)
    memory_mask = torch.zeros(T, S, dtype=torch.bool)
    memory_mask[0, -1] = True
    tkpm = torch.zeros(N, T, dtype=torch.bool)
    tkpm[-1, -1] = True
    mkpm = torch.zeros(N, S, dtype=torch.bool)
    mkpm[0, 0] = True
    return dict(tgt_mask=tgt_mask, memory_mask=memory_mask, tgt_key_padding_mask=tkpm, memory_key_padding_mask=mkpm)


def _seq(L, N, E, batch_first, requires_grad=True):
    shape = (N, L, E) if batch_first else (L, N, E)
    return torch.randn(*shape, requires_grad=requires_grad)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu", "callable"])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_transformer_decoder_layer_matches_torch(norm_first, activation, batch_first, masked):
    torch.manual_seed(4)
    kw = dict(dim_feedforward=16, dropout=0.0, batch_first=batch_first, norm_first=norm_first)
    t = tnn.TransformerDecoderLayer(8, 2, activation=tF.silu if activation == "callable" else activation, **kw)
    e = nn.TransformerDecoderLayer(8, 2, activation=F.silu if activation == "callable" else activation, **kw)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [tuple(v.shape) for v in e.state_dict().values()] == [tuple(v.shape) for v in t.state_dict().values()]
    masks = _masks(4, 5, 3, batch_first) if masked else {}
    run_both(t, e, [_seq(4, 3, 8, batch_first), _seq(5, 3, 8, batch_first)], train=True, atol=1e-4, **masks)


def test_transformer_decoder_layer_dropout_eval_and_unbatched():
    torch.manual_seed(5)
    t, e = tnn.TransformerDecoderLayer(8, 2, dim_feedforward=16), nn.TransformerDecoderLayer(8, 2, dim_feedforward=16)
    masks = _masks(4, 5, 1, False)
    # eval: dropout (0.1) off, so the two agree
    run_both(t, e, [_seq(4, 2, 8, False), _seq(5, 2, 8, False)], train=False, atol=1e-4,
             tgt_mask=masks["tgt_mask"], memory_mask=masks["memory_mask"])
    # unbatched [T, E], [S, E]; padding masks [T], [S]
    tgt, mem = torch.randn(4, 8, requires_grad=True), torch.randn(5, 8, requires_grad=True)
    run_both(t, e, [tgt, mem], train=False, atol=1e-4, tgt_mask=masks["tgt_mask"],
             tgt_key_padding_mask=masks["tgt_key_padding_mask"][0],
             memory_key_padding_mask=masks["memory_key_padding_mask"][0])
    # training with dropout: random, but shaped right and different from eval
    e.train()
    x, m = ember.randn(4, 2, 8), ember.randn(5, 2, 8)
    out = e(x, m)
    assert tuple(out.shape) == (4, 2, 8)
    e.eval()
    assert not np.allclose(to_np(out), to_np(e(x, m)))
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerDecoderLayer(8, 2, activation="tanh")


def test_transformer_decoder_layer_causal_keywords():
    # tgt_is_causal (torch 2's keyword): the same as passing the causal mask, padding mask or not
    torch.manual_seed(6)
    e = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
    x, m = ember.randn(4, 2, 8), ember.randn(5, 2, 8)
    causal = nn.Transformer.generate_square_subsequent_mask(4)
    kpm = ember.tensor([[False, False, False, True], [False, False, False, False]])
    close(e(x, m, tgt_is_causal=True), e(x, m, tgt_mask=causal), atol=1e-6)
    close(e(x, m, tgt_key_padding_mask=kpm, tgt_is_causal=True),
          e(x, m, tgt_mask=causal, tgt_key_padding_mask=kpm), atol=1e-6)
    enc = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0)
    close(enc(x, src_key_padding_mask=kpm, is_causal=True), enc(x, src_mask=causal, src_key_padding_mask=kpm),
          atol=1e-6)


def test_transformer_decoder_matches_torch():
    torch.manual_seed(7)
    kw = dict(dim_feedforward=16, dropout=0.0)
    t = tnn.TransformerDecoder(tnn.TransformerDecoderLayer(8, 2, **kw), 2, norm=tnn.LayerNorm(8))
    e = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, **kw), 2, norm=nn.LayerNorm(8))
    assert list(e.state_dict()) == list(t.state_dict())
    # the copies start equal but are separate parameters, as torch's deepcopy
    close(e.layers[0].linear1.weight, e.layers[1].linear1.weight)
    assert e.layers[0].linear1.weight is not e.layers[1].linear1.weight
    run_both(t, e, [_seq(4, 3, 8, False), _seq(5, 3, 8, False)], train=True, atol=1e-4, **_masks(4, 5, 3, False))
    t2, e2 = tnn.TransformerDecoder(tnn.TransformerDecoderLayer(8, 2, **kw), 1), \
        nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, **kw), 1)
    assert list(e2.state_dict()) == list(t2.state_dict())
    run_both(t2, e2, [_seq(4, 3, 8, False), _seq(5, 3, 8, False)], train=True, atol=1e-4)


# ---------------------------------------------------------------- Transformer
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_matches_torch(batch_first, norm_first):
    torch.manual_seed(8)
    kw = dict(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=16, dropout=0.0,
              batch_first=batch_first, norm_first=norm_first)
    t, e = tnn.Transformer(**kw), nn.Transformer(**kw)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [tuple(v.shape) for v in e.state_dict().values()] == [tuple(v.shape) for v in t.state_dict().values()]
    masks = _masks(4, 5, 3, batch_first)
    src_kpm = torch.zeros(3, 5, dtype=torch.bool)
    src_kpm[1, -1] = True
    src_mask = torch.zeros(5, 5)
    src_mask[:, 2] = -1.5  # a float mask is added to the scores
    run_both(t, e, [_seq(5, 3, 8, batch_first), _seq(4, 3, 8, batch_first)], train=True, atol=1e-4,
             src_mask=src_mask, src_key_padding_mask=src_kpm, **masks)
    # eval, no masks, default dropout
    run_both(t, e, [_seq(5, 3, 8, batch_first), _seq(4, 3, 8, batch_first)], train=False, atol=1e-4)


def test_transformer_init_mask_unbatched_and_errors():
    torch.manual_seed(9)
    e = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16)
    # xavier-uniform for every parameter of 2+ dims, each drawn separately; norms stay ones / zeros
    w = e.encoder.layers[0].linear1.weight
    assert float(w.abs().max().item()) <= (6.0 / (8 + 16)) ** 0.5 + 1e-6
    assert not np.allclose(to_np(e.encoder.layers[0].self_attn.in_proj_weight),
                           to_np(e.decoder.layers[0].self_attn.in_proj_weight))
    close(e.decoder.norm.weight, ember.ones(8))
    close(nn.Transformer.generate_square_subsequent_mask(5), tnn.Transformer.generate_square_subsequent_mask(5))
    assert nn.Transformer.generate_square_subsequent_mask(3).dtype == ember.float32
    t = tnn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16)
    run_both(t, e, [torch.randn(5, 8, requires_grad=True), torch.randn(4, 8, requires_grad=True)], train=False,
             atol=1e-4, tgt_mask=tnn.Transformer.generate_square_subsequent_mask(4))
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        e(ember.randn(5, 2, 8), ember.randn(4, 3, 8))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        e(ember.randn(5, 2, 8), ember.randn(4, 2, 6))
    # custom encoder / decoder are used as given
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, dim_feedforward=4), 1)
    c = nn.Transformer(d_model=8, nhead=2, custom_encoder=enc, num_decoder_layers=1, dim_feedforward=4)
    assert c.encoder is enc
    assert tuple(c(ember.randn(5, 2, 8), ember.randn(4, 2, 8)).shape) == (4, 2, 8)


def test_transformer_loads_torch_weights_and_deepcopies():
    # a torch checkpoint loads as is (strict), and deepcopy keeps the decoder working
    torch.manual_seed(10)
    t = tnn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=16).eval()
    e = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=16).eval()
    e.load_state_dict({k: e_from(v) for k, v in t.state_dict().items()})
    src, tgt = torch.randn(5, 2, 8), torch.randn(3, 2, 8)
    close(copy.deepcopy(e)(e_from(src), e_from(tgt)), t(src, tgt), atol=1e-4)
