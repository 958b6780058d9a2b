import numpy as np


def chain_energy(x, k, L):
    E = 0.0
    for a, b in zip(x[:-1], x[1:]):
        E += 0.5 * k * (b - a - L) ** 2
    return E


def chain_simulation(x0, k, steps=30, dt=0.02):
    x = x0.copy()
    v = np.zeros_like(x)
    n = len(x)
    for _ in range(steps):
        f = np.zeros(n)
        for i in range(n - 1):
            stretch = x[i + 1] - x[i] - 1.0
            f[i] += k * stretch
            f[i + 1] -= k * stretch
        v += dt * f
        x += dt * v
    return x[-1] - x[0]


CASES = [
    dict(f=chain_energy, args=(np.array([0.0, 1.1, 1.9, 3.2]), 2.0, 1.0), wrt=("x", "k", "L")),
    dict(f=chain_simulation, args=(np.array([0.0, 1.3, 2.1, 3.4]), 3.0), wrt=("x0", "k")),
]
