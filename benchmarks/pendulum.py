"""The pendulum example's gradient (2000 explicit-Euler steps, scalar Python): s2s's
generated module against a hand-written adjoint in plain Python (a list as the tape)
and the peers that are installed.  JAX jit runs `lax.fori_loop` (how one writes it
for JAX); its eager mode and the others run the Python loop as written."""

import math

from examples import pendulum

from .common import (
    HAND, PRIMAL, S2S, Result, interleaved, jit_compile_notes, load_generated, peer,
)


def hand_value_and_grad(theta, omega, k, damping=0.1, dt=0.01, steps=2000):
    """What a careful person writes for examples/pendulum.py's energy."""
    tape = []
    for _ in range(steps):
        tape.append(theta)
        acc = -k * math.sin(theta) - damping * omega
        theta = theta + dt * omega
        omega = omega + dt * acc
    value = 0.5 * omega * omega + k * (1.0 - math.cos(theta))
    dtheta, domega, dk = k * math.sin(theta), omega, 1.0 - math.cos(theta)
    for _ in range(steps):
        theta = tape.pop()
        dacc = dt * domega
        domega = domega + dt * dtheta - damping * dacc
        dtheta = dtheta - k * math.cos(theta) * dacc
        dk = dk - math.sin(theta) * dacc
    return value, (dtheta, domega, dk)


ARGS = (0.8, -0.3, 2.5)


def _energy(np, theta, omega, k, steps=2000):
    """examples/pendulum.py's energy on a peer's NumPy (`np`)."""
    for _ in range(steps):
        acc = -k * np.sin(theta) - 0.1 * omega
        theta = theta + 0.01 * omega
        omega = omega + 0.01 * acc
    return 0.5 * omega * omega + k * (1.0 - np.cos(theta))


def candidates():
    generated = load_generated("grad_pendulum")
    runs = {
        PRIMAL: lambda: pendulum.energy(*ARGS),
        HAND: lambda: hand_value_and_grad(*ARGS),
        S2S: lambda: generated.value_and_grad_energy(*ARGS),
    }
    torch, jax, autograd = peer("torch"), peer("jax"), peer("autograd")
    if torch is not None:

        def torch_eager():
            params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in ARGS]
            _energy(torch, *params).backward()
            return [p.grad for p in params]

        runs["PyTorch eager"] = torch_eager
    if jax is not None:
        jnp = jax.numpy

        def jax_energy(theta, omega, k):
            def step(_, state):
                theta, omega = state
                acc = -k * jnp.sin(theta) - 0.1 * omega
                return theta + 0.01 * omega, omega + 0.01 * acc

            theta, omega = jax.lax.fori_loop(0, 2000, step, (theta, omega))
            return 0.5 * omega * omega + k * (1.0 - jnp.cos(theta))

        eager = jax.value_and_grad(lambda *a: _energy(jnp, *a), argnums=(0, 1, 2))
        jitted = jax.jit(jax.value_and_grad(jax_energy, argnums=(0, 1, 2)))
        runs["JAX eager"] = lambda: jax.block_until_ready(eager(*ARGS))
        runs["JAX jit"] = lambda: jax.block_until_ready(jitted(*ARGS))
    if autograd is not None:
        value_and_grad = autograd.value_and_grad(lambda a: _energy(autograd.numpy, *a))
        runs["autograd"] = lambda: value_and_grad(ARGS)
    return runs


def check(runs):
    """s2s and every peer agree with the hand-written gradient before anything is timed."""
    expected = hand_value_and_grad(*ARGS)
    got = load_generated("grad_pendulum").value_and_grad_energy(*ARGS)
    assert abs(got[0] - expected[0]) < 1e-12
    for g, e in zip(got[1], expected[1]):
        assert abs(g - e) < 1e-9 * max(1.0, abs(e)), (g, e)
    if "JAX jit" in runs:
        _, grads = runs["JAX jit"]()
        for g, e in zip(grads, expected[1]):
            assert abs(float(g) - e) < 1e-8 * max(1.0, abs(e)), (g, e)


def main(repeats=15, quick=False):
    runs = candidates()
    check(runs)
    medians = interleaved(runs, repeats)
    notes = jit_compile_notes(runs)
    return Result("Pendulum gradient (2000 Euler steps, scalar Python, float64)", medians,
                  notes, goal=1.5)
