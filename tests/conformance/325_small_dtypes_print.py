import torch

# Printing: float16 and bfloat16 values, including large and tiny ones.
h = torch.tensor([0.1, 1.5, -2.25, 1000.0, 65504.0], dtype=torch.float16)
print(h)
print(torch.tensor([1e-4, 3.0], dtype=torch.float16))
print(torch.tensor([0.1, 1.5, -2.25, 3e38], dtype=torch.bfloat16))
print(torch.tensor([[1, 2], [3, 4]], dtype=torch.bfloat16) / 3)
print(torch.tensor(2.5, dtype=torch.float16), torch.tensor([], dtype=torch.float16))
print(h.dtype, h.is_floating_point(), h.element_size(), torch.tensor([1], dtype=torch.int16).element_size())

# Small integers: wrap-around, promotion, bit ops, shifts.
a = torch.tensor([120, -7, 3], dtype=torch.int8)
b = torch.tensor([10, 250, 128], dtype=torch.uint8)
print(a + 10, a * 3, a - 100)
print(b + 10, b * 2, -b)
print(a + b, (a + b).dtype)
print(a & 6, b | 1, b ^ 255, ~a, b >> 2, a << 1)
print(a // 2, a % 5, b / 2)
print(a.abs(), a.sign(), a.clamp(-5, 5), a.max(), b.argmax(), b.sum(), a.prod())
s = torch.tensor([1000, -1000], dtype=torch.int16)
print(s * 40, s.to(torch.int8), s.to(torch.uint8), s.float())

# uint8 images: scale to float, back to uint8.
img = torch.arange(0, 24, dtype=torch.uint8).view(2, 3, 4) * 10
print(img)
f = img.float() / 255.0
print(f.mean().item() > 0, (f * 255).round().to(torch.uint8).equal(img))
print(img[:, 1:, ::2], img.permute(1, 2, 0).shape, img.flip(0)[0, 0])
print(img.max(dim=2))
print(torch.where(img > 100, img, torch.zeros_like(img)))

# float16 arithmetic rounds each result.
x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float16)
print(x / 3, (x / 3) * 3, x.sum(), x.mean())
print(torch.ones(2048, dtype=torch.float16).sum(), torch.tensor([2049.0], dtype=torch.float16))
y = torch.tensor([1.0, 2.0], dtype=torch.bfloat16)
print(y + 0.001, y * 1.01, (y + y).dtype, (x[:2] + y).dtype)

# Gradients of a float16 leaf are float16.
w = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float16, requires_grad=True)
loss = (w * w * 3 + w).sum()
loss.backward()
print(loss, w.grad, w.grad.dtype)
w.grad.zero_()
(w * 2).sum().backward()
print(w.grad)

# Conversions and type names.
z = torch.tensor([1.7, -1.7, 255.9, 256.0])
print(z.byte(), z.char(), z.short(), z.half(), z.bfloat16())
print(z.half().type(), z.byte().type(), z.type(torch.int16).dtype, z.type('torch.HalfTensor').dtype)
print(torch.finfo(torch.float16).eps, torch.finfo(torch.bfloat16).max, torch.iinfo(torch.int8).min, torch.iinfo(torch.uint8).max)
print(torch.promote_types(torch.int8, torch.uint8), torch.promote_types(torch.float16, torch.int64), torch.promote_types(torch.bfloat16, torch.float16))
print(torch.zeros(2, dtype=torch.half), torch.ones(2, 2, dtype=torch.uint8), torch.full((2,), 7, dtype=torch.int8), torch.arange(4, dtype=torch.int16))
print(torch.tensor([True, False]).to(torch.uint8), torch.tensor([3, 0], dtype=torch.uint8).bool())
