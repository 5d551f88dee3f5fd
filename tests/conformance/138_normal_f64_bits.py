# randn/normal after manual_seed give PyTorch's float64 values bit for bit.
import torch
torch.manual_seed(3); a=torch.normal(torch.tensor([0.,10.,-5.], dtype=torch.float64), 1.0)
torch.manual_seed(3); b=torch.randn(3, dtype=torch.float64)
torch.manual_seed(3); c=torch.empty(3,dtype=torch.float64).normal_(0,1)
print(a.tolist(), b.tolist(), c.tolist())
torch.manual_seed(4); print(torch.normal(2.0, 3.0, (20,), dtype=torch.float64).tolist()[:4])
