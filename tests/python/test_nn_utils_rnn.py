"""ember.nn.utils.rnn against torch's."""
import pytest

import ember
import ember.nn as nn
from test_nn import close, e_from

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_sequence_matches_torch(batch_first):
    seqs = [torch.randn(n, 3, requires_grad=True) for n in (4, 1, 6)]
    eseqs = [e_from(s, True) for s in seqs]
    t = torch.nn.utils.rnn.pad_sequence(seqs, batch_first=batch_first, padding_value=-1.0)
    e = nn.utils.rnn.pad_sequence(eseqs, batch_first=batch_first, padding_value=-1.0)
    close(e, t)
    g = torch.randn(t.shape)
    t.backward(g)
    e.backward(e_from(g))
    for es, ts in zip(eseqs, seqs):
        close(es.grad, ts.grad)
    back = nn.utils.rnn.unpad_sequence(e, [4, 1, 6], batch_first=batch_first)
    assert [b.shape[0] for b in back] == [4, 1, 6]
    with pytest.raises(RuntimeError, match="every sequence must be"):
        nn.utils.rnn.pad_sequence([ember.zeros(2, 3), ember.zeros(2, 4)])
