# Shape: transpose, .T on matrices, permute (varargs and tuple).
import torch
A = torch.arange(6).reshape(2, 3)
print(A.T)
print(A.transpose(0, 1))
print(torch.transpose(A, 1, 0))
B = torch.arange(24).reshape(2, 3, 4)
print(B.transpose(0, 2).shape)
print(B.transpose(-1, -2)[0])
print(B.permute(2, 0, 1).shape)
print(B.permute((1, 2, 0))[1])
print(torch.permute(B, (2, 1, 0))[3])
print(A.T.T)
print(A.T.shape, A.T[0])
t = A.T
t[0, 1] = 50
print(A)
print(torch.ones(2, 5).T.shape)
