"""A damped pendulum, integrated with explicit Euler steps; its final energy."""

import math


def energy(
    theta: float,
    omega: float,
    k: float,
    damping: float = 0.1,
    dt: float = 0.01,
    steps: int = 2000,
) -> float:
    for step in range(steps):
        acc = -k * math.sin(theta) - damping * omega
        theta = theta + dt * omega
        omega = omega + dt * acc
    return 0.5 * omega * omega + k * (1.0 - math.cos(theta))


def energy_as_written(theta, omega, k, damping=0.1, dt=0.01, steps=2000):
    """The same, as people write it, without annotations: its gradient then has a
    version made for numbers too, which it runs when given numbers."""
    for step in range(steps):
        acc = -k * math.sin(theta) - damping * omega
        theta = theta + dt * omega
        omega = omega + dt * acc
    return 0.5 * omega * omega + k * (1.0 - math.cos(theta))
