# torch-API scripts: div(rounding_mode), atan2/hypot/copysign/logaddexp/xlogy/fmax/fmin,
# heaviside, lerp, addcmul/addcdiv, logit, nan_to_num, sinc, shifts, trace, std_mean,
# aminmax, nansum/nanmean, median/nanmedian, dist, diff, cummax/cummin, bincount, histc,
# bmm/addmm/addmv/addr/baddbmm, in-place forms (x.sqrt_().clamp_(0, 5)) and their errors.
import torch
a = torch.tensor([5., -5., 0.5, -0.0], requires_grad=True)
b = torch.tensor([2., 2., -3., 1.])
print(a.div(b, rounding_mode='trunc'), a.div(b, rounding_mode='floor'), torch.true_divide(a, b), torch.div(torch.tensor([7, -7]), 2, rounding_mode='trunc'), torch.tensor([7, -7]) // 2)
print(torch.atan2(a, b), torch.hypot(a, b), torch.copysign(a, b), torch.logaddexp(a, b), torch.xlogy(a, b.abs()), torch.fmax(a, torch.tensor([float('nan'), 1., 1., 1.])), torch.fmin(a, b))
print(torch.heaviside(torch.tensor([-1., 0., 2.]), torch.tensor([0.5])), torch.lerp(a, b, 0.25), torch.lerp(a, b, torch.tensor([0., .5, .75, 1.])))
print(torch.addcmul(a, a, b, value=2), torch.addcdiv(a, a, b.abs() + 1, value=-0.5), torch.logit(torch.tensor([0.25, 0.0, 1.0]), eps=1e-6), torch.logit(torch.tensor([0.5, 0.9])))
print(torch.nan_to_num(torch.tensor([float('nan'), float('inf'), -float('inf'), 1.])), torch.nan_to_num(torch.tensor([float('nan'), float('inf')], dtype=torch.float64), nan=2., posinf=9.))
print(torch.sinc(torch.tensor([0., 0.5, 1.5])), torch.deg2rad(torch.tensor([180., 90.])), torch.rad2deg(torch.tensor([3.14159])), torch.sgn(a), torch.square(torch.tensor([3, -2])), a.square())
print(torch.isposinf(torch.tensor([float('inf'), -float('inf'), 1.])), torch.isneginf(torch.tensor([float('inf'), -float('inf'), 1.])))
print(torch.tensor([1, -8]) << 2, torch.tensor([1, -8]) >> 1, torch.tensor([1024]) >> 64, torch.tensor([True]) << 1)
m0 = torch.arange(1., 10., requires_grad=True)
m = m0.view(3, 3)
print(torch.trace(m), torch.std_mean(m, dim=1), torch.var_mean(m, 0, unbiased=False), torch.aminmax(m), torch.aminmax(m, dim=0, keepdim=True))
n = torch.tensor([[1., float('nan'), 3.], [4., 5., 6.]], requires_grad=True)
print(torch.nansum(n), torch.nansum(n, 1), torch.nanmean(n), torch.nanmean(n, dim=0), n.median(), n.nanmedian(), torch.median(n, 1), n.nanmedian(dim=1))
print(m.median(), torch.median(m, dim=0), torch.dist(m, torch.zeros(3, 3)), torch.dist(m, torch.ones(3), p=1), torch.diff(torch.tensor([1, 4, 9, 16])), torch.diff(m, dim=0), torch.diff(torch.tensor([1., 2.]), n=2, prepend=torch.tensor([0.])))
print(torch.tensor([1., 3, 3, 2, float('nan'), 5]).cummax(0), torch.tensor([1., 3, 3, 2, 1]).cummin(0), m.cummax(1))
print(torch.bincount(torch.tensor([1, 1, 3])), torch.bincount(torch.tensor([1, 1, 3]), weights=torch.tensor([.5, .5, 1.]), minlength=6), torch.histc(torch.tensor([1., 2, 1]), bins=4, min=0, max=3), torch.histc(torch.tensor([1., 2, 1, 2.5])))
x3 = torch.arange(12., requires_grad=True).view(2, 2, 3)
y3 = torch.arange(6.).view(2, 3, 1)
print(torch.bmm(x3, y3), torch.addmm(torch.ones(2, 1), m[:2], m[:, :1]), torch.addmm(torch.ones(2, 1), m[:2], m[:, :1], beta=0.5, alpha=2), torch.addmv(torch.ones(3), m, torch.ones(3)), torch.addr(torch.zeros(2, 2), torch.ones(2), torch.tensor([1., 2.])), torch.baddbmm(torch.zeros(2, 2, 1), x3, y3, alpha=0.5))
(torch.atan2(a, b).sum() + torch.hypot(a, b).sum() + torch.lerp(a, b, 0.3).sum() + torch.addcmul(a, a, b).sum() + torch.logaddexp(a, b).sum() + torch.fmax(a, b).sum() + torch.sinc(a).sum() + torch.deg2rad(a).sum() + torch.copysign(a, b).sum() + torch.xlogy(a, b.abs()).sum() + a.square().sum()).backward()
print(a.grad)
(torch.trace(m) + torch.std_mean(m, 1)[0].sum() + m.median() + torch.median(m, 0).values.sum() + m.cummax(1).values.sum() + torch.dist(m, torch.zeros(3, 3)) + torch.nansum(m) + torch.addmm(torch.ones(3, 3), m, m).sum() + torch.bmm(m.view(1, 3, 3), m.view(1, 3, 3)).sum() + torch.diff(m).sum()).backward()
print(m0.grad)
y = torch.tensor([1., 4.])
y.sqrt_().mul_(3).clamp_(0, 5).neg_().abs_().pow_(2).exp_().log_()
print(y, torch.tensor([1, 2]).eq_(torch.tensor([1, 3])), torch.tensor([3., 4.]).clip_(max=3.5), torch.tensor([0.3]).sigmoid_(), torch.tensor([4, 9]) .remainder_(5))
for f in [lambda: torch.tensor([1, 2]).sqrt_(), lambda: torch.tensor([True]).add_(1), lambda: torch.ones(2).exp_().add_(torch.ones(2, 2)), lambda: a.div(b, rounding_mode='bad'), lambda: torch.trace(torch.ones(3)),
          lambda: torch.bmm(torch.ones(2, 2), torch.ones(2, 2)), lambda: torch.bincount(torch.tensor([-1])), lambda: torch.histc(torch.tensor([1, 2])), lambda: torch.tensor([1.]) << 1, lambda: torch.nanmean(torch.tensor([1, 2])),
          lambda: torch.ones(2, requires_grad=True).exp_(), lambda: torch.heaviside(torch.tensor([1.]), torch.tensor([1])), lambda: torch.median(torch.tensor([]))]:
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
