import numpy as np


def force(x, k):
    return -k * x - 0.1 * x**3


def velocity_verlet(x0, v0, k, dt=0.05, steps=40):
    x, v = x0, v0
    a = force(x, k)
    for _ in range(steps):
        x = x + v * dt + 0.5 * a * dt**2
        a_new = force(x, k)
        v = v + 0.5 * (a + a_new) * dt
        a = a_new
    energy = 0.5 * np.sum(v**2) + np.sum(0.5 * k * x**2 + 0.025 * x**4)
    return energy


def leapfrog(q0, p0, eps):
    # one HMC trajectory
    grad_U = lambda q: q + np.sin(q)
    q = q0.copy()
    p = p0.copy()
    p -= 0.5 * eps * grad_U(q)
    for i in range(5):
        q += eps * p
        if i != 4:
            p -= eps * grad_U(q)
    p -= 0.5 * eps * grad_U(q)
    H = 0.5 * np.dot(p, p) + np.sum(0.5 * q**2 - np.cos(q))
    return H


CASES = [
    dict(f=velocity_verlet, args=(np.array([1.0, -0.5, 0.3]), np.array([0.0, 0.2, -0.1]), 1.5),
         wrt=("x0", "v0", "k")),
    dict(f=leapfrog, args=(np.array([0.5, -1.0]), np.array([0.3, 0.8]), 0.1),
         wrt=("q0", "p0", "eps")),
]
