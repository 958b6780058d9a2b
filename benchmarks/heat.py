"""The heat equation example's gradient (a rod of 200 cells, 1000 explicit
finite-difference steps written with slices, float64) with respect to the initial
temperatures and the diffusivity: s2s's generated module against a hand-written
adjoint in NumPy (each step's Laplacian in one preallocated array) and the peers
that are installed.  JAX jit runs `lax.fori_loop` with `.at[1:-1].set` (JAX eager,
at some 10 s a call, is left out: jit is JAX's best form); autograd (which writes
into no array) builds each step with `concatenate`;
PyTorch writes into a slice of a clone of the parameter, as the example does.
PyTorch is timed with one thread and with its default, and the faster is
reported."""

import numpy as np

from examples import heat

from .common import (
    HAND, PRIMAL, S2S, Result, interleaved, jit_compile_notes, keep_faster_torch,
    load_generated, peer, torch_thread_runs,
)


def inputs(cells=200, seed=0):
    """A rod warm in the middle (u0), the diffusivity, and a smoother target."""
    rng = np.random.default_rng(seed)
    grid = np.linspace(0.0, 1.0, cells)
    u0 = np.exp(-((grid - 0.5) / 0.1) ** 2) + 0.05 * rng.normal(size=cells)
    target = 0.5 * np.exp(-((grid - 0.45) / 0.2) ** 2)
    return u0, 1.0, target


def hand_value_and_grad(u0, alpha, target, dt=0.1, steps=1000):
    """What a careful person writes for examples/heat.py's loss: the forward pass
    keeps each step's Laplacian (all the backward pass needs: the step is linear in
    the temperatures) in one preallocated array; the backward pass applies the
    stencil's transpose to the adjoint and sums the diffusivity's part."""
    u = u0.copy()
    laplacians = np.empty((steps,) + u[1:-1].shape)
    for s in range(steps):
        lap = laplacians[s]
        lap[...] = u[2:] - 2.0 * u[1:-1] + u[:-2]
        u[1:-1] = u[1:-1] + dt * (alpha * lap)
    r = u - target
    value = np.sum(r**2)
    g = 2.0 * r
    dalpha = 0.0
    for s in reversed(range(steps)):
        gi = dt * g[1:-1]  # the adjoint of alpha * lap
        dalpha += gi @ laplacians[s]
        gi *= alpha
        g[2:] += gi
        g[1:-1] -= 2.0 * gi
        g[:-2] += gi
    return value, (g, float(dalpha))


def _concatenated_loss(np, u0, alpha, target, dt=0.1, steps=1000):
    """examples/heat.py's loss on a peer's NumPy (`np`) without writes into arrays."""
    u = u0
    for _ in range(steps):
        inner = u[1:-1] + dt * (alpha * (u[2:] - 2.0 * u[1:-1] + u[:-2]))
        u = np.concatenate([u[:1], inner, u[-1:]])
    return np.sum((u - target) ** 2)


def candidates(args):
    generated = load_generated("grad_heat")
    runs = {
        PRIMAL: lambda: heat.loss(*args),
        HAND: lambda: hand_value_and_grad(*args),
        S2S: lambda: generated.value_and_grad_loss(*args),
    }
    u0, alpha, target = args
    torch, jax, autograd = peer("torch"), peer("jax"), peer("autograd")
    default = None
    if torch is not None:
        ttarget = torch.from_numpy(target)

        def torch_eager():
            tu0 = torch.tensor(u0, requires_grad=True)
            talpha = torch.tensor(alpha, dtype=torch.float64, requires_grad=True)
            u = tu0.clone()
            for _ in range(1000):
                du = torch.zeros_like(u)
                du[1:-1] = talpha * (u[2:] - 2.0 * u[1:-1] + u[:-2])
                u[1:-1] = u[1:-1] + 0.1 * du[1:-1]
            loss = torch.sum((u - ttarget) ** 2)
            loss.backward()
            return loss.item(), (tu0.grad.numpy(), talpha.grad.item())

        torch_runs, default = torch_thread_runs(torch, torch_eager)
        runs.update(torch_runs)
    if jax is not None:
        jnp = jax.numpy
        ju0, jtarget = jnp.asarray(u0), jnp.asarray(target)

        def jax_loss(u0, alpha, target, dt=0.1, steps=1000):
            def step(_, u):
                return u.at[1:-1].set(u[1:-1] + dt * (alpha * (u[2:] - 2.0 * u[1:-1] + u[:-2])))

            u = jax.lax.fori_loop(0, steps, step, u0)
            return jnp.sum((u - target) ** 2)

        jitted = jax.jit(jax.value_and_grad(jax_loss, argnums=(0, 1)))
        runs["JAX jit"] = lambda: jax.block_until_ready(jitted(ju0, alpha, jtarget))
    if autograd is not None:
        value_and_grad = autograd.value_and_grad(
            lambda p: _concatenated_loss(autograd.numpy, p[0], p[1], target))
        runs["autograd"] = lambda: value_and_grad((u0, alpha))
    return runs, default


def check(args, runs):
    """The value is the function's own; s2s and every peer agree with the
    hand-written gradient before anything is timed."""
    expected_value, expected = hand_value_and_grad(*args)
    value, grads = load_generated("grad_heat").value_and_grad_loss(*args)
    assert value == heat.loss(*args), (value, heat.loss(*args))
    assert abs(expected_value - value) <= 1e-12 * abs(value)
    for label, run in runs.items():
        if label in (PRIMAL, HAND):
            continue
        value, grads = run()
        assert abs(float(value) - expected_value) <= 1e-10 * abs(expected_value), label
        np.testing.assert_allclose(np.asarray(grads[0]), expected[0], rtol=1e-9, atol=1e-12,
                                   err_msg=label)
        assert abs(float(grads[1]) - expected[1]) <= 1e-9 * abs(expected[1]), label


def main(repeats=15, quick=False):
    args = inputs()
    runs, default = candidates(args)
    check(args, runs)
    medians = interleaved(runs, repeats)
    notes = jit_compile_notes(runs)
    medians = keep_faster_torch(medians, notes, default)
    return Result("Heat equation gradient (200 cells, 1000 explicit steps, slices, "
                  "float64)", medians, notes, goal=1.3)
