"""The recursion example's gradient (examples/recursion.py) at two depths, 150 and
600 calls: the cost must grow linearly (about 4x), as the split forward/adjoint
form promises, not quadratically (16x).  Against a hand-written adjoint (the
forward recursion keeps each x on a list, the backward pass walks it back) and the
peers that are installed (JAX jit unrolls the recursion while it traces)."""

import math
import sys

from examples import recursion

from .common import (
    HAND, PRIMAL, S2S, Result, interleaved, jit_compile_notes, load_generated, peer,
)

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


def _iterate(np, x, a, depth):
    """examples/recursion.py's iterate on a peer's NumPy (`np`)."""
    if depth == 0:
        return x
    return _iterate(np, np.sin(a * x) + 0.5 * x, a, depth - 1)


def candidates(depth):
    generated = load_generated("grad_recursion")
    runs = {
        PRIMAL: lambda: recursion.iterate(0.4, A, depth),
        HAND: lambda: hand_value_and_grad(0.4, A, depth),
        S2S: lambda: generated.value_and_grad_iterate(0.4, A, depth),
    }
    torch, jax, autograd = peer("torch"), peer("jax"), peer("autograd")
    if torch is not None:

        def torch_eager():
            x0, a = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (0.4, A))
            _iterate(torch, x0, a, depth).backward()
            return x0.grad, a.grad

        runs["PyTorch eager"] = torch_eager
    if jax is not None:
        f = jax.value_and_grad(lambda x, a: _iterate(jax.numpy, x, a, depth), argnums=(0, 1))
        jitted = jax.jit(f)  # the recursion unrolls while tracing: `depth` is a constant
        runs["JAX eager"] = lambda: jax.block_until_ready(f(0.4, A))
        runs["JAX jit"] = lambda: jax.block_until_ready(jitted(0.4, A))
    if autograd is not None:
        value_and_grad = autograd.value_and_grad(
            lambda xa: _iterate(autograd.numpy, xa[0], xa[1], depth))
        runs["autograd"] = lambda: value_and_grad((0.4, A))
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
    """Depth 600 against the peers, and s2s's and the hand-written gradient's time at
    depth 150: growth from 150 to 600 should be about 4x (linear)."""
    check()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))  # the peers' frames nest
    small, large = DEPTHS
    runs = candidates(large)
    medians = interleaved(runs, repeats)
    notes = jit_compile_notes(runs)
    shallow = interleaved({k: v for k, v in candidates(small).items() if k in (HAND, S2S)},
                          repeats)
    notes[f"s2s time, depth {large} / depth {small} (4 is linear)"] = medians[S2S] / shallow[S2S]
    return Result(f"Recursion gradient (examples/recursion.py, depth {large})", medians, notes)
