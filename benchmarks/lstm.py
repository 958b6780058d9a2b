"""The LSTM example's gradient (T=100 steps, batch 32, input 64, hidden 128, a readout
over 64 tokens, float32): s2s's generated module against hand-written backpropagation
through time and the peers that are installed.  JAX jit runs `lax.scan` (how one
writes it for JAX); PyTorch eager and autograd run the example's loop as written.

The notes also give the memory that tracemalloc sees allocated (NumPy's arrays are
traced) by s2s's gradient and by the hand-written one: held at the turn of the sweep
(what each keeps from the forward sweep for the backward one) and the peak of the call
(that with the backward sweep's temporaries)."""

import sys
import tracemalloc

import numpy as np

from examples import lstm

from .common import (
    HAND, PRIMAL, S2S, Result, interleaved, jit_compile_notes, keep_faster_torch,
    load_generated, peer, torch_thread_runs,
)


def hand_value_and_grad(W, b, Wy, xs, ys):
    """What a careful person writes for examples/lstm.py's loss (ys one-hot: each row
    sums to 1): a forward sweep that keeps what the backward sweep needs, then that."""
    loss, kept = _hand_forward(W, b, Wy, xs, ys)
    return loss, _hand_backward(W, Wy, ys, *kept)


def _hand_forward(W, b, Wy, xs, ys):
    """The loss, keeping [x, h], the four gates (activated in place, in one array per
    step), c and tanh(c) of every step, and the softmax: the readout and its softmax
    run once over all steps, after the loop."""
    steps, batch, inputs_ = xs.shape
    hidden = W.shape[1] // 4
    xh = np.empty_like(xs, shape=(steps, batch, inputs_ + hidden))
    xh[:, :, :inputs_] = xs
    gates = np.empty_like(xs, shape=(steps, batch, 4 * hidden))
    c = np.zeros_like(xs, shape=(steps + 1, batch, hidden))
    tanh_c = np.empty_like(c[1:])
    hs = np.empty_like(tanh_c)
    h = np.zeros_like(xs, shape=(batch, hidden))
    for t in range(steps):
        xh[t, :, inputs_:] = h
        z = gates[t]
        np.matmul(xh[t], W, out=z)
        z += b
        s = z[:, : 3 * hidden]  # i, f, o: sigmoids, in place
        np.negative(s, out=s)
        np.exp(s, out=s)
        s += 1.0
        np.reciprocal(s, out=s)
        np.tanh(z[:, 3 * hidden :], out=z[:, 3 * hidden :])  # g
        i, f, o, g = (z[:, k * hidden : (k + 1) * hidden] for k in range(4))
        np.multiply(f, c[t], out=c[t + 1])
        c[t + 1] += i * g
        np.tanh(c[t + 1], out=tanh_c[t])
        h = np.multiply(o, tanh_c[t], out=hs[t])
    logits = hs @ Wy
    logits -= logits.max(axis=-1, keepdims=True)
    p = np.exp(logits)
    sums = p.sum(axis=-1, keepdims=True)
    loss = -np.sum(ys * (logits - np.log(sums))) / (steps * batch)
    p /= sums
    return loss, (xh, gates, c, tanh_c, hs, p)


def _hand_backward(W, Wy, ys, xh, gates, c, tanh_c, hs, p):
    """The gradients from what _hand_forward kept: the weights' are two matrix products
    over all steps after the loop back."""
    steps, batch, hidden = hs.shape
    n = steps * batch
    dlogits = p
    dlogits -= ys
    dlogits *= 1.0 / n
    dWy = hs.reshape(n, hidden).T @ dlogits.reshape(n, -1)
    dh_out = dlogits @ Wy.T
    Wh_T = W[W.shape[0] - hidden :].T
    dgates = np.empty_like(gates)
    dh = np.zeros_like(hs[0])
    dc = np.zeros_like(hs[0])
    for t in reversed(range(steps)):
        z = gates[t]
        i, f, o, g = (z[:, k * hidden : (k + 1) * hidden] for k in range(4))
        dh += dh_out[t]
        dz = dgates[t]
        np.multiply(dh, tanh_c[t], out=dz[:, 2 * hidden : 3 * hidden])  # do
        dc += dh * o * (1.0 - tanh_c[t] * tanh_c[t])
        np.multiply(dc, g, out=dz[:, :hidden])  # di
        np.multiply(dc, c[t], out=dz[:, hidden : 2 * hidden])  # df
        np.multiply(dc, i, out=dz[:, 3 * hidden :])  # dg
        dc *= f
        s = dz[:, : 3 * hidden]  # through the sigmoids: s (1 - s)
        s *= z[:, : 3 * hidden] * (1.0 - z[:, : 3 * hidden])
        dz[:, 3 * hidden :] *= 1.0 - g * g  # through tanh
        dh = dz @ Wh_T
    dW = xh.reshape(n, -1).T @ dgates.reshape(n, -1)
    db = dgates.reshape(n, -1).sum(axis=0)
    return dW, db, dWy


