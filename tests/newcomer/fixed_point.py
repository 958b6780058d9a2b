import numpy as np


def steady_state(A, b):
    x = np.zeros(len(b))
    err = 1.0
    while err > 1e-13:
        x_new = np.tanh(A @ x + b)
        err = np.max(np.abs(x_new - x))
        x = x_new
    return np.sum(x**2)


def golden_cos(a):
    x = 1.0
    for i in range(200):
        x_new = a * np.cos(x)
        if abs(x_new - x) < 1e-14:
            break
        x = x_new
    return x


CASES = [
    dict(f=steady_state, args=(np.array([[0.2, -0.1, 0.05], [0.1, 0.15, -0.2], [0.0, 0.1, 0.1]]),
                               np.array([0.3, -0.2, 0.5])), wrt=("A", "b")),
    dict(f=golden_cos, args=(0.7,), wrt=("a",)),
]
