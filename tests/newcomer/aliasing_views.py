import numpy as np


def gauss_seidel(b, omega):
    # in-place relaxation sweeps for -u'' = b with zero ends
    u = np.zeros(len(b) + 2)
    for sweep in range(8):
        for i in range(1, len(u) - 1):
            u[i] = (1 - omega) * u[i] + omega * 0.5 * (u[i - 1] + u[i + 1] + b[i - 1])
    return np.sum(u**2)


def alias_then_write(x):
    x = x.copy()
    y = x  # not a copy: writes to y are writes to x
    y[0] = y[0] * 3.0
    y[1] += x[2]
    return np.sum(x**2) + np.sum(y)


def center_columns(X):
    X = X.copy()
    X -= X.mean(axis=0)
    col = X[:, 0]  # a view
    col /= np.sqrt(np.sum(col**2))
    return np.sum(X[:, 0] * X[:, 1]) + np.sum(X**3)


def update_list_of_params(w, b, x, y):
    params = [w, b]
    for step in range(3):
        pred = x * params[0] + params[1]
        g0 = np.mean(2 * (pred - y) * x)
        g1 = np.mean(2 * (pred - y))
        params[0] = params[0] - 0.1 * g0
        params[1] = params[1] - 0.1 * g1
    return np.mean((x * params[0] + params[1] - y) ** 2)


def mutate_argument(x):
    # writes into its argument without copying (the caller's array changes)
    for i in range(1, len(x)):
        x[i] = x[i] + 0.5 * x[i - 1]
    return np.sum(np.sin(x))


x3 = np.array([0.4, -1.2, 0.9])

CASES = [
    dict(f=gauss_seidel, args=(np.array([1.0, 0.5, -0.3, 0.8]), 1.2), wrt=("b", "omega")),
    dict(f=alias_then_write, refused=r"aliasing_views\.py:\d+:\d+: writing into 'y', which may share memory",
         args=(x3,), wrt=("x",)),
    dict(f=center_columns, refused=r"`col /= np\.sqrt\(np\.sum\(col\*\*2\)\)` changes in place an array also held by X",
         args=(np.array([[1.0, 0.5], [0.2, -0.4], [-0.7, 1.1], [0.3, 0.2]]),), wrt=("X",)),
    dict(f=update_list_of_params, args=(0.5, -0.1, np.array([0.0, 1.0, 2.0]), np.array([0.2, 1.1, 2.3])),
         wrt=("w", "b")),
    dict(f=mutate_argument, refused=r"aliasing_views\.py:\d+:\d+: writing into parameter 'x'",
         args=(x3,), wrt=("x",)),
]
