# torch.get_rng_state/set_rng_state and Generator.get_state/set_state: the
# same draws repeat after restoring a state, for the default generator and
# for torch.Generator objects, across rand, randn (with its cached normal),
# randint, randperm, normal_ and dropout.
import torch

torch.manual_seed(0)
s = torch.get_rng_state()
print(s.shape, s[:24].tolist())
a = torch.rand(3)
torch.set_rng_state(s)
print(torch.equal(a, torch.rand(3)), a)

torch.manual_seed(1)
torch.randn(3)  # leaves a cached normal in the generator
s = torch.get_rng_state()
print(s[8:24].tolist(), s[5016:5048].tolist())
b = [torch.randn(3), torch.randint(0, 10, (4,)), torch.randperm(5), torch.rand(2, dtype=torch.float64)]
torch.manual_seed(99)
torch.rand(100)
torch.set_rng_state(s)
b2 = [torch.randn(3), torch.randint(0, 10, (4,)), torch.randperm(5), torch.rand(2, dtype=torch.float64)]
print(all(torch.equal(p, q) for p, q in zip(b, b2)))
print(b2)

torch.manual_seed(3)
state = torch.get_rng_state()
x = torch.empty(5).normal_(0, 2)
y = torch.nn.functional.dropout(torch.ones(8), 0.5)
torch.set_rng_state(state)
print(torch.equal(x, torch.empty(5).normal_(0, 2)), torch.equal(y, torch.nn.functional.dropout(torch.ones(8), 0.5)))

g = torch.Generator().manual_seed(42)
gs = g.get_state()
print(gs.shape, gs[:16].tolist())
u = torch.rand(4, generator=g)
print(g.set_state(gs) is g)
print(torch.equal(u, torch.rand(4, generator=g)), u)
h = torch.Generator()
h.set_state(gs)
print(torch.rand(4, generator=h))
torch.manual_seed(42)
print(torch.equal(torch.get_rng_state(), gs))

# A training step replayed from a checkpointed RNG state.
torch.manual_seed(7)
net = torch.nn.Linear(4, 2)
ckpt = torch.get_rng_state()
out1 = torch.nn.functional.dropout(net(torch.rand(3, 4)), 0.3)
torch.set_rng_state(ckpt)
out2 = torch.nn.functional.dropout(net(torch.rand(3, 4)), 0.3)
print(torch.equal(out1, out2))

for f in [lambda: torch.set_rng_state(torch.zeros(5056)),
          lambda: g.set_state(torch.zeros(5056)),
          lambda: torch.set_rng_state(s[:10]),
          lambda: torch.set_rng_state(torch.stack([s, s], 1)[:, 0]),
          lambda: g.set_state(s[:100])]:
    try:
        f()
    except (RuntimeError, TypeError) as e:
        print(type(e).__name__, e)
print(torch.rand(2))
