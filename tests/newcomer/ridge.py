import numpy as np


def ridge_loss(w, b, X, y, lam):
    residual = X @ w + b - y
    return np.dot(residual, residual) / len(y) + lam * np.linalg.norm(w) ** 2


def closed_form_ridge(lam, X, y):
    n, d = X.shape
    w = np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y)
    return np.sum((X @ w - y) ** 2)


rng = np.random.default_rng(3)
X = rng.normal(size=(6, 3))
y = rng.normal(size=6)

CASES = [
    dict(f=ridge_loss, args=(np.array([0.2, -0.4, 0.7]), 0.3, X, y, 0.1), wrt=("w", "b", "lam")),
    dict(f=closed_form_ridge, args=(0.5, X, y), wrt=("lam", "X", "y")),
]
