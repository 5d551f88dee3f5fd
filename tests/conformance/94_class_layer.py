# A tiny model class written from scratch: parameters, __call__, __repr__.
import torch

torch.manual_seed(0)


class Linear:
    def __init__(self, n_in, n_out):
        self.w = torch.ones(n_in, n_out) * 0.1
        self.b = torch.zeros(n_out)
        self.w.requires_grad_(True)
        self.b.requires_grad_(True)

    def __call__(self, x):
        return x @ self.w + self.b

    def parameters(self):
        return [self.w, self.b]

    def __repr__(self):
        return f"Linear({self.w.shape[0]} -> {self.w.shape[1]})"


class MLP:
    def __init__(self, sizes):
        self.layers = [Linear(a, b) for a, b in zip(sizes, sizes[1:])]

    def __call__(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = torch.relu(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


net = MLP([3, 4, 2])
print(net.layers)
x = torch.arange(6.0).reshape(2, 3)
y = net(x)
print(y)
y.sum().backward()
print([tuple(p.grad.shape) for p in net.parameters()])
print(net.layers[0].w.grad)
