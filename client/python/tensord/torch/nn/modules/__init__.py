"""torch.nn.modules: the layers."""
from .module import Module  # noqa: F401
from .container import (ModuleDict, ModuleList, ParameterDict,  # noqa: F401
                        ParameterList, Sequential)
from .linear import (Bilinear, Identity, LazyLinear, Linear,  # noqa: F401
                     NonDynamicallyQuantizableLinear)
from .flatten import Flatten, Unflatten  # noqa: F401
from .dropout import Dropout  # noqa: F401
from .sparse import Embedding, EmbeddingBag  # noqa: F401
from .conv import (Conv1d, Conv2d, ConvTranspose1d,  # noqa: F401
                   ConvTranspose2d)
from .padding import (ConstantPad1d, ConstantPad2d,  # noqa: F401
                      ConstantPad3d, ReflectionPad1d, ReflectionPad2d,
                      ReflectionPad3d, ReplicationPad1d, ReplicationPad2d,
                      ReplicationPad3d, ZeroPad2d)
from .upsampling import (Upsample, UpsamplingBilinear2d,  # noqa: F401
                         UpsamplingNearest2d)
from .fold import Fold, Unfold  # noqa: F401
from .pooling import (AdaptiveAvgPool2d, AdaptiveMaxPool2d,  # noqa: F401
                      AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d)
from .batchnorm import BatchNorm1d, BatchNorm2d  # noqa: F401
from .batchnorm import InstanceNorm1d, InstanceNorm2d  # noqa: F401
from .normalization import GroupNorm, LayerNorm  # noqa: F401
from .activation import (CELU, ELU, GELU, SELU, Hardsigmoid,  # noqa: F401
                         Hardswish, Hardtanh, LeakyReLU, LogSigmoid,
                         LogSoftmax, Mish, MultiheadAttention, ReLU, ReLU6,
                         Sigmoid, SiLU, Softmax, Softmin, Softplus, Softsign,
                         Tanh)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss,  # noqa: F401
                   GaussianNLLLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss,
                   NLLLoss, SmoothL1Loss)
from .rnn import (GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase,  # noqa: F401
                  RNNCell, RNNCellBase)
from .extra import (GLU, AdaptiveAvgPool1d, AdaptiveMaxPool1d,  # noqa: F401
                    ChannelShuffle, CosineEmbeddingLoss, CosineSimilarity, Dropout1d,
                    Dropout2d, Dropout3d, Hardshrink, HingeEmbeddingLoss,
                    MarginRankingLoss, MultiLabelSoftMarginLoss,
                    PairwiseDistance, PixelShuffle, PixelUnshuffle,
                    PoissonNLLLoss, PReLU, LocalResponseNorm, RReLU,
                    Softmax2d, SoftMarginLoss, Softshrink, Tanhshrink,
                    Threshold, TripletMarginLoss)
from .lazy import (LazyBatchNorm1d, LazyBatchNorm2d, LazyConv1d,  # noqa: F401
                   LazyConv2d)
from .transformer import (Transformer, TransformerDecoder,  # noqa: F401
                          TransformerDecoderLayer, TransformerEncoder,
                          TransformerEncoderLayer)
