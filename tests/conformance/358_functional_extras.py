# Smaller pieces real scripts use: pixel_shuffle/unshuffle, local response
# norm, rrelu in evaluation, combinations, randint_like, torch.testing's
# assert_close (and its messages), and powers with a Python exponent (torch
# multiplies for 2, 3 and -2 and calls SLEEF's pow otherwise).
import torch
import torch.nn.functional as F
torch.manual_seed(0)
x = torch.arange(32.).view(1, 8, 2, 2)
print(F.pixel_shuffle(x, 2))
print(F.pixel_unshuffle(F.pixel_shuffle(x, 2), 2).equal(x))
print(torch.nn.PixelShuffle(2), torch.nn.PixelUnshuffle(3))
print(torch.nn.LocalResponseNorm(2), torch.nn.RReLU())
print(F.local_response_norm(torch.arange(24.).view(1, 4, 2, 3), 3))
print(F.local_response_norm(torch.arange(12.).view(1, 4, 3), 2))
print(F.rrelu(torch.tensor([-1.0, 2.0])), torch.nn.RReLU().eval()(torch.tensor([-3.0])))
print(torch.combinations(torch.tensor([1, 2, 3])))
print(torch.combinations(torch.arange(4.), r=3))
print(torch.combinations(torch.tensor([5, 6]), with_replacement=True))
print(torch.randint_like(torch.zeros(3, 2), 10), torch.randint_like(torch.zeros(2), 3, 7))
torch.testing.assert_close(torch.ones(2), torch.ones(2) + 1e-7)
torch.testing.assert_close(torch.tensor([1, 2]), torch.tensor([1, 2]))
for actual, expected in [(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.1, 3.0])),
                         (torch.ones(2), torch.ones(2, dtype=torch.float64)),
                         (torch.tensor(1.0), torch.tensor(1.5)),
                         (torch.ones(2), torch.ones(3))]:
    try:
        torch.testing.assert_close(actual, expected)
    except AssertionError as e:
        print(e)
v = torch.rand(37) * 3 + 0.1
for e in (2, 3, -2, 0.5, -0.5, -1, 2.5, -1.5, 0.3):
    print(e, (v ** e).sum().item(), (v.double() ** e).sum().item())
print((v.view(37, 1)[::2] ** 1.7).sum().item())
g = torch.rand(20, requires_grad=True)
(g ** 2.5).sum().backward()
print(g.grad.sum().item())
