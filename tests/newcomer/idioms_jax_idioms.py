"""The JAX and autograd idiom: fix the data with a lambda, differentiate in w."""
import numpy as np

rng = np.random.default_rng(181)
X = rng.normal(size=(8, 3))
Y = X @ np.array([0.5, -1.0, 2.0]) + 0.1 * rng.normal(size=8)
LABELS = (Y > 0).astype(float)


def mse(w, x, y):
    return np.mean((x @ w - y) ** 2)


def logistic_nll(w, x, t):
    z = x @ w
    return np.sum(np.log1p(np.exp(-z)) + (1 - t) * z)


def ridge(w, x, y, lam):
    return mse(w, x, y) + lam * np.sum(w ** 2)


W0 = np.array([0.1, 0.2, -0.3])

CASES = [
    dict(f=lambda w: mse(w, X, Y), args=(W0,), wrt=("w",)),
    dict(f=lambda w: logistic_nll(w, X, LABELS), args=(W0,), wrt=("w",)),
    dict(f=lambda w, lam: ridge(w, X, Y, lam), args=(W0, 0.3), wrt=("w", "lam")),
]
