"""A damped, driven oscillator x'' = -k x - c x' + f cos(t), integrated with the
classic 4th-order Runge-Kutta method over 1000 steps, written as a loop calling a
right-hand side that returns a pair; the squared distance of the final state from
a target."""

import math


def rhs(x, v, k, c, f, t):
    return v, -k * x - c * v + f * math.cos(t)


def loss(
    k: float,
    c: float,
    f: float,
    x0: float = 1.0,
    v0: float = 0.0,
    dt: float = 0.01,
    steps: int = 1000,
) -> float:
    x, v, t = x0, v0, 0.0
    for step in range(steps):
        k1x, k1v = rhs(x, v, k, c, f, t)
        k2x, k2v = rhs(x + 0.5 * dt * k1x, v + 0.5 * dt * k1v, k, c, f, t + 0.5 * dt)
        k3x, k3v = rhs(x + 0.5 * dt * k2x, v + 0.5 * dt * k2v, k, c, f, t + 0.5 * dt)
        k4x, k4v = rhs(x + dt * k3x, v + dt * k3v, k, c, f, t + dt)
        x = x + dt / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x)
        v = v + dt / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
        t = t + dt
    return (x - 0.5) ** 2 + v * v


def loss_as_written(k, c, f, x0=1.0, v0=0.0, dt=0.01, steps=1000):
    """The same, as people write it, without annotations."""
    x, v, t = x0, v0, 0.0
    for step in range(steps):
        k1x, k1v = rhs(x, v, k, c, f, t)
        k2x, k2v = rhs(x + 0.5 * dt * k1x, v + 0.5 * dt * k1v, k, c, f, t + 0.5 * dt)
        k3x, k3v = rhs(x + 0.5 * dt * k2x, v + 0.5 * dt * k2v, k, c, f, t + 0.5 * dt)
        k4x, k4v = rhs(x + dt * k3x, v + dt * k3v, k, c, f, t + dt)
        x = x + dt / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x)
        v = v + dt / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
        t = t + dt
    return (x - 0.5) ** 2 + v * v
