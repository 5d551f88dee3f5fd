# APIs real user scripts use: Tensor.where(condition, y), the legacy
# constructors torch.Tensor(...)/torch.FloatTensor(...) and x.type(class),
# NumPy scalars and arrays as operands, numpy() of a tensor that requires
# grad, use_deterministic_algorithms, torch.Size arithmetic, the repr of
# torch.distributions, the printed types of torch's classes and how
# torch.__version__ compares. Each error is printed as class and message.
import numpy as np

import torch
from torch.distributions import Bernoulli, Categorical, Normal, Uniform


def show(f):
    try:
        r = f()
        print(type(r).__name__, r)
    except Exception as e:  # noqa: BLE001
        print(type(e).__name__, e)


x = torch.tensor([1.0, 2.0, 3.0])
c = x > 1.5
print("-- where")
print(x.where(c, torch.zeros(3)))
print(x.where(condition=c, other=torch.full((3,), -1.0)))
print(torch.where(c, x, torch.zeros(3)))
show(lambda: x.where(c, 0.0))
show(lambda: x.where(c))

print("-- legacy constructors")
print(torch.Tensor([1, 2]), torch.Tensor(2, 3).shape, torch.Tensor())
print(torch.Tensor([[1, 2], [3, 4]]), torch.Tensor((2, 3)))
print(torch.Tensor(torch.Size([2, 3])).shape, torch.LongTensor(4).shape)
print(torch.Tensor([True, False]), torch.Tensor(np.array([1, 2])))
print(torch.Tensor(torch.tensor([1, 2])), torch.LongTensor(2, 3).dtype)
print(torch.FloatTensor([1, 2]), torch.LongTensor([1, 2]))
print(torch.DoubleTensor([1.5]), torch.IntTensor([3]), torch.BoolTensor([1]))
print(torch.ByteTensor([1]), torch.FloatTensor(np.float32(2) * np.ones(2)))
print(isinstance(torch.FloatTensor([1]), torch.Tensor),
      isinstance(x, torch.FloatTensor), isinstance(x, torch.LongTensor),
      type(torch.LongTensor([1])), torch.LongTensor.dtype)
print(torch.FloatTensor, torch.Tensor, type(torch.FloatTensor))
print(x.type(torch.LongTensor), x.type(torch.DoubleTensor), x.type())
print(x.type(torch.LongTensor).type(torch.FloatTensor), x.type(torch.int32))
show(lambda: torch.Tensor(2.5))
show(lambda: torch.LongTensor(x))
show(lambda: torch.Tensor([1], dtype=torch.int64))

print("-- numpy scalars and arrays")
for v in (np.float32(2), np.int64(3), np.float64(0.5), np.int32(2),
          np.bool_(True)):
    for t in (torch.ones(2), torch.ones(2, dtype=torch.int64),
              torch.ones(2, dtype=torch.float64)):
        print(type(v).__name__, t.dtype, t * v, v * t, t + v, v - t, t / v,
              t > v, t == v, v == t)
print(torch.full((2,), np.float32(1.5)), torch.full((2,), np.int64(2)))
print(torch.full((2,), np.bool_(True)), torch.arange(np.int64(3)))
print(torch.zeros(np.int64(2), 2).shape, x.reshape(np.int64(3), 1).shape)
print(x.pow(np.float32(2)), torch.clamp(x, np.float64(1.5), np.int64(2)))
print(x.sum(np.int64(0)), x[np.int64(1)], torch.tensor(np.float32(2)))
print(torch.ones(2) + np.ones(2), torch.ones(2) * np.arange(2))
print(torch.ones(2) - np.array([1, 2]), torch.ones(2) * np.array(2.0))
print(torch.ones(2) + np.ones(2, dtype=np.float32))
print(torch.ones(2, 2) @ np.ones(2), torch.ones(2) == np.ones(2))
show(lambda: torch.ones(2) < np.ones(2))

print("-- numpy() and requires_grad")
a = torch.ones(2, requires_grad=True)
show(lambda: a.numpy())
show(lambda: (a * 2).numpy())
show(lambda: np.asarray(a))
print(a.detach().numpy())
with torch.no_grad():
    print(a.numpy())
show(lambda: torch.ones(2, requires_grad=True) * np.ones(2))

print("-- deterministic algorithms")
print(torch.are_deterministic_algorithms_enabled())
torch.use_deterministic_algorithms(True)
print(torch.are_deterministic_algorithms_enabled(),
      torch.is_deterministic_algorithms_warn_only_enabled())
torch.use_deterministic_algorithms(True, warn_only=True)
print(torch.is_deterministic_algorithms_warn_only_enabled())
torch.use_deterministic_algorithms(False)
print(torch.are_deterministic_algorithms_enabled())
show(lambda: torch.use_deterministic_algorithms(1))

print("-- torch.Size")
s = torch.Size([2])
for r in (s * 2, 2 * s, s + (3,), (3,) + s, s[0:1], s[::-1], s + s, s * 0,
          torch.Size([2, 3, 4])[1:], x.shape + (1,), x.shape * 2):
    print(type(r).__name__, r)
t = s
t += (4,)
print(type(t).__name__, t)
t = torch.Size([1])
t *= 3
print(type(t).__name__, t)
show(lambda: s + [3])

print("-- distributions")
print(Normal(0.0, 1.0), Normal(torch.zeros(1), torch.ones(1)))
print(Normal(torch.zeros(3), 1.0), Normal(torch.tensor(0.5), 2.0))
print(Normal(0, 1), Normal(torch.tensor(0.0, requires_grad=True), 1.0))
print(Uniform(0.0, 2.0), Uniform(torch.zeros(2), 2.0))
b = Bernoulli(probs=0.25)
print(b)
print(b.logits, b)
b = Bernoulli(logits=torch.tensor([0.5, -1.0]))
print(b)
print(b.probs)
print(b, b.mean, b.batch_shape)
d = Categorical(probs=torch.tensor([0.25, 0.25, 0.5]))
print(d)
print(d.logits)
print(d)
d = Categorical(logits=torch.tensor([[0.5, 0.25, 0.0]]))
print(d, d.probs, d.entropy(), d.log_prob(torch.tensor([1])))
print(Categorical(probs=torch.tensor([1.0])))

print("-- types and version")
print(type(torch.float32), type(torch.Size([1])), type(x),
      type(torch.Generator()), type(torch.default_generator))
print(type(torch.no_grad()), type(torch.enable_grad()),
      type(torch.set_grad_enabled(True)), type(torch.inference_mode()))
print(type(torch.device("cpu")), type(torch.finfo()),
      type(torch.iinfo(torch.int32)))
print(isinstance(torch.__version__, str), type(torch.__version__))
print(torch.__version__ >= "1.10", torch.__version__ > "1.9.1",
      torch.__version__ < "2.0", torch.__version__ < (2, 0),
      torch.__version__ > (1, 12), torch.__version__ >= (1, 13),
      torch.__version__ <= "1.12.1", torch.__version__ >= "1.13.0a0",
      torch.__version__ < "1.13", torch.__version__ > "tensor")