def inputs(steps=100, batch=32, features=64, hidden=128, vocabulary=64,
           dtype=np.float32, seed=0):
    """W, b, Wy and the data: xs normal, ys one-hot next tokens."""
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(features + hidden, 4 * hidden)) * (features + hidden) ** -0.5
    b = rng.normal(size=4 * hidden) * 0.1
    Wy = rng.normal(size=(hidden, vocabulary)) * hidden**-0.5
    xs = rng.normal(size=(steps, batch, features))
    ys = np.eye(vocabulary)[rng.integers(vocabulary, size=(steps, batch))]
    return [a.astype(dtype) for a in (W, b, Wy, xs, ys)]


def _loss(np, cat, W, b, Wy, xs, ys):
    """examples/lstm.py's loss for a peer: `np` its NumPy, `cat` its concatenate."""
    steps, batch = xs.shape[0], xs.shape[1]
    hidden = W.shape[1] // 4
    h = np.zeros((batch, hidden), dtype=xs.dtype)
    c = np.zeros((batch, hidden), dtype=xs.dtype)
    total = 0.0
    for t in range(steps):
        z = cat([xs[t], h], 1) @ W + b
        i = 1.0 / (1.0 + np.exp(-z[:, :hidden]))
        f = 1.0 / (1.0 + np.exp(-z[:, hidden : 2 * hidden]))
        o = 1.0 / (1.0 + np.exp(-z[:, 2 * hidden : 3 * hidden]))
        g = np.tanh(z[:, 3 * hidden :])
        c = f * c + i * g
        h = o * np.tanh(c)
        logits = h @ Wy
        shifted = logits - np.max(logits, 1, keepdims=True)
        logp = shifted - np.log(np.sum(np.exp(shifted), 1, keepdims=True))
        total = total - np.sum(ys[t] * logp)
    return total / (steps * batch)


def _torch_loss(torch, W, b, Wy, xs, ys):
    """The same loss in PyTorch's spelling (amax, logsumexp)."""
    steps, batch = xs.shape[0], xs.shape[1]
    hidden = W.shape[1] // 4
    h = torch.zeros((batch, hidden), dtype=xs.dtype)
    c = torch.zeros((batch, hidden), dtype=xs.dtype)
    total = 0.0
    for t in range(steps):
        z = torch.cat([xs[t], h], 1) @ W + b
        i, f, o = torch.sigmoid(z[:, : 3 * hidden]).split(hidden, 1)
        g = torch.tanh(z[:, 3 * hidden :])
        c = f * c + i * g
        h = o * torch.tanh(c)
        total = total - torch.sum(ys[t] * torch.log_softmax(h @ Wy, 1))
    return total / (steps * batch)


def _torch_run(torch, args):
    params = [torch.from_numpy(a.copy()).requires_grad_() for a in args[:3]]
    data = [torch.from_numpy(a) for a in args[3:]]

    def run():
        for p in params:
            p.grad = None
        loss = _torch_loss(torch, *params, *data)
        loss.backward()
        return loss, [p.grad for p in params]

    return run


