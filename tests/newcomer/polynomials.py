import numpy as np


def horner(coeffs, x):
    result = 0
    for c in coeffs:
        result = result * x + c
    return result


def poly_fit_loss(coeffs, xs, ys):
    preds = horner(coeffs, xs)
    return np.sum((preds - ys) ** 2)


def chebyshev(n, x):
    if n == 0:
        return np.ones_like(x)
    if n == 1:
        return x
    return 2 * x * chebyshev(n - 1, x) - chebyshev(n - 2, x)


def cheb_series(c, x):
    return np.sum(sum(c[k] * chebyshev(k, x) for k in range(len(c))))


CASES = [
    dict(f=poly_fit_loss, args=(np.array([0.5, -1.0, 0.3]), np.array([0.1, 0.6, 1.3]), np.array([0.2, -0.1, 0.4])),
         wrt=("coeffs", "xs")),
    dict(f=cheb_series, args=(np.array([0.5, -0.2, 0.3, 0.1]), np.array([-0.6, 0.1, 0.8])), wrt=("c", "x")),
]
