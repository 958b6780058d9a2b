import numpy as np


def inner_gd(lr, w0, X, y, steps=5):
    w = w0
    for _ in range(steps):
        grad = 2 * X.T @ (X @ w - y) / len(y)
        w = w - lr * grad
    return np.mean((X @ w - y) ** 2)


rng = np.random.default_rng(6)
X = rng.normal(size=(5, 2))
y = rng.normal(size=5)

CASES = [
    dict(f=inner_gd, args=(0.1, np.array([0.0, 0.5]), X, y), wrt=("lr", "w0", "X")),
]
