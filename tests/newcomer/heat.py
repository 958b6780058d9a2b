import numpy as np


def heat_explicit(u0, alpha, steps=10):
    u = u0.copy()
    n = len(u)
    dx = 1.0 / (n - 1)
    dt = 0.4 * dx**2
    for _ in range(steps):
        u_new = u.copy()
        for i in range(1, n - 1):
            u_new[i] = u[i] + alpha * dt / dx**2 * (u[i - 1] - 2 * u[i] + u[i + 1])
        u = u_new
    return np.sum(u**2) * dx


def heat_periodic(u0, kappa):
    u = u0
    for _ in range(20):
        lap = np.roll(u, 1) - 2 * u + np.roll(u, -1)
        u = u + kappa * lap
    return np.mean(u**3)


def heat_slices(u0, kappa):
    u = u0.copy()
    for step in range(15):
        u[1:-1] = u[1:-1] + kappa * (u[:-2] - 2 * u[1:-1] + u[2:])
    return np.sum(np.sin(u))


u0 = np.array([0.0, 0.4, 1.0, 0.7, 0.2, 0.0])

CASES = [
    dict(f=heat_explicit, args=(u0, 0.9), wrt=("u0", "alpha")),
    dict(f=heat_periodic, args=(u0 + 0.1, 0.2), wrt=("u0", "kappa")),
    dict(f=heat_slices, args=(u0, 0.3), wrt=("u0", "kappa")),
]
