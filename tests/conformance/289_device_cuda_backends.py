# Device selection the way tutorials write it: torch.device, torch.cuda,
# torch.backends on a CPU-only build; CUDA requests fail as in PyTorch.
import torch
from torch import nn
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device, repr(device), device.type, device.index, [device])
device = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
print(f"Using {device} device")
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
torch.cuda.manual_seed_all(0)
x = torch.ones(2, 3).to(device)
print(x.device, x.device == torch.device('cpu'), x.to(torch.device('cpu'), torch.float64).dtype)
m = nn.Linear(3, 1).to(device)
print(next(m.parameters()).device, x.is_cuda, x.get_device(), x.element_size())
print(torch.pi, torch.e, torch.inf, torch.nan)
print(torch.FloatTensor([1, 2]), torch.LongTensor([[1], [2]]), torch.FloatTensor(2, 3).shape)
print(torch.absolute(torch.tensor([-1.5])), torch.subtract(torch.tensor(3), 1, alpha=2), torch.ravel(torch.ones(2, 2)))
print(torch.broadcast_shapes((2, 1), (3, 1, 4)), torch.concat([torch.ones(1), torch.zeros(1)]))
print(torch.float_power(torch.tensor([2, 3]), 2), torch.vdot(torch.tensor([1., 2.]), torch.tensor([3., 4.])))
print(torch.hsplit(torch.arange(12).reshape(3, 4), 2)[1])
print(torch.device('cuda:1'), torch.device('cpu', 0))
try:
    x.cuda()
except AssertionError as e:
    print('AssertionError', e)
try:
    x.to('cuda')
except AssertionError as e:
    print('AssertionError', e)
print(torch.get_num_threads() >= 1)
import torch.backends.cudnn as cudnn
import torch.cuda
cudnn.benchmark = True
print(torch.backends.cudnn.benchmark, cudnn.is_available(), torch.cuda.is_available(), torch.backends.mps.is_available())
x = torch.ones(2)
print(torch.arange(3, device=x.device), torch.zeros(2, device='cpu'), torch.tensor([1], device=torch.device('cpu')))
print(torch.Generator().device, torch.randn(2, generator=torch.Generator(device='cpu').manual_seed(1)))
print(torch.nn.functional.logsigmoid.__name__)
try:
    torch.zeros(2, device='cuda')
except Exception as e:
    print(type(e).__name__, e)
