# torch.nn.utils.rnn.pad_sequence: batch_first both ways, a padding value,
# trailing dims, and the gradient through it.
import torch
from torch.nn.utils.rnn import pad_sequence

a = torch.arange(3.0, requires_grad=True)
b = torch.tensor([5.0, 6.0])
c = torch.tensor([7.0, 8.0, 9.0, 10.0])
p = pad_sequence([a, b, c])
print(p)
print(pad_sequence([a, b, c], batch_first=True, padding_value=-1))
print(pad_sequence([torch.ones(2, 3), torch.zeros(1, 3)], batch_first=True))
(p * torch.arange(12.0).reshape(4, 3)).sum().backward()
print(a.grad)
print(pad_sequence([torch.tensor([1, 2]), torch.tensor([3])]))
