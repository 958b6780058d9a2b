import numpy as np


def lorenz_rhs(state, p):
    x, y, z = state
    return np.array([p["sigma"] * (y - x), x * (p["rho"] - z) - y, x * y - p["beta"] * z])


def lorenz_final(sigma, rho, beta, state0):
    p = {"sigma": sigma, "rho": rho, "beta": beta}
    state = state0
    dt = 0.01
    for _ in range(25):
        k1 = lorenz_rhs(state, p)
        k2 = lorenz_rhs(state + dt * k1, p)
        state = state + dt / 2 * (k1 + k2)
    return np.sum(state**2)


CASES = [
    dict(f=lorenz_final, args=(10.0, 28.0, 8 / 3, np.array([1.0, 1.0, 1.0])),
         wrt=("sigma", "rho", "beta", "state0")),
]
