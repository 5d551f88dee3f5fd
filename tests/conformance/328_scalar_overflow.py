import torch
for dt in [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16, torch.bfloat16, torch.float32, torch.bool]:
    t = torch.zeros(2, dtype=dt)
    for v in [300, -1, 1e6, 1e39, 2**40]:
        try:
            t.fill_(v); r = "ok"
        except Exception as e:
            r = str(e)
        print(dt, v, r)
for f in [lambda: torch.tensor([300], dtype=torch.uint8), lambda: torch.zeros(2, dtype=torch.uint8).index_fill_(0, torch.tensor([0]), 300), lambda: torch.zeros(2, dtype=torch.uint8).scatter_(0, torch.tensor([0]), 300), lambda: torch.zeros(2, dtype=torch.uint8).clamp_(max=300), lambda: torch.zeros(2, dtype=torch.uint8).clamp_min(-5), lambda: torch.full_like(torch.zeros(2, dtype=torch.uint8), 300), lambda: torch.zeros(2, dtype=torch.uint8).new_full((2,), 300), lambda: torch.where(torch.tensor([True]), torch.zeros(1, dtype=torch.uint8), 300), lambda: torch.zeros(2, dtype=torch.uint8).masked_fill_(torch.tensor([True, False]), -1)]:
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
for v, dt in [([-1], torch.uint8), ([-300], torch.uint8), ([300], torch.int8), ([1e6], torch.float16), ([2.5e2], torch.uint8), ([3e2], torch.int8), ([2**40], torch.int32), ([-129], torch.int8)]:
    try:
        print(torch.tensor(v, dtype=dt))
    except Exception as e:
        print(type(e).__name__, e)
t = torch.zeros(2, dtype=torch.uint8)
for v in [-255, -256, -1.0, 255.5, 256.0]:
    try:
        t.fill_(v); print(t)
    except Exception as e:
        print(type(e).__name__, e)
b = torch.tensor([1, 2], dtype=torch.uint8)
for f in [lambda: b + 300, lambda: b * 300, lambda: b.fill_(300), lambda: torch.full((2,), 300, dtype=torch.uint8), lambda: b.masked_fill(b > 1, 300), lambda: torch.tensor([1], dtype=torch.int8) + 200, lambda: b.clamp(0, 300), lambda: b - (-1), lambda: b + 255, lambda: b.add_(-1)]:
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
i32 = torch.tensor([1], dtype=torch.int32)
for f in [lambda: i32.fill_(2**40), lambda: i32 + 2**40]:
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
