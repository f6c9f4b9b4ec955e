"""MultiheadAttention and the transformer layers (encoder and decoder layers, their stacks, the full
encoder-decoder Transformer) with torch's parameter names."""
import copy

from ... import _C
from .. import init
from .. import _functional_impl as F
from ..parameter import Parameter
from .activation import ReLU, GELU
from .container import ModuleList
from .linear import Linear
from .misc import Dropout
from .module import Module
from .normalization import LayerNorm


class NonDynamicallyQuantizableLinear(Linear):
    pass


def _to_additive(mask, dtype):
    """A bool mask (True = masked out) or a float mask -> an additive float mask."""
    if mask is None:
        return None
    if not (mask.is_floating_point() or mask.dtype in (_C.bool, _C.uint8)):  # an AssertionError, as torch's
        raise AssertionError("MultiheadAttention: only float, byte, and bool types are supported for attn_mask "
                             "and key_padding_mask, not %s (shape %s)" % (mask.dtype, list(mask.shape)))
    if mask.dtype in (_C.bool, _C.uint8):  # a byte mask means what a bool one does, as torch's
        return _C.zeros(mask.shape, dtype=dtype).masked_fill(mask.to(_C.bool), float("-inf"))
    return mask.to(dtype)


class MultiheadAttention(Module):
    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        super().__init__()
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError("MultiheadAttention: add_bias_kv and add_zero_attn are not supported")
        if (kdim is not None and kdim != embed_dim) or (vdim is not None and vdim != embed_dim):
            raise NotImplementedError("MultiheadAttention: kdim/vdim different from embed_dim are not supported")
        self.embed_dim = embed_dim
        self.kdim = embed_dim
        self.vdim = embed_dim
        self._qkv_same_embed_dim = True
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        self.in_proj_weight = Parameter(_C.empty((3 * embed_dim, embed_dim), dtype=dtype, device=device))
        self.register_parameter("q_proj_weight", None)
        self.register_parameter("k_proj_weight", None)
        self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(_C.empty(3 * embed_dim, dtype=dtype, device=device))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        init.xavier_uniform_(self.in_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        batched = query.dim() == 3
        if not batched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif self.batch_first:
            query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
        # [L, N, E] from here on
        L, N, E = query.shape
        S = key.shape[0]
        H, D = self.num_heads, self.head_dim
        w = self.in_proj_weight
        b = self.in_proj_bias
        if query is key and key is value:
            qkv = F.linear(query, w, b)
            q, k, v = qkv.chunk(3, -1)
        else:
            wq, wk, wv = w.chunk(3, 0)
            bq, bk, bv = b.chunk(3, 0) if b is not None else (None, None, None)
            q, k, v = F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)
        # [L, N, E] -> [N, H, L, D]
        q = q.reshape(L, N, H, D).permute(1, 2, 0, 3)
        k = k.reshape(S, N, H, D).permute(1, 2, 0, 3)
        v = v.reshape(S, N, H, D).permute(1, 2, 0, 3)
        mask = _to_additive(attn_mask, q.dtype)
        if is_causal and mask is None:  # before the padding mask joins in, or it would hide the causal one
            mask = _to_additive(_C.ones((L, S), dtype=_C.bool).triu(1), q.dtype)
        if mask is not None:  # RuntimeErrors, as torch's
            if mask.dim() == 3:  # [N*H, L, S]
                if tuple(mask.shape) != (N * H, L, S):
                    raise RuntimeError("MultiheadAttention: the shape of the 3D attn_mask is %s, but should be %s"
                                       % (list(mask.shape), (N * H, L, S)))
                mask = mask.reshape(N, H, L, S)
            elif mask.dim() != 2 or tuple(mask.shape) != (L, S):
                raise RuntimeError("MultiheadAttention: the shape of the %dD attn_mask is %s, but should be %s"
                                   % (mask.dim(), list(mask.shape), (L, S)))
        if key_padding_mask is not None:
            if tuple(key_padding_mask.shape) != (N, S):  # an AssertionError, as torch's
                raise AssertionError("MultiheadAttention: expecting key_padding_mask shape of %s, but got %s"
                                     % ((N, S), list(key_padding_mask.shape)))
            kpm = _to_additive(key_padding_mask, q.dtype).reshape(N, 1, 1, S)
            mask = kpm if mask is None else mask + kpm
        dropout_p = self.dropout if self.training else 0.0
        if not need_weights:
            out = F.scaled_dot_product_attention(q, k, v, mask, dropout_p)
            weights = None
        else:
            scores = _C.matmul(q, k.transpose(-2, -1)) * (1.0 / float(D) ** 0.5)
            if mask is not None:
                scores = scores + mask
            attn = _C.softmax(scores, -1)
            if dropout_p > 0:
                attn = F.dropout(attn, dropout_p, True)
            out = _C.matmul(attn, v)
            weights = attn.mean(1) if average_attn_weights else attn
            if not batched:
                weights = weights.squeeze(0)
        out = out.permute(2, 0, 1, 3).reshape(L, N, E)
        out = self.out_proj(out)
        if not batched:
            out = out.squeeze(1)
        elif self.batch_first:
            out = out.transpose(0, 1)
        return out, weights


