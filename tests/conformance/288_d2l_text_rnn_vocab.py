import collections
import math
import random
import re
import torch
from torch import nn
from torch.nn import functional as F

text = """The Time Machine, by H. G. Wells. The Time Traveller (for so it will be
convenient to speak of him) was expounding a recondite matter to us. His grey
eyes shone and twinkled, and his usually pale face was flushed and animated.
The fire burned brightly, and the soft radiance of the incandescent lights in
the lilies of silver caught the bubbles that flashed and passed in our glasses."""


def read_time_machine():
    lines = text.split('\n')
    return [re.sub('[^A-Za-z]+', ' ', line).strip().lower() for line in lines]


def tokenize(lines, token='word'):
    if token == 'word':
        return [line.split() for line in lines]
    elif token == 'char':
        return [list(line) for line in lines]


class Vocab:
    def __init__(self, tokens=None, min_freq=0, reserved_tokens=None):
        if tokens is None:
            tokens = []
        if reserved_tokens is None:
            reserved_tokens = []
        counter = count_corpus(tokens)
        self._token_freqs = sorted(counter.items(), key=lambda x: x[1], reverse=True)
        self.idx_to_token = ['<unk>'] + reserved_tokens
        self.token_to_idx = {token: idx for idx, token in enumerate(self.idx_to_token)}
        for token, freq in self._token_freqs:
            if freq < min_freq:
                break
            if token not in self.token_to_idx:
                self.idx_to_token.append(token)
                self.token_to_idx[token] = len(self.idx_to_token) - 1

    def __len__(self):
        return len(self.idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return self.token_to_idx.get(tokens, self.unk)
        return [self.__getitem__(token) for token in tokens]

    def to_tokens(self, indices):
        if not isinstance(indices, (list, tuple)):
            return self.idx_to_token[indices]
        return [self.idx_to_token[index] for index in indices]

    @property
    def unk(self):
        return 0

    @property
    def token_freqs(self):
        return self._token_freqs


def count_corpus(tokens):
    if len(tokens) == 0 or isinstance(tokens[0], list):
        tokens = [token for line in tokens for token in line]
    return collections.Counter(tokens)


lines = read_time_machine()
tokens = tokenize(lines, 'char')
vocab = Vocab(tokens)
corpus = [vocab[token] for line in tokens for token in line]
print(len(corpus), len(vocab))
print(list(vocab.token_to_idx.items())[:10])
print(vocab.token_freqs[:5])


def seq_data_iter_random(corpus, batch_size, num_steps):
    corpus = corpus[random.randint(0, num_steps - 1):]
    num_subseqs = (len(corpus) - 1) // num_steps
    initial_indices = list(range(0, num_subseqs * num_steps, num_steps))
    random.shuffle(initial_indices)

    def data(pos):
        return corpus[pos: pos + num_steps]

    num_batches = num_subseqs // batch_size
    for i in range(0, batch_size * num_batches, batch_size):
        initial_indices_per_batch = initial_indices[i: i + batch_size]
        X = [data(j) for j in initial_indices_per_batch]
        Y = [data(j + 1) for j in initial_indices_per_batch]
        yield torch.tensor(X), torch.tensor(Y)


def seq_data_iter_sequential(corpus, batch_size, num_steps):
    offset = random.randint(0, num_steps)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = torch.tensor(corpus[offset: offset + num_tokens])
    Ys = torch.tensor(corpus[offset + 1: offset + 1 + num_tokens])
    Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        X = Xs[:, i: i + num_steps]
        Y = Ys[:, i: i + num_steps]
        yield X, Y


random.seed(0)
torch.manual_seed(0)
my_seq = list(range(35))
for X, Y in seq_data_iter_random(my_seq, batch_size=2, num_steps=5):
    print('X: ', X, '\nY:', Y)
    break
for X, Y in seq_data_iter_sequential(my_seq, batch_size=2, num_steps=5):
    print('X: ', X, '\nY:', Y)
    break

num_hiddens = 32
rnn_layer = nn.GRU(len(vocab), num_hiddens)
linear = nn.Linear(num_hiddens, len(vocab))
params = list(rnn_layer.parameters()) + list(linear.parameters())
updater = torch.optim.SGD(params, lr=1)
loss = nn.CrossEntropyLoss()
for epoch in range(3):
    state = None
    metric_l, metric_n = 0.0, 0
    for X, Y in seq_data_iter_sequential(corpus, 4, 8):
        if state is None:
            state = torch.zeros((1, X.shape[0], num_hiddens))
        else:
            state.detach_()
        y = Y.T.reshape(-1)
        inp = F.one_hot(X.T.long(), len(vocab)).to(torch.float32)
        out, state = rnn_layer(inp, state)
        y_hat = linear(out.reshape((-1, out.shape[-1])))
        l = loss(y_hat, y.long()).mean()
        updater.zero_grad()
        l.backward()
        nn.utils.clip_grad_norm_(params, 1)
        updater.step()
        metric_l += l.item() * y.numel()
        metric_n += y.numel()
    print(f'epoch {epoch + 1}: perplexity {math.exp(metric_l / metric_n):.1f}')


def predict(prefix, num_preds):
    state = torch.zeros((1, 1, num_hiddens))
    outputs = [vocab[prefix[0]]]
    get_input = lambda: F.one_hot(torch.tensor([outputs[-1]]).reshape((1, 1)), len(vocab)).float()
    for y in prefix[1:]:
        _, state = rnn_layer(get_input(), state)
        outputs.append(vocab[y])
    for _ in range(num_preds):
        o, state = rnn_layer(get_input(), state)
        outputs.append(int(linear(o.reshape(-1, num_hiddens)).argmax(dim=1).reshape(1)))
    return ''.join([vocab.idx_to_token[i] for i in outputs])


print(predict('the time ', 10))
