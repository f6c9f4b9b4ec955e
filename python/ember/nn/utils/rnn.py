"""torch.nn.utils.rnn's padding helpers for variable-length sequences."""
import collections

from ... import _C
from .. import _functional_impl as F


def pad_sequence(sequences, batch_first=False, padding_value=0.0):
    """Stacks tensors of shape [L_i, *] into [max L, B, *] ([B, max L, *] when
    batch_first), padding the shorter ones with padding_value."""
    if isinstance(sequences, _C.Tensor):
        sequences = list(sequences.unbind(0))
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("pad_sequence: received an empty list of sequences")
    trailing = sequences[0].shape[1:]
    for i, s in enumerate(sequences):
        if s.dim() == 0 or s.shape[1:] != trailing:
            raise RuntimeError("pad_sequence: sequence %d has shape %s; every sequence must be [L, %s]"
                               % (i, list(s.shape), ", ".join(str(d) for d in trailing)))
    longest = max(s.size(0) for s in sequences)
    padded = [F.pad(s, [0, 0] * (s.dim() - 1) + [0, longest - s.size(0)], value=padding_value)
              for s in sequences]
    return _C.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The inverse of pad_sequence: a list of the unpadded sequences."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(padded_sequences, lengths)]


# ------------------------------------------------------------------ packed sequences
#
# A PackedSequence holds a batch of variable-length sequences without padding:
# the sequences are sorted longest first, and data [sum(lengths), *] holds time
# step t of every sequence still running at t, step after step; batch_sizes[t]
# (int64, CPU) counts them. sorted_indices / unsorted_indices map between the
# caller's batch order and the sorted one (None when the input was sorted).
# The RNN modules run on one directly (ember._C._nn.lstm_packed, ...).

_PackedSequenceBase = collections.namedtuple("PackedSequence_",
                                             ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


class PackedSequence(_PackedSequenceBase):
    """torch.nn.utils.rnn.PackedSequence: (data, batch_sizes, sorted_indices, unsorted_indices). Build one with
    pack_padded_sequence or pack_sequence, not directly."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence(*pair), as torch accepts
            data, batch_sizes = data
        if not isinstance(batch_sizes, _C.Tensor) or batch_sizes.dim() != 1 or batch_sizes.dtype != _C.int64 or \
                batch_sizes.device.type != "cpu":
            raise ValueError("PackedSequence: batch_sizes should always be a 1-D int64 CPU tensor, got %r"
                             % (batch_sizes,))
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """data.to(...); the index tensors follow data's device, batch_sizes stays on the CPU."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, *(None if t is None else t.to(data.device)
                                                   for t in (self.sorted_indices, self.unsorted_indices)))

    def cpu(self):
        return self.to("cpu")

    def cuda(self, *args, **kwargs):
        return self.to("cuda" if not args else args[0])

    def double(self):
        return self.to(dtype=_C.float64)

    def float(self):
        return self.to(dtype=_C.float32)

    def half(self):
        return self.to(dtype=_C.float16)

    def long(self):
        return self.to(dtype=_C.int64)

    def int(self):
        return self.to(dtype=_C.int32)

    def byte(self):
        return self.to(dtype=_C.uint8)

    def char(self):
        return self.to(dtype=_C.int8)

    def short(self):
        return self.to(dtype=_C.int16)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def _invert_permutation(permutation):
    if permutation is None:
        return None
    output = _C.empty_like(permutation)
    output.scatter_(0, permutation, _C.arange(0, permutation.numel(), device=permutation.device))
    return output


def _lengths_list(lengths, batch_size):
    if isinstance(lengths, _C.Tensor):
        if lengths.dim() != 1 or lengths.device.type != "cpu":
            raise RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got %dD %s %s tensor"
                               % (lengths.dim(), lengths.device, lengths.dtype))
        lengths = lengths.tolist()
    lengths = [int(n) for n in lengths]
    if len(lengths) != batch_size:
        raise RuntimeError("Expected `len(lengths)` to be equal to batch_size, but got %d (batch_size=%d)"
                           % (len(lengths), batch_size))
    return lengths


