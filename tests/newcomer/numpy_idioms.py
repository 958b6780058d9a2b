import numpy as np


def einsum_bilinear(W, x, y):
    return np.einsum("i,ij,j->", x, W, y) + np.einsum("ij,ij->", W, W)


def positive_part(x):
    return np.sum(x[x > 0] ** 2) + sum(v**3 for v in x if v < 0)


def polyval_fit(coeffs, xs, ys):
    return np.sum((np.polyval(coeffs, xs) - ys) ** 2)


def yield_curve(rates, t):
    # linear interpolation of zero rates, then discount factors
    tenors = np.array([0.5, 1.0, 2.0, 5.0])
    r = np.interp(t, tenors, rates)
    return np.sum(np.exp(-r * t))


def polar(xy):
    r = np.hypot(xy[:, 0], xy[:, 1])
    theta = np.arctan2(xy[:, 1], xy[:, 0])
    return np.sum(r * np.cos(2 * theta)) + np.sum(np.log1p(r**2))


def sorted_weights(x):
    s = np.sort(x)
    w = np.arange(1, len(x) + 1)
    return np.dot(w, s)


def covariance_logdet(X):
    C = np.cov(X, rowvar=False)
    return np.log(np.linalg.det(C)) + np.trace(np.outer(X[0], X[1]))


rng = np.random.default_rng(9)

CASES = [
    dict(f=einsum_bilinear, args=(rng.normal(size=(2, 3)), rng.normal(size=2), rng.normal(size=3)),
         wrt=("W", "x", "y")),
    dict(f=positive_part, args=(np.array([0.5, -1.2, 2.0, -0.3]),), wrt=("x",)),
    dict(f=polyval_fit, args=(np.array([0.3, -1.0, 0.5]), np.array([0.1, 0.7, 1.4]), np.array([0.4, 0.0, -0.2])),
         wrt=("coeffs", "xs")),
    dict(f=yield_curve, args=(np.array([0.01, 0.015, 0.02, 0.03]), np.array([0.75, 1.5, 3.0])), wrt=("rates", "t")),
    dict(f=polar, args=(np.array([[1.0, 0.5], [-0.3, 0.8], [0.2, -1.1]]),), wrt=("xy",)),
    dict(f=sorted_weights, args=(np.array([0.4, -1.3, 2.2, 0.9]),), wrt=("x",)),
    dict(f=covariance_logdet, args=(rng.normal(size=(6, 2)),), wrt=("X",)),
]
