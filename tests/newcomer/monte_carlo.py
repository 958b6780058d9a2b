import math

import numpy as np


def mc_call(S0, sigma, Z, K=100.0, r=0.02, T=1.0):
    ST = S0 * np.exp((r - 0.5 * sigma**2) * T + sigma * np.sqrt(T) * Z)
    payoff = np.maximum(ST - K, 0.0)
    return math.exp(-r * T) * payoff.mean()


def asian_call(S0, sigma, Z, K=1.0, r=0.01, dt=0.1):
    # Z has one row per path, one column per time step
    n_paths, n_steps = Z.shape
    S = np.full(n_paths, S0)
    running = np.zeros(n_paths)
    for t in range(n_steps):
        S = S * np.exp((r - 0.5 * sigma**2) * dt + sigma * math.sqrt(dt) * Z[:, t])
        running += S
    avg = running / n_steps
    return np.exp(-r * dt * n_steps) * np.mean(np.maximum(avg - K, 0))


Z1 = np.array([0.31, -1.2, 0.85, 1.7, -0.44, 0.05])
Z2 = np.array([[0.3, -0.5, 1.1, 0.2], [-0.9, 0.4, 0.7, -1.3], [1.4, 0.6, -0.2, 0.9]])

CASES = [
    dict(f=mc_call, args=(101.0, 0.2, Z1), wrt=("S0", "sigma")),
    dict(f=asian_call, args=(1.02, 0.3, Z2), wrt=("S0", "sigma")),
]
