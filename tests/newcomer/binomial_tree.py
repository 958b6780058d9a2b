import math

import numpy as np


def binomial_call(S0, K, r, sigma, T, N=20):
    dt = T / N
    u = math.exp(sigma * math.sqrt(dt))
    d = 1 / u
    p = (math.exp(r * dt) - d) / (u - d)
    disc = math.exp(-r * dt)
    values = [max(S0 * u**j * d ** (N - j) - K, 0.0) for j in range(N + 1)]
    for i in range(N - 1, -1, -1):
        values = [disc * (p * values[j + 1] + (1 - p) * values[j]) for j in range(i + 1)]
    return values[0]


def american_put(S0, K, r, sigma, T, N=15):
    dt = T / N
    u = np.exp(sigma * np.sqrt(dt))
    d = 1 / u
    p = (np.exp(r * dt) - d) / (u - d)
    j = np.arange(N + 1)
    S = S0 * u**j * d ** (N - j)
    V = np.maximum(K - S, 0)
    for i in range(N - 1, -1, -1):
        j = np.arange(i + 1)
        S = S0 * u**j * d ** (i - j)
        V = np.exp(-r * dt) * (p * V[1:] + (1 - p) * V[:-1])
        V = np.maximum(V, K - S)
    return V[0]


CASES = [
    dict(f=binomial_call, args=(100.0, 101.3, 0.03, 0.25, 1.0), wrt=("S0", "K", "r", "sigma", "T")),
    dict(f=american_put, args=(100.0, 103.7, 0.04, 0.3, 0.75), wrt=("S0", "K", "sigma")),
]
