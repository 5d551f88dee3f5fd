# Generators (yield) producing minibatches by slicing, D2L style.
import torch


def data_iter(batch_size, features, labels):
    n = len(features)
    for i in range(0, n, batch_size):
        j = min(i + batch_size, n)
        yield features[i:j], labels[i:j]


features = torch.arange(20.0).reshape(10, 2)
labels = features.sum(1, keepdim=True)
for X, y in data_iter(4, features, labels):
    print(X.shape, y.reshape(-1))
batches = list(data_iter(3, features, labels))
print(len(batches), batches[-1][0])


def running_mean(values):
    total = torch.zeros(())
    for k, v in enumerate(values, 1):
        total = total + v
        yield total / k


print([m.item() for m in running_mean(torch.tensor([2.0, 4.0, 9.0]))])
gen = (t * t for t in torch.arange(3.0))
print(next(gen), next(gen))
