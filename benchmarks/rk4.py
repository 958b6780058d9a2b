"""The RK4 example's gradient (a damped, driven oscillator; 1000 classic Runge-Kutta
steps through a right-hand side that returns a pair; scalar Python, float64), in
both of examples/rk4.py's forms: `loss` (parameters annotated `float`) and
`loss_as_written` (no annotations).  s2s's generated modules against a hand-written
adjoint in plain Python (a list of each step's stage states as the tape) and the
peers that are installed.  JAX jit runs `lax.fori_loop` (how one writes it for JAX;
its eager mode, at some 10 s a call, is left out); PyTorch and autograd run
`loss_as_written` itself (its time `t` is a number, so `math.cos(t)` serves both).  PyTorch is timed with one thread and
with its default, and the faster is reported."""

import math

from examples import rk4

from .common import (
    HAND, PRIMAL, S2S, Result, interleaved, jit_compile_notes, keep_faster_torch,
    load_generated, peer, torch_thread_runs,
)

ARGS = (2.0, 0.3, 0.8)  # k, c, f


def hand_value_and_grad(k, c, f, x0=1.0, v0=0.0, dt=0.01, steps=1000):
    """What a careful person writes for examples/rk4.py's loss: the forward pass keeps
    each step's stage states; the backward pass runs the stages in reverse."""
    tape = []
    x, v, t = x0, v0, 0.0
    h2 = 0.5 * dt
    h6 = dt / 6.0
    for _ in range(steps):
        c1, c2, c4 = math.cos(t), math.cos(t + h2), math.cos(t + dt)
        k1x, k1v = v, -k * x - c * v + f * c1
        x2, v2 = x + h2 * k1x, v + h2 * k1v
        k2x, k2v = v2, -k * x2 - c * v2 + f * c2
        x3, v3 = x + h2 * k2x, v + h2 * k2v
        k3x, k3v = v3, -k * x3 - c * v3 + f * c2
        x4, v4 = x + dt * k3x, v + dt * k3v
        k4x, k4v = v4, -k * x4 - c * v4 + f * c4
        tape.append((x, v, x2, v2, x3, v3, x4, v4, c1, c2, c4))
        x = x + h6 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x)
        v = v + h6 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
        t = t + dt
    value = (x - 0.5) ** 2 + v * v
    gx, gv = 2.0 * (x - 0.5), 2.0 * v
    gk = gc = gf = 0.0
    h3 = dt / 3.0
    for _ in range(steps):
        x, v, x2, v2, x3, v3, x4, v4, c1, c2, c4 = tape.pop()
        gk1x, gk1v = h6 * gx, h6 * gv
        gk2x, gk2v = h3 * gx, h3 * gv
        gk3x, gk3v = gk2x, gk2v
        gk4x, gk4v = gk1x, gk1v
        # stage 4: k4x = v4, k4v = -k x4 - c v4 + f c4, at x + dt k3x, v + dt k3v
        gx4 = -k * gk4v
        gv4 = gk4x - c * gk4v
        gk -= x4 * gk4v
        gc -= v4 * gk4v
        gf += c4 * gk4v
        gx += gx4
        gv += gv4
        gk3x += dt * gx4
        gk3v += dt * gv4
        # stage 3, at x + h/2 k2x, v + h/2 k2v
        gx3 = -k * gk3v
        gv3 = gk3x - c * gk3v
        gk -= x3 * gk3v
        gc -= v3 * gk3v
        gf += c2 * gk3v
        gx += gx3
        gv += gv3
        gk2x += h2 * gx3
        gk2v += h2 * gv3
        # stage 2, at x + h/2 k1x, v + h/2 k1v
        gx2 = -k * gk2v
        gv2 = gk2x - c * gk2v
        gk -= x2 * gk2v
        gc -= v2 * gk2v
        gf += c2 * gk2v
        gx += gx2
        gv += gv2
        gk1x += h2 * gx2
        gk1v += h2 * gv2
        # stage 1, at x, v
        gx -= k * gk1v
        gv += gk1x - c * gk1v
        gk -= x * gk1v
        gc -= v * gk1v
        gf += c1 * gk1v
    return value, (gk, gc, gf)


def candidates(function, generated, peers=True):
    runs = {
        PRIMAL: lambda: function(*ARGS),
        HAND: lambda: hand_value_and_grad(*ARGS),
        S2S: lambda: generated(*ARGS),
    }
    torch, jax, autograd = peer("torch"), peer("jax"), peer("autograd")
    default = None
    if not peers:
        return runs, default
    if torch is not None:

        def torch_eager():
            params = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in ARGS]
            loss = rk4.loss_as_written(*params)
            loss.backward()
            return loss.item(), [p.grad.item() for p in params]

        torch_runs, default = torch_thread_runs(torch, torch_eager)
        runs.update(torch_runs)
    if jax is not None:
        jnp = jax.numpy

        def jax_loss(k, c, f, x0=1.0, v0=0.0, dt=0.01, steps=1000):
            def rhs(x, v, t):
                return v, -k * x - c * v + f * jnp.cos(t)

            def step(_, state):
                x, v, t = state
                k1x, k1v = rhs(x, v, t)
                k2x, k2v = rhs(x + 0.5 * dt * k1x, v + 0.5 * dt * k1v, t + 0.5 * dt)
                k3x, k3v = rhs(x + 0.5 * dt * k2x, v + 0.5 * dt * k2v, t + 0.5 * dt)
                k4x, k4v = rhs(x + dt * k3x, v + dt * k3v, t + dt)
                return (x + dt / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x),
                        v + dt / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v),
                        t + dt)

            x, v, _ = jax.lax.fori_loop(0, steps, step, (x0, v0, 0.0))
            return (x - 0.5) ** 2 + v * v

        jitted = jax.jit(jax.value_and_grad(jax_loss, argnums=(0, 1, 2)))
        runs["JAX jit"] = lambda: jax.block_until_ready(jitted(*ARGS))
    if autograd is not None:
        value_and_grad = autograd.value_and_grad(lambda a: rk4.loss_as_written(*a))
        runs["autograd"] = lambda: value_and_grad(ARGS)
    return runs, default


def _close(got, expected, rtol, label):
    assert abs(float(got) - expected) <= rtol * max(1.0, abs(expected)), (label, got, expected)


def check(function, generated, runs):
    """The value is the function's own; s2s and every peer agree with the
    hand-written gradient before anything is timed."""
    value, grads = generated(*ARGS)
    expected_value, expected = hand_value_and_grad(*ARGS)
    assert value == function(*ARGS), (value, function(*ARGS))
    _close(expected_value, value, 1e-12, HAND)
    for g, e in zip(grads, expected):
        _close(g, e, 1e-9, S2S)
    for label, run in runs.items():
        if label in (PRIMAL, HAND, S2S):
            continue
        got = run()
        _close(got[0], expected_value, 1e-10, label)
        for g, e in zip(got[1], expected):
            _close(g, e, 1e-8, label)


def run_workload(function, generated, title, repeats, peers=True):
    runs, default = candidates(function, generated, peers)
    check(function, generated, runs)
    medians = interleaved(runs, repeats)
    notes = jit_compile_notes(runs)
    medians = keep_faster_torch(medians, notes, default)
    return Result(title, medians, notes, goal=1.5)


def main(repeats=15, quick=False):
    generated = load_generated("grad_rk4").value_and_grad_loss
    return run_workload(rk4.loss, generated,
                        "RK4 gradient (1000 steps, a helper returning a pair; float "
                        "annotations)", repeats)
