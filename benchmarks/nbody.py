"""The N-body example's gradient (5 bodies, 200 symplectic-Euler steps, pairwise double
loops on lists of Python floats, float64) with respect to the initial x positions
and x velocities: s2s's generated module against a hand-written adjoint in plain
Python (each step's positions on a list as the tape, the pair terms recomputed
backwards) and the peers that are installed.  The peers run their best form, the
bodies as arrays of shape (5,) and the pairs as (5, 5) arrays (a loop over pairs
makes tens of thousands of tiny operations for them): JAX jit in `lax.fori_loop`,
JAX eager, PyTorch and autograd in a Python loop over the steps.  PyTorch is timed
with one thread and with its default, and the faster is reported."""

import math

from examples import nbody

from .common import (
    HAND, PRIMAL, S2S, Result, interleaved, jit_compile_notes, keep_faster_torch,
    load_generated, peer, torch_thread_runs,
)

# five bodies on a ring, moving around it at about the speed of a circular orbit
# (no close encounters in 200 steps: finite differences then agree)
XS = [1.0, 0.31, -0.81, -0.81, 0.31]
YS = [0.0, 0.95, 0.59, -0.59, -0.95]
VXS = [0.0, -1.12, -0.69, 0.69, 1.12]
VYS = [1.17, 0.36, -0.95, -0.95, 0.36]
MASSES = [1.0, 0.8, 1.2, 0.9, 1.1]
ARGS = (XS, YS, VXS, VYS, MASSES)
SOFTENING = 0.01  # (as examples/nbody.py has it)


def hand_value_and_grad(xs, ys, vxs, vys, masses, dt=0.01, steps=200):
    """What a careful person writes for examples/nbody.py's energy, with respect to
    xs and vxs: the forward pass keeps each step's positions; the backward pass
    recomputes each pair's terms from them."""
    n = len(xs)
    xs, ys, vxs, vys = list(xs), list(ys), list(vxs), list(vys)
    tape = []
    for _ in range(steps):
        tape.append((xs[:], ys[:]))
        axs = [0.0] * n
        ays = [0.0] * n
        for i in range(n):
            for j in range(n):
                if i != j:
                    dx = xs[j] - xs[i]
                    dy = ys[j] - ys[i]
                    r = math.sqrt(dx * dx + dy * dy + SOFTENING)
                    f = masses[j] / (r * r * r)
                    axs[i] = axs[i] + f * dx
                    ays[i] = ays[i] + f * dy
        for i in range(n):
            vxs[i] = vxs[i] + dt * axs[i]
            vys[i] = vys[i] + dt * ays[i]
            xs[i] = xs[i] + dt * vxs[i]
            ys[i] = ys[i] + dt * vys[i]
    kinetic = 0.0
    for i in range(n):
        kinetic = kinetic + 0.5 * masses[i] * (vxs[i] * vxs[i] + vys[i] * vys[i])
    potential = 0.0
    gxs, gys = [0.0] * n, [0.0] * n
    for i in range(n):
        for j in range(i + 1, n):
            dx = xs[j] - xs[i]
            dy = ys[j] - ys[i]
            r = math.sqrt(dx * dx + dy * dy + SOFTENING)
            potential = potential - masses[i] * masses[j] / r
            w = masses[i] * masses[j] / (r * r * r)  # d potential / d dx = w dx
            gxs[j] += w * dx
            gxs[i] -= w * dx
            gys[j] += w * dy
            gys[i] -= w * dy
    value = kinetic + potential
    gvxs = [m * v for m, v in zip(masses, vxs)]
    gvys = [m * v for m, v in zip(masses, vys)]
    for _ in range(steps):
        xs, ys = tape.pop()
        gaxs, gays = [0.0] * n, [0.0] * n
        for i in range(n):  # the drift, then the kick
            gvxs[i] += dt * gxs[i]
            gvys[i] += dt * gys[i]
            gaxs[i] = dt * gvxs[i]
            gays[i] = dt * gvys[i]
        for i in range(n):
            gax, gay = gaxs[i], gays[i]
            for j in range(n):
                if i != j:
                    dx = xs[j] - xs[i]
                    dy = ys[j] - ys[i]
                    r2 = dx * dx + dy * dy + SOFTENING
                    r = math.sqrt(r2)
                    w = masses[j] / (r2 * r)
                    q = 3.0 * w * (gax * dx + gay * dy) / r2
                    gdx = w * gax - q * dx
                    gdy = w * gay - q * dy
                    gxs[j] += gdx
                    gxs[i] -= gdx
                    gys[j] += gdy
                    gys[i] -= gdy
    return value, (gxs, gvxs)


