"""torch.nn.utils.rnn's padding helpers for variable-length sequences."""
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
