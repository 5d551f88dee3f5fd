import math
import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(0)
vocab_size, num_hiddens = 10, 32
num_steps, batch_size = 5, 3


class RNNModel(nn.Module):
    def __init__(self, rnn_layer, vocab_size, **kwargs):
        super(RNNModel, self).__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = self.rnn.hidden_size
        if not self.rnn.bidirectional:
            self.num_directions = 1
            self.linear = nn.Linear(self.num_hiddens, self.vocab_size)
        else:
            self.num_directions = 2
            self.linear = nn.Linear(self.num_hiddens * 2, self.vocab_size)

    def forward(self, inputs, state):
        X = F.one_hot(inputs.T.long(), self.vocab_size)
        X = X.to(torch.float32)
        Y, state = self.rnn(X, state)
        output = self.linear(Y.reshape((-1, Y.shape[-1])))
        return output, state

    def begin_state(self, device, batch_size=1):
        if not isinstance(self.rnn, nn.LSTM):
            return torch.zeros((self.num_directions * self.rnn.num_layers,
                                batch_size, self.num_hiddens), device=device)
        else:
            return (torch.zeros((
                self.num_directions * self.rnn.num_layers,
                batch_size, self.num_hiddens), device=device),
                    torch.zeros((
                        self.num_directions * self.rnn.num_layers,
                        batch_size, self.num_hiddens), device=device))


for layer in [nn.RNN(vocab_size, num_hiddens), nn.GRU(vocab_size, num_hiddens),
              nn.LSTM(vocab_size, num_hiddens, num_layers=2)]:
    net = RNNModel(layer, vocab_size=vocab_size)
    print(net)
    state = net.begin_state('cpu', batch_size)
    X = torch.randint(0, vocab_size, (batch_size, num_steps))
    Y = torch.randint(0, vocab_size, (batch_size, num_steps))
    updater = torch.optim.SGD(net.parameters(), lr=1)
    loss = nn.CrossEntropyLoss()
    for step in range(3):
        if isinstance(state, tuple):
            state = tuple(s.detach() for s in state)
        else:
            state = state.detach()
        y_hat, state = net(X, state)
        l = loss(y_hat, Y.T.reshape(-1).long()).mean()
        updater.zero_grad()
        l.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1)
        updater.step()
        print(step, f'{math.exp(l.item()):.3f}')

    def predict(prefix, num_preds, net):
        state = net.begin_state(batch_size=1, device='cpu')
        outputs = [prefix[0]]
        get_input = lambda: torch.tensor([outputs[-1]]).reshape((1, 1))
        for y in prefix[1:]:
            _, state = net(get_input(), state)
            outputs.append(y)
        for _ in range(num_preds):
            y, state = net(get_input(), state)
            outputs.append(int(y.argmax(dim=1).reshape(1)))
        return outputs
    print(predict([1, 2, 3], 5, net))
