# D2L 9.6: concise RNN language model (nn.RNN + Linear over one-hot
# tokens) on a tiny synthetic character corpus: state handling, gradient
# clipping, perplexity, prediction.
import math
import torch
from torch import nn
from torch.nn import functional as F

text = "the time machine by h g wells " * 8
vocab = sorted(set(text))
idx = {c: i for i, c in enumerate(vocab)}
corpus = [idx[c] for c in text]
print(len(vocab), len(corpus), ''.join(vocab))


def seq_data_iter_sequential(corpus, batch_size, num_steps):
    num_tokens = ((len(corpus) - 1) // batch_size) * batch_size
    Xs = torch.tensor(corpus[0: num_tokens])
    Ys = torch.tensor(corpus[1: num_tokens + 1])
    Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        yield Xs[:, i: i + num_steps], Ys[:, i: i + num_steps]


class RNNModel(nn.Module):
    def __init__(self, rnn_layer, vocab_size, **kwargs):
        super(RNNModel, self).__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = self.rnn.hidden_size
        self.num_directions = 2 if self.rnn.bidirectional else 1
        self.linear = nn.Linear(self.num_hiddens * self.num_directions,
                                self.vocab_size)

    def forward(self, inputs, state):
        X = F.one_hot(inputs.T.long(), self.vocab_size)
        X = X.to(torch.float32)
        Y, state = self.rnn(X, state)
        output = self.linear(Y.reshape((-1, Y.shape[-1])))
        return output, state

    def begin_state(self, batch_size=1):
        if not isinstance(self.rnn, nn.LSTM):
            return torch.zeros((self.num_directions * self.rnn.num_layers,
                                batch_size, self.num_hiddens))
        return (torch.zeros((self.num_directions * self.rnn.num_layers,
                             batch_size, self.num_hiddens)),
                torch.zeros((self.num_directions * self.rnn.num_layers,
                             batch_size, self.num_hiddens)))


def grad_clipping(net, theta):
    params = [p for p in net.parameters() if p.requires_grad]
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


def predict(prefix, num_preds, net):
    state = net.begin_state(batch_size=1)
    outputs = [idx[prefix[0]]]
    get_input = lambda: torch.tensor([outputs[-1]]).reshape((1, 1))
    for y in prefix[1:]:
        _, state = net(get_input(), state)
        outputs.append(idx[y])
    for _ in range(num_preds):
        y, state = net(get_input(), state)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    return ''.join([vocab[i] for i in outputs])


torch.manual_seed(0)
num_hiddens = 32
rnn_layer = nn.RNN(len(vocab), num_hiddens)
net = RNNModel(rnn_layer, vocab_size=len(vocab))
print(net)
state = torch.zeros((1, 4, num_hiddens))
Y, new_state = rnn_layer(torch.rand(size=(5, 4, len(vocab))), state)
print(Y.shape, new_state.shape)
print(predict('time ', 10, net))

loss = nn.CrossEntropyLoss()
updater = torch.optim.SGD(net.parameters(), lr=1.0)
for epoch in range(6):
    state = None
    total, count = 0.0, 0
    for X, Y in seq_data_iter_sequential(corpus, batch_size=4, num_steps=8):
        if state is None:
            state = net.begin_state(batch_size=X.shape[0])
        else:
            state.detach_()
        y = Y.T.reshape(-1)
        y_hat, state = net(X, state)
        l = loss(y_hat, y.long()).mean()
        updater.zero_grad()
        l.backward()
        grad_clipping(net, 1)
        updater.step()
        total += l.item() * y.numel()
        count += y.numel()
    print(f'epoch {epoch + 1}: perplexity {math.exp(total / count):.2f}')
print(predict('time ', 12, net))
print(net.rnn.weight_hh_l0[0, :6])
