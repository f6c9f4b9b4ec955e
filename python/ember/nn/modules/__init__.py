from .module import Module, RemovableHandle  # noqa: F401
from .linear import Identity, Linear, Bilinear  # noqa: F401
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d  # noqa: F401
from .pooling import MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, MaxPool1d, AvgPool1d, AdaptiveAvgPool1d  # noqa: F401
from .pooling import MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d  # noqa: F401
from .pooling import AdaptiveMaxPool1d, AdaptiveMaxPool2d  # noqa: F401
from .loss import CTCLoss  # noqa: F401
from .normalization import (BatchNorm1d, BatchNorm2d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d,  # noqa: F401
                            LayerNorm, GroupNorm, RMSNorm)
from .activation import (ReLU, LeakyReLU, ELU, GELU, SiLU, Tanh, Sigmoid, Softmax,  # noqa: F401
                         LogSoftmax, Hardtanh, ReLU6, Softplus, LogSigmoid, SELU, CELU, Mish, Hardswish,
                         Hardsigmoid, GLU, PReLU, Softsign, Softmin, Threshold, Hardshrink, Softshrink, Tanhshrink,
                         RReLU)
from .misc import (Dropout, Dropout2d, AlphaDropout, Embedding, EmbeddingBag, Flatten, Unflatten, PixelShuffle,  # noqa: F401
                   PixelUnshuffle, CosineSimilarity, PairwiseDistance)
from .upsampling import Upsample  # noqa: F401
from .container import Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict  # noqa: F401
from .loss import (CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss, BCELoss,  # noqa: F401
                   BCEWithLogitsLoss, KLDivLoss, CosineEmbeddingLoss, HingeEmbeddingLoss, MarginRankingLoss,
                   TripletMarginLoss, PoissonNLLLoss, MultiLabelSoftMarginLoss)
try:
    from .transformer import (MultiheadAttention, TransformerEncoderLayer, TransformerEncoder,  # noqa: F401
                              TransformerDecoderLayer, TransformerDecoder, Transformer)
except ImportError:  # pragma: no cover
    pass
try:
    from .rnn import RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell  # noqa: F401
except ImportError:  # pragma: no cover
    pass
from .misc import Unfold, Fold  # noqa: F401
