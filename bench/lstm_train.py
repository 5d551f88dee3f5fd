# A one-layer LSTM language model (vocabulary 28, embedding 32, hidden 64,
# 16 steps of 32 sequences) trained for 10 Adam steps with gradient
# clipping, written with torch.nn and torch.optim as users write it. Runs
# unchanged under PyTorch, under `tensorctl run` and under
# `python3 -m tensord run` (bench/training.py runs all three) and prints
# its loss, time per step and, under tensord, round trips per step.
import time

import torch
from torch import nn

torch.manual_seed(0)
vocab, emb, hidden, seq, batch, steps = 28, 32, 64, 16, 32, 10
tokens = torch.randint(0, vocab, (batch, seq + 1))
X, Y = tokens[:, :-1], tokens[:, 1:]


class LM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, x):
        h, _ = self.rnn(self.embed(x))
        return self.out(h)


net = LM()
loss_fn = nn.CrossEntropyLoss()
opt = torch.optim.Adam(net.parameters(), lr=0.01)

# (No try statement: one makes tensord trace the script, which a plain
# training script does not pay for.)
engine = None
if torch.__name__ == "tensord.torch":  # not under PyTorch
    from tensord import _session
    engine = _session.current_session().engine


def step():
    opt.zero_grad()
    loss = loss_fn(net(X).reshape(-1, vocab), Y.reshape(-1))
    loss.backward()
    nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    opt.step()
    return loss


step()  # warm-up (first-call costs on both sides)
trips = engine.round_trips if engine else 0
start = time.perf_counter()
for _ in range(steps):
    loss = step()
final = loss.item()
elapsed = time.perf_counter() - start
print(f"loss {final:.4f}")
print(f"step_ms {1000 * elapsed / steps:.3f}")
if engine:
    print(f"round_trips_per_step {(engine.round_trips - trips) / steps:.1f}")
