"""The recursion example's gradient (examples/recursion.py) at two depths, 150 and
600 calls: the cost must grow linearly (about 4x), as the split forward/adjoint
form promises, not quadratically (16x).  Against a hand-written adjoint (the
forward recursion keeps each x on a list, the backward pass walks it back) and,
where installed, PyTorch eager."""

import math

from .common import interleaved, load_generated

A = 1.3
DEPTHS = (150, 600)


def hand_value_and_grad(x, a, depth):
    """What a careful person writes for examples/recursion.py's iterate."""
    xs = []

    def forward(x, depth):
        if depth == 0:
            return x
        xs.append(x)
        return forward(math.sin(a * x) + 0.5 * x, depth - 1)

    value = forward(x, depth)
    dx, da = 1.0, 0.0
    while xs:
        x = xs.pop()
        c = math.cos(a * x)
        da += dx * c * x
        dx = dx * (c * a + 0.5)
    return value, (dx, da)


def candidates(depth):
    generated = load_generated("grad_recursion")
    runs = {
        "hand-written Python": lambda: hand_value_and_grad(0.4, A, depth),
        "s2s generated": lambda: generated.value_and_grad_iterate(0.4, A, depth),
    }
    try:
        import torch
    except ImportError:
        return runs

    def torch_eager():
        x0, a = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (0.4, A))

        def iterate(x, depth):
            if depth == 0:
                return x
            return iterate(torch.sin(a * x) + 0.5 * x, depth - 1)

        iterate(x0, depth).backward()
        return x0.grad, a.grad

    runs["PyTorch eager (CPU)"] = torch_eager
    return runs


def check():
    generated = load_generated("grad_recursion")
    for depth in DEPTHS:
        expected = hand_value_and_grad(0.4, A, depth)
        got = generated.value_and_grad_iterate(0.4, A, depth)
        assert abs(got[0] - expected[0]) < 1e-12
        for g, e in zip(got[1], expected[1]):
            assert abs(g - e) < 1e-9 * max(1.0, abs(e)), (g, e)


def main(repeats=15, quick=False):
    check()
    medians = {}
    for depth in DEPTHS:
        runs = candidates(depth)
        if quick:
            runs.pop("PyTorch eager (CPU)", None)
        medians[depth] = interleaved(runs, repeats)
    small, large = DEPTHS
    lines = [
        f"Recursion gradient (examples/recursion.py), depth {small} and {large}",
        f"  {'':28s} {'depth ' + str(small):>10s} {'depth ' + str(large):>10s}"
        f" {'ratio':>8s} {'/ hand-written':>15s}",
    ]
    for label in medians[large]:
        t_small, t_large = medians[small][label], medians[large][label]
        lines.append(
            f"  {label:28s} {t_small * 1e3:8.3f}ms {t_large * 1e3:8.3f}ms"
            f" {t_large / t_small:7.2f}x"
            f" {t_large / medians[large]['hand-written Python']:14.2f}x"
        )
    return "\n".join(lines), medians