def _energy(np, x, y, vx, vy, m, upper, dt=0.01, steps=200):
    """examples/nbody.py's energy, the bodies as arrays on a peer's NumPy (`np`);
    `upper` is 1 above the diagonal of a (5, 5) array, 0 elsewhere."""
    for _ in range(steps):
        dx = x[None, :] - x[:, None]  # x[j] - x[i] at [i, j] (0 on the diagonal)
        dy = y[None, :] - y[:, None]
        r = np.sqrt(dx * dx + dy * dy + SOFTENING)
        f = m[None, :] / (r * r * r)
        vx = vx + dt * np.sum(f * dx, 1)
        vy = vy + dt * np.sum(f * dy, 1)
        x = x + dt * vx
        y = y + dt * vy
    dx = x[None, :] - x[:, None]
    dy = y[None, :] - y[:, None]
    r = np.sqrt(dx * dx + dy * dy + SOFTENING)
    kinetic = np.sum(0.5 * m * (vx * vx + vy * vy))
    return kinetic - np.sum(upper * (m[:, None] * m[None, :]) / r)


def _upper(n=5):
    return [[1.0 if j > i else 0.0 for j in range(n)] for i in range(n)]


def candidates():
    generated = load_generated("grad_nbody")
    runs = {
        PRIMAL: lambda: nbody.energy(*ARGS),
        HAND: lambda: hand_value_and_grad(*ARGS),
        S2S: lambda: generated.value_and_grad_energy(*ARGS),
    }
    torch, jax, autograd = peer("torch"), peer("jax"), peer("autograd")
    default = None
    if torch is not None:
        data = [torch.tensor(a, dtype=torch.float64) for a in (YS, VYS, MASSES, _upper())]

        def torch_eager():
            x, vx = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (XS, VXS))
            y, vy, m, upper = data
            energy = _energy(torch, x, y, vx, vy, m, upper)
            energy.backward()
            return energy.item(), (x.grad.tolist(), vx.grad.tolist())

        torch_runs, default = torch_thread_runs(torch, torch_eager)
        runs.update(torch_runs)
    if jax is not None:
        jnp = jax.numpy
        jargs = [jnp.asarray(a, dtype=jnp.float64) for a in (*ARGS, _upper())]

        def jax_energy(x, vx, y, vy, m, upper, dt=0.01, steps=200):
            def step(_, state):
                x, y, vx, vy = state
                dx = x[None, :] - x[:, None]
                dy = y[None, :] - y[:, None]
                r = jnp.sqrt(dx * dx + dy * dy + SOFTENING)
                f = m[None, :] / (r * r * r)
                vx = vx + dt * jnp.sum(f * dx, 1)
                vy = vy + dt * jnp.sum(f * dy, 1)
                return x + dt * vx, y + dt * vy, vx, vy

            x, y, vx, vy = jax.lax.fori_loop(0, steps, step, (x, y, vx, vy))
            dx = x[None, :] - x[:, None]
            dy = y[None, :] - y[:, None]
            r = jnp.sqrt(dx * dx + dy * dy + SOFTENING)
            kinetic = jnp.sum(0.5 * m * (vx * vx + vy * vy))
            return kinetic - jnp.sum(upper * (m[:, None] * m[None, :]) / r)

        x, y, vx, vy, m, upper = jargs
        eager = jax.value_and_grad(
            lambda x, vx: _energy(jnp, x, y, vx, vy, m, upper), argnums=(0, 1))
        jitted = jax.jit(jax.value_and_grad(jax_energy, argnums=(0, 1)))
        runs["JAX eager"] = lambda: jax.block_until_ready(eager(x, vx))
        runs["JAX jit"] = lambda: jax.block_until_ready(jitted(x, vx, y, vy, m, upper))
    if autograd is not None:
        anp = autograd.numpy
        y, vy, m, upper = (anp.array(a) for a in (YS, VYS, MASSES, _upper()))
        value_and_grad = autograd.value_and_grad(
            lambda p: _energy(anp, p[0], y, p[1], vy, m, upper))
        xvx = (anp.array(XS), anp.array(VXS))
        runs["autograd"] = lambda: value_and_grad(xvx)
    return runs, default


def check(runs):
    """The value is the function's own; s2s and every peer agree with the
    hand-written gradient before anything is timed."""
    expected_value, expected = hand_value_and_grad(*ARGS)
    value, grads = load_generated("grad_nbody").value_and_grad_energy(*ARGS)
    assert value == nbody.energy(*ARGS) == expected_value, (value, expected_value)
    for label, run in runs.items():
        if label in (PRIMAL, HAND):
            continue
        value, grads = run()
        assert abs(float(value) - expected_value) <= 1e-10 * abs(expected_value), label
        for got, want in zip(grads, expected):
            got = [float(g) for g in got]
            assert len(got) == len(want), label
            for g, e in zip(got, want):
                assert abs(g - e) <= 1e-8 * max(1.0, abs(e)), (label, g, e)


def main(repeats=15, quick=False):
    runs, default = candidates()
    check(runs)
    medians = interleaved(runs, repeats)
    notes = jit_compile_notes(runs)
    medians = keep_faster_torch(medians, notes, default)
    return Result("N-body gradient (5 bodies, 200 steps, lists of floats, float64)",
                  medians, notes, goal=1.5)
