"""The MLP example's gradient (50000x784 -> 50 -> 1, float32): s2s's generated module
against a hand-written NumPy backward pass and the peers that are installed."""

import numpy as np

from examples import mlp

from .common import (
    HAND, PRIMAL, S2S, Result, interleaved, jit_compile_notes, load_generated, peer,
)


def hand_value_and_grad(w1, b1, w2, b2, x, y):
    """What a careful person writes for examples/mlp.py's loss."""
    z1 = x @ w1 + b1
    h = np.maximum(z1, 0.0)
    out = h @ w2 + b2
    r = out - y
    loss = np.mean(r**2)
    dout = (2.0 / r.size) * r
    dw2 = h.T @ dout
    db2 = dout.sum(axis=0)
    dh = dout @ w2.T
    dz1 = dh * (z1 > 0)
    dw1 = x.T @ dz1
    db1 = dz1.sum(axis=0)
    return loss, (dw1, db1, dw2, db2)


def inputs(n=50000, d=784, hidden=50, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(dtype)
    y = rng.normal(size=(n, 1)).astype(dtype)
    w1 = (rng.normal(size=(d, hidden)) / np.sqrt(d)).astype(dtype)
    b1 = np.zeros(hidden, dtype)
    w2 = (rng.normal(size=(hidden, 1)) / np.sqrt(hidden)).astype(dtype)
    b2 = np.zeros(1, dtype)
    return w1, b1, w2, b2, x, y


def candidates(args):
    """Label -> a call computing the value and the four gradients."""
    generated = load_generated("grad_mlp")
    runs = {
        PRIMAL: lambda: mlp.loss(*args),
        HAND: lambda: hand_value_and_grad(*args),
        S2S: lambda: generated.value_and_grad_loss(*args),
    }
    torch, jax, autograd = peer("torch"), peer("jax"), peer("autograd")
    if torch is not None:
        tx, ty = (torch.from_numpy(a) for a in args[4:])
        params = [torch.from_numpy(a.copy()).requires_grad_() for a in args[:4]]

        def torch_eager():
            for p in params:
                p.grad = None
            w1, b1, w2, b2 = params
            loss = torch.mean((torch.relu(tx @ w1 + b1) @ w2 + b2 - ty) ** 2)
            loss.backward()
            return loss

        runs["PyTorch eager"] = torch_eager
    if jax is not None:
        jnp = jax.numpy

        def jax_loss(w1, b1, w2, b2, x, y):
            return jnp.mean((jnp.maximum(x @ w1 + b1, 0.0) @ w2 + b2 - y) ** 2)

        jargs = [jnp.asarray(a) for a in args]
        eager = jax.value_and_grad(jax_loss, argnums=(0, 1, 2, 3))
        jitted = jax.jit(eager)
        runs["JAX eager"] = lambda: jax.block_until_ready(eager(*jargs))
        runs["JAX jit"] = lambda: jax.block_until_ready(jitted(*jargs))
    if autograd is not None:
        anp = autograd.numpy

        def autograd_loss(params, x, y):
            w1, b1, w2, b2 = params
            return anp.mean((anp.maximum(x @ w1 + b1, 0.0) @ w2 + b2 - y) ** 2)

        value_and_grad = autograd.value_and_grad(autograd_loss)
        runs["autograd"] = lambda: value_and_grad(args[:4], *args[4:])
    return runs


def check(args):
    """s2s agrees with the hand-written gradient before anything is timed."""
    expected = hand_value_and_grad(*args)[1]
    got = load_generated("grad_mlp").value_and_grad_loss(*args)[1]
    for g, e in zip(got, expected):
        assert g.dtype == e.dtype == np.float32
        np.testing.assert_allclose(g, e, rtol=2e-3, atol=1e-5)


def main(repeats=15, quick=False):
    args = inputs(n=2000 if quick else 50000)
    check(args)
    runs = candidates(args)
    medians = interleaved(runs, repeats)
    notes = jit_compile_notes(runs)
    shape = f"{args[4].shape[0]}x{args[4].shape[1]} -> 50 -> 1, float32"
    return Result(f"MLP gradient ({shape})", medians, notes, goal=1.10)