def candidates(args):
    generated = load_generated("grad_lstm")
    runs = {
        PRIMAL: lambda: lstm.loss(*args),
        HAND: lambda: hand_value_and_grad(*args),
        S2S: lambda: generated.value_and_grad_loss(*args),
    }
    notes = {}
    torch, jax, autograd = peer("torch"), peer("jax"), peer("autograd")
    if torch is not None:
        torch_runs, notes["torch default"] = torch_thread_runs(torch, _torch_run(torch, args))
        runs.update(torch_runs)
    if jax is not None:
        jnp = jax.numpy

        def scanned_loss(W, b, Wy, xs, ys):
            hidden = W.shape[1] // 4

            def step(carry, xy):
                h, c, total = carry
                x, y = xy
                z = jnp.concatenate([x, h], axis=1) @ W + b
                i = 1.0 / (1.0 + jnp.exp(-z[:, :hidden]))
                f = 1.0 / (1.0 + jnp.exp(-z[:, hidden : 2 * hidden]))
                o = 1.0 / (1.0 + jnp.exp(-z[:, 2 * hidden : 3 * hidden]))
                g = jnp.tanh(z[:, 3 * hidden :])
                c = f * c + i * g
                h = o * jnp.tanh(c)
                logp = jax.nn.log_softmax(h @ Wy, axis=1)
                return (h, c, total - jnp.sum(y * logp)), None

            zeros = jnp.zeros((xs.shape[1], hidden), xs.dtype)
            (_, _, total), _ = jax.lax.scan(step, (zeros, zeros, jnp.zeros((), xs.dtype)),
                                            (xs, ys))
            return total / (xs.shape[0] * xs.shape[1])

        jargs = [jnp.asarray(a) for a in args]
        jitted = jax.jit(jax.value_and_grad(scanned_loss, argnums=(0, 1, 2)))
        runs["JAX jit"] = lambda: jax.block_until_ready(jitted(*jargs))
    if autograd is not None:
        anp = autograd.numpy
        value_and_grad = autograd.value_and_grad(
            lambda params, xs, ys: _loss(anp, anp.concatenate, *params, xs, ys))
        runs["autograd"] = lambda: value_and_grad(args[:3], *args[3:])
    return runs, notes


def check(args, runs):
    """s2s's value is the function's own, and s2s and every peer agree with the
    hand-written gradient, before anything is timed."""
    value, expected = hand_value_and_grad(*args)
    got_value, got = load_generated("grad_lstm").value_and_grad_loss(*args)
    assert got_value == lstm.loss(*args)
    np.testing.assert_allclose(got_value, value, rtol=1e-5)
    results = {S2S: got}
    for label in runs:
        if label.startswith("PyTorch eager") or label in ("JAX jit", "autograd"):
            results[label] = [np.asarray(g) for g in runs[label]()[1]]
    for label, grads in results.items():
        for g, e in zip(grads, expected):
            assert g.shape == e.shape, label
            np.testing.assert_allclose(g, e, rtol=2e-3, atol=2e-6, err_msg=label)
    for g, e in zip(results[S2S], expected):
        assert g.dtype == e.dtype == np.float32


def memory_mib(run, turn):
    """MiB that tracemalloc sees allocated during one call of `run` (NumPy's arrays
    are traced): held at the turn of the sweep, the first profiler event for which
    `turn(frame, event, arg)` holds (what the forward sweep kept, with its live
    values), and the peak."""
    run()
    held = []

    def probe(frame, event, arg):
        if not held and turn(frame, event, arg):
            held.append(tracemalloc.get_traced_memory()[0])

    tracemalloc.start()
    sys.setprofile(probe)
    try:
        run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        sys.setprofile(None)
        tracemalloc.stop()
    return held[0] / 2**20, peak / 2**20


def memory_notes(runs):
    """s2s's gradient's memory and the hand-written one's: s2s turns at its first
    `tape.pop()`, the hand-written one as it calls _hand_backward."""
    s2s = memory_mib(runs[S2S], lambda frame, event, arg: event == "c_call"
                     and getattr(arg, "__name__", None) == "pop"
                     and isinstance(getattr(arg, "__self__", None), list))
    hand = memory_mib(runs[HAND], lambda frame, event, arg: event == "call"
                      and frame.f_code is _hand_backward.__code__)
    return {
        "MiB held at the turn of the sweep (tracemalloc)":
            f"s2s {s2s[0]:.1f}, hand-written {hand[0]:.1f} ({s2s[0] / hand[0]:.2f}x)",
        "MiB peak during one call (tracemalloc)":
            f"s2s {s2s[1]:.1f}, hand-written {hand[1]:.1f} ({s2s[1] / hand[1]:.2f}x)",
    }


def main(repeats=15, quick=False):
    args = inputs(steps=25 if quick else 100)
    runs, notes = candidates(args)
    default = notes.pop("torch default", None)
    check(args, runs)
    medians = interleaved(runs, repeats)
    notes.update(jit_compile_notes(runs))
    medians = keep_faster_torch(medians, notes, default)
    notes.update(memory_notes(runs))
    steps = args[3].shape[0]
    return Result(f"LSTM gradient (T={steps}, batch 32, 64 -> 128 -> 64 tokens, float32)",
                  medians, notes, goal=1.2)
