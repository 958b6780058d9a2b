"""The self-attention example's gradient (256 tokens by 128 features, float32): s2s's
generated module against a hand-written NumPy backward pass and the peers that are
installed, each in its best form (PyTorch eager with its faster thread count, JAX
jit)."""

import numpy as np

from examples import attention

from .common import (
    HAND, PRIMAL, S2S, Result, interleaved, jit_compile_notes, keep_faster_torch,
    load_generated, peer, torch_thread_runs,
)

EPS = 1e-5


def hand_value_and_grad(Wq, Wk, Wv, Wo, gamma, beta, x):
    """What a careful person writes for examples/attention.py's loss: the scale folded
    into q, the softmax and the layer norm's backward passes in their closed forms."""
    q = x @ Wq
    q *= Wq.shape[1] ** -0.5
    k = x @ Wk
    v = x @ Wv
    a = q @ k.T
    a -= a.max(axis=1, keepdims=True)
    np.exp(a, out=a)
    a /= a.sum(axis=1, keepdims=True)
    av = a @ v
    y = av @ Wo
    y += x
    y -= y.mean(axis=1, keepdims=True)
    rstd = 1.0 / np.sqrt(np.mean(y * y, axis=1, keepdims=True) + EPS)
    yn = y
    yn *= rstd
    out = gamma * yn + beta
    loss = np.mean(out * out)
    dout = out
    dout *= 2.0 / out.size
    dgamma = np.sum(dout * yn, axis=0)
    dbeta = np.sum(dout, axis=0)
    dyn = dout
    dyn *= gamma
    dy = dyn - np.mean(dyn, axis=1, keepdims=True)
    dy -= yn * np.mean(dyn * yn, axis=1, keepdims=True)
    dy *= rstd
    dWo = av.T @ dy
    dav = dy @ Wo.T
    dWv = x.T @ (a.T @ dav)
    da = dav @ v.T
    da -= np.sum(da * a, axis=1, keepdims=True)
    ds = da
    ds *= a  # d of the scaled scores
    dWq = x.T @ (ds @ k) * Wq.shape[1] ** -0.5
    dWk = x.T @ (ds.T @ q)
    return loss, (dWq, dWk, dWv, dWo, dgamma, dbeta)


def inputs(tokens=256, features=128, dtype=np.float32, seed=0):
    """Wq, Wk, Wv, Wo, gamma, beta and the tokens x."""
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(size=(features, features)) * features**-0.5 for _ in range(4)]
    gamma = 1.0 + 0.1 * rng.normal(size=features)
    beta = 0.1 * rng.normal(size=features)
    x = rng.normal(size=(tokens, features))
    return [a.astype(dtype) for a in (*Ws, gamma, beta, x)]


def _loss(np, Wq, Wk, Wv, Wo, gamma, beta, x):
    """examples/attention.py's loss for a peer, `np` its NumPy."""
    q, k, v = x @ Wq, x @ Wk, x @ Wv
    scores = q @ k.T / Wq.shape[1] ** 0.5
    e = np.exp(scores - np.max(scores, axis=1, keepdims=True))
    y = (e / np.sum(e, axis=1, keepdims=True) @ v) @ Wo + x
    mu = np.mean(y, axis=1, keepdims=True)
    var = np.mean((y - mu) ** 2, axis=1, keepdims=True)
    out = gamma * ((y - mu) / np.sqrt(var + EPS)) + beta
    return np.mean(out**2)


def _torch_loss(torch, Wq, Wk, Wv, Wo, gamma, beta, x):
    """The same loss in PyTorch's spelling (softmax, layer_norm)."""
    q, k, v = x @ Wq, x @ Wk, x @ Wv
    a = torch.softmax(q @ k.T / Wq.shape[1] ** 0.5, dim=1)
    y = (a @ v) @ Wo + x
    out = torch.nn.functional.layer_norm(y, y.shape[1:], gamma, beta, EPS)
    return torch.mean(out**2)


def _torch_run(torch, args):
    params = [torch.from_numpy(a.copy()).requires_grad_() for a in args[:6]]
    x = torch.from_numpy(args[6])

    def run():
        for p in params:
            p.grad = None
        loss = _torch_loss(torch, *params, x)
        loss.backward()
        return loss, [p.grad for p in params]

    return run


def candidates(args):
    """Label -> a call computing the value and the six gradients; and notes."""
    generated = load_generated("grad_attention")
    runs = {
        PRIMAL: lambda: attention.loss(*args),
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
        jargs = [jnp.asarray(a) for a in args]
        jitted = jax.jit(jax.value_and_grad(lambda *a: _loss(jnp, *a), argnums=tuple(range(6))))
        runs["JAX jit"] = lambda: jax.block_until_ready(jitted(*jargs))
    if autograd is not None:
        value_and_grad = autograd.value_and_grad(
            lambda params, x: _loss(autograd.numpy, *params, x))
        runs["autograd"] = lambda: value_and_grad(args[:6], args[6])
    return runs, notes


def check(args, runs):
    """s2s's value is the function's own, and s2s and every peer agree with the
    hand-written gradient, before anything is timed."""
    value, expected = hand_value_and_grad(*args)
    got_value, got = load_generated("grad_attention").value_and_grad_loss(*args)
    assert got_value == attention.loss(*args)
    np.testing.assert_allclose(got_value, value, rtol=1e-5)
    results = {S2S: got}
    for label in runs:
        if label.startswith("PyTorch eager") or label in ("JAX jit", "autograd"):
            results[label] = [np.asarray(g) for g in runs[label]()[1]]
    for label, grads in results.items():
        for g, e in zip(grads, expected):
            assert g.shape == e.shape, label
            scale = np.abs(e).max()
            np.testing.assert_allclose(g, e, rtol=2e-3, atol=2e-4 * scale, err_msg=label)
    for g, e in zip(results[S2S], expected):
        assert g.dtype == e.dtype == np.float32


def main(repeats=15, quick=False):
    args = inputs(tokens=64 if quick else 256)
    runs, notes = candidates(args)
    default = notes.pop("torch default", None)
    check(args, runs)
    medians = interleaved(runs, repeats)
    notes.update(jit_compile_notes(runs))
    medians = keep_faster_torch(medians, notes, default)
    tokens, features = args[6].shape
    return Result(f"Self-attention block gradient ({tokens} tokens x {features} features, "
                  "layer norm, float32)", medians, notes, goal=1.2)
