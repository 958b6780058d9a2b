"""The RNN example's gradient (T=200 steps, batch 32, 16 features, hidden 64, 4
outputs, float32): s2s's generated module against hand-written backpropagation through
time and the peers that are installed.  JAX jit runs `lax.scan` (how one writes it for
JAX); the other peers keep the hidden states on a Python list (they cannot write into
an array in place)."""

import numpy as np

from examples import rnn

from .common import (
    HAND, PRIMAL, S2S, Result, interleaved, jit_compile_notes, load_generated, peer,
)


def hand_value_and_grad(Wx, Wh, b, Wy, xs, ys):
    """What a careful person writes for examples/rnn.py's loss."""
    steps, batch = xs.shape[0], xs.shape[1]
    hidden = Wh.shape[0]
    h = np.zeros_like(xs, shape=(steps + 1, batch, hidden))
    for t in range(steps):
        h[t + 1] = np.tanh(xs[t] @ Wx + h[t] @ Wh + b)
    out = h[1:] @ Wy
    r = out - ys
    loss = np.mean(r**2)
    dout = (2.0 / r.size) * r
    dWy = h[1:].reshape(-1, hidden).T @ dout.reshape(-1, dout.shape[-1])
    dh_out = dout @ Wy.T
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_next = np.zeros_like(h[0])
    for t in reversed(range(steps)):
        dz = (dh_out[t] + dh_next) * (1.0 - h[t + 1] * h[t + 1])
        dWx += xs[t].T @ dz
        dWh += h[t].T @ dz
        db += dz.sum(axis=0)
        dh_next = dz @ Wh.T
    return loss, (dWx, dWh, db, dWy)


def inputs(steps=200, batch=32, features=16, hidden=64, outputs=4, dtype=np.float32,
           seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(features, hidden), (hidden, hidden), (hidden,), (hidden, outputs),
              (steps, batch, features), (steps, batch, outputs)]
    scales = [features**-0.5, hidden**-0.5, 0.1, hidden**-0.5, 1.0, 1.0]
    return [(rng.normal(size=s) * c).astype(dtype) for s, c in zip(shapes, scales)]


def _listed_loss(np, Wx, Wh, b, Wy, xs, ys):
    """The loss with the hidden states on a list, for peers without in-place writes."""
    h = np.zeros((xs.shape[1], Wh.shape[0]), dtype=xs.dtype)
    hs = []
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
        hs.append(h)
    return np.mean((np.stack(hs) @ Wy - ys) ** 2)


def candidates(args):
    generated = load_generated("grad_rnn")
    runs = {
        PRIMAL: lambda: rnn.loss(*args),
        HAND: lambda: hand_value_and_grad(*args),
        S2S: lambda: generated.value_and_grad_loss(*args),
    }
    torch, jax, autograd = peer("torch"), peer("jax"), peer("autograd")
    if torch is not None:
        tparams = [torch.from_numpy(a.copy()).requires_grad_() for a in args[:4]]
        tdata = [torch.from_numpy(a) for a in args[4:]]

        def torch_eager():
            for p in tparams:
                p.grad = None
            loss = _listed_loss(torch, *tparams, *tdata)
            loss.backward()
            return loss

        runs["PyTorch eager"] = torch_eager
    if jax is not None:
        jnp = jax.numpy

        def scanned_loss(Wx, Wh, b, Wy, xs, ys):
            def step(h, x):
                h = jnp.tanh(x @ Wx + h @ Wh + b)
                return h, h

            _, hs = jax.lax.scan(step, jnp.zeros((xs.shape[1], Wh.shape[0]), xs.dtype), xs)
            return jnp.mean((hs @ Wy - ys) ** 2)

        jargs = [jnp.asarray(a) for a in args]
        eager = jax.value_and_grad(lambda *a: _listed_loss(jnp, *a), argnums=(0, 1, 2, 3))
        jitted = jax.jit(jax.value_and_grad(scanned_loss, argnums=(0, 1, 2, 3)))
        runs["JAX eager"] = lambda: jax.block_until_ready(eager(*jargs))
        runs["JAX jit"] = lambda: jax.block_until_ready(jitted(*jargs))
    if autograd is not None:
        value_and_grad = autograd.value_and_grad(
            lambda params, xs, ys: _listed_loss(autograd.numpy, *params, xs, ys))
        runs["autograd"] = lambda: value_and_grad(args[:4], *args[4:])
    return runs


def check(args, runs):
    """s2s and every peer agree with the hand-written gradient before anything is timed."""
    expected = hand_value_and_grad(*args)[1]
    results = {S2S: load_generated("grad_rnn").value_and_grad_loss(*args)[1]}
    for label in ("JAX jit", "autograd"):
        if label in runs:
            results[label] = runs[label]()[1]
    for label, got in results.items():
        for g, e in zip(got, expected):
            np.testing.assert_allclose(np.asarray(g), e, rtol=2e-3, atol=2e-5, err_msg=label)
    for g, e in zip(results[S2S], expected):
        assert g.dtype == e.dtype == np.float32


def main(repeats=15, quick=False):
    args = inputs(steps=50 if quick else 200)
    runs = candidates(args)
    check(args, runs)
    medians = interleaved(runs, repeats)
    notes = jit_compile_notes(runs)
    steps = args[4].shape[0]
    return Result(f"RNN gradient (T={steps}, batch 32, 16 -> 64 -> 4, float32)", medians,
                  notes, goal=1.2)
