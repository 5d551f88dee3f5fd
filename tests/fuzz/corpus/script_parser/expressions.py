a = b = c if d else e or f and not g
a[1:2, ::3] @= h.grad_fn.name(k=1, *rest)
print(1 < 2 <= 3 is not None not in [4])
