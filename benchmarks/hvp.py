"""The MLP example's Hessian-vector product (forward over reverse: s2s's
generated/hvp_mlp.py) against its gradient, and PyTorch's (double backward) against
PyTorch's gradient, in one run.  The number that matters is each HVP's cost in
gradients (the issue's goal for s2s: at most 4)."""

import numpy as np

from .common import interleaved, load_generated, table
from .mlp import hand_value_and_grad, inputs


def directions(args, seed=1):
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=a.shape).astype(a.dtype) for a in args[:4])


def candidates(args, vs):
    grad_module, hvp_module = load_generated("grad_mlp"), load_generated("hvp_mlp")
    runs = {
        "hand-written gradient": lambda: hand_value_and_grad(*args),
        "s2s gradient": lambda: grad_module.value_and_grad_loss(*args),
        "s2s HVP": lambda: hvp_module.hvp_loss(*args, *vs),
    }
    try:
        import torch
    except ImportError:
        return runs
    tx, ty = (torch.from_numpy(a) for a in args[4:])
    params = [torch.from_numpy(a.copy()).requires_grad_() for a in args[:4]]
    tvs = [torch.from_numpy(v) for v in vs]

    def loss():
        w1, b1, w2, b2 = params
        return torch.mean((torch.relu(tx @ w1 + b1) @ w2 + b2 - ty) ** 2)

    def torch_gradient():
        return torch.autograd.grad(loss(), params)

    def torch_hvp():
        grads = torch.autograd.grad(loss(), params, create_graph=True)
        dot = sum(torch.sum(g * v) for g, v in zip(grads, tvs))
        return torch.autograd.grad(dot, params)

    runs["PyTorch gradient (CPU)"] = torch_gradient
    runs["PyTorch HVP (CPU)"] = torch_hvp
    return runs


def check():
    """s2s's HVP against differences of its gradients, before anything is timed: in
    float64, on a small problem (on a big one, some ReLU unit is always near enough its
    kink for a step to flip it, and a difference to jump)."""
    args = inputs(n=300, d=20, hidden=8, dtype=np.float64, seed=3)
    vs = directions(args)
    grad = load_generated("grad_mlp").value_and_grad_loss
    got = load_generated("hvp_mlp").hvp_loss(*args, *vs)
    eps = 1e-7
    plus = grad(*[a + eps * v for a, v in zip(args, vs)], *args[4:])[1]
    minus = grad(*[a - eps * v for a, v in zip(args, vs)], *args[4:])[1]
    for g, p, m in zip(got, plus, minus):
        np.testing.assert_allclose(g, (p - m) / (2 * eps), rtol=1e-5, atol=1e-8)


def main(repeats=15, quick=False):
    args = inputs(n=2000 if quick else 50000)
    vs = directions(args)
    check()
    assert all(g.dtype == np.float32 for g in load_generated("hvp_mlp").hvp_loss(*args, *vs))
    medians = interleaved(candidates(args, vs), repeats)
    shape = f"{args[4].shape[0]}x{args[4].shape[1]} -> 50 -> 1, float32"
    text = table(f"MLP Hessian-vector product ({shape})", medians, "hand-written gradient")
    text += f"\n  s2s HVP / s2s gradient: {medians['s2s HVP'] / medians['s2s gradient']:.2f}x"
    if "PyTorch HVP (CPU)" in medians:
        ratio = medians["PyTorch HVP (CPU)"] / medians["PyTorch gradient (CPU)"]
        text += f"\n  PyTorch HVP / PyTorch gradient: {ratio:.2f}x"
    return text, medians
