# Error: using an undefined variable is a NameError.
import torch
x = torch.ones(2)
print(x)
z = x * 2
print(z)
y = x + undefined_tensor
print("not reached")