def _batch_sizes(lengths):
    """batch_sizes for lengths sorted longest first: the count of sequences longer than t, for each step t."""
    out, j = [], len(lengths)
    for t in range(lengths[0]):
        while lengths[j - 1] <= t:
            j -= 1
        out.append(j)
    return out


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Packs a padded batch [T, B, *] ([B, T, *] when batch_first) of sequences with the given lengths (a list or
    a 1-D CPU tensor). With enforce_sorted, lengths must be non-increasing; otherwise the batch is sorted here and
    the returned PackedSequence remembers the permutation."""
    if input.dim() < 2:
        raise RuntimeError("pack_padded_sequence: expected input of at least 2 dims ([T, B, *] or [B, T, *] with "
                           "batch_first), got shape %s" % (list(input.shape),))
    batch_dim, time_dim = (0, 1) if batch_first else (1, 0)
    lengths = _lengths_list(lengths, input.shape[batch_dim])
    if enforce_sorted:
        if any(lengths[i] < lengths[i + 1] for i in range(len(lengths) - 1)):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
                "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
                "if you do not need ONNX exportability.")
        sorted_indices = None
    else:
        order = sorted(range(len(lengths)), key=lambda i: -lengths[i])  # stable, as torch's sort on the CPU
        sorted_indices = _C.tensor(order, dtype=_C.int64, device=input.device)
        lengths = [lengths[i] for i in order]
        input = input.index_select(batch_dim, sorted_indices)
    if lengths and lengths[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    if lengths and lengths[0] > input.shape[time_dim]:
        raise RuntimeError("pack_padded_sequence: the longest length is %d but the input has only %d time steps "
                           "(shape %s, batch_first=%s)" % (lengths[0], input.shape[time_dim], list(input.shape),
                                                           batch_first))
    if batch_first:
        input = input.transpose(0, 1)
    batch_sizes = _batch_sizes(lengths)
    # the rows of step t are the first batch_sizes[t] of input[t]: one index_select over [T * B, *]
    B = input.shape[1]
    rows = [t * B + b for t, n in enumerate(batch_sizes) for b in range(n)]
    flat = input.reshape([input.shape[0] * B] + list(input.shape[2:]))
    data = flat.index_select(0, _C.tensor(rows, dtype=_C.int64, device=input.device))
    return PackedSequence(data, _C.tensor(batch_sizes, dtype=_C.int64), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """The inverse of pack_padded_sequence: (padded [T, B, *] or [B, T, *], lengths as an int64 tensor), in the
    caller's original batch order. total_length pads the time dim to that length."""
    data, batch_sizes = sequence.data, sequence.batch_sizes.tolist()
    max_len, B = len(batch_sizes), batch_sizes[0]
    if total_length is not None:
        if total_length < max_len:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but "
                             "got total_length=%d and max sequence length being %d" % (total_length, max_len))
    else:
        total_length = max_len
    # padded[t, b] = data[offset[t] + b] for b < batch_sizes[t], else the padding row appended at the end
    pad_row = data.shape[0]
    index, offset = [], 0
    for t in range(total_length):
        n = batch_sizes[t] if t < max_len else 0
        index.extend(offset + b if b < n else pad_row for b in range(B))
        offset += n
    pad = _C.full([1] + list(data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    padded = _C.cat([data, pad], 0).index_select(0, _C.tensor(index, dtype=_C.int64, device=data.device))
    padded = padded.reshape([total_length, B] + list(data.shape[1:]))
    lengths = [sum(1 for n in batch_sizes if n > b) for b in range(B)]
    lengths = _C.tensor(lengths, dtype=_C.int64)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.cpu()]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, lengths


def pack_sequence(sequences, enforce_sorted=True):
    """Packs a list of [L_i, *] tensors (pad_sequence + pack_padded_sequence)."""
    lengths = [s.size(0) for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The inverse of pack_sequence: the list of unpadded tensors, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
