import math
import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(5)
vocab_size, num_hiddens, num_steps, batch_size = 12, 16, 6, 4
corpus = torch.randint(0, vocab_size, (200,))


def get_params(vocab_size, num_hiddens):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return torch.randn(size=shape) * 0.01

    W_xh = normal((num_inputs, num_hiddens))
    W_hh = normal((num_hiddens, num_hiddens))
    b_h = torch.zeros(num_hiddens)
    W_hq = normal((num_hiddens, num_outputs))
    b_q = torch.zeros(num_outputs)
    params = [W_xh, W_hh, b_h, W_hq, b_q]
    for param in params:
        param.requires_grad_(True)
    return params


def init_rnn_state(batch_size, num_hiddens):
    return (torch.zeros((batch_size, num_hiddens)), )


def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h)
        Y = torch.mm(H, W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)


class RNNModelScratch:
    def __init__(self, vocab_size, num_hiddens, get_params, init_state, forward_fn):
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens)
        self.init_state, self.forward_fn = init_state, forward_fn

    def __call__(self, X, state):
        X = F.one_hot(X.T, self.vocab_size).type(torch.float32)
        return self.forward_fn(X, state, self.params)

    def begin_state(self, batch_size):
        return self.init_state(batch_size, self.num_hiddens)


def grad_clipping(net, theta):
    if isinstance(net, nn.Module):
        params = [p for p in net.parameters() if p.requires_grad]
    else:
        params = net.params
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


net = RNNModelScratch(vocab_size, num_hiddens, get_params, init_rnn_state, rnn)
state = net.begin_state(batch_size)
X = torch.arange(10).reshape((2, 5))
print(F.one_hot(torch.tensor([0, 2]), 5))
print(F.one_hot(X.T, 28).shape)
Y, new_state = net(X.repeat(2, 1), state)
print(Y.shape, len(new_state), new_state[0].shape)

loss = nn.CrossEntropyLoss()
for epoch in range(3):
    state = None
    total, n = 0.0, 0
    for i in range(0, 200 - num_steps * batch_size - 1, num_steps * batch_size):
        Xb = corpus[i:i + num_steps * batch_size].reshape(batch_size, num_steps)
        Yb = corpus[i + 1:i + 1 + num_steps * batch_size].reshape(batch_size, num_steps)
        if state is None:
            state = net.begin_state(batch_size)
        else:
            for s in state:
                s.detach_()
        y = Yb.T.reshape(-1)
        y_hat, state = net(Xb, state)
        l = loss(y_hat, y.long()).mean()
        l.backward()
        grad_clipping(net, 1)
        sgd(net.params, 1, 1)
        total += l * y.numel()
        n += y.numel()
    print(f'epoch {epoch}, perplexity {math.exp(total / n):.2f}')