def _get_activation_fn(activation):
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    raise RuntimeError("activation should be relu/gelu, not {}".format(activation))


class _TransformerLayer(Module):
    """What the encoder and decoder layers share, in torch's registration order (so state_dict keys match):
    `n_attn` attention blocks (self_attn, then multihead_attn for the decoder's cross-attention), the
    feed-forward block linear1 -> activation -> dropout -> linear2, and one norm{i} / dropout{i} per block."""

    def __init__(self, n_attn, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                 norm_first, device, dtype):
        super().__init__()
        names = ["self_attn", "multihead_attn"][:n_attn]
        for name in names:
            setattr(self, name, MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first,
                                                   device=device, dtype=dtype))
        self.linear1 = Linear(d_model, dim_feedforward, device=device, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, device=device, dtype=dtype)
        self.norm_first = norm_first
        for i in range(1, n_attn + 2):
            setattr(self, "norm%d" % i, LayerNorm(d_model, eps=layer_norm_eps, device=device, dtype=dtype))
        for i in range(1, n_attn + 2):
            setattr(self, "dropout%d" % i, Dropout(dropout))
        if isinstance(activation, str):
            activation = _get_activation_fn(activation)
        self.activation = activation

    def _attn_block(self, attn, out_dropout, x, mem, attn_mask, key_padding_mask, is_causal):
        x = attn(x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False,
                 is_causal=is_causal)[0]
        return out_dropout(x)

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal=False):
        return self._attn_block(self.self_attn, self.dropout1, x, x, attn_mask, key_padding_mask, is_causal)

    def _ff(self, x, out_dropout):
        return out_dropout(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoderLayer(_TransformerLayer):
    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, device=None, dtype=None):
        super().__init__(1, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                         norm_first, device, dtype)

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _ff_block(self, x):
        return self._ff(x, self.dropout2)


class TransformerDecoderLayer(_TransformerLayer):
    """Self-attention over tgt, cross-attention to memory (the encoder's output), feed-forward; torch 1.13's
    forward, plus torch 2's tgt_is_causal / memory_is_causal keywords (is_causal of the two attentions)."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, device=None, dtype=None):
        super().__init__(2, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
                         norm_first, device, dtype)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
            x = self.norm3(x + self._ff_block(x))
        return x

    def _mha_block(self, x, mem, attn_mask, key_padding_mask, is_causal=False):
        return self._attn_block(self.multihead_attn, self.dropout2, x, mem, attn_mask, key_padding_mask, is_causal)

    def _ff_block(self, x):
        return self._ff(x, self.dropout3)


def _get_clones(module, n):
    return ModuleList([copy.deepcopy(module) for _ in range(n)])


class TransformerEncoder(Module):
    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        super().__init__()
        self.layers = _get_clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=False):
        output = src
        for mod in self.layers:
            output = mod(output, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=is_causal)
        if self.norm is not None:
            output = self.norm(output)
        return output


class TransformerDecoder(Module):
    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = _get_clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        output = tgt
        for mod in self.layers:
            output = mod(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                         tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                         tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Module):
    """The encoder-decoder of "Attention Is All You Need" (torch 1.13's nn.Transformer): encoder and decoder
    stacks, each with a final LayerNorm, every parameter of 2 or more dims xavier-uniform initialized."""

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
                 dropout=0.1, activation=F.relu, custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, device=None, dtype=None):
        super().__init__()
        layer_args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(TransformerEncoderLayer(*layer_args, device=device, dtype=dtype),
                                              num_encoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, device=device, dtype=dtype))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(TransformerDecoderLayer(*layer_args, device=device, dtype=dtype),
                                              num_decoder_layers,
                                              LayerNorm(d_model, eps=layer_norm_eps, device=device, dtype=dtype))
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None):
        is_batched = src.dim() == 3
        if is_batched and src.size(0 if self.batch_first else 1) != tgt.size(0 if self.batch_first else 1):
            raise RuntimeError("the batch number of src and tgt must be equal")
        if src.size(-1) != self.d_model or tgt.size(-1) != self.d_model:
            raise RuntimeError("the feature number of src and tgt must be equal to d_model")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask)

    @staticmethod
    def generate_square_subsequent_mask(sz, device="cpu"):
        """[sz, sz] float mask: -inf above the diagonal (future positions), 0 elsewhere."""
        return _C.full((sz, sz), float("-inf"), device=device).triu(1)

    def _reset_parameters(self):
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)
