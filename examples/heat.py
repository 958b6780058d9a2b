"""The heat equation on a 1-D rod, 200 cells, 1000 explicit finite-difference steps
with the ends held fixed, written with slices as people write it; the squared
distance of the final temperatures from a target."""

import numpy as np


def loss(u0, alpha, target, dt=0.1, steps=1000):
    u = u0.copy()
    for step in range(steps):
        du = np.zeros_like(u)
        du[1:-1] = alpha * (u[2:] - 2.0 * u[1:-1] + u[:-2])
        u[1:-1] = u[1:-1] + dt * du[1:-1]
    return np.sum((u - target) ** 2)
