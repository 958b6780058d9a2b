"""A 300 x 226 Jacobian of a two-layer network's output in its input: `s2s.jacobian`
(forward mode, one jvp per input, 226 of them) against a prototype of a batched
tangent (the generated jvp edited by hand to carry every column at once, as a
batched forward mode would write it) and the peers' jacfwd.  The prototype says
whether building the batched tangent pays."""

import numpy as np

import s2s

from .common import S2S, Result, interleaved, peer

N_IN, HIDDEN, N_OUT = 226, 128, 300
BATCHED = "batched tangent (prototype)"


def network(x, W1, b1, W2, b2):
    h = np.tanh(W1 @ x + b1)
    return np.tanh(W2 @ h + b2)


def batched_jacobian(x, W1, b1, W2, b2):
    """The jvp s2s generates for `network`, with the tangents of all the columns in
    one (n, k) array: the broadcasts against values gain an axis."""
    columns = np.eye(len(x))
    h = np.tanh(W1 @ x + b1)
    h_dot = (W1 @ columns) * (1.0 - h * h)[:, None]
    out = np.tanh(W2 @ h + b2)
    return (W2 @ h_dot) * (1.0 - out * out)[:, None]


def inputs():
    rng = np.random.default_rng(0)
    return (rng.normal(size=N_IN), rng.normal(size=(HIDDEN, N_IN)) / 15,
            rng.normal(size=HIDDEN), rng.normal(size=(N_OUT, HIDDEN)) / 11,
            rng.normal(size=N_OUT))


def main(repeats=15, quick=False):
    args = inputs()
    jacobian = s2s.jacobian(network)
    expected = jacobian(*args)
    runs = {
        S2S: lambda: jacobian(*args),
        BATCHED: lambda: batched_jacobian(*args),
    }
    np.testing.assert_allclose(batched_jacobian(*args), expected, rtol=1e-12, atol=1e-14)
    jax = peer("jax")
    if jax is not None:
        jnp = jax.numpy
        x, W1, b1, W2, b2 = args

        def jax_network(x):
            return jnp.tanh(W2 @ jnp.tanh(W1 @ x + b1) + b2)

        eager, jitted = jax.jacfwd(jax_network), jax.jit(jax.jacfwd(jax_network))
        np.testing.assert_allclose(np.asarray(jitted(x)), expected, rtol=1e-10, atol=1e-12)
        runs["JAX eager"] = lambda: jax.block_until_ready(eager(x))
        runs["JAX jit"] = lambda: jax.block_until_ready(jitted(x))
    medians = interleaved(runs, 3 if quick else repeats)
    notes = {"s2s per column (µs)": round(medians[S2S] / N_IN * 1e6, 1),
             f"s2s / {BATCHED}": round(medians[S2S] / medians[BATCHED], 1)}
    return Result(f"Jacobian {N_OUT} x {N_IN} of a two-layer network (float64)", medians,
                  notes)
