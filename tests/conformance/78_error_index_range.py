# Error: integer index beyond the size of the dimension.
import torch
x = torch.arange(3)
print(x[2], x[-3])
print(x[1:10])
print(len(x))
y = x[5]
print("not reached")
