import numpy as np


def loss(w, x, y, lam=0.1, reduction="mean"):
    err = (x @ w - y) ** 2
    if reduction == "mean":
        data = err.mean()
    else:
        data = err.sum()
    return data + lam * (w**2).sum()


def outer(w, x, y):
    return loss(w, x, y, lam=0.5, reduction="sum") + loss(w, x=x, y=y)


def helper_with_tuple(w, x):
    def stats(v):
        return np.mean(v), np.std(v), len(v)

    mean, std, n = stats(x @ w)
    return (mean / std) ** 2 * n


x = np.array([[1.0, 0.4], [0.2, -0.7], [0.5, 1.5]])
y = np.array([0.3, -0.2, 1.1])

CASES = [
    dict(f=outer, args=(np.array([0.6, -0.4]), x, y), wrt=("w",)),
    dict(f=helper_with_tuple, args=(np.array([0.6, -0.4]), x), wrt=("w", "x")),
]
