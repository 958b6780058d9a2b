import numpy as np


def decay(k, y0, dt, n_steps):
    y = y0
    for _ in range(n_steps):
        y = y - dt * k * y
    return y


def logistic_growth(r, K, y0):
    dt = 0.1
    y = y0
    traj = [y]
    for step in range(20):
        y = y + dt * r * y * (1 - y / K)
        traj.append(y)
    traj = np.array(traj)
    return np.sum((traj - 0.5) ** 2)


def forced_decay(k, y0):
    y = y0
    dt = 0.1
    for t in np.arange(0.0, 2.0, dt):
        y = y + dt * (-k * y + np.sin(t))
    return y


CASES = [
    dict(f=decay, args=(0.7, 2.0, 0.05, 30), wrt=("k", "y0")),
    dict(f=logistic_growth, args=(0.8, 3.0, 0.2), wrt=("r", "K", "y0")),
    dict(f=forced_decay, args=(0.6, 1.3), wrt=("k", "y0")),
]
