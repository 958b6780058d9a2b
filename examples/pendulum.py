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
